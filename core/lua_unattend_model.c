/*
 * core/lua_unattend_model.c - the Lua model table that pe.unattend builds
 * (docs/unattend.md, "The engine and its model") becomes a C model of the
 * answer-file library (unattend/unattend.h), for core/lua_unattend.c.
 *
 * The Lua model: a string, number or boolean is a text element; a table is
 * an element whose string keys are children and whose array part holds
 * list items; keys "@name"/"@wcm:name" are attributes, "#text" is text
 * content and "@item" names the list items.  Tables are read raw (no
 * metamethods); the first mistake stops the walk with a message naming
 * its path in the model.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "error.h"
#include "lua_unattend.h"
#include "unattend.h"
#include "util.h"

/* The deepest the walk goes (a table that contains itself stops here). */
#define MAX_NESTING 64

/* State of one walk: the model, the model path of the value being read
 * (for messages) and the first error. */
struct walk {
	lua_State *L;
	struct pf_ua_model *m;
	char path[1024];
	size_t plen;
	char *err;
	int nomem;
	int depth;
};

/* Record the first error, prefixed with the current model path. */
static void PF_PRINTF(2, 3) fail(struct walk *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (w->err || w->nomem)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->err = pf_asprintf("model.%s: %s", w->path, msg);
	if (!w->err)
		w->nomem = 1;
}

/* Record the failure RET of a model call (its message, or out of memory);
 * returns -1 when RET is an error, else 0. */
static int check(struct walk *w, int ret)
{
	if (ret == -PF_UA_ENOMEM)
		w->nomem = 1;
	else if (ret)
		fail(w, "%s", pf_ua_model_error(w->m));
	return ret ? -1 : 0;
}

/* Whether NAME can be written as ".name" in a model path. */
static int plain_name(const char *name)
{
	const char *s = name;

	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || (unsigned char)*s >= 0x80))
			return 0;
	return 1;
}

/* Append a path segment (".name", "[n]" or "[\"odd name\"]"); returns the
 * length to restore with path_pop. */
static size_t path_push(struct walk *w, const char *name, long idx)
{
	size_t old = w->plen, room = sizeof(w->path) - w->plen;
	int n;

	if (name && plain_name(name)) {
		/* snprintf's result without snprintf: this runs for every field
		 * of every model */
		size_t len = strlen(name), dot = w->plen ? 1 : 0, fit = len + dot;

		if (fit >= room)
			fit = room - 1;
		if (dot && fit)
			w->path[w->plen] = '.';
		if (fit > dot)
			memcpy(w->path + w->plen + dot, name, fit - dot);
		w->path[w->plen + fit] = '\0';
		n = (int)(len + dot);
	} else if (name)
		n = snprintf(w->path + w->plen, room, "[\"%s\"]", name);
	else
		n = snprintf(w->path + w->plen, room, "[%ld]", idx);
	if (n > 0)
		w->plen = (size_t)n < room ? w->plen + (size_t)n : sizeof(w->path) - 1;
	return old;
}

static void path_pop(struct walk *w, size_t len)
{
	w->plen = len;
	w->path[len] = '\0';
}

/*
 * The text of the scalar at stack index IDX into BUF (for numbers), or
 * NULL after fail() when it is not a string, number or boolean, or a
 * string holding NUL (the model checks the rest of the text).
 */
static const char *scalar_text(struct walk *w, int idx, char *buf, size_t size)
{
	lua_State *L = w->L;
	size_t len;
	const char *s;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		return lua_toboolean(L, idx) ? "true" : "false";
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			snprintf(buf, size, "%lld", (long long)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);

			if (!isfinite(d)) {
				fail(w, "expected a finite number");
				return NULL;
			}
			if (d == floor(d) && fabs(d) < 9e15)
				snprintf(buf, size, "%.0f", d);
			else
				snprintf(buf, size, "%.14g", d);
		}
		return buf;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if (strlen(s) != len) {
			fail(w, "text is not valid UTF-8 or holds control characters");
			return NULL;
		}
		return s;
	default:
		fail(w, "expected a string, number, boolean or table, got %s",
		     luaL_typename(L, idx));
		return NULL;
	}
}

