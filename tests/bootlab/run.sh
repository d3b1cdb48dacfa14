#!/bin/sh
# tests/bootlab/run.sh - the boot lab: boots each peforge output in qemu
# (SeaBIOS or OVMF, TCG is fine) with stand-ins for the Microsoft boot
# programs, and checks that the firmware and the loaders reach them.
#
#   tests/bootlab/run.sh [SCENARIO...]       (default: all, in this order)
#
#   iso-bios    ISO, SeaBIOS, -cdrom: El Torito runs the etfsboot stand-in
#   iso-uefi    ISO, OVMF, -cdrom: the stand-in inside efisys.bin runs
#   disk-bios   disk image, SeaBIOS: syslinux -> chain.c32 ntldr=/bootmgr
#   disk-uefi   disk image, OVMF: the FAT partition's efi/boot/bootx64.efi
#   pxe-tftp    pxelinux over TFTP -> menu default -> memdisk -> ISO -> etfsboot
#   pxe-http    lpxelinux, the ISO over HTTP from the lab's server
#   ipxe        qemu's iPXE ROM fetches boot.ipxe over HTTP, then every file
#               it names; the wimboot stand-in runs
#   ipxe-64k    ipxe with a source boot.wim of LZX in 64 KiB chunks: the
#               served boot.wim has 32 KiB chunks (all wimboot reads), is
#               fetched over HTTP, and the wimboot stand-in runs
#   mkwinpeimg  `peforge mkwinpeimg --iso`, booted as iso-bios
#
# Environment: PEFORGE, PF_FIXTURE, PF_SRCDIR (as in make check; defaults
# ./peforge, ./tests/pf-fixture, .), BOOTLAB_TIMEOUT (seconds a boot may
# take, default 60), BOOTLAB_KEEP (where failure logs are kept, default
# ./bootlab-logs), BOOTLAB_WORK (keep the whole work folder there instead
# of a temporary one that is deleted).
#
# One line per scenario: "ok NAME (Ns): <the stand-in's line>" or
# "FAIL NAME (Ns): <why>" followed by "#"-lines (the end of the serial
# log) and the folder that keeps the logs.  Last line: "N passed, N failed".
# Exit status: 0 when all passed, 1 when one failed, 77 when qemu is missing.
set -u
SRC=${PF_SRCDIR:-.}
P=${PEFORGE:-./peforge}
F=${PF_FIXTURE:-./tests/pf-fixture}
LAB=$SRC/tests/bootlab
TIMEOUT=${BOOTLAB_TIMEOUT:-180}
KEEP=${BOOTLAB_KEEP:-$PWD/bootlab-logs}
QEMU=${QEMU:-qemu-system-x86_64}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS.fd}
export MTOOLS_SKIP_CHECK=1
ALL="iso-bios iso-uefi disk-bios disk-uefi pxe-tftp pxe-http ipxe ipxe-64k mkwinpeimg"

