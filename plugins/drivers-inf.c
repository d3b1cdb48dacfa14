#define _GNU_SOURCE
/*
 * plugins/drivers-inf.c - driver-pack plugin "inf": add the Windows driver
 * packages (INF + catalog + the files the INF names) found in the recipe's
 * `drivers` folders to the image, and load them at boot with drvload from
 * the start script.
 *
 * For each folder (args "dir.1".."dir.N", absolute host paths) every *.inf
 * under it is read, in the byte order of its relative path.  A package for
 * another architecture than the image's, malformed, or missing one of its
 * files is skipped with one warning saying why.  A kept package is staged
 * under DEST/<pkg>/ (arg "dest", default Windows/System32/peforge/drivers),
 * its files keeping their subfolders relative to the INF, and one
 * `drvload "...\<pkg>\<name>.inf"` line per package goes into start.cmd
 * right after its leading `@echo off`/`setlocal`/`rem`/`::`/empty lines (or
 * after a line `rem peforge:drivers`), before anything that needs the
 * network or the disks.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "peforge/plugin.h"
#include "hostfs.h"
#include "inf.h"

#define NAME "inf"
#define ORIGIN "drivers"
#define DEFAULT_DEST "Windows/System32/peforge/drivers"
#define MAX_INF_SIZE (16u << 20)  /* real INFs are well under 1 MiB */

struct drv_state {
	const struct pf_host *host;
	char *dest;          /* normalized, "" for the image's root */
	const char **dirs;   /* borrowed from the args */
	size_t ndirs;
};

/* A growing list of malloc'd strings. */
struct strv {
	char **v;
	size_t n, cap;
};

/* One run: what is kept across the packages. */
struct run_ctx {
	struct drv_state *s;
	struct pf_job *job;
	const char *arch;
	struct strv names;    /* package names given, for uniqueness */
	struct strv drvload;  /* the start-script lines, CRLF-ended */
	size_t added, skipped;
};

/* Append STR (malloc'd; freed on failure, NULL means out of memory). */
static int strv_add(struct strv *l, char *str)
{
	if (!str)
		return -PF_ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			free(str);
			return -PF_ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = str;
	return 0;
}

