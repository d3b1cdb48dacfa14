/*
 * core/lua_unattend.h - the Lua binding of the answer-file library
 * (unattend/): the module "peforge.unattend_core" that
 * scripts/peforge/unattend.lua uses, preloaded by the Lua host.
 */
#ifndef PEFORGE_CORE_LUA_UNATTEND_H
#define PEFORGE_CORE_LUA_UNATTEND_H

#include <lua.h>

struct pf_ua_model;

/* Open the Lua module "peforge.unattend_core" (preloaded by the core). */
int luaopen_peforge_unattend_core(lua_State *L);

/*
 * Turn the Lua model table at index IDX (docs/unattend.md, "The engine and
 * its model") into a C model.  Returns 0 and *OUT (pf_ua_model_free), or
 * -PF_EINVAL with *ERR a malloc'd message naming the model path at fault
 * ("model.settings.specialize.C.A: ..."), or -PF_ENOMEM.  The stack is
 * left as it was.
 */
int pf_lua_unattend_model(lua_State *L, int idx, struct pf_ua_model **out, char **err);

#endif
