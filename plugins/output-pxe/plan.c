/* plugins/output-pxe/plan.c - the plan: which files go into the PXE tree
 * and where their bytes come from. */
#include "pxe.h"

/* ------------------------------------------------------------------ */
/* the plan: which files go into the tree */

void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].rel);
		free(p->v[i].owned);
		free(p->v[i].inject);
	}
	free(p->v);
	outlib_files_free(&p->files);
	free(p->final);
	memset(p, 0, sizeof(*p));
}

/* Append a copy of X to the plan (X.rel is duplicated; X.owned and
 * X.inject are taken over, also on failure). */
static int plan_add(struct plan *p, const struct item *x)
{
	struct item *grown, it = *x;

	it.rel = strdup(x->rel);
	grown = it.rel ? realloc(p->v, (p->n + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(it.rel);
		free(it.owned);
		free(it.inject);
		return -PF_ENOMEM;
	}
	p->v = grown;
	p->v[p->n++] = it;
	return 0;
}

static int plan_host(struct plan *p, const char *rel, const char *src, int try_link)
{
	struct item x = { 0 };

	x.rel = (char *)rel;
	x.kind = SRC_HOST;
	x.src = src;
	x.link = try_link;
	return plan_add(p, &x);
}

/* Add generated text BUF (malloc'd, taken over) as REL. */
int plan_text(struct plan *p, const char *rel, char *buf, size_t len)
{
	struct item x = { 0 };

	x.rel = (char *)rel;
	x.kind = SRC_DATA;
	x.data = buf;
	x.len = len;
	x.owned = buf;
	return plan_add(p, &x);
}

/* The system file FILE of the Debian PACKAGE, in the first folder of DIRS
 * (NULL-terminated) that has it: its path (malloc'd) in *OUT, or
 * -PF_ENOENT with one error line naming the package. */
static int find_system(const struct pf_host *h, const char *file, const char *package,
		       const char *const *dirs, char **out)
{
	const char *cand[8] = { 0 }, *found;
	char *paths[8] = { 0 };
	size_t i, n = 0;
	int ret = 0;

	for (i = 0; dirs[i] && n < 7; i++) {
		if (asprintf(&paths[n], "%s/%s", dirs[i], file) < 0) {
			paths[n] = NULL;
			ret = -PF_ENOMEM;
			goto out;
		}
		cand[n] = paths[n];
		n++;
	}
	found = outlib_find_system_file(h, NAME, file, package, cand);
	if (!found) {
		ret = -PF_ENOENT;
		goto out;
	}
	*out = strdup(found);
	if (!*out)
		ret = -PF_ENOMEM;
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	return ret;
}

/* Add the system file FILE of PACKAGE (looked for in DIRS) to the plan,
 * under the same name.  The found path is kept in the item. */
static int plan_system(struct plan *p, const struct pf_host *h, const char *file,
		       const char *package, const char *const *dirs)
{
	struct item x = { 0 };
	char *path = NULL;
	int ret;

	ret = find_system(h, file, package, dirs, &path);
	if (ret)
		return ret;
	x.rel = (char *)file;
	x.kind = SRC_HOST;
	x.src = path;
	x.owned = path; /* freed with the item */
	return plan_add(p, &x);
}

static const char *const pxelinux_dirs[] = {
	"/usr/lib/PXELINUX", "/usr/share/syslinux", "/usr/lib/syslinux/bios", NULL
};
static const char *const module_dirs[] = {
	"/usr/lib/syslinux/modules/bios", "/usr/share/syslinux", "/usr/lib/syslinux/bios",
	NULL
};
static const char *const memdisk_dirs[] = {
	"/usr/lib/syslinux", "/usr/share/syslinux", "/usr/lib/syslinux/bios", NULL
};
static const char *const ipxe_dirs[] = { "/usr/lib/ipxe", "/usr/share/ipxe", NULL };

/* 1 when host file PATH can be shared by a hard link: readable by all (a
 * TFTP server dropping root privileges must read it). */
static int world_readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & 0444) == 0444;
}

