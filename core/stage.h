/* core/stage.h - turning a plan into the job's staging edits. */
#ifndef PEFORGE_CORE_STAGE_H
#define PEFORGE_CORE_STAGE_H

struct pf_job;
struct pf_plan;

/*
 * Stage PLAN in JOB, in this order: the start script (CRLF) and
 * winpeshl.ini, the overlay (its links must stay inside it), the image
 * files, the medium's files.  Returns 0 or an error (logged).
 */
int pf_stage_plan(struct pf_job *job, const struct pf_plan *plan);

#endif
