/* tests/check_job.c - the run as a transaction (core/txn.c, core/job.c)
 * and the output claims (core/claims.c). */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include "check_common.h"
#include "args.h"
#include "claims.h"
#include "error.h"
#include "job.h"
#include "txn.h"
#include "util.h"

/* A fresh folder for one test (malloc'd). */
static char *fresh_dir(void)
{
	char *d = NULL;

	ck_assert_int_eq(pf_mkdtemp("check-job", &d), 0);
	return d;
}

/* Write TEXT to PATH (created or replaced). */
static void put(const char *path, const char *text)
{
	ck_assert_int_eq(pf_write_file_atomic(path, text, strlen(text)), 0);
}

/* 1 when PATH holds TEXT exactly. */
static int holds(const char *path, const char *text)
{
	char *data = NULL;
	size_t len = 0;
	int ok;

	if (pf_read_file(path, &data, &len))
		return 0;
	ok = len == strlen(text) && !memcmp(data, text, len);
	free(data);
	return ok;
}

/* Stage file FINAL with TEXT through the host table. */
static void stage_file(struct pf_job *job, const char *final, const char *text)
{
	char *tmp = NULL;
	int fd = -1;

	ck_assert_int_eq(pf_host_table.output_begin(job, final, &tmp, &fd), 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(pf_host_table.output_commit(job, fd, tmp, final), 0);
	ck_assert_str_eq(pf_host_table.output_staged(job, final), tmp);
	free(tmp);
}

/* Committed outputs appear together; before the commit nothing changed. */
START_TEST(test_job_commit_together)
{
	char *dir = fresh_dir();
	char *a = pf_path_join(dir, "a.iso"), *b = pf_path_join(dir, "b.wim");
	char *t = pf_path_join(dir, "tree"), *f = pf_path_join(dir, "tree/f");
	char *tmp = NULL, *inside = NULL;
	struct pf_job *job = NULL;

	put(a, "old a");
	ck_assert_int_eq(mkdir(t, 0755), 0);
	put(f, "old f");
	ck_assert_int_eq(pf_job_new_locked(dir, NULL, 1, &job), 0);
	stage_file(job, a, "new a");
	stage_file(job, b, "new b");
	ck_assert_int_eq(pf_host_table.output_dir_begin(job, t, &tmp), 0);
	inside = pf_path_join(tmp, "f");
	put(inside, "new f");
	ck_assert_int_eq(pf_host_table.output_dir_commit(job, tmp, t), 0);
	ck_assert(holds(a, "old a"));
	ck_assert(!pf_is_file(b));
	ck_assert(holds(f, "old f"));
	ck_assert_int_eq(pf_job_commit(job), 0);
	ck_assert(holds(a, "new a"));
	ck_assert(holds(b, "new b"));
	ck_assert(holds(f, "new f"));
	ck_assert_uint_eq(job->noutputs, 3);
	pf_job_free(job);
	pf_rm_rf(dir);
	free(dir); free(a); free(b); free(t); free(f); free(tmp); free(inside);
}
END_TEST

/* A job freed without a commit leaves the folder as it was. */
START_TEST(test_job_abort_leaves_nothing)
{
	char *dir = fresh_dir();
	char *a = pf_path_join(dir, "a.iso");
	struct pf_job *job = NULL;
	char *ls = NULL;

	put(a, "old a");
	ck_assert_int_eq(pf_job_new_locked(dir, NULL, 1, &job), 0);
	stage_file(job, a, "new a");
	ck_assert_int_eq(pf_txn_stage(job, "/x", a, 0), -PF_EEXIST); /* one path twice */
	pf_job_free(job);
	ck_assert(holds(a, "old a"));
	ls = pf_asprintf("test \"$(ls -A '%s')\" = a.iso", dir);
	ck_assert_int_eq(system(ls), 0);
	pf_rm_rf(dir);
	free(dir); free(a); free(ls);
}
END_TEST

/* A second lock fails at once with no-wait; a dead run's folder is swept,
 * with the temporary output its journal names; a live one is kept. */
START_TEST(test_job_lock_and_sweep)
{
	char *dir = fresh_dir();
	char *dead = pf_path_join(dir, ".peforge-tmp.DEAD");
	char *live = pf_path_join(dir, ".peforge-tmp.LIVE");
	char *junk = pf_path_join(dir, "x.iso.tmp-DEAD-1");
	char *j = pf_path_join(dead, PF_TXN_JOURNAL), *line = NULL;
	struct pf_job *job = NULL, *job2 = NULL;
	int fd = -1;

	ck_assert_int_eq(mkdir(dead, 0700), 0);
	put(junk, "partial");
	line = pf_asprintf("T %s\n", junk);
	put(j, line);
	ck_assert_int_eq(mkdir(live, 0700), 0);
	ck_assert_int_eq(pf_txn_start(live, &fd), 0); /* held by this test */
	ck_assert_int_eq(pf_job_new_locked(dir, NULL, 1, &job), 0);
	ck_assert(!pf_is_dir(dead));
	ck_assert(!pf_is_file(junk));
	ck_assert(pf_is_dir(live));
	ck_assert_int_eq(pf_job_new_locked(dir, NULL, 1, &job2), -PF_EEXIST);
	pf_job_free(job);
	close(fd);
	ck_assert_int_eq(pf_job_new_locked(dir, NULL, 1, &job2), 0);
	ck_assert(!pf_is_dir(live));
	pf_job_free(job2);
	pf_rm_rf(dir);
	free(dir); free(dead); free(live); free(junk); free(j); free(line);
}
END_TEST

/* Two outputs with one path, an output in the media, a folder for a file. */
START_TEST(test_claims)
{
	char *dir = fresh_dir();
	char *media = pf_path_join(dir, "media"), *out = pf_path_join(dir, "out");
	char *inmedia = pf_path_join(dir, "media/out");
	struct pf_args *wim = pf_args_new("r.lua: outputs.wim");
	struct pf_args *pxe = pf_args_new("r.lua: outputs.pxe");
	struct pf_args *iso = pf_args_new("r.lua: outputs.iso");

	ck_assert_int_eq(mkdir(media, 0755), 0);
	pf_claims_reset();
	ck_assert_int_eq(pf_claim_output(wim, "boot.wim", 0), 0);
	ck_assert_int_eq(pf_claim_output(pxe, "tftp", 1), 0);
	ck_assert_int_eq(pf_claims_check(out, media, NULL), 0);
	ck_assert_int_eq(pf_claims_check(inmedia, media, NULL), -PF_ERECIPE);
	ck_assert_int_eq(pf_claims_check(media, media, NULL), -PF_ERECIPE);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	{
		char *bw = pf_path_join(out, "boot.wim");

		ck_assert_int_eq(mkdir(bw, 0755), 0);
		ck_assert_int_eq(pf_claims_check(out, media, NULL), -PF_EEXIST);
		ck_assert_int_eq(rmdir(bw), 0);
		free(bw);
	}
	ck_assert_int_eq(pf_claim_output(iso, "./boot.wim", 0), 0);
	ck_assert_int_eq(pf_claims_check(out, media, NULL), -PF_ERECIPE);
	pf_claims_reset();
	pf_args_free(wim);
	pf_args_free(pxe);
	pf_args_free(iso);
	pf_rm_rf(dir);
	free(dir); free(media); free(out); free(inmedia);
}
END_TEST

/* What a deferred check's finish saw, in call order. */
struct fin_log {
	char calls[16];
	size_t n;
};

struct fin_ctx {
	struct fin_log *log;
	char name;
	int result;
};

/* A job_defer callback: log NAME and STOP ('A' waited, 'a' stopped). */
static int fin(void *ctx, int stop)
{
	struct fin_ctx *c = ctx;

	c->log->calls[c->log->n++] = stop ? (char)(c->name + 32) : c->name;
	return c->result;
}

/* Background checks: finished in order before the commit, the first
 * failure stops the rest, each is finished once, and a job freed with
 * checks pending stops them. */
START_TEST(test_job_deferred)
{
	struct fin_log log = { { 0 }, 0 };
	struct fin_ctx a = { &log, 'A', 0 }, b = { &log, 'B', -PF_EWIM }, c = { &log, 'C', 0 };
	struct pf_job *job = NULL;

	ck_assert_int_eq(pf_job_new(NULL, &job), 0);
	ck_assert(PF_HOST_HAS(&pf_host_table, job_defer));
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &a), 0);
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &b), 0);
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &c), 0);
	ck_assert_int_eq(pf_job_finish_deferred(job, 0), -PF_EWIM);
	ck_assert_str_eq(log.calls, "ABc");
	ck_assert_int_eq(pf_job_finish_deferred(job, 0), 0);   /* each once */
	ck_assert_str_eq(log.calls, "ABc");
	/* all well: waited for, in order */
	b.result = 0;
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &a), 0);
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &b), 0);
	ck_assert_int_eq(pf_job_finish_deferred(job, 0), 0);
	ck_assert_str_eq(log.calls, "ABcAB");
	/* pending when the job is freed (a failed or interrupted run): stopped */
	ck_assert_int_eq(pf_host_table.job_defer(job, fin, &c), 0);
	pf_job_free(job);
	ck_assert_str_eq(log.calls, "ABcABc");
}
END_TEST

static Suite *suite_job(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("transaction");

	tcase_add_test(tc, test_job_commit_together);
	tcase_add_test(tc, test_job_abort_leaves_nothing);
	tcase_add_test(tc, test_job_lock_and_sweep);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_job_deferred);
	suite_add_tcase(s, tc);
	return s;
}

PF_CHECK_MAIN(suite_job)
