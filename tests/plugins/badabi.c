/* tests/plugins/badabi.c - a plugin built for another ABI (99): refused. */
#include "peforge/plugin.h"

static int b_open(const struct pf_host *h, const struct pf_args *a, void **s)
{
	(void)h; (void)a; *s = 0;
	return 0;
}

static int b_run(void *s, struct pf_job *j)
{
	(void)s; (void)j;
	return 0;
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = 99, .kind = PF_OUTPUT, .name = "test-badabi",
	.open = b_open, .run = b_run,
};
