/* tests/check_common.h - helpers shared by the Check suites. */
#ifndef PEFORGE_TESTS_CHECK_COMMON_H
#define PEFORGE_TESTS_CHECK_COMMON_H

#include <check.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run SUITE and exit non-zero when a test failed. */
#define PF_CHECK_MAIN(suite_fn)                                         \
	int main(void)                                                  \
	{                                                               \
		SRunner *sr = srunner_create(suite_fn());               \
		int nf;                                                 \
		srunner_run_all(sr, CK_NORMAL);                         \
		nf = srunner_ntests_failed(sr);                         \
		srunner_free(sr);                                       \
		return nf ? EXIT_FAILURE : EXIT_SUCCESS;                \
	}

/* Capture of stderr into a temporary file. */
struct capture {
	int saved;
	FILE *f;
};

/* Start sending stderr to a temporary file. */
static inline void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->f = tmpfile();
	ck_assert_ptr_nonnull(c->f);
	c->saved = dup(STDERR_FILENO);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_ge(dup2(fileno(c->f), STDERR_FILENO), 0);
}

/* Restore stderr and return what was written (malloc'd). */
static inline char *capture_end(struct capture *c)
{
	long n;
	char *buf;

	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	n = ftell(c->f);
	buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	ck_assert_ptr_nonnull(buf);
	rewind(c->f);
	if (n > 0)
		ck_assert_int_eq(fread(buf, 1, (size_t)n, c->f), n);
	fclose(c->f);
	return buf;
}

/* A new temporary folder (malloc'd). */
static inline char *test_tmpdir(void)
{
	char *t = strdup("/tmp/pf-check.XXXXXX");

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(mkdtemp(t));
	return t;
}

/* Write TEXT to DIR/NAME and return the path (malloc'd). */
static inline char *test_write(const char *dir, const char *name, const char *text)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	ck_assert_ptr_nonnull(p);
	sprintf(p, "%s/%s", dir, name);
	f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
	return p;
}

/* The value of environment variable NAME, failing the test when unset. */
static inline const char *test_env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v && *v, "%s is not set (run through make check)", name);
	return v;
}

#endif
