/* tests/check_cli.c - command-line parsing: commands, options, help forms,
 * and one clear error line for each mistake. */
#include "config.h"

#include "check_common.h"
#include "cli.h"
#include "peforge/plugin.h"

/* Parse the NULL-terminated words; *ERR gets stderr. */
static int parse(struct pf_cli *cli, char **err, const char *first, ...)
{
	char *argv[32];
	int argc = 0, ret;
	struct capture c;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)"peforge";
	va_start(ap, first);
	for (a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	capture_begin(&c);
	ret = pf_cli_parse(argc, argv, cli);
	*err = capture_end(&c);
	return ret;
}

/* build with a recipe, -o in its forms, and several -D. */
START_TEST(test_cli_build_options)
{
	struct pf_cli cli;
	char *err;

	ck_assert_int_eq(parse(&cli, &err, "-q", "build", "r.lua", "-o", "out",
			       "-D", "a=1", "-Db.c=x=y", "--define=k=v", NULL), 0);
	ck_assert_int_eq(cli.cmd, PF_CMD_BUILD);
	ck_assert_str_eq(cli.recipe, "r.lua");
	ck_assert_str_eq(cli.outdir, "out");
	ck_assert(cli.quiet);
	ck_assert_uint_eq(cli.ndefines, 3);
	ck_assert_str_eq(cli.defines[0], "a=1");
	ck_assert_str_eq(cli.defines[1], "b.c=x=y");
	ck_assert_str_eq(cli.defines[2], "k=v");
	pf_cli_free(&cli);
	free(err);
	ck_assert_int_eq(parse(&cli, &err, "build", "--output=o2", "r.lua", "-v", "-v", NULL), 0);
	ck_assert_str_eq(cli.outdir, "o2");
	ck_assert_int_eq(cli.verbose, 2);
	pf_cli_free(&cli);
	free(err);
}
END_TEST

/* Every way of asking for help gives PF_CMD_HELP about the right command. */
START_TEST(test_cli_help_forms)
{
	struct pf_cli cli;
	char *err;

	ck_assert_int_eq(parse(&cli, &err, "--help", NULL), 0);
	ck_assert_int_eq(cli.cmd, PF_CMD_HELP);
	ck_assert_int_eq(cli.help_for, PF_CMD_NONE);
	pf_cli_free(&cli);
	free(err);
	ck_assert_int_eq(parse(&cli, &err, "help", "build", NULL), 0);
	ck_assert_int_eq(cli.help_for, PF_CMD_BUILD);
	pf_cli_free(&cli);
	free(err);
	ck_assert_int_eq(parse(&cli, &err, "plugins", "--help", NULL), 0);
	ck_assert_int_eq(cli.cmd, PF_CMD_HELP);
	ck_assert_int_eq(cli.help_for, PF_CMD_PLUGINS);
	pf_cli_free(&cli);
	free(err);
	ck_assert_int_eq(parse(&cli, &err, "build", "-h", NULL), 0);
	ck_assert_int_eq(cli.help_for, PF_CMD_BUILD);
	pf_cli_free(&cli);
	free(err);
	ck_assert_ptr_nonnull(strstr(pf_cli_help(PF_CMD_BUILD), "-D key=value"));
	ck_assert_ptr_nonnull(strstr(pf_cli_help(PF_CMD_PLUGINS), "--json"));
	ck_assert_ptr_nonnull(strstr(pf_cli_help(PF_CMD_DEMO), "OUTDIR"));
	ck_assert_ptr_nonnull(strstr(pf_cli_help(PF_CMD_NONE), "build RECIPE.lua"));
}
END_TEST

/* --version and plugins --json. */
START_TEST(test_cli_version_and_plugins)
{
	struct pf_cli cli;
	char *err;

	ck_assert_int_eq(parse(&cli, &err, "--version", NULL), 0);
	ck_assert_int_eq(cli.cmd, PF_CMD_VERSION);
	pf_cli_free(&cli);
	free(err);
	ck_assert_int_eq(parse(&cli, &err, "plugins", "--json", NULL), 0);
	ck_assert_int_eq(cli.cmd, PF_CMD_PLUGINS);
	ck_assert(cli.json);
	pf_cli_free(&cli);
	free(err);
}
END_TEST

/* Table of mistakes: each fails with -PF_EUSAGE and one line saying what. */
static const struct {
	const char *a, *b, *c;
	const char *want;
} bad[] = {
	{ "frobnicate", NULL, NULL, "unknown command 'frobnicate'" },
	{ "build", NULL, NULL, "build: missing RECIPE.lua" },
	{ "build", "r.lua", "extra", "unexpected argument 'extra'" },
	{ "build", "r.lua", "-D", "-D wants key=value, got 'nothing'" },
	{ "build", "r.lua", "-Dnovalue", "-D wants key=value, got 'novalue'" },
	{ "build", "-o", NULL, "missing folder after '-o'" },
	{ "plugins", "-o", "x", "unknown option for this command: '-o'" },
	{ "demo", "--json", NULL, "unknown option for this command: '--json'" },
	{ "--bogus", NULL, NULL, "unknown option '--bogus'" },
	{ "help", "nosuch", NULL, "no help for unknown command 'nosuch'" },
};

/* Each usage mistake is one error line naming the offending word. */
START_TEST(test_cli_usage_errors)
{
	struct pf_cli cli;
	char *err;

	ck_assert_int_eq(parse(&cli, &err, bad[_i].a, bad[_i].b, bad[_i].c, NULL),
			 -PF_EUSAGE);
	ck_assert_msg(strstr(err, bad[_i].want), "case %d: %s", _i, err);
	ck_assert_ptr_eq(strchr(err, '\n'), err + strlen(err) - 1);
	pf_cli_free(&cli);
	free(err);
}
END_TEST

static Suite *suite_cli(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_cli_build_options);
	tcase_add_test(tc, test_cli_help_forms);
	tcase_add_test(tc, test_cli_version_and_plugins);
	tcase_add_loop_test(tc, test_cli_usage_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_cli)
