/* plugins/lib/fleet.c - the fleet of a network install: fleet.tsv,
 * machines.state and the live boot entries (see fleet.h, docs/fleet.md). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"
#include "fsutil.h"

#define STATE_FILE "machines.state"
#define LOCK_FILE ".machines.lock"
#define FLEET_TSV "machines/fleet.tsv"
#define STATE_HEADER "# peforge machines state: MAC ID STATE CHANGED; " \
	"written by peforge (peforge machines / serve)\n"

/* One line of machines.state. */
struct state_line {
	char mac[PF_FLEET_MACLEN];
	char *id;
	const char *state;          /* one of the PF_FLEET_* strings */
	time_t changed;
};

struct pf_fleet_state {
	struct state_line *l;
	size_t n;
};

/* Fill ERR (when given) with one printf-formatted line; returns CODE. */
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	PF_PRINTF(4, 5);
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Copy an fsu_err's line to ERR; returns CODE. */
static int fail_fsu(char *err, size_t errlen, int code, const struct fsu_err *e)
{
	return fail(err, errlen, code, "%s", e->msg);
}

/* The static spelling of a state word, or NULL when S is none. */
static const char *state_word(const char *s)
{
	if (!strcmp(s, PF_FLEET_WAITING))
		return PF_FLEET_WAITING;
	if (!strcmp(s, PF_FLEET_STARTED))
		return PF_FLEET_STARTED;
	if (!strcmp(s, PF_FLEET_DONE))
		return PF_FLEET_DONE;
	return NULL;
}

/*
 * Split LINE (modified) at its tabs into at most MAX fields; returns how
 * many there were (MAX + 1 when there were more).
 */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *t = strchr(p, '\t');

		if (n == max)
			return max + 1;
		f[n++] = p;
		if (!t)
			return n;
		*t = '\0';
		p = t + 1;
	}
}

/*
 * Call FN(CTX, LINENO, FIELDS, N) for each line of TEXT that is neither
 * empty nor a comment (TEXT is modified; a CR before the LF is dropped).
 * Stops at FN's first non-zero return, and returns it.
 */
static int each_line(char *text, int (*fn)(void *, unsigned, char **, size_t), void *ctx)
{
	unsigned lineno = 0;
	char *line = text, *f[6];
	int ret;

	while (line && *line) {
		char *nl = strchr(line, '\n'), *next = nl ? nl + 1 : NULL;
		size_t len;

		lineno++;
		if (nl)
			*nl = '\0';
		len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (*line && *line != '#') {
			ret = fn(ctx, lineno, f, split_tabs(line, f, 5));
			if (ret)
				return ret;
		}
		line = next;
	}
	return 0;
}

/* ---- machines.state ------------------------------------------------ */

/* Where a parser writes its result and its error. */
struct parse {
	const char *path;
	char *err;
	size_t errlen;
	void *out;
};

/* Find MAC (normalized) in S; its index or -1. */
static long state_find(const struct pf_fleet_state *s, const char *mac)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (!strcmp(s->l[i].mac, mac))
			return (long)i;
	return -1;
}

