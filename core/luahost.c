/* core/luahost.c - the Lua host: one sandboxed state per run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "error.h"
#include "log.h"
#include "luahost.h"
#include "recipe.h"
#include "lua_unattend.h"
#include "util.h"

/* Registry key of the -D definitions table. */
#define DEFINES_KEY "peforge.defines"
/* Registry key of the list of -D keys in command-line order. */
#define ORDER_KEY "peforge.defines.order"

struct pf_lua {
	lua_State *L;
	char *scripts_dir;
	char *recipe_dir;
};

/* peforge.core.log(level, message): level is "error", "warn", "info", "debug". */
static int l_log(lua_State *L)
{
	static const char *const levels[] = { "error", "warn", "info", "debug", NULL };
	int level = luaL_checkoption(L, 1, NULL, levels);
	const char *msg = luaL_checkstring(L, 2);

	/* Recipe messages are never counted as the run's error line. */
	pf_log(level == PF_LOG_ERROR ? PF_LOG_WARN : level, "recipe", "%s", msg);
	return 0;
}

/* The functions of the `peforge.core` module. */
static const luaL_Reg core_funcs[] = {
	{ "log", l_log },
	{ NULL, NULL }
};

/* Open `peforge.core`: { version, defines, log }. */
static int luaopen_peforge_core(lua_State *L)
{
	luaL_newlib(L, core_funcs);                    /* M */
	lua_pushstring(L, PACKAGE_VERSION);            /* M v */
	lua_setfield(L, -2, "version");                /* M */
	lua_getfield(L, LUA_REGISTRYINDEX, DEFINES_KEY); /* M defs */
	lua_setfield(L, -2, "defines");                /* M */
	lua_getfield(L, LUA_REGISTRYINDEX, "peforge.datadir"); /* M dir|nil */
	lua_setfield(L, -2, "datadir");                /* M */
	return 1;
}

/* Message handler: append a traceback to the error message. */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)",
				      luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/*
 * Set package.path to the scripts folder and EXTRA (may be NULL), make
 * package.cpath empty, drop the C searchers and package.loadlib so no C
 * module is ever loaded, whatever the working directory holds.
 */
static int set_paths(lua_State *L, const char *scripts, const char *extra)
{
	luaL_Buffer b;

	lua_getglobal(L, "package");                   /* pkg */
	luaL_buffinit(L, &b);
	if (scripts) {
		luaL_addstring(&b, scripts);
		luaL_addstring(&b, "/?.lua;");
		luaL_addstring(&b, scripts);
		luaL_addstring(&b, "/?/init.lua");
	}
	if (extra) {
		luaL_addstring(&b, scripts ? ";" : "");
		luaL_addstring(&b, extra);
		luaL_addstring(&b, "/?.lua;");
		luaL_addstring(&b, extra);
		luaL_addstring(&b, "/?/init.lua");
	}
	luaL_pushresult(&b);                           /* pkg path */
	lua_setfield(L, -2, "path");                   /* pkg */
	lua_pushliteral(L, "");
	lua_setfield(L, -2, "cpath");
	lua_pushnil(L);
	lua_setfield(L, -2, "loadlib");
	/* searchers: 1 preload, 2 Lua, 3 C, 4 C root: keep the first two. */
	lua_getfield(L, -1, "searchers");              /* pkg s */
	lua_pushnil(L);
	lua_rawseti(L, -2, 4);
	lua_pushnil(L);
	lua_rawseti(L, -2, 3);
	lua_pop(L, 2);                                 /* */
	return 0;
}

int pf_lua_new(const char *scripts_dir, struct pf_lua **out)
{
	struct pf_lua *h = calloc(1, sizeof(*h));
	lua_State *L;

	if (!h)
		return -PF_ENOMEM;
	L = luaL_newstate();
	if (!L) {
		free(h);
		return -PF_ENOMEM;
	}
	h->L = L;
	h->scripts_dir = pf_strdup(scripts_dir);
	luaL_openlibs(L);
	lua_newtable(L);                               /* defs */
	lua_setfield(L, LUA_REGISTRYINDEX, DEFINES_KEY);
	lua_newtable(L);                               /* order */
	lua_setfield(L, LUA_REGISTRYINDEX, ORDER_KEY);
	set_paths(L, scripts_dir, NULL);
	lua_getglobal(L, "package");                   /* pkg */
	lua_getfield(L, -1, "preload");                /* pkg preload */
	lua_pushcfunction(L, luaopen_peforge_core);
	lua_setfield(L, -2, "peforge.core");
	lua_pushcfunction(L, luaopen_peforge_unattend_core);
	lua_setfield(L, -2, "peforge.unattend_core");
	lua_pop(L, 2);
	*out = h;
	return 0;
}

void pf_lua_free(struct pf_lua *h)
{
	if (!h)
		return;
	lua_close(h->L);
	free(h->scripts_dir);
	free(h->recipe_dir);
	free(h);
}

