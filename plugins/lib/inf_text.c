/* plugins/lib/inf_text.c - the INF parser's growing buffers, messages,
 * case-insensitive comparison and decoding of the bytes to UTF-8 text. */
#define _POSIX_C_SOURCE 200809L  /* strndup */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inf_int.h"


/* Append the N bytes at S to B, keeping it NUL-terminated.  Returns 0 or
 * -PF_ENOMEM (B unchanged). */
int inf_buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -PF_ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int inf_buf_putc(struct buf *b, char c)
{
	return inf_buf_put(b, &c, 1);
}

/* Append code point CP as UTF-8. */
static int buf_put_utf8(struct buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return inf_buf_put(b, u, n);
}

/* Write "line LINE: <message>" into ERR and return -PF_EINVAL. */
int inf_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -PF_EINVAL;
	n = snprintf(err, errlen, "line %u: ", line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -PF_EINVAL;
}

/* ASCII case-insensitive comparison, the same in every locale. */
static int ci_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int inf_ci_ncmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int x = ci_lower((unsigned char)a[i]), y = ci_lower((unsigned char)b[i]);

		if (x != y || !x)
			return x - y;
	}
	return 0;
}

int inf_ci_cmp(const char *a, const char *b)
{
	return inf_ci_ncmp(a, b, SIZE_MAX);
}

uint64_t inf_ci_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;  /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint64_t)ci_lower((unsigned char)s[i]);
		h *= 0x100000001b3u;
	}
	return h;
}

int inf_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* ---- decoding -------------------------------------------------------- */

/* The number of the line at the end of TEXT (1 + its newlines). */
static unsigned line_at_end(const struct buf *text)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < text->len; i++)
		n += text->p[i] == '\n';
	return n;
}

/*
 * Decode the UTF-16 units of D (LEN bytes, BE when BIG) into OUT, stopping
 * at U+0000 or U+001A (a DOS end of file; then *STOPPED is 1).  Unpaired
 * surrogates become U+FFFD.  Returns 0 or -PF_ENOMEM.
 */
static int decode_utf16(const unsigned char *d, size_t len, int big,
			struct buf *out, int *stopped)
{
	size_t i;
	int ret = 0;

	*stopped = 0;
	for (i = 0; i + 1 < len && !ret; i += 2) {
		uint32_t u = big ? (uint32_t)(d[i] << 8 | d[i + 1]) :
				   (uint32_t)(d[i] | d[i + 1] << 8);

		if (u == 0 || u == 0x1A) {
			*stopped = 1;
			break;
		}
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
			uint32_t lo = big ? (uint32_t)(d[i + 2] << 8 | d[i + 3]) :
					    (uint32_t)(d[i + 2] | d[i + 3] << 8);

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			} else {
				u = 0xFFFD;
			}
		} else if (u >= 0xD800 && u <= 0xDFFF) {
			u = 0xFFFD;
		}
		ret = buf_put_utf8(out, u);
	}
	return ret;
}

/* Turn "\r\n" and a lone "\r" of B into "\n", in place. */
static void normalize_newlines(struct buf *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->len; i++) {
		if (b->p[i] == '\r') {
			b->p[n++] = '\n';
			if (i + 1 < b->len && b->p[i + 1] == '\n')
				i++;
		} else {
			b->p[n++] = b->p[i];
		}
	}
	b->len = n;
	if (b->p)
		b->p[n] = '\0';
}

/*
 * Decode the LEN bytes at D into UTF-8 text with "\n" line ends (*OUT,
 * owned by the caller) and say which encoding it was in *ENC.  A NUL byte
 * of an ANSI or UTF-8 text is a space; in UTF-16, U+0000 ends the text, as
 * U+001A does in all.  UTF-16
 * without a BOM is recognized when the file starts with an ASCII character
 * and a zero byte.  Returns 0, -PF_EINVAL (UTF-16 with an odd number of
 * bytes; message in ERR) or -PF_ENOMEM.
 */
int inf_decode(const unsigned char *d, size_t len, enum inf_encoding *enc,
	       struct buf *out, char *err, size_t errlen)
{
	size_t i;
	int ret = 0, odd = 0, stopped = 0;

	*enc = INF_ANSI;
	if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
		*enc = INF_UTF16LE;
		d += 2;
		len -= 2;
	} else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
		*enc = INF_UTF16BE;
		d += 2;
		len -= 2;
	} else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		*enc = INF_UTF8;
		d += 3;
		len -= 3;
	} else if (len >= 2 && d[0] && d[0] < 0x80 && d[1] == 0) {
		*enc = INF_UTF16LE;
	}
	if (*enc == INF_UTF16LE || *enc == INF_UTF16BE) {
		odd = len % 2;
		ret = decode_utf16(d, len, *enc == INF_UTF16BE, out, &stopped);
	} else {
		/* a NUL is read as a space, as SetupAPI does; U+001A ends the text */
		for (i = 0; i < len && d[i] != 0x1A; i++)
			;
		if (i)
			ret = inf_buf_put(out, (const char *)d, i);
		for (i = 0; !ret && i < out->len; i++)
			if (!out->p[i])
				out->p[i] = ' ';
	}
	if (!ret && !out->p)
		ret = inf_buf_put(out, "", 0);
	if (ret)
		return ret;
	normalize_newlines(out);
	/* an odd byte after a U+0000 or U+001A that ended the text: no matter */
	if (odd && !stopped)
		return inf_fail(err, errlen, line_at_end(out),
			    "UTF-16 text with an odd number of bytes (truncated file?)");
	return 0;
}

