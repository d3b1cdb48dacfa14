/*
 * unattend/serialize.c - writing a model: the libxml2 tree (namespaces,
 * passes in Microsoft's order, components sorted by name with the five
 * attributes Windows expects, children in Windows SIM's order, list items
 * numbered, empty elements dropped), then the bytes Windows Setup reads
 * (ASCII only, CRLF line ends).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "ua.h"

/* The namespaces of the document being made. */
struct out {
	xmlDoc *doc;
	xmlNs *ns, *wcm;
};

/* Whether element E holds nothing: no element child and no non-empty text. */
static int is_empty(const xmlNode *e)
{
	const xmlNode *c;

	for (c = e->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return 0;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content && c->content[0])
			return 0;
	}
	return 1;
}

int pf_ua_name_cmp(const char *a, const char *b)
{
	int c;

	if (strcmp(a, b) && (!strcmp(a, "Order") || !strcmp(b, "Order")))
		return !strcmp(a, "Order") ? -1 : 1;
	c = strcasecmp(a, b);
	return c ? c : strcmp(a, b);
}

/* qsort comparison of children: pf_ua_name_cmp of their names. */
static int kid_cmp(const void *pa, const void *pb)
{
	const struct pf_ua_elem *a = *(const struct pf_ua_elem *const *)pa;
	const struct pf_ua_elem *b = *(const struct pf_ua_elem *const *)pb;

	return pf_ua_name_cmp(a->name, b->name);
}

/* qsort comparison of attributes: byte order of their names. */
static int attr_cmp(const void *pa, const void *pb)
{
	const struct pf_ua_attr *a = *(const struct pf_ua_attr *const *)pa;
	const struct pf_ua_attr *b = *(const struct pf_ua_attr *const *)pb;

	return strcmp(a->name, b->name);
}

/* qsort comparison of components: case-insensitive, then bytes. */
static int comp_cmp(const void *pa, const void *pb)
{
	const struct pf_ua_elem *a = *(const struct pf_ua_elem *const *)pa;
	const struct pf_ua_elem *b = *(const struct pf_ua_elem *const *)pb;
	int c = strcasecmp(a->component, b->component);

	return c ? c : strcmp(a->component, b->component);
}

/* The first element child of E called NAME, or NULL. */
static xmlNode *child_named(const xmlNode *e, const char *name)
{
	xmlNode *c;

	for (c = e->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
			return c;
	return NULL;
}

/* Number the list item IT (the COUNT-th kept): wcm:action="add" unless the
 * model set an action, and an <Order> first child or a wcm:keyValue. */
static int number_item(struct out *o, xmlNode *it, enum pf_ua_key key, long count)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", count);
	if (!xmlHasNsProp(it, (const xmlChar *)"action", (const xmlChar *)PF_UA_WCM_NS) &&
	    !xmlSetNsProp(it, o->wcm, (const xmlChar *)"action", (const xmlChar *)"add"))
		return -1;
	if (key == PF_UA_KEY_VALUE &&
	    !xmlHasNsProp(it, (const xmlChar *)"keyValue", (const xmlChar *)PF_UA_WCM_NS) &&
	    !xmlSetNsProp(it, o->wcm, (const xmlChar *)"keyValue", (const xmlChar *)num))
		return -1;
	if (key == PF_UA_KEY_ORDER && !child_named(it, "Order")) {
		xmlNode *ord = xmlNewDocNode(o->doc, o->ns, (const xmlChar *)"Order",
					     (const xmlChar *)num);

		if (!ord)
			return -1;
		if (it->children)
			xmlAddPrevSibling(it->children, ord);
		else
			xmlAddChild(it, ord);
	}
	return 0;
}

static int fill(struct out *o, xmlNode *x, const struct pf_ua_elem *e);

/* A node for E (named as E, or NAME when not NULL), filled; *DROP set when
 * it is empty and has no attributes of the model.  NULL when out of
 * memory. */
static xmlNode *node_of(struct out *o, const struct pf_ua_elem *e, const char *name,
			int *drop)
{
	xmlNode *x = xmlNewDocNode(o->doc, o->ns, (const xmlChar *)(name ? name : e->name),
				   NULL);

	if (x && fill(o, x, e) != 0) {
		xmlFreeNode(x);
		return NULL;
	}
	*drop = x && is_empty(x) && !e->nattrs;
	return x;
}

/* Add the items of E under X, numbering only those kept: those with
 * content or with attributes of the model's own (a removal). */
static int add_items(struct out *o, xmlNode *x, const struct pf_ua_elem *e)
{
	const struct pf_ua_list *list = pf_ua_list_find(e->name);
	enum pf_ua_key key = list ? list->key : PF_UA_KEY_NONE;
	const char *item = pf_ua_elem_item(e);
	long count = 0;
	size_t i;

	for (i = 0; i < e->nitems; i++) {
		int drop;
		xmlNode *it = node_of(o, e->items[i], item, &drop);

		if (!it)
			return -PF_UA_ENOMEM;
		if (drop) {
			xmlFreeNode(it);
			continue;
		}
		if (number_item(o, it, key, ++count) != 0) {
			xmlFreeNode(it);
			return -PF_UA_ENOMEM;
		}
		xmlAddChild(x, it);
	}
	return 0;
}

