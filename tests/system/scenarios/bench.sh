#!/bin/sh
# Scenario bench (make bench; bench-smoke runs it small): kernel/run-bench,
# as `make bench` calls it on a POWER host, on NIC A with this emulated
# host as the receiver (NIC B, 192.0.2.1), the limit row from L1's own
# e1000e on NIC A, the storage rows on the NVMe controller and the QEMU
# peer when it is staged (PEER=1): lib-common.sh's bench_here.
# kernel/run-bench's header lists every BENCH line.
# Settings (SCENARIO_ENV; unset: run-bench's defaults): BENCH_N hcalls per
# op, BENCH_REPEAT rounds of the payload and of start-up, BENCH_ROUNDS
# rounds of the transfers and storage rows, BENCH_MB transfer size,
# BENCH_XFER_REPEAT transfers per boot, BENCH_XFER the transfer
# configurations (MODE:DDW+...; DDW off, on or a window size),
# BENCH_ITR the guest NIC's interrupts/s, BENCH_STORAGE_MB the storage
# rows' size, BENCH_STORAGE their configurations (MODE:DDW+...), BENCH_HUGE (auto, on,
# off) the huge-page start-up rows; BENCH_PEER=0 skips QEMU. make bench
# sets them (Makefile).
# The emulated host's e1000e model drops frames whose TX buffer spans two
# pages (README, Known problems): the guest sends without scatter-gather.
. /pvmm/scenarios/lib-common.sh
set --
[ "${BENCH_PEER:-1}" = 1 ] || set -- --no-peer
[ -n "${BENCH_XFER:-}" ] && set -- "$@" --configs "$(echo "$BENCH_XFER" | tr '+' ' ')"
[ -n "${BENCH_STORAGE:-}" ] && set -- "$@" --storage-configs "$(echo "$BENCH_STORAGE" | tr '+' ' ')"
for o in n:BENCH_N repeat:BENCH_REPEAT rounds:BENCH_ROUNDS mb:BENCH_MB xfers:BENCH_XFER_REPEAT itr:BENCH_ITR \
	storage-mb:BENCH_STORAGE_MB hugepages:BENCH_HUGE; do
	eval v=\${${o#*:}:-}
	[ -n "$v" ] && set -- "$@" "--${o%%:*}" "$v"
done
bench_here "$@"
