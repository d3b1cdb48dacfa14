/* core/job.c - one run of the pipeline, and the host table lent to plugins. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "claims.h"
#include "error.h"
#include "fsutil.h"
#include "hostfs.h"
#include "job.h"
#include "log.h"
#include "txn.h"
#include "util.h"

int pf_job_new(const char *outdir, struct pf_job **out)
{
	return pf_job_new_in(outdir, NULL, out);
}

int pf_job_new_in(const char *outdir, const char *tmp_parent, struct pf_job **out)
{
	struct pf_job *job = calloc(1, sizeof(*job));
	int ret;

	if (!job)
		return -PF_ENOMEM;
	job->journal_fd = job->lock_fd = -1;
	job->dir_lock_fd[0] = job->dir_lock_fd[1] = -1;
	/* Beside the outputs, so the run's boot.wim can be hard-linked to its
	 * final place instead of copied; in $TMPDIR for a run without outputs. */
	if (tmp_parent)
		ret = pf_mkdtemp_in(tmp_parent, "peforge-tmp", &job->tmpdir);
	else if (outdir)
		ret = pf_mkdtemp_in(outdir, ".peforge-tmp", &job->tmpdir);
	else
		ret = pf_mkdtemp("peforge", &job->tmpdir);
	if (ret) {
		pf_job_free(job);
		return ret;
	}
	job->outdir = pf_strdup(outdir ? outdir : job->tmpdir);
	job->facts = pf_args_new("facts");
	if (!job->outdir || !job->facts) {
		pf_job_free(job);
		return -PF_ENOMEM;
	}
	*out = job;
	return 0;
}

int pf_job_new_locked(const char *outdir, const char *tmp_parent, int nowait,
		      struct pf_job **out)
{
	const char *prefix = tmp_parent ? "peforge-tmp" : ".peforge-tmp";
	int fds[2] = { -1, -1 }, ret;
	struct pf_job *job = NULL;
	char *r1 = realpath(outdir, NULL), *r2 = tmp_parent ? realpath(tmp_parent, NULL) : NULL;

	/* one lock per folder: flock conflicts between two descriptors of one
	 * folder even in one process */
	if (r1 && r2 && !strcmp(r1, r2))
		tmp_parent = outdir;
	free(r1);
	free(r2);
	ret = pf_txn_lock_dir(outdir, ".peforge-tmp", !nowait, &fds[0]);
	if (!ret && tmp_parent && tmp_parent != outdir)
		ret = pf_txn_lock_dir(tmp_parent, prefix, !nowait, &fds[1]);
	if (ret)
		goto fail;
	pf_txn_sweep(outdir, ".peforge-tmp");
	if (tmp_parent)
		pf_txn_sweep(tmp_parent, "peforge-tmp");
	ret = pf_job_new_in(outdir, tmp_parent, &job);
	if (ret)
		goto fail;
	job->dir_lock_fd[0] = fds[0];
	job->dir_lock_fd[1] = fds[1];
	ret = pf_txn_start(job->tmpdir, &job->lock_fd);
	if (ret) {
		pf_job_free(job);
		return ret;
	}
	*out = job;
	return 0;
fail:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return ret;
}

int pf_job_commit(struct pf_job *job)
{
	return pf_txn_commit(job);
}

void pf_job_doing(struct pf_job *job, const char *fmt, ...)
{
	va_list ap;

	if (!job)
		return;
	va_start(ap, fmt);
	vsnprintf(job->doing, sizeof(job->doing), fmt, ap);
	va_end(ap);
}

/* The name of signal SIG as peforge reports it. */
static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default: return "a signal";
	}
}

int pf_job_report_cancel(const struct pf_job *job, const char *outdir)
{
	if (!pf_cancel_requested || !pf_cancel_signal)
		return 0;
	pf_progress_end();
	fprintf(stderr, "peforge: interrupted (%s) while %s: nothing was changed in %s\n",
		signal_name(pf_cancel_signal), job && job->doing[0] ? job->doing : "starting",
		outdir ? outdir : "the output folder");
	fflush(stderr);
	return 1;
}

int pf_cancel_exit_status(void)
{
	return pf_cancel_requested && pf_cancel_signal ? 128 + pf_cancel_signal : 0;
}

