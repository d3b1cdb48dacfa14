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

/*
 * The model's memory: its elements, their names, texts and attributes and
 * the arrays that hold them are cut from blocks that pf_ua_model_free()
 * frees at once (a model is built, written and dropped whole: a malloc and
 * a free for each of them cost more than the rest of building it).  A
 * string replaced (pf_ua_elem_set_text on the same element) stays in its
 * block until then.
 */
union pf_ua_align {
	long double ld;
	long long ll;
	void *p;
};

struct pf_ua_block {
	struct pf_ua_block *next;
	size_t used, size;
	union pf_ua_align data[];
};

#define BLOCK_SIZE 4000

/* N bytes of M's memory, aligned for any object, or NULL when out of
 * memory. */
static void *model_alloc(struct pf_ua_model *m, size_t n)
{
	struct pf_ua_block *b = m->blocks;
	size_t a = sizeof(union pf_ua_align), need = (n + a - 1) / a * a;

	if (!need)
		need = a;
	if (!b || b->size - b->used < need) {
		size_t size = need > BLOCK_SIZE / 4 ? need : BLOCK_SIZE;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		if (size == need && m->blocks) {
			/* a big one of its own: the current block keeps serving */
			b->next = m->blocks->next;
			m->blocks->next = b;
		} else {
			b->next = m->blocks;
			m->blocks = b;
		}
	}
	b->used += need;
	return (char *)b->data + b->used - need;
}

/* A copy of S in M's memory, or NULL. */
static char *model_strdup(struct pf_ua_model *m, const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = model_alloc(m, len);

	if (d)
		memcpy(d, s, len);
	return d;
}

/* Grow the array *V of elements (*CAP entries) of M to hold one more than
 * N.  Returns 0 or -PF_UA_ENOMEM. */
static int grow(struct pf_ua_model *m, struct pf_ua_elem ***v, size_t n, size_t *cap)
{
	size_t c = *cap ? 2 * *cap : 8;
	struct pf_ua_elem **g;

	if (n < *cap)
		return 0;
	g = model_alloc(m, c * sizeof(*g));
	if (!g)
		return -PF_UA_ENOMEM;
	if (n)
		memcpy(g, *v, n * sizeof(*g));
	*v = g;
	*cap = c;
	return 0;
}

/* A new element NAME of M at DEPTH, or NULL when out of memory. */
static struct pf_ua_elem *elem_new(struct pf_ua_model *m, const char *name, int depth)
{
	struct pf_ua_elem *e = model_alloc(m, sizeof(*e));

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->model = m;
	e->depth = depth;
	e->name = model_strdup(m, name);
	return e->name ? e : NULL;
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
	struct pf_ua_block *b;

	if (!m)
		return;
	while ((b = m->blocks)) {
		m->blocks = b->next;
		free(b);
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
	if (grow(m, &m->comps[pass], m->ncomps[pass], &m->capcomps[pass]))
		return -PF_UA_ENOMEM;
	e = elem_new(m, "component", 0);
	if (!e || !(e->component = model_strdup(m, name)))
		return -PF_UA_ENOMEM;
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
	if (grow(m, &parent->kids, parent->nkids, &parent->capkids))
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
	t = model_strdup(e->model, text);
	if (!t)
		return -PF_UA_ENOMEM;
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
	v = model_strdup(m, value);
	if (!v)
		return -PF_UA_ENOMEM;
	for (i = 0; i < e->nattrs; i++)
		if (!strcmp(e->attrs[i].name, name)) {
			e->attrs[i].value = v;
			return 0;
		}
	n = model_strdup(m, name);
	g = n ? model_alloc(m, (e->nattrs + 1) * sizeof(*g)) : NULL;
	if (!g)
		return -PF_UA_ENOMEM;
	if (e->nattrs)
		memcpy(g, e->attrs, e->nattrs * sizeof(*g));
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
	s = model_strdup(e->model, item);
	if (!s)
		return -PF_UA_ENOMEM;
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
	if (grow(e->model, &e->items, e->nitems, &e->capitems))
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
