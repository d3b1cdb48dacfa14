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
#   report   the start script in boot.wim carries the report lines; the
#            report it writes ("started" into \\SERVER\peforge-status\MAC)
#            is replayed with smbclient and the deployment account from a
#            namespace whose veth carries the known machine's MAC: serve
#            logs "install started, next boot: local disk"; the same report
#            for the fleet's other MAC and for an unknown MAC, from there,
#            is refused and changes nothing
#   after    the known client boots again: the local disk, never WinPE
#   reinstall  `peforge machines reinstall OUTDIR LAB-31`: the known client
#            boots WinPE again
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

KNOWN=52:54:00:77:00:31 UNKNOWN=52:54:00:77:00:32 OTHER=52:54:00:77:00:33
cat >"$W/policy.lua" <<EOF
local pe = require "peforge"
return {
  source = "$W/media",
  machines = pe.machines {
    unattend = { time_zone = "UTC" },
    inventory = { { name = "LAB-31", mac = "$KNOWN" }, { name = "LAB-33", mac = "$OTHER" } },
  },
  start = { netuse = { server = "10.77.0.2" } },
  outputs = { iso = "winpe.iso",
    pxe = { dir = "tftp", loader = "pxelinux", http = "$URL", timeout = 1 },
    samba = { dir = "samba", share = "REMINST", path = "/srv/winimg" } },
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

# ---- report: the start script's report, replayed from the machine's MAC ----
# live MAC: which variant the live entry pxelinux.cfg/01-MAC is a copy of
live() {
	for v in install menu local; do
		cmp -s "$W/policy/tftp/pxelinux.cfg/01-$1" "$W/policy/tftp/machines/$1.$v.cfg" && { echo "$v"; return; }
	done
	echo none
}
M=$NS-machine
trap 'ip netns del "$M" 2>/dev/null; cleanup' EXIT
t0=$(date +%s) why=
# the start script in the build's boot.wim (on the ISO the tree boots)
{ xorriso -osirrox on -indev "$W/policy/winpe.iso" -extract /sources/boot.wim "$W/pboot.wim" &&
	wimlib-imagex extract "$W/pboot.wim" 1 /start.cmd --dest-dir="$W/pstart"; } >"$W/pstart.log" 2>&1 ||
	why="no start.cmd in the build's boot.wim: $(tail -n 1 "$W/pstart.log")"
# the start script's own lines: a report per MAC getmac lists, into the status share
grep -q 'getmac /fo csv /nh' "$W/pstart/start.cmd" 2>/dev/null &&
	grep -qF '>"\\%PE_SERVER%\peforge-status\%~1" echo %~2' "$W/pstart/start.cmd" ||
	why="${why:+$why; }start.cmd has no report lines"
{
	ip netns add "$M" &&
	ip -n "$C" link add m0 type veth peer name eth0 netns "$M" &&
	ip -n "$C" link set m0 master br0 up &&
	ip -n "$M" link set eth0 address "$KNOWN" &&
	ip -n "$M" addr add 10.77.0.31/24 dev eth0 &&
	ip -n "$M" link set eth0 up && ip -n "$M" link set lo up
} >"$W/machine-net.log" 2>&1 || why="${why:+$why; }the machine's namespace: $(tr '\n' ' ' <"$W/machine-net.log")"
printf 'username = peforge-deploy\npassword = %s\n' "$(cat "$W/policy/samba/deploy-password")" >"$W/auth"
chmod 600 "$W/auth"
# report NAME CONTENT: what `:pe_report` writes, from the machine's namespace
report() {
	printf '%s\r\n' "$2" >"$W/rep"
	n=0
	until ipn "$M" smbclient //10.77.0.2/peforge-status -A "$W/auth" \
		--option='client signing = required' -c "put $W/rep $1" >"$W/smb-report.log" 2>&1; do
		grep -q CONNECTION_REFUSED "$W/smb-report.log" && [ $n -lt 50 ] || return 1
		n=$((n + 1)); sleep 0.2
	done
}
# wait_serve TEXT: serve's log has TEXT within 10 s
wait_serve() {
	n=0
	until grep -qF -- "$1" "$W/serve.log"; do
		n=$((n + 1)); [ $n -lt 100 ] || return 1; sleep 0.1
	done
}
o=$(echo "$OTHER" | tr : -) k=$(echo "$KNOWN" | tr : -) u=$(echo "$UNKNOWN" | tr : -)
if [ -z "$why" ]; then
	report "$o" started && wait_serve "refused a report for $o from 10.77.0.31" ||
		why="the report for LAB-33 from LAB-31's MAC was not refused: $(tail -n 1 "$W/smb-report.log")"
	report "$u" started && wait_serve "refused a report for $u from 10.77.0.31" ||
		why="${why:+$why; }the report for an unknown MAC was not refused"
	[ "$(live "$o")" = install ] || why="${why:+$why; }a forged report changed LAB-33's entry"
	report "$k" started && wait_serve "$k LAB-31: install started, next boot: local disk" ||
		why="${why:+$why; }no 'install started' line for LAB-31: $(tail -n 1 "$W/smb-report.log")"
	[ "$(live "$k")" = local ] || why="${why:+$why; }LAB-31's live entry is not local"
	"$P" machines list "$W/policy" >"$W/machines-list.log" 2>&1
	grep -q "^$k .*LAB-31 .*started" "$W/machines-list.log" || why="${why:+$why; }machines list: $(grep LAB-31 "$W/machines-list.log")"
	grep -q "^$o .*LAB-33 .*waiting" "$W/machines-list.log" || why="${why:+$why; }machines list: LAB-33 not waiting"
fi
[ -z "$why" ]
result report $? "${why:-start.cmd reports into \\\\%PE_SERVER%\\peforge-status; replayed from $KNOWN (10.77.0.31): $(grep -m1 "LAB-31: install started" "$W/serve.log" | sed 's/^[^:]*: //'); LAB-33's and an unknown MAC's reports refused}"

# boot_known NAME MARKER-WANTED WHAT: the known client boots; the marker must be WANTED
boot_known() {
	t0=$(date +%s) why=
	if boot_disk "$1" tap1 "$KNOWN" "BOOTLAB-STANDIN (localdisk|etfsboot)"; then
		got=$(grep -a "BOOTLAB-STANDIN" "$W/$1.serial" | head -n1 | tr -d '\r')
		case $got in *"$2"*) ;; *) why="expected $2, got: $got" ;; esac
		[ -z "$why" ]
		result "$1" $? "${why:-$got: $3}"
	else
		result "$1" 1 "$why"
	fi
}
isos=$(grep -c "GET /pe/winpe.iso" "$W/policy/.peforge-serve/nginx-access.log")
boot_known after localdisk "after the report, pxelinux.cfg/01-$k booted the local disk"
[ "$(grep -c "GET /pe/winpe.iso" "$W/policy/.peforge-serve/nginx-access.log")" -eq "$isos" ] ||
	result after-no-iso 1 "winpe.iso was fetched after the report"
t0=$(date +%s)
"$P" machines reinstall "$W/policy" LAB-31 >"$W/reinstall.log" 2>&1 ||
	result reinstall-cmd 1 "peforge machines reinstall failed: $(cat "$W/reinstall.log")"
boot_known reinstall etfsboot "after \`peforge machines reinstall\` ($(head -n1 "$W/reinstall.log")), WinPE again"

echo "# network lab (policy): $(($(date +%s) - t_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
