#!/bin/sh
# Scenario hostile: the hostile bare-metal payload attacks every
# guest-controlled input of pvmm with the passthrough device present; every
# case must get its PAPR/RTAS error code, valid calls must still work, pvmm
# must exit 0 and no TCE may point outside guest RAM.
# TCE modes user and kernel. Mode kernel, pvmm's safe default: KVM serves
# H_PUT_TCE and H_GET_TCE (one entry each, in a register, which KVM
# checks), pvmm the rest: every answer must be PAPR's exact one. The trust
# switches (--kvm-indirect-tce, --kvm-stuff-tce) are not attacked: KVM's
# multi-TCE handlers check only a list's first entry and re-read the list
# (README, "Known in mode kernel"), so a hostile guest there crashes the
# host by design. The host kernel must not warn or oops (kernel/l1-init
# fails the scenario on a new taint).
# Two vcpus: the payload starts, stops and restarts vcpu 1 through RTAS and
# races it against vcpu 0 on an H_PUT_TCE_INDIRECT list; at the end vcpu 0
# stops itself with no other cpu running, which pvmm must take as a
# power-off (exit 0), not wait for ever.
# Device state, on the function the payload finds (device tree and config
# space: its BARs, 32 or 64-bit, their sizes, the MSI-X table, PBA and
# vectors): the payload writes the BARs (sizing both halves of a 64-bit
# one), the registers with no BAR, the ROM BAR, COMMAND, the interrupt pin
# and the MSI/MSI-X message controls and reads each back; asks
# ibm,change-msi for one MSI vector, 32 MSI-X vectors and more than the
# table, and reads each vector's source;
# turns memory decode off, then puts the function in D3hot, reading and
# writing BAR0 each time (all ones, writes dropped: pvmm takes the BARs
# out of KVM, as VFIO revokes its mmap) and back on (STATUS reads again;
# a device the host cannot put in D3hot stays in D0 and keeps answering);
# and reaches holes of the PHB window, past the last BAR and the MSI-X table.
# EEH (NIC A's PHB offers it here): every call at BUIDs that are not the
# PHB's and at addresses of absent functions, every option and reset value,
# slot-error-detail's buffers at and across the end of RAM, errinjct
# sessions with wrong tokens (nothing injected), a hot reset while DMA is
# mapped and vcpu 1 issues TCE hcalls, two vcpus' EEH calls at once; then
# the device works again, and pvmm's EEH counts in the JSON are the ones
# the payload kept.
# Then those PCI cases alone on the NVMe controller: a 64-bit BAR above
# 4 GiB, 65 MSI-X vectors. Last, tcebench maps DMA before guest RAM is
# pinned (see the end).
fail=0
. /pvmm/scenarios/lib-common.sh
# Mode user also floods pvmm with FLOOD DDW create/remove pairs and FLOOD
# loads where no device is: pvmm's lines for them are rate-limited (at most
# FLOOD_LINES), and the JSON counts every one.
FLOOD=10000 FLOOD_LINES=50

# answer_checkpoints MODE PID: at each HOSTILE-CHECKPOINT the payload prints,
# note pvmm's open fds and, in mode kernel, what tcecheck reads of KVM's
# tables on its own, then answer with a byte on pvmm's console (fd 3).
answer_checkpoints() {
	seen=0
	while kill -0 "$2" 2>/dev/null; do
		n=$(grep -c "^HOSTILE-CHECKPOINT [^ ]*$" /tmp/hostile-$1.out)
		if [ "$n" -gt "$seen" ]; then
			seen=$n
			cp=$(grep "^HOSTILE-CHECKPOINT [^ ]*$" /tmp/hostile-$1.out | sed -n "${n}p" | cut -d' ' -f2)
			echo "CHECKPOINT $cp fds=$(ls /proc/$2/fd | wc -l)" >> /tmp/hostile-$1.fds
			[ "$1" = kernel ] && /pvmm/bin/tcecheck "$2" $((256 << 20)) |
				sed "s/^/CHECKPOINT $cp /" >> /tmp/hostile-$1.fds
			printf x >&3
		fi
		sleep 0.2
	done
}

# fds_at MODE CHECKPOINT: pvmm's open fds there.
fds_at() { sed -n "s/^CHECKPOINT $2 fds=//p" /tmp/hostile-$1.fds; }

