#!/bin/sh
# Guest side of the passthrough scenarios: the e1000e driver binds to the
# passthrough NIC, the link comes up as 192.0.2.2/24, 20 pings to the
# emulated host's NIC B (192.0.2.1), then SIZE_MB of random data to it over
# TCP (busybox nc, port 5000) with its sha256 printed for comparison.
# Kernel parameters: pvmm.mb (size), pvmm.xfers (how many times),
# pvmm.itr (e1000e interrupt throttle), pvmm.netfeat, pvmm.sniff.
size_mb=$(sed -n 's/.*pvmm\.mb=\([0-9]*\).*/\1/p' /proc/cmdline)
size_mb=${size_mb:-64}
# pvmm.itr=N: the e1000e driver's interrupt throttle rate (interrupts/s)
insmod /lib/modules/e1000e.ko $(sed -n 's/.*pvmm\.itr=\([0-9]*\).*/InterruptThrottleRate=\1/p' /proc/cmdline)
for i in $(seq 1 50); do
	for n in /sys/class/net/*; do
		[ -e "$n/device" ] && IF=$(basename "$n") && break 2
	done
	sleep 0.2
done
if [ -z "$IF" ]; then
	echo "GUEST-NET-FAIL no network interface"; lspci 2>/dev/null; exit 1
fi
drv=$(basename "$(readlink /sys/class/net/$IF/device/driver)")
echo "GUEST nic=$IF driver=$drv pci=$(basename "$(readlink /sys/class/net/$IF/device)")"
ip link set lo up
# pvmm.netfeat=tso:off,gso:off: offloads to switch before the transfer
for f in $(sed -n 's/.*pvmm\.netfeat=\([^ ]*\).*/\1/p' /proc/cmdline | tr ',' ' '); do
	netfeat "$IF" "${f%%:*}" "${f#*:}" | sed 's/^/GUEST netfeat /'
done
ip addr add 192.0.2.2/24 dev "$IF"
ip link set "$IF" up
for i in $(seq 1 100); do
	[ "$(cat /sys/class/net/$IF/carrier 2>/dev/null)" = 1 ] && break
	sleep 0.2
done
echo "GUEST link carrier=$(cat /sys/class/net/$IF/carrier 2>/dev/null) operstate=$(cat /sys/class/net/$IF/operstate)"
grep -E "MSI|IPI|$IF" /proc/interrupts | sed "s/^/GUEST irq /"
# Which DMA regime the kernel chose: a 64-bit DDW window (direct, or as a
# bigger TCE window), or only the 32-bit default window.
ddw=none
for p in /proc/device-tree/pci@*/linux,direct64-ddr-window-info \
	 /proc/device-tree/pci@*/linux,dma64-ddr-window-info; do
	[ -e "$p" ] && ddw="$(basename "$p") $(od -An -tx1 "$p" | tr -d ' \n')"
done
echo "GUEST ddw $ddw"
dmesg | grep -E "pe-dma-window|DMA window" | sed 's/^/GUEST dmesg /'
ping -c 20 -i 0.2 -W 2 192.0.2.1 | tail -n 2 | sed 's/^/GUEST ping /'
dd if=/dev/urandom of=/tmp/data bs=1M count="$size_mb" 2>/dev/null
echo "GUEST sha256=$(sha256sum /tmp/data | cut -d' ' -f1) bytes=$(stat -c %s /tmp/data)"
# Progress while sending: packet counters and the NIC's interrupt counts,
# so that a stalled transfer shows which side stopped.
st=/sys/class/net/$IF/statistics
grep -q pvmm.sniff=1 /proc/cmdline && { sniff "$IF" 5000 > /tmp/sniff 2>&1 & }
( retr=0
  while sleep 15; do
	r=$(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f13)
	if [ -s /tmp/sniff ] && [ "$r" != "$retr" ]; then
		tail -n 12 /tmp/sniff | sed 's/^/GUEST sniff /'
		retr=$r
	fi
	echo "GUEST progress tx=$(cat $st/tx_packets) rx=$(cat $st/rx_packets) txerr=$(cat $st/tx_errors)" \
		"tcp=$(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f10-16)" \
		"irqs=$(grep -E "$IF" /proc/interrupts | tr -s ' ' | cut -d' ' -f3-4 | tr '\n' ' ')"
done ) &
mon=$!
# pvmm.xfers=N: send the same data N times, one TCP connection each. The
# emulated host listens again only once it has checked the previous
# transfer; until then the connection is refused and the guest tries
# again, so that check is not timed.
xfers=$(sed -n 's/.*pvmm\.xfers=\([0-9]*\).*/\1/p' /proc/cmdline)
for run in $(seq 1 "${xfers:-1}"); do
	for try in $(seq 1 600); do
		t0=$(cut -d' ' -f1 /proc/uptime)
		nc 192.0.2.1 5000 < /tmp/data 2>/tmp/nc.err
		rc=$?
		t1=$(cut -d' ' -f1 /proc/uptime)
		grep -q refused /tmp/nc.err || break
		sleep 0.5
	done
	cat /tmp/nc.err
	echo "GUEST sent rc=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') run=$run"
done
kill $mon 2>/dev/null
grep -E "MSI|IPI|$IF" /proc/interrupts | sed "s/^/GUEST irq /"
