/* plugins/inject-wim-hash.h - check a WIM file's resources against their
 * SHA-1 on every CPU (see inject-wim-hash.c). */
#ifndef PEFORGE_INJECT_WIM_HASH_H
#define PEFORGE_INJECT_WIM_HASH_H

#include <stdint.h>
#include <wimlib.h>
#include "peforge/plugin.h"

/* pf_wim_hash_check's answer when the WIM needs wimlib_verify_wim. */
#define PF_WIM_HASH_FALLBACK 1

/* Progress of the check: DONE of TOTAL uncompressed bytes; nonzero
 * cancels.  Called on the caller's thread only. */
typedef int (*pf_wim_hash_prog)(void *ctx, uint64_t done, uint64_t total);

/*
 * Read every resource of the WIM file PATH (opened as WIM, which is not
 * changed) on as many threads as the process has CPUs (at most 16;
 * PEFORGE_VERIFY_THREADS overrides), decompress it and compare its SHA-1
 * with the blob table's.  PROG (with CTX) is called about every 100 ms.
 * Returns 0 when every resource matches; PF_WIM_HASH_FALLBACK when the
 * layout is one this code does not read (split, pipable, solid, LZMS:
 * use wimlib_verify_wim); -PF_EWIM with *CODE the wimlib error
 * (WIMLIB_ERR_INVALID_RESOURCE_HASH, _DECOMPRESSION, _READ,
 * _UNEXPECTED_END_OF_FILE, _OPEN) of the first failure; -PF_ECANCELED;
 * -PF_ENOMEM.
 */
int pf_wim_hash_check(const char *path, WIMStruct *wim, pf_wim_hash_prog prog, void *ctx,
		      int *code);

#endif
