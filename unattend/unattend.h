/*
 * unattend/unattend.h - the answer-file library: the interface the rest of
 * peforge uses.
 *
 * libpfunattend builds the answer file Windows Setup reads
 * (autounattend.xml) from a small data model, writes it as the bytes Setup
 * reads reliably, lints it and validates it against peforge's XSD; it also
 * lints and queries any answer file given as text.  It depends on libxml2
 * only: no Lua, no peforge core.  It never prints: every function returns
 * 0 or a negative -PF_UA_E* code, with a message where one helps (a
 * malloc'd string the caller frees, or pf_ua_model_error()), and the lint
 * returns its findings as a list.  The core's Lua host turns the Lua model
 * of pe.unattend into this model (its Lua binding, in core/) and the
 * command `peforge unattend --check` prints the findings
 * (core/unattend_cmd.c).
 *
 * A typical use:
 *
 *	struct pf_ua_model *m = pf_ua_model_new();
 *	struct pf_ua_elem *shell, *cmds, *cmd;
 *
 *	pf_ua_model_add_component(m, PF_UA_SPECIALIZE,
 *				  "Microsoft-Windows-Shell-Setup", &shell);
 *	pf_ua_elem_add_text(shell, "ComputerName", "PC1");
 *	pf_ua_elem_add(shell, "FirstLogonCommands", &cmds);
 *	pf_ua_elem_add_item(cmds, &cmd);
 *	pf_ua_elem_add_text(cmd, "CommandLine", "cmd /c ver");
 *	pf_ua_model_write(m, xsd, &text, &len, &findings, &err);
 *
 * Strings are UTF-8 and NUL-terminated.  Every function that fails leaves
 * its out-parameters untouched unless it says otherwise.
 */
#ifndef PEFORGE_UNATTEND_UNATTEND_H
#define PEFORGE_UNATTEND_UNATTEND_H

#include <stddef.h>

/* ---- errors -------------------------------------------------------------- */

/* The library's error codes; functions return 0 or one of these negated. */
enum pf_ua_error {
	PF_UA_ENOMEM = 1, /* out of memory */
	PF_UA_EINVAL = 2, /* the call breaks a rule of the model (message given) */
	PF_UA_ENOENT = 3, /* a file (the XSD) does not exist */
	PF_UA_EPARSE = 4, /* the text is not well-formed XML */
	PF_UA_EXML = 5,   /* libxml2 failed: unusable schema, validator, writer */
};

/* A short English description of ERR (positive or negated); never NULL. */
const char *pf_ua_strerror(int err);

/* ---- the catalog: what peforge knows about answer files ------------------- */

/* The two namespaces of an answer file. */
#define PF_UA_NS "urn:schemas-microsoft-com:unattend"
#define PF_UA_WCM_NS "http://schemas.microsoft.com/WMIConfig/2002/State"

/* Configuration passes, in the order Windows runs them (Microsoft's order,
 * the order they are written in). */
enum pf_ua_pass {
	PF_UA_WINDOWSPE,
	PF_UA_OFFLINESERVICING,
	PF_UA_GENERALIZE,
	PF_UA_SPECIALIZE,
	PF_UA_AUDITSYSTEM,
	PF_UA_AUDITUSER,
	PF_UA_OOBESYSTEM,
	PF_UA_NPASSES
};

/* The bit of pass P in a mask of passes. */
#define PF_UA_PASS(p) (1u << (p))

/* All passes, as a mask. */
#define PF_UA_ALL_PASSES ((1u << PF_UA_NPASSES) - 1)

/* The name of pass P ("windowsPE"...), or NULL when P is not a pass. */
const char *pf_ua_pass_name(int p);

/* The index of the pass called NAME (exact case), or -1. */
int pf_ua_pass_index(const char *name);

/* "windowsPE, specialize" for the passes in MASK, in a static buffer that
 * the next call overwrites (not thread-safe). */
const char *pf_ua_pass_list(unsigned mask);

/* A component Windows Setup knows, and the passes where it is applied. */
struct pf_ua_component {
	const char *name;
	unsigned passes;
};

/* Every component of the catalog; the last entry has a NULL name. */
extern const struct pf_ua_component pf_ua_components[];

/* The catalog entry for component NAME (case-insensitive), or NULL. */
const struct pf_ua_component *pf_ua_component_find(const char *name);

/* The catalog entry nearest to NAME (edit distance <= 2, case-insensitive),
 * or NULL: for "did you mean" messages about misspelled components. */
const struct pf_ua_component *pf_ua_component_near(const char *name);

