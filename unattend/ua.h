/*
 * unattend/ua.h - the answer-file engine's internal interface, shared by
 * engine.c (model -> libxml2 tree -> bytes, the Lua module), lint.c (rules
 * and XSD validation), catalog.c (passes, components, lists) and the Check
 * suite.  The public face is unattend.h.
 */
#ifndef PEFORGE_UNATTEND_UA_H
#define PEFORGE_UNATTEND_UA_H

#include <stddef.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <lua.h>

#include "peforge/plugin.h"

/* The two namespaces of an answer file. */
#define PF_UA_NS "urn:schemas-microsoft-com:unattend"
#define PF_UA_WCM_NS "http://schemas.microsoft.com/WMIConfig/2002/State"

/* ---- catalog (catalog.c) ------------------------------------------------ */

/* Configuration passes, in the order Windows runs them (Microsoft's order). */
enum {
	PF_UA_WINDOWSPE,
	PF_UA_OFFLINESERVICING,
	PF_UA_GENERALIZE,
	PF_UA_SPECIALIZE,
	PF_UA_AUDITSYSTEM,
	PF_UA_AUDITUSER,
	PF_UA_OOBESYSTEM,
	PF_UA_NPASSES
};
#define PF_UA_PASS(p) (1u << (p))

/* The name of pass P ("windowsPE"...). */
const char *pf_ua_pass_name(int p);

/* The index of the pass called NAME (exact case), or -1. */
int pf_ua_pass_index(const char *name);

/* "windowsPE, specialize" for the passes in MASK (static buffer: one at a time). */
const char *pf_ua_pass_list(unsigned mask);

/* A component Windows Setup knows, and the passes where it is applied. */
struct pf_ua_component {
	const char *name;
	unsigned passes;
};

/* The catalog entry for component NAME (exact case), or NULL. */
const struct pf_ua_component *pf_ua_component_find(const char *name);

/* The catalog entry nearest to NAME (edit distance <= 2, case-insensitive),
 * or NULL: for "did you mean" messages about misspelled components. */
const struct pf_ua_component *pf_ua_component_near(const char *name);

/* All components (NULL-terminated by name). */
extern const struct pf_ua_component pf_ua_components[];

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

/* A list container (RunSynchronous) and the name of its items. */
struct pf_ua_list {
	const char *container, *item;
	enum pf_ua_key key;
};

/* The list whose container element is called CONTAINER, or NULL. */
const struct pf_ua_list *pf_ua_list_find(const char *container);

/* The processor architectures a component may name. */
int pf_ua_arch_valid(const char *arch);

/* ---- findings (lint.c) -------------------------------------------------- */

/* One problem found in an answer file: where (an XPath) and what. */
struct pf_ua_finding {
	long order;  /* document order of the node, for sorting */
	char *xpath; /* malloc'd */
	char *msg;   /* malloc'd */
};

/* A growing list of findings. */
struct pf_ua_findings {
	struct pf_ua_finding *v;
	size_t n, cap;
};

/* Free every finding (the list is left empty and reusable). */
void pf_ua_findings_clear(struct pf_ua_findings *f);

/* Add a finding about NODE (NULL: the document).  0 or -PF_ENOMEM. */
int pf_ua_findings_add(struct pf_ua_findings *f, const xmlNode *node,
		       const char *fmt, ...) PF_PRINTF(3, 4);

/* Sort the findings in document order and drop exact duplicates and schema
 * findings about a node a lint rule already reported. */
void pf_ua_findings_sort(struct pf_ua_findings *f);

/* A readable XPath of NODE: /unattend/settings[@pass='specialize']/
 * component[@name='Microsoft-Windows-Shell-Setup']/ComputerName, with [n]
 * where siblings share a name.  Element names are the local names (all in
 * the unattend namespace).  Caller frees; NULL when out of memory. */
char *pf_ua_xpath(const xmlNode *node);

/*
 * Run the lint rules on DOC and add one finding per problem to F.  RAW/LEN
 * are the file's bytes when it was read from a file (for the ASCII rule),
 * or NULL for a tree built in memory.  Returns 0 or -PF_ENOMEM.
 */
int pf_ua_lint(xmlDoc *doc, const char *raw, size_t len, struct pf_ua_findings *f);

/*
 * Load the XSD at PATH.  *OUT is freed with xmlSchemaFree.  Returns 0, or
 * -PF_ENOENT / -PF_EXML with *ERR a malloc'd message (caller frees).
 */
int pf_ua_schema_load(const char *path, xmlSchema **out, char **err);

/* Validate DOC against SCHEMA; each violation becomes a finding in F.
 * Returns 0 or -PF_ENOMEM / -PF_EXML (the validator could not run). */
int pf_ua_validate(xmlDoc *doc, xmlSchema *schema, struct pf_ua_findings *f);

/*
 * Parse the answer file in BUF/LEN (NAME for messages) without network or
 * entity expansion.  Returns 0, or -PF_EXML with *ERR a malloc'd
 * "line N: message" (caller frees).
 */
int pf_ua_parse(const char *buf, size_t len, const char *name, xmlDoc **out,
		char **err);

/* ---- engine (engine.c) -------------------------------------------------- */

/*
 * Build the answer-file tree from the Lua model table at index IDX (see
 * docs/unattend.md, "The model").  Returns 0 and *OUT (xmlFreeDoc), or
 * -PF_EINVAL with *ERR a malloc'd message naming the model path at fault,
 * or -PF_ENOMEM.
 */
int pf_ua_build(lua_State *L, int idx, xmlDoc **out, char **err);

/*
 * Serialize DOC as Windows Setup wants it: an XML declaration saying
 * utf-8, pure ASCII bytes (every other character as a character
 * reference), two-space indentation, CRLF line ends.  *OUT is malloc'd and
 * NUL-terminated.  Returns 0 or -PF_ENOMEM / -PF_EXML.
 */
int pf_ua_serialize(xmlDoc *doc, char **out, size_t *len);

/* base64(UTF-16LE(PASSWORD + ELEMENT)), the way Windows hides passwords
 * with PlainText=false.  NULL when PASSWORD is not UTF-8 or out of memory.
 * Caller frees. */
char *pf_ua_password_encode(const char *password, const char *element);

/* The inverse: the password, or NULL when VALUE is not base64 of UTF-16LE
 * text ending with ELEMENT.  Caller frees. */
char *pf_ua_password_decode(const char *value, const char *element);

#endif
