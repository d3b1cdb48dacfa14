/* core/pipeline.c - where things are, and running a recipe end to end. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "claims.h"
#include "error.h"
#include "fleet.h"
#include "fleet_facts.h"
#include "job.h"
#include "log.h"
#include "luahost.h"
#include "lua_secret.h"
#include "media.h"
#include "pipeline.h"
#include "recipe.h"
#include "report.h"
#include "stage.h"
#include "unattend_cmd.h"
#include "util.h"

char *pf_text_crlf(const char *text, size_t len, size_t *outlen)
{
	size_t i, n = 0;
	char *out = malloc(len * 2 + 1);

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = text[i];
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/* One plugin opened for this run. */
struct opened {
	const struct pf_loaded *p;
	struct pf_args *args;  /* borrowed (plan) or owned (own_args) */
	int own_args;
	void *state;
	int is_open;
	size_t out_first, out_end; /* outputs: the job outputs it committed */
};

/* Everything pf_build holds, released in one place. */
struct run {
	struct pf_lua *lua;
	struct pf_plan *plan;
	struct pf_job *job;
	struct opened source, injector;
	struct opened *outputs;
	size_t noutputs;
	struct opened *drivers;
	size_t ndrivers;
};

static void opened_close(struct opened *o)
{
	if (o->is_open && o->p->desc->close)
		o->p->desc->close(o->state);
	if (o->own_args)
		pf_args_free(o->args);
	memset(o, 0, sizeof(*o));
}

static void run_clear(struct run *run)
{
	size_t i;

	/* background checks stop before their plugin is closed */
	if (run->job)
		pf_job_finish_deferred(run->job, 1);
	for (i = 0; i < run->noutputs; i++)
		opened_close(&run->outputs[i]);
	free(run->outputs);
	for (i = 0; i < run->ndrivers; i++)
		opened_close(&run->drivers[i]);
	free(run->drivers);
	opened_close(&run->injector);
	opened_close(&run->source);
	pf_job_free(run->job);
	pf_plan_free(run->plan);
	pf_lua_free(run->lua);
}

/* Open plugin O with its args; errors of open are the plugin's to log. */
static int opened_open(struct opened *o)
{
	int ret = o->p->desc->open(&pf_host_table, o->args, &o->state);

	if (ret) {
		if (pf_log_error_count() == 0)
			pf_err("plugin %s: cannot start: %s", o->p->desc->name,
			       pf_strerror(ret));
		return ret;
	}
	o->is_open = 1;
	return 0;
}

/*
 * Run plugin O on JOB, logging a generic line if it failed silently.  A
 * canceled job stops here, before the plugin starts.
 */
static int opened_run(struct opened *o, struct pf_job *job)
{
	unsigned before = pf_log_error_count();
	int kind = (int)o->p->desc->kind, ret = pf_job_canceled(job);

	if (ret) {
		if (!pf_cancel_signal)
			pf_err("canceled: stopped before the %s plugin '%s'",
			       pf_kind_name(kind), o->p->desc->name);
		return ret;
	}
	pf_job_doing(job, kind == PF_OUTPUT ? "writing the %s output" :
		     kind == PF_SOURCE ? "reading the source (%s)" :
		     kind == PF_INJECTOR ? "building the boot.wim (%s)" :
		     "adding drivers (%s)", o->p->desc->name);
	ret = o->p->desc->run(o->state, job);
	if (ret && pf_job_canceled(job))
		ret = -PF_ECANCELED; /* the run stops for the cancel, whatever failed */
	if (ret && ret != -PF_ECANCELED && pf_log_error_count() == before)
		pf_err("%s plugin '%s' failed: %s", pf_kind_name((int)o->p->desc->kind),
		       o->p->desc->name, pf_strerror(ret));
	return ret;
}

/* A comma-separated list of the names of the plugins of KIND (malloc'd). */
static char *names_of_kind(const struct pf_registry *r, int kind)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < r->count; i++)
		if ((int)r->items[i].desc->kind == kind)
			len += strlen(r->items[i].desc->name) + 2;
	s = calloc(1, len + 8);
	if (!s)
		return NULL;
	for (i = 0; i < r->count; i++) {
		if ((int)r->items[i].desc->kind != kind)
			continue;
		if (*s)
			strcat(s, ", ");
		strcat(s, r->items[i].desc->name);
	}
	if (!*s)
		strcpy(s, "none");
	return s;
}

