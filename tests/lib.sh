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
	# stdout that is an answer file (peforge unattend without -o) or a
	# binary image (mkwinpeimg --iso -: it holds NUL bytes) is the product
	# asked for, not a message: left out
	if ! head -c 5 "$T/out" | grep -q '^<?xml' &&
	   [ "$(head -c 65536 "$T/out" | tr -d '\000' | wc -c)" -eq \
	     "$(head -c 65536 "$T/out" | wc -c)" ]; then
		transcript "$T/out"
	fi
	transcript "$T/err"
	[ "$got" -eq "$want" ] || { cat "$T/err" >&2; fail "$*: exit $got, want $want"; }
}
# The tests' transcripts (make check sets PF_TRANSCRIPTS): what peforge
# printed in each expect_exit, the logs of its runs, and the passwords the
# tests used, for tests/secrets.test (no password on stdout, stderr or in
# a log).  transcript FILE...: append the first MiB of each FILE.
# Each test's files start empty in each run: tests/transcripts/NAME.txt
# and NAME.secrets.
pf_transcript=
if [ -n "${PF_TRANSCRIPTS:-}" ]; then
	pf_transcript="$PF_TRANSCRIPTS/$(basename "$0" .test)"
	mkdir -p "$PF_TRANSCRIPTS" && rm -f "$pf_transcript.txt" "$pf_transcript.secrets"
fi
transcript() {
	[ -n "$pf_transcript" ] || return 0
	for f in "$@"; do
		[ -f "$f" ] && head -c 1048576 "$f" >>"$pf_transcript.txt"
	done
	return 0
}
# secret_used PASSWORD...: a password this test used (generated ones too)
secret_used() {
	[ -n "$pf_transcript" ] || return 0
	for s in "$@"; do printf '%s\n' "$s" >>"$pf_transcript.secrets"; done
}
# keep_logs: the *.log files under $T (logs of the runs and of the output
# trees) and the stderr files left there (err, err1, *.err) join the
# transcript; run at exit by the default trap.
keep_logs() {
	[ -n "$pf_transcript" ] && [ -d "${T:-}" ] || return 0
	find "$T" -type f \( -name '*.log' -o -name '*.err' -o -name 'err' -o -name 'err[0-9]*' \) \
		2>/dev/null | while read -r f; do transcript "$f"; done
}
# one_error_line: stderr has exactly one line and it is an error line
one_error_line() {
	n=$(wc -l <"$T/err")
	[ "$n" -eq 1 ] || { cat "$T/err" >&2; fail "want one error line, got $n"; }
	grep -q '^peforge: .*error: ' "$T/err" || { cat "$T/err" >&2; fail "not an error line"; }
}
T=$(mktemp -d "${TMPDIR:-/tmp}/peforge-test.XXXXXX")
trap 'keep_logs; rm -rf "$T"' EXIT
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
