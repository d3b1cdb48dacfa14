/* plugins/inject-wim.h - what the injector's files share. */
#ifndef PEFORGE_INJECT_WIM_H
#define PEFORGE_INJECT_WIM_H

#include <wimlib.h>
#include "peforge/plugin.h"

/* Context of the injector's wimlib progress callback. */
struct pf_wim_prog {
	const struct pf_host *host;
	struct pf_job *job;
};

/*
 * wimlib progress callback (CTX: a struct pf_wim_prog): shows the writing
 * and the verification of boot.wim on the core's progress display, and
 * aborts wimlib when the run was canceled.
 */
enum wimlib_progress_status pf_wim_progress(enum wimlib_progress_msg msg,
					    union wimlib_progress_info *info, void *ctx);

#endif
