/*
 * tests/isofix.c - fixture tool for the ISO tests (links no peforge code).
 *
 *   isofix hide-iso9660 FILE.iso
 *   isofix loop-dir FILE.iso
 *
 * Rewrites, in place, the ISO 9660 primary volume's root directory so that
 * it lists only ".", ".." and README.TXT, and shrinks both path tables to
 * the root entry, the way Microsoft's UDF-bridge media hide their tree from
 * ISO 9660 readers.  The UDF tree (genisoimage -udf) is left as it is.
 *
 * loop-dir points the first subdirectory record of the root directory, in
 * the primary and in every supplementary (Joliet) volume, at the root's own
 * extent, so that the tree loops back on itself (/DIR/DIR/... for ever).
 * Exits 0 on success, 1 with a message on failure, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BLOCK 2048u
#define VD_FIRST_LBA 16u
#define VD_MAX 64u
#define PT_ROOT_LEN 10u /* a path table record of the root: 8 + 1 + 1 pad */

static const char *file;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "isofix: FILE: MESSAGE" on stderr. */
static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "isofix: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[0] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[3] = (uint8_t)v;
	p[2] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v >> 16);
	p[0] = (uint8_t)(v >> 24);
}

/* Read or write exactly LEN bytes at OFF; 0 or -1 with a message. */
static int io_at(int fd, int writing, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = writing ? pwrite(fd, (char *)buf + done, len - done, (off_t)(off + done))
				    : pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail("%s %zu bytes at %llu: %s", writing ? "cannot write" : "cannot read",
			     len, (unsigned long long)off, n < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/*
 * 1 when directory record name NAME (LEN bytes, maybe with ";1") is
 * README.TXT, case-insensitively.
 */
static int is_readme(const uint8_t *name, size_t len)
{
	static const char want[] = "README.TXT";

	if (len >= 2 && name[len - 2] == ';')
		len -= 2;
	return len == sizeof(want) - 1 && !strncasecmp((const char *)name, want, len);
}

/*
 * Replace the root directory extent (LBA, SIZE bytes) by ".", ".." and the
 * README.TXT record, the rest zeroed.  Returns 0 or -1 with a message.
 */
static int rewrite_root(int fd, uint32_t lba, uint32_t size)
{
	uint8_t *old = NULL, *fresh = NULL;
	uint32_t off = 0, keep = 0, nrec = 0;
	int ret = -1, found = 0;

	if (size == 0 || size > 64u * 1024 * 1024) {
		fail("root directory size %u is not sensible", size);
		return -1;
	}
	old = malloc(size);
	fresh = calloc(1, size);
	if (!old || !fresh) {
		fail("out of memory");
		goto out;
	}
	if (io_at(fd, 0, old, size, (uint64_t)lba * BLOCK))
		goto out;
	while (off < size) {
		uint8_t len = old[off];

		if (len == 0) { /* records never span blocks: go to the next one */
			off = (off / BLOCK + 1) * BLOCK;
			continue;
		}
		if (len < 34 || off + len > size || 33u + old[off + 32] > len) {
			fail("damaged root directory record at byte %u", off);
			goto out;
		}
		/* keep "." and ".." (the first two) and the first README.TXT */
		if (nrec < 2 || (!found && is_readme(old + off + 33, old[off + 32]))) {
			memcpy(fresh + keep, old + off, len);
			keep += len;
			found |= nrec >= 2;
		}
		nrec++;
		off += len;
	}
	if (nrec < 2) {
		fail("the ISO 9660 root directory has no \".\" and \"..\" records");
		goto out;
	}
	if (!found) {
		fail("no README.TXT in the ISO 9660 root directory");
		goto out;
	}
	if (io_at(fd, 1, fresh, size, (uint64_t)lba * BLOCK))
		goto out;
	ret = 0;
out:
	free(old);
	free(fresh);
	return ret;
}

/*
 * Shrink the path table at LBA (old size OLD bytes) to its first record,
 * the root, and zero the rest.  Returns 0 or -1 with a message.
 */
static int shrink_table(int fd, uint32_t lba, uint32_t old)
{
	uint8_t *t;
	int ret = -1;

	if (!lba)
		return 0;
	if (old < PT_ROOT_LEN || old > 64u * 1024 * 1024) {
		fail("path table size %u is not sensible", old);
		return -1;
	}
	t = malloc(old);
	if (!t) {
		fail("out of memory");
		return -1;
	}
	if (io_at(fd, 0, t, old, (uint64_t)lba * BLOCK))
		goto out;
	if (t[0] != 1 || t[8] != 0) {
		fail("the path table at block %u does not start with the root", lba);
		goto out;
	}
	memset(t + PT_ROOT_LEN, 0, old - PT_ROOT_LEN);
	if (io_at(fd, 1, t, old, (uint64_t)lba * BLOCK))
		goto out;
	ret = 0;
out:
	free(t);
	return ret;
}

/* Hide the ISO 9660 tree of FILE but README.TXT.  Returns 0 or -1. */
static int hide_iso9660(int fd)
{
	uint8_t vd[BLOCK];
	uint64_t pvd_off = 0;
	uint32_t i, pt_size;

	for (i = 0; i < VD_MAX; i++) {
		uint64_t off = (uint64_t)(VD_FIRST_LBA + i) * BLOCK;

		ssize_t n = pread(fd, vd, sizeof(vd), (off_t)off);

		if (n < 0) {
			fail("cannot read: %s", strerror(errno));
			return -1;
		}
		if (n < (ssize_t)sizeof(vd) || memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255)
			break;
		if (vd[0] == 1) {
			pvd_off = off;
			break;
		}
	}
	if (!pvd_off) {
		fail("no ISO 9660 primary volume descriptor");
		return -1;
	}
	/* root directory record at PVD+156: extent at +2, size at +10 (LE) */
	if (rewrite_root(fd, le32(vd + 156 + 2), le32(vd + 156 + 10)))
		return -1;
	pt_size = le32(vd + 132);
	if (shrink_table(fd, le32(vd + 140), pt_size) ||
	    shrink_table(fd, le32(vd + 144), pt_size) ||
	    shrink_table(fd, be32(vd + 148), pt_size) ||
	    shrink_table(fd, be32(vd + 152), pt_size))
		return -1;
	put_le32(vd + 132, PT_ROOT_LEN);
	put_be32(vd + 136, PT_ROOT_LEN);
	return io_at(fd, 1, vd, sizeof(vd), pvd_off);
}

/* In the root directory at LBA (SIZE bytes), point the first
 * subdirectory record at the root itself.  Returns 0 or -1. */
static int loop_root(int fd, uint32_t lba, uint32_t size)
{
	uint8_t *d = malloc(size);
	uint32_t off = 0;
	int ret = -1;

	if (!d || io_at(fd, 0, d, size, (uint64_t)lba * BLOCK))
		goto out;
	while (off + 33 < size) {
		uint8_t len = d[off];

		if (len == 0) { /* records do not cross a block: next block */
			off = (off / BLOCK + 1) * BLOCK;
			continue;
		}
		/* a directory (flag bit 1) that is not "." or ".." (name 0, 1) */
		if ((d[off + 25] & 2) && !(d[off + 32] == 1 && d[off + 33] <= 1)) {
			put_le32(d + off + 2, lba);
			put_be32(d + off + 6, lba);
			put_le32(d + off + 10, size);
			put_be32(d + off + 14, size);
			ret = io_at(fd, 1, d, size, (uint64_t)lba * BLOCK);
			goto out;
		}
		off += len;
	}
	fail("the root directory at block %u has no subdirectory", lba);
out:
	free(d);
	return ret;
}

/* loop-dir: loop_root in every primary and supplementary volume. */
static int loop_dirs(int fd)
{
	uint8_t vd[BLOCK];
	uint32_t i;
	int done = 0;

	for (i = 0; i < VD_MAX; i++) {
		uint64_t off = (uint64_t)(VD_FIRST_LBA + i) * BLOCK;

		if (io_at(fd, 0, vd, sizeof(vd), off))
			return -1;
		if (memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255)
			break;
		if (vd[0] != 1 && vd[0] != 2)
			continue;
		if (loop_root(fd, le32(vd + 156 + 2), le32(vd + 156 + 10)))
			return -1;
		done++;
	}
	if (!done) {
		fail("no ISO 9660 volume descriptor");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, ret, loop;

	if (argc != 3 || (strcmp(argv[1], "hide-iso9660") != 0 &&
			  strcmp(argv[1], "loop-dir") != 0)) {
		fprintf(stderr, "usage: isofix hide-iso9660|loop-dir FILE.iso\n");
		return 2;
	}
	loop = !strcmp(argv[1], "loop-dir");
	file = argv[2];
	fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail("cannot open: %s", strerror(errno));
		return 1;
	}
	ret = loop ? loop_dirs(fd) : hide_iso9660(fd);
	if (close(fd) != 0 && !ret) {
		fail("cannot close: %s", strerror(errno));
		ret = -1;
	}
	return ret ? 1 : 0;
}
