/*
 * plugins/output-disk.c - output plugin "disk": a USB disk image (a regular
 * file, made without root) that boots on BIOS and on UEFI.
 *
 *   outputs = { disk = "winpe.img" }
 *   outputs = { disk = { path = "winpe.img", size_mb = 1024 } }
 *
 * Layout:
 *   - sector 0: an MBR written here: syslinux's mbr.bin boot code, a disk
 *     signature, ONE partition, active, type 0x0C (FAT32, LBA), CHS fields
 *     for a 255-head, 63-sector geometry;
 *   - from 1 MiB (LBA 2048) to the end: a FAT32 file system (mformat) with
 *     the boot medium's files (outlib_medium_files: bootmgr, boot/, efi/,
 *     sources/boot.wim = the run's WIM, the recipe's `media` files and the
 *     answer file);
 *   - BIOS: syslinux installed in /syslinux (ldlinux.sys, ldlinux.c32) with
 *     chain.c32, libcom32.c32, libutil.c32 and a syslinux.cfg that chains
 *     to /bootmgr (as mkwinpeimg does);
 *   - UEFI: the firmware starts efi/boot/bootx64.efi (bootaa64.efi, ...)
 *     from the media, found on the FAT32 partition.
 *
 * Size: the files (each rounded up to a 4 KiB cluster) plus folders and
 * syslinux, plus 10% and 4 MiB of slack, and never less than the smallest
 * FAT32 file system mformat makes (65525 clusters of 512 bytes); rounded up
 * to whole MiB.  size_mb sets the size of the whole image instead; it is an
 * error when the files do not fit.
 *
 * FAT32 cannot hold a file of 4 GiB or more.  Such a file is split when it
 * is a .wim (wimlib_split, parts of 4000 MiB: install.wim becomes
 * install.swm, install2.swm, ..., which Setup reads); any other is refused.
 * The hidden argument split_mb (for the tests only) lowers that limit and
 * the part size, so that the split is tested with small files.
 *
 * The tools (mformat, mmd, mcopy from mtools; syslinux) are run with
 * fork/exec, never through a shell, with their output captured for the
 * error line.  Media files are streamed to a private folder in the job's
 * temporary folder one at a time, copied in, and removed.  The image is
 * built at output_begin's temporary name and renamed into place at the end:
 * whole or absent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wimlib.h>

#include "outlib.h"

#define NAME "disk"
#define SECTOR 512u
#define PART_LBA 2048u                       /* the partition starts at 1 MiB */
#define PART_OFFSET ((uint64_t)PART_LBA * SECTOR)
#define MIB (1024u * 1024u)
#define FAT32_MAX_FILE 0xFFFFFFFFull         /* 4 GiB - 1 */
/* The smallest FAT32 that `mformat -F` (mtools 4.0.32) accepts: 65525
 * clusters of one sector, two FATs and the reserved sectors.  Measured. */
#define FAT32_MIN_SECTORS 66581u
#define SPLIT_MB_DEFAULT 4000u
#define HEADS 255u
#define SECTORS_PER_TRACK 63u
#define FAT_LABEL "PEFORGE"

/* The syslinux files copied next to ldlinux.sys. */
static const char *const module_names[] = { "chain.c32", "libcom32.c32", "libutil.c32" };
#define NMODULES (sizeof(module_names) / sizeof(module_names[0]))

struct disk_state {
	const struct pf_host *host;
	const char *path;        /* outputs.disk.path (owned by the core) */
	uint64_t size_mb;        /* 0: automatic */
	uint64_t split_bytes;    /* files above this are split (or refused) */
	uint64_t part_bytes;     /* size of a .swm part */
	const char *mbr;         /* syslinux's mbr.bin (a static string) */
	char *modules[NMODULES]; /* chain.c32, ... (malloc'd) */
	char *mformat, *mmd, *mcopy, *syslinux; /* absolute paths (malloc'd) */
};

