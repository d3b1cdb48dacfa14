/*
 * plugins/output-disk/disk.h - what the pieces of this plugin share.
 *
 * output plugin "disk": a USB disk image (a regular
 * file, made without root) that boots on BIOS and on UEFI.
 *
 *   outputs = { disk = "winpe.img" }
 *   outputs = { disk = { path = "winpe.img", size_mb = 1024 } }
 *
 * Layout:
 *   - sector 0: an MBR written here: syslinux's mbr.bin boot code, a disk
 *     signature, ONE partition, active, type 0x0C (FAT32, LBA), CHS fields
 *     for a 255-head, 63-sector geometry;
 *   - from 1 MiB (LBA 2048) to the end: a FAT32 file system (mformat) with
 *     the boot medium's files (outlib_medium_files: bootmgr, boot/, efi/,
 *     sources/boot.wim = the run's WIM, the recipe's `media` files and the
 *     answer file);
 *   - BIOS: syslinux installed in /syslinux (ldlinux.sys, ldlinux.c32) with
 *     chain.c32, libcom32.c32, libutil.c32 and a syslinux.cfg that chains
 *     to /bootmgr (as mkwinpeimg does);
 *   - UEFI: the firmware starts efi/boot/bootx64.efi (bootaa64.efi, ...)
 *     from the media, found on the FAT32 partition.
 *
 * Size: the files (each rounded up to a 4 KiB cluster) plus folders and
 * syslinux, plus 10% and 4 MiB of slack, and never less than the smallest
 * FAT32 file system mformat makes (65525 clusters of 512 bytes); rounded up
 * to whole MiB.  size_mb sets the size of the whole image instead; it is an
 * error when the files do not fit.
 *
 * FAT32 cannot hold a file of 4 GiB or more.  Such a file is split when it
 * is a .wim (wimlib_split, parts of 4000 MiB: install.wim becomes
 * install.swm, install2.swm, ..., which Setup reads); any other is refused.
 * The hidden argument split_mb (for the tests only) lowers that limit and
 * the part size, so that the split is tested with small files.
 *
 * The tools (mformat, mmd, mcopy from mtools; syslinux) are run with
 * fork/exec, never through a shell, with their output captured for the
 * error line.  Media files are streamed to a private folder in the job's
 * temporary folder one at a time, copied in, and removed.  The image is
 * built at output_begin's temporary name and renamed into place at the end:
 * whole or absent.
 */
#ifndef PEFORGE_PLUGINS_OUTPUT_DISK_DISK_H_
#define PEFORGE_PLUGINS_OUTPUT_DISK_DISK_H_
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <wimlib.h>

#include "outlib.h"

#define NAME "disk"
#define SECTOR 512u
#define PART_LBA 2048u                       /* the partition starts at 1 MiB */
#define PART_OFFSET ((uint64_t)PART_LBA * SECTOR)
#define MIB (1024u * 1024u)
#define FAT32_MAX_FILE 0xFFFFFFFFull         /* 4 GiB - 1 */
/* The smallest FAT32 that `mformat -F` (mtools 4.0.32) accepts: 65525
 * clusters of one sector, two FATs and the reserved sectors.  Measured. */
#define FAT32_MIN_SECTORS 66581u
#define SPLIT_MB_DEFAULT 4000u
#define HEADS 255u
#define SECTORS_PER_TRACK 63u
#define FAT_LABEL "PEFORGE"

/* The syslinux files copied next to ldlinux.sys. */
static const char *const module_names[] = { "chain.c32", "libcom32.c32", "libutil.c32" };
#define NMODULES (sizeof(module_names) / sizeof(module_names[0]))

struct disk_state {
	const struct pf_host *host;
	const char *path;        /* outputs.disk.path (owned by the core) */
	uint64_t size_mb;        /* 0: automatic */
	uint64_t split_bytes;    /* files above this are split (or refused) */
	uint64_t part_bytes;     /* size of a .swm part */
	const char *mbr;         /* syslinux's mbr.bin (a static string) */
	char *modules[NMODULES]; /* chain.c32, ... (malloc'd) */
	char *mformat, *mmd, *mcopy, *syslinux; /* absolute paths (malloc'd) */
};

/* What one run needs besides the state. */
struct disk_run {
	const struct disk_state *s;
	const struct pf_host *h;
	struct pf_job *job;
	const char *img;         /* the temporary image file */
	int fd;                  /* open on it */
	char *drive;             /* "IMG@@OFFSET" for mtools' -i (malloc'd) */
	char *work;              /* private folder in the job's tmpdir (malloc'd) */
	char **envp;             /* environ + MTOOLS_SKIP_CHECK=1 (malloc'd array) */
	uint64_t done, total;    /* progress in bytes */
};

/* tools.c */
char **tool_env(void);
int run_tool(struct disk_run *r, const char *what, char *const argv[]);
int mcopy_file(struct disk_run *r, const char *what, const char *src,
	       const char *dest);
int write_mbr(const struct disk_state *s, int fd, const char *img,
	      uint32_t part_sectors);

/* fill.c */
int disk_run(void *state, struct pf_job *job);

#endif
