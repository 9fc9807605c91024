#!/bin/sh
# Scenario bench (make bench; bench-smoke runs it small): what the in-kernel
# TCE path buys, and pvmm beside QEMU, all in this emulated host. Prints one
# machine-readable BENCH line per measurement (tests/bench/report turns them
# into the table, JSON and plot):
#   BENCH tce   vmm=pvmm mode=M run=R exits=.. unknown_exits=.. op=OP n=.. min_ns=.. median_ns=.. max_ns=.. entries=..
#   BENCH start vmm=V run=R seconds=.. hwm_kb=.. ram_rss_kb=.. ok=0|1 guest_uptime_s=.. vmm_share_s=..
#   BENCH startpvmm run=R first_run_ms=.. guest_clock_ms=.. boot_exits=.. boot_exit_ms=..
#   BENCH startexit vmm=pvmm run=R type=hcall|rtas|unknown-hcall name=N count=.. ms=..
#   BENCH xfer  vmm=V mode=M ddw=D run=R mb=.. seconds=.. ok=0|1 [exits=.. tce_put=.. tce_indirect=.. tce_stuff=.. tce_get=..]
#   BENCH config (the settings below, once)
# Modes (M): kernel (the safe default: H_PUT_TCE_INDIRECT and H_STUFF_TCE
# with pvmm), kernel-trusted (--trusted-guest: every TCE hcall in KVM),
# user (coalesced VFIO calls), user-perentry (--user-coalesce off). The
# payload's "kernel" is kernel-trusted: it is ours, and times KVM's path.
# ops floor_kernel / floor_prod / floor_user: the payload's floors (tcebench.c).
# tce_*: the TCE hcalls that reached pvmm during that timed transfer only,
# between the guest's marks around it (PVMM-MARK, vmm/include/stats.h).
# vmm_share_s: start to the marker minus the guest kernel's uptime there;
# startpvmm / startexit break pvmm's share down: run() to the first
# KVM_RUN, to the guest's first get-time-of-day (its clock, and so its
# uptime, starts about then: the time before is the guest kernel's early
# boot, inside every VMM's share), and the calls before its guest-up mark.
# Settings (SCENARIO_ENV): BENCH_N hcalls per op (1000), BENCH_REPEAT runs
# of the payload and of start-up (5), BENCH_MB transfer size (256),
# BENCH_XFER_REPEAT transfers per configuration (5), BENCH_XFER the
# transfer configurations (MODE:DDW ..., below), BENCH_ITR the guest NIC's
# interrupts/s (200), BENCH_PEER=0 skips QEMU.
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
# unknown_exits: unassigned hcalls that reached pvmm (the user floor's n;
# an H_PROD that reached pvmm would add to it).
for mode in kernel user user-perentry; do
	case $mode in
	kernel) args="--tce kernel --trusted-guest" ;;
	user) args="--tce user" ;;
	user-perentry) args="--tce user --user-coalesce off" ;;
	esac
	for r in $(seq 1 "$R"); do
		out=/tmp/tcebench-$mode-$r.out
		rm -f /tmp/tcebench.json
		timeout 600 "$PVMM" run --payload "$PVMM_FIRMWARE/tcebench.bin" -m 512 -c 1 \
			-p "tcebench.n=$N" --pci "$NIC_A_BDF" $args --ddw off \
			--stats-json /tmp/tcebench.json </dev/null >"$out" 2>&1
		rc=$?
		ex=$(tce_exit_total /tmp/tcebench.json)
		unk=$(hcall_count /tmp/tcebench.json unknown)
		sed -n "s/^TCEBENCH op=/BENCH tce vmm=pvmm mode=$mode run=$r exits=$ex unknown_exits=${unk:-0} op=/p" "$out"
		if [ $rc != 0 ] || ! grep -q TCEBENCH-DONE "$out"; then
			echo "BENCH-FAIL tce mode=$mode run=$r rc=$rc"; tail -n 5 "$out"; fail=1
		fi
	done
done

