/* plugins/source-iso/media.c - the media operations over an open image. */
#include "iso.h"

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
void m_free(void *media)
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

const struct pf_media_ops iso_ops = {
	.stat = m_stat,
	.list = m_list,
	.read = m_read,
	.local_path = NULL,
	.free = m_free,
};
