/*
 * unattend/findings.c - the list of findings the lint rules and the XSD
 * produce: adding (with the XPath of the node at fault), sorting in
 * document order, dropping duplicates.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"

void pf_ua_findings_clear(struct pf_ua_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].xpath);
		free(f->v[i].msg);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

/* The document-order number of NODE (set by number_nodes), 0 for none. */
static long node_order(const xmlNode *node)
{
	while (node && node->type != XML_ELEMENT_NODE)
		node = node->parent;
	return node ? (long)(intptr_t)node->_private : 0;
}

/* Add the finding XPATH (taken) / MSG (taken) at ORDER. */
static int add_taken(struct pf_ua_findings *f, enum pf_ua_source source, long order,
		     char *xpath, char *msg)
{
	if (!xpath || !msg)
		goto nomem;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct pf_ua_finding *g = realloc(f->v, cap * sizeof(*g));

		if (!g)
			goto nomem;
		f->v = g;
		f->cap = cap;
	}
	f->v[f->n].order = order;
	f->v[f->n].source = source;
	f->v[f->n].xpath = xpath;
	f->v[f->n].msg = msg;
	f->n++;
	return 0;
nomem:
	free(xpath);
	free(msg);
	return -PF_UA_ENOMEM;
}

int pf_ua_findings_add(struct pf_ua_findings *f, enum pf_ua_source source,
		       const xmlNode *node, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return add_taken(f, source, node_order(node), node ? pf_ua_xpath(node) : pf_ua_strdup("/"),
			 pf_ua_strdup(buf));
}

/* Findings in document order; lint findings (added first) before schema
 * findings of the same node.  Stable: the index breaks ties. */
static int finding_cmp(const void *pa, const void *pb)
{
	const struct pf_ua_finding *a = pa, *b = pb;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

void pf_ua_findings_sort(struct pf_ua_findings *f)
{
	size_t i, j, k;

	/* Stable insertion sort: lists are short and mostly ordered. */
	for (i = 1; i < f->n; i++) {
		struct pf_ua_finding t = f->v[i];

		for (j = i; j > 0 && finding_cmp(&f->v[j - 1], &t) > 0; j--)
			f->v[j] = f->v[j - 1];
		f->v[j] = t;
	}
	/* Drop exact duplicates, and schema findings about a node a lint rule
	 * already reported (the lint message says more). */
	for (i = 0, k = 0; i < f->n; i++) {
		int drop = 0;

		for (j = 0; j < k && !drop; j++) {
			if (strcmp(f->v[j].xpath, f->v[i].xpath))
				continue;
			drop = !strcmp(f->v[j].msg, f->v[i].msg) ||
			       (f->v[i].source == PF_UA_FROM_SCHEMA &&
				f->v[j].source == PF_UA_FROM_LINT);
		}
		if (drop) {
			free(f->v[i].xpath);
			free(f->v[i].msg);
		} else {
			f->v[k++] = f->v[i];
		}
	}
	f->n = k;
}

xmlNode *pf_ua_next_node(xmlNode *n)
{
	if (n->children && n->type == XML_ELEMENT_NODE)
		return n->children;
	while (n && !n->next)
		n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
	return n ? n->next : NULL;
}

void pf_ua_number_nodes(xmlDoc *doc)
{
	xmlNode *n;
	long i = 0;

	for (n = xmlDocGetRootElement(doc); n; n = pf_ua_next_node(n))
		if (n->type == XML_ELEMENT_NODE)
			n->_private = (void *)(intptr_t)++i;
}

/* ---- XPath of a node ------------------------------------------------------- */

/* Count of element siblings of N (N included) named like N, and N's rank. */
static void rank(const xmlNode *n, int *count, int *pos)
{
	const xmlNode *s;

	*count = 0;
	*pos = 0;
	for (s = n->parent ? n->parent->children : n; s; s = s->next) {
		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name,
							  (const char *)n->name))
			continue;
		++*count;
		if (s == n)
			*pos = *count;
	}
}

/* Count of element siblings of N named like N with attribute ATTR = VALUE. */
static int count_with(const xmlNode *n, const char *attr, const xmlChar *value,
		      const xmlNode *upto)
{
	const xmlNode *s;
	int c = 0;

	for (s = n->parent ? n->parent->children : n; s; s = s->next) {
		xmlChar *v;

		if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name,
							  (const char *)n->name))
			continue;
		v = xmlGetProp(s, (const xmlChar *)attr);
		if (v && xmlStrEqual(v, value))
			c++;
		xmlFree(v);
		if (s == upto)
			break;
	}
	return c;
}

char *pf_ua_xpath(const xmlNode *node)
{
	const xmlNode *chain[64];
	size_t depth = 0, i, len = 0, cap = 256;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	while (node && node->type != XML_ELEMENT_NODE)
		node = node->parent;
	for (; node && node->type == XML_ELEMENT_NODE && depth < 64; node = node->parent)
		chain[depth++] = node;
	if (!depth) {
		strcpy(out, "/");
		return out;
	}
	for (i = depth; i-- > 0;) {
		const xmlNode *n = chain[i];
		const char *key = NULL;
		xmlChar *v = NULL;
		char seg[512];
		int count, pos, n2;

		rank(n, &count, &pos);
		if (!strcmp((const char *)n->name, "settings"))
			key = "pass";
		else if (!strcmp((const char *)n->name, "component"))
			key = "name";
		if (key)
			v = xmlGetProp(n, (const xmlChar *)key);
		if (v && xmlStrlen(v) < 200 && !xmlStrchr(v, '\'')) {
			int same = count_with(n, key, v, NULL);

			if (same > 1)
				n2 = snprintf(seg, sizeof(seg), "/%s[@%s='%s'][%d]",
					      (const char *)n->name, key, (const char *)v,
					      count_with(n, key, v, n));
			else
				n2 = snprintf(seg, sizeof(seg), "/%s[@%s='%s']",
					      (const char *)n->name, key, (const char *)v);
		} else if (count > 1) {
			n2 = snprintf(seg, sizeof(seg), "/%s[%d]", (const char *)n->name, pos);
		} else {
			n2 = snprintf(seg, sizeof(seg), "/%s", (const char *)n->name);
		}
		xmlFree(v);
		if (n2 < 0)
			continue;
		if (len + (size_t)n2 + 1 > cap) {
			char *g;

			cap = 2 * (len + (size_t)n2 + 1);
			g = realloc(out, cap);
			if (!g) {
				free(out);
				return NULL;
			}
			out = g;
		}
		memcpy(out + len, seg, (size_t)n2 + 1);
		len += (size_t)n2;
	}
	return out;
}
