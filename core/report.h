/* core/report.h - what `peforge build --json` and `--dry-run` print. */
#ifndef PEFORGE_CORE_REPORT_H
#define PEFORGE_CORE_REPORT_H

#include <stdio.h>
#include "job.h"
#include "loader.h"
#include "media.h"
#include "recipe.h"

/* One output of the run, and the job outputs it committed. */
struct pf_report_output {
	const struct pf_plugin *desc;
	const struct pf_args *args;
	size_t first, end;     /* job->outputs[first..end) are its files */
};

/* What a run (or a dry run) did, for printing. */
struct pf_report {
	const struct pf_plan *plan;
	const char *outdir;              /* absolute */
	const struct pf_job *job;        /* NULL before the job existed */
	const struct pf_media_facts *facts; /* dry run: the media */
	const char *source_plugin;
	struct pf_report_output *v;
	size_t n;
};

/*
 * Where output D (with ARGS) writes, as an absolute path (malloc'd) under
 * OUTDIR, from its `dir` or `path` argument or the declared default; NULL
 * when the plugin decides alone.  *IS_DIR: 1 for a folder output.
 */
char *pf_report_output_path(const struct pf_plugin *d, const struct pf_args *args,
			    const char *outdir, int *is_dir);

/*
 * Print the plan of a dry run: the source, the image the recipe selects
 * and what each output would write where; as one JSON object when JSON.
 * Returns 0, or -PF_ERECIPE (logged) when the image does not exist.
 */
int pf_report_plan(FILE *out, const struct pf_report *r, int json);

/*
 * Print the result of a run as one JSON object: ok (RET == 0), the image
 * customized, each committed output (kind, path, type, size, sha256), and
 * the warning and error lines kept by pf_log_collect.
 */
void pf_report_json(FILE *out, const struct pf_report *r, int ret);

#endif
