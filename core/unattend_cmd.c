/*
 * core/unattend_cmd.c - `peforge unattend`: print the answer file a recipe
 * gives, or check any answer file (`--check`: read the file, ask the
 * answer-file library for its findings, print them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "error.h"
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

/* The core's error code for the library's error code ERR (0 or negative). */
static int from_ua(int err)
{
	switch (-err) {
	case 0: return 0;
	case PF_UA_ENOMEM: return -PF_ENOMEM;
	case PF_UA_EINVAL: return -PF_EINVAL;
	case PF_UA_ENOENT: return -PF_ENOENT;
	default: return -PF_EXML; /* PF_UA_EPARSE, PF_UA_EXML */
	}
}

int pf_unattend_check_file(const char *file, const char *xsd, FILE *out)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_schema *schema = NULL;
	struct pf_ua_doc *doc = NULL;
	char *data = NULL, *err = NULL;
	size_t len, i;
	int ret;

	ret = pf_read_file(file, &data, &len);         /* logs its errors */
	if (ret)
		goto out;
	ret = from_ua(pf_ua_doc_parse(data, len, file, &doc, &err));
	if (ret) {
		pf_err("%s: not well-formed XML: %s", file, err ? err : "out of memory");
		goto out;
	}
	ret = from_ua(pf_ua_schema_load(xsd, &schema, &err));
	if (ret) {
		pf_err("%s", err ? err : "out of memory");
		goto out;
	}
	ret = from_ua(pf_ua_doc_check(doc, schema, &f, &err));
	if (ret) {
		pf_err("%s: cannot check the answer file: %s", file,
		       err ? err : pf_strerror(ret));
		goto out;
	}
	for (i = 0; i < f.n; i++)
		fprintf(out, "%s: %s: %s\n", file, f.v[i].xpath, f.v[i].msg);
	ret = (int)f.n;
out:
	pf_ua_findings_clear(&f);
	pf_ua_schema_free(schema);
	pf_ua_doc_free(doc);
	free(data);
	free(err);
	return ret;
}

/* 1 when the answer file TEXT holds a password (accounts, autologon,
 * domain join): written mode 0600 then. */
static int holds_secret(const char *text)
{
	return strstr(text, "Password>") || strstr(text, "<Credentials>");
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

		ret = abs ? pf_write_file_mode(abs, text, len, holds_secret(text)) : -PF_ENOMEM;
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