/*
 * The files of a PXELINUX tree: the loader, its modules, MEMDISK, and the
 * run's ISO (job fact iso_path, set by the iso output that runs before
 * this one) as winpe.iso.  Returns 0 or an error (logged).
 */
int plan_pxelinux(struct pxe_state *s, struct pf_job *job, struct plan *p)
{
	static const char *const modules[] = {
		"ldlinux.c32", "menu.c32", "libutil.c32", "libcom32.c32", NULL
	};
	const struct pf_host *h = s->host;
	const char *iso = h->job_fact(job, PF_FACT_ISO_PATH);
	struct stat st;
	size_t i;
	int ret;

	/* the iso output is staged until the end of the run: its bytes */
	if (iso && *iso && PF_HOST_HAS(h, output_staged))
		iso = h->output_staged(job, iso);
	if (!iso || !*iso) {
		h->log(PF_LOG_ERROR, NAME, "outputs.pxe: loader pxelinux boots the ISO "
		       "through memdisk: add outputs.iso to the recipe");
		return -PF_ERECIPE;
	}
	if (stat(iso, &st) != 0 || !S_ISREG(st.st_mode)) {
		h->log(PF_LOG_ERROR, NAME, "%s: the iso output of this run is not a file",
		       iso);
		return -PF_EIO;
	}
	ret = plan_system(p, h, s->http ? "lpxelinux.0" : "pxelinux.0", "pxelinux",
			  pxelinux_dirs);
	for (i = 0; !ret && modules[i]; i++)
		ret = plan_system(p, h, modules[i], "syslinux-common", module_dirs);
	if (!ret)
		ret = plan_system(p, h, "memdisk", "syslinux-common", memdisk_dirs);
	if (!ret)
		ret = plan_host(p, "winpe.iso", iso, world_readable(iso));
	return ret;
}

/* 1 when medium path PATH is a boot file (bootmgr*, boot/, efi/, the WIM),
 * not a file for WinPE to find. */
static int is_boot_path(const char *path)
{
	return !strncasecmp(path, "bootmgr", 7) || !strncasecmp(path, "boot/", 5) ||
	       !strncasecmp(path, "efi/", 4) || !strcasecmp(path, "sources/boot.wim");
}

/* 1 when wimboot keeps NAME for itself instead of injecting it (current
 * wimboot: bootmgr, bootmgr.exe, BCD, boot.stl, *.wim, *.sdi, *.efi,
 * *.ttf). */
static int wimboot_keeps(const char *name)
{
	static const char *const names[] = { "bootmgr", "bootmgr.exe", "bcd", "boot.stl",
					     "wimboot", NULL };
	static const char *const exts[] = { ".wim", ".sdi", ".efi", ".ttf", NULL };
	size_t i, n = strlen(name);

	for (i = 0; names[i]; i++)
		if (!strcasecmp(name, names[i]))
			return 1;
	for (i = 0; exts[i]; i++)
		if (n > 4 && !strcasecmp(name + n - 4, exts[i]))
			return 1;
	return 0;
}

/* 1 when NAME is safe in an iPXE script, a URL and a FAT name. */
static int plain_name(const char *name)
{
	const char *c;

	if (!*name || *name == '.')
		return 0;
	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
			return 0;
	return 1;
}

/* Add medium file F to the plan as REL. */
static int plan_medium_file(struct plan *p, const struct outlib_file *f, const char *rel,
			    int try_link, char *inject)
{
	struct item x = { 0 };

	x.rel = (char *)rel;
	x.inject = inject;
	if (f->media) {
		x.kind = SRC_MEDIA;
		x.src = f->media;
	} else if (f->host) {
		x.kind = SRC_HOST;
		x.src = f->host;
		x.link = try_link;
	} else {
		x.kind = SRC_DATA;
		x.data = f->data;
		x.len = (size_t)f->size;
	}
	return plan_add(p, &x);
}