/* Choose the source plugin for the plan: the one named, or the best probe. */
static int choose_source(const struct pf_registry *r, const struct pf_plan *plan,
			 const struct pf_loaded **out)
{
	const struct pf_loaded *best = NULL;
	int best_score = 0;
	size_t i;
	char *names;
	struct stat st;

	if (stat(plan->source, &st) != 0) {
		pf_err("%s: source: %s", plan->source, strerror(errno));
		return -PF_ENOENT;
	}
	if (plan->source_type) {
		best = pf_registry_find(r, PF_SOURCE, plan->source_type);
		if (!best) {
			names = names_of_kind(r, PF_SOURCE);
			if (plan->recipe)
				pf_err("%s: source_type '%s': no such source plugin (loaded: %s)",
				       plan->recipe, plan->source_type, names ? names : "?");
			else
				pf_err("-t %s: no such source plugin (loaded: %s)",
				       plan->source_type, names ? names : "?");
			free(names);
			return -PF_EPLUGIN;
		}
		*out = best;
		return 0;
	}
	for (i = 0; i < r->count; i++) {
		const struct pf_plugin *d = r->items[i].desc;
		int score;

		if (d->kind != PF_SOURCE)
			continue;
		score = d->probe(&pf_host_table, plan->source);
		if (score > best_score) {
			best_score = score;
			best = &r->items[i];
		}
	}
	if (!best) {
		names = names_of_kind(r, PF_SOURCE);
		pf_err("%s: no source plugin can read this (loaded source plugins: %s)",
		       plan->source, names ? names : "?");
		free(names);
		return -PF_EMEDIA;
	}
	pf_debug("source %s: read by plugin '%s' (score %d)", plan->source,
		 best->desc->name, best_score);
	*out = best;
	return 0;
}

/* The rank of output plugin D: its descriptor's, PF_RANK_DEFAULT for 0. */
static int output_rank(const struct pf_plugin *d)
{
	return d->rank ? d->rank : PF_RANK_DEFAULT;
}

/*
 * The order outputs run in, from the ranks the plugins declare (lower
 * first, ties by name): the WIM first, then the ISO (the PXE tree boots it
 * through memdisk and finds it as the fact iso_path), the disk image, the
 * PXE tree, the Samba share, then third-party outputs.
 */
static int cmp_outputs(const void *a, const void *b)
{
	const struct opened *x = a, *y = b;
	int rx = output_rank(x->p->desc), ry = output_rank(y->p->desc);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->p->desc->name, y->p->desc->name);
}

/*
 * Check the arguments of O against the options its plugin declares.  The
 * keys the core itself gives a plugin of that kind are always allowed.
 */
static int opened_check(struct opened *o)
{
	static const char *const source_keys[] = { "path", "arch", "boot_files", NULL };
	static const char *const injector_keys[] = { "image", "keep_setup", "inplace",
							   "verify", NULL };
	static const char *const output_keys[] = { "recipe_dir", NULL };
	const char *const *core_keys = NULL;

	switch (o->p->desc->kind) {
	case PF_SOURCE: core_keys = source_keys; break;
	case PF_INJECTOR: core_keys = injector_keys; break;
	case PF_OUTPUT: core_keys = output_keys; break;
	default: break;
	}
	return pf_args_check(o->args, o->p->desc->options, core_keys);
}

/*
 * Give output ARGS the key recipe_media: the medium paths the recipe puts
 * on the boot medium (`media`, one a line), so an output refuses a name
 * it cannot write in its open step, before any work.  Set after the
 * options check: a recipe's own recipe_media is replaced.
 */
