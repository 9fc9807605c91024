#!/bin/bash
# The peer VMM for `make bench`: QEMU 10 for ppc64el (the version kernel/versions
# pins for L0, from bookworm-backports) with exactly the shared libraries its
# qemu-system-ppc64 binary needs and the pseries firmware (SLOF, VOF), staged
# in build/cache/peer/root for the emulated host's initramfs. Downloaded once;
# a second run finds its stamp and does no network work.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/kernel/versions"
PEER=$ROOT/build/cache/peer
STAMP=$PEER/stamp
[ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$QEMU_VERSION" ] && exit 0
bash "$ROOT/kernel/setup.sh"

say() { echo "peer-qemu: $*" >&2; }
rm -rf "$PEER" && mkdir -p "$PEER/debs" "$PEER/full" "$PEER/root"

# Every ppc64el library package qemu-system-ppc pulls in, without the
# packaging tools (dpkg, debconf...) that only matter to an installed system.
pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances "qemu-system-ppc:ppc64el=$QEMU_VERSION" 2>/dev/null |
	grep -v '^ ' | grep -v '^<' | grep ':ppc64el$' | sed 's/:ppc64el$//' |
	grep -vE '^(dpkg|adduser|debconf|cdebconf|install-info|libdebian-installer4|perl-base)$' | sort -u)
say "downloading $(echo "$pkgs" | wc -w) ppc64el packages + qemu-system-data"
(cd "$PEER/debs" &&
	apt-get download -q $(for p in $pkgs; do
		case $p in qemu-system-*) echo "$p:ppc64el=$QEMU_VERSION" ;; *) echo "$p:ppc64el" ;; esac
	done) "qemu-system-data=$QEMU_VERSION")
for d in "$PEER"/debs/*.deb; do dpkg-deb -x "$d" "$PEER/full"; done

# Keep only the binary, the loader, the libraries it needs (transitively)
# and the pseries firmware: the emulated host's initramfs stays small.
F=$PEER/full R=$PEER/root
find_lib() {
	local d
	for d in lib/powerpc64le-linux-gnu usr/lib/powerpc64le-linux-gnu lib64; do
		[ -e "$F/$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}
declare -A seen
queue=(usr/bin/qemu-system-ppc64)
while [ ${#queue[@]} -gt 0 ]; do
	f=${queue[0]}; queue=("${queue[@]:1}")
	[ -n "${seen[$f]:-}" ] && continue
	seen[$f]=1
	mkdir -p "$R/$(dirname "$f")"
	cp -L "$F/$f" "$R/$f"
	for n in $(powerpc64le-linux-gnu-readelf -d "$F/$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		l=$(find_lib "$n") || { say "missing library $n for $f"; exit 1; }
		queue+=("$l")
	done
done
mkdir -p "$R/lib64" "$R/usr/share/qemu"
cp -L "$F/lib/powerpc64le-linux-gnu/ld64.so.2" "$R/lib64/ld64.so.2"
for fw in slof.bin vof.bin; do cp -L "$F/usr/share/qemu/$fw" "$R/usr/share/qemu/"; done
say "staged $(du -sh "$R" | cut -f1) in $R"
echo "$QEMU_VERSION" > "$STAMP"