/* What one run needs besides the state. */
struct disk_run {
	const struct disk_state *s;
	const struct pf_host *h;
	struct pf_job *job;
	const char *img;         /* the temporary image file */
	int fd;                  /* open on it */
	char *drive;             /* "IMG@@OFFSET" for mtools' -i (malloc'd) */
	char *work;              /* private folder in the job's tmpdir (malloc'd) */
	char **envp;             /* environ + MTOOLS_SKIP_CHECK=1 (malloc'd array) */
	uint64_t done, total;    /* progress in bytes */
};

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
	const char *path = host->arg_string(args, "path");
	uint64_t split_mb = 0;
	char cand[NMODULES][4][64];
	size_t i, k;
	int ret;

	if (!path || !*path) {
		host->log(PF_LOG_ERROR, NAME, "outputs.disk: give a file name "
			  "(outputs = { disk = \"winpe.img\" })");
		return -PF_ERECIPE;
	}
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

/* ---- running the tools ------------------------------------------------ */

/*
 * environ plus MTOOLS_SKIP_CHECK=1 (mtools otherwise refuses a file system
 * whose size is not a whole number of tracks).  The array is malloc'd; its
 * strings are environ's or static.
 */
static char **tool_env(void)
{
	size_t n = 0, i, k = 0;
	char **envp;

	while (environ && environ[n])
		n++;
	envp = calloc(n + 2, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "MTOOLS_SKIP_CHECK=", 18))
			envp[k++] = environ[i];
	envp[k++] = (char *)"MTOOLS_SKIP_CHECK=1";
	envp[k] = NULL;
	return envp;
}

/*
 * Run ARGV (ARGV[0] an absolute path) with stdin from /dev/null and its
 * output captured.  Returns 0 when it exits with status 0; otherwise one
 * error line names WHAT and gives the tool's first line of output, and
 * -PF_EIO is returned.
 */
static int run_tool(struct disk_run *r, const char *what, char *const argv[])
{
	const struct pf_host *h = r->h;
	char out[1024];
	size_t got = 0;
	int pipefd[2], status = 0, ret = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot make a pipe: %s", what, strerror(errno));
		return -PF_EIO;
	}
	pid = fork();
	if (pid < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot start %s: %s", what, argv[0],
		       strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -PF_EIO;
	}
	if (pid == 0) {
		/* the child: only async-signal-safe calls */
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execve(argv[0], argv, r->envp);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char buf[512];
		ssize_t n = read(pipefd[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got < sizeof(out) - 1) {
			size_t take = (size_t)n < sizeof(out) - 1 - got ? (size_t)n :
				      sizeof(out) - 1 - got;

			memcpy(out + got, buf, take);
			got += take;
		}
	}
	close(pipefd[0]);
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl = strchr(out, '\n');

		if (nl)
			*nl = '\0';
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !out[0])
			snprintf(out, sizeof(out), "cannot run %s", argv[0]);
		h->log(PF_LOG_ERROR, NAME, "%s: %s failed (%s %d)%s%s", what,
		       strrchr(argv[0], '/') + 1,
		       WIFEXITED(status) ? "exit status" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		       out[0] ? ": " : "", out);
		ret = -PF_EIO;
	}
	return ret;
}

/* mcopy host file SRC to DEST ("::/path") on the partition. */
static int mcopy_file(struct disk_run *r, const char *what, const char *src,
		      const char *dest)
{
	char *argv[] = { r->s->mcopy, (char *)"-i", r->drive, (char *)"-D", (char *)"o",
			 (char *)src, (char *)dest, NULL };

	return run_tool(r, what, argv);
}

/* ---- the MBR ------------------------------------------------------------ */

/* The CHS address of LBA in OUT[3], for 255 heads and 63 sectors per track;
 * beyond cylinder 1023 the usual 1023/254/63. */
