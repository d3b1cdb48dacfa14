#!/bin/sh
# bench/net.sh - how fast `peforge serve` hands out the boot payload and the
# share, measured in the network lab (tests/netlab/lab.sh: network
# namespaces joined by a bridge, real servers started by `peforge serve` in
# the server namespace, real clients in the client namespace):
#
#   http   curl fetching the boot payload (a boot.wim of NETBENCH_HTTP_MB,
#          default 200 MB) from nginx, 1, 8 and 32 clients at once
#   tftp   tftp-hpa's tftp (512-byte blocks: it sends no blksize option)
#          and curl's TFTP with --tftp-blksize 1432 (the block size iPXE
#          and most PXE firmware negotiate) fetching NETBENCH_TFTP_MB
#          (default 20 MB) of it from dnsmasq, 1, 8 and 32 clients at once
#   smb    smbclient readers of a NETBENCH_SMB_MB (default 1024 MB) file on
#          the share, 1, 8, 32 and 64 at once, against four smbd configs:
#          the samba output's smb.conf as `peforge serve` runs it
#          (authenticated, read with client signing required over SMB3;
#          and guest = true, read with made-up credentials), each beside
#          Samba's defaults (the same share with only the lines it needs);
#          smbd's memory is the peak, while the readers run, of the sum over
#          all smbd processes of Private_Clean + Private_Dirty and of Pss
#          (/proc/PID/smaps_rollup)
#
# MB is 10^6 bytes; "aggregate" is clients x size / wall time of the round;
# per-client times are min/avg/max.  Every payload is read from the page
# cache (a warm-up read comes first): a server handing one boot.wim to many
# clients reads it from memory.  Each transfer's size is checked.
#
# Run as root after `make`:  bench/net.sh        (or from `make bench`)
# Exit 77 with the reason when the lab cannot run here (not root, no
# network namespaces, a server missing), 1 when a transfer failed.
# Environment: NETBENCH_HTTP_MB, NETBENCH_TFTP_MB, NETBENCH_SMB_MB,
# NETBENCH_CLIENTS ("1 8 32"), NETBENCH_SMB_CLIENTS ("1 8 32 64"),
# NETBENCH_SMB_CONFIGS (any of "auth auth-default guest guest-default"),
# and those of lab.sh.
set -u
SRC=${PF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
PF_SRCDIR=$SRC
PEFORGE=${PEFORGE:-$SRC/peforge}
PF_FIXTURE=${PF_FIXTURE:-$SRC/tests/pf-fixture}
[ -x "$PEFORGE" ] || { echo "SKIP: $PEFORGE is missing: build peforge first (make)"; exit 77; }
[ -x "$PF_FIXTURE" ] || { echo "SKIP: $PF_FIXTURE is missing: make check builds it (make tests/pf-fixture)"; exit 77; }
command -v tftp >/dev/null || { echo "SKIP: tftp is missing (apt-get install tftp-hpa)"; exit 77; }
if [ "${BENCH_SMOKE:-0}" = 1 ]; then # bench/run.sh's smoke run: small and quick
	: "${NETBENCH_HTTP_MB:=8}" "${NETBENCH_TFTP_MB:=1}" "${NETBENCH_SMB_MB:=8}"
	: "${NETBENCH_CLIENTS:=1 2}" "${NETBENCH_SMB_CLIENTS:=1 2}"
fi
HTTP_MB=${NETBENCH_HTTP_MB:-200}
TFTP_MB=${NETBENCH_TFTP_MB:-20}
SMB_MB=${NETBENCH_SMB_MB:-1024}
CLIENTS=${NETBENCH_CLIENTS:-1 8 32}
SMB_CLIENTS=${NETBENCH_SMB_CLIENTS:-1 8 32 64}
SMB_CONFIGS=${NETBENCH_SMB_CONFIGS:-auth auth-default guest guest-default}
. "$SRC/tests/netlab/lab.sh"

# now in nanoseconds
now() { date +%s%N; }
# stats FILE: "min/avg/max" of the numbers (seconds) in FILE's first column
stats() { awk 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 } { s += $1 }
	END { printf "%.2f/%.2f/%.2f", lo, s / NR, hi }' "$1"; }
# mbps BYTES NS: MB/s
mbps() { awk -v b="$1" -v t="$2" 'BEGIN { r = b / (t / 1e9) / 1e6; printf(r < 10 ? "%.1f" : "%.0f", r) }'; }
bad=0
fail() { echo "FAIL: $*"; bad=1; }

echo "# bench/net.sh: $(uname -r), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(dnsmasq --version | head -n1 | sed 's/ Copyright.*//'), Samba $(smbd -V | sed 's/^Version //'), $(curl --version | head -n1 | cut -d' ' -f1-2), tftp-hpa $(dpkg-query -W -f='${Version}' tftp-hpa 2>/dev/null)"
echo "# veths and a bridge between network namespaces on one host: no wire, the CPU is the limit"

build net "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\" },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\" }"
# (a pxe tree too: serve() waits for nginx)
build guest "pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$URL\" },
  samba = { dir = \"samba\", share = \"REMINST\", path = \"/srv/winimg\", guest = true }"
T=$W/net/tftp
head -c $((HTTP_MB * 1000000)) /dev/urandom >"$T/boot.wim" &&
	head -c $((TFTP_MB * 1000000)) "$T/boot.wim" >"$T/boot-tftp.wim" &&
	chmod 644 "$T/boot.wim" "$T/boot-tftp.wim" || die_setup "cannot write the payloads"
for o in net guest; do
	head -c $((SMB_MB * 1000000)) /dev/urandom >"$W/$o/samba/share/big.bin" &&
		chmod 644 "$W/$o/samba/share/big.bin" || die_setup "cannot write the share's file"
done
PW=$(cat "$W/net/samba/deploy-password") || die_setup "no deploy-password in the samba tree"
serve "$W/net" || die_setup "$why"
O=$W/out
mkdir -p "$O"

# ---- boot payload: HTTP and TFTP ----------------------------------------------
# round KIND N: N clients of KIND at once; prints the table line
round() {
	kind=$1 n=$2
	rm -f "$O"/r.*
	t=$(now)
	i=0 cpids=
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		case $kind in
		http) ipn "$C" curl --max-time 900 -sS -o /dev/null -w '%{time_total} %{size_download}\n' \
			"$URL/boot.wim" >"$O/r.$i" 2>"$O/e.$i" & ;;
		tftp-hpa) (s=$(now); ipn "$C" timeout 900 tftp -v -m binary 10.77.0.2 -c get boot-tftp.wim /dev/null >"$O/e.$i" 2>&1
			echo "$(( ($(now) - s) / 1000000 )) $(sed -n 's/.*Received \([0-9]*\) bytes.*/\1/p' "$O/e.$i")" >"$O/r.$i") & ;;
		tftp-1432) ipn "$C" curl --max-time 900 -sS --tftp-blksize 1432 -o /dev/null -w '%{time_total} %{size_download}\n' \
			tftp://10.77.0.2/boot-tftp.wim >"$O/r.$i" 2>"$O/e.$i" & ;;
		esac
		cpids="$cpids $!"
	done
	# (a bare wait would wait for the lab's servers too)
	for p in $cpids; do wait "$p"; done
	dt=$(($(now) - t))
	size=$HTTP_MB
	[ "$kind" = http ] || size=$TFTP_MB
	cat "$O"/r.* | awk -v k="$kind" '{ t = k == "tftp-hpa" ? $1 / 1000 : $1; print t, $2 }' >"$O/times"
	got=$(awk -v b=$((size * 1000000)) '$2 == b' "$O/times" | wc -l)
	[ "$got" -eq "$n" ] || fail "$kind x $n: only $got of $n clients got all $((size * 1000000)) bytes: $(cat "$O"/e.* | sort | uniq -c | head -n 3 | tr '\n' ' ')"
	printf '%-10s %7d %7d MB %10s MB/s %20s s\n' "$kind" "$n" "$size" \
		"$(mbps $((n * size * 1000000)) "$dt")" "$(stats "$O/times")"
}
ipn "$C" curl -fsS -o /dev/null "$URL/boot.wim" || fail "warm-up: $URL/boot.wim"
echo
echo "# boot payload from peforge serve (nginx: sendfile; dnsmasq TFTP)"
printf '%-10s %7s %10s %15s %22s\n' client clients payload aggregate "per client min/avg/max"
for n in $CLIENTS; do round http "$n"; done
for n in $CLIENTS; do round tftp-1432 "$n"; done
for n in $CLIENTS; do round tftp-hpa "$n"; done

