/*
 * plugins/inf.c - a parser for Windows INF files and the driver-package
 * facts built on it (see inf.h).  Only libc: no symbol of peforge's core.
 *
 * The bytes are first decoded to UTF-8 text with "\n" line ends, then cut
 * into sections and lines (quotes, comments, continuations, fields), and
 * last the %strkey% tokens are replaced once every [Strings] line is known,
 * since [Strings] usually comes last.
 */
#define _POSIX_C_SOURCE 200809L  /* strndup */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inf.h"

/* One string of the [Strings*] sections, for the sorted index. */
struct inf_str {
	const char *key;
	const char *value;
	int prio;      /* 0 [Strings], 1 [Strings.0409], 2 another [Strings.*] */
	size_t seq;    /* order in the file */
};

struct inf {
	enum inf_encoding enc;
	struct inf_section *sections;
	size_t nsections, capsections;
	struct inf_str *strings;   /* sorted by key, one entry per key */
	size_t nstrings;
};

/* A growing NUL-terminated byte buffer. */
struct buf {
	char *p;
	size_t len, cap;
};

/* Append the N bytes at S to B, keeping it NUL-terminated.  Returns 0 or
 * -PF_ENOMEM (B unchanged). */
static int buf_put(struct buf *b, const char *s, size_t n)
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

static int buf_putc(struct buf *b, char c)
{
	return buf_put(b, &c, 1);
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
	return buf_put(b, u, n);
}

/* Write "line LINE: <message>" into ERR and return -PF_EINVAL. */
static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
	PF_PRINTF(4, 5);
static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
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

static int ci_ncmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int x = ci_lower((unsigned char)a[i]), y = ci_lower((unsigned char)b[i]);

		if (x != y || !x)
			return x - y;
	}
	return 0;
}

static int ci_cmp(const char *a, const char *b)
{
	return ci_ncmp(a, b, SIZE_MAX);
}

static int is_blank(char c)
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
 * owned by the caller) and say which encoding it was in *ENC.  UTF-16
 * without a BOM is recognized when the file starts with an ASCII character
 * and a zero byte.  Returns 0, -PF_EINVAL (UTF-16 with an odd number of
 * bytes; message in ERR) or -PF_ENOMEM.
 */
static int decode(const unsigned char *d, size_t len, enum inf_encoding *enc,
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
		for (i = 0; i < len && d[i] && d[i] != 0x1A; i++)
			;
		if (i)
			ret = buf_put(out, (const char *)d, i);
	}
	if (!ret && !out->p)
		ret = buf_put(out, "", 0);
	if (ret)
		return ret;
	normalize_newlines(out);
	/* an odd byte after a U+0000 or U+001A that ended the text: no matter */
	if (odd && !stopped)
		return fail(err, errlen, line_at_end(out),
			    "UTF-16 text with an odd number of bytes (truncated file?)");
	return 0;
}

/* ---- sections and lines ------------------------------------------------- */

static void line_clear(struct inf_line *l)
{
	size_t i;

	free(l->key);
	for (i = 0; i < l->nfields; i++)
		free(l->fields[i]);
	free(l->fields);
}

void inf_free(struct inf *inf)
{
	size_t i, j;

	if (!inf)
		return;
	for (i = 0; i < inf->nsections; i++) {
		struct inf_section *s = &inf->sections[i];

		for (j = 0; j < s->nlines; j++)
			line_clear(&s->lines[j]);
		free(s->lines);
		free(s->name);
	}
	free(inf->sections);
	free(inf->strings);
	free(inf);
}

/* The index of section NAME (N bytes) of INF, added when absent, in *IDX. */
static int section_get(struct inf *inf, const char *name, size_t n, size_t *idx)
{
	struct inf_section *s;
	size_t i;

	for (i = 0; i < inf->nsections; i++) {
		s = &inf->sections[i];
		if (strlen(s->name) == n && !ci_ncmp(s->name, name, n)) {
			*idx = i;
			return 0;
		}
	}
	if (inf->nsections == inf->capsections) {
		size_t cap = inf->capsections ? inf->capsections * 2 : 16;

		s = realloc(inf->sections, cap * sizeof(*s));
		if (!s)
			return -PF_ENOMEM;
		inf->sections = s;
		inf->capsections = cap;
	}
	s = &inf->sections[inf->nsections];
	memset(s, 0, sizeof(*s));
	s->name = strndup(name, n);
	if (!s->name)
		return -PF_ENOMEM;
	*idx = inf->nsections++;
	return 0;
}

