#!/bin/sh
# bench/run.sh - peforge's benchmark suite, run by `make bench` (not part of
# `make check`; docs/performance.md has the figures and how to read them).
#
# It makes its own media (bench/media.sh: the fixture's stand-in media with
# a two-image LZX boot.wim of real machine code, SMALL_MB and LARGE_MB big,
# kept in BENCH_CACHE so that reruns are fast), runs every case RUNS times,
# the cases of a comparison taking turns (A B A B ...) so that both see the
# same load, and prints one table: the case, its median wall-clock seconds,
# the baseline and its median measured in the same run, the ratio, the
# goal (docs/performance.md), whether it is met, and peforge's peak memory
# (the maximum resident set of the runs, from /usr/bin/time -f %M).
#
# Environment (make passes its command-line variables, e.g.
# `make bench BENCH_RUNS=3`):
#   BENCH_RUNS      runs of each case (default 5; the medians are of these)
#   BENCH_SMOKE=1   one run, small media (10 and 20 MiB), 1,000 machines, a
#                   small INF: checks that every case runs (CI)
#   BENCH_CACHE     where the generated media are kept (default
#                   bench-cache in the build tree)
#   BENCH_SMALL_MB, BENCH_LARGE_MB  the sizes of the two boot.wim (default
#                   200 and 1024)
#   PEFORGE, PF_FIXTURE, PF_SRCDIR, PF_BUILDDIR  as for the tests
#
# The cases of other scripts: bench/inplace.sh (case 3) and bench/net.sh
# (case 7) run when they exist, with the environment above and
# BENCH_MEDIA_SMALL, BENCH_MEDIA_LARGE (the media folders, each with
# sources/boot.wim) and BENCH_WORK (a scratch folder).  A line of their
# output of the form
#   row|CASE|MEDIAN|BASELINE|BASELINE-MEDIAN|RATIO|GOAL|MET|PEAK-MIB
# is a row of the table; their other lines are printed after the table.
# Exit status 77 means the case cannot run here (their last line says
# why); any other failure fails the suite.
#
# Exit status: 0 when every case ran (a goal not met is not a failure),
# 1 when a command failed (its output is printed).
set -eu
src=${PF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${PF_BUILDDIR:-$PWD}
P=${PEFORGE:-$build/peforge}
PF_FIXTURE=${PF_FIXTURE:-$build/tests/pf-fixture}
INF_TIME=${PF_INF_TIME:-$build/bench/inf-time}
smoke=${BENCH_SMOKE:-0}
[ "$smoke" = 1 ] || smoke=0
if [ "$smoke" = 1 ]; then
	runs=1 small_mb=${BENCH_SMALL_MB:-10} large_mb=${BENCH_LARGE_MB:-20}
	machines=1000 inf_n=20000
else
	runs=${BENCH_RUNS:-5} small_mb=${BENCH_SMALL_MB:-200} large_mb=${BENCH_LARGE_MB:-1024}
	machines=10000 inf_n=100000
fi
cache=${BENCH_CACHE:-$build/bench-cache}
case $runs in '' | *[!0-9]* | 0) echo "bench: BENCH_RUNS must be a number above 0, not '$runs'" >&2; exit 1 ;; esac
for t in "$P" "$PF_FIXTURE" "$INF_TIME"; do
	[ -x "$t" ] || { echo "bench: $t missing: run make bench (it builds it)" >&2; exit 1; }
done
for t in wimlib-imagex genisoimage; do
	command -v $t >/dev/null || { echo "bench: $t missing: run tools/install-deps.sh" >&2; exit 1; }
done
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=
export PEFORGE="$P" PF_FIXTURE PF_SRCDIR="$src" PF_BUILDDIR="$build" BENCH_SMOKE="$smoke"
export BENCH_RUNS="$runs" BENCH_CACHE="$cache" BENCH_SMALL_MB="$small_mb" BENCH_LARGE_MB="$large_mb"

W=$(mktemp -d "${TMPDIR:-/tmp}/peforge-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$cache" "$W/t"
: >"$W/rows"
: >"$W/notes"
status=0

# ---- the media: made once per size, kept in the cache --------------------
# media MB: the folder of the media of MB MiB (made when missing)
media() {
	m="$cache/media-$1"
	if [ ! -f "$m/sources/boot.wim" ]; then
		echo "bench: making the media with a $1 MiB boot.wim in $m (once; slow)" >&2
		rm -rf "$m"
		sh "$src/bench/media.sh" "$m" "$1" >&2
	fi
	echo "$m"
}
# iso_of DIR: an ISO file of the media DIR (UDF and Joliet, as Microsoft's),
# made when missing
iso_of() {
	if [ ! -f "$1.iso" ]; then
		genisoimage -quiet -udf -J -joliet-long -iso-level 3 -o "$1.iso.tmp" "$1" 2>"$W/err" \
			|| { cat "$W/err" >&2; exit 1; }
		mv "$1.iso.tmp" "$1.iso"
	fi
	echo "$1.iso"
}
small=$(media "$small_mb")
large=$(media "$large_mb")
small_iso=$(iso_of "$small")
export BENCH_MEDIA_SMALL="$small" BENCH_MEDIA_LARGE="$large" BENCH_WORK="$W/x"
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }

