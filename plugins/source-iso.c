/*
 * plugins/source-iso.c - source plugin "iso": a Windows installation ISO
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

#define NAME "iso"

#define BLOCK 2048u              /* ISO 9660 and UDF logical block size */
#define VD_FIRST_LBA 16u         /* the volume descriptors start here */
#define VD_MAX 64u               /* descriptors scanned at most */
#define SIG_OFFSET 0x8001        /* "CD001" of the first volume descriptor */
#define WINDOW_BLOCKS 32u        /* read-ahead of the UDF block input (64 KiB) */
#define ISO_CHUNK_BLOCKS 32u     /* blocks per libiso9660 read (64 KiB) */

struct iso_state {
	const struct pf_host *host;
	char *path;
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

/*
 * Read up to LEN bytes at OFF of FD, retrying partial reads and EINTR.
 * Returns the number of bytes read (less than LEN at end of file or on an
 * error, then with errno set and *ERR = errno when ERR is not NULL).
 */
static size_t pread_full(int fd, void *buf, size_t len, uint64_t off, int *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (err)
				*err = errno;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return done;
}

/* ---- the UDF block input ---------------------------------------------- */

/* libudfread's close: nothing, the descriptor belongs to the media state. */
static int blk_close(struct udfread_block_input *in)
{
	(void)in;
	return 0;
}

/* libudfread's size: the whole blocks of the file. */
static uint32_t blk_size(struct udfread_block_input *in)
{
	struct blk *b = (struct blk *)in;
	uint64_t n = b->file_size / BLOCK;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/*
 * libudfread's read: NBLOCKS blocks at LBA into BUF.  Returns how many
 * whole blocks were read; fewer than asked sets b->short_read (a truncated
 * or failing file), which the callers turn into an error message.
 */
static int blk_read(struct udfread_block_input *in, uint32_t lba, void *buf,
		    uint32_t nblocks, int flags)
{
	struct blk *b = (struct blk *)in;
	uint64_t off = (uint64_t)lba * BLOCK;
	size_t got;

	(void)flags;
	if (nblocks == 0)
		return 0;
	if (nblocks > INT32_MAX / BLOCK)
		nblocks = INT32_MAX / BLOCK;
	if (b->win_n && lba >= b->win_lba && (uint64_t)lba + nblocks <=
	    (uint64_t)b->win_lba + b->win_n) {
		memcpy(buf, b->win + (size_t)(lba - b->win_lba) * BLOCK,
		       (size_t)nblocks * BLOCK);
		return (int)nblocks;
	}
	if (nblocks >= WINDOW_BLOCKS) {
		got = pread_full(b->fd, buf, (size_t)nblocks * BLOCK, off, &b->err) / BLOCK;
	} else {
		b->win_n = 0;
		got = pread_full(b->fd, b->win, (size_t)WINDOW_BLOCKS * BLOCK, off,
				 &b->err) / BLOCK;
		b->win_lba = lba;
		b->win_n = (uint32_t)got;
		if (got > nblocks)
			got = nblocks;
		memcpy(buf, b->win, got * BLOCK);
	}
	if (got < nblocks)
		b->short_read = 1;
	return (int)got;
}

/* ---- names and nodes ---------------------------------------------------- */

/* Free the listing below N (not N itself), closing UDF directory handles. */
static void node_clear(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		node_clear(&n->kids[i]);
		free(n->kids[i].name);
		free(n->kids[i].raw);
	}
	free(n->kids);
	n->kids = NULL;
	n->nkids = 0;
	if (n->udir)
		udfread_closedir(n->udir);
	n->udir = NULL;
	n->loaded = 0;
}

/* Append a zeroed child to the array *KIDS of *N entries (capacity *CAP).
 * Returns the new child or NULL when out of memory. */
static struct node *kid_push(struct node **kids, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct node *grown = realloc(*kids, ncap * sizeof(*grown));

		if (!grown)
			return NULL;
		*kids = grown;
		*cap = ncap;
	}
	memset(&(*kids)[*n], 0, sizeof(**kids));
	return &(*kids)[(*n)++];
}

