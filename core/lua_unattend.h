/*
 * core/lua_unattend.h - the Lua binding of the answer-file library
 * (unattend/): the module "peforge.unattend_core" that
 * scripts/peforge/unattend.lua uses, preloaded by the Lua host.
 */
#ifndef PEFORGE_CORE_LUA_UNATTEND_H
#define PEFORGE_CORE_LUA_UNATTEND_H

#include <lua.h>

struct pf_ua_model;
struct pf_ua_schema;
struct pf_ua_findings;

/* The most threads that write answer files at once (lua_unattend_async.c). */
#define PF_LUA_UA_THREADS 8

/* A loaded XSD as Lua holds it: the schema, and a fork of it for each
 * writing thread (pf_ua_schema_fork), made by the Lua thread. */
struct pf_lua_ua_schema {
	struct pf_ua_schema *schema;
	struct pf_ua_schema *forks[PF_LUA_UA_THREADS];
	int nforks;
};

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

/*
 * The XSD named by the optional string argument ARG, loaded once per Lua
 * state: pushes its userdata (nil when ARG is absent, and returns NULL).
 * When it cannot be loaded, pushes nil and a message, sets *FAILED and
 * returns NULL.
 */
struct pf_lua_ua_schema *pf_lua_unattend_schema(lua_State *L, int arg, int *failed);

/*
 * Push what core.build returns for pf_ua_model_write()'s RET, TEXT/LEN,
 * F and ERR: the text and the findings, or nil and the message.  Frees
 * TEXT and ERR and clears F.  Returns the number of values pushed (2).
 */
int pf_lua_unattend_push_built(lua_State *L, int ret, char *text, size_t len,
			       struct pf_ua_findings *f, char *err);

/* core.build_async(model [, xsd]) -> pending (lua_unattend_async.c). */
int pf_lua_unattend_build_async(lua_State *L);

#endif
