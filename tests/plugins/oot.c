/* tests/plugins/oot.c - an out-of-tree plugin, compiled by oot-plugin.test
 * against the INSTALLED header with only `pkg-config --cflags
 * peforge-plugin`: an output "oot-hello" that writes its `text` argument to
 * its `path` argument through the host's atomic output calls. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <peforge/plugin.h>

struct hello {
	const struct pf_host *host;
	const char *path, *text;
};

static int hello_open(const struct pf_host *host, const struct pf_args *args,
		      void **state)
{
	struct hello *h = calloc(1, sizeof(*h));

	if (!h)
		return -PF_ENOMEM;
	h->host = host;
	h->path = host->arg_string(args, "path");
	h->text = host->arg_string(args, "text");
	if (!h->path || !h->text) {
		host->log(PF_LOG_ERROR, "oot-hello", "needs path and text");
		free(h);
		return -PF_ERECIPE;
	}
	*state = h;
	return 0;
}

static int hello_run(void *state, struct pf_job *job)
{
	struct hello *h = state;
	char *final = NULL, *tmp = NULL;
	int fd = -1, ret;
	size_t n = strlen(h->text);

	ret = h->host->output_path(job, h->path, &final);
	if (ret)
		return ret;
	ret = h->host->output_begin(job, final, &tmp, &fd);
	if (!ret) {
		if (write(fd, h->text, n) != (ssize_t)n) {
			h->host->output_abort(job, fd, tmp);
			ret = -PF_EIO;
		} else {
			ret = h->host->output_commit(job, fd, tmp, final);
		}
	}
	h->host->log(PF_LOG_INFO, "oot-hello", "wim of this run: %s",
		     h->host->job_wim(job) ? "present" : "absent");
	free(tmp);
	free(final);
	return ret;
}

static void hello_close(void *state)
{
	free(state);
}

/* The options it reads: any other key in outputs["oot-hello"] is refused. */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "the file, relative to the output folder" },
	{ .name = "text", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "what to write" },
	{ .name = NULL },
};

#ifndef OOT_ABI
#define OOT_ABI PF_PLUGIN_ABI /* the test also builds it as an ABI 1 plugin */
#endif

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = OOT_ABI,
	.kind = PF_OUTPUT,
	.name = "oot-hello",
	.summary = "out-of-tree test plugin: writes a text file",
	.open = hello_open,
	.run = hello_run,
	.close = hello_close,
	.rank = PF_RANK_DEFAULT, /* after the built-in outputs */
	.options = options,
};
