/* tests/plugins/dup.c - a second output plugin named "test-good": refused
 * as a duplicate when good.so was loaded first. */
#include "peforge/plugin.h"

static int d_open(const struct pf_host *h, const struct pf_args *a, void **s)
{
	(void)h; (void)a; *s = 0;
	return 0;
}

static int d_run(void *s, struct pf_job *j)
{
	(void)s; (void)j;
	return 0;
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI, .kind = PF_OUTPUT, .name = "test-good",
	.open = d_open, .run = d_run,
};
