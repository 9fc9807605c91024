#!/bin/sh
# Scenario sriov-vf (powernv): the emulated host's igb (82576) is an SR-IOV
# NIC. L1's igb made two VFs at boot, each an IOMMU group of its own
# (kernel/l1-init); what L1 said of them is shown and checked. A VF cannot
# pass through in this emulated host (touching its shifted BARs is a
# machine check in L1: README, Known problems), so the physical function
# passes through in its place, in mode kernel's safe default with DDW on:
# the guest's igb sends 8 MiB over hub 0, sha256-checked, with MSI-X.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT sriov-vf pf=${IGB_PF:-none} group=${IGB_GROUP:-none}"
sed 's/^/RESULT sriov-vf L1: /' /tmp/sriov.l1 /tmp/sriov.vfs 2>/dev/null
check "L1 made two VFs, each an IOMMU group of its own" \
	test "$(awk '{print $3}' /tmp/sriov.vfs 2>/dev/null | sort -u | wc -l)" -eq 2
check "the igb physical function is on vfio-pci" test -n "$IGB_GROUP" -a -e "/dev/vfio/$IGB_GROUP"
[ -n "$IGB_GROUP" ] || exit $fail

one_link igb-kernel 8 0 igb --pci "$IGB_PF" --tce kernel
j=/tmp/igb-kernel.json
echo "RESULT igb-kernel $(grep -E '^GUEST (bars|msix) ' /tmp/igb-kernel.out | tr '\n' ' ')"
check "the guest's igb uses MSI-X" grep -qE "^GUEST msix pci=.* vectors=[1-9]" /tmp/igb-kernel.out
check "the guest created a DDW window and uses it" phb_ddw_in_use $j 0
exit $fail
