/*
 * plugins/inject-wim-hash.c - check every resource of a WIM file against
 * its SHA-1 on every CPU at once.
 *
 * wimlib_verify_wim does the same check on one thread: it reads every
 * resource, decompresses it and compares the SHA-1 of the result with the
 * blob table's.  On a 200 MB LZX boot.wim that is about 2 seconds of one
 * CPU, most of a build's time.  The resources are independent, so here
 * each of N threads takes the next resource, reads its chunk table and
 * chunks with pread(), decompresses each chunk with wimlib's public
 * decompressor and hashes the result (plugins/lib/sha1.c, SHA-NI where
 * the CPU has it).
 *
 * Only the plain layout is read here: one part, not pipable, no solid
 * resource, XPRESS, LZX or no compression.  Anything else (and any
 * resource this code does not expect) is left to wimlib_verify_wim: the
 * caller gets PF_WIM_HASH_FALLBACK.
 *
 * The on-disk form read (the WIM format as wimlib and Windows write it):
 * a compressed resource of U uncompressed bytes in chunks of C bytes holds
 * N = ceil(U / C) chunks; it starts with a table of N - 1 entries (8 bytes
 * each when U needs more than 32 bits, else 4), entry i being the offset
 * of chunk i + 1 from the end of the table; chunk 0 starts right after the
 * table.  A chunk whose stored size equals its uncompressed size is stored
 * as it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inject-wim-hash.h"
#include "sha1.h"

/* Compressed bytes read at once (at least one chunk). */
#define READ_BATCH (1u << 20)
/* More threads than this gain nothing on one file. */
#define MAX_THREADS 16

/* One resource to check. */
struct res {
	uint64_t offset, csize, usize;
	unsigned char sha1[20];
	int compressed;
};