/* A top-level setting valid in fewer passes than its component. */
struct pf_ua_setting {
	const char *component, *setting;
	unsigned passes;
};

/* The pass restriction of COMPONENT/SETTING, or NULL when none is known. */
const struct pf_ua_setting *pf_ua_setting_find(const char *component,
					       const char *setting);

/* How the items of a list are keyed. */
enum pf_ua_key {
	PF_UA_KEY_NONE,  /* wcm:action="add" only (LocalAccount, MetaData, Disk) */
	PF_UA_KEY_ORDER, /* wcm:action="add" and an <Order> child numbered 1, 2... */
	PF_UA_KEY_VALUE, /* wcm:action="add" wcm:keyValue="1", "2"... */
};

/* A list container (RunSynchronous), the name of its items and their key. */
struct pf_ua_list {
	const char *container, *item;
	enum pf_ua_key key;
};

/* Every list of the catalog; the last entry has a NULL container. */
extern const struct pf_ua_list pf_ua_lists[];

/* The list whose container element is called CONTAINER, or NULL. */
const struct pf_ua_list *pf_ua_list_find(const char *container);

/* Whether ARCH is a processor architecture a component may name (x86,
 * amd64, arm64, wow64, arm, ia64, msil). */
int pf_ua_arch_valid(const char *arch);

/* ---- the model ---------------------------------------------------------------
 *
 * A model is the answer file before it is written: an architecture and, per
 * pass, components, each a tree of elements.  An element has a name, text,
 * attributes, named children (at most one of each name) and list items
 * (children all named alike and numbered when written).  The model does not
 * keep an order: pf_ua_model_write() and pf_ua_model_serialize() write
 * passes in Microsoft's order, components sorted by name, children by
 * pf_ua_name_cmp() and items in the order they were added; they number the
 * items of the catalog's lists, give each component the five attributes
 * Windows expects and leave out empty text, elements left without content
 * (unless they carry attributes) and empty components and passes.
 *
 * Each call checks what it is given and fails with -PF_UA_EINVAL and a
 * message (pf_ua_model_error()) when it is not allowed, so a model that was
 * built without error always writes.  Elements belong to their model: they
 * are freed with it and must not be used after.
 */

/* An answer file being built (opaque). */
struct pf_ua_model;

/* An element of a model (opaque). */
struct pf_ua_elem;

/* The deepest an element may be nested below its component. */
#define PF_UA_MAX_DEPTH 100

/* A new empty model for architecture amd64; NULL when out of memory. */
struct pf_ua_model *pf_ua_model_new(void);

/* Free M and all its elements (NULL is allowed). */
void pf_ua_model_free(struct pf_ua_model *m);

/* The message of the last call on M (or one of its elements) that failed
 * with -PF_UA_EINVAL; "" when none did.  Valid until the next failing call. */
const char *pf_ua_model_error(const struct pf_ua_model *m);

/* Set the architecture written in every component's processorArchitecture:
 * "amd64", "x86" or "arm64" (also "arm" and "ia64"; NULL, "wow64", "msil"
 * or another value: -PF_UA_EINVAL). */
int pf_ua_model_set_arch(struct pf_ua_model *m, const char *arch);

/*
 * Add component NAME (non-empty ASCII; not in the model's pass PASS yet) to
 * pass PASS; *OUT is its element, whose children are the component's
 * settings.  Returns 0, -PF_UA_EINVAL or -PF_UA_ENOMEM.
 */
int pf_ua_model_add_component(struct pf_ua_model *m, int pass, const char *name,
			      struct pf_ua_elem **out);

/*
 * Add a child element NAME (an XML name without prefix, not yet a child of
 * PARENT, not the name of PARENT's list items when it has items) to
 * PARENT; *OUT (may be NULL) is the new element.  Returns 0, -PF_UA_EINVAL
 * or -PF_UA_ENOMEM.
 */
int pf_ua_elem_add(struct pf_ua_elem *parent, const char *name,
		   struct pf_ua_elem **out);

/* Add a child element NAME holding TEXT: pf_ua_elem_add() then
 * pf_ua_elem_set_text().  Empty TEXT makes an element that is not written. */
int pf_ua_elem_add_text(struct pf_ua_elem *parent, const char *name,
			const char *text);

/*
 * Set the text of E (written before its children) to TEXT: UTF-8 without
 * control characters other than tab, LF and CR (else -PF_UA_EINVAL).
 * Replaces any text set before.  Returns 0, -PF_UA_EINVAL or -PF_UA_ENOMEM.
 */
