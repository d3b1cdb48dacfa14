/*
 * core/machines.c - `peforge machines list|reinstall|done OUTDIR [ID]`: the
 * table of the fleet's machines and their install state, and putting one
 * machine back to "waiting" (its next network boot installs again) or
 * marking it "done" by hand (its next boot is the local disk).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "fsutil.h"
#include "log.h"
#include "machines.h"

const char pf_machines_usage[] =
	"Usage: peforge machines list OUTDIR\n"
	"       peforge machines reinstall OUTDIR ID\n"
	"       peforge machines done OUTDIR ID\n"
	"\n"
	"The machines of a build's fleet (the pxe output with pe.machines) and\n"
	"where each one's install is: waiting (its next network boot installs),\n"
	"started (the start script reported that Setup runs; next boot: local\n"
	"disk) or done.  The state is OUTDIR/machines.state.\n"
	"\n"
	"  list        one line per MAC: MAC, ID, STATE, CHANGED, next boot\n"
	"  reinstall   put machine ID back to waiting: its next network boot\n"
	"              installs again (WARNING: with a wiping answer file, that\n"
	"              erases its disk)\n"
	"  done        mark machine ID installed by hand: next boot local disk\n"
	"\n"
	"ID is a MAC in any common spelling (52:54:00:12:34:56, 52-54-00-12-34-56,\n"
	"525400123456) or the machine's ID as `list` shows it (all its MACs).\n";

#define machines_err(err, ...) (pf_log(PF_LOG_ERROR, "machines", __VA_ARGS__), (err))

/* What VARIANT boots, for people. */
static const char *variant_text(const char *variant)
{
	if (!strcmp(variant, "local"))
		return "local disk";
	if (!strcmp(variant, "install"))
		return "WinPE (install)";
	return "menu (no timeout)";
}

char *pf_machines_next_boot(const struct pf_fleet *f, const char *mac)
{
	static const char *variants[] = { "local", "install", "menu" };
	char *live = pf_fleet_live_path(f, mac), *text = NULL, *out = NULL;
	size_t len = 0, i;

	if (!live)
		return NULL;
	if (fsu_read_file(live, &text, &len, NULL)) {
		out = strdup("the unknown machines' entry (no live entry)");
		goto out;
	}
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]) && !out; i++) {
		char *vp = pf_fleet_variant_path(f, mac, variants[i]), *vt = NULL;
		size_t vl = 0;

		if (vp && !fsu_read_file(vp, &vt, &vl, NULL) && vl == len &&
		    !memcmp(vt, text, len))
			out = strdup(variant_text(variants[i]));
		free(vt);
		free(vp);
	}
	if (!out)
		out = strdup("? (the live entry is none of its variants)");
out:
	free(text);
	free(live);
	return out;
}

/* Print the table of F's machines with their state in S. */
static int list(const struct pf_fleet *f, const struct pf_fleet_state *s)
{
	size_t i, w = 2;

	for (i = 0; i < f->n; i++)
		if (strlen(f->m[i].id) > w)
			w = strlen(f->m[i].id);
	printf("%-17s  %-*s  %-7s  %-19s  %s\n", "MAC", (int)w, "ID", "STATE", "CHANGED",
	       "NEXT BOOT");
	for (i = 0; i < f->n; i++) {
		const char *mac = f->m[i].mac;
		time_t t = pf_fleet_state_changed(s, mac);
		char when[32] = "-", *next = pf_machines_next_boot(f, mac);
		struct tm tm;

		if (!next)
			return -PF_ENOMEM;
		if (t && localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%-17s  %-*s  %-7s  %-19s  %s\n", mac, (int)w, f->m[i].id,
		       pf_fleet_state_of(s, mac), when, next);
		free(next);
	}
	printf("unknown machines: %s (fleet of %s)\n", f->unknown, f->pxedir);
	return 0;
}

/* Set every MAC that WHO names to STATE and say what changed, one line
 * each. */
static int set_state(const struct pf_fleet *f, const char *who, const char *state)
{
	size_t *idx = calloc(f->n ? f->n : 1, sizeof(*idx)), n, i;
	char err[600];
	int ret = 0;

	if (!idx)
		return -PF_ENOMEM;
	n = pf_fleet_match(f, who, idx);
	if (!n) {
		ret = machines_err(-PF_ENOENT, "%s: no such machine in %s/machines/fleet.tsv "
				   "(a MAC or an ID from 'peforge machines list %s')", who,
				   f->pxedir, f->outdir);
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		const struct pf_fleet_machine *m = &f->m[idx[i]];
		const char *old = NULL;

		ret = pf_fleet_set(f, m->mac, state, time(NULL), &old, err, sizeof(err));
		if (ret) {
			(void)machines_err(ret, "%s", err);
			break;
		}
		printf("%s %s: %s -> %s, next boot: %s\n", m->mac, m->id, old, state,
		       variant_text(pf_fleet_variant_for(f, state)));
	}
out:
	free(idx);
	return ret;
}

int pf_machines_main(int argc, char **argv)
{
	struct pf_fleet *f = NULL;
	struct pf_fleet_state *s = NULL;
	const char *verb = argc > 1 ? argv[1] : NULL;
	char err[600];
	int k, ret, want;

	for (k = 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			fputs(pf_machines_usage, stdout);
			return 0;
		}
	if (!verb)
		return machines_err(-PF_EUSAGE, "missing list, reinstall or done "
				    "(see 'peforge help machines')");
	if (!strcmp(verb, "list"))
		want = 3;
	else if (!strcmp(verb, "reinstall") || !strcmp(verb, "done"))
		want = 4;
	else
		return machines_err(-PF_EUSAGE, "unknown action '%s' (list, reinstall or done)",
				    verb);
	if (argc != want)
		return machines_err(-PF_EUSAGE, "%s: expected %s (see 'peforge help machines')",
				    verb, want == 3 ? "OUTDIR" : "OUTDIR ID");
	ret = pf_fleet_load(argv[2], &f, err, sizeof(err));
	if (ret)
		return machines_err(ret, "%s", err);
	if (want == 3) {
		ret = pf_fleet_state_load(argv[2], &s, err, sizeof(err));
		if (ret)
			(void)machines_err(ret, "%s", err);
		else
			ret = list(f, s);
	} else {
		ret = set_state(f, argv[3], !strcmp(verb, "done") ? PF_FLEET_DONE
								 : PF_FLEET_WAITING);
	}
	pf_fleet_state_free(s);
	pf_fleet_free(f);
	return ret;
}
