/* plugins/lib/sha1.c - SHA-1 as FIPS 180-4 describes it (see sha1.h): the
 * padding and the context in portable C, the compression function in
 * portable C or, on x86-64, with the SHA extensions, chosen once at run
 * time. */
#include <stdlib.h>
#include <string.h>

#include "peforge/plugin.h"
#include "sha1.h"

/* Compress NBLOCKS 64-byte blocks at P into the chaining value H. */
typedef void (*sha1_blocks_fn)(uint32_t h[5], const unsigned char *p, size_t nblocks);

#define ROL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/* The big-endian 32-bit word at P. */
static inline uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The round functions of FIPS 180-4 4.1.1 (Ch, Parity, Maj), written with
 * fewer operations but the same values. */
#define F_CH(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define F_PAR(b, c, d) ((b) ^ (c) ^ (d))
#define F_MAJ(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))

#define K0 0x5a827999u
#define K1 0x6ed9eba1u
#define K2 0x8f1bbcdcu
#define K3 0xca62c1d6u

/* Word I of the message schedule (6.1.2 step 1), kept in a ring of 16:
 * W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]).  I is a constant in
 * every use, so the test is resolved when compiling. */
#define W(i) ((i) < 16 ? w[(i)] : (w[(i) & 15] = ROL32(w[((i) + 13) & 15] ^ \
	w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ w[(i) & 15], 1)))

/* One round (6.1.2 step 3) with the variables renamed instead of moved:
 * the caller rotates the roles of A..E from one round to the next. */
#define ROUND(a, b, c, d, e, f, k, i) do { \
		e += ROL32(a, 5) + f(b, c, d) + (k) + W(i); \
		b = ROL32(b, 30); \
	} while (0)

/* Five rounds from round I: after them the roles are back in place. */
#define ROUND5(f, k, i) do { \
		ROUND(a, b, c, d, e, f, k, (i)); \
		ROUND(e, a, b, c, d, f, k, (i) + 1); \
		ROUND(d, e, a, b, c, f, k, (i) + 2); \
		ROUND(c, d, e, a, b, f, k, (i) + 3); \
		ROUND(b, c, d, e, a, f, k, (i) + 4); \
	} while (0)

/* The compression function in portable C (FIPS 180-4 6.1.2), unrolled. */
static void sha1_blocks_portable(uint32_t h[5], const unsigned char *p, size_t nblocks)
{
	uint32_t w[16], a, b, c, d, e;
	int i;

	for (; nblocks; nblocks--, p += 64) {
		for (i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		a = h[0];
		b = h[1];
		c = h[2];
		d = h[3];
		e = h[4];
		ROUND5(F_CH, K0, 0);
		ROUND5(F_CH, K0, 5);
		ROUND5(F_CH, K0, 10);
		ROUND5(F_CH, K0, 15);
		ROUND5(F_PAR, K1, 20);
		ROUND5(F_PAR, K1, 25);
		ROUND5(F_PAR, K1, 30);
		ROUND5(F_PAR, K1, 35);
		ROUND5(F_MAJ, K2, 40);
		ROUND5(F_MAJ, K2, 45);
		ROUND5(F_MAJ, K2, 50);
		ROUND5(F_MAJ, K2, 55);
		ROUND5(F_PAR, K3, 60);
		ROUND5(F_PAR, K3, 65);
		ROUND5(F_PAR, K3, 70);
		ROUND5(F_PAR, K3, 75);
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
	}
}

/* Whether the SHA-NI code is built: x86-64 with a compiler that has the
 * target attribute and the SHA intrinsics (GCC 5, clang). */
#if defined(__x86_64__) && defined(__GNUC__) && (defined(__clang__) || __GNUC__ >= 5)
#define HAVE_SHANI 1
#else
#define HAVE_SHANI 0
#endif

#if HAVE_SHANI
#include <cpuid.h>
#include <immintrin.h>

/*
 * The SHA extensions keep A..D in one register, A in the highest lane, and
 * take four message words with W[t] in the highest lane: sha1rnds4 does
 * four rounds (function and constant chosen by its immediate, round / 20),
 * adding the highest lane of its message operand as E + W[t].  The E of
 * the next four rounds is ROTL30 of the A of four rounds before, which
 * sha1nexte adds to the next message words.  sha1msg1, an XOR and sha1msg2
 * make the next four schedule words from the previous sixteen.
 */

/* Four rounds with message words M, function K; PREV gets the A..D they
 * start from (for the E of the next four). */
#define SHANI_ROUND4(m, k) do { \
		__m128i x_ = _mm_sha1nexte_epu32(prev, m); \
		prev = abcd; \
		abcd = _mm_sha1rnds4_epu32(abcd, x_, k); \
	} while (0)

