/* core/txn.c - a run as a transaction: staged outputs, the folder lock,
 * and the journal that lets the next run clean up after a killed one. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "job.h"
#include "log.h"
#include "txn.h"
#include "util.h"

/* The pid written in the lock file of a run's tmpdir under DIR/PREFIX.*
 * that is locked by a live process, or 0. */
static long holder_pid(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(prefix);
	long pid = 0;

	if (!d)
		return 0;
	while (!pid && (de = readdir(d))) {
		char *lock;
		char buf[32];
		ssize_t got;
		int fd;

		if (strncmp(de->d_name, prefix, n) || de->d_name[n] != '.')
			continue;
		lock = pf_asprintf("%s/%s/" PF_TXN_LOCK, dir, de->d_name);
		fd = lock ? open(lock, O_RDONLY | O_CLOEXEC) : -1;
		free(lock);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
			got = read(fd, buf, sizeof(buf) - 1);
			if (got > 0) {
				buf[got] = '\0';
				pid = strtol(buf, NULL, 10);
			}
		}
		close(fd);
	}
	closedir(d);
	return pid;
}

int pf_txn_lock_dir(const char *dir, const char *prefix, int wait, int *fd)
{
	int f = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long pid;

	if (f < 0) {
		pf_err("%s: cannot open the folder to lock it: %s", dir, strerror(errno));
		return -PF_EIO;
	}
	if (flock(f, LOCK_EX | LOCK_NB) == 0) {
		*fd = f;
		return 0;
	}
	if (errno != EWOULDBLOCK) {
		pf_err("%s: cannot lock the folder: %s", dir, strerror(errno));
		close(f);
		return -PF_EIO;
	}
	pid = holder_pid(dir, prefix);
	if (!wait) {
		if (pid)
			pf_err("%s: another peforge run (pid %ld) is writing there "
			       "(--no-wait: not waiting)", dir, pid);
		else
			pf_err("%s: another peforge run is writing there (--no-wait: "
			       "not waiting)", dir);
		close(f);
		return -PF_EEXIST;
	}
	/* shown even with -q: a run that waits must say why */
	pf_progress_end();
	if (pid)
		fprintf(stderr, "peforge: waiting for the run in %s (pid %ld) to finish\n",
			dir, pid);
	else
		fprintf(stderr, "peforge: waiting for the run in %s to finish\n", dir);
	fflush(stderr);
	while (flock(f, LOCK_EX) != 0) {
		if (errno != EINTR || pf_cancel_requested) {
			if (errno != EINTR)
				pf_err("%s: cannot lock the folder: %s", dir, strerror(errno));
			close(f);
			return errno == EINTR ? -PF_ECANCELED : -PF_EIO;
		}
	}
	*fd = f;
	return 0;
}

/* Undo what the dead run whose journal is JOURNAL left outside its tmpdir:
 * temporary outputs ("T path") are removed; an output moved aside
 * ("A aside\tfinal") goes back when nothing replaced it, else is removed. */
static void undo_journal(const char *journal)
{
	FILE *f = fopen(journal, "re");
	char line[8192];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *path = line + 2, *tab, *nl = strchr(line, '\n');
		struct stat st;

		if (!nl || line[1] != ' ')
			continue; /* a line cut short by the crash */
		*nl = '\0';
		if (line[0] == 'T') {
			if (lstat(path, &st) == 0) {
				pf_debug("removing %s, left by an interrupted run", path);
				pf_rm_rf(path);
			}
		} else if (line[0] == 'A' && (tab = strchr(path, '\t'))) {
			*tab++ = '\0';
			if (lstat(path, &st) != 0)
				continue;
			if (lstat(tab, &st) != 0 && rename(path, tab) == 0)
				pf_warn("%s: put back the previous output, moved aside by an "
					"interrupted run", tab);
			else
				pf_rm_rf(path);
		}
	}
	fclose(f);
}