/*
 * The files wimboot injects: every staged medium file (data or host file)
 * that is not a boot file, as inject/<its name>.  Names must be unique,
 * plain and short enough for wimboot.  Returns 0 or an error (logged).
 */
static int plan_injected(const struct pf_host *h, struct plan *p)
{
	size_t i, j, first = p->n, count = 0;
	int ret = 0;

	for (i = 0; !ret && i < p->files.n; i++) {
		const struct outlib_file *f = &p->files.v[i];
		const char *base = strrchr(f->path, '/');
		char *rel = NULL, *inject;

		if (f->media || is_boot_path(f->path)) {
			if (!f->media && strcasecmp(f->path, "boot/bcd") &&
			    strcasecmp(f->path, "boot/boot.sdi") &&
			    strcasecmp(f->path, "bootmgr") &&
			    strcasecmp(f->path, "sources/boot.wim"))
				h->log(PF_LOG_WARN, NAME, "%s: a boot file of the ISO and disk "
				       "media; the iPXE tree does not use it", f->path);
			continue;
		}
		base = base ? base + 1 : f->path;
		if (wimboot_keeps(base)) {
			h->log(PF_LOG_WARN, NAME, "%s: not injected: wimboot keeps files "
			       "named like this for booting; it is only on the other media",
			       f->path);
			continue;
		}
		if (!plain_name(base) || strlen(base) > INJECT_NAME_MAX) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s: wimboot injects it as "
			       "\"%s\", which must be 1 to %d letters, digits, '.', '-' or "
			       "'_': rename it", f->path, base, INJECT_NAME_MAX);
			return -PF_ERECIPE;
		}
		for (j = first; j < p->n; j++) {
			if (!strcasecmp(p->v[j].inject, base)) {
				h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s and %s: wimboot "
				       "puts both in X:\\Windows\\System32 as \"%s\": rename "
				       "one", p->v[j].origin, f->path, base);
				return -PF_ERECIPE;
			}
		}
		if (++count > INJECT_MAX) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: more than %d medium files to "
			       "inject: wimboot's virtual disk holds no more", INJECT_MAX);
			return -PF_ERECIPE;
		}
		if (f->size > INJECT_BIG)
			h->log(PF_LOG_WARN, NAME, "%s: %llu MiB: every machine loads the "
			       "injected files into memory at boot", f->path,
			       (unsigned long long)(f->size >> 20));
		inject = strdup(base);
		if (!inject || asprintf(&rel, "inject/%s", base) < 0) {
			free(inject);
			return -PF_ENOMEM;
		}
		ret = plan_medium_file(p, f, rel, 0, inject);
		if (!ret)
			p->v[p->n - 1].origin = f->path;
		free(rel);
	}
	return ret;
}

/*
 * Check, in the open step, the names wimboot would inject from the medium
 * paths of the recipe (LIST, one a line, as the core gives them in
 * recipe_media): the same rules as plan_injected, so a name the iPXE tree
 * refuses fails the run before any work.  Returns 0 or -PF_ERECIPE
 * (logged) or -PF_ENOMEM.
 */
