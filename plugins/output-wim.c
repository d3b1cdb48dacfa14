/*
 * plugins/output-wim.c - output plugin "wim": the customized boot.wim
 * itself (mkwinpeimg's --only-wim).  outputs = { wim = "boot.wim" } or
 * { wim = { path = "boot.wim" } }.  The file is whole or absent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

#define NAME "wim"

struct out_state {
	const struct pf_host *host;
	const char *path;
};

static int out_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct out_state *s;
	const char *path = host->arg_string(args, "path");

	if (!path || !*path) {
		host->log(PF_LOG_ERROR, NAME, "outputs.wim: give a file name "
			  "(outputs = { wim = \"boot.wim\" })");
		return -PF_ERECIPE;
	}
	/* the core checks the claimed paths of all outputs before any work */
	if (PF_HOST_HAS(host, output_claim) && host->output_claim(args, path, 0))
		return -PF_ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->path = path;
	*state = s;
	return 0;
}

static void out_close(void *state)
{
	free(state);
}

/*
 * Put the run's WIM at FINAL by a hard link when the injector says its file
 * is private to the run (fact wim_linkable): the bytes are then written only
 * once, by the injector, in the output folder.  Returns 0 when linked,
 * 1 when a copy is needed (another file system, or a shared WIM), or an
 * error.
 */
static int try_link(const struct pf_host *h, struct pf_job *job, const char *wim,
		    const char *final)
{
	const char *linkable = h->job_fact(job, PF_FACT_WIM_LINKABLE);
	char *tmp = NULL;
	int fd = -1, ret;

	if (!linkable || strcmp(linkable, "true"))
		return 1;
	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret)
		return ret;
	close(fd);
	unlink(tmp);
	if (link(wim, tmp) != 0) {
		h->log(PF_LOG_DEBUG, NAME, "%s: cannot link (%s), copying", final,
		       strerror(errno));
		free(tmp);
		return 1;
	}
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", tmp, strerror(errno));
		h->output_abort(job, -1, tmp);
		free(tmp);
		return -PF_EIO;
	}
	ret = h->output_commit(job, fd, tmp, final);
	if (!ret)
		h->log(PF_LOG_DEBUG, NAME, "%s: hard-linked to the run's boot.wim (no copy)",
		       final);
	free(tmp);
	return ret;
}

/* What copy_progress reports to. */
struct copy_ctx {
	const struct pf_host *h;
	struct pf_job *job;
	uint64_t total;
};

/* Report DONE bytes of the copy to the host. */
static int copy_progress(void *ctx, uint64_t done)
{
	struct copy_ctx *c = ctx;

	return c->h->progress(c->job, "writing wim output", done, c->total);
}

/* Link or copy the run's WIM to a temporary name beside the output, then
 * rename it into place. */
static int out_run(void *state, struct pf_job *job)
{
	struct out_state *s = state;
	const struct pf_host *h = s->host;
	const char *wim = h->job_wim(job);
	char *final = NULL, *tmp = NULL;
	struct copy_ctx cp;
	struct fsu_err e;
	struct stat st;
	int in = -1, fd = -1, ret;

	if (!wim) {
		h->log(PF_LOG_ERROR, NAME, "no boot.wim was built in this run");
		return -PF_EINTERNAL;
	}
	ret = h->output_path(job, s->path, &final);
	if (ret)
		return ret;
	ret = try_link(h, job, wim, final);
	if (ret <= 0)
		goto out;
	ret = 0;
	in = open(wim, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", wim, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret)
		goto out;
	cp.h = h;
	cp.job = job;
	cp.total = (uint64_t)st.st_size;
	ret = fsu_copy_fd(in, wim, fd, final, copy_progress, &cp, &e);
	if (ret && ret != -PF_ECANCELED)
		h->log(PF_LOG_ERROR, NAME, "%s", e.msg);
	if (ret) {
		h->output_abort(job, fd, tmp);
		goto out;
	}
	ret = h->output_commit(job, fd, tmp, final);
out:
	if (in >= 0)
		close(in);
	free(tmp);
	free(final);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "the .wim file, relative to the output folder" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_OUTPUT,
	.name = NAME,
	.summary = "the customized boot.wim as a file (mkwinpeimg --only-wim)",
	.open = out_open,
	.run = out_run,
	.close = out_close,
	.probe = NULL,
	.rank = 10,
	.options = options,
};
