/* core/main.c - the peforge command line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wimlib.h>
#include <libxml/parser.h>

#include "cli.h"
#include "demo.h"
#include "error.h"
#include "help.h"
#include "help_plugins.h"
#include "loader.h"
#include "mkwinpeimg.h"
#include "unattend_cmd.h"
#include "log.h"
#include "lualimit.h"
#include "job.h"
#include "pipeline.h"
#include "serve.h"
#include "machines.h"
#include "util.h"

/* `peforge plugins [--json]`: what was loaded, from where; VERBOSE: with
 * each plugin's options. */
static int cmd_plugins(const struct pf_registry *r, int json, int verbose)
{
	size_t i;

	if (json) {
		printf("{\"abi\":%u,\"plugins\":[", (unsigned)PF_PLUGIN_ABI);
		for (i = 0; i < r->count; i++) {
			const struct pf_plugin *d = r->items[i].desc;

			printf("%s{\"name\":", i ? "," : "");
			pf_json_string(stdout, d->name);
			printf(",\"kind\":\"%s\",\"abi\":%u,\"file\":",
			       pf_kind_name((int)d->kind), (unsigned)d->abi);
			pf_json_string(stdout, r->items[i].file);
			printf(",\"summary\":");
			pf_json_string(stdout, d->summary ? d->summary : "");
			printf("}");
		}
		printf("],\"refused\":%u}\n", r->refused);
		return 0;
	}
	printf("%-12s %-9s %-4s %s\n", "NAME", "KIND", "ABI", "FILE");
	for (i = 0; i < r->count; i++) {
		const struct pf_plugin *d = r->items[i].desc;

		printf("%-12s %-9s %-4u %s\n", d->name, pf_kind_name((int)d->kind),
		       (unsigned)d->abi, r->items[i].file);
		if (d->summary && *d->summary)
			printf("%-12s %s\n", "", d->summary);
		if (verbose)
			pf_help_print_options(stdout, d, "               ");
	}
	if (r->count == 0)
		printf("(no plugins found; set PEFORGE_PLUGIN_PATH or install peforge)\n");
	return 0;
}

/*
 * `peforge demo [-o OUTDIR]`: make stand-in media in OUTDIR/media (kept
 * for the next run), copy the demo recipe to OUTDIR/demo.lua and build it
 * into OUTDIR/out.
 */
static int cmd_demo(const struct pf_env *env, struct pf_registry *r,
		    const char *outdir, int no_wait)
{
	char *dir = pf_abspath(outdir ? outdir : "peforge-demo");
	char *media = NULL, *wim = NULL, *src = NULL, *recipe = NULL, *out = NULL;
	char *text = NULL;
	size_t len;
	struct pf_build_opts o = { 0 };
	int ret = -PF_ENOMEM;

	if (!dir)
		goto out;
	media = pf_path_join(dir, "media");
	wim = pf_path_join(dir, "media/sources/boot.wim");
	src = pf_path_join(env->scripts_dir, "recipes/demo.lua");
	recipe = pf_path_join(dir, "demo.lua");
	out = pf_path_join(dir, "out");
	if (!media || !wim || !src || !recipe || !out)
		goto out;
	ret = pf_mkdir_p(dir);
	if (ret)
		goto out;
	if (pf_is_file(wim)) {
		pf_info("using the demo media made before in %s", media);
	} else {
		pf_info("making demo media in %s", media);
		ret = pf_demo_make_media(media);
		if (ret)
			goto out;
	}
	ret = pf_read_file(src, &text, &len);
	if (ret)
		goto out;
	ret = pf_write_file_atomic(recipe, text, len);
	if (ret)
		goto out;
	pf_info("building %s into %s", recipe, out);
	o.recipe = recipe;
	o.outdir = out;
	o.print_outputs = 1;
	o.no_wait = no_wait;
	ret = pf_build(env, r, &o);
out:
	free(text);
	free(dir);
	free(media);
	free(wim);
	free(src);
	free(recipe);
	free(out);
	return ret;
}

