/*
 * bench/inf-time.c - how fast the INF parser is, for `make bench`:
 * `inf-time N [RUNS]` makes in memory an INF of N sections, N disks in
 * [SourceDisksNames] and N files in [SourceDisksFiles] (the text of the
 * former unit test test_inf_linear), then, RUNS times (default 5), parses
 * it, looks up a key of the last section and of the last disk, and lists
 * the driver's files for amd64.  It prints one line:
 *
 *   N <TAB> BYTES <TAB> SECONDS
 *
 * the wall-clock time of the fastest run of the parse, lookups and file
 * list (the fastest: the run least slowed by the machine's other work; the
 * parser's time does not vary by itself).  Exit
 * status 0, 1 when the parser fails or gives a wrong answer, 2 on a usage
 * error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inf.h"

/* The INF text of N sections, disks and files in a new buffer (*LEN its
 * length), or NULL when out of memory. */
static char *make_inf(size_t n, size_t *len)
{
	char *text = malloc(n * 100 + 256);
	size_t i, l = 0;

	if (!text)
		return NULL;
	for (i = 0; i < n; i++)
		l += (size_t)sprintf(text + l, "[Sec%zu]\nk = v%zu\n", i, i);
	l += (size_t)sprintf(text + l, "[SourceDisksNames]\n");
	for (i = 0; i < n; i++)
		l += (size_t)sprintf(text + l, "%zu = d,,,dir%zu\n", i, i);
	l += (size_t)sprintf(text + l, "[SourceDisksFiles]\n");
	for (i = 0; i < n; i++)
		l += (size_t)sprintf(text + l, "f%zu.sys = %zu\n", i, i);
	*len = l;
	return text;
}

/* Seconds since an arbitrary start, monotonic. */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One parse of TEXT (LEN bytes, N sections) with its lookups and file
 * list, checked; 0, or 1 with the reason on stderr. */
static int one_run(const char *text, size_t len, size_t n)
{
	struct inf *inf = NULL;
	struct inf_file *files = NULL;
	char err[128], key[32], sec[32], want[32];
	const char *v;
	size_t nf = 0;
	int ret = 1;

	if (inf_parse(text, len, &inf, err, sizeof(err))) {
		fprintf(stderr, "inf-time: the generated INF does not parse: %s\n", err);
		return 1;
	}
	snprintf(sec, sizeof(sec), "sec%zu", n - 1);
	snprintf(want, sizeof(want), "v%zu", n - 1);
	v = inf_value(inf, sec, "K", 0);
	if (!v || strcmp(v, want)) {
		fprintf(stderr, "inf-time: [%s] k is %s, not %s\n", sec, v ? v : "missing", want);
		goto out;
	}
	snprintf(key, sizeof(key), "%zu", n - 1);
	snprintf(want, sizeof(want), "dir%zu", n - 1);
	v = inf_value(inf, "SourceDisksNames", key, 3);
	if (!v || strcmp(v, want)) {
		fprintf(stderr, "inf-time: disk %s is %s, not %s\n", key, v ? v : "missing", want);
		goto out;
	}
	if (inf_driver_files(inf, "amd64", &files, &nf) || nf != n) {
		fprintf(stderr, "inf-time: %zu files listed, not %zu\n", nf, n);
		goto out;
	}
	ret = 0;
out:
	inf_files_free(files, nf);
	inf_free(inf);
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	char *text, *end;
	double *t;
	size_t len = 0, n;
	long runs = 5, i;
	int ret = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: inf-time N [RUNS]\n");
		return 2;
	}
	n = (size_t)strtoul(argv[1], &end, 10);
	if (*end || n < 1 || n > 10000000) {
		fprintf(stderr, "inf-time: N must be 1 to 10000000, not '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		runs = strtol(argv[2], &end, 10);
		if (*end || runs < 1 || runs > 1000) {
			fprintf(stderr, "inf-time: RUNS must be 1 to 1000, not '%s'\n", argv[2]);
			return 2;
		}
	}
	text = make_inf(n, &len);
	t = calloc((size_t)runs, sizeof(*t));
	if (!text || !t) {
		fprintf(stderr, "inf-time: out of memory for an INF of %zu sections\n", n);
		ret = 1;
		goto out;
	}
	for (i = 0; i < runs && !ret; i++) {
		double t0 = now();

		ret = one_run(text, len, n);
		t[i] = now() - t0;
	}
	if (!ret) {
		qsort(t, (size_t)runs, sizeof(*t), cmp_double);
		printf("%zu\t%zu\t%.4f\n", n, len, t[0]);
	}
out:
	free(t);
	free(text);
	return ret;
}