/* Append LINE to section S, which then owns what LINE holds. */
static int section_add_line(struct inf_section *s, struct inf_line *line)
{
	size_t n = s->nlines;

	/* capacity: 4, then the next power of two */
	if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
		struct inf_line *l = realloc(s->lines, (n ? n * 2 : 4) * sizeof(*l));

		if (!l)
			return -PF_ENOMEM;
		s->lines = l;
	}
	s->lines[s->nlines++] = *line;
	return 0;
}

/* Append TOK's first LEN bytes to the field list *FIELDS (*N of them). */
static int push_field(char ***fields, size_t *n, const struct buf *tok, size_t len)
{
	char **f = realloc(*fields, (*n + 1) * sizeof(*f));

	if (!f)
		return -PF_ENOMEM;
	*fields = f;
	f[*n] = strndup(tok->p ? tok->p : "", len);
	if (!f[*n])
		return -PF_ENOMEM;
	(*n)++;
	return 0;
}

/* 1 when the backslash before P ends the line: only blanks, maybe a
 * comment, then the end of the line. */
static int continues(const char *p)
{
	while (is_blank(*p))
		p++;
	return *p == '\0' || *p == '\n' || *p == ';';
}

/*
 * Parse the key/value line starting at *PP (not blank, not a comment, not
 * a section) into *LINE, moving *PP past its end and *LINENO past the
 * physical lines it spans.  Sets *EMPTY when it held nothing.  Returns 0 or
 * -PF_ENOMEM; on failure *LINE holds nothing.
 */
static int parse_line(const char **pp, unsigned *lineno, struct inf_line *line,
		      int *empty)
{
	const char *p = *pp;
	struct buf tok = { 0 };
	size_t sig = 0;          /* tok's length up to its last significant char */
	int started = 0, any = 0, may_key = 1, ret = 0;
	char *key = NULL;
	char **fields = NULL;
	size_t nf = 0;

	for (;;) {
		char c = *p;

		if (c == '\0' || c == '\n' || c == ';') {
			while (*p && *p != '\n')
				p++;
			if (*p == '\n') {
				p++;
				(*lineno)++;
			}
			break;
		}
		if (c == '"') {
			p++;
			while (*p && *p != '\n' && !ret) {
				if (*p == '"' && p[1] != '"') {
					p++;
					break;
				}
				ret = buf_putc(&tok, *p);
				p += *p == '"' ? 2 : 1;
			}
			if (!ret && !tok.p)
				ret = buf_put(&tok, "", 0);
			sig = tok.len;
			started = any = 1;
		} else if (c == '\\' && continues(p + 1)) {
			while (*p && *p != '\n')
				p++;
			if (*p == '\n') {
				p++;
				(*lineno)++;
			}
			while (is_blank(*p))
				p++;
		} else if (c == ',') {
			ret = push_field(&fields, &nf, &tok, sig);
			tok.len = sig = 0;
			started = 0;
			any = 1;
			may_key = 0;
			p++;
		} else if (c == '=' && may_key) {
			key = strndup(tok.p ? tok.p : "", sig);
			if (!key)
				ret = -PF_ENOMEM;
			tok.len = sig = 0;
			started = 0;
			any = 1;
			may_key = 0;
			p++;
		} else if (is_blank(c)) {
			if (started)
				ret = buf_putc(&tok, c);
			p++;
		} else {
			ret = buf_putc(&tok, c);
			sig = tok.len;
			started = any = 1;
			p++;
		}
		if (ret)
			goto out;
	}
	*empty = !any;
	if (any)
		ret = push_field(&fields, &nf, &tok, sig);
out:
	free(tok.p);
	if (ret || !any) {
		struct inf_line l = { 0, key, fields, nf };

		line_clear(&l);
		memset(line, 0, sizeof(*line));
	} else {
		line->key = key;
		line->fields = fields;
		line->nfields = nf;
	}
	*pp = p;
	return ret;
}

