#!/bin/sh
# Scenario signals: pvmm runs on a terminal (a fresh pty, from ptyrun) with
# the guest driving the passthrough NIC, and is stopped three ways while the
# guest transfers: SIGINT (mode kernel), SIGTERM (mode user), and the console
# escape Ctrl-A x typed on the terminal. Each time: the terminal was raw
# while pvmm ran and has exactly its old modes back, pvmm printed its exit
# summary and released the device (orderly teardown), with exit status 4
# for a signal and 0 for the escape. Then the same VFIO group must serve a
# full transfer.
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

# mode kernel's safe default, with the guest's DDW window in a KVM table
passthrough signals kernel 8 --expect-ddw on 2>&1
rc=$?
check "after three stops the group is reused and the transfer passes" test $rc -eq 0
exit $fail
