#!/bin/sh
# Scenario eeh: pvmm (mode kernel) passes NIC A through on a PHB of its own
# (one IOMMU group: EEH offered); the guest (tests/system/guest/eeh.sh)
# must see EEH enabled on the NIC (its dmesg says a capable adapter was
# found, never "EEH functionality not supported") and read its PE's state
# through ibm,read-slot-reset-state2 (normal: MMIO and DMA active). Then
# its PE is frozen and recovered, in this order until one works: the
# guest's own MMIO error (debugfs eeh_dev_break), an error this host
# injects (its PowerNV debugfs: PCI<domain>/err_injct with the PE's
# number; not its eeh_dev_break, which machine-checks this emulated
# host), and last a recovery forced on the PE from inside the guest
# (eeh_force_recover: no freeze, but the same driver callbacks,
# set-slot-reset, configure-pe and state reads as a real one). The RESULT lines say what this host answered to
# each injection and which one froze the PE, if any. After the recovery
# the guest's e1000e must drive the link again: 20 pings, 8 MiB with the
# same sha256 here. pvmm's summary must show EEH offered, at least one
# reset, a configure and no host error. (The host taking the device back:
# scenario device-removed.)
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
fail=0
dev=/sys/bus/pci/devices/$NIC_A_BDF
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
l1dbg=/sys/kernel/debug/powerpc

# l1_state: what this host's EEH says of NIC A's PE.
l1_state() {
	echo "pe=$(cat "$dev/eeh_pe_config_addr" 2>&1) state=$(cat "$dev/eeh_pe_state" 2>&1 | tr -s ' \n' ' ')"
}

# l1_inject: once the guest asks, this host injects an error into NIC A's
# PE, and says what it answered. PHB4's firmware injects config-space
# errors (function 4: a load from config space, address parity) and DMA
# errors; its MMIO injection is unsupported.
l1_inject() {
	wait_line /tmp/eeh.out "GUEST eeh ask-l1-inject" 600 || return
	echo "RESULT eeh l1 before $(l1_state)"
	pe=$(cat "$dev/eeh_pe_config_addr" 2>/dev/null)
	f=$l1dbg/PCI${NIC_A_BDF%%:*}/err_injct
	if [ -e "$f" ] && [ -n "$pe" ]; then
		out=$( { echo "${pe#0x}:0:4:0:0" > "$f"; } 2>&1 ); rc=$?
		echo "RESULT eeh l1 err_injct file=$f args=${pe#0x}:0:4:0:0 rc=$rc answer=${out:-none}"
	else
		echo "RESULT eeh l1 err_injct absent file=$f pe=${pe:-none}"
	fi
	sleep 3
	echo "RESULT eeh l1 after-err_injct $(l1_state)"
	# Not this host's eeh_dev_break: on the emulated PHB4 its load from the
	# device's BAR is an unrecoverable machine check in L1 (measured).
	dmesg | grep -iE "EEH|vfio" | tail -n 20 | sed 's/^/L1-DMESG /'
}

# pe_state_normal OUT: the guest's first PE state (eeh_pe_state: the
# platform's state flags) has MMIO and DMA active (0x08 | 0x10).
pe_state_normal() {
	st=$(sed -n 's/^GUEST eeh pe .*state=\(0x[0-9a-f]*\) .*/\1/p' "$1" | head -n1)
	[ -n "$st" ] && [ $((st & 0x18)) = $((0x18)) ]
}

eeh_recovery() {
	name=eeh out=/tmp/eeh.out json=/tmp/eeh.json
	rm -f "$out" "$json"
	# What this host's EEH is: pvmm offers EEH only where VFIO_EEH says yes.
	echo "RESULT eeh l1-platform $(head -n 1 /proc/powerpc/eeh 2>&1) nic_a $(l1_state)"
	dmesg | grep -E "EEH" | head -n 10 | sed 's/^/L1-DMESG /'
	receiver_start "$name" 0 1
	l1_inject &
	injpid=$!
	( run_vmm "$name" pvmm 900 512 \
		"console=hvc0 nowatchdog pvmm.test=eeh pvmm.mb=8 pvmm.l1wait=15 pvmm.netfeat=sg:off" \
		--pci "$NIC_A_BDF" --tce kernel --trusted-guest --stats-json "$json" </dev/null 2>&1
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' | tee "$out" | sed 's/^/L2| /'
	kill $injpid 2>/dev/null
	wait $injpid 2>/dev/null
	rc=$(cat "/tmp/$name.rc")
	receiver_stop "$name" "$(grep -c "GUEST sent rc=0 " "$out")"
	via=$(sed -n 's/^GUEST eeh recovered=\([^ ]*\).*/\1/p' "$out")
	echo "RESULT eeh pvmm_exit=$rc recovered_via=${via:-none}"
	grep "^GUEST eeh inject=\|^GUEST eeh after-l1" "$out" | sed 's/^/RESULT eeh /'
	phb_get "$json" 0 eeh | sed 's/^/RESULT eeh pvmm /'
	check "pvmm offered EEH on NIC A's PHB" grep -q "PHB 0: EEH offered" "$out"
	check "guest: EEH found a capable adapter" grep -qE "GUEST dmesg .*EEH: Capable adapter found" "$out"
	check "guest: no \"EEH functionality not supported\"" \
		sh -c "! grep -q 'EEH functionality not supported' '$out'"
	check "guest: the PE's address is pvmm's (0x1)" grep -q "^GUEST eeh pe .*pe_config_addr=0x1 " "$out"
	# eeh_pe_state: the state (MMIO and DMA active: 0x18) and the PE's flags
	check "guest read its PE's state: normal (MMIO and DMA active)" pe_state_normal "$out"
	check "guest recovered through EEH (${via:-none})" grep -qE "^GUEST eeh recovered=[a-z]" "$out"
	check "guest kernel: EEH: Recovery successful" grep -q "EEH: Recovery successful" "$out"
	check_link "$out"
	check_transfers "$name" "$out" 8 1
	check "pvmm exited 0" test "$rc" = 0
	check "pvmm: EEH offered in the summary" test "$(phb_get "$json" 0 eeh.offered)" = true
	check "pvmm: a PE reset and a configure" \
		test "$(phb_get "$json" 0 eeh.resets)" -ge 1 -a "$(phb_get "$json" 0 eeh.configures)" -ge 1
	check "pvmm: no EEH operation failed on the host" test "$(phb_get "$json" 0 eeh.host_errors)" = 0
	check "pvmm: no failed VFIO access" \
		test "$(phb_get "$json" 0 "functions.0.config_access_errors")" = 0 -a \
		     "$(phb_get "$json" 0 "functions.0.bar_access_errors")" = 0
	check "every TCE inside guest RAM" tce_all_inside_ram "$json"
}

eeh_recovery
exit $fail
