#!/bin/bash
# Idempotent set-up of everything pvmm's build and tests need on a Debian 12 host:
# the ppc64el foreign architecture, the bookworm-backports suite on the mirror this
# machine already uses, the cross toolchain and ppc64el libraries, qemu-user-static,
# QEMU 10 (L0), busybox and the pinned kernel extracted into build/cache.
# A second run finds its stamp and does no network work.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/versions"
CACHE=$ROOT/build/cache
STAMP=$CACHE/setup.stamp
ARCH=$(uname -m)
WANT="$KERNEL_PKG $QEMU_VERSION $BUSYBOX_PKG $ARCH v3"

say() { echo "setup: $*" >&2; }

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
	exit 0
fi
[ "$(id -u)" = 0 ] || { say "must run as root (apt-get, dpkg)"; exit 1; }
if ! command -v apt-get > /dev/null; then
	say "no apt-get here: install gcc make pkg-config libfdt (-devel) iniparser (-devel) cpio xz zstd kmod dtc"
	say "yourself, put the Debian $KERNEL_PKG and $BUSYBOX_PKG ppc64el packages' contents"
	say "into $CACHE/kernel and $CACHE/busybox, then run: echo \"$WANT\" > $STAMP"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$CACHE"

# The mirror this machine already uses: the first URI that serves the plain suite.
apt_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i=="bookworm") {print u; exit}}' "$f"
	done | head -n1
	if [ -f /etc/apt/sources.list ]; then
		awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list
	fi
}

add_backports() {
	local list=/etc/apt/sources.list.d/pvmm-backports.sources uri
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	uri=$(apt_mirror | head -n1)
	[ -n "$uri" ] || { say "cannot find the Debian mirror in the apt configuration"; exit 1; }
	say "adding bookworm-backports on the configured mirror"
	cat > "$list" <<EOT
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
}

if [ "$ARCH" = x86_64 ]; then
	dpkg --print-foreign-architectures | grep -qx ppc64el || dpkg --add-architecture ppc64el
fi
add_backports
# Another apt (an unattended upgrade on a fresh machine) may hold dpkg's lock:
# wait for it rather than fail.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
# A mirror mid-sync can fail one index (seen: bookworm-security ppc64el); the
# packages we need come from bookworm and bookworm-backports, so go on with a warning.
apt_get update -q || apt_get update -q || say "warning: apt-get update reported errors; continuing"

if [ "$ARCH" = x86_64 ]; then
	apt_get install -y -q --no-install-recommends \
		make gcc clang libc6-dev pkg-config file cpio xz-utils zstd kmod \
		device-tree-compiler libfdt-dev libiniparser-dev \
		gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross \
		binutils-powerpc64le-linux-gnu \
		qemu-user-static
	apt_get install -y -q --no-install-recommends -t bookworm-backports \
		"qemu-system-ppc=$QEMU_VERSION" "qemu-system-common=$QEMU_VERSION" \
		"qemu-system-data=$QEMU_VERSION"
else
	apt_get install -y -q --no-install-recommends \
		make gcc clang libc6-dev pkg-config file cpio xz-utils zstd kmod \
		device-tree-compiler libfdt-dev libiniparser-dev
fi

# Kernel and busybox: downloaded as ppc64el .debs and extracted, never installed
# (installing busybox-static:ppc64el would replace the x86 host's /bin/busybox).
fetch_extract() { # pkg dest
	local pkg=$1 dest=$2 deb
	rm -rf "$dest" && mkdir -p "$dest"
	(cd "$CACHE" && rm -f "${pkg}"_*.deb && apt-get download -q "$pkg:ppc64el")
	deb=$(ls "$CACHE/${pkg}"_*.deb | head -n1)
	dpkg-deb -x "$deb" "$dest"
}
fetch_extract "$KERNEL_PKG" "$CACHE/kernel"
depmod -b "$CACHE/kernel" "$KERNEL_VERSION"
fetch_extract "$BUSYBOX_PKG" "$CACHE/busybox"

# ppc64el libfdt and iniparser for the cross build: their -dev packages conflict with
# the native ones (not Multi-Arch: same), so they go into a private sysroot.
if [ "$ARCH" = x86_64 ]; then
	rm -rf "$CACHE/sysroot"
	for p in libfdt-dev libfdt1 libiniparser-dev libiniparser1; do
		(cd "$CACHE" && rm -f "${p}"_*ppc64el.deb && apt-get download -q "$p:ppc64el")
		dpkg-deb -x "$(ls "$CACHE/${p}"_*ppc64el.deb | head -n1)" "$CACHE/sysroot"
	done
fi

echo "$WANT" > "$STAMP"
say "done"
