/* tests/plugins/good2.c - a second well-formed plugin, a source "test-src"
 * whose probe accepts paths ending in ".testsrc". */
#include <string.h>
#include "peforge/plugin.h"

static int s_open(const struct pf_host *host, const struct pf_args *args, void **state)
{
	(void)host;
	(void)args;
	*state = NULL;
	return 0;
}

static int s_run(void *state, struct pf_job *job)
{
	(void)state;
	(void)job;
	return -PF_EUNSUPPORTED;
}

static int s_probe(const struct pf_host *host, const char *path)
{
	size_t n = strlen(path);

	(void)host;
	return n > 8 && !strcmp(path + n - 8, ".testsrc") ? 99 : 0;
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI, .kind = PF_SOURCE, .name = "test-src",
	.summary = "test plugin: a source that reads nothing",
	.open = s_open, .run = s_run, .probe = s_probe,
};
