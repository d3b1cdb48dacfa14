/* tests/plugins/more/cancel.c - an output "test-cancel" that runs first
 * (rank 1) and interrupts its own run: it sends the process SIGINT, as a
 * user's Ctrl-C would, then reports progress.  With the core's handler in
 * place, progress says -PF_ECANCELED and the plugin returns it; it fails
 * the run with PF_EINTERNAL if progress did not cancel. */
#include <signal.h>
#include <stdlib.h>
#include "peforge/plugin.h"

static int c_open(const struct pf_host *host, const struct pf_args *args, void **state)
{
	(void)args;
	*state = (void *)host;
	return 0;
}

static int c_run(void *state, struct pf_job *job)
{
	const struct pf_host *host = state;
	int ret;

	raise(SIGINT);
	ret = host->progress(job, "test-cancel", 0, 1);
	if (ret) {
		host->log(PF_LOG_WARN, "test-cancel", "progress said: %s", host->strerror(ret));
		return ret;
	}
	host->log(PF_LOG_ERROR, "test-cancel", "progress did not cancel");
	return -PF_EINTERNAL;
}

static const struct pf_option options[] = { { .name = NULL } };

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI, .kind = PF_OUTPUT, .name = "test-cancel",
	.summary = "test plugin: cancels its own run", .open = c_open, .run = c_run,
	.rank = 1, .options = options,
};
