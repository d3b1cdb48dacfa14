/*
 * plugins/inject-wim-verify.c - check the source WIM's data against its
 * SHA-1 hashes before the injector copies its resources raw.
 *
 * A raw copy moves compressed chunks without decompressing them, so a
 * corrupt source would pass straight into the new boot.wim.
 * Every resource is read (decompressed) once and its SHA-1 compared with
 * the blob table's, on every CPU (inject-wim-hash.c; wimlib_verify_wim on
 * one thread for the layouts that code does not read), and every image's
 * folder tree is read.  Neither says which file failed; only then, each
 * file of the image is extracted alone into a scratch folder until one
 * fails, so the error line can name it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject-wim.h"
#include "inject-wim-verify.h"
#include "inject-wim-hash.h"
#include "sha1.h"

#define NAME "wim"

/* The paths of an image's files that have data. */
struct filelist {
	char **paths;
	size_t n, cap;
	int nomem;
};

/* wimlib_iterate_dir_tree callback: note each regular file with data. */
static int collect_cb(const struct wimlib_dir_entry *d, void *ctx)
{
	struct filelist *fl = ctx;
	char **p;

	if (d->attributes & (WIMLIB_FILE_ATTRIBUTE_DIRECTORY |
			     WIMLIB_FILE_ATTRIBUTE_REPARSE_POINT) ||
	    d->streams[0].resource.uncompressed_size == 0)
		return 0;
	if (fl->n == fl->cap) {
		p = realloc(fl->paths, (fl->cap ? fl->cap * 2 : 256) * sizeof(*p));
		if (!p)
			goto nomem;
		fl->paths = p;
		fl->cap = fl->cap ? fl->cap * 2 : 256;
	}
	fl->paths[fl->n] = strdup(d->full_path);
	if (!fl->paths[fl->n])
		goto nomem;
	fl->n++;
	return 0;
nomem:
	fl->nomem = 1;
	return 1;
}

static void filelist_free(struct filelist *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		free(fl->paths[i]);
	free(fl->paths);
	memset(fl, 0, sizeof(*fl));
}

/* Remove every entry of the flat folder DIR (what one extraction left). */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char *p;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) >= 0) {
			if (unlink(p) != 0 && errno == EISDIR)
				rmdir(p);
			free(p);
		}
	}
	closedir(d);
}

/* 1 when wimlib error CODE means the WIM's data is corrupt. */
static int is_corruption(int code)
{
	return code == WIMLIB_ERR_INVALID_RESOURCE_HASH || code == WIMLIB_ERR_DECOMPRESSION ||
	       code == WIMLIB_ERR_INVALID_METADATA_RESOURCE ||
	       code == WIMLIB_ERR_RESOURCE_NOT_FOUND ||
	       code == WIMLIB_ERR_UNEXPECTED_END_OF_FILE ||
	       code == WIMLIB_ERR_INVALID_CHUNK_SIZE || code == WIMLIB_ERR_READ;
}

/*
 * Find the file of image IMAGE of SRC whose data is corrupt: extract the
 * files one by one into SCRATCH.  Returns 0 with *BAD (malloc'd path, no
 * leading '/') and *CODE set, 1 when no file fails, -1 when the image's
 * tree cannot be read (*CODE set), -PF_ENOMEM.
 */
static int find_bad_file(WIMStruct *src, int image, const char *scratch, char **bad,
			 int *code)
{
	struct filelist fl = { 0 };
	const int flags = WIMLIB_EXTRACT_FLAG_NO_PRESERVE_DIR_STRUCTURE |
			  WIMLIB_EXTRACT_FLAG_NO_ACLS | WIMLIB_EXTRACT_FLAG_NO_ATTRIBUTES |
			  WIMLIB_EXTRACT_FLAG_REPLACE_INVALID_FILENAMES;
	size_t i;
	int w, ret = 1;

	w = wimlib_iterate_dir_tree(src, image, "", WIMLIB_ITERATE_DIR_TREE_FLAG_RECURSIVE,
				    collect_cb, &fl);
	if (fl.nomem) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (w) {
		*code = w;
		ret = -1;
		goto out;
	}
	for (i = 0; i < fl.n; i++) {
		const char *path = fl.paths[i];

		w = wimlib_extract_paths(src, image, scratch, &path, 1, flags);
		empty_dir(scratch);
		if (w && is_corruption(w)) {
			*bad = strdup(path + (path[0] == '/'));
			*code = w;
			ret = *bad ? 0 : -PF_ENOMEM;
			goto out;
		}
	}
out:
	filelist_free(&fl);
	return ret;
}

