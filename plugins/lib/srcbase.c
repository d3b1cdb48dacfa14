/* plugins/lib/srcbase.c - the open and close shared by the source plugins. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "srcbase.h"

int src_base_open(const struct pf_host *host, const struct pf_args *args, const char *who,
		  size_t size, void **state)
{
	const char *path = host->arg_string(args, "path");
	struct src_base *b;

	if (!path || !*path) {
		host->log(PF_LOG_ERROR, who, "no source path given");
		return -PF_EINVAL;
	}
	if (size < sizeof(*b))
		return -PF_EINTERNAL;
	b = calloc(1, size);
	if (!b || !(b->path = strdup(path))) {
		free(b);
		return -PF_ENOMEM;
	}
	b->host = host;
	*state = b;
	return 0;
}

void src_base_close(void *state)
{
	struct src_base *b = state;

	if (!b)
		return;
	free(b->path);
	free(b);
}