/* Free the strings and data of one edit. */
static void edit_clear(struct pf_edit *e)
{
	free((char *)e->path);
	free((char *)e->src);
	free((char *)e->dest);
	free((void *)e->data);
	free((char *)e->origin);
}

void pf_job_free(struct pf_job *job)
{
	size_t i;

	if (!job)
		return;
	pf_job_finish_deferred(job, 1);
	free(job->deferred);
	if (job->media_ops && job->media_ops->free)
		job->media_ops->free(job->media);
	pf_args_free(job->facts);
	for (i = 0; i < job->nedits; i++)
		edit_clear(&job->edits[i]);
	free(job->edits);
	for (i = 0; i < job->noutputs; i++)
		free(job->outputs[i]);
	free(job->outputs);
	pf_txn_abort(job);
	if (job->journal_fd >= 0)
		close(job->journal_fd);
	if (job->tmpdir && !(getenv("PEFORGE_KEEP_TMP") &&
			     !strcmp(getenv("PEFORGE_KEEP_TMP"), "1")))
		pf_rm_rf(job->tmpdir);
	/* the locks go last: the folder is clean when the next run gets it */
	if (job->lock_fd >= 0)
		close(job->lock_fd);
	for (i = 0; i < 2; i++)
		if (job->dir_lock_fd[i] >= 0)
			close(job->dir_lock_fd[i]);
	free(job->tmpdir);
	free(job->wim);
	free(job->outdir);
	free(job);
}

int pf_job_finish_deferred(struct pf_job *job, int stop)
{
	size_t i;
	int r, ret = 0;

	for (i = 0; i < job->ndeferred; i++) {
		r = job->deferred[i].finish(job->deferred[i].ctx, stop || ret);
		if (!stop && !ret && r)
			ret = r;
	}
	job->ndeferred = 0;
	return ret;
}

/* ---- canceling -------------------------------------------------------- */

volatile sig_atomic_t pf_cancel_requested;
volatile sig_atomic_t pf_cancel_signal;

void pf_job_cancel(struct pf_job *job)
{
	job->canceled = 1;
}

int pf_job_canceled(const struct pf_job *job)
{
	return pf_cancel_requested || (job && job->canceled) ? -PF_ECANCELED : 0;
}

/* Only set the flag (async-signal-safe); SA_RESETHAND makes a second
 * signal kill the program. */
static void on_signal(int sig)
{
	if (!pf_cancel_requested)
		pf_cancel_signal = sig;
	pf_cancel_requested = 1;
}

void pf_cancel_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- host functions ------------------------------------------------- */

/* Show the progress; -PF_ECANCELED once the job or the run was canceled. */
static int h_progress(struct pf_job *job, const char *stage, uint64_t done,
		      uint64_t total)
{
	int ret = pf_job_canceled(job);

	if (!ret)
		pf_progress(stage, done, total);
	return ret;
}

static const char *h_arg_string(const struct pf_args *args, const char *key)
{
	return pf_args_get(args, key);
}

static int h_arg_bool(const struct pf_args *args, const char *key, int dflt)
{
	return pf_args_bool(args, key, dflt);
}

static int h_arg_uint(const struct pf_args *args, const char *key, uint64_t dflt,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	return pf_args_uint(args, key, dflt, min, max, out);
}

static int h_arg_enum(const struct pf_args *args, const char *key,
		      const char *const *words, int dflt, int *index)
{
	return pf_args_enum(args, key, words, dflt, index);
}

static int h_arg_path(const struct pf_args *args, const char *key, char **out)
{
	return pf_args_path(args, key, out);
}

static const char *h_job_outdir(struct pf_job *job)
{
	return job->outdir;
}

static const char *h_job_tmpdir(struct pf_job *job)
{
	return job->tmpdir;
}

static const char *h_job_fact(struct pf_job *job, const char *key)
{
	return pf_args_get(job->facts, key);
}

static int h_job_set_fact(struct pf_job *job, const char *key, const char *value)
{
	return pf_args_set(job->facts, key, value);
}

static int h_job_set_media(struct pf_job *job, const struct pf_media_ops *ops,
			   void *media)
{
	if (!ops || !ops->stat || !ops->list || !ops->read) {
		pf_err("a source plugin handed incomplete media operations");
		return -PF_EINTERNAL;
	}
	if (job->media_ops) {
		pf_err("the media of this run were already set by another source");
		return -PF_EEXIST;
	}
	job->media_ops = ops;
	job->media = media;
	return 0;
}