/* Take one machines.state line (see each_line). */
static int state_line(void *ctx, unsigned lineno, char **f, size_t n)
{
	struct parse *p = ctx;
	struct pf_fleet_state *s = p->out;
	struct state_line *l, *nl;
	char mac[PF_FLEET_MACLEN], *end;
	long long t;
	const char *st;

	if (n != 4)
		return fail(p->err, p->errlen, -PF_EINVAL,
			    "%s:%u: expected 4 tab-separated fields (MAC ID STATE CHANGED), "
			    "found %zu", p->path, lineno, n > 4 ? (size_t)5 : n);
	if (pf_fleet_mac_norm(f[0], mac))
		return fail(p->err, p->errlen, -PF_EINVAL, "%s:%u: '%s' is not a MAC address",
			    p->path, lineno, f[0]);
	st = state_word(f[2]);
	if (!st)
		return fail(p->err, p->errlen, -PF_EINVAL,
			    "%s:%u: unknown state '%s' (waiting, started or done)", p->path,
			    lineno, f[2]);
	errno = 0;
	t = strtoll(f[3], &end, 10);
	if (errno || end == f[3] || *end || t < 0)
		return fail(p->err, p->errlen, -PF_EINVAL,
			    "%s:%u: '%s' is not a time in seconds", p->path, lineno, f[3]);
	if (state_find(s, mac) >= 0)
		return fail(p->err, p->errlen, -PF_EINVAL, "%s:%u: %s appears twice",
			    p->path, lineno, mac);
	nl = realloc(s->l, (s->n + 1) * sizeof(*s->l));
	if (!nl)
		return fail(p->err, p->errlen, -PF_ENOMEM, "%s: out of memory", p->path);
	s->l = nl;
	l = &s->l[s->n];
	memcpy(l->mac, mac, sizeof(mac));
	l->id = strdup(f[1]);
	if (!l->id)
		return fail(p->err, p->errlen, -PF_ENOMEM, "%s: out of memory", p->path);
	l->state = st;
	l->changed = (time_t)t;
	s->n++;
	return 0;
}

int pf_fleet_state_load(const char *outdir, struct pf_fleet_state **out, char *err,
			size_t errlen)
{
	struct pf_fleet_state *s = calloc(1, sizeof(*s));
	char *path = fsu_join(outdir, STATE_FILE), *text = NULL;
	struct fsu_err e;
	struct parse p;
	int ret;

	if (!s || !path) {
		ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", outdir);
		goto out;
	}
	ret = fsu_read_file(path, &text, NULL, &e);
	if (ret == -PF_ENOENT) {
		ret = 0;
		goto out;
	}
	if (ret) {
		fail_fsu(err, errlen, ret, &e);
		goto out;
	}
	p = (struct parse){ path, err, errlen, s };
	ret = each_line(text, state_line, &p);
out:
	free(text);
	free(path);
	if (ret) {
		pf_fleet_state_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

const char *pf_fleet_state_of(const struct pf_fleet_state *s, const char *mac)
{
	char m[PF_FLEET_MACLEN];
	long i;

	if (pf_fleet_mac_norm(mac, m))
		return PF_FLEET_WAITING;
	i = state_find(s, m);
	return i < 0 ? PF_FLEET_WAITING : s->l[i].state;
}

time_t pf_fleet_state_changed(const struct pf_fleet_state *s, const char *mac)
{
	char m[PF_FLEET_MACLEN];
	long i;

	if (pf_fleet_mac_norm(mac, m))
		return 0;
	i = state_find(s, m);
	return i < 0 ? 0 : s->l[i].changed;
}

void pf_fleet_state_free(struct pf_fleet_state *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->l[i].id);
	free(s->l);
	free(s);
}

/* ---- fleet.tsv ----------------------------------------------------- */

/* Copy word W to DST (16 bytes) when it is one of the |-separated WORDS. */
static int take_word(char dst[16], const char *w, const char *words)
{
	size_t len = strlen(w);
	const char *p = words;

	while (p) {
		if (!strncmp(p, w, len) && (p[len] == '|' || !p[len])) {
			snprintf(dst, 16, "%s", w);
			return 0;
		}
		p = strchr(p, '|');
		if (p)
			p++;
	}
	return -PF_EINVAL;
}

/* Take one fleet.tsv line (see each_line). */
static int fleet_line(void *ctx, unsigned lineno, char **f, size_t n)
{
	static const struct { const char *key; size_t off; const char *words; } keys[] = {
		{ "loader", offsetof(struct pf_fleet, loader), "pxelinux|ipxe" },
		{ "known", offsetof(struct pf_fleet, known), "install|menu" },
		{ "unknown", offsetof(struct pf_fleet, unknown), "local|menu|install" },
	};
	struct parse *p = ctx;
	struct pf_fleet *fl = p->out;
	struct pf_fleet_machine *m;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(f[0], keys[i].key))
			continue;
		if (n != 2 || take_word((char *)fl + keys[i].off, f[1], keys[i].words))
			return fail(p->err, p->errlen, -PF_EINVAL,
				    "%s:%u: %s must be one of %s", p->path, lineno,
				    keys[i].key, keys[i].words);
		return 0;
	}
	if (strcmp(f[0], "machine"))
		return fail(p->err, p->errlen, -PF_EINVAL,
			    "%s:%u: unknown line '%s' (loader, known, unknown or machine)",
			    p->path, lineno, f[0]);
	if (n != 4 || (strcmp(f[3], "wipe") && strcmp(f[3], "keep")) || !*f[2])
		return fail(p->err, p->errlen, -PF_EINVAL,
			    "%s:%u: expected machine<TAB>MAC<TAB>ID<TAB>wipe|keep", p->path,
			    lineno);
	m = realloc(fl->m, (fl->n + 1) * sizeof(*m));
	if (!m)
		return fail(p->err, p->errlen, -PF_ENOMEM, "%s: out of memory", p->path);
	fl->m = m;
	m += fl->n;
	if (pf_fleet_mac_norm(f[1], m->mac))
		return fail(p->err, p->errlen, -PF_EINVAL, "%s:%u: '%s' is not a MAC address",
			    p->path, lineno, f[1]);
	if (pf_fleet_by_mac(fl, m->mac))
		return fail(p->err, p->errlen, -PF_EINVAL, "%s:%u: %s appears twice", p->path,
			    lineno, m->mac);
	m->wipe = !strcmp(f[3], "wipe");
	m->id = strdup(f[2]);
	if (!m->id)
		return fail(p->err, p->errlen, -PF_ENOMEM, "%s: out of memory", p->path);
	fl->n++;
	return 0;
}

