#!/bin/sh
# Scenario many-devices: every IOMMU group the emulated host offers (NIC A,
# NIC C and the four-function device) on a guest PHB of its own, DDW on, in
# mode kernel (the safe default) and in mode user. On each of the three
# PHBs the guest creates a 64-bit DDW window and uses it (pvmm's JSON); the
# PHB's DMA policy says the mode asked for. NIC A and NIC C each carry 8
# MiB, sha256-checked; the four functions are bound by e1000e with MSI-X
# (functions 0 and 1 share a wire with NIC A and NIC C, 2 and 3 have none:
# all four come up with carrier and no address); pvmm exits 0.
fail=0
. /pvmm/scenarios/lib-common.sh
echo "RESULT many-devices NIC A $NIC_A_BDF group $NIC_A_GROUP, NIC C $NIC_C_BDF group $NIC_C_GROUP," \
	"four-function device $MFD_BDFS group $MFD_GROUP"

# three_phbs JSON MODE: NIC A on PHB 0, NIC C on PHB 1, the four functions
# on PHB 2, each PHB in MODE with its DDW window created and in use.
three_phbs() {
	check "NIC A alone on guest PHB 0" test "$(phb_hosts "$1" 0)" = "$NIC_A_BDF"
	check "NIC C alone on guest PHB 1" test "$(phb_hosts "$1" 1)" = "$NIC_C_BDF"
	check "the four functions on guest PHB 2" \
		test "$(phb_hosts "$1" 2 | tr '\n' ' ')" = "$MFD_BDFS "
	check "three guest PHBs" test -z "$(phb_json "$1" 3)"
	for p in 0 1 2; do
		echo "RESULT many-devices mode=$2 phb=$p policy=\"$(phb_get "$1" $p tce.policy.summary)\"" \
			"ddw=$(phb_get "$1" $p "tce.ddw.created.*[removed=false].liobn" | tr '\n' ' ')" \
			"valid_entries=$(phb_valid_entries "$1" $p) hcalls=$(phb_window_hcalls "$1" $p)"
		check "PHB $p: mode $2" test "$(phb_get "$1" $p tce.mode)" = "$2"
		check "PHB $p: the guest created a DDW window and uses it" phb_ddw_in_use "$1" $p
	done
}

for mode in kernel user; do
	name=many-$mode
	two_links $name 8 --pci "$NIC_A_BDF" --pci "$NIC_C_BDF" $(mfd_pci_args) --tce $mode
	three_phbs /tmp/$name.json $mode
	check "six functions bound by e1000e" test "$(guest_nics /tmp/$name.out | wc -l)" -eq 6
	check_unwired /tmp/$name.out 4
	check_msix /tmp/$name.out $(guest_nics /tmp/$name.out)
done
check_kvm_tables many-kernel 3
exit $fail