static void chs(uint32_t lba, unsigned char *out)
{
	uint32_t c = lba / (HEADS * SECTORS_PER_TRACK);
	uint32_t hd = (lba / SECTORS_PER_TRACK) % HEADS;
	uint32_t sec = lba % SECTORS_PER_TRACK + 1;

	if (c > 1023) {
		c = 1023;
		hd = 254;
		sec = 63;
	}
	out[0] = (unsigned char)hd;
	out[1] = (unsigned char)(sec | ((c >> 2) & 0xC0));
	out[2] = (unsigned char)(c & 0xFF);
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Write sector 0 of FD: mbr.bin's boot code (at most 440 bytes), a random
 * disk signature, one active FAT32 (0x0C) partition from PART_LBA for
 * PART_SECTORS sectors, and the 55 AA signature.  Returns 0 or an error
 * (logged).
 */
static int write_mbr(const struct disk_state *s, int fd, const char *img,
		     uint32_t part_sectors)
{
	const struct pf_host *h = s->host;
	unsigned char mbr[SECTOR] = { 0 }, *e = mbr + 446;
	uint32_t sig = 0;
	ssize_t n;
	int in;

	in = open(s->mbr, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", s->mbr, strerror(errno));
		return -PF_EIO;
	}
	n = read(in, mbr, SECTOR);
	close(in);
	if (n <= 0 || n > 440) {
		h->log(PF_LOG_ERROR, NAME, "%s: not an MBR boot code of at most 440 bytes",
		       s->mbr);
		return -PF_EIO;
	}
	if (getrandom(&sig, sizeof(sig), 0) != (ssize_t)sizeof(sig) || !sig)
		sig = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 0x5045u;
	put_le32(mbr + 440, sig);
	e[0] = 0x80; /* active */
	chs(PART_LBA, e + 1);
	e[4] = 0x0C; /* FAT32, LBA */
	chs(PART_LBA + part_sectors - 1, e + 5);
	put_le32(e + 8, PART_LBA);
	put_le32(e + 12, part_sectors);
	mbr[510] = 0x55;
	mbr[511] = 0xAA;
	if (pwrite(fd, mbr, SECTOR, 0) != (ssize_t)SECTOR) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot write the MBR: %s", img, strerror(errno));
		return -PF_EIO;
	}
	return 0;
}

/* ---- planning ----------------------------------------------------------- */

/* 1 when PATH ends in ".wim" (any case). */
static int is_wim(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcasecmp(path + n - 4, ".wim");
}

static uint64_t round_up(uint64_t v, uint64_t unit)
{
	return (v + unit - 1) / unit * unit;
}

/*
 * Check the files against FAT32's file size limit and work out the
 * partition's size in sectors (*PART_SECTORS) and the bytes to copy
 * (*TOTAL).  Returns 0, or an error with one line (a file too large, or
 * size_mb too small).
 */
static int plan_size(const struct disk_state *s, const struct outlib_files *files,
		     uint32_t *part_sectors, uint64_t *total)
{
	const struct pf_host *h = s->host;
	uint64_t content = 0, bytes = 0, need, sectors;
	size_t i, ndirs = 0;
	struct stat st;

	for (i = 0; i < files->n; i++) {
		const struct outlib_file *f = &files->v[i];
		const char *p;

		if (f->size > s->split_bytes) {
			if (!is_wim(f->path)) {
				h->log(PF_LOG_ERROR, NAME, "outputs.disk: %s is %.1f GiB: "
				       "FAT32 cannot hold a file of %s, and only a .wim "
				       "file can be split (into .swm parts)", f->path,
				       (double)f->size / (1024.0 * MIB),
				       s->split_bytes == FAT32_MAX_FILE ? "4 GiB or more" :
				       "more than split_mb");
				return -PF_EUNSUPPORTED;
			}
			/* the parts, each with its own header, tables and XML */
			content += f->size + (f->size / s->part_bytes + 2) * MIB;
		} else {
			content += round_up(f->size, 4096);
		}
		bytes += f->size;
		for (p = f->path; (p = strchr(p, '/')); p++)
			ndirs++; /* an upper bound: folders are shared */
		content += 160; /* its directory entries, long name included */
	}
	content += ndirs * 4096;
	/* syslinux: ldlinux.sys, ldlinux.c32, the modules, syslinux.cfg */
	content += 512 * 1024;
	for (i = 0; i < NMODULES; i++)
		if (stat(s->modules[i], &st) == 0)
			content += round_up((uint64_t)st.st_size, 4096);
	/* two FATs of 4 bytes per 512-byte cluster at worst, + 10% + 4 MiB */
	need = content + content / 64 + content / 10 + 4 * (uint64_t)MIB;
	sectors = round_up(need, SECTOR) / SECTOR;
	if (sectors < FAT32_MIN_SECTORS)
		sectors = FAT32_MIN_SECTORS;
	sectors = round_up(sectors, MIB / SECTOR);
	if (s->size_mb) {
		uint64_t given = s->size_mb * (MIB / SECTOR);

		if (given < sectors + PART_LBA) {
			h->log(PF_LOG_ERROR, NAME, "outputs.disk.size_mb = %" PRIu64 " is too "
			       "small: the files need an image of at least %" PRIu64 " MiB",
			       s->size_mb, (sectors + PART_LBA) / (MIB / SECTOR));
			return -PF_ERECIPE;
		}
		sectors = given - PART_LBA;
	}
	if (sectors + PART_LBA > UINT32_MAX) {
		h->log(PF_LOG_ERROR, NAME, "outputs.disk: an image of %" PRIu64 " MiB is "
		       "beyond an MBR's 2 TiB", (sectors + PART_LBA) / (MIB / SECTOR));
		return -PF_EUNSUPPORTED;
	}
	*part_sectors = (uint32_t)sectors;
	*total = bytes;
	return 0;
}