/*
 * The listed name of ISO 9660 record name RAW (malloc'd, caller frees):
 * the ";1" version and a trailing '.' dropped, the case kept as recorded.
 * libiso9660 lower-cases plain names only when told there is no Joliet,
 * so it is always told there is.
 */
static char *iso_display_name(const char *raw)
{
	size_t len = strlen(raw);
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	iso9660_name_translate_ext(raw, out, 1);
	len = strlen(out);
	if (len > 1 && out[len - 1] == '.')
		out[len - 1] = '\0';
	return out;
}

/*
 * The libiso9660 path of directory N ("/" + the raw names joined by '/'),
 * malloc'd; the caller frees.  NULL when out of memory.
 */
static char *iso_dir_path(const struct node *n)
{
	const struct node *p;
	size_t len = 0;
	char *out;

	for (p = n; p->parent; p = p->parent)
		len += strlen(p->raw) + 1;
	if (!len)
		len = 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	out[0] = '/';
	out[len] = '\0';
	for (p = n; p->parent; p = p->parent) {
		size_t l = strlen(p->raw);

		len -= l;
		memcpy(out + len, p->raw, l);
		out[--len] = '/';
	}
	return out;
}

/* The media path of N for messages ("sources/boot.wim"), malloc'd. */
static char *node_path(const struct node *n)
{
	const struct node *p;
	size_t size = 0;
	char *out;

	for (p = n; p->parent; p = p->parent)
		size += strlen(p->name) + 1; /* the name and a '/' or the NUL */
	out = calloc(1, size ? size : 1);
	if (!out)
		return NULL;
	if (!size)
		return out;
	size--;
	for (p = n; p->parent; p = p->parent) {
		size_t l = strlen(p->name);

		size -= l;
		memcpy(out + size, p->name, l);
		if (size)
			out[--size] = '/';
	}
	return out;
}

/* Log one error about media file N: "ISO: FILE: WHAT". */
static void log_node(struct iso_media *m, const struct node *n, const char *what)
{
	char *p = node_path(n);

	m->host->log(PF_LOG_ERROR, NAME, "%s: %s: %s", m->path,
		     !p ? "?" : *p ? p : "/", what);
	free(p);
}

/* Why the block input failed, for messages. */
static const char *blk_why(const struct blk *b)
{
	if (b->err)
		return strerror(b->err);
	if (b->short_read)
		return "the file ends early (truncated ISO)";
	return "unreadable UDF data";
}

/*
 * Read the UDF listing of directory N into its kids (sizes from each file's
 * entry).  Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int load_udf(struct iso_media *m, struct node *n)
{
	struct udfread_dirent ent;
	struct node *kids = NULL;
	size_t nkids = 0, cap = 0, i;
	int ret = 0;

	m->blk.short_read = 0;
	m->blk.err = 0;
	if (!n->parent)
		n->udir = udfread_opendir(m->udf, "/");
	else
		n->udir = udfread_opendir_at(n->parent->udir, n->name);
	if (!n->udir) {
		char why[160];

		snprintf(why, sizeof(why), "cannot open UDF directory: %s", blk_why(&m->blk));
		log_node(m, n, why);
		ret = -PF_EIO;
		goto out;
	}
	while (udfread_readdir(n->udir, &ent)) {
		struct node *k;

		if (!ent.d_name || !*ent.d_name || !strcmp(ent.d_name, ".") ||
		    !strcmp(ent.d_name, ".."))
			continue;
		k = kid_push(&kids, &nkids, &cap);
		if (!k || !(k->name = strdup(ent.d_name))) {
			ret = -PF_ENOMEM;
			goto out;
		}
		k->is_dir = ent.d_type == UDF_DT_DIR;
		if (!k->is_dir) {
			UDFFILE *f = udfread_file_openat(n->udir, ent.d_name);
			int64_t sz = f ? udfread_file_size(f) : -1;

			if (f)
				udfread_file_close(f);
			if (sz < 0) {
				char *p = node_path(n);

				m->host->log(PF_LOG_ERROR, NAME, "%s: %s%s%s: cannot read UDF "
					     "file entry: %s", m->path, p ? p : "",
					     p && *p ? "/" : "", ent.d_name, blk_why(&m->blk));
				free(p);
				ret = -PF_EIO;
				goto out;
			}
			k->size = (uint64_t)sz;
		}
	}
	if (m->blk.short_read || m->blk.err) {
		log_node(m, n, blk_why(&m->blk));
		ret = -PF_EIO;
		goto out;
	}
out:
	if (ret) {
		struct node tmp = { .kids = kids, .nkids = nkids };

		node_clear(&tmp);
		if (n->udir)
			udfread_closedir(n->udir);
		n->udir = NULL;
		return ret;
	}
	for (i = 0; i < nkids; i++)
		kids[i].parent = n;
	n->kids = kids;
	n->nkids = nkids;
	n->loaded = 1;
	return 0;
}

/*
 * Read the ISO 9660 (or Joliet) listing of directory N into its kids.
 * Returns 0, -PF_EIO (logged) or -PF_ENOMEM.
 */
