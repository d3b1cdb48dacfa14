#!/bin/sh
# tests/netlab/run.sh - the network lab (docs/serve.md): `peforge serve` on
# a real network of network namespaces, with an office router's own DHCP
# server and qemu clients (TCG) on tap devices.
#
# The lab itself (namespaces, the router, stand-ins, media and the
# functions build, serve, stop_serve, boot, result): tests/netlab/lab.sh.
#
# Scenarios (one line each, "ok NAME (Ns): ..." or "FAIL NAME (Ns): ..."):
#   bios   SeaBIOS + qemu's iPXE ROM: the pxelinux tree (lpxelinux.0 over TFTP,
#          winpe.iso over HTTP from nginx, memdisk), the etfsboot stand-in runs
#   uefi   OVMF: ipxe.efi over TFTP, boot.ipxe over HTTP, the wimboot stand-in
#          (EFI) runs and reports every file it received
#   smb    smbclient from the client namespace with the credentials the
#          start script in boot.wim carries (the default, authenticated
#          mode), client signing required and SMB3: lists the share, a
#          write is refused; a null session and made-up credentials get
#          nothing; the password is in no log
#   smb-guest  a build with guest = true: made-up credentials list the
#          share, a write is refused
#   stop, stop-smb   SIGTERM to peforge serve (after bios, after smb): it
#          exits 0, and every server it started is gone (checked by PID)
#   bios-ipxe  SeaBIOS + qemu's iPXE ROM: the iPXE tree with `http` in proxy
#          mode (the path that never booted before issue 14): iPXE gets
#          boot.ipxe over TFTP through the PXE menu, fetches wimboot and
#          every file over HTTP, and the BIOS wimboot stand-in
#          (tests/netlab/standin-wimboot-bios.S) runs and reports the size
#          of the files iPXE handed it
#   full   the same client and tree against `peforge serve --dhcp full`,
#          the office router's DHCP server stopped: the address comes from
#          serve's dnsmasq, and iPXE gets boot.ipxe's URL in the offer
# Environment: as in lab.sh.  Exit 0 when all passed, 1 when one failed,
# 77 when the lab cannot run here (the reason is printed).
set -u
SRC=${PF_SRCDIR:-.}
. "$SRC/tests/netlab/lab.sh"

build bios "iso = \"winpe.iso\", pxe = { dir = \"tftp\", loader = \"pxelinux\", http = \"$URL\", timeout = 1, unknown = \"install\" }"
build uefi "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\", timeout = 1, unknown = \"install\" },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\" }" \
  "start = { netuse = { server = \"10.77.0.2\" } },"
build guest "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\", timeout = 1, unknown = \"install\" },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\", guest = true }"
# the BIOS wimboot stand-in (a bzImage: tests/netlab/standin-wimboot-bios.S)
{
	as --32 -I "$BOOTLAB" -o "$L/wimboot-bios.o" "$SRC/tests/netlab/standin-wimboot-bios.S" &&
	ld -m elf_i386 --oformat binary -Ttext 0 -o "$L/wimboot-bios" "$L/wimboot-bios.o"
} >"$W/standin-bios.log" 2>&1 || die_setup "building the BIOS wimboot stand-in failed: $(tail -n 2 "$W/standin-bios.log" | tr '\n' ' ')"
build biosipxe "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot-bios\", http = \"$URL\", timeout = 1, unknown = \"install\" }"
# the credentials the start script in boot.wim carries (never printed)
wimlib-imagex extract "$W/uefi/tftp/boot.wim" 1 /start.cmd --dest-dir="$W/startcmd" >/dev/null 2>&1 ||
	die_setup "no start.cmd in the uefi tree's boot.wim"
SMB_PW=$(sed -n 's|^net use I: \\\\%PE_SERVER%\\REMINST /user:peforge-deploy \([A-Za-z0-9]*\) >.*|\1|p' "$W/startcmd/start.cmd")
[ -n "$SMB_PW" ] || die_setup "start.cmd carries no peforge-deploy password"

