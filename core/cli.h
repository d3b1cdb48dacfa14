/* core/cli.h - command-line parsing (kept apart from main for tests). */
#ifndef PEFORGE_CORE_CLI_H
#define PEFORGE_CORE_CLI_H

#include <stddef.h>

enum pf_cmd {
	PF_CMD_NONE = 0,   /* no command: print the usage and fail */
	PF_CMD_HELP,       /* --help, help [COMMAND], COMMAND --help */
	PF_CMD_VERSION,    /* --version */
	PF_CMD_BUILD,      /* build RECIPE [-o OUTDIR] [-D key=value]... [--json] [--dry-run] */
	PF_CMD_PLUGINS,    /* plugins [--json] */
	PF_CMD_DEMO,       /* demo [-o OUTDIR] */
	PF_CMD_INSPECT,    /* inspect SOURCE [--json] [-t TYPE] */
	PF_CMD_MKWINPEIMG, /* mkwinpeimg [mkwinpeimg options] IMAGE */
	PF_CMD_UNATTEND,   /* unattend RECIPE [--machine ID] [-o FILE] | --check FILE */
	PF_CMD_SERVE,      /* serve OUTDIR [serve options] */
	PF_CMD_MACHINES,   /* machines list|reinstall|done OUTDIR [ID] */
};

struct pf_cli {
	enum pf_cmd cmd;
	enum pf_cmd help_for;  /* with PF_CMD_HELP: the command asked about */
	const char *help_topic; /* help outputs | help plugin NAME: "outputs", "plugin" */
	const char *help_name; /* help plugin NAME */
	const char *topic;     /* with PF_CMD_HELP: a topic (help recipe), or NULL */
	int quiet;             /* -q: no progress, warnings and notes off */
	int verbose;           /* -v (repeatable): more messages */
	int json;              /* --json */
	int dry_run;           /* build --dry-run */
	int no_wait;           /* build, demo --no-wait: do not wait for another
				  run in the output folder */
	const char *recipe;    /* build */
	const char *source;    /* inspect */
	const char *type;      /* inspect -t: source plugin name */
	const char *machine;   /* unattend --machine */
	const char *check;     /* unattend --check FILE */
	const char *outdir;    /* -o */
	int no_verify;         /* build --no-verify: no SHA-1 check of the source WIM */
	unsigned long long lua_max_instructions; /* --lua-max-instructions N, 0: default */
	unsigned long long lua_max_memory_mb;    /* --lua-max-memory MB, 0: default */
	const char **defines;  /* -D values "key=value", pointers into argv */
	size_t ndefines;
	int rest;              /* mkwinpeimg, serve, machines: index of the command in
				  argv; its own options follow */
};

/*
 * Parse ARGV into CLI (zeroed first).  Returns 0, or -PF_EUSAGE after
 * printing one error line that says what was wrong.  Free with pf_cli_free.
 */
int pf_cli_parse(int argc, char **argv, struct pf_cli *cli);
void pf_cli_free(struct pf_cli *cli);

/* The help text of CMD (PF_CMD_NONE: the general usage). */
const char *pf_cli_help(enum pf_cmd cmd);

/* The command named NAME, or PF_CMD_NONE. */
enum pf_cmd pf_cli_command(const char *name);

#endif
