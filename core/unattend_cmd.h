/* core/unattend_cmd.h - `peforge unattend`: print or check answer files. */
#ifndef PEFORGE_CORE_UNATTEND_CMD_H
#define PEFORGE_CORE_UNATTEND_CMD_H

#include <stddef.h>
#include "pipeline.h"

/*
 * `peforge unattend RECIPE [--machine ID] [-o FILE] [-D key=value]...`:
 * run the recipe and write the answer file it gives (the one machine ID
 * would get, with pe.machines) to FILE (whole or absent) or stdout.
 */
int pf_unattend_print(const struct pf_env *env, const char *recipe,
		      const char *machine, const char *outfile,
		      const char **defines, size_t ndefines);

/*
 * `peforge unattend --check FILE`: lint and validate any answer file; one
 * line per finding on stdout.  Returns 0 when clean, -PF_EXML when there
 * are findings (one summary error line), or another error.
 */
int pf_unattend_check(const struct pf_env *env, const char *file);

#endif
