/* tests/check_loader.c - the plugin loader: accepts good plugins, refuses
 * bad ones with the file and both versions named, never crashes. */
#include "config.h"

#include "check_common.h"
#include "loader.h"
#include "util.h"

/* Path of test plugin NAME.so (malloc'd). */
static char *plugin(const char *name)
{
	char *p = pf_asprintf("%s/%s.so", test_env("PF_TEST_PLUGINS"), name);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* Load FILE into R while capturing stderr; return the code, *ERR the text. */
static int load_captured(struct pf_registry *r, const char *file, char **err)
{
	struct capture c;
	int ret;

	capture_begin(&c);
	ret = pf_registry_load_file(r, file);
	*err = capture_end(&c);
	return ret;
}

/* A well-formed plugin is accepted and found by kind and name. */
START_TEST(test_loader_good_plugin_accepted)
{
	struct pf_registry *r = NULL;
	char *f = plugin("good"), *err;
	const struct pf_loaded *l;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(r->count, 1);
	l = pf_registry_find(r, PF_OUTPUT, "test-good");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->file, f);
	ck_assert_uint_eq(l->desc->abi, PF_PLUGIN_ABI);
	ck_assert_ptr_null(pf_registry_find(r, PF_SOURCE, "test-good"));
	free(err);
	free(f);
	pf_registry_free(r);
}
END_TEST

/* A plugin built for another ABI is refused; the message names the file
 * and both ABI versions. */
START_TEST(test_loader_wrong_abi_refused)
{
	struct pf_registry *r = NULL;
	char *f = plugin("badabi"), *err;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), -PF_EPLUGIN);
	ck_assert_uint_eq(r->count, 0);
	ck_assert_uint_eq(r->refused, 1);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, f));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "plugin ABI 99"));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "has plugin ABI 2"));
	ck_assert_ptr_nonnull(strstr(err, r->last_refusal));
	free(err);
	free(f);
	pf_registry_free(r);
}
END_TEST

/* A plugin built for ABI 1 (before rank and options) is refused with the
 * same message as any other ABI: the file and both versions. */
START_TEST(test_loader_abi1_refused)
{
	struct pf_registry *r = NULL;
	char *f = pf_asprintf("%s/abi1.so", test_env("PF_TEST_PLUGINS_MORE")), *err;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), -PF_EPLUGIN);
	ck_assert_uint_eq(r->count, 0);
	ck_assert_uint_eq(r->refused, 1);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, f));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "refused: plugin ABI 1, this peforge ("));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, ") has plugin ABI 2; rebuild the plugin "
				     "against this peforge"));
	ck_assert_ptr_nonnull(strstr(err, r->last_refusal));
	ck_assert_ptr_null(pf_registry_find(r, PF_OUTPUT, "test-abi1"));
	free(err);
	free(f);
	pf_registry_free(r);
}
END_TEST

/* A second plugin of the same kind and name is refused, naming both files. */
START_TEST(test_loader_duplicate_refused)
{
	struct pf_registry *r = NULL;
	char *good = plugin("good"), *dup = plugin("dup"), *err;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, good, &err), 0);
	free(err);
	ck_assert_int_eq(load_captured(r, dup, &err), -PF_EEXIST);
	ck_assert_uint_eq(r->count, 1);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, dup));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, good));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "duplicate output plugin 'test-good'"));
	/* the first one is still the one in use */
	ck_assert_str_eq(pf_registry_find(r, PF_OUTPUT, "test-good")->file, good);
	free(err);
	free(good);
	free(dup);
	pf_registry_free(r);
}
END_TEST

/* A shared object without the descriptor symbol is refused as not a plugin. */
START_TEST(test_loader_missing_symbol_refused)
{
	struct pf_registry *r = NULL;
	char *f = plugin("nosym"), *err;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), -PF_EPLUGIN);
	ck_assert_uint_eq(r->count, 0);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, f));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "not a peforge plugin"));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "pf_plugin_v1"));
	free(err);
	free(f);
	pf_registry_free(r);
}
END_TEST

