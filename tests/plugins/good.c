/* tests/plugins/good.c - a well-formed output plugin "test-good" for the
 * loader tests: it writes a file named by its `path` argument holding the
 * value of its `text` argument, through the host's atomic output calls. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "peforge/plugin.h"

struct st {
	const struct pf_host *host;
	const char *path, *text;
};

static int g_open(const struct pf_host *host, const struct pf_args *args, void **state)
{
	struct st *s = calloc(1, sizeof(*s));

	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->path = host->arg_string(args, "path");
	s->text = host->arg_string(args, "text");
	if (!s->path) {
		host->log(PF_LOG_ERROR, "test-good", "no path");
		free(s);
		return -PF_ERECIPE;
	}
	*state = s;
	return 0;
}

static int g_run(void *state, struct pf_job *job)
{
	struct st *s = state;
	char *final = NULL, *tmp = NULL;
	const char *t = s->text ? s->text : "good";
	int fd = -1, ret;

	ret = s->host->output_path(job, s->path, &final);
	if (ret)
		return ret;
	ret = s->host->output_begin(job, final, &tmp, &fd);
	if (!ret) {
		if (write(fd, t, strlen(t)) != (ssize_t)strlen(t)) {
			s->host->output_abort(job, fd, tmp);
			ret = -PF_EIO;
		} else {
			ret = s->host->output_commit(job, fd, tmp, final);
		}
	}
	free(tmp);
	free(final);
	return ret;
}

static void g_close(void *state)
{
	free(state);
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI, .kind = PF_OUTPUT, .name = "test-good",
	.summary = "test plugin: writes a text file",
	.open = g_open, .run = g_run, .close = g_close,
};
