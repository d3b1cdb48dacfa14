/* core/loader.h - finding, checking and loading plugins. */
#ifndef PEFORGE_CORE_LOADER_H
#define PEFORGE_CORE_LOADER_H

#include <stddef.h>
#include "peforge/plugin.h"

/* One accepted plugin. */
struct pf_loaded {
	const struct pf_plugin *desc; /* the plugin's descriptor (in its .so) */
	char *file;                   /* absolute path of the file */
	void *handle;                 /* dlopen handle */
};

/* The set of plugins of a run. */
struct pf_registry {
	struct pf_loaded *items;
	size_t count;
	unsigned refused;             /* how many files were refused */
	char *last_refusal;           /* the message of the last refusal */
};

/* The printable name of KIND ("source"), or NULL when KIND is unknown. */
const char *pf_kind_name(int kind);

/* An empty registry.  Free with pf_registry_free. */
int pf_registry_new(struct pf_registry **out);

/* Unload every plugin and free R (NULL is fine).  Plugins stay mapped when
 * PEFORGE_NO_DLCLOSE=1 (for valgrind stacks). */
void pf_registry_free(struct pf_registry *r);

/*
 * Load the plugin in FILE.  Returns 0 when accepted; otherwise a negative
 * code, with one warning line naming the file and the reason (wrong ABI with
 * both versions, duplicate name with both files, not a shared object, no
 * descriptor, bad descriptor) also kept in r->last_refusal.  A refusal never
 * stops the run.
 */
int pf_registry_load_file(struct pf_registry *r, const char *file);

/* Load every "*.so" regular file of DIR, in name order.  A missing DIR is not
 * an error.  Returns 0 or -PF_ENOMEM. */
int pf_registry_load_dir(struct pf_registry *r, const char *dir);

/* Load the folders of the colon-separated LIST, in order (empty entries are
 * skipped). */
int pf_registry_load_path(struct pf_registry *r, const char *list);

/* The plugin of KIND named NAME, or NULL. */
const struct pf_loaded *pf_registry_find(const struct pf_registry *r, int kind,
					 const char *name);

#endif
