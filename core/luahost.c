/* core/luahost.c - the Lua host: one sandboxed state per run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "args.h"
#include "error.h"
#include "log.h"
#include "luahost.h"
#include "lualimit.h"
#include "recipe.h"
#include "lua_unattend.h"
#include "lua_secret.h"
#include "util.h"

/* Registry key of the -D definitions table. */
#define DEFINES_KEY "peforge.defines"
/* Registry key of the list of -D keys in command-line order. */
#define ORDER_KEY "peforge.defines.order"

/* Longest part of a -D key shown in a message; longer ends with "...". */
#define SHOWN_KEY 120

struct pf_lua {
	lua_State *L;
	struct pf_lua_limit lim; /* the state's memory and instruction bounds */
	char *scripts_dir;
	char *recipe_dir;
	/* What the recipe entry works on ("-D outputs.wim.path"), or "": names
	 * the key in the message of a Lua error raised there. */
	char where[SHOWN_KEY + 16];
};

/* peforge.core.log(level, message): level is "error", "warn", "info",
 * "debug", or "notice": a warning that -q does not hide (what the run's
 * outputs reveal). */
static int l_log(lua_State *L)
{
	static const char *const levels[] = { "error", "warn", "info", "debug", "notice", NULL };
	int level = luaL_checkoption(L, 1, NULL, levels);
	const char *msg = luaL_checkstring(L, 2);
	int was = pf_log_get_level();

	if (level == 4) {
		if (was < PF_LOG_WARN)
			pf_log_set_level(PF_LOG_WARN);
		pf_log(PF_LOG_WARN, "recipe", "%s", msg);
		pf_log_set_level(was);
		return 0;
	}

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
	pf_lua_secret_open(L);                         /* M */
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

/*
 * The last line of defence: a Lua error outside any protected call would
 * abort the program.  Print one error line and exit 1 instead.
 */
static int on_panic(lua_State *L)
{
	const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;

	pf_err("Lua error outside a protected call: %s", msg ? msg : "(not a string)");
	fflush(NULL);
	exit(1);
}

/* The result of a refused load: fail (nil) and MSG. */
static int load_refused(lua_State *L, const char *mode)
{
	luaL_pushfail(L);
	lua_pushfstring(L, "binary chunks are not allowed: peforge loads Lua text "
			"only (mode '%s')", mode);
	return 2;
}

/* What load() returns: the function, with upvalue 1 set to the table at
 * ENV (0: none given), or fail and the message when ST is an error. */
static int load_result(lua_State *L, int st, int env)
{
	if (st != LUA_OK) {
		luaL_pushfail(L);                      /* msg fail */
		lua_insert(L, -2);                     /* fail msg */
		return 2;
	}
	if (env) {
		lua_pushvalue(L, env);
		if (!lua_setupvalue(L, -2, 1))
			lua_pop(L, 1);
	}
	return 1;
}

/* lua_load reader for load(FUNCTION): each call gives the next piece,
 * kept alive in stack slot 5 until the next call. */
static const char *read_piece(lua_State *L, void *ud, size_t *size)
{
	(void)ud;
	luaL_checkstack(L, 2, "load: reader");
	lua_pushvalue(L, 1);
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		*size = 0;
		return NULL;
	}
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "load: the reader function must return a string");
	lua_replace(L, 5);
	return lua_tolstring(L, 5, size);
}

/*
 * load(chunk [, name [, mode [, env]]]) as in Lua, but text chunks only:
 * the mode is always "t", so a binary chunk (the way crafted bytecode
 * crashes Lua) gives fail and a message; so does mode "b".
 */
static int l_load(lua_State *L)
{
	const char *mode = luaL_optstring(L, 3, "bt");
	int env = lua_isnone(L, 4) ? 0 : 4;
	size_t len;
	int st;

	if (!strchr(mode, 't'))
		return load_refused(L, mode);
	if (lua_type(L, 1) == LUA_TFUNCTION) {
		const char *name = luaL_optstring(L, 2, "=(load)");

		lua_settop(L, 5);
		st = lua_load(L, read_piece, NULL, name, "t");
	} else {
		const char *chunk = luaL_checklstring(L, 1, &len);

		st = luaL_loadbufferx(L, chunk, len, luaL_optstring(L, 2, chunk), "t");
	}
	return load_result(L, st, env);
}