static int set_recipe_media(const struct pf_plan *plan, struct pf_args *args)
{
	size_t i, len = 1;
	char *list, *p;
	int ret;

	for (i = 0; i < plan->nmedia; i++)
		len += strlen(plan->media[i].dest) + 1;
	list = p = malloc(len);
	if (!list)
		return -PF_ENOMEM;
	*p = '\0';
	for (i = 0; i < plan->nmedia; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", plan->media[i].dest);
	ret = pf_args_set(args, "recipe_media", list);
	free(list);
	return ret;
}

/* Find and open every plugin the plan needs, before any work is done;
 * VERIFY: the injector checks the source WIM's data (not --no-verify). */
static int open_plugins(const struct pf_registry *r, struct run *run, int verify)
{
	struct pf_plan *plan = run->plan;
	const struct pf_loaded *inj;
	size_t i;
	int ret;

	/* inplace = true without outputs: the source WIM itself is the result */
	if (plan->noutputs == 0 && !plan->inplace) {
		pf_err("%s: the recipe asks for no output: add e.g. "
		       "outputs = { wim = \"boot.wim\" } (or update a bare boot.wim "
		       "source with inplace = true)", plan->recipe);
		return -PF_ERECIPE;
	}
	ret = choose_source(r, plan, &run->source.p);
	if (ret)
		return ret;
	run->source.args = pf_args_new("source");
	run->source.own_args = 1;
	if (!run->source.args ||
	    pf_args_set(run->source.args, "path", plan->source) ||
	    (plan->arch && pf_args_set(run->source.args, "arch", plan->arch)) ||
	    (plan->boot_files &&
	     pf_args_set(run->source.args, "boot_files", plan->boot_files)))
		return -PF_ENOMEM;

	inj = pf_registry_find(r, PF_INJECTOR, "wim");
	if (!inj) {
		pf_err("no 'wim' injector plugin is loaded (is peforge installed "
		       "completely? see 'peforge plugins')");
		return -PF_EPLUGIN;
	}
	run->injector.p = inj;
	run->injector.args = pf_args_new("injector");
	run->injector.own_args = 1;
	if (!run->injector.args ||
	    (plan->image && pf_args_set(run->injector.args, "image", plan->image)) ||
	    pf_args_set(run->injector.args, "keep_setup", plan->keep_setup ? "true" : "false") ||
	    pf_args_set(run->injector.args, "inplace", plan->inplace ? "true" : "false") ||
	    pf_args_set(run->injector.args, "verify", verify ? "true" : "false"))
		return -PF_ENOMEM;

	if (plan->ndrivers) {
		for (i = 0; i < r->count; i++)
			if (r->items[i].desc->kind == PF_DRIVERS)
				break;
		if (i == r->count) {
			pf_err("%s: recipe key 'drivers': no driver-pack plugin is loaded "
			       "(see 'peforge plugins')", plan->recipe);
			return -PF_EPLUGIN;
		}
		run->drivers = calloc(1, sizeof(*run->drivers));
		if (!run->drivers)
			return -PF_ENOMEM;
		run->ndrivers = 1;
		run->drivers[0].p = &r->items[i];
		run->drivers[0].args = pf_args_new("drivers");
		run->drivers[0].own_args = 1;
		if (!run->drivers[0].args)
			return -PF_ENOMEM;
		if (plan->drivers_dest &&
		    pf_args_set(run->drivers[0].args, "dest", plan->drivers_dest))
			return -PF_ENOMEM;
		for (i = 0; i < plan->ndrivers; i++) {
			char key[32];

			snprintf(key, sizeof(key), "dir.%zu", i + 1);
			if (pf_args_set(run->drivers[0].args, key, plan->drivers[i]))
				return -PF_ENOMEM;
		}
	}

	run->outputs = calloc(plan->noutputs, sizeof(*run->outputs));
	if (!run->outputs)
		return -PF_ENOMEM;
	for (i = 0; i < plan->noutputs; i++) {
		const struct pf_loaded *p = pf_registry_find(r, PF_OUTPUT,
							     plan->outputs[i].name);

		if (!p) {
			char *names = names_of_kind(r, PF_OUTPUT);

			pf_err("%s: outputs.%s: no such output plugin (loaded output "
			       "plugins: %s)", plan->recipe, plan->outputs[i].name,
			       names ? names : "?");
			free(names);
			return -PF_EPLUGIN;
		}
		run->outputs[i].p = p;
		run->outputs[i].args = plan->outputs[i].args;
		run->noutputs++;
	}
	qsort(run->outputs, run->noutputs, sizeof(*run->outputs), cmp_outputs);

	/* every plugin's arguments are checked before any plugin is opened */
	if ((ret = opened_check(&run->source)) || (ret = opened_check(&run->injector)))
		return ret;
	for (i = 0; i < run->ndrivers; i++)
		if ((ret = opened_check(&run->drivers[i])))
			return ret;
	for (i = 0; i < run->noutputs; i++)
		if ((ret = opened_check(&run->outputs[i])) ||
		    (ret = set_recipe_media(plan, run->outputs[i].args)))
			return ret;

	if ((ret = opened_open(&run->source)) || (ret = opened_open(&run->injector)))
		return ret;
	for (i = 0; i < run->ndrivers; i++)
		if ((ret = opened_open(&run->drivers[i])))
			return ret;
	for (i = 0; i < run->noutputs; i++)
		if ((ret = opened_open(&run->outputs[i])))
			return ret;
	return 0;
}

/*
 * Warn when the recipe puts files on the boot medium (`media`, `unattend`)
 * but every output of the run is a bare WIM, which has no medium.
 */
static void warn_unused_medium(const struct run *run)
{
	size_t i;

	if (!run->plan->nmedia && !run->plan->unattend)
		return;
	for (i = 0; i < run->noutputs; i++)
		if (strcmp(run->outputs[i].p->desc->name, "wim") != 0)
			return;
	if (!run->noutputs) {
		pf_warn("%s: 'media', 'unattend' and 'machines' place files on a boot medium, "
			"but the run has no output (it updates the source WIM in place): they "
			"are not written anywhere", run->plan->recipe);
		return;
	}
	pf_warn("%s: 'media', 'unattend' and 'machines' place files on a boot medium, "
		"but the only output is a bare boot.wim: they are not written anywhere",
		run->plan->recipe);
}

/*
 * After the commit: the live boot entries of a fleet (a pxe output with
 * machines) follow OUTDIR/machines.state as it is now, in case `peforge
 * serve` recorded a report after the pxe output read the state.  A failure
 * is a warning: the outputs are in place.
 */
static void sync_fleet(const char *outdir)
{
	struct pf_fleet *f = NULL;
	char err[512];
	int ret;

	if (!outdir)
		return;
	ret = pf_fleet_load(outdir, &f, err, sizeof(err));
	if (ret == -PF_ENOENT)
		return;
	if (!ret)
		ret = pf_fleet_sync(f, err, sizeof(err));
	if (ret)
		pf_warn("%s", err);
	pf_fleet_free(f);
}

/* Load the recipe (with -D definitions) into run->plan. */
static int load_recipe(const struct pf_env *env, const struct pf_build_opts *o,
		       struct run *run)
{
	size_t i;
	int ret;
	char *data;

	ret = pf_lua_new(env->scripts_dir, &run->lua);
	if (ret)
		return ret;
	/* where unattend/ is: the installed data folder, or beside scripts/
	 * (NULL, as in the unit tests without one: answer files cannot be
	 * checked against the XSD) */
	data = pf_unattend_data_dir(env);
	ret = pf_lua_set_datadir(run->lua, data);
	free(data);
	if (!ret)
		ret = pf_lua_set_outdir(run->lua, o->outdir);
	if (ret)
		return ret;
	for (i = 0; i < o->ndefines; i++) {
		const char *eq = strchr(o->defines[i], '=');
		char *key;

		if (!eq)
			continue;
		key = strndup(o->defines[i], (size_t)(eq - o->defines[i]));
		if (!key)
			return -PF_ENOMEM;
		ret = pf_lua_define(run->lua, key, eq + 1);
		free(key);
		if (ret)
			return ret;
	}
	return pf_lua_load_plan(run->lua, o->recipe, &run->plan);
}

/*
 * Set the job fact PF_FACT_WIMBOOT when a pxe output with loader "ipxe"
 * will serve the run's boot.wim through wimboot, so that the injector (which
 * runs first) writes it the way wimboot reads it.
 */
static int mark_wimboot(struct pf_job *job, const struct pf_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->noutputs; i++) {
		const char *loader = pf_args_get(plan->outputs[i].args, "loader");

		if (!strcmp(plan->outputs[i].name, "pxe") && loader && !strcmp(loader, "ipxe"))
			return pf_host_table.job_set_fact(job, PF_FACT_WIMBOOT, "true");
	}
	return 0;
}

