/*
 * tests/check_hostfs.c - Check suite of plugins/lib's host-file-system
 * media (hostfs.c: case-insensitive names, mappings, reads, the loop and
 * depth limits) and of the source plugins' open/close (srcbase.c), with a
 * host table of the test's own that records the error lines.
 */
#include "config.h"

#include <stdarg.h>
#include <sys/stat.h>

#include "check_common.h"
#include "fsutil.h"
#include "hostfs.h"
#include "srcbase.h"

/* The error lines the plugins/lib code logged through the fake host. */
static char logged[4096];

static void fake_log(int level, const char *who, const char *fmt, ...)
{
	size_t n = strlen(logged);
	va_list ap;

	if (level != PF_LOG_ERROR || n + 2 >= sizeof(logged))
		return;
	n += (size_t)snprintf(logged + n, sizeof(logged) - n, "%s: ", who);
	va_start(ap, fmt);
	if (n < sizeof(logged))
		n += (size_t)vsnprintf(logged + n, sizeof(logged) - n, fmt, ap);
	va_end(ap);
	if (n + 1 < sizeof(logged))
		strcat(logged, "\n");
}

/* The fake args of src_base_open: a pointer to the "path" string. */
static const char *fake_arg_string(const struct pf_args *args, const char *key)
{
	return !strcmp(key, "path") ? *(const char *const *)args : NULL;
}

static struct pf_host host = { .abi = PF_PLUGIN_ABI, .size = sizeof(struct pf_host),
			       .version = "test", .log = fake_log,
			       .arg_string = fake_arg_string };

/* DIR/REL (malloc'd), its folder made. */
static char *mk(const char *dir, const char *rel, int folder)
{
	char *p = fsu_join(dir, rel);

	ck_assert_ptr_nonnull(p);
	if (folder)
		ck_assert_int_eq(mkdir(p, 0755), 0);
	return p;
}

/* Collects the names a list gives, ';'-separated, folders with a '/'. */
static int names_cb(void *ctx, const char *name, const struct pf_stat *st)
{
	char *buf = ctx;

	strcat(buf, name);
	strcat(buf, st->is_dir ? "/;" : ";");
	return 0;
}

START_TEST(test_names_case_insensitive)
{
	char *t = test_tmpdir(), *out = NULL;

	free(mk(t, "Sources", 1));
	free(test_write(t, "Sources/Boot.WIM", "wim"));
	free(test_write(t, "Sources/boot.wim", "exact"));
	ck_assert_int_eq(hostfs_has_file(t, "SOURCES/BOOT.WIM"), 1);
	ck_assert_int_eq(hostfs_has_dir(t, "sources"), 1);
	ck_assert_int_eq(hostfs_has_dir(t, "sources/boot.wim"), 0);
	ck_assert_int_eq(hostfs_has_file(t, "sources"), 0);
	ck_assert_int_eq(hostfs_has_file(t, "sources/none.wim"), 0);
	/* an exact match wins over a case-insensitive one */
	ck_assert_int_eq(hostfs_resolve(t, "sources/boot.wim", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "/Sources/boot.wim"));
	free(out);
	out = NULL;
	ck_assert_int_eq(hostfs_resolve(t, "SOURCES/../x", &out), -PF_EINVAL);
	ck_assert_int_eq(hostfs_resolve(t, "nothing", &out), -PF_ENOENT);
	ck_assert_int_eq(fsu_rm_rf(t, NULL), 0);
	free(t);
}
END_TEST