static int load_iso(struct iso_media *m, struct node *n)
{
	CdioISO9660FileList_t *list = NULL;
	CdioListNode_t *ln;
	struct node *kids = NULL;
	size_t nkids = 0, cap = 0, i;
	char *dpath = iso_dir_path(n);
	int ret = 0;

	if (!dpath) {
		ret = -PF_ENOMEM;
		goto out;
	}
	list = iso9660_ifs_readdir(m->iso, dpath);
	if (!list) {
		log_node(m, n, "cannot read ISO 9660 directory (damaged or truncated ISO)");
		ret = -PF_EIO;
		goto out;
	}
	_CDIO_LIST_FOREACH(ln, list) {
		iso9660_stat_t *st = _cdio_list_node_data(ln);
		struct node *k;

		if (!st || !st->filename[0] || !strcmp(st->filename, ".") ||
		    !strcmp(st->filename, ".."))
			continue;
		k = kid_push(&kids, &nkids, &cap);
		if (!k || !(k->raw = strdup(st->filename)) ||
		    !(k->name = iso_display_name(st->filename))) {
			ret = -PF_ENOMEM;
			goto out;
		}
		k->is_dir = st->type == _STAT_DIR;
		k->size = k->is_dir ? 0 : st->size;
		k->lsn = (uint32_t)st->lsn;
	}
out:
	if (list)
		iso9660_filelist_free(list);
	free(dpath);
	if (ret) {
		struct node tmp = { .kids = kids, .nkids = nkids };

		node_clear(&tmp);
		return ret;
	}
	for (i = 0; i < nkids; i++)
		kids[i].parent = n;
	n->kids = kids;
	n->nkids = nkids;
	n->loaded = 1;
	return 0;
}

/* Make sure directory N's listing is cached.  Returns 0 or a -PF_E* code. */
static int load_dir(struct iso_media *m, struct node *n)
{
	if (n->loaded)
		return 0;
	return m->udf ? load_udf(m, n) : load_iso(m, n);
}

/* The child of loaded directory DIR named NAME: exact match first, then
 * case-insensitive.  NULL when absent. */
static struct node *find_kid(struct node *dir, const char *name)
{
	size_t i;

	for (i = 0; i < dir->nkids; i++)
		if (!strcmp(dir->kids[i].name, name))
			return &dir->kids[i];
	for (i = 0; i < dir->nkids; i++)
		if (!strcasecmp(dir->kids[i].name, name))
			return &dir->kids[i];
	return NULL;
}

/*
 * Resolve media path PATH ('/' or '\\' separated, "" = root) to its node,
 * reading and caching the directories on the way.  Returns 0 with *OUT
 * set, -PF_ENOENT, -PF_EINVAL (a ".." name), -PF_EIO (logged) or
 * -PF_ENOMEM.  The node belongs to M.
 */
