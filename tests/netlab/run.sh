#!/bin/sh
# tests/netlab/run.sh - the network lab (docs/serve.md): `peforge serve` on
# a real network of network namespaces, with an office router's own DHCP
# server and qemu clients (TCG) on tap devices.
#
#   pf-PID-client   a bridge br0 (10.77.0.3/24) holding tap0 and tap1 (the qemu
#                   clients, run in this namespace) and the veths of the others;
#                   smbclient runs here
#   pf-PID-router   10.77.0.1/24: a dnsmasq of its own handing out
#                   10.77.0.100-150, knowing nothing of PXE
#   pf-PID-server   10.77.0.2/24: `peforge serve OUTDIR --dhcp proxy`
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
# Nothing of the host's network is touched: every link, address and bridge
# lives in the lab's namespaces, which are deleted at the end (trap EXIT),
# as are all processes the lab started (by PID).
#
# Environment: PEFORGE, PF_FIXTURE, PF_SRCDIR (as in make check),
# NETLAB_TIMEOUT (seconds a boot may take, default 300: a loaded 2-core machine), NETLAB_KEEP (where
# the logs of a failed run are kept, default ./netlab-logs), NETLAB_WORK (keep
# the work folder there).  Exit 0 when all passed, 1 when one failed, 77 when
# the lab cannot run here (the reason is printed).
set -u
SRC=${PF_SRCDIR:-.}
P=${PEFORGE:-./peforge}
F=${PF_FIXTURE:-./tests/pf-fixture}
BOOTLAB=$SRC/tests/bootlab
TIMEOUT=${NETLAB_TIMEOUT:-300}
KEEP=${NETLAB_KEEP:-$PWD/netlab-logs}
QEMU=${QEMU:-qemu-system-x86_64}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
case $P in /*) ;; *) P=$PWD/$P ;; esac
case $F in /*) ;; *) F=$PWD/$F ;; esac

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "the network lab needs root (network namespaces, DHCP, smbd)"
command -v ip >/dev/null || skip "ip is missing (apt-get install iproute2)"
command -v nsenter >/dev/null || skip "nsenter is missing (apt-get install util-linux)"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing (no tap devices)"
command -v "$QEMU" >/dev/null || skip "$QEMU is missing (apt-get install qemu-system-x86)"
for c in dnsmasq nginx smbd smbclient curl; do
	command -v "$c" >/dev/null || skip "$c is missing (tools/install-deps.sh installs it)"
done
[ -f "$OVMF_CODE" ] || skip "$OVMF_CODE is missing (apt-get install ovmf)"
NS=pf-$$
R=$NS-router S=$NS-server C=$NS-client
ip netns add "$NS-probe" 2>/dev/null || skip "ip netns add fails here (no network namespaces)"
ip netns del "$NS-probe"

if [ -n "${NETLAB_WORK:-}" ]; then
	W=$NETLAB_WORK
	rm -rf "$W" && mkdir -p "$W" || exit 1
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/netlab.XXXXXX") || exit 1
fi
chmod 755 "$W"

# Every process the lab starts, stopped by PID at the end.
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	for n in "$C" "$S" "$R"; do ip netns del "$n" 2>/dev/null; done
	[ -n "${NETLAB_WORK:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget() { pids=$(echo " $pids " | sed "s/ $1 / /"); }

passed=0 failed=0
t_start=$(date +%s)
result() { # NAME RC DETAIL
	dt=$(($(date +%s) - t0))
	if [ "$2" -eq 0 ]; then
		echo "ok $1 (${dt}s): $3"
		passed=$((passed + 1))
	else
		echo "FAIL $1 (${dt}s): $3"
		failed=$((failed + 1))
		mkdir -p "$KEEP/$1"
		cp "$W"/*.log "$W"/*.serial "$W"/*.cmd "$KEEP/$1/" 2>/dev/null
		for f in "$W"/*.serial; do
			[ -s "$f" ] && { echo "# $f:"; tail -n 8 "$f" | tr -d '\r' | sed 's/^/#   /'; }
		done
		echo "# serve's last lines:"
		tail -n 25 "$W/serve.log" 2>/dev/null | sed 's/^/#   /'
		echo "# logs kept in $KEEP/$1"
	fi
}
die_setup() { t0=$(date +%s); result setup 1 "$*"; exit 1; }

# ---- the network ----------------------------------------------------------
# ipn NS CMD...: CMD in namespace NS (nsenter execs it: $! is its PID)
ipn() { n=$1; shift; nsenter --net="/run/netns/$n" -- "$@"; }
{
	ip netns add "$R" && ip netns add "$S" && ip netns add "$C" &&
	ip -n "$C" link add br0 type bridge &&
	ip -n "$C" link set br0 type bridge stp_state 0 forward_delay 0 &&
	ip -n "$C" link add r0 type veth peer name eth0 netns "$R" &&
	ip -n "$C" link add s0 type veth peer name eth0 netns "$S" &&
	for l in r0 s0; do ip -n "$C" link set "$l" master br0 up || exit 1; done &&
	for t in tap0 tap1; do
		ip -n "$C" tuntap add dev "$t" mode tap &&
		ip -n "$C" link set "$t" master br0 up || exit 1
	done &&
	ip -n "$C" addr add 10.77.0.3/24 dev br0 && ip -n "$C" link set br0 up &&
	ip -n "$R" addr add 10.77.0.1/24 dev eth0 && ip -n "$S" addr add 10.77.0.2/24 dev eth0 &&
	for n in "$R" "$S" "$C"; do
		ip -n "$n" link set lo up || exit 1
	done &&
	ip -n "$R" link set eth0 up && ip -n "$S" link set eth0 up
} >"$W/net.log" 2>&1 || die_setup "making the namespaces failed: $(tr '\n' ' ' <"$W/net.log")"

# The office router: a DHCP server that knows nothing of PXE.
nsenter --net="/run/netns/$R" -- dnsmasq --keep-in-foreground --log-facility=- -C /dev/null --port=0 \
	--interface=eth0 --bind-interfaces --dhcp-range=10.77.0.100,10.77.0.150,1h \
	--dhcp-option=option:router,10.77.0.1 --dhcp-leasefile="$W/router.leases" \
	--pid-file="$W/router.pid" --log-dhcp >"$W/router.log" 2>&1 &
pids="$pids $!"

# ---- stand-ins, media and the two builds ----------------------------------
L=$W/lab
mkdir -p "$L"
{
	as --32 -o "$L/standin16.o" "$BOOTLAB/standin16.S" &&
	ld -m elf_i386 --oformat binary -Ttext 0 -o "$L/etfsboot.bin" "$L/standin16.o" &&
	printf 'BOOTLAB-STANDIN etfsboot\0' >>"$L/etfsboot.bin" &&
	truncate -s 4096 "$L/etfsboot.bin" &&
	cc -I/usr/include/efi -I/usr/include/efi/x86_64 -fpic -ffreestanding \
		-fno-stack-protector -fno-stack-check -fshort-wchar -mno-red-zone \
		-maccumulate-outgoing-args -c "$SRC/tests/netlab/standin-wimboot-efi.c" \
		-o "$L/wimboot.o" &&
	ld -shared -Bsymbolic -nostdlib -L/usr/lib -T/usr/lib/elf_x86_64_efi.lds \
		/usr/lib/crt0-efi-x86_64.o "$L/wimboot.o" -o "$L/wimboot.so" -lgnuefi -lefi &&
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 "$L/wimboot.so" "$L/wimboot" &&
	"$F" media "$W/media" && cp "$L/etfsboot.bin" "$W/media/boot/etfsboot.com"
} >"$W/standins.log" 2>&1 || die_setup "building the stand-ins failed: $(tail -n 3 "$W/standins.log" | tr '\n' ' ')"

# build NAME OUTPUTS [KEYS]: the recipe $W/NAME.lua over the stand-in
# media (with the recipe keys KEYS), built into $W/NAME
build() {
	cat >"$W/$1.lua" <<EOF
return {
  source = "$W/media",
  unattend = "<unattend>netlab</unattend>\n",
  ${3:-}
  outputs = { $2 },
}
EOF
	"$P" -q build "$W/$1.lua" -o "$W/$1" >"$W/build-$1.log" 2>&1 ||
		die_setup "peforge build $1 failed: $(grep -m1 error "$W/build-$1.log")"
}
URL=http://10.77.0.2/pe
build bios "iso = \"winpe.iso\", pxe = { dir = \"tftp\", loader = \"pxelinux\", http = \"$URL\", timeout = 1 }"
build uefi "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\", timeout = 1 },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\" }" \
  "start = { netuse = { server = \"10.77.0.2\" } },"
build guest "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\", timeout = 1 },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\", guest = true }"
# the credentials the start script in boot.wim carries (never printed)
wimlib-imagex extract "$W/uefi/tftp/boot.wim" 1 /start.cmd --dest-dir="$W/startcmd" >/dev/null 2>&1 ||
	die_setup "no start.cmd in the uefi tree's boot.wim"
SMB_PW=$(sed -n 's|^net use I: \\\\%PE_SERVER%\\REMINST /user:peforge-deploy \([A-Za-z0-9]*\) >.*|\1|p' "$W/startcmd/start.cmd")
[ -n "$SMB_PW" ] || die_setup "start.cmd carries no peforge-deploy password"

# ---- peforge serve ----------------------------------------------------------
SERVE_PID=
# serve OUTDIR: start `peforge serve OUTDIR` in the server namespace, wait
# until it says it is serving and nginx answers
serve() {
	: >"$W/serve.log"
	nsenter --net="/run/netns/$S" -- "$P" serve "$1" --interface eth0 --dhcp proxy >>"$W/serve.log" 2>&1 &
	SERVE_PID=$!
	pids="$pids $SERVE_PID"
	i=0
	until grep -q "serve: serving" "$W/serve.log" &&
		ipn "$C" curl -fsS -o /dev/null "$URL/README.txt" 2>/dev/null; do
		kill -0 "$SERVE_PID" 2>/dev/null || { why="peforge serve exited: $(grep -m1 error "$W/serve.log")"; return 1; }
		i=$((i + 1))
		[ $i -lt 100 ] || { why="peforge serve did not come up within 10 s"; return 1; }
		sleep 0.1
	done
}
# stop_serve: SIGTERM; peforge serve and every server it started must be gone
stop_serve() {
	servers=$(sed -n 's/.*serve: started [a-z]* (pid \([0-9]*\)).*/\1/p' "$W/serve.log")
	kill -TERM "$SERVE_PID"
	i=0
	while kill -0 "$SERVE_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$SERVE_PID" 2>/dev/null; then why="peforge serve still runs 15 s after SIGTERM"; return 1; fi
	wait "$SERVE_PID"
	rc=$?
	forget "$SERVE_PID"
	[ "$rc" -eq 0 ] || { why="peforge serve exited with $rc after SIGTERM"; return 1; }
	for p in $servers; do
		kill -0 "$p" 2>/dev/null && { why="server pid $p still runs after peforge serve stopped"; return 1; }
	done
	[ -n "$servers" ] || { why="no 'started' lines in serve's log"; return 1; }
	stopped=$(echo $servers | wc -w)
}