START_TEST(test_mapped_tree)
{
	char *t = test_tmpdir(), *media = mk(t, "m", 1), *other, *lp = NULL;
	struct hostfs *fs = hostfs_new(&host, "test");
	struct pf_stat st;
	char names[256] = "", buf[16];
	size_t got = 0;

	free(mk(media, "EFI", 1));
	free(test_write(media, "bootmgr", "0123456789"));
	other = test_write(t, "winpe.wim", "WIM-DATA");
	ck_assert_ptr_nonnull(fs);
	ck_assert_int_eq(hostfs_map(fs, "", media), 0);
	ck_assert_int_eq(hostfs_map(fs, "sources/boot.wim", other), 0);
	ck_assert_int_eq(hostfs_ops.stat(fs, "BOOTMGR", &st), 0);
	ck_assert_uint_eq(st.size, 10);
	ck_assert_int_eq(st.is_dir, 0);
	ck_assert_int_eq(hostfs_ops.stat(fs, "efi", &st), 0);
	ck_assert_int_eq(st.is_dir, 1);
	ck_assert_int_eq(hostfs_ops.stat(fs, "Sources/BOOT.wim", &st), 0);
	ck_assert_uint_eq(st.size, 8);
	ck_assert_int_eq(hostfs_ops.stat(fs, "nothing", &st), -PF_ENOENT);
	/* a read at an offset, short only at the end */
	ck_assert_int_eq(hostfs_ops.read(fs, "bootmgr", 6, buf, sizeof(buf), &got), 0);
	ck_assert_uint_eq(got, 4);
	ck_assert_int_eq(memcmp(buf, "6789", 4), 0);
	ck_assert_int_eq(hostfs_ops.read(fs, "sources/boot.wim", 0, buf, 3, &got), 0);
	ck_assert_uint_eq(got, 3);
	ck_assert_int_eq(memcmp(buf, "WIM", 3), 0);
	ck_assert_int_eq(hostfs_ops.list(fs, "", names_cb, names), 0);
	ck_assert_ptr_nonnull(strstr(names, "EFI/;"));
	ck_assert_ptr_nonnull(strstr(names, "bootmgr;"));
	ck_assert_ptr_nonnull(hostfs_ops.local_path);
	ck_assert_int_eq(hostfs_ops.local_path(fs, "SOURCES/boot.wim", &lp), 0);
	ck_assert_str_eq(lp, other);
	free(lp);
	hostfs_ops.free(fs);
	ck_assert_str_eq(logged, "");
	ck_assert_int_eq(fsu_rm_rf(t, NULL), 0);
	free(other);
	free(media);
	free(t);
}
END_TEST

START_TEST(test_loop_and_depth)
{
	char *t = test_tmpdir(), *media = mk(t, "m", 1), *a = mk(media, "a", 1), *link;
	char path[4096] = "", names[256] = "";
	struct hostfs *fs = hostfs_new(&host, "test");
	int i;

	/* a/up is a symbolic link back to the media root: listing it fails */
	link = fsu_join(a, "up");
	ck_assert_int_eq(symlink(media, link), 0);
	ck_assert_int_eq(hostfs_map(fs, "", media), 0);
	logged[0] = 0;
	ck_assert_int_eq(hostfs_ops.list(fs, "a/up", names_cb, names), -PF_EIO);
	ck_assert_ptr_nonnull(strstr(logged, "test: "));
	ck_assert_ptr_nonnull(strstr(logged, "loops back"));
	ck_assert_ptr_null(strchr(strchr(logged, '\n') + 1, '\n'));
	/* 70 levels: listing the deepest fails with one line too */
	ck_assert_int_eq(unlink(link), 0);
	for (i = 0; i < 70; i++) {
		char *d;

		strcat(path, i ? "/d" : "d");
		d = mk(media, path, 1);
		free(d);
	}
	logged[0] = 0;
	ck_assert_int_eq(hostfs_ops.list(fs, path, names_cb, names), -PF_EIO);
	ck_assert_ptr_nonnull(strstr(logged, "deeper than 64 levels"));
	hostfs_ops.free(fs);
	ck_assert_int_eq(fsu_rm_rf(t, NULL), 0);
	free(link);
	free(a);
	free(media);
	free(t);
}
END_TEST

START_TEST(test_srcbase)
{
	struct {
		struct src_base b;
		int mine;
	} *s = NULL;
	const char *none = NULL, *empty = "", *path = "/srv/win";
	void *state = NULL;

	logged[0] = 0;
	ck_assert_int_eq(src_base_open(&host, (const struct pf_args *)&none, "src", sizeof(*s),
				       &state), -PF_EINVAL);
	ck_assert_str_eq(logged, "src: no source path given\n");
	ck_assert_int_eq(src_base_open(&host, (const struct pf_args *)&empty, "src", sizeof(*s),
				       &state), -PF_EINVAL);
	ck_assert_int_eq(src_base_open(&host, (const struct pf_args *)&path, "src", 4, &state),
			 -PF_EINTERNAL);
	ck_assert_int_eq(src_base_open(&host, (const struct pf_args *)&path, "src", sizeof(*s),
				       &state), 0);
	s = state;
	ck_assert_str_eq(s->b.path, "/srv/win");
	ck_assert_ptr_ne(s->b.path, path);
	ck_assert_ptr_eq(s->b.host, &host);
	ck_assert_int_eq(s->mine, 0);
	src_base_close(state);
	src_base_close(NULL);
}
END_TEST

static Suite *suite_hostfs(void)
{
	Suite *s = suite_create("hostfs");
	TCase *tc = tcase_create("hostfs");

	tcase_add_test(tc, test_names_case_insensitive);
	tcase_add_test(tc, test_mapped_tree);
	tcase_add_test(tc, test_loop_and_depth);
	tcase_add_test(tc, test_srcbase);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_hostfs)
