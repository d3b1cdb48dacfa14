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