# ---- SMB: smbclient readers, smbd memory --------------------------------------
# smbd_mem: "PRIVATE_KB PSS_KB PROCESSES", summed over the smbd processes
# in the server namespace (the main one and one per client session)
smbd_mem() {
	# (by command line: a session's process name can differ from "smbd")
	for p in $(pgrep -f '^/usr/sbin/smbd -F --no-process-group|^smbd -F --no-process-group'); do
		[ "$(stat -L -c %i "/proc/$p/ns/net" 2>/dev/null)" = "$SNS" ] &&
			cat "/proc/$p/smaps_rollup" 2>/dev/null
	done | awk '/^Private_(Clean|Dirty):/ { pr += $2 } /^Pss:/ { ps += $2; n++ }
		END { printf "%d %d %d\n", pr, ps, n }'
}
# smb_round CONFIG SID N USER%PW [OPTIONS...]: N readers of big.bin at once
smb_round() {
	cfg=$1 sid=$2 n=$3 cred=$4
	shift 4
	rm -f "$O"/r.* "$O/mem"
	t=$(now)
	i=0 cpids=
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		(s=$(now); ipn "$C" timeout 900 smbclient -t 300 //10.77.0.2/REMINST -U "$cred" "$@" \
			-c "get big.bin /dev/null" >"$O/e.$i" 2>&1
		echo "$? $(( ($(now) - s) / 1000000 ))" >"$O/r.$i") &
		cpids="$cpids $!"
	done
	# sample smbd's memory until every reader is done
	while [ "$(ls "$O" | grep -c '^r\.')" -lt "$n" ]; do
		smbd_mem >>"$O/mem"
		sleep 0.2
	done
	for p in $cpids; do wait "$p"; done
	dt=$(($(now) - t))
	ok=$(cat "$O"/r.* | awk '$1 == 0' | wc -l)
	[ "$ok" -eq "$n" ] || fail "smb $cfg x $n: $((n - ok)) readers failed: $(cat "$O"/e.* | grep -m1 NT_STATUS)"
	cat "$O"/r.* | awk '{ print $2 / 1000 }' >"$O/times"
	# the peaks, and the number of smbd processes in the sample of the peak
	peak=$(awk '$1 > p { p = $1; k = $3 } $2 > q { q = $2 } END { printf "%.0f %.0f %d", p / 1024, q / 1024, k }' "$O/mem")
	printf '%-14s %7d %8s MB/s %20s s %9s MB %7s MB %5s\n' "$cfg" "$n" \
		"$(mbps $((n * SMB_MB * 1000000)) "$dt")" "$(stats "$O/times")" ${peak:-? ? ?}
}
# smbd_wait: until a (made-up) session gets an answer from smbd
smbd_wait() {
	i=0
	until ipn "$C" smbclient -L //10.77.0.2 -U "x%y" >"$O/wait" 2>&1 ||
		! grep -q NT_STATUS_CONNECTION_REFUSED "$O/wait"; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
}
# minimal_conf OUTDIR GUEST: the share with only the lines it needs, state
# in serve's state folder of OUTDIR (its passdb holds the deployment
# account)
minimal_conf() {
	st=$1/.peforge-serve
	cat <<EOF
[global]
	interfaces = eth0
	bind interfaces only = yes
	disable netbios = yes
	# no RPC daemons (samba-dcerpcd would outlive smbd)
	rpc start on demand helpers = no
	pid directory = $st/samba/run
	lock directory = $st/samba/lock
	state directory = $st/samba/state
	cache directory = $st/samba/cache
	private dir = $st/samba/private
	ncalrpc dir = $st/samba/ncalrpc
	passdb backend = tdbsam:$st/samba/private/passdb.tdb
	log file = $st/samba/log.%m
EOF
	if [ "$2" = 1 ]; then
		printf '\tmap to guest = Bad User\n[REMINST]\n\tpath = %s/samba/share\n\tguest ok = yes\n' "$1"
	else
		printf '\tusername map = %s/samba/users.map\n[REMINST]\n\tpath = %s/samba/share\n\tvalid users = nobody\n' "$st" "$1"
	fi
}
SNS=$(stat -L -c %i "/run/netns/$S")
SIGNED="--option=client signing = required"
SMB3="--option=client min protocol = SMB3"
echo
echo "# SMB: smbclient readers of a $SMB_MB MB file; smbd memory: peak sum over its processes (smbds: how many, at that peak)"
printf '%-14s %7s %13s %22s %12s %10s %5s\n' config readers aggregate "per reader min/avg/max" "smbd private" "smbd Pss" smbds
for cfg in $SMB_CONFIGS; do
	case $cfg in
	auth*) o=net cred="peforge-deploy%$PW" guest=0 ;;
	*) o=guest cred="made-up%any password" guest=1 ;;
	esac
	if [ -n "$SERVE_PID" ]; then
		stop_serve || { fail "$why"; break; }
		SERVE_PID=
	fi
	case $cfg in
	*-default)
		# the deployment account is in the passdb of serve's state folder
		if [ ! -d "$W/$o/.peforge-serve/samba" ]; then
			serve "$W/$o" && stop_serve || { fail "serve $o: $why"; continue; }
			SERVE_PID=
		fi
		minimal_conf "$W/$o" $guest >"$W/$o.min.conf"
		setsid nsenter --net="/run/netns/$S" -- smbd -F --no-process-group --debug-stdout \
			-s "$W/$o.min.conf" >"$W/smbd-$cfg.log" 2>&1 &
		sid=$!
		pids="$pids $sid"
		;;
	*)
		serve "$W/$o" || { fail "serve $o: $why"; continue; }
		sid=$(sed -n 's/.*serve: started smbd (pid \([0-9]*\)).*/\1/p' "$W/serve.log")
		;;
	esac
	smbd_wait || { fail "smbd ($cfg) does not answer"; continue; }
	if [ $guest = 1 ]; then set -- ; else set -- "$SIGNED" "$SMB3"; fi
	ipn "$C" smbclient //10.77.0.2/REMINST -U "$cred" "$@" -c "get big.bin /dev/null" >"$O/warm" 2>&1 ||
		fail "smb $cfg warm-up: $(grep -m1 NT_STATUS "$O/warm")"
	for n in $SMB_CLIENTS; do smb_round "$cfg" "$sid" "$n" "$cred" "$@"; done
	case $cfg in
	*-default) kill "$sid"; wait "$sid" 2>/dev/null; forget "$sid" ;;
	esac
done
[ -z "$SERVE_PID" ] || stop_serve || fail "$why"
echo "# bench/net.sh: $(($(date +%s) - t_start)) s"
exit $bad
