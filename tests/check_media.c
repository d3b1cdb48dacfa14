/* tests/check_media.c - the media facts and the case-insensitive media tree:
 * boot files, boot.wim images, install editions, the default image, what
 * each platform misses, and the bad-media errors, over every folder layout
 * (dir, adk copype, WAIK supplement, bare WIM). */
#include "config.h"

#include <sys/stat.h>
#include <wimlib.h>

#include "args.h"
#include "check_common.h"
#include "demo.h"
#include "job.h"
#include "loader.h"
#include "media.h"
#include "util.h"

static char *dir;
static struct pf_registry *reg;

static void setup(void)
{
	struct capture c;
	char *err;

	dir = test_tmpdir();
	ck_assert_int_eq(wimlib_global_init(0), 0);
	ck_assert_int_eq(pf_registry_new(&reg), 0);
	capture_begin(&c);
	ck_assert_int_eq(pf_registry_load_dir(reg, test_env("PF_PLUGINS_BUILT")), 0);
	err = capture_end(&c);
	free(err);
}

static void teardown(void)
{
	pf_registry_free(reg);
	pf_rm_rf(dir);
	free(dir);
	wimlib_global_cleanup();
}

/* Make fixture media NAME under the test folder with OPTS; returns its path. */
static char *media(const char *name, const struct pf_demo_opts *opts)
{
	char *p = pf_path_join(dir, name);

	ck_assert_int_eq(pf_demo_make_media_opts(p, opts), 0);
	return p;
}

/* Open PATH with source plugin NAME into a new job (*JOB); returns run's code. */
static int open_source(const char *plugin, const char *path, struct pf_job **job,
		       void **state, const struct pf_plugin **desc)
{
	const struct pf_loaded *l = pf_registry_find(reg, PF_SOURCE, plugin);
	struct pf_args *a = pf_args_new("source");
	int ret;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(pf_args_set(a, "path", path), 0);
	ck_assert_int_eq(l->desc->open(&pf_host_table, a, state), 0);
	ck_assert_int_eq(pf_job_new(NULL, job), 0);
	ret = l->desc->run(*state, *job);
	*desc = l->desc;
	pf_args_free(a); /* plugins keep no pointer past run for path */
	return ret;
}

/* Read the facts of PATH with PLUGIN; *ERR gets stderr.  Returns the code. */
static int facts_of(const char *plugin, const char *path,
		    struct pf_media_facts **f, char **err)
{
	const struct pf_plugin *d;
	struct pf_job *job = NULL;
	void *state = NULL;
	struct capture c;
	int ret;

	capture_begin(&c);
	ret = open_source(plugin, path, &job, &state, &d);
	if (!ret)
		ret = pf_media_facts_read(job, 0, f);
	*err = capture_end(&c);
	d->close(state);
	pf_job_free(job);
	return ret;
}

/* The boot-file entry for PATH in F (fails when not listed). */
static const struct pf_bootfile *bootfile(const struct pf_media_facts *f, const char *path)
{
	size_t i;

	for (i = 0; i < f->nboot; i++)
		if (!strcmp(f->boot[i].path, path))
			return &f->boot[i];
	ck_abort_msg("boot file %s not listed", path);
	return NULL;
}

/* Names are found whatever their case: BOOT/BCD, boot/bcd, Boot/Bcd. */
START_TEST(test_media_case_insensitive_lookup)
{
	struct pf_demo_opts o = { .upper_case = 1 };
	char *m = media("upper", &o);
	const struct pf_plugin *d;
	struct pf_job *job = NULL;
	void *state = NULL;
	struct pf_stat st;
	char buf[64];
	size_t got = 0;

	ck_assert_int_eq(open_source("dir", m, &job, &state, &d), 0);
	ck_assert_int_eq(pf_host_table.media_stat(job, "boot/bcd", &st), 0);
	ck_assert_int_eq(pf_host_table.media_stat(job, "Boot/Bcd", &st), 0);
	ck_assert_int_eq(pf_host_table.media_stat(job, "BOOT/BCD", &st), 0);
	ck_assert(!st.is_dir);
	ck_assert_int_eq(pf_host_table.media_stat(job, "Sources", &st), 0);
	ck_assert(st.is_dir);
	ck_assert_int_eq(pf_host_table.media_stat(job, "boot/nothere", &st), -PF_ENOENT);
	ck_assert_int_eq(pf_host_table.media_stat(job, "../etc", &st), -PF_EINVAL);
	ck_assert_int_eq(pf_host_table.media_read(job, "BootMgr", 0, buf, 11, &got), 0);
	ck_assert_uint_eq(got, 11);
	ck_assert_int_eq(memcmp(buf, "peforge dem", 11), 0);
	/* reading past the end gives a short count */
	ck_assert_int_eq(pf_host_table.media_read(job, "bootmgr", 50, buf, 64, &got), 0);
	ck_assert_uint_eq(got, 58 - 50); /* the stand-in bootmgr has 58 bytes */
	d->close(state);
	pf_job_free(job);
	free(m);
}
END_TEST

