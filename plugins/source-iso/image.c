/* plugins/source-iso/image.c - opening the image: UDF or ISO 9660. */
#include "iso.h"

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
int media_open(const struct pf_host *h, const char *path, struct iso_media **out)
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