/* What the threads share. */
struct hash_run {
	int fd;
	enum wimlib_compression_type ctype;
	uint32_t chunk;
	struct res *v;
	size_t n;
	size_t next;            /* the next resource to take (atomic) */
	uint64_t done, total;   /* uncompressed bytes checked (atomic) */
	int code;               /* the first failure, a wimlib error (atomic) */
	int stop;               /* set by the caller: canceled (atomic) */
	int running;            /* threads not finished (under lock) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* One worker's buffers. */
struct worker {
	struct hash_run *run;
	struct wimlib_decompressor *dec;
	unsigned char *in, *out;
	uint64_t *starts;
	size_t starts_cap;
};

/* Record CODE as the run's failure unless one is there already. */
static void fail(struct hash_run *r, int code)
{
	int zero = 0;

	__atomic_compare_exchange_n(&r->code, &zero, code, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
}

/* 1 when the workers should stop: a failure or a cancel. */
static int stopping(struct hash_run *r)
{
	return __atomic_load_n(&r->code, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&r->stop, __ATOMIC_RELAXED);
}

/* Read LEN bytes at OFF: 0, or the wimlib error code. */
static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	ssize_t got;

	while (len) {
		got = pread(fd, p, len, (off_t)off);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return WIMLIB_ERR_READ;
		}
		if (got == 0)
			return WIMLIB_ERR_UNEXPECTED_END_OF_FILE;
		p += got;
		len -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/* Hash the stored bytes of an uncompressed resource R into CTX. */
static int hash_stored(struct worker *w, const struct res *r, struct pf_sha1 *ctx)
{
	uint64_t pos = 0, len;
	int code;

	if (r->csize != r->usize)
		return WIMLIB_ERR_INVALID_RESOURCE_HASH;
	while (pos < r->usize) {
		if (stopping(w->run))
			return 0;
		len = r->usize - pos < READ_BATCH ? r->usize - pos : READ_BATCH;
		code = read_at(w->run->fd, w->in, (size_t)len, r->offset + pos);
		if (code)
			return code;
		pf_sha1_update(ctx, w->in, (size_t)len);
		__atomic_add_fetch(&w->run->done, len, __ATOMIC_RELAXED);
		pos += len;
	}
	return 0;
}

/*
 * Read the chunk table of compressed resource R: w->starts[0..N] become
 * the offsets of its N chunks from the end of the table, and the end.
 * *TSIZE: the table's size.  0, a wimlib error code, or -1 (no memory).
 */
static int read_table(struct worker *w, const struct res *r, uint64_t n, uint64_t *tsize)
{
	unsigned esz = r->usize > 0xffffffffu ? 8 : 4;
	uint64_t i, v, data;
	unsigned char *raw;
	int code;

	/* the table lies inside the resource (which lies inside the file):
	 * that bounds what is allocated for it */
	*tsize = (n - 1) * esz;
	if (*tsize >= r->csize)
		return WIMLIB_ERR_DECOMPRESSION;
	if (n + 1 > w->starts_cap) {
		uint64_t *s = realloc(w->starts, (size_t)(n + 1) * sizeof(*s));

		if (!s)
			return -1;
		w->starts = s;
		w->starts_cap = (size_t)(n + 1);
	}
	data = r->csize - *tsize;
	raw = n > 1 ? malloc((size_t)*tsize) : NULL;
	if (n > 1 && !raw)
		return -1;
	code = n > 1 ? read_at(w->run->fd, raw, (size_t)*tsize, r->offset) : 0;
	w->starts[0] = 0;
	for (i = 1; !code && i < n; i++) {
		const unsigned char *e = raw + (i - 1) * esz;

		v = (uint64_t)e[0] | (uint64_t)e[1] << 8 | (uint64_t)e[2] << 16 |
		    (uint64_t)e[3] << 24;
		if (esz == 8)
			v |= (uint64_t)e[4] << 32 | (uint64_t)e[5] << 40 |
			     (uint64_t)e[6] << 48 | (uint64_t)e[7] << 56;
		w->starts[i] = v;
	}
	w->starts[n] = data;
	/* every chunk holds at least one byte and no more than it expands to */
	for (i = 0; !code && i < n; i++) {
		uint64_t us = i + 1 < n ? w->run->chunk : r->usize - i * w->run->chunk;

		if (w->starts[i + 1] <= w->starts[i] || w->starts[i + 1] - w->starts[i] > us)
			code = WIMLIB_ERR_DECOMPRESSION;
	}
	free(raw);
	return code;
}

/* Decompress and hash the chunks of compressed resource R into CTX. */
static int hash_chunks(struct worker *w, const struct res *r, struct pf_sha1 *ctx)
{
	uint64_t chunk = w->run->chunk, n = (r->usize + chunk - 1) / chunk;
	uint64_t tsize, i = 0, j, first, base;
	int code;

	code = read_table(w, r, n, &tsize);
	if (code)
		return code;
	base = r->offset + tsize;
	while (i < n) {
		/* the chunks first..j-1 that fit in one read (at least one) */
		first = i;
		for (j = i + 1; j < n && w->starts[j + 1] - w->starts[first] <= READ_BATCH; j++)
			;
		if (stopping(w->run))
			return 0;
		code = read_at(w->run->fd, w->in, (size_t)(w->starts[j] - w->starts[first]),
			       base + w->starts[first]);
		if (code)
			return code;
		for (; i < j; i++) {
			const unsigned char *c = w->in + (w->starts[i] - w->starts[first]);
			size_t cs = (size_t)(w->starts[i + 1] - w->starts[i]);
			size_t us = (size_t)(i + 1 < n ? chunk : r->usize - i * chunk);

			if (cs == us) {
				pf_sha1_update(ctx, c, us);
			} else {
				if (wimlib_decompress(c, cs, w->out, us, w->dec))
					return WIMLIB_ERR_DECOMPRESSION;
				pf_sha1_update(ctx, w->out, us);
			}
			__atomic_add_fetch(&w->run->done, us, __ATOMIC_RELAXED);
		}
	}
	return 0;
}

/* Check resource R: 0, a wimlib error code, or -1 (no memory). */
static int check_one(struct worker *w, const struct res *r)
{
	struct pf_sha1 ctx;
	unsigned char got[20];
	int code;

	pf_sha1_init(&ctx);
	code = r->compressed ? hash_chunks(w, r, &ctx) : hash_stored(w, r, &ctx);
	if (code || stopping(w->run))
		return code;
	pf_sha1_final(&ctx, got);
	return memcmp(got, r->sha1, 20) ? WIMLIB_ERR_INVALID_RESOURCE_HASH : 0;
}

/* A worker thread: take resources until none is left or the run stops. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct hash_run *r = w->run;
	size_t k;
	int code;

	while (!stopping(r)) {
		k = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED);
		if (k >= r->n)
			break;
		code = check_one(w, &r->v[k]);
		if (code)
			fail(r, code < 0 ? WIMLIB_ERR_NOMEM : code);
	}
	pthread_mutex_lock(&r->lock);
	r->running--;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The resource list of a WIM, as wimlib_iterate_lookup_table gives it. */
struct collect {
	struct res *v;
	size_t n, cap;
	int unusual;    /* a resource this file does not read */
	int nomem;
};

/* wimlib_iterate_lookup_table callback: note each resource. */
static int collect_cb(const struct wimlib_resource_entry *e, void *ctx)
{
	struct collect *c = ctx;
	struct res *v;

	if (e->packed || e->is_missing || e->is_spanned || e->is_free ||
	    e->part_number != 1) {
		c->unusual = 1;
		return 1;
	}
	if (e->uncompressed_size == 0)
		return 0;
	if (c->n == c->cap) {
		v = realloc(c->v, (c->cap ? c->cap * 2 : 512) * sizeof(*v));
		if (!v) {
			c->nomem = 1;
			return 1;
		}
		c->v = v;
		c->cap = c->cap ? c->cap * 2 : 512;
	}
	v = &c->v[c->n++];
	v->offset = e->offset;
	v->csize = e->compressed_size;
	v->usize = e->uncompressed_size;
	v->compressed = e->is_compressed;
	memcpy(v->sha1, e->sha1_hash, 20);
	return 0;
}

/* Largest first, so that the last resource taken is a small one. */
static int cmp_size(const void *a, const void *b)
{
	const struct res *x = a, *y = b;

	return x->usize < y->usize ? 1 : x->usize > y->usize ? -1 : 0;
}

/* How many threads to run: the CPUs this process may use. */
static int thread_count(void)
{
	cpu_set_t set;
	const char *env;
	char *end;
	long v;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	/* PEFORGE_VERIFY_THREADS: a number from 1 to 16; anything else is
	 * not a number of threads and leaves the CPU count */
	env = getenv("PEFORGE_VERIFY_THREADS");
	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && !*end && v >= 1 && v <= MAX_THREADS)
			n = (int)v;
	}
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : n;
}

