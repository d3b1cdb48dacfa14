/*
 * plugins/lib/inf.c - a parser for Windows INF files and the driver-package
 * facts built on it (see inf.h).  Only libc: no symbol of peforge's core.
 *
 * The bytes are first decoded to UTF-8 text with "\n" line ends, then cut
 * into sections and lines (quotes, comments, continuations, fields), and
 * last the %strkey% tokens are replaced once every [Strings] line is known,
 * since [Strings] usually comes last.  Sections, keys and strings are found
 * through hash tables or a sorted index, so that the work stays linear in
 * the size of the INF.
 */
#define _POSIX_C_SOURCE 200809L  /* strndup */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inf_int.h"

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
		free(s->keyidx_);
	}
	free(inf->sections);
	free(inf->sechash);
	free(inf->strings);
	free(inf);
}

/* 1 when NUL-terminated A is the N bytes at B, in any ASCII case. */
static int ci_eq_n(const char *a, const char *b, size_t n)
{
	return !inf_ci_ncmp(a, b, n) && !a[n];
}

/* The slot of INF's section hash where section NAME (N bytes) is, or the
 * empty slot where it would go. */
static size_t section_slot(const struct inf *inf, const char *name, size_t n)
{
	size_t mask = inf->sechcap - 1, i = (size_t)inf_ci_hash(name, n) & mask;

	while (inf->sechash[i] &&
	       !ci_eq_n(inf->sections[inf->sechash[i] - 1].name, name, n))
		i = (i + 1) & mask;
	return i;
}

/* Make room in INF's section hash for one more section.  0 or -PF_ENOMEM. */
static int section_hash_grow(struct inf *inf)
{
	size_t cap = inf->sechcap ? inf->sechcap * 2 : 64, i, *old = inf->sechash;
	size_t oldcap = inf->sechcap;

	if ((inf->nsections + 1) * 2 <= inf->sechcap)
		return 0;
	inf->sechash = calloc(cap, sizeof(*inf->sechash));
	if (!inf->sechash) {
		inf->sechash = old;
		return -PF_ENOMEM;
	}
	inf->sechcap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i]) {
			const char *nm = inf->sections[old[i] - 1].name;

			inf->sechash[section_slot(inf, nm, strlen(nm))] = old[i];
		}
	free(old);
	return 0;
}

/* The index of section NAME (N bytes) of INF, added when absent, in *IDX. */
static int section_get(struct inf *inf, const char *name, size_t n, size_t *idx)
{
	struct inf_section *s;
	size_t slot;
	int ret = section_hash_grow(inf);

	if (ret)
		return ret;
	slot = section_slot(inf, name, n);
	if (inf->sechash[slot]) {
		*idx = inf->sechash[slot] - 1;
		return 0;
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
	inf->sechash[slot] = inf->nsections;
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

/* Append TOK's first LEN bytes to the field list *FIELDS (*N of them, room
 * for *CAP). */
static int push_field(char ***fields, size_t *n, size_t *cap, const struct buf *tok,
		      size_t len)
{
	char **f = *fields;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4;

		f = realloc(*fields, c * sizeof(*f));
		if (!f)
			return -PF_ENOMEM;
		*fields = f;
		*cap = c;
	}
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
	while (inf_is_blank(*p))
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
	size_t nf = 0, capf = 0;

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
				ret = inf_buf_putc(&tok, *p);
				p += *p == '"' ? 2 : 1;
			}
			if (!ret && !tok.p)
				ret = inf_buf_put(&tok, "", 0);
			sig = tok.len;
			started = any = 1;
		} else if (c == '\\' && continues(p + 1)) {
			while (*p && *p != '\n')
				p++;
			if (*p == '\n') {
				p++;
				(*lineno)++;
			}
			while (inf_is_blank(*p))
				p++;
		} else if (c == ',') {
			ret = push_field(&fields, &nf, &capf, &tok, sig);
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
		} else if (inf_is_blank(c)) {
			if (started)
				ret = inf_buf_putc(&tok, c);
			p++;
		} else {
			ret = inf_buf_putc(&tok, c);
			sig = tok.len;
			started = any = 1;
			p++;
		}
		if (ret)
			goto out;
	}
	*empty = !any;
	if (any)
		ret = push_field(&fields, &nf, &capf, &tok, sig);
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
 * Cut TEXT into the sections of INF; the lines before the first section
 * are dropped, as SetupAPI drops them.  Returns 0, -PF_EINVAL (message
 * with the line number in ERR) or -PF_ENOMEM.
 */
