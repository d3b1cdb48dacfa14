/*
 * plugins/drivers-inf/drivers.h - what the pieces of this plugin share.
 *
 * driver-pack plugin "inf": add the Windows driver
 * packages (INF + catalog + the files the INF names) found in the recipe's
 * `drivers` folders to the image, and load them at boot with drvload from
 * the start script.
 *
 * For each folder (args "dir.1".."dir.N", absolute host paths) every *.inf
 * under it is read, in the byte order of its relative path, by Windows'
 * rules (inf.h).  A package for another architecture than the image's,
 * malformed, missing one of its files, or hostile (a control character in
 * a name, a symbolic link that leaves the INF's folder) is skipped with one
 * warning saying why.  Links that stay inside are copied as the bytes they
 * lead to.  A kept package is staged
 * under DEST/<pkg>/ (arg "dest", default Windows/System32/peforge/drivers),
 * its files keeping their subfolders relative to the INF, and one
 * `drvload "...\<pkg>\<name>.inf"` line per package goes into start.cmd
 * right after its leading `@echo off`/`setlocal`/`rem`/`::`/empty lines (or
 * after a line `rem peforge:drivers`), before anything that needs the
 * network or the disks.
 */
#ifndef PEFORGE_PLUGINS_DRIVERS_INF_DRIVERS_H_
#define PEFORGE_PLUGINS_DRIVERS_INF_DRIVERS_H_
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "peforge/plugin.h"
#include "hostfs.h"
#include "fsutil.h"
#include "inf.h"
#include "batch.h"

#define NAME "inf"
#define ORIGIN "drivers"
#define DEFAULT_DEST "Windows/System32/peforge/drivers"
#define MAX_INF_SIZE (16u << 20)  /* real INFs are well under 1 MiB */
/* The job fact that gives the image's language (a LANGID in hex, "0407")
 * for [Strings.LLLL]; no plugin sets it yet: then en-US (0409). */
#define FACT_LANGID PF_FACT_LANGID

struct drv_state {
	const struct pf_host *host;
	char *dest;          /* normalized, "" for the image's root */
	const char **dirs;   /* borrowed from the args */
	size_t ndirs;
};

/* A growing list of malloc'd strings. */
struct strv {
	char **v;
	size_t n, cap;
};

/* One run: what is kept across the packages. */
struct run_ctx {
	struct drv_state *s;
	struct pf_job *job;
	const char *arch;
	struct strv names;    /* package names given, for uniqueness */
	struct strv drvload;  /* the start-script lines, CRLF-ended */
	size_t added, skipped;
};

/* packages.c */
void strv_free(struct strv *l);
int cmp_str(const void *a, const void *b);
int read_file(const char *path, char **data, size_t *len);
int scan(const struct pf_host *h, const char *root, const char *rel,
	 struct strv *list);
int resolve_ci(const char *root, const char *rel, char **out);
int add_package(struct run_ctx *c, const char *folder, const char *rel);
char *shown(const char *s);

/* startcmd.c */
int update_start(struct run_ctx *c);

#endif