/*
 * Fill node X from element E: text, attributes (sorted by name), children
 * and list items (where the item name sorts among the children's names).
 * Returns 0 or -PF_UA_ENOMEM.
 */
static int fill(struct out *o, xmlNode *x, const struct pf_ua_elem *e)
{
	const char *item = e->nitems ? pf_ua_elem_item(e) : NULL;
	struct pf_ua_elem **kids = NULL;
	const struct pf_ua_attr **attrs = NULL;
	size_t i, k;
	int ret = -PF_UA_ENOMEM, items_done = !item;

	if (e->text && *e->text)
		xmlNodeAddContent(x, (const xmlChar *)e->text);
	attrs = malloc((e->nattrs + 1) * sizeof(*attrs));
	kids = malloc((e->nkids + 1) * sizeof(*kids));
	if (!attrs || !kids)
		goto out;
	for (i = 0; i < e->nattrs; i++)
		attrs[i] = &e->attrs[i];
	qsort(attrs, e->nattrs, sizeof(*attrs), attr_cmp);
	for (i = 0; i < e->nattrs; i++) {
		const char *n = attrs[i]->name;
		const xmlChar *v = (const xmlChar *)attrs[i]->value;

		if (!(strncmp(n, "wcm:", 4)
		      ? xmlSetProp(x, (const xmlChar *)n, v)
		      : xmlSetNsProp(x, o->wcm, (const xmlChar *)n + 4, v)))
			goto out;
	}
	/* an element without children has e->kids == NULL, and memcpy from
	 * NULL is undefined even for 0 bytes (found by fuzz/recipe.c) */
	if (e->nkids)
		memcpy(kids, e->kids, e->nkids * sizeof(*kids));
	qsort(kids, e->nkids, sizeof(*kids), kid_cmp);
	for (k = 0; k <= e->nkids; k++) {
		xmlNode *c;
		int drop;

		if (!items_done && (k == e->nkids || pf_ua_name_cmp(item, kids[k]->name) < 0)) {
			if (add_items(o, x, e) != 0)
				goto out;
			items_done = 1;
		}
		if (k == e->nkids)
			break;
		c = node_of(o, kids[k], NULL, &drop);
		if (!c)
			goto out;
		if (drop)
			xmlFreeNode(c);
		else
			xmlAddChild(x, c);
	}
	ret = 0;
out:
	free(attrs);
	free(kids);
	return ret;
}

/* The <component> node of E with the five attributes Windows expects, or
 * NULL when out of memory. */
static xmlNode *component_node(struct out *o, const struct pf_ua_elem *e, const char *arch)
{
	xmlNode *c = xmlNewDocNode(o->doc, o->ns, (const xmlChar *)"component", NULL);

	if (!c || !xmlSetProp(c, (const xmlChar *)"name", (const xmlChar *)e->component) ||
	    !xmlSetProp(c, (const xmlChar *)"processorArchitecture", (const xmlChar *)arch) ||
	    !xmlSetProp(c, (const xmlChar *)"publicKeyToken",
			(const xmlChar *)"31bf3856ad364e35") ||
	    !xmlSetProp(c, (const xmlChar *)"language", (const xmlChar *)"neutral") ||
	    !xmlSetProp(c, (const xmlChar *)"versionScope", (const xmlChar *)"nonSxS") ||
	    fill(o, c, e) != 0) {
		xmlFreeNode(c);
		return NULL;
	}
	return c;
}

/* Add <settings pass=P> with the components of M in P, sorted by name;
 * components and passes left empty are dropped. */
static int add_pass(struct out *o, xmlNode *root, const struct pf_ua_model *m, int p)
{
	struct pf_ua_elem **comps;
	xmlNode *settings;
	size_t i, n = m->ncomps[p];
	int ret = -PF_UA_ENOMEM;

	comps = malloc((n + 1) * sizeof(*comps));
	settings = xmlNewDocNode(o->doc, o->ns, (const xmlChar *)"settings", NULL);
	if (!comps || !settings || !xmlSetProp(settings, (const xmlChar *)"pass",
					       (const xmlChar *)pf_ua_pass_name(p)))
		goto out;
	memcpy(comps, m->comps[p], n * sizeof(*comps));
	qsort(comps, n, sizeof(*comps), comp_cmp);
	for (i = 0; i < n; i++) {
		xmlNode *c = component_node(o, comps[i], m->arch);

		if (!c)
			goto out;
		if (is_empty(c))
			xmlFreeNode(c);
		else
			xmlAddChild(settings, c);
	}
	if (settings->children) {
		xmlAddChild(root, settings);
		settings = NULL;
	}
	ret = 0;
out:
	xmlFreeNode(settings);
	free(comps);
	return ret;
}

