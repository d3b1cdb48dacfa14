/* tests/check_pipeline.c - the pipeline end to end over generated media:
 * recipe -> source "dir" -> staging -> injector "wim" -> outputs, checked
 * with wimlib itself; bad input fails with nothing written. */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>
#include <wimlib.h>

#include "check_common.h"
#include "demo.h"
#include "job.h"
#include "loader.h"
#include "pipeline.h"
#include "util.h"

static char *dir;      /* per test: media/, recipe.lua, out/ */
static char *media;
static struct pf_env env;
static struct pf_registry *reg;

static void setup(void)
{
	struct capture c;
	char *err;

	dir = test_tmpdir();
	media = pf_path_join(dir, "media");
	capture_begin(&c);
	ck_assert_int_eq(wimlib_global_init(WIMLIB_INIT_FLAG_DEFAULT_CASE_INSENSITIVE), 0);
	ck_assert_int_eq(pf_demo_make_media(media), 0);
	memset(&env, 0, sizeof(env));
	env.plugin_dir = strdup(test_env("PF_PLUGINS_BUILT"));
	env.scripts_dir = pf_path_join(test_env("PF_SRCDIR"), "scripts");
	ck_assert_int_eq(pf_registry_new(&reg), 0);
	ck_assert_int_eq(pf_registry_load_dir(reg, env.plugin_dir), 0);
	err = capture_end(&c);
	free(err);
	ck_assert_uint_eq(reg->refused, 0);
	ck_assert_ptr_nonnull(pf_registry_find(reg, PF_SOURCE, "dir"));
}

static void teardown(void)
{
	pf_registry_free(reg);
	pf_env_clear(&env);
	pf_rm_rf(dir);
	free(media);
	free(dir);
	wimlib_global_cleanup();
}

/* Build recipe TEXT into DIR/out; return the code, *ERR gets stderr. */
static int build(const char *text, char **err)
{
	char *recipe = test_write(dir, "recipe.lua", text);
	char *out = pf_path_join(dir, "out");
	struct pf_build_opts o = { .recipe = recipe, .outdir = out };
	struct capture c;
	int ret;

	capture_begin(&c);
	ret = pf_build(&env, reg, &o);
	*err = capture_end(&c);
	free(recipe);
	free(out);
	return ret;
}

