/*
 * plugins/source-wim.c - source plugin "wim": a bare boot.wim, presented as
 * media whose sources/boot.wim it is.  The boot files may be given
 * separately with the recipe key `boot_files` (a folder laid out like
 * Windows media: bootmgr, boot/, efi/); otherwise they are absent and only
 * outputs that need none of them (the WIM itself) can be made.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs.h"
#include "srcbase.h"

#define NAME "wim"

struct wim_state {
	struct src_base b;        /* the host and the boot.wim */
	const char *boot_files; /* folder or NULL */
};

/* A regular file that starts with the WIM magic. */
static int wim_probe(const struct pf_host *host, const char *path)
{
	char magic[8];
	int fd, yes;

	(void)host;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	yes = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	      !memcmp(magic, "MSWIM\0\0\0", 8);
	close(fd);
	return yes ? 60 : 0;
}

static int wim_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	int ret = src_base_open(host, args, NAME, sizeof(struct wim_state), state);

	if (!ret)
		((struct wim_state *)*state)->boot_files = host->arg_string(args, "boot_files");
	return ret;
}

static int wim_run(void *state, struct pf_job *job)
{
	struct wim_state *s = state;
	const struct pf_host *h = s->b.host;
	struct stat st;
	struct hostfs *fs;
	int ret;

	if (stat(s->b.path, &st) != 0 || !S_ISREG(st.st_mode) || access(s->b.path, R_OK)) {
		h->log(PF_LOG_ERROR, NAME, "%s: not a readable file", s->b.path);
		return -PF_EMEDIA;
	}
	if (s->boot_files && (stat(s->boot_files, &st) != 0 || !S_ISDIR(st.st_mode))) {
		h->log(PF_LOG_ERROR, NAME, "boot_files: %s: no such folder", s->boot_files);
		return -PF_ENOENT;
	}
	fs = hostfs_new(h, NAME);
	if (!fs)
		return -PF_ENOMEM;
	ret = hostfs_map(fs, "sources/boot.wim", s->b.path);
	if (!ret && s->boot_files)
		ret = hostfs_map(fs, "", s->boot_files);
	if (!ret)
		ret = h->job_set_media(job, &hostfs_ops, fs);
	if (ret) {
		hostfs_ops.free(fs);
		return ret;
	}
	return h->job_set_fact(job, PF_FACT_LAYOUT, "wim");
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_PATH, .help = "the boot.wim (the recipe's source)" },
	{ .name = "boot_files", .type = PF_OPT_PATH,
	  .help = "a folder of boot files for the medium (the recipe's boot_files)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "a bare boot.wim (boot files from the recipe's boot_files folder, or none)",
	.open = wim_open,
	.run = wim_run,
	.close = src_base_close,
	.probe = wim_probe,
	.options = options,
};
