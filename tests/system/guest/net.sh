#!/bin/sh
# Guest side of the passthrough scenarios: e1000e binds every passthrough
# NIC; each link comes up on the subnet of the wire its NIC is on (by MAC,
# as tests/system/run wires them: hub 0 is 192.0.2.0/24, hub 1
# 198.51.100.0/24, the emulated host is .1 and the guest .2 on both), pings
# the emulated host 20 times, then sends SIZE_MB of random data to it over
# TCP (busybox nc, port 5000 + hub) with its sha256 printed for comparison.
# Several links send at the same time. With one link the lines are as they
# always were; with several each line ends with " link=N" (the hub).
# Kernel parameters: pvmm.mb (size), pvmm.xfers (how many times),
# pvmm.itr (e1000e interrupt throttle), pvmm.netfeat, pvmm.sniff; and for a
# wire of the user's (kernel/run-guest --peer): pvmm.peer=IP, pvmm.ip=IP/LEN
# and pvmm.port=N, which the first link uses instead of its MAC's wire.
# arg NAME: the value of pvmm.NAME= on the kernel command line.
. /guest/lib-guest.sh
size_mb=$(sed -n 's/.*pvmm\.mb=\([0-9]*\).*/\1/p' /proc/cmdline)
size_mb=${size_mb:-64}
xfers=$(sed -n 's/.*pvmm\.xfers=\([0-9]*\).*/\1/p' /proc/cmdline)

# hub_of IF: which wire the NIC is on, from its MAC (tests/system/run).
# Hub 2 joins only functions 2 and 3 of the four-function device: no host
# is on it. virtio-net (:15) is on hub 1.
hub_of() {
	case $(cat /sys/class/net/$1/address) in
	*:0c|*:11|*:15) echo 1 ;;
	*:12|*:13) echo 2 ;;
	*) echo 0 ;;
	esac
}
user_peer=$(arg peer) user_ip=$(arg ip) user_port=$(arg port)
# The user's wire is "hub" u.
if [ -n "$user_peer" ]; then
	hub_of() { echo u; }
fi
peer_of() {
	case $1 in
	u) echo "$user_peer" ;;
	1) echo 198.51.100.1 ;;
	*) echo 192.0.2.1 ;;
	esac
}
port_of() { [ "$1" = u ] && echo "${user_port:-5000}" || echo $((5000 + $1)); }
addr_of() {
	if [ "$1" = u ]; then
		echo "${user_ip:-${user_peer%.*}.2/24}"
	else
		p=$(peer_of "$1")
		echo "${p%.1}.2/24"
	fi
}

# link_up IF HUB SUFFIX: address, offloads, carrier, interrupts, DDW, ping.
link_up() {
	ifn=$1 hub=$2 sfx=$3
	drv=$(basename "$(readlink /sys/class/net/$ifn/device/driver)")
	echo "GUEST nic=$ifn driver=$drv pci=$(basename "$(pci_of "$ifn")")$sfx"
	show_bars "$ifn"
	# pvmm.netfeat=tso:off,gso:off: offloads to switch before the transfer
	for f in $(arg netfeat | tr ',' ' '); do
		netfeat "$ifn" "${f%%:*}" "${f#*:}" | sed 's/^/GUEST netfeat /'
	done
	peer=$(peer_of "$hub")
	ip addr add "$(addr_of "$hub")" dev "$ifn"
	ip link set "$ifn" up
	wait_carrier "$ifn" 20
	echo "GUEST link carrier=$(cat /sys/class/net/$ifn/carrier 2>/dev/null) operstate=$(cat /sys/class/net/$ifn/operstate)$sfx"
	grep -E "MSI|IPI|$ifn" /proc/interrupts | sed "s/^/GUEST irq /"
	show_msix "$ifn"
	# -W: how long busybox waits for the replies still out after the
	# last request; the emulated host can take seconds to answer one.
	ping -c 20 -i 0.2 -W 10 "$peer" | tail -n 2 | sed "s/^/GUEST ping /; s/\$/$sfx/"
}

# pci_of IF: the PCI function's sysfs directory behind the interface (a
# virtio interface's device is the virtio device on the function).
pci_of() {
	d=$(readlink -f "/sys/class/net/$1/device")
	[ -e "$d/config" ] || d=$(dirname "$d")
	echo "$d"
}

# show_bars IF: the function's six BAR registers as its config space holds
# them (bus addresses: a 64-bit BAR's high half is the next register).
show_bars() {
	d=$(pci_of "$1")
	echo "GUEST bars pci=$(basename "$d") $(od -An -tx4 -j16 -N24 "$d/config" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
}

# show_msix IF: how many MSI-X vectors the function's driver enabled (the
# driver enables them when the interface goes up).
show_msix() {
	d=$(pci_of "$1")
	echo "GUEST msix pci=$(basename "$d") vectors=$(cat "$d"/msi_irqs/* 2>/dev/null | grep -c msix)"
}

# unwired_up IF: a NIC with no wire of its own (hub 2, or a wire an earlier
# NIC already carries): bound, up with carrier, MSI-X on; no address.
unwired_up() {
	drv=$(basename "$(readlink /sys/class/net/$1/device/driver)")
	ip link set "$1" up
	wait_carrier "$1" 20
	echo "GUEST nic=$1 driver=$drv pci=$(basename "$(pci_of "$1")") unwired carrier=$(cat /sys/class/net/$1/carrier 2>/dev/null)"
	show_msix "$1"
}

