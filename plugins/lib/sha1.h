/*
 * plugins/lib/sha1.h - SHA-1 (FIPS 180-4), for checking data against the
 * hashes a WIM stores for its resources.
 *
 * Two implementations of the compression function: portable C, and on
 * x86-64 one with the SHA extensions (SHA-NI).  The choice is made once, on
 * first use, from CPUID (SHA, SSSE3 and SSE4.1); setting the environment
 * variable PEFORGE_SHA1=portable before the first use forces the portable
 * code (for tests and for comparing speeds).  pf_sha1_impl() says which one
 * is in use.
 *
 * Thread-safe: any number of threads may hash at the same time, each with
 * its own struct pf_sha1 (a context is not to be shared without a lock).
 * Nothing here allocates or fails.
 */
#ifndef PEFORGE_PLUGINS_LIB_SHA1_H
#define PEFORGE_PLUGINS_LIB_SHA1_H

#include <stddef.h>
#include <stdint.h>

/* The state of one hash: chaining value, bytes seen, the partial block. */
struct pf_sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

/* Start a new hash in C. */
void pf_sha1_init(struct pf_sha1 *c);
/* Add LEN bytes at DATA (any length, any alignment; LEN 0 is fine). */
void pf_sha1_update(struct pf_sha1 *c, const void *data, size_t len);
/* Write the 20-byte digest to OUT.  C must be initialized again before
 * another use. */
void pf_sha1_final(struct pf_sha1 *c, unsigned char out[20]);
/* The digest of LEN bytes at DATA in one call. */
void pf_sha1(const void *data, size_t len, unsigned char out[20]);
/* "sha-ni" or "portable": the implementation pf_sha1_update uses. */
const char *pf_sha1_impl(void);

/* For tests only: the same as pf_sha1_update / pf_sha1_final with the
 * implementation named by WHICH, PF_SHA1_PORTABLE or PF_SHA1_SHANI
 * (PF_SHA1_AUTO: the one chosen for this process).  They return 0, or
 * -PF_EUNSUPPORTED (and do nothing) when WHICH is not built or the CPU
 * lacks it. */
enum { PF_SHA1_AUTO = 0, PF_SHA1_PORTABLE = 1, PF_SHA1_SHANI = 2 };
int pf_sha1_update_impl(struct pf_sha1 *c, const void *data, size_t len, int which);
int pf_sha1_final_impl(struct pf_sha1 *c, unsigned char out[20], int which);

#endif
