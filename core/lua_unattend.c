/*
 * core/lua_unattend.c - the Lua binding of the answer-file library: the
 * module "peforge.unattend_core" gives Lua build, build_async (in
 * lua_unattend_async.c), check, query, encode_password, decode_password
 * and catalog (docs/unattend.md, "The engine and its model").  The library
 * returns codes, messages and findings; this file turns them into Lua
 * values.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "error.h"
#include "lua_unattend.h"
#include "unattend.h"
#include "util.h"

#define SCHEMA_MT "peforge.unattend.schema"
#define SCHEMA_CACHE "peforge.unattend.schemas"

/* A loaded XSD held by Lua (freed by __gc), with its forks. */
struct schema_ud {
	struct pf_lua_ua_schema s;
};

static int schema_gc(lua_State *L)
{
	struct schema_ud *u = luaL_checkudata(L, 1, SCHEMA_MT);
	int i;

	for (i = 0; i < u->s.nforks; i++)
		pf_ua_schema_free(u->s.forks[i]);
	u->s.nforks = 0;
	pf_ua_schema_free(u->s.schema);
	u->s.schema = NULL;
	return 0;
}

/*
 * The XSD at PATH, loaded once per Lua state (cached in the registry),
 * its userdata pushed.  NULL with an error message pushed when it cannot
 * be loaded.
 */
static struct schema_ud *cached_schema(lua_State *L, const char *path)
{
	struct schema_ud *u;
	struct pf_ua_schema *s = NULL;
	char *err = NULL;

	if (lua_getfield(L, LUA_REGISTRYINDEX, SCHEMA_CACHE) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, SCHEMA_CACHE);
	}                                              /* cache */
	if (lua_getfield(L, -1, path) == LUA_TUSERDATA) {
		u = lua_touserdata(L, -1);
		lua_remove(L, -2);
		return u;
	}
	lua_pop(L, 1);
	u = lua_newuserdatauv(L, sizeof(*u), 0);      /* cache u */
	memset(u, 0, sizeof(*u));
	luaL_setmetatable(L, SCHEMA_MT);
	if (pf_ua_schema_load(path, &s, &err) != 0) {
		lua_pop(L, 2);
		lua_pushstring(L, err ? err : "out of memory");
		free(err);
		return NULL;
	}
	u->s.schema = s;
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, path);
	lua_remove(L, -2);
	return u;
}

/* Push the findings as an array of { xpath = ..., message = ..., rule =
 * ..., severity = "error" | "warning" | "note" }. */
static void push_findings(lua_State *L, const struct pf_ua_findings *f)
{
	size_t i;

	lua_createtable(L, (int)f->n, 0);
	for (i = 0; i < f->n; i++) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, f->v[i].rule ? f->v[i].rule : "");
		lua_setfield(L, -2, "rule");
		lua_pushstring(L, pf_ua_severity_name(f->v[i].severity));
		lua_setfield(L, -2, "severity");
		lua_pushstring(L, f->v[i].xpath);
		lua_setfield(L, -2, "xpath");
		lua_pushstring(L, f->v[i].msg);
		lua_setfield(L, -2, "message");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* Return nil, MSG (or "out of memory" when MSG is NULL), freeing MSG. */
static int fail_with(lua_State *L, char *msg)
{
	luaL_pushfail(L);
	lua_pushstring(L, msg ? msg : "out of memory");
	free(msg);
	return 2;
}

struct pf_lua_ua_schema *pf_lua_unattend_schema(lua_State *L, int arg, int *failed)
{
	const char *xsd = luaL_optstring(L, arg, NULL);
	struct schema_ud *u;

	*failed = 0;
	if (!xsd) {
		lua_pushnil(L);
		return NULL;
	}
	u = cached_schema(L, xsd);
	if (!u) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		*failed = 1;
		return NULL;
	}
	return &u->s;
}

/* The schema of optional argument ARG (NULL when absent); pushes nil and
 * a message and sets *FAILED when it cannot be loaded. */
static struct pf_ua_schema *opt_schema(lua_State *L, int arg, int *failed)
{
	struct pf_lua_ua_schema *s = pf_lua_unattend_schema(L, arg, failed);

	if (*failed)
		return NULL;
	lua_pop(L, 1);
	return s ? s->schema : NULL;
}

int pf_lua_unattend_push_built(lua_State *L, int ret, char *text, size_t len,
			       struct pf_ua_findings *f, char *err)
{
	if (ret) {
		free(text);
		pf_ua_findings_clear(f);
		return fail_with(L, err);
	}
	free(err);
	lua_pushlstring(L, text, len);
	free(text);
	push_findings(L, f);
	pf_ua_findings_clear(f);
	return 2;
}

/*
 * core.build(model [, xsd]) -> text, findings | nil, message
 * Builds the answer file of MODEL; raises on a malformed model.  The
 * findings (lint, and the XSD when its path is given) are an array, empty
 * when the file is clean.
 */
