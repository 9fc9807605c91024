#!/bin/sh
# Scenario host: the emulated POWER host can do what pvmm needs: /dev/kvm
# opens, a KVM-HV VM can be created, NIC A's VFIO group is viable and
# attaches to an sPAPR TCE v2 container, NIC B is up.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT host nic_a=$NIC_A_BDF group=${NIC_A_GROUP:-none} nic_b=${NIC_B_IF:-none}"
for d in /sys/kernel/iommu_groups/$NIC_A_GROUP/devices/*; do
	echo "RESULT host group_member=$(basename "$d") driver=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)"
done
check "NIC A bound to vfio-pci" test "$(basename "$(readlink /sys/bus/pci/devices/$NIC_A_BDF/driver 2>/dev/null)")" = vfio-pci
check "NIC A has a VFIO group" test -n "$NIC_A_GROUP" -a -e "/dev/vfio/$NIC_A_GROUP"
/pvmm/bin/hostprobe "$NIC_A_GROUP" > /tmp/hostprobe.out 2>&1
rc=$?
cat /tmp/hostprobe.out
check "hostprobe succeeded" test $rc -eq 0
check "/dev/kvm opens" grep -q "kvm_open=ok" /tmp/hostprobe.out
check "KVM-HV VM created" grep -q "kvm_hv_vm=ok" /tmp/hostprobe.out
check "group viable" grep -q "viable=1" /tmp/hostprobe.out
check "group attached to a v2 container" grep -q "container=v2" /tmp/hostprobe.out
check "NIC B up" test "$(cat /sys/class/net/$NIC_B_IF/operstate 2>/dev/null)" = up
exit $fail
