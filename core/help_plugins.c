/* core/help_plugins.c - the options of the plugins, printed from their descriptors,
 * so that the help cannot drift from what the plugins read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "help_plugins.h"
#include "log.h"
#include "suggest.h"
#include "util.h"

const char *pf_option_type_name(int type)
{
	switch (type) {
	case PF_OPT_STRING: return "string";
	case PF_OPT_BOOL: return "boolean";
	case PF_OPT_UINT: return "number";
	case PF_OPT_ENUM: return "word";
	case PF_OPT_PATH: return "path";
	case PF_OPT_TABLE: return "table";
	default: return "?";
	}
}

/* The type column of option OPT (malloc'd): "number 0-35996", "a|b". */
static char *type_text(const struct pf_option *opt)
{
	size_t len = 1, i;
	char *s;

	if (opt->type == PF_OPT_UINT)
		return pf_asprintf("number %llu-%llu", (unsigned long long)opt->min,
				   (unsigned long long)opt->max);
	if (opt->type != PF_OPT_ENUM || !opt->words || !opt->words[0])
		return pf_strdup(pf_option_type_name((int)opt->type));
	for (i = 0; opt->words[i]; i++)
		len += strlen(opt->words[i]) + 1;
	s = calloc(1, len);
	for (i = 0; s && opt->words[i]; i++) {
		if (i)
			strcat(s, "|");
		strcat(s, opt->words[i]);
	}
	return s;
}

void pf_help_print_options(FILE *o, const struct pf_plugin *d, const char *indent)
{
	const struct pf_option *opt;

	if (!d->options) {
		fprintf(o, "%s(options not declared: not checked)\n", indent);
		return;
	}
	if (!d->options[0].name)
		fprintf(o, "%s(no options)\n", indent);
	for (opt = d->options; opt->name; opt++) {
		char *type = type_text(opt);
		const char *name = opt->name;
		char *table = opt->type == PF_OPT_TABLE ? pf_asprintf("%s[.*]", name) : NULL;

		fprintf(o, "%s%-16s %-22s %s", indent, table ? table : name,
			type ? type : "?", opt->help ? opt->help : "");
		if (opt->dflt && !strcmp(opt->dflt, "required"))
			fprintf(o, " (required)");
		else if (opt->dflt)
			fprintf(o, " (default: %s)", opt->dflt);
		fputc('\n', o);
		free(table);
		free(type);
	}
}

/* Print the heading of plugin D and its options. */
static void print_plugin(FILE *o, const struct pf_plugin *d)
{
	if (d->kind == PF_OUTPUT)
		fprintf(o, "%s (%s, rank %d): %s\n", d->name, pf_kind_name((int)d->kind),
			d->rank ? d->rank : PF_RANK_DEFAULT, d->summary ? d->summary : "");
	else
		fprintf(o, "%s (%s): %s\n", d->name, pf_kind_name((int)d->kind),
			d->summary ? d->summary : "");
	pf_help_print_options(o, d, "  ");
}

/* qsort order of outputs: the order they run in (rank, then name). */
static int cmp_rank(const void *a, const void *b)
{
	const struct pf_plugin *x = *(const struct pf_plugin *const *)a;
	const struct pf_plugin *y = *(const struct pf_plugin *const *)b;
	int rx = x->rank ? x->rank : PF_RANK_DEFAULT, ry = y->rank ? y->rank : PF_RANK_DEFAULT;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

int pf_help_outputs(FILE *o, const struct pf_registry *r)
{
	const struct pf_plugin **v = calloc(r->count + 1, sizeof(*v));
	size_t i, n = 0;

	if (!v)
		return -PF_ENOMEM;
	for (i = 0; i < r->count; i++)
		if (r->items[i].desc->kind == PF_OUTPUT)
			v[n++] = r->items[i].desc;
	qsort(v, n, sizeof(*v), cmp_rank);
	fprintf(o, "Outputs, in the order they run (outputs = { NAME = \"path\" } or\n"
		"NAME = { option = value, ... }); an option not listed is an error:\n");
	for (i = 0; i < n; i++) {
		fputc('\n', o);
		print_plugin(o, v[i]);
	}
	if (!n)
		fprintf(o, "\n(no output plugins found; set PEFORGE_PLUGIN_PATH or "
			"install peforge)\n");
	free(v);
	return 0;
}

int pf_help_plugin(FILE *o, const struct pf_registry *r, const char *name)
{
	const char **names = calloc(r->count + 1, sizeof(*names));
	const char *near;
	size_t i, found = 0;

	if (!names)
		return -PF_ENOMEM;
	for (i = 0; i < r->count; i++) {
		names[i] = r->items[i].desc->name;
		if (strcmp(names[i], name))
			continue;
		if (found++)
			fputc('\n', o);
		print_plugin(o, r->items[i].desc);
	}
	if (!found) {
		near = pf_suggest(name, names, r->count);
		if (near)
			pf_err("help plugin: no plugin named '%s' (did you mean '%s'?)", name, near);
		else
			pf_err("help plugin: no plugin named '%s' (see 'peforge plugins')", name);
	}
	free(names);
	return found ? 0 : -PF_EUSAGE;
}
