/*
 * unattend/rules_values.c - the lint rules about names and values (see
 * docs/unattend.md, "Lint rules"): component attributes, misspelled
 * settings, time zones, locales, input locales, commands without their
 * command line, AutoLogon users the file does not create.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "ua.h"

#define report pf_ua_report

/* The public key token of every Microsoft component. */
#define MS_TOKEN "31bf3856ad364e35"

/* ---- components -------------------------------------------------------------- */

/* The setting of SETTINGS that NAME misspells: equal but for case, or
 * within a small edit distance (1 for names of 5 to 7 characters, 2 from
 * 8); NULL when NAME is known or looks like none. */
static const char *misspelled(const char *const *settings, const char *name)
{
	size_t i, len = strlen(name), cap = len >= 8 ? 2 : len >= 5 ? 1 : 0;
	size_t d, bestd = cap + 1;
	const char *best = NULL;

	for (i = 0; settings[i]; i++)
		if (settings[i][0] == name[0] && !strcmp(settings[i], name))
			return NULL;
	for (i = 0; settings[i]; i++) {
		if (!strcasecmp(settings[i], name))
			return settings[i];
		d = pf_ua_distance(name, settings[i], cap);
		if (d < bestd) {
			bestd = d;
			best = settings[i];
		}
	}
	return best;
}

/* Settings below component C (NAME) that misspell one peforge knows:
 * Setup matches setting names exactly, and skips (or rejects) others. */
static void rule_setting_names(struct pf_ua_lint *l, xmlNode *c, const char *name)
{
	const char *const *settings = pf_ua_settings_of(name);
	xmlNode *e;

	if (!settings)
		return;
	for (e = c->children ? pf_ua_next_node(c) : NULL; e; e = pf_ua_next_node(e)) {
		const char *near;
		const xmlNode *up;

		for (up = e; up && up != c; up = up->parent)
			;
		if (!up)
			break;          /* left the component */
		if (e->type != XML_ELEMENT_NODE)
			continue;
		near = misspelled(settings, (const char *)e->name);
		if (near)
			report(l, e, "setting-name", PF_UA_ERROR, "unknown setting '%s' of %s "
			       "(did you mean %s? setting names are case-sensitive)",
			       (const char *)e->name, name, near);
	}
}

void pf_ua_rule_component(struct pf_ua_lint *l, const xmlNode *c)
{
	xmlChar *name = xmlGetProp(c, (const xmlChar *)"name");
	xmlChar *token = xmlGetProp(c, (const xmlChar *)"publicKeyToken");

	if (name && token && strcasecmp((const char *)token, MS_TOKEN) &&
	    (!strncasecmp((const char *)name, "Microsoft-Windows-", 18) ||
	     pf_ua_component_find((const char *)name)))
		report(l, c, "public-key-token", PF_UA_ERROR, "publicKeyToken '%s' of %s "
		       "is not Microsoft's (" MS_TOKEN "): Setup does not find the "
		       "component", (const char *)token, (const char *)name);
	if (name)
		rule_setting_names(l, (xmlNode *)c, (const char *)name);
	xmlFree(name);
	xmlFree(token);
}

/* ---- time zones, locales ------------------------------------------------------- */

/* TimeZone: a Windows time-zone ID, optionally with _dstoff (no daylight
 * saving time).  Empty values are the XSD's to report. */
static void rule_time_zone(struct pf_ua_lint *l, const xmlNode *e)
{
	char *v = pf_ua_text(e);
	size_t len = v ? strlen(v) : 0;
	const char *near;

	if (!v || !*v)
		goto out;
	if (len > 7 && !strcasecmp(v + len - 7, "_dstoff"))
		v[len - 7] = '\0';
	if (pf_ua_timezone_find(v))
		goto out;
	near = pf_ua_timezone_near(v);
	if (near)
		report(l, e, "time-zone", PF_UA_ERROR, "time zone '%s' is not a Windows "
		       "time-zone ID (did you mean '%s'?)", v, near);
	else
		report(l, e, "time-zone", PF_UA_ERROR, "time zone '%s' is not a Windows "
		       "time-zone ID such as 'Pacific Standard Time' or 'UTC' (tzutil "
		       "/l lists them)", v);
out:
	free(v);
}

/* Whether S (LEN bytes) is a language tag Windows knows the form of:
 * ll[l] then -Xxxx / -CC / -999 / variants, letters and digits, a dash
 * between parts (en-US, sr-Latn-RS, es-419, qps-ploc). */