/* qsort comparison of names in the order the file is written. */
static int name_cmp(const void *pa, const void *pb)
{
	return pf_ua_name_cmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Push T[KEY] without metamethods. */
static int rawfield(lua_State *L, int t, const char *key)
{
	lua_pushstring(L, key);
	return lua_rawget(L, t);
}

static int fill(struct walk *w, struct pf_ua_elem *e, int idx, const char *ename);
static int add_child(struct walk *w, struct pf_ua_elem *e, const char *name, int idx);

/* Read field NAME of the table at IDX, with NAME on the path, as child NAME
 * of E, or (E NULL) as the settings of component COMP.  0 or -1. */
static int field(struct walk *w, int idx, const char *name, struct pf_ua_elem *e,
		 struct pf_ua_elem *comp)
{
	size_t saved = path_push(w, name, 0);
	int r;

	rawfield(w->L, idx, name);
	r = e ? add_child(w, e, name, lua_gettop(w->L))
	      : fill(w, comp, lua_gettop(w->L), "component");
	lua_pop(w->L, 1);
	if (!r)
		path_pop(w, saved);
	return r;
}

/* Add the value at stack index IDX as child NAME of E (text or subtree). */
static int add_child(struct walk *w, struct pf_ua_elem *e, const char *name, int idx)
{
	struct pf_ua_elem *c;
	char num[64];
	const char *t;

	if (lua_type(w->L, idx) == LUA_TTABLE) {
		if (check(w, pf_ua_elem_add(e, name, &c)))
			return -1;
		return fill(w, c, idx, name);
	}
	t = scalar_text(w, idx, num, sizeof(num));
	return t ? check(w, pf_ua_elem_add_text(e, name, t)) : -1;
}

/* Add the array part (1..LEN) of the table at IDX as list items of E,
 * named ITEM.  Items of a list numbered with <Order> must be tables. */
static int add_items(struct walk *w, struct pf_ua_elem *e, int idx, const char *ename,
		     const char *item, lua_Integer len)
{
	const struct pf_ua_list *list = pf_ua_list_find(ename);
	lua_State *L = w->L;
	lua_Integer i;
	int ret = 0;

	for (i = 1; i <= len && !ret; i++) {
		size_t saved = path_push(w, NULL, (long)i);
		struct pf_ua_elem *it;
		char num[64];
		const char *t;

		lua_rawgeti(L, idx, i);
		if (lua_type(L, -1) == LUA_TTABLE) {
			ret = check(w, pf_ua_elem_add_item(e, &it));
			if (!ret)
				ret = fill(w, it, lua_gettop(L), item);
		} else if (list && list->key == PF_UA_KEY_ORDER) {
			fail(w, "a <%s> item must be a table, got %s", item,
			     luaL_typename(L, -1));
			ret = -1;
		} else {
			t = scalar_text(w, -1, num, sizeof(num));
			ret = t ? check(w, pf_ua_elem_add_item_text(e, t)) : -1;
		}
		lua_pop(L, 1);
		path_pop(w, saved);
	}
	return ret;
}

/* Set the attributes ATTRS[0..N) ("@name" keys of the table at IDX) on E. */
static int add_attrs(struct walk *w, struct pf_ua_elem *e, int idx, const char **attrs,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t saved = path_push(w, attrs[i], 0);
		const char *v;
		char num[64];
		int ret;

		rawfield(w->L, idx, attrs[i]);
		if (lua_type(w->L, -1) == LUA_TTABLE) {
			fail(w, "attribute %s: expected a string, number or boolean, got "
			     "table", attrs[i]);
			ret = -1;
		} else {
			v = scalar_text(w, -1, num, sizeof(num));
			ret = v ? check(w, pf_ua_elem_set_attr(e, attrs[i] + 1, v)) : -1;
		}
		lua_pop(w->L, 1);
		if (ret)
			return -1;
		path_pop(w, saved);
	}
	return 0;
}

/* Sort the string keys of the table at IDX into *ATTRS ("@name") and
 * *NAMES (children), set "#text" and "@item" on E, and check the other
 * keys are list positions 1..LEN.  Returns 0, or -1 after fail(). */
