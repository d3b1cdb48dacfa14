/*
 * fuzz/inf.c - libFuzzer target: the INF parser (plugins/lib/inf*.c).
 *
 * The input is the bytes of an INF file.  It is parsed; when it parses,
 * every section, line and field is read back, every %token% of every
 * field is looked up in [Strings], and the driver-package facts and the
 * file lists of each architecture are computed, as drivers-inf does.
 * Built by `make fuzz` (clang, -fsanitize=fuzzer) and, for the regression
 * inputs of fuzz/regress/inf/, by `make check` (tests/fuzz-replay-inf).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "inf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Touch every byte of S, so a dangling pointer shows up under ASan. */
static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Read back every section, line and field of INF. */
static size_t walk(const struct inf *inf)
{
	size_t i, j, k, sum = 0;

	for (i = 0; i < inf_section_count(inf); i++) {
		const struct inf_section *sec = inf_section_at(inf, i);

		sum += touch(sec->name);
		if (inf_section(inf, sec->name) == NULL)
			__builtin_trap();      /* a section not found by its name */
		for (j = 0; j < sec->nlines; j++) {
			const struct inf_line *l = &sec->lines[j];

			sum += touch(l->key);
			if (l->key)
				sum += touch(inf_line_field(inf_line_find(sec, l->key), 0));
			for (k = 0; k < l->nfields; k++) {
				const char *f = inf_line_field(l, k);

				sum += touch(f);
				/* a field as a string key, as %f% would be */
				sum += touch(inf_string(inf, f));
			}
			if (inf_line_field(l, l->nfields) != NULL)
				__builtin_trap();
		}
	}
	return sum;
}

/* The driver-package facts and files of INF, for every architecture. */
static void driver(const struct inf *inf)
{
	static const char *const arch[] = { "x86", "amd64", "arm64", "ia64" };
	struct inf_driver drv;
	char names[64];
	size_t i, j, n;

	if (inf_driver_info(inf, &drv) != 0)
		return;
	touch(drv.class_name);
	touch(drv.provider);
	for (i = 0; i < drv.nmodels; i++) {
		touch(drv.models[i].manufacturer);
		touch(drv.models[i].section);
		for (j = 0; j < drv.models[i].ndecorations; j++)
			touch(drv.models[i].decorations[j]);
	}
	inf_arch_names(drv.archs, names, sizeof(names));
	for (i = 0; i < sizeof(arch) / sizeof(arch[0]); i++) {
		struct inf_file *files = NULL;

		inf_driver_supports(&drv, arch[i]);
		touch(inf_driver_catalog(&drv, arch[i]));
		if (inf_driver_files(inf, arch[i], &files, &n) != 0)
			continue;
		for (j = 0; j < n; j++) {
			touch(files[j].name);
			touch(files[j].path);
		}
		inf_files_free(files, n);
	}
	inf_driver_clear(&drv);
}

/* Nothing to set up. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inf *inf = NULL;
	char err[256];

	if (inf_parse(data, size, &inf, err, sizeof(err)) != 0) {
		if (inf)
			__builtin_trap();      /* a failure must not hand out an INF */
		return 0;
	}
	inf_get_encoding(inf);
	walk(inf);
	driver(inf);
	inf_free(inf);
	return 0;
}
