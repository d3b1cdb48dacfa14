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

#endif