int plan_check_media_names(const struct pf_host *h, const char *list)
{
	char *copy = strdup(list ? list : ""), *line, *save = NULL;
	char **bases = NULL; /* the paths checked so far */
	size_t n = 0, j;
	int ret = copy ? 0 : -PF_ENOMEM;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; !ret && line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/');
		char **grown;

		base = base ? base + 1 : line;
		if (is_boot_path(line) || wimboot_keeps(base))
			continue; /* not injected (plan_injected warns at run time) */
		if (!plain_name(base) || strlen(base) > INJECT_NAME_MAX) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s: wimboot injects it as "
			       "\"%s\", which must be 1 to %d letters, digits, '.', '-' or "
			       "'_': rename it", line, base, INJECT_NAME_MAX);
			ret = -PF_ERECIPE;
			break;
		}
		for (j = 0; j < n; j++) {
			const char *other = strrchr(bases[j], '/');

			if (!strcasecmp(other ? other + 1 : bases[j], base)) {
				h->log(PF_LOG_ERROR, NAME, "outputs.pxe: %s and %s: "
				       "wimboot puts both in X:\\Windows\\System32 as \"%s\": "
				       "rename one", bases[j], line, base);
				ret = -PF_ERECIPE;
				break;
			}
		}
		if (!ret && n + 1 > INJECT_MAX) {
			h->log(PF_LOG_ERROR, NAME, "outputs.pxe: more than %d medium files to "
			       "inject: wimboot's virtual disk holds no more", INJECT_MAX);
			ret = -PF_ERECIPE;
		}
		if (ret)
			break;
		grown = realloc(bases, (n + 1) * sizeof(*grown));
		if (!grown) {
			ret = -PF_ENOMEM;
			break;
		}
		bases = grown;
		bases[n++] = line; /* points into COPY */
	}
	free(bases);
	free(copy);
	return ret;
}

/* The medium file at PATH, or NULL. */
static const struct outlib_file *medium_file(const struct plan *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->files.n; i++)
		if (!strcasecmp(p->files.v[i].path, path))
			return &p->files.v[i];
	return NULL;
}

/*
 * The files of an iPXE tree: wimboot, bootmgr, BCD, boot.sdi, the run's
 * boot.wim, the injected medium files and the iPXE binaries to chainload.
 * Returns 0 or an error (logged).
 */
int plan_ipxe(struct pxe_state *s, struct pf_job *job, struct plan *p)
{
	static const struct {
		const char *path, *rel, *why;
	} boot[] = {
		{ "bootmgr", "bootmgr", "wimboot takes bootmgr.exe from boot.wim" },
		{ "boot/bcd", "BCD", "wimboot takes the BCD from boot.wim (wimboot 2.7.1 "
		  "or later)" },
		{ "boot/boot.sdi", "boot.sdi", "wimboot takes boot.sdi from boot.wim "
		  "(wimboot 2.7.1 or later)" },
	};
	const struct pf_host *h = s->host;
	const char *linkable = h->job_fact(job, PF_FACT_WIM_LINKABLE);
	const struct outlib_file *f;
	size_t i;
	int ret;

	if (!h->job_wim(job)) {
		h->log(PF_LOG_ERROR, NAME, "no boot.wim was built in this run");
		return -PF_EINTERNAL;
	}
	ret = outlib_medium_files(h, job, NAME, &p->files);
	if (ret)
		return ret;
	ret = plan_host(p, "wimboot", s->wimboot, 0);
	for (i = 0; !ret && i < sizeof(boot) / sizeof(boot[0]); i++) {
		f = medium_file(p, boot[i].path);
		if (!f) {
			h->log(PF_LOG_WARN, NAME, "the media have no %s: %s", boot[i].path,
			       boot[i].why);
			continue;
		}
		ret = plan_medium_file(p, f, boot[i].rel, 0, NULL);
	}
	if (ret)
		return ret;
	f = medium_file(p, "sources/boot.wim");
	if (!f) {
		h->log(PF_LOG_ERROR, NAME, "no boot.wim on the boot medium");
		return -PF_EINTERNAL;
	}
	ret = plan_medium_file(p, f, "boot.wim", f->host && linkable &&
			       !strcmp(linkable, "true") && world_readable(f->host), NULL);
	if (!ret)
		ret = plan_injected(h, p);
	if (!ret)
		ret = plan_system(p, h, "undionly.kpxe", "ipxe", ipxe_dirs);
	if (!ret)
		ret = plan_system(p, h, "ipxe.efi", "ipxe", ipxe_dirs);
	return ret;
}
