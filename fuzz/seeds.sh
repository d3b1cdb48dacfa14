#!/bin/sh
# fuzz/seeds.sh TARGET DIR - write the seed corpus of fuzz target TARGET
# (inf, lint, iso, recipe) into DIR, from the tests' fixtures:
#   inf     the INF files of tests/drivers.test (its <<'INF' here-documents),
#           each also in UTF-16LE and UTF-8 with byte order marks, and with
#           CRLF line ends
#   lint    the answer files of tests/golden/*.xml
#   iso     tiny images made here: ISO 9660 with Joliet and Rock Ridge
#           (xorriso), plain ISO 9660 and UDF (genisoimage), over a small
#           tree like install media
#   recipe  tests/recipes/*.lua, tests/unattend/*.lua, scripts/recipes/*.lua
#           and a recipe with `--D KEY=VALUE` definitions
# Nothing binary is kept in the repository: the seeds are made at run time.
# PF_SRCDIR is the source tree (default: the folder above this script).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 TARGET DIR" >&2; exit 2; }
t=$1
out=$2
src=${PF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
mkdir -p "$out"

case $t in
inf)
	awk -v out="$out" '
		/<<.INF.$/ { n++; f = sprintf("%s/drivers-%d.inf", out, n); inside = 1; next }
		inside && /^INF$/ { inside = 0; close(f); next }
		inside { print > f }' "$src/tests/drivers.test"
	for f in "$out"/drivers-*.inf; do
		b=${f%.inf}
		{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$f"; } >"$b-utf16le.inf"
		{ printf '\357\273\277'; sed 's/$/\r/' "$f"; } >"$b-utf8-crlf.inf"
	done
	printf '[Version\r\nClass=Net\r\n' >"$out/malformed.inf"
	;;
lint)
	cp "$src"/tests/golden/*.xml "$out/"
	;;
iso)
	tree=$(mktemp -d)
	trap 'rm -rf "$tree"' EXIT
	mkdir -p "$tree/sources" "$tree/boot/fonts" "$tree/efi/microsoft/boot"
	printf 'boot.wim stand-in\n' >"$tree/sources/boot.wim"
	printf 'bootmgr\n' >"$tree/bootmgr"
	printf 'font\n' >"$tree/boot/fonts/wgl4_boot.ttf"
	printf 'bcd\n' >"$tree/efi/microsoft/boot/BCD"
	head -c 5000 /dev/zero | tr '\0' 'x' >"$tree/sources/install.txt"
	if command -v xorriso >/dev/null 2>&1; then
		xorriso -as mkisofs -quiet -no-pad -J -R -V PF_FUZZ -o "$out/joliet.iso" "$tree" \
			2>/dev/null
	fi
	if command -v genisoimage >/dev/null 2>&1; then
		genisoimage -quiet -no-pad -V PF_FUZZ -o "$out/plain.iso" "$tree" 2>/dev/null
		genisoimage -quiet -no-pad -udf -J -V PF_FUZZ -o "$out/udf.iso" "$tree" 2>/dev/null
	fi
	ls "$out"/*.iso >/dev/null 2>&1 || { echo "$0: no xorriso or genisoimage" >&2; exit 1; }
	;;
recipe)
	for f in "$src"/tests/recipes/*.lua "$src"/tests/unattend/*.lua \
		"$src"/scripts/recipes/*.lua; do
		cp "$f" "$out/$(basename "$(dirname "$f")")-$(basename "$f")"
	done
	cat >"$out/defines.lua" <<'LUA'
--D outputs.wim.path=boot.wim
--D keep_setup=yes
return { source = "media", outputs = { wim = { path = "x.wim" }, samba = { path = "s" } },
	start = { netuse = { server = "10.0.0.5", share = "deploy" } } }
LUA
	;;
*)
	echo "$0: unknown target '$t' (inf, lint, iso, recipe)" >&2
	exit 2
	;;
esac
