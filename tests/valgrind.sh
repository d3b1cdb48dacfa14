#!/bin/sh
# tests/valgrind.sh PROGRAM [ARGS...] - run a Check suite under valgrind's
# memcheck for `make check-valgrind`: in this process (CK_FORK=no, so the
# tests' own memory is checked, not a forked child's), failing (exit 1) on
# any memory error or any definite or indirect leak.  tests/valgrind.supp
# silences only known reports of third-party libraries.  VALGRIND may name
# another valgrind binary.
CK_FORK=no
export CK_FORK
exec ${VALGRIND:-valgrind} --tool=memcheck --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
	--suppressions="${PF_SRCDIR:-.}/tests/valgrind.supp" --num-callers=30 \
	--track-origins=no -q "$@"
