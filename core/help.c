/* core/help.c - `peforge help TOPIC`: reference lists printed from the
 * declarations the checks use, so the help cannot drift from the code.
 * A topic is one row of `topics`: its name and the function printing it.
 * The Lua topics render the declarations of the Lua library
 * (scripts/peforge/check.lua, `help(topic)`). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "help.h"
#include "log.h"
#include "luahost.h"
#include "pipeline.h"

/* Print the Lua library's help text of TOPIC (peforge.check.help). */
static int lua_topic(const struct pf_env *env, const char *topic)
{
	struct pf_lua *lua = NULL;
	lua_State *L;
	const char *text;
	size_t len;
	int ret;

	ret = pf_lua_new(env->scripts_dir, &lua);
	if (ret)
		return ret;
	L = pf_lua_state(lua);
	lua_getglobal(L, "require");
	lua_pushliteral(L, "peforge.check");
	if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		pf_err("help %s: the Lua library is missing: %s", topic,
		       lua_isstring(L, -1) ? lua_tostring(L, -1) : "no table");
		ret = -PF_ESCRIPT;
		goto out;
	}
	lua_getfield(L, -1, "help");
	lua_pushstring(L, topic);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TSTRING) {
		pf_err("help %s: %s", topic,
		       lua_isstring(L, -1) ? lua_tostring(L, -1) : "no text");
		ret = -PF_ESCRIPT;
		goto out;
	}
	text = lua_tolstring(L, -1, &len);
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		pf_err("standard output: write failed");
		ret = -PF_EIO;
	}
out:
	pf_lua_free(lua);
	return ret;
}

/* The topics: add a row for a new one (e.g. "outputs" from the plugins'
 * descriptors). */
static const struct {
	const char *name;
	int (*print)(const struct pf_env *env, const char *name);
} topics[] = {
	{ "recipe", lua_topic },
	{ "startcmd", lua_topic },
	{ "netuse", lua_topic },
	{ "smbconf", lua_topic },
	{ "unattend", lua_topic },
	{ "machines", lua_topic },
};

#define NTOPICS (sizeof(topics) / sizeof(topics[0]))

const char *pf_help_topic_name(const char *name)
{
	size_t i;

	for (i = 0; i < NTOPICS; i++)
		if (!strcmp(topics[i].name, name))
			return topics[i].name;
	return NULL;
}

const char *pf_help_topic_list(void)
{
	static char list[256];
	size_t i;

	if (!list[0])
		for (i = 0; i < NTOPICS; i++) {
			if (i)
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, topics[i].name, sizeof(list) - strlen(list) - 1);
		}
	return list;
}

int pf_help_topic(const struct pf_env *env, const char *name)
{
	size_t i;

	for (i = 0; i < NTOPICS; i++)
		if (!strcmp(topics[i].name, name))
			return topics[i].print(env, name);
	pf_err("help: unknown topic '%s' (topics: %s)", name, pf_help_topic_list());
	return -PF_EUSAGE;
}
