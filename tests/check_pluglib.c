/* tests/check_pluglib.c - the plugins' library plugins/lib: the file helpers
 * (join, is_dir, read_file, rm_rf, copies with progress, file trees) and the
 * output helpers of outlib (whole-or-absent folders, writing one file of a
 * tree from the media, a host file or bytes) and batch, the one escaping
 * function for the inside of double quotes in a cmd.exe batch line, and
 * fleet (fleet.tsv, machines.state and the live boot entries of #15). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_common.h"
#include "fsutil.h"
#include "outlib.h"
#include "batch.h"
#include "fleet.h"

/* DIR/REL (malloc'd). */
static char *at(const char *dir, const char *rel)
{
	char *p = fsu_join(dir, rel);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* 1 when PATH exists (a link is not followed). */
static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The mode bits of PATH. */
static unsigned mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (unsigned)(st.st_mode & 07777);
}

/* The text of file PATH (malloc'd), failing the test when unreadable. */
static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	ck_assert_int_eq(fsu_read_file(path, &data, &len, NULL), 0);
	ck_assert_uint_eq(strlen(data), len);
	return data;
}

START_TEST(test_join)
{
	static const struct { const char *a, *b, *want; } cases[] = {
		{ "/a", "b", "/a/b" }, { "/a/", "b", "/a/b" }, { "/a", "/abs", "/abs" },
		{ "", "b", "b" }, { NULL, "b", "b" }, { "a", "", "a" }, { "a", NULL, "a" },
		{ "a/b", "c/d", "a/b/c/d" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = fsu_join(cases[i].a, cases[i].b);

		ck_assert_str_eq(p, cases[i].want);
		free(p);
	}
	ck_assert_ptr_null(fsu_join(NULL, NULL));
	/* how deep a path is: names, not slashes */
	ck_assert_int_eq(fsu_path_depth(""), 0);
	ck_assert_int_eq(fsu_path_depth("/"), 0);
	ck_assert_int_eq(fsu_path_depth("a"), 1);
	ck_assert_int_eq(fsu_path_depth("/a//b/"), 2);
	ck_assert_int_eq(fsu_path_depth("a/b/c"), 3);
	/* a dnsmasq.conf value: quoted, " and \ escaped */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		ck_assert_ptr_nonnull(f);
		fsu_put_dnsmasq_path(f, "/srv/a \"b\"\\c");
		fclose(f);
		ck_assert_str_eq(buf, "\"/srv/a \\\"b\\\"\\\\c\"");
		free(buf);
	}
}
END_TEST

START_TEST(test_is_dir_read_file)
{
	char *dir = test_tmpdir(), *f = test_write(dir, "f.txt", "hello\nworld\n");
	char *missing = at(dir, "nope.txt"), *data = NULL;
	struct fsu_err e;
	size_t len = 0;

	ck_assert(fsu_is_dir(dir));
	ck_assert(!fsu_is_file(dir));
	ck_assert(fsu_is_file(f));
	ck_assert(!fsu_is_dir(f));
	ck_assert(!fsu_is_dir(missing) && !fsu_is_file(missing));
	ck_assert_int_eq(fsu_read_file(f, &data, &len, &e), 0);
	ck_assert_uint_eq(len, 12);
	ck_assert_str_eq(data, "hello\nworld\n");
	free(data);
	data = NULL;
	ck_assert_int_eq(fsu_read_file(missing, &data, &len, &e), -PF_ENOENT);
	ck_assert_ptr_null(data);
	ck_assert_msg(strstr(e.msg, "nope.txt: cannot open: "), "%s", e.msg);
	ck_assert_int_eq(fsu_read_file(dir, &data, NULL, &e), -PF_EIO);
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(missing);
	free(f);
	free(dir);
}
END_TEST

START_TEST(test_rm_rf_links_not_followed)
{
	char *dir = test_tmpdir(), *outside = test_tmpdir();
	char *keep = test_write(outside, "keep.txt", "precious");
	char *tree = at(dir, "tree"), *deep = at(dir, "tree/a/b/c"), *p;
	struct fsu_err e;

	ck_assert_int_eq(fsu_mkparents(dir, "tree/a/b/c/x", 0755, 0, &e), 0);
	ck_assert(fsu_is_dir(deep));
	free(test_write(deep, "file", "x"));
	free(test_write(dir, "tree/a/top.txt", "y"));
	/* links out of the tree: to a folder, to a file, and a dangling one */
	p = at(dir, "tree/a/b/to-dir");
	ck_assert_int_eq(symlink(outside, p), 0);
	free(p);
	p = at(dir, "tree/to-file");
	ck_assert_int_eq(symlink(keep, p), 0);
	free(p);
	p = at(dir, "tree/a/dangling");
	ck_assert_int_eq(symlink("/nonexistent/peforge", p), 0);
	free(p);

	ck_assert_int_eq(fsu_rm_rf(tree, &e), 0);
	ck_assert(!exists(tree));
	ck_assert(fsu_is_dir(outside));
	ck_assert(fsu_is_file(keep));
	p = slurp(keep);
	ck_assert_str_eq(p, "precious");
	free(p);
	/* absent: no error; a link given itself: the link goes, not its target */
	ck_assert_int_eq(fsu_rm_rf(tree, &e), 0);
	p = at(dir, "link");
	ck_assert_int_eq(symlink(outside, p), 0);
	ck_assert_int_eq(fsu_rm_rf(p, &e), 0);
	ck_assert(!exists(p));
	ck_assert(fsu_is_file(keep));
	free(p);

	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	ck_assert_int_eq(fsu_rm_rf(outside, NULL), 0);
	ck_assert(!exists(dir) && !exists(outside));
	free(keep);
	free(tree);
	free(deep);
	free(dir);
	free(outside);
}
END_TEST