void pf_txn_sweep(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(prefix);

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *sub, *lock, *journal;
		struct stat st;
		int fd, dead = 1;

		if (strncmp(de->d_name, prefix, n) || de->d_name[n] != '.')
			continue;
		sub = pf_path_join(dir, de->d_name);
		lock = sub ? pf_path_join(sub, PF_TXN_LOCK) : NULL;
		journal = sub ? pf_path_join(sub, PF_TXN_JOURNAL) : NULL;
		if (!sub || !lock || !journal || lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode))
			goto next;
		fd = open(lock, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			/* held by a live run: never touched */
			dead = flock(fd, LOCK_EX | LOCK_NB) == 0;
		}
		if (dead) {
			undo_journal(journal);
			pf_info("removed %s, left by an interrupted run", sub);
			pf_rm_rf(sub);
		}
		if (fd >= 0)
			close(fd);
next:
		free(sub);
		free(lock);
		free(journal);
	}
	closedir(d);
}

int pf_txn_start(const char *tmpdir, int *fd)
{
	char *lock = pf_path_join(tmpdir, PF_TXN_LOCK);
	char pid[32];
	int f, n;

	if (!lock)
		return -PF_ENOMEM;
	f = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f < 0 || flock(f, LOCK_EX | LOCK_NB) != 0) {
		pf_err("%s: cannot create the run's lock file: %s", lock, strerror(errno));
		if (f >= 0)
			close(f);
		free(lock);
		return -PF_EIO;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (write(f, pid, (size_t)n) != n) {
		pf_err("%s: cannot write: %s", lock, strerror(errno));
		close(f);
		free(lock);
		return -PF_EIO;
	}
	free(lock);
	/* the journal's first page now: later lines need no new space, so a
	 * full disk shows where it happens (in an output), not here */
	lock = pf_path_join(tmpdir, PF_TXN_JOURNAL);
	n = lock ? open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
	if (n < 0 || write(n, "# peforge run journal\n", 22) != 22) {
		pf_err("%s: cannot write the run's journal: %s", tmpdir, strerror(errno));
		if (n >= 0)
			close(n);
		free(lock);
		close(f);
		return -PF_EIO;
	}
	close(n);
	free(lock);
	*fd = f;
	return 0;
}

int pf_txn_journal(struct pf_job *job, char tag, const char *path, const char *other)
{
	char *line = other ? pf_asprintf("%c %s\t%s\n", tag, path, other)
			   : pf_asprintf("%c %s\n", tag, path);
	int ret = 0;

	if (!line)
		return -PF_ENOMEM;
	if (strchr(path, '\n') || (other && strchr(other, '\n'))) {
		pf_err("%s: a line break in an output name", path);
		free(line);
		return -PF_EINVAL;
	}
	if (job->journal_fd < 0) {
		char *j = pf_path_join(job->tmpdir, PF_TXN_JOURNAL);

		job->journal_fd = j ? open(j, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
					   0600) : -1;
		free(j);
	}
	if (job->journal_fd < 0 || write(job->journal_fd, line, strlen(line)) !=
	    (ssize_t)strlen(line) || fdatasync(job->journal_fd) != 0) {
		pf_err("%s: cannot write the run's journal: %s", job->tmpdir, strerror(errno));
		ret = -PF_EIO;
	}
	free(line);
	return ret;
}

int pf_txn_tmpname(struct pf_job *job, const char *final, char **out)
{
	const char *id = strrchr(job->tmpdir, '.');
	char *name = pf_asprintf("%s.tmp-%s-%u", final, id ? id + 1 : "x",
				 ++job->ntmpnames);
	int ret;

	if (!name)
		return -PF_ENOMEM;
	ret = pf_txn_journal(job, 'T', name, NULL);
	if (ret) {
		free(name);
		return ret;
	}
	*out = name;
	return 0;
}

int pf_txn_stage(struct pf_job *job, const char *tmp, const char *final, int is_dir)
{
	struct pf_staged *grown, s = { 0 };
	size_t i;

	for (i = 0; i < job->nstaged; i++) {
		if (!strcmp(job->staged[i].final, final)) {
			pf_err("%s: two outputs of this run write this path", final);
			return -PF_EEXIST;
		}
	}
	s.tmp = pf_strdup(tmp);
	s.final = pf_strdup(final);
	s.is_dir = is_dir;
	grown = s.tmp && s.final ? realloc(job->staged, (job->nstaged + 1) * sizeof(*grown))
				 : NULL;
	if (!grown) {
		free(s.tmp);
		free(s.final);
		return -PF_ENOMEM;
	}
	job->staged = grown;
	job->staged[job->nstaged++] = s;
	return 0;
}

