/*
 * unattend/ua.h - the library's internal interface, shared by its files
 * and the Check suite; the interface for the rest of peforge is
 * unattend.h.  The files, lowest first (each uses only those before it):
 *
 *   text.c       strings, UTF-8, error strings
 *   catalog.c    passes, components, settings, lists
 *   password.c   hidden passwords (base64 of UTF-16LE)
 *   model.c      the C model and its checks
 *   serialize.c  model -> libxml2 tree -> bytes
 *   findings.c   the findings list, the XPath of a node
 *   xml.c        node helpers, parsing, the XSD
 *   rules.c      the lint rules
 *   unattend.c   write = serialize + lint; check and query a document
 *
 * The engine (model.c, serialize.c) and the lint (findings.c, xml.c,
 * rules.c) do not call each other; unattend.c calls both.
 */
#ifndef PEFORGE_UNATTEND_UA_H
#define PEFORGE_UNATTEND_UA_H

#include <stdarg.h>
#include <stddef.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "unattend.h"

#if defined(__GNUC__)
#define PF_UA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PF_UA_PRINTF(f, a)
#endif

/* ---- text.c ------------------------------------------------------------- */

/* strdup; NULL for NULL or when out of memory. */
char *pf_ua_strdup(const char *s);

/* A malloc'd formatted string, or NULL when out of memory. */
char *pf_ua_asprintf(const char *fmt, ...) PF_UA_PRINTF(1, 2);

/* Decode one UTF-8 sequence at S (AVAIL bytes); *CP gets the code point.
 * Returns its length, or 0 for an invalid, overlong or truncated one. */
int pf_ua_utf8_next(const unsigned char *s, int avail, unsigned *cp);

/* Whether S is UTF-8 text XML can hold: no C0 controls other than tab,
 * LF and CR. */
int pf_ua_text_ok(const char *s);

/* Whether S is plain ASCII. */
int pf_ua_ascii_only(const char *s);

/* ---- model.c: the model's insides, read by serialize.c ------------------- */

/* An attribute: NAME is "x" or "wcm:x". */
struct pf_ua_attr {
	char *name, *value;
};

struct pf_ua_elem {
	struct pf_ua_model *model;
	char *name;             /* element name ("component" for a component) */
	char *component;        /* a component's name, else NULL */
	char *text;             /* NULL: none */
	char *item;             /* list item name set by pf_ua_elem_set_item */
	struct pf_ua_attr *attrs;
	size_t nattrs;
	struct pf_ua_elem **kids; /* named children, in the order added */
	size_t nkids, capkids;
	struct pf_ua_elem **items; /* list items, in the order added */
	size_t nitems, capitems;
	int depth;              /* 0 for a component */
};

/* A block of a model's memory (model.c). */
struct pf_ua_block;

struct pf_ua_model {
	struct pf_ua_block *blocks; /* every element, string and array of the model */
	char arch[8];
	struct pf_ua_elem **comps[PF_UA_NPASSES]; /* components per pass */
	size_t ncomps[PF_UA_NPASSES], capcomps[PF_UA_NPASSES];
	char err[512];
};

/* ---- serialize.c -------------------------------------------------------- */

/* The libxml2 tree of M (see unattend.h, "the model").  Returns 0 and *OUT
 * (xmlFreeDoc), or -PF_UA_ENOMEM. */
int pf_ua_model_doc(const struct pf_ua_model *m, xmlDoc **out);

/* The same, the names of elements and attributes taken from NAMES (a
 * dictionary kept from file to file, so a tree does not copy each name;
 * NULL: none). */
int pf_ua_model_doc_in(const struct pf_ua_model *m, xmlDict *names, xmlDoc **out);

/* The bytes of DOC as pf_ua_model_serialize() writes them.  Returns 0,
 * -PF_UA_ENOMEM or -PF_UA_EXML. */
int pf_ua_serialize(xmlDoc *doc, char **out, size_t *len);

/* The same bytes made by libxml2's xmlSaveDoc() (what pf_ua_serialize()
 * falls back on for trees its own writer does not handle; the tests
 * compare the two). */
int pf_ua_serialize_libxml(xmlDoc *doc, char **out, size_t *len);

/* ---- findings.c --------------------------------------------------------- */

/* Add a finding of rule RULE (a static string) and SEVERITY about NODE
 * (NULL: the document).  0 or -PF_UA_ENOMEM. */
int pf_ua_findings_add(struct pf_ua_findings *f, enum pf_ua_source source,
		       const char *rule, enum pf_ua_severity severity,
		       const xmlNode *node, const char *fmt, ...) PF_UA_PRINTF(6, 7);

/* A growing string: start with { NULL, 0, 0, 0 }; RET keeps the first
 * out-of-memory. */
struct pf_ua_buf {
	char *s;
	size_t len, cap;
	int ret;
};

/* Append S (NULL: "") to B as a JSON string: quotes, backslashes and
 * control characters (and U+2028, U+2029) escaped, each byte that does not
 * start valid UTF-8 written as \ufffd.  Returns 0 or -PF_UA_ENOMEM. */
int pf_ua_json_string(struct pf_ua_buf *b, const char *s);

/* Sort the findings in document order (lint before schema for one node)
 * and drop exact duplicates and schema findings about a node a lint rule
 * (other than setting-name) already reported. */
void pf_ua_findings_sort(struct pf_ua_findings *f);

/* The node after N in document order (elements' children first), or NULL
 * at the end: the walk of every node below an element. */
xmlNode *pf_ua_next_node(xmlNode *n);

/* Number the elements of DOC in document order (in _private, from 1): the
 * order of the findings about them. */
