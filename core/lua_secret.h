/* core/lua_secret.h - the deployment share's password for the Lua library. */
#ifndef PEFORGE_CORE_LUA_SECRET_H
#define PEFORGE_CORE_LUA_SECRET_H

#include <lua.h>

struct pf_lua;

/* The name of the file, in the samba output's folder, that keeps the
 * generated password of the deployment account (mode 0600). */
#define PF_DEPLOY_PASSWORD_FILE "deploy-password"

/* Tell the library the run's output folder (NULL: the current folder):
 * peforge.core.deploy_password looks for the kept password there. */
int pf_lua_set_outdir(struct pf_lua *h, const char *outdir);

/* Print the run's notice about the secrets its outputs carry (kept by
 * scripts/peforge/secrets.lua), if any: a warning -q does not hide.  Called
 * once every output is written. */
void pf_lua_secret_notice(struct pf_lua *h);

/* Add deploy_password to the `peforge.core` table on the stack top. */
void pf_lua_secret_open(lua_State *L);

#endif
