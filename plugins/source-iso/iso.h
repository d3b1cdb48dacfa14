/*
 * plugins/source-iso/iso.h - what the pieces of this plugin share.
 *
 * source plugin "iso": a Windows installation ISO
 * read in place, as an ordinary user, without mounting or extracting it.
 *
 * The file is opened read-only and only ever read.  Windows 10/11 media keep
 * their whole tree in UDF while the ISO 9660 part holds only README.TXT, so
 * the UDF volume (libudfread, over our own block input) is used whenever it
 * opens; otherwise the ISO 9660 volume (libiso9660) with its Joliet names
 * when present, else its plain names.  Files are read by range on demand.
 * Names are matched case-insensitively (an exact match wins), as on Windows.
 *
 * Directory listings are read once and kept in a tree of nodes, so a path is
 * resolved by walking cached nodes; in UDF each cached directory keeps its
 * libudfread handle open and the last file read stays open for the next
 * read (the core copies files in sequential chunks).
 */
#ifndef PEFORGE_PLUGINS_SOURCE_ISO_ISO_H_
#define PEFORGE_PLUGINS_SOURCE_ISO_ISO_H_
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdio/iso9660.h>
#include <udfread/blockinput.h>
#include <udfread/udfread.h>

#include "peforge/plugin.h"
#include "srcbase.h"

#define NAME "iso"

#define BLOCK 2048u              /* ISO 9660 and UDF logical block size */
#define VD_FIRST_LBA 16u         /* the volume descriptors start here */
#define VD_MAX 64u               /* descriptors scanned at most */
#define SIG_OFFSET 0x8001        /* "CD001" of the first volume descriptor */
#define WINDOW_BLOCKS 32u        /* read-ahead of the UDF block input (64 KiB) */
#define ISO_CHUNK_BLOCKS 32u     /* blocks per libiso9660 read (64 KiB) */
/* Folders nested deeper are refused (Windows media nest about 10 deep):
 * the depth limit of every tree walk over media (docs/plugins.md). */
#define PF_MEDIA_MAX_DEPTH 64

struct iso_state {
	struct src_base b; /* the host and the ISO file */
};

/* One file or directory of the media, with its listing once read. */
struct node {
	char *name;            /* as listed (original case) */
	char *raw;             /* ISO 9660: the record's name, for libiso9660 */
	uint64_t size;         /* bytes; 0 for a directory */
	uint32_t lsn;          /* ISO 9660: first block of the data */
	int is_dir;
	int loaded;            /* kids hold the listing */
	struct node *parent;
	struct node *kids;     /* array, never moved once loaded */
	size_t nkids;
	UDFDIR *udir;          /* UDF: handle of this directory once loaded */
};

/* The block input handed to libudfread: pread on our O_RDONLY descriptor,
 * with a small read-ahead window.  A short read is remembered, not hidden. */
struct blk {
	struct udfread_block_input input; /* first: libudfread's view */
	int fd;
	uint64_t file_size;
	int short_read;        /* a read ended before the blocks asked for */
	int err;               /* errno of the last failed pread, 0 if none */
	uint8_t *win;          /* WINDOW_BLOCKS blocks */
	uint32_t win_lba, win_n;
};

/* The media state handed to the core. */
struct iso_media {
	const struct pf_host *host;
	char *path;            /* the ISO file, for messages and libiso9660 */
	struct blk blk;
	udfread *udf;          /* the UDF volume, or NULL */
	iso9660_t *iso;        /* the ISO 9660 volume when there is no UDF one */
	uint8_t joliet;        /* Joliet level of iso (0 = plain names) */
	struct node root;
	UDFFILE *cur_file;     /* UDF: the last file read, kept open */
	const struct node *cur_node;
	uint8_t *iobuf;        /* ISO 9660: ISO_CHUNK_BLOCKS blocks */
};

/* nodes.c */
size_t pread_full(int fd, void *buf, size_t len, uint64_t off, int *err);
int blk_close(struct udfread_block_input *in);
uint32_t blk_size(struct udfread_block_input *in);
int blk_read(struct udfread_block_input *in, uint32_t lba, void *buf,
	     uint32_t nblocks, int flags);
void node_clear(struct node *n);
void log_node(struct iso_media *m, const struct node *n, const char *what);
const char *blk_why(const struct blk *b);
int load_dir(struct iso_media *m, struct node *n);
int resolve(struct iso_media *m, const char *path, struct node **out);

/* media.c */
void m_free(void *media);
extern const struct pf_media_ops iso_ops;

/* image.c */
int media_open(const struct pf_host *h, const char *path, struct iso_media **out);

#endif
