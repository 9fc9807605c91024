#!/bin/sh
# Scenario bench (make bench; bench-smoke runs it small): kernel/run-bench,
# as `make bench` calls it on a POWER host, on NIC A with this emulated
# host as the receiver (NIC B, 192.0.2.1) and the QEMU peer when it is
# staged (PEER=1). kernel/run-bench's header lists every BENCH line.
# Settings (SCENARIO_ENV; unset: run-bench's defaults): BENCH_N hcalls per
# op, BENCH_REPEAT runs of the payload and of start-up, BENCH_MB transfer
# size, BENCH_XFER_REPEAT transfers per configuration, BENCH_XFER the
# transfer configurations (MODE:DDW ...), BENCH_ITR the guest NIC's
# interrupts/s; BENCH_PEER=0 skips QEMU. make bench sets them (Makefile).
# The emulated host's e1000e model drops frames whose TX buffer spans two
# pages (README, Known problems): the guest sends without scatter-gather.
. /pvmm/scenarios/lib-common.sh
set --
[ "${BENCH_PEER:-1}" = 1 ] || set -- --no-peer
[ -n "${BENCH_XFER:-}" ] && set -- "$@" --configs "$BENCH_XFER"
for o in n:BENCH_N repeat:BENCH_REPEAT mb:BENCH_MB xfers:BENCH_XFER_REPEAT itr:BENCH_ITR; do
	eval v=\${${o#*:}:-}
	[ -n "$v" ] && set -- "$@" "--${o%%:*}" "$v"
done
bench_here "$@"
