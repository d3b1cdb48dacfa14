/*
 * fuzz/lint.c - libFuzzer target: the answer-file lint (unattend/):
 * pf_ua_doc_parse, then pf_ua_doc_check with the lint rules and the
 * project's XSD, then an XPath query, as `peforge unattend --check` does.
 *
 * The XSD is unattend/peforge-unattend.xsd of the source tree ($PF_SRCDIR
 * when set, else the tree the target was built from), loaded once.
 * Built by `make fuzz`; `make check` replays fuzz/regress/lint/ through
 * tests/fuzz-replay-lint.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unattend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct pf_ua_schema *schema;

/* Load the XSD once; the target cannot run without it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *src = getenv("PF_SRCDIR");
	char path[4096];
	char *err = NULL;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/unattend/peforge-unattend.xsd",
		 src && *src ? src : PF_ABS_SRCDIR);
	if (pf_ua_schema_load(path, &schema, &err) != 0) {
		fprintf(stderr, "fuzz-lint: %s\n", err ? err : "out of memory");
		exit(2);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_ua_findings f = { NULL, 0, 0 };
	struct pf_ua_doc *d = NULL;
	char *err = NULL, **v = NULL;
	size_t i, n = 0;

	if (pf_ua_doc_parse((const char *)data, size, "fuzz.xml", &d, &err) != 0) {
		if (d)
			__builtin_trap();      /* a failure must not hand out a doc */
		goto out;
	}
	if (pf_ua_doc_check(d, schema, &f, &err) != 0)
		goto out;
	for (i = 0; i < f.n; i++)
		if (!f.v[i].xpath || !f.v[i].msg || !*f.v[i].msg)
			__builtin_trap();      /* every finding says where and what */
	if (pf_ua_doc_query(d, "//u:component/@name", &v, &n, &err) == 0)
		pf_ua_strv_free(v, n);
out:
	free(err);
	pf_ua_findings_clear(&f);
	pf_ua_doc_free(d);
	return 0;
}