/* libxml2's generic error handler that prints nothing. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int main(int argc, char **argv)
{
	struct pf_cli cli;
	struct pf_env env = { 0 };
	struct pf_registry *reg = NULL;
	int ret, status = 1;

	ret = pf_cli_parse(argc, argv, &cli);
	if (ret) {
		pf_cli_free(&cli);
		return 2;
	}
	if (cli.quiet) {
		pf_log_set_level(PF_LOG_ERROR);
		pf_progress_set_enabled(0);
	} else if (cli.verbose) {
		pf_log_set_level(PF_LOG_DEBUG);
	}
	switch (cli.cmd) {
	case PF_CMD_NONE:
		fputs(pf_cli_help(PF_CMD_NONE), stderr);
		pf_cli_free(&cli);
		return 2;
	case PF_CMD_HELP:
		if (cli.help_topic)
			break; /* help outputs, help plugin NAME: needs the plugins */
		if (cli.topic) {
			if (cli.help_for != PF_CMD_NONE)
				printf("%s\n", pf_cli_help(cli.help_for));
			ret = pf_env_init(&env);
			if (!ret)
				ret = pf_help_topic(&env, cli.topic);
			pf_env_clear(&env);
			pf_cli_free(&cli);
			return ret ? 1 : 0;
		}
		fputs(pf_cli_help(cli.help_for), stdout);
		pf_cli_free(&cli);
		return 0;
	case PF_CMD_VERSION:
		printf("peforge %s (plugin ABI %u, wimlib %u.%u.%u, Lua 5.4, libxml2 %s)\n",
		       PACKAGE_VERSION, (unsigned)PF_PLUGIN_ABI,
		       wimlib_get_version() >> 20, (wimlib_get_version() >> 10) & 0x3ff,
		       wimlib_get_version() & 0x3ff, xmlParserVersion);
		pf_cli_free(&cli);
		return 0;
	case PF_CMD_SERVE:
		/* no plugins, no wimlib: it runs servers */
		ret = pf_serve_main(argc - cli.rest, argv + cli.rest);
		if (ret && ret != -PF_EUSAGE && pf_log_error_count() == 0)
			pf_err("%s", pf_strerror(ret));
		pf_cli_free(&cli);
		return ret == -PF_EUSAGE ? 2 : ret ? 1 : 0;
	case PF_CMD_MACHINES:
		/* no plugins, no wimlib: files of OUTDIR only */
		ret = pf_machines_main(argc - cli.rest, argv + cli.rest);
		if (ret && ret != -PF_EUSAGE && pf_log_error_count() == 0)
			pf_err("%s", pf_strerror(ret));
		pf_cli_free(&cli);
		return ret == -PF_EUSAGE ? 2 : ret ? 1 : 0;
	default:
		break;
	}

	/* as early as possible: a signal during start-up cancels the run too */
	if (cli.cmd == PF_CMD_BUILD || cli.cmd == PF_CMD_DEMO || cli.cmd == PF_CMD_MKWINPEIMG)
		pf_cancel_on_signals();
	if (pf_lua_set_limits(cli.lua_max_instructions, cli.lua_max_memory_mb)) {
		pf_err("--lua-max-memory %llu: too large for this machine",
		       cli.lua_max_memory_mb);
		pf_cli_free(&cli);
		return 2;
	}
	ret = wimlib_global_init(WIMLIB_INIT_FLAG_DEFAULT_CASE_INSENSITIVE);
	if (ret) {
		pf_err("wimlib: %s", wimlib_get_error_string((enum wimlib_error_code)ret));
		ret = -PF_EWIM;
		goto out;
	}
	if (cli.verbose >= 2)
		wimlib_set_print_errors(true);
	else
		/* wimlib reads a WIM's XML with libxml2, whose parser would print
		 * its own lines for a corrupt one; wimlib's error says it once */
		xmlSetGenericErrorFunc(NULL, xml_quiet);
	ret = pf_env_init(&env);
	if (!ret)
		ret = pf_registry_new(&reg);
	if (!ret)
		ret = pf_env_load_plugins(&env, reg);
	if (ret)
		goto out;
	switch (cli.cmd) {
	case PF_CMD_PLUGINS:
		ret = cmd_plugins(reg, cli.json, cli.verbose);
		break;
	case PF_CMD_HELP:
		ret = cli.help_name ? pf_help_plugin(stdout, reg, cli.help_name)
				    : pf_help_outputs(stdout, reg);
		break;
	case PF_CMD_BUILD: {
		struct pf_build_opts o = {
			.recipe = cli.recipe, .outdir = cli.outdir,
			.defines = cli.defines, .ndefines = cli.ndefines,
			.print_outputs = 1, .json = cli.json, .dry_run = cli.dry_run,
			.no_verify = cli.no_verify, .no_wait = cli.no_wait,
		};

		ret = pf_build(&env, reg, &o);
		break;
	}
	case PF_CMD_DEMO:
		ret = cmd_demo(&env, reg, cli.outdir, cli.no_wait);
		break;
	case PF_CMD_INSPECT:
		ret = pf_inspect(reg, cli.source, cli.type, cli.json);
		break;
	case PF_CMD_UNATTEND:
		ret = cli.check ? pf_unattend_check(&env, cli.check, cli.json)
				: pf_unattend_print(&env, cli.recipe, cli.machine, cli.outdir,
						    cli.defines, cli.ndefines);
		break;
	case PF_CMD_MKWINPEIMG:
		/* a bad command line is status 1 here, as with wimlib's script */
		ret = pf_mkwinpeimg(reg, argc - cli.rest, argv + cli.rest);
		break;
	default:
		ret = -PF_EINTERNAL;
		break;
	}
out:
	/* a run stopped by SIGINT/SIGTERM/SIGHUP said so in one line */
	if (ret && pf_cancel_exit_status())
		status = pf_cancel_exit_status();
	else if (ret && pf_log_error_count() == 0)
		pf_err("%s", pf_strerror(ret));
	pf_registry_free(reg);
	pf_env_clear(&env);
	pf_cli_free(&cli);
	wimlib_global_cleanup();
	return ret ? status : 0;
}