/* Log that the data of file BAD (in image IMAGE) of REL fails CODE. */
static void log_bad(const struct pf_host *h, const char *rel, const char *bad, int code)
{
	if (code == WIMLIB_ERR_INVALID_RESOURCE_HASH)
		h->log(PF_LOG_ERROR, NAME, "%s: %s: data does not match its SHA-1 "
		       "(corrupt source)", rel, bad);
	else
		h->log(PF_LOG_ERROR, NAME, "%s: %s: %s (corrupt source)", rel, bad,
		       wimlib_get_error_string((enum wimlib_error_code)code));
}

/*
 * After a failed verification (CODE): name the bad file, looking in image
 * IMAGE first, then in the others (their blobs are in the source too).
 */
static int locate(const struct pf_host *h, struct pf_job *job, WIMStruct *src,
		  const char *rel, int image, int code)
{
	struct wimlib_wim_info info;
	char *scratch = NULL, *bad = NULL;
	int i, img, r = 1, c = code;

	if (asprintf(&scratch, "%s/verify-scratch", h->job_tmpdir(job)) < 0)
		return -PF_ENOMEM;
	if (mkdir(scratch, 0700) != 0 && errno != EEXIST) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot make a folder: %s", scratch,
		       strerror(errno));
		free(scratch);
		return -PF_EIO;
	}
	wimlib_get_wim_info(src, &info);
	for (i = 0; i <= (int)info.image_count && r == 1; i++) {
		img = i == 0 ? image : i;
		if (i && img == image)
			continue;
		r = find_bad_file(src, img, scratch, &bad, &c);
		if (r == -1) {
			h->log(PF_LOG_ERROR, NAME, "%s: image %d: its folder tree cannot be "
			       "read: %s (corrupt source)", rel, img,
			       wimlib_get_error_string((enum wimlib_error_code)c));
			r = -PF_EWIM;
		}
	}
	if (r == 0)
		log_bad(h, rel, bad, c);
	else if (r == 1)
		h->log(PF_LOG_ERROR, NAME, "%s: %s (corrupt source)", rel,
		       wimlib_get_error_string((enum wimlib_error_code)code));
	rmdir(scratch);
	free(scratch);
	free(bad);
	return r == -PF_ENOMEM ? r : -PF_EWIM;
}

/* pf_wim_hash_wait progress: the core's display, and its cancel. */
static int hash_prog(void *ctx, uint64_t done, uint64_t total)
{
	struct pf_wim_prog *pc = ctx;

	return pc->host->progress(pc->job, "verifying boot.wim", done, total);
}

/* wimlib_iterate_dir_tree callback that only lets wimlib walk. */
static int walk_cb(const struct wimlib_dir_entry *d, void *ctx)
{
	(void)d;
	(void)ctx;
	return 0;
}

/*
 * What wimlib_verify_wim checks besides the data: every image's folder
 * tree can be read and every file's data is in the blob table.  0 or a
 * wimlib error code.
 */
static int check_trees(WIMStruct *src)
{
	struct wimlib_wim_info info;
	int i, w;

	wimlib_get_wim_info(src, &info);
	for (i = 1; i <= (int)info.image_count; i++) {
		w = wimlib_iterate_dir_tree(src, i, "",
					    WIMLIB_ITERATE_DIR_TREE_FLAG_RECURSIVE |
					    WIMLIB_ITERATE_DIR_TREE_FLAG_RESOURCES_NEEDED,
					    walk_cb, NULL);
		if (w)
			return w;
	}
	return 0;
}

/* The verdict W of a check of REL (wimlib error code or 0) as the run's:
 * the bad file named (in image IMAGE of WIM first) or one line why. */
static int verdict(const struct pf_host *h, struct pf_job *job, WIMStruct *wim,
		   const char *rel, int image, int w)
{
	if (!w)
		return 0;
	if (w == WIMLIB_ERR_ABORTED_BY_PROGRESS)
		return -PF_ECANCELED;
	if (!is_corruption(w)) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot verify: %s", rel,
		       wimlib_get_error_string((enum wimlib_error_code)w));
		return w == WIMLIB_ERR_NOMEM ? -PF_ENOMEM : -PF_EWIM;
	}
	return locate(h, job, wim, rel, image, w);
}

/* A check that runs on while the outputs are written. */
struct verify_bg {
	const struct pf_host *host;
	struct pf_job *job;
	struct pf_wim_hash *hc;
	char *rel;
	int image;
};

