/* plugins/outlib.c - helpers shared by the output plugins. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outlib.h"

int outlib_write_all(const struct pf_host *h, const char *who, const char *what,
		     int fd, const void *data, size_t len)
{
	struct fsu_err e;
	int ret = fsu_write_all(fd, data, len, what, &e);

	if (ret)
		h->log(PF_LOG_ERROR, who, "%s", e.msg);
	return ret;
}

int outlib_media_to_fd(const struct pf_host *h, struct pf_job *job, const char *who,
		       const char *path, int fd)
{
	char buf[1 << 16];
	uint64_t off = 0;
	int ret;

	for (;;) {
		size_t got = 0;

		ret = h->media_read(job, path, off, buf, sizeof(buf), &got);
		if (ret) {
			h->log(PF_LOG_ERROR, who, "%s: cannot read from the media: %s", path,
			       h->strerror(ret));
			return ret;
		}
		if (!got)
			return 0;
		/* a cancel check every 64 KiB (no stage: the display is left alone) */
		ret = h->progress ? h->progress(job, NULL, off, 0) : 0;
		if (!ret)
			ret = outlib_write_all(h, who, path, fd, buf, got);
		if (ret)
			return ret;
		off += got;
	}
}

int outlib_file_to_fd(const struct pf_host *h, const char *who, const char *src, int fd)
{
	struct fsu_err e;
	int in = open(src, O_RDONLY | O_CLOEXEC), ret;

	if (in < 0) {
		h->log(PF_LOG_ERROR, who, "%s: cannot open: %s", src, strerror(errno));
		return -PF_EIO;
	}
	ret = fsu_copy_fd(in, src, fd, src, NULL, NULL, &e);
	if (ret)
		h->log(PF_LOG_ERROR, who, "%s", e.msg);
	close(in);
	return ret;
}

int outlib_media_host(const struct pf_host *h, struct pf_job *job, const char *media,
		      char **out)
{
	if (!PF_HOST_HAS(h, media_host_path) || !h->media_host_path)
		return -PF_EUNSUPPORTED;
	return h->media_host_path(job, media, out);
}

int outlib_put(const struct pf_host *h, struct pf_job *job, const char *who,
	       const char *root, const struct outlib_file *f, unsigned flags)
{
	struct fsu_file x = { .rel = f->path, .host = f->host, .data = f->data,
			      .len = (size_t)f->size, .flags = flags & FSU_LINK };
	struct fsu_err e;
	char *path = NULL;
	int fd = -1, ret;

	/* a media file the source holds as a host file: copied by the kernel
	 * like one (fsu_copy_fd), not read through media_read */
	if (f->media && !outlib_media_host(h, job, f->media, &path)) {
		x.host = path;
		x.flags = 0; /* never a hard link to the user's media: a copy */
	}
	if (!f->media || x.host) {
		ret = fsu_write_tree(root, &x, 1, flags, NULL, NULL, &e);
		if (ret)
			h->log(PF_LOG_ERROR, who, "%s", e.msg);
		free(path);
		return ret;
	}
	ret = fsu_create(root, f->path, flags, &path, &fd, &e);
	if (ret) {
		h->log(PF_LOG_ERROR, who, "%s", e.msg);
		return ret;
	}
	ret = outlib_media_to_fd(h, job, who, f->media, fd);
	if (close(fd) != 0 && !ret) {
		h->log(PF_LOG_ERROR, who, "%s: write failed: %s", path, strerror(errno));
		ret = -PF_EIO;
	}
	free(path);
	return ret;
}

int outlib_write_output(const struct pf_host *h, struct pf_job *job, const char *who,
			const char *final, const void *data, size_t len)
{
	char *tmp = NULL;
	int fd = -1, ret;

	ret = h->output_begin(job, final, &tmp, &fd);
	if (ret)
		return ret;
	ret = outlib_write_all(h, who, final, fd, data, len);
	if (ret)
		h->output_abort(job, fd, tmp);
	else
		ret = h->output_commit(job, fd, tmp, final);
	free(tmp);
	return ret;
}

int outlib_dir_begin(const struct pf_host *h, const char *who, const char *final,
		     char **tmp)
{
	char *t = NULL;

	if (asprintf(&t, "%s.tmp-XXXXXX", final) < 0)
		return -PF_ENOMEM;
	if (!mkdtemp(t)) {
		h->log(PF_LOG_ERROR, who, "%s: cannot create a folder beside it: %s", final,
		       strerror(errno));
		free(t);
		return errno == ENOENT ? -PF_ENOENT : -PF_EIO;
	}
	chmod(t, 0755);
	*tmp = t;
	return 0;
}

