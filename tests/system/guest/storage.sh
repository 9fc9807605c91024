#!/bin/sh
# Guest side of the storage scenarios, on the passthrough NVMe controller
# (its first namespace). pvmm.fs=write: an ext2 filesystem on its first
# 128 MiB with pvmm.mb MiB (default 64) of random data and its sha256;
# pvmm.fs=check: mount it and check the data against that sha256 (the next
# pvmm run), then write new data for the run after. pvmm.raw=1: beyond the
# filesystem, write pvmm.mb MiB and read it back with O_DIRECT in 1 MiB
# requests (the block layer maps 256 pages per request: the storage DMA
# regime), each timed between PVMM-MARK lines so that pvmm counts each
# one's exits, sha256-checked.
. /guest/lib-guest.sh
mb=$(arg mb)
mb=${mb:-64}
FS_MB=128
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
# The I/O queues (the driver's "N/0/0 default/read/poll queues") and its
# interrupts.
echo "GUEST nvme0n1 bytes=$(($(cat /sys/block/nvme0n1/size) * 512))" \
	"io_queues=$(dmesg | sed -n 's|.*nvme0: \([0-9]*\)/\([0-9]*\)/\([0-9]*\) default/read/poll queues.*|\1 \2 \3|p' |
		tail -n1 | awk '{print $1 + $2 + $3}')" \
	"irqs=$(grep -c nvme /proc/interrupts)"
grep nvme /proc/interrupts | sed 's/^/GUEST irq /'

# new_data: pvmm.mb MiB of random data in /tmp/data, its sha256 in $sum.
new_data() {
	dd if=/dev/urandom of=/tmp/data bs=1M count="$mb" 2>/dev/null
	sum=$(sha256sum /tmp/data | cut -d' ' -f1)
}

# fs_mount, fs_umount: the filesystem on /mnt; a failure is said.
fs_mount() {
	mkdir -p /mnt
	mount -t ext2 /dev/nvme0n1 /mnt 2>/tmp/mount.err && return 0
	echo "GUEST fs mount failed: $(cat /tmp/mount.err) $(dmesg | tail -n 3 | tr '\n' ' ')"
	return 1
}
fs_umount() { umount /mnt 2>/tmp/mount.err || echo "GUEST fs umount failed: $(cat /tmp/mount.err)"; }

# fs_write: the data and its sha256 onto the mounted filesystem.
fs_write() {
	new_data
	cp /tmp/data /mnt/data && echo "$sum" > /mnt/data.sha256
	echo "GUEST fs wrote sha256=$sum rc=$?"
	rm -f /tmp/data
}

case $(arg fs) in
write)
	mke2fs /dev/nvme0n1 $((FS_MB * 1024)) > /tmp/mke2fs.out 2>&1 ||
		echo "GUEST fs mke2fs failed: $(tail -n 2 /tmp/mke2fs.out | tr '\n' ' ')"
	fs_mount && fs_write && fs_umount
	;;
check)
	if fs_mount; then
		echo "GUEST fs found sha256=$(sha256sum /mnt/data | cut -d' ' -f1) recorded=$(cat /mnt/data.sha256)"
		fs_write
		fs_umount
	fi
	;;
esac

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
if [ "$(arg raw)" = 1 ]; then
	new_data
	timed write dd if=/tmp/data of=/dev/nvme0n1 bs=1M count="$mb" seek=$FS_MB oflag=direct
	rm -f /tmp/data
	timed read dd if=/dev/nvme0n1 of=/tmp/back bs=1M count="$mb" skip=$FS_MB iflag=direct
	echo "GUEST raw written_sha256=$sum read_sha256=$(sha256sum /tmp/back | cut -d' ' -f1)"
	rm -f /tmp/back
fi
dmesg | grep -E "Oops: |kernel BUG at|WARNING: CPU: |nvme.*(timeout|I/O error)|EXT[24]-fs error" |
	sed 's/^/GUEST dmesg /'
exit 0
