/* core/demo.h - stand-in Windows media for the demo and the tests. */
#ifndef PEFORGE_CORE_DEMO_H
#define PEFORGE_CORE_DEMO_H

/*
 * Create DIR (which must not exist) holding a stand-in Windows installation
 * tree: the boot files as labelled text stand-ins (no Microsoft file) and
 * sources/boot.wim made with wimlib, with two images like the real one:
 * 1 "Microsoft Windows PE (amd64)" and 2 "Microsoft Windows Setup (amd64)",
 * boot index 2, LZX, WINDOWS/ARCH 9.  The tree is built beside DIR and
 * renamed into place, so DIR is whole or absent.  Errors are logged.
 */
int pf_demo_make_media(const char *dir);

/* Variants of the stand-in media, for the tests' fixtures. */
struct pf_demo_opts {
	const char *arch;       /* "amd64" (default), "x86" or "arm64" */
	const char *install;    /* NULL (none), "wim", "esd" (LZMS solid), "swm" */
	const char *install_arch; /* install images' arch (default: arch) */
	int upper_case;         /* names in upper case: BOOT/BCD, SOURCES/BOOT.WIM */
	int one_image;          /* boot.wim with only the WinPE image */
	int boot_lzms;          /* boot.wim compressed with LZMS (solid) */
};

/* pf_demo_make_media with variants (OPTS may be NULL). */
int pf_demo_make_media_opts(const char *dir, const struct pf_demo_opts *opts);

#endif
