/* plugins/hostfs.c - a read-only, case-insensitive media tree over host files. */
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

#include "fsutil.h"
#include "hostfs.h"

struct mapping {
	char *vpath;  /* media path, '/'-separated, no leading '/' ("" = root) */
	char *host;   /* host file or folder */
};

struct hostfs {
	const struct pf_host *host;
	const char *who;
	struct mapping *maps;
	size_t nmaps;
};

struct hostfs *hostfs_new(const struct pf_host *host, const char *who)
{
	struct hostfs *fs = calloc(1, sizeof(*fs));

	if (fs) {
		fs->host = host;
		fs->who = who;
	}
	return fs;
}

int hostfs_map(struct hostfs *fs, const char *vpath, const char *host)
{
	struct mapping *grown = realloc(fs->maps, (fs->nmaps + 1) * sizeof(*grown));

	if (!grown)
		return -PF_ENOMEM;
	fs->maps = grown;
	grown[fs->nmaps].vpath = strdup(vpath);
	grown[fs->nmaps].host = strdup(host);
	if (!grown[fs->nmaps].vpath || !grown[fs->nmaps].host) {
		free(grown[fs->nmaps].vpath);
		free(grown[fs->nmaps].host);
		return -PF_ENOMEM;
	}
	fs->nmaps++;
	return 0;
}

static void hostfs_free(void *m)
{
	struct hostfs *fs = m;
	size_t i;

	if (!fs)
		return;
	for (i = 0; i < fs->nmaps; i++) {
		free(fs->maps[i].vpath);
		free(fs->maps[i].host);
	}
	free(fs->maps);
	free(fs);
}

