/* core/loader.c - finding, checking and loading plugins with dlopen. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "log.h"
#include "util.h"

const char *pf_kind_name(int kind)
{
	switch (kind) {
	case PF_SOURCE: return "source";
	case PF_INJECTOR: return "injector";
	case PF_DRIVERS: return "drivers";
	case PF_OUTPUT: return "output";
	default: return NULL;
	}
}

int pf_registry_new(struct pf_registry **out)
{
	struct pf_registry *r = calloc(1, sizeof(*r));

	if (!r)
		return -PF_ENOMEM;
	*out = r;
	return 0;
}

void pf_registry_free(struct pf_registry *r)
{
	const char *keep;
	size_t i;

	if (!r)
		return;
	keep = getenv("PEFORGE_NO_DLCLOSE");
	for (i = 0; i < r->count; i++) {
		if (r->items[i].handle && !(keep && !strcmp(keep, "1")))
			dlclose(r->items[i].handle);
		free(r->items[i].file);
	}
	free(r->items);
	free(r->last_refusal);
	free(r);
}

/* Record and print a refusal of FILE; always returns ERR. */
static int refuse(struct pf_registry *r, int err, const char *file,
		  const char *why)
{
	char *msg = pf_asprintf("plugin %s: refused: %s", file, why);

	r->refused++;
	if (msg) {
		pf_log(PF_LOG_WARN, NULL, "%s", msg);
		free(r->last_refusal);
		r->last_refusal = msg;
	}
	return err;
}

/* 1 when NAME is a usable plugin name: [a-z0-9_-], 1..32 characters. */
static int valid_name(const char *name)
{
	size_t n = 0;

	if (!name)
		return 0;
	for (; name[n]; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return n >= 1 && n <= 32;
}

/* More options than this in one descriptor: the list is not ended. */
#define MAX_OPTIONS 256

/*
 * Check the descriptor D of FILE before accepting it.  Returns NULL when it
 * is good, otherwise a malloc'd reason.
 */
static char *check_descriptor(const struct pf_plugin *d)
{
	size_t i;

	if (d->abi != PF_PLUGIN_ABI)
		return pf_asprintf("plugin ABI %u, this peforge (%s) has plugin ABI %u; "
				   "rebuild the plugin against this peforge",
				   (unsigned)d->abi, PACKAGE_VERSION, (unsigned)PF_PLUGIN_ABI);
	if (!pf_kind_name((int)d->kind))
		return pf_asprintf("unknown plugin kind %d (plugin ABI %u, peforge ABI %u)",
				   (int)d->kind, (unsigned)d->abi, (unsigned)PF_PLUGIN_ABI);
	if (!valid_name(d->name))
		return pf_asprintf("invalid plugin name (want 1-32 of a-z 0-9 - _)");
	if (!d->open || !d->run)
		return pf_asprintf("descriptor '%s' has no %s function", d->name,
				   !d->open ? "open" : "run");
	if (d->kind == PF_SOURCE && !d->probe)
		return pf_asprintf("source plugin '%s' has no probe function", d->name);
	for (i = 0; d->options && d->options[i].name; i++) {
		const struct pf_option *o = &d->options[i];

		if (i >= MAX_OPTIONS)
			return pf_asprintf("descriptor '%s': more than %d options (is the "
					   "list ended by { NULL }?)", d->name, MAX_OPTIONS);
		if (o->type < PF_OPT_STRING || o->type > PF_OPT_TABLE)
			return pf_asprintf("descriptor '%s': option '%s' has unknown type %d",
					   d->name, o->name, (int)o->type);
		if (o->type == PF_OPT_ENUM && (!o->words || !o->words[0]))
			return pf_asprintf("descriptor '%s': option '%s' is an enum without "
					   "words", d->name, o->name);
	}
	return NULL;
}

int pf_registry_load_file(struct pf_registry *r, const char *file)
{
	struct pf_loaded *grown;
	const struct pf_plugin *d;
	const struct pf_loaded *dup;
	char *why = NULL, *abs = NULL;
	void *h;
	int ret;

	abs = pf_abspath(file);
	if (!abs)
		return -PF_ENOMEM;
	dlerror();
	h = dlopen(abs, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();

		why = pf_asprintf("not a loadable shared object (%s); if it is a "
				  "plugin, check its libraries with ldd",
				  e ? e : "dlopen failed");
		ret = refuse(r, -PF_EPLUGIN, abs, why ? why : "not loadable");
		goto out;
	}
	d = dlsym(h, PF_PLUGIN_SYMBOL);
	if (!d) {
		why = pf_asprintf("not a peforge plugin: no '%s' descriptor "
				  "(this peforge has plugin ABI %u)",
				  PF_PLUGIN_SYMBOL, (unsigned)PF_PLUGIN_ABI);
		ret = refuse(r, -PF_EPLUGIN, abs, why ? why : "no descriptor");
		goto out_close;
	}
	why = check_descriptor(d);
	if (why) {
		ret = refuse(r, -PF_EPLUGIN, abs, why);
		goto out_close;
	}
	dup = pf_registry_find(r, (int)d->kind, d->name);
	if (dup) {
		why = pf_asprintf("duplicate %s plugin '%s' (ABI %u), already loaded "
				  "from %s (ABI %u)", pf_kind_name((int)d->kind),
				  d->name, (unsigned)d->abi, dup->file,
				  (unsigned)dup->desc->abi);
		ret = refuse(r, -PF_EEXIST, abs, why ? why : "duplicate");
		goto out_close;
	}
	grown = realloc(r->items, (r->count + 1) * sizeof(*grown));
	if (!grown) {
		ret = -PF_ENOMEM;
		goto out_close;
	}
	r->items = grown;
	r->items[r->count].desc = d;
	r->items[r->count].file = abs;
	r->items[r->count].handle = h;
	r->count++;
	pf_debug("plugin %s: loaded %s plugin '%s'", abs, pf_kind_name((int)d->kind),
		 d->name);
	abs = NULL;
	ret = 0;
	goto out;
out_close:
	dlclose(h);
out:
	free(why);
	free(abs);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pf_registry_load_dir(struct pf_registry *r, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (!d) {
		pf_debug("plugin folder %s: not readable, skipped", dir);
		return 0;
	}
	while ((de = readdir(d))) {
		char **grown;
		char *full;

		if (!pf_endswith_ci(de->d_name, ".so") || de->d_name[0] == '.')
			continue;
		full = pf_path_join(dir, de->d_name);
		if (!full) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (!pf_is_file(full)) {
			free(full);
			continue;
		}
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown) {
			free(full);
			ret = -PF_ENOMEM;
			goto out;
		}
		names = grown;
		names[n++] = full;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		int e = pf_registry_load_file(r, names[i]);

		if (e == -PF_ENOMEM) {
			ret = e;
			goto out;
		}
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

int pf_registry_load_path(struct pf_registry *r, const char *list)
{
	char *copy, *tok, *save = NULL;
	int ret = 0;

	if (!list || !*list)
		return 0;
	copy = strdup(list);
	if (!copy)
		return -PF_ENOMEM;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		ret = pf_registry_load_dir(r, tok);
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

const struct pf_loaded *pf_registry_find(const struct pf_registry *r, int kind,
					 const char *name)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		if ((int)r->items[i].desc->kind == kind &&
		    !strcmp(r->items[i].desc->name, name))
			return &r->items[i];
	return NULL;
}