int pf_ua_elem_set_text(struct pf_ua_elem *e, const char *text);

/*
 * Set attribute NAME of E to VALUE: NAME is an XML name or "wcm:" and one
 * (the wcm namespace); VALUE is ASCII text.  Attributes are written sorted
 * by name; a list item's wcm:action and wcm:keyValue set here are kept
 * instead of the numbering's.  Setting one twice replaces the value.
 * Returns 0, -PF_UA_EINVAL or -PF_UA_ENOMEM.
 */
int pf_ua_elem_set_attr(struct pf_ua_elem *e, const char *name, const char *value);

/*
 * Name the list items of E ITEM (an XML name) instead of the catalog's
 * name for E's list (pf_ua_list_find()).  Returns 0, -PF_UA_EINVAL (bad
 * name, or E has items already) or -PF_UA_ENOMEM.
 */
int pf_ua_elem_set_item(struct pf_ua_elem *e, const char *item);

/* The name of E's list items (set, or from the catalog), or NULL: E cannot
 * have items then. */
const char *pf_ua_elem_item(const struct pf_ua_elem *e);

/*
 * Append a list item to E (which needs an item name, pf_ua_elem_item(),
 * and no child of that name); *OUT (may be NULL) is the item, an element
 * like any other.  Returns 0, -PF_UA_EINVAL or -PF_UA_ENOMEM.
 */
int pf_ua_elem_add_item(struct pf_ua_elem *e, struct pf_ua_elem **out);

/* Append a list item holding TEXT to E, which must not be a list whose
 * items get an <Order> (they must be elements).  Returns as
 * pf_ua_elem_add_item(). */
int pf_ua_elem_add_item_text(struct pf_ua_elem *e, const char *text);

/* The order children are written in: "Order" first, then case-insensitive
 * alphabetical, byte order breaking ties.  A strcmp-like result. */
int pf_ua_name_cmp(const char *a, const char *b);

/*
 * Write M as Windows Setup reads it: the declaration
 * <?xml version="1.0" encoding="utf-8"?>, ASCII bytes only (every other
 * character as &#xHEX;), two-space indentation, CRLF line ends.  *TEXT
 * (malloc'd, NUL-terminated) and *LEN get the bytes.  Returns 0,
 * -PF_UA_ENOMEM or -PF_UA_EXML with *ERR (may be NULL) a malloc'd message.
 */
int pf_ua_model_serialize(const struct pf_ua_model *m, char **text, size_t *len,
			  char **err);

/* ---- findings ------------------------------------------------------------- */

/* Where a finding comes from. */
enum pf_ua_source {
	PF_UA_FROM_LINT,   /* a lint rule (docs/unattend.md, "Lint rules") */
	PF_UA_FROM_SCHEMA, /* the XSD; the message starts with "schema: " */
};

/* How bad a finding is.  An error: Windows Setup stops, or the file breaks
 * a rule Setup enforces; a warning: Setup goes on but ignores or misreads
 * a setting; a note: worth knowing, harmless. */
enum pf_ua_severity {
	PF_UA_ERROR,
	PF_UA_WARNING,
	PF_UA_NOTE,
	PF_UA_NSEVERITIES
};

/* "error", "warning" or "note" (NULL for another value). */
const char *pf_ua_severity_name(int severity);

/* One problem found in an answer file: where (an XPath), which rule, how
 * bad and what. */
struct pf_ua_finding {
	long order;               /* document order of the node, for sorting */
	enum pf_ua_source source;
	enum pf_ua_severity severity;
	const char *rule;         /* static: "computer-name", "schema"... */
	char *xpath;              /* malloc'd */
	char *msg;                /* malloc'd */
};

/* A growing list of findings; start with { NULL, 0, 0 }. */
struct pf_ua_findings {
	struct pf_ua_finding *v;
	size_t n, cap;
};

/* How many findings of F have severity SEVERITY. */
size_t pf_ua_findings_count(const struct pf_ua_findings *f, int severity);

/*
 * The findings of F about FILE as JSON (docs/unattend.md, "--json"): an
 * object {"file", "errors", "warnings", "notes", "findings": [{"file",
 * "xpath", "rule", "severity", "message"}...]}, then a newline.  Strings
 * are escaped (quotes, backslashes, control characters; bytes that are not
 * UTF-8 become U+FFFD).  *OUT is malloc'd; returns 0 or -PF_UA_ENOMEM.
 */
int pf_ua_findings_json(const char *file, const struct pf_ua_findings *f, char **out);