START_TEST(test_rm_rf_reports_failure)
{
	char *dir, *sub, *f;
	struct fsu_err e;
	int ret;

	if (geteuid() == 0)
		return; /* root removes from a read-only folder */
	dir = test_tmpdir();
	sub = at(dir, "locked");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	f = test_write(sub, "f", "x");
	ck_assert_int_eq(chmod(sub, 0555), 0);
	ret = fsu_rm_rf(sub, &e);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	ck_assert_int_eq(ret, -PF_EIO);
	ck_assert_msg(strstr(e.msg, "cannot remove"), "%s", e.msg);
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(f);
	free(sub);
	free(dir);
}
END_TEST

/* Progress recorder: counts calls, keeps the last value, stops at STOP. */
struct prog {
	unsigned calls;
	uint64_t last;
	uint64_t stop;  /* 0: never */
};

static int on_progress(void *ctx, uint64_t done)
{
	struct prog *p = ctx;

	ck_assert_uint_ge(done, p->last);
	p->calls++;
	p->last = done;
	return p->stop && done >= p->stop ? -PF_ECANCELED : 0;
}

/* A file of LEN bytes in DIR/NAME with a known pattern (malloc'd path). */
static char *big_file(const char *dir, const char *name, size_t len)
{
	char *p = at(dir, name), *buf = malloc(len);
	FILE *f;
	size_t i;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + i % 23);
	f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	return p;
}

START_TEST(test_copy_progress)
{
	const size_t len = 300000;
	char *dir = test_tmpdir(), *src = big_file(dir, "src", len);
	char *dst = at(dir, "dst"), *a, *b;
	struct prog pr = { 0 };
	struct fsu_err e;

	ck_assert_int_eq(fsu_copy_file(src, dst, on_progress, &pr, &e), 0);
	ck_assert_uint_ge(pr.calls, 2);
	ck_assert_uint_eq(pr.last, len);
	a = slurp(src);
	b = slurp(dst);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* the destination must be new */
	ck_assert_int_eq(fsu_copy_file(src, dst, NULL, NULL, &e), -PF_EEXIST);
	ck_assert_msg(strstr(e.msg, "cannot create"), "%s", e.msg);
	/* a progress callback that says stop: its code, no half file left */
	ck_assert_int_eq(unlink(dst), 0);
	memset(&pr, 0, sizeof(pr));
	pr.stop = 1;
	ck_assert_int_eq(fsu_copy_file(src, dst, on_progress, &pr, &e), -PF_ECANCELED);
	ck_assert_uint_eq(pr.calls, 1);
	ck_assert(!exists(dst));
	/* a missing source */
	a = at(dir, "missing");
	ck_assert_int_eq(fsu_copy_file(a, dst, NULL, NULL, &e), -PF_ENOENT);
	ck_assert(!exists(dst));
	free(a);
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(src);
	free(dst);
	free(dir);
}
END_TEST

