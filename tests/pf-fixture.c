/*
 * tests/pf-fixture.c - makes stand-in Windows media for the tests (no
 * Microsoft file): pf-fixture media DIR [--arch A] [--install wim|esd|swm]
 * [--install-arch A] [--upper] [--one-image] [--boot-lzms].  DIR must not
 * exist.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <wimlib.h>

#include "demo.h"

int main(int argc, char **argv)
{
	struct pf_demo_opts o = { 0 };
	int i, ret;

	if (argc < 3 || strcmp(argv[1], "media")) {
		fprintf(stderr, "usage: pf-fixture media DIR [--arch A] [--install wim|esd|swm] "
			"[--install-arch A] [--upper] [--one-image] [--boot-lzms]\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--arch") && i + 1 < argc)
			o.arch = argv[++i];
		else if (!strcmp(argv[i], "--install") && i + 1 < argc)
			o.install = argv[++i];
		else if (!strcmp(argv[i], "--install-arch") && i + 1 < argc)
			o.install_arch = argv[++i];
		else if (!strcmp(argv[i], "--upper"))
			o.upper_case = 1;
		else if (!strcmp(argv[i], "--one-image"))
			o.one_image = 1;
		else if (!strcmp(argv[i], "--boot-lzms"))
			o.boot_lzms = 1;
		else {
			fprintf(stderr, "pf-fixture: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	wimlib_global_init(0);
	ret = pf_demo_make_media_opts(argv[2], &o);
	wimlib_global_cleanup();
	return ret ? 1 : 0;
}
