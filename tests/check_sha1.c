/* tests/check_sha1.c - SHA-1 of the plugin library: the FIPS 180 vectors,
 * feeding in pieces, the portable and SHA-NI implementations against each
 * other, the choice at run time (PEFORGE_SHA1), several threads at once,
 * and sha1sum's answer on a random file. */
#include "config.h"

#include <pthread.h>
#include <sys/wait.h>

#include "check_common.h"
#include "peforge/plugin.h"
#include "sha1.h"

/* A small deterministic generator (xorshift64*) for the random messages. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* LEN random bytes from the generator state S into P. */
static void rng_fill(uint64_t *s, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(rng_next(s) >> 56);
}

/* The digest D as 40 lowercase hex digits in HEX. */
static void hex(const unsigned char d[20], char hex_out[41])
{
	int i;

	for (i = 0; i < 20; i++)
		sprintf(hex_out + 2 * i, "%02x", d[i]);
}

/* Fail unless digest D is EXPECT (hex), naming WHAT. */
static void assert_digest(const unsigned char d[20], const char *expect, const char *what)
{
	char got[41];

	hex(d, got);
	ck_assert_msg(!strcmp(got, expect), "%s: got %s, want %s", what, got, expect);
}

/* The implementations this CPU and build can run (portable, maybe
 * SHA-NI), for the loops that try each. */
static int impls[2];
static int nimpls;

/* Fill impls (test_impls_agree says when SHA-NI is not there). */
static void find_impls(void)
{
	struct pf_sha1 c;

	nimpls = 0;
	impls[nimpls++] = PF_SHA1_PORTABLE;
	pf_sha1_init(&c);
	if (pf_sha1_update_impl(&c, "", 0, PF_SHA1_SHANI) == 0)
		impls[nimpls++] = PF_SHA1_SHANI;
}

/* The digest of LEN bytes at P with implementation WHICH. */
static void digest_with(int which, const void *p, size_t len, unsigned char out[20])
{
	struct pf_sha1 c;

	pf_sha1_init(&c);
	ck_assert_int_eq(pf_sha1_update_impl(&c, p, len, which), 0);
	ck_assert_int_eq(pf_sha1_final_impl(&c, out, which), 0);
}

static const struct {
	const char *msg;
	const char *digest;
} vectors[] = {
	{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
};

START_TEST(test_fips_vectors)
{
	unsigned char d[20];
	struct pf_sha1 c;
	size_t i;
	int k;

	find_impls();
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *m = vectors[i].msg;

		pf_sha1(m, strlen(m), d);
		assert_digest(d, vectors[i].digest, m);
		pf_sha1_init(&c);
		pf_sha1_update(&c, m, strlen(m));
		pf_sha1_final(&c, d);
		assert_digest(d, vectors[i].digest, m);
		for (k = 0; k < nimpls; k++) {
			digest_with(impls[k], m, strlen(m), d);
			assert_digest(d, vectors[i].digest, m);
		}
	}
}
END_TEST

/* One million 'a' fed in pieces of odd sizes, with each implementation. */
START_TEST(test_million_a)
{
	static const size_t sizes[] = { 1, 3, 7, 63, 65, 127, 129, 1001, 4099, 17 };
	unsigned char *a = malloc(5000), d[20];
	struct pf_sha1 c;
	size_t done, n, j;
	int k;

	ck_assert_ptr_nonnull(a);
	memset(a, 'a', 5000);
	find_impls();
	for (k = -1; k < nimpls; k++) {
		pf_sha1_init(&c);
		for (done = 0, j = 0; done < 1000000; done += n, j++) {
			n = sizes[j % (sizeof(sizes) / sizeof(sizes[0]))];
			if (n > 1000000 - done)
				n = 1000000 - done;
			if (k < 0)
				pf_sha1_update(&c, a, n);
			else
				ck_assert_int_eq(pf_sha1_update_impl(&c, a, n, impls[k]), 0);
		}
		if (k < 0)
			pf_sha1_final(&c, d);
		else
			ck_assert_int_eq(pf_sha1_final_impl(&c, d, impls[k]), 0);
		assert_digest(d, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "a x 1e6");
	}
	free(a);
}
END_TEST

