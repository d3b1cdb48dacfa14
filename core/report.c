/* core/report.c - what `peforge build --json` and `--dry-run` print. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "args.h"
#include "log.h"
#include "report.h"
#include "sha256.h"
#include "util.h"

char *pf_report_output_path(const struct pf_plugin *d, const struct pf_args *args,
			    const char *outdir, int *is_dir)
{
	const struct pf_option *dir = pf_option_find(d->options, "dir");
	const struct pf_option *path = pf_option_find(d->options, "path");
	const char *v = NULL;

	*is_dir = dir != NULL;
	if (dir) {
		/* a folder output; its `path` is an alias of `dir` unless the
		 * plugin requires it for something else (samba's server path) */
		v = pf_args_get(args, "dir");
		if (!v && path && !path->dflt)
			v = pf_args_get(args, "path");
		if (!v)
			v = dir->dflt;
	} else {
		v = pf_args_get(args, "path");
		if (!v && path && path->dflt && strcmp(path->dflt, "required"))
			v = path->dflt;
	}
	if (!v || !*v)
		return NULL;
	return v[0] == '/' ? pf_strdup(v) : pf_path_join(outdir, v);
}

/* The boot.wim image the plan selects, as the wim injector picks it.
 * Returns 0 or -PF_ERECIPE (logged). */
static int pick_image(const struct pf_plan *p, const struct pf_media_facts *f, int *out)
{
	int count = (int)f->boot_wim.nimages;
	const char *img = p->image;
	long idx;
	char *end;

	if (!img || !*img)
		idx = f->default_image ? f->default_image : (count >= 2 ? 2 : 1);
	else if (!strcasecmp(img, "setup"))
		idx = 2;
	else if (!strcasecmp(img, "pe"))
		idx = 1;
	else if (!strcasecmp(img, "boot"))
		idx = f->boot_wim.boot_index ? f->boot_wim.boot_index : 1;
	else {
		errno = 0;
		idx = strtol(img, &end, 10);
		if (errno || *end || end == img) {
			pf_err("%s: image '%s': expected \"setup\", \"pe\", \"boot\" or an "
			       "image number", p->recipe, img);
			return -PF_ERECIPE;
		}
	}
	if (idx < 1 || idx > count) {
		pf_err("%s: image %ld does not exist (%s has %d image%s)", p->recipe, idx,
		       f->boot_wim.path ? f->boot_wim.path : "boot.wim", count,
		       count == 1 ? "" : "s");
		return -PF_ERECIPE;
	}
	*out = (int)idx;
	return 0;
}

/* Print "key":"value" (or null), after a comma when COMMA. */
static void json_kv(FILE *out, int comma, const char *key, const char *value)
{
	fprintf(out, "%s\"%s\":", comma ? "," : "", key);
	if (value)
		pf_json_string(out, value);
	else
		fputs("null", out);
}

/* Print the kept lines of LEVEL as a JSON array named KEY. */
static void json_lines(FILE *out, const char *key, int level)
{
	size_t n, i;
	const char *const *v = pf_log_collected(level, &n);

	fprintf(out, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		pf_json_string(out, v[i]);
	}
	fputc(']', out);
}

