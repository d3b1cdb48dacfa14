/*
 * unattend/password.c - hidden passwords: with PlainText=false, Windows
 * reads a password as base64 of the UTF-16LE text of the password followed
 * by the element's name ("Password", "AdministratorPassword").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ua.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *pf_ua_password_encode(const char *password, const char *element)
{
	size_t la = strlen(password), lb = strlen(element), n = 0, i, o = 0;
	unsigned char *u16 = malloc(4 * (la + lb) + 1);
	char *res = NULL;
	int part;

	if (!u16)
		return NULL;
	for (part = 0; part < 2; part++) {
		const unsigned char *s = (const unsigned char *)(part ? element : password);
		int avail = (int)strlen((const char *)s);

		while (avail > 0) {
			unsigned cp;
			int k = pf_ua_utf8_next(s, avail, &cp);

			if (!k)
				goto out;
			if (cp >= 0x10000) {
				unsigned v = cp - 0x10000, hi = 0xd800 | (v >> 10),
					 lo = 0xdc00 | (v & 0x3ff);

				u16[n++] = hi & 0xff;
				u16[n++] = hi >> 8;
				u16[n++] = lo & 0xff;
				u16[n++] = lo >> 8;
			} else {
				u16[n++] = cp & 0xff;
				u16[n++] = cp >> 8;
			}
			s += k;
			avail -= k;
		}
	}
	res = malloc(4 * ((n + 2) / 3) + 1);
	if (!res)
		goto out;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u16[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)u16[i + 1] << 8;
		if (i + 2 < n)
			v |= u16[i + 2];
		res[o++] = b64[(v >> 18) & 63];
		res[o++] = b64[(v >> 12) & 63];
		res[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		res[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	res[o] = '\0';
out:
	free(u16);
	return res;
}

char *pf_ua_password_decode(const char *value, const char *element)
{
	size_t len = strlen(value), n = 0, i, o = 0, el = strlen(element);
	unsigned char *bytes = malloc(len + 3);
	char *res = NULL, *utf8 = NULL;
	unsigned acc = 0;
	int bits = 0;

	if (!bytes)
		return NULL;
	for (i = 0; i < len; i++) {
		const char *p = strchr(b64, value[i]);

		if (value[i] == '=')
			break;
		if (!p || !value[i])
			goto out;
		acc = (acc << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[n++] = (acc >> bits) & 0xff;
		}
	}
	if (n % 2)
		goto out;
	/* UTF-16LE to UTF-8 (at most 3 bytes per unit, 4 per pair). */
	utf8 = malloc(n / 2 * 3 + 1);
	if (!utf8)
		goto out;
	for (i = 0; i < n; i += 2) {
		unsigned u = bytes[i] | (unsigned)bytes[i + 1] << 8;

		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			unsigned l = bytes[i + 2] | (unsigned)bytes[i + 3] << 8;

			if (l < 0xdc00 || l > 0xdfff)
				goto out;
			u = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
			i += 2;
		} else if (u >= 0xd800 && u <= 0xdfff) {
			goto out;
		}
		if (u == 0)
			goto out;
		if (u < 0x80) {
			utf8[o++] = (char)u;
		} else if (u < 0x800) {
			utf8[o++] = (char)(0xc0 | u >> 6);
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			utf8[o++] = (char)(0xe0 | u >> 12);
			utf8[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			utf8[o++] = (char)(0xf0 | u >> 18);
			utf8[o++] = (char)(0x80 | ((u >> 12) & 0x3f));
			utf8[o++] = (char)(0x80 | ((u >> 6) & 0x3f));
			utf8[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	utf8[o] = '\0';
	if (o < el || strcmp(utf8 + o - el, element))
		goto out;
	utf8[o - el] = '\0';
	res = utf8;
	utf8 = NULL;
out:
	free(utf8);
	free(bytes);
	return res;
}
