/* core/recipe_check.h - the recipe keys checked by their Lua declarations. */
#ifndef PEFORGE_CORE_RECIPE_CHECK_H
#define PEFORGE_CORE_RECIPE_CHECK_H

#include <lua.h>

/*
 * Check the recipe table at IDX of L with require("peforge.recipe").check:
 * every key declared (an unknown one is an error with "did you mean"),
 * each of its type, and the -D definitions that reach nothing.  The
 * table's boolean keys are normalized in place.  RECIPE names the file in
 * messages.  Returns 0 when checked, 1 when the library cannot be found
 * (a bare state in the unit tests, or an empty PEFORGE_SCRIPTS_DIR: then a
 * warning is logged) and only the C schema check applies, or -PF_ERECIPE
 * (one error line logged).
 */
int pf_recipe_check_lua(lua_State *L, int idx, const char *recipe);

#endif