/* W[t..t+3] into M0 from M0 = W[t-16..], M1 = W[t-12..], M2 = W[t-8..]
 * and M3 = W[t-4..]. */
#define SHANI_SCHED(m0, m1, m2, m3) \
	(m0 = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32(m0, m1), m2), m3))

/* Schedule then four rounds, message words in M0. */
#define SHANI_SR4(m0, m1, m2, m3, k) do { \
		SHANI_SCHED(m0, m1, m2, m3); \
		SHANI_ROUND4(m0, k); \
	} while (0)

/* The compression function with the SHA extensions (same contract as
 * sha1_blocks_portable). */
__attribute__((target("sha,sse4.1,ssse3")))
static void sha1_blocks_shani(uint32_t h[5], const unsigned char *p, size_t nblocks)
{
	/* bytes 15..0: each big-endian word swapped, word 0 to the top lane */
	const __m128i rev = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
					 14, 15);
	__m128i abcd, e, abcd0, e0, prev, m0, m1, m2, m3;

	abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
	e = _mm_set_epi32((int)h[4], 0, 0, 0);
	for (; nblocks; nblocks--, p += 64) {
		abcd0 = abcd;
		e0 = e;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), rev);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), rev);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), rev);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), rev);
		/* rounds 0-3: E is the chaining value's */
		prev = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, _mm_add_epi32(e, m0), 0);
		SHANI_ROUND4(m1, 0);
		SHANI_ROUND4(m2, 0);
		SHANI_ROUND4(m3, 0);
		SHANI_SR4(m0, m1, m2, m3, 0);	/* rounds 16-19 */
		SHANI_SR4(m1, m2, m3, m0, 1);
		SHANI_SR4(m2, m3, m0, m1, 1);
		SHANI_SR4(m3, m0, m1, m2, 1);
		SHANI_SR4(m0, m1, m2, m3, 1);
		SHANI_SR4(m1, m2, m3, m0, 1);	/* rounds 36-39 */
		SHANI_SR4(m2, m3, m0, m1, 2);
		SHANI_SR4(m3, m0, m1, m2, 2);
		SHANI_SR4(m0, m1, m2, m3, 2);
		SHANI_SR4(m1, m2, m3, m0, 2);
		SHANI_SR4(m2, m3, m0, m1, 2);	/* rounds 56-59 */
		SHANI_SR4(m3, m0, m1, m2, 3);
		SHANI_SR4(m0, m1, m2, m3, 3);
		SHANI_SR4(m1, m2, m3, m0, 3);
		SHANI_SR4(m2, m3, m0, m1, 3);
		SHANI_SR4(m3, m0, m1, m2, 3);	/* rounds 76-79 */
		/* E after round 79 is ROTL30(A before round 76), added to E0 */
		e = _mm_sha1nexte_epu32(prev, e0);
		abcd = _mm_add_epi32(abcd, abcd0);
	}
	_mm_storeu_si128((__m128i *)(void *)h, _mm_shuffle_epi32(abcd, 0x1b));
	h[4] = (uint32_t)_mm_extract_epi32(e, 3);
}

/* 1 when this CPU can run sha1_blocks_shani: CPUID leaf 7 EBX bit 29
 * (SHA), leaf 1 ECX bits 9 (SSSE3) and 19 (SSE4.1). */
static int cpu_has_shani(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 9)) || !(c & (1u << 19)))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return !!(b & (1u << 29));
}
#endif

/* The implementation this process uses: NULL until the first use, then
 * fixed.  Two threads that both find it NULL both choose, and choose the
 * same, so a plain atomic load and store are enough. */
