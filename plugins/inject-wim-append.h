/* plugins/inject-wim-append.h - the injector's copy-and-append way to the
 * run's boot.wim (see inject-wim-append.c). */
#ifndef PEFORGE_INJECT_WIM_APPEND_H
#define PEFORGE_INJECT_WIM_APPEND_H

#include <stdint.h>
#include <wimlib.h>
#include "peforge/plugin.h"

/* What the fast way may leave unused in a WIM of SIZE bytes. */
#define PF_APPEND_SLACK(size) ((size) / 64 > (1u << 20) ? (size) / 64 : (1u << 20))

/*
 * wimlib_overwrite(WIM, FLAGS, 0), what it appends (the edited image's
 * metadata and the new files) compressed with wimlib's fast LZX (level
 * 20): the metadata of an image of 5,000 files came out 1% bigger in a
 * third of the CPU time of the default level (50), which made an update in
 * place cost with the number of files of the image.  Returns wimlib's code.
 */
int pf_wim_overwrite_fast(WIMStruct *wim, int flags);

/* The blobs of a source WIM file, as pf_wim_append_table read them. */
struct pf_wim_table;

/*
 * Read the blob table of the source SRC (described by INFO), before any
 * edit.  *OUT is NULL when the file cannot be appended to: split, pipable,
 * with an integrity table, marked read-only or half written, or holding
 * solid resources.  0 or -PF_ENOMEM.
 */
int pf_wim_append_table(WIMStruct *src, const struct wimlib_wim_info *info,
			struct pf_wim_table **out);
void pf_wim_append_table_free(struct pf_wim_table *t);

/*
 * The bytes of the file of table T that image IMAGE of WIM (edited) no
 * longer uses: every metadata resource and every blob no file of the
 * image refers to.  0, -PF_EWIM or -PF_ENOMEM.
 */
int pf_wim_append_slack(struct pf_wim_table *t, WIMStruct *wim, int image,
			uint64_t *slack);

/* One copy-and-append. */
struct pf_wim_append {
	const struct pf_host *host;
	struct pf_job *job;
	const char *src_path;  /* the source boot.wim (read only) */
	const char *out_path;  /* the new boot.wim (must not exist) */
	int image;             /* the image kept, numbered as in the source */
	int src_owned;         /* SRC_PATH is the run's own copy: moved, not copied */
	uint64_t size;         /* the source's size (set by pf_wim_append_copy) */
};

/*
 * Copy the source to OUT_PATH by the kernel (move it when SRC_OWNED), open
 * the copy for writing and delete every image but IMAGE, which becomes
 * image 1: *OUT, for the edits.
 * 0, -PF_EIO, -PF_EWIM (each logged) or -PF_ECANCELED.
 */
int pf_wim_append_copy(struct pf_wim_append *a, WIMStruct **out);

/*
 * Make image 1 the boot image, give WIM a new GUID and append the changes
 * (wimlib_overwrite, soft delete).  On failure, *CODE is wimlib's error and
 * *ERR errno as wimlib left it, for the caller's message: -PF_EWIM; or
 * -PF_EIO (logged) when no random GUID can be had.
 */
int pf_wim_append_commit(struct pf_wim_append *a, WIMStruct *wim, int *code, int *err);

#endif
