#!/bin/sh
# Scenario managed-bind (powernv only: on a pseries host an e1000e probe
# poisons the PHB for VFIO): NIC A starts on the host's e1000e, and pvmm
# --bind hands it to vfio-pci and back, as libvirt's managed hostdev.
#  - on e1000e it is an interface of the host that pings NIC B over the wire
#  - with the host's default route through it, --bind refuses (one line, exit 1)
#  - --bind: the guest drives it and transfers; at exit it is back on e1000e
#  - SIGTERM while the guest has it: back on e1000e
#  - SIGKILL: still on vfio-pci; the next --bind run gives it back
#  - SIGKILL again: pvmm unbind gives it back
# Every time it is back, ip link shows it and it pings NIC B. At the end it
# is on vfio-pci again, as the other scenarios expect.
fail=0
. /pvmm/scenarios/lib-common.sh
dev=/sys/bus/pci/devices/$NIC_A_BDF
A_ADDR=192.0.2.3	# NIC A's own address while the host drives it

# iface_a: NIC A's interface in this (the host's) namespace, once e1000e made it.
iface_a() {
	for i in $(seq 1 40); do
		n=$(ls "$dev/net" 2>/dev/null | head -n1)
		[ -n "$n" ] && echo "$n" && return 0
		sleep 0.25
	done
	return 1
}

