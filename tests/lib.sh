# tests/lib.sh - helpers for the shell tests (sourced).
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
pass_count=0
ok() { pass_count=$((pass_count + 1)); echo "ok $pass_count - $*"; }
# expect_exit CODE CMD...: run CMD, its stderr in $T/err and stdout in $T/out
expect_exit() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat "$T/err" >&2; fail "$*: exit $got, want $want"; }
}
# one_error_line: stderr has exactly one line and it is an error line
one_error_line() {
	n=$(wc -l <"$T/err")
	[ "$n" -eq 1 ] || { cat "$T/err" >&2; fail "want one error line, got $n"; }
	grep -q '^peforge: .*error: ' "$T/err" || { cat "$T/err" >&2; fail "not an error line"; }
}
T=$(mktemp -d "${TMPDIR:-/tmp}/peforge-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# need_plugin NAME...: skip the test (exit 77) unless every named plugin
# was built (configure --disable-X or a missing library leaves one out).
need_plugin() {
	for p in "$@"; do
		[ -e "${PF_PLUGINS_BUILT:?}/$p.so" ] || {
			echo "SKIP: plugin $p was not built (configure left it out)"
			exit 77
		}
	done
}