int pf_lua_set_datadir(struct pf_lua *h, const char *dir)
{
	lua_pushstring(h->L, dir);
	lua_setfield(h->L, LUA_REGISTRYINDEX, "peforge.datadir");
	return 0;
}

lua_State *pf_lua_state(struct pf_lua *h)
{
	return h->L;
}

const char *pf_lua_recipe_dir(struct pf_lua *h)
{
	return h->recipe_dir;
}

int pf_lua_define(struct pf_lua *h, const char *key, const char *value)
{
	lua_State *L = h->L;

	lua_getfield(L, LUA_REGISTRYINDEX, DEFINES_KEY); /* defs */
	lua_getfield(L, -1, key);                      /* defs old */
	if (lua_isnil(L, -1)) {
		lua_getfield(L, LUA_REGISTRYINDEX, ORDER_KEY); /* defs nil order */
		lua_pushstring(L, key);
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
		lua_pop(L, 1);                         /* defs nil */
	}
	lua_pop(L, 1);                                 /* defs */
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
	lua_pop(L, 1);
	return 0;
}

/*
 * Convert the -D text VALUE to the type of the value it replaces (at stack
 * index OLD; for a top-level key the recipe leaves unset, the type the key
 * takes, when that is boolean: AS_BOOL) and push it: booleans from
 * true/false/yes/no/1/0; numbers from numerals (other text stays a string,
 * so a key that takes a string or a number, like `image`, accepts both).
 * Returns 0, or -1 when a boolean is expected and VALUE is not one.
 */
static int push_converted(lua_State *L, int old, const char *value, int as_bool)
{
	switch (as_bool && lua_isnil(L, old) ? LUA_TBOOLEAN : lua_type(L, old)) {
	case LUA_TBOOLEAN:
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
			lua_pushboolean(L, 1);
		else if (!strcmp(value, "false") || !strcmp(value, "no") ||
			 !strcmp(value, "0"))
			lua_pushboolean(L, 0);
		else
			return -1;
		return 0;
	case LUA_TNUMBER:
		if (!lua_stringtonumber(L, value))
			lua_pushstring(L, value);
		return 0;
	default:
		lua_pushstring(L, value);
		return 0;
	}
}

/*
 * Apply one definition PATH ("a.b.c") = VALUE to the recipe table at index
 * T: walk (and create) the tables a and a.b, then set c.  A definition whose
 * first key is neither in the table nor a recipe key is only a variable for
 * the recipe (pe.defines) and is not applied.  Returns 0 or -PF_ERECIPE
 * (logged) when a step is not a table or a boolean does not convert.
 */
static int apply_define(lua_State *L, int t, const char *file, const char *path,
			const char *value)
{
	int top = lua_gettop(L), ret = 0;
	char *copy = pf_strdup(path), *seg, *dot;

	if (!copy)
		return -PF_ENOMEM;
	seg = copy;
	dot = strchr(seg, '.');
	if (dot)
		*dot = '\0';
	lua_getfield(L, t, seg);
	if (lua_isnil(L, -1) && !pf_recipe_known_key(seg)) {
		pf_debug("%s: -D %s: not a recipe key, left to the recipe", file, path);
		goto out;
	}
	lua_settop(L, top);
	if (dot)
		*dot = '.';
	lua_pushvalue(L, t);                           /* cur */
	while ((dot = strchr(seg, '.'))) {
		*dot = '\0';
		lua_getfield(L, -1, seg);              /* cur next */
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_newtable(L);
			lua_pushvalue(L, -1);
			lua_setfield(L, -3, seg);
		} else if (lua_type(L, -1) == LUA_TSTRING && seg != copy &&
			   !strncmp(copy, "outputs", 8) && seg == copy + 8) {
			/* outputs.NAME = "path" is { path = "path" }: -D may add to it */
			lua_newtable(L);               /* cur str t */
			lua_insert(L, -2);             /* cur t str */
			lua_setfield(L, -2, "path");   /* cur t */
			lua_pushvalue(L, -1);
			lua_setfield(L, -3, seg);
		} else if (!lua_istable(L, -1)) {
			pf_err("%s: -D %s: recipe key '%s' is a %s, not a table", file,
			       path, seg, luaL_typename(L, -1));
			ret = -PF_ERECIPE;
			goto out;
		}
		lua_remove(L, -2);                     /* next */
		seg = dot + 1;
	}
	lua_getfield(L, -1, seg);                      /* cur old */
	if (push_converted(L, -1, value, seg == copy && pf_recipe_key_is_bool(seg)) != 0) {
		pf_err("%s: -D %s=%s: recipe key '%s' expects a boolean (true or false)",
		       file, path, value, seg);
		ret = -PF_ERECIPE;
		goto out;
	}                                              /* cur old new */
	lua_setfield(L, -3, seg);
out:
	lua_settop(L, top);
	free(copy);
	return ret;
}

