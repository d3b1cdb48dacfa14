/*
 * plugins/source-dir.c - source plugin "dir": an extracted or mounted
 * Windows installation tree, read as an ordinary user and never written.
 * Names are matched case-insensitively (boot/bcd, BOOT/BCD and Boot/BCD are
 * the same file), as on the Windows media themselves.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peforge/plugin.h"

#define NAME "dir"

struct dir_state {
	const struct pf_host *host;
	char *root;
};

/* The media state handed to the core. */
struct dir_media {
	const struct pf_host *host;
	char *root;
};

/*
 * Resolve media path PATH under ROOT, matching each name case-insensitively
 * (an exact match wins).  On success *OUT is the malloc'd host path.
 * Returns 0, -PF_ENOENT, -PF_EINVAL (a ".." name) or -PF_ENOMEM.
 */
static int resolve(const char *root, const char *path, char **out)
{
	size_t cap = strlen(root) + strlen(path) + 2;
	char *cur = malloc(cap + NAME_MAX + 2);
	char *copy = strdup(path), *seg, *save = NULL;
	int ret = 0;

	if (!cur || !copy) {
		ret = -PF_ENOMEM;
		goto out;
	}
	strcpy(cur, root);
	for (seg = strtok_r(copy, "/\\", &save); seg; seg = strtok_r(NULL, "/\\", &save)) {
		size_t n = strlen(cur);
		DIR *d;
		struct dirent *de;
		int found = 0;

		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			ret = -PF_EINVAL;
			goto out;
		}
		snprintf(cur + n, cap + NAME_MAX + 2 - n, "/%s", seg);
		if (access(cur, F_OK) == 0)
			continue;
		cur[n] = '\0';
		d = opendir(cur);
		if (!d) {
			ret = -PF_ENOENT;
			goto out;
		}
		while ((de = readdir(d))) {
			if (!strcasecmp(de->d_name, seg)) {
				snprintf(cur + n, cap + NAME_MAX + 2 - n, "/%s", de->d_name);
				found = 1;
				break;
			}
		}
		closedir(d);
		if (!found) {
			ret = -PF_ENOENT;
			goto out;
		}
	}
	*out = cur;
	cur = NULL;
out:
	free(cur);
	free(copy);
	return ret;
}

static int m_stat(void *m, const char *path, struct pf_stat *st)
{
	struct dir_media *dm = m;
	struct stat s;
	char *full = NULL;
	int ret = resolve(dm->root, path, &full);

	if (ret)
		return ret;
	if (stat(full, &s) != 0) {
		free(full);
		return -PF_ENOENT;
	}
	st->is_dir = S_ISDIR(s.st_mode);
	st->size = st->is_dir ? 0 : (uint64_t)s.st_size;
	free(full);
	return 0;
}

static int m_list(void *m, const char *path, pf_list_cb cb, void *ctx)
{
	struct dir_media *dm = m;
	char *full = NULL;
	DIR *d;
	struct dirent *de;
	int ret = resolve(dm->root, path, &full);

	if (ret)
		return ret;
	d = opendir(full);
	if (!d) {
		free(full);
		return errno == ENOTDIR ? -PF_EINVAL : -PF_ENOENT;
	}
	while ((de = readdir(d))) {
		char sub[PATH_MAX];
		struct stat s;
		struct pf_stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", full, de->d_name);
		if (stat(sub, &s) != 0)
			continue;
		st.is_dir = S_ISDIR(s.st_mode);
		st.size = st.is_dir ? 0 : (uint64_t)s.st_size;
		ret = cb(ctx, de->d_name, &st);
		if (ret)
			break;
	}
	closedir(d);
	free(full);
	return ret;
}

static int m_read(void *m, const char *path, uint64_t offset, void *buf,
		  size_t len, size_t *got)
{
	struct dir_media *dm = m;
	char *full = NULL;
	size_t done = 0;
	int fd, ret = resolve(dm->root, path, &full);

	if (ret)
		return ret;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dm->host->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", full, strerror(errno));
		free(full);
		return -PF_EIO;
	}
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(offset + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			dm->host->log(PF_LOG_ERROR, NAME, "%s: read error: %s", full,
				      strerror(errno));
			ret = -PF_EIO;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	free(full);
	if (!ret)
		*got = done;
	return ret;
}

static int m_local_path(void *m, const char *path, char **out)
{
	struct dir_media *dm = m;

	return resolve(dm->root, path, out);
}

static void m_free(void *m)
{
	struct dir_media *dm = m;

	if (!dm)
		return;
	free(dm->root);
	free(dm);
}

static const struct pf_media_ops dir_ops = {
	.stat = m_stat,
	.list = m_list,
	.read = m_read,
	.local_path = m_local_path,
	.free = m_free,
};

/* A folder with sources/boot.wim is surely ours; any folder may be. */
static int dir_probe(const struct pf_host *host, const char *path)
{
	struct stat st;
	char *wim = NULL;
	int score;

	(void)host;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	score = resolve(path, "sources/boot.wim", &wim) == 0 ? 50 : 10;
	free(wim);
	return score;
}

static int dir_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct dir_state *s;
	const char *path = host->arg_string(args, "path");

	if (!path) {
		host->log(PF_LOG_ERROR, NAME, "no source path given");
		return -PF_EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->root = strdup(path))) {
		free(s);
		return -PF_ENOMEM;
	}
	s->host = host;
	*state = s;
	return 0;
}

/* Hand the tree to the core and record what it holds. */
static int dir_run(void *state, struct pf_job *job)
{
	struct dir_state *s = state;
	const struct pf_host *h = s->host;
	struct dir_media *dm;
	struct pf_stat st;
	int ret;

	if (access(s->root, R_OK | X_OK) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot read folder: %s", s->root,
		       strerror(errno));
		return -PF_EMEDIA;
	}
	dm = calloc(1, sizeof(*dm));
	if (!dm || !(dm->root = strdup(s->root))) {
		free(dm);
		return -PF_ENOMEM;
	}
	dm->host = h;
	ret = h->job_set_media(job, &dir_ops, dm);
	if (ret) {
		m_free(dm);
		return ret;
	}
	ret = h->job_set_fact(job, "layout", "dir");
	if (ret)
		return ret;
	if (h->media_stat(job, "sources/boot.wim", &st) != 0 || st.is_dir) {
		h->log(PF_LOG_ERROR, NAME, "%s: no sources/boot.wim: not Windows "
		       "installation media", s->root);
		return -PF_EMEDIA;
	}
	return h->job_set_fact(job, "boot_wim", "sources/boot.wim");
}

static void dir_close(void *state)
{
	struct dir_state *s = state;

	if (!s)
		return;
	free(s->root);
	free(s);
}

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "an extracted or mounted Windows media folder (case-insensitive names)",
	.open = dir_open,
	.run = dir_run,
	.close = dir_close,
	.probe = dir_probe,
};
