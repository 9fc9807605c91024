#!/bin/sh
# Scenario bench-huge (make bench): the start-up rows with and without huge
# pages, R rounds of pvmm, pvmm-pinfirst, pvmm-huge and pvmm-huge-pinfirst
# (kernel/run-bench --parts start --hugepages on), NIC A passed through.
# QEMU's powernv machines give the emulated host no 2 MiB pages (the
# device tree lists no radix page sizes: kernel/l1-init), so make bench
# runs this in a second emulated host, a nested pseries (pseries-p9),
# whose kernel has them; its rows carry that host's name (vmm=pvmm@MACHINE)
# and are paired with each other only. BENCH_REPEAT: the rounds.
. /pvmm/scenarios/lib-common.sh
mkdir -p /tmp/bench
RUN_DIR=/tmp/bench PVMM_FIRMWARE=$PVMM_FIRMWARE /pvmm/bin/run-bench --pci "$NIC_A_BDF" --parts start \
	--hugepages on --label "${L0_MACHINE:-nested}" --repeat "${BENCH_REPEAT:-5}"
