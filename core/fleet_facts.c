/* core/fleet_facts.c - the fleet the recipe knows, for the plugins: the
 * machines of pe.machines by MAC, and whether their answer files (and the
 * one an unknown machine gets) erase a disk.  The pxe output writes its
 * per-machine boot entries and its policy for unknown machines from these
 * facts (docs/pxe.md, "Safety"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "args.h"
#include "fleet_facts.h"
#include "job.h"
#include "log.h"
#include "unattend.h"
#include "util.h"

/* Push T[KEY] (raw) and return its type. */
static int field(lua_State *L, int t, const char *key)
{
	t = lua_absindex(L, t);
	lua_pushstring(L, key);
	return lua_rawget(L, t);
}

/* 1 when S is a MAC as pe.machines writes it: aa-bb-cc-dd-ee-ff. */
static int is_mac(const char *s)
{
	size_t i;

	if (strlen(s) != 17)
		return 0;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return 0;
	}
	return 1;
}

/*
 * 1 when answer file TEXT/LEN (WHAT for messages) erases a disk, 0 when
 * not, -PF_ENOMEM.  Text that is not XML erases nothing; WARN says it.
 */
static int wipes(const char *text, size_t len, const char *what, int warn)
{
	char *err = NULL;
	int ret = pf_ua_text_wipes(text, len, what, &err);

	if (ret == -PF_UA_ENOMEM)
		return -PF_ENOMEM;
	if (ret < 0) {
		if (warn)
			pf_warn("%s: not an XML answer file (%s): taken as one that erases "
				"no disk", what, err ? err : pf_ua_strerror(ret));
		ret = 0;
	}
	free(err);
	return ret;
}

/* Whether an answer file erases a disk: its text at TEXT_IDX (when a
 * string) or one of its firmware variants, the table at VARIANTS_IDX (when
 * a table: bios, uefi).  Returns 1, 0 or -PF_ENOMEM. */
static int table_wipes(lua_State *L, int text_idx, int variants_idx, const char *what)
{
	size_t len;
	const char *t;
	int w = 0;

	text_idx = lua_absindex(L, text_idx);
	variants_idx = lua_absindex(L, variants_idx);
	if (lua_type(L, text_idx) == LUA_TSTRING) {
		t = lua_tolstring(L, text_idx, &len);
		w = wipes(t, len, what, 0);
	}
	if (w == 0 && lua_istable(L, variants_idx)) {
		static const char *const fw[] = { "bios", "uefi" };
		size_t i;

		for (i = 0; w == 0 && i < 2; i++) {
			if (field(L, variants_idx, fw[i]) == LUA_TSTRING) {
				t = lua_tolstring(L, -1, &len);
				w = wipes(t, len, what, 0);
			}
			lua_pop(L, 1);
		}
	}
	return w;
}

/* Push the variants table of RESULT (the table at IDX, or nil). */
static void push_variants(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_istable(L, idx) && field(L, idx, "variants") == LUA_TTABLE)
		return;
	if (lua_istable(L, idx))
		lua_pop(L, 1);
	lua_pushnil(L);
}

/* The medium paths of MAC's answer files among the strings of list FILES
 * (at IDX): DIR/MAC.xml, or DIR/MAC-bios.xml and DIR/MAC-uefi.xml, written
 * to F after a tab; "-" when the machine has none. */
static void put_files(lua_State *L, int idx, const char *mac, FILE *f)
{
	const char *plain = NULL, *bios = NULL, *uefi = NULL;
	lua_Integer i, n;

	idx = lua_absindex(L, idx);
	n = lua_istable(L, idx) ? (lua_Integer)lua_rawlen(L, idx) : 0;

	for (i = 1; i <= n; i++) {
		const char *path, *base;

		lua_rawgeti(L, idx, i);
		path = lua_tostring(L, -1); /* the list holds it: valid after the pop */
		lua_pop(L, 1);
		if (!path)
			continue;
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (strncmp(base, mac, 17))
			continue;
		if (!strcmp(base + 17, ".xml"))
			plain = path;
		else if (!strcmp(base + 17, "-bios.xml"))
			bios = path;
		else if (!strcmp(base + 17, "-uefi.xml"))
			uefi = path;
	}
	if (plain)
		fprintf(f, "\t%s", plain);
	else if (bios && uefi)
		fprintf(f, "\t%s\t%s", bios, uefi);
	else
		fprintf(f, "\t-");
}

/* The fleet lines of machine M (the table at IDX, number I of the list) to
 * F.  Returns 0, -PF_ERECIPE (logged) or -PF_ENOMEM. */
