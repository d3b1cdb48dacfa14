#!/bin/sh
# tests/netlab/lab.sh - the network lab's common part, sourced by the lab
# scripts (tests/netlab/run.sh, tests/netlab/policy.sh, bench/net.sh): the
# namespaces, the office router, the stand-ins and the media, and the
# functions build, serve, stop_serve, boot and result.
#
#   pf-PID-client   a bridge br0 (10.77.0.3/24) holding tap0 and tap1 (the qemu
#                   clients, run in this namespace) and the veths of the others;
#                   smbclient runs here
#   pf-PID-router   10.77.0.1/24: a dnsmasq of its own handing out
#                   10.77.0.100-150, knowing nothing of PXE
#   pf-PID-server   10.77.0.2/24: `peforge serve OUTDIR --dhcp proxy`
#
# Nothing of the host's network is touched: every link, address and bridge
# lives in the lab's namespaces, which are deleted at the end (trap EXIT),
# as are all processes the lab started (by PID: add yours to $pids).
#
# Environment: PEFORGE, PF_FIXTURE, PF_SRCDIR (as in make check),
# NETLAB_TIMEOUT (seconds a boot may take, default 300: a loaded 2-core machine), NETLAB_KEEP (where
# the logs of a failed run are kept, default ./netlab-logs), NETLAB_WORK (keep
# the work folder there).  A script that sources this file exits 77 when
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
	as --32 -I "$BOOTLAB" -o "$L/standin16.o" "$BOOTLAB/standin16.S" &&
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

# ---- peforge serve ----------------------------------------------------------
SERVE_PID=
# serve OUTDIR [OPTIONS...]: start `peforge serve OUTDIR --interface eth0
# OPTIONS` (default: --dhcp proxy) in the server namespace, wait until it
# says it is serving and nginx answers
serve() {
	: >"$W/serve.log"
	sdir=$1
	shift
	[ $# -gt 0 ] || set -- --dhcp proxy
	nsenter --net="/run/netns/$S" -- "$P" serve "$sdir" --interface eth0 "$@" >>"$W/serve.log" 2>&1 &
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
