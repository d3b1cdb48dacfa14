/*
 * core/machines.h - `peforge machines list|reinstall|done OUTDIR [ID]`: the
 * fleet's install state (issue #15) shown and changed by hand, through
 * plugins/lib/fleet.h.  docs/fleet.md.
 */
#ifndef PEFORGE_CORE_MACHINES_H
#define PEFORGE_CORE_MACHINES_H

/* The usage text of `peforge machines`. */
extern const char pf_machines_usage[];

/*
 * `peforge machines` with ARGV[0] = "machines" and its own arguments after
 * it.  Returns 0, -PF_EUSAGE (bad command line, one line said; the caller
 * exits 2) or another -PF_E* code after one error line.
 */
int pf_machines_main(int argc, char **argv);

/* What a machine's live entry boots, for people: "local disk", "WinPE
 * (install)", "menu", or a note when it is none of its variants (malloc'd;
 * NULL on no memory).  F is a struct pf_fleet. */
struct pf_fleet;
char *pf_machines_next_boot(const struct pf_fleet *f, const char *mac);

#endif