# Which DMA regime the kernel chose: a 64-bit DDW window (direct, or as a
# bigger TCE window), or only the 32-bit default window.
show_ddw() {
	ddw=none
	for p in /proc/device-tree/pci@*/linux,direct64-ddr-window-info \
		 /proc/device-tree/pci@*/linux,dma64-ddr-window-info; do
		[ -e "$p" ] && ddw="$(basename "$p") $(od -An -tx1 "$p" | tr -d ' \n')"
	done
	echo "GUEST ddw $ddw"
	dmesg | grep -E "pe-dma-window|DMA window" | sed 's/^/GUEST dmesg /'
}

# send IF HUB SUFFIX: pvmm.xfers transfers of /tmp/data, one TCP connection
# each. The emulated host listens again only once it has checked the
# previous transfer; until then the connection is refused and the guest
# tries again, so that check is not timed.
send() {
	ifn=$1 peer=$(peer_of "$2") port=$(port_of "$2") sfx=$3
	for run in $(seq 1 "${xfers:-1}"); do
		for try in $(seq 1 600); do
			# Marks around the timed part only: pvmm counts the exits
			# between them (a refused try's marks are overwritten by
			# the next one's; make bench takes each label's last).
			echo "PVMM-MARK xfer-start run=$run$sfx"
			t0=$(cut -d' ' -f1 /proc/uptime)
			nc "$peer" "$port" < /tmp/data 2>/tmp/nc.err.$ifn
			rc=$?
			t1=$(cut -d' ' -f1 /proc/uptime)
			echo "PVMM-MARK xfer-end run=$run$sfx"
			grep -q refused /tmp/nc.err.$ifn || break
			sleep 0.5
		done
		cat /tmp/nc.err.$ifn
		echo "GUEST sent rc=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') run=$run$sfx"
	done
}

# Progress while sending: packet counters and the NIC's interrupt counts,
# so that a stalled transfer shows which side stopped.
monitor() {
	retr=0
	while sleep 15; do
		r=$(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f13)
		if [ -s /tmp/sniff ] && [ "$r" != "$retr" ]; then
			tail -n 12 /tmp/sniff | sed 's/^/GUEST sniff /'
			retr=$r
		fi
		for ifn in $IFS_UP; do
			st=/sys/class/net/$ifn/statistics
			echo "GUEST progress tx=$(cat $st/tx_packets) rx=$(cat $st/rx_packets) txerr=$(cat $st/tx_errors)" \
				"tcp=$(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f10-16)" \
				"irqs=$(grep -E "$ifn" /proc/interrupts | tr -s ' ' | cut -d' ' -f3-4 | tr '\n' ' ')$(sfx_of "$ifn")"
		done
	done
}

# pvmm.itr=N: the e1000e driver's interrupt throttle rate (interrupts/s),
# a per-board array: the same for up to four NICs.
insmod /lib/modules/e1000e.ko $(sed -n 's/.*pvmm\.itr=\([0-9]*\).*/InterruptThrottleRate=\1,\1,\1,\1/p' /proc/cmdline)
# A function e1000e did not take (a user's NIC: kernel/run-guest) gets the
# other drivers the initramfs carries; the test NICs need none of them.
# (insmod returns once the driver's probe of each function is done.)
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] && [ ! -e "$d/driver" ] || continue
	while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /lib/modules/load-order
	break
done
# A virtio device (the built-in virtio_pci took the function) gets
# virtio_net, after what it needs.
for d in /sys/bus/virtio/devices/*; do
	[ -e "$d" ] && [ ! -e "$d/driver" ] || continue
	grep -E '^(failover|net_failover|virtio_net)\.ko$' /lib/modules/load-order |
		while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done
	break
done
ip link set lo up
IFS_UP=
for i in $(seq 1 50); do
	IFS_UP=
	for n in /sys/class/net/*; do
		[ -e "$n/device" ] && IFS_UP="$IFS_UP $(basename "$n")"
	done
	[ -n "$IFS_UP" ] && sleep 0.5 && break	# let a second function's probe finish
	sleep 0.2
done
IFS_UP=
for n in /sys/class/net/*; do [ -e "$n/device" ] && IFS_UP="$IFS_UP $(basename "$n")"; done
if [ -z "$IFS_UP" ]; then
	echo "GUEST-NET-FAIL no network interface"; lspci 2>/dev/null; exit 1
fi
# The links: the first NIC on each wire that has a host on it. The others
# are brought up unwired.
WIRED= UNWIRED= hubs=
for ifn in $IFS_UP; do
	h=$(hub_of "$ifn")
	case "$h $hubs " in
	"2 "*|*" $h "*) UNWIRED="$UNWIRED $ifn" ;;
	*) WIRED="$WIRED $ifn" hubs="$hubs $h" ;;
	esac
done
IFS_UP=$WIRED
nlinks=$(echo $IFS_UP | wc -w)
sfx_of() { [ "$nlinks" -gt 1 ] && echo " link=$(hub_of "$1")"; }
echo "GUEST links=$nlinks:$IFS_UP"
for ifn in $IFS_UP; do link_up "$ifn" "$(hub_of "$ifn")" "$(sfx_of "$ifn")"; done
for ifn in $UNWIRED; do unwired_up "$ifn"; done
show_ddw
dd if=/dev/urandom of=/tmp/data bs=1M count="$size_mb" 2>/dev/null
echo "GUEST sha256=$(sha256sum /tmp/data | cut -d' ' -f1) bytes=$(stat -c %s /tmp/data)"
set -- $IFS_UP
grep -q pvmm.sniff=1 /proc/cmdline && { sniff "$1" 5000 > /tmp/sniff 2>&1 & }
monitor &
mon=$!
senders=
for ifn in $IFS_UP; do
	send "$ifn" "$(hub_of "$ifn")" "$(sfx_of "$ifn")" &
	senders="$senders $!"
done
wait $senders
kill $mon 2>/dev/null
for ifn in $IFS_UP; do grep -E "MSI|IPI|$ifn" /proc/interrupts | sed "s/^/GUEST irq /"; done
