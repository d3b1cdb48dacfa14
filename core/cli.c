/* core/cli.c - command-line parsing (kept apart from main for tests). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "help.h"
#include "mkwinpeimg.h"
#include "serve.h"
#include "machines.h"
#include "log.h"
#include "peforge/plugin.h"

static const char usage_main[] =
	"Usage: peforge [-q] [-v] COMMAND [ARGS]\n"
	"\n"
	"Build a customized Windows PE from Windows installation media, on Linux.\n"
	"\n"
	"Commands:\n"
	"  build RECIPE.lua [-o OUTDIR] [-D key=value]...   run a recipe (--json, --dry-run)\n"
	"  inspect SOURCE [--json] [-t TYPE]                what the media hold\n"
	"  unattend RECIPE.lua [--machine ID] [-o FILE]     the answer file a machine would get\n"
	"  unattend --check FILE                            lint and validate an answer file\n"
	"  mkwinpeimg [mkwinpeimg options] IMAGE            drop-in for wimlib's mkwinpeimg\n"
	"  serve OUTDIR [--interface IF] [--check|--print]  run dnsmasq, nginx and smbd for a build's trees\n"
	"  machines list|reinstall|done OUTDIR [ID]         the fleet's install state (pxe output)\n"
	"  plugins [--json] [-v]                            list the loaded plugins (-v: with options)\n"
	"  demo [-o OUTDIR]                                 make demo media and build the demo recipe\n"
	"  help [COMMAND]                                   show help (also: COMMAND --help)\n"
	"  help outputs | help plugin NAME                  the options of the outputs, of a plugin\n"
	"  help TOPIC                                       the keys and options, from their\n"
	"                                                   declarations: recipe, startcmd,\n"
	"                                                   netuse, smbconf, unattend, machines\n"
	"\n"
	"Options:\n"
	"  -q, --quiet     no progress display, errors only\n"
	"  -v, --verbose   debug messages (twice: also wimlib's own messages)\n"
	"  --version       print the version and exit\n"
	"  -h, --help      print this help and exit\n"
	"\n"
	"Environment:\n"
	"  PEFORGE_PLUGIN_PATH   colon-separated folders searched for plugins first\n"
	"  PEFORGE_SCRIPTS_DIR   folder of the Lua library (default: the installed one)\n"
	"  PEFORGE_DATA_DIR      folder of unattend/peforge-unattend.xsd (default: the\n"
	"                        installed one, or the parent of PEFORGE_SCRIPTS_DIR)\n"
	"  PEFORGE_VERIFY_THREADS  threads checking the source boot.wim's SHA-1 hashes\n"
	"                        (default: every CPU the process may use, at most 16)\n"
	"\n"
	"Exit status: 0 on success; 1 on failure, with one error line on stderr;\n"
	"2 on a bad command line.  See peforge(1).\n";

static const char usage_build[] =
	"Usage: peforge build RECIPE.lua [-o OUTDIR] [-D key=value]... [--json] [--dry-run]\n"
	"                     [--no-verify] [--no-wait] [--lua-max-instructions N]\n"
	"                     [--lua-max-memory MB]\n"
	"\n"
	"Run the recipe: read the source media, stage the recipe's files, build\n"
	"ONE customized boot.wim and write every output the recipe asks for.\n"
	"\n"
	"  -o, --output OUTDIR   folder for the outputs (created; default: the\n"
	"                        current folder); relative output paths are\n"
	"                        resolved against it\n"
	"  -D, --define key=value\n"
	"                        set a recipe key after the recipe ran (dotted keys\n"
	"                        reach into tables: -D outputs.wim=pe.wim); the\n"
	"                        recipe also sees it as require('peforge').defines.key\n"
	"  --json                at the end, print one JSON object on stdout instead\n"
	"                        of the wrote: lines: each output's kind, path, size\n"
	"                        and SHA-256, the image customized, the warnings\n"
	"                        (docs/recipes.md#build---json-and---dry-run)\n"
	"  --dry-run             check the recipe and the media, print the plan (what\n"
	"                        would be written where) and write nothing: no output\n"
	"                        folder, nothing in it (with --json: as JSON)\n"
	"  --no-verify           do not check the source boot.wim's data against its\n"
	"                        SHA-1 hashes (faster; a corrupt source then passes)\n"
	"  --lua-max-instructions N\n"
	"                        stop a recipe after N Lua instructions (default\n"
	"                        2000000000)\n"
	"  --lua-max-memory MB   stop a recipe that uses more than MB MiB (default 1024)\n"
	"  --no-wait             fail at once when another run writes into OUTDIR\n"
	"                        (default: wait for it)\n"
	"\n"
	"The outputs appear together at the end of a successful run; a failed or\n"
	"interrupted run (exit 130 SIGINT, 143 SIGTERM, 129 SIGHUP) changes\n"
	"nothing in OUTDIR.\n"
	"\n"
	"Example:\n"
	"  peforge build winpe.lua -o out -D source=/srv/iso/Win11.iso\n";

static const char usage_inspect[] =
	"Usage: peforge inspect SOURCE [--json] [-t TYPE]\n"
	"\n"
	"Read Windows media without mounting or changing them and say what they\n"
	"hold: the layout, the architecture, each boot file with its size, what is\n"
	"missing for BIOS or UEFI boot, boot.wim's images (and which one peforge\n"
	"customizes by default) and the editions of install.wim/.esd/.swm.\n"
	"\n"
	"SOURCE is an ISO file, an extracted or mounted media folder, an ADK\n"
	"copype folder, a WAIK supplement folder or a bare boot.wim.\n"
	"\n"
	"  --json            the stable JSON form (docs/inspect.md)\n"
	"  -t, --type TYPE   use this source plugin (dir, iso, adk, wim) instead of\n"
	"                    the one chosen from the path\n"
	"\n"
	"Example:\n"
	"  peforge inspect Win11_24H2_English_x64.iso\n";

static const char usage_unattend[] =
	"Usage: peforge unattend RECIPE.lua [--machine ID] [-o FILE] [-D key=value]...\n"
	"       peforge unattend --check FILE [--json]\n"
	"\n"
	"Print the answer file (autounattend.xml) the recipe gives: the default\n"
	"one, or with --machine the one machine ID (a MAC address, serial number\n"
	"or UUID) would get from the recipe's pe.machines rules (a dry run).\n"
	"With --check, lint and validate any answer file: one line per finding\n"
	"with its XPath (warnings and notes say so); exit 1 when there is an\n"
	"error, 0 with warnings and notes only.  PEFORGE_DATA_DIR names the\n"
	"folder holding unattend/peforge-unattend.xsd (default: the installed\n"
	"one, or the parent of PEFORGE_SCRIPTS_DIR).\n"
	"\n"
	"  --machine ID     the machine to resolve the rules for\n"
	"  -o, --output FILE  write to FILE (whole or absent) instead of stdout\n"
	"  -D key=value     as for build\n"
	"  --lua-max-instructions N, --lua-max-memory MB  as for build\n"
	"  --check FILE     lint and validate FILE\n"
	"  --json           with --check: the findings as JSON (docs/unattend.md)\n"
	"\n"
	"Example:\n"
	"  peforge unattend deploy.lua --machine 52:54:00:12:34:56\n";

static const char usage_plugins[] =
	"Usage: peforge plugins [--json] [-v]\n"
	"\n"
	"List the plugins found in PEFORGE_PLUGIN_PATH and the plugin folder:\n"
	"name, kind, plugin ABI and file.  Files that were refused are reported\n"
	"on stderr with the reason.  With -v, also each plugin's options.\n"
	"\n"
	"  --json   one JSON object: {\"abi\":N,\"plugins\":[{\"name\",\"kind\",\"abi\",\n"
	"           \"file\",\"summary\"}...]}\n";

static const char usage_demo[] =
	"Usage: peforge demo [-o OUTDIR]\n"
	"\n"
	"Generate demo media (a stand-in Windows tree with a two-image boot.wim made\n"
	"with wimlib; no Microsoft file), copy the demo recipe next to it, and build\n"
	"it.  Default OUTDIR: peforge-demo.  Prints where the outputs are.\n";

static const char usage_help[] =
	"Usage: peforge help [COMMAND | TOPIC]\n"
	"       peforge help plugin NAME\n"
	"\n"
	"Show the general help, or the help of COMMAND (build, inspect, unattend,\n"
	"mkwinpeimg, serve, machines, plugins, demo, help).\n"
	"\n"
	"A TOPIC prints every key or option with its type, default and meaning,\n"
	"from the declarations peforge checks them with:\n"
	"  recipe     the recipe's keys (also what -D key=value may set)\n"
	"  outputs    every output plugin's options, in the order the outputs run\n"
	"  startcmd   pe.startcmd{...} and the recipe's start = {...}\n"
	"  netuse     pe.netuse{...} and start.netuse\n"
	"  smbconf    pe.smbconf{...} and the samba output's options\n"
	"  unattend   pe.unattend{...}\n"
	"  machines   pe.machines{...}\n"
	"`help plugin NAME` shows the options of the plugins called NAME.\n";

const char *pf_cli_help(enum pf_cmd cmd)
{
	switch (cmd) {
	case PF_CMD_BUILD: return usage_build;
	case PF_CMD_PLUGINS: return usage_plugins;
	case PF_CMD_DEMO: return usage_demo;
	case PF_CMD_INSPECT: return usage_inspect;
	case PF_CMD_MKWINPEIMG: return pf_mkwinpeimg_usage;
	case PF_CMD_UNATTEND: return usage_unattend;
	case PF_CMD_SERVE: return pf_serve_usage;
	case PF_CMD_MACHINES: return pf_machines_usage;
	case PF_CMD_HELP: return usage_help;
	default: return usage_main;
	}
}

enum pf_cmd pf_cli_command(const char *name)
{
	if (!strcmp(name, "build"))
		return PF_CMD_BUILD;
	if (!strcmp(name, "plugins"))
		return PF_CMD_PLUGINS;
	if (!strcmp(name, "demo"))
		return PF_CMD_DEMO;
	if (!strcmp(name, "help"))
		return PF_CMD_HELP;
	if (!strcmp(name, "inspect"))
		return PF_CMD_INSPECT;
	if (!strcmp(name, "mkwinpeimg"))
		return PF_CMD_MKWINPEIMG;
	if (!strcmp(name, "unattend"))
		return PF_CMD_UNATTEND;
	if (!strcmp(name, "serve"))
		return PF_CMD_SERVE;
	if (!strcmp(name, "machines"))
		return PF_CMD_MACHINES;
	return PF_CMD_NONE;
}

void pf_cli_free(struct pf_cli *cli)
{
	free(cli->defines);
	cli->defines = NULL;
	cli->ndefines = 0;
}

/* Log a usage error and return -PF_EUSAGE. */
static int usage_error(const char *what, const char *arg)
{
	pf_err("%s '%s' (see 'peforge --help')", what, arg);
	return -PF_EUSAGE;
}

