/*
 * unattend/text.c - the library's string helpers (the lowest layer: it
 * uses nothing else of the library): copies, formatting, UTF-8 decoding,
 * the text an answer file may hold, and the error strings.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "ua.h"

char *pf_ua_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *pf_ua_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

int pf_ua_utf8_next(const unsigned char *s, int avail, unsigned *cp)
{
	int n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		*cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		*cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff) ||
	    (n == 2 && *cp < 0x80) || (n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000))
		return 0;
	return n;
}

int pf_ua_text_ok(const char *s)
{
	const unsigned char *p;

	if (!xmlCheckUTF8((const xmlChar *)s))
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

int pf_ua_ascii_only(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

const char *pf_ua_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case PF_UA_ENOMEM: return "out of memory";
	case PF_UA_EINVAL: return "invalid model";
	case PF_UA_ENOENT: return "no such file";
	case PF_UA_EPARSE: return "not well-formed XML";
	case PF_UA_EXML: return "XML library error";
	default: return "unknown error";
	}
}
