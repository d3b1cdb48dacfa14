/* core/log.h - logging with levels, and progress reporting. */
#ifndef PEFORGE_CORE_LOG_H
#define PEFORGE_CORE_LOG_H

#include <stddef.h>
#include <stdint.h>
#include "peforge/plugin.h"

/* Messages above LEVEL are dropped (errors are always shown). */
void pf_log_set_level(int level);
int pf_log_get_level(void);

/* Progress display: 0 silent (-q), 1 on (a bar on a terminal, lines otherwise). */
void pf_progress_set_enabled(int on);

/* Log to stderr as "peforge: [WHO: ]LEVEL: message".  WHO may be NULL. */
void pf_log(int level, const char *who, const char *fmt, ...) PF_PRINTF(3, 4);

#define pf_err(...) pf_log(PF_LOG_ERROR, NULL, __VA_ARGS__)
#define pf_warn(...) pf_log(PF_LOG_WARN, NULL, __VA_ARGS__)
#define pf_info(...) pf_log(PF_LOG_INFO, NULL, __VA_ARGS__)
#define pf_debug(...) pf_log(PF_LOG_DEBUG, NULL, __VA_ARGS__)

/* How many error lines were printed so far (main prints a generic line
 * only when nothing more precise was said). */
unsigned pf_log_error_count(void);

/*
 * Keep every warning and error line from now on (ON = 1, clearing what was
 * kept), whatever the level shown, for `build --json`; ON = 0 stops and
 * frees them.  The lines are "[WHO: ]message", without "peforge: ".
 */
void pf_log_collect(int on);

/* The lines kept of LEVEL (PF_LOG_WARN or PF_LOG_ERROR) and their count. */
const char *const *pf_log_collected(int level, size_t *n);

/* Report progress of STAGE (DONE of TOTAL, TOTAL 0 = unknown). */
void pf_progress(const char *stage, uint64_t done, uint64_t total);

/* End the current progress display (newline after a bar). */
void pf_progress_end(void);

#endif
