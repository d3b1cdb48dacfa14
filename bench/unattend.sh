#!/bin/sh
# bench/unattend.sh - how many per-machine answer files per second
# pe.machines produces for a generated inventory (default 10,000 machines),
# against a baseline measured in the same run: a plain string.format
# template loop in the same Lua (what a hand-written generator does:
# substitute the name and the OU into one fixed text, no XML tree, no
# checks).  Not a test: run it by hand after `make`:
#
#     bench/unattend.sh [MACHINES] [RUNS]      (RUNS: also BENCH_RUNS)
#
# Each peforge file is built with libxml2 from the machine's resolved
# options, linted, validated against the XSD and serialized (ASCII, CRLF).
# The inventory: mac, serial, name, room; one rule (room = "lab": a domain
# join in an OU made from the room) and a %name% template, so every file
# differs.  Timings are the median wall-clock of RUNS runs (default 3) of
# `peforge unattend RECIPE` (which runs the recipe, so builds every file).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
P=${PEFORGE:-$top/peforge}
n=${1:-10000}
runs=${2:-${BENCH_RUNS:-3}}
[ -x "$P" ] || { echo "build peforge first (make)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/peforge-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

awk -v n="$n" 'BEGIN {
	print "mac,serial,name,room"
	split("lab office hall", rooms, " ")
	for (i = 0; i < n; i++)
		printf "52:54:%02x:%02x:%02x:%02x,SN%07d,PC-%06d,%s\n", int(i / 16777216) % 256,
			int(i / 65536) % 256, int(i / 256) % 256, i % 256, i, i, rooms[i % 3 + 1]
}' >"$W/inventory.csv"

cat >"$W/machines.lua" <<'EOF'
local pe = require "peforge"
local m = pe.machines {
  unattend = { time_zone = "UTC", accounts = { { name = "admin", password = "S3cret!" } } },
  inventory = "inventory.csv",
  defaults = { computer_name = "%name%" },
  rules = { { room = "lab", set = { domain = { name = "lab.example", ou = "OU=%room%,DC=lab",
    user = "joiner", password = "J0in!" } } } },
}
local files = 0
for _ in pairs(m.files) do files = files + 1 end
return { unattend = string.format("%d %d\n", m.count, files) }
EOF

# The baseline: one answer file made by pe.unattend as the template, the
# machine's values put in with string.format, in a loop over the CSV.
cat >"$W/baseline.lua" <<'EOF'
local pe = require "peforge"
local t = pe.unattend { time_zone = "UTC", computer_name = "NAME-TEMPLATE",
  accounts = { { name = "admin", password = "S3cret!" } } }.text
local tmpl = t:gsub("%%", "%%%%"):gsub("NAME%-TEMPLATE", "%%s")
local files, n = {}, 0
local f = assert(io.open("inventory.csv"))
f:read("l")
for line in f:lines() do
  local mac, _, name, room = line:match("^([^,]*),([^,]*),([^,]*),([^,]*)$")
  local text = string.format(tmpl, name)
  if room == "lab" then
    text = text:gsub("</settings>", "<!-- OU=" .. room .. ",DC=lab --></settings>", 1)
  end
  files["unattend/" .. mac:lower():gsub(":", "-") .. ".xml"] = text
  n = n + 1
end
f:close()
return { unattend = string.format("%d\n", n) }
EOF

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# timeit RECIPE: median seconds of RUNS runs; the recipe's output in $W/out
timeit() {
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now)
		(cd "$W" && "$P" unattend "$1") >"$W/out"
		t1=$(now)
		echo "$t1 - $t0" | bc -l
		i=$((i + 1))
	done | median
}

t_pe=$(timeit machines.lua)
read -r machines files <"$W/out"
t_base=$(timeit baseline.lua)
read -r base_n <"$W/out"
[ "$machines" -eq "$n" ] || { echo "pe.machines made $machines machines, not $n" >&2; exit 1; }
[ "$base_n" -eq "$n" ] || { echo "the baseline made $base_n files, not $n" >&2; exit 1; }

rate_pe=$(echo "$machines / $t_pe" | bc -l)
rate_base=$(echo "$base_n / $t_base" | bc -l)
printf 'inventory: %d machines (%d files on the share: by MAC and by serial, plus default.xml)\n' \
	"$machines" "$files"
printf 'peforge pe.machines: %.2f s, %.0f answer files/s (built with libxml2, linted, XSD-validated)\n' \
	"$t_pe" "$rate_pe"
printf 'baseline string.format template loop: %.2f s, %.0f answer files/s (no checks)\n' \
	"$t_base" "$rate_base"
printf 'ratio peforge/baseline: %.3f\n' "$(echo "$rate_pe / $rate_base" | bc -l)"
# the lines `make bench` shows (bench/run.sh): the rate and its ratio to
# the baseline, one value each
printf 'machines/s %.0f\n' "$rate_pe"
printf 'baseline/s %.0f\n' "$rate_base"
printf 'ratio %.3f\n' "$(echo "$rate_pe / $rate_base" | bc -l)"
