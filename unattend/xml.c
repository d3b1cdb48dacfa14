/*
 * unattend/xml.c - the XML helpers of the lint: reading elements (children,
 * trimmed text, numbers, booleans), parsing an answer file safely, loading
 * the XSD and validating against it (each violation a finding).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "ua.h"

/* ---- elements ------------------------------------------------------------ */

/* Whether N is an element called NAME (local name). */
int pf_ua_is(const xmlNode *n, const char *name)
{
	/* the first byte compared first: the lint asks this of every element
	 * for a dozen names */
	return n && n->type == XML_ELEMENT_NODE && n->name[0] == (xmlChar)name[0] &&
	       !strcmp((const char *)n->name, name);
}

/* The first element child of N called NAME, or NULL. */
xmlNode *pf_ua_child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (pf_ua_is(c, name))
			return c;
	return NULL;
}

/* Whether N has element children. */
int pf_ua_has_elements(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The text of N, trimmed (malloc'd; "" for none; NULL when out of memory). */
char *pf_ua_text(const xmlNode *n)
{
	xmlChar *c = n ? xmlNodeGetContent(n) : NULL;
	const char *s = c ? (const char *)c : "";
	size_t len;
	char *r;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	r = malloc(len + 1);
	if (r) {
		memcpy(r, s, len);
		r[len] = '\0';
	}
	xmlFree(c);
	return r;
}

/* Parse the text of child NAME of N as a decimal integer into *V.
 * Returns 1 on success, 0 when absent or not a number. */
int pf_ua_int_of(const xmlNode *n, const char *name, long *v)
{
	char *t = pf_ua_text(pf_ua_child(n, name)), *end;
	int ok = 0;

	if (t && *t) {
		*v = strtol(t, &end, 10);
		ok = *end == '\0';
	}
	free(t);
	return ok;
}

/* Whether the text of child NAME of N is "true" (case-insensitive). */
int pf_ua_is_true(const xmlNode *n, const char *name)
{
	char *t = pf_ua_text(pf_ua_child(n, name));
	int r = t && !strcasecmp(t, "true");

	free(t);
	return r;
}

/* The component element N is in, or NULL. */
static const xmlNode *component_of(const xmlNode *n)
{
	for (; n; n = n->parent)
		if (pf_ua_is(n, "component"))
			return n;
	return NULL;
}

/* Whether N's component is called NAME. */
int pf_ua_in_component(const xmlNode *n, const char *name)
{
	const xmlNode *c = component_of(n);
	xmlChar *v = c ? xmlGetProp(c, (const xmlChar *)"name") : NULL;
	int r = v && !strcasecmp((const char *)v, name);

	xmlFree(v);
	return r;
}

/* ---- parsing and XSD validation ------------------------------------------ */

/* Collects libxml2 errors as findings ("schema: ..."), or the first message
 * (while loading the XSD: F is NULL). */
struct collect {
	struct pf_ua_findings *f;
	char *first;
	int ret;
};

/* libxml2 structured error handler: one finding per schema violation, the
 * namespace left out of element names for readability. */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct collect *c = ctx;
	char msg[1024], *p;
	const char *ns = "{" PF_UA_NS "}";
	size_t nl = strlen(ns);

	if (!e || !e->message || e->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message);
	while ((p = strstr(msg, ns)))
		memmove(p, p + nl, strlen(p + nl) + 1);
	p = msg + strlen(msg);
	while (p > msg && (p[-1] == '\n' || p[-1] == ' '))
		*--p = '\0';
	if (!c->f) {
		if (!c->first)
			c->first = e->line > 0 ? pf_ua_asprintf("line %d: %s", e->line, msg)
					       : pf_ua_strdup(msg);
		return;
	}
	if (!c->ret && pf_ua_findings_add(c->f, PF_UA_FROM_SCHEMA, "schema", PF_UA_ERROR,
					  e->node, "schema: %s", msg) != 0)
		c->ret = -PF_UA_ENOMEM;
}

int pf_ua_parse(const char *buf, size_t len, const char *name, xmlDoc **out, char **err)
{
	xmlParserCtxt *ctxt = xmlNewParserCtxt();
	xmlDoc *doc;

	*err = NULL;
	if (!ctxt)
		return -PF_UA_ENOMEM;
	doc = xmlCtxtReadMemory(ctxt, buf, len > 0x7fffffff ? 0x7fffffff : (int)len, name,
				NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
	if (!doc || !ctxt->wellFormed) {
		xmlError *e = xmlCtxtGetLastError(ctxt);
		char *m = e && e->message ? pf_ua_strdup(e->message) : NULL;

		xmlFreeDoc(doc);
		if (m && *m && m[strlen(m) - 1] == '\n')
			m[strlen(m) - 1] = '\0';
		*err = m ? pf_ua_asprintf("line %d: %s", e->line, m)
			 : pf_ua_strdup("not well-formed");
		free(m);
		xmlFreeParserCtxt(ctxt);
		return *err ? -PF_UA_EPARSE : -PF_UA_ENOMEM;
	}
	xmlFreeParserCtxt(ctxt);
	*out = doc;
	return 0;
}

/* Whether PATH is a regular file (after symbolic links). */
static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int pf_ua_xsd_load(const char *path, xmlSchema **out, char **err)
{
	struct collect c = { NULL, NULL, 0 };
	xmlSchemaParserCtxt *pc;
	xmlSchema *s;

	*err = NULL;
	if (!is_file(path)) {
		*err = pf_ua_asprintf("%s: the answer-file schema is missing (is peforge "
				   "installed?)", path);
		return -PF_UA_ENOENT;
	}
	pc = xmlSchemaNewParserCtxt(path);
	if (!pc)
		return -PF_UA_ENOMEM;
	xmlSchemaSetParserStructuredErrors(pc, on_error, &c);
	xmlSetStructuredErrorFunc(&c, on_error); /* the XML parser's own errors */
	s = xmlSchemaParse(pc);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchemaFreeParserCtxt(pc);
	if (!s) {
		*err = pf_ua_asprintf("%s: not a usable XML schema: %s", path,
				   c.first ? c.first : "parse error");
		free(c.first);
		return -PF_UA_EXML;
	}
	free(c.first);
	*out = s;
	return 0;
}

int pf_ua_validate(xmlDoc *doc, xmlSchema *schema, struct pf_ua_findings *f)
{
	return pf_ua_validate_in(doc, schema, NULL, f);
}

int pf_ua_validate_in(xmlDoc *doc, xmlSchema *schema, xmlSchemaValidCtxt *reuse,
		      struct pf_ua_findings *f)
{
	struct collect c = { f, NULL, 0 };
	xmlSchemaValidCtxt *vc = reuse ? reuse : xmlSchemaNewValidCtxt(schema);
	size_t before = f->n;
	int r;

	if (!vc)
		return -PF_UA_ENOMEM;
	if (!xmlDocGetRootElement(doc)->_private)
		pf_ua_number_nodes(doc);
	xmlSchemaSetValidStructuredErrors(vc, on_error, &c);
	r = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaSetValidStructuredErrors(vc, NULL, NULL);
	if (!reuse)
		xmlSchemaFreeValidCtxt(vc);
	if (c.ret)
		return c.ret;
	if (r < 0)
		return -PF_UA_EXML;
	if (r > 0 && f->n == before)
		return pf_ua_findings_add(f, PF_UA_FROM_SCHEMA, "schema", PF_UA_ERROR,
					  xmlDocGetRootElement(doc),
					  "schema: the file does not validate");
	return 0;
}
