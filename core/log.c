/* core/log.c - logging with levels, and progress reporting on stderr. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int log_level = PF_LOG_INFO;
static int progress_on = 1;
static unsigned error_count;

/* The lines pf_log_collect keeps: [0] errors, [1] warnings. */
static struct {
	int on;
	char **v[2];
	size_t n[2];
} coll;

/* Progress state: the stage shown, and what was last printed. */
static struct {
	char stage[64];
	int last_pct;     /* last percentage printed, -1 none */
	int bar_open;     /* a bar is on the terminal line */
} prog = { "", -1, 0 };

void pf_log_set_level(int level)
{
	log_level = level;
}

int pf_log_get_level(void)
{
	return log_level;
}

void pf_progress_set_enabled(int on)
{
	progress_on = on;
}

unsigned pf_log_error_count(void)
{
	return error_count;
}

static const char *level_name(int level)
{
	switch (level) {
	case PF_LOG_ERROR: return "error";
	case PF_LOG_WARN: return "warning";
	case PF_LOG_INFO: return NULL;
	default: return "debug";
	}
}

void pf_log_collect(int on)
{
	size_t i;
	int k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < coll.n[k]; i++)
			free(coll.v[k][i]);
		free(coll.v[k]);
		coll.v[k] = NULL;
		coll.n[k] = 0;
	}
	coll.on = on;
}

const char *const *pf_log_collected(int level, size_t *n)
{
	int k = level == PF_LOG_ERROR ? 0 : 1;

	*n = coll.n[k];
	return (const char *const *)coll.v[k];
}

/* Keep "[WHO: ]message" of an error or warning (best effort: a line that
 * cannot be kept for want of memory is only printed). */
static void collect(int level, const char *who, const char *fmt, va_list ap)
{
	int k = level == PF_LOG_ERROR ? 0 : 1;
	char *msg = NULL, *line = NULL, **grown;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (asprintf(&line, "%s%s%s", who ? who : "", who ? ": " : "", msg) < 0)
		line = NULL;
	free(msg);
	grown = line ? realloc(coll.v[k], (coll.n[k] + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(line);
		return;
	}
	coll.v[k] = grown;
	coll.v[k][coll.n[k]++] = line;
}

/*
 * Print one message line on stderr.  Errors are always printed and counted;
 * other levels only up to the level set with pf_log_set_level.
 */
void pf_log(int level, const char *who, const char *fmt, ...)
{
	va_list ap;
	const char *name = level_name(level);

	if (coll.on && level <= PF_LOG_WARN) {
		va_start(ap, fmt);
		collect(level, who, fmt, ap);
		va_end(ap);
	}
	if (level == PF_LOG_ERROR)
		error_count++;
	else if (level > log_level)
		return;
	pf_progress_end();
	fputs("peforge: ", stderr);
	if (who)
		fprintf(stderr, "%s: ", who);
	if (name)
		fprintf(stderr, "%s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void pf_progress_end(void)
{
	if (prog.bar_open) {
		fputc('\n', stderr);
		prog.bar_open = 0;
	}
}

/*
 * Show progress.  On a terminal a bar is redrawn in place; otherwise a plain
 * line is printed when a stage starts and at each quarter, so logs stay short.
 * Nothing at all with -q.
 */
void pf_progress(const char *stage, uint64_t done, uint64_t total)
{
	int pct = -1;
	int tty;

	if (!progress_on || !stage)
		return;
	if (total)
		pct = (int)(done >= total ? 100 : (done * 100) / total);
	tty = isatty(STDERR_FILENO);
	if (strncmp(prog.stage, stage, sizeof(prog.stage) - 1) != 0) {
		pf_progress_end();
		snprintf(prog.stage, sizeof(prog.stage), "%s", stage);
		prog.last_pct = -2;
	}
	if (tty) {
		int i, fill = pct < 0 ? 0 : pct * 30 / 100;

		if (pct == prog.last_pct)
			return;
		fprintf(stderr, "\r%-20.20s [", stage);
		for (i = 0; i < 30; i++)
			fputc(i < fill ? '#' : (pct < 0 ? '?' : '.'), stderr);
		if (pct < 0)
			fprintf(stderr, "] %llu", (unsigned long long)done);
		else
			fprintf(stderr, "] %3d%%", pct);
		prog.bar_open = 1;
		if (pct == 100)
			pf_progress_end();
	} else {
		if (prog.last_pct == -2 ||
		    (pct >= 0 && pct / 25 != prog.last_pct / 25)) {
			if (pct < 0)
				fprintf(stderr, "peforge: progress: %s\n", stage);
			else
				fprintf(stderr, "peforge: progress: %s %d%%\n", stage, pct);
		} else {
			return;
		}
	}
	prog.last_pct = pct;
	fflush(stderr);
}
