#!/bin/sh
# Scenario errors: pvmm run on PCI devices it must refuse, in the emulated
# host: each gives exactly one error line naming the device and the reason,
# and exit status 1, and leaves the host as it was (NIC A still usable).
fail=0
. /pvmm/scenarios/lib-common.sh
try() { # name bdf expected-text
	"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512 -p "pvmm.test=boot" --pci "$2" \
		</dev/null > /tmp/err-$1.out 2>&1
	rc=$?
	sed "s/^/L2[$1]| /" /tmp/err-$1.out
	check "$1: exit status 1" test $rc -eq 1
	check "$1: one line" test "$(grep -c . /tmp/err-$1.out)" -eq 1
	check "$1: names $2 and says '$3'" sh -c "grep -q '$2' /tmp/err-$1.out && grep -q '$3' /tmp/err-$1.out"
}
try absent 0000:07:00.0 "no such PCI device"
# NIC B: bound to e1000e, so its IOMMU group is not viable for VFIO.
nicb=$(basename "$(readlink /sys/class/net/$NIC_B_IF/device)")
try host-driver "$nicb" "not vfio-pci"
try bad-address 0000:zz:00.0 "not a PCI address"
# After the refusals NIC A is still there to be used.
"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512 -c 1 -p "console=hvc0 quiet pvmm.test=boot" \
	--pci "$NIC_A_BDF" </dev/null > /tmp/err-after.out 2>&1
check "NIC A still passes through and the guest boots" grep -q "GUEST-BOOT-OK" /tmp/err-after.out
exit $fail
