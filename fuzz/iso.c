/*
 * fuzz/iso.c - libFuzzer target: the ISO/UDF source reader
 * (plugins/source-iso/nodes.c, media.c, image.c).
 *
 * The input is an ISO image, kept in memory (a memfd, which the reader
 * opens through /proc/self/fd like any file, so both its UDF block input
 * and libiso9660 read it).  The image is opened as the plugin does, then
 * its tree is walked through the media operations (list, stat, read the
 * head and the tail of each file), within bounds of depth and entries so a
 * directory that loops back ends the walk.  Built by `make fuzz`;
 * `make check` replays fuzz/regress/iso/ through tests/fuzz-replay-iso.
 */
/* iso.h first: it defines _GNU_SOURCE as the plugin's own sources do (so
 * not config.h, which defines it too). */
#include "iso.h"

#include <stdarg.h>

#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_DEPTH 12
#define MAX_ENTRIES 4000
#define READ_LEN 8192

/* The host's log: dropped (the reader must not crash; what it says is for
 * the tests). */
static void fz_log(int level, const char *who, const char *fmt, ...)
{
	(void)level;
	(void)who;
	(void)fmt;
}

static struct pf_host host = { .log = fz_log };
static int memfd = -1;
static char memfd_path[64];
static uint8_t readbuf[READ_LEN];

/* One image to walk, and how much is left of the walk's budget. */
struct walk {
	struct iso_media *m;
	const char *dir;
	int depth;
	int *left;
};

static int walk_dir(struct iso_media *m, const char *path, int depth, int *left);

/* list callback: stat the entry, read a file's head and tail, descend into
 * a directory. */
static int visit(void *ctx, const char *name, const struct pf_stat *st)
{
	struct walk *w = ctx;
	struct pf_stat st2;
	char *path;
	size_t got;

	if (--*w->left <= 0)
		return 1;                      /* enough: end the walk */
	if (asprintf(&path, "%s/%s", w->dir, name) < 0)
		return 1;
	if (iso_ops.stat(w->m, path, &st2) == 0 && st2.is_dir != st->is_dir)
		__builtin_trap();              /* list and stat disagree */
	if (st->is_dir) {
		if (w->depth < MAX_DEPTH)
			walk_dir(w->m, path, w->depth + 1, w->left);
	} else {
		iso_ops.read(w->m, path, 0, readbuf, sizeof(readbuf), &got);
		if (st->size > sizeof(readbuf))
			iso_ops.read(w->m, path, st->size - sizeof(readbuf), readbuf,
				     sizeof(readbuf), &got);
	}
	free(path);
	return 0;
}

/* Walk directory PATH of M. */
static int walk_dir(struct iso_media *m, const char *path, int depth, int *left)
{
	struct walk w = { m, path, depth, left };

	return iso_ops.list(m, path, visit, &w);
}

/* Make the memfd the images are written to. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz-iso", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("fuzz-iso: memfd_create");
		exit(2);
	}
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iso_media *m = NULL;
	int left = MAX_ENTRIES;

	if (ftruncate(memfd, 0) != 0 ||
	    (size && pwrite(memfd, data, size, 0) != (ssize_t)size)) {
		perror("fuzz-iso: memfd");
		exit(2);
	}
	if (media_open(&host, memfd_path, &m) != 0)
		return 0;
	walk_dir(m, "", 0, &left);
	m_free(m);
	return 0;
}
