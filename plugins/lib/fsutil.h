/*
 * plugins/lib/fsutil.h - the one set of host file helpers: path join,
 * is_dir, read_file, rm_rf, copy with progress and writing a file tree.
 *
 * Shared by the plugins (through the convenience library libpfplug) and the
 * core.  Nothing here logs: a function that fails returns a -PF_E* code and,
 * when given a struct fsu_err, leaves one line there that names the file and
 * the reason ("PATH: cannot open: No such file or directory"), for the
 * caller to log its own way.
 */
#ifndef PEFORGE_PLUGINS_LIB_FSUTIL_H
#define PEFORGE_PLUGINS_LIB_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "peforge/plugin.h"

/* Why the last call failed (optional everywhere: pass NULL to ignore). */
struct fsu_err {
	char msg[512];
};

/* A joined with B by one '/'; A NULL or empty, or B absolute: a copy of B;
 * B NULL or empty: a copy of A.  malloc'd; NULL on no memory. */
char *fsu_join(const char *a, const char *b);

/* The number of names in PATH ("a//b/" = 2; "" and "/" = 0): how deep a
 * walk is, for the walks' depth limits. */
int fsu_path_depth(const char *path);

/* Write PATH to F as a dnsmasq.conf value: between double quotes, with
 * `"` and `\` escaped (the pxe output's dnsmasq.conf and `peforge
 * serve`'s). */
void fsu_put_dnsmasq_path(FILE *f, const char *path);

/* 1 when PATH is an existing folder / regular file (links followed). */
int fsu_is_dir(const char *path);
int fsu_is_file(const char *path);

/* Read file PATH whole into a malloc'd, NUL-terminated buffer (*LEN
 * without the NUL; LEN may be NULL).  0, -PF_ENOENT, -PF_EIO or -PF_ENOMEM. */
int fsu_read_file(const char *path, char **data, size_t *len, struct fsu_err *e);

/* Write LEN bytes of DATA to FD (WHAT names it in the message).  0 or
 * -PF_EIO. */
int fsu_write_all(int fd, const void *data, size_t len, const char *what,
		  struct fsu_err *e);

/* Remove PATH and, when it is a folder, everything below it.  A symbolic
 * link is removed itself, never followed.  Absent is not an error.
 * 0, -PF_EIO or -PF_ENOMEM (the first failure stops the walk). */
int fsu_rm_rf(const char *path, struct fsu_err *e);

/* Create the folders of REL's parent below ROOT (mkdir -p), with MODE
 * whatever the umask when FORCE_MODE is set.  0, -PF_EIO or -PF_ENOMEM. */
int fsu_mkparents(const char *root, const char *rel, mode_t mode, int force_mode,
		  struct fsu_err *e);

/* Told how many bytes have been copied; a non-zero return stops the copy
 * and is returned by it. */
typedef int (*fsu_progress_fn)(void *ctx, uint64_t done);

/* Copy descriptor IN (named INNAME) to OUT (named OUTNAME) from their
 * current offsets to IN's end, calling PROGRESS (may be NULL) after each
 * block.  The kernel copies when the files allow it: a clone (FICLONE, a
 * reflink on XFS and btrfs) when OUT is empty and both are at offset 0,
 * else copy_file_range (reflink or in-kernel copy); read()/write() of 1 MiB
 * blocks otherwise (pipes, devices, file systems that refuse).  The one
 * "copy a host file fast" of peforge: use it, never a loop of your own.
 * 0, -PF_EIO or PROGRESS's code. */
int fsu_copy_fd(int in, const char *inname, int out, const char *outname,
		fsu_progress_fn progress, void *ctx, struct fsu_err *e);

/* Copy LEN bytes of IN at INOFF to OUT at OUTOFF (the descriptors' own
 * offsets untouched), by the kernel when it can, as fsu_copy_fd.  IN ending
 * early is an error.  0, -PF_EIO or -PF_ENOMEM. */
int fsu_copy_range(int in, const char *inname, uint64_t inoff, int out,
		   const char *outname, uint64_t outoff, uint64_t len, struct fsu_err *e);

/* Copy host file SRC to the new file DST (O_EXCL, mode 0644); DST is
 * removed again on failure.  0, -PF_ENOENT, -PF_EIO or PROGRESS's code. */
int fsu_copy_file(const char *src, const char *dst, fsu_progress_fn progress,
		  void *ctx, struct fsu_err *e);

/* Flags of fsu_create and of a struct fsu_file. */
enum {
	FSU_EXCL = 1,        /* the file must not exist yet */
	FSU_OPEN_MODES = 2,  /* folders 0755 and the file 0644 whatever the umask */
	FSU_LINK = 4,        /* (fsu_file from a host file) try a hard link first */
};

/* Create ROOT/REL for writing (its folders made, mode 0644): *PATH
 * (malloc'd) and *FD, both the caller's.  FLAGS: FSU_EXCL, FSU_OPEN_MODES. */
int fsu_create(const char *root, const char *rel, unsigned flags, char **path, int *fd,
	       struct fsu_err *e);

/* One file of a tree: the bytes of host file HOST, or LEN bytes of DATA. */
struct fsu_file {
	const char *rel;     /* '/'-separated path below the root */
	const char *host;    /* host file to copy (or link), or NULL */
	const void *data;    /* the bytes when HOST is NULL */
	size_t len;
	unsigned flags;      /* FSU_LINK */
};

/* Write the N files of FILES below ROOT (their folders made), with FLAGS
 * (FSU_EXCL, FSU_OPEN_MODES) for each.  PROGRESS (may be NULL) is told the
 * number of files written so far.  The first failure stops.  0 or a -PF_E*
 * code. */
int fsu_write_tree(const char *root, const struct fsu_file *files, size_t n,
		   unsigned flags, fsu_progress_fn progress, void *ctx, struct fsu_err *e);

/* Fill E (when not NULL) with one printf-formatted line; returns CODE. */
int fsu_fail(struct fsu_err *e, int code, const char *fmt, ...)
	PF_PRINTF(3, 4);

#endif