START_TEST(test_write_tree)
{
	char *dir = test_tmpdir(), *src = test_write(dir, "host.txt", "from the host");
	char *root = at(dir, "root"), *p, *text;
	const struct fsu_file files[] = {
		{ .rel = "README.txt", .data = "read me", .len = 7 },
		{ .rel = "a/b/copied.txt", .host = src },
		{ .rel = "a/linked.txt", .host = src, .flags = FSU_LINK },
		{ .rel = "a/b/c/empty", .data = "", .len = 0 },
	};
	struct prog pr = { 0 };
	struct stat s1, s2;
	struct fsu_err e;
	mode_t old;

	ck_assert_int_eq(mkdir(root, 0700), 0);
	old = umask(077);
	ck_assert_int_eq(fsu_write_tree(root, files, 4, FSU_EXCL | FSU_OPEN_MODES,
					on_progress, &pr, &e), 0);
	umask(old);
	ck_assert_uint_eq(pr.calls, 4);
	ck_assert_uint_eq(pr.last, 4);
	p = at(root, "README.txt");
	text = slurp(p);
	ck_assert_str_eq(text, "read me");
	ck_assert_uint_eq(mode_of(p), 0644);
	free(p);
	free(text);
	p = at(root, "a/b/copied.txt");
	text = slurp(p);
	ck_assert_str_eq(text, "from the host");
	ck_assert_uint_eq(mode_of(p), 0644);
	free(text);
	free(p);
	p = at(root, "a/b");
	ck_assert_uint_eq(mode_of(p), 0755);
	free(p);
	/* the hard link shares the inode of its source */
	p = at(root, "a/linked.txt");
	ck_assert_int_eq(stat(p, &s1), 0);
	ck_assert_int_eq(stat(src, &s2), 0);
	ck_assert(s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
	free(p);
	p = at(root, "a/b/c/empty");
	ck_assert(fsu_is_file(p));
	free(p);
	/* FSU_EXCL: writing over an existing file fails and names it */
	ck_assert_int_eq(fsu_write_tree(root, files, 1, FSU_EXCL, NULL, NULL, &e),
			 -PF_EEXIST);
	ck_assert_msg(strstr(e.msg, "README.txt: cannot create"), "%s", e.msg);
	/* without it the file is replaced */
	ck_assert_int_eq(fsu_write_tree(root, files, 1, 0, NULL, NULL, &e), 0);
	/* a missing host file stops the tree with its name */
	{
		const struct fsu_file bad = { .rel = "x", .host = "/nonexistent/pf" };

		ck_assert_int_eq(fsu_write_tree(root, &bad, 1, 0, NULL, NULL, &e), -PF_EIO);
		ck_assert_msg(strstr(e.msg, "/nonexistent/pf: cannot open"), "%s", e.msg);
	}
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(dir);
	free(src);
	free(root);
}
END_TEST

/* ---- outlib: a host table that serves a small media and keeps the log ---- */

static char logbuf[2048];

static void fake_log(int level, const char *who, const char *fmt, ...)
{
	size_t n = strlen(logbuf);
	va_list ap;

	(void)level;
	snprintf(logbuf + n, sizeof(logbuf) - n, "%s: ", who);
	n = strlen(logbuf);
	va_start(ap, fmt);
	vsnprintf(logbuf + n, sizeof(logbuf) - n, fmt, ap);
	va_end(ap);
	n = strlen(logbuf);
	snprintf(logbuf + n, sizeof(logbuf) - n, "\n");
}

static const char media_text[] = "bytes of a media file";

static int fake_read(struct pf_job *job, const char *path, uint64_t off, void *buf,
		     size_t len, size_t *got)
{
	size_t n = sizeof(media_text) - 1;

	(void)job;
	if (strcmp(path, "sources/file.txt"))
		return -PF_ENOENT;
	n = off >= n ? 0 : n - (size_t)off;
	if (n > len)
		n = len;
	if (n > 5)
		n = 5;  /* small pieces: the loop must go round */
	memcpy(buf, media_text + off, n);
	*got = n;
	return 0;
}

static const char *fake_strerror(int err)
{
	return err == -PF_ENOENT || err == PF_ENOENT ? "no such file" : "error";
}

static const struct pf_host fake_host = {
	.abi = PF_PLUGIN_ABI,
	.size = sizeof(struct pf_host),
	.version = "test",
	.log = fake_log,
	.strerror = fake_strerror,
	.media_read = fake_read,
};

START_TEST(test_outlib_put)
{
	char *dir = test_tmpdir(), *p, *t;
	const struct outlib_file media = { .path = "m/file.txt", .media = "sources/file.txt" };
	const struct outlib_file bytes = { .path = "b.txt", .data = "abc", .size = 3 };
	const struct outlib_file gone = { .path = "g.txt", .media = "nope" };

	logbuf[0] = '\0';
	ck_assert_int_eq(outlib_put(&fake_host, NULL, "t", dir, &media, FSU_EXCL), 0);
	p = at(dir, "m/file.txt");
	t = slurp(p);
	ck_assert_str_eq(t, media_text);
	free(t);
	free(p);
	ck_assert_int_eq(outlib_put(&fake_host, NULL, "t", dir, &bytes, 0), 0);
	p = at(dir, "b.txt");
	t = slurp(p);
	ck_assert_str_eq(t, "abc");
	free(t);
	free(p);
	ck_assert_str_eq(logbuf, "");
	ck_assert_int_eq(outlib_put(&fake_host, NULL, "t", dir, &media, FSU_EXCL),
			 -PF_EEXIST);
	ck_assert_msg(strstr(logbuf, "t: ") && strstr(logbuf, "m/file.txt: cannot create"),
		      "%s", logbuf);
	logbuf[0] = '\0';
	ck_assert_int_eq(outlib_put(&fake_host, NULL, "t", dir, &gone, 0), -PF_ENOENT);
	ck_assert_msg(strstr(logbuf, "nope: cannot read from the media: no such file"),
		      "%s", logbuf);
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(dir);
}
END_TEST

START_TEST(test_outlib_dirs)
{
	char *dir = test_tmpdir(), *final = at(dir, "tree"), *tmp = NULL, *p;

	/* a first tree, then a second one replacing it whole */
	ck_assert_int_eq(outlib_dir_begin(&fake_host, "t", final, &tmp), 0);
	free(test_write(tmp, "README.txt", "MARK one\n"));
	ck_assert_int_eq(outlib_dir_commit(&fake_host, "t", tmp, final), 0);
	free(tmp);
	ck_assert(outlib_dir_replaceable(final, "MARK"));
	ck_assert(!outlib_dir_replaceable(final, "OTHER"));
	ck_assert_int_eq(outlib_dir_begin(&fake_host, "t", final, &tmp), 0);
	free(test_write(tmp, "new.txt", "two"));
	ck_assert_int_eq(outlib_dir_commit(&fake_host, "t", tmp, final), 0);
	free(tmp);
	p = at(final, "README.txt");
	ck_assert(!exists(p));
	free(p);
	p = at(final, "new.txt");
	ck_assert(fsu_is_file(p));
	free(p);
	/* an empty folder is replaceable; an aborted tree leaves nothing */
	ck_assert_int_eq(outlib_dir_begin(&fake_host, "t", final, &tmp), 0);
	ck_assert(outlib_dir_replaceable(tmp, "MARK"));
	ck_assert_int_eq(outlib_mkparents(&fake_host, "t", tmp, "x/y/z.txt"), 0);
	p = at(tmp, "x/y");
	ck_assert(fsu_is_dir(p));
	free(p);
	outlib_dir_abort(tmp);
	ck_assert(!exists(tmp));
	free(tmp);
	/* a file where the tree goes is refused */
	p = test_write(dir, "file", "x");
	ck_assert_int_eq(outlib_dir_begin(&fake_host, "t", p, &tmp), 0);
	logbuf[0] = '\0';
	ck_assert_int_eq(outlib_dir_commit(&fake_host, "t", tmp, p), -PF_EEXIST);
	ck_assert_msg(strstr(logbuf, "exists and is not a folder"), "%s", logbuf);
	outlib_dir_abort(tmp);
	free(tmp);
	free(p);
	ck_assert_int_eq(fsu_rm_rf(dir, NULL), 0);
	free(final);
	free(dir);
}
END_TEST

/* batch_escape_quoted: the "quoted" context of scripts/peforge/batch.lua:
 * '%' doubled, cmd's specials passed through (they are plain inside
 * quotes), TAB and bytes >= 0x80 kept. */
START_TEST(test_batch_quoted_escapes)
{
	static const struct { const char *in, *want; } ok[] = {
		{ "", "" },
		{ "Windows\\System32\\drv\\net.inf", "Windows\\System32\\drv\\net.inf" },
		{ "100%", "100%%" },
		{ "%PATH%", "%%PATH%%" },
		{ "a & b | c < d > e ^ f ( g ) !h", "a & b | c < d > e ^ f ( g ) !h" },
		{ "tab\there", "tab\there" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *out = NULL, why[128] = "untouched";

		ck_assert_int_eq(batch_escape_quoted(ok[i].in, &out, why, sizeof(why)), 0);
		ck_assert_str_eq(out, ok[i].want);
		ck_assert_int_eq(batch_check_quoted(ok[i].in, NULL, 0), 0);
		free(out);
	}
}
END_TEST

/* What cmd cannot carry inside quotes is refused, saying which byte: line
 * breaks (a CR LF would start a command of the name's author), the other
 * control characters, DEL and the double quote that would end the quotes. */
START_TEST(test_batch_quoted_refuses)
{
	static const struct { const char *in, *why; } bad[] = {
		{ "evil.inf\r\ncalc.exe", "character 0x0D at byte 9 cannot be written into a "
		  "batch file" },
		{ "evil\n.inf", "character 0x0A at byte 5 " },
		{ "\x01", "character 0x01 at byte 1 " },
		{ "a\x1b[31m", "character 0x1B at byte 2 " },
		{ "del\x7f", "character 0x7F at byte 4 " },
		{ "a\" & calc & \"", "a double quote (\") at byte 2 cannot be written inside "
		  "double quotes" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = (char *)bad, why[160];

		ck_assert_int_eq(batch_escape_quoted(bad[i].in, &out, why, sizeof(why)),
				 -PF_EINVAL);
		ck_assert_ptr_eq(out, (char *)bad);
		ck_assert_msg(strstr(why, bad[i].why) == why, "case %zu: '%s'", i, why);
		ck_assert_int_eq(batch_check_quoted(bad[i].in, NULL, 0), -PF_EINVAL);
		ck_assert_int_eq(batch_escape_quoted(bad[i].in, &out, NULL, 0), -PF_EINVAL);
	}
}
END_TEST

/* ---- short writes and a full device ----------------------------------- */

/* The program is linked with -Wl,--wrap=write: while short_writes is set,
 * every write() of the library writes at most 7 bytes, as a pipe or a
 * signal may make it do. */
ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
static int short_writes;
static unsigned write_calls;

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	if (short_writes) {
		write_calls++;
		if (len > 7)
			len = 7;
	}
	return __real_write(fd, buf, len);
}

/* fsu_write_all and fsu_copy_fd retry short writes until all is written. */
START_TEST(test_short_writes_retried)
{
	char *dir = test_tmpdir(), *a = fsu_join(dir, "a"), *b = fsu_join(dir, "b");
	char data[5000], *back = NULL;
	struct fsu_err e;
	size_t i, len = 0;
	int fd, in;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	short_writes = 1;
	write_calls = 0;
	ck_assert_int_eq(fsu_write_all(fd, data, sizeof(data), a, &e), 0);
	short_writes = 0;
	close(fd);
	ck_assert_uint_ge(write_calls, sizeof(data) / 7);
	ck_assert_int_eq(fsu_read_file(a, &back, &len, &e), 0);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_int_eq(memcmp(back, data, len), 0);
	free(back);
	back = NULL;

	in = open(a, O_RDONLY);
	fd = open(b, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(fd, 0);
	short_writes = 1;
	ck_assert_int_eq(fsu_copy_fd(in, a, fd, b, NULL, NULL, &e), 0);
	short_writes = 0;
	close(in);
	close(fd);
	ck_assert_int_eq(fsu_read_file(b, &back, &len, &e), 0);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_int_eq(memcmp(back, data, len), 0);
	free(back);
	fsu_rm_rf(dir, NULL);
	free(a);
	free(b);
	free(dir);
}
END_TEST

/* A full device (/dev/full) fails with the cause in the message. */
START_TEST(test_enospc_says_why)
{
	char *dir = test_tmpdir(), *a = fsu_join(dir, "a");
	char data[4096] = { 0 };
	struct fsu_err e;
	int fd, in;

	fd = open("/dev/full", O_WRONLY);
	if (fd < 0) {
		fsu_rm_rf(dir, NULL);
		free(a);
		free(dir);
		return; /* no /dev/full in this sandbox */
	}
	ck_assert_int_eq(fsu_write_all(fd, data, sizeof(data), "/dev/full", &e), -PF_EIO);
	ck_assert_msg(strstr(e.msg, "/dev/full") && strstr(e.msg, strerror(ENOSPC)),
		      "message: %s", e.msg);

	in = open(a, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(fsu_write_all(in, data, sizeof(data), a, &e), 0);
	close(in);
	in = open(a, O_RDONLY);
	ck_assert_int_eq(fsu_copy_fd(in, a, fd, "/dev/full", NULL, NULL, &e), -PF_EIO);
	ck_assert_msg(strstr(e.msg, "/dev/full: write failed: ") &&
		      strstr(e.msg, strerror(ENOSPC)), "message: %s", e.msg);
	close(in);
	close(fd);
	fsu_rm_rf(dir, NULL);
	free(a);
	free(dir);
}
END_TEST


/* A hand-made pxe tree in the contract's layout below a new OUTDIR:
 * OUTDIR/pxe/machines/fleet.tsv with LOADER and two machines (LAB-01 with
 * two MACs), each with its three variants. */
static char *fleet_tree(const char *loader)
{
	static const char *macs[] = { "52-54-00-12-34-56", "52-54-00-12-34-57",
				      "52-54-00-aa-bb-cc" };
	static const char *variants[] = { "install", "menu", "local" };
	char *out = test_tmpdir(), *pxe = at(out, "pxe"), *md = at(pxe, "machines");
	char *cfg = at(pxe, "pxelinux.cfg"), *tsv = NULL, *p;
	const char *ext = strcmp(loader, "ipxe") ? "cfg" : "ipxe";
	size_t i, j;

	ck_assert_int_eq(mkdir(pxe, 0755), 0);
	ck_assert_int_eq(mkdir(md, 0755), 0);
	ck_assert_int_eq(mkdir(cfg, 0755), 0);
	ck_assert_int_ge(asprintf(&tsv, "# peforge fleet: written by peforge build (pxe "
				  "output); do not edit\nloader\t%s\nknown\tinstall\n"
				  "unknown\tlocal\nmachine\t%s\tLAB-01\twipe\n"
				  "machine\t%s\tLAB-01\twipe\nmachine\t%s\tsn-XYZ\tkeep\n",
				  loader, macs[0], macs[1], macs[2]), 0);
	free(test_write(md, "fleet.tsv", tsv));
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++) {
			char *name = NULL, *text = NULL;

			ck_assert_int_ge(asprintf(&name, "%s.%s.%s", macs[i], variants[j], ext), 0);
			ck_assert_int_ge(asprintf(&text, "%s %s\n", variants[j], macs[i]), 0);
			free(test_write(md, name, text));
			free(name);
			free(text);
		}
	p = at(out, ".pxe.tmp-x"); /* a half-written output does not count */
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	free(tsv);
	free(cfg);
	free(md);
	free(pxe);
	return out;
}

START_TEST(test_fleet_mac_norm)
{
	static const char *good[] = { "52:54:00:12:34:56", "52-54-00-12-34-56",
				      "52:54:00:12:34:56", "525400123456", "5254.0012.3456",
				      "01-52-54-00-12-34-56", "52-54-00-12-34-56" };
	static const char *bad[] = { "", "52:54:00:12:34", "52:54:00:12:34:56:78",
				     "52:54:00:12:34:5g", "5:254:00:12:34:56", ":525400123456",
				     "525400123456:", "52 54 00 12 34 56", "02-52-54-00-12-34-56" };
	char m[PF_FLEET_MACLEN];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(pf_fleet_mac_norm(good[i], m), 0);
		ck_assert_str_eq(m, "52-54-00-12-34-56");
	}
	ck_assert_int_eq(pf_fleet_mac_norm("AA:BB:CC:DD:EE:FF", m), 0);
	ck_assert_str_eq(m, "aa-bb-cc-dd-ee-ff");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(pf_fleet_mac_norm(bad[i], m) == -PF_EINVAL, "%s", bad[i]);
}
END_TEST

START_TEST(test_fleet_state_load)
{
	char *dir = test_tmpdir(), err[256] = "";
	struct pf_fleet_state *s = NULL;
	static const char *bad[] = {
		"52-54-00-12-34-56\tLAB-01\tstarted\n",
		"52-54-00-12-34-56\tLAB-01\tbroken\t1\n",
		"nope\tLAB-01\tdone\t1\n",
		"52-54-00-12-34-56\tLAB-01\tdone\tsoon\n",
		"52-54-00-12-34-56\tLAB-01\tdone\t1\textra\n",
		"52-54-00-12-34-56\tA\tdone\t1\n52:54:00:12:34:56\tA\tdone\t2\n",
	};
	size_t i;

	/* no file: an empty state, everyone waiting */
	ck_assert_int_eq(pf_fleet_state_load(dir, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(pf_fleet_state_of(s, "52:54:00:12:34:56"), "waiting");
	ck_assert_int_eq(pf_fleet_state_changed(s, "52:54:00:12:34:56"), 0);
	pf_fleet_state_free(s);
	ck_assert_str_eq(pf_fleet_state_of(NULL, "52:54:00:12:34:56"), "waiting");

	free(test_write(dir, "machines.state", "# comment\n"
			"52-54-00-12-34-56\tLAB-01\tstarted\t1700000000\r\n\n"
			"52-54-00-aa-bb-cc\tsn-XYZ\tdone\t1700000001\n"
			"52-54-00-12-34-57\tLAB-01\twaiting\t1700000002"));
	ck_assert_int_eq(pf_fleet_state_load(dir, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(pf_fleet_state_of(s, "52:54:00:12:34:56"), "started");
	ck_assert_str_eq(pf_fleet_state_of(s, "52-54-00-AA-BB-CC"), "done");
	ck_assert_str_eq(pf_fleet_state_of(s, "525400123457"), "waiting");
	ck_assert_str_eq(pf_fleet_state_of(s, "52-54-00-00-00-01"), "waiting");
	ck_assert_str_eq(pf_fleet_state_of(s, "garbage"), "waiting");
	ck_assert_int_eq(pf_fleet_state_changed(s, "52-54-00-aa-bb-cc"), 1700000001);
	pf_fleet_state_free(s);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		free(test_write(dir, "machines.state", bad[i]));
		s = NULL;
		err[0] = '\0';
		ck_assert_int_eq(pf_fleet_state_load(dir, &s, err, sizeof(err)), -PF_EINVAL);
		ck_assert_ptr_null(s);
		ck_assert_msg(strstr(err, "machines.state:"), "%s", err);
	}
	fsu_rm_rf(dir, NULL);
	free(dir);
}
END_TEST

START_TEST(test_fleet_load)
{
	char *out = fleet_tree("pxelinux"), *p, err[512] = "";
	struct pf_fleet *f = NULL;
	size_t idx[3];

	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), 0);
	ck_assert_str_eq(f->loader, "pxelinux");
	ck_assert_str_eq(f->known, "install");
	ck_assert_str_eq(f->unknown, "local");
	ck_assert_uint_eq(f->n, 3);
	ck_assert_int_eq(f->m[0].wipe, 1);
	ck_assert_int_eq(f->m[2].wipe, 0);
	ck_assert_str_eq(f->m[2].id, "sn-XYZ");
	p = at(out, "pxe");
	ck_assert_str_eq(f->pxedir, p);
	free(p);
	ck_assert_ptr_eq(pf_fleet_by_mac(f, "52:54:00:AA:BB:CC"), &f->m[2]);
	ck_assert_ptr_null(pf_fleet_by_mac(f, "52:54:00:00:00:01"));
	ck_assert_uint_eq(pf_fleet_match(f, "lab-01", idx), 2);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 1);
	ck_assert_uint_eq(pf_fleet_match(f, "5254.0012.3457", idx), 1);
	ck_assert_uint_eq(idx[0], 1);
	ck_assert_uint_eq(pf_fleet_match(f, "LAB-02", idx), 0);
	ck_assert_str_eq(pf_fleet_variant_for(f, "waiting"), "install");
	ck_assert_str_eq(pf_fleet_variant_for(f, "started"), "local");
	p = pf_fleet_live_path(f, "52-54-00-12-34-56");
	ck_assert_ptr_nonnull(strstr(p, "/pxe/pxelinux.cfg/01-52-54-00-12-34-56"));
	free(p);
	p = pf_fleet_variant_path(f, "52-54-00-12-34-56", "menu");
	ck_assert_ptr_nonnull(strstr(p, "/pxe/machines/52-54-00-12-34-56.menu.cfg"));
	free(p);
	pf_fleet_free(f);

	/* a malformed fleet.tsv says where */
	p = at(out, "pxe/machines");
	free(test_write(p, "fleet.tsv", "loader\tgrub\n"));
	f = NULL;
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err, "fleet.tsv:1: loader must be one of pxelinux|ipxe"), "%s", err);
	free(test_write(p, "fleet.tsv", "loader\tipxe\nknown\tinstall\n"));
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_EINVAL);
	ck_assert_msg(strstr(err, "missing"), "%s", err);
	free(test_write(p, "fleet.tsv", "loader\tipxe\nknown\tinstall\nunknown\tlocal\n"
			"machine\t52-54-00-12-34-56\tA\twipe\nmachine\t52:54:00:12:34:56\tB\tkeep\n"));
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_EINVAL);
	ck_assert_msg(strstr(err, "fleet.tsv:5: 52-54-00-12-34-56 appears twice"), "%s", err);
	free(p);
	fsu_rm_rf(out, NULL);

	/* no pxe tree with a fleet */
	ck_assert_int_eq(mkdir(out, 0755), 0);
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_ENOENT);
	ck_assert_msg(strstr(err, "no fleet here"), "%s", err);
	fsu_rm_rf(out, NULL);
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_ENOENT);
	free(out);
}
END_TEST

