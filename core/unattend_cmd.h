/* core/unattend_cmd.h - `peforge unattend`: print or check answer files. */
#ifndef PEFORGE_CORE_UNATTEND_CMD_H
#define PEFORGE_CORE_UNATTEND_CMD_H

#include <stddef.h>
#include <stdio.h>
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

/*
 * Lint and validate the answer file FILE against the XSD at XSD: print one
 * line per finding on OUT ("FILE: XPATH: message").  Returns the number of
 * findings (0 = clean), or a negative -PF_E* when FILE cannot be read or
 * parsed or the XSD cannot be loaded (logged).
 */
int pf_unattend_check_file(const char *file, const char *xsd, FILE *out);

#endif
