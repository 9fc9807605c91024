#!/bin/sh
# Scenario boot (runs inside the emulated POWER host): pvmm boots the Debian
# ppc64el kernel as an L2 guest with the busybox initramfs, 2 vcpus and
# 512 MiB. The guest's /init prints PVMM-GUEST-UP, runs guest/boot.sh (cpus,
# memory, /hypervisor) and powers off; pvmm must exit 0. The command line
# says nosoftlockup, not nowatchdog: the hard lockup detector is left to the
# kernel, which turns it off when it sees it is a KVM guest (/hypervisor).
set -u
OUT=/tmp/boot.out
RC=/tmp/boot.rc
VCPUS=2
MEM_MB=512

up() { cut -d' ' -f1 /proc/uptime; }
t0=$(up)
echo "RESULT boot pvmm_cmd=$PVMM run -k $GUEST_KERNEL -i $GUEST_INITRD -c $VCPUS -m $MEM_MB"
# pvmm's console is its stdout: follow it line by line to time the marker.
( timeout 300 "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c $VCPUS -m $MEM_MB \
	-p "console=hvc0 quiet nosoftlockup pvmm.test=boot" --stats-json /tmp/boot-stats.json </dev/null 2>&1
  echo $? > $RC ) | while IFS= read -r line; do
	echo "L2| $line"
	case "$line" in
	*PVMM-GUEST-UP*) echo "RESULT boot marker_s=$(awk -v a="$t0" -v b="$(up)" 'BEGIN{printf "%.1f", b-a}')" ;;
	esac
	echo "$line" >> $OUT
done
rc=$(cat $RC 2>/dev/null || echo none)
echo "RESULT boot pvmm_exit=$rc total_s=$(awk -v a="$t0" -v b="$(up)" 'BEGIN{printf "%.1f", b-a}')"

fail=0
. /pvmm/scenarios/lib-common.sh
check "guest userspace marker" grep -q PVMM-GUEST-UP $OUT
check "guest sees $VCPUS cpus" grep -q "GUEST cpus=$VCPUS " $OUT
mem_kb=$(sed -n 's/.*GUEST cpus=[0-9]* mem_kb=\([0-9]*\).*/\1/p' $OUT | head -n1)
echo "RESULT boot guest_mem_kb=${mem_kb:-none}"
# MemTotal is RAM minus what the kernel keeps for itself: between 60% and 100%.
check "guest memory near $MEM_MB MiB" test -n "$mem_kb" -a "${mem_kb:-0}" -gt $((MEM_MB * 1024 * 6 / 10)) -a "${mem_kb:-0}" -le $((MEM_MB * 1024))
# (the guest's console lines end in CR LF)
hyp=$(tr -d '\r' < $OUT | sed -n 's/.*GUEST hypervisor=\([^ ]*\) nmi_watchdog=\([^ ]*\).*/\1 \2/p' | head -n1)
echo "RESULT boot hypervisor=${hyp% *} nmi_watchdog=${hyp#* }"
check "guest sees /proc/device-tree/hypervisor (linux,kvm)" test "${hyp% *}" = "linux,kvm"
check "guest kernel took itself for a KVM guest (hard lockup detector off)" test "${hyp#* }" = 0
check "guest boot script finished" grep -q GUEST-BOOT-OK $OUT
check "pvmm exited 0 after guest power-off" test "$rc" = 0
check "pvmm printed its exit summary" grep -q "exit summary" $OUT
check "stats JSON written" test -n "$(json_get /tmp/boot-stats.json exits_total)"
# --dump-dtb: the device tree pvmm builds, written out; a valid FDT header.
"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c $VCPUS -m $MEM_MB --dump-dtb /tmp/guest.dtb </dev/null
rc=$?
magic=$(hexdump -n 4 -e '4/1 "%02x"' /tmp/guest.dtb 2>/dev/null)
echo "RESULT boot dump_dtb_exit=$rc magic=$magic size=$(stat -c %s /tmp/guest.dtb 2>/dev/null)"
check "--dump-dtb writes a device tree and exits 0" test "$rc" = 0 -a "$magic" = d00dfeed
exit $fail