static int read_keys(struct walk *w, struct pf_ua_elem *e, int idx, const char *ename,
		     lua_Integer len, const char ***attrs, size_t *na,
		     const char ***names, size_t *nn)
{
	lua_State *L = w->L;
	char num[64];

	lua_pushnil(L);
	while (lua_next(L, idx)) {                     /* k v */
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int bad = 0;

		/* a name with a NUL byte is looked up again cut short (found by
		 * fuzz/recipe.c): refuse it */
		if (k && lua_rawlen(L, -2) != strlen(k)) {
			fail(w, "<%s>: an element name holds a NUL byte", ename);
			bad = 1;
		} else if (!k) {
			if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 ||
			    lua_tointeger(L, -2) > len) {
				fail(w, "<%s>: keys must be element names (strings) or list "
				     "positions 1..n without holes", ename);
				bad = 1;
			}
		} else if (!strcmp(k, "#text")) {
			const char *t = scalar_text(w, -1, num, sizeof(num));

			bad = !t || check(w, pf_ua_elem_set_text(e, t));
		} else if (!strcmp(k, "@item")) {
			if (lua_type(L, -1) != LUA_TSTRING) {
				fail(w, "\"@item\": expected a string (the list item element "
				     "name), got %s", luaL_typename(L, -1));
				bad = 1;
			} else {
				bad = check(w, pf_ua_elem_set_item(e, lua_tostring(L, -1)));
			}
		} else {
			const char ***v = k[0] == '@' ? attrs : names;
			size_t *n = k[0] == '@' ? na : nn;
			const char **g = realloc(*v, (*n + 1) * sizeof(*g));

			if (!g) {
				w->nomem = 1;
				bad = 1;
			} else {
				*v = g;
				g[(*n)++] = k;
			}
		}
		if (bad) {
			lua_pop(L, 2);
			return -1;
		}
		lua_pop(L, 1);                         /* k */
	}
	return 0;
}

/*
 * Fill E (element ENAME) from the table at stack index IDX: text, item
 * name, attributes (sorted), then children and list items in the order
 * they are written.  Returns 0, or -1 after fail() or out of memory.
 */
static int fill(struct walk *w, struct pf_ua_elem *e, int idx, const char *ename)
{
	lua_State *L = w->L;
	const char **attrs = NULL, **names = NULL, *item = NULL;
	size_t na = 0, nn = 0, i;
	lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
	int ret = -1, items_done = len <= 0;

	if (w->depth >= MAX_NESTING || !lua_checkstack(L, 8)) {
		fail(w, "model nested too deeply (a table that contains itself?)");
		return -1;
	}
	w->depth++;
	if (read_keys(w, e, idx, ename, len, &attrs, &na, &names, &nn) != 0)
		goto out;
	if (na > 1)
		qsort(attrs, na, sizeof(*attrs), name_cmp);
	if (add_attrs(w, e, idx, attrs, na) != 0)
		goto out;
	if (len > 0) {
		item = pf_ua_elem_item(e);
		if (!item) {
			fail(w, "<%s> has list items but no item name: set \"@item\" = "
			     "\"ElementName\"", ename);
			goto out;
		}
		for (i = 0; i < nn; i++)
			if (!strcmp(names[i], item)) {
				fail(w, "<%s>: both a key '%s' and list items: use one", ename,
				     item);
				goto out;
			}
	}
	if (nn > 1)
		qsort(names, nn, sizeof(*names), name_cmp);
	for (i = 0; i <= nn; i++) {
		if (!items_done && (i == nn || pf_ua_name_cmp(item, names[i]) < 0)) {
			if (add_items(w, e, idx, ename, item, len) != 0)
				goto out;
			items_done = 1;
		}
		if (i == nn)
			break;
		if (field(w, idx, names[i], e, NULL) != 0)
			goto out;
	}
	ret = 0;
out:
	w->depth--;
	free(attrs);
	free(names);
	return ret;
}

/* Add the components of the table at IDX (component name -> settings) to
 * pass PASS of the model. */
