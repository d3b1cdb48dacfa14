/*
 * plugins/output-iso/pump.c - pulling the image out of libisofs into the
 * output file, with the large host files copied in by the kernel.
 */
#include <fcntl.h>

#include "iso.h"

/* Write LEN bytes of BUF at offset AT of FD.  0 or -PF_EIO (logged). */
static int write_at(const struct pf_host *h, int fd, const char *final,
		    const unsigned char *buf, size_t len, uint64_t at)
{
	if (lseek(fd, (off_t)at, SEEK_SET) < 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: write failed: %s", final, strerror(errno));
		return -PF_EIO;
	}
	return outlib_write_all(h, NAME, final, fd, buf, len);
}

/* Where pump_chunk is in the image and what it leaves out. */
struct pump_state {
	struct iso_run *run;
	int fd;
	const char *final;
	uint64_t pos;   /* image offset of the next block */
	uint64_t skip;  /* bytes still to leave out (a placeholder's) */
};

/*
 * Write the LEN bytes of BUF (whole blocks, at image offset p->pos) to the
 * output, leaving out the blocks of placeholders (found by their marker),
 * whose place is then a hole until copy_hosts fills it.  0 or -PF_EIO
 * (logged).
 */
static int pump_chunk(const struct pf_host *h, struct pump_state *p,
		      const unsigned char *buf, size_t len)
{
	size_t i = 0, start = 0;
	int ret;

	while (i < len) {
		if (p->skip) {
			size_t n = p->skip < len - i ? (size_t)p->skip : len - i;

			i += n;
			p->skip -= n;
			start = i;
			continue;
		}
		long k = iso_marked_file(p->run, buf + i);

		if (k >= 0 && !p->run->hosts[k].seen) {
			struct iso_host *x = &p->run->hosts[k];

			/* the blocks before the placeholder go out first */
			if (i > start && (ret = write_at(h, p->fd, p->final, buf + start,
							   i - start, p->pos + start)))
				return ret;
			x->seen = 1;
			x->at = p->pos + i;
			/* the file's blocks, its last one padded to BLOCK */
			p->skip = (x->size + BLOCK - 1) / BLOCK * BLOCK;
			continue;
		}
		i += BLOCK;
	}
	ret = 0;
	if (len > start)
		ret = write_at(h, p->fd, p->final, buf + start, len - start,
			       p->pos + start);
	p->pos += len;
	return ret;
}

/* Have the kernel copy each placeholder's host file into its place; the
 * image is TOTAL bytes.  0 or -PF_EIO (logged). */
static int copy_hosts(const struct pf_host *h, struct iso_run *run, int fd,
		      const char *final, uint64_t total)
{
	struct fsu_err e;
	size_t i;
	int ret;

	/* a placeholder at the very end leaves the file short until filled */
	if (ftruncate(fd, (off_t)total) != 0) {
		h->log(PF_LOG_ERROR, NAME, "%s: write failed: %s", final, strerror(errno));
		return -PF_EIO;
	}
	for (i = 0; i < run->nhosts; i++) {
		struct iso_host *x = &run->hosts[i];
		int in;

		if (!x->seen) {
			h->log(PF_LOG_ERROR, NAME, "%s: libisofs did not write the place "
			       "of %s", final, x->path);
			return -PF_EINTERNAL;
		}
		in = open(x->path, O_RDONLY | O_CLOEXEC);
		if (in < 0) {
			h->log(PF_LOG_ERROR, NAME, "%s: cannot open: %s", x->path,
			       strerror(errno));
			return -PF_EIO;
		}
		ret = fsu_copy_range(in, x->path, 0, fd, final, x->at, x->size, &e);
		close(in);
		if (ret) {
			h->log(PF_LOG_ERROR, NAME, "%s", e.msg);
			return ret;
		}
		/* a cancel check (no stage: the display is left alone) */
		ret = h->progress(run->job, NULL, 0, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Pull the image out of BS into FD (FINAL's temporary file) in chunks of
 * PUMP_CHUNK, reporting progress, then copy the large host files in.
 * Returns 0, or an error (logged; the reason of a failure inside libisofs
 * comes from RUN or libisofs' messages).  BS is freed here.
 */
int iso_pump(const struct pf_host *h, struct pf_job *job, struct iso_run *run,
	     struct burn_source *bs, int fd, const char *final)
{
	uint64_t total = (uint64_t)bs->get_size(bs);
	struct pump_state p = { run, fd, final, 0, 0 };
	unsigned char *buf = malloc(PUMP_CHUNK);
	char err[ISO_MSGS_MESSAGE_LEN] = "";
	int ret = 0;

	if (!buf) {
		bs->cancel(bs);
		ret = -PF_ENOMEM;
		goto out;
	}
	ret = h->progress(job, "writing iso output", 0, total); /* -PF_ECANCELED: stop */
	while (!ret && p.pos < total) {
		/* libisofs hands out exactly what is asked for, or nothing at its
		 * end: never ask beyond the image's size */
		size_t want = total - p.pos < PUMP_CHUNK ? (size_t)(total - p.pos) : PUMP_CHUNK;
		int n = bs->read_xt(bs, buf, (int)want);

		if (n != (int)want)
			break;
		ret = pump_chunk(h, &p, buf, want);
		if (!ret)
			ret = h->progress(job, "writing iso output", p.pos, total);
	}
	if (ret) {
		bs->cancel(bs); /* our write failed or the run was canceled: stop
				 * libisofs' writer */
		goto out;
	}
	if (p.pos != total) {
		/* libisofs' writer stopped early: say why */
		bs->cancel(bs);
		bs->free_data(bs);
		free(bs);
		bs = NULL;
		if (run->err[0])
			snprintf(err, sizeof(err), "%s", run->err);
		drain_messages(h, err, sizeof(err));
		h->log(PF_LOG_ERROR, NAME, "%s: the image could not be written: %s", final,
		       err[0] ? err : "libisofs stopped early");
		ret = -PF_EIO;
		goto out;
	}
	ret = copy_hosts(h, run, fd, final, total);
out:
	if (bs) {
		bs->free_data(bs);
		free(bs);
	}
	drain_messages(h, err, sizeof(err));
	free(buf);
	return ret;
}
