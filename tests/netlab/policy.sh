#!/bin/sh
# tests/netlab/policy.sh - the pxe output's policy on a real network
# (issue #15, docs/pxe.md "Safety"): a pxelinux build whose pe.machines
# knows one MAC, with an answer file that wipes disk 0 (pe.unattend's
# default), served by `peforge serve`.
#
#   unknown  a SeaBIOS client the fleet does not know, with a local disk
#            whose boot sector prints BOOTLAB-STANDIN localdisk: it gets
#            pxelinux.cfg/default (unknown = "local", the default for a
#            wiping answer file), which boots the local disk after the
#            menu's timeout: the disk's marker, never WinPE's
#   known    a client with the fleet's MAC and the same disk: it gets
#            pxelinux.cfg/01-MAC (known = "install"): WinPE (the etfsboot
#            stand-in) at once
# The lab itself: tests/netlab/lab.sh.  Exit 0, 1, or 77 with the reason.
set -u
SRC=${PF_SRCDIR:-.}
. "$SRC/tests/netlab/lab.sh"

# the local-disk stand-in: the 16-bit stand-in as a master boot record
{
	ld -m elf_i386 --oformat binary -Ttext 0 -o "$L/disk.bin" "$L/standin16.o" &&
	printf 'BOOTLAB-STANDIN localdisk\0' >>"$L/disk.bin" &&
	[ "$(stat -c %s "$L/disk.bin")" -le 510 ] &&
	truncate -s 510 "$L/disk.bin" && printf '\125\252' >>"$L/disk.bin" &&
	truncate -s 1M "$L/disk.bin"
} >"$W/disk.log" 2>&1 || die_setup "making the local-disk stand-in failed: $(tail -n 2 "$W/disk.log" | tr '\n' ' ')"

KNOWN=52:54:00:77:00:31 UNKNOWN=52:54:00:77:00:32
cat >"$W/policy.lua" <<EOF
local pe = require "peforge"
return {
  source = "$W/media",
  machines = pe.machines {
    unattend = { time_zone = "UTC" },
    inventory = { { name = "LAB-31", mac = "$KNOWN" } },
  },
  outputs = { iso = "winpe.iso",
    pxe = { dir = "tftp", loader = "pxelinux", http = "$URL", timeout = 1 } },
}
EOF
"$P" -q build "$W/policy.lua" -o "$W/policy" >"$W/build-policy.log" 2>&1 ||
	die_setup "peforge build policy failed: $(grep -m1 error "$W/build-policy.log")"
grep -q "^unknown	local$" "$W/policy/tftp/machines/fleet.tsv" ||
	die_setup "fleet.tsv does not say unknown local (the answer file should wipe)"

# boot_disk NAME TAP MAC MARKER: a SeaBIOS client that tries the network,
# then its own copy of the local disk
boot_disk() {
	cp "$L/disk.bin" "$W/$1.disk"
	boot "$1" "$2" "e1000,mac=$3" "$4" -boot order=nc \
		-drive "file=$W/$1.disk,format=raw,if=ide,index=0"
}

serve "$W/policy" || die_setup "$why"

t0=$(date +%s) why=
if boot_disk unknown tap0 "$UNKNOWN" "BOOTLAB-STANDIN (localdisk|etfsboot)"; then
	got=$(grep -a "BOOTLAB-STANDIN" "$W/unknown.serial" | head -n1 | tr -d '\r')
	case $got in *localdisk*) ;; *) why="it booted WinPE: $got" ;; esac
	grep -q "dnsmasq: .*sent .*lpxelinux.0 to" "$W/serve.log" || why="${why:+$why; }it did not network-boot (no lpxelinux.0 sent)"
	grep -q "GET /pe/winpe.iso" "$W/policy/.peforge-serve/nginx-access.log" 2>/dev/null &&
		why="${why:+$why; }winpe.iso was fetched"
	[ -z "$why" ]
	result unknown $? "${why:-$got: pxelinux.cfg/default booted the local disk, winpe.iso never fetched}"
else
	result unknown 1 "$why"
fi

t0=$(date +%s) why=
if boot_disk known tap1 "$KNOWN" "BOOTLAB-STANDIN (localdisk|etfsboot)"; then
	got=$(grep -a "BOOTLAB-STANDIN" "$W/known.serial" | head -n1 | tr -d '\r')
	case $got in *etfsboot*) ;; *) why="it did not boot WinPE: $got" ;; esac
	grep -q "GET /pe/winpe.iso" "$W/policy/.peforge-serve/nginx-access.log" ||
		why="${why:+$why; }winpe.iso was not fetched"
	[ -z "$why" ]
	result known $? "${why:-$got: pxelinux.cfg/01-52-54-00-77-00-31 booted WinPE}"
else
	result known 1 "$why"
fi

echo "# network lab (policy): $(($(date +%s) - t_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