/* Make the output folder: -o is created; the default is the current one. */
static int output_folder(const char *outdir, char **out)
{
	char *abs = pf_abspath(outdir ? outdir : ".");
	int ret;

	if (!abs)
		return -PF_ENOMEM;
	ret = pf_mkdir_p(abs);
	if (ret) {
		free(abs);
		return ret;
	}
	*out = abs;
	return 0;
}

/*
 * Print what build --json or --dry-run shows (core/report.h): the plan of a
 * dry run that got this far (PLAN 1: as text, 2: as JSON), else (PLAN 0)
 * the run's JSON result.
 */
static int report(const struct run *run, const char *outdir,
		  const struct pf_media_facts *facts, int plan, int ret)
{
	struct pf_report rep = { .plan = run->plan, .outdir = outdir, .job = run->job,
				 .facts = facts, .n = run->noutputs };
	size_t i;

	rep.source_plugin = run->source.p ? run->source.p->desc->name : NULL;
	rep.v = calloc(run->noutputs + 1, sizeof(*rep.v));
	if (!rep.v)
		return -PF_ENOMEM;
	for (i = 0; i < run->noutputs; i++) {
		rep.v[i].desc = run->outputs[i].p->desc;
		rep.v[i].args = run->outputs[i].args;
		rep.v[i].first = run->outputs[i].out_first;
		rep.v[i].end = run->outputs[i].out_end;
	}
	if (plan)
		ret = pf_report_plan(stdout, &rep, plan == 2);
	else
		pf_report_json(stdout, &rep, ret);
	free(rep.v);
	return ret;
}