const char *pf_txn_staged_name(const struct pf_job *job, const char *final)
{
	size_t i;

	for (i = 0; job && i < job->nstaged; i++)
		if (!strcmp(job->staged[i].final, final))
			return job->staged[i].tmp;
	return NULL;
}

/* fsync the folder holding PATH, so that a rename in it is on disk. */
static void sync_parent(const char *path)
{
	char *dir = pf_dirname(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* 1 when paths A and B are in the same folder (compared as written). */
static int same_parent(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;

	return la == lb && !strncmp(a, b, la);
}

/* Undo the commit of S (renamed in, or only moved aside): the new output
 * goes back to its temporary name, the old one back to FINAL. */
static void undo_one(struct pf_staged *s)
{
	if (s->done && rename(s->final, s->tmp) != 0)
		pf_err("%s: cannot take the new output back: %s", s->final, strerror(errno));
	if (s->aside) {
		if (rename(s->aside, s->final) != 0)
			pf_err("%s: cannot put the previous output back from %s: %s",
			       s->final, s->aside, strerror(errno));
		free(s->aside);
		s->aside = NULL;
	}
	s->done = 0;
}

/* Move or link the existing output of S aside (journaled first). */
static int put_aside(struct pf_job *job, struct pf_staged *s, size_t i)
{
	const char *id = strrchr(job->tmpdir, '.');
	struct stat st;
	char *aside;
	int ret;

	if (lstat(s->final, &st) != 0)
		return 0;
	if (s->is_dir != !!S_ISDIR(st.st_mode)) {
		pf_err(s->is_dir ? "%s: exists and is a file, not a folder"
				 : "%s: output path is a folder", s->final);
		return -PF_EEXIST;
	}
	aside = pf_asprintf("%s.old-%s-%zu", s->final, id ? id + 1 : "x", i);
	if (!aside)
		return -PF_ENOMEM;
	ret = pf_txn_journal(job, 'A', aside, s->final);
	if (!ret && (s->is_dir ? rename(s->final, aside) : link(s->final, aside)) != 0) {
		if (!s->is_dir && (errno == EPERM || errno == EXDEV || errno == EMLINK)) {
			free(aside); /* no hard links here: replaced without a way back */
			return 0;
		}
		pf_err("%s: cannot move the previous output aside: %s", s->final,
		       strerror(errno));
		ret = -PF_EIO;
	}
	if (ret)
		free(aside);
	else
		s->aside = aside;
	return ret;
}

int pf_txn_commit(struct pf_job *job)
{
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < job->nstaged; i++) {
		struct pf_staged *s = &job->staged[i];

		ret = put_aside(job, s, i);
		if (ret)
			break;
		if (rename(s->tmp, s->final) != 0) {
			pf_err("%s: cannot rename %s into place: %s", s->final, s->tmp,
			       strerror(errno));
			ret = -PF_EIO;
			break;
		}
		s->done = 1;
	}
	if (ret) {
		for (j = 0; j <= i && j < job->nstaged; j++)
			undo_one(&job->staged[j]);
		return ret;
	}
	for (i = 0; i < job->nstaged; i++) {
		struct pf_staged *s = &job->staged[i];

		/* one fsync per folder: outputs side by side share it */
		if (!i || !same_parent(job->staged[i - 1].final, s->final))
			sync_parent(s->final);
		if (s->aside) {
			pf_rm_rf(s->aside);
			free(s->aside);
			s->aside = NULL;
		}
	}
	job->committed = 1;
	return 0;
}

void pf_txn_abort(struct pf_job *job)
{
	size_t i;

	for (i = 0; i < job->nstaged; i++) {
		if (!job->staged[i].done)
			pf_rm_rf(job->staged[i].tmp);
		free(job->staged[i].tmp);
		free(job->staged[i].final);
		free(job->staged[i].aside);
	}
	free(job->staged);
	job->staged = NULL;
	job->nstaged = 0;
}
