/* plugins/lib/inf_driver.c - the driver-package facts of an INF (see
 * inf.h): architectures, models, catalogs and the files to copy. */
#define _POSIX_C_SOURCE 200809L  /* strndup */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inf_int.h"

/* ---- driver packages ------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} archs[] = {
	{ "x86", INF_ARCH_X86 },
	{ "amd64", INF_ARCH_AMD64 },
	{ "arm64", INF_ARCH_ARM64 },
};

unsigned inf_arch_bit(const char *arch)
{
	size_t i;

	for (i = 0; arch && i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!inf_ci_cmp(arch, archs[i].name))
			return archs[i].bit;
	return 0;
}

void inf_arch_names(unsigned mask, char *buf, size_t len)
{
	size_t i, n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		if (!(mask & archs[i].bit))
			continue;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      archs[i].name);
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* The arch bits decoration D allows: NT<arch>[.version...]; "NT" and
 * "NT.<version>" mean x86; 0 for another arch (ia64, arm) or not NT. */
static unsigned decoration_archs(const char *d)
{
	size_t n;
	char a[16];

	if (inf_ci_ncmp(d, "NT", 2))
		return 0;
	d += 2;
	n = strcspn(d, ".");
	if (n == 0)
		return INF_ARCH_X86;
	if (n >= sizeof(a))
		return 0;
	memcpy(a, d, n);
	a[n] = '\0';
	return inf_arch_bit(a);
}

void inf_driver_clear(struct inf_driver *drv)
{
	size_t i;

	for (i = 0; i < drv->nmodels; i++)
		free(drv->models[i].decorations);
	free(drv->models);
	memset(drv, 0, sizeof(*drv));
}

int inf_driver_info(const struct inf *inf, struct inf_driver *out)
{
	const struct inf_section *mfg = inf_section(inf, "Manufacturer");
	struct inf_driver d;
	size_t i, j;

	memset(&d, 0, sizeof(d));
	d.class_name = inf_value(inf, "Version", "Class", 0);
	d.class_guid = inf_value(inf, "Version", "ClassGuid", 0);
	d.provider = inf_value(inf, "Version", "Provider", 0);
	d.catalog = inf_value(inf, "Version", "CatalogFile", 0);
	d.catalog_nt = inf_value(inf, "Version", "CatalogFile.NT", 0);
	d.catalog_x86 = inf_value(inf, "Version", "CatalogFile.NTx86", 0);
	d.catalog_amd64 = inf_value(inf, "Version", "CatalogFile.NTamd64", 0);
	d.catalog_arm64 = inf_value(inf, "Version", "CatalogFile.NTarm64", 0);
	if (mfg && mfg->nlines) {
		d.models = calloc(mfg->nlines, sizeof(*d.models));
		if (!d.models)
			return -PF_ENOMEM;
	}
	for (i = 0; mfg && i < mfg->nlines; i++) {
		const struct inf_line *l = &mfg->lines[i];
		struct inf_models *m = &d.models[d.nmodels++];

		m->manufacturer = l->key ? l->key : l->fields[0];
		m->section = l->fields[0];
		if (l->key && l->nfields > 1) {
			m->decorations = calloc(l->nfields - 1, sizeof(*m->decorations));
			if (!m->decorations) {
				inf_driver_clear(&d);
				return -PF_ENOMEM;
			}
			for (j = 1; j < l->nfields; j++) {
				if (!*l->fields[j])
					continue;
				m->decorations[m->ndecorations++] = l->fields[j];
				m->archs |= decoration_archs(l->fields[j]);
			}
		}
		if (!m->ndecorations)
			m->archs = INF_ARCH_X86;
		d.archs |= m->archs;
	}
	*out = d;
	return 0;
}

int inf_driver_supports(const struct inf_driver *drv, const char *arch)
{
	unsigned bit = inf_arch_bit(arch);

	return bit && (drv->archs & bit);
}

