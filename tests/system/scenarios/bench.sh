#!/bin/sh
# Scenario bench (make bench; bench-smoke runs it small): what the in-kernel
# TCE path buys, and pvmm beside QEMU, all in this emulated host. Prints one
# machine-readable BENCH line per measurement (tests/bench/report turns them
# into the table, JSON and plot):
#   BENCH tce   vmm=pvmm mode=M run=R op=OP n=.. min_ns=.. median_ns=.. max_ns=.. entries=.. exits=..
#   BENCH start vmm=V run=R seconds=.. hwm_kb=.. ram_rss_kb=.. ok=0|1
#   BENCH xfer  vmm=V mode=M ddw=D run=R mb=.. seconds=.. ok=0|1
#   BENCH config (the settings below, once)
# Settings (SCENARIO_ENV): BENCH_N hcalls per op (1000), BENCH_REPEAT runs
# of the payload and of start-up (5), BENCH_MB transfer size (256),
# BENCH_XFER_REPEAT transfers per configuration (5), BENCH_DDW the DMA
# regimes ("off on"), BENCH_ITR the guest NIC's interrupts/s (200),
# BENCH_PEER=0 skips QEMU.
N=${BENCH_N:-1000} R=${BENCH_REPEAT:-5} MB=${BENCH_MB:-256} XR=${BENCH_XFER_REPEAT:-5}
ITR=${BENCH_ITR:-200}
QEMU=/usr/bin/qemu-system-ppc64
. /pvmm/scenarios/lib-common.sh
fail=0
echo "BENCH config n=$N repeat=$R mb=$MB xfers=$XR itr=$ITR"
up() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
# Resident KiB of the process's largest mapping: its guest RAM.
ram_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {sz = 0} /^Size:/ {sz = $2}
	     /^Rss:/ && sz > max {max = sz; rss = $2} END {print rss + 0}' /proc/$1/smaps 2>/dev/null
}

# 1. The TCE hcalls timed by the bare-metal payload, per mode. The payload
# is ours and trusted: in mode kernel KVM serves H_PUT_TCE_INDIRECT and
# H_STUFF_TCE too (--trusted-guest; pvmm keeps both from KVM by default,
# see README), so that every one of the four hcalls is timed on KVM's path.
for mode in kernel user; do
	trusted=
	[ $mode = kernel ] && trusted=--trusted-guest
	for r in $(seq 1 "$R"); do
		out=/tmp/tcebench-$mode-$r.out
		timeout 600 "$PVMM" run --payload "$PVMM_FIRMWARE/tcebench.bin" -m 512 -c 1 \
			-p "tcebench.n=$N" --pci "$NIC_A_BDF" --tce "$mode" --ddw off $trusted \
			--stats-json /tmp/tcebench.json </dev/null >"$out" 2>&1
		rc=$?
		ex=$(tce_exit_total /tmp/tcebench.json)
		sed -n "s/^TCEBENCH op=/BENCH tce vmm=pvmm mode=$mode run=$r exits=$ex op=/p" "$out"
		if [ $rc != 0 ] || ! grep -q TCEBENCH-DONE "$out"; then
			echo "BENCH-FAIL tce mode=$mode run=$r rc=$rc"; tail -n 5 "$out"; fail=1
		fi
	done
done

# 2. Start to the guest's userspace marker, and memory, with the NIC passed through.
measure_start() { # vmm run command...
	vmm=$1 run=$2; shift 2
	out=/tmp/start-$vmm-$run.out
	t0=$(up)
	"$@" </dev/null >"$out" 2>&1 &
	pid=$!
	ok=0
	for i in $(seq 1 3000); do
		grep -q PVMM-GUEST-UP "$out" && { ok=1; break; }
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	t1=$(up)
	hwm=$(awk '/^VmHWM:/ {print $2}' /proc/$pid/status 2>/dev/null)
	ram=$(ram_rss $pid)
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "BENCH start vmm=$vmm run=$run seconds=$(secs "$t0" "$t1") hwm_kb=${hwm:-0} ram_rss_kb=$ram ok=$ok"
	[ $ok = 1 ] || { echo "BENCH-FAIL start vmm=$vmm run=$run"; tail -n 5 "$out"; fail=1; }
}
GARGS="console=hvc0 quiet nowatchdog pvmm.test=boot"
for r in $(seq 1 "$R"); do
	measure_start pvmm "$r" "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 \
		-p "$GARGS" --pci "$NIC_A_BDF"
done
peer=0
[ "${BENCH_PEER:-1}" = 1 ] && [ -x "$QEMU" ] && peer=1
if [ $peer = 1 ]; then
	for fw in vof slof; do
		m=$PEER_QEMU_M
		[ $fw = vof ] && m="$m,x-vof=on"
		for r in $(seq 1 "$R"); do
			measure_start "qemu-$fw" "$r" "$QEMU" -enable-kvm -M "$m" -m 512 -smp 2 \
				-nodefaults -display none -monitor none -serial stdio -L /usr/share/qemu \
				-kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" -append "$GARGS" \
				-device vfio-pci,host="$NIC_A_BDF"
		done
	done
else
	echo "BENCH peer=absent (build the emulated host with PEER=1, as make bench does)"
fi

# 3. The Linux guest's transfer to the emulated host, per mode and DMA
# regime: one boot per configuration sends the same data XR times (the
# emulated host checks each before taking the next). The guest's e1000e
# is throttled to ITR interrupts/s in every configuration: each interrupt
# into a nested guest is expensive in this emulated host, and the
# driver's adaptive default makes the transfer interrupt-bound (~2 MiB/s,
# versus ~13 at 200/s), which hides the TCE path the benchmark is about.
xfer() { # vmm mode ddw
	name=xfer-$1-$2-$3
	if VMM=$1 XFERS=$XR GUEST_ARGS="pvmm.itr=$ITR" PVMM_TIMEOUT=${BENCH_XFER_TIMEOUT:-1800} \
		/pvmm/scenarios/lib-passthrough.sh "$2" "$name" "$MB" --ddw "$3" > /tmp/$name.log 2>&1; then
		all=1
	else
		all=0; fail=1
	fi
	for r in $(seq 1 "$XR"); do
		s=$(sed -n "s/.*GUEST sent rc=0 seconds=\([0-9.]*\) run=$r[^0-9]*$/\1/p" /tmp/$name.out | head -n1)
		ok=0
		[ -n "$s" ] && grep -q "^RESULT $name run=$r .* ok=1" /tmp/$name.log && ok=1
		echo "BENCH xfer vmm=$1 mode=$2 ddw=$3 run=$r mb=$MB seconds=${s:-0} ok=$ok"
	done
	[ $all = 1 ] || { grep -E "^CHECK FAIL|^RESULT" /tmp/$name.log; grep -v "^L1-IRQ" /tmp/$name.log | tail -n 15; }
}
for ddw in ${BENCH_DDW:-off on}; do
	for mode in kernel user; do
		xfer pvmm $mode $ddw
	done
done
[ $peer = 1 ] && xfer qemu kernel on
exit $fail