int outlib_dir_commit(const struct pf_host *h, const char *who, const char *tmp,
		      const char *final)
{
	char *old = NULL;
	struct stat st;
	int ret = 0;

	if (lstat(final, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			h->log(PF_LOG_ERROR, who, "%s: exists and is not a folder", final);
			return -PF_EEXIST;
		}
		if (asprintf(&old, "%s.old-XXXXXX", final) < 0 || !mkdtemp(old)) {
			h->log(PF_LOG_ERROR, who, "%s: cannot move the old folder aside", final);
			free(old);
			return -PF_EIO;
		}
		if (rename(final, old) != 0) {
			h->log(PF_LOG_ERROR, who, "%s: cannot move the old folder aside: %s",
			       final, strerror(errno));
			rmdir(old);
			free(old);
			return -PF_EIO;
		}
	}
	if (rename(tmp, final) != 0) {
		h->log(PF_LOG_ERROR, who, "%s: cannot rename %s into place: %s", final, tmp,
		       strerror(errno));
		if (old)
			rename(old, final); /* put the old one back */
		ret = -PF_EIO;
	}
	if (old && !ret)
		fsu_rm_rf(old, NULL);
	free(old);
	return ret;
}

int outlib_dir_begin_job(const struct pf_host *h, struct pf_job *job, const char *who,
			 const char *final, char **tmp)
{
	if (PF_HOST_HAS(h, output_dir_begin))
		return h->output_dir_begin(job, final, tmp);
	return outlib_dir_begin(h, who, final, tmp);
}

int outlib_dir_commit_job(const struct pf_host *h, struct pf_job *job, const char *who,
			  const char *tmp, const char *final)
{
	if (PF_HOST_HAS(h, output_dir_commit))
		return h->output_dir_commit(job, tmp, final);
	return outlib_dir_commit(h, who, tmp, final);
}

int outlib_file_arg(const struct pf_host *h, const struct pf_args *args, const char *who,
		    const char *example, const char **path)
{
	const char *p = h->arg_string(args, "path");

	if (!p || !*p) {
		h->log(PF_LOG_ERROR, who, "outputs.%s: give a file name (outputs = { %s = "
		       "\"%s\" })", who, who, example);
		return -PF_ERECIPE;
	}
	*path = p;
	return outlib_claim(h, args, p, 0); /* checked before any work */
}

int outlib_claim(const struct pf_host *h, const struct pf_args *args, const char *name,
		 int folder)
{
	return PF_HOST_HAS(h, output_claim) ? h->output_claim(args, name, folder) : 0;
}

void outlib_dir_abort(const char *tmp)
{
	if (tmp)
		fsu_rm_rf(tmp, NULL);
}

int outlib_dir_replaceable(const char *dir, const char *mark)
{
	char *readme = NULL, line[128];
	DIR *d = opendir(dir);
	struct dirent *de;
	FILE *f;
	int ok = 0;

	if (d) {
		while ((de = readdir(d)) && (!strcmp(de->d_name, ".") ||
					     !strcmp(de->d_name, "..")))
			;
		ok = de == NULL; /* empty: nothing to lose */
		closedir(d);
		if (ok)
			return 1;
	}
	if (asprintf(&readme, "%s/README.txt", dir) < 0)
		return 0;
	f = fopen(readme, "re");
	if (f) {
		ok = fgets(line, sizeof(line), f) && !strncmp(line, mark, strlen(mark));
		fclose(f);
	}
	free(readme);
	return ok;
}

int outlib_mkparents(const struct pf_host *h, const char *who, const char *root,
		     const char *path)
{
	struct fsu_err e;
	int ret = fsu_mkparents(root, path, 0755, 0, &e);

	if (ret)
		h->log(PF_LOG_ERROR, who, "%s", e.msg);
	return ret;
}

/* Keep S (malloc'd) in F's storage; returns S or NULL. */
static char *own(struct outlib_files *f, char *s)
{
	char **grown;

	if (!s)
		return NULL;
	grown = realloc(f->owned, (f->nowned + 1) * sizeof(*grown));
	if (!grown) {
		free(s);
		return NULL;
	}
	f->owned = grown;
	grown[f->nowned++] = s;
	return s;
}

/* Add or replace (same path, case-insensitively) a file of the medium. */
static int add(struct outlib_files *f, const struct outlib_file *x)
{
	struct outlib_file *grown;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (!strcasecmp(f->v[i].path, x->path)) {
			f->v[i] = *x;
			return 0;
		}
	}
	grown = realloc(f->v, (f->n + 1) * sizeof(*grown));
	if (!grown)
		return -PF_ENOMEM;
	f->v = grown;
	grown[f->n++] = *x;
	return 0;
}

/* Context of the recursive walk of a media folder. */
struct walk {
	const struct pf_host *h;
	struct pf_job *job;
	struct outlib_files *f;
	const char *dir;      /* media folder being listed */
	int err;
	const char *who;      /* the output, for messages */
};

static int walk_dir(const struct pf_host *h, struct pf_job *job, struct outlib_files *f,
		    const char *who, const char *dir);

