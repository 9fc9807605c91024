#!/bin/sh
# Scenario bench-smoke: the pieces of make bench, small (few hcalls, one run,
# two 4 MiB transfers per mode and DMA regime in one boot each, no QEMU
# peer), checked for well-formed output only: no figure is asserted.
( BENCH_N=50 BENCH_REPEAT=1 BENCH_XFER_REPEAT=2 BENCH_MB=4 BENCH_PEER=0 /pvmm/scenarios/bench.sh; echo $? > /tmp/bench-smoke.rc ) |
	tee /tmp/bench-smoke.out
rc=$(cat /tmp/bench-smoke.rc)
fail=0
. /pvmm/scenarios/lib-common.sh
count() { grep -c "$1" /tmp/bench-smoke.out; }
num='[0-9][0-9]*'
for mode in kernel user; do
	for op in put_map put_unmap get put_indirect stuff; do
		check "tcebench $op timed in mode $mode" grep -q \
			"^BENCH tce vmm=pvmm mode=$mode run=1 exits=$num op=$op n=$num min_ns=$num median_ns=$num max_ns=$num entries=$num" \
			/tmp/bench-smoke.out
	done
done
check "mode kernel: no TCE hcall reached pvmm" grep -q "^BENCH tce vmm=pvmm mode=kernel run=1 exits=0 " /tmp/bench-smoke.out
check "mode user: pvmm served them" grep -q "^BENCH tce vmm=pvmm mode=user run=1 exits=[1-9]" /tmp/bench-smoke.out
check "start-up measured" grep -q "^BENCH start vmm=pvmm run=1 seconds=[0-9.]* hwm_kb=[1-9][0-9]* ram_rss_kb=$num ok=1" /tmp/bench-smoke.out
check "8 transfers (2 modes x DDW off/on x 2 runs) passed" test "$(count '^BENCH xfer vmm=pvmm .* ok=1')" = 8
check "each configuration's second transfer timed" \
	test "$(count "^BENCH xfer vmm=pvmm mode=[a-z]* ddw=o[nf]* run=2 mb=4 seconds=[0-9.]* ok=1")" = 4
check "bench.sh exited 0" test "$rc" = 0
exit $fail
