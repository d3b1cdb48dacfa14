/*
 * core/txn.h - a run as a transaction: outputs staged under temporary
 * names and put in place together at the end; the folder lock (one run per
 * output folder); the journal and lock file in the run's temporary folder
 * that let the next run remove what a killed run left.
 */
#ifndef PEFORGE_CORE_TXN_H
#define PEFORGE_CORE_TXN_H

#include <stddef.h>

struct pf_job;

/* One output staged by a plugin, put at FINAL by pf_txn_commit. */
struct pf_staged {
	char *tmp;     /* the complete output under its temporary name */
	char *final;   /* where it goes */
	char *aside;   /* while committing: the old FINAL, kept for a rollback */
	int is_dir;    /* a folder output, replaced whole */
	int done;      /* renamed into place */
};

/* The name of the lock file (and of the journal) in a run's tmpdir. */
#define PF_TXN_LOCK "lock"
#define PF_TXN_JOURNAL "journal"

/*
 * Lock folder DIR for this process (flock on the folder itself, released
 * when *FD is closed).  When another run holds it: with WAIT, say once that
 * this run waits (naming that run's pid, found in DIR/PREFIX.*\/lock) and
 * wait; without, fail with one error line.  Returns 0 or -PF_E*.
 */
int pf_txn_lock_dir(const char *dir, const char *prefix, int wait, int *fd);

/*
 * Remove what dead runs left in DIR: every folder DIR/PREFIX.* whose lock
 * file can be taken (or that has none: the caller holds DIR's lock) is
 * dead; the temporary outputs its journal lists are removed, a folder
 * output moved aside and not replaced is moved back, then the folder is
 * removed.  A folder whose lock is held by a live run is never touched.
 */
void pf_txn_sweep(const char *dir, const char *prefix);

/* Make the lock file in TMPDIR (held in *FD, with this pid in it) and the
 * empty journal.  Returns 0 or -PF_EIO (logged). */
int pf_txn_start(const char *tmpdir, int *fd);

/* Append a line "TAG PATH[\tOTHER]" to JOB's journal and flush it to disk. */
int pf_txn_journal(struct pf_job *job, char tag, const char *path, const char *other);

/* A new unique temporary name beside FINAL, journaled before it is made:
 * "FINAL.tmp-RUNID-N" (malloc'd in *OUT). */
int pf_txn_tmpname(struct pf_job *job, const char *final, char **out);

/* Record TMP (complete, flushed) as the output FINAL; -PF_EEXIST (logged)
 * when another output of the run already goes to FINAL. */
int pf_txn_stage(struct pf_job *job, const char *tmp, const char *final, int is_dir);

/* The staged name of output FINAL, or NULL when it is not staged. */
const char *pf_txn_staged_name(const struct pf_job *job, const char *final);

/*
 * Put every staged output in place, in one short step: an existing output
 * is moved aside (a folder) or linked aside (a file), the new one renamed
 * in, and the old ones removed once all are in place.  When a rename fails
 * the ones done are undone and the old outputs are back.  Returns 0 or
 * -PF_EIO (logged).
 */
int pf_txn_commit(struct pf_job *job);

/* Remove the staged outputs of a run that did not commit. */
void pf_txn_abort(struct pf_job *job);

#endif
