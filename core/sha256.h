/* core/sha256.h - SHA-256 (FIPS 180-4), for the checksums of build --json. */
#ifndef PEFORGE_CORE_SHA256_H
#define PEFORGE_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct pf_sha256 {
	uint32_t h[8];
	uint64_t len;          /* bytes hashed so far */
	unsigned char buf[64]; /* a block being filled */
	size_t nbuf;
};

void pf_sha256_init(struct pf_sha256 *c);
void pf_sha256_update(struct pf_sha256 *c, const void *data, size_t len);
/* Finish and write the digest as 64 lower-case hex digits and a NUL. */
void pf_sha256_hex(struct pf_sha256 *c, char hex[65]);

/* The SHA-256 of the file PATH as hex; 0 or -PF_EIO (logged). */
int pf_sha256_file(const char *path, char hex[65]);

#endif
