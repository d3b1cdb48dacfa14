/*
 * unattend/model.c - the model of an answer file before it is written:
 * components per pass, each a tree of elements with text, attributes,
 * named children and list items.  Every call checks what it is given, so
 * that a model built without error always writes (serialize.c).  See
 * unattend.h for the rules.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "ua.h"

/* Record the message of a failed call in M; returns -PF_UA_EINVAL. */
static int PF_UA_PRINTF(2, 3) invalid(struct pf_ua_model *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, sizeof(m->err), fmt, ap);
	va_end(ap);
	return -PF_UA_EINVAL;
}

/* Whether NAME is an XML name without prefix. */
static int ncname_ok(const char *name)
{
	return name && xmlValidateNCName((const xmlChar *)name, 0) == 0;
}

/* Grow the array *V of elements (*CAP entries) to hold one more than N.
 * Returns 0 or -PF_UA_ENOMEM. */
static int grow(struct pf_ua_elem ***v, size_t n, size_t *cap)
{
	struct pf_ua_elem **g;

	if (n < *cap)
		return 0;
	g = realloc(*v, (*cap ? 2 * *cap : 8) * sizeof(*g));
	if (!g)
		return -PF_UA_ENOMEM;
	*v = g;
	*cap = *cap ? 2 * *cap : 8;
	return 0;
}

/* Free element E and everything below it. */
static void elem_free(struct pf_ua_elem *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nkids; i++)
		elem_free(e->kids[i]);
	for (i = 0; i < e->nitems; i++)
		elem_free(e->items[i]);
	for (i = 0; i < e->nattrs; i++) {
		free(e->attrs[i].name);
		free(e->attrs[i].value);
	}
	free(e->kids);
	free(e->items);
	free(e->attrs);
	free(e->name);
	free(e->component);
	free(e->text);
	free(e->item);
	free(e);
}

/* A new element NAME of M at DEPTH, or NULL when out of memory. */
static struct pf_ua_elem *elem_new(struct pf_ua_model *m, const char *name, int depth)
{
	struct pf_ua_elem *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->model = m;
	e->depth = depth;
	e->name = pf_ua_strdup(name);
	if (!e->name) {
		free(e);
		return NULL;
	}
	return e;
}

struct pf_ua_model *pf_ua_model_new(void)
{
	struct pf_ua_model *m = calloc(1, sizeof(*m));

	if (m)
		strcpy(m->arch, "amd64");
	return m;
}

void pf_ua_model_free(struct pf_ua_model *m)
{
	size_t i;
	int p;

	if (!m)
		return;
	for (p = 0; p < PF_UA_NPASSES; p++) {
		for (i = 0; i < m->ncomps[p]; i++)
			elem_free(m->comps[p][i]);
		free(m->comps[p]);
	}
	free(m);
}

const char *pf_ua_model_error(const struct pf_ua_model *m)
{
	return m->err;
}

int pf_ua_model_set_arch(struct pf_ua_model *m, const char *arch)
{
	/* wow64 and msil only accompany components of another architecture. */
	if (!arch || !pf_ua_arch_valid(arch) || !strcmp(arch, "wow64") ||
	    !strcmp(arch, "msil"))
		return invalid(m, "expected \"amd64\", \"x86\" or \"arm64\"");
	snprintf(m->arch, sizeof(m->arch), "%s", arch);
	return 0;
}

int pf_ua_model_add_component(struct pf_ua_model *m, int pass, const char *name,
			      struct pf_ua_elem **out)
{
	struct pf_ua_elem *e;
	size_t i;

	if (!pf_ua_pass_name(pass))
		return invalid(m, "%d is not a configuration pass", pass);
	if (!name || !*name || !pf_ua_ascii_only(name))
		return invalid(m, "a component name must be non-empty ASCII");
	for (i = 0; i < m->ncomps[pass]; i++)
		if (!strcmp(m->comps[pass][i]->component, name))
			return invalid(m, "component %s is already in pass %s", name,
				       pf_ua_pass_name(pass));
	if (grow(&m->comps[pass], m->ncomps[pass], &m->capcomps[pass]))
		return -PF_UA_ENOMEM;
	e = elem_new(m, "component", 0);
	if (!e || !(e->component = pf_ua_strdup(name))) {
		elem_free(e);
		return -PF_UA_ENOMEM;
	}
	m->comps[pass][m->ncomps[pass]++] = e;
	*out = e;
	return 0;
}

/* The child of E called NAME, or NULL. */
static struct pf_ua_elem *kid(const struct pf_ua_elem *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nkids; i++)
		if (!strcmp(e->kids[i]->name, name))
			return e->kids[i];
	return NULL;
}

/* A new element NAME (checked) at the right depth under PARENT, or NULL
 * with *RET set. */
static struct pf_ua_elem *new_under(struct pf_ua_elem *parent, const char *name, int *ret)
{
	struct pf_ua_elem *e;

	if (parent->depth >= PF_UA_MAX_DEPTH) {
		*ret = invalid(parent->model, "<%s> is nested more than %d elements "
			       "deep", name, PF_UA_MAX_DEPTH);
		return NULL;
	}
	e = elem_new(parent->model, name, parent->depth + 1);
	if (!e)
		*ret = -PF_UA_ENOMEM;
	return e;
}

