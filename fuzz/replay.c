/*
 * fuzz/replay.c - run a fuzz target without libFuzzer: call its
 * LLVMFuzzerTestOneInput once with the bytes of each FILE given.
 *
 *   fuzz-replay-TARGET FILE...
 *
 * Built with the project's compiler by `make check` (tests/fuzz-replay-*),
 * so tests/fuzz-regress.test replays fuzz/regress/TARGET/ through the
 * normal build.  Exits 0 when every input ran (a crash is a signal), 2
 * when a file cannot be read.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Read all of file PATH into *BUF (malloc'd) and *LEN.  Returns 0 or -1. */
static int slurp(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap), *nb;

	if (!f || !b)
		goto fail;
	for (;;) {
		size_t r = fread(b + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			nb = realloc(b, cap * 2);
			if (!nb)
				goto fail;
			b = nb;
			cap *= 2;
		}
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
fail:
	if (f)
		fclose(f);
	free(b);
	return -1;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		uint8_t *buf;
		size_t len;

		if (slurp(argv[i], &buf, &len) != 0) {
			fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
			return 2;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ran %s (%zu bytes)\n", argv[i], len);
	}
	return 0;
}
