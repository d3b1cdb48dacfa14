/* plugins/drivers-inf/packages.c - finding the driver packages in the
 * folders and staging the ones that fit the image. */
#include "drivers.h"

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

void strv_free(struct strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
int read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	int ret;

	if (stat(path, &st) != 0)
		return -PF_EIO;
	if ((uint64_t)st.st_size > MAX_INF_SIZE)
		return -PF_EINVAL;
	ret = fsu_read_file(path, data, len, NULL);
	return ret == -PF_ENOENT ? -PF_EIO : ret;
}

/* Folders nested deeper under a drivers folder are refused (the depth
 * limit of every walk over a host folder, docs/plugins.md). */
#define SCAN_MAX_DEPTH 64

/*
 * 1 when folder ST (below ROOT/REL) is ROOT or one of the folders on the
 * way to ROOT/REL (same device and inode: a bind mount looping back).
 */
static int loops_back(const char *root, const char *rel, const struct stat *st)
{
	char *p = fsu_join(root, rel);
	size_t n = strlen(root), i, len;
	struct stat a;
	int yes = 0;

	if (!p)
		return 0;
	len = strlen(p);
	for (i = n; !yes && i <= len; i++) {
		if (i != len && p[i] != '/')
			continue;
		p[i] = '\0';
		yes = stat(*p ? p : "/", &a) == 0 && a.st_dev == st->st_dev &&
		      a.st_ino == st->st_ino;
		p[i] = i == len ? '\0' : '/';
	}
	free(p);
	return yes;
}

/*
 * Add to LIST the paths, relative to ROOT, of the *.inf files (any case)
 * under ROOT/REL ("" for ROOT itself), recursively; folders reached by a
 * symbolic link are not entered, and a folder that is one above it (a bind
 * mount) or nested deeper than SCAN_MAX_DEPTH is refused.  Returns 0,
 * -PF_EIO (logged) or -PF_ENOMEM.
 */