/* Apply every -D definition, in command-line order, to the table on top. */
static int apply_defines(struct pf_lua *h, const char *file)
{
	lua_State *L = h->L;
	int t = lua_gettop(L), ret = 0;
	lua_Integer i, n;

	lua_getfield(L, LUA_REGISTRYINDEX, ORDER_KEY);   /* t order */
	lua_getfield(L, LUA_REGISTRYINDEX, DEFINES_KEY); /* t order defs */
	n = (lua_Integer)lua_rawlen(L, t + 1);
	for (i = 1; i <= n && !ret; i++) {
		lua_rawgeti(L, t + 1, i);              /* t order defs k */
		lua_pushvalue(L, -1);
		lua_gettable(L, t + 2);                /* t order defs k v */
		ret = apply_define(L, t, file, lua_tostring(L, -2), lua_tostring(L, -1));
		lua_pop(L, 2);
	}
	lua_settop(L, t);
	return ret;
}

/*
 * Let the Lua library complete the recipe table on the stack top: call
 * require("peforge").finalize(recipe) under pcall with the traceback
 * handler at TB, when the library has one, and replace the table with
 * what it returns (it may fill derived values, e.g. render an output's
 * configuration text).  Returns 0 or -PF_ESCRIPT (logged).
 */
static int finalize(struct pf_lua *h, const char *file, int tb)
{
	lua_State *L = h->L;
	int top = lua_gettop(L);
	int found;

	/* Only when the library can be found (a test state may have none). */
	lua_getglobal(L, "package");                   /* t pkg */
	lua_getfield(L, -1, "searchpath");             /* t pkg sp */
	lua_pushliteral(L, "peforge");
	lua_getfield(L, -3, "path");                   /* t pkg sp "peforge" path */
	found = lua_pcall(L, 2, 1, 0) == LUA_OK && lua_isstring(L, -1);
	lua_settop(L, top);
	if (!found)
		return 0;
	lua_getglobal(L, "require");                   /* t require */
	lua_pushliteral(L, "peforge");
	if (lua_pcall(L, 1, 1, tb) != LUA_OK) {        /* t pe|msg */
		pf_err("%s: %s", file, lua_tostring(L, -1));
		lua_settop(L, top);
		return -PF_ESCRIPT;
	}
	if (!lua_istable(L, -1)) {
		lua_settop(L, top);
		return 0;
	}
	lua_getfield(L, -1, "finalize");               /* t pe fin */
	if (!lua_isfunction(L, -1)) {
		lua_settop(L, top);
		return 0;
	}
	lua_pushvalue(L, top);                         /* t pe fin t */
	if (lua_pcall(L, 1, 1, tb) != LUA_OK) {        /* t pe t2|msg */
		pf_err("%s", lua_tostring(L, -1));
		lua_settop(L, top);
		return -PF_ESCRIPT;
	}
	if (!lua_istable(L, -1)) {
		pf_err("%s: peforge.finalize returned %s, not the recipe table", file,
		       luaL_typename(L, -1));
		lua_settop(L, top);
		return -PF_ESCRIPT;
	}
	lua_replace(L, top);                           /* t2 pe */
	lua_settop(L, top);
	return 0;
}

int pf_lua_run_recipe(struct pf_lua *h, const char *file)
{
	lua_State *L = h->L;
	char *abs = NULL;
	int base = lua_gettop(L);
	int ret, st;

	abs = pf_abspath(file);
	if (!abs)
		return -PF_ENOMEM;
	if (!pf_is_file(abs)) {
		pf_err("%s: recipe not found (no such file)", file);
		ret = -PF_ENOENT;
		goto out;
	}
	free(h->recipe_dir);
	h->recipe_dir = pf_dirname(abs);
	set_paths(L, h->scripts_dir, h->recipe_dir);

	lua_pushcfunction(L, traceback);               /* tb */
	st = luaL_loadfilex(L, file, "t");             /* tb chunk|msg */
	if (st != LUA_OK) {
		/* The message is "FILE:LINE: what" for syntax errors. */
		pf_err("%s", lua_tostring(L, -1));
		ret = st == LUA_ERRFILE ? -PF_ENOENT : -PF_ESCRIPT;
		goto out;
	}
	st = lua_pcall(L, 0, 1, base + 1);             /* tb result|msg */
	if (st != LUA_OK) {
		pf_err("%s", lua_tostring(L, -1));
		ret = -PF_ESCRIPT;
		goto out;
	}
	if (!lua_istable(L, -1)) {
		pf_err("%s: the recipe must return a table (it returned %s)", file,
		       luaL_typename(L, -1));
		ret = -PF_ERECIPE;
		goto out;
	}
	ret = apply_defines(h, file);
	if (ret)
		goto out;
	ret = finalize(h, file, base + 1);             /* tb result */
	if (ret)
		goto out;
	lua_remove(L, base + 1);                       /* result */
	free(abs);
	return 0;
out:
	lua_settop(L, base);
	free(abs);
	return ret;
}
