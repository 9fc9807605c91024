#!/bin/sh
# Scenario errors: pvmm run on PCI devices it must refuse, in the emulated
# host: each gives exactly one error line naming the device (or its group)
# and the reason, and exit status 1, and leaves the host as it was: the
# devices are still usable, and a VM that holds a group keeps running.
fail=0
. /pvmm/scenarios/lib-common.sh
# try NAME NAMED EXPECTED PVMM-ARGS...: pvmm must fail with one line that
# names NAMED and says EXPECTED.
try() {
	name=$1 named=$2 expected=$3
	shift 3
	"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512 -p "pvmm.test=boot" "$@" \
		</dev/null > /tmp/err-$name.out 2>&1
	rc=$?
	sed "s/^/L2[$name]| /" /tmp/err-$name.out
	check "$name: exit status 1" test $rc -eq 1
	check "$name: one line" test "$(grep -c . /tmp/err-$name.out)" -eq 1
	check "$name: names $named and says '$expected'" \
		sh -c "grep -q '$named' /tmp/err-$name.out && grep -q '$expected' /tmp/err-$name.out"
}
# rebind BDF DRIVER: hand a function to another host driver.
rebind() {
	echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	echo "L1: $1 now bound to $(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")"
}

try absent 0000:07:00.0 "no such PCI device" --pci 0000:07:00.0
# NIC B: bound to e1000e, so its IOMMU group is not viable for VFIO.
nicb=$(basename "$(readlink /sys/class/net/$NIC_B_IF/device)")
try host-driver "$nicb" "not vfio-pci" --pci "$nicb"
try bad-address 0000:zz:00.0 "not a PCI address" --pci 0000:zz:00.0
try same-bdf-twice "$NIC_A_BDF" "given twice" --pci "$NIC_A_BDF" --pci "$NIC_C_BDF" --pci "$NIC_A_BDF"

# A group whose other function a host driver holds: function 1 of the
# four-function device goes to e1000e for the while.
set -- $MFD_BDFS
mf0=$1 mf1=$2
rebind "$mf1" e1000e
try not-viable "$mf1" "bound to e1000e, not vfio-pci" --pci "$mf0"
rebind "$mf1" vfio-pci
check "function 1 is back on vfio-pci" test "$(basename "$(readlink "/sys/bus/pci/devices/$mf1/driver")")" = vfio-pci

# A group that a running pvmm holds: a second pvmm asking for it fails
# clearly, and the first one's transfer completes.
receiver_start err-busy 0 1
pvmm_net err-busy 8 --pci "$NIC_A_BDF" --tce kernel > /dev/null &
first=$!
for i in $(seq 1 240); do
	grep -q "PVMM-GUEST-UP" /tmp/err-busy.out 2>/dev/null && break
	sleep 0.5
done
try group-busy "/dev/vfio/$NIC_A_GROUP" "busy: another process" --pci "$NIC_C_BDF" --pci "$NIC_A_BDF"
wait $first
receiver_stop err-busy "$(grep -c "GUEST sent rc=0 " /tmp/err-busy.out)"
check "the first pvmm was running when the second asked" grep -q "PVMM-GUEST-UP" /tmp/err-busy.out
check_transfers err-busy /tmp/err-busy.out 8 1
check "the first pvmm exited 0" test "$(cat /tmp/err-busy.rc)" = 0

# After the refusals NIC A, NIC C and the four-function device are still
# there to be used.
"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -m 512 -c 1 -p "console=hvc0 quiet pvmm.test=boot" \
	--pci "$NIC_A_BDF" --pci "$NIC_C_BDF" $(mfd_pci_args) </dev/null > /tmp/err-after.out 2>&1
check "every passthrough device still passes through and the guest boots" grep -q "GUEST-BOOT-OK" /tmp/err-after.out
grep -q "GUEST-BOOT-OK" /tmp/err-after.out || tail -n 20 /tmp/err-after.out | sed 's/^/L2| /'
exit $fail