# ---- scenario bios: the pxelinux tree ---------------------------------------
t0=$(date +%s) why=
if serve "$W/bios" &&
	boot bios tap0 e1000,mac=52:54:00:77:00:10 "BOOTLAB-STANDIN etfsboot" -boot n; then
	got=$(grep -a "BOOTLAB-STANDIN" "$W/bios.serial" | head -n1 | tr -d '\r')
	tftp=$(grep -m1 "dnsmasq: .*sent .*lpxelinux.0 to" "$W/serve.log")
	iso=$(grep -m1 "nginx: .*\"GET /pe/winpe.iso HTTP/1.[01]\" 200" "$W/serve.log")
	[ -n "$tftp" ] || why="dnsmasq's log has no 'sent .../lpxelinux.0'"
	[ -n "$iso" ] || why="${why:+$why; }nginx's access log has no 'GET /pe/winpe.iso ... 200'"
	grep -q "GET /pe/winpe.iso" "$W/bios/.peforge-serve/nginx-access.log" ||
		why="${why:+$why; }the state folder's nginx-access.log lacks winpe.iso"
	grep -q "DHCPACK.*10.77.0.1[0-9][0-9] 52:54:00:77:00:10" "$W/router.log" ||
		why="${why:+$why; }the router did not give the BIOS client its address"
	[ -z "$why" ]
	result bios $? "${why:-$got; $tftp; $iso}"
else
	result bios 1 "$why"
fi
t0=$(date +%s) why=
if [ -n "$SERVE_PID" ] && stop_serve; then
	result stop 0 "SIGTERM: peforge serve exited 0 and its $stopped servers are gone (checked by PID)"
else
	result stop 1 "${why:-peforge serve was not running}"
fi

# ---- scenario uefi: the iPXE tree ---------------------------------------------
# virtio-net without an option ROM: OVMF's own PXE client (not qemu's iPXE
# ROM) boots, so the firmware has to get ipxe.efi from dnsmasq.
t0=$(date +%s) why=
cp "$OVMF_VARS" "$W/uefi.vars"
if serve "$W/uefi" &&
	boot uefi tap1 virtio-net-pci,romfile=,mac=52:54:00:77:00:20 "BOOTLAB-END" \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$W/uefi.vars"; then
	grep -q "dnsmasq: .*sent .*/ipxe.efi to" "$W/serve.log" || why="dnsmasq's log has no 'sent .../ipxe.efi'"
	grep -q "dnsmasq-dhcp.*tags: .*efi64" "$W/serve.log" || why="${why:+$why; }no efi64 tag in dnsmasq's log"
	grep -q "dnsmasq-dhcp.*tags: ipxe, efi64" "$W/serve.log" &&
		grep -q "dnsmasq-dhcp.*bootfile name: $URL/boot.ipxe" "$W/serve.log" ||
		why="${why:+$why; }iPXE on UEFI was not sent $URL/boot.ipxe"
	missing=
	for f in boot.ipxe wimboot bootmgr BCD boot.sdi boot.wim inject/autounattend.xml; do
		grep -q "nginx: .*\"GET /pe/$f HTTP/1.[01]\" 200" "$W/serve.log" || missing="$missing $f"
	done
	[ -z "$missing" ] || why="${why:+$why; }not fetched from nginx:$missing"
	for f in bootmgr BCD boot.sdi boot.wim autounattend.xml; do
		size=$(printf '%08x' "$(stat -c %s "$W/uefi/tftp/$(grep -o "[^ ]*/$f $f\$" "$W/uefi/tftp/boot.ipxe" | sed 's|^${base}/||; s| .*||')")")
		grep -aq "BOOTLAB-FILE $f size=$size" "$W/uefi.serial" || why="${why:+$why; }wimboot did not get $f ($size bytes)"
	done
	[ -z "$why" ]
	result uefi $? "${why:-dnsmasq sent ipxe.efi (tags efi64) and then $URL/boot.ipxe (tags ipxe, efi64); nginx served boot.ipxe and the 6 files it names; $(grep -a 'BOOTLAB-STANDIN' "$W/uefi.serial" | head -n1 | tr -d '\r'); got $(grep -ac '^BOOTLAB-FILE ' "$W/uefi.serial") files: $(grep -a '^BOOTLAB-FILE ' "$W/uefi.serial" | sed 's/BOOTLAB-FILE //; s/ size=.*//' | tr -d '\r' | tr '\n' ' ')}"
else
	result uefi 1 "$why"
fi

