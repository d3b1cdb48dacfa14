/* plugins/inject-wim-hash.h - check a WIM file's resources against their
 * SHA-1 on every CPU (see inject-wim-hash.c). */
#ifndef PEFORGE_INJECT_WIM_HASH_H
#define PEFORGE_INJECT_WIM_HASH_H

#include <stdint.h>
#include <wimlib.h>
#include "peforge/plugin.h"

/* pf_wim_hash_start's answer when the WIM needs wimlib_verify_wim. */
#define PF_WIM_HASH_FALLBACK 1

/* Progress of the check: DONE of TOTAL uncompressed bytes; nonzero
 * cancels.  Called on the caller's thread only. */
typedef int (*pf_wim_hash_prog)(void *ctx, uint64_t done, uint64_t total);

/*
 * 1 when a resource in the blob table of WIM (the file PATH, one part, not
 * pipable) has sizes no WIM can have: it reaches past the end of the file,
 * an uncompressed one has two sizes, or a compressed one is too small to
 * hold its chunk table.  Such sizes come from a damaged table; wimlib would
 * try to allocate what the uncompressed size says when it reads the
 * resource.  0 otherwise (also when it cannot tell).
 */
int pf_wim_hash_sizes(const char *path, WIMStruct *wim);

/* A check running (pf_wim_hash_start). */
struct pf_wim_hash;

/*
 * Start checking every resource of the WIM file PATH (opened as WIM, which
 * is not changed; only its blob table is read here, on this thread) on as
 * many threads as the process has CPUs (at most 16; PEFORGE_VERIFY_THREADS
 * overrides).  Each thread reads a resource, decompresses it and compares
 * its SHA-1 with the blob table's; the threads block every signal and call
 * nothing of the host.  The sizes in the blob table must have passed
 * pf_wim_hash_sizes (no resource reaches past the file's end): the
 * injector checks them when it opens the source.  Returns 0 with *OUT; PF_WIM_HASH_FALLBACK when the
 * layout is one this code does not read (split, pipable, solid, LZMS: use
 * wimlib_verify_wim); -PF_EWIM with *CODE = WIMLIB_ERR_OPEN; -PF_ENOMEM.
 */
int pf_wim_hash_start(const char *path, WIMStruct *wim, struct pf_wim_hash **out,
		      int *code);

/*
 * Wait for the check C, calling PROG (with CTX) about every 100 ms (on
 * this thread); when PROG returns nonzero the threads stop.  Returns 0
 * when every resource matches; -PF_EWIM with *CODE the wimlib error of
 * the first failure (WIMLIB_ERR_INVALID_RESOURCE_HASH, _DECOMPRESSION,
 * _READ, _UNEXPECTED_END_OF_FILE); -PF_ECANCELED; -PF_ENOMEM.  C is still
 * to be freed.
 */
int pf_wim_hash_wait(struct pf_wim_hash *c, pf_wim_hash_prog prog, void *ctx, int *code);

/* The file C reads (the WIM as it was opened, whatever its name now). */
int pf_wim_hash_fd(const struct pf_wim_hash *c);

/* Stop the threads of C if they still run, and free C (NULL: nothing). */
void pf_wim_hash_free(struct pf_wim_hash *c);

#endif
