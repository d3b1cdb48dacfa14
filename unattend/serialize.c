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

#include <libxml/parserInternals.h>
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
	/* the sorted copies live on the stack unless the element is big */
	struct pf_ua_elem *kids_here[16], **kids = kids_here;
	const struct pf_ua_attr *attrs_here[8], **attrs = attrs_here;
	size_t i, k;
	int ret = -PF_UA_ENOMEM, items_done = !item;

	if (e->text && *e->text)
		xmlNodeAddContent(x, (const xmlChar *)e->text);
	if (e->nattrs > sizeof(attrs_here) / sizeof(attrs_here[0]))
		attrs = malloc(e->nattrs * sizeof(*attrs));
	if (e->nkids > sizeof(kids_here) / sizeof(kids_here[0]))
		kids = malloc(e->nkids * sizeof(*kids));
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
	if (attrs != attrs_here)
		free(attrs);
	if (kids != kids_here)
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
	return pf_ua_model_doc_in(m, NULL, out);
}

int pf_ua_model_doc_in(const struct pf_ua_model *m, xmlDict *names, xmlDoc **out)
{
	struct out o = { NULL, NULL, NULL };
	xmlNode *root;
	int p;

	xmlInitParser();
	o.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (!o.doc)
		return -PF_UA_ENOMEM;
	if (names && xmlDictReference(names) == 0)
		o.doc->dict = names; /* before any node: their names come from it */
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

int pf_ua_serialize_libxml(xmlDoc *doc, char **out, size_t *len)
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

/* ---- the direct writer ----------------------------------------------------- */

/*
 * The bytes of the trees pf_ua_model_doc() makes, written straight into a
 * buffer: the same bytes as xmlSaveDoc() with XML_SAVE_FORMAT, escape_ascii
 * and sink_write (the tests compare the two), without libxml2's output
 * buffers, escaping callbacks and byte-by-byte CRLF pass, which cost more
 * than building the tree.  Anything such a tree does not hold (comments,
 * CDATA, entity references, non-ASCII or quote-holding namespace names,
 * non-ASCII attribute values, a document not made of one element) makes
 * the writer give up (*UNSUPPORTED), and pf_ua_serialize() asks libxml2.
 */
struct wr {
	char *buf;
	size_t len, cap;
	int oom, unsupported;
	int format;     /* XML_SAVE_FORMAT's indentation: off inside text */
};

/* Room for N more bytes in W (0, or -1 with W->oom set). */
static int wr_room(struct wr *w, size_t n)
{
	size_t cap;
	char *g;

	if (w->oom)
		return -1;
	if (w->len + n < w->cap)
		return 0;
	cap = w->cap ? w->cap : 4096;
	while (w->len + n >= cap)
		cap *= 2;
	g = realloc(w->buf, cap);
	if (!g) {
		w->oom = 1;
		return -1;
	}
	w->buf = g;
	w->cap = cap;
	return 0;
}

/* Append N bytes of S (no LF in them) to W. */
static void wr_put(struct wr *w, const char *s, size_t n)
{
	if (wr_room(w, n) == 0) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

static void wr_str(struct wr *w, const char *s)
{
	wr_put(w, s, strlen(s));
}

/* A line end (CRLF, as sink_write makes of libxml2's LF). */
static void wr_nl(struct wr *w)
{
	wr_put(w, "\r\n", 2);
}

/* The indentation of LEVEL (libxml2: two spaces a level, at most 30). */
static void wr_indent(struct wr *w, int level)
{
	static const char sp[] = "                                                            ";

	if (level > 30)
		level = 30;
	wr_put(w, sp, 2 * (size_t)level);
}

/* Text content S escaped as escape_ascii() does, LF written as CRLF. */
static void wr_text(struct wr *w, const unsigned char *s)
{
	size_t i = 0, n = strlen((const char *)s);

	while (i < n) {
		size_t run = i;
		char ref[16];
		const char *r;
		unsigned cp;
		int adv = 1;

		while (run < n && s[run] < 0x80 && s[run] != '&' && s[run] != '<' &&
		       s[run] != '>' && s[run] != '\r' && s[run] != '\n')
			run++;
		wr_put(w, (const char *)s + i, run - i);
		if ((i = run) == n)
			break;
		switch (s[i]) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\r': r = "&#13;"; break;
		case '\n': r = "\r\n"; break;
		default:
			adv = pf_ua_utf8_next(s + i, (int)(n - i > 0x7fffffff ? 0x7fffffff : n - i),
					      &cp);
			if (!adv) {
				adv = 1;
				cp = 0xfffd;
			}
			snprintf(ref, sizeof(ref), "&#x%X;", cp);
			r = ref;
		}
		wr_str(w, r);
		i += (size_t)adv;
	}
}

/* An attribute value as libxml2 writes it for a UTF-8 document; gives up
 * on non-ASCII bytes (libxml2 copies them as they are). */
static void wr_attr_value(struct wr *w, const unsigned char *s)
{
	for (; *s; s++) {
		const char *r = NULL;

		switch (*s) {
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '&': r = "&amp;"; break;
		case '"': r = "&quot;"; break;
		case '\n': r = "&#10;"; break;
		case '\r': r = "&#13;"; break;
		case '\t': r = "&#9;"; break;
		default:
			if (*s >= 0x80) {
				w->unsupported = 1;
				return;
			}
		}
		if (r)
			wr_str(w, r);
		else
			wr_put(w, (const char *)s, 1);
	}
}

/* The qualified name of a node in namespace NS. */
static void wr_qname(struct wr *w, const xmlNs *ns, const xmlChar *name)
{
	if (ns && ns->prefix) {
		wr_str(w, (const char *)ns->prefix);
		wr_put(w, ":", 1);
	}
	wr_str(w, (const char *)name);
}

/* The namespace declarations and attributes of element E. */
static void wr_attrs(struct wr *w, const xmlNode *e)
{
	const xmlNs *ns;
	const xmlAttr *a;

	for (ns = e->nsDef; ns; ns = ns->next) {
		if (ns->type != XML_NAMESPACE_DECL || !ns->href)
			continue;
		if (ns->prefix && !strcmp((const char *)ns->prefix, "xml"))
			continue;
		if (strchr((const char *)ns->href, '"')) {
			w->unsupported = 1;
			return;
		}
		wr_str(w, " xmlns");
		if (ns->prefix) {
			wr_put(w, ":", 1);
			wr_str(w, (const char *)ns->prefix);
		}
		wr_put(w, "=\"", 2);
		wr_str(w, (const char *)ns->href);
		wr_put(w, "\"", 1);
	}
	for (a = e->properties; a; a = a->next) {
		const xmlNode *t;

		wr_put(w, " ", 1);
		wr_qname(w, a->ns, a->name);
		wr_put(w, "=\"", 2);
		for (t = a->children; t; t = t->next) {
			if (t->type != XML_TEXT_NODE) {
				w->unsupported = 1;
				return;
			}
			if (t->content)
				wr_attr_value(w, t->content);
		}
		wr_put(w, "\"", 1);
	}
}

/* Element E at LEVEL and what it holds, as xmlNodeDumpOutputInternal()
 * writes it with XML_SAVE_FORMAT (the caller writes the line end after
 * it). */
static void wr_element(struct wr *w, const xmlNode *e, int level)
{
	const xmlNode *c;
	int saved = w->format;

	wr_put(w, "<", 1);
	wr_qname(w, e->ns, e->name);
	wr_attrs(w, e);
	if (!e->children) {
		wr_put(w, "/>", 2);
		return;
	}
	if (w->format)
		for (c = e->children; c; c = c->next)
			if (c->type == XML_TEXT_NODE)
				w->format = 0;
	wr_put(w, ">", 1);
	if (w->format)
		wr_nl(w);
	for (c = e->children; c && !w->unsupported && !w->oom; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (w->format)
				wr_indent(w, level + 1);
			wr_element(w, c, level + 1);
		} else if (c->type == XML_TEXT_NODE && c->name != xmlStringTextNoenc) {
			if (c->content)
				wr_text(w, c->content);
		} else {
			w->unsupported = 1;
		}
		if (w->format)
			wr_nl(w);
	}
	if (w->format)
		wr_indent(w, level);
	wr_put(w, "</", 2);
	wr_qname(w, e->ns, e->name);
	wr_put(w, ">", 1);
	w->format = saved;
}

/*
 * The bytes of DOC written directly (see struct wr).  Returns 0,
 * -PF_UA_ENOMEM, or 1 when DOC holds something the writer leaves to
 * libxml2.
 */
static int serialize_direct(const xmlDoc *doc, char **out, size_t *len)
{
	struct wr w = { NULL, 0, 0, 0, 0, 1 };
	const xmlNode *root = doc->children;

	if (!root || root->next || root->type != XML_ELEMENT_NODE || !doc->version ||
	    doc->standalone != -1 || strcmp((const char *)doc->version, "1.0"))
		return 1;
	wr_str(&w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
	wr_nl(&w);
	wr_element(&w, root, 0);
	wr_nl(&w);
	if (!w.oom && !w.unsupported && wr_room(&w, 1) == 0) {
		w.buf[w.len] = '\0';
		*out = w.buf;
		*len = w.len;
		return 0;
	}
	free(w.buf);
	return w.oom ? -PF_UA_ENOMEM : 1;
}

int pf_ua_serialize(xmlDoc *doc, char **out, size_t *len)
{
	int ret = serialize_direct(doc, out, len);

	return ret == 1 ? pf_ua_serialize_libxml(doc, out, len) : ret;
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