/* Free every finding of F (F is left empty and reusable). */
void pf_ua_findings_clear(struct pf_ua_findings *f);

/* ---- schema, checks and queries -------------------------------------------- */

/* A loaded XSD (opaque). */
struct pf_ua_schema;

/*
 * Load the XSD at PATH into *OUT (pf_ua_schema_free()).  Returns 0, or
 * -PF_UA_ENOENT / -PF_UA_EXML / -PF_UA_ENOMEM with *ERR a malloc'd message
 * naming PATH (NULL when out of memory).
 */
int pf_ua_schema_load(const char *path, struct pf_ua_schema **out, char **err);

/* Free S (NULL is allowed). */
void pf_ua_schema_free(struct pf_ua_schema *s);

/*
 * A copy of S for another thread: it shares S's parsed XSD (read only while
 * validating) but has its own validation context and table of names, the
 * two parts of a schema that writing a file changes.  Two threads may write
 * files at once with two forks (or S and a fork).  Free it before S.
 * Returns 0 or -PF_UA_ENOMEM.
 */
int pf_ua_schema_fork(const struct pf_ua_schema *s, struct pf_ua_schema **out);

/*
 * Write M (as pf_ua_model_serialize()) and check what it writes: the lint
 * rules, and XSD when not NULL; the findings are appended to F, sorted in
 * document order.  Returns 0 (findings or not), or -PF_UA_ENOMEM /
 * -PF_UA_EXML with *ERR a malloc'd message (NULL when out of memory).
 */
int pf_ua_model_write(const struct pf_ua_model *m, const struct pf_ua_schema *xsd,
		      char **text, size_t *len, struct pf_ua_findings *f, char **err);

/* An answer file read from text (opaque). */
struct pf_ua_doc;

/*
 * Parse the answer file TEXT/LEN (NAME for messages), without network
 * access or entity expansion, into *OUT (pf_ua_doc_free()).  Returns 0,
 * -PF_UA_ENOMEM, or -PF_UA_EPARSE with *ERR a malloc'd "line N: message".
 */
int pf_ua_doc_parse(const char *text, size_t len, const char *name,
		    struct pf_ua_doc **out, char **err);

/* Free D (NULL is allowed). */
void pf_ua_doc_free(struct pf_ua_doc *d);

/*
 * Lint D (with the rule about raw non-ASCII bytes) and validate it against
 * XSD when not NULL; the findings are appended to F, sorted in document
 * order.  Returns 0, or -PF_UA_ENOMEM / -PF_UA_EXML with *ERR a malloc'd
 * message (NULL when out of memory).
 */
int pf_ua_doc_check(struct pf_ua_doc *d, const struct pf_ua_schema *xsd,
		    struct pf_ua_findings *f, char **err);

/*
 * Run the XPath expression XPATH on D; prefixes u (the unattend
 * namespace) and wcm are bound.  A node set gives each node's string
 * value, another result one string.  *VALUES (pf_ua_strv_free()) and *N
 * get them.  Returns 0, -PF_UA_ENOMEM, or -PF_UA_EINVAL with *ERR a
 * malloc'd message for a bad expression.
 */
int pf_ua_doc_query(struct pf_ua_doc *d, const char *xpath, char ***values,
		    size_t *n, char **err);

/* Free the N strings of V and V. */
void pf_ua_strv_free(char **v, size_t n);

/*
 * Whether the answer file TEXT/LEN (NAME for messages) erases data on a
 * disk, in any pass: a Disk with WillWipeDisk true, a CreatePartitions
 * holding a CreatePartition, or a ModifyPartition with a Format.  Returns
 * 1 (it does), 0 (it does not), or -PF_UA_EPARSE (not well-formed XML;
 * *ERR a malloc'd "line N: message") / -PF_UA_ENOMEM.  The pxe output's
 * policy for machines it does not know rests on it.
 */
int pf_ua_text_wipes(const char *text, size_t len, const char *name, char **err);

/* ---- hidden passwords ----------------------------------------------------- */

/* base64(UTF-16LE(PASSWORD + ELEMENT)), the way Windows hides passwords
 * with PlainText=false (ELEMENT: "Password", "AdministratorPassword").
 * NULL when PASSWORD or ELEMENT is not UTF-8, or out of memory.  Caller
 * frees. */
char *pf_ua_password_encode(const char *password, const char *element);

/* The inverse: the password, or NULL when VALUE is not base64 of UTF-16LE
 * text ending with ELEMENT (or out of memory).  Caller frees. */
char *pf_ua_password_decode(const char *value, const char *element);

#endif
