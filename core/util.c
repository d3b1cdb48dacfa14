/* core/util.c - small string, path and file helpers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "util.h"

char *pf_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

char *pf_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *pf_path_join(const char *a, const char *b)
{
	return fsu_join(a, b);
}

char *pf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int pf_endswith_ci(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcasecmp(s + ls - lx, suffix) == 0;
}

int pf_is_dir(const char *path)
{
	return fsu_is_dir(path);
}

int pf_is_file(const char *path)
{
	return fsu_is_file(path);
}

int pf_mkdir_p(const char *dir)
{
	char *copy = strdup(dir);
	char *p;
	int ret = -PF_ENOMEM;

	if (!copy)
		goto out;
	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
				pf_err("%s: cannot create folder: %s", copy, strerror(errno));
				ret = -PF_EIO;
				goto out;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	if (!pf_is_dir(dir)) {
		pf_err("%s: exists and is not a folder", dir);
		ret = -PF_EEXIST;
		goto out;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

int pf_rm_rf(const char *path)
{
	struct fsu_err e;
	int ret = fsu_rm_rf(path, &e);

	if (ret)
		pf_err("%s", e.msg);
	return ret;
}

int pf_mkdtemp_in(const char *parent, const char *prefix, char **out)
{
	const char *base = parent ? parent : getenv("TMPDIR");
	char *tmpl;

	if (!base || !*base)
		base = "/tmp";
	tmpl = pf_asprintf("%s/%s.XXXXXX", base, prefix);
	if (!tmpl)
		return -PF_ENOMEM;
	if (!mkdtemp(tmpl)) {
		pf_err("%s: cannot create temporary folder: %s", tmpl, strerror(errno));
		free(tmpl);
		return -PF_EIO;
	}
	*out = tmpl;
	return 0;
}

int pf_mkdtemp(const char *prefix, char **out)
{
	return pf_mkdtemp_in(NULL, prefix, out);
}

int pf_read_file(const char *path, char **data, size_t *len)
{
	struct fsu_err e;
	int ret = fsu_read_file(path, data, len, &e);

	if (ret)
		pf_err("%s", e.msg);
	return ret;
}

int pf_tmpfile_take(char *name, int f, const char *final, char **tmp, int *fd)
{
	if (f < 0) {
		int e = errno;

		free(name);
		return pf_create_failed(final, e);
	}
	(void)fchmod(f, 0644);
	*tmp = name;
	*fd = f;
	return 0;
}

int pf_tmpfile_beside(const char *final, char **tmp, int *fd)
{
	char *name = pf_asprintf("%s.tmp-XXXXXX", final);

	if (!name)
		return -PF_ENOMEM;
	return pf_tmpfile_take(name, mkstemp(name), final, tmp, fd);
}

int pf_flush_close(int fd, const char *final)
{
	int ret = 0;

	if (fsync(fd) != 0 && errno != EINVAL) {
		pf_err("%s: cannot flush to disk: %s", final, strerror(errno));
		ret = -PF_EIO;
	}
	if (close(fd) != 0 && !ret) {
		pf_err("%s: write failed: %s", final, strerror(errno));
		ret = -PF_EIO;
	}
	return ret;
}

int pf_commit_tmpfile(int fd, const char *tmp, const char *final)
{
	if (pf_flush_close(fd, final) != 0)
		goto fail;
	if (rename(tmp, final) != 0) {
		pf_err("%s: cannot rename %s into place: %s", final, tmp, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return -PF_EIO;
}

/*
 * Write LEN bytes of DATA to PATH whole or not at all (a temporary file
 * beside it, then renamed); SECRET 1: mode 0600, 0: the umask's mode, -1:
 * the temporary file's 0644.
 */
static int write_whole(const char *path, const void *data, size_t len, int secret)
{
	struct fsu_err e;
	char *tmp = NULL;
	mode_t mask;
	int fd = -1, ret;

	ret = pf_tmpfile_beside(path, &tmp, &fd);
	if (ret)
		return ret;
	mask = umask(077);
	umask(mask);
	if (secret >= 0 && fchmod(fd, secret ? 0600 : (0666 & ~mask)) != 0) {
		pf_err("%s: cannot set its mode: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		ret = -PF_EIO;
		goto out;
	}
	ret = fsu_write_all(fd, data, len, path, &e);
	if (ret) {
		pf_err("%s", e.msg);
		close(fd);
		unlink(tmp);
		ret = -PF_EIO;
		goto out;
	}
	ret = pf_commit_tmpfile(fd, tmp, path);
out:
	free(tmp);
	return ret;
}

int pf_write_file_atomic(const char *path, const void *data, size_t len)
{
	return write_whole(path, data, len, -1);
}

int pf_write_file_mode(const char *path, const void *data, size_t len, int secret)
{
	return write_whole(path, data, len, secret != 0);
}

int pf_copy_file(const char *src, const char *dst)
{
	struct fsu_err e;
	int ret = fsu_copy_file(src, dst, NULL, NULL, &e);

	if (ret) {
		pf_err("%s", e.msg);
		if (ret != -PF_ENOENT && ret != -PF_ENOMEM)
			ret = -PF_EIO;
	}
	return ret;
}

char *pf_abspath(const char *path)
{
	char cwd[PATH_MAX];
	char *joined, *res, *w;
	const char *r;

	if (path[0] == '/') {
		joined = strdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		joined = pf_path_join(cwd, path);
	}
	if (!joined)
		return NULL;
	/* Normalize: collapse "//", drop "." and resolve ".." lexically. */
	res = malloc(strlen(joined) + 2);
	if (!res) {
		free(joined);
		return NULL;
	}
	w = res;
	r = joined;
	while (*r) {
		const char *seg;
		size_t n;

		while (*r == '/')
			r++;
		seg = r;
		while (*r && *r != '/')
			r++;
		n = (size_t)(r - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (w > res && *--w != '/')
				;
			continue;
		}
		*w++ = '/';
		memcpy(w, seg, n);
		w += n;
	}
	if (w == res)
		*w++ = '/';
	*w = '\0';
	free(joined);
	return res;
}

void pf_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}
int pf_create_failed(const char *final, int e)
{
	char *dir = pf_dirname(final);

	pf_err("%s: cannot create a file in %s: %s", final, dir ? dir : "?", strerror(e));
	free(dir);
	return e == ENOENT ? -PF_ENOENT : -PF_EIO;
}

