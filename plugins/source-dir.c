/*
 * plugins/source-dir.c - source plugin "dir": an extracted or mounted
 * Windows installation tree, read as an ordinary user and never written.
 * Names are matched case-insensitively (boot/bcd, BOOT/BCD and Boot/BCD are
 * the same file), as on the Windows media themselves.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs.h"
#include "srcbase.h"

#define NAME "dir"

struct dir_state {
	struct src_base b; /* the host and the folder */
};

/* A folder with sources/boot.wim is surely ours; any folder may be. */
static int dir_probe(const struct pf_host *host, const char *path)
{
	struct stat st;

	(void)host;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	return hostfs_has_file(path, "sources/boot.wim") ? 50 : 10;
}

static int dir_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	return src_base_open(host, args, NAME, sizeof(struct dir_state), state);
}

/* Hand the folder to the core as the media tree. */
static int dir_run(void *state, struct pf_job *job)
{
	struct dir_state *s = state;
	const struct pf_host *h = s->b.host;
	struct hostfs *fs;
	struct stat st;
	int ret;


	if (stat(s->b.path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		h->log(PF_LOG_ERROR, NAME, "%s: not a folder", s->b.path);
		return -PF_EMEDIA;
	}
	if (access(s->b.path, R_OK | X_OK) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot read folder: %s", s->b.path,
		       strerror(errno));
		return -PF_EMEDIA;
	}
	fs = hostfs_new(h, NAME);
	if (!fs)
		return -PF_ENOMEM;
	ret = hostfs_map(fs, "", s->b.path);
	if (!ret)
		ret = h->job_set_media(job, &hostfs_ops, fs);
	if (ret) {
		hostfs_ops.free(fs);
		return ret;
	}
	return h->job_set_fact(job, PF_FACT_LAYOUT, "dir");
}


/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_PATH, .help = "the media folder (the recipe's source)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "an extracted or mounted Windows media folder (case-insensitive names)",
	.open = dir_open,
	.run = dir_run,
	.close = src_base_close,
	.probe = dir_probe,
	.options = options,
};