/*
 * The core's job_defer callback: wait for the check (STOP 0) and, on a
 * mismatch, name the bad file from the WIM as the check read it (the
 * run's boot.wim may be that same file, changed since: its first image
 * is then the one kept); or stop it (STOP 1).  Frees CTX.
 */
static int bg_finish(void *ctx, int stop)
{
	struct verify_bg *bg = ctx;
	const struct pf_host *h = bg->host;
	struct pf_wim_prog pc = { h, bg->job };
	struct wimlib_wim_info info;
	WIMStruct *wim = NULL;
	char *p = NULL;
	int r = 0, w = 0, image = bg->image;

	if (stop)
		goto out;
	r = pf_wim_hash_wait(bg->hc, hash_prog, &pc, &w);
	if (r == -PF_ECANCELED)
		goto out;
	if (r == -PF_ENOMEM) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot verify: out of memory", bg->rel);
		goto out;
	}
	if (!r)
		goto out;
	if (asprintf(&p, "/proc/self/fd/%d", pf_wim_hash_fd(bg->hc)) < 0) {
		p = NULL;
		r = -PF_ENOMEM;
		goto out;
	}
	if (wimlib_open_wim(p, 0, &wim)) {
		h->log(PF_LOG_ERROR, NAME, "%s: %s (corrupt source)", bg->rel,
		       wimlib_get_error_string((enum wimlib_error_code)w));
		r = -PF_EWIM;
		goto out;
	}
	wimlib_get_wim_info(wim, &info);
	if (image > (int)info.image_count)
		image = 1;
	r = verdict(h, bg->job, wim, bg->rel, image, w);
out:
	wimlib_free(wim);
	free(p);
	pf_wim_hash_free(bg->hc);
	free(bg->rel);
	free(bg);
	return r;
}

/* Leave the running check HC to be finished before the commit: 0, or
 * -PF_ENOMEM (HC freed). */
static int defer(const struct pf_host *h, struct pf_job *job, struct pf_wim_hash *hc,
		 const char *rel, int image)
{
	struct verify_bg *bg = calloc(1, sizeof(*bg));

	if (bg) {
		bg->host = h;
		bg->job = job;
		bg->hc = hc;
		bg->image = image;
		bg->rel = strdup(rel);
	}
	if (!bg || !bg->rel || h->job_defer(job, bg_finish, bg)) {
		if (bg)
			free(bg->rel);
		free(bg);
		pf_wim_hash_free(hc);
		h->log(PF_LOG_ERROR, NAME, "%s: cannot verify: out of memory", rel);
		return -PF_ENOMEM;
	}
	h->log(PF_LOG_DEBUG, NAME, "%s: the check goes on while the outputs are written",
	       rel);
	return 0;
}

int pf_wim_verify_source(const struct pf_host *h, struct pf_job *job, WIMStruct *src,
			 const char *path, const char *rel, int image, int background)
{
	struct pf_wim_prog pc = { h, job };
	struct pf_wim_hash *hc = NULL;
	int w, r;

	h->log(PF_LOG_DEBUG, NAME, "%s: checking every resource against its SHA-1 "
	       "(SHA-1: %s)", rel, pf_sha1_impl());
	/* the folder trees first, on this thread: after them, what the
	 * injector reads of the source (the image's metadata) is checked */
	w = check_trees(src);
	if (w)
		return verdict(h, job, src, rel, image, w);
	r = pf_wim_hash_start(path, src, &hc, &w);
	if (r == PF_WIM_HASH_FALLBACK) {
		h->log(PF_LOG_DEBUG, NAME, "%s: checked by wimlib on one thread", rel);
		wimlib_register_progress_function(src, pf_wim_progress, &pc);
		w = wimlib_verify_wim(src, 0);
		wimlib_register_progress_function(src, NULL, NULL);
		return verdict(h, job, src, rel, image, w);
	}
	if (r == -PF_ENOMEM) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot verify: out of memory", rel);
		return r;
	}
	if (r)
		return verdict(h, job, src, rel, image, w);
	if (background && PF_HOST_HAS(h, job_defer))
		return defer(h, job, hc, rel, image);
	r = pf_wim_hash_wait(hc, hash_prog, &pc, &w);
	pf_wim_hash_free(hc);
	if (r == -PF_ENOMEM)
		h->log(PF_LOG_ERROR, NAME, "%s: cannot verify: out of memory", rel);
	return r == -PF_EWIM ? verdict(h, job, src, rel, image, w) : r;
}
