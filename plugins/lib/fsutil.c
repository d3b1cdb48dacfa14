/* plugins/lib/fsutil.c - the one set of host file helpers (see fsutil.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int fsu_fail(struct fsu_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

char *fsu_join(const char *a, const char *b)
{
	size_t la;
	char *s = NULL;

	if (!a || !*a || (b && b[0] == '/'))
		return b ? strdup(b) : NULL;
	if (!b || !*b)
		return strdup(a);
	la = strlen(a);
	if (asprintf(&s, "%s%s%s", a, a[la - 1] == '/' ? "" : "/", b) < 0)
		return NULL;
	return s;
}

int fsu_path_depth(const char *path)
{
	int n = 0;
	const char *c;

	for (c = path; *c; c++)
		if (*c != '/' && (c == path || c[-1] == '/'))
			n++;
	return n;
}

void fsu_put_dnsmasq_path(FILE *f, const char *path)
{
	fputc('"', f);
	for (; *path; path++) {
		if (*path == '"' || *path == '\\')
			fputc('\\', f);
		fputc(*path, f);
	}
	fputc('"', f);
}

int fsu_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fsu_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int fsu_read_file(const char *path, char **data, size_t *len, struct fsu_err *e)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int ret = -PF_EIO;

	if (!f)
		return fsu_fail(e, errno == ENOENT ? -PF_ENOENT : -PF_EIO,
				"%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (!nb) {
				ret = fsu_fail(e, -PF_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				fsu_fail(e, -PF_EIO, "%s: read error: %s", path, strerror(errno));
				goto out;
			}
			break;
		}
	}
	buf[n] = '\0';
	*data = buf;
	buf = NULL;
	if (len)
		*len = n;
	ret = 0;
out:
	free(buf);
	fclose(f);
	return ret;
}

int fsu_write_all(int fd, const void *data, size_t len, const char *what,
		  struct fsu_err *e)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return fsu_fail(e, -PF_EIO, "%s: write failed: %s", what,
					strerror(errno));
		if (w == 0) /* nothing written and no error: the device is full */
			return fsu_fail(e, -PF_EIO, "%s: write failed: %s", what,
					strerror(ENOSPC));
		/* a short write: write the rest */
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fsu_write_all at offset OFF (pwrite). */
static int pwrite_all(int fd, const void *data, size_t len, off_t off, const char *what,
		      struct fsu_err *e)
{
	const char *p = data;