static int resolve(struct iso_media *m, const char *path, struct node **out)
{
	struct node *cur = &m->root;
	char *copy = strdup(path ? path : ""), *seg, *save = NULL;
	int ret = 0;

	if (!copy)
		return -PF_ENOMEM;
	for (seg = strtok_r(copy, "/\\", &save); seg; seg = strtok_r(NULL, "/\\", &save)) {
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			ret = -PF_EINVAL;
			goto out;
		}
		if (!cur->is_dir) {
			ret = -PF_ENOENT;
			goto out;
		}
		ret = load_dir(m, cur);
		if (ret)
			goto out;
		cur = find_kid(cur, seg);
		if (!cur) {
			ret = -PF_ENOENT;
			goto out;
		}
	}
	*out = cur;
out:
	free(copy);
	return ret;
}

/* ---- media operations --------------------------------------------------- */

/* stat PATH from the cached tree.  Returns 0, -PF_ENOENT or a resolve error. */
static int m_stat(void *media, const char *path, struct pf_stat *st)
{
	struct node *n;
	int ret = resolve(media, path, &n);

	if (ret)
		return ret;
	st->is_dir = n->is_dir;
	st->size = n->is_dir ? 0 : n->size;
	return 0;
}

/*
 * Call CB for each entry of folder PATH, in media order, with the names as
 * listed.  Returns 0, CB's non-zero code, -PF_EINVAL (PATH is a file),
 * -PF_ENOENT or a read error (logged).
 */