/* Set MAC's state in the fleet of OUT to STATE and check the live entry
 * then holds WANT (the text of the variant). */
static void set_and_check(const char *out, const char *mac, const char *state,
			  const char *want_old, const char *want)
{
	struct pf_fleet *f = NULL;
	struct pf_fleet_state *s = NULL;
	const char *old = NULL;
	char err[512] = "", *live, *text;

	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), 0);
	ck_assert_msg(pf_fleet_set(f, mac, state, 1700000100, &old, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(old, want_old);
	ck_assert_int_eq(pf_fleet_state_load(out, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(pf_fleet_state_of(s, mac), state);
	ck_assert_int_eq(pf_fleet_state_changed(s, mac), 1700000100);
	pf_fleet_state_free(s);
	live = pf_fleet_live_path(f, mac);
	text = slurp(live);
	ck_assert_str_eq(text, want);
	ck_assert_uint_eq(mode_of(live), 0644);
	free(text);
	free(live);
	pf_fleet_free(f);
}

START_TEST(test_fleet_set)
{
	static const char *loaders[] = { "pxelinux", "ipxe" };
	size_t i;

	for (i = 0; i < 2; i++) {
		char *out = fleet_tree(loaders[i]), *st, *text, *lock, err[512] = "";
		struct pf_fleet *f = NULL;
		DIR *d;
		struct dirent *de;
		mode_t um = umask(077);

		set_and_check(out, "52-54-00-12-34-56", "started", "waiting",
			      "local 52-54-00-12-34-56\n");
		set_and_check(out, "52-54-00-aa-bb-cc", "done", "waiting",
			      "local 52-54-00-aa-bb-cc\n");
		set_and_check(out, "52-54-00-12-34-56", "waiting", "started",
			      "install 52-54-00-12-34-56\n");
		umask(um);
		st = at(out, "machines.state");
		ck_assert_uint_eq(mode_of(st), 0644);
		text = slurp(st);
		ck_assert_str_eq(text, "# peforge machines state: MAC ID STATE CHANGED; "
				 "written by peforge (peforge machines / serve)\n"
				 "52-54-00-12-34-56\tLAB-01\twaiting\t1700000100\n"
				 "52-54-00-aa-bb-cc\tsn-XYZ\tdone\t1700000100\n");
		free(text);
		lock = at(out, ".machines.lock");
		ck_assert(exists(lock));
		free(lock);

		/* refused: an unknown MAC, a bad state, a missing variant; nothing changes */
		ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), 0);
		ck_assert_int_eq(pf_fleet_set(f, "52-54-00-00-00-01", "done", 1, NULL, err,
					      sizeof(err)), -PF_ENOENT);
		ck_assert_msg(strstr(err, "not a known machine"), "%s", err);
		ck_assert_int_eq(pf_fleet_set(f, "52-54-00-12-34-56", "gone", 1, NULL, err,
					      sizeof(err)), -PF_EINVAL);
		text = pf_fleet_variant_path(f, "52-54-00-12-34-57", "local");
		ck_assert_int_eq(unlink(text), 0);
		free(text);
		ck_assert_int_eq(pf_fleet_set(f, "52-54-00-12-34-57", "started", 1, NULL, err,
					      sizeof(err)), -PF_ENOENT);
		ck_assert_msg(strstr(err, "52-54-00-12-34-57.local."), "%s", err);
		pf_fleet_free(f);
		text = slurp(st);
		ck_assert_ptr_null(strstr(text, "34-57"));
		free(text);
		free(st);
		/* no temporary file left behind */
		st = at(out, "pxe/machines");
		d = opendir(st);
		ck_assert_ptr_nonnull(d);
		while ((de = readdir(d)))
			ck_assert_msg(!strstr(de->d_name, ".tmp-"), "%s", de->d_name);
		closedir(d);
		free(st);
		d = opendir(out);
		while ((de = readdir(d)))
			ck_assert_msg(!strstr(de->d_name, "machines.state.tmp-"), "%s",
				      de->d_name);
		closedir(d);
		fsu_rm_rf(out, NULL);
		free(out);
	}
}
END_TEST

/* pf_fleet_sync: every live entry follows machines.state as it is now (a
 * build that read an older state): started/done -> local, waiting or
 * absent -> the `known` variant. */
START_TEST(test_fleet_sync)
{
	char *out = fleet_tree("pxelinux"), *st = at(out, "machines.state"), err[512] = "";
	char *live1, *live2, *live3, *text;
	struct pf_fleet *f = NULL;

	free(test_write(out, "machines.state", "52-54-00-12-34-56\tLAB-01\tstarted\t1\n"
			"52-54-00-aa-bb-cc\tsn-XYZ\twaiting\t1\n"));
	live1 = at(out, "pxe/pxelinux.cfg/01-52-54-00-12-34-56");
	live2 = at(out, "pxe/pxelinux.cfg/01-52-54-00-12-34-57");
	live3 = at(out, "pxe/pxelinux.cfg/01-52-54-00-aa-bb-cc");
	/* what a build that read no state wrote */
	free(test_write(out, "pxe/pxelinux.cfg/01-52-54-00-12-34-56", "install 52-54-00-12-34-56\n"));
	free(test_write(out, "pxe/pxelinux.cfg/01-52-54-00-aa-bb-cc", "local 52-54-00-aa-bb-cc\n"));
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), 0);
	ck_assert_int_eq(pf_fleet_sync(f, err, sizeof(err)), 0);
	text = slurp(live1);
	ck_assert_str_eq(text, "local 52-54-00-12-34-56\n");
	free(text);
	text = slurp(live2);  /* absent from the state: waiting */
	ck_assert_str_eq(text, "install 52-54-00-12-34-57\n");
	free(text);
	text = slurp(live3);
	ck_assert_str_eq(text, "install 52-54-00-aa-bb-cc\n");
	free(text);
	/* the state file itself is not rewritten */
	text = slurp(st);
	ck_assert_str_eq(text, "52-54-00-12-34-56\tLAB-01\tstarted\t1\n"
			 "52-54-00-aa-bb-cc\tsn-XYZ\twaiting\t1\n");
	free(text);
	pf_fleet_free(f);
	fsu_rm_rf(out, NULL);
	free(live1);
	free(live2);
	free(live3);
	free(st);
	free(out);
}
END_TEST