int hostfs_resolve(const char *root, const char *path, char **out)
{
	size_t cap = strlen(root) + strlen(path) + NAME_MAX + 4;
	char *cur = malloc(cap);
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
		snprintf(cur + n, cap - n, "/%s", seg);
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
				snprintf(cur + n, cap - n, "/%s", de->d_name);
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

/* 1 when host ROOT/PATH resolves and has file type MODE (S_IFREG/S_IFDIR). */
static int has_type(const char *root, const char *path, mode_t mode)
{
	char *p = NULL;
	struct stat st;
	int yes;

	if (hostfs_resolve(root, path, &p))
		return 0;
	yes = stat(p, &st) == 0 && (st.st_mode & S_IFMT) == mode;
	free(p);
	return yes;
}

int hostfs_has_file(const char *root, const char *path)
{
	return has_type(root, path, S_IFREG);
}

int hostfs_has_dir(const char *root, const char *path)
{
	return has_type(root, path, S_IFDIR);
}

/*
 * The part of PATH below media prefix VPATH: PATH itself for the root
 * mapping, "" when PATH is VPATH, the rest after "VPATH/", or NULL when
 * PATH is not under VPATH.  Leading slashes of PATH are ignored.
 */
static const char *below(const char *vpath, const char *path)
{
	size_t n = strlen(vpath);

	while (*path == '/')
		path++;
	if (!n)
		return path;
	if (strncasecmp(path, vpath, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return path + n;
	if (path[n] == '/')
		return path + n + 1;
	return NULL;
}

/* The host path of media PATH (malloc'd), from the first mapping that has it. */
static int locate(struct hostfs *fs, const char *path, char **out)
{
	size_t i;
	int ret = -PF_ENOENT;

	for (i = 0; i < fs->nmaps; i++) {
		const char *rest = below(fs->maps[i].vpath, path);

		if (!rest)
			continue;
		ret = hostfs_resolve(fs->maps[i].host, rest, out);
		if (ret != -PF_ENOENT)
			return ret;
	}
	return ret;
}

static int fs_stat(void *m, const char *path, struct pf_stat *st)
{
	struct hostfs *fs = m;
	struct stat s;
	char *full = NULL;
	size_t i;
	int ret = locate(fs, path, &full);

	if (ret == -PF_ENOENT) {
		/* a folder that exists only as the parent of a mapping */
		for (i = 0; i < fs->nmaps; i++) {
			const char *rest = below(path, fs->maps[i].vpath);

			if (rest && *rest) {
				st->is_dir = 1;
				st->size = 0;
				return 0;
			}
		}
	}
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

/* Names already given by a listing, to merge mappings without repeats. */
struct seen {
	char **names;
	size_t n;
};

/* 1 when NAME was seen (case-insensitively); otherwise remember it. */
static int seen_before(struct seen *s, const char *name, int *err)
{
	size_t i;
	char **grown;

	for (i = 0; i < s->n; i++)
		if (!strcasecmp(s->names[i], name))
			return 1;
	grown = realloc(s->names, (s->n + 1) * sizeof(*grown));
	if (!grown || !(grown[s->n] = strdup(name))) {
		if (grown)
			s->names = grown;
		*err = -PF_ENOMEM;
		return 1;
	}
	s->names = grown;
	s->n++;
	return 0;
}

/* The folders on the way from a mapping's host folder down to the one
 * listed, by identity: a folder below that is one of them loops back. */
struct ancestors {
	struct stat v[PF_MEDIA_MAX_DEPTH + 1];
	size_t n;
};

/*
 * Fill A with the folders from ROOT (a mapping's host folder) down to DIR
 * (ROOT itself or below it, as hostfs_resolve builds it).  A prefix that
 * cannot be read is left out: listing DIR then fails by itself.
 */
static void ancestors_of(const char *root, const char *dir, struct ancestors *a)
{
	size_t n = strlen(root), len = strlen(dir);
	char *p = strdup(dir);
	size_t i;

	a->n = 0;
	if (!p)
		return;
	for (i = n; i <= len && a->n < PF_MEDIA_MAX_DEPTH + 1; i++) {
		if (i != len && p[i] != '/')
			continue;
		p[i] = '\0';
		if (stat(*p ? p : "/", &a->v[a->n]) == 0)
			a->n++;
		p[i] = i == len ? '\0' : '/';
	}
	free(p);
}

/* The folder on A that folder S is (same device and inode), or -1. */
static long ancestor_index(const struct ancestors *a, const struct stat *s)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->v[i].st_dev == s->st_dev && a->v[i].st_ino == s->st_ino)
			return (long)i;
	return -1;
}

/* List host folder DIR, calling CB for names not seen yet; a folder in it
 * that is one of A (DIR or above) is refused (logged by FS). */
static int list_host(struct hostfs *fs, const char *dir, const struct ancestors *a,
		     struct seen *seen, pf_list_cb cb, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOTDIR ? -PF_EINVAL : -PF_ENOENT;
	while (!ret && (de = readdir(d))) {
		char sub[PATH_MAX];
		struct stat s;
		struct pf_stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (stat(sub, &s) != 0 || seen_before(seen, de->d_name, &ret))
			continue;
		if (S_ISDIR(s.st_mode) && ancestor_index(a, &s) >= 0) {
			fs->host->log(PF_LOG_ERROR, fs->who, "%s: this folder loops back to "
				      "one above it (a symbolic link or a bind mount): the "
				      "tree would never end", sub);
			ret = -PF_EIO;
			break;
		}
		st.is_dir = S_ISDIR(s.st_mode);
		st.size = st.is_dir ? 0 : (uint64_t)s.st_size;
		ret = cb(ctx, de->d_name, &st);
	}
	closedir(d);
	return ret;
}

/*
 * List media folder PATH: the entries of every mapping whose host folder
 * holds PATH, plus the first name of each mapping below PATH (a mapped
 * file, or the folder leading to it).
 */
static int fs_list(void *m, const char *path, pf_list_cb cb, void *ctx)
{
	struct hostfs *fs = m;
	struct seen seen = { NULL, 0 };
	size_t i;
	int ret = 0, any = 0;

	if (fsu_path_depth(path) >= PF_MEDIA_MAX_DEPTH) {
		fs->host->log(PF_LOG_ERROR, fs->who, "%s: folder tree deeper than %d levels "
			      "(a folder that loops back?)", path, PF_MEDIA_MAX_DEPTH);
		return -PF_EIO;
	}
	for (i = 0; !ret && i < fs->nmaps; i++) {
		const char *rest = below(fs->maps[i].vpath, path);
		char *full = NULL;

		if (rest) {
			if (hostfs_resolve(fs->maps[i].host, rest, &full) == 0) {
				struct ancestors *a = malloc(sizeof(*a));
				int e = -PF_ENOMEM;

				if (a) {
					ancestors_of(fs->maps[i].host, full, a);
					e = list_host(fs, full, a, &seen, cb, ctx);
					free(a);
				}

				if (e != -PF_ENOENT)
					ret = e;
				any |= e != -PF_ENOENT;
			}
			free(full);
			continue;
		}
		rest = below(path, fs->maps[i].vpath);
		if (rest && *rest) {
			char name[NAME_MAX + 1];
			const char *slash = strchr(rest, '/');
			size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
			struct pf_stat st = { 0, 1 };
			struct stat s;

			snprintf(name, sizeof(name), "%.*s", (int)n, rest);
			if (!slash && stat(fs->maps[i].host, &s) == 0) {
				st.is_dir = S_ISDIR(s.st_mode);
				st.size = st.is_dir ? 0 : (uint64_t)s.st_size;
			}
			any = 1;
			if (!seen_before(&seen, name, &ret))
				ret = cb(ctx, name, &st);
		}
	}
	for (i = 0; i < seen.n; i++)
		free(seen.names[i]);
	free(seen.names);
	if (!ret && !any)
		return -PF_ENOENT;
	return ret;
}

static int fs_read(void *m, const char *path, uint64_t offset, void *buf,
		   size_t len, size_t *got)
{
	struct hostfs *fs = m;
	char *full = NULL;
	size_t done = 0;
	int fd, ret = locate(fs, path, &full);

	if (ret)
		return ret;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fs->host->log(PF_LOG_ERROR, fs->who, "%s: cannot open: %s", full,
			      strerror(errno));
		free(full);
		return -PF_EIO;
	}
	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(offset + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fs->host->log(PF_LOG_ERROR, fs->who, "%s: read error: %s", full,
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

static int fs_local_path(void *m, const char *path, char **out)
{
	return locate(m, path, out);
}

const struct pf_media_ops hostfs_ops = {
	.stat = fs_stat,
	.list = fs_list,
	.read = fs_read,
	.local_path = fs_local_path,
	.free = hostfs_free,
};
