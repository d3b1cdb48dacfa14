/* plugins/output-iso/stream.c - a media file as a libisofs IsoStream. */
#include "iso.h"

/* ---- a media file as an IsoStream ------------------------------------ */

/* One media file read through host->media_read. */
struct media_stream {
	struct iso_run *run;
	char *path;     /* media path (malloc'd) */
	uint64_t size;  /* as listed; the stream never gives more */
	uint64_t off;
	int is_open;
	ino_t ino;      /* unique id from libisofs' serial_id */
};

static int ms_open(IsoStream *stream)
{
	struct media_stream *m = stream->data;

	if (m->is_open)
		return (int)ISO_FILE_ALREADY_OPENED;
	m->is_open = 1;
	m->off = 0;
	return ISO_SUCCESS;
}

static int ms_close(IsoStream *stream)
{
	struct media_stream *m = stream->data;

	if (!m->is_open)
		return (int)ISO_FILE_NOT_OPENED;
	m->is_open = 0;
	return ISO_SUCCESS;
}

static off_t ms_get_size(IsoStream *stream)
{
	return (off_t)((struct media_stream *)stream->data)->size;
}

/* Record the first read error of the run (shown by run()). */
static void ms_error(struct media_stream *m, const char *why)
{
	if (!m->run->err[0])
		snprintf(m->run->err, sizeof(m->run->err), "%s: cannot read from the "
			 "media: %s", m->path, why);
}

/*
 * Fill BUF with COUNT bytes (fewer only at the end of the file), as
 * libisofs requires.  Returns the number of bytes, 0 at the end, or
 * ISO_FILE_READ_ERROR (the reason is kept in the run).  Runs in libisofs'
 * writer thread.
 */
static int ms_read(IsoStream *stream, void *buf, size_t count)
{
	struct media_stream *m = stream->data;
	size_t done = 0;

	if (!m->is_open)
		return (int)ISO_FILE_NOT_OPENED;
	while (done < count && m->off < m->size) {
		uint64_t left = m->size - m->off;
		size_t want = count - done, got = 0;
		int ret;

		if (want > left)
			want = (size_t)left;
		ret = m->run->host->media_read(m->run->job, m->path, m->off,
					       (char *)buf + done, want, &got);
		if (ret) {
			ms_error(m, m->run->host->strerror(ret));
			return (int)ISO_FILE_READ_ERROR;
		}
		if (!got) {
			ms_error(m, "the file is shorter than the media listed");
			return (int)ISO_FILE_READ_ERROR;
		}
		done += got;
		m->off += got;
	}
	return (int)done;
}

static int ms_is_repeatable(IsoStream *stream)
{
	(void)stream;
	return 1;
}

static void ms_get_id(IsoStream *stream, unsigned int *fs_id, dev_t *dev_id,
		      ino_t *ino_id)
{
	struct media_stream *m = stream->data;

	*fs_id = 0;
	*dev_id = 0;
	*ino_id = m->ino;
}

static void ms_free(IsoStream *stream)
{
	struct media_stream *m = stream->data;

	free(m->path);
	free(m);
}

static int ms_update_size(IsoStream *stream)
{
	(void)stream;
	return ISO_SUCCESS;
}

static IsoStream *ms_get_input_stream(IsoStream *stream, int flag)
{
	(void)stream;
	(void)flag;
	return NULL;
}

static int ms_clone_stream(IsoStream *old, IsoStream **new_stream, int flag)
{
	(void)old;
	(void)new_stream;
	(void)flag;
	return (int)ISO_STREAM_NO_CLONE;
}

static IsoStreamIface media_stream_class = {
	4, /* version: up to clone_stream */
	{ 'u', 's', 'e', 'r' },
	ms_open,
	ms_close,
	ms_get_size,
	ms_read,
	ms_is_repeatable,
	ms_get_id,
	ms_free,
	ms_update_size,
	ms_get_input_stream,
	NULL, /* cmp_ino: libisofs compares the ids */
	ms_clone_stream,
};

/*
 * A new IsoStream (refcount 1) reading media file PATH of SIZE bytes.
 * Returns 0 or -PF_ENOMEM; the caller gives the reference to a file node
 * or drops it with iso_stream_unref.
 */
int media_stream_new(struct iso_run *run, const char *path, uint64_t size,
		     IsoStream **out)
{
	IsoStream *st = calloc(1, sizeof(*st));
	struct media_stream *m = calloc(1, sizeof(*m));

	if (!st || !m || !(m->path = strdup(path))) {
		free(st);
		free(m);
		return -PF_ENOMEM;
	}
	m->run = run;
	m->size = size;
	m->ino = serial_id++;
	st->class = &media_stream_class;
	st->refcount = 1;
	st->data = m;
	*out = st;
	return 0;
}