int pf_ua_elem_add(struct pf_ua_elem *parent, const char *name, struct pf_ua_elem **out)
{
	struct pf_ua_model *m = parent->model;
	const char *item = pf_ua_elem_item(parent);
	struct pf_ua_elem *e;
	int ret = 0;

	if (!ncname_ok(name))
		return invalid(m, "'%s' is not an XML element name", name ? name : "");
	if (kid(parent, name))
		return invalid(m, "<%s> already has a child <%s>", parent->name, name);
	if (parent->nitems && item && !strcmp(item, name))
		return invalid(m, "<%s>: both a child <%s> and list items of that "
			       "name: use one", parent->name, name);
	if (grow(&parent->kids, parent->nkids, &parent->capkids))
		return -PF_UA_ENOMEM;
	e = new_under(parent, name, &ret);
	if (!e)
		return ret;
	parent->kids[parent->nkids++] = e;
	if (out)
		*out = e;
	return 0;
}

int pf_ua_elem_set_text(struct pf_ua_elem *e, const char *text)
{
	char *t;

	if (!text || !pf_ua_text_ok(text))
		return invalid(e->model, "text is not valid UTF-8 or holds control "
			       "characters");
	t = pf_ua_strdup(text);
	if (!t)
		return -PF_UA_ENOMEM;
	free(e->text);
	e->text = t;
	return 0;
}

int pf_ua_elem_add_text(struct pf_ua_elem *parent, const char *name, const char *text)
{
	struct pf_ua_elem *e;
	int ret;

	if (!text || !pf_ua_text_ok(text))
		return pf_ua_elem_set_text(parent, text); /* the same message */
	ret = pf_ua_elem_add(parent, name, &e);
	if (!ret)
		ret = pf_ua_elem_set_text(e, text);
	return ret;
}

int pf_ua_elem_set_attr(struct pf_ua_elem *e, const char *name, const char *value)
{
	struct pf_ua_model *m = e->model;
	const char *local = name && !strncmp(name, "wcm:", 4) ? name + 4 : name;
	struct pf_ua_attr *g;
	char *n, *v;
	size_t i;

	if (!ncname_ok(local))
		return invalid(m, "'@%s' is not an attribute name (use \"@name\" or "
			       "\"@wcm:name\")", name ? name : "");
	if (!value || !pf_ua_text_ok(value))
		return invalid(m, "attribute @%s: text is not valid UTF-8 or holds "
			       "control characters", name);
	if (!pf_ua_ascii_only(value))
		return invalid(m, "attribute @%s: only ASCII text is allowed in "
			       "attributes", name);
	v = pf_ua_strdup(value);
	if (!v)
		return -PF_UA_ENOMEM;
	for (i = 0; i < e->nattrs; i++)
		if (!strcmp(e->attrs[i].name, name)) {
			free(e->attrs[i].value);
			e->attrs[i].value = v;
			return 0;
		}
	n = pf_ua_strdup(name);
	g = n ? realloc(e->attrs, (e->nattrs + 1) * sizeof(*g)) : NULL;
	if (!g) {
		free(n);
		free(v);
		return -PF_UA_ENOMEM;
	}
	e->attrs = g;
	e->attrs[e->nattrs].name = n;
	e->attrs[e->nattrs].value = v;
	e->nattrs++;
	return 0;
}

int pf_ua_elem_set_item(struct pf_ua_elem *e, const char *item)
{
	char *s;

	if (!ncname_ok(item))
		return invalid(e->model, "'%s' is not an XML element name", item ? item : "");
	if (e->nitems)
		return invalid(e->model, "<%s> has items already: name them before "
			       "adding any", e->name);
	s = pf_ua_strdup(item);
	if (!s)
		return -PF_UA_ENOMEM;
	free(e->item);
	e->item = s;
	return 0;
}

const char *pf_ua_elem_item(const struct pf_ua_elem *e)
{
	const struct pf_ua_list *l;

	if (e->item)
		return e->item;
	l = pf_ua_list_find(e->name);
	return l ? l->item : NULL;
}

/* Append a new item to E into *OUT (may be NULL): the checks shared by
 * both kinds of item. */
static int add_item(struct pf_ua_elem *e, struct pf_ua_elem **out)
{
	const char *item = pf_ua_elem_item(e);
	struct pf_ua_elem *it;
	int ret = 0;

	if (!item)
		return invalid(e->model, "<%s> has list items but no item name (set "
			       "one with pf_ua_elem_set_item)", e->name);
	if (kid(e, item))
		return invalid(e->model, "<%s>: both a child <%s> and list items of "
			       "that name: use one", e->name, item);
	if (grow(&e->items, e->nitems, &e->capitems))
		return -PF_UA_ENOMEM;
	it = new_under(e, item, &ret);
	if (!it)
		return ret;
	e->items[e->nitems++] = it;
	if (out)
		*out = it;
	return 0;
}

int pf_ua_elem_add_item(struct pf_ua_elem *e, struct pf_ua_elem **out)
{
	return add_item(e, out);
}

int pf_ua_elem_add_item_text(struct pf_ua_elem *e, const char *text)
{
	const struct pf_ua_list *l = pf_ua_list_find(e->name);
	struct pf_ua_elem *it;
	int ret;

	if (l && l->key == PF_UA_KEY_ORDER)
		return invalid(e->model, "a <%s> item gets an <Order>: it must be an "
			       "element, not text", pf_ua_elem_item(e));
	if (!text || !pf_ua_text_ok(text))
		return pf_ua_elem_set_text(e, text); /* the same message */
	ret = add_item(e, &it);
	if (!ret)
		ret = pf_ua_elem_set_text(it, text);
	return ret;
}