/* Full media: every boot file found with its size, both boot.wim images,
 * the Setup image as the default, install.wim editions with their IDs and
 * versions, nothing missing. */
START_TEST(test_media_facts_full_media)
{
	struct pf_demo_opts o = { .install = "wim" };
	char *m = media("full", &o), *err;
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(facts_of("dir", m, &f, &err), 0);
	ck_assert_str_eq(f->layout, "dir");
	ck_assert_str_eq(f->arch, "amd64");
	ck_assert(bootfile(f, "bootmgr")->found);
	ck_assert_uint_gt(bootfile(f, "boot/etfsboot.com")->size, 0);
	ck_assert(bootfile(f, "efi/boot/bootx64.efi")->found);
	ck_assert(bootfile(f, "efi/microsoft/boot/efisys_noprompt.bin")->found);
	ck_assert_uint_eq(f->nmissing_bios, 0);
	ck_assert_uint_eq(f->nmissing_uefi, 0);
	ck_assert_uint_eq(f->boot_wim.nimages, 2);
	ck_assert_str_eq(f->boot_wim.images[1].name, "Microsoft Windows Setup (amd64)");
	ck_assert(f->boot_wim.images[1].bootable);
	ck_assert(!f->boot_wim.images[0].bootable);
	ck_assert_int_eq(f->default_image, 2);
	ck_assert_str_eq(f->boot_wim.compression, "LZX");
	ck_assert_str_eq(f->install.kind, "wim");
	ck_assert_uint_eq(f->install.nimages, 2);
	ck_assert_str_eq(f->install.images[1].name, "Windows 11 Pro");
	ck_assert_str_eq(f->install.images[1].edition_id, "Professional");
	ck_assert_str_eq(f->install.images[1].version, "10.0.26100");
	ck_assert_str_eq(f->install.images[0].arch, "amd64");
	pf_media_facts_free(f);
	free(err);
	free(m);
}
END_TEST

/* install.esd (LZMS solid) and split install.swm are read too; a split WIM
 * reports its parts and the size of all of them. */
START_TEST(test_media_facts_esd_and_swm)
{
	struct pf_demo_opts esd = { .install = "esd" }, swm = { .install = "swm", .arch = "x86" };
	char *m1 = media("esd", &esd), *m2 = media("swm", &swm), *err;
	struct pf_media_facts *f = NULL;
	struct stat st;
	char *p1;

	ck_assert_int_eq(facts_of("dir", m1, &f, &err), 0);
	ck_assert_str_eq(f->install.kind, "esd");
	ck_assert_str_eq(f->install.compression, "LZMS");
	ck_assert_str_eq(f->install.images[0].edition_id, "Core");
	pf_media_facts_free(f);
	free(err);
	ck_assert_int_eq(facts_of("dir", m2, &f, &err), 0);
	ck_assert_str_eq(f->install.kind, "swm");
	ck_assert_int_ge(f->install.parts, 2);
	p1 = pf_path_join(m2, "sources/install.swm");
	ck_assert_int_eq(stat(p1, &st), 0);
	ck_assert_uint_gt(f->install.size, (uint64_t)st.st_size);
	ck_assert_str_eq(f->arch, "x86");
	ck_assert(bootfile(f, "efi/boot/bootia32.efi")->found);
	pf_media_facts_free(f);
	free(p1);
	free(err);
	free(m1);
	free(m2);
}
END_TEST

/* A one-image boot.wim: that image is the default. */
START_TEST(test_media_facts_one_image_default)
{
	struct pf_demo_opts o = { .one_image = 1, .arch = "arm64" };
	char *m = media("one", &o), *err;
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(facts_of("dir", m, &f, &err), 0);
	ck_assert_int_eq(f->default_image, 1);
	ck_assert_str_eq(f->arch, "arm64");
	ck_assert(bootfile(f, "efi/boot/bootaa64.efi")->found);
	ck_assert_ptr_null(f->install.path);
	pf_media_facts_free(f);
	free(err);
	free(m);
}
END_TEST

