/* core/luahost.h - the Lua host: one sandboxed state per run. */
#ifndef PEFORGE_CORE_LUAHOST_H
#define PEFORGE_CORE_LUAHOST_H

#include <lua.h>

struct pf_lua;
struct pf_plan;

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
 * Run the recipe FILE and push the table it returns, with the definitions
 * applied and the library's finalize called.  All of it runs inside one
 * protected call (lua_pcall of a C function): no recipe, metamethod or
 * -D key crashes the program.  The recipe and `require`d modules are
 * loaded as text only, and so are the chunks of load, loadfile and dofile.
 * Errors are logged: a syntax error as "FILE:LINE: message", an error
 * raised by the recipe's own code with the Lua traceback, any other Lua
 * error as one line "FILE: [-D KEY: ]message".  Returns 0 (table on the
 * stack top), -PF_ESCRIPT, -PF_ERECIPE (e.g. did not return a table),
 * -PF_ENOMEM or -PF_ENOENT.
 */
int pf_lua_run_recipe(struct pf_lua *h, const char *file);

/*
 * As pf_lua_run_recipe, and read the table into a new plan (see
 * pf_plan_from_lua) inside the same protected call.  Leaves the stack as
 * it was.  Returns 0 (*OUT set; free with pf_plan_free) or an error as
 * pf_lua_run_recipe.
 */
int pf_lua_load_plan(struct pf_lua *h, const char *file, struct pf_plan **out);

/* The folder of the last recipe run (absolute), or NULL. */
const char *pf_lua_recipe_dir(struct pf_lua *h);

#endif
