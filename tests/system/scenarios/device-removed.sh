#!/bin/sh
# Scenario device-removed: the host taking a device back. While the guest
# transfers over NIC A (mode kernel), this host unbinds NIC A from vfio-pci
# (in the background: vfio-pci's unbind waits for the device's user, and
# signals it through VFIO's request interrupt). pvmm must stop within
# seconds with exit status 5 (EXIT_DEVICE_REQUEST), one line naming NIC A,
# the PHB released; the unbind must then complete. NIC A goes back to
# vfio-pci and a transfer shows the same device works for the next run.
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
fail=0

device_request() {
	name=device-removed out=/tmp/eeh-request.out
	rm -f "$out" "/tmp/$name.unbind.rc"
	receiver_start "$name" 0 1
	( run_vmm "$name" pvmm 600 512 \
		"console=hvc0 nowatchdog pvmm.test=net pvmm.mb=64 pvmm.netfeat=sg:off" \
		--pci "$NIC_A_BDF" --tce kernel --stats-json "/tmp/$name.json" </dev/null 2>&1
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' | tee "$out" | sed 's/^/L2| /' &
	pipe=$!
	wait_line "$out" "GUEST sha256=" 300
	sleep 2				# the transfer is under way
	t0=$(uptime_s)
	( echo "$NIC_A_BDF" > /sys/bus/pci/drivers/vfio-pci/unbind; echo $? > "/tmp/$name.unbind.rc" ) &
	unbind=$!
	wait $pipe
	t1=$(uptime_s)
	for i in $(seq 1 60); do [ -f "/tmp/$name.unbind.rc" ] && break; sleep 0.5; done
	t2=$(uptime_s)
	kill $unbind 2>/dev/null
	receiver_stop "$name" 0
	rc=$(cat "/tmp/$name.rc")
	echo "RESULT $name pvmm_exit=$rc stopped_after=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s" \
		"unbind_done_after=$(awk -v a="$t0" -v b="$t2" 'BEGIN{printf "%.1f", b-a}')s" \
		"unbind_rc=$(cat "/tmp/$name.unbind.rc" 2>/dev/null || echo pending) driver_now=$(nic_a_driver)"
	grep "the host asks for the device back" "$out" | sed "s/^/RESULT $name /"
	check "the guest was transferring" grep -q "GUEST sha256=" "$out"
	check "pvmm exit status 5 (the host asked for the device)" test "$rc" = 5
	check "one line naming $NIC_A_BDF" \
		test "$(grep -c "$NIC_A_BDF: the host asks for the device back" "$out")" = 1
	check "pvmm stopped within 30 s" awk -v a="$t0" -v b="$t1" 'BEGIN{exit !(b - a < 30)}'
	check "PHB 0 released" grep -q "PHB 0: released:" "$out"
	check "the unbind completed" test "$(cat "/tmp/$name.unbind.rc" 2>/dev/null)" = 0
	check "NIC A on no driver" test -z "$(nic_a_driver)"
	check "the summary counts the request" \
		test "$(phb_get "/tmp/$name.json" 0 "functions.0.host_requests")" -ge 1
	move_nic_a vfio-pci
	check "NIC A back on vfio-pci" test "$(nic_a_driver)" = vfio-pci
	passthrough after-removed kernel 8 --trusted-guest || fail=1
}

device_request
exit $fail
