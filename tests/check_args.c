/* tests/check_args.c - a plugin's arguments: the typed readers (arg_uint,
 * arg_enum, arg_path) and the check against the declared options. */
#include "config.h"

#include "check_common.h"
#include "args.h"
#include "util.h"

static const char *const words[] = { "pxelinux", "ipxe", NULL };
static const struct pf_option opts[] = {
	{ .name = "path", .type = PF_OPT_STRING, .help = "the file" },
	{ .name = "noprompt", .type = PF_OPT_BOOL, .dflt = "false", .help = "no prompt" },
	{ .name = "timeout", .type = PF_OPT_UINT, .min = 0, .max = 100,
	  .help = "tenths of a second" },
	{ .name = "loader", .type = PF_OPT_ENUM, .words = words, .help = "the loader" },
	{ .name = "netuse", .type = PF_OPT_TABLE, .help = "a nested table" },
	{ .name = NULL },
};

/* An argument set owned by "r.lua: outputs.x" holding KEY=VALUE pairs. */
static struct pf_args *args_of(const char *const *kv)
{
	struct pf_args *a = pf_args_new("r.lua: outputs.x");

	ck_assert_ptr_nonnull(a);
	for (; kv && kv[0]; kv += 2)
		ck_assert_int_eq(pf_args_set(a, kv[0], kv[1]), 0);
	return a;
}

/* Run F(A) with stderr captured; *ERR gets it. */
#define CAPTURED(err, expr) ({ struct capture c_; int r_; capture_begin(&c_); \
	r_ = (expr); *(err) = capture_end(&c_); r_; })

/* Whole numbers in range; absent gives the default; anything else is one
 * error line naming the key, the range and the declared help. */
START_TEST(test_args_uint)
{
	static const char *const kv[] = { "a", "42", "zero", "0", "neg", "-1", "plus", "+3",
		"text", "soon", "empty", "", "big", "101", "huge", "99999999999999999999999",
		"max", "18446744073709551615", "timeout", "x", NULL };
	struct pf_args *a = args_of(kv);
	uint64_t v = 7;
	char *err;

	ck_assert_int_eq(pf_args_uint(a, "a", 5, 0, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(pf_args_uint(a, "zero", 5, 0, 100, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(pf_args_uint(a, "absent", 5, 1, 100, &v), 0);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(pf_args_uint(a, "max", 0, 0, UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	v = 7;
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "zero", 5, 1, 100, &v)), -PF_ERECIPE);
	ck_assert_str_eq(err, "peforge: error: r.lua: outputs.x.zero = \"0\": expected a "
			 "whole number from 1 to 100\n");
	free(err);
	ck_assert_uint_eq(v, 7); /* written only on success */
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "neg", 5, 0, 100, &v)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "plus", 5, 0, 100, &v)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "text", 5, 0, 100, &v)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "empty", 5, 0, 100, &v)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "big", 5, 0, 100, &v)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "huge", 5, 0, UINT64_MAX, &v)),
			 -PF_ERECIPE);
	free(err);
	ck_assert_uint_eq(v, 7);
	/* with the declarations known, the message carries the help line */
	ck_assert_int_eq(pf_args_check(a, NULL, NULL), 0);
	a->options = opts;
	ck_assert_int_eq(CAPTURED(&err, pf_args_uint(a, "timeout", 5, 0, 100, &v)),
			 -PF_ERECIPE);
	ck_assert_str_eq(err, "peforge: error: r.lua: outputs.x.timeout = \"x\": expected a "
			 "whole number from 0 to 100 (tenths of a second)\n");
	free(err);
	pf_args_free(a);
}
END_TEST

/* One of the words: its index; absent: the default; else the list. */
START_TEST(test_args_enum)
{
	static const char *const kv[] = { "loader", "ipxe", "bad", "grub", "case", "IPXE", NULL };
	struct pf_args *a = args_of(kv);
	int i = -5;
	char *err;

	ck_assert_int_eq(pf_args_enum(a, "loader", words, 0, &i), 0);
	ck_assert_int_eq(i, 1);
	ck_assert_int_eq(pf_args_enum(a, "absent", words, 0, &i), 0);
	ck_assert_int_eq(i, 0);
	i = -5;
	ck_assert_int_eq(CAPTURED(&err, pf_args_enum(a, "bad", words, 0, &i)), -PF_ERECIPE);
	ck_assert_str_eq(err, "peforge: error: r.lua: outputs.x.bad = \"grub\": expected one "
			 "of \"pxelinux\", \"ipxe\"\n");
	free(err);
	ck_assert_int_eq(CAPTURED(&err, pf_args_enum(a, "case", words, 0, &i)), -PF_ERECIPE);
	free(err);
	ck_assert_int_eq(i, -5);
	pf_args_free(a);
}
END_TEST