/* Free worker W's buffers. */
static void worker_free(struct worker *w)
{
	if (w->dec)
		wimlib_free_decompressor(w->dec);
	free(w->in);
	free(w->out);
	free(w->starts);
}

/* Give worker W its decompressor and buffers: 0 or -1. */
static int worker_init(struct worker *w, struct hash_run *r)
{
	size_t in = r->chunk > READ_BATCH ? r->chunk : READ_BATCH;

	memset(w, 0, sizeof(*w));
	w->run = r;
	w->in = malloc(in);
	w->out = malloc(r->chunk);
	if (!w->in || !w->out)
		return -1;
	if (r->ctype != WIMLIB_COMPRESSION_TYPE_NONE &&
	    wimlib_create_decompressor(r->ctype, r->chunk, &w->dec))
		return -1;
	return 0;
}

/*
 * Wait for the workers of R, reporting progress through PROG (with CTX)
 * every 100 ms; when PROG returns nonzero, tell them to stop.  Returns 1
 * when canceled.
 */
static int wait_workers(struct hash_run *r, pf_wim_hash_prog prog, void *ctx)
{
	struct timespec ts;
	int canceled = 0;

	pthread_mutex_lock(&r->lock);
	while (r->running > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
		if (!canceled && prog &&
		    prog(ctx, __atomic_load_n(&r->done, __ATOMIC_RELAXED), r->total)) {
			canceled = 1;
			__atomic_store_n(&r->stop, 1, __ATOMIC_SEQ_CST);
		}
	}
	pthread_mutex_unlock(&r->lock);
	return canceled;
}