int scan(const struct pf_host *h, const char *root, const char *rel,
	 struct strv *list)
{
	char *path = fsu_join(root, rel), *child = NULL, *full = NULL;
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
		child = fsu_join(rel, de->d_name);
		full = child ? fsu_join(root, child) : NULL;
		if (!full) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (fsu_path_depth(child) > SCAN_MAX_DEPTH) {
				h->log(PF_LOG_ERROR, NAME, "drivers: %s: folder tree deeper "
				       "than %d levels", full, SCAN_MAX_DEPTH);
				ret = -PF_EIO;
				goto out;
			}
			if (loops_back(root, rel, &st)) {
				h->log(PF_LOG_ERROR, NAME, "drivers: %s: this folder loops "
				       "back to one above it (a bind mount): the tree would "
				       "never end", full);
				ret = -PF_EIO;
				goto out;
			}
			ret = scan(h, root, child, list);
			if (ret)
				goto out;
		} else if (is_inf_name(de->d_name) && fsu_is_file(full)) {
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
int resolve_ci(const char *root, const char *rel, char **out)
{
	char *full = NULL;
	size_t n = strlen(root);
	int ret = hostfs_resolve(root, rel, &full);

	if (ret == -PF_EINVAL)
		ret = -PF_ENOENT;
	if (ret)
		return ret;
	if (!fsu_is_file(full) || strncmp(full, root, n) != 0) {
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
 * The drvload line (CRLF-ended) for IMAGE_PATH, a '/'-separated path
 * inside the image, in *LINE (malloc'd): "Windows/..." becomes
 * %SYSTEMROOT%\..., anything else %SYSTEMDRIVE%\...; the path goes through
 * batch_escape_quoted, the one escaping function for cmd.  Returns 0,
 * -PF_ENOMEM, or -PF_EINVAL when cmd cannot carry the path (WHY says why).
 */
static int drvload_line(const char *image_path, char **line, char *why, size_t len)
{
	const char *p = image_path, *root = "%SYSTEMDRIVE%\\";
	char *win, *esc = NULL, *q;
	int ret;

	if (!strncasecmp(p, "Windows/", 8)) {
		root = "%SYSTEMROOT%\\";
		p += 8;
	}
	win = strdup(p);
	if (!win)
		return -PF_ENOMEM;
	for (q = win; *q; q++)
		if (*q == '/')
			*q = '\\';
	ret = batch_escape_quoted(win, &esc, why, len);
	free(win);
	if (ret)
		return ret;
	if (asprintf(line, "drvload \"%s%s\"\r\n", root, esc) < 0) {
		*line = NULL;
		ret = -PF_ENOMEM;
	}
	free(esc);
	return ret;
}

/* NULL when NAME (a file or folder path, '/'-separated) can be a Windows
 * path, else what is wrong with it: a control character, or one of
 * < > : " | ? * \ that Windows does not allow in file names. */
static const char *bad_name(const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return "a control character (a line break?)";
		if (strchr("<>:\"|?*\\", *p))
			return "a character Windows does not allow in file names";
	}
	return NULL;
}

/* S with its control characters written as C escapes (\r, \n, \t,
 * \xHH), so that a hostile name stays on its log line; malloc'd, NULL on
 * no memory. */
char *shown(const char *s)
{
	size_t n = 0, i;
	char *o;

	for (i = 0; s[i]; i++)
		n += (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? 4 : 1;
	o = malloc(n + 1);
	if (!o)
		return NULL;
	for (i = 0, n = 0; s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\r' || ch == '\n' || ch == '\t')
			n += (size_t)sprintf(o + n, "\\%c", ch == '\r' ? 'r' : ch == '\n' ? 'n' : 't');
		else if (ch < 0x20 || ch == 0x7F)
			n += (size_t)sprintf(o + n, "\\x%02X", ch);
		else
			o[n++] = (char)ch;
	}
	o[n] = '\0';
	return o;
}

/* Log "drivers: skipped REL: <why>" as one warning line (control
 * characters shown as escapes) and count it. */
static void skip(struct run_ctx *c, const char *rel, const char *fmt, ...)
	PF_PRINTF(3, 4);
static void skip(struct run_ctx *c, const char *rel, const char *fmt, ...)
{
	va_list ap;
	char *why = NULL, *line = NULL, *safe;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = NULL;
	va_end(ap);
	if (asprintf(&line, "drivers: skipped %s: %s", rel,
		     why ? why : "(no memory for the reason)") < 0)
		line = NULL;
	safe = line ? shown(line) : NULL;
	c->s->host->log(PF_LOG_WARN, NAME, "%s", safe ? safe :
			"drivers: skipped a package (no memory for the message)");
	free(safe);
	free(line);
	free(why);
	c->skipped++;
}

/*
 * The file whose bytes are copied for host file SRC of a package whose
 * folder is BASE (canonical, from realpath): SRC itself, or what its
 * symbolic links lead to when that stays inside BASE.  *REAL is malloc'd.
 * Returns 0, 1 (a link leaves the folder, or leads nowhere: skipped,
 * logged with WHAT and NAME) or -PF_ENOMEM.
 */
static int inside_real(struct run_ctx *c, const char *rel, const char *base,
		       const char *src, const char *what, const char *name, char **real)
{
	size_t n = strlen(base);
	char *r = realpath(src, NULL);

	if (!r) {
		if (errno == ENOMEM)
			return -PF_ENOMEM;
		skip(c, rel, "%s '%s' cannot be read: %s", what, name, strerror(errno));
		return 1;
	}
	if (strncmp(r, base, n) || r[n] != '/') {
		skip(c, rel, "%s '%s' is a symbolic link (or under one) that leaves the "
		     "package's folder", what, name);
		free(r);
		return 1;
	}
	*real = r;
	return 0;
}

/*
 * Add file WANT (relative to INFDIR, '/'-separated, as the INF names it)
 * to the package's SRCS (the host files to copy: symbolic links that stay
 * inside the folder BASE, canonical, are followed) and RELS (paths on disk
 * relative to INFDIR) unless it is there already.  Returns 0, 1 (missing,
 * outside the package or a name Windows cannot have: skipped, logged) or
 * -PF_ENOMEM.
 */
static int add_named(struct run_ctx *c, const char *rel, const char *infdir,
		     const char *base, const char *what, const char *name,
		     const char *want, struct strv *srcs, struct strv *rels)
{
	char *found = NULL, *full, *real = NULL;
	const char *bad;
	size_t i;
	int ret;

	if ((bad = bad_name(want))) {
		skip(c, rel, "%s name named in the INF has %s", what, bad);
		return 1;
	}
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
	if ((bad = bad_name(found))) {
		skip(c, rel, "%s '%s' is found under a name with %s", what, name, bad);
		free(found);
		return 1;
	}
	for (i = 0; i < rels->n; i++)
		if (!strcasecmp(rels->v[i], found))
			break;
	if (i < rels->n) {
		free(found);
		return 0;
	}
	full = fsu_join(infdir, found);
	if (!full) {
		free(found);
		return -PF_ENOMEM;
	}
	ret = inside_real(c, rel, base, full, what, name, &real);
	free(full);
	if (ret) {
		free(found);
		return ret;
	}
	ret = strv_add(srcs, real);
	if (!ret)
		ret = strv_add(rels, found);
	else
		free(found);
	return ret;
}

/* The image's language for [Strings.LLLL]: the job fact FACT_LANGID when a
 * plugin set it (a LANGID, "0407"), else en-US (0409). */
static unsigned image_langid(struct run_ctx *c)
{
	unsigned id = inf_langid(c->s->host->job_fact(c->job, FACT_LANGID));

	return id ? id : INF_LANG_DEFAULT;
}

/*
 * Read the INF at FOLDER/REL and, when it is a package for the image's
 * architecture whose files are all there, stage it and its files under
 * DEST/<pkg>/ and remember its drvload line.  Returns 0 (added or skipped
 * with a warning) or a negative code (no memory, staging failed).
 */
int add_package(struct run_ctx *c, const char *folder, const char *rel)
{
	const struct pf_host *h = c->s->host;
	char *path = fsu_join(folder, rel), *infdir = NULL, *data = NULL, *pkg = NULL;
	char *pkgdir = NULL, *target = NULL, *line = NULL, *base = NULL, *real = NULL;
	char *why_rel = NULL;
	const char *infname = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	const char *catalog;
	struct strv srcs = { 0 }, rels = { 0 };
	struct inf_driver drv = { 0 };
	struct inf_file *files = NULL;
	struct inf *inf = NULL;
	char err[256];
	size_t len = 0, nfiles = 0, i;
	int ret = 0;

	if (!path) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (bad_name(infname)) {
		skip(c, rel, "its name has %s", bad_name(infname));
		goto out;
	}
	infdir = strndup(path, (size_t)(strrchr(path, '/') - path));
	if (!infdir) {
		ret = -PF_ENOMEM;
		goto out;
	}
	base = realpath(infdir, NULL);
	if (!base) {
		ret = errno == ENOMEM ? -PF_ENOMEM : 0;
		if (!ret)
			skip(c, rel, "its folder cannot be read: %s", strerror(errno));
		goto out;
	}
	/* the INF itself: a link that stays in its folder is read and copied
	 * as the file it leads to */
	ret = inside_real(c, rel, base, path, "the INF", infname, &real);
	if (ret) {
		if (ret > 0)
			ret = 0;
		goto out;
	}
	ret = read_file(real, &data, &len);
	if (ret == -PF_EIO || ret == -PF_EINVAL) {
		skip(c, rel, "%s", ret == -PF_EIO ? strerror(errno) :
		     "larger than 16 MiB: not an INF");
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	ret = inf_parse_lang(data, len, image_langid(c), &inf, err, sizeof(err));
	if (ret == -PF_EINVAL) {
		skip(c, rel, "malformed INF: %s", err);
		ret = 0;
		goto out;
	}
	if (!ret)
		ret = inf_driver_info(inf, &drv);
	if (ret)
		goto out;
	if (inf_driver_check(inf, &drv, c->arch, err, sizeof(err)) != INF_KEEP) {
		skip(c, rel, "%s", err);
		goto out;
	}
	/* the INF itself first, then its catalog and the files it names */
	ret = strv_add(&srcs, real);
	real = NULL;
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
		ret = add_named(c, rel, infdir, base, "catalog", catalog, want, &srcs,
				&rels);
		free(want);
	}
	if (!ret)
		ret = inf_driver_files(inf, c->arch, &files, &nfiles);
	for (i = 0; !ret && i < nfiles; i++)
		ret = add_named(c, rel, infdir, base, "file", files[i].name, files[i].path,
				&srcs, &rels);
	if (ret) {
		if (ret > 0)
			ret = 0;  /* skipped */
		goto out;
	}

	pkg = package_name(&c->names, infname);
	pkgdir = pkg ? fsu_join(c->s->dest, pkg) : NULL;
	target = pkgdir ? fsu_join(pkgdir, infname) : NULL;
	if (!target) {
		ret = -PF_ENOMEM;
		goto out;
	}
	/* the start script line first: a package whose path cmd cannot carry
	 * is skipped before anything of it is staged */
	ret = drvload_line(target, &line, err, sizeof(err));
	free(target);
	target = NULL;
	if (ret == -PF_EINVAL) {
		skip(c, rel, "its path in the image cannot be written into the start "
		     "script: %s", err);
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	for (i = 0; i < srcs.n; i++) {
		struct pf_edit e = {
			.op = PF_EDIT_ADD_FILE, .target = PF_TARGET_IMAGE,
			.src = srcs.v[i], .origin = ORIGIN,
		};

		target = fsu_join(pkgdir, rels.v[i]);
		if (!target) {
			ret = -PF_ENOMEM;
			goto out;
		}
		e.path = target;
		ret = h->edit_add(c->job, &e);
		free(target);
		target = NULL;
		if (ret)
			goto out;
	}
	ret = strv_add(&c->drvload, line);
	line = NULL;
	if (!ret) {
		ret = strv_add(&c->names, pkg);
		pkg = NULL;
	}
	if (ret)
		goto out;
	if (asprintf(&line, "drivers: added %s as %s (class %s, %zu file%s)", rel,
		     c->names.v[c->names.n - 1], drv.class_name && *drv.class_name ?
		     drv.class_name : "unknown", srcs.n, srcs.n == 1 ? "" : "s") < 0)
		line = NULL;
	target = line ? shown(line) : NULL;  /* one line, whatever the names */
	h->log(PF_LOG_INFO, NAME, "%s", target ? target : "drivers: added a package");
	c->added++;
out:
	if (ret == -PF_ENOMEM)
		h->log(PF_LOG_ERROR, NAME, "drivers: %s: out of memory while reading this "
		       "package", (why_rel = shown(rel)) ? why_rel : "(an INF)");
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
	free(base);
	free(real);
	free(why_rel);
	free(path);
	return ret;
}
