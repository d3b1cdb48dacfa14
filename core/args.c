/* core/args.c - the key/value arguments handed to a plugin. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "log.h"
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

int pf_args_bool(const struct pf_args *a, const char *key, int dflt)
{
	const char *v = pf_args_get(a, key);

	if (!v)
		return dflt;
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
		return 0;
	pf_err("%s.%s: expected a boolean (true or false), got '%s'", a->owner, key, v);
	return -PF_ERECIPE;
}