# ping_b: NIC A pings NIC B over the wire. Both are this host's, on one
# subnet: NIC A goes into a network namespace of its own, or the kernel
# would answer itself; it comes back when the namespace ends.
ping_b() {
	ifa=$(iface_a) || return 1
	unshare -n sleep 300 &
	ns=$!
	for i in $(seq 1 50); do
		[ "$(readlink /proc/$ns/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	ip link set "$ifa" netns "$ns" || { kill $ns; return 1; }
	nsenter -t "$ns" -n sh -c "ip addr add $A_ADDR/24 dev $ifa && ip link set $ifa up &&
		for i in \$(seq 1 30); do ping -c 1 -W 1 192.0.2.1 >/dev/null && break; done;
		ping -c 3 -W 2 192.0.2.1" > /tmp/mb.ping 2>&1
	rc=$?
	sed 's/^/L1-PING| /' /tmp/mb.ping | tail -n 3
	kill $ns
	wait $ns 2>/dev/null
	iface_a > /dev/null	# back in the host's namespace
	[ $rc = 0 ] && grep -q "3 packets received" /tmp/mb.ping
}

# back_on_e1000e WHEN: NIC A on the host's driver again, an interface
# that ip link lists, pinging NIC B; and pvmm's record of it is gone.
back_on_e1000e() {
	check "$1: NIC A back on e1000e" test "$(nic_a_driver)" = e1000e
	ifa=$(iface_a)
	echo "RESULT managed-bind $1: $(ip link show "$ifa" 2>&1 | head -n1)"
	check "$1: ip link shows NIC A (${ifa:-none})" sh -c "[ -n '$ifa' ] && ip link show '$ifa' >/dev/null"
	check "$1: NIC A pings NIC B" ping_b
	check "$1: no record left in /run/pvmm/bind" test ! -e "/run/pvmm/bind/$NIC_A_BDF"
}

# start_bound NAME: pvmm --bind boots the test guest in the background
# (its pid in $vpid, its output in /tmp/NAME.out).
start_bound() {
	"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NIC_A_BDF" --bind \
		-p "console=hvc0 quiet nowatchdog pvmm.test=net pvmm.mb=1" < /dev/null > "/tmp/$1.out" 2>&1 &
	vpid=$!
}

# wait_for NAME TEXT: up to 300 s for pvmm's output to show TEXT.
wait_for() {
	for i in $(seq 1 600); do
		grep -q "$2" "/tmp/$1.out" && return 0
		kill -0 "$vpid" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

show() { tr -d '\r' < "/tmp/$1.out" | grep -E "^pvmm: |GUEST nic" | sed 's/^/L2| /'; }

# kill_booted NAME WHAT: pvmm --bind boots the guest and gets SIGKILL once
# it boots; NIC A must stay on vfio-pci, for the next step to give back.
kill_booted() {
	start_bound "$1"
	wait_for "$1" "pvmm: booting"
	kill -KILL "$vpid"
	wait "$vpid" 2>/dev/null
	show "$1"
	check "$2: NIC A left on vfio-pci" test "$(nic_a_driver)" = vfio-pci
}

# --- the host drives NIC A ---
move_nic_a e1000e
check "NIC A on the host's e1000e" test "$(nic_a_driver)" = e1000e
ifa=$(iface_a)
check "ip link shows NIC A (${ifa:-none})" sh -c "[ -n '$ifa' ] && ip link show '$ifa' >/dev/null"
check "NIC A pings NIC B (its own namespace, over the wire)" ping_b

# --- refused: the host's default route goes through NIC A ---
ifa=$(iface_a)
ip link set "$ifa" up && ip route add default dev "$ifa"
"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" --pci "$NIC_A_BDF" --bind > /tmp/mb-refuse.out 2>&1
rc=$?
ip route del default dev "$ifa"; ip link set "$ifa" down
sed 's/^/L2| /' /tmp/mb-refuse.out
check "refused: exit status 1" test $rc = 1
check "refused: one line naming the device and the default route" \
	sh -c "[ \$(wc -l < /tmp/mb-refuse.out) = 1 ] && grep -q '$NIC_A_BDF: refused: .*default route.*--force' /tmp/mb-refuse.out"
check "refused: NIC A still on e1000e" test "$(nic_a_driver)" = e1000e

# --- handed over: the guest transfers; given back at exit ---
receiver_start mb 0 1
pvmm_net mb 8 --pci "$NIC_A_BDF" --bind --tce kernel
rc=$(cat /tmp/mb.rc)
receiver_stop mb "$(grep -c "GUEST sent rc=0 " /tmp/mb.out)"
echo "RESULT managed-bind transfer pvmm_exit=$rc"
check "pvmm took NIC A from e1000e" grep -q "pvmm: $NIC_A_BDF: taken from e1000e for vfio-pci" /tmp/mb.out
check_link /tmp/mb.out
check_transfers mb /tmp/mb.out 8 1
check "pvmm exited 0" test "$rc" = 0
check "pvmm gave NIC A back" grep -q "pvmm: $NIC_A_BDF: given back to e1000e" /tmp/mb.out
back_on_e1000e "after the transfer"

# --- SIGTERM while the guest drives it ---
start_bound mb-term
wait_for mb-term "GUEST nic="
got=$?
now=$(nic_a_driver)
kill -TERM "$vpid"
wait "$vpid"
rc=$?
show mb-term
check "SIGTERM: the guest had NIC A (on $now)" sh -c "[ $got = 0 ] && [ '$now' = vfio-pci ]"
check "SIGTERM: exit status 4" test $rc = 4
back_on_e1000e "after SIGTERM"

# --- SIGKILL: the next --bind run gives it back ---
kill_booted mb-kill1 SIGKILL
check "SIGKILL: the record is there" grep -q "driver=e1000e" "/run/pvmm/bind/$NIC_A_BDF"
"$PVMM" run -k "$GUEST_KERNEL" --pci "$NIC_A_BDF" --bind --dump-dtb /tmp/mb.dtb > /tmp/mb-next.out 2>&1
rc=$?
sed 's/^/L2| /' /tmp/mb-next.out
check "the next --bind run took the record over" grep -q "taking over the record of pvmm pid" /tmp/mb-next.out
check "the next --bind run exited 0" test $rc = 0
back_on_e1000e "after SIGKILL and the next --bind run"

# --- SIGKILL: pvmm unbind gives it back ---
kill_booted mb-kill2 "SIGKILL again"
"$PVMM" unbind "$NIC_A_BDF" > /tmp/mb-unbind.out 2>&1
rc=$?
sed 's/^/L2| /' /tmp/mb-unbind.out
check "pvmm unbind exited 0" test $rc = 0
back_on_e1000e "after SIGKILL and pvmm unbind"
"$PVMM" unbind "$NIC_A_BDF" > /tmp/mb-unbind2.out 2>&1
rc=$?
sed 's/^/L2| /' /tmp/mb-unbind2.out
check "pvmm unbind with nothing recorded: exit 1, one line" \
	sh -c "[ $rc = 1 ] && [ \$(wc -l < /tmp/mb-unbind2.out) = 1 ]"

# --- as the other scenarios expect it ---
move_nic_a vfio-pci
check "NIC A on vfio-pci again" test "$(nic_a_driver)" = vfio-pci
check "/dev/vfio/$NIC_A_GROUP there" test -e "/dev/vfio/$NIC_A_GROUP"
exit $fail