/*
 * The folder of OUTDIR holding machines/fleet.tsv (*PXEDIR, malloc'd).
 * Temporary and old folders of an output (NAME.tmp-*, NAME.old-*) and
 * hidden ones do not count.
 */
static int find_pxedir(const char *outdir, char **pxedir, char *err, size_t errlen)
{
	DIR *d = opendir(outdir);
	struct dirent *de;
	char *found = NULL;
	int ret = 0;

	if (!d)
		return fail(err, errlen, errno == ENOENT ? -PF_ENOENT : -PF_EIO,
			    "%s: cannot open: %s", outdir, strerror(errno));
	while ((de = readdir(d))) {
		char *dir, *tsv;
		int has;

		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp-") ||
		    strstr(de->d_name, ".old-"))
			continue;
		dir = fsu_join(outdir, de->d_name);
		tsv = dir ? fsu_join(dir, FLEET_TSV) : NULL;
		if (!tsv) {
			free(dir);
			ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", outdir);
			goto out;
		}
		has = fsu_is_file(tsv);
		free(tsv);
		if (!has) {
			free(dir);
			continue;
		}
		if (found) {
			ret = fail(err, errlen, -PF_EINVAL,
				   "%s: two pxe trees with a fleet (%s and %s); one is expected",
				   outdir, found, dir);
			free(dir);
			goto out;
		}
		found = dir;
	}
	if (!found)
		ret = fail(err, errlen, -PF_ENOENT,
			   "%s: no fleet here (no pxe output folder with %s; a build with "
			   "pe.machines and the pxe output writes one)", outdir, FLEET_TSV);
out:
	closedir(d);
	if (ret)
		free(found);
	else
		*pxedir = found;
	return ret;
}

