#!/bin/sh
# fuzz/run.sh TARGET SECONDS - run libFuzzer target fuzz/fuzz-TARGET (built
# by `make fuzz`) for SECONDS over its corpus fuzz/corpus/TARGET (made by
# fuzz/seeds.sh the first time, then grown by the fuzzer), in the build
# folder PF_BUILDDIR (default: the current folder).  Prints one summary
# line: runs, runs per second, coverage (cov: edges, ft: features), corpus
# size, and "ok" or the crashing input, kept in fuzz/artifacts/TARGET/.
# Exits 1 when the target found a crash, a leak or a timeout.
# FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-jobs=2).
set -u
[ $# -eq 2 ] || { echo "usage: $0 TARGET SECONDS" >&2; exit 2; }
t=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
b=${PF_BUILDDIR:-.}
bin=$b/fuzz/fuzz-$t
corpus=$b/fuzz/corpus/$t
art=$b/fuzz/artifacts/$t
log=$b/fuzz/$t.log
[ -x "$bin" ] || { echo "fuzz $t: $bin not built (make fuzz)" >&2; exit 2; }
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
	sh "$here/seeds.sh" "$t" "$corpus" || exit 2
fi
mkdir -p "$art"
# -close_fd_mask=3: the targets' own output (error lines of refused
# inputs) is dropped; libFuzzer's and the sanitizers' reports still show.
"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -close_fd_mask=3 \
	-print_final_stats=1 -artifact_prefix="$art/" ${FUZZ_ARGS:-} "$corpus" \
	</dev/null >"$log" 2>&1
st=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
if [ "$st" -eq 0 ]; then
	res=ok
else
	found=$(ls -t "$art" 2>/dev/null | head -n 1)
	res="FAILED (exit $st${found:+, input $art/$found}; see $log)"
	grep -E 'ERROR: |SUMMARY: |runtime error' "$log" | head -n 5 >&2
fi
echo "fuzz $t: ${runs:-?} runs in ${secs}s (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}: $res"
[ "$st" -eq 0 ]
