/* tests/plugins/more/abi1.c - a plugin built for plugin ABI 1 (before the
 * descriptor got `rank` and `options`): this peforge refuses it, naming
 * both versions.  Only the first member matters to the loader. */
#include "peforge/plugin.h"

static int a_open(const struct pf_host *h, const struct pf_args *a, void **s)
{
	(void)h; (void)a; *s = 0;
	return 0;
}

static int a_run(void *s, struct pf_job *j)
{
	(void)s; (void)j;
	return 0;
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = 1, .kind = PF_OUTPUT, .name = "test-abi1",
	.summary = "test plugin: an ABI 1 output", .open = a_open, .run = a_run,
};
