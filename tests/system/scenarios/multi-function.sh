#!/bin/sh
# Scenario multi-function: both functions of the two-function device (one
# slot, one IOMMU group) pass through together, in pvmm's safe mode kernel
# default. They stay one multi-function device on one guest PHB (one slot,
# functions 0 and 1), and both work: function 0 is on the first wire,
# function 1 on the second, and the guest sends 8 MiB over each at once.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT multi-function device $MFD_BDFS group $MFD_GROUP"
check "the emulated host has the two-function device" test "$(echo $MFD_BDFS | wc -w)" -eq 2

# one_slot DEVFN DEVFN: function 0 and function 1 of one slot.
one_slot() { [ $# -eq 2 ] && [ $(($1 % 8)) -eq 0 ] && [ "$2" -eq $(($1 + 1)) ]; }
# guest_one_slot OUT: the guest sees the two NICs as DDDD:BB:SS.0 and .1.
guest_one_slot() {
	set -- $(sed -n 's/^GUEST nic=.* pci=\([0-9a-f:.]*\).*/\1/p' "$1" | sort)
	[ $# -eq 2 ] && [ "${1%.0}" = "${2%.1}" ]
}

two_links mf-kernel 8 --pci "${MFD_BDFS% *}" --pci "${MFD_BDFS#* }" --tce kernel
j=/tmp/mf-kernel.json
devfns=$(phb_get $j 0 "functions.*.devfn" | sort -n | tr '\n' ' ')
echo "RESULT mf-kernel devfns=$devfns groups=$(phb_get $j 0 "functions.*.group" | sort -u | tr '\n' ' ')"
check "one guest PHB" test -z "$(phb_json $j 1)"
check "one IOMMU group" test "$(phb_groups $j 0)" -eq 1
check "functions 0 and 1 of one slot on the guest PHB" one_slot $devfns
check "the guest sees one two-function device" guest_one_slot /tmp/mf-kernel.out
check_kvm_tables mf-kernel 1
exit $fail
