/*
 * plugins/source-dir.c - source plugin "dir": an extracted or mounted
 * Windows installation tree, read as an ordinary user and never written.
 * Names are matched case-insensitively (boot/bcd, BOOT/BCD and Boot/BCD are
 * the same file), as on the Windows media themselves.
 *
 * It needs nothing but peforge/plugin.h: the core reads the folder
 * (job_set_media_folder), so a copy of this file builds out of tree with
 * only `pkg-config --cflags peforge-plugin` (docs/plugins.md).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "peforge/plugin.h"

#define NAME "dir"

/* The plugin's state: the host and the media folder. */
struct dir_state {
	const struct pf_host *host;
	char *path; /* the recipe's source (absolute, from the core) */
};

/* A folder with sources/boot.wim is surely ours; any folder may be. */
static int dir_probe(const struct pf_host *host, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (!PF_HOST_HAS(host, host_lookup))
		return 10;
	return host->host_lookup(path, "sources/boot.wim") == PF_LOOKUP_FILE ? 50 : 10;
}

/* Keep the recipe's source folder (the core made it absolute). */
static int dir_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	const char *path = host->arg_string(args, "path");
	struct dir_state *s;

	if (!path || !*path) {
		host->log(PF_LOG_ERROR, NAME, "no source path given");
		return -PF_EINVAL;
	}
	if (!PF_HOST_HAS(host, job_set_media_folder)) {
		host->log(PF_LOG_ERROR, NAME, "this peforge (%s) is too old for this plugin: "
			  "it has no job_set_media_folder", host->version);
		return -PF_EUNSUPPORTED;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return -PF_ENOMEM;
	}
	s->host = host;
	*state = s;
	return 0;
}

/* Hand the folder to the core as the media tree. */
static int dir_run(void *state, struct pf_job *job)
{
	struct dir_state *s = state;
	const struct pf_host *h = s->host;
	int ret = h->job_set_media_folder(job, s->path, NAME);

	return ret ? ret : h->job_set_fact(job, PF_FACT_LAYOUT, "dir");
}

static void dir_close(void *state)
{
	struct dir_state *s = state;

	if (s) {
		free(s->path);
		free(s);
	}
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
	.close = dir_close,
	.probe = dir_probe,
	.options = options,
};