static int m_list(void *media, const char *path, pf_list_cb cb, void *ctx)
{
	struct iso_media *m = media;
	struct node *n;
	size_t i;
	int ret = resolve(m, path, &n);

	if (ret)
		return ret;
	if (!n->is_dir)
		return -PF_EINVAL;
	ret = load_dir(m, n);
	if (ret)
		return ret;
	for (i = 0; i < n->nkids; i++) {
		struct pf_stat st = { .size = n->kids[i].size, .is_dir = n->kids[i].is_dir };

		ret = cb(ctx, n->kids[i].name, &st);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Read LEN bytes at OFF of UDF file N (OFF + LEN within the file) into BUF.
 * The file stays open in m->cur_file for the next read.  Returns 0 or
 * -PF_EIO (logged).
 */
static int read_udf(struct iso_media *m, const struct node *n, uint64_t off,
		    void *buf, size_t len)
{
	size_t done = 0;

	if (m->cur_node != n) {
		if (m->cur_file)
			udfread_file_close(m->cur_file);
		m->cur_node = NULL;
		m->blk.short_read = 0;
		m->blk.err = 0;
		m->cur_file = udfread_file_openat(n->parent->udir, n->name);
		if (!m->cur_file) {
			char why[160];

			snprintf(why, sizeof(why), "cannot open UDF file: %s", blk_why(&m->blk));
			log_node(m, n, why);
			return -PF_EIO;
		}
		m->cur_node = n;
	}
	m->blk.short_read = 0;
	m->blk.err = 0;
	if (udfread_file_seek(m->cur_file, (int64_t)off, UDF_SEEK_SET) != (int64_t)off) {
		log_node(m, n, "cannot seek in UDF file");
		return -PF_EIO;
	}
	while (done < len) {
		size_t want = len - done > (1u << 30) ? (1u << 30) : len - done;
		ssize_t r = udfread_file_read(m->cur_file, (char *)buf + done, want);

		if (r <= 0)
			break;
		done += (size_t)r;
	}
	if (done < len || m->blk.short_read || m->blk.err) {
		char why[160];

		snprintf(why, sizeof(why), "read error at byte %" PRIu64 ": %s",
			 off + done, blk_why(&m->blk));
		log_node(m, n, why);
		/* the handle may hold a half-read block: reopen next time */
		udfread_file_close(m->cur_file);
		m->cur_file = NULL;
		m->cur_node = NULL;
		return -PF_EIO;
	}
	return 0;
}

/*
 * Read LEN bytes at OFF of ISO 9660 file N (OFF + LEN within the file) into
 * BUF, through libiso9660 in chunks of whole blocks.  Returns 0 or -PF_EIO
 * (logged).
 */
static int read_iso(struct iso_media *m, const struct node *n, uint64_t off,
		    void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t pos = off + done;
		size_t skip = (size_t)(pos % BLOCK);
		size_t take = (size_t)ISO_CHUNK_BLOCKS * BLOCK - skip;
		long nblk;
		long got;

		if (take > len - done)
			take = len - done;
		nblk = (long)((skip + take + BLOCK - 1) / BLOCK);
		got = iso9660_iso_seek_read(m->iso, m->iobuf,
					    (lsn_t)(n->lsn + pos / BLOCK), nblk);
		if (got < 0 || (size_t)got < skip + take) {
			char why[160];

			snprintf(why, sizeof(why), "read error at byte %" PRIu64
				 ": the file ends early (truncated ISO)", pos);
			log_node(m, n, why);
			return -PF_EIO;
		}
		memcpy((char *)buf + done, m->iobuf + skip, take);
		done += take;
	}
	return 0;
}

/*
 * Read up to LEN bytes at OFFSET of file PATH into BUF; *GOT is less than
 * LEN only at the end of the file.  Returns 0, -PF_EINVAL (a folder),
 * -PF_ENOENT or -PF_EIO (logged: a short read means a truncated ISO).
 */
static int m_read(void *media, const char *path, uint64_t offset, void *buf,
		  size_t len, size_t *got)
{
	struct iso_media *m = media;
	struct node *n;
	int ret = resolve(m, path, &n);

	if (ret)
		return ret;
	if (n->is_dir)
		return -PF_EINVAL;
	if (offset >= n->size || len == 0) {
		*got = 0;
		return 0;
	}
	if (len > n->size - offset)
		len = (size_t)(n->size - offset);
	ret = m->udf ? read_udf(m, n, offset, buf, len) : read_iso(m, n, offset, buf, len);
	if (!ret)
		*got = len;
	return ret;
}

/* Release everything M holds: handles, the cached tree, the descriptor. */
static void m_free(void *media)
{
	struct iso_media *m = media;

	if (!m)
		return;
	if (m->cur_file)
		udfread_file_close(m->cur_file);
	node_clear(&m->root);
	if (m->udf)
		udfread_close(m->udf);
	if (m->iso)
		iso9660_close(m->iso);
	free(m->root.name);
	free(m->root.raw);
	if (m->blk.fd >= 0)
		close(m->blk.fd);
	free(m->blk.win);
	free(m->iobuf);
	free(m->path);
	free(m);
}

static const struct pf_media_ops iso_ops = {
	.stat = m_stat,
	.list = m_list,
	.read = m_read,
	.local_path = NULL,
	.free = m_free,
};

/* ---- opening the image ------------------------------------------------- */

/*
 * Find the primary volume descriptor among the ISO 9660 descriptors of FD
 * and return its volume space size (in blocks) in *BLOCKS.  Returns 0,
 * -PF_EMEDIA (no ISO 9660 descriptor / no primary one: *WHY says which) or
 * -PF_EIO (read error: *ERR is the errno).
 */
static int find_pvd(int fd, uint32_t *blocks, const char **why, int *err)
{
	uint8_t vd[BLOCK];
	uint32_t i;

	for (i = 0; i < VD_MAX; i++) {
		size_t got = pread_full(fd, vd, sizeof(vd), (uint64_t)(VD_FIRST_LBA + i) * BLOCK,
					err);

		if (*err)
			return -PF_EIO;
		if (got < 7 || memcmp(vd + 1, "CD001", 5) != 0) {
			*why = i == 0 ? "no ISO 9660 volume descriptor (CD001 at byte 0x8001)"
				      : "no primary volume descriptor";
			return -PF_EMEDIA;
		}
		if (vd[0] == 1) {
			*blocks = (uint32_t)vd[80] | (uint32_t)vd[81] << 8 |
				  (uint32_t)vd[82] << 16 | (uint32_t)vd[83] << 24;
			return 0;
		}
		if (vd[0] == 255)
			break;
	}
	*why = "no primary volume descriptor";
	return -PF_EMEDIA;
}

/*
 * 1 when the volume recognition sequence of FD announces a UDF volume
 * (BEA01 followed by NSR02 or NSR03), so libudfread is only asked (and only
 * complains on stderr) when there is one.
 */
static int has_udf(int fd)
{
	uint8_t vd[8];
	uint32_t i;
	int bea = 0;

	for (i = 0; i < VD_MAX; i++) {
		if (pread_full(fd, vd, sizeof(vd), (uint64_t)(VD_FIRST_LBA + i) * BLOCK,
			       NULL) < sizeof(vd))
			return 0;
		if (!memcmp(vd + 1, "BEA01", 5))
			bea = 1;
		else if (!memcmp(vd + 1, "TEA01", 5))
			return 0;
		else if (bea && (!memcmp(vd + 1, "NSR02", 5) || !memcmp(vd + 1, "NSR03", 5)))
			return 1;
		else if (!bea && memcmp(vd + 1, "CD001", 5) != 0)
			return 0;
		else if (bea && !memcmp(vd, "\0\0\0\0\0\0", 6))
			return 0;
	}
	return 0;
}

/*
 * Open ISO file PATH read-only, check it, and open its UDF volume or else
 * its ISO 9660 one.  On success *OUT is the new media state (freed with
 * m_free).  Returns 0 or a negative code with one error line logged:
 * -PF_ENOENT (missing), -PF_EIO (unreadable), -PF_EMEDIA (not an ISO,
 * truncated, no readable volume) or -PF_ENOMEM.
 */
static int media_open(const struct pf_host *h, const char *path, struct iso_media **out)
{
	struct iso_media *m = calloc(1, sizeof(*m));
	const char *why = NULL;
	struct stat st;
	uint32_t blocks = 0;
	int ret = 0, err = 0;

	if (!m)
		return -PF_ENOMEM;
	m->host = h;
	m->blk.fd = -1;
	m->root.is_dir = 1;
	if (!(m->path = strdup(path)) || !(m->root.name = strdup("")) ||
	    !(m->root.raw = strdup(""))) {
		ret = -PF_ENOMEM;
		goto out;
	}
	/* O_NONBLOCK: a FIFO given by mistake must not hang the run */
	m->blk.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (m->blk.fd < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", path, strerror(errno));
		ret = errno == ENOENT ? -PF_ENOENT : -PF_EIO;
		goto out;
	}
	if (fstat(m->blk.fd, &st) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot read: %s", path, strerror(errno));
		ret = -PF_EIO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot read: %s", path,
		       S_ISDIR(st.st_mode) ? "a folder, not an ISO file" : "not a regular file");
		ret = -PF_EMEDIA;
		goto out;
	}
	m->blk.file_size = (uint64_t)st.st_size;
	ret = find_pvd(m->blk.fd, &blocks, &why, &err);
	if (ret == -PF_EIO) {
		h->log(PF_LOG_ERROR, NAME, "%s: cannot read: %s", path, strerror(err));
		goto out;
	}
	if (ret) {
		h->log(PF_LOG_ERROR, NAME, "%s: not an ISO image: %s", path, why);
		goto out;
	}
	if ((uint64_t)blocks * BLOCK > m->blk.file_size) {
		h->log(PF_LOG_ERROR, NAME, "%s: truncated ISO image: the file has %" PRIu64
		       " bytes but its volume holds %" PRIu64 " (%" PRIu32 " blocks)",
		       path, m->blk.file_size, (uint64_t)blocks * BLOCK, blocks);
		ret = -PF_EMEDIA;
		goto out;
	}
	m->blk.input.close = blk_close;
	m->blk.input.read = blk_read;
	m->blk.input.size = blk_size;
	m->blk.win = malloc((size_t)WINDOW_BLOCKS * BLOCK);
	if (!m->blk.win) {
		ret = -PF_ENOMEM;
		goto out;
	}
	if (has_udf(m->blk.fd)) {
		m->udf = udfread_init();
		if (!m->udf) {
			ret = -PF_ENOMEM;
			goto out;
		}
		if (udfread_open_input(m->udf, &m->blk.input) < 0) {
			h->log(PF_LOG_WARN, NAME, "%s: the UDF volume cannot be read (%s); "
			       "reading ISO 9660 instead", path, blk_why(&m->blk));
			udfread_close(m->udf);
			m->udf = NULL;
		}
	}
	if (!m->udf) {
		m->iso = iso9660_open_ext(path, ISO_EXTENSION_JOLIET);
		if (!m->iso) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot read the ISO 9660 volume",
			       path);
			ret = -PF_EMEDIA;
			goto out;
		}
		m->joliet = iso9660_ifs_get_joliet_level(m->iso);
		m->iobuf = malloc((size_t)ISO_CHUNK_BLOCKS * BLOCK);
		if (!m->iobuf) {
			ret = -PF_ENOMEM;
			goto out;
		}
	}
	/* read the root now so an unreadable tree fails the run, not later */
	ret = load_dir(m, &m->root);
	if (ret == -PF_EIO)
		ret = -PF_EMEDIA;