command -v "$QEMU" >/dev/null || { echo "SKIP: $QEMU not installed"; exit 77; }
case $P in /*) ;; *) P=$PWD/$P ;; esac
case $F in /*) ;; *) F=$PWD/$F ;; esac

if [ -n "${BOOTLAB_WORK:-}" ]; then
	W=$BOOTLAB_WORK
	rm -rf "$W" && mkdir -p "$W" || exit 1
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/bootlab.XXXXXX") || exit 1
fi
# The lab's own background processes, killed by PID on exit.
httpd_pid=
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
	[ -z "$httpd_pid" ] || kill "$httpd_pid" 2>/dev/null
	[ -n "${BOOTLAB_WORK:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$W"

passed=0
failed=0
note() { echo "# $*"; }

# ---- stand-ins ----------------------------------------------------------
# Everything the lab builds goes to $W/lab; a missing tool is reported
# once and fails the scenarios that need it.
setup_err=
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null || setup_err="${setup_err:+$setup_err; }$t missing"
	done
}
need cc as ld objcopy mkfs.fat mmd mcopy
[ -f /usr/lib/crt0-efi-x86_64.o ] && [ -f /usr/lib/elf_x86_64_efi.lds ] \
	|| setup_err="${setup_err:+$setup_err; }gnu-efi missing"
L=$W/lab
mkdir -p "$L"

# standin16 NAME: the real-mode stand-in whose marker is "BOOTLAB-STANDIN NAME"
standin16() {
	cp "$L/standin16.bin" "$L/$1.bin" &&
	printf 'BOOTLAB-STANDIN %s\0' "$1" >>"$L/$1.bin" &&
	# El Torito loads 8 sectors (4 KiB), the size of the real etfsboot.com
	truncate -s 4096 "$L/$1.bin"
}
# standin_efi NAME: the EFI stand-in whose marker is "BOOTLAB-STANDIN NAME uefi"
standin_efi() {
	cc -I/usr/include/efi -I/usr/include/efi/x86_64 -fpic -ffreestanding \
		-fno-stack-protector -fno-stack-check -fshort-wchar -mno-red-zone \
		-maccumulate-outgoing-args -DBOOTLAB_NAME="L\"$1\"" \
		-c "$LAB/standin-efi.c" -o "$L/$1.o" &&
	ld -shared -Bsymbolic -nostdlib -L/usr/lib -T/usr/lib/elf_x86_64_efi.lds \
		/usr/lib/crt0-efi-x86_64.o "$L/$1.o" -o "$L/$1.so" -lgnuefi -lefi &&
	objcopy -j .text -j .sdata -j .data -j .rodata -j .dynamic -j .dynsym \
		-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc \
		--target efi-app-x86_64 --subsystem=10 "$L/$1.so" "$L/$1.efi"
}
# fatimg FILE EFI: a 1.44 MB FAT image holding EFI as EFI/BOOT/BOOTX64.EFI
# (what efisys.bin is)
fatimg() {
	rm -f "$1" &&
	mkfs.fat -C -n EFISYS "$1" 1440 >/dev/null &&
	mmd -i "$1" ::/EFI ::/EFI/BOOT &&
	mcopy -i "$1" "$2" ::/EFI/BOOT/BOOTX64.EFI
}

if [ -z "$setup_err" ]; then
	{
		as --32 -I "$LAB" -o "$L/standin16.o" "$LAB/standin16.S" &&
		ld -m elf_i386 --oformat binary -Ttext 0 -o "$L/standin16.bin" "$L/standin16.o" &&
		standin16 etfsboot && standin16 bootmgr && standin16 wimboot &&
		as --32 -o "$L/standin-mb.o" "$LAB/standin-mb.S" &&
		ld -m elf_i386 --oformat binary -Ttext 0x100000 -o "$L/standin-mb.bin" "$L/standin-mb.o" &&
		cat "$L/standin-mb.bin" "$L/wimboot.bin" >"$L/wimboot" &&
		standin_efi efisys && standin_efi efisys_noprompt && standin_efi efi-boot-bootx64 &&
		fatimg "$L/efisys.bin" "$L/efisys.efi" &&
		fatimg "$L/efisys_noprompt.bin" "$L/efisys_noprompt.efi" &&
		cc -O2 -Wall -o "$L/httpd" "$LAB/httpd.c"
	} >"$L/build.log" 2>&1 || { cat "$L/build.log"; setup_err="building the stand-ins failed"; }
fi
# Stand-in media: pf-fixture's, with the text stand-ins replaced by programs.
M=$W/media
if [ -z "$setup_err" ]; then
	{
		"$F" media "$M" &&
		cp "$L/etfsboot.bin" "$M/boot/etfsboot.com" &&
		cp "$L/bootmgr.bin" "$M/bootmgr" &&
		cp "$L/efisys.bin" "$M/efi/microsoft/boot/efisys.bin" &&
		cp "$L/efisys_noprompt.bin" "$M/efi/microsoft/boot/efisys_noprompt.bin" &&
		cp "$L/efi-boot-bootx64.efi" "$M/efi/boot/bootx64.efi"
	} >"$L/media.log" 2>&1 || { cat "$L/media.log"; setup_err="making the stand-in media failed"; }
fi

# The HTTP server (pxe-http, ipxe): serves $W/www, logs to $W/http.log.
PORT=
start_httpd() {
	[ -n "$httpd_pid" ] && return 0
	mkdir -p "$W/www"
	: >"$W/http.log"
	"$L/httpd" "$W/www" "$W/http.port" "$W/http.log" 2>>"$W/http.err" &
	httpd_pid=$!
	i=0
	while [ ! -s "$W/http.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$W/http.port" 2>/dev/null)
	[ -n "$PORT" ] || { why="the HTTP server did not start: $(cat "$W/http.err")"; return 1; }
}

# ---- running qemu --------------------------------------------------------
# build NAME RECIPE-BODY [PEFORGE-ARGS...]: write $W/NAME.lua (source = the
# stand-in media) and build it into $W/www/NAME (so the HTTP server can
# serve it); why= is set on failure.
build() {
	name=$1 body=$2
	shift 2
	printf 'return {\n  source = "%s",\n%s\n}\n' "$M" "$body" >"$W/$name.lua"
	O=$W/www/$name
	mkdir -p "$W/www"
	if ! "$P" build "$W/$name.lua" -o "$O" "$@" >"$W/$name.build" 2>&1; then
		why="peforge build failed: $(grep -m1 'error' "$W/$name.build")"
		extra_logs="$W/$name.build $W/$name.lua"
		return 1
	fi
}

# boot NAME MARKER QEMU-ARGS...: start qemu and wait up to TIMEOUT seconds
# for MARKER (an extended regular expression) in the serial log; kill qemu
# by its PID.  0 when MARKER came; why= and the logs are set otherwise.
boot() {
	name=$1 marker=$2
	shift 2
	log=$W/$name.serial
	dbg=$W/$name.debugcon
	rm -f "$log" "$dbg" "$W/$name.pid" "$W/$name.rc"
	: >"$log"
	# the command, to run by hand (replace -display none by -vnc :1 to watch)
	printf "'%s' " "$QEMU" -accel tcg -m 256 -display none -monitor none -no-reboot \
		-serial "file:$log" "$@" >"$W/$name.cmd"
	echo >>"$W/$name.cmd"
	(
		"$QEMU" -accel tcg -m 256 -display none -monitor none -no-reboot \
			-serial "file:$log" -debugcon "file:$dbg" -global isa-debugcon.iobase=0x402 \
			-pidfile "$W/$name.pid" "$@" >"$W/$name.qemu" 2>&1
		echo $? >"$W/$name.rc"
	) &
	wrapper=$!
	deadline=$(($(date +%s) + TIMEOUT))
	state=timeout
	while :; do
		[ -n "$qemu_pid" ] || qemu_pid=$(cat "$W/$name.pid" 2>/dev/null)
		if grep -qaE "$marker" "$log"; then state=ok; break; fi
		[ -e "$W/$name.rc" ] && { state=exited; break; }
		[ "$(date +%s)" -lt "$deadline" ] || break
		sleep 0.5
	done
	[ -n "$qemu_pid" ] || qemu_pid=$(cat "$W/$name.pid" 2>/dev/null)
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null
	wait "$wrapper" 2>/dev/null
	qemu_pid=
	extra_logs="$log $dbg $W/$name.qemu $W/$name.cmd"
	case $state in
	ok)
		# the stand-in's own line: marker, where it was loaded, the drive
		got=$(grep -aE "$marker" "$log" | head -n1 | tr -d '\r')
		return 0 ;;
	exited)
		why="qemu exited (status $(cat "$W/$name.rc")) before '$marker' came: $(head -c 300 "$W/$name.qemu" | tr '\n' ' ')" ;;
	*)
		why="no '$marker' on the serial port within ${TIMEOUT}s" ;;
	esac
	return 1
}

# ovmf NAME: the OVMF flash arguments (code read-only, a fresh copy of vars)
ovmf_args() {
	cp "$OVMF_VARS" "$W/$1.vars" &&
	echo "-drive if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE -drive if=pflash,format=raw,unit=1,file=$W/$1.vars"
}
need_ovmf() {
	[ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || { why="$OVMF_CODE missing: install ovmf"; return 1; }
}
need_file() {
	for f in "$@"; do
		[ -e "$f" ] || { why="$f missing"; return 1; }
	done
}

# ---- the scenarios: each sets why= and returns 1 on failure ----------------
ISO_RECIPE='  outputs = { iso = "winpe.iso" },'

sc_iso_bios() {
	build iso-bios "$ISO_RECIPE" &&
	boot iso-bios "BOOTLAB-STANDIN etfsboot" -nic none -boot d -cdrom "$O/winpe.iso"
}

# shellcheck disable=SC2046
sc_iso_uefi() {
	need_ovmf && build iso-uefi "$ISO_RECIPE" &&
	boot iso-uefi "BOOTLAB-STANDIN efisys uefi" $(ovmf_args iso-uefi) \
		-nic none -cdrom "$O/winpe.iso"
}

sc_disk_bios() {
	build disk-bios '  outputs = { disk = "winpe.img" },' &&
	boot disk-bios "BOOTLAB-STANDIN bootmgr" -nic none \
		-drive "file=$O/winpe.img,format=raw,snapshot=on"
}

# shellcheck disable=SC2046
sc_disk_uefi() {
	need_ovmf && build disk-uefi '  outputs = { disk = "winpe.img" },' &&
	boot disk-uefi "BOOTLAB-STANDIN efi-boot-bootx64 uefi" $(ovmf_args disk-uefi) \
		-nic none -drive "file=$O/winpe.img,format=raw,snapshot=on"
}

sc_pxe_tftp() {
	build pxe-tftp '  outputs = { iso = "winpe.iso", pxe = { dir = "tftp", loader = "pxelinux", unknown = "install" } },' &&
	boot pxe-tftp "BOOTLAB-STANDIN etfsboot" -boot n \
		-netdev "user,id=n0,tftp=$O/tftp,bootfile=pxelinux.0" -device e1000,netdev=n0
}

sc_pxe_http() {
	start_httpd || return 1
	url=http://10.0.2.2:$PORT/pxe-http/tftp
	build pxe-http "  outputs = { iso = \"winpe.iso\", pxe = { dir = \"tftp\", loader = \"pxelinux\", http = \"$url\", unknown = \"install\" } }," || return 1
	need_file "$O/tftp/lpxelinux.0" || return 1
	boot pxe-http "BOOTLAB-STANDIN etfsboot" -boot n \
		-netdev "user,id=n0,tftp=$O/tftp,bootfile=lpxelinux.0" -device e1000,netdev=n0 || return 1
	extra_logs="$extra_logs $W/http.log"
	grep -q '^GET /pxe-http/tftp/winpe\.iso 200 ' "$W/http.log" \
		|| { why="the stand-in ran, but winpe.iso was not fetched over HTTP"; return 1; }
	got="$got; HTTP: $(grep '^GET /pxe-http/' "$W/http.log" | tr '\n' ';')"
}

sc_ipxe() {
	start_httpd || return 1
	url=http://10.0.2.2:$PORT/ipxe/tftp
	printf 'echo mapped\r\n' >"$W/mapshare.cmd"
	build ipxe "  unattend = \"<unattend>bootlab</unattend>\\n\",
  media = { [\"mapshare.cmd\"] = { path = \"$W/mapshare.cmd\" } },
  outputs = { pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$url\", unknown = \"install\" } }," || return 1
	need_file "$O/tftp/boot.ipxe" || return 1
	# qemu's own iPXE ROM is the PXE firmware: the DHCP boot file is the script.
	# The wimboot stand-in ends with BOOTLAB-END when iPXE runs it as a
	# Multiboot kernel, with "... cs=" when it runs it as a PXE image.
	boot ipxe "BOOTLAB-END|BOOTLAB-STANDIN wimboot cs=" -boot n \
		-netdev "user,id=n0,tftp=$O/tftp,bootfile=$url/boot.ipxe" -device e1000,netdev=n0
	rc=$?
	extra_logs="$extra_logs $W/http.log $O/tftp/boot.ipxe"
	# every file boot.ipxe names (kernel and initrd lines), fetched over HTTP
	want=$(sed -n 's/^[[:space:]]*\(kernel\|initrd\)[[:space:]]\{1,\}\([^[:space:]]*\).*/\2/p' \
		"$O/tftp/boot.ipxe" | sed "s|\${base}|$url|; s|^http://10\.0\.2\.2:$PORT||")
	missing=
	for f in /ipxe/tftp/boot.ipxe $want; do
		grep -q "^GET $f 200 " "$W/http.log" || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		why="not fetched over HTTP:$missing${why:+; $why}"
		return 1
	fi
	[ "$rc" -eq 0 ] || return 1
	n=$(echo "$want" | wc -w)
	[ "$n" -ge 7 ] || { why="boot.ipxe names only: $want"; return 1; }
	got="$(grep -a 'BOOTLAB-STANDIN wimboot' "$W/ipxe.serial" | head -n1 | tr -d '\r'); fetched boot.ipxe and the $n files it names"
	# Multiboot: wimboot was given every initrd of boot.ipxe, under its name
	if grep -q BOOTLAB-END "$W/ipxe.serial"; then
		# each "initrd URL NAME" line: a module "URL NAME" of the file's size
		pairs=$(sed -n 's/^[[:space:]]*initrd[[:space:]]\{1,\}\([^[:space:]]*\)[[:space:]]\{1,\}\([^[:space:]]*\).*/\1 \2/p' \
			"$O/tftp/boot.ipxe" | sed "s|\${base}|$url|")
		set -- $pairs
		k=0
		while [ $# -ge 2 ]; do
			k=$((k + 1))
			size=$(printf '%08x' "$(stat -c %s "$O/tftp/${1#"$url"/}")")
			grep -aq "^BOOTLAB-MODULE $1 $2 size=$size" "$W/ipxe.serial" \
				|| { why="wimboot was not given $1 as $2 ($size bytes)"; return 1; }
			shift 2
		done
		[ "$k" -ge 4 ] && [ "$k" -eq "$(grep -ac '^BOOTLAB-MODULE ' "$W/ipxe.serial")" ] \
			|| { why="boot.ipxe has $k initrd lines, wimboot got other modules"; return 1; }
		got="$got; wimboot got $(grep -ac '^BOOTLAB-MODULE ' "$W/ipxe.serial") initrds"
	fi
}

sc_ipxe_64k() {
	start_httpd || return 1
	url=http://10.0.2.2:$PORT/ipxe-64k/tftp
	# the stand-in media with a boot.wim of LZX in 64 KiB chunks
	m64=$W/media-64k
	rm -rf "$m64" && cp -r "$M" "$m64" && rm "$m64/sources/boot.wim" &&
	wimlib-imagex export "$M/sources/boot.wim" all "$m64/sources/boot.wim" \
		--compress=LZX --chunk-size=65536 >"$W/ipxe-64k.export" 2>&1 ||
		{ why="making the 64 KiB-chunk boot.wim failed: $(cat "$W/ipxe-64k.export")"; return 1; }
	wimlib-imagex info "$m64/sources/boot.wim" | grep -q '^Chunk Size: *65536 bytes' ||
		{ why="the source boot.wim does not have 64 KiB chunks"; return 1; }
	saved_m=$M
	M=$m64
	build ipxe-64k "  outputs = { pxe = { dir = \"tftp\", loader = \"ipxe\", wimboot = \"$L/wimboot\", http = \"$url\", unknown = \"install\" } }," ||
		{ M=$saved_m; return 1; }
	M=$saved_m
	need_file "$O/tftp/boot.wim" || return 1
	chunk=$(wimlib-imagex info "$O/tftp/boot.wim" | sed -n 's/^Chunk Size: *\([0-9]*\) bytes$/\1/p')
	[ "$chunk" = 32768 ] || { why="the served boot.wim has ${chunk:-no} chunk size, not 32768"; return 1; }
	boot ipxe-64k "BOOTLAB-END|BOOTLAB-STANDIN wimboot cs=" -boot n \
		-netdev "user,id=n0,tftp=$O/tftp,bootfile=$url/boot.ipxe" -device e1000,netdev=n0 || return 1
	extra_logs="$extra_logs $W/http.log"
	grep -q '^GET /ipxe-64k/tftp/boot\.wim 200 ' "$W/http.log" \
		|| { why="the stand-in ran, but boot.wim was not fetched over HTTP"; return 1; }
	got="$got; served boot.wim: 32 KiB chunks (source: 64 KiB)"
}

sc_mkwinpeimg() {
	mkdir -p "$W/www/mkwinpeimg"
	O=$W/www/mkwinpeimg
	if ! (cd "$O" && "$P" mkwinpeimg --iso --windows-dir="$M" winpe.iso) >"$W/mkwinpeimg.build" 2>&1; then
		why="peforge mkwinpeimg --iso failed: $(grep -m1 'error' "$W/mkwinpeimg.build")"
		extra_logs=$W/mkwinpeimg.build
		return 1
	fi
	boot mkwinpeimg "BOOTLAB-STANDIN etfsboot" -nic none -boot d -cdrom "$O/winpe.iso"
}

# ---- main -----------------------------------------------------------------
[ $# -gt 0 ] || set -- $ALL
lab_start=$(date +%s)
for sc in "$@"; do
	case " $ALL " in *" $sc "*) ;; *) echo "FAIL $sc: no such scenario (have: $ALL)"; failed=$((failed + 1)); continue ;; esac
	why='' got='' extra_logs=''
	t0=$(date +%s)
	if [ -n "$setup_err" ]; then
		why=$setup_err
		false
	else
		"sc_$(echo "$sc" | tr - _)"
	fi
	rc=$?
	dt=$(($(date +%s) - t0))
	if [ $rc -eq 0 ]; then
		echo "ok $sc (${dt}s): $got"
		passed=$((passed + 1))
	else
		echo "FAIL $sc (${dt}s): $why"
		failed=$((failed + 1))
		mkdir -p "$KEEP/$sc"
		for f in $extra_logs; do
			[ -f "$f" ] && cp "$f" "$KEEP/$sc/"
		done
		if [ -s "$W/$sc.serial" ]; then
			note "last lines of the serial log ($KEEP/$sc/$sc.serial):"
			tail -n 15 "$W/$sc.serial" | tr -d '\r' | sed 's/^/#   /'
		elif [ -f "$W/$sc.serial" ]; then
			note "the serial log is empty; the last lines of SeaBIOS's debug log ($KEEP/$sc/$sc.debugcon):"
			tail -n 4 "$W/$sc.debugcon" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
			echo
		fi
		note "logs kept in $KEEP/$sc"
	fi
done
echo "# boot lab: $(($(date +%s) - lab_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
