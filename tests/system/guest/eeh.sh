#!/bin/sh
# Guest side of the eeh scenario: e1000e binds the passthrough NIC and the
# kernel's EEH (pSeries) enables it through pvmm's RTAS calls; the guest
# reports what EEH says of the NIC's PE, then has its PE frozen and
# recovered, trying in order:
#   1. its own MMIO error (debugfs eeh_dev_break: memory space off, a load),
#      with the interface down: memory space going off takes the BARs out
#      of KVM, and a driver touching them meanwhile would race that;
#   2. an error the emulated host (L1) injects: the guest prints
#      "GUEST eeh ask-l1-inject" and reads the NIC's config space for up
#      to pvmm.l1wait seconds (default 40) while L1 injects;
#   3. if nothing froze the PE: a recovery forced on it (debugfs
#      eeh_force_recover), which runs the same driver callbacks, PE
#      resets and reconfiguration as a real freeze.
# Each attempt ends as soon as the kernel logs "EEH: Recovery successful".
# Then the link must come back: 20 pings and pvmm.mb MiB (default 8) sent
# to the emulated host with its sha256, as net.sh prints them; pvmm.netfeat
# as net.sh's.
. /guest/lib-guest.sh
size_mb=$(arg mb)
size_mb=${size_mb:-8}
l1wait=$(arg l1wait)
l1wait=${l1wait:-40}
peer=192.0.2.1
dbg=/sys/kernel/debug/powerpc

say() { echo "GUEST eeh $*"; }
recoveries() { dmesg | grep -c "EEH: Recovery successful"; }
pe_state() { cat "$dev/eeh_pe_state" 2>&1 | tr -s ' \n' ' '; }

# wait_recovery N SECONDS [TOUCH]: up to SECONDS for more than N recoveries
# logged; TOUCH: read the NIC's config space each second meanwhile (a
# frozen PE answers all ones, which makes the kernel check its state).
wait_recovery() {
	for i in $(seq 1 "$2"); do
		[ "$(recoveries)" -gt "$1" ] && return 0
		[ -n "$3" ] && dd if="$dev/config" of=/dev/null bs=64 count=1 2>/dev/null
		sleep 1
	done
	[ "$(recoveries)" -gt "$1" ]
}

insmod /lib/modules/e1000e.ko
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
ifn=
for i in $(seq 1 50); do
	for n in /sys/class/net/*; do [ -e "$n/device" ] && ifn=$(basename "$n") && break; done
	[ -n "$ifn" ] && break
	sleep 0.2
done
[ -n "$ifn" ] || { echo "GUEST-NET-FAIL no network interface"; exit 1; }
dev=$(readlink -f /sys/class/net/$ifn/device)
gbdf=$(basename "$dev")
echo "GUEST nic=$ifn driver=$(basename "$(readlink "$dev/driver")") pci=$gbdf"

# What the kernel's EEH made of the platform and the NIC.
dmesg | grep -iE "EEH" | sed 's/^/GUEST dmesg /'
pe=$(cat "$dev/eeh_pe_config_addr" 2>&1)
say "pe pci=$gbdf pe_config_addr=$pe mode=$(cat "$dev/eeh_mode" 2>&1) state=$(pe_state)"
grep -E "enabled|disabled|slot_resets" /proc/powerpc/eeh 2>&1 | sed 's/^/GUEST eeh proc /'

# pvmm.netfeat=sg:off: offloads off, as net.sh (the emulated host's e1000e
# model drops frames whose buffer spans pages)
for f in $(arg netfeat | tr ',' ' '); do
	netfeat "$ifn" "${f%%:*}" "${f#*:}" | sed 's/^/GUEST netfeat /'
done
ip addr add 192.0.2.2/24 dev "$ifn"
ip link set "$ifn" up
wait_carrier "$ifn" 20
say "ping-before $(ping -c 5 -i 0.2 -W 10 $peer | tail -n 2 | tr '\n' ' ')"

base=$(recoveries)
via=
# 1. The guest's own MMIO error.
if [ -e $dbg/eeh_dev_break ]; then
	ip link set "$ifn" down
	out=$( { echo "$gbdf" > $dbg/eeh_dev_break; } 2>&1 ); rc=$?
	say "inject=guest-dev-break rc=$rc answer=${out:-none} state=$(pe_state)"
	[ -e $dbg/eeh_dev_check ] && echo "$gbdf" > $dbg/eeh_dev_check 2>/dev/null
	wait_recovery "$base" 10 touch && via=guest-dev-break
	ip link set "$ifn" up
else
	say "inject=guest-dev-break absent ($dbg/eeh_dev_break)"
fi
# 2. L1's injection.
if [ -z "$via" ]; then
	say "ask-l1-inject pe=$pe"
	wait_recovery "$base" "$l1wait" touch && via=l1-inject
	say "after-l1-inject state=$(pe_state)"
fi
# 3. A recovery forced on the PE: "domain:PE" in hex, as eeh_force_recover reads it.
if [ -z "$via" ]; then
	dom=${gbdf%%:*}
	out=$( { echo "$dom:${pe#0x}" > $dbg/eeh_force_recover; } 2>&1 ); rc=$?
	say "inject=force-recover target=$dom:${pe#0x} rc=$rc answer=${out:-none}"
	wait_recovery "$base" 120 && via=force-recover
fi
say "recovered=${via:-no} recoveries=$(recoveries) state=$(pe_state)"
dmesg | grep -E "EEH|e1000e" | tail -n 40 | sed 's/^/GUEST dmesg-after /'

# The link after the recovery, and the transfer.
wait_carrier "$ifn" 30
echo "GUEST link carrier=$(cat /sys/class/net/$ifn/carrier 2>/dev/null) operstate=$(cat /sys/class/net/$ifn/operstate)"
echo "GUEST msix pci=$gbdf vectors=$(cat "$dev"/msi_irqs/* 2>/dev/null | grep -c msix)"
ping -c 20 -i 0.2 -W 10 $peer | tail -n 2 | sed "s/^/GUEST ping /"
dd if=/dev/urandom of=/tmp/data bs=1M count="$size_mb" 2>/dev/null
echo "GUEST sha256=$(sha256sum /tmp/data | cut -d' ' -f1) bytes=$(stat -c %s /tmp/data)"
for try in $(seq 1 600); do
	nc $peer 5000 < /tmp/data 2>/tmp/nc.err
	rc=$?
	grep -q refused /tmp/nc.err || break
	sleep 0.5
done
echo "GUEST sent rc=$rc run=1"