static int l_build(lua_State *L)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_model *m = NULL;
	struct pf_ua_schema *s;
	char *err = NULL, *text = NULL;
	size_t len;
	int ret, failed;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_optstring(L, 2, NULL);
	ret = pf_lua_unattend_model(L, 1, &m, &err);
	if (ret == -PF_EINVAL) {
		lua_pushstring(L, err);
		free(err);
		return lua_error(L);
	}
	if (ret)
		return fail_with(L, NULL);
	s = opt_schema(L, 2, &failed);
	if (failed) {
		pf_ua_model_free(m);
		return 2;
	}
	ret = pf_ua_model_write(m, s, &text, &len, &f, &err);
	pf_ua_model_free(m);
	return pf_lua_unattend_push_built(L, ret, text, len, &f, err);
}

/*
 * core.check(text [, xsd [, name]]) -> findings | nil, message
 * Lints (and validates when XSD is given) the answer file TEXT.
 */
static int l_check(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 3, "answer file");
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_schema *s;
	struct pf_ua_doc *doc = NULL;
	char *err = NULL;
	int ret, failed;

	luaL_optstring(L, 2, NULL);
	if (pf_ua_doc_parse(text, len, name, &doc, &err) != 0) {
		char *msg = err ? pf_asprintf("%s: %s", name, err) : NULL;

		free(err);
		return fail_with(L, msg);
	}
	s = opt_schema(L, 2, &failed);
	if (failed) {
		pf_ua_doc_free(doc);
		return 2;
	}
	ret = pf_ua_doc_check(doc, s, &f, &err);
	pf_ua_doc_free(doc);
	if (ret) {
		pf_ua_findings_clear(&f);
		return fail_with(L, err);
	}
	push_findings(L, &f);
	pf_ua_findings_clear(&f);
	return 1;
}

/*
 * core.query(text, xpath) -> { string... } | nil, message
 * Evaluate XPATH on the answer file TEXT; prefixes u (unattend) and wcm
 * are bound.  Node sets give each node's string value; other results one
 * string.
 */
static int l_query(lua_State *L)
{
	size_t len, n, i;
	const char *text = luaL_checklstring(L, 1, &len);
	const char *expr = luaL_checkstring(L, 2);
	struct pf_ua_doc *doc = NULL;
	char *err = NULL, **v = NULL;
	int ret;

	if (pf_ua_doc_parse(text, len, "answer file", &doc, &err) != 0)
		return fail_with(L, err);
	ret = pf_ua_doc_query(doc, expr, &v, &n, &err);
	pf_ua_doc_free(doc);
	if (ret)
		return fail_with(L, err);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	pf_ua_strv_free(v, n);
	return 1;
}

/* core.encode_password(password, element) -> base64 text | nil, message */
static int l_encode_password(lua_State *L)
{
	const char *pw = luaL_checkstring(L, 1);
	const char *el = luaL_checkstring(L, 2);
	char *v = pf_ua_password_encode(pw, el);

	if (!v)
		return fail_with(L, pf_strdup("the password is not valid UTF-8"));
	lua_pushstring(L, v);
	free(v);
	return 1;
}

/* core.decode_password(value, element) -> password | nil */
static int l_decode_password(lua_State *L)
{
	const char *value = luaL_checkstring(L, 1);
	const char *el = luaL_checkstring(L, 2);
	char *v = pf_ua_password_decode(value, el);

	if (!v) {
		luaL_pushfail(L);
		return 1;
	}
	lua_pushstring(L, v);
	free(v);
	return 1;
}

/* Push the names of the passes in MASK as an array. */
static void push_passes(lua_State *L, unsigned mask)
{
	int p, n = 0;

	lua_newtable(L);
	for (p = 0; p < PF_UA_NPASSES; p++)
		if (mask & PF_UA_PASS(p)) {
			lua_pushstring(L, pf_ua_pass_name(p));
			lua_rawseti(L, -2, ++n);
		}
}

/*
 * core.catalog() -> { passes = { "windowsPE", ... },
 *                     components = { [name] = { passes... } },
 *                     lists = { [container] = item } }
 */
static int l_catalog(lua_State *L)
{
	const struct pf_ua_component *c;
	const struct pf_ua_list *l;

	lua_newtable(L);
	push_passes(L, PF_UA_ALL_PASSES);
	lua_setfield(L, -2, "passes");
	lua_newtable(L);
	for (c = pf_ua_components; c->name; c++) {
		push_passes(L, c->passes);
		lua_setfield(L, -2, c->name);
	}
	lua_setfield(L, -2, "components");
	lua_newtable(L);
	for (l = pf_ua_lists; l->container; l++) {
		lua_pushstring(L, l->item);
		lua_setfield(L, -2, l->container);
	}
	lua_setfield(L, -2, "lists");
	return 1;
}

static const luaL_Reg funcs[] = {
	{ "build", l_build },
	{ "build_async", pf_lua_unattend_build_async },
	{ "check", l_check },
	{ "query", l_query },
	{ "encode_password", l_encode_password },
	{ "decode_password", l_decode_password },
	{ "catalog", l_catalog },
	{ NULL, NULL }
};

int luaopen_peforge_unattend_core(lua_State *L)
{
	if (luaL_newmetatable(L, SCHEMA_MT)) {
		lua_pushcfunction(L, schema_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	luaL_newlib(L, funcs);
	lua_pushliteral(L, PF_UA_NS);
	lua_setfield(L, -2, "namespace");
	return 1;
}
