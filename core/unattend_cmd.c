/*
 * core/unattend_cmd.c - `peforge unattend`: print the answer file a recipe
 * gives, or check any answer file (`--check`: read the file, ask the
 * answer-file library for its findings, print them as text or JSON; the
 * exit status reflects errors only).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int pf_unattend_check_report(const char *file, const char *xsd, int json, FILE *out,
			     size_t counts[PF_UA_NSEVERITIES])
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_schema *schema = NULL;
	struct pf_ua_doc *doc = NULL;
	char *data = NULL, *err = NULL, *text = NULL;
	size_t len, i;
	int ret;

	for (i = 0; i < PF_UA_NSEVERITIES; i++)
		counts[i] = 0;
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
	for (i = 0; i < PF_UA_NSEVERITIES; i++)
		counts[i] = pf_ua_findings_count(&f, (int)i);
	if (json) {
		ret = from_ua(pf_ua_findings_json(file, &f, &text));
		if (ret)
			goto out;
		fputs(text, out);
		goto out;
	}
	/* errors as they always were; warnings and notes say what they are */
	for (i = 0; i < f.n; i++)
		fprintf(out, "%s: %s: %s%s%s\n", file, f.v[i].xpath,
			f.v[i].severity == PF_UA_ERROR ? "" : pf_ua_severity_name(f.v[i].severity),
			f.v[i].severity == PF_UA_ERROR ? "" : ": ", f.v[i].msg);
out:
	pf_ua_findings_clear(&f);
	pf_ua_schema_free(schema);
	pf_ua_doc_free(doc);
	free(data);
	free(err);
	free(text);
	return ret;
}

int pf_unattend_check_file(const char *file, const char *xsd, FILE *out)
{
	size_t counts[PF_UA_NSEVERITIES];
	int ret = pf_unattend_check_report(file, xsd, 0, out, counts);

	if (ret)
		return ret;
	return (int)(counts[PF_UA_ERROR] + counts[PF_UA_WARNING] + counts[PF_UA_NOTE]);
}

/* Whether DIR holds unattend/peforge-unattend.xsd. */
static int has_xsd(const char *dir)
{
	char *p = pf_path_join(dir, "unattend/peforge-unattend.xsd");
	int ok = p && access(p, R_OK) == 0;

	free(p);
	return ok;
}

char *pf_unattend_data_dir(const struct pf_env *env)
{
	const char *var = getenv("PEFORGE_DATA_DIR");
	char *up;

	if (var && *var)
		return pf_strdup(var);
	if (env->data_dir && has_xsd(env->data_dir))
		return pf_strdup(env->data_dir);
	/* a staged or moved install: scripts/ and unattend/ are siblings */
	up = pf_path_join(env->scripts_dir, "..");
	if (up && has_xsd(up))
		return up;
	free(up);
	return pf_strdup(env->data_dir);
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
	if (!ret) {
		char *data = pf_unattend_data_dir(env);

		ret = data ? pf_lua_set_datadir(lua, data) : -PF_ENOMEM;
		free(data);
	}
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

int pf_unattend_check(const struct pf_env *env, const char *file, int json)
{
	char *data = pf_unattend_data_dir(env);
	char *xsd = data ? pf_path_join(data, "unattend/peforge-unattend.xsd") : NULL;
	size_t c[PF_UA_NSEVERITIES], n;
	int ret;

	free(data);
	if (!xsd)
		return -PF_ENOMEM;
	ret = pf_unattend_check_report(file, xsd, json, stdout, c);
	free(xsd);
	fflush(stdout);
	if (ret)
		return ret;
	n = c[PF_UA_ERROR] + c[PF_UA_WARNING] + c[PF_UA_NOTE];
	if (c[PF_UA_ERROR]) {
		pf_err("%s: %zu finding%s (%zu error%s, %zu warning%s, %zu note%s)", file, n,
		       n == 1 ? "" : "s", c[PF_UA_ERROR], c[PF_UA_ERROR] == 1 ? "" : "s",
		       c[PF_UA_WARNING], c[PF_UA_WARNING] == 1 ? "" : "s",
		       c[PF_UA_NOTE], c[PF_UA_NOTE] == 1 ? "" : "s");
		return -PF_EXML;
	}
	return 0;
}
