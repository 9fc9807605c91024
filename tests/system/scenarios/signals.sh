#!/bin/sh
# Scenario signals: pvmm runs on a terminal (a fresh pty, from ptyrun) with
# the guest driving the passthrough NIC, and is stopped three ways while the
# guest transfers: SIGINT (mode kernel), SIGTERM (mode user), and the console
# escape Ctrl-A x typed on the terminal. Each time: the terminal was raw
# while pvmm ran and has exactly its old modes back, pvmm printed its exit
# summary and released the device (orderly teardown), with exit status 4
# for a signal and 0 for the escape. Then the same VFIO group must serve a
# full transfer. Last, SIGTERM at 20 random moments of a --bind start-up.
fail=0
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh

# stop_on_pty NAME MODE HOW...: HOW is ptyrun's -s SIGNUM or -k BYTES.
stop_on_pty() {
	name=$1 mode=$2; shift 2
	receiver_start sig 0 1
	/pvmm/bin/ptyrun -t 300 -w "GUEST sha256" "$@" -- \
		"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NIC_A_BDF" \
		--tce "$mode" -p "console=hvc0 quiet nowatchdog pvmm.test=net pvmm.mb=8" \
		> /tmp/sig.out 2>&1
	receiver_stop sig 0
	res=$(grep '^PTYRUN' /tmp/sig.out)
	echo "RESULT signals $name mode=$mode ${res#PTYRUN }"
	[ -n "$res" ] || tail -n 5 /tmp/sig.out | sed 's/^/L1| /'	# ptyrun's own error
	grep -E "pvmm: (error|warning|stopping|quit)|exit summary|released" /tmp/sig.out | tr -d '\r' | sed 's/^/L2| /'
}

# expect_stop WHAT EXIT WHY RELEASED: what /tmp/sig.out must show.
expect_stop() {
	what=$1 code=$2 why=$3 released=$4
	check "$what: exit status $code" grep -q "^PTYRUN exit=$code " /tmp/sig.out
	check "$what: pvmm said why it stopped" grep -q "$why" /tmp/sig.out
	check "$what: the terminal was raw while pvmm ran" grep -q "raw_while_running=1" /tmp/sig.out
	check "$what: the terminal's modes are restored" grep -q "restored=1" /tmp/sig.out
	check "$what: exit summary printed" grep -q "exit summary" /tmp/sig.out
	check "$what: device released" grep -q "released: $released" /tmp/sig.out
}

stop_on_pty sigint kernel -s 2
expect_stop SIGINT 4 "stopping: Interrupt" "group out of kvm-vfio"
stop_on_pty sigterm user -s 15
expect_stop SIGTERM 4 "stopping: Terminated" "[0-9] TCE window"
stop_on_pty escape kernel -k '\x01x'
expect_stop "Ctrl-A x" 0 "quit from the console" "group out of kvm-vfio"

# sigterm_moments N SPAN: NIC A on the host's e1000e; N times pvmm --bind
# boots the test guest and gets SIGTERM at a random moment of its first
# SPAN seconds, counted from when pvmm blocks signals (before that the
# signal would only end a process that took nothing): start-up steps, the
# bind, the RAM pin, the guest's boot. Each run must exit 4 with NIC A
# back on e1000e. SEED= replays the moments.
sigterm_moments() {
	n=$1 span=$2 seed=${SEED:-$(date +%s)}
	move_nic_a e1000e
	echo "RESULT signals sigterm-moments seed=$seed"
	ok_exit=0 ok_back=0 i=0
	for delay in $(awk -v s="$seed" -v n="$n" -v t="$span" \
			'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.2f ", rand() * t }'); do
		i=$((i + 1))
		"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NIC_A_BDF" --bind \
			-p "console=hvc0 quiet nowatchdog pvmm.test=net pvmm.mb=64" </dev/null > /tmp/sigm.out 2>&1 &
		pid=$!
		for w in $(seq 1 100); do
			grep -qE '^SigBlk:.*[1-9a-f]' "/proc/$pid/status" 2>/dev/null && break
			sleep 0.05
		done
		sleep "$delay"
		kill -TERM "$pid"
		wait "$pid"
		rc=$?
		drv=$(nic_a_driver)
		echo "RESULT signals sigterm-moment=$i delay=$delay exit=$rc driver=$drv" \
			"after=\"$(tr -d '\r\"' < /tmp/sigm.out | awk '/^pvmm: stopping/ { print p; exit } { p = $0 }')\""
		[ $rc = 4 ] && ok_exit=$((ok_exit + 1))
		[ "$drv" = e1000e ] && ok_back=$((ok_back + 1))
		[ $rc = 4 ] && [ "$drv" = e1000e ] || grep '^pvmm: ' /tmp/sigm.out | tail -n 15 | sed 's/^/L2| /'
	done
	check "SIGTERM at $n moments of a --bind start-up: exit status 4 every time" test $ok_exit = "$n"
	check "SIGTERM at $n moments of a --bind start-up: NIC A back on e1000e every time" test $ok_back = "$n"
	move_nic_a vfio-pci
	check "NIC A on vfio-pci again" test "$(nic_a_driver)" = vfio-pci
}
sigterm_moments 20 6

# mode kernel's safe default, with the guest's DDW window in a KVM table
passthrough signals kernel 8 --expect-ddw on 2>&1
rc=$?
check "after three stops the group is reused and the transfer passes" test $rc -eq 0
exit $fail