static int add_pass(struct walk *w, int pass, int idx)
{
	lua_State *L = w->L;
	const char **names = NULL;
	size_t n = 0, i;
	int ret = -1;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char **g;

		/* a name with a NUL byte would be looked up again cut short, find
		 * nothing and walk a nil as a table (found by fuzz/recipe.c) */
		if (lua_type(L, -2) != LUA_TSTRING ||
		    lua_rawlen(L, -2) != strlen(lua_tostring(L, -2))) {
			fail(w, "component keys must be component names (strings)");
			lua_pop(L, 2);
			goto out;
		}
		if (lua_type(L, -1) != LUA_TTABLE) {
			path_push(w, lua_tostring(L, -2), 0);
			fail(w, "expected a table (the component's settings), got %s",
			     luaL_typename(L, -1));
			lua_pop(L, 2);
			goto out;
		}
		g = realloc(names, (n + 1) * sizeof(*g));
		if (!g) {
			w->nomem = 1;
			lua_pop(L, 2);
			goto out;
		}
		names = g;
		names[n++] = lua_tostring(L, -2);
		lua_pop(L, 1);
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		size_t saved = path_push(w, names[i], 0);
		struct pf_ua_elem *c;

		if (check(w, pf_ua_model_add_component(w->m, pass, names[i], &c)))
			goto out;
		path_pop(w, saved);
		if (field(w, idx, names[i], NULL, c) != 0)
			goto out;
	}
	ret = 0;
out:
	free(names);
	return ret;
}

/* Read the model's "arch" and "settings" from the table at IDX. */
static int read_model(struct walk *w, int idx)
{
	lua_State *L = w->L;
	int p;

	if (lua_type(L, idx) != LUA_TTABLE) {
		fail(w, "expected a table, got %s", luaL_typename(L, idx));
		return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;

		if (!k || (strcmp(k, "arch") && strcmp(k, "settings"))) {
			fail(w, "unknown key '%s' (a model has 'arch' and 'settings')",
			     k ? k : luaL_typename(L, -2));
			return -1;
		}
		lua_pop(L, 1);
	}
	if (rawfield(L, idx, "arch") != LUA_TNIL) {
		path_push(w, "arch", 0);
		if (check(w, pf_ua_model_set_arch(w->m, lua_type(L, -1) == LUA_TSTRING
						  ? lua_tostring(L, -1) : NULL)))
			return -1;
		path_pop(w, 0);
	}
	if (rawfield(L, idx, "settings") == LUA_TNIL)
		return 0;
	path_push(w, "settings", 0);
	if (lua_type(L, -1) != LUA_TTABLE) {
		fail(w, "expected a table of passes, got %s", luaL_typename(L, -1));
		return -1;
	}
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";

		if (pf_ua_pass_index(k) < 0) {
			fail(w, "unknown pass '%s' (passes: %s)", k,
			     pf_ua_pass_list(PF_UA_ALL_PASSES));
			return -1;
		}
		if (lua_type(L, -1) != LUA_TTABLE) {
			path_push(w, k, 0);
			fail(w, "expected a table of components, got %s", luaL_typename(L, -1));
			return -1;
		}
		lua_pop(L, 1);
	}
	for (p = 0; p < PF_UA_NPASSES; p++) {
		size_t saved;

		if (rawfield(L, lua_gettop(L), pf_ua_pass_name(p)) == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		saved = path_push(w, pf_ua_pass_name(p), 0);
		if (add_pass(w, p, lua_gettop(L)) != 0)
			return -1;
		path_pop(w, saved);
		lua_pop(L, 1);
	}
	return 0;
}

int pf_lua_unattend_model(lua_State *L, int idx, struct pf_ua_model **out, char **err)
{
	struct walk w;
	int ret, top = lua_gettop(L);

	memset(&w, 0, sizeof(w));
	w.L = L;
	*err = NULL;
	w.m = pf_ua_model_new();
	if (!w.m)
		return -PF_ENOMEM;
	ret = read_model(&w, lua_absindex(L, idx));
	lua_settop(L, top);
	if (w.nomem) {
		ret = -PF_ENOMEM;
	} else if (ret) {
		*err = w.err;
		w.err = NULL;
		ret = -PF_EINVAL;
	} else {
		*out = w.m;
		w.m = NULL;
	}
	free(w.err);
	pf_ua_model_free(w.m);
	return ret;
}