int pf_ua_model_doc(const struct pf_ua_model *m, xmlDoc **out)
{
	struct out o = { NULL, NULL, NULL };
	xmlNode *root;
	int p;

	xmlInitParser();
	o.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!o.doc)
		return -PF_UA_ENOMEM;
	o.doc->encoding = xmlStrdup((const xmlChar *)"utf-8");
	root = xmlNewDocNode(o.doc, NULL, (const xmlChar *)"unattend", NULL);
	if (!root || !o.doc->encoding)
		goto nomem;
	xmlDocSetRootElement(o.doc, root);
	o.ns = xmlNewNs(root, (const xmlChar *)PF_UA_NS, NULL);
	o.wcm = xmlNewNs(root, (const xmlChar *)PF_UA_WCM_NS, (const xmlChar *)"wcm");
	if (!o.ns || !o.wcm)
		goto nomem;
	xmlSetNs(root, o.ns);
	for (p = 0; p < PF_UA_NPASSES; p++)
		if (m->ncomps[p] && add_pass(&o, root, m, p) != 0)
			goto nomem;
	*out = o.doc;
	return 0;
nomem:
	xmlFreeDoc(o.doc);
	return -PF_UA_ENOMEM;
}

/* ---- bytes ---------------------------------------------------------------- */

/*
 * libxml2 escaping callback for text content: &, <, > and CR as entities
 * or references, every non-ASCII character as &#xHEX;, so the file is pure
 * ASCII whatever the text holds.  Consumes as much of IN as fits in OUT.
 */
static int escape_ascii(unsigned char *out, int *outlen, const unsigned char *in,
			int *inlen)
{
	int i = 0, o = 0;

	while (i < *inlen) {
		char ref[16];
		const char *r = NULL;
		int adv = 1, rl;
		unsigned cp;

		switch (in[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\r': r = "&#13;"; break;
		default:
			if (in[i] >= 0x80) {
				adv = pf_ua_utf8_next(in + i, *inlen - i, &cp);
				if (!adv) {
					adv = 1;
					cp = 0xfffd;
				}
				snprintf(ref, sizeof(ref), "&#x%X;", cp);
				r = ref;
			}
		}
		rl = r ? (int)strlen(r) : 1;
		if (o + rl > *outlen)
			break;
		if (r)
			memcpy(out + o, r, (size_t)rl);
		else
			out[o] = in[i];
		o += rl;
		i += adv;
	}
	*outlen = o;
	*inlen = i;
	return o;
}

/* Where the serializer writes: a growing buffer; LF becomes CRLF. */
struct sink {
	char *buf;
	size_t len, cap;
	int oom;
};

static int sink_write(void *ctx, const char *data, int len)
{
	struct sink *s = ctx;
	int i;

	for (i = 0; i < len; i++) {
		if (s->len + 3 > s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 4096;
			char *g = realloc(s->buf, cap);

			if (!g) {
				s->oom = 1;
				return -1;
			}
			s->buf = g;
			s->cap = cap;
		}
		if (data[i] == '\n')
			s->buf[s->len++] = '\r';
		s->buf[s->len++] = data[i];
	}
	return len;
}

static int sink_close(void *ctx)
{
	(void)ctx;
	return 0;
}

int pf_ua_serialize(xmlDoc *doc, char **out, size_t *len)
{
	struct sink s = { NULL, 0, 0, 0 };
	xmlSaveCtxt *ctxt;
	const xmlChar *enc = doc->encoding;
	int ret = 0;

	/* The declaration says utf-8 (what Setup expects); the bytes are ASCII. */
	doc->encoding = (const xmlChar *)"utf-8";
	ctxt = xmlSaveToIO(sink_write, sink_close, &s, NULL, XML_SAVE_FORMAT);
	if (!ctxt) {
		ret = -PF_UA_ENOMEM;
		goto out;
	}
	xmlSaveSetEscape(ctxt, escape_ascii);
	if (xmlSaveDoc(ctxt, doc) < 0)
		ret = s.oom ? -PF_UA_ENOMEM : -PF_UA_EXML;
	if (xmlSaveClose(ctxt) < 0 && !ret)
		ret = s.oom ? -PF_UA_ENOMEM : -PF_UA_EXML;
	/* sink_write keeps room for a CRLF: there is room for the NUL. */
	if (!ret && s.len < s.cap) {
		s.buf[s.len] = '\0';
		*out = s.buf;
		*len = s.len;
		s.buf = NULL;
	} else if (!ret) {
		ret = -PF_UA_EXML; /* nothing was written */
	}
out:
	doc->encoding = enc;
	free(s.buf);
	return ret;
}

int pf_ua_model_serialize(const struct pf_ua_model *m, char **text, size_t *len,
			  char **err)
{
	xmlDoc *doc = NULL;
	int ret = pf_ua_model_doc(m, &doc);

	if (!ret)
		ret = pf_ua_serialize(doc, text, len);
	xmlFreeDoc(doc);
	if (ret && err)
		*err = pf_ua_strdup(ret == -PF_UA_ENOMEM ? "out of memory"
				    : "cannot serialize the answer file");
	return ret;
}