static int is_tag(const char *s, size_t len)
{
	size_t i = 0, part = 0, n;

	while (i < len) {
		for (n = 0; i + n < len && isalnum((unsigned char)s[i + n]); n++)
			if (!part && !isalpha((unsigned char)s[i + n]))
				return 0;
		if ((!part && (n < 2 || n > 3)) || n < 1 || n > 8)
			return 0;
		i += n;
		part++;
		if (i < len && s[i++] != '-')
			return 0;
		if (i == len && s[len - 1] == '-')
			return 0;
	}
	return part > 0;
}

/* Locale names Windows has with an alternate sort order (de-DE_phoneb). */
static int is_sort_locale(const char *v)
{
	static const char *const sorts[] = {
		"_phoneb", "_tradnl", "_stroke", "_radstr", "_technl", "_modern",
		"_pronun", "_unicod", NULL
	};
	const char *u = strchr(v, '_');
	size_t i;

	for (i = 0; u && sorts[i]; i++)
		if (!strcasecmp(u, sorts[i]) && is_tag(v, (size_t)(u - v)))
			return 1;
	return 0;
}

/* "en-US" for "en_US" (malloc'd), the suggestion for a tag written with
 * underscores; NULL when that does not give a tag. */
static char *dashed(const char *v, size_t len)
{
	char *d = malloc(len + 1);
	size_t i;

	if (!d)
		return NULL;
	for (i = 0; i < len; i++)
		d[i] = v[i] == '_' ? '-' : v[i];
	d[len] = '\0';
	if (!is_tag(d, len)) {
		free(d);
		return NULL;
	}
	return d;
}

/* UILanguage, SystemLocale, UserLocale, UILanguageFallback: a locale
 * name (en-US), never en_US. */
static void rule_locale(struct pf_ua_lint *l, const xmlNode *e)
{
	char *v = pf_ua_text(e), *d;

	if (!v || !*v || is_tag(v, strlen(v)) || is_sort_locale(v))
		goto out;
	d = dashed(v, strlen(v));
	if (d)
		report(l, e, "locale", PF_UA_ERROR, "%s '%s' is not a locale name "
		       "(did you mean '%s'? Windows writes them with a dash)",
		       (const char *)e->name, v, d);
	else
		report(l, e, "locale", PF_UA_ERROR, "%s '%s' is not a locale name such "
		       "as en-US", (const char *)e->name, v);
	free(d);
out:
	free(v);
}