/* The largest cluster (sectors: 8, 4, 2 or 1) that still gives FAT32 its
 * 65525 clusters, with a margin for the FATs. */
static unsigned cluster_sectors(uint32_t part_sectors)
{
	unsigned c = 8;

	while (c > 1 && part_sectors / c < 72000)
		c /= 2;
	return c;
}

/* ---- filling the partition -------------------------------------------- */

/* "::/PATH" for mtools (malloc'd), or NULL. */
static char *target(const char *path)
{
	char *t = NULL;

	return asprintf(&t, "::/%s", path) < 0 ? NULL : t;
}

/*
 * Make every folder of FILES on the partition with one mmd, parents first;
 * a folder is made once whatever the case of its name.  Returns 0 or an
 * error (logged).
 */
static int make_folders(struct disk_run *r, const struct outlib_files *files)
{
	char **argv = NULL, **made = NULL;
	size_t nargs = 3, nmade = 0, cap = 0, i, k;
	const char *p;
	int ret = -PF_ENOMEM;

	for (i = 0; i < files->n; i++)
		for (p = files->v[i].path; (p = strchr(p, '/')); p++)
			cap++;
	argv = calloc(cap + 4, sizeof(*argv));
	made = calloc(cap + 1, sizeof(*made));
	if (!argv || !made)
		goto out;
	argv[0] = r->s->mmd;
	argv[1] = (char *)"-i";
	argv[2] = r->drive;
	for (i = 0; i < files->n; i++) {
		const char *slash;

		p = files->v[i].path;
		for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
			char *dir = strndup(p, (size_t)(slash - p));
			int seen = 0;

			if (!dir)
				goto out;
			for (k = 0; k < nmade && !seen; k++)
				seen = !strcasecmp(made[k], dir);
			if (seen) {
				free(dir);
				continue;
			}
			made[nmade++] = dir;
			if (!(argv[nargs++] = target(dir)))
				goto out;
		}
	}
	ret = nargs > 3 ? run_tool(r, "making the folders", argv) : 0;
out:
	for (i = 3; argv && i < nargs; i++)
		free(argv[i]);
	for (i = 0; i < nmade; i++)
		free(made[i]);
	free(argv);
	free(made);
	return ret;
}

/* Write DATA (LEN bytes) to the new file PATH.  Returns 0 or an error. */
static int write_tmp(const struct pf_host *h, const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), ret;

	if (fd < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", path, strerror(errno));
		return -PF_EIO;
	}
	ret = outlib_write_all(h, NAME, path, fd, data, len);
	if (close(fd) != 0 && !ret) {
		h->log(PF_LOG_ERROR, NAME, "%s: %s", path, strerror(errno));
		ret = -PF_EIO;
	}
	return ret;
}

/*
 * Install syslinux in /syslinux and put its configuration and modules
 * beside it.  Returns 0 or an error (logged).
 */
static int install_syslinux(struct disk_run *r)
{
	static const char cfg[] =
		"DEFAULT winpe\r\n"
		"LABEL winpe\r\n"
		"  COM32 chain.c32\r\n"
		"  APPEND ntldr=/bootmgr\r\n";
	const struct disk_state *s = r->s;
	char offset[32], *cfgpath = NULL;
	char *mmd[] = { s->mmd, (char *)"-i", r->drive, (char *)"::/syslinux", NULL };
	char *inst[] = { s->syslinux, (char *)"--install", (char *)"--offset", offset,
			 (char *)"--directory", (char *)"/syslinux", (char *)r->img, NULL };
	char *cp[NMODULES + 8];
	size_t i, n = 0;
	int ret;

	snprintf(offset, sizeof(offset), "%" PRIu64, PART_OFFSET);
	if ((ret = run_tool(r, "making /syslinux", mmd)) ||
	    (ret = run_tool(r, "installing syslinux", inst)))
		return ret;
	if (asprintf(&cfgpath, "%s/syslinux.cfg", r->work) < 0)
		return -PF_ENOMEM;
	ret = write_tmp(r->h, cfgpath, cfg, sizeof(cfg) - 1);
	if (ret)
		goto out;
	cp[n++] = s->mcopy;
	cp[n++] = (char *)"-i";
	cp[n++] = r->drive;
	cp[n++] = (char *)"-D";
	cp[n++] = (char *)"o";
	cp[n++] = cfgpath;
	for (i = 0; i < NMODULES; i++)
		cp[n++] = s->modules[i];
	cp[n++] = (char *)"::/syslinux/";
	cp[n] = NULL;
	ret = run_tool(r, "copying the syslinux files", cp);
out:
	if (cfgpath)
		unlink(cfgpath);
	free(cfgpath);
	return ret;
}