static int read_machine(lua_State *L, int idx, lua_Integer i, const char *recipe, FILE *f)
{
	int top = lua_gettop(L), ret = 0, facts, macs, w;
	char what[64];
	const char *id = NULL;
	lua_Integer k, n;

	snprintf(what, sizeof(what), "machines.machines[%lld]", (long long)i);
	if (!lua_istable(L, idx)) {
		pf_err("%s: recipe key 'machines': %s is a %s, not a machine of pe.machines",
		       recipe, what, luaL_typename(L, idx));
		return -PF_ERECIPE;
	}
	facts = (field(L, idx, "facts"), lua_gettop(L));
	if (lua_istable(L, facts) && field(L, facts, "name") == LUA_TSTRING &&
	    *lua_tostring(L, -1))
		id = lua_tostring(L, -1);
	if (!id && field(L, idx, "id") == LUA_TSTRING)
		id = lua_tostring(L, -1);
	macs = (lua_istable(L, facts) ? field(L, facts, "mac") : (lua_pushnil(L), 0),
		lua_gettop(L));
	n = lua_istable(L, macs) ? (lua_Integer)lua_rawlen(L, macs) : 0;
	if (n == 0)
		goto out; /* known by serial number or UUID only: no network entry */
	if (!id || !*id || strpbrk(id, "\t\r\n")) {
		pf_err("%s: recipe key 'machines': %s: its name or id %s%s%s", recipe, what,
		       id ? "\"" : "", id ? id : "is missing",
		       id ? "\" holds a tab or a line break (it names the machine in "
		       "fleet.tsv)" : "");
		ret = -PF_ERECIPE;
		goto out;
	}
	field(L, idx, "text");
	field(L, idx, "result");
	push_variants(L, -1);
	w = table_wipes(L, -3, -1, what);
	if (w < 0) {
		ret = w;
		goto out;
	}
	field(L, idx, "files");
	for (k = 1; k <= n; k++) {
		const char *mac;

		lua_rawgeti(L, macs, k);
		mac = lua_tostring(L, -1);
		if (!mac || !is_mac(mac)) {
			pf_err("%s: recipe key 'machines': %s (%s): mac %s is not a MAC "
			       "address as pe.machines writes it (aa-bb-cc-dd-ee-ff)", recipe,
			       what, id, mac ? mac : "(not a string)");
			ret = -PF_ERECIPE;
			goto out;
		}
		fprintf(f, "%s\t%s\t%s", mac, id, w ? "wipe" : "keep");
		put_files(L, -2, mac, f);
		fputc('\n', f);
		lua_pop(L, 1);
	}
out:
	lua_settop(L, top);
	return ret;
}

int pf_fleet_facts_read(lua_State *L, int idx, const char *recipe, struct pf_plan *p)
{
	int top = lua_gettop(L), list, ret = 0, w;
	char *buf = NULL;
	size_t len = 0;
	lua_Integer i, n;
	FILE *f = NULL;

	idx = lua_absindex(L, idx);
	if (!lua_checkstack(L, 20))
		return -PF_ENOMEM;
	/* the default answer file of pe.machines */
	field(L, idx, "default");
	field(L, idx, "default_result");
	push_variants(L, -1);
	if (lua_type(L, -3) == LUA_TSTRING || lua_istable(L, -1)) {
		w = table_wipes(L, -3, -1, "machines: the default answer file");
		if (w < 0) {
			ret = w;
			goto out;
		}
		p->fleet_default = w ? PF_FLEET_WIPES : PF_FLEET_KEEPS;
	}
	lua_settop(L, top);
	list = (field(L, idx, "machines"), lua_gettop(L));
	if (!lua_istable(L, list))
		goto out; /* a table written by hand: files only */
	n = (lua_Integer)lua_rawlen(L, list);
	if (n == 0)
		goto out;
	f = open_memstream(&buf, &len);
	if (!f) {
		ret = -PF_ENOMEM;
		goto out;
	}
	for (i = 1; !ret && i <= n; i++) {
		lua_rawgeti(L, list, i);
		ret = read_machine(L, lua_gettop(L), i, recipe, f);
		lua_pop(L, 1);
	}
	if (fclose(f) != 0 && !ret)
		ret = -PF_ENOMEM;
	f = NULL;
	if (!ret && len) {
		free(p->fleet);
		p->fleet = buf;
		buf = NULL;
	}
out:
	free(buf);
	lua_settop(L, top);
	return ret;
}

/* The arguments of PLAN's output "pxe", or NULL. */
static const struct pf_args *pxe_args(const struct pf_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->noutputs; i++)
		if (!strcmp(plan->outputs[i].name, "pxe"))
			return plan->outputs[i].args;
	return NULL;
}

int pf_fleet_facts_export(struct pf_job *job, const struct pf_plan *plan)
{
	const struct pf_args *pxe = pxe_args(plan);
	const char *u;
	int w = 0, ret;

	if (plan->fleet) {
		ret = pf_host_table.job_set_fact(job, PF_FACT_FLEET, plan->fleet);
		if (ret)
			return ret;
	}
	if (plan->fleet_default != PF_FLEET_NONE)
		w = plan->fleet_default == PF_FLEET_WIPES;
	else if (plan->unattend)
		w = wipes(plan->unattend, plan->unattend_len, "unattend", pxe != NULL);
	if (w < 0)
		return w;
	/* the pxe output's refusal, before any work (its own run says it too) */
	u = pxe ? pf_args_get(pxe, "unknown") : NULL;
	if (w && u && !strcmp(u, "install") && pf_args_bool(pxe, "allow_unknown_wipe", 0) != 1) {
		pf_log(PF_LOG_ERROR, "pxe", "outputs.pxe: unknown = \"install\" with an "
		       "answer file that wipes a disk would erase every machine that boots "
		       "from this network and is not in pe.machines: use unknown = "
		       "\"local\" or \"menu\", or set allow_unknown_wipe = true");
		return -PF_ERECIPE;
	}
	return pf_host_table.job_set_fact(job, PF_FACT_DEFAULT_WIPES, w ? "true" : "false");
}
