/* tests/plugins/badkind.c - a descriptor with an unknown kind: refused. */
#include "peforge/plugin.h"

static int k_open(const struct pf_host *h, const struct pf_args *a, void **s)
{
	(void)h; (void)a; *s = 0;
	return 0;
}

static int k_run(void *s, struct pf_job *j)
{
	(void)s; (void)j;
	return 0;
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI, .kind = (enum pf_plugin_kind)42, .name = "test-badkind",
	.open = k_open, .run = k_run,
};
