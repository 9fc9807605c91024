# Shared by the initramfs builders: paths and helpers (sourced, bash).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/kernel/versions"
CACHE=$ROOT/build/cache
KROOT=$CACHE/kernel
KMOD=$KROOT/lib/modules/$KERNEL_VERSION
BUSYBOX=$CACHE/busybox/bin/busybox
VMLINUX=$KROOT/boot/vmlinux-$KERNEL_VERSION

# install_busybox DIR: busybox plus one symlink per applet it was built with.
install_busybox() {
	local dir=$1 a
	mkdir -p "$dir/bin" "$dir/sbin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/run"
	cp "$BUSYBOX" "$dir/bin/busybox"
	# The applet list is fixed per busybox build; ask it under qemu-user
	# when the host cannot run ppc64le binaries itself.
	local run=()
	[ "$(uname -m)" = ppc64le ] || run=(qemu-ppc64le-static)
	for a in $("${run[@]}" "$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$dir/bin/$a"
	done
}

# install_module DIR NAME: a kernel module (decompressed) and its dependencies,
# in load order, appended to DIR/lib/modules/load-order.
install_module() {
	local dir=$1 name=$2 path deps d
	path=$(grep -E "(^|/)$name\.ko(\.xz)?:" "$KMOD/modules.dep" | head -n1 | cut -d: -f1)
	[ -n "$path" ] || { echo "no module $name in $KMOD" >&2; return 1; }
	deps=$(grep -E "^$path:" "$KMOD/modules.dep" | cut -d: -f2)
	for d in $deps; do
		install_module "$dir" "$(basename "$d" | sed 's/\.ko\(\.xz\)\?$//')"
	done
	mkdir -p "$dir/lib/modules"
	local out="$dir/lib/modules/$(basename "$path" .xz)"
	[ -f "$out" ] && return 0
	case $path in
	*.xz) xz -dc "$KMOD/$path" > "$out" ;;
	*) cp "$KMOD/$path" "$out" ;;
	esac
	echo "$(basename "$out")" >> "$dir/lib/modules/load-order"
}

# make_cpio DIR OUT: an uncompressed newc archive (fastest to unpack under TCG).
make_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$2.tmp"
	mv "$2.tmp" "$2"
}