START_TEST(test_fleet_two_trees)
{
	char *out = fleet_tree("ipxe"), *src = at(out, "pxe"), *dst = at(out, "pxe2");
	char err[512] = "";
	struct pf_fleet *f = NULL;
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", src, dst);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pf_fleet_load(out, &f, err, sizeof(err)), -PF_EINVAL);
	ck_assert_msg(strstr(err, "two pxe trees"), "%s", err);
	fsu_rm_rf(out, NULL);
	free(out);
	free(src);
	free(dst);
}
END_TEST

static Suite *suite_pluglib(void)
{
	Suite *s = suite_create("pluglib");
	TCase *tf = tcase_create("fsutil");
	TCase *to = tcase_create("outlib");
	TCase *tb;

	tcase_add_test(tf, test_join);
	tcase_add_test(tf, test_is_dir_read_file);
	tcase_add_test(tf, test_rm_rf_links_not_followed);
	tcase_add_test(tf, test_rm_rf_reports_failure);
	tcase_add_test(tf, test_copy_progress);
	tcase_add_test(tf, test_write_tree);
	tcase_add_test(tf, test_short_writes_retried);
	tcase_add_test(tf, test_enospc_says_why);
	suite_add_tcase(s, tf);
	tcase_add_test(to, test_outlib_put);
	tcase_add_test(to, test_outlib_dirs);
	suite_add_tcase(s, to);
	tb = tcase_create("batch");
	tcase_add_test(tb, test_batch_quoted_escapes);
	tcase_add_test(tb, test_batch_quoted_refuses);
	suite_add_tcase(s, tb);
	tb = tcase_create("fleet");
	tcase_add_test(tb, test_fleet_mac_norm);
	tcase_add_test(tb, test_fleet_state_load);
	tcase_add_test(tb, test_fleet_load);
	tcase_add_test(tb, test_fleet_set);
	tcase_add_test(tb, test_fleet_sync);
	tcase_add_test(tb, test_fleet_two_trees);
	suite_add_tcase(s, tb);
	return s;
}

PF_CHECK_MAIN(suite_pluglib)
