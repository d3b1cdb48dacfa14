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
static int add_taken(struct pf_ua_findings *f, enum pf_ua_source source, const char *rule,
		     enum pf_ua_severity severity, long order, char *xpath, char *msg)
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
	f->v[f->n].rule = rule;
	f->v[f->n].severity = severity;
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
		       const char *rule, enum pf_ua_severity severity,
		       const xmlNode *node, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return add_taken(f, source, rule, severity, node_order(node), node ? pf_ua_xpath(node) : pf_ua_strdup("/"),
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
			/* a misspelled setting keeps the schema's list of
			 * what is expected there */
			drop = !strcmp(f->v[j].msg, f->v[i].msg) ||
			       (f->v[i].source == PF_UA_FROM_SCHEMA &&
				f->v[j].source == PF_UA_FROM_LINT &&
				strcmp(f->v[j].rule, "setting-name"));
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

const char *pf_ua_severity_name(int severity)
{
	static const char *const names[PF_UA_NSEVERITIES] = { "error", "warning", "note" };

	return severity >= 0 && severity < PF_UA_NSEVERITIES ? names[severity] : NULL;
}

size_t pf_ua_findings_count(const struct pf_ua_findings *f, int severity)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += (int)f->v[i].severity == severity;
	return n;
}

/* ---- JSON ------------------------------------------------------------------ */

/* Append LEN bytes of S to B; 0 or -PF_UA_ENOMEM (B->ret keeps it). */
static int buf_put(struct pf_ua_buf *b, const char *s, size_t len)
{
	if (b->ret)
		return b->ret;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *g;

		while (cap < b->len + len + 1)
			cap *= 2;
		g = realloc(b->s, cap);
		if (!g)
			return b->ret = -PF_UA_ENOMEM;
		b->s = g;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
	return 0;
}

int pf_ua_json_string(struct pf_ua_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char esc[8];

	buf_put(b, "\"", 1);
	while (*p) {
		unsigned cp;
		int n = pf_ua_utf8_next(p, (int)strnlen((const char *)p, 4), &cp);

		if (n == 0) {                   /* not UTF-8: U+FFFD */
			buf_put(b, "\\ufffd", 6);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			buf_put(b, esc, 2);
		} else if (cp == '\n') {
			buf_put(b, "\\n", 2);
		} else if (cp == '\r') {
			buf_put(b, "\\r", 2);
		} else if (cp == '\t') {
			buf_put(b, "\\t", 2);
		} else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
			/* controls, and the two separators JavaScript chokes on */
			snprintf(esc, sizeof(esc), "\\u%04x", cp);
			buf_put(b, esc, 6);
		} else {
			buf_put(b, (const char *)p, (size_t)n);
		}
		p += n;
	}
	return buf_put(b, "\"", 1);
}

int pf_ua_findings_json(const char *file, const struct pf_ua_findings *f, char **out)
{
	struct pf_ua_buf b = { NULL, 0, 0, 0 };
	char num[96];
	size_t i;

	buf_put(&b, "{\"file\": ", 9);
	pf_ua_json_string(&b, file);
	snprintf(num, sizeof(num), ", \"errors\": %zu, \"warnings\": %zu, \"notes\": %zu",
		 pf_ua_findings_count(f, PF_UA_ERROR), pf_ua_findings_count(f, PF_UA_WARNING),
		 pf_ua_findings_count(f, PF_UA_NOTE));
	buf_put(&b, num, strlen(num));
	buf_put(&b, ", \"findings\": [", 15);
	for (i = 0; i < f->n; i++) {
		const char *sev = pf_ua_severity_name(f->v[i].severity);

		buf_put(&b, i ? ",\n  {\"file\": " : "\n  {\"file\": ", i ? 13 : 12);
		pf_ua_json_string(&b, file);
		buf_put(&b, ", \"xpath\": ", 11);
		pf_ua_json_string(&b, f->v[i].xpath);
		buf_put(&b, ", \"rule\": ", 10);
		pf_ua_json_string(&b, f->v[i].rule ? f->v[i].rule : "");
		buf_put(&b, ", \"severity\": ", 14);
		pf_ua_json_string(&b, sev ? sev : "error");
		buf_put(&b, ", \"message\": ", 13);
		pf_ua_json_string(&b, f->v[i].msg);
		buf_put(&b, "}", 1);
	}
	buf_put(&b, f->n ? "\n]}\n" : "]}\n", f->n ? 4 : 3);
	if (b.ret) {
		free(b.s);
		return b.ret;
	}
	*out = b.s;
	return 0;
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