/* A bare boot.wim: layout wim, every required boot file missing for both
 * platforms, images still read. */
START_TEST(test_media_facts_bare_wim)
{
	char *m = media("bare", NULL), *wim = pf_path_join(m, "sources/boot.wim"), *err;
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(facts_of("wim", wim, &f, &err), 0);
	ck_assert_str_eq(f->layout, "wim");
	ck_assert_uint_eq(f->boot_wim.nimages, 2);
	ck_assert_uint_eq(f->nmissing_bios, 4);
	ck_assert_uint_eq(f->nmissing_uefi, 4);
	ck_assert(!bootfile(f, "bootmgr")->found);
	pf_media_facts_free(f);
	free(err);
	free(wim);
	free(m);
}
END_TEST

/* An ADK copype folder: fwfiles/ etfsboot.com and efisys.bin appear at
 * their places on Windows media; media/'s mixed-case names resolve. */
START_TEST(test_media_facts_adk_copype)
{
	char *m = media("src", NULL), *adk = pf_path_join(dir, "adk"), *err;
	char *cmd = pf_asprintf(
		"set -e; cd '%s'; mkdir -p fwfiles mount; mv '%s' media; "
		"mv media/boot media/Boot; mv media/Boot/etfsboot.com fwfiles/; "
		"mv media/efi media/EFI; mv media/EFI/microsoft/boot/efisys.bin fwfiles/",
		adk, m);
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(pf_mkdir_p(adk), 0);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(facts_of("adk", adk, &f, &err), 0);
	ck_assert_str_eq(f->layout, "adk");
	ck_assert(bootfile(f, "boot/etfsboot.com")->found);
	ck_assert(bootfile(f, "efi/microsoft/boot/efisys.bin")->found);
	ck_assert(bootfile(f, "boot/bcd")->found);
	ck_assert_uint_eq(f->nmissing_bios, 0);
	ck_assert_uint_eq(f->nmissing_uefi, 0);
	pf_media_facts_free(f);
	free(err);
	free(cmd);
	free(adk);
	free(m);
}
END_TEST

/* A WAIK supplement: ARCH/winpe.wim is sources/boot.wim, ARCH/boot/ the
 * BIOS files; no UEFI files, so UEFI boot is reported missing. */
START_TEST(test_media_facts_waik_supplement)
{
	char *m = media("src", NULL), *w = pf_path_join(dir, "waik"), *err;
	char *cmd = pf_asprintf(
		"set -e; mkdir -p '%s/amd64/boot'; cp '%s/sources/boot.wim' '%s/amd64/winpe.wim'; "
		"cp '%s/bootmgr' '%s/amd64/'; cp '%s'/boot/* '%s/amd64/boot/'",
		w, m, w, m, w, m, w);
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(facts_of("adk", w, &f, &err), 0);
	ck_assert_str_eq(f->layout, "waik");
	ck_assert_uint_eq(f->nmissing_bios, 0);
	ck_assert_uint_eq(f->nmissing_uefi, 3);
	ck_assert_str_eq(f->missing_uefi[0], "efi/boot/bootx64.efi");
	pf_media_facts_free(f);
	free(err);
	free(cmd);
	free(w);
	free(m);
}
END_TEST

