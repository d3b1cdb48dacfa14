/* core/mkwinpeimg.c - `peforge mkwinpeimg`: a drop-in for wimlib's mkwinpeimg. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "log.h"
#include "mkwinpeimg.h"
#include "pipeline.h"
#include "recipe.h"
#include "util.h"

const char pf_mkwinpeimg_usage[] =
	"Usage: peforge mkwinpeimg [OPTIONS] IMAGE\n"
	"\n"
	"Make a bootable Windows PE image, like wimlib's mkwinpeimg: a USB disk\n"
	"image (default), an ISO (--iso) or just the boot.wim (--only-wim).\n"
	"Unlike mkwinpeimg, the ISO and the disk image boot on BIOS AND UEFI\n"
	"(BIOS only, with a warning, from a WAIK without UEFI boot files),\n"
	"--windows-dir may be an ISO file (read without mounting), setup.exe is\n"
	"always renamed on the Setup image, --wim accepts a multi-image WIM (its\n"
	"boot image is used), and nothing is left in --tmp-dir or the image.\n"
	"\n"
	"  -i, --iso                make an ISO image (IMAGE may be - for stdout)\n"
	"  -o, --only-wim           make only the customized boot.wim\n"
	"  -W, --windows-dir=DIR    Windows media: a folder or an ISO file (default:\n"
	"                           the first of /mnt/windows, /mnt/windows7,\n"
	"                           /mnt/windows8, /mnt/windows10 holding sources/)\n"
	"  -A, --waik-dir=DIR       a WAIK supplement folder instead of -W\n"
	"  -s, --start-script=FILE  run FILE (added as \\FILE's name) instead of Setup\n"
	"  -w, --wim=WIM            use WIM as boot.wim\n"
	"  -O, --overlay=DIR        add DIR's contents to the root of the WIM image\n"
	"  -t, --tmp-dir=DIR        make temporary files in DIR (created when missing,\n"
	"                           and then removed; an existing DIR is kept)\n"
	"  -a, --arch=ARCH          with --waik-dir: which architecture of the WAIK\n"
	"                           (x86, amd64 or arm64); ignored without it\n"
	"      --no-wait            fail at once when another run uses IMAGE's folder\n"
	"                           or --tmp-dir (default: wait for it)\n"
	"  -h, --help               this help\n"
	"  -v, --version            the version\n"
	"\n"
	"IMAGE may come before the options.  A bad command line exits with\n"
	"status 1, as wimlib's script does.\n"
	"\n"
	"Example (the seed's command line, verbatim after peforge):\n"
	"  peforge mkwinpeimg --iso --windows-dir=/mnt/windows --start-script=start.cmd winpe.iso\n";

/* The parsed command line. */
struct mk_opts {
	int iso, only_wim, no_wait;
	const char *windows_dir, *waik_dir, *start_script, *wim, *overlay, *tmp_dir, *arch;
	const char *image;
};

/* Log a usage error and return -PF_EUSAGE. */
static int usage(const char *msg, const char *arg)
{
	pf_err("mkwinpeimg: %s%s%s (see 'peforge mkwinpeimg --help')", msg,
	       arg ? " " : "", arg ? arg : "");
	return -PF_EUSAGE;
}