# ---- measuring -------------------------------------------------------------
# The recipes are $W/NAME.lua; a case is KIND:ARG, see run_one.
START='@echo off\r\nwpeinit\r\ncmd /k\r\n'
printf '@echo off\r\nwpeinit\r\ncmd /k\r\n' >"$W/start.cmd"
# recipe NAME SOURCE OUTPUTS: $W/NAME.lua
recipe() {
	printf 'return { source = "%s", start = "%s",\n  outputs = { %s } }\n' "$2" "$START" "$3" >"$W/$1.lua"
}

now() { date +%s.%N; }
# run_one TAG KIND:ARG: one run of a case in a fresh $W/out; its seconds
# are added to $W/t/TAG.s, its peak memory (KiB) to $W/t/TAG.m.  KIND:ARG
# is build:NAME (peforge build of $W/NAME.lua), nv:NAME (the same with
# --no-verify: no SHA-1 check of the source WIM's resources), dd:FILE (the baseline: an
# fsync'd copy of FILE's bytes) or mk:DIR (wimlib's mkwinpeimg --iso of the
# media DIR).  A failure stops the suite with the command's output.
run_one() {
	tag=$1
	arg=${2#*:}
	case $2 in
	build:*) set -- "$P" -q build "$W/$arg.lua" -o "$W/out" ;;
	nv:*) set -- "$P" -q build "$W/$arg.lua" -o "$W/out" --no-verify ;;
	dd:*) set -- dd if="$arg" of="$W/out/copy" bs=1M conv=fsync status=none ;;
	mk:*) set -- mkwinpeimg --iso --windows-dir="$arg" --start-script="$W/start.cmd" "$W/out/winpe.iso" ;;
	*) echo "bench: unknown case $2" >&2; exit 1 ;;
	esac
	rc=0
	rm -rf "$W/out"
	mkdir "$W/out"
	sync
	t0=$(now)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$W/mem" "$@" >"$W/log" 2>&1 || rc=$?
	else
		"$@" >"$W/log" 2>&1 || rc=$?
	fi
	t1=$(now)
	if [ "$rc" -ne 0 ]; then
		echo "bench: failed ($tag): $*" >&2
		cat "$W/log" >&2
		exit 1
	fi
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }' >>"$W/t/$tag.s"
	if [ -n "$TIME" ]; then tail -n 1 "$W/mem" >>"$W/t/$tag.m"; fi
}
# measure TAG:KIND:ARG...: RUNS rounds, each running every case once, in
# turn
measure() {
	i=0
	while [ "$i" -lt "$runs" ]; do
		for c in "$@"; do
			run_one "${c%%:*}" "${c#*:}"
		done
		i=$((i + 1))
	done
}
med() { sort -n "$W/t/$1.s" | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] }'; }
peak() { [ -s "$W/t/$1.m" ] && sort -n "$W/t/$1.m" | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }' || echo "n/a"; }
# row CASE MEDIAN BASELINE BASELINE-MEDIAN RATIO GOAL MET PEAK
row() { printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$@" >>"$W/rows"; }
# ratio A B: A / B, as "1.23x"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# met VALUE OP LIMIT: yes, no, or n/a when VALUE is not a number
met() { awk -v v="${1%x}" -v l="$3" -v op="$2" 'BEGIN {
	if (v !~ /^[0-9]+(\.[0-9]*)?$/) { print "n/a"; exit }
	ok = op == "<=" ? v + 0 <= l + 0 : v + 0 >= l + 0; print ok ? "yes" : "no" }'; }
# compare CASE TAG BASE-NAME BASE-TAG GOAL-LIMIT: a row of TAG against BASE-TAG
compare() {
	r=$(ratio "$(med "$2")" "$(med "$4")")
	row "$1" "$(med "$2")" "$3" "$(med "$4")" "$r" "<= $5x" "$(met "$r" '<=' "$5")" "$(peak "$2")"
}
# warm FILE...: read the files into the page cache, as for every case
warm() { cat "$@" >/dev/null; }

echo "bench: $runs run(s) of each case; media of $small_mb and $large_mb MiB in $cache" >&2

# ---- 1, 2, 4: ISO, WIM and all outputs, small media ------------------------
sw=$(mib "$small/sources/boot.wim")
recipe iso_dir "$small" 'iso = "winpe.iso"'
recipe iso_iso "$small_iso" 'iso = "winpe.iso"'
recipe wim "$small" 'wim = "boot.wim"'
recipe all "$small" 'wim = "boot.wim", iso = "winpe.iso", disk = "winpe.img", pxe = { dir = "tftp", loader = "pxelinux" }'
warm "$small/sources/boot.wim" "$small_iso"
# one unmeasured run of each: it must work, and its ISO is the baseline's
run_one check build:iso_dir
cp "$W/out/winpe.iso" "$W/ref.iso"
run_one check build:iso_iso
run_one check build:wim
run_one check build:all
mkwinpe=
if command -v mkwinpeimg >/dev/null && command -v mkisofs >/dev/null; then
	if (run_one mkcheck "mk:$small") 2>"$W/mk.err"; then
		mkwinpe="mk:mk:$small"
	fi
fi
measure iso_dir:build:iso_dir "dd_iso:dd:$W/ref.iso" iso_iso:build:iso_iso ${mkwinpe:+"$mkwinpe"} \
	wim:build:wim "dd_wim:dd:$small/sources/boot.wim" all:build:all \
	iso_nv:nv:iso_dir wim_nv:nv:wim

compare "1 ISO from a media folder, $sw MiB WIM" iso_dir "dd fsync, ISO bytes" dd_iso 1.5
if [ -n "$mkwinpe" ]; then
	compare "1 ISO from a media folder" iso_dir "mkwinpeimg --iso" mk 0.25
else
	why="wimlib's mkwinpeimg is not installed (wimtools) or has no mkisofs"
	[ ! -s "$W/mk.err" ] || why="mkwinpeimg --iso failed here: $(grep -v '^$' "$W/mk.err" | tail -n 1)"
	row "1 ISO from a media folder" "$(med iso_dir)" "mkwinpeimg --iso" "n/a" "n/a" "<= 0.25x" "n/a" "$(peak iso_dir)"
	echo "case 1: mkwinpeimg --iso: n/a: $why" >>"$W/notes"
fi
compare "1 ISO from an ISO file, $sw MiB WIM" iso_iso "dd fsync, ISO bytes" dd_iso 1.5
echo "case 1: mkwinpeimg against the ISO file: n/a: wimlib's mkwinpeimg reads a folder only (the ISO mounted)" >>"$W/notes"
compare "2 WIM only, $sw MiB WIM" wim "dd fsync, boot.wim" dd_wim 1.2
# the cost of the SHA-1 check of the source WIM (#12): the same without it
compare "1 ISO, --no-verify, $sw MiB WIM" iso_nv "dd fsync, ISO bytes" dd_iso 1.5
compare "2 WIM only, --no-verify, $sw MiB WIM" wim_nv "dd fsync, boot.wim" dd_wim 1.2
compare "4 all outputs (wim iso disk pxe), $sw MiB" all "ISO alone (case 1)" iso_dir 2.5

# ---- 2 and 5 at the large size ----------------------------------------------
lw=$(mib "$large/sources/boot.wim")
recipe wim_l "$large" 'wim = "boot.wim"'
recipe all_l "$large" 'wim = "boot.wim", iso = "winpe.iso", disk = "winpe.img", pxe = { dir = "tftp", loader = "pxelinux" }'
warm "$large/sources/boot.wim"
run_one check build:wim_l
measure wim_l:build:wim_l "dd_wim_l:dd:$large/sources/boot.wim"
compare "2 WIM only, $lw MiB WIM" wim_l "dd fsync, boot.wim" dd_wim_l 1.2
# all outputs at the large size: once, for its peak memory
run_one all_l build:all_l

# ---- 3: in-place injection (bench/inplace.sh) ------------------------------
# extern CASE SCRIPT: run bench/SCRIPT when it exists
extern() {
	if [ ! -f "$src/bench/$2" ]; then
		row "$1" "n/a" "n/a: bench/$2 missing" "" "" "" "" ""
		return 0
	fi
	rm -rf "$W/x" && mkdir "$W/x"
	rc=0
	sh "$src/bench/$2" >"$W/ext.out" 2>"$W/ext.err" || rc=$?
	if [ "$rc" -eq 77 ]; then
		row "$1" "n/a" "n/a: $(cat "$W/ext.out" "$W/ext.err" | grep -v '^$' | tail -n 1)" "" "" "" "" ""
		return 0
	fi
	if [ "$rc" -ne 0 ]; then
		echo "bench: bench/$2 failed (exit $rc):" >&2
		cat "$W/ext.out" "$W/ext.err" >&2
		row "$1" "FAILED" "bench/$2: exit $rc" "" "" "" "" ""
		status=1
		return 0
	fi
	grep '^row|' "$W/ext.out" | cut -d '|' -f 2- >>"$W/rows" || :
	if grep -qv '^row|' "$W/ext.out"; then
		echo "bench/$2:" >>"$W/notes"
		grep -v '^row|' "$W/ext.out" | sed 's/^/  /' >>"$W/notes"
	fi
}
extern "3 in-place injection, no output" inplace.sh

# ---- 5: peak memory at both sizes --------------------------------------------
# the largest peak of every peforge run at a size
peak_of() { cat "$@" 2>/dev/null | sort -n | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'; }
if [ -n "$TIME" ]; then
	for s in small large; do
		if [ $s = small ]; then
			p=$(peak_of "$W/t/iso_dir.m" "$W/t/iso_iso.m" "$W/t/wim.m" "$W/t/all.m") mb=$sw
		else
			p=$(peak_of "$W/t/wim_l.m" "$W/t/all_l.m") mb=$lw
		fi
		row "5 peak memory, $mb MiB WIM (any case)" "" "" "" "" "< 64 MiB" "$(met "$p" '<=' 64)" "$p"
	done
else
	row "5 peak memory" "n/a" "n/a: /usr/bin/time missing (install time)" "" "" "" "" ""
fi

# ---- 6: per-machine answer files (bench/unattend.sh) -----------------------
sh "$src/bench/unattend.sh" "$machines" "$runs" >"$W/ua.out" 2>"$W/ua.err" \
	|| { cat "$W/ua.out" "$W/ua.err" >&2; echo "bench: bench/unattend.sh failed" >&2; exit 1; }
# its lines: "peforge pe.machines: S s, R answer files/s ..." and
# "baseline ...: S s, R answer files/s ..."
ua_s=$(sed -n 's/^peforge pe.machines: \([0-9.]*\) s, \([0-9]*\) answer files\/s.*/\1/p' "$W/ua.out")
ua_r=$(sed -n 's/^peforge pe.machines: \([0-9.]*\) s, \([0-9]*\) answer files\/s.*/\2/p' "$W/ua.out")
ub_s=$(sed -n 's/^baseline [^:]*: \([0-9.]*\) s, .*/\1/p' "$W/ua.out")
if [ -n "$ua_s" ] && [ -n "$ua_r" ]; then
	row "6 answer files, $machines machines: $ua_r/s" "$ua_s" "string.format loop" "${ub_s:-n/a}" \
		"$(ratio "$ua_s" "${ub_s:-0}")" ">= 10000/s" "$(met "$ua_r" '>=' 10000)" ""
else
	row "6 answer files, $machines machines" "see below" "" "" "" ">= 10000/s" "" ""
fi
echo "bench/unattend.sh $machines $runs:" >>"$W/notes"
sed 's/^/  /' "$W/ua.out" >>"$W/notes"

# ---- 7: the network lab (bench/net.sh) -------------------------------------
extern "7 network: TFTP, HTTP, SMB" net.sh

# ---- 8: the INF parser, n and 4n sections (the fastest of RUNS runs) -------
"$INF_TIME" "$inf_n" "$runs" >"$W/inf1"
"$INF_TIME" $((inf_n * 4)) "$runs" >"$W/inf4"
i1=$(cut -f 3 "$W/inf1")
i4=$(cut -f 3 "$W/inf4")
r=$(ratio "$i4" "$i1")
row "8 INF parse, $((inf_n * 4)) sections/disks/files" "$i4" "the same, $inf_n" "$i1" "$r" "<= 5x (linear: 4x)" \
	"$(met "$r" '<=' 5)" ""

# ---- the table ---------------------------------------------------------------
echo
printf 'peforge benchmark: %s runs, medians of wall-clock seconds, %s\n' "$runs" \
	"$([ "$smoke" = 1 ] && echo "SMOKE RUN (small media: the goals do not apply)" || echo "$(date -u '+%Y-%m-%d %H:%M UTC')")"
printf '%-45s %8s  %-26s %8s %7s %-18s %-4s %8s\n' case "median s" baseline "base s" ratio goal met "peak MiB"
# the rows in the order of their case numbers
sort -s -t '|' -k 1,1n "$W/rows" |
	awk -F '|' '{ printf "%-45s %8s  %-26s %8s %7s %-18s %-4s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
if [ -s "$W/notes" ]; then
	echo
	cat "$W/notes"
fi
exit "$status"