# 2. Start to the guest's userspace marker, and memory, with the NIC passed
# through. The guest prints its kernel's uptime on the marker: the rest of
# the wall time is the VMM's (and its firmware's) share. pvmm's JSON
# (written at its SIGTERM exit) breaks its share down: run() to the first
# KVM_RUN, and the calls that reached it before the guest-up mark.
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
	s=$(secs "$t0" "$t1")
	gup=$(tr -d '\r' < "$out" | sed -n 's/.*PVMM-GUEST-UP uptime=\([0-9.]*\).*/\1/p' | head -n1)
	echo "BENCH start vmm=$vmm run=$run seconds=$s hwm_kb=${hwm:-0} ram_rss_kb=$ram ok=$ok" \
		"guest_uptime_s=${gup:-0} vmm_share_s=$(secs "${gup:-0}" "$s")"
	[ $ok = 1 ] || { echo "BENCH-FAIL start vmm=$vmm run=$run"; tail -n 5 "$out"; fail=1; }
}
# start_breakdown RUN JSON: pvmm's share of that start-up, from its JSON
# (boot_exit_ms: time in pvmm's hcall handlers; an RTAS call's time is
# inside its H_RTAS's, so its startexit line is not added again).
start_breakdown() {
	fr=$(sed -n 's/.*"startup": {"first_run_ns": \([0-9]*\)}.*/\1/p' "$2")
	tod=$(grep '"name": "get-time-of-day"' "$2" | head -n1 | sed -n 's/.*"first_ns": \([0-9]*\).*/\1/p')
	mark_calls "$2" guest-up > /tmp/start-exits
	echo "BENCH startpvmm run=$1 first_run_ms=$(awk -v n="${fr:-0}" 'BEGIN{printf "%.1f", n / 1e6}')" \
		"guest_clock_ms=$(awk -v n="${tod:-0}" 'BEGIN{printf "%.1f", n / 1e6}')" \
		"boot_exits=$(mark_field "$2" guest-up exits_total)" \
		"boot_exit_ms=$(awk '$1 != "rtas" {s += $4} END {printf "%.1f", s / 1e6}' /tmp/start-exits)"
	awk -v r="$1" '{printf "BENCH startexit vmm=pvmm run=%s type=%s name=%s count=%s ms=%.2f\n", r, $1, $2, $3, $4 / 1e6}' \
		/tmp/start-exits
}
GARGS="console=hvc0 quiet nowatchdog pvmm.test=boot"
for r in $(seq 1 "$R"); do
	rm -f /tmp/start-pvmm.json
	measure_start pvmm "$r" "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 \
		-p "$GARGS" --pci "$NIC_A_BDF" --stats-json /tmp/start-pvmm.json
	start_breakdown "$r" /tmp/start-pvmm.json
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
# pvmm's rows say how many TCE hcalls reached it during each timed
# transfer (between the guest's marks around it; boot's are not counted).
xfer() { # vmm mode ddw
	name=xfer-$1-$2-$3 extra=
	[ "$2" = user-perentry ] && extra="--user-coalesce off"
	if VMM=$1 XFERS=$XR GUEST_ARGS="pvmm.itr=$ITR" PVMM_TIMEOUT=${BENCH_XFER_TIMEOUT:-1800} \
		TRUSTED_GUEST=$([ "$2" = kernel-trusted ] && echo on) \
		/pvmm/scenarios/lib-passthrough.sh "${2%%-*}" "$name" "$MB" --ddw "$3" $extra > /tmp/$name.log 2>&1; then
		all=1
	else
		all=0; fail=1
	fi
	for r in $(seq 1 "$XR"); do
		s=$(sed -n "s/.*GUEST sent rc=0 seconds=\([0-9.]*\) run=$r[^0-9]*$/\1/p" /tmp/$name.out | head -n1)
		ok=0
		[ -n "$s" ] && grep -q "^RESULT $name run=$r .* ok=1" /tmp/$name.log && ok=1
		echo "BENCH xfer vmm=$1 mode=$2 ddw=$3 run=$r mb=$MB seconds=${s:-0} ok=$ok$(xfer_exits "$1" /tmp/$name.json "$r")"
	done
	[ $all = 1 ] || { grep -E "^CHECK FAIL|^RESULT" /tmp/$name.log; grep -v "^L1-IRQ" /tmp/$name.log | tail -n 15; }
}
# xfer_exits VMM JSON RUN: " exits=.. tce_put=.. ..." for pvmm's transfer
# RUN, from the marks around it; nothing for QEMU or without both marks.
xfer_exits() {
	a="xfer-start run=$3" b="xfer-end run=$3"
	[ "$1" = pvmm ] && mark_has "$2" "$a" && mark_has "$2" "$b" || return 0
	printf ' exits=%s' $(( $(mark_field "$2" "$b" exits_total) - $(mark_field "$2" "$a" exits_total) ))
	for h in put:H_PUT_TCE indirect:H_PUT_TCE_INDIRECT stuff:H_STUFF_TCE get:H_GET_TCE; do
		printf ' tce_%s=%s' "${h%%:*}" "$(mark_delta "$2" "$a" "$b" hcall "${h#*:}")"
	done
}
# DDW off: every packet maps and unmaps a TCE; the four TCE paths. DDW on:
# the guest maps its RAM once at boot.
for c in ${BENCH_XFER:-kernel:off kernel-trusted:off user:off user-perentry:off kernel:on user:on}; do
	xfer pvmm "${c%:*}" "${c#*:}"
done
[ $peer = 1 ] && xfer qemu kernel on
exit $fail