/* Lower-case copy of S (malloc'd). */
static char *lower(const char *s)
{
	char *d = strdup(s), *p;

	for (p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static int walk_cb(void *ctx, const char *name, const struct pf_stat *st)
{
	struct walk *w = ctx;
	char *path = NULL;
	int ret;

	if (asprintf(&path, "%s/%s", w->dir, name) < 0)
		return -PF_ENOMEM;
	if (!own(w->f, path))
		return -PF_ENOMEM;
	if (st->is_dir)
		return walk_dir(w->h, w->job, w->f, w->who, path);
	{
		struct outlib_file x = { 0 };

		x.media = path;
		x.path = own(w->f, lower(path));
		x.size = st->size;
		if (!x.path)
			return -PF_ENOMEM;
		ret = add(w->f, &x);
	}
	return ret;
}

/* Add every file under media folder DIR. */
static int walk_dir(const struct pf_host *h, struct pf_job *job, struct outlib_files *f,
		    const char *who, const char *dir)
{
	struct walk w = { h, job, f, dir, 0, who };
	int ret = outlib_walk_depth(h, who, dir);

	return ret ? ret : h->media_list(job, dir, walk_cb, &w);
}

int outlib_walk_depth(const struct pf_host *h, const char *who, const char *dir)
{
	const char *c;
	int n = 0;

	for (c = dir; *c; c++)
		if (*c != '/' && (c == dir || c[-1] == '/'))
			n++;
	if (n < PF_MEDIA_MAX_DEPTH)
		return 0;
	h->log(PF_LOG_ERROR, who, "%s: folder tree deeper than %d levels (a folder "
	       "that loops back?)", dir, PF_MEDIA_MAX_DEPTH);
	return -PF_EIO;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct outlib_file *)a)->path,
		      ((const struct outlib_file *)b)->path);
}

int outlib_medium_files(const struct pf_host *h, struct pf_job *job, const char *who,
			struct outlib_files *out)
{
	static const char *const top_files[] = { "bootmgr", "bootmgr.efi", NULL };
	static const char *const top_dirs[] = { "boot", "efi", NULL };
	struct outlib_files f = { 0 };
	const char *wim = h->job_wim(job);
	struct pf_stat st;
	size_t i, n;
	int ret = 0;

	for (i = 0; !ret && top_files[i]; i++) {
		struct outlib_file x = { 0 };

		if (h->media_stat(job, top_files[i], &st) != 0 || st.is_dir)
			continue;
		x.path = top_files[i];
		x.media = top_files[i];
		x.size = st.size;
		ret = add(&f, &x);
	}
	for (i = 0; !ret && top_dirs[i]; i++)
		if (h->media_stat(job, top_dirs[i], &st) == 0 && st.is_dir)
			ret = walk_dir(h, job, &f, who, top_dirs[i]);
	if (!ret && wim) {
		struct outlib_file x = { 0 };
		struct stat hs;

		if (stat(wim, &hs) != 0) {
			h->log(PF_LOG_ERROR, who, "%s: %s", wim, strerror(errno));
			ret = -PF_EIO;
		} else {
			x.path = "sources/boot.wim";
			x.host = wim;
			x.size = (uint64_t)hs.st_size;
			ret = add(&f, &x);
		}
	}
	n = ret ? 0 : h->edit_count(job);
	for (i = 0; !ret && i < n; i++) {
		const struct pf_edit *e = h->edit_get(job, i);
		struct outlib_file x = { 0 };
		struct stat hs;

		if (e->target != PF_TARGET_MEDIUM)
			continue;
		x.path = e->path;
		if (e->op == PF_EDIT_ADD_DATA) {
			x.data = e->data;
			x.size = e->len;
		} else if (e->op == PF_EDIT_ADD_FILE) {
			if (stat(e->src, &hs) != 0) {
				h->log(PF_LOG_ERROR, who, "%s: %s", e->src, strerror(errno));
				ret = -PF_EIO;
				break;
			}
			x.host = e->src;
			x.size = (uint64_t)hs.st_size;
		} else {
			h->log(PF_LOG_WARN, who, "%s: only added files are supported on the "
			       "boot medium; edit ignored", e->path);
			continue;
		}
		ret = add(&f, &x);
	}
	if (ret) {
		if (ret != -PF_ENOMEM && ret != -PF_EIO)
			h->log(PF_LOG_ERROR, who, "cannot list the boot medium's files: %s",
			       h->strerror(ret));
		outlib_files_free(&f);
		return ret;
	}
	qsort(f.v, f.n, sizeof(*f.v), cmp_path);
	*out = f;
	return 0;
}

void outlib_files_free(struct outlib_files *f)
{
	size_t i;

	for (i = 0; i < f->nowned; i++)
		free(f->owned[i]);
	free(f->owned);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const char *outlib_find_system_file(const struct pf_host *h, const char *who,
				    const char *what, const char *package,
				    const char *const *candidates)
{
	size_t i;
	struct stat st;

	for (i = 0; candidates[i]; i++)
		if (stat(candidates[i], &st) == 0 && S_ISREG(st.st_mode))
			return candidates[i];
	h->log(PF_LOG_ERROR, who, "%s not found (looked for %s%s): install the Debian "
	       "package %s", what, candidates[0], candidates[1] ? " and others" : "", package);
	return NULL;
}
