/*
 * core/claims.h - the outputs a run will write, claimed by the output
 * plugins in `open` (host->output_claim) and checked before any work: two
 * outputs with one path, an output inside the source media, a folder where
 * a file is expected and the reverse.
 */
#ifndef PEFORGE_CORE_CLAIMS_H
#define PEFORGE_CORE_CLAIMS_H

#include "peforge/plugin.h"

/* One claim: NAME (as the recipe gives it) for the plugin opened with ARGS. */
struct pf_claim {
	const struct pf_args *args;
	char *name;
	int folder;
};

/* host->output_claim: record that the output opened with ARGS writes NAME
 * (relative to the output folder, or absolute), a folder when FOLDER. */
int pf_claim_output(const struct pf_args *args, const char *name, int folder);

/* Forget every claim (before a run opens its plugins, and after it). */
void pf_claims_reset(void);

/* The claims recorded since the last reset, and their count. */
const struct pf_claim *pf_claims(size_t *n);

/*
 * Check the claims of a run writing into OUTDIR (maybe not made yet) from source media SOURCE (and BOOT_FILES, maybe NULL).  Messages
 * name an output by its arguments' owner ("outputs.wim").  Returns 0 or an
 * error after one error line.
 */
int pf_claims_check(const char *outdir, const char *source, const char *boot_files);

#endif