/*
 * Copy the partition's boot sector, as syslinux patched it, over FAT32's
 * backup boot sector (BPB offset 0x32), which syslinux leaves as mformat
 * wrote it: fsck.fat then finds them equal.  Returns 0 or an error (logged).
 */
static int sync_backup_boot(struct disk_run *r)
{
	unsigned char bs[SECTOR];
	unsigned backup;

	if (pread(r->fd, bs, SECTOR, (off_t)PART_OFFSET) != (ssize_t)SECTOR) {
		r->h->log(PF_LOG_ERROR, NAME, "%s: cannot read the boot sector: %s", r->img,
			  strerror(errno));
		return -PF_EIO;
	}
	backup = bs[0x32] | (unsigned)bs[0x33] << 8;
	if (!backup || backup >= (bs[0x0E] | (unsigned)bs[0x0F] << 8))
		return 0; /* no backup inside the reserved sectors */
	if (pwrite(r->fd, bs, SECTOR, (off_t)(PART_OFFSET + (uint64_t)backup * SECTOR)) !=
	    (ssize_t)SECTOR) {
		r->h->log(PF_LOG_ERROR, NAME, "%s: cannot write the backup boot sector: %s",
			  r->img, strerror(errno));
		return -PF_EIO;
	}
	return 0;
}

/* wimlib's split progress, as the job's progress. */
static enum wimlib_progress_status split_progress(enum wimlib_progress_msg msg,
						  union wimlib_progress_info *info,
						  void *ctx)
{
	struct disk_run *r = ctx;

	if (msg == WIMLIB_PROGRESS_MSG_SPLIT_END_PART &&
	    r->h->progress(r->job, "splitting a WIM", info->split.completed_bytes,
			   info->split.total_bytes) != 0)
		return WIMLIB_PROGRESS_STATUS_ABORT; /* canceled */
	return WIMLIB_PROGRESS_STATUS_CONTINUE;
}

/*
 * Split the WIM F into .swm parts of the part size and copy them to F's
 * folder: DIR/NAME.wim becomes DIR/NAME.swm, DIR/NAME2.swm, ...  The parts
 * are made in the private folder and removed one by one.  Returns 0 or an
 * error (logged).
 */
