#!/bin/sh
# bench/inplace.sh - what an in-place update costs (`inplace = true` and no
# outputs: a few files injected into a bare boot.wim where it is), on a
# 1 GB WIM against a 200 MB one, measured in the same run.  The update
# appends, so its time should follow the size of the change, not of the
# WIM: the goal is a ratio 1GB/200MB of at most 1.5.  Not a test: run it
# by hand after `make` (or through `make bench`):
#
#     bench/inplace.sh
#
# Environment:
#   BENCH_RUNS        timed runs per WIM (default 5); the median is printed
#   BENCH_WIM_SMALL   a WIM to use as the small one (default: generated,
#   BENCH_WIM_LARGE   and the large one             BENCH_SMALL_MB / BENCH_LARGE_MB)
#   BENCH_SMALL_MB    size of the generated small WIM in MB (default 200)
#   BENCH_LARGE_MB    size of the generated large WIM in MB (default 1024)
#   BENCH_COMPRESS    compression of the generated WIMs (default none: the
#                     data is random, so compressing it only slows the
#                     generation; the update appends in the WIM's own type)
#   PEFORGE           the peforge program (default: the build tree's)
#
# The given WIMs are copied first (the update changes the file it works on).
# The generated ones hold one bootable image of random data in 128 KiB
# files (so a 1 GB WIM has five times the files, and metadata, of a 200 MB
# one, as real images do).  Every run injects the same three small files
# plus one holding the run's number, into the boot image of the same WIM
# (runs follow each other on the same file, as repeated updates of a WIM on
# a share do), after one untimed run.  Prints, for the harness:
#
#     inplace 200MB 0.41s
#     inplace 1024MB 0.45s
#     ratio 1.10
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
P=${PEFORGE:-$top/peforge}
runs=${BENCH_RUNS:-5}
small_mb=${BENCH_SMALL_MB:-200}
large_mb=${BENCH_LARGE_MB:-1024}
compress=${BENCH_COMPRESS:-none}
command -v wimlib-imagex >/dev/null || { echo "install wimtools (wimlib-imagex)" >&2; exit 1; }
[ -x "$P" ] || { echo "build peforge first (make)" >&2; exit 1; }
case $runs in '' | *[!0-9]* | 0) echo "BENCH_RUNS: a positive number, not '$runs'" >&2; exit 1 ;; esac
W=$(mktemp -d "${TMPDIR:-/tmp}/peforge-bench-inplace.XXXXXX")
trap 'rm -rf "$W"' EXIT

# genwim MB FILE: a one-image bootable WIM of MB megabytes of random data
genwim() {
	rm -rf "$W/tree"
	mkdir -p "$W/tree/Windows/System32"
	head -c $(($1 * 1048576)) /dev/urandom | (cd "$W/tree/Windows/System32" && split -a 5 -b 128k - f)
	printf 'wpeinit\r\n' >"$W/tree/Windows/System32/startnet.cmd"
	wimlib-imagex capture "$W/tree" "$2" "Microsoft Windows PE (amd64)" --boot \
		--compress="$compress" >/dev/null
	rm -rf "$W/tree"
}

# getwim VAR MB FILE: FILE from the environment variable VAR (copied), else made
getwim() {
	eval "given=\${$1:-}"
	if [ -n "$given" ]; then
		[ -f "$given" ] || { echo "$1: no such file: $given" >&2; exit 1; }
		cp "$given" "$3"
	else
		genwim "$2" "$3"
	fi
}

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# timeit WIM: median wall-clock seconds of RUNS in-place updates of WIM
timeit() {
	i=0
	: >"$W/times"
	while [ "$i" -le "$runs" ]; do
		cat >"$W/r.lua" <<EOF
return { source = "$1", inplace = true, image = "boot",
  files = { ["Windows/System32/peforge-a.txt"] = "a\r\n",
            ["Windows/System32/peforge-b.txt"] = string.rep("b", 4096),
            ["Windows/System32/peforge-c.txt"] = string.rep("c\r\n", 10000),
            ["Windows/System32/peforge-run.txt"] = "run $i\r\n" } }
EOF
		t0=$(now)
		"$P" -q build "$W/r.lua" >/dev/null 2>"$W/err" || {
			echo "failed: peforge build (in place) of $1" >&2; cat "$W/err" >&2; exit 1; }
		t1=$(now)
		# the first run is not timed (cold caches of peforge's own files)
		[ "$i" -eq 0 ] || echo "$t1 - $t0" | bc -l >>"$W/times"
		i=$((i + 1))
	done
	median <"$W/times"
}

# under bench/run.sh: the suite's media (their boot.wim) unless told otherwise
[ -n "${BENCH_WIM_SMALL:-}" ] || [ -z "${BENCH_MEDIA_SMALL:-}" ] || BENCH_WIM_SMALL=$BENCH_MEDIA_SMALL/sources/boot.wim
[ -n "${BENCH_WIM_LARGE:-}" ] || [ -z "${BENCH_MEDIA_LARGE:-}" ] || BENCH_WIM_LARGE=$BENCH_MEDIA_LARGE/sources/boot.wim
getwim BENCH_WIM_SMALL "$small_mb" "$W/small.wim"
getwim BENCH_WIM_LARGE "$large_mb" "$W/large.wim"
s_mb=$(($(stat -c %s "$W/small.wim") / 1048576))
l_mb=$(($(stat -c %s "$W/large.wim") / 1048576))
timeit "$W/small.wim" >"$W/t_s"
timeit "$W/large.wim" >"$W/t_l"
t_s=$(cat "$W/t_s")
t_l=$(cat "$W/t_l")
wimlib-imagex verify "$W/large.wim" >/dev/null 2>&1 || { echo "the updated large WIM does not verify" >&2; exit 1; }
printf 'inplace %dMB %.3fs\n' "$s_mb" "$t_s"
printf 'inplace %dMB %.3fs\n' "$l_mb" "$t_l"
ratio=$(echo "$t_l / $t_s" | bc -l)
printf 'ratio %.2f\n' "$ratio"
# a row of bench/run.sh's table
met=$(echo "$ratio <= 1.5" | bc -l | sed 's/^1$/yes/; s/^0$/no/')
printf 'row|3 in-place injection, no output, %d MiB WIM|%.3f|the same, %d MiB WIM|%.3f|%.2fx|<= 1.5x|%s|\n' \
	"$l_mb" "$t_l" "$s_mb" "$t_s" "$ratio" "$met"