/* Number of entries of folder D (0 when absent). */
static int count_entries(const char *d)
{
	DIR *dd = opendir(d);
	struct dirent *de;
	int n = 0;

	if (!dd)
		return 0;
	while ((de = readdir(dd)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(dd);
	return n;
}

static int exists_cb(const struct wimlib_dir_entry *e, void *ctx)
{
	(void)e;
	(void)ctx;
	return 0;
}

/* 1 when PATH exists in image 1 of WIM. */
static int has(WIMStruct *wim, const char *path)
{
	return wimlib_iterate_dir_tree(wim, 1, path, 0, exists_cb, NULL) == 0;
}

/* The bytes of PATH in image 1 of WIM (malloc'd, NUL-terminated). */
static char *wim_file(WIMStruct *wim, const char *path, size_t *len)
{
	char *x = pf_path_join(dir, "x");
	const char *paths[1] = { path };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *f, *data = NULL;

	pf_rm_rf(x);
	ck_assert_int_eq(pf_mkdir_p(x), 0);
	ck_assert_int_eq(wimlib_extract_paths(wim, 1, x, paths, 1,
					      WIMLIB_EXTRACT_FLAG_NO_PRESERVE_DIR_STRUCTURE), 0);
	f = pf_path_join(x, base);
	ck_assert_int_eq(pf_read_file(f, &data, len), 0);
	free(f);
	pf_rm_rf(x);
	free(x);
	return data;
}

/* The source boot.wim's bytes, to prove it is never modified. */
static char *source_bytes(size_t *len)
{
	char *p = pf_path_join(media, "sources/boot.wim"), *d = NULL;

	ck_assert_int_eq(pf_read_file(p, &d, len), 0);
	free(p);
	return d;
}

/* A full recipe: one image, bootable, LZX; start.cmd with CRLF and the
 * winpeshl.ini that launches it; Setup renamed; overlay, files, the
 * answer file on the medium; the source untouched. */
START_TEST(test_pipeline_builds_wim)
{
	char *ov = pf_path_join(dir, "overlay/Program Files/tool");
	char *before, *after, *err, *s, *wimpath;
	size_t blen, alen, n;
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;

	ck_assert_int_eq(pf_mkdir_p(ov), 0);
	free(test_write(ov, "tool.exe", "overlay tool"));
	free(test_write(dir, "host.txt", "from a host file"));
	before = source_bytes(&blen);
	ck_assert_int_eq(build(
		"return { source = 'media', overlay = 'overlay',\n"
		"  start = 'wpeinit\\necho hi\\n',\n"
		"  files = { ['Windows/System32/a.txt'] = 'A\\n',\n"
		"            ['WINDOWS\\\\b.txt'] = { path = 'host.txt' } },\n"
		"  unattend = '<unattend/>',\n"
		"  outputs = { wim = 'boot.wim' } }\n", &err), 0);
	/* unattend goes to a boot medium, and a bare WIM has none: said so */
	ck_assert_ptr_nonnull(strstr(err, "'media', 'unattend' and 'machines' place files on a boot medium"));
	after = source_bytes(&alen);
	ck_assert_uint_eq(blen, alen);
	ck_assert_int_eq(memcmp(before, after, blen), 0);

	wimpath = pf_path_join(dir, "out/boot.wim");
	ck_assert_int_eq(wimlib_open_wim(wimpath, WIMLIB_OPEN_FLAG_CHECK_INTEGRITY, &wim), 0);
	wimlib_get_wim_info(wim, &info);
	ck_assert_int_eq(info.image_count, 1);
	ck_assert_int_eq(info.boot_index, 1);
	ck_assert_int_eq(info.compression_type, WIMLIB_COMPRESSION_TYPE_LZX);
	ck_assert_str_eq(wimlib_get_image_name(wim, 1), "Microsoft Windows Setup (amd64)");
	s = wim_file(wim, "/start.cmd", &n);
	ck_assert_str_eq(s, "wpeinit\r\necho hi\r\n");
	free(s);
	s = wim_file(wim, "/Windows/System32/winpeshl.ini", &n);
	ck_assert_str_eq(s, "[LaunchApps]\r\n%SYSTEMDRIVE%\\start.cmd\r\n");
	free(s);
	ck_assert(!has(wim, "/setup.exe"));
	ck_assert(has(wim, "/setup.exe.orig"));
	ck_assert(!has(wim, "/sources/setup.exe"));
	ck_assert(has(wim, "/sources/setup.exe.orig"));
	s = wim_file(wim, "/Program Files/tool/tool.exe", &n);
	ck_assert_str_eq(s, "overlay tool");
	free(s);
	s = wim_file(wim, "/Windows/System32/a.txt", &n);
	ck_assert_str_eq(s, "A\n");
	free(s);
	/* case-insensitive: WINDOWS/b.txt lands in the existing Windows folder */
	s = wim_file(wim, "/Windows/b.txt", &n);
	ck_assert_str_eq(s, "from a host file");
	free(s);
	ck_assert(!has(wim, "/autounattend.xml")); /* a medium file, not in the image */
	ck_assert(has(wim, "/Windows/System32/startnet.cmd"));
	/* only the output is in the output folder: no temporary left over */
	{
		char *out = pf_path_join(dir, "out");

		ck_assert_int_eq(count_entries(out), 1);
		free(out);
	}
	wimlib_free(wim);
	free(wimpath);
	free(before);
	free(after);
	free(err);
	free(ov);
}
END_TEST

/* keep_setup leaves Setup alone; image = "pe" picks image 1. */
START_TEST(test_pipeline_keep_setup_and_pe_image)
{
	char *err, *wimpath = pf_path_join(dir, "out/pe.wim");
	WIMStruct *wim = NULL;

	ck_assert_int_eq(build("return { source = 'media', keep_setup = true,\n"
			       "  outputs = { wim = 'boot.wim' } }\n", &err), 0);
	free(err);
	{
		char *p = pf_path_join(dir, "out/boot.wim");

		ck_assert_int_eq(wimlib_open_wim(p, 0, &wim), 0);
		ck_assert(has(wim, "/setup.exe"));
		ck_assert(has(wim, "/sources/setup.exe"));
		wimlib_free(wim);
		free(p);
	}
	ck_assert_int_eq(build("return { source = 'media', image = 'pe',\n"
			       "  outputs = { wim = 'pe.wim' } }\n", &err), 0);
	ck_assert_int_eq(wimlib_open_wim(wimpath, 0, &wim), 0);
	ck_assert_str_eq(wimlib_get_image_name(wim, 1), "Microsoft Windows PE (amd64)");
	ck_assert(!has(wim, "/setup.exe"));
	ck_assert(!has(wim, "/start.cmd"));
	wimlib_free(wim);
	free(wimpath);
	free(err);
}
END_TEST

/* Bad input: each case fails with one error line containing the reason and
 * leaves no output file. */
static const struct {
	const char *recipe;
	const char *want;
} bad[] = {
	{ "return { source = 'media', image = 7, outputs = { wim = 'b.wim' } }",
	  "image 7 does not exist (the WIM has 2 images)" },
	{ "return { source = 'media', outputs = { nosuch = 'x' } }",
	  "outputs.nosuch: no such output plugin (loaded output plugins: " },
	{ "return { source = 'media', outputs = { wim = 'missing/b.wim' } }",
	  "does not exist" },
	{ "return { source = 'nothere', outputs = { wim = 'b.wim' } }",
	  "nothere: source: No such file or directory" },
	{ "return { source = 'media', outputs = {} }",
	  "the recipe asks for no output" },
	{ "return { source = 'media', overlay = 'noov', outputs = { wim = 'b.wim' } }",
	  "overlay: " },
	{ "return { source = 'media', files = { x = { path = 'nofile' } }, outputs = { wim = 'b.wim' } }",
	  "nofile: no such file" },
	{ "return { source = 'media', drivers = { 'd' }, outputs = { wim = 'b.wim' } }",
	  "/d: no such folder" },
	{ "return { source = 'media', machines = {}, outputs = { wim = 'b.wim' } }",
	  "recipe key 'machines': expected the table pe.machines{...} returns" },
	{ "return { source = 'media', source_type = 'nosuch', outputs = { wim = 'b.wim' } }",
	  "source_type 'nosuch': no such source plugin (loaded: " },
	{ "return { source = 'media', inplace = true, outputs = { wim = 'b.wim' } }",
	  "inplace = true updates the source WIM itself, so the source must be a bare "
	  "boot.wim (it is dir media)" },
	{ "return { source = 'media/sources', outputs = { wim = 'b.wim' } }",
	  "no sources/boot.wim: not Windows installation media" },
};

/* Each bad recipe: non-zero, one error line with the reason, no output. */
START_TEST(test_pipeline_bad_input)
{
	char *err, *out = pf_path_join(dir, "out");
	int ret = build(bad[_i].recipe, &err);
	const char *e = strstr(err, "error: ");

	ck_assert_int_ne(ret, 0);
	ck_assert_msg(strstr(err, bad[_i].want), "case %d: %s", _i, err);
	ck_assert_msg(e && !strstr(e + 1, "error: "), "case %d: not one error: %s", _i, err);
	ck_assert_int_eq(count_entries(out), 0);
	free(out);
	free(err);
}
END_TEST

/* In-place mode updates a bare boot.wim named as the source by appending:
 * the old bytes stay as they were but for the header, the image count
 * stays, the chosen image becomes the boot image, and the output is made
 * from it. */
START_TEST(test_pipeline_inplace_appends)
{
	char *src = pf_path_join(media, "sources/boot.wim"), *work = pf_path_join(dir, "work.wim");
	char *before = NULL, *after = NULL, *err, *out = pf_path_join(dir, "out/o.wim");
	size_t blen, alen, i, changed = 0;
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;

	ck_assert_int_eq(pf_copy_file(src, work), 0);
	ck_assert_int_eq(pf_read_file(work, &before, &blen), 0);
	ck_assert_int_eq(build("return { source = 'work.wim', inplace = true,\n"
			       "  start = 'wpeinit\\n', outputs = { wim = 'o.wim' } }", &err), 0);
	ck_assert_int_eq(pf_read_file(work, &after, &alen), 0);
	ck_assert_uint_gt(alen, blen);
	for (i = 208; i < blen; i++)
		changed += before[i] != after[i];
	ck_assert_uint_eq(changed, 0); /* appended: nothing but the header rewritten */
	ck_assert_int_eq(wimlib_open_wim(work, 0, &wim), 0);
	wimlib_get_wim_info(wim, &info);
	ck_assert_int_eq(info.image_count, 2);
	ck_assert_int_eq(info.boot_index, 2);
	ck_assert_int_eq(wimlib_iterate_dir_tree(wim, 2, "/start.cmd", 0, exists_cb, NULL), 0);
	wimlib_free(wim);
	ck_assert(pf_is_file(out));
	/* the media's own boot.wim was not touched */
	free(before);
	ck_assert_int_eq(pf_read_file(src, &before, &blen), 0);
	ck_assert_uint_lt(blen, alen);
	free(before);
	free(after);
	free(err);
	free(out);
	free(work);
	free(src);
}
END_TEST

/* A boot.wim compressed with LZMS (which wimboot cannot read) gives an LZX
 * boot.wim. */
START_TEST(test_pipeline_lzms_becomes_lzx)
{
	struct pf_demo_opts o = { .boot_lzms = 1 };
	char *m = pf_path_join(dir, "lzms"), *err, *p = pf_path_join(dir, "out/b.wim");
	WIMStruct *wim = NULL;
	struct wimlib_wim_info info;

	ck_assert_int_eq(pf_demo_make_media_opts(m, &o), 0);
	ck_assert_int_eq(build("return { source = 'lzms', outputs = { wim = 'b.wim' } }", &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "recompressed with LZX"));
	ck_assert_int_eq(wimlib_open_wim(p, WIMLIB_OPEN_FLAG_CHECK_INTEGRITY, &wim), 0);
	wimlib_get_wim_info(wim, &info);
	ck_assert_int_eq(info.compression_type, WIMLIB_COMPRESSION_TYPE_LZX);
	ck_assert_int_eq(wimlib_verify_wim(wim, 0), 0);
	wimlib_free(wim);
	free(err);
	free(p);
	free(m);
}
END_TEST

/* An overlay with a symlink that leaves it is refused; one that stays
 * inside is fine. */
START_TEST(test_pipeline_overlay_symlinks)
{
	char *ov = pf_path_join(dir, "ov/sub"), *l1 = pf_path_join(dir, "ov/sub/inside");
	char *l2 = pf_path_join(dir, "ov/sub/outside"), *err, *out = pf_path_join(dir, "out/b.wim");

	ck_assert_int_eq(pf_mkdir_p(ov), 0);
	free(test_write(ov, "real.txt", "x"));
	ck_assert_int_eq(symlink("real.txt", l1), 0);
	ck_assert_int_eq(build("return { source = 'media', overlay = 'ov', outputs = { wim = 'b.wim' } }",
			       &err), 0);
	free(err);
	ck_assert_int_eq(unlink(out), 0);
	ck_assert_int_eq(symlink("/etc/passwd", l2), 0);
	ck_assert_int_ne(build("return { source = 'media', overlay = 'ov', outputs = { wim = 'b.wim' } }",
			       &err), 0);
	ck_assert_msg(strstr(err, "outside is a symlink pointing outside the overlay (/etc/passwd)"),
		      "%s", err);
	ck_assert(!pf_is_file(out));
	free(err);
	free(out);
	free(l1);
	free(l2);
	free(ov);
}
END_TEST

/* A truncated boot.wim is a clear WIM error, and nothing is written. */
START_TEST(test_pipeline_truncated_wim)
{
	char *wim = pf_path_join(media, "sources/boot.wim"), *err;
	char *out = pf_path_join(dir, "out");

	ck_assert_int_eq(truncate(wim, 300), 0);
	ck_assert_int_ne(build("return { source = 'media', outputs = { wim = 'b.wim' } }", &err), 0);
	ck_assert_msg(strstr(err, "sources/boot.wim: not a usable WIM"), "%s", err);
	ck_assert_int_eq(count_entries(out), 0);
	free(err);
	free(out);
	free(wim);
}
END_TEST

/* A third-party output plugin runs beside the built-in ones, and refused
 * plugins in the same folder do not stop the run. */
START_TEST(test_pipeline_third_party_output)
{
	struct capture c;
	char *err, *data = NULL, *f = pf_path_join(dir, "out/t.txt");
	size_t n;

	capture_begin(&c);
	{
		/* good.so first, so dup.so (same name) is the refused one */
		char *good = pf_asprintf("%s/good.so", test_env("PF_TEST_PLUGINS"));

		ck_assert_int_eq(pf_registry_load_file(reg, good), 0);
		free(good);
	}
	ck_assert_int_eq(pf_registry_load_dir(reg, test_env("PF_TEST_PLUGINS")), 0);
	err = capture_end(&c);
	ck_assert_uint_eq(reg->refused, 5); /* badabi badkind dup good nosym */
	free(err);
	ck_assert_int_eq(build("return { source = 'media', outputs = {\n"
			       "  wim = 'boot.wim', ['test-good'] = { path = 't.txt', text = 'hello' } } }",
			       &err), 0);
	ck_assert_int_eq(pf_read_file(f, &data, &n), 0);
	ck_assert_str_eq(data, "hello");
	free(data);
	free(f);
	free(err);
}
END_TEST

/* A canceled job: progress says -PF_ECANCELED, and shows nothing. */
START_TEST(test_pipeline_job_cancel_progress)
{
	struct pf_job *job = NULL;

	ck_assert_int_eq(pf_job_new(NULL, &job), 0);
	ck_assert_int_eq(pf_host_table.progress(job, "test", 0, 1), 0);
	ck_assert_int_eq(pf_job_canceled(job), 0);
	pf_job_cancel(job);
	ck_assert_int_eq(pf_job_canceled(job), -PF_ECANCELED);
	ck_assert_int_eq(pf_host_table.progress(job, "test", 1, 1), -PF_ECANCELED);
	pf_job_free(job);
}
END_TEST

/* A run canceled before it starts (the signal flag set) stops before the
 * source plugin, with -PF_ECANCELED and one error line, writing nothing. */
START_TEST(test_pipeline_canceled_before_start)
{
	char *err, *out = pf_path_join(dir, "out");

	pf_cancel_requested = 1;
	ck_assert_int_eq(build("return { source = 'media', outputs = { wim = 'boot.wim' } }",
			       &err), -PF_ECANCELED);
	pf_cancel_requested = 0;
	ck_assert_ptr_nonnull(strstr(err, "canceled: stopped before the source plugin 'dir'"));
	ck_assert_int_eq(count_entries(out), 0);
	free(err);
	free(out);
}
END_TEST

/*
 * SIGINT in the middle of a run (sent by the test-cancel output, which runs
 * first): the handler sets the flag, progress returns -PF_ECANCELED to the
 * plugin, the plugin returns it, and the run stops there with that error:
 * the wim output after it never runs.
 */
START_TEST(test_pipeline_signal_cancels_run)
{
	struct capture c;
	char *err, *f = pf_asprintf("%s/cancel.so", test_env("PF_TEST_PLUGINS_MORE"));
	char *wim = pf_path_join(dir, "out/boot.wim");

	capture_begin(&c);
	ck_assert_int_eq(pf_registry_load_file(reg, f), 0);
	free(capture_end(&c));
	pf_cancel_on_signals();
	ck_assert_int_eq(build("return { source = 'media', outputs = {\n"
			       "  wim = 'boot.wim', ['test-cancel'] = {} } }", &err),
			 -PF_ECANCELED);
	ck_assert_int_eq(pf_cancel_requested, 1);
	ck_assert_ptr_nonnull(strstr(err, "test-cancel: warning: progress said: canceled"));
	ck_assert_ptr_null(strstr(err, "did not cancel"));
	ck_assert_int_eq(pf_is_file(wim), 0);
	pf_cancel_requested = 0;
	free(err);
	free(wim);
	free(f);
}
END_TEST

/* An output option the plugin does not declare is one error line with the
 * nearest declared name, before any plugin is opened or anything written;
 * the keys the core adds (recipe_dir) are always allowed. */
START_TEST(test_pipeline_unknown_output_option)
{
	char *err, *out = pf_path_join(dir, "out");

	ck_assert_int_eq(build("return { source = 'media', outputs = {\n"
			       "  wim = { path = 'boot.wim', pth = 'x' } } }", &err), -PF_ERECIPE);
	ck_assert_ptr_nonnull(strstr(err, "outputs.wim: unknown option 'pth' "
				     "(did you mean 'path'?)"));
	ck_assert_ptr_null(strstr(err, "reading source"));
	ck_assert_int_eq(count_entries(out), 0);
	free(err);
	free(out);
}
END_TEST

static Suite *suite_pipeline(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("build");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pipeline_builds_wim);
	tcase_add_test(tc, test_pipeline_keep_setup_and_pe_image);
	tcase_add_loop_test(tc, test_pipeline_bad_input, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_pipeline_truncated_wim);
	tcase_add_test(tc, test_pipeline_inplace_appends);
	tcase_add_test(tc, test_pipeline_overlay_symlinks);
	tcase_add_test(tc, test_pipeline_lzms_becomes_lzx);
	tcase_add_test(tc, test_pipeline_third_party_output);
	tcase_add_test(tc, test_pipeline_job_cancel_progress);
	tcase_add_test(tc, test_pipeline_canceled_before_start);
	tcase_add_test(tc, test_pipeline_signal_cancels_run);
	tcase_add_test(tc, test_pipeline_unknown_output_option);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_pipeline)
