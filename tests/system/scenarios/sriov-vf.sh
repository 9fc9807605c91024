#!/bin/sh
# Scenario sriov-vf (powernv: L1 makes the VFs): the emulated host's igb
# (82576) physical function stays with L1's igb, which made two SR-IOV
# VFs, each an IOMMU group of its own; VF 0 passes through as a plain
# function (no INTx, 64-bit prefetchable BARs, MSI-X), in mode kernel's
# safe default with DDW on, and the guest's igbvf sends 8 MiB over the
# PF's wire, sha256-checked.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT sriov-vf pf=${IGB_PF:-none} vf=${VF_BDF:-none} group=${VF_GROUP:-none}"
for v in /sys/bus/pci/devices/$IGB_PF/virtfn*; do
	[ -e "$v" ] || continue
	b=$(basename "$(readlink "$v")")
	echo "RESULT sriov-vf $(basename "$v")=$b group=$(basename "$(readlink "/sys/bus/pci/devices/$b/iommu_group")")" \
		"driver=$(basename "$(readlink "/sys/bus/pci/devices/$b/driver")" 2>/dev/null)"
done
check "L1 made VF 0 of the igb and gave it to vfio-pci" test -n "$VF_BDF" -a -e "/dev/vfio/$VF_GROUP"
[ -n "$VF_BDF" ] || exit $fail

one_link vf-kernel 8 0 igbvf --pci "$VF_BDF" --tce kernel
j=/tmp/vf-kernel.json
echo "RESULT vf-kernel $(grep -E '^GUEST (bars|msix) ' /tmp/vf-kernel.out | tr '\n' ' ')"
check "the VF has no INTx (pvmm's JSON)" test "$(phb_get $j 0 "functions.*.intx")" = false
check "the guest's igbvf uses MSI-X" grep -qE "^GUEST msix pci=.* vectors=[1-9]" /tmp/vf-kernel.out
check "the guest created a DDW window and uses it" phb_ddw_in_use $j 0
exit $fail
