/* core/unattend_cmd.h - `peforge unattend`: print or check answer files. */
#ifndef PEFORGE_CORE_UNATTEND_CMD_H
#define PEFORGE_CORE_UNATTEND_CMD_H

#include <stddef.h>
#include <stdio.h>
#include "pipeline.h"
#include "unattend.h"

/*
 * `peforge unattend RECIPE [--machine ID] [-o FILE] [-D key=value]...`:
 * run the recipe and write the answer file it gives (the one machine ID
 * would get, with pe.machines) to FILE (whole or absent) or stdout.
 */
int pf_unattend_print(const struct pf_env *env, const char *recipe,
		      const char *machine, const char *outfile,
		      const char **defines, size_t ndefines);

/*
 * `peforge unattend --check FILE [--json]`: lint and validate any answer
 * file; the findings on stdout (text lines, or JSON with JSON).  Returns 0
 * when there is no error finding (warnings and notes are printed but do
 * not fail), -PF_EXML when there are errors (one summary error line), or
 * another error.
 */
int pf_unattend_check(const struct pf_env *env, const char *file, int json);

/*
 * Lint and validate the answer file FILE against the XSD at XSD and print
 * the findings on OUT: one line per finding, "FILE: XPATH: message" for an
 * error and "FILE: XPATH: warning: message" (or note:) for the others; or
 * with JSON the object of pf_ua_findings_json().  COUNTS gets the number
 * of findings per severity (enum pf_ua_severity).  Returns 0, or a
 * negative -PF_E* when FILE cannot be read or parsed or the XSD cannot be
 * loaded (logged).
 */
int pf_unattend_check_report(const char *file, const char *xsd, int json, FILE *out,
			     size_t counts[PF_UA_NSEVERITIES]);

/*
 * As pf_unattend_check_report() in text; returns the number of findings
 * of every severity (0 = clean), or a negative -PF_E*.
 */
int pf_unattend_check_file(const char *file, const char *xsd, FILE *out);

/*
 * The folder that holds unattend/peforge-unattend.xsd: $PEFORGE_DATA_DIR
 * when set; else ENV's data folder when the schema is there; else the
 * parent of ENV's scripts folder when it is there (a staged install run
 * with PEFORGE_SCRIPTS_DIR); else ENV's data folder.  Malloc'd; NULL when
 * out of memory.
 */
char *pf_unattend_data_dir(const struct pf_env *env);

#endif