/* What sizes_cb checks the blob table against. */
struct sizes {
	uint64_t fsize;   /* the WIM file's size */
	uint32_t chunk;   /* its chunk size (0: uncompressed) */
	int bad;
};

/* wimlib_iterate_lookup_table callback: note a resource whose sizes no
 * WIM can have (see pf_wim_hash_sizes). */
static int sizes_cb(const struct wimlib_resource_entry *e, void *ctx)
{
	struct sizes *z = ctx;
	uint64_t n, esz;

	if (e->packed || e->is_missing || e->uncompressed_size == 0)
		return 0;
	if (e->offset > z->fsize || e->compressed_size > z->fsize - e->offset)
		goto bad;
	if (!e->is_compressed)
		return e->compressed_size != e->uncompressed_size ? (z->bad = 1) : 0;
	if (!z->chunk)
		return 0;   /* not a layout this file reads: wimlib says */
	n = e->uncompressed_size / z->chunk + (e->uncompressed_size % z->chunk != 0);
	esz = e->uncompressed_size > 0xffffffffu ? 8 : 4;
	/* the chunk table, (n - 1) entries, lies inside the resource */
	if (n - 1 >= e->compressed_size / esz)
		goto bad;
	return 0;
bad:
	z->bad = 1;
	return 1;
}

int pf_wim_hash_sizes(const char *path, WIMStruct *wim)
{
	struct wimlib_wim_info info;
	struct sizes z = { 0, 0, 0 };
	struct stat st;

	wimlib_get_wim_info(wim, &info);
	if (info.total_parts != 1 || info.pipable || stat(path, &st) != 0)
		return 0;
	z.fsize = (uint64_t)st.st_size;
	z.chunk = info.compression_type == WIMLIB_COMPRESSION_TYPE_NONE ? 0 : info.chunk_size;
	wimlib_iterate_lookup_table(wim, 0, sizes_cb, &z);
	return z.bad;
}

/* A check running: the shared state, the workers and their threads. */
struct pf_wim_hash {
	struct hash_run r;
	struct worker *w;
	pthread_t *tid;
	int nthreads, started;
	int joined;
};

/* Join the threads of C (once). */
static void join_all(struct pf_wim_hash *c)
{
	int i;

	if (c->joined)
		return;
	for (i = 0; i < c->started; i++)
		pthread_join(c->tid[i], NULL);
	c->joined = 1;
}

void pf_wim_hash_free(struct pf_wim_hash *c)
{
	int i;

	if (!c)
		return;
	__atomic_store_n(&c->r.stop, 1, __ATOMIC_SEQ_CST);
	join_all(c);
	if (c->w)
		for (i = 0; i < c->nthreads; i++)
			worker_free(&c->w[i]);
	free(c->w);
	free(c->tid);
	if (c->r.fd >= 0)
		close(c->r.fd);
	pthread_cond_destroy(&c->r.cond);
	pthread_mutex_destroy(&c->r.lock);
	free(c->r.v);
	free(c);
}

int pf_wim_hash_fd(const struct pf_wim_hash *c)
{
	return c->r.fd;
}