out:
	if (ret) {
		m_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

/* ---- the plugin ----------------------------------------------------------- */

/* A regular file with an ISO 9660 signature is ours.  Never logs. */
static int iso_probe(const struct pf_host *host, const char *path)
{
	char sig[5];
	struct stat st;
	int fd, score = 0;

	(void)host;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    pread_full(fd, sig, sizeof(sig), SIG_OFFSET, NULL) == sizeof(sig) &&
	    !memcmp(sig, "CD001", 5))
		score = 60;
	close(fd);
	return score;
}

/* Keep HOST and the "path" argument.  Returns 0, -PF_EINVAL (logged) or
 * -PF_ENOMEM; *STATE is freed by iso_close. */
static int iso_open(const struct pf_host *host, const struct pf_args *args,
		    void **state)
{
	struct iso_state *s;
	const char *path = host->arg_string(args, "path");

	if (!path || !*path) {
		host->log(PF_LOG_ERROR, NAME, "no source path given");
		return -PF_EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return -PF_ENOMEM;
	}
	s->host = host;
	*state = s;
	return 0;
}

/*
 * Open the ISO, hand its tree to the core and set fact "layout" to
 * "iso-udf", "iso-joliet" or "iso9660".  Returns 0 or a negative code with
 * one error line logged.  The core owns the media once they are set.
 */
