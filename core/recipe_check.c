/* core/recipe_check.c - the recipe keys checked by their Lua declarations
 * (scripts/peforge/recipe.lua), so that the keys, their types and the
 * "did you mean" suggestions are declared once, in Lua. */
#include "config.h"

#include <lauxlib.h>

#include "log.h"
#include "recipe_check.h"

/* Pushes require("peforge.recipe").check, or returns 0 when the module
 * cannot be found on package.path (nothing pushed). */
static int push_check(lua_State *L)
{
	int top = lua_gettop(L), found;

	lua_getglobal(L, "package");                   /* pkg */
	if (!lua_istable(L, -1)) {
		lua_settop(L, top);
		return 0;
	}
	lua_getfield(L, -1, "searchpath");             /* pkg sp */
	lua_pushliteral(L, "peforge.recipe");
	lua_getfield(L, -3, "path");                   /* pkg sp name path */
	found = lua_isfunction(L, -3) && lua_pcall(L, 2, 1, 0) == LUA_OK &&
		lua_isstring(L, -1);
	lua_settop(L, top);
	if (!found)
		return 0;
	lua_getglobal(L, "require");
	lua_pushliteral(L, "peforge.recipe");
	if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		lua_settop(L, top);
		return 0;
	}
	lua_getfield(L, -1, "check");                  /* mod check */
	lua_remove(L, -2);                             /* check */
	if (!lua_isfunction(L, -1)) {
		lua_settop(L, top);
		return 0;
	}
	return 1;
}

int pf_recipe_check_lua(lua_State *L, int idx, const char *recipe)
{
	int top = lua_gettop(L), host, ret = 0;

	idx = lua_absindex(L, idx);
	/* A peforge Lua host (core/luahost.c) keeps the -D table here. */
	lua_getfield(L, LUA_REGISTRYINDEX, "peforge.defines");
	host = lua_istable(L, -1);
	lua_pop(L, 1);
	if (!push_check(L)) {
		/* a run without the library (an empty PEFORGE_SCRIPTS_DIR) is
		 * allowed: the C schema check alone runs, and says so */
		if (host)
			pf_warn("%s: the Lua library (peforge/recipe.lua) is not in the scripts "
				"folder: the recipe keys are only checked by type (see "
				"PEFORGE_SCRIPTS_DIR)", recipe);
		return 1;
	}
	lua_pushvalue(L, idx);
	lua_pushstring(L, recipe);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);

		pf_err("%s", msg ? msg : "recipe check failed (error object is not a string)");
		ret = -PF_ERECIPE;
	}
	lua_settop(L, top);
	return ret;
}
