/*
 * plugins/inject-wim-append.c - the injector's fast way to the run's
 * boot.wim, taken when the source allows it: the source WIM's bytes are
 * copied by the kernel (a reflink on XFS and btrfs, copy_file_range on
 * other file systems), and in the copy the other images are deleted and
 * the staged edits appended with wimlib_overwrite.  Every byte of the
 * source's data is then written once, by the kernel, where wimlib's raw
 * copy reads and writes it in 32 KiB blocks through user space.
 *
 * The price is room: what the chosen image no longer uses (the other
 * images' own data, the old metadata, a file the edits replace or delete)
 * stays in the file as unused bytes, as after an in-place update.  So the
 * way is taken only when that is small (PF_APPEND_SLACK: 1/64 of the WIM,
 * at least 1 MiB), which holds for a one-image ADK winpe.wim and for media
 * whose two images share their data; otherwise the injector writes a new
 * WIM with wimlib_write as before.  The result is checked the same way:
 * `wimlib-imagex verify` passes, one image, boot index 1, a new GUID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "inject-wim.h"
#include "inject-wim-append.h"

#define NAME "wim"
/* wimlib's compression level for what an append writes (its fast LZX) */
#define APPEND_LZX_LEVEL 20

/* One blob of the source file: its hash and the bytes it takes there. */
struct disk_blob {
	unsigned char sha1[20];
	uint64_t size;
};

/* The source's blob table, or the hashes one image uses. */
struct blobset {
	struct disk_blob *v;
	size_t n, cap;
	uint64_t metadata;   /* bytes of metadata resources (source only) */
	int bad;             /* a solid or missing blob, or out of memory */
};

/* Append HASH (and SIZE) to SET. */
static int blobset_add(struct blobset *set, const unsigned char *hash, uint64_t size)
{
	struct disk_blob *v;

	if (set->n == set->cap) {
		v = realloc(set->v, (set->cap ? set->cap * 2 : 1024) * sizeof(*v));
		if (!v) {
			set->bad = 1;
			return 1;
		}
		set->v = v;
		set->cap = set->cap ? set->cap * 2 : 1024;
	}
	memcpy(set->v[set->n].sha1, hash, 20);
	set->v[set->n++].size = size;
	return 0;
}

static int cmp_blob(const void *a, const void *b)
{
	return memcmp(((const struct disk_blob *)a)->sha1, ((const struct disk_blob *)b)->sha1, 20);
}

/* wimlib_iterate_lookup_table callback: note each blob of the file. */
static int table_cb(const struct wimlib_resource_entry *r, void *ctx)
{
	struct blobset *set = ctx;

	if (r->packed || r->is_missing || r->part_number != 1) {
		set->bad = 1;
		return 1;
	}
	if (r->is_metadata) {
		set->metadata += r->compressed_size;
		return 0;
	}
	return blobset_add(set, r->sha1_hash, r->compressed_size);
}

/* wimlib_iterate_dir_tree callback: note the hash of each stream. */
static int tree_cb(const struct wimlib_dir_entry *d, void *ctx)
{
	struct blobset *set = ctx;
	uint32_t i;

	for (i = 0; i <= d->num_named_streams; i++)
		if (d->streams[i].resource.uncompressed_size &&
		    blobset_add(set, d->streams[i].resource.sha1_hash, 0))
			return 1;
	return 0;
}

int pf_wim_append_table(WIMStruct *src, const struct wimlib_wim_info *info,
			struct pf_wim_table **out)
{
	struct blobset *set;

	*out = NULL;
	if (info->total_parts != 1 || info->pipable || info->has_integrity_table ||
	    info->is_marked_readonly || info->write_in_progress)
		return 0;
	set = calloc(1, sizeof(*set));
	if (!set)
		return -PF_ENOMEM;
	if (wimlib_iterate_lookup_table(src, 0, table_cb, set) || set->bad) {
		free(set->v);
		free(set);
		return 0;
	}
	qsort(set->v, set->n, sizeof(*set->v), cmp_blob);
	*out = (struct pf_wim_table *)set;
	return 0;
}

void pf_wim_append_table_free(struct pf_wim_table *t)
{
	struct blobset *set = (struct blobset *)t;

	if (set) {
		free(set->v);
		free(set);
	}
}

