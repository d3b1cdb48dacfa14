/*
 * plugins/output-iso/iso.h - what the pieces of this plugin share.
 *
 * output plugin "iso": a CD/DVD image that boots on
 * BIOS and UEFI, built in process with libisofs.
 *
 *   outputs = { iso = "winpe.iso" }
 *   outputs = { iso = { path = "winpe.iso", noprompt = true, label = "X",
 *                       bios = true, uefi = true } }
 *
 * The image holds the boot medium's files (outlib_medium_files: the media's
 * boot files, sources/boot.wim = the run's WIM, the recipe's `media` files
 * and the answer file) and two El Torito entries, as on Windows media:
 *   1. BIOS (platform 0x00), no emulation, 8 sectors of boot/etfsboot.com;
 *   2. UEFI (platform 0xEF), no emulation, efi/microsoft/boot/efisys.bin
 *      (efisys_noprompt.bin with noprompt = true: no "Press any key").
 * bios = false or uefi = false leaves the entry out.
 *
 * File systems: ISO 9660 level 3 plus Joliet (the names Windows shows) and
 * Rock Ridge (the names Linux shows).  Level 3 lets a file of 4 GiB or more
 * be written as several extents ("multi-extent"): boot.wim is always below
 * 4 GiB, but a recipe `media` file (an install.wim) may not be.  As
 * mkwinpeimg does (mkisofs -d -N), ISO 9660 names get no version number
 * (";1") and no forced trailing dot, so that "BOOTMGR" is found by its plain
 * name.  libisofs writes no UDF.
 *
 * Nothing is copied to a temporary file: media files are read through
 * host->media_read by a custom IsoStream (struct media_stream), small host
 * files through libisofs' own local-file streams, and bytes from memory.
 * The image is pulled from libisofs' burn_source into the descriptor of
 * host->output_begin, so the file is whole or absent.  Host files of
 * HOST_COPY_MIN or more (the run's boot.wim) never pass through user
 * space: libisofs lays them out from a placeholder stream (host_stream)
 * and pump.c has the kernel copy each into its place (copy_file_range).
 *
 * libisofs: iso_init() is not reference-counted (iso_finish() tears down
 * its global message queue), and nothing else in the process uses libisofs
 * (the iso source reads with libudfread/libcdio), so open() calls
 * iso_init_with_flag() and close() calls iso_finish().  Flag bit0 keeps
 * libisofs from calling setlocale() on the whole process; names are then
 * declared UTF-8 with iso_set_local_charset().
 */
#ifndef PEFORGE_PLUGINS_OUTPUT_ISO_ISO_H_
#define PEFORGE_PLUGINS_OUTPUT_ISO_ISO_H_
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* libisofs.h needs stdint.h, sys/stat.h and time.h first; this define
 * gives its copy of libburn's struct burn_source (no libburn here). */
#define LIBISOFS_WITHOUT_LIBBURN 1
#include <libisofs/libisofs.h>

#include "fsutil.h"
#include "outlib.h"

#define NAME "iso"
#define BIOS_FILE "boot/etfsboot.com"
#define UEFI_FILE "efi/microsoft/boot/efisys.bin"
#define UEFI_FILE_NOPROMPT "efi/microsoft/boot/efisys_noprompt.bin"
/* Hidden from every tree: only the El Torito record points to it. */
#define CATALOG "/peforge-boot.cat"
#define LABEL_MAX 32
#define BLOCK 2048
#define CHUNK (32 * BLOCK)

struct iso_state {
	const struct pf_host *host;
	const char *path;         /* outputs.iso.path (owned by the core) */
	char label[LABEL_MAX + 1]; /* the recipe's label, upper case, or "" */
	int noprompt, bios, uefi;
	int iso_ready;            /* iso_init succeeded: iso_finish at close */
};

/* What the media streams share during one run: the job, and the first
 * read error (written by libisofs' writer thread, read by run() after
 * that thread is joined). */
struct iso_run {
	const struct pf_host *host;
	struct pf_job *job;
	char err[512];
	/* the large host files, copied in by the kernel after libisofs wrote
	 * the rest (see host_stream in stream.c) */
	unsigned char nonce[16];    /* this run's marker (random) */
	struct iso_host {
		const char *path;   /* the host file (owned by the file list) */
		uint64_t size;
		uint64_t at;        /* byte offset in the image, once seen */
		int seen;
	} *hosts;
	size_t nhosts;
};

/* A host file of this size or more is a placeholder copied in by the
 * kernel; smaller ones (boot images among them) libisofs reads itself. */
#define HOST_COPY_MIN ((uint64_t)1 << 20)
/* The marker at the start of a placeholder's first block: the nonce and
 * the file's index. */
#define MARK_LEN (16 + 8)
/* What pump() asks libisofs' burn_source for at once. */
#define PUMP_CHUNK (512 * BLOCK)

/* stream.c */
int media_stream_new(struct iso_run *run, const char *path, uint64_t size,
		     IsoStream **out);

int host_stream_new(struct iso_run *run, size_t idx, IsoStream **out);
void iso_mark_block(const struct iso_run *run, size_t idx, void *buf);
long iso_marked_file(const struct iso_run *run, const void *block);

/* pump.c */
int iso_pump(const struct pf_host *h, struct pf_job *job, struct iso_run *run,
	     struct burn_source *bs, int fd, const char *final);

/* tree.c */
void drain_messages(const struct pf_host *h, char *err, size_t n);
int iso_run(void *state, struct pf_job *job);

#endif