/* Start the threads of C: 0 or -PF_ENOMEM (none could start). */
static int start_threads(struct pf_wim_hash *c)
{
	sigset_t all, old;
	int i;

	/* the workers block every signal: the run's signal handling stays
	 * with the calling thread, which sees a cancel through its progress */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < c->nthreads; i++) {
		pthread_mutex_lock(&c->r.lock);
		c->r.running++;
		pthread_mutex_unlock(&c->r.lock);
		if (pthread_create(&c->tid[i], NULL, worker_main, &c->w[i])) {
			pthread_mutex_lock(&c->r.lock);
			c->r.running--;
			pthread_mutex_unlock(&c->r.lock);
			break;  /* run with the threads there are */
		}
		c->started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return c->started ? 0 : -PF_ENOMEM;
}

int pf_wim_hash_start(const char *path, WIMStruct *wim, struct pf_wim_hash **out,
		      int *code)
{
	struct wimlib_wim_info info;
	struct collect col = { 0 };
	struct pf_wim_hash *c;
	int i, ret = PF_WIM_HASH_FALLBACK;
	size_t k;

	*out = NULL;
	*code = 0;
	wimlib_get_wim_info(wim, &info);
	if (info.total_parts != 1 || info.pipable ||
	    (info.compression_type != WIMLIB_COMPRESSION_TYPE_NONE &&
	     info.compression_type != WIMLIB_COMPRESSION_TYPE_XPRESS &&
	     info.compression_type != WIMLIB_COMPRESSION_TYPE_LZX) ||
	    (info.compression_type != WIMLIB_COMPRESSION_TYPE_NONE &&
	     (info.chunk_size == 0 || info.chunk_size > (1u << 21))))
		return PF_WIM_HASH_FALLBACK;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -PF_ENOMEM;
	c->r.fd = -1;
	pthread_mutex_init(&c->r.lock, NULL);
	pthread_cond_init(&c->r.cond, NULL);
	if (wimlib_iterate_lookup_table(wim, 0, collect_cb, &col) || col.unusual || col.nomem) {
		ret = col.nomem ? -PF_ENOMEM : PF_WIM_HASH_FALLBACK;
		goto out;
	}
	for (k = 0; k < col.n; k++) {
		if (col.v[k].compressed && info.compression_type == WIMLIB_COMPRESSION_TYPE_NONE)
			goto out;    /* a compressed resource in an uncompressed WIM */
		c->r.total += col.v[k].usize;
	}
	qsort(col.v, col.n, sizeof(*col.v), cmp_size);
	c->r.v = col.v;
	c->r.n = col.n;
	col.v = NULL;
	c->r.ctype = (enum wimlib_compression_type)info.compression_type;
	/* an uncompressed WIM says 0: its resources are read in batches */
	c->r.chunk = info.chunk_size ? info.chunk_size : 32768;
	c->r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->r.fd < 0) {
		*code = WIMLIB_ERR_OPEN;
		ret = -PF_EWIM;
		goto out;
	}
	posix_fadvise(c->r.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	c->nthreads = thread_count();
	if ((size_t)c->nthreads > c->r.n)
		c->nthreads = c->r.n ? (int)c->r.n : 1;
	c->w = calloc((size_t)c->nthreads, sizeof(*c->w));
	c->tid = calloc((size_t)c->nthreads, sizeof(*c->tid));
	ret = c->w && c->tid ? 0 : -PF_ENOMEM;
	for (i = 0; !ret && i < c->nthreads; i++)
		if (worker_init(&c->w[i], &c->r))
			ret = -PF_ENOMEM;
	if (!ret)
		ret = start_threads(c);
out:
	free(col.v);
	if (ret) {
		pf_wim_hash_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int pf_wim_hash_wait(struct pf_wim_hash *c, pf_wim_hash_prog prog, void *ctx, int *code)
{
	int canceled = wait_workers(&c->r, prog, ctx);

	join_all(c);
	*code = 0;
	if (canceled)
		return -PF_ECANCELED;
	if (c->r.code == WIMLIB_ERR_NOMEM)
		return -PF_ENOMEM;
	if (c->r.code) {
		*code = c->r.code;
		return -PF_EWIM;
	}
	return 0;
}
