#!/bin/sh
# Scenario multi-function: the four functions of the four-function device
# (one slot, one IOMMU group: a 4-port NIC) pass through together, in
# pvmm's safe mode kernel default. They stay one multi-function device on
# one guest PHB (one slot, functions 0-3), and all work: e1000e binds each
# with MSI-X on; function 0 is on the first wire and function 1 on the
# second, and the guest sends 8 MiB over each at once; functions 2 and 3
# share a wire with no host on it and come up with carrier.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT multi-function device $MFD_BDFS group $MFD_GROUP"
check "the emulated host has the four-function device" test "$(echo $MFD_BDFS | wc -w)" -eq 4

# one_slot DEVFN...: functions 0, 1, 2 ... of one slot.
one_slot() {
	[ $# -eq 4 ] && [ $(($1 % 8)) -eq 0 ] || return 1
	base=$1
	for d; do [ "$d" -eq "$base" ] || return 1; base=$((base + 1)); done
}
# guest_one_slot OUT: the guest sees the four NICs as DDDD:BB:SS.0 to .3.
guest_one_slot() {
	set -- $(guest_nics "$1")
	[ $# -eq 4 ] && [ "${1%.0}.1" = "$2" ] && [ "${1%.0}.2" = "$3" ] && [ "${1%.0}.3" = "$4" ]
}

two_links mf-kernel 8 $(mfd_pci_args) --tce kernel
j=/tmp/mf-kernel.json
devfns=$(phb_get $j 0 "functions.*.devfn" | sort -n | tr '\n' ' ')
echo "RESULT mf-kernel devfns=$devfns groups=$(phb_get $j 0 "functions.*.group" | sort -u | tr '\n' ' ')"
check "one guest PHB" test -z "$(phb_json $j 1)"
check "pvmm's JSON lists four functions" test "$(phb_get $j 0 functions.#)" = 4
check "one IOMMU group" test "$(phb_groups $j 0)" -eq 1
check "functions 0 to 3 of one slot on the guest PHB" one_slot $devfns
check "the guest sees one four-function device" guest_one_slot /tmp/mf-kernel.out
check_unwired /tmp/mf-kernel.out 2
check_msix /tmp/mf-kernel.out $(guest_nics /tmp/mf-kernel.out)
check_kvm_tables mf-kernel 1
exit $fail