/* Whether S (LEN bytes) is N hex digits. */
static int is_hex(const char *s, size_t len, size_t n)
{
	size_t i;

	if (len != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Whether S (LEN bytes) is {GUID}{GUID}: a text service (an IME). */
static int is_guid_pair(const char *s, size_t len)
{
	static const char form[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
	size_t i, n = sizeof(form) - 1;

	if (len != 2 * n)
		return 0;
	for (i = 0; i < len; i++) {
		char f = form[i % n];

		if (f == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != f)
			return 0;
	}
	return 1;
}

/* InputLocale: input methods separated by ';', each a language tag
 * (en-US) or language:layout in hex (0409:00000409), or language:{IME
 * GUID}{profile GUID}. */
static void rule_input_locale(struct pf_ua_lint *l, const xmlNode *e)
{
	char *v = pf_ua_text(e);
	const char *p, *end;

	for (p = v; p && *p; p = *end ? end + 1 : end) {
		const char *colon;
		size_t len;
		char *d;

		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		len = (size_t)(end - p);
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len)
			continue;
		colon = memchr(p, ':', len);
		if (colon ? is_hex(p, (size_t)(colon - p), 4) &&
			    (is_hex(colon + 1, len - (size_t)(colon - p) - 1, 8) ||
			     is_guid_pair(colon + 1, len - (size_t)(colon - p) - 1))
			  : is_tag(p, len))
			continue;
		d = colon ? NULL : dashed(p, len);
		if (d)
			report(l, e, "input-locale", PF_UA_ERROR, "InputLocale '%.*s' is "
			       "not an input locale (did you mean '%s'?)", (int)len, p, d);
		else
			report(l, e, "input-locale", PF_UA_ERROR, "InputLocale '%.*s' is "
			       "not an input locale: write language:layout in hex "
			       "(0409:00000409) or a language tag (en-US)", (int)len, p);
		free(d);
		break;
	}
	free(v);
}

/* ---- commands, users ------------------------------------------------------------ */

/* A command item must carry its command: CommandLine for
 * FirstLogonCommands and LogonCommands, Path for RunSynchronous and
 * RunAsynchronous (items removed with wcm:action="remove" aside). */
static void rule_command(struct pf_ua_lint *l, const xmlNode *e, const char *need)
{
	xmlChar *act = xmlGetNsProp(e, (const xmlChar *)"action", (const xmlChar *)PF_UA_WCM_NS);
	char *v;

	if (act && !strcmp((const char *)act, "remove")) {
		xmlFree(act);
		return;
	}
	xmlFree(act);
	v = pf_ua_text(pf_ua_child(e, need));
	if (v && !*v)
		report(l, e, "command-line", PF_UA_ERROR, "<%s> has no %s: Setup has "
		       "nothing to run", (const char *)e->name, need);
	free(v);
}

/* AutoLogon of a local user: the file creates that user, or it is the
 * built-in Administrator (whose password the file sets). */
static void rule_autologon(struct pf_ua_lint *l, const xmlNode *e)
{
	char *user = pf_ua_text(pf_ua_child(e, "Username"));
	char *dom = pf_ua_text(pf_ua_child(e, "Domain"));
	size_t i;
	int known = 0;

	if (!user || !*user || (dom && *dom && strcmp(dom, ".")) ||
	    (pf_ua_child(e, "Enabled") && !pf_ua_is_true(e, "Enabled")))
		goto out;
	known = !strcasecmp(user, "Administrator");
	for (i = 0; i < l->naccounts && !known; i++)
		known = !strcasecmp(user, l->accounts[i]);
	if (!known)
		report(l, pf_ua_child(e, "Username"), "autologon-user", PF_UA_WARNING,
		       "AutoLogon user '%s' is not created by this file (no LocalAccount "
		       "of that name, and not Administrator): the logon fails unless the "
		       "image has that user", user);
out:
	free(user);
	free(dom);
}

void pf_ua_rule_value(struct pf_ua_lint *l, const xmlNode *e)
{
	const xmlNode *p = e->parent;

	if (pf_ua_is(e, "TimeZone") && pf_ua_is(p, "component") &&
	    pf_ua_in_component(e, "Microsoft-Windows-Shell-Setup"))
		rule_time_zone(l, e);
	else if ((pf_ua_is(e, "UILanguage") || pf_ua_is(e, "SystemLocale") ||
		  pf_ua_is(e, "UserLocale") || pf_ua_is(e, "UILanguageFallback")) &&
		 (pf_ua_in_component(e, "Microsoft-Windows-International-Core") ||
		  pf_ua_in_component(e, "Microsoft-Windows-International-Core-WinPE")))
		rule_locale(l, e);
	else if (pf_ua_is(e, "InputLocale") &&
		 (pf_ua_in_component(e, "Microsoft-Windows-International-Core") ||
		  pf_ua_in_component(e, "Microsoft-Windows-International-Core-WinPE")))
		rule_input_locale(l, e);
	else if ((pf_ua_is(e, "SynchronousCommand") && pf_ua_is(p, "FirstLogonCommands")) ||
		 (pf_ua_is(e, "AsynchronousCommand") && pf_ua_is(p, "LogonCommands")))
		rule_command(l, e, "CommandLine");
	else if ((pf_ua_is(e, "RunSynchronousCommand") && pf_ua_is(p, "RunSynchronous")) ||
		 (pf_ua_is(e, "RunAsynchronousCommand") && pf_ua_is(p, "RunAsynchronous")))
		rule_command(l, e, "Path");
	else if (pf_ua_is(e, "AutoLogon") && pf_ua_in_component(e, "Microsoft-Windows-Shell-Setup"))
		rule_autologon(l, e);
}

void pf_ua_find_accounts(struct pf_ua_lint *l, const xmlNode *root)
{
	xmlNode *n;

	for (n = (xmlNode *)root; n && !l->ret; n = pf_ua_next_node(n)) {
		char *name, **g;

		if (!pf_ua_is(n, "Name") || !pf_ua_is(n->parent, "LocalAccount"))
			continue;
		name = pf_ua_text(n);
		g = name ? realloc(l->accounts, (l->naccounts + 1) * sizeof(*g)) : NULL;
		if (!g) {
			free(name);
			l->ret = -PF_UA_ENOMEM;
			break;
		}
		l->accounts = g;
		l->accounts[l->naccounts++] = name;
	}
}