/* -PF_EMEDIA (logged) when no source set the media. */
static int need_media(struct pf_job *job)
{
	if (job->media_ops)
		return 0;
	pf_err("no source media in this run");
	return -PF_EMEDIA;
}

static int h_media_stat(struct pf_job *job, const char *path, struct pf_stat *st)
{
	int ret = need_media(job);

	return ret ? ret : job->media_ops->stat(job->media, path, st);
}

static int h_media_list(struct pf_job *job, const char *path, pf_list_cb cb,
			void *ctx)
{
	int ret = need_media(job);

	return ret ? ret : job->media_ops->list(job->media, path, cb, ctx);
}

static int h_media_read(struct pf_job *job, const char *path, uint64_t offset,
			void *buf, size_t len, size_t *got)
{
	int ret = need_media(job);

	return ret ? ret : job->media_ops->read(job->media, path, offset, buf, len, got);
}

/* Make host folder FOLDER the job's media (the dir source's way). */
static int h_job_set_media_folder(struct pf_job *job, const char *folder, const char *who)
{
	struct hostfs *fs;
	struct stat st;
	int ret;

	if (stat(folder, &st) == 0 && !S_ISDIR(st.st_mode)) {
		pf_host_table.log(PF_LOG_ERROR, who, "%s: not a folder", folder);
		return -PF_EMEDIA;
	}
	if (access(folder, R_OK | X_OK) != 0) {
		pf_host_table.log(PF_LOG_ERROR, who, "%s: cannot read folder: %s", folder,
				  strerror(errno));
		return -PF_EMEDIA;
	}
	fs = hostfs_new(&pf_host_table, who);
	if (!fs)
		return -PF_ENOMEM;
	ret = hostfs_map(fs, "", folder);
	if (!ret)
		ret = h_job_set_media(job, &hostfs_ops, fs);
	if (ret)
		hostfs_ops.free(fs);
	return ret;
}

/* What ROOT/PATH is, names matched case-insensitively. */
static int h_host_lookup(const char *root, const char *path)
{
	if (hostfs_has_file(root, path))
		return PF_LOOKUP_FILE;
	return hostfs_has_dir(root, path) ? PF_LOOKUP_DIR : PF_LOOKUP_NONE;
}

/* Note a plugin's background check, finished before the commit. */
static int h_job_defer(struct pf_job *job, int (*finish)(void *ctx, int stop), void *ctx)
{
	struct pf_deferred *v = realloc(job->deferred, (job->ndeferred + 1) * sizeof(*v));

	if (!v)
		return -PF_ENOMEM;
	job->deferred = v;
	v[job->ndeferred].finish = finish;
	v[job->ndeferred++].ctx = ctx;
	return 0;
}

/* The source's own host path of media file PATH, or -PF_EUNSUPPORTED. */
static int h_media_host_path(struct pf_job *job, const char *path, char **out)
{
	int ret = need_media(job);

	if (ret)
		return ret;
	if (!job->media_ops->local_path)
		return -PF_EUNSUPPORTED;
	return job->media_ops->local_path(job->media, path, out);
}

/*
 * A host path for media file PATH: the source's own when it has one,
 * otherwise a copy in the job's tmpdir read through media_read.
 */