/*
 * Run RUN's plan: open every plugin (each output claims its path), check
 * the claims, lock the output folder, read the source and its facts,
 * stage, run the drivers, the injector and the outputs, then put every
 * output in place together.  RUN is cleared (and its plan freed) by the
 * caller.
 */
static int run_plan(struct pf_registry *r, struct run *run, const struct pf_build_opts *o)
{
	struct pf_media_facts *facts = NULL;
	char *outdir = NULL;
	size_t i;
	int bare, ret;

	pf_claims_reset();
	ret = open_plugins(r, run, !o->no_verify);
	if (!ret)
		ret = pf_claims_check(o->outdir ? o->outdir : ".", run->plan->source,
				      run->plan->boot_files);
	if (!ret && pf_cancel_signal)
		ret = pf_job_canceled(NULL); /* a signal during the open phase */
	if (ret)
		goto out;
	/* A dry run, or an in-place update without outputs (nothing is written
	 * but the source WIM, which wimlib locks while it appends): no output
	 * folder, and the job's own folder in $TMPDIR (or --tmp-dir). */
	bare = o->dry_run || run->noutputs == 0;
	if (bare)
		ret = (outdir = pf_abspath(o->outdir ? o->outdir : ".")) ? 0 : -PF_ENOMEM;
	else
		ret = output_folder(o->outdir, &outdir);
	if (ret)
		goto out;
	ret = bare ? pf_job_new_in(NULL, o->dry_run ? NULL : o->tmp_parent, &run->job)
		   : pf_job_new_locked(outdir, o->tmp_parent, o->no_wait, &run->job);
	if (!ret)
		ret = mark_wimboot(run->job, run->plan);
	if (!ret)
		ret = pf_fleet_facts_export(run->job, run->plan);
	if (ret)
		goto out;

	pf_progress("reading source", 0, 0);
	ret = opened_run(&run->source, run->job);
	if (ret)
		goto out;
	if (!run->job->media_ops) {
		pf_err("source plugin '%s' set no media", run->source.p->desc->name);
		ret = -PF_EINTERNAL;
		goto out;
	}
	ret = pf_media_facts_read(run->job, PF_FACTS_INSTALL_OPTIONAL, &facts);
	if (!ret)
		ret = pf_media_facts_export(run->job, facts);
	if (ret)
		goto out;
	if (run->plan->boot_files && strcmp(facts->layout, "wim") != 0)
		pf_warn("%s: boot_files is only used with a bare boot.wim source; the %s "
			"media have their own boot files", run->plan->recipe, facts->layout);
	/* media without an architecture (a bare WIM made without one): the
	 * recipe's arch stands in for it */
	if (run->plan->arch && !pf_host_table.job_fact(run->job, PF_FACT_ARCH) &&
	    (ret = pf_host_table.job_set_fact(run->job, PF_FACT_ARCH, run->plan->arch)))
		goto out;
	if (run->plan->arch && pf_host_table.job_fact(run->job, PF_FACT_ARCH) &&
	    strcmp(run->plan->arch, pf_host_table.job_fact(run->job, PF_FACT_ARCH)) != 0) {
		pf_err("%s: arch '%s' asked for, but the media are '%s'", run->plan->recipe,
		       run->plan->arch, pf_host_table.job_fact(run->job, PF_FACT_ARCH));
		ret = -PF_EMEDIA;
		goto out;
	}
	ret = pf_stage_plan(run->job, run->plan);
	if (ret)
		goto out;
	warn_unused_medium(run);
	if (o->dry_run) {
		pf_progress_end();
		ret = report(run, outdir, facts, o->json ? 2 : 1, 0);
		goto out;
	}
	for (i = 0; i < run->ndrivers; i++) {
		ret = opened_run(&run->drivers[i], run->job);
		if (ret)
			goto out;
	}
	ret = opened_run(&run->injector, run->job);
	if (ret)
		goto out;
	for (i = 0; i < run->noutputs; i++) {
		run->outputs[i].out_first = run->job->noutputs;
		ret = opened_run(&run->outputs[i], run->job);
		run->outputs[i].out_end = run->job->noutputs;
		if (ret)
			goto out;
	}
	/* the checks the plugins left running (the source WIM's SHA-1) */
	if (run->job->ndeferred) {
		unsigned before = pf_log_error_count();

		pf_job_doing(run->job, "checking the source boot.wim");
		ret = pf_job_finish_deferred(run->job, pf_job_canceled(run->job) != 0);
		if (ret && ret != -PF_ECANCELED && pf_log_error_count() == before)
			pf_err("a plugin's background check failed: %s", pf_strerror(ret));
		if (!ret)
			ret = pf_job_canceled(run->job);
		if (ret)
			goto out;
	}
	/* the last moment a signal stops the run; the commit is one short step */
	ret = pf_job_canceled(run->job);
	pf_job_doing(run->job, "putting the outputs in place");
	if (!ret)
		ret = pf_job_commit(run->job);
	if (ret)
		goto out;
	sync_fleet(outdir);
	pf_progress_end();
	pf_lua_secret_notice(run->lua);
	if (o->print_outputs && !o->json) {
		for (i = 0; i < run->job->noutputs; i++)
			printf("wrote: %s\n", run->job->outputs[i]);
		if (run->plan->inplace && run->job->wim)
			printf("updated in place: %s\n", run->job->wim);
	}
	fflush(stdout);
	ret = 0;
out:
	pf_progress_end();
	if (o->json && (!o->dry_run || ret))
		report(run, outdir, facts, 0, ret);
	if (ret)
		pf_job_report_cancel(run->job, outdir ? outdir : o->outdir);
	pf_claims_reset();
	pf_media_facts_free(facts);
	free(outdir);
	return ret;
}