/* 1 when S is a signature SetupAPI reads as a Windows 2000+ INF. */
static int good_signature(const char *s)
{
	return s && (!inf_ci_cmp(s, "$Windows NT$") || !inf_ci_cmp(s, "$Chicago$") ||
		     !inf_ci_cmp(s, "$Windows 95$"));
}

enum inf_verdict inf_driver_check(const struct inf *inf, const struct inf_driver *drv,
				  const char *arch, char *why, size_t len)
{
	char names[64];

	if (len)
		why[0] = '\0';
	if (!good_signature(inf_value(inf, "Version", "Signature", 0))) {
		if (len)
			snprintf(why, len, "no [Version] Signature of \"$Windows NT$\" or "
				 "\"$Chicago$\": Windows does not read it as a driver package");
		return INF_SKIP_SIGNATURE;
	}
	if (!drv->nmodels) {
		if (len)
			snprintf(why, len, "no [Manufacturer] section: not a Plug and Play "
				 "driver package");
		return INF_SKIP_NO_MODELS;
	}
	if (!inf_driver_supports(drv, arch)) {
		inf_arch_names(drv->archs, names, sizeof(names));
		if (len && drv->archs)
			snprintf(why, len, "for %s only, the image is %s", names, arch);
		else if (len)
			snprintf(why, len, "for none of x86, amd64, arm64 (the image is %s)",
				 arch);
		return INF_SKIP_ARCH;
	}
	return INF_KEEP;
}

const char *inf_verdict_name(enum inf_verdict v)
{
	switch (v) {
	case INF_KEEP:
		return "add";
	case INF_SKIP_SIGNATURE:
		return "skip:bad-signature";
	case INF_SKIP_NO_MODELS:
		return "skip:no-manufacturer";
	case INF_SKIP_ARCH:
		return "skip:arch";
	}
	return "skip";
}

const char *inf_driver_catalog(const struct inf_driver *drv, const char *arch)
{
	const char *c = NULL;

	switch (inf_arch_bit(arch)) {
	case INF_ARCH_X86:
		c = drv->catalog_x86;
		break;
	case INF_ARCH_AMD64:
		c = drv->catalog_amd64;
		break;
	case INF_ARCH_ARM64:
		c = drv->catalog_arm64;
		break;
	}
	if (c && *c)
		return c;
	if (drv->catalog_nt && *drv->catalog_nt)
		return drv->catalog_nt;
	return drv->catalog && *drv->catalog ? drv->catalog : NULL;
}

void inf_files_free(struct inf_file *files, size_t n)
{
	size_t i;

	for (i = 0; files && i < n; i++) {
		free(files[i].name);
		free(files[i].path);
	}
	free(files);
}

/* Append to B the '/'-separated components of P (backslashes or slashes),
 * without empty and "." ones.  Returns 0 or -PF_ENOMEM. */
static int put_components(struct buf *b, const char *p)
{
	int ret = 0;

	while (p && *p && !ret) {
		size_t n = strcspn(p, "\\/");

		if (n && !(n == 1 && p[0] == '.')) {
			if (b->len)
				ret = inf_buf_putc(b, '/');
			if (!ret)
				ret = inf_buf_put(b, p, n);
		}
		p += n;
		if (*p)
			p++;
	}
	return ret;
}

/* The folder of disk DISKID: field 4 of its line in [SourceDisksNames.ARCH]
 * or [SourceDisksNames]; NULL when it names none. */
static const char *disk_path(const struct inf *inf, const char *names_arch,
			     const char *diskid)
{
	const struct inf_line *l;

	if (!diskid || !*diskid)
		return NULL;
	l = inf_line_find(inf_section(inf, names_arch), diskid);
	if (!l)
		l = inf_line_find(inf_section(inf, "SourceDisksNames"), diskid);
	return inf_line_field(l, 3);
}

