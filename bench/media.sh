#!/bin/sh
# bench/media.sh - the benchmark's media: `bench/media.sh DIR MB` makes DIR
# (it must not exist): the stand-in Windows media of tests/pf-fixture whose
# sources/boot.wim grows to about MB MiB (within 3 %) of LZX data, with
# this machine's machine code as content.
#
# The boot.wim keeps the fixture's two images (WinPE and Setup, boot index
# 2, their properties); both get the same payload under
# Windows/System32/bench, as both images of Microsoft's boot.wim share
# their files.  The payload is copies of the shared libraries of
# /usr/lib/x86_64-linux-gnu (or /usr/lib) and of the programs of /usr/bin,
# in a fixed shuffled order (so that any stretch of it compresses alike);
# each pass over them after the first appends a line to every copy, so
# that the WIM cannot store a copy once for all (it would, the files being
# equal).  The fixture's two images are applied to folders, the payload
# added, and the folders captured again (LZX level 20, wimlib's fast LZX:
# the data are real LZX, only made faster) with the fixture's image
# properties; the payload's size comes from the compression ratio of a
# sample.  When the WIM is still short, more payload is added with
# `wimlib-imagex update`; then the WIM is rebuilt (`wimlib-imagex
# optimize`), so it holds no stale metadata.
#
# Needs PF_FIXTURE (the tests/pf-fixture program) and wimlib-imagex.
set -eu
[ $# -eq 2 ] || { echo "usage: bench/media.sh DIR MB" >&2; exit 2; }
dir=$1
mb=$2
case $mb in '' | *[!0-9]*) echo "bench/media.sh: MB must be a number, not '$mb'" >&2; exit 2 ;; esac
F=${PF_FIXTURE:?PF_FIXTURE: the tests/pf-fixture program}
command -v wimlib-imagex >/dev/null || { echo "bench/media.sh: wimlib-imagex missing: install wimtools" >&2; exit 1; }
[ ! -e "$dir" ] || { echo "bench/media.sh: $dir already exists" >&2; exit 1; }

tmp="$dir.tmp-$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
"$F" media "$tmp/m"
wim="$tmp/m/sources/boot.wim"
target=$((mb * 1048576))

# The pool: "SIZE PATH" of each file, in a shuffled order that is the same
# on each run on the same machine (sort -R with a fixed random source).
libs=/usr/lib/x86_64-linux-gnu
[ -d "$libs" ] || libs=/usr/lib
head -c 4096 /dev/zero >"$tmp/seed"
{
	find "$libs" -xdev -type f -name '*.so*' -size +16k -printf '%s %p\n' 2>/dev/null || :
	find /usr/bin -xdev -type f -size +16k -printf '%s %p\n' 2>/dev/null || :
} | LC_ALL=C sort -R --random-source="$tmp/seed" -k 2 >"$tmp/pool"
pool_n=$(wc -l <"$tmp/pool")
[ "$pool_n" -gt 0 ] || { echo "bench/media.sh: no shared library or program found to fill the WIM" >&2; exit 1; }

