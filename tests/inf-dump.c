/*
 * tests/inf-dump.c - what the INF parser decides for one driver package,
 * for the tests: `inf-dump FILE.inf ARCH...` prints one line per ARCH,
 *
 *   ARCH <TAB> VERDICT <TAB> FILES
 *
 * VERDICT is inf_verdict_name's ("add", "skip:arch"...), or "skip:malformed"
 * (the reason on stderr); FILES, for "add", are the files the package needs
 * besides the INF, '/'-separated paths relative to the INF's folder as the
 * INF names them (the catalog and [SourceDisksFiles], each once in any
 * case, the INF itself left out), in byte order and joined by '|', or "-"
 * when there is none.  Options: --lang LLLL (the image's language,
 * default 0409), --name NAME (the INF's name in its package, when the file
 * was renamed: a package may list its own INF).  Exit status 0, or 2 on a usage error
 * or an unreadable file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "inf.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when PATH is, in any case, NAME or one of the first N of LIST: a file
 * the package has already (the plugin stages each file once). */
static int seen(const char *path, const char *name, const char **list, size_t n)
{
	size_t i;

	if (!strcasecmp(path, name))
		return 1;
	for (i = 0; i < n; i++)
		if (!strcasecmp(path, list[i]))
			return 1;
	return 0;
}

/* Print the line for ARCH of the parsed INF (NULL when malformed) whose
 * file name is NAME. */
static int dump_arch(const struct inf *inf, const char *name, const char *arch)
{
	struct inf_driver drv = { 0 };
	struct inf_file *files = NULL;
	enum inf_verdict v;
	const char *cat, **list = NULL;
	size_t n = 0, i, k = 0;
	char why[256];
	int ret;

	if (!inf_arch_bit(arch)) {
		fprintf(stderr, "inf-dump: unknown arch '%s'\n", arch);
		return 2;
	}
	if (!inf) {
		printf("%s\tskip:malformed\t-\n", arch);
		return 0;
	}
	ret = inf_driver_info(inf, &drv);
	if (ret)
		goto out;
	v = inf_driver_check(inf, &drv, arch, why, sizeof(why));
	if (v != INF_KEEP) {
		printf("%s\t%s\t-\n", arch, inf_verdict_name(v));
		goto out;
	}
	ret = inf_driver_files(inf, arch, &files, &n);
	if (ret)
		goto out;
	list = calloc(n + 1, sizeof(*list));
	if (!list) {
		ret = -PF_ENOMEM;
		goto out;
	}
	cat = inf_driver_catalog(&drv, arch);
	if (cat && !seen(cat, name, list, k))
		list[k++] = cat;
	for (i = 0; i < n; i++)
		if (!seen(files[i].path, name, list, k))
			list[k++] = files[i].path;
	qsort(list, k, sizeof(*list), cmp_str);
	printf("%s\tadd\t", arch);
	for (i = 0; i < k; i++)
		printf("%s%s", i ? "|" : "", list[i]);
	printf("%s\n", k ? "" : "-");
out:
	if (ret)
		fprintf(stderr, "inf-dump: out of memory\n");
	free(list);
	inf_files_free(files, n);
	inf_driver_clear(&drv);
	return ret ? 2 : 0;
}

int main(int argc, char **argv)
{
	unsigned lang = INF_LANG_DEFAULT;
	const char *as = NULL;
	struct inf *inf = NULL;
	char *data = NULL, err[256];
	const char *name;
	size_t len = 0;
	int i = 1, ret;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--lang"))
			lang = inf_langid(argv[i + 1]);
		else if (!strcmp(argv[i], "--name"))
			as = argv[i + 1];
		else
			break;
	}
	if (argc - i < 2 || !lang || argv[i][0] == '-') {
		fprintf(stderr, "usage: inf-dump [--lang LLLL] [--name NAME] FILE.inf "
			"ARCH...\n");
		return 2;
	}
	if (fsu_read_file(argv[i], &data, &len, NULL)) {
		fprintf(stderr, "inf-dump: %s: cannot read\n", argv[i]);
		return 2;
	}
	ret = inf_parse_lang(data, len, lang, &inf, err, sizeof(err));
	free(data);
	if (ret == -PF_EINVAL) {
		fprintf(stderr, "inf-dump: %s: %s\n", argv[i], err);
		inf = NULL;
	} else if (ret) {
		fprintf(stderr, "inf-dump: %s: out of memory\n", argv[i]);
		return 2;
	}
	name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
	if (as)
		name = as;
	for (i++, ret = 0; i < argc && !ret; i++)
		ret = dump_arch(inf, name, argv[i]);
	inf_free(inf);
	return ret;
}
