#!/bin/sh
# Guest side of scenario boot: report what the guest sees.
cpus=$(grep -c '^processor' /proc/cpuinfo)
mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
echo "GUEST cpus=$cpus mem_kb=$mem_kb"
echo "GUEST-BOOT-OK"