int pf_report_plan(FILE *out, const struct pf_report *r, int json)
{
	const struct pf_media_facts *f = r->facts;
	const char *name = NULL;
	size_t i;
	int idx = 0, ret, is_dir;

	ret = pick_image(r->plan, f, &idx);
	if (ret)
		return ret;
	for (i = 0; i < f->boot_wim.nimages; i++)
		if (f->boot_wim.images[i].index == idx)
			name = f->boot_wim.images[i].name;
	if (json) {
		fputs("{\"dry_run\":true,\"ok\":true", out);
		json_kv(out, 1, "recipe", r->plan->recipe);
		fputs(",\"source\":{", out);
		json_kv(out, 0, "path", r->plan->source);
		json_kv(out, 1, "plugin", r->source_plugin);
		json_kv(out, 1, "layout", f->layout);
		json_kv(out, 1, "arch", f->arch);
		fputc('}', out);
		json_kv(out, 1, "outdir", r->outdir);
		fprintf(out, ",\"image\":{\"index\":%d", idx);
		json_kv(out, 1, "name", name);
		fputc('}', out);
		json_kv(out, 1, "update_in_place", r->plan->inplace ? r->plan->source : NULL);
		fputs(",\"outputs\":[", out);
	} else {
		fprintf(out, "dry run: nothing is written\n");
		fprintf(out, "source:  %s (plugin %s, layout %s, arch %s)\n", r->plan->source,
			r->source_plugin, f->layout, f->arch ? f->arch : "unknown");
		fprintf(out, "image:   %d \"%s\" of %s\n", idx, name ? name : "",
			f->boot_wim.path ? f->boot_wim.path : "boot.wim");
		if (r->plan->inplace)
			fprintf(out, "update:  %s in place (inplace = true)\n", r->plan->source);
	}
	for (i = 0; i < r->n; i++) {
		char *path = pf_report_output_path(r->v[i].desc, r->v[i].args, r->outdir,
						   &is_dir);

		if (json) {
			fprintf(out, "%s{", i ? "," : "");
			json_kv(out, 0, "kind", r->v[i].desc->name);
			json_kv(out, 1, "path", path);
			json_kv(out, 1, "type", is_dir ? "folder" : "file");
			fputc('}', out);
		} else {
			fprintf(out, "write:   %-6s %s%s\n", r->v[i].desc->name,
				path ? path : "(a path the plugin chooses)",
				is_dir ? " (folder)" : "");
		}
		free(path);
	}
	if (json) {
		fputc(']', out);
		json_lines(out, "warnings", PF_LOG_WARN);
		fputs("}\n", out);
	}
	fflush(out);
	return 0;
}

/* The regular files under ROOT/REL, as paths relative to ROOT. */
struct flist {
	char **v;
	size_t n;
};

static int flist_add(struct flist *l, char *rel)
{
	char **grown = realloc(l->v, (l->n + 1) * sizeof(*grown));

	if (!grown) {
		free(rel);
		return -PF_ENOMEM;
	}
	l->v = grown;
	l->v[l->n++] = rel;
	return 0;
}

/* Add the regular files of folder ROOT/REL ("" for ROOT) to L, recursively;
 * symlinks and other special files are not followed or listed. */
