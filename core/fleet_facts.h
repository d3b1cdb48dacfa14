/* core/fleet_facts.h - the fleet the recipe knows (pe.machines), told to
 * the plugins as job facts (PF_FACT_FLEET, PF_FACT_DEFAULT_WIPES). */
#ifndef PEFORGE_CORE_FLEET_FACTS_H
#define PEFORGE_CORE_FLEET_FACTS_H

#include <lua.h>

#include "recipe.h"
#include "peforge/plugin.h"

/* pf_plan.fleet_default: what pe.machines' default answer file does. */
#define PF_FLEET_NONE 0   /* there is none (no pe.machines default) */
#define PF_FLEET_KEEPS 1  /* it erases no disk */
#define PF_FLEET_WIPES 2  /* it wipes or repartitions a disk */

/*
 * Read the list of machines of the `machines` table at IDX (what
 * pe.machines returns: `machines`, each {id, facts = {name, mac = {...}},
 * text or result.variants, files}, and `default` / `default_result`) into
 * P->fleet, one line per known MAC:
 *
 *	MAC<TAB>ID<TAB>wipe|keep<TAB>ANSWER-FILE[<TAB>UEFI-ANSWER-FILE]<LF>
 *
 * (ID: the inventory name, else the machine's first id; the answer file is
 * its medium path; a machine with firmware variants has the BIOS file, then
 * the UEFI one), and P->fleet_default.  A table without a list (written by
 * hand) gives no fleet.  A MAC that is not aa-bb-cc-dd-ee-ff or an ID with
 * a tab or a line break is one error line naming the machine.  Returns 0,
 * -PF_ERECIPE or -PF_ENOMEM.
 */
int pf_fleet_facts_read(lua_State *L, int idx, const char *recipe, struct pf_plan *p);

/*
 * Set the job facts PF_FACT_FLEET (when the plan knows machines) and
 * PF_FACT_DEFAULT_WIPES ("true"/"false": the answer file a machine the
 * fleet does not know gets: pe.machines' default file, else the recipe's
 * `unattend`, else none) on JOB, before the plugins run.  An answer file
 * that is not XML erases nothing (Setup cannot read it); with a pxe output
 * in the plan that is said in a warning.  The pxe output's unknown =
 * "install" with a wiping file and no allow_unknown_wipe is refused here,
 * before any work, with the plugin's own error line.  Returns 0 or an error.
 */
int pf_fleet_facts_export(struct pf_job *job, const struct pf_plan *plan);

#endif