	while (len) {
		ssize_t w = pwrite(fd, p, len, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fsu_fail(e, -PF_EIO, "%s: write failed: %s", what,
					strerror(w < 0 ? errno : ENOSPC));
		p += w;
		off += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Remove the entries of the open folder D (at PATH), then PATH itself. */
static int rm_dir(const char *path, DIR *d, struct fsu_err *e)
{
	struct dirent *de;
	int ret = 0;

	while ((de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = fsu_join(path, de->d_name);
		if (!sub)
			return fsu_fail(e, -PF_ENOMEM, "%s: out of memory", path);
		ret = fsu_rm_rf(sub, e);
		free(sub);
		if (ret)
			return ret;
	}
	if (rmdir(path) != 0)
		return fsu_fail(e, -PF_EIO, "%s: cannot remove folder: %s", path,
				strerror(errno));
	return 0;
}

int fsu_rm_rf(const char *path, struct fsu_err *e)
{
	struct stat st;
	DIR *d;
	int ret;

	/* lstat: a link to a folder is a link, removed by unlink below. */
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : fsu_fail(e, -PF_EIO, "%s: %s", path,
						      strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0)
			return fsu_fail(e, -PF_EIO, "%s: cannot remove: %s", path,
					strerror(errno));
		return 0;
	}
	d = opendir(path);
	if (!d)
		return fsu_fail(e, -PF_EIO, "%s: cannot open folder: %s", path,
				strerror(errno));
	ret = rm_dir(path, d, e);
	closedir(d);
	return ret;
}

int fsu_mkparents(const char *root, const char *rel, mode_t mode, int force_mode,
		  struct fsu_err *e)
{
	char *full = fsu_join(root, rel), *p;
	size_t n = strlen(root);

	if (!full)
		return fsu_fail(e, -PF_ENOMEM, "%s: out of memory", rel);
	for (p = full + (rel[0] == '/' ? 1 : n + 1); (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(full, mode) != 0 && errno != EEXIST) {
			fsu_fail(e, -PF_EIO, "%s: cannot create folder: %s", full,
				 strerror(errno));
			free(full);
			return -PF_EIO;
		}
		if (force_mode)
			(void)chmod(full, mode);
		*p = '/';
	}
	free(full);
	return 0;
}

/* The block of the user-space copy, and the most one copy_file_range call
 * is asked for (so that PROGRESS is called now and then). */
#define COPY_BUF (1 << 20)
#define KERNEL_STEP ((size_t)64 << 20)
#define FIRST_STEP ((size_t)64 << 10)
#define CLONE_MIN ((size_t)1 << 20)

/* 1 when copy_file_range failing with ERR means "not between these files":
 * the caller copies through user space instead. */
static int no_kernel_copy(int err)
{
	return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP ||
	       err == EBADF || err == EPERM || err == ETXTBSY;
}

/*
 * Copy LEN bytes (or to IN's end when LEN is UINT64_MAX) from IN at *INOFF
 * to OUT at *OUTOFF, both offsets advanced; INOFF/OUTOFF NULL: the
 * descriptors' own offsets.  The kernel copies when it can
 * (copy_file_range: a reflink on XFS and btrfs, an in-kernel copy
 * elsewhere), else one buffer of user space.  *DONE counts the bytes.
 */
static int copy_part(int in, const char *inname, off_t *inoff, int out,
		     const char *outname, off_t *outoff, uint64_t len, uint64_t *done,
		     fsu_progress_fn progress, void *ctx, struct fsu_err *e)
{
	char *buf = NULL;
	size_t step = FIRST_STEP;
	int kernel = 1, ret = 0;

	/* steps from 64 KiB doubling: a small file still shows progress, a
	 * large one costs few calls */
	for (; len; step = step < KERNEL_STEP ? step * 2 : step) {
		size_t want = len < step ? (size_t)len : step;
		ssize_t n;

		if (kernel) {
			n = copy_file_range(in, inoff, out, outoff, want, 0);
			if (n < 0 && errno == EINTR)
				continue;
			/* not possible here, or 0 at once (some file systems say
			 * nothing rather than fail): user space from here on */
			if ((n < 0 && no_kernel_copy(errno)) || (n == 0 && !*done)) {
				kernel = 0;
				step /= 2; /* the same step again */
				continue;
			}
			if (n < 0) {
				ret = fsu_fail(e, -PF_EIO, "%s: write failed: %s", outname,
					       strerror(errno));
				goto out;
			}
		} else {
			if (!buf && !(buf = malloc(COPY_BUF))) {
				ret = fsu_fail(e, -PF_ENOMEM, "%s: out of memory", outname);
				goto out;
			}
			if (want > COPY_BUF)
				want = COPY_BUF;
			n = inoff ? pread(in, buf, want, *inoff) : read(in, buf, want);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				ret = fsu_fail(e, -PF_EIO, "%s: read error: %s", inname,
					       strerror(errno));
				goto out;
			}
			if (n > 0 && outoff)
				ret = pwrite_all(out, buf, (size_t)n, *outoff, outname, e);
			else if (n > 0)
				ret = fsu_write_all(out, buf, (size_t)n, outname, e);
			if (ret)
				goto out;
			if (inoff)
				*inoff += n;
			if (outoff)
				*outoff += n;
		}
		if (n == 0) {
			if (len != UINT64_MAX)
				ret = fsu_fail(e, -PF_EIO, "%s: ends before the bytes to "
					       "copy", inname);
			goto out;
		}
		*done += (uint64_t)n;
		if (len != UINT64_MAX)
			len -= (uint64_t)n;
		if (progress && (ret = progress(ctx, *done))) {
			fsu_fail(e, ret, "%s: copy stopped", outname);
			goto out;
		}
	}
out:
	free(buf);
	return ret;
}

/* Replace the bytes of empty OUT with a clone of IN's (FICLONE: XFS, btrfs)
 * when both are at offset 0 and IN has CLONE_MIN bytes or more (a small
 * file is copied in steps, each told to the progress callback); 1 when done (both offsets then at the end),
 * 0 when not possible (nothing changed). */
static int try_clone(int in, int out, uint64_t *size)
{
	struct stat si, so;

	if (lseek(in, 0, SEEK_CUR) != 0 || lseek(out, 0, SEEK_CUR) != 0 ||
	    fstat(in, &si) != 0 || fstat(out, &so) != 0 || !S_ISREG(si.st_mode) ||
	    !S_ISREG(so.st_mode) || so.st_size != 0 || si.st_size < (off_t)CLONE_MIN)
		return 0;
	if (ioctl(out, FICLONE, in) != 0)
		return 0;
	if (lseek(in, 0, SEEK_END) < 0 || lseek(out, 0, SEEK_END) < 0)
		return 0;
	*size = (uint64_t)si.st_size;
	return 1;
}

int fsu_copy_fd(int in, const char *inname, int out, const char *outname,
		fsu_progress_fn progress, void *ctx, struct fsu_err *e)
{
	uint64_t done = 0;
	int ret;

	if (try_clone(in, out, &done)) {
		if (progress && (ret = progress(ctx, done)))
			return fsu_fail(e, ret, "%s: copy stopped", outname);
		return 0;
	}
	return copy_part(in, inname, NULL, out, outname, NULL, UINT64_MAX, &done,
			 progress, ctx, e);
}

int fsu_copy_range(int in, const char *inname, uint64_t inoff, int out,
		   const char *outname, uint64_t outoff, uint64_t len, struct fsu_err *e)
{
	off_t io = (off_t)inoff, oo = (off_t)outoff;
	uint64_t done = 0;

	return copy_part(in, inname, &io, out, outname, &oo, len, &done, NULL, NULL, e);
}

int fsu_copy_file(const char *src, const char *dst, fsu_progress_fn progress,
		  void *ctx, struct fsu_err *e)
{
	int in, out, ret;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fsu_fail(e, errno == ENOENT ? -PF_ENOENT : -PF_EIO,
				"%s: cannot open: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = fsu_fail(e, errno == EEXIST ? -PF_EEXIST : -PF_EIO,
			       "%s: cannot create: %s", dst, strerror(errno));
		close(in);
		return ret;
	}
	ret = fsu_copy_fd(in, src, out, dst, progress, ctx, e);
	close(in);
	if (close(out) != 0 && !ret)
		ret = fsu_fail(e, -PF_EIO, "%s: write failed: %s", dst, strerror(errno));
	if (ret)
		unlink(dst);
	return ret;
}

int fsu_create(const char *root, const char *rel, unsigned flags, char **path, int *fd,
	       struct fsu_err *e)
{
	int force = (flags & FSU_OPEN_MODES) != 0, ret, f;
	char *p;

