/* core/job.h - one run of the pipeline, and the host table lent to plugins. */
#ifndef PEFORGE_CORE_JOB_H
#define PEFORGE_CORE_JOB_H

#include <signal.h>
#include <stddef.h>
#include "peforge/plugin.h"

struct pf_job {
	char *outdir;               /* absolute */
	char *tmpdir;               /* private, removed by pf_job_free */
	struct pf_args *facts;      /* key/value facts about the media and run */
	const struct pf_media_ops *media_ops;
	void *media;
	struct pf_edit *edits;      /* every string and data owned by the job */
	size_t nedits;
	char *wim;                  /* the customized boot.wim */
	char **outputs;             /* files committed, in order */
	size_t noutputs;
	const char *stage;          /* for progress */
	volatile sig_atomic_t canceled; /* set by pf_job_cancel */
};

/* Set by the signal handler of pf_cancel_on_signals: cancels every job. */
extern volatile sig_atomic_t pf_cancel_requested;

/* The host function table (static, shared by every job). */
extern const struct pf_host pf_host_table;

/* A job writing into OUTDIR (absolute, must exist; NULL: a job that writes
 * no output) with a fresh tmpdir (inside OUTDIR, or in $TMPDIR). */
int pf_job_new(const char *outdir, struct pf_job **out);

/* The same with the tmpdir made in TMP_PARENT (NULL: as pf_job_new). */
int pf_job_new_in(const char *outdir, const char *tmp_parent, struct pf_job **out);

/* Free the job: the media, the staging, and the tmpdir with its files. */
void pf_job_free(struct pf_job *job);

/* Cancel JOB: from now on host->progress returns -PF_ECANCELED and the
 * pipeline stops before its next step. */
void pf_job_cancel(struct pf_job *job);

/* -PF_ECANCELED when JOB (or the whole process) was canceled, else 0. */
int pf_job_canceled(const struct pf_job *job);

/*
 * Make SIGINT, SIGTERM and SIGHUP cancel the running jobs (set
 * pf_cancel_requested) instead of killing the program, so that the plugins
 * stop at their next progress call and everything is cleaned up.  A second
 * signal kills the program as usual.
 */
void pf_cancel_on_signals(void);

#endif