/* A file that is not ELF is refused without crashing. */
START_TEST(test_loader_not_elf_refused)
{
	struct pf_registry *r = NULL;
	char *dir = test_tmpdir();
	char *f = test_write(dir, "fake.so", "#!/bin/sh\necho not a plugin\n"), *err;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), -PF_EPLUGIN);
	ck_assert_uint_eq(r->count, 0);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, f));
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "not a loadable shared object"));
	ck_assert_ptr_nonnull(strstr(err, "warning"));
	free(err);
	pf_rm_rf(dir);
	free(f);
	free(dir);
	pf_registry_free(r);
}
END_TEST

/* A descriptor with an unknown kind is refused. */
START_TEST(test_loader_unknown_kind_refused)
{
	struct pf_registry *r = NULL;
	char *f = plugin("badkind"), *err;

	ck_assert_int_eq(pf_registry_new(&r), 0);
	ck_assert_int_eq(load_captured(r, f, &err), -PF_EPLUGIN);
	ck_assert_ptr_nonnull(strstr(r->last_refusal, "unknown plugin kind 42"));
	free(err);
	free(f);
	pf_registry_free(r);
}
END_TEST

/* Scanning a folder loads the good plugins and refuses the others, in name
 * order, without stopping; non-.so files are ignored. */
START_TEST(test_loader_dir_scan_continues)
{
	static const char *const names[] = { "badabi", "good", "nosym", "good2", "dup" };
	struct pf_registry *r = NULL;
	char *dir = test_tmpdir(), *junk, *err;
	struct capture c;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *src = plugin(names[i]);
		char *dst = pf_asprintf("%s/%s.so", dir, names[i]);

		ck_assert_int_eq(pf_copy_file(src, dst), 0);
		free(src);
		free(dst);
	}
	free(test_write(dir, "zz-garbage.so", "garbage"));
	junk = test_write(dir, "README", "not a plugin and not a .so");
	ck_assert_int_eq(pf_registry_new(&r), 0);
	capture_begin(&c);
	ck_assert_int_eq(pf_registry_load_path(r, "::/nonexistent/folder:"), 0);
	ck_assert_int_eq(pf_registry_load_dir(r, dir), 0);
	err = capture_end(&c);
	ck_assert_uint_eq(r->count, 2);
	ck_assert_uint_eq(r->refused, 4);
	ck_assert_ptr_nonnull(pf_registry_find(r, PF_SOURCE, "test-src"));
	/* in name order dup.so comes before good.so, so good.so is the duplicate */
	ck_assert_ptr_nonnull(strstr(err, "good.so: refused: duplicate"));
	ck_assert_ptr_null(strstr(err, "README"));
	free(err);
	free(junk);
	pf_rm_rf(dir);
	free(dir);
	pf_registry_free(r);
}
END_TEST

/* Kind names cover every kind and nothing else. */
START_TEST(test_loader_kind_names)
{
	ck_assert_str_eq(pf_kind_name(PF_SOURCE), "source");
	ck_assert_str_eq(pf_kind_name(PF_INJECTOR), "injector");
	ck_assert_str_eq(pf_kind_name(PF_DRIVERS), "drivers");
	ck_assert_str_eq(pf_kind_name(PF_OUTPUT), "output");
	ck_assert_ptr_null(pf_kind_name(0));
	ck_assert_ptr_null(pf_kind_name(5));
}
END_TEST

static Suite *suite_loader(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("refusals");

	tcase_add_test(tc, test_loader_good_plugin_accepted);
	tcase_add_test(tc, test_loader_wrong_abi_refused);
	tcase_add_test(tc, test_loader_abi1_refused);
	tcase_add_test(tc, test_loader_duplicate_refused);
	tcase_add_test(tc, test_loader_missing_symbol_refused);
	tcase_add_test(tc, test_loader_not_elf_refused);
	tcase_add_test(tc, test_loader_unknown_kind_refused);
	tcase_add_test(tc, test_loader_dir_scan_continues);
	tcase_add_test(tc, test_loader_kind_names);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_loader)
