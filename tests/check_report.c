/* tests/check_report.c - build --json and --dry-run: SHA-256 and where an
 * output writes. */
#include "config.h"

#include <string.h>

#include "check_common.h"
#include "args.h"
#include "report.h"
#include "sha256.h"

/* The FIPS 180-4 / NIST example vectors, fed whole and byte by byte. */
START_TEST(test_report_sha256_vectors)
{
	static const char *const cases[][2] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	struct pf_sha256 c;
	char hex[65];
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pf_sha256_init(&c);
		pf_sha256_update(&c, cases[i][0], strlen(cases[i][0]));
		pf_sha256_hex(&c, hex);
		ck_assert_str_eq(hex, cases[i][1]);
		pf_sha256_init(&c);
		for (j = 0; j < strlen(cases[i][0]); j++)
			pf_sha256_update(&c, cases[i][0] + j, 1);
		pf_sha256_hex(&c, hex);
		ck_assert_str_eq(hex, cases[i][1]);
	}
}
END_TEST

/* One million 'a' (the long NIST vector), in uneven pieces. */
START_TEST(test_report_sha256_million)
{
	static char buf[1000];
	struct pf_sha256 c;
	char hex[65];
	size_t done = 0, step = 1;

	memset(buf, 'a', sizeof(buf));
	pf_sha256_init(&c);
	while (done < 1000000) {
		size_t n = step < 1000000 - done ? step : 1000000 - done;

		pf_sha256_update(&c, buf, n);
		done += n;
		step = step * 7 % 997 + 1;
	}
	pf_sha256_hex(&c, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Where an output writes: path, dir, the declared default, the alias. */
START_TEST(test_report_output_path)
{
	static const struct pf_option file_opts[] = {
		{ .name = "path", .type = PF_OPT_STRING, .dflt = "required" }, { .name = NULL } };
	static const struct pf_option dir_opts[] = {
		{ .name = "dir", .type = PF_OPT_STRING, .dflt = "tftpboot" },
		{ .name = "path", .type = PF_OPT_STRING }, { .name = NULL } };
	static const struct pf_option share_opts[] = {
		{ .name = "dir", .type = PF_OPT_STRING, .dflt = "samba" },
		{ .name = "path", .type = PF_OPT_STRING, .dflt = "required" }, { .name = NULL } };
	struct pf_plugin file = { .name = "iso", .options = file_opts };
	struct pf_plugin dir = { .name = "pxe", .options = dir_opts };
	struct pf_plugin share = { .name = "samba", .options = share_opts };
	struct pf_args *a = pf_args_new("t");
	char *p;
	int is_dir;

	ck_assert_ptr_null(pf_report_output_path(&file, a, "/o", &is_dir));
	ck_assert_int_eq(is_dir, 0);
	p = pf_report_output_path(&dir, a, "/o", &is_dir);
	ck_assert_str_eq(p, "/o/tftpboot");
	ck_assert_int_eq(is_dir, 1);
	free(p);
	ck_assert_int_eq(pf_args_set(a, "path", "/srv/reminst"), 0);
	p = pf_report_output_path(&share, a, "/o", &is_dir);
	ck_assert_str_eq(p, "/o/samba"); /* samba's path is the server's */
	free(p);
	p = pf_report_output_path(&dir, a, "/o", &is_dir);
	ck_assert_str_eq(p, "/srv/reminst"); /* pxe's path is its dir */
	free(p);
	p = pf_report_output_path(&file, a, "/o", &is_dir);
	ck_assert_str_eq(p, "/srv/reminst");
	free(p);
	ck_assert_int_eq(pf_args_set(a, "dir", "t"), 0);
	p = pf_report_output_path(&dir, a, "/o", &is_dir);
	ck_assert_str_eq(p, "/o/t");
	free(p);
	pf_args_free(a);
}
END_TEST

static Suite *suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_report_sha256_vectors);
	tcase_add_test(tc, test_report_sha256_million);
	tcase_add_test(tc, test_report_output_path);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_report)