/* ---- a large host file as a placeholder --------------------------------- */

/*
 * A host file of the image (the run's boot.wim, a recipe's install.wim)
 * whose bytes libisofs never reads: it lays the file out and pulls a
 * placeholder through its ring buffer, a first block that starts with the
 * run's marker and the file's number, then zeros.  pump() recognises the
 * first block, leaves the file's blocks out of what it writes, and the
 * kernel copies the host file into that place afterwards (copy_file_range:
 * no user-space copy, a reflink on XFS and btrfs).  libisofs writes a
 * file's blocks contiguously and in one piece (multi-extent files too), and
 * reads file content for nothing else with the options peforge sets (no
 * MD5, no zisofs, no boot info table), so the layout it records is exactly
 * where the bytes go.
 */
struct host_stream {
	struct iso_run *run;
	size_t idx;     /* index in run->hosts */
	uint64_t off;
	int is_open;
	ino_t ino;
};

static int hs_open(IsoStream *stream)
{
	struct host_stream *m = stream->data;

	if (m->is_open)
		return (int)ISO_FILE_ALREADY_OPENED;
	m->is_open = 1;
	m->off = 0;
	return ISO_SUCCESS;
}

static int hs_close(IsoStream *stream)
{
	struct host_stream *m = stream->data;

	if (!m->is_open)
		return (int)ISO_FILE_NOT_OPENED;
	m->is_open = 0;
	return ISO_SUCCESS;
}

static off_t hs_get_size(IsoStream *stream)
{
	struct host_stream *m = stream->data;

	return (off_t)m->run->hosts[m->idx].size;
}

/* COUNT bytes of the placeholder (fewer only at the end): the marker block
 * first, zeros after it.  Runs in libisofs' writer thread. */
static int hs_read(IsoStream *stream, void *buf, size_t count)
{
	struct host_stream *m = stream->data;
	uint64_t left = m->run->hosts[m->idx].size - m->off;
	size_t n = count < left ? count : (size_t)left;

	if (!m->is_open)
		return (int)ISO_FILE_NOT_OPENED;
	memset(buf, 0, n);
	if (m->off == 0 && n >= MARK_LEN)
		iso_mark_block(m->run, m->idx, buf);
	m->off += n;
	return (int)n;
}

static void hs_get_id(IsoStream *stream, unsigned int *fs_id, dev_t *dev_id,
		      ino_t *ino_id)
{
	struct host_stream *m = stream->data;

	*fs_id = 0;
	*dev_id = 0;
	*ino_id = m->ino;
}

static void hs_free(IsoStream *stream)
{
	free(stream->data);
}

static IsoStreamIface host_stream_class = {
	4, /* version: up to clone_stream */
	{ 'u', 's', 'e', 'r' },
	hs_open,
	hs_close,
	hs_get_size,
	hs_read,
	ms_is_repeatable,
	hs_get_id,
	hs_free,
	ms_update_size,
	ms_get_input_stream,
	NULL, /* cmp_ino: libisofs compares the ids */
	ms_clone_stream,
};

/* Write the marker of host file IDX of RUN to BUF (MARK_LEN bytes). */
void iso_mark_block(const struct iso_run *run, size_t idx, void *buf)
{
	uint64_t i = idx;

	memcpy(buf, run->nonce, sizeof(run->nonce));
	memcpy((char *)buf + sizeof(run->nonce), &i, sizeof(i));
}

/* The host file of RUN whose marker starts BLOCK, or -1. */
long iso_marked_file(const struct iso_run *run, const void *block)
{
	uint64_t i;

	if (!run->nhosts || memcmp(block, run->nonce, sizeof(run->nonce)))
		return -1;
	memcpy(&i, (const char *)block + sizeof(run->nonce), sizeof(i));
	return i < run->nhosts ? (long)i : -1;
}

int host_stream_new(struct iso_run *run, size_t idx, IsoStream **out)
{
	IsoStream *st = calloc(1, sizeof(*st));
	struct host_stream *m = calloc(1, sizeof(*m));

	if (!st || !m) {
		free(st);
		free(m);
		return -PF_ENOMEM;
	}
	m->run = run;
	m->idx = idx;
	m->ino = serial_id++;
	st->class = &host_stream_class;
	st->refcount = 1;
	st->data = m;
	*out = st;
	return 0;
}