static int list_files(const char *root, const char *rel, struct flist *l)
{
	char *dir = *rel ? pf_path_join(root, rel) : pf_strdup(root);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	int ret = 0;

	if (!d) {
		free(dir);
		return dir ? -PF_EIO : -PF_ENOMEM;
	}
	while (!ret && (de = readdir(d))) {
		char *sub, *full;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = *rel ? pf_path_join(rel, de->d_name) : pf_strdup(de->d_name);
		full = sub ? pf_path_join(root, sub) : NULL;
		if (!full || lstat(full, &st) != 0) {
			ret = full ? -PF_EIO : -PF_ENOMEM;
			free(sub);
		} else if (S_ISDIR(st.st_mode)) {
			ret = list_files(root, sub, l);
			free(sub);
		} else if (S_ISREG(st.st_mode)) {
			ret = flist_add(l, sub);
		} else {
			free(sub);
		}
		free(full);
	}
	closedir(d);
	free(dir);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The size (bytes of its regular files), file count and SHA-256 of folder
 * DIR: the SHA-256 of the lines "<sha256 of the file>  <relative path>\n"
 * in byte order of the paths, which is what
 *   (cd DIR && find . -type f | LC_ALL=C sort | cut -c3- | xargs -d '\n' sha256sum) | sha256sum
 * prints.
 */
static int hash_folder(const char *dir, uint64_t *size, size_t *count, char hex[65])
{
	struct flist l = { 0 };
	struct pf_sha256 c;
	size_t i;
	int ret = list_files(dir, "", &l);

	*size = 0;
	pf_sha256_init(&c);
	if (!ret)
		qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	for (i = 0; !ret && i < l.n; i++) {
		char *full = pf_path_join(dir, l.v[i]), fhex[65];
		struct stat st;

		ret = full ? pf_sha256_file(full, fhex) : -PF_ENOMEM;
		if (!ret && stat(full, &st) == 0)
			*size += (uint64_t)st.st_size;
		if (!ret) {
			pf_sha256_update(&c, fhex, 64);
			pf_sha256_update(&c, "  ", 2);
			pf_sha256_update(&c, l.v[i], strlen(l.v[i]));
			pf_sha256_update(&c, "\n", 1);
		}
		free(full);
	}
	*count = l.n;
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	if (!ret)
		pf_sha256_hex(&c, hex);
	return ret;
}

/* Print the JSON object of committed output PATH of KIND. */
static void json_output(FILE *out, const char *kind, const char *path)
{
	struct stat st;
	char hex[65];
	uint64_t size = 0;
	size_t count = 0;
	int dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode), ok;

	fputc('{', out);
	json_kv(out, 0, "kind", kind);
	json_kv(out, 1, "path", path);
	json_kv(out, 1, "type", dir ? "folder" : "file");
	if (dir) {
		ok = hash_folder(path, &size, &count, hex) == 0;
		fprintf(out, ",\"files\":%zu", count);
	} else {
		size = (uint64_t)st.st_size;
		ok = pf_sha256_file(path, hex) == 0;
	}
	fprintf(out, ",\"size\":%" PRIu64, size);
	json_kv(out, 1, "sha256", ok ? hex : NULL);
	fputc('}', out);
}

/* The kind of job output I: the output that committed it, else the one
 * whose path it is (NULL when none). */
static const char *kind_of(const struct pf_report *r, size_t i)
{
	size_t k;
	int is_dir;

	for (k = 0; k < r->n; k++)
		if (i >= r->v[k].first && i < r->v[k].end)
			return r->v[k].desc->name;
	for (k = 0; k < r->n; k++) {
		char *p = pf_report_output_path(r->v[k].desc, r->v[k].args, r->outdir,
						&is_dir);
		int same = p && !strcmp(p, r->job->outputs[i]);

		free(p);
		if (same)
			return r->v[k].desc->name;
	}
	return NULL;
}

void pf_report_json(FILE *out, const struct pf_report *r, int ret)
{
	const char *idx = NULL, *name = NULL;
	size_t i;

	if (r->job) {
		idx = pf_host_table.job_fact((struct pf_job *)r->job, PF_FACT_IMAGE_INDEX);
		name = pf_host_table.job_fact((struct pf_job *)r->job, PF_FACT_IMAGE_NAME);
	}
	fprintf(out, "{\"ok\":%s", ret ? "false" : "true");
	json_kv(out, 1, "recipe", r->plan ? r->plan->recipe : NULL);
	json_kv(out, 1, "outdir", r->outdir);
	if (idx) {
		fprintf(out, ",\"image\":{\"index\":%d", atoi(idx));
		json_kv(out, 1, "name", name);
		fputc('}', out);
	} else {
		fputs(",\"image\":null", out);
	}
	json_kv(out, 1, "updated_in_place",
		!ret && r->plan && r->plan->inplace && r->job ? r->job->wim : NULL);
	fputs(",\"outputs\":[", out);
	for (i = 0; !ret && r->job && i < r->job->noutputs; i++) {
		if (i)
			fputc(',', out);
		json_output(out, kind_of(r, i), r->job->outputs[i]);
	}
	fputc(']', out);
	json_lines(out, "warnings", PF_LOG_WARN);
	json_lines(out, "errors", PF_LOG_ERROR);
	fputs("}\n", out);
	fflush(out);
}