static int parse_text(struct inf *inf, const char *text, char *err, size_t errlen)
{
	const char *p = text;
	unsigned lineno = 1;
	size_t cur = SIZE_MAX;
	int ret;

	while (*p) {
		while (inf_is_blank(*p))
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
				return inf_fail(err, errlen, lineno, "unterminated section name");
			p = e;
			while (b < e && inf_is_blank(*b))
				b++;
			while (e > b && inf_is_blank(e[-1]))
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

			ret = parse_line(&p, &lineno, &line, &empty);
			if (ret)
				return ret;
			if (empty)
				continue;
			if (cur == SIZE_MAX) {
				line_clear(&line);
				continue;
			}
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

unsigned inf_langid(const char *text)
{
	unsigned v = 0;
	size_t i;

	if (!text)
		return 0;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	for (i = 0; i < 4; i++) {
		char c = text[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	return text[4] ? 0 : v;
}

/* The priority of section NAME as a strings section for an image of
 * language LANGID, or -1 when it is not one: [Strings.<langid>] 0,
 * [Strings.<primary language>] 1, [Strings] 2, another [Strings.*] 3.
 * The suffix is compared as SetupAPI does: as 4 hex digits, in any case. */
static int strings_prio(const char *name, unsigned langid)
{
	char exact[16], primary[16];

	if (!inf_ci_cmp(name, "Strings"))
		return 2;
	if (inf_ci_ncmp(name, "Strings.", 8))
		return -1;
	snprintf(exact, sizeof(exact), "%04x", langid & 0xFFFF);
	snprintf(primary, sizeof(primary), "%04x", langid & 0x3FF);
	if (!inf_ci_cmp(name + 8, exact))
		return 0;
	if (!inf_ci_cmp(name + 8, primary))
		return 1;
	return 3;
}

static int str_cmp(const void *a, const void *b)
{
	const struct inf_str *x = a, *y = b;
	int c = inf_ci_cmp(x->key, y->key);

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
		if (strings_prio(inf->sections[i].name, inf->langid) >= 0)
			n += inf->sections[i].nlines;
	if (!n)
		return 0;
	inf->strings = calloc(n, sizeof(*inf->strings));
	if (!inf->strings)
		return -PF_ENOMEM;
	n = 0;
	for (i = 0; i < inf->nsections; i++) {
		const struct inf_section *s = &inf->sections[i];
		int prio = strings_prio(s->name, inf->langid);

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
		if (!k || inf_ci_cmp(inf->strings[k - 1].key, inf->strings[i].key))
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
		int c = inf_ci_ncmp(key, k, n);

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

/* A substitution's output: the text, its length in characters, and
 * whether it reached INF_MAX_FIELD. */
struct sub_out {
	struct buf b;
	size_t chars;
	int full;
};

/* Append the N bytes at P to O, up to INF_MAX_FIELD characters (a UTF-8
 * character is never cut).  0 or -PF_ENOMEM. */
static int put_capped(struct sub_out *o, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (((unsigned char)p[i] & 0xC0) != 0x80) {
			if (o->chars == INF_MAX_FIELD) {
				o->full = 1;
				break;
			}
			o->chars++;
		}
	}
	return inf_buf_put(&o->b, p, i);
}

/*
 * Replace the %strkey% tokens of *S (a field of the line starting at
 * LINENO) in place: %% is one %, an unknown key and a % never closed are
 * left as written, and the result is cut at INF_MAX_FIELD characters.
 * Returns 0, -PF_EINVAL (the INF grew past INF_MAX_GROWTH; message in
 * ERR) or -PF_ENOMEM.
 */
static int subst(struct inf *inf, char **s, unsigned lineno, char *err,
		 size_t errlen)
{
	const char *p = *s, *q;
	struct sub_out o = { { 0 }, 0, 0 };
	size_t len;
	int ret = 0;

	if (!strchr(p, '%'))
		return 0;
	len = strlen(p);
	while (*p && !ret && !o.full) {
		const char *v;

		q = *p == '%' ? strchr(p + 1, '%') : NULL;
		if (*p != '%' || !q) {
			/* text, or a '%' never closed: the rest as written */
			q = *p == '%' ? p + strlen(p) : strchr(p, '%');
			if (!q)
				q = p + strlen(p);
			ret = put_capped(&o, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (q == p + 1)
			ret = put_capped(&o, "%", 1);
		else if ((v = string_n(inf, p + 1, (size_t)(q - p - 1))))
			ret = put_capped(&o, v, strlen(v));
		else
			ret = put_capped(&o, p, (size_t)(q + 1 - p));
		p = q + 1;
	}
	if (!ret && !o.b.p)
		ret = inf_buf_put(&o.b, "", 0);
	if (!ret && o.b.len > len) {
		if (o.b.len - len > inf->growth)
			ret = inf_fail(err, errlen, lineno, "the %%strkey%% substitutions make "
				   "the INF more than %u MiB larger", INF_MAX_GROWTH >> 20);
		else
			inf->growth -= o.b.len - len;
	}
	if (ret) {
		free(o.b.p);
		return ret;
	}
	free(*s);
	*s = o.b.p;
	return 0;
}

/* Substitute the strings in every line outside the [Strings*] sections. */
static int subst_all(struct inf *inf, char *err, size_t errlen)
{
	size_t i, j, k;
	int ret;

	for (i = 0; i < inf->nsections; i++) {
		struct inf_section *s = &inf->sections[i];

		if (strings_prio(s->name, inf->langid) >= 0)
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

/* The slot of SEC's key index where KEY (N bytes) is, or the empty slot
 * where it would go. */
static size_t key_slot(const struct inf_section *sec, const char *key, size_t n)
{
	size_t mask = sec->keycap_ - 1, i = (size_t)inf_ci_hash(key, n) & mask;

	while (sec->keyidx_[i] && !ci_eq_n(sec->lines[sec->keyidx_[i] - 1].key, key, n))
		i = (i + 1) & mask;
	return i;
}

/* Index the keys of every section of more than a few lines: the first line
 * of each key.  0 or -PF_ENOMEM. */
static int index_keys(struct inf *inf)
{
	size_t i, j;

	for (i = 0; i < inf->nsections; i++) {
		struct inf_section *s = &inf->sections[i];
		size_t cap = 16;

		if (s->nlines < 8)
			continue;
		while (cap < s->nlines * 2)
			cap *= 2;
		s->keyidx_ = calloc(cap, sizeof(*s->keyidx_));
		if (!s->keyidx_)
			return -PF_ENOMEM;
		s->keycap_ = cap;
		for (j = 0; j < s->nlines; j++) {
			const char *k = s->lines[j].key;
			size_t slot;

			if (!k)
				continue;
			slot = key_slot(s, k, strlen(k));
			if (!s->keyidx_[slot])
				s->keyidx_[slot] = j + 1;
		}
	}
	return 0;
}

int inf_parse(const void *data, size_t len, struct inf **out, char *err,
	      size_t errlen)
{
	return inf_parse_lang(data, len, INF_LANG_DEFAULT, out, err, errlen);
}

int inf_parse_lang(const void *data, size_t len, unsigned langid, struct inf **out,
		   char *err, size_t errlen)
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
	inf->langid = langid;
	inf->growth = INF_MAX_GROWTH;
	ret = inf_decode(data, len, &inf->enc, &text, err, errlen);
	if (!ret)
		ret = parse_text(inf, text.p, err, errlen);
	if (!ret)
		ret = index_strings(inf);
	if (!ret)
		ret = subst_all(inf, err, errlen);
	if (!ret)
		ret = index_keys(inf);
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
	size_t slot;

	if (!inf->sechcap)
		return NULL;
	slot = section_slot(inf, name, strlen(name));
	return inf->sechash[slot] ? &inf->sections[inf->sechash[slot] - 1] : NULL;
}

const struct inf_line *inf_line_find(const struct inf_section *sec, const char *key)
{
	size_t i;

	if (!sec)
		return NULL;
	if (sec->keyidx_) {
		i = sec->keyidx_[key_slot(sec, key, strlen(key))];
		return i ? &sec->lines[i - 1] : NULL;
	}
	for (i = 0; i < sec->nlines; i++)
		if (sec->lines[i].key && !inf_ci_cmp(sec->lines[i].key, key))
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