/* loadfile([file [, mode [, env]]]): text chunks only, as l_load. */
static int l_loadfile(lua_State *L)
{
	const char *file = luaL_optstring(L, 1, NULL);
	const char *mode = luaL_optstring(L, 2, "bt");
	int env = lua_isnone(L, 3) ? 0 : 3;

	if (!strchr(mode, 't'))
		return load_refused(L, mode);
	return load_result(L, luaL_loadfilex(L, file, "t"), env);
}

/* dofile([file]): run a Lua text file and return what it returns. */
static int l_dofile(lua_State *L)
{
	const char *file = luaL_optstring(L, 1, NULL);

	lua_settop(L, 1);
	if (luaL_loadfilex(L, file, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, LUA_MULTRET);
	return lua_gettop(L) - 1;
}

/*
 * package.searchers[2]: find module NAME along package.path (upvalue 1 is
 * the package table, upvalue 2 package.searchpath) and load it as text.
 * Returns the loader and the file name, or the "no file" message.
 */
static int l_search_lua(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	const char *file;

	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushvalue(L, 1);
	if (lua_getfield(L, lua_upvalueindex(1), "path") != LUA_TSTRING)
		return luaL_error(L, "'package.path' must be a string");
	lua_call(L, 2, 2);                             /* name file|nil msg */
	if (lua_isnil(L, 2))
		return 1;
	file = lua_tostring(L, 2);
	if (luaL_loadfilex(L, file, "t") != LUA_OK)
		return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s",
				  name, file, lua_tostring(L, -1));
	lua_pushvalue(L, 2);                           /* ... loader file */
	return 2;
}

/*
 * Refuse metatable MT (at index 2) when it has a __gc field: a finalizer
 * that makes a new object with the same metatable runs again at every
 * lua_close, so the program would never end.  Recipes have no use for one.
 * Also refuse a __call that is not a function: Lua 5.4 follows a chain of
 * callable values without running an instruction (so without the budget's
 * hook), shifting the whole stack at each step, and a table that is its
 * own __call holds the run for minutes.  (A __call stored into the
 * metatable after this check is not seen.)
 */
static void refuse_gc(lua_State *L)
{
	int t = lua_type(L, 2);

	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			luaL_error(L, "setmetatable: a __gc metamethod is not allowed in a recipe");
		lua_pop(L, 1);
		lua_pushliteral(L, "__call");
		t = lua_rawget(L, 2);
		if (t != LUA_TNIL && t != LUA_TFUNCTION)
			luaL_error(L, "setmetatable: __call must be a function in a recipe "
				   "(got a %s)", lua_typename(L, t));
		lua_pop(L, 1);
	}
}

/* setmetatable(t, mt) as in Lua, except that mt may not have __gc. */
static int l_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	refuse_gc(L);
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* debug.setmetatable(v, mt) as in Lua, except that mt may not have __gc. */
static int l_debug_setmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
	refuse_gc(L);
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/*
 * Make every way a recipe loads code take text only: load, loadfile,
 * dofile, loadstring (when the Lua has it) and require's Lua searcher;
 * and keep finalizers out (setmetatable, debug.setmetatable: no __gc).
 * The standard functions are replaced, not wrapped, so they stay out of
 * reach (no upvalue holds them).
 */
static void text_only_loaders(lua_State *L)
{
	lua_pushcfunction(L, l_load);
	lua_setglobal(L, "load");
	if (lua_getglobal(L, "loadstring") == LUA_TFUNCTION) {
		lua_pushcfunction(L, l_load);
		lua_setglobal(L, "loadstring");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, l_loadfile);
	lua_setglobal(L, "loadfile");
	lua_pushcfunction(L, l_dofile);
	lua_setglobal(L, "dofile");
	lua_getglobal(L, "package");                   /* pkg */
	lua_getfield(L, -1, "searchers");              /* pkg s */
	lua_pushvalue(L, -2);
	lua_getfield(L, -3, "searchpath");             /* pkg s pkg sp */
	lua_pushcclosure(L, l_search_lua, 2);          /* pkg s f */
	lua_rawseti(L, -2, 2);
	lua_pop(L, 2);
	lua_pushcfunction(L, l_setmetatable);
	lua_setglobal(L, "setmetatable");
	if (lua_getglobal(L, "debug") == LUA_TTABLE) {
		lua_pushcfunction(L, l_debug_setmetatable);
		lua_setfield(L, -2, "setmetatable");
	}
	lua_pop(L, 1);
}

