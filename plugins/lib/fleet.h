/*
 * plugins/lib/fleet.h - the fleet of a network install (issue #15): which
 * machines are known (PXE/machines/fleet.tsv, written by the pxe output),
 * where each one's install is (OUTDIR/machines.state: waiting, started,
 * done) and which boot entry each gets (its live entry, a copy of one of its
 * variants).  Layout and formats: docs/fleet.md.
 *
 * Shared by the core (`peforge machines`, `peforge serve`) and the pxe
 * plugin (through libpfplug).  Nothing here logs: a failing function
 * returns a -PF_E* code and leaves one line in ERR (ERRLEN bytes) naming
 * the file and the reason.
 */
#ifndef PEFORGE_PLUGINS_LIB_FLEET_H
#define PEFORGE_PLUGINS_LIB_FLEET_H

#include <stddef.h>
#include <time.h>
#include "peforge/plugin.h"

/* A MAC in the fleet's spelling: "52-54-00-12-34-56" and its NUL. */
#define PF_FLEET_MACLEN 18

/* The states of a machine's install. */
#define PF_FLEET_WAITING "waiting"
#define PF_FLEET_STARTED "started"
#define PF_FLEET_DONE "done"

/* ---- machines.state ------------------------------------------------ */

/* The content of OUTDIR/machines.state (opaque). */
struct pf_fleet_state;

/*
 * Read OUTDIR/machines.state into *OUT (the caller frees it with
 * pf_fleet_state_free).  A missing file is an empty state.  A line that is
 * not "MAC<TAB>ID<TAB>waiting|started|done<TAB>SECONDS" (comments aside) is
 * refused: -PF_EINVAL with the file and line number in ERR.  0, -PF_ENOMEM,
 * -PF_EIO or -PF_EINVAL.
 */
int pf_fleet_state_load(const char *outdir, struct pf_fleet_state **out, char *err,
			size_t errlen);

/* The state of MAC (any common spelling) in S: "waiting", "started" or
 * "done"; "waiting" when S has no line for it (or S is NULL). */
const char *pf_fleet_state_of(const struct pf_fleet_state *s, const char *mac);

/* When MAC's state last changed (Unix seconds), 0 when S has no line for it. */
time_t pf_fleet_state_changed(const struct pf_fleet_state *s, const char *mac);

void pf_fleet_state_free(struct pf_fleet_state *s);

/* ---- fleet.tsv and the pxe tree ------------------------------------ */

/* One line "machine MAC ID wipe|keep" of fleet.tsv. */
struct pf_fleet_machine {
	char mac[PF_FLEET_MACLEN];
	char *id;
	int wipe;                   /* 1: its answer file wipes a disk */
};

/* A pxe tree's fleet.tsv. */
struct pf_fleet {
	char *outdir;               /* the build's folder */
	char *pxedir;               /* OUTDIR/PXE, the folder holding machines/ */
	char loader[16];            /* "pxelinux" or "ipxe" */
	char known[16];             /* variant of a waiting known machine */
	char unknown[16];           /* policy of unknown machines */
	struct pf_fleet_machine *m;
	size_t n;
};

/*
 * Write MAC in the fleet's spelling (lower case, '-') to OUT: accepts
 * 52:54:00:12:34:56, 52-54-00-12-34-56, 5254.0012.3456 and 525400123456 in
 * any case, and "01-" + the hyphenated form (PXELINUX's file name).  0 or
 * -PF_EINVAL.
 */
int pf_fleet_mac_norm(const char *mac, char out[PF_FLEET_MACLEN]);

/*
 * Find the pxe tree of OUTDIR (the one folder F with F/machines/fleet.tsv)
 * and read its fleet.tsv into *OUT.  -PF_ENOENT when OUTDIR has none,
 * -PF_EINVAL when it has two or fleet.tsv is malformed, -PF_EIO, -PF_ENOMEM.
 */
int pf_fleet_load(const char *outdir, struct pf_fleet **out, char *err, size_t errlen);

void pf_fleet_free(struct pf_fleet *f);

/* The machine with MAC (any spelling), or NULL when it is not known. */
const struct pf_fleet_machine *pf_fleet_by_mac(const struct pf_fleet *f, const char *mac);

/*
 * The machines that WHO names: a MAC in any spelling, or an ID (compared
 * without regard to case).  Their indexes in F->m go to IDX (room for
 * F->n); returns how many (0: WHO names no known machine).
 */
size_t pf_fleet_match(const struct pf_fleet *f, const char *who, size_t *idx);

/* The variant a machine in STATE boots: the fleet's `known` variant when
 * waiting, "local" when started or done. */
const char *pf_fleet_variant_for(const struct pf_fleet *f, const char *state);

/* The live entry of MAC and its variant VARIANT (malloc'd paths; NULL on
 * no memory): pxelinux PXE/pxelinux.cfg/01-MAC and PXE/machines/MAC.V.cfg,
 * ipxe PXE/machines/MAC.ipxe and PXE/machines/MAC.V.ipxe. */
char *pf_fleet_live_path(const struct pf_fleet *f, const char *mac);
char *pf_fleet_variant_path(const struct pf_fleet *f, const char *mac, const char *variant);

/*
 * Set the state of machine MAC (known to F) to STATE at time NOW: under
 * flock(OUTDIR/.machines.lock), rewrite OUTDIR/machines.state atomically
 * (temp file, fsync, rename; mode 0644) and replace MAC's live entry
 * atomically by a copy of the variant STATE calls for.  *OLD (may be NULL)
 * gets the previous state (a static string).  0, -PF_ENOENT (MAC not
 * known, or its variant file is missing), -PF_EINVAL, -PF_EIO, -PF_ENOMEM.
 */
int pf_fleet_set(const struct pf_fleet *f, const char *mac, const char *state, time_t now,
		 const char **old, char *err, size_t errlen);

/*
 * Make every live entry of F match OUTDIR/machines.state as it is now,
 * under the same lock as pf_fleet_set: a build committed after it read the
 * state (while `peforge serve` took a report) never leaves a started
 * machine's entry on WinPE.  0, or an error code with ERR set.
 */
int pf_fleet_sync(const struct pf_fleet *f, char *err, size_t errlen);

#endif
