/* core/env.c - where the plugins, the Lua library and the data files are. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "loader.h"
#include "pipeline.h"
#include "util.h"

int pf_env_init(struct pf_env *env)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *exedir = NULL;
	const char *scripts = getenv("PEFORGE_SCRIPTS_DIR");

	memset(env, 0, sizeof(*env));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		exedir = pf_dirname(exe);
	}
	if (exedir) {
		/* compare real paths: the build folder may be reached by a symlink */
		char *real_build = realpath(PF_ABS_BUILDDIR, NULL);
		char *real_exe = realpath(exedir, NULL);

		env->uninstalled = real_build && real_exe && !strcmp(real_build, real_exe);
		free(real_build);
		free(real_exe);
	}
	free(exedir);
	if (env->uninstalled) {
		env->plugin_dir = pf_strdup(PF_ABS_BUILDDIR "/plugins/.libs");
		env->scripts_dir = pf_strdup(PF_ABS_SRCDIR "/scripts");
		env->data_dir = pf_strdup(PF_ABS_SRCDIR);
	} else {
		env->plugin_dir = pf_strdup(PF_PLUGINDIR);
		env->scripts_dir = pf_strdup(PF_SCRIPTSDIR);
		env->data_dir = pf_strdup(PF_DATADIR);
	}
	if (scripts && *scripts) {
		free(env->scripts_dir);
		env->scripts_dir = pf_strdup(scripts);
	}
	if (!env->plugin_dir || !env->scripts_dir || !env->data_dir) {
		pf_env_clear(env);
		return -PF_ENOMEM;
	}
	return 0;
}

void pf_env_clear(struct pf_env *env)
{
	free(env->plugin_dir);
	free(env->scripts_dir);
	free(env->data_dir);
	memset(env, 0, sizeof(*env));
}

int pf_env_load_plugins(const struct pf_env *env, struct pf_registry *r)
{
	int ret = pf_registry_load_path(r, getenv("PEFORGE_PLUGIN_PATH"));

	if (ret)
		return ret;
	return pf_registry_load_dir(r, env->plugin_dir);
}