int pf_fleet_load(const char *outdir, struct pf_fleet **out, char *err, size_t errlen)
{
	struct pf_fleet *f = calloc(1, sizeof(*f));
	char *tsv = NULL, *text = NULL;
	struct fsu_err e;
	struct parse p;
	int ret;

	if (!f || !(f->outdir = strdup(outdir))) {
		ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", outdir);
		goto out;
	}
	ret = find_pxedir(outdir, &f->pxedir, err, errlen);
	if (ret)
		goto out;
	tsv = fsu_join(f->pxedir, FLEET_TSV);
	if (!tsv) {
		ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", outdir);
		goto out;
	}
	ret = fsu_read_file(tsv, &text, NULL, &e);
	if (ret) {
		fail_fsu(err, errlen, ret, &e);
		goto out;
	}
	p = (struct parse){ tsv, err, errlen, f };
	ret = each_line(text, fleet_line, &p);
	if (!ret && (!f->loader[0] || !f->known[0] || !f->unknown[0]))
		ret = fail(err, errlen, -PF_EINVAL, "%s: the loader, known or unknown line "
			   "is missing", tsv);
out:
	free(text);
	free(tsv);
	if (ret) {
		pf_fleet_free(f);
		return ret;
	}
	*out = f;
	return 0;
}

void pf_fleet_free(struct pf_fleet *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->m[i].id);
	free(f->m);
	free(f->pxedir);
	free(f->outdir);
	free(f);
}

const struct pf_fleet_machine *pf_fleet_by_mac(const struct pf_fleet *f, const char *mac)
{
	char m[PF_FLEET_MACLEN];
	size_t i;

	if (pf_fleet_mac_norm(mac, m))
		return NULL;
	for (i = 0; i < f->n; i++)
		if (!strcmp(f->m[i].mac, m))
			return &f->m[i];
	return NULL;
}

size_t pf_fleet_match(const struct pf_fleet *f, const char *who, size_t *idx)
{
	char m[PF_FLEET_MACLEN];
	int is_mac = pf_fleet_mac_norm(who, m) == 0;
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		if (is_mac ? !strcmp(f->m[i].mac, m) : !strcasecmp(f->m[i].id, who))
			idx[n++] = i;
	return n;
}

const char *pf_fleet_variant_for(const struct pf_fleet *f, const char *state)
{
	return strcmp(state, PF_FLEET_WAITING) ? "local" : f->known;
}

/* The files' extension for F's loader. */
static const char *ext_of(const struct pf_fleet *f)
{
	return strcmp(f->loader, "ipxe") ? "cfg" : "ipxe";
}

char *pf_fleet_live_path(const struct pf_fleet *f, const char *mac)
{
	char *p = NULL;

	if (!strcmp(f->loader, "ipxe")) {
		if (asprintf(&p, "%s/machines/%s.ipxe", f->pxedir, mac) < 0)
			return NULL;
	} else if (asprintf(&p, "%s/pxelinux.cfg/01-%s", f->pxedir, mac) < 0) {
		return NULL;
	}
	return p;
}

char *pf_fleet_variant_path(const struct pf_fleet *f, const char *mac, const char *variant)
{
	char *p = NULL;

	if (asprintf(&p, "%s/machines/%s.%s.%s", f->pxedir, mac, variant, ext_of(f)) < 0)
		return NULL;
	return p;
}

/* ---- setting a state ----------------------------------------------- */

/* fsync the folder holding PATH, so that a rename in it is on disk. */
static void sync_parent(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int fd;

	if (!slash)
		goto out;
	*slash = '\0';
	fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
out:
	free(dir);
}

/*
 * A new temporary file beside FINAL (*TMP malloc'd, *FD open, mode 0644
 * whatever the umask).  0 or -PF_EIO / -PF_ENOMEM with ERR filled.
 */
static int tmp_beside(const char *final, char **tmp, int *fd, char *err, size_t errlen)
{
	char *t = NULL;
	int f;

	if (asprintf(&t, "%s.tmp-XXXXXX", final) < 0)
		return fail(err, errlen, -PF_ENOMEM, "%s: out of memory", final);
	f = mkostemp(t, O_CLOEXEC);
	if (f < 0) {
		int code = fail(err, errlen, -PF_EIO, "%s: cannot create a file beside it: %s",
				final, strerror(errno));

		free(t);
		return code;
	}
	(void)fchmod(f, 0644);
	*tmp = t;
	*fd = f;
	return 0;
}