size() { stat -c %s "$1"; }
pos=0     # the next file of the pool, counting from the start of pass 0
# fill DIR BYTES: copy the next BYTES of the pool into DIR (made); the
# bytes copied in $added
fill() {
	awk -v pos="$pos" -v want="$2" -v n="$pool_n" '
		{ size[NR - 1] = $1; sub(/^[0-9]+ /, ""); path[NR - 1] = $0 }
		END {
			for (got = 0; got < want; pos++) {
				i = pos % n; pass = int(pos / n)
				name = path[i]; sub(/.*\//, "", name)
				printf "%s\t%d-%s\t%d\n", path[i], pos, name, pass
				got += size[i]
			}
			print pos > "/dev/stderr"
		}' "$tmp/pool" >"$tmp/plan" 2>"$tmp/pos"
	pos=$(cat "$tmp/pos")
	mkdir -p "$1"
	added=0
	while IFS='	' read -r src dest pass; do
		cp "$src" "$1/$dest"
		[ "$pass" -eq 0 ] || printf 'peforge bench copy %s\n' "$pass" >>"$1/$dest"
		added=$((added + $(size "$1/$dest")))
	done <"$tmp/plan"
}
# ratio OLD-BYTES NEW-BYTES PAYLOAD-BYTES: WIM bytes per payload byte
ratio() { awk -v o="$1" -v n="$2" -v a="$3" 'BEGIN { r = (n - o) / a; if (r < 0.05) r = 0.05; printf "%.4f", r }'; }
cap="--compress=LZX:20 --chunk-size=32K --threads=$(nproc 2>/dev/null || echo 2)"

# the compression ratio of a sample, the first 16 MiB of the payload (MB
# MiB for small media: the sample must not outgrow the WIM)
sample=16777216
[ "$target" -ge "$sample" ] || sample=$target
fill "$tmp/sample/bench/0" "$sample"
wimlib-imagex capture "$tmp/sample" "$tmp/sample.wim" $cap >/dev/null
ratio=$(ratio 0 "$(size "$tmp/sample.wim")" "$added")

# the two images, with the payload (the sample's files and more)
fixture=$(size "$wim")
for image in 1 2; do
	wimlib-imagex apply "$wim" "$image" "$tmp/img$image" >/dev/null
done
total=$added
fill "$tmp/sample/bench/1" "$(awk -v t="$target" -v f="$fixture" -v r="$ratio" -v a="$added" \
	'BEGIN { printf "%.0f", 0.97 * (t - f) / r - a }')"
total=$((total + added))
mv "$tmp/sample/bench" "$tmp/img1/Windows/System32/bench"
cp -al "$tmp/img1/Windows/System32/bench" "$tmp/img2/Windows/System32/bench"
rm "$wim"
# props N: the fixture's image properties of image N (demo.c's)
props() {
	echo "--image-property WINDOWS/ARCH=9 --image-property WINDOWS/EDITIONID=WindowsPE"
	[ "$1" = 1 ] && echo "--image-property FLAGS=9" || echo "--image-property FLAGS=2"
}
nice -n 10 wimlib-imagex capture "$tmp/img1" "$wim" "Microsoft Windows PE (amd64)" $cap $(props 1) >/dev/null
nice -n 10 wimlib-imagex append "$tmp/img2" "$wim" "Microsoft Windows Setup (amd64)" --boot $(props 2) >/dev/null
rm -rf "$tmp/img1" "$tmp/img2" "$tmp/sample"
# the ratio of the whole payload, for what is still missing
ratio=$(ratio "$fixture" "$(size "$wim")" "$total")

# more payload while the WIM is short (wimlib-imagex update: LZX level 50)
chunk=2
cur=$(size "$wim")
while [ "$cur" -lt $((target - target / 33)) ]; do
	[ "$chunk" -lt 10 ] || { echo "bench/media.sh: the WIM does not grow (at $cur bytes)" >&2; exit 1; }
	rm -rf "$tmp/payload"
	fill "$tmp/payload/$chunk" "$(awk -v t="$target" -v c="$cur" -v r="$ratio" \
		'BEGIN { printf "%.0f", (t - c) / r }')"
	before=$cur
	for image in 1 2; do
		nice -n 10 wimlib-imagex update "$wim" "$image" \
			--command="add '$tmp/payload/$chunk' '/Windows/System32/bench/$chunk'" >/dev/null
	done
	cur=$(size "$wim")
	ratio=$(ratio "$before" "$cur" "$added")
	chunk=$((chunk + 1))
done
rm -rf "$tmp/payload"
nice -n 10 wimlib-imagex optimize "$wim" >/dev/null
wimlib-imagex info "$wim" >"$tmp/info"
grep -q '^Image Count: *2$' "$tmp/info" || { cat "$tmp/info" >&2; echo "bench/media.sh: not two images" >&2; exit 1; }
grep -q '^Boot Index: *2$' "$tmp/info" || { cat "$tmp/info" >&2; echo "bench/media.sh: boot index is not 2" >&2; exit 1; }
mv "$tmp/m" "$dir"
