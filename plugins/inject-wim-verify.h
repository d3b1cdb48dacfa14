/* plugins/inject-wim-verify.h - check the source WIM's data against its
 * SHA-1 hashes before its resources are copied raw. */
#ifndef PEFORGE_INJECT_WIM_VERIFY_H
#define PEFORGE_INJECT_WIM_VERIFY_H

#include <wimlib.h>
#include "peforge/plugin.h"

/*
 * Read every blob of the source WIM SRC (opened from the file PATH, media
 * path REL) and check it against the SHA-1 its blob table holds, on every
 * CPU, with the progress shown and the cancel seen; every image's folder
 * tree is read first.  On a mismatch, find the file of image IMAGE (then
 * of the other images) whose data is bad and log one error line naming it
 * and REL.  With BACKGROUND (the caller copies the source's data raw, so
 * nothing it does reads the data checked), the data check goes on while
 * the run goes on and the core finishes it before the commit (host
 * job_defer); the folder trees are checked before this returns.  Returns
 * 0, -PF_EWIM or -PF_ENOMEM (logged) or -PF_ECANCELED.
 */
int pf_wim_verify_source(const struct pf_host *h, struct pf_job *job, WIMStruct *src,
			 const char *path, const char *rel, int image, int background);

#endif