/* A 200-byte message cut in three at every pair of places equals the one
 * shot, with each implementation (every padding case passes by). */
START_TEST(test_every_split)
{
	unsigned char m[200], want[20], d[20];
	uint64_t s = 42;
	struct pf_sha1 c;
	size_t i, j;
	int k;

	rng_fill(&s, m, sizeof(m));
	pf_sha1(m, sizeof(m), want);
	find_impls();
	for (k = 0; k < nimpls; k++)
		for (i = 0; i <= sizeof(m); i++)
			for (j = i; j <= sizeof(m); j++) {
				pf_sha1_init(&c);
				pf_sha1_update_impl(&c, m, i, impls[k]);
				pf_sha1_update_impl(&c, m + i, j - i, impls[k]);
				pf_sha1_update_impl(&c, m + j, sizeof(m) - j, impls[k]);
				pf_sha1_final_impl(&c, d, impls[k]);
				ck_assert_msg(!memcmp(d, want, 20), "split %zu/%zu impl %d",
					      i, j, impls[k]);
			}
	/* and each prefix length through the public calls */
	for (i = 0; i <= sizeof(m); i++) {
		pf_sha1(m, i, want);
		pf_sha1_init(&c);
		for (j = 0; j < i; j++)
			pf_sha1_update(&c, m + j, 1);
		pf_sha1_final(&c, d);
		ck_assert_msg(!memcmp(d, want, 20), "length %zu byte by byte", i);
	}
}
END_TEST

/* SHA-NI and portable agree on 2,000 random messages of 0..5000 bytes (at
 * every alignment, fed in random pieces) and on 1 MB. */
START_TEST(test_impls_agree)
{
	unsigned char *m = malloc((1 << 20) + 16), a[20], b[20];
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	struct pf_sha1 c;
	size_t len, off, done, n;
	int i;

	ck_assert_ptr_nonnull(m);
	find_impls();
	if (nimpls < 2) {
		printf("check_sha1: no SHA-NI (CPU or build): the SHA-NI cases and the "
		       "SHA-NI vs portable comparison are skipped\n");
		free(m);
		return;
	}
	rng_fill(&s, m, (1 << 20) + 16);
	for (i = 0; i < 2000; i++) {
		len = (size_t)(rng_next(&s) % 5001);
		off = (size_t)(rng_next(&s) % 16);
		digest_with(PF_SHA1_PORTABLE, m + off, len, a);
		pf_sha1_init(&c);
		for (done = 0; done < len; done += n) {
			n = (size_t)(rng_next(&s) % 300);
			if (n > len - done)
				n = len - done;
			pf_sha1_update_impl(&c, m + off + done, n, PF_SHA1_SHANI);
		}
		pf_sha1_final_impl(&c, b, PF_SHA1_SHANI);
		ck_assert_msg(!memcmp(a, b, 20), "message %d: %zu bytes at +%zu differ", i,
			      len, off);
		digest_with(PF_SHA1_SHANI, m + off, len, b);
		ck_assert_msg(!memcmp(a, b, 20), "message %d (one shot) differs", i);
	}
	digest_with(PF_SHA1_PORTABLE, m + 3, 1 << 20, a);
	digest_with(PF_SHA1_SHANI, m + 3, 1 << 20, b);
	ck_assert(!memcmp(a, b, 20));
	free(m);
}
END_TEST

/* In a child (where nothing has chosen yet): PEFORGE_SHA1 set to VALUE,
 * or unset when NULL; the child exits 0 when pf_sha1_impl() says WANT and
 * the hashes are right. */
static void run_child_env(const char *value, const char *want)
{
	unsigned char d[20];
	char got[41];
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (value)
			setenv("PEFORGE_SHA1", value, 1);
		else
			unsetenv("PEFORGE_SHA1");
		if (strcmp(pf_sha1_impl(), want)) {
			fprintf(stderr, "PEFORGE_SHA1=%s: impl %s, want %s\n",
				value ? value : "(unset)", pf_sha1_impl(), want);
			_exit(1);
		}
		pf_sha1("abc", 3, d);
		hex(d, got);
		_exit(strcmp(got, vectors[1].digest) ? 2 : 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child with PEFORGE_SHA1=%s failed (status %d)",
		      value ? value : "(unset)", st);
}

