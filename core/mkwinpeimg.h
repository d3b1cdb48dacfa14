/* core/mkwinpeimg.h - `peforge mkwinpeimg`: a drop-in for wimlib's mkwinpeimg. */
#ifndef PEFORGE_CORE_MKWINPEIMG_H
#define PEFORGE_CORE_MKWINPEIMG_H

#include "loader.h"

/*
 * Parse mkwinpeimg's options (ARGV[0] is "mkwinpeimg") and run the pipeline:
 * the same options and results as wimlib's script, plus UEFI boot, an ISO
 * file accepted for --windows-dir, and without its bugs.  Returns 0, a
 * negative -PF_E* (logged), or -PF_EUSAGE for a bad command line.
 */
int pf_mkwinpeimg(struct pf_registry *r, int argc, char **argv);

/* The help text of `peforge mkwinpeimg`. */
extern const char pf_mkwinpeimg_usage[];

#endif