int pf_lua_new(const char *scripts_dir, struct pf_lua **out)
{
	struct pf_lua *h = calloc(1, sizeof(*h));
	lua_State *L;

	if (!h)
		return -PF_ENOMEM;
	L = pf_lua_limited_state(&h->lim);
	if (!L) {
		free(h);
		return -PF_ENOMEM;
	}
	lua_atpanic(L, on_panic);
	h->L = L;
	h->scripts_dir = pf_strdup(scripts_dir);
	luaL_openlibs(L);
	pf_lua_limit_openlibs(L);
	text_only_loaders(L);
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
		if (pf_parse_bool(value) < 0)
			return -1;
		lua_pushboolean(L, pf_parse_bool(value));
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

/* Name the -D key PATH (shortened when long) in H->where. */
static void set_where(struct pf_lua *h, const char *path)
{
	size_t n = strlen(path);

	snprintf(h->where, sizeof(h->where), "-D %.*s%s",
		 n > SHOWN_KEY ? SHOWN_KEY : (int)n, path, n > SHOWN_KEY ? "..." : "");
}

/*
 * Apply one definition PATH ("a.b.c") = VALUE to the recipe table at index
 * T: walk (and create) the tables a and a.b, then set c.  A definition whose
 * first key is neither in the table nor a recipe key is only a variable for
 * the recipe (pe.defines) and is not applied.  Returns 0 or -PF_ERECIPE
 * (logged) when a step is not a table, the key has more than
 * PF_RECIPE_MAX_DEPTH parts or a boolean does not convert.  Runs inside
 * the recipe entry: a metamethod of the recipe's tables may run, and raise.
 */
static int apply_define(struct pf_lua *h, int t, const char *file, const char *path,
			const char *value)
{
	lua_State *L = h->L;
	int top = lua_gettop(L), parts = 1, ret = 0;
	const char *seg = path, *dot;

	for (dot = path; (dot = strchr(dot, '.')); dot++)
		parts++;
	set_where(h, path);
	dot = strchr(seg, '.');
	lua_pushlstring(L, seg, dot ? (size_t)(dot - seg) : strlen(seg));
	if (lua_gettable(L, t) == LUA_TNIL) {
		lua_pushlstring(L, seg, dot ? (size_t)(dot - seg) : strlen(seg));
		if (!pf_recipe_known_key(lua_tostring(L, -1))) {
			pf_debug("%s: %s: not a recipe key, left to the recipe", file, h->where);
			goto out;
		}
	}
	if (parts > PF_RECIPE_MAX_DEPTH) {
		pf_err("%s: %s: key nested too deep (%d parts, limit %d)", file, h->where,
		       parts, PF_RECIPE_MAX_DEPTH);
		ret = -PF_ERECIPE;
		goto out;
	}
	lua_settop(L, top);
	lua_pushvalue(L, t);                           /* cur */
	while ((dot = strchr(seg, '.'))) {
		lua_pushlstring(L, seg, (size_t)(dot - seg)); /* cur name */
		lua_pushvalue(L, top + 2);
		lua_gettable(L, top + 1);              /* cur name next */
		if (lua_isnil(L, top + 3)) {
			lua_pop(L, 1);
			lua_newtable(L);               /* cur name t */
		} else if (lua_type(L, top + 3) == LUA_TSTRING && seg == path + 8 &&
			   !strncmp(path, "outputs.", 8)) {
			/* outputs.NAME = "path" is { path = "path" }: -D may add to it */
			lua_newtable(L);               /* cur name str t */
			lua_insert(L, top + 3);        /* cur name t str */
			lua_setfield(L, top + 3, "path"); /* cur name t */
		} else if (!lua_istable(L, top + 3)) {
			pf_err("%s: -D %s: recipe key '%s' is a %s, not a table", file,
			       path, lua_tostring(L, top + 2), luaL_typename(L, top + 3));
			ret = -PF_ERECIPE;
			goto out;
		} else {
			lua_replace(L, top + 1);       /* next name */
			lua_settop(L, top + 1);        /* next */
			seg = dot + 1;
			continue;
		}
		lua_pushvalue(L, top + 2);             /* cur name t name */
		lua_pushvalue(L, top + 3);             /* cur name t name t */
		lua_settable(L, top + 1);              /* cur name t */
		lua_replace(L, top + 1);               /* t name */
		lua_settop(L, top + 1);                /* t */
		seg = dot + 1;
	}
	lua_pushstring(L, seg);                        /* cur name */
	lua_pushvalue(L, top + 2);
	lua_gettable(L, top + 1);                      /* cur name old */
	if (push_converted(L, top + 3, value, seg == path && pf_recipe_key_is_bool(seg)) != 0) {
		pf_err("%s: -D %s=%s: recipe key '%s' expects a boolean (true or false)",
		       file, path, value, seg);
		ret = -PF_ERECIPE;
		goto out;
	}                                              /* cur name old new */
	lua_replace(L, top + 3);                       /* cur name new */
	lua_settable(L, top + 1);
out:
	lua_settop(L, top);
	return ret;
}

/* Apply every -D definition, in command-line order, to the table at T. */
static int apply_defines(struct pf_lua *h, const char *file, int t)
{
	lua_State *L = h->L;
	int top = lua_gettop(L), ret = 0;
	lua_Integer i, n;

	lua_getfield(L, LUA_REGISTRYINDEX, ORDER_KEY);   /* order */
	lua_getfield(L, LUA_REGISTRYINDEX, DEFINES_KEY); /* order defs */
	n = (lua_Integer)lua_rawlen(L, top + 1);
	for (i = 1; i <= n && !ret; i++) {
		const char *key, *value;

		lua_rawgeti(L, top + 1, i);            /* order defs k */
		lua_pushvalue(L, -1);
		lua_rawget(L, top + 2);                /* order defs k v */
		/* the recipe may have changed pe.defines: apply text only */
		key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		value = lua_tostring(L, -1);
		if (key && value)
			ret = apply_define(h, t, file, key, value);
		lua_pop(L, 2);
	}
	h->where[0] = '\0';
	lua_settop(L, top);
	return ret;
}

/*
 * Let the Lua library complete the recipe table at index T: call
 * require("peforge").finalize(recipe), when the library has one, and
 * replace the table with what it returns (it may fill derived values,
 * e.g. render an output's configuration text).  Runs inside the recipe
 * entry: an error raised there is the entry's error.  Returns 0 or
 * -PF_ESCRIPT (logged).
 */
static int finalize(struct pf_lua *h, const char *file, int t)
{
	lua_State *L = h->L;
	int top = lua_gettop(L);
	int found;

	/* Only when the library can be found (a test state may have none). */
	lua_getglobal(L, "package");                   /* pkg */
	lua_getfield(L, -1, "searchpath");             /* pkg sp */
	lua_pushliteral(L, "peforge");
	lua_getfield(L, -3, "path");                   /* pkg sp "peforge" path */
	found = lua_pcall(L, 2, 1, 0) == LUA_OK && lua_isstring(L, -1);
	lua_settop(L, top);
	if (!found)
		return 0;
	lua_getglobal(L, "require");                   /* require */
	lua_pushliteral(L, "peforge");
	lua_call(L, 1, 1);                             /* pe */
	if (!lua_istable(L, -1) || lua_getfield(L, -1, "finalize") != LUA_TFUNCTION) {
		lua_settop(L, top);
		return 0;
	}                                              /* pe fin */
	lua_pushvalue(L, t);
	lua_call(L, 1, 1);                             /* pe t2 */
	if (!lua_istable(L, -1)) {
		pf_err("%s: peforge.finalize returned %s, not the recipe table", file,
		       luaL_typename(L, -1));
		lua_settop(L, top);
		return -PF_ESCRIPT;
	}
	lua_replace(L, t);
	lua_settop(L, top);
	return 0;
}

/* What the recipe entry is asked to do, and its result. */
struct entry {
	struct pf_lua *h;
	const char *file;       /* the recipe, as given */
	struct pf_plan *plan;   /* read the table into it; NULL: only return it */
	int ret;                /* 0 or the error (logged) */
};

/*
 * The one protected entry (lua_pcall'd with the entry as light userdata):
 * load the recipe as text and run it (under a nested lua_pcall with the
 * traceback handler: an error in the recipe's own code shows where it
 * happened), apply the -D definitions, call the library's finalize and,
 * when asked, read the table into the plan.  Every walk of the user's
 * tables happens here, so an error anywhere, from a metamethod or out of
 * memory, ends in the caller's lua_pcall instead of aborting.  Returns the
 * recipe table.
 */
static int recipe_entry(lua_State *L)
{
	struct entry *e = lua_touserdata(L, 1);
	struct pf_lua *h = e->h;
	int st;

	lua_settop(L, 0);
	set_paths(L, h->scripts_dir, h->recipe_dir);
	lua_pushcfunction(L, traceback);               /* tb */
	st = luaL_loadfilex(L, e->file, "t");          /* tb chunk|msg */
	if (st != LUA_OK) {
		e->ret = pf_lua_limit_error(&h->lim, st, e->file);
		if (e->ret)
			return 0;
		/* The message is "FILE:LINE: what" for syntax errors. */
		pf_err("%s", lua_tostring(L, -1));
		e->ret = st == LUA_ERRFILE ? -PF_ENOENT : -PF_ESCRIPT;
		return 0;
	}
	st = lua_pcall(L, 0, 1, 1);                    /* tb result|msg */
	if (st != LUA_OK) {
		e->ret = pf_lua_limit_error(&h->lim, st, e->file);
		if (e->ret)
			return 0;
		pf_err("%s", lua_tostring(L, -1));
		e->ret = -PF_ESCRIPT;
		return 0;
	}
	if (!lua_istable(L, -1)) {
		pf_err("%s: the recipe must return a table (it returned %s)", e->file,
		       luaL_typename(L, -1));
		e->ret = -PF_ERECIPE;
		return 0;
	}
	lua_replace(L, 1);                             /* result */
	e->ret = apply_defines(h, e->file, 1);
	if (!e->ret)
		e->ret = finalize(h, e->file, 1);
	if (!e->ret && e->plan)
		e->ret = pf_plan_read(L, 1, e->plan);
	lua_settop(L, 1);
	return 1;
}

/*
 * Message handler of the entry's lua_pcall: the error as one line (an
 * error raised outside the recipe's own code has no traceback; newlines
 * in it become spaces).
 */
static int error_line(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
		msg = lua_tostring(L, -1);
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	msg = luaL_gsub(L, msg, "\n\t", " ");
	luaL_gsub(L, msg, "\n", " ");
	return 1;
}

/*
 * Run the recipe entry for FILE on H (whose recipe_dir is set) under
 * lua_pcall.  On success the recipe table is pushed and PLAN (when not
 * NULL) is read; returns 0 or the error (logged as one line naming the
 * recipe and, for a -D definition, the key).
 */
static int run_entry(struct pf_lua *h, const char *file, struct pf_plan *plan)
{
	lua_State *L = h->L;
	struct entry e = { h, file, plan, 0 };
	int base = lua_gettop(L), st;

	if (!lua_checkstack(L, 4))
		return -PF_ENOMEM;
	h->where[0] = '\0';
	lua_pushcfunction(L, error_line);              /* eh */
	lua_pushcfunction(L, recipe_entry);
	lua_pushlightuserdata(L, &e);
	st = lua_pcall(L, 1, 1, base + 1);             /* eh table|msg */
	if (st != LUA_OK && !(e.ret = pf_lua_limit_error(&h->lim, st, file))) {
		pf_err("%s: %s%s%s", file, h->where, h->where[0] ? ": " : "",
		       lua_tostring(L, -1));
		e.ret = st == LUA_ERRMEM ? -PF_ENOMEM : -PF_ESCRIPT;
	}
	h->where[0] = '\0';
	if (e.ret) {
		lua_settop(L, base);
		return e.ret;
	}
	lua_remove(L, base + 1);                       /* table */
	return 0;
}

/* Check that recipe FILE exists and note its folder in H. */
static int find_recipe(struct pf_lua *h, const char *file)
{
	char *abs = pf_abspath(file);

	if (!abs)
		return -PF_ENOMEM;
	if (!pf_is_file(abs)) {
		pf_err("%s: recipe not found (no such file)", file);
		free(abs);
		return -PF_ENOENT;
	}
	free(h->recipe_dir);
	h->recipe_dir = pf_dirname(abs);
	free(abs);
	return h->recipe_dir ? 0 : -PF_ENOMEM;
}

int pf_lua_run_recipe(struct pf_lua *h, const char *file)
{
	int ret = find_recipe(h, file);

	return ret ? ret : run_entry(h, file, NULL);
}

int pf_lua_load_plan(struct pf_lua *h, const char *file, struct pf_plan **out)
{
	struct pf_plan *plan;
	int ret = find_recipe(h, file);

	if (ret)
		return ret;
	plan = pf_plan_new(file, h->recipe_dir);
	if (!plan)
		return -PF_ENOMEM;
	ret = run_entry(h, file, plan);
	if (ret) {
		pf_plan_free(plan);
		return ret;
	}
	lua_pop(h->L, 1);
	*out = plan;
	return 0;
}
