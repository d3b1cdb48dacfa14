/* core/pipeline.h - where things are, and running a recipe end to end. */
#ifndef PEFORGE_CORE_PIPELINE_H
#define PEFORGE_CORE_PIPELINE_H

#include <stddef.h>
#include "loader.h"

/* Where the plugins and the Lua library are for this run. */
struct pf_env {
	char *plugin_dir;   /* built-in plugins */
	char *scripts_dir;  /* the Lua library (scripts/) */
	char *data_dir;     /* data files (unattend/peforge-unattend.xsd) */
	int uninstalled;    /* running from the build tree */
};

/*
 * Find the folders: the build tree's when the running program is the one in
 * the build tree, the installed ones otherwise; PEFORGE_SCRIPTS_DIR
 * overrides the scripts folder.  Free with pf_env_clear.
 */
int pf_env_init(struct pf_env *env);
void pf_env_clear(struct pf_env *env);

/* Load PEFORGE_PLUGIN_PATH's folders, then the built-in folder. */
int pf_env_load_plugins(const struct pf_env *env, struct pf_registry *r);

struct pf_build_opts {
	const char *recipe;     /* recipe file */
	const char *outdir;     /* output folder, NULL = current folder */
	const char **defines;   /* "key=value" */
	size_t ndefines;
	int print_outputs;      /* print "wrote: PATH" lines on stdout */
	int no_verify;          /* --no-verify: the injector skips the SHA-1 check */
	const char *tmp_parent; /* folder for the run's temporary folder, NULL:
				   the output folder */
	int json;               /* at the end, one JSON object on stdout
				   (core/report.h) instead of "wrote:" lines */
	int dry_run;            /* stop after the source and the media facts:
				   print the plan, write nothing */
	int no_wait;            /* fail at once when another run holds the
				   output folder, instead of waiting */
};

struct pf_plan;
/* Run a plan made without a recipe (peforge mkwinpeimg); PLAN is freed. */
int pf_build_plan(struct pf_registry *r, struct pf_plan *plan,
		  const struct pf_build_opts *o);

/*
 * Run the recipe: load it, check it, open every plugin it needs (so a bad
 * argument fails before any work), read the source, stage the edits, build
 * the WIM once, write each output (whole or absent).  Errors are logged.
 * Returns 0 or a negative -PF_E* code.
 */
int pf_build(const struct pf_env *env, struct pf_registry *r,
	     const struct pf_build_opts *o);

/*
 * `peforge inspect`: open SOURCE with the source plugin named TYPE (NULL:
 * the best probe), read the media facts and print them (JSON when JSON is
 * set).  Nothing is written but the run's private temporary folder.
 */
int pf_inspect(struct pf_registry *r, const char *source, const char *type,
	       int json);

/* CRLF line ends for a batch file or INI: every LF not after CR becomes
 * CRLF.  Returns a malloc'd buffer and its length in *OUTLEN. */
char *pf_text_crlf(const char *text, size_t len, size_t *outlen);

#endif