static void strv_free(struct strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A + "/" + B (just B when A is empty), malloc'd; NULL on no memory. */
static char *join(const char *a, const char *b)
{
	char *p;

	if (!*a)
		return strdup(b);
	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* 1 when NAME ends with ".inf" in any case. */
static int is_inf_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcasecmp(name + n - 4, ".inf");
}

/* 1 when '/'-separated PATH has a ".." component. */
static int has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/*
 * Read host file PATH whole into *DATA (malloc'd, NUL-terminated, the
 * caller frees) and *LEN.  Returns 0, -PF_EIO (errno says why),
 * -PF_EINVAL (larger than MAX_INF_SIZE) or -PF_ENOMEM.
 */
static int read_file(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *d = NULL;
	size_t n;
	int ret = 0, saved;

	if (!f)
		return -PF_EIO;
	if (fstat(fileno(f), &st) != 0) {
		ret = -PF_EIO;
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_INF_SIZE) {
		ret = -PF_EINVAL;
		goto out;
	}
	d = malloc((size_t)st.st_size + 1);
	if (!d) {
		ret = -PF_ENOMEM;
		goto out;
	}
	n = fread(d, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		ret = -PF_EIO;
		goto out;
	}
	d[n] = '\0';
	*data = d;
	*len = n;
	d = NULL;
out:
	saved = errno;
	free(d);
	fclose(f);
	errno = saved;  /* why it failed, for the caller's message */
	return ret;
}

/*
 * Add to LIST the paths, relative to ROOT, of the *.inf files (any case)
 * under ROOT/REL ("" for ROOT itself), recursively; folders reached by a
 * symbolic link are not entered.  Returns 0, -PF_EIO (logged) or
 * -PF_ENOMEM.
 */
static int scan(const struct pf_host *h, const char *root, const char *rel,
		struct strv *list)
{
	char *path = join(root, rel), *child = NULL, *full = NULL;
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	int ret = 0;

	if (!path)
		return -PF_ENOMEM;
	d = opendir(path);
	if (!d) {
		h->log(PF_LOG_ERROR, NAME, "drivers: %s: cannot read folder: %s", path,
		       strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		child = join(rel, de->d_name);
		full = child ? join(root, child) : NULL;
		if (!full) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			ret = scan(h, root, child, list);
			if (ret)
				goto out;
		} else if (is_inf_name(de->d_name) && is_file(full)) {
			ret = strv_add(list, child);
			child = NULL;
			if (ret)
				goto out;
		}
		free(child);
		free(full);
		child = full = NULL;
	}
out:
	if (d)
		closedir(d);
	free(child);
	free(full);
	free(path);
	return ret;
}

/*
 * Find file ROOT/REL ('/'-separated) on the host, matching each name
 * case-insensitively as Windows would (an exact match wins; hostfs does
 * the matching).  On success *OUT is the path relative to ROOT as spelled
 * on disk (malloc'd, the caller frees).  Returns 0, -PF_ENOENT (absent, or
 * not a regular file) or -PF_ENOMEM.
 */
static int resolve_ci(const char *root, const char *rel, char **out)
{
	char *full = NULL;
	size_t n = strlen(root);
	int ret = hostfs_resolve(root, rel, &full);

	if (ret == -PF_EINVAL)
		ret = -PF_ENOENT;
	if (ret)
		return ret;
	if (!is_file(full) || strncmp(full, root, n) != 0) {
		free(full);
		return -PF_ENOENT;
	}
	*out = strdup(full[n] == '/' ? full + n + 1 : full + n);
	free(full);
	return *out ? 0 : -PF_ENOMEM;
}

/* 1 when NAME (up to its first '.') is a DOS device name, which Windows
 * cannot use as a folder name: CON, PRN, AUX, NUL, COM1-9, LPT1-9. */
static int is_device_name(const char *name)
{
	static const char *const dev[] = { "con", "prn", "aux", "nul" };
	size_t n = strcspn(name, "."), i;

	for (i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (n == 3 && !strncasecmp(name, dev[i], 3))
			return 1;
	return n == 4 && (!strncasecmp(name, "com", 3) || !strncasecmp(name, "lpt", 3)) &&
	       name[3] >= '1' && name[3] <= '9';
}

/*
 * The package name of INF file NAME: its base name without ".inf", with
 * every character but [A-Za-z0-9._-] made '_' (and a trailing '.', which
 * Windows drops), '_' added to a DOS device name, and "-2", "-3"... added
 * when another package of the run has it already (case-insensitively).
 * Malloc'd (the caller frees); NULL on no memory.
 */
static char *package_name(const struct strv *used, const char *name)
{
	size_t n = strlen(name) - 4, i, k;
	char *base = malloc(n + 8), *p = NULL;
	int dots = 1;

	if (!base)
		return NULL;
	memcpy(base, name, n);
	base[n] = '\0';
	for (i = 0; i < n; i++) {
		char c = base[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			base[i] = '_';
		dots &= base[i] == '.';
	}
	if (dots) {  /* "", "." or "..": not a folder name */
		strcpy(base, "driver");
	} else {
		if (base[n - 1] == '.')
			base[n - 1] = '_';
		if (is_device_name(base)) {
			memmove(base + 1 + strcspn(base, "."), base + strcspn(base, "."),
				n - strcspn(base, ".") + 1);
			base[strcspn(base, ".")] = '_';
		}
	}
	for (k = 1;; k++) {
		if (k == 1)
			p = strdup(base);
		else if (asprintf(&p, "%s-%zu", base, k) < 0)
			p = NULL;
		if (!p)
			break;
		for (i = 0; i < used->n; i++)
			if (!strcasecmp(used->v[i], p))
				break;
		if (i == used->n)
			break;
		free(p);
		p = NULL;
	}
	free(base);
	return p;
}

/*
 * The drvload line (CRLF-ended, malloc'd) for IMAGE_PATH, a '/'-separated
 * path inside the image: "Windows/..." becomes %SYSTEMROOT%\..., anything
 * else %SYSTEMDRIVE%\...; a '%' of the path is doubled for cmd.
 */
static char *drvload_line(const char *image_path)
{
	const char *p = image_path, *root = "%SYSTEMDRIVE%\\";
	char *line, *q;
	size_t n = 0;

	if (!strncasecmp(p, "Windows/", 8)) {
		root = "%SYSTEMROOT%\\";
		p += 8;
	}
	line = malloc(strlen(root) + 2 * strlen(p) + 16);
	if (!line)
		return NULL;
	q = line + sprintf(line, "drvload \"%s", root);
	for (; *p; p++) {
		if (*p == '%')
			q[n++] = '%';
		q[n++] = *p == '/' ? '\\' : *p;
	}
	strcpy(q + n, "\"\r\n");
	return line;
}

/* Log "drivers: skipped REL: <why>" as a warning and count it. */
static void skip(struct run_ctx *c, const char *rel, const char *fmt, ...)
	PF_PRINTF(3, 4);
static void skip(struct run_ctx *c, const char *rel, const char *fmt, ...)
{
	va_list ap;
	char *why = NULL;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = NULL;
	va_end(ap);
	c->s->host->log(PF_LOG_WARN, NAME, "drivers: skipped %s: %s", rel,
			why ? why : "(no memory for the reason)");
	free(why);
	c->skipped++;
}

/*
 * Add file WANT (relative to INFDIR, '/'-separated, as the INF names it)
 * to the package's SRCS (host paths) and RELS (paths on disk relative to
 * INFDIR) unless it is there already.  Returns 0, 1 (missing or outside
 * the package: skipped, logged) or -PF_ENOMEM.
 */
static int add_named(struct run_ctx *c, const char *rel, const char *infdir,
		     const char *what, const char *name, const char *want,
		     struct strv *srcs, struct strv *rels)
{
	char *found = NULL, *full;
	size_t i;
	int ret;

	if (has_dotdot(want)) {
		skip(c, rel, "%s '%s' named in the INF is outside the package's folder "
		     "('%s')", what, name, want);
		return 1;
	}
	ret = resolve_ci(infdir, want, &found);
	if (ret == -PF_ENOENT) {
		skip(c, rel, "%s '%s' named in the INF is missing (looked for %s/%s)",
		     what, name, infdir, want);
		return 1;
	}
	if (ret)
		return ret;
	for (i = 0; i < rels->n; i++)
		if (!strcasecmp(rels->v[i], found))
			break;
	if (i < rels->n) {
		free(found);
		return 0;
	}
	full = join(infdir, found);
	ret = strv_add(srcs, full);
	if (!ret)
		ret = strv_add(rels, found);
	else
		free(found);
	return ret;
}

/*
 * Read the INF at FOLDER/REL and, when it is a package for the image's
 * architecture whose files are all there, stage it and its files under
 * DEST/<pkg>/ and remember its drvload line.  Returns 0 (added or skipped
 * with a warning) or a negative code (no memory, staging failed).
 */
static int add_package(struct run_ctx *c, const char *folder, const char *rel)
{
	const struct pf_host *h = c->s->host;
	char *path = join(folder, rel), *infdir = NULL, *data = NULL, *pkg = NULL;
	char *pkgdir = NULL, *target = NULL, *line = NULL;
	const char *infname = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	const char *catalog;
	struct strv srcs = { 0 }, rels = { 0 };
	struct inf_driver drv = { 0 };
	struct inf_file *files = NULL;
	struct inf *inf = NULL;
	char err[256], names[64];
	size_t len = 0, nfiles = 0, i;
	int ret = 0;

	if (!path) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (strpbrk(infname, "<>:\"|?*\\")) {
		skip(c, rel, "its name has a character Windows does not allow in file names");
		goto out;
	}
	infdir = strndup(path, (size_t)(strrchr(path, '/') - path));
	if (!infdir) {
		ret = -PF_ENOMEM;
		goto out;
	}
	ret = read_file(path, &data, &len);
	if (ret == -PF_EIO || ret == -PF_EINVAL) {
		skip(c, rel, "%s", ret == -PF_EIO ? strerror(errno) :
		     "larger than 16 MiB: not an INF");
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	ret = inf_parse(data, len, &inf, err, sizeof(err));
	if (ret == -PF_EINVAL) {
		skip(c, rel, "malformed INF: %s", err);
		ret = 0;
		goto out;
	}
	if (!ret)
		ret = inf_driver_info(inf, &drv);
	if (ret)
		goto out;
	if (!drv.nmodels) {
		skip(c, rel, "no [Manufacturer] section: not a Plug and Play driver package");
		goto out;
	}
	if (!inf_driver_supports(&drv, c->arch)) {
		inf_arch_names(drv.archs, names, sizeof(names));
		if (drv.archs)
			skip(c, rel, "for %s only, the image is %s", names, c->arch);
		else
			skip(c, rel, "for none of x86, amd64, arm64 (the image is %s)",
			     c->arch);
		goto out;
	}
	/* the INF itself first, then its catalog and the files it names */
	ret = strv_add(&srcs, strdup(path));
	if (!ret)
		ret = strv_add(&rels, strdup(infname));
	catalog = inf_driver_catalog(&drv, c->arch);
	if (!ret && catalog) {
		char *want = strdup(catalog), *q;

		if (!want) {
			ret = -PF_ENOMEM;
			goto out;
		}
		for (q = want; *q; q++)
			if (*q == '\\')
				*q = '/';
		ret = add_named(c, rel, infdir, "catalog", catalog, want, &srcs, &rels);
		free(want);
	}
	if (!ret)
		ret = inf_driver_files(inf, c->arch, &files, &nfiles);
	for (i = 0; !ret && i < nfiles; i++)
		ret = add_named(c, rel, infdir, "file", files[i].name, files[i].path,
				&srcs, &rels);
	if (ret) {
		if (ret > 0)
			ret = 0;  /* skipped */
		goto out;
	}

	pkg = package_name(&c->names, infname);
	pkgdir = pkg ? join(c->s->dest, pkg) : NULL;
	if (!pkgdir) {
		ret = -PF_ENOMEM;
		goto out;
	}
	for (i = 0; i < srcs.n; i++) {
		struct pf_edit e = {
			.op = PF_EDIT_ADD_FILE, .target = PF_TARGET_IMAGE,
			.src = srcs.v[i], .origin = ORIGIN,
		};

		target = join(pkgdir, rels.v[i]);
		if (!target) {
			ret = -PF_ENOMEM;
			goto out;
		}
		e.path = target;
		ret = h->edit_add(c->job, &e);
		if (ret)
			goto out;
		if (i == 0)
			line = drvload_line(target);
		free(target);
		target = NULL;
		if (!line) {
			ret = -PF_ENOMEM;
			goto out;
		}
	}
	ret = strv_add(&c->drvload, line);
	line = NULL;
	if (!ret) {
		ret = strv_add(&c->names, pkg);
		pkg = NULL;
	}
	if (ret)
		goto out;
	h->log(PF_LOG_INFO, NAME, "drivers: added %s as %s (class %s, %zu file%s)", rel,
	       c->names.v[c->names.n - 1], drv.class_name && *drv.class_name ?
	       drv.class_name : "unknown", srcs.n, srcs.n == 1 ? "" : "s");
	c->added++;
out:
	inf_files_free(files, nfiles);
	inf_driver_clear(&drv);
	inf_free(inf);
	strv_free(&srcs);
	strv_free(&rels);
	free(line);
	free(target);
	free(pkgdir);
	free(pkg);
	free(data);
	free(infdir);
	free(path);
	return ret;
}

/* 1 when staged image path P is start.cmd at the image's root. */
static int is_start_cmd(const char *p)
{
	while (*p == '/')
		p++;
	return !strcasecmp(p, "start.cmd");
}

/*
 * The start script the injector will write, from the staging: the last
 * image edit that sets start.cmd (ADD_DATA, ADD_FILE, or an overlay folder
 * merged at the root holding one; a DELETE removes it).  *TEXT is
 * malloc'd (the caller frees) or NULL when there is no start script.
 * Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int current_start(struct run_ctx *c, char **text, size_t *len)
{
	const struct pf_host *h = c->s->host;
	size_t n = h->edit_count(c->job), i;
	const struct pf_edit *last = NULL;
	char *from = NULL, *found = NULL;
	int ret = 0;

	for (i = 0; i < n; i++) {
		const struct pf_edit *e = h->edit_get(c->job, i);

		if (!e || e->target != PF_TARGET_IMAGE || !e->path)
			continue;
		if (e->op == PF_EDIT_ADD_TREE && !e->path[strspn(e->path, "/")] && e->src) {
			if (resolve_ci(e->src, "start.cmd", &found) == 0) {
				free(from);
				from = join(e->src, found);
				free(found);
				if (!from)
					return -PF_ENOMEM;
				last = e;
			}
		} else if (is_start_cmd(e->path)) {
			if (e->op == PF_EDIT_ADD_DATA || e->op == PF_EDIT_ADD_FILE ||
			    e->op == PF_EDIT_DELETE || e->op == PF_EDIT_RENAME)
				last = e;
		}
	}
	*text = NULL;
	*len = 0;
	if (!last || last->op == PF_EDIT_DELETE || last->op == PF_EDIT_RENAME)
		goto out;
	if (last->op == PF_EDIT_ADD_DATA) {
		*text = malloc(last->len + 1);
		if (!*text) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (last->len)
			memcpy(*text, last->data, last->len);
		(*text)[last->len] = '\0';
		*len = last->len;
		goto out;
	}
	if (last->op == PF_EDIT_ADD_FILE)
		ret = read_file(last->src, text, len);
	else
		ret = read_file(from, text, len);
	if (ret == -PF_EIO || ret == -PF_EINVAL) {
		h->log(PF_LOG_ERROR, NAME, "drivers: %s: cannot read the start script: %s",
		       last->op == PF_EDIT_ADD_FILE ? last->src : from,
		       ret == -PF_EIO ? strerror(errno) : "too large");
		ret = -PF_EIO;
	}
out:
	free(from);
	return ret;
}

/* 1 when line L (N bytes, blanks and CR trimmed) is one that may stay
 * before the drvload lines: empty, @echo off, setlocal..., rem ..., ::... */
static int is_preamble(const char *l, size_t n)
{
	if (!n || (n >= 2 && l[0] == ':' && l[1] == ':'))
		return 1;
	if (l[0] == '@') {
		l++;
		n--;
	}
	if (n == 8 && !strncasecmp(l, "echo off", 8))
		return 1;
	if (n >= 8 && !strncasecmp(l, "setlocal", 8) && (n == 8 || l[8] == ' ' || l[8] == '\t'))
		return 1;
	return n >= 3 && !strncasecmp(l, "rem", 3) && (n == 3 || l[3] == ' ' || l[3] == '\t');
}

/*
 * The offset of script TEXT (LEN bytes) where the drvload lines go: right
 * after the first line `rem peforge:drivers`, else after the leading
 * preamble lines (is_preamble).
 */
static size_t insert_at(const char *text, size_t len)
{
	size_t start, end, next, pos = 0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (start = 0; start < len; start = next) {
			const char *nl = memchr(text + start, '\n', len - start);
			const char *b = text + start, *e;

			end = nl ? (size_t)(nl - text) : len;
			next = nl ? end + 1 : len;
			e = text + end;
			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (pass == 0) {
				if ((size_t)(e - b) == 19 && !strncasecmp(b, "rem peforge:drivers", 19))
					return next;
			} else if (is_preamble(b, (size_t)(e - b))) {
				pos = next;
			} else {
				break;
			}
		}
	}
	return pos;
}

/* Stage a new start.cmd with the drvload lines in it (or a new start
 * script and winpeshl.ini when the recipe has none). */
static int update_start(struct run_ctx *c)
{
	static const char winpeshl[] = "[LaunchApps]\r\n%SYSTEMDRIVE%\\start.cmd\r\n";
	const struct pf_host *h = c->s->host;
	struct pf_edit e = {
		.op = PF_EDIT_ADD_DATA, .target = PF_TARGET_IMAGE, .path = "start.cmd",
		.origin = ORIGIN,
	};
	char *text = NULL, *out = NULL;
	size_t len = 0, pos, total = 0, n = 0, i;
	int ret, fresh;

	ret = current_start(c, &text, &len);
	if (ret)
		return ret;
	fresh = !text;
	for (i = 0; i < c->drvload.n; i++)
		total += strlen(c->drvload.v[i]);
	out = malloc(len + total + 64);
	if (!out) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (fresh) {
		n = (size_t)sprintf(out, "@echo off\r\n");
		pos = 0;
	} else {
		pos = insert_at(text, len);
		memcpy(out, text, pos);
		n = pos;
		if (pos && text[pos - 1] != '\n')
			n += (size_t)sprintf(out + n, "\r\n");
	}
	for (i = 0; i < c->drvload.n; i++) {
		size_t l = strlen(c->drvload.v[i]);

		memcpy(out + n, c->drvload.v[i], l);
		n += l;
	}
	if (fresh) {
		n += (size_t)sprintf(out + n, "wpeinit\r\ncmd /k\r\n");
	} else {
		memcpy(out + n, text + pos, len - pos);
		n += len - pos;
	}
	e.data = out;
	e.len = n;
	ret = h->edit_add(c->job, &e);
	if (ret || !fresh)
		goto out;
	e.path = "Windows/System32/winpeshl.ini";
	e.data = winpeshl;
	e.len = sizeof(winpeshl) - 1;
	ret = h->edit_add(c->job, &e);
	if (!ret)
		h->log(PF_LOG_INFO, NAME, "drivers: the recipe has no start script: added "
		       "start.cmd (drvload lines, wpeinit, cmd /k) and the winpeshl.ini "
		       "that launches it");
out:
	free(out);
	free(text);
	return ret;
}

/*
 * Normalize image folder DEST: backslashes become '/', empty and "."
 * names are dropped.  *OUT is malloc'd.  Returns 0, -PF_ERECIPE (a ".."
 * name) or -PF_ENOMEM.
 */
static int normalize_dest(const char *dest, char **out)
{
	char *d = malloc(strlen(dest) + 1);
	const char *p = dest;
	size_t n = 0;

	if (!d)
		return -PF_ENOMEM;
	while (*p) {
		size_t k = strcspn(p, "/\\");

		if (k == 2 && p[0] == '.' && p[1] == '.') {
			free(d);
			return -PF_ERECIPE;
		}
		if (k && !(k == 1 && p[0] == '.')) {
			if (n)
				d[n++] = '/';
			memcpy(d + n, p, k);
			n += k;
		}
		p += k;
		if (*p)
			p++;
	}
	d[n] = '\0';
	*out = d;
	return 0;
}

static void drv_close(void *state)
{
	struct drv_state *s = state;

	if (!s)
		return;
	free(s->dest);
	free(s->dirs);
	free(s);
}

/* Keep the folders (dir.1..dir.N, borrowed from ARGS) and the normalized
 * destination; a bad `dest` or no folder fails before any work is done. */
static int drv_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	const char *dest = host->arg_string(args, "dest");
	struct drv_state *s = calloc(1, sizeof(*s));
	const char **dirs;
	char key[32];
	int ret;

	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	ret = normalize_dest(dest ? dest : DEFAULT_DEST, &s->dest);
	if (ret) {
		if (ret == -PF_ERECIPE)
			host->log(PF_LOG_ERROR, NAME, "drivers: dest '%s': must be a folder "
				  "inside the image (no '..')", dest);
		goto out;
	}
	for (;;) {
		const char *d;

		snprintf(key, sizeof(key), "dir.%zu", s->ndirs + 1);
		d = host->arg_string(args, key);
		if (!d)
			break;
		dirs = realloc(s->dirs, (s->ndirs + 1) * sizeof(*dirs));
		if (!dirs) {
			ret = -PF_ENOMEM;
			goto out;
		}
		s->dirs = dirs;
		s->dirs[s->ndirs++] = d;
	}
	if (!s->ndirs) {
		host->log(PF_LOG_ERROR, NAME, "drivers: no driver folder given");
		ret = -PF_ERECIPE;
		goto out;
	}
	*state = s;
	s = NULL;
out:
	drv_close(s);
	return ret;
}

/* Add the packages of every folder, then the drvload lines. */
static int drv_run(void *state, struct pf_job *job)
{
	struct drv_state *s = state;
	const struct pf_host *h = s->host;
	struct run_ctx c = { .s = s, .job = job };
	struct strv *lists = NULL;
	size_t i, j, done = 0, total = 0;
	int ret = 0;

	c.arch = h->job_fact(job, PF_FACT_ARCH);
	if (!c.arch) {
		h->log(PF_LOG_ERROR, NAME, "the media's architecture is unknown: set arch "
		       "in the recipe");
		return -PF_EMEDIA;
	}
	lists = calloc(s->ndirs, sizeof(*lists));
	if (!lists)
		return -PF_ENOMEM;
	/* every folder is checked before anything is staged */
	for (i = 0; i < s->ndirs; i++) {
		if (!is_dir(s->dirs[i])) {
			h->log(PF_LOG_ERROR, NAME, "drivers: %s: no such folder", s->dirs[i]);
			ret = -PF_ENOENT;
			goto out;
		}
		ret = scan(h, s->dirs[i], "", &lists[i]);
		if (ret)
			goto out;
		if (!lists[i].n) {
			h->log(PF_LOG_ERROR, NAME, "drivers: %s: no INF driver package found",
			       s->dirs[i]);
			ret = -PF_ENOENT;
			goto out;
		}
		qsort(lists[i].v, lists[i].n, sizeof(*lists[i].v), cmp_str);
		total += lists[i].n;
	}
	for (i = 0; i < s->ndirs; i++) {
		for (j = 0; j < lists[i].n; j++) {
			ret = h->progress(job, "adding drivers", done++, total);
			if (!ret)
				ret = add_package(&c, s->dirs[i], lists[i].v[j]);
			if (ret)
				goto out;
		}
	}
	ret = h->progress(job, "adding drivers", total, total);
	if (!ret && c.added)
		ret = update_start(&c);
	if (ret)
		goto out;
	h->log(c.added ? PF_LOG_INFO : PF_LOG_WARN, NAME,
	       "drivers: %zu package(s) added, %zu skipped", c.added, c.skipped);
out:
	for (i = 0; lists && i < s->ndirs; i++)
		strv_free(&lists[i]);
	free(lists);
	strv_free(&c.names);
	strv_free(&c.drvload);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "dir", .type = PF_OPT_TABLE,
	  .help = "dir.1, dir.2, ...: the driver folders (the recipe's drivers)" },
	{ .name = "dest", .type = PF_OPT_STRING, .dflt = "Drivers",
	  .help = "the folder in the image (the recipe's drivers.dest)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_DRIVERS,
	.name = NAME,
	.summary = "adds Windows driver packages (INF) to the image, loaded by drvload "
		   "at boot",
	.open = drv_open,
	.run = drv_run,
	.close = drv_close,
	.probe = NULL,
	.options = options,
};
