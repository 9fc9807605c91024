#!/bin/sh
# Guest side of the storage scenarios: the passthrough NVMe controller's
# driver binds, and the guest writes pvmm.mb MiB (default 64) of random
# data to its first namespace and reads it back, with O_DIRECT in 1 MiB
# requests (the block layer maps 256 pages per request: the storage DMA
# regime), each timed between PVMM-MARK lines so that pvmm counts the
# exits of each; the data read back must have the sha256 written.
arg() { sed -n "s/.*pvmm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
mb=$(arg mb)
mb=${mb:-64}
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /lib/modules/load-order
for i in $(seq 1 100); do
	[ -b /dev/nvme0n1 ] && break
	sleep 0.2
done
for d in /sys/bus/pci/devices/*; do
	drv=$(basename "$(readlink "$d/driver")" 2>/dev/null)
	echo "GUEST pci=$(basename "$d") class=$(cat "$d/class") driver=${drv:-none}" \
		"msix=$(cat "$d"/msi_irqs/* 2>/dev/null | grep -c msix)"
done
if [ ! -b /dev/nvme0n1 ]; then
	echo "GUEST-STORAGE-FAIL no /dev/nvme0n1"
	dmesg | grep -iE "nvme|pci" | tail -n 20 | sed 's/^/GUEST dmesg /'
	exit 1
fi
echo "GUEST nvme0n1 bytes=$(($(cat /sys/block/nvme0n1/size) * 512))" \
	"queues=$(ls /sys/block/nvme0n1/mq/ 2>/dev/null | wc -l)"
dd if=/dev/urandom of=/tmp/data bs=1M count="$mb" 2>/dev/null
sum=$(sha256sum /tmp/data | cut -d' ' -f1)

# timed LABEL COMMAND...: the command between marks; prints its seconds.
timed() {
	label=$1; shift
	echo "PVMM-MARK $label-start"
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$@" 2>/tmp/dd.err
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "PVMM-MARK $label-end"
	[ $rc = 0 ] || sed 's/^/GUEST dd /' /tmp/dd.err
	echo "GUEST $label rc=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') mb=$mb"
}
timed write dd if=/tmp/data of=/dev/nvme0n1 bs=1M count="$mb" oflag=direct
rm -f /tmp/data
timed read dd if=/dev/nvme0n1 of=/tmp/back bs=1M count="$mb" iflag=direct
back=$(sha256sum /tmp/back | cut -d' ' -f1)
echo "GUEST storage written_sha256=$sum read_sha256=$back"
dmesg | grep -E "Oops: |kernel BUG at|WARNING: CPU: |nvme.*(timeout|I/O error)" | sed 's/^/GUEST dmesg /'
[ "$sum" = "$back" ]
