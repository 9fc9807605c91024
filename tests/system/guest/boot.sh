#!/bin/sh
# Guest side of scenario boot: report what the guest sees.
cpus=$(grep -c '^processor' /proc/cpuinfo)
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
echo "GUEST cpus=$cpus mem_kb=$mem_kb"
# pvmm's /hypervisor node, and a sign the kernel acted on it: on an LPAR that
# is a KVM guest (is_kvm_guest()), Linux turns its hard lockup detector off
# (arch/powerpc/kernel/setup_64.c), so nmi_watchdog reads 0.
hyp=none
[ -e /proc/device-tree/hypervisor/compatible ] && hyp=$(tr '\0' ' ' < /proc/device-tree/hypervisor/compatible)
echo "GUEST hypervisor=$(echo $hyp | tr ' ' ',') nmi_watchdog=$(cat /proc/sys/kernel/nmi_watchdog 2>/dev/null || echo none)"
echo "GUEST-BOOT-OK"