/* The choice at run time: SHA-NI when the CPU has it, portable when
 * PEFORGE_SHA1=portable. */
START_TEST(test_env_choice)
{
	const char *ck = getenv("CK_FORK");

	if (ck && !strcmp(ck, "no")) {
		/* the choice may be made already in this process */
		printf("check_sha1: PEFORGE_SHA1 case skipped (CK_FORK=no)\n");
		return;
	}
	find_impls();
	run_child_env(NULL, nimpls == 2 ? "sha-ni" : "portable");
	run_child_env("portable", "portable");
	run_child_env("sha-ni", nimpls == 2 ? "sha-ni" : "portable");
}
END_TEST

#define NTHREADS 4

/* One thread's work: hash its own message of 300 KB in pieces through the
 * public calls (the first of them race to choose) into its digest. */
struct thread_job {
	unsigned char msg[300000];
	unsigned char d[20];
};

/* Hash one thread_job. */
static void *thread_main(void *arg)
{
	struct thread_job *j = arg;
	struct pf_sha1 c;
	size_t done, n;
	int r;

	for (r = 0; r < 8; r++) {
		pf_sha1_init(&c);
		for (done = 0; done < sizeof(j->msg); done += n) {
			n = sizeof(j->msg) - done < 777 ? sizeof(j->msg) - done : 777;
			pf_sha1_update(&c, j->msg + done, n);
		}
		pf_sha1_final(&c, j->d);
	}
	return NULL;
}

/* Several threads hashing at once get what one thread gets. */
START_TEST(test_threads)
{
	struct thread_job *jobs = calloc(NTHREADS, sizeof(*jobs));
	pthread_t t[NTHREADS];
	unsigned char want[20];
	uint64_t s = 7;
	int i;

	ck_assert_ptr_nonnull(jobs);
	for (i = 0; i < NTHREADS; i++)
		rng_fill(&s, jobs[i].msg, sizeof(jobs[i].msg));
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	for (i = 0; i < NTHREADS; i++) {
		digest_with(PF_SHA1_PORTABLE, jobs[i].msg, sizeof(jobs[i].msg), want);
		ck_assert_msg(!memcmp(jobs[i].d, want, 20), "thread %d", i);
	}
	free(jobs);
}
END_TEST

/* 1 when PROG is an executable in $PATH. */
static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];
	const char *p, *e;

	for (p = path; p && *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p), p, prog);
		if (access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* A random 100 KB file: our digest equals sha1sum's. */
START_TEST(test_sha1sum)
{
	unsigned char *m = malloc(100 * 1024), d[20];
	char *dir, path[512], cmd[600], line[256], want[41];
	uint64_t s = 1234567;
	FILE *f;

	ck_assert_ptr_nonnull(m);
	if (!in_path("sha1sum")) {
		printf("check_sha1: sha1sum not found: comparison skipped\n");
		free(m);
		return;
	}
	rng_fill(&s, m, 100 * 1024);
	dir = test_tmpdir();
	snprintf(path, sizeof(path), "%s/random.bin", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(m, 1, 100 * 1024, f), 100 * 1024);
	ck_assert_int_eq(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "sha1sum '%s'", path);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_int_ge(strlen(line), 40);
	memcpy(want, line, 40);
	want[40] = 0;
	pf_sha1(m, 100 * 1024, d);
	assert_digest(d, want, "random 100 KB file");
	unlink(path);
	rmdir(dir);
	free(dir);
	free(m);
}
END_TEST

/* The suite. */
static Suite *sha1_suite(void)
{
	Suite *s = suite_create("sha1");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fips_vectors);
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_every_split);
	tcase_add_test(tc, test_impls_agree);
	tcase_add_test(tc, test_env_choice);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_sha1sum);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(sha1_suite)