void pf_ua_number_nodes(xmlDoc *doc);

/* A readable XPath of NODE: /unattend/settings[@pass='specialize']/
 * component[@name='Microsoft-Windows-Shell-Setup']/ComputerName, with [n]
 * where siblings share a name.  Element names are the local names (all in
 * the unattend namespace).  Caller frees; NULL when out of memory. */
char *pf_ua_xpath(const xmlNode *node);

/* ---- xml.c -------------------------------------------------------------- */

/* Whether N is an element called NAME (local name). */
int pf_ua_is(const xmlNode *n, const char *name);

/* The first element child of N called NAME, or NULL (N may be NULL). */
xmlNode *pf_ua_child(const xmlNode *n, const char *name);

/* Whether N has element children. */
int pf_ua_has_elements(const xmlNode *n);

/* The text of N (may be NULL), trimmed: malloc'd, "" for none, NULL when
 * out of memory. */
char *pf_ua_text(const xmlNode *n);

/* Parse the text of child NAME of N as a decimal integer into *V: 1, or 0
 * when absent or not a number. */
int pf_ua_int_of(const xmlNode *n, const char *name, long *v);

/* Whether the text of child NAME of N is "true" (case-insensitive). */
int pf_ua_is_true(const xmlNode *n, const char *name);

/* Whether N is inside a component called NAME (case-insensitive). */
int pf_ua_in_component(const xmlNode *n, const char *name);

/* Parse BUF/LEN (NAME for messages) without network or entity expansion.
 * Returns 0 and *OUT, -PF_UA_ENOMEM, or -PF_UA_EPARSE with *ERR a malloc'd
 * "line N: message". */
int pf_ua_parse(const char *buf, size_t len, const char *name, xmlDoc **out,
		char **err);

/* Load the XSD at PATH into *OUT (xmlSchemaFree).  Returns 0, or
 * -PF_UA_ENOENT / -PF_UA_EXML / -PF_UA_ENOMEM with *ERR a malloc'd message
 * (NULL when out of memory). */
int pf_ua_xsd_load(const char *path, xmlSchema **out, char **err);

/* Validate DOC against SCHEMA; each violation becomes a finding in F.
 * Returns 0 or -PF_UA_ENOMEM / -PF_UA_EXML (the validator could not run). */
int pf_ua_validate(xmlDoc *doc, xmlSchema *schema, struct pf_ua_findings *f);

/* pf_ua_validate() with VC, a validation context of SCHEMA that is reused
 * from file to file (NULL: one is made for this call). */
int pf_ua_validate_in(xmlDoc *doc, xmlSchema *schema, xmlSchemaValidCtxt *vc,
		      struct pf_ua_findings *f);

/* ---- rules.c, rules_values.c: the lint ------------------------------------ */

/* Lint state: the findings, the first out-of-memory, what the rules about
 * users compare with. */
struct pf_ua_lint {
	xmlDoc *doc;
	struct pf_ua_findings *f;
	int ret;
	char *computer_name; /* the specialize ComputerName, for user checks */
	char **accounts;     /* names of every LocalAccount the file creates */
	size_t naccounts;
};

/* Report a finding of RULE and SEVERITY about N (out of memory is
 * remembered in L->ret, not returned). */
void pf_ua_report(struct pf_ua_lint *l, const xmlNode *n, const char *rule,
		  enum pf_ua_severity severity, const char *fmt, ...) PF_UA_PRINTF(5, 6);

/* rules_values.c: the rules about one component element C (its attributes
 * and the names of the settings below it). */
void pf_ua_rule_component(struct pf_ua_lint *l, const xmlNode *c);

/* rules_values.c: the rules about the value of element E (time zones,
 * locales, commands, AutoLogon users, keyed list items). */
void pf_ua_rule_value(struct pf_ua_lint *l, const xmlNode *e);

/* rules_values.c: remember the names of the LocalAccounts of the file. */
void pf_ua_find_accounts(struct pf_ua_lint *l, const xmlNode *root);

/* ---- values.c: tables of names ------------------------------------------------ */

/* Levenshtein distance of A and B, case-insensitive, capped at CAP + 1. */
size_t pf_ua_distance(const char *a, const char *b, size_t cap);

/* The Windows time-zone ID equal to ID (case-insensitive), or NULL. */
const char *pf_ua_timezone_find(const char *id);

/* The time-zone ID nearest to ID (a small edit distance), or NULL. */
const char *pf_ua_timezone_near(const char *id);

/* The names of the settings (elements at any depth) of COMPONENT, when
 * peforge knows them (a NULL-terminated list), or NULL. */
const char *const *pf_ua_settings_of(const char *component);


/*
 * Run the lint rules on DOC and add one finding per problem to F.  RAW/LEN
 * are the file's bytes when it was read from text (for the ASCII rule), or
 * NULL for a tree built in memory.  Returns 0 or -PF_UA_ENOMEM.
 */
int pf_ua_lint(xmlDoc *doc, const char *raw, size_t len, struct pf_ua_findings *f);

/* ---- unattend.c --------------------------------------------------------- */

/* A loaded XSD and its path (for messages). */
struct pf_ua_schema {
	xmlSchema *xsd;
	xmlSchemaValidCtxt *vc; /* one validation context, reused for every file */
	xmlDict *names;         /* the names of the trees written (pf_ua_model_doc_in) */
	char *path;
	int borrowed;           /* xsd belongs to another (pf_ua_schema_fork) */
};

/* A parsed answer file and its bytes (for the ASCII rule). */
struct pf_ua_doc {
	xmlDoc *doc;
	char *raw;
	size_t len;
};

#endif
