/* core/args.h - the key/value arguments handed to a plugin. */
#ifndef PEFORGE_CORE_ARGS_H
#define PEFORGE_CORE_ARGS_H

#include <stddef.h>
#include "peforge/plugin.h"

struct pf_args {
	char **keys;
	char **values;
	size_t count;
	char *owner; /* for messages: "outputs.wim" */
};

/* An empty argument set; OWNER names it in messages.  Free with pf_args_free. */
struct pf_args *pf_args_new(const char *owner);
void pf_args_free(struct pf_args *a);

/* Set KEY to VALUE (copies both; replaces an existing KEY). */
int pf_args_set(struct pf_args *a, const char *key, const char *value);

/* The value of KEY or NULL. */
const char *pf_args_get(const struct pf_args *a, const char *key);

/* KEY as a boolean, DFLT when absent, -PF_ERECIPE (logged) otherwise. */
int pf_args_bool(const struct pf_args *a, const char *key, int dflt);

#endif