/* Parse ARGV into O.  Returns 0, 1 for --help/--version done, or -PF_EUSAGE. */
static int parse(int argc, char **argv, struct mk_opts *o)
{
	static const struct option longs[] = {
		{ "iso", no_argument, NULL, 'i' },
		{ "only-wim", no_argument, NULL, 'o' },
		{ "windows-dir", required_argument, NULL, 'W' },
		{ "waik-dir", required_argument, NULL, 'A' },
		{ "start-script", required_argument, NULL, 's' },
		{ "wim", required_argument, NULL, 'w' },
		{ "overlay", required_argument, NULL, 'O' },
		{ "tmp-dir", required_argument, NULL, 't' },
		{ "arch", required_argument, NULL, 'a' },
		{ "no-wait", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ioW:A:s:w:O:t:a:hv", longs, NULL)) != -1) {
		switch (c) {
		case 'i': o->iso = 1; break;
		case 'o': o->only_wim = 1; break;
		case 'W': o->windows_dir = optarg; break;
		case 'A': o->waik_dir = optarg; break;
		case 's': o->start_script = optarg; break;
		case 'w': o->wim = optarg; break;
		case 'O': o->overlay = optarg; break;
		case 't': o->tmp_dir = optarg; break;
		case 'a': o->arch = optarg; break;
		case 'N': o->no_wait = 1; break;
		case 'h':
			fputs(pf_mkwinpeimg_usage, stdout);
			return 1;
		case 'v':
			printf("peforge mkwinpeimg %s\n", PACKAGE_VERSION);
			return 1;
		default:
			return usage(optopt ? "unknown option or missing value:" :
				     "unknown option", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage(optind == argc ? "missing IMAGE" : "more than one IMAGE",
			     optind == argc ? NULL : argv[optind + 1]);
	o->image = argv[optind];
	if (o->iso && o->only_wim)
		return usage("--iso and --only-wim cannot be used together", NULL);
	if (o->windows_dir && o->waik_dir)
		return usage("--windows-dir and --waik-dir cannot be used together", NULL);
	if (!strcmp(o->image, "-") && !o->iso)
		return usage("IMAGE can be - (standard output) only with --iso", NULL);
	if (o->arch && strcmp(o->arch, "x86") && strcmp(o->arch, "amd64") &&
	    strcmp(o->arch, "arm64"))
		return usage("--arch must be x86, amd64 or arm64, not", o->arch);
	return 0;
}

/* mkwinpeimg's default media folder: the first /mnt/windows* with sources/. */
static const char *default_windows_dir(void)
{
	static const char *const dirs[] = { "/mnt/windows", "/mnt/windows7",
					    "/mnt/windows8", "/mnt/windows10", NULL };
	int i;

	for (i = 0; dirs[i]; i++) {
		char *s = pf_path_join(dirs[i], "sources");
		int yes = s && pf_is_dir(s);

		free(s);
		if (yes)
			return dirs[i];
	}
	return NULL;
}

/* 1 when REL ('/'-separated) names a file under ROOT, each component
 * matched case-insensitively (a WAIK disc may be mounted in either case). */
static int ci_file(const char *root, const char *rel)
{
	char *dir = pf_strdup(root), *next;
	const char *part = rel;
	int found = 0;

	while (dir && part) {
		const char *slash = strchr(part, '/');
		size_t n = slash ? (size_t)(slash - part) : strlen(part);
		DIR *d = opendir(dir);
		struct dirent *de;

		next = NULL;
		while (d && (de = readdir(d)))
			if (strlen(de->d_name) == n && !strncasecmp(de->d_name, part, n)) {
				next = pf_path_join(dir, de->d_name);
				break;
			}
		if (d)
			closedir(d);
		free(dir);
		dir = next;
		part = slash ? slash + 1 : NULL;
	}
	found = dir && pf_is_file(dir);
	free(dir);
	return found;
}

/*
 * The file of a WAIK (or ADK copype folder) that UEFI boot of output OUT
 * ("iso" or "disk") needs, when WAIK lacks it: its name, else NULL.  A
 * WAIK supplement's architecture is ARCH, else the only one it has.
 */
static const char *waik_missing_uefi(const char *waik, const char *arch, const char *out)
{
	static const char *const arches[] = { "amd64", "x86", "arm64", NULL };
	const char *file = !strcmp(out, "iso") ? "efi/microsoft/boot/efisys.bin" :
			   "efi/boot/bootx64.efi";
	char rel[96];
	int i, n = 0;

	if (ci_file(waik, "media/sources/boot.wim")) { /* copype: media/ + fwfiles/ */
		snprintf(rel, sizeof(rel), "%s", !strcmp(out, "iso") ?
			 "fwfiles/efisys.bin" : "media/efi/boot/bootx64.efi");
		return ci_file(waik, rel) ? NULL : file;
	}
	for (i = 0; !arch && arches[i]; i++) {
		snprintf(rel, sizeof(rel), "%s/winpe.wim", arches[i]);
		if (ci_file(waik, rel) && n++ == 0)
			arch = arches[i];
	}
	if (!arch)
		return NULL; /* not a WAIK supplement: the source plugin says why */
	snprintf(rel, sizeof(rel), "%s/%s", arch, file);
	return ci_file(waik, rel) ? NULL : file;
}

/* Add output NAME writing PATH to plan P. */
static int add_output(struct pf_plan *p, const char *name, const char *path)
{
	struct pf_plan_output *o = calloc(1, sizeof(*o));

	if (!o)
		return -PF_ENOMEM;
	o->name = pf_strdup(name);
	o->args = pf_args_new(name);
	if (!o->name || !o->args || pf_args_set(o->args, "path", path) ||
	    pf_args_set(o->args, "recipe_dir", p->recipe_dir)) {
		free(o->name);
		pf_args_free(o->args);
		free(o);
		return -PF_ENOMEM;
	}
	p->outputs = o;
	p->noutputs = 1;
	return 0;
}

/* Turn the options into a plan writing FINAL.  *OUT is freed by the caller
 * (or by pf_build_plan). */
static int make_plan(const struct mk_opts *o, const char *final, struct pf_plan **out)
{
	struct pf_plan *p = calloc(1, sizeof(*p));
	const char *media = o->waik_dir ? o->waik_dir : o->windows_dir;
	int ret = -PF_ENOMEM;

	if (!p)
		return -PF_ENOMEM;
	p->recipe = pf_strdup("mkwinpeimg");
	p->recipe_dir = pf_abspath(".");
	if (!p->recipe || !p->recipe_dir)
		goto out;
	if (!media && !o->wim) {
		media = default_windows_dir();
		if (!media) {
			pf_err("mkwinpeimg: no Windows media: give --windows-dir (a folder or "
			       "an ISO file) or --waik-dir; none of /mnt/windows* holds sources/");
			ret = -PF_EUSAGE;
			goto out;
		}
	}
	if (o->wim) {
		/* The WIM is boot.wim; the boot files come from the media, if given. */
		p->source = pf_abspath(o->wim);
		p->source_type = pf_strdup("wim");
		p->image = pf_strdup("boot");
		if (media && !(p->boot_files = pf_abspath(media)))
			goto out;
		if (!p->source || !p->source_type || !p->image)
			goto out;
	} else if (!(p->source = pf_abspath(media))) {
		goto out;
	}
	/* wimlib's script reads --arch only to pick the WAIK's files */
	if (o->arch && !o->waik_dir)
		pf_warn("mkwinpeimg: --arch %s is ignored without --waik-dir (as wimlib's "
			"mkwinpeimg does): the media's own architecture is used", o->arch);
	else if (o->arch && !(p->arch = pf_strdup(o->arch)))
		goto out;
	if (o->overlay && !(p->overlay = pf_abspath(o->overlay)))
		goto out;
	if (o->start_script) {
		const char *base = strrchr(o->start_script, '/');
		size_t len;

		ret = pf_read_file(o->start_script, &p->start, &len);
		if (ret)
			goto out;
		p->start_len = len;
		ret = -PF_ENOMEM;
		if (!(p->start_name = pf_strdup(base ? base + 1 : o->start_script)))
			goto out;
	}
	ret = add_output(p, o->iso ? "iso" : o->only_wim ? "wim" : "disk", final);
	if (ret)
		goto out;
	if (o->waik_dir && !o->only_wim) {
		/* like wimlib's script: a WAIK without UEFI files boots on BIOS */
		const char *miss = waik_missing_uefi(o->waik_dir, p->arch, p->outputs->name);

		if (miss) {
			pf_warn("mkwinpeimg: %s: the WAIK has no %s: the %s boots on BIOS "
				"only (as wimlib's mkwinpeimg makes it)", o->waik_dir, miss,
				o->iso ? "ISO" : "disk image");
			if (o->iso && pf_args_set(p->outputs->args, "uefi", "false")) {
				ret = -PF_ENOMEM;
				goto out;
			}
		}
	}
	*out = p;
	return 0;
out:
	pf_plan_free(p);
	return ret;
}

/* Copy the file PATH to standard output. */
static int cat_to_stdout(const char *path)
{
	char buf[1 << 16];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0) {
		pf_err("%s: %s", path, strerror(errno));
		return -PF_EIO;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
			pf_err("standard output: write failed: %s", strerror(errno));
			ret = -PF_EIO;
			break;
		}
	if (n < 0) {
		pf_err("%s: read error: %s", path, strerror(errno));
		ret = -PF_EIO;
	}
	close(fd);
	if (!ret && fflush(stdout) != 0) {
		pf_err("standard output: write failed: %s", strerror(errno));
		ret = -PF_EIO;
	}
	return ret;
}

int pf_mkwinpeimg(struct pf_registry *r, int argc, char **argv)
{
	struct mk_opts o;
	struct pf_build_opts b = { 0 };
	struct pf_plan *plan = NULL;
	char *final = NULL, *outdir = NULL, *spool = NULL;
	char *tmp_abs = NULL;
	int made_tmp = 0, ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : ret;
	if (o.tmp_dir && !pf_is_dir(o.tmp_dir)) {
		/* wimlib's script makes it too; ours is removed again at the end */
		ret = pf_mkdir_p(o.tmp_dir);
		if (ret)
			return ret; /* logged */
		made_tmp = 1;
	}
	if (!strcmp(o.image, "-")) {
		/* An ISO to standard output: made in a private folder, then sent. */
		ret = pf_mkdtemp_in(o.tmp_dir, "peforge-stdout", &spool);
		if (ret)
			return ret;
		final = pf_path_join(spool, "winpe.iso");
	} else {
		final = pf_abspath(o.image);
	}
	outdir = final ? pf_dirname(final) : NULL;
	ret = -PF_ENOMEM;
	if (!final || !outdir)
		goto out;
	ret = make_plan(&o, final, &plan);
	if (ret)
		goto out;
	b.recipe = "mkwinpeimg";
	b.outdir = outdir;
	/* absolute: outputs may read the run's files from another folder */
	if (o.tmp_dir && !(tmp_abs = pf_abspath(o.tmp_dir))) {
		ret = -PF_ENOMEM;
		goto out;
	}
	b.tmp_parent = tmp_abs;
	b.no_wait = o.no_wait;
	b.print_outputs = !spool;
	ret = pf_build_plan(r, plan, &b);
	if (!ret && spool)
		ret = cat_to_stdout(final);
out:
	if (spool) {
		pf_rm_rf(spool);
		free(spool);
	}
	if (made_tmp && rmdir(o.tmp_dir) != 0)
		pf_warn("mkwinpeimg: --tmp-dir %s: cannot remove the folder made for this "
			"run: %s", o.tmp_dir, strerror(errno));
	free(tmp_abs);
	free(final);
	free(outdir);
	return ret;
}