/* Bad media: one error line each, with what and why. */
START_TEST(test_media_facts_bad_media)
{
	struct pf_demo_opts mixed = { .install = "wim", .install_arch = "x86" };
	char *m1 = media("mixed", &mixed), *m2 = media("nowim", NULL);
	char *m3 = media("corrupt", NULL), *m4 = pf_path_join(dir, "kit"), *err, *p;
	struct pf_media_facts *f = NULL;

	ck_assert_int_eq(facts_of("dir", m1, &f, &err), -PF_EMEDIA);
	ck_assert_msg(strstr(err, "mixed architectures: sources/install.wim image 1 is x86 "
			     "but sources/boot.wim is amd64"), "%s", err);
	free(err);

	p = pf_path_join(m2, "sources/boot.wim");
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	ck_assert_int_eq(facts_of("dir", m2, &f, &err), -PF_EMEDIA);
	ck_assert_ptr_nonnull(strstr(err, "no sources/boot.wim: not Windows installation media"));
	free(err);

	p = pf_path_join(m3, "sources/boot.wim");
	ck_assert_int_eq(truncate(p, 1000), 0); /* header intact, the rest cut */
	ck_assert_int_eq(facts_of("dir", m3, &f, &err), -PF_EMEDIA);
	ck_assert_msg(strstr(err, "sources/boot.wim: not a usable WIM: "), "%s", err);
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	free(err);
	free(p);

	ck_assert_int_eq(pf_mkdir_p(m4), 0);
	free(test_write(m4, "wAIKAMD64.msi", "cabinet"));
	ck_assert_int_eq(facts_of("adk", m4, &f, &err), -PF_EMEDIA);
	ck_assert_ptr_nonnull(strstr(err, "WAIK installer kits (.msi/.cab cabinets) are not supported"));
	free(err);
	free(m1);
	free(m2);
	free(m3);
	free(m4);
}
END_TEST

/* The probes choose the right plugin from the path. */
/* The default image's language becomes the fact langid (drivers pick
 * [Strings.LLLL] by it); a tag peforge does not know sets none. */
START_TEST(test_media_language_fact)
{
	char *m = media("lang", &(struct pf_demo_opts){ 0 }), *err, *wim;
	struct pf_media_facts *f = NULL;
	struct pf_job *job = NULL;
	WIMStruct *w = NULL;

	wim = pf_path_join(m, "sources/boot.wim");
	ck_assert_int_eq(wimlib_open_wim(wim, WIMLIB_OPEN_FLAG_WRITE_ACCESS, &w), 0);
	ck_assert_int_eq(wimlib_set_image_property(w, 2, "WINDOWS/LANGUAGES/DEFAULT",
						   "de-DE"), 0);
	ck_assert_int_eq(wimlib_overwrite(w, 0, 0), 0);
	wimlib_free(w);
	ck_assert_int_eq(facts_of("dir", m, &f, &err), 0);
	ck_assert_str_eq(f->boot_wim.images[1].language, "de-DE");
	ck_assert_int_eq(pf_job_new(NULL, &job), 0);
	ck_assert_int_eq(pf_media_facts_export(job, f), 0);
	ck_assert_str_eq(pf_host_table.job_fact(job, PF_FACT_LANGID), "0407");
	pf_job_free(job);
	ck_assert_uint_eq(pf_langid_of("EN-us"), 0x0409);
	ck_assert_uint_eq(pf_langid_of("xx-YY"), 0);
	ck_assert_uint_eq(pf_langid_of(NULL), 0);
	pf_media_facts_free(f);
	free(err);
	free(wim);
	free(m);
}
END_TEST

START_TEST(test_media_probe_choice)
{
	char *m = media("p", NULL), *wim = pf_path_join(m, "sources/boot.wim");
	const struct pf_plugin *dirp = pf_registry_find(reg, PF_SOURCE, "dir")->desc;
	const struct pf_plugin *wimp = pf_registry_find(reg, PF_SOURCE, "wim")->desc;
	const struct pf_plugin *adkp = pf_registry_find(reg, PF_SOURCE, "adk")->desc;

	ck_assert_int_gt(dirp->probe(&pf_host_table, m), adkp->probe(&pf_host_table, m));
	ck_assert_int_eq(dirp->probe(&pf_host_table, wim), 0);
	ck_assert_int_gt(wimp->probe(&pf_host_table, wim), 0);
	ck_assert_int_eq(wimp->probe(&pf_host_table, m), 0);
	free(wim);
	free(m);
}
END_TEST

static Suite *suite_media(void)
{
	Suite *s = suite_create("media");
	TCase *tc = tcase_create("facts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_media_case_insensitive_lookup);
	tcase_add_test(tc, test_media_facts_full_media);
	tcase_add_test(tc, test_media_facts_esd_and_swm);
	tcase_add_test(tc, test_media_facts_one_image_default);
	tcase_add_test(tc, test_media_facts_bare_wim);
	tcase_add_test(tc, test_media_facts_adk_copype);
	tcase_add_test(tc, test_media_facts_waik_supplement);
	tcase_add_test(tc, test_media_facts_bad_media);
	tcase_add_test(tc, test_media_probe_choice);
	tcase_add_test(tc, test_media_language_fact);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_media)