# eeh_counts_match OUT JSON: each count the payload kept of its EEH calls
# (HOSTILE-EEH-COUNTS: calls, enables, state reads, resets, configures,
# thaws, parameter errors, host errors) is pvmm's, in the JSON's eeh object;
# every count that differs is named.
eeh_counts_match() {
	want=$(sed -n 's/^HOSTILE-EEH-COUNTS //p' "$1")
	[ -n "$want" ] || return 1
	ok=0
	for kv in $want; do
		got=$(phb_get "$2" 0 "eeh.${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || { echo "eeh ${kv%%=*}: pvmm ${got:-none}, payload ${kv#*=}"; ok=1; }
	done
	return $ok
}

# host_errors_refused OUT: the host errors the payload counted (the -1
# answers it got) are its resets the host refused, each a named case
# (host-refused); any other -1 would have failed its case.
host_errors_refused() {
	n=$(sed -n 's/^HOSTILE-EEH-COUNTS .*host_errors=\([0-9]*\).*/\1/p' "$1")
	r=$(grep -c "^HOSTILE eeh-.* PASS .* host-refused" "$1")
	[ -n "$n" ] && [ "$n" = "$r" ] || { echo "payload host_errors ${n:-none}, host-refused resets $r"; return 1; }
}

for mode in user kernel; do
	tce=$mode params="hostile.tce=$tce"
	[ $mode = user ] && params="$params hostile.flood=$FLOOD"
	rm -f /tmp/hostile.in /tmp/hostile-$mode.fds
	mkfifo /tmp/hostile.in
	exec 3<>/tmp/hostile.in
	( timeout 300 "$PVMM" run --payload "$PVMM_FIRMWARE/hostile.bin" -m 256 -c 2 --pci "$NIC_A_BDF" \
		--tce $tce -p "$params" --stats-json /tmp/hostile-$mode.json </tmp/hostile.in 2>&1 &
	  echo $! > /tmp/hostile-$mode.pid
	  wait $!
	  echo $? > /tmp/hostile-$mode.rc ) | tr -d '\r' | tee /tmp/hostile-$mode.out | sed "s/^/L2[$mode]| /" &
	run=$!
	sleep 1
	answer_checkpoints $mode "$(pvmm_of "$(cat /tmp/hostile-$mode.pid)")"
	wait $run
	exec 3>&-
	rc=$(cat /tmp/hostile-$mode.rc)
	cases=$(grep -c "^HOSTILE .* \(PASS\|FAIL\)" /tmp/hostile-$mode.out)
	echo "RESULT hostile mode=$mode cases=$cases failed=$(grep -c '^HOSTILE .* FAIL' /tmp/hostile-$mode.out) exit=$rc"
	check "$mode: payload ran to the end" grep -q "HOSTILE-DONE pass=[0-9]* fail=0" /tmp/hostile-$mode.out
	check "$mode: TCE cases ran (device present)" grep -q "HOSTILE tce-valid-map PASS" /tmp/hostile-$mode.out
	check "$mode: PCI config cases ran" grep -q "HOSTILE pci-read-after-attacks PASS" /tmp/hostile-$mode.out
	check "$mode: no case failed" test "$(grep -c '^HOSTILE .* FAIL' /tmp/hostile-$mode.out)" -eq 0
	check "$mode: the second vcpu started, stopped and restarted" \
		grep -q "HOSTILE cpu1-restart-stop-self PASS" /tmp/hostile-$mode.out
	check "$mode: indirect list race ran" grep -q "HOSTILE indirect-list-race PASS" /tmp/hostile-$mode.out
	check "$mode: H_RTAS with nargs 255 answered, pvmm went on" \
		grep -q "HOSTILE rtas-nargs-255-status PASS" /tmp/hostile-$mode.out
	check "$mode: BAR reads with decode off answered all ones, the BAR works again" \
		grep -q "HOSTILE bar-decode-on-again PASS" /tmp/hostile-$mode.out
	# Why a D3hot write left the device in D0, if it did (the host's PCI core says).
	dmesg 2>/dev/null | grep -i "power state" | tail -2 | sed "s/^/L1 dmesg[$mode]| /"
	check "$mode: BAR after D3hot as the device decodes (all ones in D3hot), works in D0 again" \
		grep -q "HOSTILE pm-d0-bar-works PASS" /tmp/hostile-$mode.out
	check "$mode: last cpu's stop-self ended the run" grep -q "stopped its last running cpu" /tmp/hostile-$mode.out
	check "$mode: pvmm healthy, exit 0" test $rc -eq 0
	sed "s/^/RESULT hostile mode=$mode /" /tmp/hostile-$mode.fds
	check "$mode: 1000 DDW windows created and removed" grep -q "HOSTILE ddw-cycles PASS" /tmp/hostile-$mode.out
	check "$mode: two vcpus removing one window: one winner each round" \
		grep -q "HOSTILE ddw-remove-race-one-winner PASS" /tmp/hostile-$mode.out
	# EEH (every answer checked above): pvmm counted as the payload did.
	phb_get /tmp/hostile-$mode.json 0 eeh | sed "s/^/RESULT hostile mode=$mode eeh pvmm /"
	sed -n "s/^HOSTILE-EEH-COUNTS /RESULT hostile mode=$mode eeh payload /p" /tmp/hostile-$mode.out
	grep "^HOSTILE eeh-[a-z-]* [a-z-]*=" /tmp/hostile-$mode.out |
		sed "s/^HOSTILE /RESULT hostile mode=$mode /"
	# The resets the host refused (-1, a host error pvmm counts): the
	# emulated PHB4's firmware fails slot resets.
	grep "^HOSTILE eeh-.* host-refused" /tmp/hostile-$mode.out | sed "s/^HOSTILE /RESULT hostile mode=$mode /"
	check "$mode: EEH offered on the PHB, its cases ran" grep -q "HOSTILE eeh-configure-state PASS" /tmp/hostile-$mode.out
	check "$mode: a PE reset while DMA is mapped and vcpu 1 maps: every TCE call answered, the mappings kept" \
		sh -c "grep -q 'HOSTILE eeh-dma-cpu1-tce-answers PASS' /tmp/hostile-$mode.out &&
			grep -q 'HOSTILE eeh-dma-mappings-kept PASS' /tmp/hostile-$mode.out"
	check "$mode: two vcpus' EEH calls at once: every answer exact" \
		sh -c "grep -q 'HOSTILE eeh-race-cpu0-answers PASS' /tmp/hostile-$mode.out &&
			grep -q 'HOSTILE eeh-race-cpu1-answers PASS' /tmp/hostile-$mode.out"
	check "$mode: after the EEH cases the PE is normal, BAR0 answers, DMA maps" \
		sh -c "grep -q 'HOSTILE eeh-after-bar-works PASS' /tmp/hostile-$mode.out &&
			grep -q 'HOSTILE eeh-after-tce-get PASS' /tmp/hostile-$mode.out"
	check "$mode: the payload's EEH host errors are the resets the host refused" \
		host_errors_refused /tmp/hostile-$mode.out
	check "$mode: pvmm's EEH counts (calls, parameter errors, resets, ...) are the payload's" \
		eeh_counts_match /tmp/hostile-$mode.out /tmp/hostile-$mode.json
	if [ $mode = user ]; then
		lines=$(pvmm_lines_between /tmp/hostile-$mode.out "HOSTILE-CHECKPOINT flood-before" "HOSTILE-CHECKPOINT flood-after")
		ddw=$(guest_log_lines /tmp/hostile-$mode.json ddw) mmio=$(guest_log_lines /tmp/hostile-$mode.json mmio-no-device)
		echo "RESULT hostile mode=$mode flood=$FLOOD pvmm_lines=$lines ddw_lines=$ddw mmio_no_device_lines=$mmio"
		grep "pvmm: guest-driven log lines" /tmp/hostile-$mode.out | sed "s/^/RESULT hostile mode=$mode /"
		check "$mode: flood of $FLOOD DDW pairs and loads answered" grep -q "HOSTILE flood-ddw-pairs PASS" /tmp/hostile-$mode.out
		check "$mode: pvmm printed at most $FLOOD_LINES lines for the flood" test "$lines" -le $FLOOD_LINES
		check "$mode: the JSON counts every flood line" test "${ddw:-0}" -ge $((2 * FLOOD)) -a "${mmio:-0}" -ge $FLOOD
		check "$mode: the JSON counts every DDW call" \
			test "$(hcall_count /tmp/hostile-$mode.json ibm,create-pe-dma-window)" -ge $FLOOD
	fi
	check "$mode: pvmm's fds after the DDW cycles as before" \
		test -n "$(fds_at $mode ddw-cycles-before)" -a "$(fds_at $mode ddw-cycles-before)" = "$(fds_at $mode ddw-cycles-after)"
	if [ $tce = kernel ]; then
		check "$mode: KVM's tables, read on their own, hold nothing outside guest RAM" \
			test "$(grep -c "^CHECKPOINT .* TCECHECK total .* outside=0 errors=0" /tmp/hostile-$mode.fds)" -eq 2
		check "$mode: as many KVM tables after the DDW cycles as before" test \
			"$(sed -n 's/^CHECKPOINT ddw-cycles-before TCECHECK total tables=\([0-9]*\).*/\1/p' /tmp/hostile-$mode.fds)" = \
			"$(sed -n 's/^CHECKPOINT ddw-cycles-after TCECHECK total tables=\([0-9]*\).*/\1/p' /tmp/hostile-$mode.fds)"
	fi
	check "$mode: every TCE inside guest RAM" tce_all_inside_ram /tmp/hostile-$mode.json
	accepted=$(sed -n 's/^HOSTILE \(.*\) KVM-ACCEPTS.*/\1/p' /tmp/hostile-$mode.out | tr '\n' ' ')
	echo "RESULT hostile mode=$mode kvm_accepts=\"$accepted\""
	check "$mode: every range past the window refused" test -z "$accepted"
done

# msix_vectors_ok OUT: ibm,change-msi asked for 32 MSI-X vectors gave 32,
# more than e1000e's 5, of a table of at least that many; asked for more
# than the table, it gave the table's count; each answer's sources checked.
msix_vectors_ok() {
	out=$1
	sed -n 's/^HOSTILE msi-msix asked=\([0-9]*\) got=\([0-9]*\) table=\([0-9]*\) status=\(.*\)/\1 \2 \3 \4/p' "$out" > /tmp/hostile-msix.ask
	[ "$(wc -l < /tmp/hostile-msix.ask)" = 2 ] || { echo "no ibm,change-msi MSI-X lines"; return 1; }
	# shellcheck disable=SC2046
	set -- $(cat /tmp/hostile-msix.ask)
	[ "$1" = 32 ] && [ "$2" = 32 ] && [ "$3" -ge 32 ] && [ "$4" = 0 ] &&
		[ "$5" = $(($3 + 1)) ] && [ "$6" = "$3" ] && [ "$8" = 0 ] || return 1
	for c in msi-msix-ask-count msi-msix-ask-sources msi-msix-more-than-table-count \
		msi-msix-more-than-table-sources msi-msix-0-disabled; do
		grep -q "^HOSTILE $c PASS" "$out" || { echo "$c did not pass"; return 1; }
	done
}

# pci_only NAME BDF: the PCI config, BAR and MSI cases alone
# (hostile.only=pci) on that function, one vcpu; the run's lines, its
# device, BAR and MSI-X lines as RESULTs, and that every case passed.
pci_only() {
	t0=$(date +%s) o=/tmp/hostile-$1.out
	timeout 120 "$PVMM" run --payload "$PVMM_FIRMWARE/hostile.bin" -m 256 -c 1 --pci "$2" \
		--tce user -p "hostile.only=pci" --stats-json /tmp/hostile-$1.json </dev/null \
		> /tmp/hostile-$1.raw 2>&1
	rc=$?
	tr -d '\r' < /tmp/hostile-$1.raw > $o
	sed "s/^/L2[$1]| /" $o
	echo "RESULT hostile $1=$2 cases=$(grep -c "^HOSTILE .* \(PASS\|FAIL\)" $o)" \
		"failed=$(grep -c '^HOSTILE .* FAIL' $o) exit=$rc seconds=$(($(date +%s) - t0))"
	grep "^HOSTILE-DEVICE \|^HOSTILE-BAR \|^HOSTILE-MSIX \|^HOSTILE msi-msix \|^HOSTILE cfg-bar[0-9]*-size-probe \|^HOSTILE bar-watch " $o |
		sed "s/^HOSTILE[- ]/RESULT hostile $1 /"
	check "$1: the PCI cases ran to the end, none failed, pvmm exit 0" \
		test $rc -eq 0 -a -n "$(grep 'HOSTILE-DONE pass=[0-9]* fail=0' $o)"
	check "$1: config, BAR (decode off, D3hot, both windows' holes) and MSI cases ran" \
		sh -c "grep -q 'HOSTILE pci-read-after-attacks PASS' $o && grep -q 'HOSTILE bar-decode-on-again PASS' $o &&
			grep -q 'HOSTILE pm-d0-bar-works PASS' $o && grep -q 'HOSTILE mmio-window64-hole-read PASS' $o &&
			grep -q 'HOSTILE msi-reset-no-source PASS' $o"
	check "$1: every TCE inside guest RAM" tce_all_inside_ram /tmp/hostile-$1.json
}

# bar64_above_4g OUT BAR PREFETCH: BAR (bar0, bar4) is 64-bit (PREFETCH: "
# prefetchable" or empty), above 4 GiB on the bus and for the cpu, its size
# probed in both halves as the device tree says, its cases passed, and the
# register the payload watched (decode off, D3hot) is in it.
bar64_above_4g() {
	grep -q "^HOSTILE-BAR $2 reg=0x[0-9a-f]* mem64$3[a-z ]* bus=0x[0-9a-f]\{9,\} gpa=0x[0-9a-f]\{9,\} " "$1" &&
		grep -q "^HOSTILE cfg-$2-64bit-above-4g PASS" "$1" && grep -q "^HOSTILE cfg-$2-size-probe-size PASS" "$1" &&
		grep -q "^HOSTILE bar-watch $2+" "$1"
}

# Then on functions unlike NIC A's e1000e. The NVMe controller: BAR 0
# 64-bit (its registers, MSI-X table and PBA share it) and 65 MSI-X
# vectors, more than e1000e's 5.
if [ -n "${NVME_BDF:-}" ]; then
	pci_only nvme "$NVME_BDF"
	check "nvme: BAR 0 is 64-bit, above 4 GiB, sized in both halves as the device tree says; its registers watched" \
		bar64_above_4g /tmp/hostile-nvme.out bar0 ""
	check "nvme: ibm,change-msi gave the 32 MSI-X vectors asked for (e1000e has 5), more than the table gave the table" \
		msix_vectors_ok /tmp/hostile-nvme.out
fi
# The virtio-net (modern): its MSI-X table in BAR 1, its registers in BAR 4,
# 64-bit and prefetchable.
if [ -n "${VIRTIO_BDF:-}" ]; then
	pci_only virtio "$VIRTIO_BDF"
	check "virtio: BAR 4 is 64-bit prefetchable, above 4 GiB, sized as the device tree says; registers watched there" \
		bar64_above_4g /tmp/hostile-virtio.out bar4 " prefetchable"
fi

# ram_pin_waits JSON: how often vcpus waited for the RAM pin.
ram_pin_waits() { json_get "$1" "startup.background[name=ram-pin].waits"; }

# A guest that maps DMA from its first instruction, before pvmm has pinned
# guest RAM beside it (tcebench maps at once; the pin of 512 MiB takes
# most of a second here): its calls wait for the pin and then work, and in
# mode kernel, KVM, which cannot map unpinned memory, hands H_PUT_TCE to
# pvmm meanwhile (H_TOO_HARD) instead of failing it.
for tce in user kernel; do
	timeout 120 "$PVMM" run --payload "$PVMM_FIRMWARE/tcebench.bin" -m 512 -c 1 -p "tcebench.n=20" \
		--pci "$NIC_A_BDF" --tce $tce --ddw off --stats-json /tmp/pin-$tce.json </dev/null \
		> /tmp/pin-$tce.out 2>&1
	rc=$?
	sed "s/^/L2[pin-$tce]| /" /tmp/pin-$tce.out | grep -v "^L2\[pin-$tce\]| TCEBENCH op="
	check "pin $tce: the payload mapped before the pin ended, then ran to the end, exit 0" \
		test $rc = 0 -a "$(ram_pin_waits /tmp/pin-$tce.json)" -ge 1 -a -n "$(grep TCEBENCH-DONE /tmp/pin-$tce.out)"
	check "pin $tce: every TCE inside guest RAM" tce_all_inside_ram /tmp/pin-$tce.json
done
check "pin kernel: KVM handed the H_PUT_TCE it could not map yet to pvmm" \
	test "$(hcall_count /tmp/pin-kernel.json H_PUT_TCE)" -ge 1
exit $fail
