#!/bin/sh
# Scenario group-reuse: pvmm in mode kernel, with NIC A and NIC C (two IOMMU
# groups on two guest PHBs), is killed with SIGKILL while the guest
# transfers over both links, twice, and once stopped with SIGTERM
# (orderly teardown, exit status 4); every next start must take both VFIO
# groups again. A container user count leaked by a KVM external-user
# reference, or a group left in kvm-vfio, would make the reopen fail.
# Finally a full transfer over both links must pass.
fail=0
. /pvmm/scenarios/lib-common.sh
up() { cut -d' ' -f1 /proc/uptime; }

# start_and_stop SIGNAL ROUND: run until the guest is transferring, then signal.
start_and_stop() {
	sig=$1 round=$2
	out=/tmp/gr-$round.out
	receiver_start gr-0 0 1
	receiver_start gr-1 1 1
	"$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 --tce kernel \
		--pci "$NIC_A_BDF" --pci "$NIC_C_BDF" \
		-p "console=hvc0 quiet nowatchdog pvmm.test=net pvmm.mb=8" </dev/null > $out 2>&1 &
	pid=$!
	t0=$(up)
	while ! grep -q "GUEST sha256" $out 2>/dev/null; do
		if ! kill -0 $pid 2>/dev/null || [ "$(awk -v a="$t0" -v b="$(up)" 'BEGIN{print int(b-a)}')" -gt 240 ]; then
			break
		fi
		sleep 0.5
	done
	sleep 1		# both transfers are under way
	started=$(grep -c "GUEST sha256" $out)
	kill -$sig $pid 2>/dev/null
	wait $pid
	rc=$?
	receiver_stop gr-0 0
	receiver_stop gr-1 0
	echo "RESULT group-reuse round=$round signal=$sig guest_transferring=$started exit=$rc"
	grep -E "pvmm: (error|stopping)" $out | sed 's/^/L2| /'
	# A guest that never started transferring: show what it said (pvmm's
	# exit summary would fill the tail).
	[ "$started" -ge 1 ] || grep -v "^pvmm:  " $out | tail -n 60 | sed 's/^/L2| /'
	check "round $round: the guest was transferring when pvmm got SIG$sig" test "$started" -ge 1
	[ $sig = TERM ] && check "round $round: SIGTERM gives exit status 4" test $rc -eq 4
	[ $sig = TERM ] && check "round $round: both groups out of kvm-vfio" \
		test "$(grep -c "group out of kvm-vfio" $out)" -eq 2
	[ $sig = KILL ] && check "round $round: killed" test $rc -eq 137
}

for i in 1 2; do
	start_and_stop KILL $i
done
start_and_stop TERM 3
# The final transfers, over both links, shown live.
two_links group-reuse 8 --tce kernel --pci "$NIC_A_BDF" --pci "$NIC_C_BDF"
exit $fail