/* A file list being built: the files, and a hash of their names (index + 1
 * of a file, 0 for an empty slot). */
struct file_list {
	struct inf_file *v;
	size_t n, cap;
	size_t *hash, hcap;
};

/* The slot of L's hash where NAME is, or the empty slot where it goes. */
static size_t name_slot(const struct file_list *l, const char *name)
{
	size_t mask = l->hcap - 1, i = (size_t)inf_ci_hash(name, strlen(name)) & mask;

	while (l->hash[i] && inf_ci_cmp(l->v[l->hash[i] - 1].name, name))
		i = (i + 1) & mask;
	return i;
}

/* Make room in L for one more file.  0 or -PF_ENOMEM. */
static int list_grow(struct file_list *l)
{
	size_t i, *h;

	if (l->n == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 8;
		struct inf_file *f = realloc(l->v, c * sizeof(*f));

		if (!f)
			return -PF_ENOMEM;
		l->v = f;
		l->cap = c;
	}
	if ((l->n + 1) * 2 <= l->hcap)
		return 0;
	h = calloc(l->hcap ? l->hcap * 2 : 32, sizeof(*h));
	if (!h)
		return -PF_ENOMEM;
	free(l->hash);
	l->hash = h;
	l->hcap = l->hcap ? l->hcap * 2 : 32;
	for (i = 0; i < l->n; i++)
		l->hash[name_slot(l, l->v[i].name)] = i + 1;
	return 0;
}

/* Add the files of section SEC to list L; a name already there is
 * replaced.  Returns 0 or -PF_ENOMEM. */
static int add_files(const struct inf *inf, const struct inf_section *sec,
		     const char *names_arch, struct file_list *lst)
{
	size_t i, j, slot;

	for (i = 0; sec && i < sec->nlines; i++) {
		const struct inf_line *l = &sec->lines[i];
		const char *name = l->key ? l->key : l->fields[0];
		const char *disk = l->key ? l->fields[0] : NULL;
		const char *sub = l->key ? inf_line_field(l, 1) : NULL;
		struct buf path = { 0 };
		char *nm;
		int ret;

		if (!*name)
			continue;
		ret = put_components(&path, disk_path(inf, names_arch, disk));
		if (!ret)
			ret = put_components(&path, sub);
		if (!ret)
			ret = put_components(&path, name);
		nm = strdup(name);
		if (ret || !nm || !path.p) {
			free(path.p);
			free(nm);
			if (ret || !nm)
				return -PF_ENOMEM;
			continue;  /* a name of only slashes and dots */
		}
		if (list_grow(lst)) {
			free(path.p);
			free(nm);
			return -PF_ENOMEM;
		}
		slot = name_slot(lst, name);
		if (!lst->hash[slot]) {
			j = lst->n++;
			lst->hash[slot] = lst->n;
		} else {
			j = lst->hash[slot] - 1;
			free(lst->v[j].name);
			free(lst->v[j].path);
		}
		lst->v[j].name = nm;
		lst->v[j].path = path.p;
	}
	return 0;
}

int inf_driver_files(const struct inf *inf, const char *arch,
		     struct inf_file **out, size_t *n)
{
	char files_arch[40], names_arch[40];
	struct file_list l = { 0 };
	int ret;

	if (!inf_arch_bit(arch))
		return -PF_EINVAL;
	snprintf(files_arch, sizeof(files_arch), "SourceDisksFiles.%s", arch);
	snprintf(names_arch, sizeof(names_arch), "SourceDisksNames.%s", arch);
	ret = add_files(inf, inf_section(inf, "SourceDisksFiles"), names_arch, &l);
	if (!ret)
		ret = add_files(inf, inf_section(inf, files_arch), names_arch, &l);
	free(l.hash);
	if (ret) {
		inf_files_free(l.v, l.n);
		return ret;
	}
	if (!l.n) {
		free(l.v);
		l.v = NULL;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

