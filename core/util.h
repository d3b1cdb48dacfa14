/* core/util.h - small string, path and file helpers. */
#ifndef PEFORGE_CORE_UTIL_H
#define PEFORGE_CORE_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include "peforge/plugin.h"

/* malloc'd printf; NULL when out of memory.  Caller frees. */
char *pf_asprintf(const char *fmt, ...) PF_PRINTF(1, 2);

/* malloc'd copy of S (NULL stays NULL; NULL on failure).  Caller frees. */
char *pf_strdup(const char *s);

/* A joined with B by one '/'; B absolute is returned as is.  Caller frees. */
char *pf_path_join(const char *a, const char *b);

/* The folder part of PATH ("." when none).  Caller frees. */
char *pf_dirname(const char *path);

/* 1 when S ends with SUFFIX, case-insensitively. */
int pf_endswith_ci(const char *s, const char *suffix);

/* 1 when PATH is an existing directory / regular file. */
int pf_is_dir(const char *path);
int pf_is_file(const char *path);

/* Create DIR and its parents (mode 0755).  0 or -PF_EIO (logged). */
int pf_mkdir_p(const char *dir);

/* Remove PATH recursively (no error when absent).  0 or -PF_EIO (logged). */
int pf_rm_rf(const char *path);

/* A new private directory under $TMPDIR (or /tmp).  Caller frees and removes. */
int pf_mkdtemp(const char *prefix, char **out);

/* The same in folder PARENT (NULL: $TMPDIR or /tmp). */
int pf_mkdtemp_in(const char *parent, const char *prefix, char **out);

/* Read a whole file into a malloc'd, NUL-terminated buffer.  Caller frees. */
int pf_read_file(const char *path, char **data, size_t *len);

/* Write LEN bytes of DATA to PATH atomically: a temporary file beside it,
 * fsync, then rename.  PATH is whole or untouched.  Errors are logged. */
int pf_write_file_atomic(const char *path, const void *data, size_t len);

/* The same with the file's mode: 0600 when SECRET (it holds a password),
 * else what the umask gives (0666 & ~umask). */
int pf_write_file_mode(const char *path, const void *data, size_t len, int secret);

/* Create a temporary file beside FINAL (FINAL.tmp-XXXXXX); *TMP is malloc'd. */
int pf_tmpfile_beside(const char *final, char **tmp, int *fd);
/* The end of making a temporary file NAME (malloc'd) for FINAL, F being
 * what open or mkstemp returned: on success *TMP = NAME, *FD = F (mode
 * 0644); on failure NAME is freed and the error logged as
 * pf_create_failed does. */
int pf_tmpfile_take(char *name, int f, const char *final, char **tmp, int *fd);
/* fsync and close FD, the file that becomes FINAL; an error is logged:
 * 0 or -PF_EIO (FD is closed either way). */
int pf_flush_close(int fd, const char *final);

/* fsync+close FD, then rename TMP to FINAL; TMP removed on failure. */
int pf_commit_tmpfile(int fd, const char *tmp, const char *final);

/* Copy host file SRC to a new file DST (created with O_EXCL). */
int pf_copy_file(const char *src, const char *dst);

/* Absolute, normalized form of PATH (need not exist).  Caller frees. */
char *pf_abspath(const char *path);



#include <stdio.h>
/* Write S to F as a JSON string literal (quoted, escaped; UTF-8 passed through). */
void pf_json_string(FILE *f, const char *s);
/* Log that no file could be created beside FINAL (errno E, with the
 * folder's name); returns -PF_ENOENT for ENOENT, else -PF_EIO. */
int pf_create_failed(const char *final, int e);

#endif