	ret = fsu_mkparents(root, rel, 0755, force, e);
	if (ret)
		return ret;
	p = fsu_join(root, rel);
	if (!p)
		return fsu_fail(e, -PF_ENOMEM, "%s: out of memory", rel);
	f = open(p, O_WRONLY | O_CREAT | O_CLOEXEC |
		 ((flags & FSU_EXCL) ? O_EXCL : O_TRUNC), 0644);
	if (f < 0) {
		ret = fsu_fail(e, errno == EEXIST ? -PF_EEXIST : -PF_EIO,
			       "%s: cannot create: %s", p, strerror(errno));
		free(p);
		return ret;
	}
	if (force)
		(void)fchmod(f, 0644);
	*path = p;
	*fd = f;
	return 0;
}

/* Put one file X below ROOT: a hard link when asked and possible, else a
 * copy of the host file or the bytes. */
static int put_file(const char *root, const struct fsu_file *x, unsigned flags,
		    struct fsu_err *e)
{
	char *path = NULL;
	int fd = -1, ret;

	if (x->host && (x->flags & FSU_LINK)) {
		ret = fsu_mkparents(root, x->rel, 0755, (flags & FSU_OPEN_MODES) != 0, e);
		if (ret)
			return ret;
		path = fsu_join(root, x->rel);
		if (!path)
			return fsu_fail(e, -PF_ENOMEM, "%s: out of memory", x->rel);
		ret = link(x->host, path);
		free(path);
		path = NULL;
		if (ret == 0)
			return 0;
	}
	ret = fsu_create(root, x->rel, flags, &path, &fd, e);
	if (ret)
		return ret;
	if (x->host) {
		int in = open(x->host, O_RDONLY | O_CLOEXEC);

		if (in < 0)
			ret = fsu_fail(e, -PF_EIO, "%s: cannot open: %s", x->host,
				       strerror(errno));
		else {
			ret = fsu_copy_fd(in, x->host, fd, path, NULL, NULL, e);
			close(in);
		}
	} else {
		ret = fsu_write_all(fd, x->data, x->len, path, e);
	}
	if (close(fd) != 0 && !ret)
		ret = fsu_fail(e, -PF_EIO, "%s: write failed: %s", path, strerror(errno));
	free(path);
	return ret;
}

int fsu_write_tree(const char *root, const struct fsu_file *files, size_t n,
		   unsigned flags, fsu_progress_fn progress, void *ctx, struct fsu_err *e)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = put_file(root, &files[i], flags, e);
		if (!ret && progress && (ret = progress(ctx, i + 1)))
			fsu_fail(e, ret, "%s: writing stopped", root);
		if (ret)
			return ret;
	}
	return 0;
}