/* fsync and close FD (the file TMP, destined for FINAL); on failure TMP is
 * removed.  0 or -PF_EIO. */
static int finish_tmp(int fd, const char *tmp, const char *final, char *err, size_t errlen)
{
	int ret = 0;

	if (fsync(fd) != 0 && errno != EINVAL)
		ret = fail(err, errlen, -PF_EIO, "%s: cannot flush to disk: %s", final,
			   strerror(errno));
	if (close(fd) != 0 && !ret)
		ret = fail(err, errlen, -PF_EIO, "%s: write failed: %s", final,
			   strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}

/* Rename TMP to FINAL (and sync the folder); TMP removed on failure. */
static int put_in_place(const char *tmp, const char *final, char *err, size_t errlen)
{
	if (rename(tmp, final) != 0) {
		int code = fail(err, errlen, -PF_EIO, "%s: cannot rename %s into place: %s",
				final, tmp, strerror(errno));

		unlink(tmp);
		return code;
	}
	sync_parent(final);
	return 0;
}

/* The text of machines.state for S (malloc'd), or NULL on no memory. */
static char *state_text(const struct pf_fleet_state *s)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs(STATE_HEADER, f);
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s\t%s\t%s\t%lld\n", s->l[i].mac, s->l[i].id, s->l[i].state,
			(long long)s->l[i].changed);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Put MACHINE's STATE at NOW into S (in memory). */
static int state_put(struct pf_fleet_state *s, const struct pf_fleet_machine *m,
		     const char *state, time_t now)
{
	long i = state_find(s, m->mac);
	struct state_line *l;
	char *id = strdup(m->id);

	if (!id)
		return -PF_ENOMEM;
	if (i < 0) {
		l = realloc(s->l, (s->n + 1) * sizeof(*l));
		if (!l) {
			free(id);
			return -PF_ENOMEM;
		}
		s->l = l;
		i = (long)s->n++;
		memcpy(s->l[i].mac, m->mac, PF_FLEET_MACLEN);
	} else {
		free(s->l[i].id);
	}
	s->l[i].id = id;
	s->l[i].state = state;
	s->l[i].changed = now;
	return 0;
}

/* Copy the variant file SRC to a new temporary file beside LIVE (*TMP). */
static int stage_variant(const char *src, const char *live, char **tmp, char *err,
			 size_t errlen)
{
	struct fsu_err e;
	int in, out = -1, ret;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail(err, errlen, errno == ENOENT ? -PF_ENOENT : -PF_EIO,
			    "%s: cannot open: %s", src, strerror(errno));
	ret = tmp_beside(live, tmp, &out, err, errlen);
	if (ret)
		goto out;
	ret = fsu_copy_fd(in, src, out, *tmp, NULL, NULL, &e);
	if (ret) {
		fail_fsu(err, errlen, ret, &e);
		close(out);
		unlink(*tmp);
	} else {
		ret = finish_tmp(out, *tmp, live, err, errlen);
	}
	if (ret) {
		free(*tmp);
		*tmp = NULL;
	}
out:
	close(in);
	return ret;
}

/* Open and flock(LOCK_EX) the lock file LOCK: the descriptor to *LFD
 * (closing it releases the lock). */
