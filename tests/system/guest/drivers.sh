#!/bin/sh
# Guest side of `make run` without a peer: load the drivers the initramfs
# carries (in dependency order, kernel/lib.sh install_module), bring every
# PCI network interface up and say what it found; /init then gives a shell
# (pvmm.shell=1).
while read -r m; do
	insmod "/lib/modules/$m" 2>/dev/null
done < /lib/modules/load-order
ip link set lo up
sleep 1
for n in /sys/class/net/*; do
	[ -e "$n/device" ] || continue
	ifn=$(basename "$n")
	ip link set "$ifn" up
	echo "GUEST nic=$ifn driver=$(basename "$(readlink "$n/device/driver")") pci=$(basename "$(readlink "$n/device")") mac=$(cat "$n/address")"
done
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] || continue
	drv=none
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	echo "GUEST pci $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") class=$(cat "$d/class") driver=$drv"
done