static int copy_split(struct disk_run *r, const struct outlib_file *f)
{
	const struct pf_host *h = r->h;
	WIMStruct *wim = NULL;
	const char *src, *slash;
	char *local = NULL, *swm = NULL, *base = NULL;
	unsigned part;
	int w, ret = 0;

	if (f->host) {
		src = f->host;
	} else if (f->media) {
		ret = h->media_local_path(r->job, f->media, &local);
		if (ret) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot read from the media: %s",
			       f->media, h->strerror(ret));
			goto out;
		}
		src = local;
	} else {
		h->log(PF_LOG_ERROR, NAME, "%s: a WIM given as text cannot be split", f->path);
		ret = -PF_EUNSUPPORTED;
		goto out;
	}
	slash = strrchr(f->path, '/');
	base = strndup(slash ? slash + 1 : f->path, strlen(slash ? slash + 1 : f->path) - 4);
	if (!base || asprintf(&swm, "%s/%s.swm", r->work, base) < 0) {
		free(swm);
		swm = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	w = wimlib_open_wim(src, 0, &wim);
	if (!w) {
		wimlib_register_progress_function(wim, split_progress, r);
		w = wimlib_split(wim, swm, r->s->part_bytes, 0);
	}
	if (w == WIMLIB_ERR_ABORTED_BY_PROGRESS) {
		ret = -PF_ECANCELED;
		goto out;
	}
	if (w) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot split into .swm parts: %s", f->path,
		       wimlib_get_error_string((enum wimlib_error_code)w));
		ret = -PF_EWIM;
		goto out;
	}
	for (part = 1; !ret; part++) {
		char *name = NULL, *dest = NULL;
		struct stat st;
		int n;

		if (part == 1)
			n = asprintf(&name, "%s/%s.swm", r->work, base);
		else
			n = asprintf(&name, "%s/%s%u.swm", r->work, base, part);
		if (n < 0) {
			ret = -PF_ENOMEM;
			break;
		}
		if (stat(name, &st) != 0) {
			free(name);
			break; /* no more parts */
		}
		if ((uint64_t)st.st_size > FAT32_MAX_FILE) {
			h->log(PF_LOG_ERROR, NAME, "%s: part %u is still 4 GiB or more (one "
			       "resource of the WIM is that large)", f->path, part);
			ret = -PF_EUNSUPPORTED;
		} else if (part == 1) {
			n = asprintf(&dest, "::/%.*s%s.swm", (int)(slash ? slash + 1 - f->path : 0),
				     f->path, base);
		} else {
			n = asprintf(&dest, "::/%.*s%s%u.swm",
				     (int)(slash ? slash + 1 - f->path : 0), f->path, base, part);
		}
		if (!ret && n < 0)
			ret = -PF_ENOMEM;
		if (!ret)
			ret = mcopy_file(r, f->path, name, dest);
		unlink(name);
		free(name);
		free(dest);
	}
	/* remove parts left by a failure */
	for (; ret && part < 1000; part++) {
		char *name = NULL;

		if (asprintf(&name, "%s/%s%u.swm", r->work, base, part) < 0)
			break;
		if (unlink(name) != 0) {
			free(name);
			break;
		}
		free(name);
	}
out:
	if (wim)
		wimlib_free(wim);
	free(local);
	free(swm);
	free(base);
	return ret;
}

/*
 * Copy medium file F onto the partition: a host file directly, bytes and
 * media files through a temporary file in the private folder (removed at
 * once), a .wim too large for FAT32 split.  Returns 0 or an error (logged).
 */
static int copy_file(struct disk_run *r, const struct outlib_file *f)
{
	const struct pf_host *h = r->h;
	char *tmp = NULL, *dest = NULL;
	int ret, fd;

	if (f->size > r->s->split_bytes)
		return copy_split(r, f);
	dest = target(f->path);
	if (!dest)
		return -PF_ENOMEM;
	if (f->host) {
		ret = mcopy_file(r, f->path, f->host, dest);
		goto out;
	}
	if (asprintf(&tmp, "%s/file", r->work) < 0) {
		tmp = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	if (f->media) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", tmp, strerror(errno));
			ret = -PF_EIO;
			goto out;
		}
		ret = outlib_media_to_fd(h, r->job, NAME, f->media, fd);
		if (close(fd) != 0 && !ret) {
			h->log(PF_LOG_ERROR, NAME, "%s: %s", tmp, strerror(errno));
			ret = -PF_EIO;
		}
	} else {
		ret = write_tmp(h, tmp, f->data, (size_t)f->size);
	}
	if (!ret)
		ret = mcopy_file(r, f->path, tmp, dest);
	unlink(tmp);
out:
	free(tmp);
	free(dest);
	return ret;
}

/* Warn when the image cannot boot on a platform. */
static void warn_boot(const struct pf_host *h, const struct outlib_files *files)
{
	int bootmgr = 0, efi = 0;
	size_t i;

	for (i = 0; i < files->n; i++) {
		const char *p = files->v[i].path;

		if (!strcasecmp(p, "bootmgr"))
			bootmgr = 1;
		if (!strncasecmp(p, "efi/boot/boot", 13) && strlen(p) > 17 &&
		    !strcasecmp(p + strlen(p) - 4, ".efi") && !strchr(p + 9, '/'))
			efi = 1;
	}
	if (!bootmgr)
		h->log(PF_LOG_WARN, NAME, "the media have no bootmgr: the disk image will "
		       "not boot on BIOS");
	if (!efi)
		h->log(PF_LOG_WARN, NAME, "the media have no efi/boot/boot*.efi: the disk "
		       "image will not boot on UEFI");
}