static int h_media_local_path(struct pf_job *job, const char *path, char **out)
{
	char *copy = NULL, *flat = NULL, *p;
	struct pf_stat st;
	char buf[65536];
	struct fsu_err e;
	uint64_t off = 0;
	int fd = -1, ret;

	ret = need_media(job);
	if (ret)
		return ret;
	if (job->media_ops->local_path)
		return job->media_ops->local_path(job->media, path, out);
	ret = job->media_ops->stat(job->media, path, &st);
	if (ret)
		return ret;
	flat = strdup(path);
	if (!flat)
		return -PF_ENOMEM;
	for (p = flat; *p; p++)
		if (*p == '/')
			*p = '_';
	copy = pf_asprintf("%s/media-%s", job->tmpdir, flat);
	ret = -PF_ENOMEM;
	if (!copy)
		goto out;
	if (pf_is_file(copy)) {
		*out = copy;
		copy = NULL;
		ret = 0;
		goto out;
	}
	fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		pf_err("%s: cannot create: %s", copy, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	while (off < st.size) {
		size_t got = 0;

		ret = job->media_ops->read(job->media, path, off, buf, sizeof(buf), &got);
		if (ret)
			goto out;
		if (got == 0) {
			pf_err("%s: media file %s ended at byte %llu of %llu", copy, path,
			       (unsigned long long)off, (unsigned long long)st.size);
			ret = -PF_EIO;
			goto out;
		}
		/* short writes retried; a failure says why (No space left...) */
		if (fsu_write_all(fd, buf, got, copy, &e)) {
			pf_err("copying media file %s: %s", path, e.msg);
			ret = -PF_EIO;
			goto out;
		}
		off += got;
	}
	*out = copy;
	copy = NULL;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (copy) {
		unlink(copy);
		free(copy);
	}
	free(flat);
	return ret;
}

static int h_edit_add(struct pf_job *job, const struct pf_edit *e)
{
	struct pf_edit *grown, c = { 0 };

	if (!e->path || e->op < PF_EDIT_ADD_DATA || e->op > PF_EDIT_RENAME ||
	    (e->target != PF_TARGET_IMAGE && e->target != PF_TARGET_MEDIUM)) {
		pf_err("invalid staging edit");
		return -PF_EINVAL;
	}
	c.op = e->op;
	c.target = e->target;
	c.len = e->len;
	c.path = pf_strdup(e->path);
	c.src = pf_strdup(e->src);
	c.dest = pf_strdup(e->dest);
	c.origin = pf_strdup(e->origin ? e->origin : "plugin");
	if (e->op == PF_EDIT_ADD_DATA) {
		void *d = malloc(e->len ? e->len : 1);

		if (d && e->len)
			memcpy(d, e->data, e->len);
		c.data = d;
	}
	grown = realloc(job->edits, (job->nedits + 1) * sizeof(*grown));
	if (!grown || !c.path || !c.origin || (e->src && !c.src) ||
	    (e->dest && !c.dest) || (e->op == PF_EDIT_ADD_DATA && !c.data)) {
		if (grown)
			job->edits = grown;
		edit_clear(&c);
		return -PF_ENOMEM;
	}
	job->edits = grown;
	job->edits[job->nedits++] = c;
	return 0;
}

static size_t h_edit_count(struct pf_job *job)
{
	return job->nedits;
}

static const struct pf_edit *h_edit_get(struct pf_job *job, size_t i)
{
	return i < job->nedits ? &job->edits[i] : NULL;
}

static int h_job_set_wim(struct pf_job *job, const char *path)
{
	char *p = pf_strdup(path);

	if (!p)
		return -PF_ENOMEM;
	free(job->wim);
	job->wim = p;
	return 0;
}

static const char *h_job_wim(struct pf_job *job)
{
	return job->wim;
}

/*
 * Resolve output NAME (relative to the output folder, or absolute) to an
 * absolute path in *OUT (malloc'd): its folder must exist; a FOLDER output
 * may exist as a folder (it is replaced whole), a file output may not.
 */
static int resolve_output(struct pf_job *job, const char *name, int folder, char **out)
{
	char *joined = pf_path_join(job->outdir, name);
	char *abs = joined ? pf_abspath(joined) : NULL;
	char *dir = NULL;
	int ret = -PF_ENOMEM;

	free(joined);
	if (!abs)
		goto out;
	dir = pf_dirname(abs);
	if (!dir)
		goto out;
	if (!pf_is_dir(dir)) {
		pf_err("%s: output folder %s does not exist", name, dir);
		ret = -PF_ENOENT;
		goto out;
	}
	if (folder ? pf_is_file(abs) : pf_is_dir(abs)) {
		pf_err(folder ? "%s: exists and is a file, not a folder"
			      : "%s: output path is a folder", abs);
		ret = -PF_EEXIST;
		goto out;
	}
	*out = abs;
	abs = NULL;
	ret = 0;
out:
	free(abs);
	free(dir);
	return ret;
}

static int h_output_path(struct pf_job *job, const char *name, char **out)
{
	return resolve_output(job, name, 0, out);
}

static int h_output_dir_path(struct pf_job *job, const char *name, char **out)
{
	return resolve_output(job, name, 1, out);
}

/* List PATH among the run's outputs (once). */
static int h_output_add(struct pf_job *job, const char *path)
{
	char **grown, *copy;
	size_t i;

	for (i = 0; i < job->noutputs; i++)
		if (!strcmp(job->outputs[i], path))
			return 0;
	copy = strdup(path);

	grown = copy ? realloc(job->outputs, (job->noutputs + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		return -PF_ENOMEM;
	}
	job->outputs = grown;
	job->outputs[job->noutputs++] = copy;
	return 0;
}

/* A new temporary file beside FINAL, under a name journaled first (so that
 * the next run removes it if this one is killed). */
static int h_output_begin(struct pf_job *job, const char *final, char **tmp, int *fd)
{
	char *name = NULL;
	int f, ret;

	ret = pf_txn_tmpname(job, final, &name);
	if (ret)
		return ret;
	f = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	return pf_tmpfile_take(name, f, final, tmp, fd);
}

/*
 * fsync and close FD, and stage TMP as the output FINAL: it is renamed into
 * place with the run's other outputs when the whole run succeeded
 * (pf_job_commit), and removed otherwise.
 */
static int h_output_commit(struct pf_job *job, int fd, const char *tmp,
			   const char *final)
{
	int ret = pf_flush_close(fd, final);

	if (!ret)
		ret = pf_txn_stage(job, tmp, final, 0);
	if (!ret)
		ret = h_output_add(job, final);
	if (ret)
		unlink(tmp);
	return ret;
}

static void h_output_abort(struct pf_job *job, int fd, const char *tmp)
{
	(void)job;
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
}

/* An empty temporary folder beside folder output FINAL (journaled first). */
static int h_output_dir_begin(struct pf_job *job, const char *final, char **tmp)
{
	char *name = NULL;
	int ret = pf_txn_tmpname(job, final, &name);

	if (ret)
		return ret;
	if (mkdir(name, 0755) != 0) {
		int e = errno;

		pf_err("%s: cannot create a folder beside it: %s", final, strerror(e));
		free(name);
		return e == ENOENT ? -PF_ENOENT : -PF_EIO;
	}
	(void)chmod(name, 0755);
	*tmp = name;
	return 0;
}

/* Stage the complete folder TMP to replace folder output FINAL whole. */
static int h_output_dir_commit(struct pf_job *job, const char *tmp, const char *final)
{
	int ret = pf_txn_stage(job, tmp, final, 1);

	if (!ret)
		ret = h_output_add(job, final);
	return ret;
}

/* Where output FINAL's bytes are until the end of the run. */
static const char *h_output_staged(struct pf_job *job, const char *final)
{
	const char *t = pf_txn_staged_name(job, final);

	return t ? t : final;
}

const struct pf_host pf_host_table = {
	.abi = PF_PLUGIN_ABI,
	.size = sizeof(struct pf_host),
	.version = PACKAGE_VERSION,
	.log = pf_log,
	.progress = h_progress,
	.strerror = pf_strerror,
	.arg_string = h_arg_string,
	.arg_bool = h_arg_bool,
	.job_outdir = h_job_outdir,
	.job_tmpdir = h_job_tmpdir,
	.job_fact = h_job_fact,
	.job_set_fact = h_job_set_fact,
	.job_set_media = h_job_set_media,
	.media_stat = h_media_stat,
	.media_list = h_media_list,
	.media_read = h_media_read,
	.media_local_path = h_media_local_path,
	.edit_add = h_edit_add,
	.edit_count = h_edit_count,
	.edit_get = h_edit_get,
	.job_set_wim = h_job_set_wim,
	.job_wim = h_job_wim,
	.output_path = h_output_path,
	.output_begin = h_output_begin,
	.output_commit = h_output_commit,
	.output_abort = h_output_abort,
	.output_dir_path = h_output_dir_path,
	.output_add = h_output_add,
	.arg_uint = h_arg_uint,
	.arg_enum = h_arg_enum,
	.arg_path = h_arg_path,
	.output_dir_begin = h_output_dir_begin,
	.output_dir_commit = h_output_dir_commit,
	.output_staged = h_output_staged,
	.output_claim = pf_claim_output,
	.media_host_path = h_media_host_path,
	.job_set_media_folder = h_job_set_media_folder,
	.host_lookup = h_host_lookup,
	.job_defer = h_job_defer,
};