static sha1_blocks_fn sha1_chosen;

/* The implementation for PF_SHA1_AUTO, choosing it on first use. */
static sha1_blocks_fn sha1_auto(void)
{
	sha1_blocks_fn fn;

#ifdef __GNUC__
	fn = __atomic_load_n(&sha1_chosen, __ATOMIC_ACQUIRE);
#else
	fn = sha1_chosen;
#endif
	if (fn)
		return fn;
	fn = sha1_blocks_portable;
#if HAVE_SHANI
	{
		const char *env = getenv("PEFORGE_SHA1");

		if (!(env && !strcmp(env, "portable")) && cpu_has_shani())
			fn = sha1_blocks_shani;
	}
#endif
#ifdef __GNUC__
	__atomic_store_n(&sha1_chosen, fn, __ATOMIC_RELEASE);
#else
	sha1_chosen = fn;
#endif
	return fn;
}

/* The implementation WHICH names, NULL when it cannot run here. */
static sha1_blocks_fn sha1_pick(int which)
{
	switch (which) {
	case PF_SHA1_AUTO:
		return sha1_auto();
	case PF_SHA1_PORTABLE:
		return sha1_blocks_portable;
#if HAVE_SHANI
	case PF_SHA1_SHANI:
		return cpu_has_shani() ? sha1_blocks_shani : NULL;
#endif
	default:
		return NULL;
	}
}

void pf_sha1_init(struct pf_sha1 *c)
{
	c->h[0] = 0x67452301u;
	c->h[1] = 0xefcdab89u;
	c->h[2] = 0x98badcfeu;
	c->h[3] = 0x10325476u;
	c->h[4] = 0xc3d2e1f0u;
	c->len = 0;
	c->n = 0;
}

/* Add LEN bytes at P to C, compressing with FN: first the partial block,
 * then every whole block of P in one call, the rest kept for later. */
static void sha1_update(struct pf_sha1 *c, const unsigned char *p, size_t len,
			sha1_blocks_fn fn)
{
	size_t k;

	c->len += len;
	if (c->n) {
		k = 64 - c->n;
		if (k > len)
			k = len;
		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n < 64)
			return;
		fn(c->h, c->buf, 1);
		c->n = 0;
	}
	if (len >= 64) {
		fn(c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len) {
		memcpy(c->buf, p, len);
		c->n = len;
	}
}

/* Pad the message (5.1.1: a 1 bit, zeros, the length in bits as 64 bits
 * big-endian) compressing with FN, and write the digest to OUT. */
static void sha1_final(struct pf_sha1 *c, unsigned char out[20], sha1_blocks_fn fn)
{
	uint64_t bits = c->len << 3;
	unsigned char pad[72];
	size_t npad = (c->n < 56 ? 56 : 120) - c->n;
	int i;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, pad, npad + 8, fn);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void pf_sha1_update(struct pf_sha1 *c, const void *data, size_t len)
{
	sha1_update(c, data, len, sha1_auto());
}

void pf_sha1_final(struct pf_sha1 *c, unsigned char out[20])
{
	sha1_final(c, out, sha1_auto());
}

void pf_sha1(const void *data, size_t len, unsigned char out[20])
{
	struct pf_sha1 c;
	sha1_blocks_fn fn = sha1_auto();

	pf_sha1_init(&c);
	sha1_update(&c, data, len, fn);
	sha1_final(&c, out, fn);
}

const char *pf_sha1_impl(void)
{
	return sha1_auto() == sha1_blocks_portable ? "portable" : "sha-ni";
}

int pf_sha1_update_impl(struct pf_sha1 *c, const void *data, size_t len, int which)
{
	sha1_blocks_fn fn = sha1_pick(which);

	if (!fn)
		return -PF_EUNSUPPORTED;
	sha1_update(c, data, len, fn);
	return 0;
}

int pf_sha1_final_impl(struct pf_sha1 *c, unsigned char out[20], int which)
{
	sha1_blocks_fn fn = sha1_pick(which);

	if (!fn)
		return -PF_EUNSUPPORTED;
	sha1_final(c, out, fn);
	return 0;
}
