/* core/args.h - the key/value arguments handed to a plugin. */
#ifndef PEFORGE_CORE_ARGS_H
#define PEFORGE_CORE_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include "peforge/plugin.h"

struct pf_args {
	char **keys;
	char **values;
	size_t count;
	char *owner; /* for messages: "outputs.wim" */
	const struct pf_option *options; /* declared by the plugin (set by
					    pf_args_check), for messages */
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
/* peforge's one boolean rule for text (plugin options, -D values; the Lua
 * side is peforge.check's): 1 for true/yes/1, 0 for false/no/0, -1 for
 * anything else. */
int pf_parse_bool(const char *v);

/* KEY as a whole number in [MIN, MAX], DFLT when absent, -PF_ERECIPE
 * (logged, naming the key and the range) otherwise. */
int pf_args_uint(const struct pf_args *a, const char *key, uint64_t dflt,
		 uint64_t min, uint64_t max, uint64_t *out);

/* KEY as the index of one of WORDS (NULL-terminated), DFLT when absent,
 * -PF_ERECIPE (logged, listing the words) otherwise. */
int pf_args_enum(const struct pf_args *a, const char *key, const char *const *words,
		 int dflt, int *index);

/* KEY as an absolute host path (malloc'd), relative ones resolved against
 * the `recipe_dir` argument or the current folder; NULL when absent or
 * empty. */
int pf_args_path(const struct pf_args *a, const char *key, char **out);

/*
 * Check that every key of A is declared in OPTIONS (ended by a NULL name;
 * a PF_OPT_TABLE option also covers "NAME.*") or is one of CORE_KEYS (the
 * keys the core itself adds; NULL-terminated, may be NULL).  An unknown
 * key is one error line with a "did you mean" suggestion, -PF_ERECIPE.
 * OPTIONS NULL: nothing is checked.  Remembers OPTIONS in A for the
 * messages of the typed readers.
 */
int pf_args_check(struct pf_args *a, const struct pf_option *options,
		  const char *const *core_keys);

/* The declaration of KEY in OPTIONS, or NULL. */
const struct pf_option *pf_option_find(const struct pf_option *options,
				       const char *key);

#endif