# ---- scenario smb: the share from the client namespace ------------------------
# smbc ARGS...: smbclient on the share from the client namespace
smbc() { ipn "$C" smbclient //10.77.0.2/REMINST "$@"; }
SIGNED="--option=client signing = required"
SMB3="--option=client min protocol = SMB3"
t0=$(date +%s) why=
if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
	echo upload >"$W/up.txt"
	smbc -U "peforge-deploy%$SMB_PW" "$SIGNED" "$SMB3" -c ls >"$W/smb-ls.log" 2>&1 ||
		why="smbclient ls (signing required, SMB3) failed: $(tail -n 1 "$W/smb-ls.log")"
	grep -q autounattend.xml "$W/smb-ls.log" || why="${why:+$why; }the share does not list autounattend.xml"
	if smbc -U "peforge-deploy%$SMB_PW" "$SIGNED" "$SMB3" -c "put $W/up.txt up.txt" >"$W/smb-put.log" 2>&1; then
		why="${why:+$why; }put succeeded on the read-only share"
	fi
	grep -q "NT_STATUS_ACCESS_DENIED\|NT_STATUS_MEDIA_WRITE_PROTECTED" "$W/smb-put.log" || why="${why:+$why; }no access-denied error for put"
	[ ! -e "$W/uefi/samba/share/up.txt" ] || why="${why:+$why; }the file was written"
	if smbc -N -c "get autounattend.xml $W/null.xml" >"$W/smb-null.log" 2>&1 || [ -s "$W/null.xml" ]; then
		why="${why:+$why; }a null session read the answer file"
	fi
	if smbc -U 'made-up%any password' -c ls >"$W/smb-made-up.log" 2>&1; then
		why="${why:+$why; }made-up credentials got into the authenticated share"
	fi
	! grep -qF "$SMB_PW" "$W/serve.log" "$W"/smb-*.log || why="${why:+$why; }the password is in a log"
	[ -z "$why" ]
	result smb $? "${why:-the start script's credentials list the share from 10.77.0.3, signed over SMB3 ($(grep -c ' A \| N ' "$W/smb-ls.log") entries); put refused ($(grep -o 'NT_STATUS_[A-Z_]*' "$W/smb-put.log" | head -n1)); null session: $(grep -o 'NT_STATUS_[A-Z_]*' "$W/smb-null.log" | head -n1); made-up credentials: $(grep -o 'NT_STATUS_[A-Z_]*' "$W/smb-made-up.log" | head -n1)}"
	t0=$(date +%s) why=
	if stop_serve; then
		result stop-smb 0 "SIGTERM: peforge serve exited 0 and its $stopped servers (dnsmasq, nginx, smbd) are gone"
	else
		result stop-smb 1 "$why"
	fi
else
	result smb 1 "peforge serve is not running"
fi

# ---- scenario smb-guest: guest = true still works with made-up credentials ----
t0=$(date +%s) why=
if serve "$W/guest"; then
	# serve waits for nginx only: give smbd up to 10 s to listen
	i=0
	until smbc -U 'made-up%any password' -c ls >"$W/smb-guest.log" 2>&1; do
		grep -q NT_STATUS_CONNECTION_REFUSED "$W/smb-guest.log" && [ $i -lt 50 ] || break
		i=$((i + 1))
		sleep 0.2
	done
	grep -q autounattend.xml "$W/smb-guest.log" ||
		why="smbclient ls with made-up credentials failed: $(tail -n 1 "$W/smb-guest.log")"
	grep -q autounattend.xml "$W/smb-guest.log" || why="${why:+$why; }the guest share does not list autounattend.xml"
	if smbc -U 'made-up%any password' -c "put $W/up.txt up.txt" >"$W/smb-guest-put.log" 2>&1; then
		why="${why:+$why; }put succeeded on the read-only guest share"
	fi
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID" || why="${why:+$why; }peforge serve exited with $? after SIGTERM"
	forget "$SERVE_PID"
	[ -z "$why" ]
	result smb-guest $? "${why:-made-up credentials list the guest share ($(grep -c ' A \| N ' "$W/smb-guest.log") entries); put refused}"
else
	result smb-guest 1 "$why"
fi

# ipxe_checks NAME: the checks of a BIOS iPXE boot of the biosipxe tree
# (nginx served boot.ipxe's files; the stand-in got them all); sets why
ipxe_checks() {
	missing=
	for f in wimboot bootmgr BCD boot.sdi boot.wim inject/autounattend.xml; do
		grep -q "nginx: .*\"GET /pe/$f HTTP/1.[01]\" 200 .*iPXE" "$W/serve.log" || missing="$missing $f"
	done
	[ -z "$missing" ] || why="${why:+$why; }not fetched from nginx by iPXE:$missing"
	# every initrd line of boot.ipxe: iPXE hands them to wimboot in one
	# block of at least their total size (plus a cpio header each)
	sum=0 n=0
	for f in $(sed -n 's|^initrd ${base}/\([^ ]*\) .*|\1|p' "$W/biosipxe/tftp/boot.ipxe"); do
		sum=$((sum + $(stat -c %s "$W/biosipxe/tftp/$f"))) n=$((n + 1))
	done
	got=$(grep -a "BOOTLAB-STANDIN wimboot-bios" "$W/$1.serial" | head -n1 | tr -d '\r')
	size=$(echo "$got" | sed -n 's/.* initrd=\([0-9a-f]*\)@.*/\1/p')
	size=$((0x${size:-0}))
	[ "$n" -ge 5 ] && [ "$size" -ge "$sum" ] && [ "$size" -le $((sum + n * 8192)) ] ||
		why="${why:+$why; }the stand-in got $size bytes of initrds, boot.ipxe names $n files of $sum bytes"
	echo "$got" | grep -q " loader=00 " && why="${why:+$why; }no boot loader id in the stand-in's header"
}

# ---- scenario bios-ipxe: BIOS iPXE, the iPXE tree over HTTP, proxy DHCP --------
# e1000 with qemu's iPXE ROM: iPXE itself does DHCP (option 175, tag ipxe)
t0=$(date +%s) why=
if serve "$W/biosipxe" &&
	boot bios-ipxe tap0 e1000,mac=52:54:00:77:00:30 "BOOTLAB-STANDIN wimboot-bios" -boot n; then
	grep -q "dnsmasq-dhcp.*tags: ipxe, eth0" "$W/serve.log" || why="no ipxe tag in dnsmasq's log"
	grep -q "dnsmasq: .*sent .*/boot.ipxe to 10.77.0.1[0-9][0-9]" "$W/serve.log" ||
		why="${why:+$why; }dnsmasq did not send boot.ipxe over TFTP"
	grep -q "DHCPACK.*10.77.0.1[0-9][0-9] 52:54:00:77:00:30" "$W/router.log" ||
		why="${why:+$why; }the router did not give the client its address"
	ipxe_checks bios-ipxe
	[ -z "$why" ]
	result bios-ipxe $? "${why:-dnsmasq sent boot.ipxe over TFTP to BIOS iPXE (tag ipxe, PXE menu); nginx served wimboot and the $n files; $got ($size bytes for $sum bytes of files)}"
else
	result bios-ipxe 1 "$why"
fi
t0=$(date +%s) why=
if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null && stop_serve; then :; else
	result stop-bios-ipxe 1 "${why:-peforge serve was not running}"
fi

# ---- scenario full: `peforge serve --dhcp full`, no other DHCP server ----------
# The router's dnsmasq stops for good (this is the last scenario): the
# client's address must come from serve's dnsmasq.
t0=$(date +%s) why=
rpid=$(cat "$W/router.pid" 2>/dev/null)
if [ -n "$rpid" ]; then
	kill "$rpid"
	i=0
	while kill -0 "$rpid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
if [ -z "$rpid" ] || kill -0 "$rpid" 2>/dev/null; then
	result full 1 "the router's dnsmasq (pid ${rpid:-?}) did not stop"
elif serve "$W/biosipxe" --dhcp full --range 10.77.0.200,10.77.0.220 &&
	boot full tap1 e1000,mac=52:54:00:77:00:40 "BOOTLAB-STANDIN wimboot-bios" -boot n; then
	ack=$(grep -m1 "dnsmasq-dhcp.*DHCPACK(eth0) 10.77.0.2[0-2][0-9] 52:54:00:77:00:40" "$W/serve.log" |
		sed 's/.*\(DHCPACK\)/serve'"'"'s dnsmasq: \1/')
	[ -n "$ack" ] || why="serve's dnsmasq did not ACK an address of its range"
	grep -q "DHCPACK.*52:54:00:77:00:40" "$W/router.log" && why="${why:+$why; }the stopped router answered"
	grep -q "dnsmasq-dhcp.*option: 67 bootfile-name  *$URL/boot.ipxe" "$W/serve.log" ||
		why="${why:+$why; }iPXE was not sent $URL/boot.ipxe (option 67)"
	ipxe_checks full
	grep -q "nginx: 10.77.0.2[0-2][0-9] .*\"GET /pe/boot.ipxe HTTP/1.[01]\" 200" "$W/serve.log" ||
		why="${why:+$why; }nginx did not serve boot.ipxe to an address of serve's range"
	[ -z "$why" ]
	result full $? "${why:-$ack; iPXE got $URL/boot.ipxe in the offer; nginx served it, wimboot and the $n files; $got}"
else
	result full 1 "$why"
fi
t0=$(date +%s) why=
if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null && stop_serve; then :; else
	result stop-full 1 "${why:-peforge serve was not running}"
fi

echo "# network lab: $(($(date +%s) - t_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
