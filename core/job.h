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
	/* the transaction (core/txn.c) */
	struct pf_staged *staged;   /* outputs written, not yet in place */
	size_t nstaged;
	unsigned ntmpnames;         /* temporary names handed out */
	int committed;              /* the staged outputs are in place */
	int journal_fd;             /* tmpdir/journal, -1 until first used */
	int lock_fd;                /* tmpdir/lock, held for the run's life */
	int dir_lock_fd[2];         /* the output folder's and the tmp parent's
				       lock, -1 when not taken */
	char doing[96];             /* what the run does now, for the interrupted
				       line ("writing the iso output") */
	struct pf_deferred *deferred; /* background checks (host job_defer) */
	size_t ndeferred;
};

/* A background check a plugin left to finish before the commit. */
struct pf_deferred {
	int (*finish)(void *ctx, int stop);
	void *ctx;
};

/* Set by the signal handler of pf_cancel_on_signals: cancels every job;
 * pf_cancel_signal is the signal that did it. */
extern volatile sig_atomic_t pf_cancel_requested;
extern volatile sig_atomic_t pf_cancel_signal;

/* The host function table (static, shared by every job). */
extern const struct pf_host pf_host_table;

/* A job writing into OUTDIR (absolute, must exist; NULL: a job that writes
 * no output) with a fresh tmpdir (inside OUTDIR, or in $TMPDIR). */
int pf_job_new(const char *outdir, struct pf_job **out);

/* The same with the tmpdir made in TMP_PARENT (NULL: as pf_job_new). */
int pf_job_new_in(const char *outdir, const char *tmp_parent, struct pf_job **out);

/*
 * The same for a run that writes outputs: OUTDIR (and TMP_PARENT when
 * given) are locked first (one run per folder: wait for another run, or
 * fail at once when NOWAIT), the temporary folders of dead runs there are
 * removed (pf_txn_sweep), then the job's tmpdir gets its lock file.
 */
int pf_job_new_locked(const char *outdir, const char *tmp_parent, int nowait,
		      struct pf_job **out);

/* Put the run's staged outputs in place (the end of a successful run). */
int pf_job_commit(struct pf_job *job);

/* Say what JOB does now (printf-style), for pf_job_report_cancel. */
void pf_job_doing(struct pf_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * When the run was stopped by a signal, print its one line: "peforge:
 * interrupted (SIGINT) while DOING: nothing was changed in OUTDIR"
 * (JOB may be NULL: DOING is then "starting").  Returns 1 when printed.
 */
int pf_job_report_cancel(const struct pf_job *job, const char *outdir);

/* The exit status of a run stopped by a signal (128 + its number), or 0. */
int pf_cancel_exit_status(void);

/*
 * Finish the background checks of JOB, in the order they were deferred:
 * with STOP 0, wait for each (the first failure stops the others and is
 * returned); with STOP 1, stop them all.  Each is finished once.
 */
int pf_job_finish_deferred(struct pf_job *job, int stop);

/* Free the job: the background checks (stopped), the media, the staging,
 * and the tmpdir with its files. */
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
