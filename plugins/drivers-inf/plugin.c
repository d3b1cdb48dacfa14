/* plugins/drivers-inf/plugin.c - the drivers plugin's options, run and
 * descriptor. */
#include "drivers.h"

/*
 * Normalize image folder DEST: backslashes become '/', empty and "."
 * names are dropped.  *OUT is malloc'd.  Returns 0, -PF_ERECIPE (a ".."
 * name) or -PF_ENOMEM.
 */
static int normalize_dest(const char *dest, char **out)
{
	char *d = malloc(strlen(dest) + 1);
	const char *p = dest;
	size_t n = 0;

	if (!d)
		return -PF_ENOMEM;
	while (*p) {
		size_t k = strcspn(p, "/\\");

		if (k == 2 && p[0] == '.' && p[1] == '.') {
			free(d);
			return -PF_ERECIPE;
		}
		if (k && !(k == 1 && p[0] == '.')) {
			if (n)
				d[n++] = '/';
			memcpy(d + n, p, k);
			n += k;
		}
		p += k;
		if (*p)
			p++;
	}
	d[n] = '\0';
	*out = d;
	return 0;
}

static void drv_close(void *state)
{
	struct drv_state *s = state;

	if (!s)
		return;
	free(s->dest);
	free(s->dirs);
	free(s);
}

/* Keep the folders (dir.1..dir.N, borrowed from ARGS) and the normalized
 * destination; a bad `dest` or no folder fails before any work is done. */
static int drv_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	const char *dest = host->arg_string(args, "dest");
	struct drv_state *s = calloc(1, sizeof(*s));
	const char **dirs;
	char key[32], why[160];
	int ret;

	if (!s)
		return -PF_ENOMEM;
	s->host = host;
	ret = normalize_dest(dest ? dest : DEFAULT_DEST, &s->dest);
	if (ret) {
		if (ret == -PF_ERECIPE)
			host->log(PF_LOG_ERROR, NAME, "drivers: dest '%s': must be a folder "
				  "inside the image (no '..')", dest);
		goto out;
	}
	/* the folder goes into the drvload lines of the start script */
	if (batch_check_quoted(s->dest, why, sizeof(why))) {
		host->log(PF_LOG_ERROR, NAME, "drivers: dest '%s': cannot be written into "
			  "the start script: %s", dest, why);
		ret = -PF_ERECIPE;
		goto out;
	}
	for (;;) {
		const char *d;

		snprintf(key, sizeof(key), "dir.%zu", s->ndirs + 1);
		d = host->arg_string(args, key);
		if (!d)
			break;
		dirs = realloc(s->dirs, (s->ndirs + 1) * sizeof(*dirs));
		if (!dirs) {
			ret = -PF_ENOMEM;
			goto out;
		}
		s->dirs = dirs;
		s->dirs[s->ndirs++] = d;
	}
	if (!s->ndirs) {
		host->log(PF_LOG_ERROR, NAME, "drivers: no driver folder given");
		ret = -PF_ERECIPE;
		goto out;
	}
	*state = s;
	s = NULL;
out:
	drv_close(s);
	return ret;
}

/* Add the packages of every folder, then the drvload lines. */
static int drv_run(void *state, struct pf_job *job)
{
	struct drv_state *s = state;
	const struct pf_host *h = s->host;
	struct run_ctx c = { .s = s, .job = job };
	struct strv *lists = NULL;
	size_t i, j, done = 0, total = 0;
	int ret = 0;

	c.arch = h->job_fact(job, PF_FACT_ARCH);
	if (!c.arch) {
		h->log(PF_LOG_ERROR, NAME, "the media's architecture is unknown: set arch "
		       "in the recipe");
		return -PF_EMEDIA;
	}
	lists = calloc(s->ndirs, sizeof(*lists));
	if (!lists)
		return -PF_ENOMEM;
	/* every folder is checked before anything is staged */
	for (i = 0; i < s->ndirs; i++) {
		if (!fsu_is_dir(s->dirs[i])) {
			h->log(PF_LOG_ERROR, NAME, "drivers: %s: no such folder", s->dirs[i]);
			ret = -PF_ENOENT;
			goto out;
		}
		ret = scan(h, s->dirs[i], "", &lists[i]);
		if (ret)
			goto out;
		if (!lists[i].n) {
			h->log(PF_LOG_ERROR, NAME, "drivers: %s: no INF driver package found",
			       s->dirs[i]);
			ret = -PF_ENOENT;
			goto out;
		}
		qsort(lists[i].v, lists[i].n, sizeof(*lists[i].v), cmp_str);
		total += lists[i].n;
	}
	for (i = 0; i < s->ndirs; i++) {
		for (j = 0; j < lists[i].n; j++) {
			ret = h->progress(job, "adding drivers", done++, total);
			if (!ret)
				ret = add_package(&c, s->dirs[i], lists[i].v[j]);
			if (ret)
				goto out;
		}
	}
	ret = h->progress(job, "adding drivers", total, total);
	if (!ret && c.added)
		ret = update_start(&c);
	if (ret)
		goto out;
	h->log(c.added ? PF_LOG_INFO : PF_LOG_WARN, NAME,
	       "drivers: %zu package(s) added, %zu skipped", c.added, c.skipped);
out:
	for (i = 0; lists && i < s->ndirs; i++)
		strv_free(&lists[i]);
	free(lists);
	strv_free(&c.names);
	strv_free(&c.drvload);
	return ret;
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "dir", .type = PF_OPT_TABLE,
	  .help = "dir.1, dir.2, ...: the driver folders (the recipe's drivers)" },
	{ .name = "dest", .type = PF_OPT_STRING, .dflt = "Drivers",
	  .help = "the folder in the image (the recipe's drivers.dest)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_DRIVERS,
	.name = NAME,
	.summary = "adds Windows driver packages (INF) to the image, loaded by drvload "
		   "at boot",
	.open = drv_open,
	.run = drv_run,
	.close = drv_close,
	.probe = NULL,
	.options = options,
};