int pf_build(const struct pf_env *env, struct pf_registry *r,
	     const struct pf_build_opts *o)
{
	struct run run;
	int ret;

	memset(&run, 0, sizeof(run));
	pf_log_collect(o->json);
	ret = load_recipe(env, o, &run);
	if (!ret)
		ret = run_plan(r, &run, o);
	else if (o->json)
		report(&run, NULL, NULL, 0, ret);
	run_clear(&run);
	pf_log_collect(0);
	return ret;
}

int pf_build_plan(struct pf_registry *r, struct pf_plan *plan,
		  const struct pf_build_opts *o)
{
	struct run run;
	int ret;

	memset(&run, 0, sizeof(run));
	run.plan = plan;
	pf_log_collect(o->json);
	ret = run_plan(r, &run, o);
	run_clear(&run);
	pf_log_collect(0);
	return ret;
}

int pf_inspect(struct pf_registry *r, const char *source, const char *type,
	       int json)
{
	struct pf_plan plan;
	struct opened src;
	struct pf_job *job = NULL;
	struct pf_media_facts *facts = NULL;
	char *abs = pf_abspath(source);
	int ret;

	memset(&plan, 0, sizeof(plan));
	memset(&src, 0, sizeof(src));
	if (!abs)
		return -PF_ENOMEM;
	plan.recipe = NULL; /* messages speak of -t, not of a recipe key */
	plan.source = abs;
	plan.source_type = (char *)type;
	ret = choose_source(r, &plan, &src.p);
	if (ret)
		goto out;
	src.args = pf_args_new("source");
	src.own_args = 1;
	ret = -PF_ENOMEM;
	if (!src.args || pf_args_set(src.args, "path", abs))
		goto out;
	ret = opened_open(&src);
	if (!ret)
		ret = pf_job_new(NULL, &job);
	if (!ret)
		ret = opened_run(&src, job);
	if (!ret)
		ret = pf_media_facts_read(job, 0, &facts);
	if (ret)
		goto out;
	pf_media_facts_print(stdout, facts, abs, src.p->desc->name, json);
	fflush(stdout);
out:
	pf_media_facts_free(facts);
	pf_job_free(job);
	opened_close(&src);
	free(abs);
	return ret;
}