/* Parse the positive whole number V of option OPT into *OUT; 0 or -PF_EUSAGE. */
static int count_value(const char *opt, const char *v, unsigned long long *out)
{
	char *end;

	if (!v || !*v)
		return usage_error("missing number after", opt);
	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno || *end || *v == '-' || *v == '+' || *out == 0) {
		pf_err("%s: expected a positive whole number, got '%s'", opt, v);
		return -PF_EUSAGE;
	}
	return 0;
}

/* The value of option ARGV[*I] ("-o X", "-oX", "--output=X"), advancing *I. */
static const char *option_value(int argc, char **argv, int *i, const char *longname)
{
	const char *a = argv[*i];
	size_t ll = strlen(longname);

	if (!strncmp(a, longname, ll) && a[ll] == '=')
		return a + ll + 1;
	if (a[1] != '-' && a[2])
		return a + 2;
	if (*i + 1 < argc) {
		(*i)++;
		return argv[*i];
	}
	return NULL;
}

int pf_cli_parse(int argc, char **argv, struct pf_cli *cli)
{
	int i, ret = 0, opts_done = 0;

	memset(cli, 0, sizeof(*cli));
	cli->defines = calloc((size_t)argc + 1, sizeof(*cli->defines));
	if (!cli->defines)
		return -PF_ENOMEM;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && a[0] == '-' && a[1]) {
			if (!strcmp(a, "--")) {
				opts_done = 1;
			} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
				cli->quiet = 1;
			} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
				cli->verbose++;
			} else if (!strcmp(a, "-vv")) {
				cli->verbose += 2;
			} else if (!strcmp(a, "--no-wait") &&
				   (cli->cmd == PF_CMD_BUILD || cli->cmd == PF_CMD_DEMO)) {
				cli->no_wait = 1;
			} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				cli->help_for = cli->cmd == PF_CMD_HELP ? PF_CMD_HELP : cli->cmd;
				cli->cmd = PF_CMD_HELP;
			} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
				if (cli->cmd == PF_CMD_NONE)
					cli->cmd = PF_CMD_VERSION;
				else
					return usage_error("unexpected option", a);
			} else if (!strcmp(a, "--json") &&
				   (cli->cmd == PF_CMD_PLUGINS || cli->cmd == PF_CMD_INSPECT ||
				    cli->cmd == PF_CMD_UNATTEND || cli->cmd == PF_CMD_BUILD)) {
				cli->json = 1;
			} else if (!strcmp(a, "--dry-run") && cli->cmd == PF_CMD_BUILD) {
				cli->dry_run = 1;
			} else if ((!strncmp(a, "-t", 2) || !strncmp(a, "--type", 6)) &&
				   cli->cmd == PF_CMD_INSPECT &&
				   (a[1] == 't' || a[6] == '\0' || a[6] == '=')) {
				const char *v = option_value(argc, argv, &i, "--type");

				if (!v || !*v)
					return usage_error("missing plugin name after", a);
				cli->type = v;
			} else if (!strncmp(a, "--machine", 9) && cli->cmd == PF_CMD_UNATTEND &&
				   (a[9] == '\0' || a[9] == '=')) {
				const char *v = option_value(argc, argv, &i, "--machine");

				if (!v || !*v)
					return usage_error("missing machine ID after", a);
				cli->machine = v;
			} else if (!strncmp(a, "--check", 7) && cli->cmd == PF_CMD_UNATTEND &&
				   (a[7] == '\0' || a[7] == '=')) {
				const char *v = option_value(argc, argv, &i, "--check");

				if (!v || !*v)
					return usage_error("missing FILE after", a);
				cli->check = v;
			} else if ((!strncmp(a, "-o", 2) || !strncmp(a, "--output", 8)) &&
				   (cli->cmd == PF_CMD_BUILD || cli->cmd == PF_CMD_DEMO ||
				    cli->cmd == PF_CMD_UNATTEND) &&
				   (a[1] == 'o' || a[8] == '\0' || a[8] == '=')) {
				const char *v = option_value(argc, argv, &i, "--output");

				if (!v || !*v)
					return usage_error("missing folder after", a);
				cli->outdir = v;
			} else if (!strcmp(a, "--no-verify") && cli->cmd == PF_CMD_BUILD) {
				cli->no_verify = 1;
			} else if (!strncmp(a, "--lua-max-", 10) &&
				   (cli->cmd == PF_CMD_BUILD || cli->cmd == PF_CMD_UNATTEND) &&
				   (!strncmp(a + 10, "instructions", 12) ||
				    !strncmp(a + 10, "memory", 6))) {
				int instr = a[10] == 'i';
				const char *lng = instr ? "--lua-max-instructions"
							: "--lua-max-memory";
				size_t ll = strlen(lng);

				if (a[ll] && a[ll] != '=')
					return usage_error("unknown option for this command:", a);
				ret = count_value(lng, option_value(argc, argv, &i, lng),
						  instr ? &cli->lua_max_instructions
							: &cli->lua_max_memory_mb);
				if (ret)
					return ret;
			} else if ((!strncmp(a, "-D", 2) || !strncmp(a, "--define", 8)) &&
				   (cli->cmd == PF_CMD_BUILD || cli->cmd == PF_CMD_UNATTEND) &&
				   (a[1] == 'D' || a[8] == '\0' || a[8] == '=')) {
				const char *v = option_value(argc, argv, &i, "--define");
				const char *eq = v ? strchr(v, '=') : NULL;

				if (!v || !eq || eq == v)
					return usage_error("-D wants key=value, got",
							   v ? v : "nothing");
				cli->defines[cli->ndefines++] = v;
			} else if (cli->cmd == PF_CMD_NONE) {
				return usage_error("unknown option", a);
			} else {
				return usage_error(cli->cmd == PF_CMD_HELP ?
						   "unknown option" :
						   "unknown option for this command:", a);
			}
			continue;
		}
		if (cli->cmd == PF_CMD_NONE) {
			cli->cmd = pf_cli_command(a);
			if (cli->cmd == PF_CMD_NONE)
				return usage_error("unknown command", a);
			if (cli->cmd == PF_CMD_HELP)
				cli->help_for = PF_CMD_NONE;
			if (cli->cmd == PF_CMD_MKWINPEIMG || cli->cmd == PF_CMD_SERVE ||
			    cli->cmd == PF_CMD_MACHINES) {
				/* the rest is the command's own command line */
				cli->rest = i;
				return 0;
			}
		} else if (cli->cmd == PF_CMD_HELP && cli->help_for == PF_CMD_NONE &&
			   !cli->help_topic && (!strcmp(a, "outputs") || !strcmp(a, "plugin"))) {
			cli->help_topic = a;
		} else if (cli->help_topic && !strcmp(cli->help_topic, "plugin") &&
			   !cli->help_name) {
			cli->help_name = a;
		} else if (cli->cmd == PF_CMD_HELP && cli->help_for == PF_CMD_NONE &&
			   !cli->help_topic && !cli->topic) {
			cli->help_for = pf_cli_command(a);
			/* `help machines`: the command, then pe.machines' keys */
			if (cli->help_for == PF_CMD_MACHINES)
				cli->topic = pf_help_topic_name(a);
			if (cli->help_for == PF_CMD_NONE &&
			    !(cli->topic = pf_help_topic_name(a)))
				return usage_error("no help for unknown command", a);
		} else if ((cli->cmd == PF_CMD_BUILD || cli->cmd == PF_CMD_UNATTEND) &&
			   !cli->recipe) {
			cli->recipe = a;
		} else if (cli->cmd == PF_CMD_INSPECT && !cli->source) {
			cli->source = a;
		} else {
			return usage_error("unexpected argument", a);
		}
	}
	if (cli->help_topic && !strcmp(cli->help_topic, "plugin") && !cli->help_name) {
		pf_err("help plugin: missing NAME (see 'peforge plugins')");
		ret = -PF_EUSAGE;
	}
	if (cli->cmd == PF_CMD_BUILD && !cli->recipe) {
		pf_err("build: missing RECIPE.lua (see 'peforge help build')");
		ret = -PF_EUSAGE;
	}
	if (cli->cmd == PF_CMD_UNATTEND && !cli->recipe == !cli->check) {
		pf_err("unattend: give RECIPE.lua or --check FILE (see 'peforge help unattend')");
		ret = -PF_EUSAGE;
	}
	if (cli->cmd == PF_CMD_UNATTEND && cli->json && !cli->check) {
		pf_err("unattend: --json goes with --check FILE (see 'peforge help unattend')");
		ret = -PF_EUSAGE;
	}
	if (cli->cmd == PF_CMD_INSPECT && !cli->source) {
		pf_err("inspect: missing SOURCE (see 'peforge help inspect')");
		ret = -PF_EUSAGE;
	}
	return ret;
}
