#!/bin/sh
# Scenario group-reuse: pvmm in mode kernel is killed with SIGKILL while the
# guest transfers data, ten times, and once stopped with SIGTERM (orderly
# teardown, exit status 4); every next start must take the same VFIO group
# again. A container user count leaked by the KVM external-user reference
# would make the reopen fail. Finally a full transfer must pass.
fail=0
. /pvmm/scenarios/lib-common.sh
up() { cut -d' ' -f1 /proc/uptime; }

# start_and_stop SIGNAL ROUND: run until the guest is transferring, then signal.
start_and_stop() {
	sig=$1 round=$2
	rm -f /tmp/gr.out
	sleep 3600 | nc -l -p 5000 > /dev/null &
	"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --pci "$NIC_A_BDF" --tce kernel \
		-p "console=hvc0 quiet nowatchdog pvmm.test=net pvmm.mb=8" </dev/null > /tmp/gr.out 2>&1 &
	pid=$!
	t0=$(up)
	while ! grep -q "GUEST sha256" /tmp/gr.out 2>/dev/null; do
		if ! kill -0 $pid 2>/dev/null || [ "$(awk -v a="$t0" -v b="$(up)" 'BEGIN{print int(b-a)}')" -gt 240 ]; then
			break
		fi
		sleep 0.5
	done
	sleep 1		# the transfer is under way
	started=$(grep -c "GUEST sha256" /tmp/gr.out)
	kill -$sig $pid 2>/dev/null
	wait $pid
	rc=$?
	killall nc sleep 2>/dev/null
	echo "RESULT group-reuse round=$round signal=$sig guest_transferring=$started exit=$rc"
	grep -E "pvmm: (error|stopping)" /tmp/gr.out | sed 's/^/L2| /'
	# A guest that never started transferring: show what it and pvmm said.
	[ "$started" -ge 1 ] || tail -n 25 /tmp/gr.out | sed 's/^/L2| /'
	check "round $round: the guest was transferring when pvmm got SIG$sig" test "$started" -ge 1
	[ $sig = TERM ] && check "round $round: SIGTERM gives exit status 4" test $rc -eq 4
	[ $sig = KILL ] && check "round $round: killed" test $rc -eq 137
}

for i in 1 2 3 4 5 6 7 8 9 10; do
	start_and_stop KILL $i
done
start_and_stop TERM 11
# The final transfer, shown live (lib-passthrough prefixes the guest's lines).
/pvmm/scenarios/lib-passthrough.sh kernel group-reuse 16 2>&1
rc=$?
check "after 10 SIGKILLs and a SIGTERM the group is reused and the transfer passes" test $rc -eq 0
exit $fail
