/*
 * plugins/lib/srcbase.h - what every source plugin's state starts with,
 * and the open/close that fill and free it.
 *
 * A source plugin's state is a struct whose first member is a
 * `struct src_base`; src_base_open allocates it whole (zeroed) and fills
 * the base from the recipe's `path`, src_base_close frees the path and the
 * state.  A plugin with more to keep reads its own arguments after
 * src_base_open and frees its own members before src_base_close.
 */
#ifndef PEFORGE_PLUGINS_SRCBASE_H
#define PEFORGE_PLUGINS_SRCBASE_H

#include <stddef.h>

#include "peforge/plugin.h"

struct src_base {
	const struct pf_host *host;
	char *path; /* the recipe's source (absolute, from the core) */
};

/*
 * Allocate SIZE zeroed bytes (a struct starting with struct src_base) into
 * *STATE and fill the base from ARGS: the host and a copy of "path".
 * Returns 0, -PF_EINVAL (logged as WHO: "no source path given") when
 * "path" is absent or empty, or -PF_ENOMEM.
 */
int src_base_open(const struct pf_host *host, const struct pf_args *args, const char *who,
		  size_t size, void **state);

/* Free the base's path and STATE itself (NULL is fine). */
void src_base_close(void *state);

#endif