int pf_wim_append_slack(struct pf_wim_table *t, WIMStruct *wim, int image,
			uint64_t *slack)
{
	struct blobset *disk = (struct blobset *)t, used = { 0 };
	size_t i, j;
	uint64_t s;
	int w;

	w = wimlib_iterate_dir_tree(wim, image, "", WIMLIB_ITERATE_DIR_TREE_FLAG_RECURSIVE,
				    tree_cb, &used);
	if (w || used.bad) {
		free(used.v);
		return used.bad ? -PF_ENOMEM : -PF_EWIM;
	}
	qsort(used.v, used.n, sizeof(*used.v), cmp_blob);
	/* both sorted: one merge pass; a disk blob nobody uses is slack */
	s = disk->metadata;
	for (i = 0, j = 0; i < disk->n; i++) {
		while (j < used.n && cmp_blob(&used.v[j], &disk->v[i]) < 0)
			j++;
		if (j == used.n || cmp_blob(&used.v[j], &disk->v[i]) != 0)
			s += disk->v[i].size;
	}
	free(used.v);
	*slack = s;
	return 0;
}

/* fsu progress callback of the copy: the display, and the cancel. */
static int copy_progress(void *ctx, uint64_t done)
{
	struct pf_wim_append *a = ctx;

	return a->host->progress(a->job, "copying boot.wim", done, a->size) ? -PF_ECANCELED : 0;
}

int pf_wim_append_copy(struct pf_wim_append *a, WIMStruct **out)
{
	const struct pf_host *h = a->host;
	struct wimlib_wim_info info;
	struct fsu_err e = { "" };
	struct stat st;
	WIMStruct *wim = NULL;
	int i, w, ret;

	*out = NULL;
	if (stat(a->src_path, &st) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot stat: %s", a->src_path, strerror(errno));
		return -PF_EIO;
	}
	a->size = (uint64_t)st.st_size;
	/* the core's own copy of a file of an ISO source is the run's: moved */
	if (a->src_owned && rename(a->src_path, a->out_path) == 0)
		ret = 0;
	else
		ret = fsu_copy_file(a->src_path, a->out_path, copy_progress, a, &e);
	if (ret) {
		if (ret != -PF_ECANCELED)
			h->log(PF_LOG_ERROR, NAME, "%s", e.msg);
		return ret;
	}
	w = wimlib_open_wim(a->out_path, WIMLIB_OPEN_FLAG_WRITE_ACCESS, &wim);
	if (w)
		goto fail;
	wimlib_get_wim_info(wim, &info);
	/* delete from the last image down, so the numbers below stay */
	for (i = (int)info.image_count; i >= 1 && !w; i--)
		if (i != a->image)
			w = wimlib_delete_image(wim, i);
	if (w)
		goto fail;
	*out = wim;
	return 0;
fail:
	h->log(PF_LOG_ERROR, NAME, "%s: cannot open the copy of boot.wim: %s", a->out_path,
	       wimlib_get_error_string((enum wimlib_error_code)w));
	wimlib_free(wim);
	return -PF_EWIM;
}

int pf_wim_append_commit(struct pf_wim_append *a, WIMStruct *wim, int *code, int *err)
{
	struct pf_wim_prog pc = { a->host, a->job };
	struct wimlib_wim_info info;
	int w;

	memset(&info, 0, sizeof(info));
	info.boot_index = 1;
	/* a new WIM gets a new GUID, as wimlib_write gives one */
	*code = 0;
	if (getrandom(info.guid, sizeof(info.guid), 0) != (ssize_t)sizeof(info.guid)) {
		a->host->log(PF_LOG_ERROR, NAME, "%s: no random bytes for the new GUID: %s",
			     a->out_path, strerror(errno));
		return -PF_EIO;
	}
	errno = 0;
	w = wimlib_set_wim_info(wim, &info, WIMLIB_CHANGE_BOOT_INDEX | WIMLIB_CHANGE_GUID);
	if (!w) {
		wimlib_register_progress_function(wim, pf_wim_progress, &pc);
		w = pf_wim_overwrite_fast(wim, WIMLIB_WRITE_FLAG_SOFT_DELETE);
	}
	*code = w;
	*err = errno;
	return w ? -PF_EWIM : 0;
}

int pf_wim_overwrite_fast(WIMStruct *wim, int flags)
{
	int w;

	/* the level is wimlib's process-wide default: set for this write only */
	wimlib_set_default_compression_level(WIMLIB_COMPRESSION_TYPE_LZX, APPEND_LZX_LEVEL);
	w = wimlib_overwrite(wim, flags, 0);
	wimlib_set_default_compression_level(WIMLIB_COMPRESSION_TYPE_LZX, 0);
	return w;
}
