#!/bin/sh
# Scenario shared-phb: NIC A and NIC C, two IOMMU groups, both on guest PHB
# 0 (phb=0): one VFIO container for both groups, one DMA window, and in
# mode kernel its one KVM table attached to both groups (one
# KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE per group, DDW windows included). The
# guest drives both NICs and sends 8 MiB over each link at once; with every
# TCE hcall in KVM (--trusted-guest) none reaches pvmm.
fail=0
. /pvmm/scenarios/lib-common.sh

two_links sp-kernel 8 --pci "$NIC_A_BDF,phb=0" --pci "$NIC_C_BDF,phb=0" --tce kernel --trusted-guest
j=/tmp/sp-kernel.json
groups=$(phb_groups $j 0)
echo "RESULT sp-kernel groups_on_phb0=$groups valid_entries=$(phb_valid_entries $j 0) tce_exits=$(tce_exit_total $j)"
check "one guest PHB" test -z "$(phb_json $j 1)"
check "both functions on PHB 0" test "$(phb_hosts $j 0 | tr '\n' ' ')" = "$NIC_A_BDF $NIC_C_BDF "
check "two IOMMU groups on PHB 0" test "$groups" -eq 2
check "the guest created a DDW window on the shared PHB and uses it" phb_ddw_in_use $j 0
check "no TCE hcall at all reached pvmm (mode kernel, trusted guest)" test "$(tce_exit_total $j)" -eq 0
check "the shared KVM tables hold entries" test "$(phb_valid_entries $j 0)" -gt 0
check_kvm_tables sp-kernel 1
grep "kvm-vfio\|SET_SPAPR_TCE" /tmp/sp-kernel.out | sed 's/^/L2| /'
exit $fail
