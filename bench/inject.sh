#!/bin/sh
# bench/inject.sh - how fast peforge builds the customized boot.wim, against
# `cp` of the same boot.wim and against `mkwinpeimg --only-wim` on the same
# media, measured in the same run and printed as ratios.  Not a test: run
# it by hand after `make`:   bench/inject.sh [SIZE_MB] [RUNS]
#
# The media are generated: a two-image LZX boot.wim (WinPE + Setup, like
# Microsoft's) whose images hold copies of this machine's shared libraries
# (real machine code compresses like Windows DLLs), about SIZE_MB (default
# 300) of data per image.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
P="$top/peforge"
size_mb=${1:-300}
runs=${2:-3}
command -v wimlib-imagex >/dev/null || { echo "install wimtools" >&2; exit 1; }
command -v mkwinpeimg >/dev/null || { echo "install wimtools (mkwinpeimg)" >&2; exit 1; }
[ -x "$P" ] || { echo "build peforge first (make)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/peforge-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

# ---- media: payload of shared libraries, two images, boot index 2
mkdir -p "$W/pe/Windows/System32" "$W/media/sources" "$W/media/boot"
total=0
for f in $(find /usr/lib /usr/lib64 -name '*.so*' -type f -size +100k 2>/dev/null | sort); do
	cp "$f" "$W/pe/Windows/System32/" 2>/dev/null || continue
	total=$((total + $(stat -c %s "$f")))
	[ "$total" -ge $((size_mb * 1048576)) ] && break
done
printf 'wpeinit\r\n' >"$W/pe/Windows/System32/startnet.cmd"
cp -r "$W/pe" "$W/setup"
echo "setup stand-in" >"$W/setup/setup.exe"
mkdir -p "$W/setup/sources" && echo "setup stand-in" >"$W/setup/sources/setup.exe"
wimlib-imagex capture "$W/pe" "$W/media/sources/boot.wim" "Microsoft Windows PE (amd64)" \
	--compress=LZX --chunk-size=32K >/dev/null
wimlib-imagex append "$W/setup" "$W/media/sources/boot.wim" "Microsoft Windows Setup (amd64)" \
	--boot >/dev/null
for f in bootmgr boot/bcd boot/boot.sdi boot/etfsboot.com; do echo "stand-in $f" >"$W/media/$f"; done
rm -rf "$W/pe" "$W/setup"
printf '@echo off\r\nwpeinit\r\ncmd /k\r\n' >"$W/start.cmd"
cat >"$W/r.lua" <<LUA
return { source = "media", image = 2, start = io.open("$W/start.cmd"):read("a"),
  outputs = { wim = "boot.wim" } }
LUA
wimsize=$(stat -c %s "$W/media/sources/boot.wim")

# median of the wall-clock seconds of RUNS runs of a command
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
timeit() {
	# one run first, whose failure stops the benchmark (a failing command
	# would otherwise be timed as a fast one)
	rm -rf "$W/out"; mkdir "$W/out"
	"$@" >/dev/null 2>"$W/err" || { echo "failed: $*" >&2; cat "$W/err" >&2; exit 1; }
	i=0
	while [ "$i" -lt "$runs" ]; do
		rm -rf "$W/out"; mkdir "$W/out"; sync
		t0=$(now); "$@" >/dev/null 2>&1 || exit 1; t1=$(now)
		echo "$t1 - $t0" | bc -l
		i=$((i + 1))
	done | median
}

t_cp=$(timeit cp "$W/media/sources/boot.wim" "$W/out/boot.wim")
t_pf=$(timeit "$P" -q build "$W/r.lua" -o "$W/out")
t_nv=$(timeit "$P" -q build "$W/r.lua" -o "$W/out" --no-verify)
t_mk=$(timeit mkwinpeimg --only-wim --windows-dir="$W/media" --start-script="$W/start.cmd" "$W/out/boot.wim")

printf 'boot.wim: %.1f MB (two LZX images), %d runs each, median wall-clock seconds\n' \
	"$(echo "$wimsize / 1048576" | bc -l)" "$runs"
printf '  cp of boot.wim            %8.3f s\n' "$t_cp"
printf '  peforge build (wim)       %8.3f s   %6.2f x cp\n' "$t_pf" "$(echo "$t_pf / $t_cp" | bc -l)"
printf '  peforge build --no-verify %8.3f s   %6.2f x cp   (SHA-1 check: %.3f s)\n' \
	"$t_nv" "$(echo "$t_nv / $t_cp" | bc -l)" "$(echo "$t_pf - $t_nv" | bc -l)"
printf '  mkwinpeimg --only-wim     %8.3f s   %6.2f x cp\n' "$t_mk" "$(echo "$t_mk / $t_cp" | bc -l)"
printf '  peforge / mkwinpeimg      %8.3f\n' "$(echo "$t_pf / $t_mk" | bc -l)"
