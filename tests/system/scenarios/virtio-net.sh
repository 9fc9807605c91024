#!/bin/sh
# Scenario virtio-net (powernv): a modern virtio-net function with
# iommu_platform (its guest driver then maps DMA through the TCE windows)
# passes through; its BARs are 64-bit prefetchable and pvmm places them in
# the PHB's 64-bit window, above 4 GiB on the guest's bus. The guest's
# virtio_net sends 8 MiB over hub 1, sha256-checked, in mode kernel (the
# safe default) and in mode user, DDW on.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT virtio-net bdf=${VIRTIO_BDF:-none} group=${VIRTIO_GROUP:-none}"
check "the emulated host gave virtio-net to vfio-pci" test -n "$VIRTIO_BDF" -a -e "/dev/vfio/$VIRTIO_GROUP"
[ -n "$VIRTIO_BDF" ] || exit $fail

# bar_above_4g OUT: one of the function's 64-bit memory BARs (type bits 10)
# has a bus address above 4 GiB (a non-zero high half), as the guest's
# config space shows it.
bar_above_4g() {
	set -- $(sed -n 's/^GUEST bars pci=[^ ]* //p' "$1" | head -n1)
	while [ $# -ge 2 ]; do
		if [ $(( 0x$1 & 7 )) = 4 ]; then
			[ $(( 0x$2 )) -ne 0 ] && return 0
			shift
		fi
		shift
	done
	return 1
}

for mode in kernel user; do
	one_link virtio-$mode 8 1 virtio_net --pci "$VIRTIO_BDF" --tce $mode
	j=/tmp/virtio-$mode.json
	echo "RESULT virtio-$mode $(grep -E '^GUEST (bars|msix) ' /tmp/virtio-$mode.out | tr '\n' ' ')"
	check "virtio-$mode: a 64-bit BAR above 4 GiB on the guest's bus" bar_above_4g /tmp/virtio-$mode.out
	check "virtio-$mode: the guest's virtio_net uses MSI-X" \
		grep -qE "^GUEST msix pci=.* vectors=[1-9]" /tmp/virtio-$mode.out
	check "virtio-$mode: the guest created a DDW window and uses it" phb_ddw_in_use $j 0
done
exit $fail