# boot NAME TAP NIC MARKER QEMU-ARGS...: qemu with network card NIC (a
# -device value) on TAP in the client namespace, until MARKER (ERE) is on
# its serial port
boot() {
	name=$1 tap=$2 nic=$3 marker=$4
	shift 4
	: >"$W/$name.serial"
	set -- -accel tcg -m 256 -display none -monitor none -no-reboot \
		-serial "file:$W/$name.serial" -pidfile "$W/$name.pid" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "$nic,netdev=n0,bootindex=1" "$@"
	echo "nsenter --net=/run/netns/$C $QEMU $*" >"$W/$name.cmd"
	nsenter --net="/run/netns/$C" -- "$QEMU" "$@" >"$W/$name.qemu.log" 2>&1 &
	qpid=$!
	pids="$pids $qpid"
	deadline=$(($(date +%s) + TIMEOUT))
	while ! grep -qaE "$marker" "$W/$name.serial"; do
		kill -0 "$qpid" 2>/dev/null || { why="qemu exited: $(head -c 300 "$W/$name.qemu.log")"; return 1; }
		[ "$(date +%s)" -lt "$deadline" ] || { why="no '$marker' on the serial port within ${TIMEOUT}s"; kill "$qpid"; return 1; }
		sleep 0.5
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	forget "$qpid"
}

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

echo "# network lab: $(($(date +%s) - t_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
