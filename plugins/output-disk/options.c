/* plugins/output-disk/options.c - small helpers, the disk output's
 * options (open, close) and its descriptor. */
#include "disk.h"

/* ---- small helpers -------------------------------------------------- */

/*
 * The absolute path of program PROG found in PATH (malloc'd, caller frees),
 * or NULL; then one error line names the Debian PACKAGE.
 */
static char *find_program(const struct pf_host *h, const char *prog, const char *package)
{
	const char *path = getenv("PATH");
	char *copy = strdup(path && *path ? path : "/usr/bin:/bin"), *dir, *save = NULL;
	char *found = NULL;

	if (!copy)
		return NULL;
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = NULL;

		if (asprintf(&full, "%s/%s", *dir ? dir : ".", prog) < 0)
			break;
		if (access(full, X_OK) == 0)
			found = full;
		else
			free(full);
	}
	free(copy);
	if (!found)
		h->log(PF_LOG_ERROR, NAME, "outputs.disk: %s not found in PATH: install the "
		       "Debian package %s", prog, package);
	return found;
}

/* Free what disk_open allocated in S (not S itself). */
static void state_clear(struct disk_state *s)
{
	free(s->mformat);
	free(s->mmd);
	free(s->mcopy);
	free(s->syslinux);
}

/*
 * Parse outputs.disk and find the tools and the syslinux files, so that a
 * missing package fails the run before any work.  *STATE (on success) is
 * freed by disk_close.
 */
static int disk_open(const struct pf_host *host, const struct pf_args *args,
		     void **state)
{
	static const char *const mbr_paths[] = {
		"/usr/lib/syslinux/mbr/mbr.bin", "/usr/lib/SYSLINUX/mbr.bin",
		"/usr/share/syslinux/mbr.bin", "/usr/lib/syslinux/mbr.bin", NULL
	};
	static const char *const module_dirs[] = {
		"/usr/lib/syslinux/modules/bios", "/usr/lib/syslinux/bios",
		"/usr/lib/syslinux", "/usr/share/syslinux"
	};
	struct disk_state *s;
	const char *path = NULL;
	uint64_t split_mb = 0;
	char cand[NMODULES][4][64];
	size_t i, k;
	int ret;

	ret = outlib_file_arg(host, args, NAME, "winpe.img", &path);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	s->path = path;
	/* whole MiB; absent: 0 (automatic) */
	if ((ret = host->arg_uint(args, "size_mb", 0, 1, UINT64_C(1) << 40, &s->size_mb)) ||
	    (ret = host->arg_uint(args, "split_mb", 0, 1, UINT64_C(1) << 40, &split_mb)))
		goto out;
	s->split_bytes = split_mb ? split_mb * MIB : FAT32_MAX_FILE;
	s->part_bytes = (uint64_t)(split_mb ? split_mb : SPLIT_MB_DEFAULT) * MIB;
	ret = -PF_ENOENT;
	if (!(s->mformat = find_program(host, "mformat", "mtools")) ||
	    !(s->mmd = find_program(host, "mmd", "mtools")) ||
	    !(s->mcopy = find_program(host, "mcopy", "mtools")) ||
	    !(s->syslinux = find_program(host, "syslinux", "syslinux")))
		goto out;
	s->mbr = outlib_find_system_file(host, NAME, "syslinux's MBR boot code (mbr.bin)",
					 "syslinux-common", mbr_paths);
	if (!s->mbr)
		goto out;
	for (i = 0; i < NMODULES; i++) {
		const char *list[5];

		for (k = 0; k < 4; k++) {
			snprintf(cand[i][k], sizeof(cand[i][k]), "%s/%s", module_dirs[k],
				 module_names[i]);
			list[k] = cand[i][k];
		}
		list[4] = NULL;
		list[0] = outlib_find_system_file(host, NAME, module_names[i],
						  "syslinux-common", list);
		if (!list[0])
			goto out;
		/* keep a copy: the candidate arrays are on the stack */
		s->modules[i] = strdup(list[0]);
		if (!s->modules[i]) {
			ret = -PF_ENOMEM;
			goto out;
		}
	}
	wimlib_global_init(WIMLIB_INIT_FLAG_DEFAULT_CASE_INSENSITIVE);
	*state = s;
	ret = 0;
out:
	if (ret) {
		for (i = 0; i < NMODULES; i++)
			free(s->modules[i]);
		state_clear(s);
		free(s);
	}
	return ret;
}

static void disk_close(void *state)
{
	struct disk_state *s = state;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < NMODULES; i++)
		free(s->modules[i]);
	state_clear(s);
	free(s);
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_STRING, .dflt = "required",
	  .help = "the image file, relative to the output folder" },
	{ .name = "size_mb", .type = PF_OPT_UINT, .dflt = "what the files need",
	  .help = "the size of the whole image in MiB", .min = 1, .max = UINT64_C(1) << 40 },
	{ .name = "split_mb", .type = PF_OPT_UINT, .dflt = "4000",
	  .help = "split .wim files over this many MiB (for tests)", .min = 1,
	  .max = UINT64_C(1) << 40 },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_OUTPUT,
	.name = NAME,
	.summary = "a USB disk image: MBR + FAT32, syslinux for BIOS, EFI/BOOT for UEFI",
	.open = disk_open,
	.run = disk_run,
	.close = disk_close,
	.probe = NULL,
	.rank = 30,
	.options = options,
};
