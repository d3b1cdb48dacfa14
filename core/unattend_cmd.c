/* core/unattend_cmd.c - `peforge unattend`: print or check answer files. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "log.h"
#include "luahost.h"
#include "unattend.h"
#include "unattend_cmd.h"
#include "util.h"

/*
 * The answer file text of the recipe table on the top of L: for MACHINE,
 * machines.lookup(MACHINE); otherwise `unattend` (a string or a table with
 * `text`).  Pushes the text; returns 0 or an error (logged).
 */
static int push_answer(lua_State *L, const char *recipe, const char *machine)
{
	int t = lua_gettop(L);

	if (machine) {
		lua_pushliteral(L, "machines");                /* raw: no metamethod */
		lua_rawget(L, t);                              /* t m */
		if (!lua_istable(L, -1)) {
			pf_err("%s: --machine %s: the recipe has no machines = pe.machines{...}",
			       recipe, machine);
			return -PF_ERECIPE;
		}
		lua_pushliteral(L, "lookup");
		lua_rawget(L, -2);                             /* t m f */
		if (!lua_isfunction(L, -1)) {
			pf_err("%s: recipe key 'machines' has no lookup function (use "
			       "pe.machines{...})", recipe);
			return -PF_ERECIPE;
		}
		lua_pushstring(L, machine);
		if (lua_pcall(L, 1, 1, 0) != LUA_OK) {          /* t m text|msg */
			pf_err("%s: --machine %s: %s", recipe, machine, lua_tostring(L, -1));
			return -PF_ESCRIPT;
		}
	} else {
		lua_pushliteral(L, "unattend");
		lua_rawget(L, t);                              /* t u */
		if (lua_istable(L, -1)) {
			lua_pushliteral(L, "text");
			lua_rawget(L, -2);                     /* t u text */
		}
	}
	if (lua_type(L, -1) != LUA_TSTRING) {
		pf_err("%s: no answer file: set unattend = pe.unattend{...}%s", recipe,
		       machine ? " and machines = pe.machines{...}" : "");
		return -PF_ERECIPE;
	}
	return 0;
}

int pf_unattend_print(const struct pf_env *env, const char *recipe,
		      const char *machine, const char *outfile,
		      const char **defines, size_t ndefines)
{
	struct pf_lua *lua = NULL;
	const char *text;
	size_t i, len;
	int ret;

	ret = pf_lua_new(env->scripts_dir, &lua);
	if (!ret)
		ret = pf_lua_set_datadir(lua, env->data_dir);
	for (i = 0; !ret && i < ndefines; i++) {
		const char *eq = strchr(defines[i], '=');
		char *key = eq ? strndup(defines[i], (size_t)(eq - defines[i])) : NULL;

		ret = key ? pf_lua_define(lua, key, eq + 1) : -PF_EUSAGE;
		free(key);
	}
	if (!ret)
		ret = pf_lua_run_recipe(lua, recipe);
	if (!ret)
		ret = push_answer(pf_lua_state(lua), recipe, machine);
	if (ret)
		goto out;
	text = lua_tolstring(pf_lua_state(lua), -1, &len);
	if (outfile) {
		char *abs = pf_abspath(outfile);

		ret = abs ? pf_write_file_atomic(abs, text, len) : -PF_ENOMEM;
		free(abs);
	} else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		pf_err("standard output: write failed");
		ret = -PF_EIO;
	}
out:
	pf_lua_free(lua);
	return ret;
}

int pf_unattend_check(const struct pf_env *env, const char *file)
{
	char *xsd = pf_path_join(env->data_dir, "unattend/peforge-unattend.xsd");
	int n;

	if (!xsd)
		return -PF_ENOMEM;
	n = pf_unattend_check_file(file, xsd, stdout);
	free(xsd);
	fflush(stdout);
	if (n < 0)
		return n;
	if (n > 0) {
		pf_err("%s: %d finding%s", file, n, n == 1 ? "" : "s");
		return -PF_EXML;
	}
	return 0;
}
