/* tests/check_util.c - path, text and file helpers, and error messages. */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>

#include "check_common.h"
#include "error.h"
#include "pipeline.h"
#include "util.h"

/* Lexical normalization of absolute paths. */
START_TEST(test_util_abspath_normalizes)
{
	static const char *const cases[][2] = {
		{ "/a/b/../c", "/a/c" }, { "/a//b/./c/", "/a/b/c" },
		{ "/..", "/" }, { "/", "/" }, { "/a/b/../../..", "/" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = pf_abspath(cases[i][0]);

		ck_assert_str_eq(p, cases[i][1]);
		free(p);
	}
}
END_TEST

/* Joining keeps one separator and absolute right-hand sides. */
START_TEST(test_util_path_join)
{
	char *p = pf_path_join("/a/", "b");

	ck_assert_str_eq(p, "/a/b");
	free(p);
	p = pf_path_join("/a", "/abs");
	ck_assert_str_eq(p, "/abs");
	free(p);
	p = pf_dirname("/x/y/z.lua");
	ck_assert_str_eq(p, "/x/y");
	free(p);
	p = pf_dirname("z.lua");
	ck_assert_str_eq(p, ".");
	free(p);
}
END_TEST

/* CRLF conversion: lone LF become CRLF, CRLF stay, nothing else changes. */
START_TEST(test_util_text_crlf)
{
	size_t n;
	char *s = pf_text_crlf("a\nb\r\n\nc", 7, &n);

	ck_assert_str_eq(s, "a\r\nb\r\n\r\nc");
	ck_assert_uint_eq(n, 9);
	free(s);
	s = pf_text_crlf("", 0, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
}
END_TEST

/* Atomic writes leave the file whole and no temporary behind; a write into
 * a missing folder fails and creates nothing. */
START_TEST(test_util_write_atomic)
{
	char *dir = test_tmpdir(), *f = pf_path_join(dir, "out.txt"), *data = NULL;
	char *missing = pf_path_join(dir, "nope/out.txt");
	struct capture c;
	size_t len;
	DIR *d;
	struct dirent *de;
	int n = 0;
	char *err;

	ck_assert_int_eq(pf_write_file_atomic(f, "old", 3), 0);
	ck_assert_int_eq(pf_write_file_atomic(f, "new text", 8), 0);
	ck_assert_int_eq(pf_read_file(f, &data, &len), 0);
	ck_assert_str_eq(data, "new text");
	d = opendir(dir);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(n, 1);
	capture_begin(&c);
	ck_assert_int_eq(pf_write_file_atomic(missing, "x", 1), -PF_ENOENT);
	err = capture_end(&c);
	ck_assert_ptr_nonnull(strstr(err, missing));
	ck_assert(!pf_is_file(missing));
	free(err);
	free(data);
	pf_rm_rf(dir);
	free(missing);
	free(f);
	free(dir);
}
END_TEST

/* JSON strings escape quotes, backslashes and control characters. */
START_TEST(test_util_json_string)
{
	char buf[128] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	pf_json_string(f, "a\"b\\c\nd\x01" "é");
	fclose(f);
	ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\nd\\u0001é\"");
}
END_TEST

/* Every error code has its own message and name; unknown codes do not crash. */
START_TEST(test_util_error_table)
{
	int i;

	for (i = 1; i < PF_ERROR_MAX; i++) {
		ck_assert_str_ne(pf_strerror(-i), "unknown error");
		ck_assert_str_ne(pf_strerror_name(i), "PF_E?");
		ck_assert_str_eq(pf_strerror(i), pf_strerror(-i));
	}
	ck_assert_str_eq(pf_strerror(PF_ERROR_MAX), "unknown error");
	ck_assert_str_eq(pf_strerror(-1000), "unknown error");
	ck_assert_str_eq(pf_strerror_name(-PF_ENOENT), "PF_ENOENT");
}
END_TEST

/* rm -rf removes a nested tree and accepts a missing path. */
START_TEST(test_util_rm_rf)
{
	char *dir = test_tmpdir(), *sub = pf_path_join(dir, "a/b/c");

	ck_assert_int_eq(pf_mkdir_p(sub), 0);
	free(test_write(sub, "f", "x"));
	ck_assert_int_eq(pf_rm_rf(dir), 0);
	ck_assert(!pf_is_dir(dir));
	ck_assert_int_eq(pf_rm_rf(dir), 0);
	free(sub);
	free(dir);
}
END_TEST

static Suite *suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("helpers");

	tcase_add_test(tc, test_util_abspath_normalizes);
	tcase_add_test(tc, test_util_path_join);
	tcase_add_test(tc, test_util_text_crlf);
	tcase_add_test(tc, test_util_write_atomic);
	tcase_add_test(tc, test_util_json_string);
	tcase_add_test(tc, test_util_error_table);
	tcase_add_test(tc, test_util_rm_rf);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_util)
