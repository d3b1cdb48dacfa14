/*
 * unattend/unattend.c - the library's top: writing a model and checking
 * what it writes (the engine, serialize.c, then the lint, rules.c and the
 * XSD), checking and querying an answer file read from text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "ua.h"

int pf_ua_schema_load(const char *path, struct pf_ua_schema **out, char **err)
{
	struct pf_ua_schema *s = calloc(1, sizeof(*s));
	int ret;

	*err = NULL;
	if (!s || !(s->path = pf_ua_strdup(path))) {
		free(s);
		return -PF_UA_ENOMEM;
	}
	xmlInitParser();
	ret = pf_ua_xsd_load(path, &s->xsd, err);
	/* a validation context (with its dictionary) made once: creating one
	 * for each of thousands of per-machine files was a measurable cost */
	if (!ret && !(s->vc = xmlSchemaNewValidCtxt(s->xsd)))
		ret = -PF_UA_ENOMEM;
	if (!ret && !(s->names = xmlDictCreate()))
		ret = -PF_UA_ENOMEM;
	if (ret) {
		pf_ua_schema_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

void pf_ua_schema_free(struct pf_ua_schema *s)
{
	if (!s)
		return;
	if (s->vc)
		xmlSchemaFreeValidCtxt(s->vc);
	if (s->xsd && !s->borrowed)
		xmlSchemaFree(s->xsd);
	if (s->names)
		xmlDictFree(s->names);
	free(s->path);
	free(s);
}

int pf_ua_schema_fork(const struct pf_ua_schema *s, struct pf_ua_schema **out)
{
	struct pf_ua_schema *f = calloc(1, sizeof(*f));

	if (!f)
		return -PF_UA_ENOMEM;
	f->xsd = s->xsd;
	f->borrowed = 1;
	if (!(f->path = pf_ua_strdup(s->path)) || !(f->vc = xmlSchemaNewValidCtxt(s->xsd)) ||
	    !(f->names = xmlDictCreate())) {
		pf_ua_schema_free(f);
		return -PF_UA_ENOMEM;
	}
	*out = f;
	return 0;
}

/*
 * Lint DOC (RAW/LEN: its bytes, or NULL) and validate it against XSD (may
 * be NULL) into F, sorted.  Returns 0, or an error with *ERR a message.
 */
static int check(xmlDoc *doc, const char *raw, size_t len, const struct pf_ua_schema *xsd,
		 struct pf_ua_findings *f, char **err)
{
	int ret = pf_ua_lint(doc, raw, len, f);

	if (!ret && xsd) {
		ret = pf_ua_validate_in(doc, xsd->xsd, xsd->vc, f);
		if (ret == -PF_UA_EXML)
			*err = pf_ua_asprintf("%s: the validator failed", xsd->path);
	}
	if (!ret)
		pf_ua_findings_sort(f);
	return ret;
}

int pf_ua_model_write(const struct pf_ua_model *m, const struct pf_ua_schema *xsd,
		      char **text, size_t *len, struct pf_ua_findings *f, char **err)
{
	xmlDoc *doc = NULL;
	int ret;

	*err = NULL;
	ret = pf_ua_model_doc_in(m, xsd ? xsd->names : NULL, &doc);
	if (!ret)
		ret = check(doc, NULL, 0, xsd, f, err);
	if (!ret) {
		ret = pf_ua_serialize(doc, text, len);
		if (ret == -PF_UA_EXML)
			*err = pf_ua_strdup("cannot serialize the answer file");
	}
	xmlFreeDoc(doc);
	return ret;
}

int pf_ua_doc_parse(const char *text, size_t len, const char *name,
		    struct pf_ua_doc **out, char **err)
{
	struct pf_ua_doc *d = calloc(1, sizeof(*d));
	int ret;

	*err = NULL;
	if (!d || !(d->raw = malloc(len + 1))) {
		free(d);
		return -PF_UA_ENOMEM;
	}
	memcpy(d->raw, text, len);
	d->raw[len] = '\0';
	d->len = len;
	xmlInitParser();
	ret = pf_ua_parse(text, len, name, &d->doc, err);
	if (ret) {
		pf_ua_doc_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

void pf_ua_doc_free(struct pf_ua_doc *d)
{
	if (!d)
		return;
	xmlFreeDoc(d->doc);
	free(d->raw);
	free(d);
}

int pf_ua_doc_check(struct pf_ua_doc *d, const struct pf_ua_schema *xsd,
		    struct pf_ua_findings *f, char **err)
{
	*err = NULL;
	return check(d->doc, d->raw, d->len, xsd, f, err);
}

/* A libxml2 error handler that drops the message (the caller reports). */
static void quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* Append a copy of S (NULL: "") to *V (*N strings).  0 or -PF_UA_ENOMEM. */
static int strv_add(char ***v, size_t *n, const xmlChar *s)
{
	char **g = realloc(*v, (*n + 1) * sizeof(*g));

	if (!g)
		return -PF_UA_ENOMEM;
	*v = g;
	g[*n] = pf_ua_strdup(s ? (const char *)s : "");
	if (!g[*n])
		return -PF_UA_ENOMEM;
	++*n;
	return 0;
}

int pf_ua_doc_query(struct pf_ua_doc *d, const char *xpath, char ***values,
		    size_t *n, char **err)
{
	xmlXPathContext *ctx = xmlXPathNewContext(d->doc);
	xmlXPathObject *res = NULL;
	char **v = NULL;
	size_t nv = 0;
	int i, ret = -PF_UA_ENOMEM;

	*err = NULL;
	if (!ctx || xmlXPathRegisterNs(ctx, (const xmlChar *)"u", (const xmlChar *)PF_UA_NS) ||
	    xmlXPathRegisterNs(ctx, (const xmlChar *)"wcm", (const xmlChar *)PF_UA_WCM_NS))
		goto out;
	xmlSetStructuredErrorFunc(NULL, quiet);
	res = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (!res) {
		*err = pf_ua_asprintf("bad XPath expression: %s", xpath);
		ret = *err ? -PF_UA_EINVAL : -PF_UA_ENOMEM;
		goto out;
	}
	if (res->type == XPATH_NODESET) {
		for (i = 0; res->nodesetval && i < res->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlXPathCastNodeToString(res->nodesetval->nodeTab[i]);
			int r = strv_add(&v, &nv, s);

			xmlFree(s);
			if (r)
				goto out;
		}
	} else {
		xmlChar *s = xmlXPathCastToString(res);
		int r = strv_add(&v, &nv, s);

		xmlFree(s);
		if (r)
			goto out;
	}
	*values = v;
	*n = nv;
	v = NULL;
	ret = 0;
out:
	pf_ua_strv_free(v, nv);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return ret;
}

void pf_ua_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}