/*
 * Format the partition of the image R->img (already sized, MBR written)
 * and fill it.  Returns 0 or an error (logged).
 */
static int fill_image(struct disk_run *r, const struct outlib_files *files,
		      uint32_t part_sectors)
{
	char total[32], cluster[16], hidden[16];
	char *mformat[] = { r->s->mformat, (char *)"-i", r->drive, (char *)"-F",
			    (char *)"-c", cluster, (char *)"-T", total, (char *)"-h",
			    (char *)"255", (char *)"-s", (char *)"63", (char *)"-H", hidden,
			    (char *)"-v", (char *)FAT_LABEL, (char *)"::", NULL };
	size_t i;
	int ret;

	snprintf(total, sizeof(total), "%" PRIu32, part_sectors);
	snprintf(cluster, sizeof(cluster), "%u", cluster_sectors(part_sectors));
	snprintf(hidden, sizeof(hidden), "%u", PART_LBA);
	if ((ret = run_tool(r, "formatting the FAT32 partition", mformat)) ||
	    (ret = install_syslinux(r)) ||
	    (ret = sync_backup_boot(r)) ||
	    (ret = make_folders(r, files)))
		return ret;
	ret = r->h->progress(r->job, "writing disk image", 0, r->total);
	for (i = 0; !ret && i < files->n; i++) {
		ret = copy_file(r, &files->v[i]);
		if (ret)
			return ret;
		r->done += files->v[i].size;
		ret = r->h->progress(r->job, "writing disk image", r->done, r->total);
	}
	return ret; /* -PF_ECANCELED when the run was canceled */
}

/* Write the disk image at outputs.disk.path, whole or not at all. */
static int disk_run(void *state, struct pf_job *job)
{
	struct disk_state *s = state;
	const struct pf_host *h = s->host;
	struct disk_run r = { 0 };
	struct outlib_files files = { 0 };
	char *final = NULL, *tmp = NULL;
	uint32_t part_sectors = 0;
	uint64_t total = 0;
	int fd = -1, ret;

	r.s = s;
	r.h = h;
	r.job = job;
	ret = h->output_path(job, s->path, &final);
	if (ret)
		goto out;
	if (strstr(final, "@@")) {
		h->log(PF_LOG_ERROR, NAME, "%s: the name must not contain '@@' (mtools "
		       "reads it as an offset)", final);
		ret = -PF_ERECIPE;
		goto out;
	}
	ret = outlib_medium_files(h, job, NAME, &files);
	if (ret)
		goto out;
	ret = plan_size(s, &files, &part_sectors, &total);
	if (ret)
		goto out;
	warn_boot(h, &files);
	r.total = total;
	r.envp = tool_env();
	if (!r.envp || asprintf(&r.work, "%s/disk-XXXXXX", h->job_tmpdir(job)) < 0) {
		r.work = NULL;
		ret = -PF_ENOMEM;
		goto out;
	}
	if (!mkdtemp(r.work)) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot create: %s", r.work, strerror(errno));
		free(r.work);
		r.work = NULL;
		ret = -PF_EIO;
		goto out;
	}
	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret)
		goto out;
	r.img = tmp;
	r.fd = fd;
	if (asprintf(&r.drive, "%s@@%" PRIu64, tmp, PART_OFFSET) < 0) {
		r.drive = NULL;
		ret = -PF_ENOMEM;
	} else if (ftruncate(fd, (off_t)((uint64_t)(part_sectors + PART_LBA) * SECTOR)) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot size the image: %s", final,
		       strerror(errno));
		ret = -PF_EIO;
	} else {
		h->log(PF_LOG_DEBUG, NAME, "%s: %" PRIu32 " MiB, FAT32 from sector %u, "
		       "%u-sector clusters", final, (part_sectors + PART_LBA) / (MIB / SECTOR),
		       PART_LBA, cluster_sectors(part_sectors));
		ret = write_mbr(s, fd, final, part_sectors);
	}
	if (!ret)
		ret = fill_image(&r, &files, part_sectors);
	if (ret) {
		h->output_abort(job, fd, tmp);
		goto out;
	}
	ret = h->output_commit(job, fd, tmp, final);
out:
	if (r.work)
		rmdir(r.work);
	free(r.work);
	free(r.drive);
	free(r.envp);
	outlib_files_free(&files);
	free(tmp);
	free(final);
	return ret;
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