/*
 * Cut TEXT into the sections of INF.  Returns 0, -PF_EINVAL (message with
 * the line number in ERR) or -PF_ENOMEM.
 */
static int parse_text(struct inf *inf, const char *text, char *err, size_t errlen)
{
	const char *p = text;
	unsigned lineno = 1;
	size_t cur = SIZE_MAX;
	int ret;

	while (*p) {
		while (is_blank(*p))
			p++;
		if (*p == '\n') {
			p++;
			lineno++;
		} else if (*p == ';') {
			while (*p && *p != '\n')
				p++;
		} else if (*p == '[') {
			const char *b = p + 1, *e;

			for (e = b; *e && *e != '\n' && *e != ']'; e++)
				;
			if (*e != ']')
				return fail(err, errlen, lineno, "unterminated section name");
			p = e;
			while (b < e && is_blank(*b))
				b++;
			while (e > b && is_blank(e[-1]))
				e--;
			ret = section_get(inf, b, (size_t)(e - b), &cur);
			if (ret)
				return ret;
			/* the rest of the line after ']' is ignored, as Windows does */
			while (*p && *p != '\n')
				p++;
		} else if (*p) {
			struct inf_line line;
			unsigned first = lineno;
			int empty = 0;

			if (cur == SIZE_MAX)
				return fail(err, errlen, lineno,
					    "text before the first [section]");
			ret = parse_line(&p, &lineno, &line, &empty);
			if (ret)
				return ret;
			if (empty)
				continue;
			line.lineno = first;
			ret = section_add_line(&inf->sections[cur], &line);
			if (ret) {
				line_clear(&line);
				return ret;
			}
		}
	}
	return 0;
}

/* ---- strings ------------------------------------------------------------ */

/* The priority of section NAME as a strings section, or -1 when it is not
 * one: [Strings] 0, [Strings.0409] 1, another [Strings.*] 2. */
static int strings_prio(const char *name)
{
	if (!ci_cmp(name, "Strings"))
		return 0;
	if (!ci_cmp(name, "Strings.0409"))
		return 1;
	if (!ci_ncmp(name, "Strings.", 8))
		return 2;
	return -1;
}