static int lock_outdir(const char *lock, int *lfd, char *err, size_t errlen)
{
	int ret;

	*lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (*lfd < 0)
		return fail(err, errlen, -PF_EIO, "%s: cannot open: %s", lock, strerror(errno));
	while ((ret = flock(*lfd, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (ret)
		return fail(err, errlen, -PF_EIO, "%s: cannot lock: %s", lock, strerror(errno));
	return 0;
}

int pf_fleet_set(const struct pf_fleet *f, const char *mac, const char *state, time_t now,
		 const char **old, char *err, size_t errlen)
{
	const struct pf_fleet_machine *m = pf_fleet_by_mac(f, mac);
	struct pf_fleet_state *s = NULL;
	char *lock = NULL, *spath = NULL, *live = NULL, *var = NULL;
	char *ltmp = NULL, *stmp = NULL, *text = NULL;
	const char *st = state ? state_word(state) : NULL;
	int lfd = -1, sfd = -1, ret;

	if (!st)
		return fail(err, errlen, -PF_EINVAL, "'%s' is not a state (waiting, started "
			    "or done)", state ? state : "(null)");
	if (!m)
		return fail(err, errlen, -PF_ENOENT, "%s: not a known machine (%s/%s)", mac,
			    f->pxedir, FLEET_TSV);
	lock = fsu_join(f->outdir, LOCK_FILE);
	spath = fsu_join(f->outdir, STATE_FILE);
	live = pf_fleet_live_path(f, m->mac);
	var = pf_fleet_variant_path(f, m->mac, pf_fleet_variant_for(f, st));
	if (!lock || !spath || !live || !var) {
		ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", f->outdir);
		goto out;
	}
	ret = lock_outdir(lock, &lfd, err, errlen);
	if (ret)
		goto out;
	/* under the lock: the state as it is now, not as the caller saw it */
	ret = pf_fleet_state_load(f->outdir, &s, err, errlen);
	if (ret)
		goto out;
	if (old)
		*old = pf_fleet_state_of(s, m->mac);
	/* the new entry first: when it cannot be made, nothing changes */
	ret = stage_variant(var, live, &ltmp, err, errlen);
	if (ret)
		goto out;
	ret = state_put(s, m, st, now);
	if (ret || !(text = state_text(s))) {
		ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", spath);
		goto out;
	}
	ret = tmp_beside(spath, &stmp, &sfd, err, errlen);
	if (ret)
		goto out;
	{
		struct fsu_err e;

		ret = fsu_write_all(sfd, text, strlen(text), stmp, &e);
		if (ret) {
			fail_fsu(err, errlen, ret, &e);
			close(sfd);
			unlink(stmp);
			goto out;
		}
	}
	ret = finish_tmp(sfd, stmp, spath, err, errlen);
	if (!ret)
		ret = put_in_place(stmp, spath, err, errlen);
	if (!ret)
		ret = put_in_place(ltmp, live, err, errlen);
	if (!ret) {
		free(ltmp);
		ltmp = NULL;
	}
out:
	if (ltmp) {
		unlink(ltmp);
		free(ltmp);
	}
	free(stmp);
	free(text);
	pf_fleet_state_free(s);
	if (lfd >= 0)
		close(lfd); /* and the lock with it */
	free(var);
	free(live);
	free(spath);
	free(lock);
	return ret;
}

int pf_fleet_sync(const struct pf_fleet *f, char *err, size_t errlen)
{
	struct pf_fleet_state *s = NULL;
	char *lock = fsu_join(f->outdir, LOCK_FILE), *live = NULL, *var = NULL, *tmp = NULL;
	int lfd = -1, ret;
	size_t i;

	if (!lock)
		return fail(err, errlen, -PF_ENOMEM, "%s: out of memory", f->outdir);
	ret = lock_outdir(lock, &lfd, err, errlen);
	if (!ret)
		ret = pf_fleet_state_load(f->outdir, &s, err, errlen);
	for (i = 0; !ret && i < f->n; i++) {
		const char *st = pf_fleet_state_of(s, f->m[i].mac);

		live = pf_fleet_live_path(f, f->m[i].mac);
		var = pf_fleet_variant_path(f, f->m[i].mac, pf_fleet_variant_for(f, st));
		if (!live || !var)
			ret = fail(err, errlen, -PF_ENOMEM, "%s: out of memory", f->outdir);
		if (!ret)
			ret = stage_variant(var, live, &tmp, err, errlen);
		if (!ret)
			ret = put_in_place(tmp, live, err, errlen);
		if (ret && tmp)
			unlink(tmp);
		free(tmp);
		free(var);
		free(live);
		tmp = var = live = NULL;
	}
	pf_fleet_state_free(s);
	if (lfd >= 0)
		close(lfd);
	free(lock);
	return ret;
}