static int iso_run(void *state, struct pf_job *job)
{
	struct iso_state *s = state;
	const struct pf_host *h = s->host;
	struct iso_media *m = NULL;
	const char *layout;
	int ret;

	ret = media_open(h, s->path, &m);
	if (ret)
		return ret;
	layout = m->udf ? "iso-udf" : m->joliet ? "iso-joliet" : "iso9660";
	ret = h->job_set_media(job, &iso_ops, m);
	if (ret) {
		m_free(m);
		return ret;
	}
	return h->job_set_fact(job, PF_FACT_LAYOUT, layout);
}

static void iso_close(void *state)
{
	struct iso_state *s = state;

	if (!s)
		return;
	free(s->path);
	free(s);
}

/* The options this plugin reads (peforge help outputs prints them). */
static const struct pf_option options[] = {
	{ .name = "path", .type = PF_OPT_PATH, .help = "the ISO file (the recipe's source)" },
	{ .name = NULL },
};

PF_EXPORT const struct pf_plugin pf_plugin_v1 = {
	.abi = PF_PLUGIN_ABI,
	.kind = PF_SOURCE,
	.name = NAME,
	.summary = "a Windows installation ISO read in place (UDF, Joliet or ISO 9660)",
	.open = iso_open,
	.run = iso_run,
	.close = iso_close,
	.probe = iso_probe,
	.options = options,
};
