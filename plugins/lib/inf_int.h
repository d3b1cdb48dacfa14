/*
 * plugins/lib/inf_int.h - what the pieces of the INF parser share (inf.c:
 * sections, lines, strings and lookups; inf_text.c: buffers and decoding;
 * inf_driver.c: driver-package facts).  Not for the users of inf.h.
 */
#ifndef PEFORGE_PLUGINS_LIB_INF_INT_H
#define PEFORGE_PLUGINS_LIB_INF_INT_H

#include <stdarg.h>
#include <stdint.h>
#include "inf.h"

/* One string of the [Strings*] sections, for the sorted index. */
struct inf_str {
	const char *key;
	const char *value;
	int prio;      /* 0 [Strings.<langid>], 1 [Strings.<primary language>],
			* 2 [Strings], 3 another [Strings.*] */
	size_t seq;    /* order in the file */
};

struct inf {
	enum inf_encoding enc;
	unsigned langid;           /* the language whose [Strings.LLLL] wins */
	struct inf_section *sections;
	size_t nsections, capsections;
	size_t *sechash;           /* open addressing: section index + 1, 0 empty */
	size_t sechcap;            /* a power of two, or 0 */
	struct inf_str *strings;   /* sorted by key, one entry per key */
	size_t nstrings;
	size_t growth;             /* bytes the substitutions may still add */
};

/* The longest field a substitution makes, in characters: SetupAPI's
 * MAX_INF_STRING_LENGTH (4,096 with the terminating NUL). */
#define INF_MAX_FIELD 4095
/* What the %strkey% substitutions may add to the whole INF, in bytes: a
 * real INF adds a few KiB; a hostile one could otherwise take gigabytes. */
#define INF_MAX_GROWTH (32u << 20)

/* A growing NUL-terminated byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

/* Append the N bytes at S to B, keeping it NUL-terminated.  Returns 0 or
 * -PF_ENOMEM (B unchanged). */
int inf_buf_put(struct buf *b, const char *s, size_t n);

/* Append the byte C to B.  0 or -PF_ENOMEM. */
int inf_buf_putc(struct buf *b, char c);

/* Write "line LINE: <message>" into ERR and return -PF_EINVAL. */
int inf_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
	PF_PRINTF(4, 5);

/* ASCII case-insensitive comparison (of N bytes at most), the same in every
 * locale. */
int inf_ci_ncmp(const char *a, const char *b, size_t n);
int inf_ci_cmp(const char *a, const char *b);

/* A hash of the N bytes at S, the same in any ASCII case. */
uint64_t inf_ci_hash(const char *s, size_t n);

/* 1 when C is a space or a tab. */
int inf_is_blank(char c);

/*
 * Decode the LEN bytes at D into UTF-8 text with "\n" line ends (*OUT,
 * owned by the caller) and say which encoding it was in *ENC.  Returns 0,
 * -PF_EINVAL (UTF-16 with an odd number of bytes; message in ERR) or
 * -PF_ENOMEM.
 */
int inf_decode(const unsigned char *d, size_t len, enum inf_encoding *enc,
	       struct buf *out, char *err, size_t errlen);

#endif
