#!/bin/sh
# Install the Debian 12 packages peforge needs to build, test and run.
# Usage: tools/install-deps.sh          (as root, or with sudo available)
# Set PEFORGE_SKIP_APT=1 to skip (e.g. when the packages are known to be there).
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
      libwim-dev wimtools ntfs-3g-dev libfuse-dev
      libxml2-dev liblua5.4-dev lua5.4 check jq
      libudfread-dev libiso9660-dev libisofs-dev
      syslinux syslinux-common pxelinux mtools dosfstools fdisk
      dnsmasq-base samba smbclient wine64 wine gcc-mingw-w64-x86-64
      ipxe xorriso genisoimage strace util-linux bsdutils bc time
      qemu-system-x86 ovmf gnu-efi ipxe-qemu
      nginx-light iproute2 curl tftp-hpa perl
      clang libclang-rt-14-dev valgrind"

if [ "${PEFORGE_SKIP_APT:-0}" = 1 ]; then
    exit 0
fi

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
