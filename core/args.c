/* core/args.c - the key/value arguments handed to a plugin. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "log.h"
#include "suggest.h"
#include "util.h"

struct pf_args *pf_args_new(const char *owner)
{
	struct pf_args *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->owner = pf_strdup(owner ? owner : "plugin");
	if (!a->owner) {
		free(a);
		return NULL;
	}
	return a;
}

void pf_args_free(struct pf_args *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->count; i++) {
		free(a->keys[i]);
		free(a->values[i]);
	}
	free(a->keys);
	free(a->values);
	free(a->owner);
	free(a);
}

int pf_args_set(struct pf_args *a, const char *key, const char *value)
{
	char *k, *v, **nk, **nv;
	size_t i;

	v = strdup(value);
	if (!v)
		return -PF_ENOMEM;
	for (i = 0; i < a->count; i++) {
		if (!strcmp(a->keys[i], key)) {
			free(a->values[i]);
			a->values[i] = v;
			return 0;
		}
	}
	k = strdup(key);
	nk = realloc(a->keys, (a->count + 1) * sizeof(*nk));
	if (nk)
		a->keys = nk;
	nv = realloc(a->values, (a->count + 1) * sizeof(*nv));
	if (nv)
		a->values = nv;
	if (!k || !nk || !nv) {
		free(k);
		free(v);
		return -PF_ENOMEM;
	}
	a->keys[a->count] = k;
	a->values[a->count] = v;
	a->count++;
	return 0;
}

const char *pf_args_get(const struct pf_args *a, const char *key)
{
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < a->count; i++)
		if (!strcmp(a->keys[i], key))
			return a->values[i];
	return NULL;
}

int pf_parse_bool(const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
		return 0;
	return -1;
}

int pf_args_bool(const struct pf_args *a, const char *key, int dflt)
{
	const char *v = pf_args_get(a, key);
	int b;

	if (!v)
		return dflt;
	b = pf_parse_bool(v);
	if (b >= 0)
		return b;
	pf_err("%s.%s: expected a boolean (true or false), got '%s'", a->owner, key, v);
	return -PF_ERECIPE;
}

const struct pf_option *pf_option_find(const struct pf_option *options,
				       const char *key)
{
	const struct pf_option *o;

	for (o = options; o && o->name; o++) {
		size_t n = strlen(o->name);

		if (!strcmp(o->name, key))
			return o;
		if (o->type == PF_OPT_TABLE && !strncmp(o->name, key, n) && key[n] == '.')
			return o;
	}
	return NULL;
}

/* " (HELP)" for KEY when A's plugin declared it with a help line, else "". */
static char *help_suffix(const struct pf_args *a, const char *key)
{
	const struct pf_option *o = pf_option_find(a->options, key);

	return o && o->help ? pf_asprintf(" (%s)", o->help) : pf_strdup("");
}

int pf_args_uint(const struct pf_args *a, const char *key, uint64_t dflt,
		 uint64_t min, uint64_t max, uint64_t *out)
{
	const char *v = pf_args_get(a, key), *p;
	uint64_t n = 0;
	char *help;

	if (!v) {
		*out = dflt;
		return 0;
	}
	for (p = v; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			break; /* overflow: out of range below */
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*v && !*p && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	help = help_suffix(a, key);
	pf_err("%s.%s = \"%s\": expected a whole number from %llu to %llu%s", a->owner,
	       key, v, (unsigned long long)min, (unsigned long long)max, help ? help : "");
	free(help);
	return -PF_ERECIPE;
}

int pf_args_enum(const struct pf_args *a, const char *key, const char *const *words,
		 int dflt, int *index)
{
	const char *v = pf_args_get(a, key);
	size_t len = 1, i;
	char *list, *help;

	if (!v) {
		*index = dflt;
		return 0;
	}
	for (i = 0; words[i]; i++) {
		if (!strcmp(words[i], v)) {
			*index = (int)i;
			return 0;
		}
		len += strlen(words[i]) + 4;
	}
	list = calloc(1, len);
	for (i = 0; list && words[i]; i++) {
		if (i)
			strcat(list, ", ");
		strcat(list, "\"");
		strcat(list, words[i]);
		strcat(list, "\"");
	}
	help = help_suffix(a, key);
	pf_err("%s.%s = \"%s\": expected one of %s%s", a->owner, key, v,
	       list ? list : "?", help ? help : "");
	free(help);
	free(list);
	return -PF_ERECIPE;
}

int pf_args_path(const struct pf_args *a, const char *key, char **out)
{
	const char *v = pf_args_get(a, key);
	const char *dir = pf_args_get(a, "recipe_dir");
	char *joined, *abs;

	if (!v || !*v) {
		*out = NULL;
		return 0;
	}
	joined = dir ? pf_path_join(dir, v) : pf_strdup(v);
	abs = joined ? pf_abspath(joined) : NULL;
	free(joined);
	if (!abs)
		return -PF_ENOMEM;
	*out = abs;
	return 0;
}

int pf_args_check(struct pf_args *a, const struct pf_option *options,
		  const char *const *core_keys)
{
	const char **names = NULL;
	size_t i, j, n = 0, ncore = 0, nopts = 0;
	int ret = 0;

	a->options = options;
	if (!options)
		return 0;
	while (core_keys && core_keys[ncore])
		ncore++;
	while (options[nopts].name)
		nopts++;
	for (i = 0; !ret && i < a->count; i++) {
		const char *key = a->keys[i], *near;

		if (pf_option_find(options, key))
			continue;
		for (j = 0; j < ncore; j++)
			if (!strcmp(core_keys[j], key))
				break;
		if (j < ncore)
			continue;
		if (!names) {
			names = calloc(nopts + 1, sizeof(*names));
			if (!names)
				return -PF_ENOMEM;
			for (n = 0; n < nopts; n++)
				names[n] = options[n].name;
		}
		near = pf_suggest(key, names, n);
		if (near)
			pf_err("%s: unknown option '%s' (did you mean '%s'?)", a->owner, key,
			       near);
		else
			pf_err("%s: unknown option '%s' (see 'peforge help outputs')", a->owner,
			       key);
		ret = -PF_ERECIPE;
	}
	free(names);
	return ret;
}