static int str_cmp(const void *a, const void *b)
{
	const struct inf_str *x = a, *y = b;
	int c = ci_cmp(x->key, y->key);

	if (c)
		return c;
	if (x->prio != y->prio)
		return x->prio - y->prio;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Build INF's sorted string index, one entry per key: the first of the
 * best strings section.  Returns 0 or -PF_ENOMEM. */
static int index_strings(struct inf *inf)
{
	size_t i, j, n = 0, k;

	for (i = 0; i < inf->nsections; i++)
		if (strings_prio(inf->sections[i].name) >= 0)
			n += inf->sections[i].nlines;
	if (!n)
		return 0;
	inf->strings = calloc(n, sizeof(*inf->strings));
	if (!inf->strings)
		return -PF_ENOMEM;
	n = 0;
	for (i = 0; i < inf->nsections; i++) {
		const struct inf_section *s = &inf->sections[i];
		int prio = strings_prio(s->name);

		if (prio < 0)
			continue;
		for (j = 0; j < s->nlines; j++) {
			if (!s->lines[j].key)
				continue;
			inf->strings[n].key = s->lines[j].key;
			inf->strings[n].value = s->lines[j].fields[0];
			inf->strings[n].prio = prio;
			inf->strings[n].seq = n;
			n++;
		}
	}
	qsort(inf->strings, n, sizeof(*inf->strings), str_cmp);
	for (i = 0, k = 0; i < n; i++)
		if (!k || ci_cmp(inf->strings[k - 1].key, inf->strings[i].key))
			inf->strings[k++] = inf->strings[i];
	inf->nstrings = k;
	return 0;
}

/* The string KEY (N bytes), or NULL. */
static const char *string_n(const struct inf *inf, const char *key, size_t n)
{
	size_t lo = 0, hi = inf->nstrings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = inf->strings[mid].key;
		int c = ci_ncmp(key, k, n);

		if (!c && k[n])
			c = -1;  /* KEY is a proper prefix of k */
		if (!c)
			return inf->strings[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *inf_string(const struct inf *inf, const char *strkey)
{
	return string_n(inf, strkey, strlen(strkey));
}

/*
 * Replace the %strkey% tokens of *S (a field of the line starting at
 * LINENO) in place: %% is one %, an unknown key is left as written.
 * Returns 0, -PF_EINVAL (a % never closed; message in ERR) or -PF_ENOMEM.
 */
static int subst(const struct inf *inf, char **s, unsigned lineno, char *err,
		 size_t errlen)
{
	const char *p = *s, *q;
	struct buf out = { 0 };
	int ret = 0;

	if (!strchr(p, '%'))
		return 0;
	while (*p && !ret) {
		const char *v;

		if (*p != '%') {
			q = strchr(p, '%');
			if (!q)
				q = p + strlen(p);
			ret = buf_put(&out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		q = strchr(p + 1, '%');
		if (!q) {
			ret = fail(err, errlen, lineno, "'%%' opens a %%strkey%% token that "
				   "is never closed: \"%.40s\"", p);
			break;
		}
		if (q == p + 1)
			ret = buf_putc(&out, '%');
		else if ((v = string_n(inf, p + 1, (size_t)(q - p - 1))))
			ret = buf_put(&out, v, strlen(v));
		else
			ret = buf_put(&out, p, (size_t)(q + 1 - p));
		p = q + 1;
	}
	if (!ret && !out.p)
		ret = buf_put(&out, "", 0);
	if (ret) {
		free(out.p);
		return ret;
	}
	free(*s);
	*s = out.p;
	return 0;
}

/* Substitute the strings in every line outside the [Strings*] sections. */
static int subst_all(struct inf *inf, char *err, size_t errlen)
{
	size_t i, j, k;
	int ret;

	for (i = 0; i < inf->nsections; i++) {
		struct inf_section *s = &inf->sections[i];

		if (strings_prio(s->name) >= 0)
			continue;
		for (j = 0; j < s->nlines; j++) {
			struct inf_line *l = &s->lines[j];

			if (l->key && (ret = subst(inf, &l->key, l->lineno, err, errlen)))
				return ret;
			for (k = 0; k < l->nfields; k++)
				if ((ret = subst(inf, &l->fields[k], l->lineno, err, errlen)))
					return ret;
		}
	}
	return 0;
}

int inf_parse(const void *data, size_t len, struct inf **out, char *err,
	      size_t errlen)
{
	struct inf *inf = NULL;
	struct buf text = { 0 };
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!data && len)
		return -PF_EINVAL;
	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return -PF_ENOMEM;
	ret = decode(data, len, &inf->enc, &text, err, errlen);
	if (!ret)
		ret = parse_text(inf, text.p, err, errlen);
	if (!ret)
		ret = index_strings(inf);
	if (!ret)
		ret = subst_all(inf, err, errlen);
	free(text.p);
	if (ret) {
		inf_free(inf);
		return ret;
	}
	*out = inf;
	return 0;
}

/* ---- lookups --------------------------------------------------------- */

enum inf_encoding inf_get_encoding(const struct inf *inf)
{
	return inf->enc;
}

size_t inf_section_count(const struct inf *inf)
{
	return inf->nsections;
}

const struct inf_section *inf_section_at(const struct inf *inf, size_t i)
{
	return i < inf->nsections ? &inf->sections[i] : NULL;
}

const struct inf_section *inf_section(const struct inf *inf, const char *name)
{
	size_t i;

	for (i = 0; i < inf->nsections; i++)
		if (!ci_cmp(inf->sections[i].name, name))
			return &inf->sections[i];
	return NULL;
}

const struct inf_line *inf_line_find(const struct inf_section *sec, const char *key)
{
	size_t i;

	if (!sec)
		return NULL;
	for (i = 0; i < sec->nlines; i++)
		if (sec->lines[i].key && !ci_cmp(sec->lines[i].key, key))
			return &sec->lines[i];
	return NULL;
}

const char *inf_line_field(const struct inf_line *line, size_t i)
{
	return line && i < line->nfields ? line->fields[i] : NULL;
}

const char *inf_value(const struct inf *inf, const char *section, const char *key,
		      size_t i)
{
	return inf_line_field(inf_line_find(inf_section(inf, section), key), i);
}

/* ---- driver packages ------------------------------------------------- */

static const struct {
	const char *name;
	unsigned bit;
} archs[] = {
	{ "x86", INF_ARCH_X86 },
	{ "amd64", INF_ARCH_AMD64 },
	{ "arm64", INF_ARCH_ARM64 },
};

unsigned inf_arch_bit(const char *arch)
{
	size_t i;

	for (i = 0; arch && i < sizeof(archs) / sizeof(archs[0]); i++)
		if (!ci_cmp(arch, archs[i].name))
			return archs[i].bit;
	return 0;
}

void inf_arch_names(unsigned mask, char *buf, size_t len)
{
	size_t i, n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		if (!(mask & archs[i].bit))
			continue;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      archs[i].name);
	}
	if (!n)
		snprintf(buf, len, "none");
}

/* The arch bits decoration D allows: NT<arch>[.version...]; "NT" and
 * "NT.<version>" mean x86; 0 for another arch (ia64, arm) or not NT. */
static unsigned decoration_archs(const char *d)
{
	size_t n;
	char a[16];

	if (ci_ncmp(d, "NT", 2))
		return 0;
	d += 2;
	n = strcspn(d, ".");
	if (n == 0)
		return INF_ARCH_X86;
	if (n >= sizeof(a))
		return 0;
	memcpy(a, d, n);
	a[n] = '\0';
	return inf_arch_bit(a);
}

void inf_driver_clear(struct inf_driver *drv)
{
	size_t i;

	for (i = 0; i < drv->nmodels; i++)
		free(drv->models[i].decorations);
	free(drv->models);
	memset(drv, 0, sizeof(*drv));
}

int inf_driver_info(const struct inf *inf, struct inf_driver *out)
{
	const struct inf_section *mfg = inf_section(inf, "Manufacturer");
	struct inf_driver d;
	size_t i, j;

	memset(&d, 0, sizeof(d));
	d.class_name = inf_value(inf, "Version", "Class", 0);
	d.class_guid = inf_value(inf, "Version", "ClassGuid", 0);
	d.provider = inf_value(inf, "Version", "Provider", 0);
	d.catalog = inf_value(inf, "Version", "CatalogFile", 0);
	d.catalog_nt = inf_value(inf, "Version", "CatalogFile.NT", 0);
	d.catalog_x86 = inf_value(inf, "Version", "CatalogFile.NTx86", 0);
	d.catalog_amd64 = inf_value(inf, "Version", "CatalogFile.NTamd64", 0);
	d.catalog_arm64 = inf_value(inf, "Version", "CatalogFile.NTarm64", 0);
	if (mfg && mfg->nlines) {
		d.models = calloc(mfg->nlines, sizeof(*d.models));
		if (!d.models)
			return -PF_ENOMEM;
	}
	for (i = 0; mfg && i < mfg->nlines; i++) {
		const struct inf_line *l = &mfg->lines[i];
		struct inf_models *m = &d.models[d.nmodels++];

		m->manufacturer = l->key ? l->key : l->fields[0];
		m->section = l->fields[0];
		if (l->key && l->nfields > 1) {
			m->decorations = calloc(l->nfields - 1, sizeof(*m->decorations));
			if (!m->decorations) {
				inf_driver_clear(&d);
				return -PF_ENOMEM;
			}
			for (j = 1; j < l->nfields; j++) {
				if (!*l->fields[j])
					continue;
				m->decorations[m->ndecorations++] = l->fields[j];
				m->archs |= decoration_archs(l->fields[j]);
			}
		}
		if (!m->ndecorations)
			m->archs = INF_ARCH_X86;
		d.archs |= m->archs;
	}
	*out = d;
	return 0;
}

int inf_driver_supports(const struct inf_driver *drv, const char *arch)
{
	unsigned bit = inf_arch_bit(arch);

	return bit && (drv->archs & bit);
}

const char *inf_driver_catalog(const struct inf_driver *drv, const char *arch)
{
	const char *c = NULL;

	switch (inf_arch_bit(arch)) {
	case INF_ARCH_X86:
		c = drv->catalog_x86;
		break;
	case INF_ARCH_AMD64:
		c = drv->catalog_amd64;
		break;
	case INF_ARCH_ARM64:
		c = drv->catalog_arm64;
		break;
	}
	if (c && *c)
		return c;
	if (drv->catalog_nt && *drv->catalog_nt)
		return drv->catalog_nt;
	return drv->catalog && *drv->catalog ? drv->catalog : NULL;
}

void inf_files_free(struct inf_file *files, size_t n)
{
	size_t i;

	for (i = 0; files && i < n; i++) {
		free(files[i].name);
		free(files[i].path);
	}
	free(files);
}

/* Append to B the '/'-separated components of P (backslashes or slashes),
 * without empty and "." ones.  Returns 0 or -PF_ENOMEM. */
static int put_components(struct buf *b, const char *p)
{
	int ret = 0;

	while (p && *p && !ret) {
		size_t n = strcspn(p, "\\/");

		if (n && !(n == 1 && p[0] == '.')) {
			if (b->len)
				ret = buf_putc(b, '/');
			if (!ret)
				ret = buf_put(b, p, n);
		}
		p += n;
		if (*p)
			p++;
	}
	return ret;
}

/* The folder of disk DISKID: field 4 of its line in [SourceDisksNames.ARCH]
 * or [SourceDisksNames]; NULL when it names none. */
static const char *disk_path(const struct inf *inf, const char *names_arch,
			     const char *diskid)
{
	const struct inf_line *l;

	if (!diskid || !*diskid)
		return NULL;
	l = inf_line_find(inf_section(inf, names_arch), diskid);
	if (!l)
		l = inf_line_find(inf_section(inf, "SourceDisksNames"), diskid);
	return inf_line_field(l, 3);
}

/* Add the files of section SEC to *FILES (*N of them, *CAP allocated); a
 * name already there is replaced.  Returns 0 or -PF_ENOMEM. */
static int add_files(const struct inf *inf, const struct inf_section *sec,
		     const char *names_arch, struct inf_file **files, size_t *n,
		     size_t *cap)
{
	size_t i, j;

	for (i = 0; sec && i < sec->nlines; i++) {
		const struct inf_line *l = &sec->lines[i];
		const char *name = l->key ? l->key : l->fields[0];
		const char *disk = l->key ? l->fields[0] : NULL;
		const char *sub = l->key ? inf_line_field(l, 1) : NULL;
		struct buf path = { 0 };
		char *nm;
		int ret;

		if (!*name)
			continue;
		ret = put_components(&path, disk_path(inf, names_arch, disk));
		if (!ret)
			ret = put_components(&path, sub);
		if (!ret)
			ret = put_components(&path, name);
		nm = strdup(name);
		if (ret || !nm || !path.p) {
			free(path.p);
			free(nm);
			if (ret || !nm)
				return -PF_ENOMEM;
			continue;  /* a name of only slashes and dots */
		}
		for (j = 0; j < *n; j++)
			if (!ci_cmp((*files)[j].name, name))
				break;
		if (j == *n) {
			if (*n == *cap) {
				size_t c = *cap ? *cap * 2 : 8;
				struct inf_file *f = realloc(*files, c * sizeof(*f));

				if (!f) {
					free(path.p);
					free(nm);
					return -PF_ENOMEM;
				}
				*files = f;
				*cap = c;
			}
			(*n)++;
		} else {
			free((*files)[j].name);
			free((*files)[j].path);
		}
		(*files)[j].name = nm;
		(*files)[j].path = path.p;
	}
	return 0;
}

int inf_driver_files(const struct inf *inf, const char *arch,
		     struct inf_file **out, size_t *n)
{
	char files_arch[40], names_arch[40];
	struct inf_file *files = NULL;
	size_t nf = 0, cap = 0;
	int ret;

	if (!inf_arch_bit(arch))
		return -PF_EINVAL;
	snprintf(files_arch, sizeof(files_arch), "SourceDisksFiles.%s", arch);
	snprintf(names_arch, sizeof(names_arch), "SourceDisksNames.%s", arch);
	ret = add_files(inf, inf_section(inf, "SourceDisksFiles"), names_arch,
			&files, &nf, &cap);
	if (!ret)
		ret = add_files(inf, inf_section(inf, files_arch), names_arch, &files,
				&nf, &cap);
	if (ret) {
		inf_files_free(files, nf);
		return ret;
	}
	if (!nf) {
		free(files);
		files = NULL;
	}
	*out = files;
	*n = nf;
	return 0;
}
