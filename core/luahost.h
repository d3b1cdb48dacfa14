/* core/luahost.h - the Lua host: one sandboxed state per run. */
#ifndef PEFORGE_CORE_LUAHOST_H
#define PEFORGE_CORE_LUAHOST_H

#include <lua.h>

struct pf_lua;

/*
 * A new Lua state with the standard libraries and the `peforge.core` module.
 * `require` finds Lua files only in SCRIPTS_DIR (the project's scripts/)
 * and, once a recipe is loaded, in the recipe's own folder; it never loads
 * C modules.  Free with pf_lua_free.
 */
int pf_lua_new(const char *scripts_dir, struct pf_lua **out);
void pf_lua_free(struct pf_lua *h);

/* Tell the library where peforge's data files are (peforge.core.datadir). */
int pf_lua_set_datadir(struct pf_lua *h, const char *dir);

/* The state, for callers that read the results. */
lua_State *pf_lua_state(struct pf_lua *h);

/* Record a -D KEY=VALUE definition: visible to recipes as
 * require("peforge").defines[KEY], and applied to the returned recipe table
 * (KEY may be dotted: "outputs.wim"). */
int pf_lua_define(struct pf_lua *h, const char *key, const char *value);

/*
 * Run the recipe FILE under lua_pcall with a traceback handler and push the
 * table it returns, with the definitions applied.  Errors are logged:
 * a syntax error as "FILE:LINE: message", a runtime error with the Lua
 * traceback.  Returns 0 (table on the stack top), -PF_ESCRIPT,
 * -PF_ERECIPE (did not return a table) or -PF_ENOENT.
 */
int pf_lua_run_recipe(struct pf_lua *h, const char *file);

/* The folder of the last recipe run (absolute), or NULL. */
const char *pf_lua_recipe_dir(struct pf_lua *h);

#endif