/* Paths: absolute kept (normalized), relative against recipe_dir, or the
 * current folder without one; absent or empty: NULL. */
START_TEST(test_args_path)
{
	static const char *const kv[] = { "abs", "/srv/./x/../wimboot", "rel", "tools/wimboot",
		"empty", "", "recipe_dir", "/home/me/pe", NULL };
	static const char *const kv2[] = { "rel", "w", NULL };
	struct pf_args *a = args_of(kv), *b = args_of(kv2);
	char *p = (char *)"unset", *cwd = pf_abspath("."), *want;

	ck_assert_int_eq(pf_args_path(a, "abs", &p), 0);
	ck_assert_str_eq(p, "/srv/wimboot");
	free(p);
	ck_assert_int_eq(pf_args_path(a, "rel", &p), 0);
	ck_assert_str_eq(p, "/home/me/pe/tools/wimboot");
	free(p);
	ck_assert_int_eq(pf_args_path(a, "empty", &p), 0);
	ck_assert_ptr_null(p);
	p = (char *)"unset";
	ck_assert_int_eq(pf_args_path(a, "absent", &p), 0);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(pf_args_path(b, "rel", &p), 0);
	want = pf_path_join(cwd, "w");
	ck_assert_str_eq(p, want);
	free(p);
	free(want);
	free(cwd);
	pf_args_free(a);
	pf_args_free(b);
}
END_TEST

/* Declared keys, NAME.* of a table option and the core's keys pass; an
 * unknown key is one error line with the nearest declared name. */
START_TEST(test_args_check)
{
	static const char *const good[] = { "path", "x.iso", "noprompt", "true",
		"netuse.server", "gw", "netuse", "x", "recipe_dir", "/r", NULL };
	static const char *const typo[] = { "path", "x.iso", "noprmpt", "true", NULL };
	static const char *const far[] = { "compression", "lzx", NULL };
	static const char *const notable[] = { "path.x", "1", NULL };
	static const char *const core[] = { "recipe_dir", NULL };
	struct pf_args *a = args_of(good);
	char *err;

	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, opts, core)), 0);
	ck_assert_str_eq(err, "");
	free(err);
	ck_assert_ptr_eq(a->options, opts);
	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, opts, NULL)), -PF_ERECIPE);
	ck_assert_str_eq(err, "peforge: error: r.lua: outputs.x: unknown option 'recipe_dir' "
			 "(see 'peforge help outputs')\n");
	free(err);
	pf_args_free(a);

	a = args_of(typo);
	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, opts, core)), -PF_ERECIPE);
	ck_assert_str_eq(err, "peforge: error: r.lua: outputs.x: unknown option 'noprmpt' "
			 "(did you mean 'noprompt'?)\n");
	free(err);
	/* undeclared options (NULL): nothing is checked */
	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, NULL, core)), 0);
	ck_assert_str_eq(err, "");
	free(err);
	pf_args_free(a);

	a = args_of(far);
	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, opts, core)), -PF_ERECIPE);
	ck_assert_ptr_nonnull(strstr(err, "unknown option 'compression' (see"));
	free(err);
	pf_args_free(a);

	/* only a table option covers NAME.* */
	a = args_of(notable);
	ck_assert_int_eq(CAPTURED(&err, pf_args_check(a, opts, core)), -PF_ERECIPE);
	ck_assert_ptr_nonnull(strstr(err, "unknown option 'path.x'"));
	free(err);
	pf_args_free(a);
	ck_assert_ptr_eq(pf_option_find(opts, "netuse.a.b"), &opts[4]);
	ck_assert_ptr_null(pf_option_find(opts, "netusex"));
	ck_assert_ptr_null(pf_option_find(NULL, "path"));
}
END_TEST

static Suite *suite_args(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_args_uint);
	tcase_add_test(tc, test_args_enum);
	tcase_add_test(tc, test_args_path);
	tcase_add_test(tc, test_args_check);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_args)
