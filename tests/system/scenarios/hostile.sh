#!/bin/sh
# Scenario hostile: the hostile bare-metal payload attacks every
# guest-controlled input of pvmm with the passthrough device present; every
# case must get its PAPR/RTAS error code, valid calls must still work, pvmm
# must exit 0 and no TCE may point outside guest RAM.
# Both TCE modes (HOSTILE_MODES, colon-separated, default user:kernel). In
# mode kernel the TCE hcalls are KVM's to answer: Linux 6.12's KVM accepts
# H_PUT_TCE_INDIRECT / H_STUFF_TCE ranges past the window end, so the
# payload skips those two cases there (hostile.kvm-ranges runs them).
fail=0
check() { d=$1; shift; if "$@"; then echo "CHECK ok   $d"; else echo "CHECK FAIL $d"; fail=1; fi; }
for mode in $(echo "${HOSTILE_MODES:-user:kernel}" | tr ":" " "); do
	( timeout 300 "$PVMM" run --payload "$PVMM_FIRMWARE/hostile.bin" -m 256 --pci "$NIC_A_BDF" \
		--tce $mode -p "hostile.tce=$mode" --stats-json /tmp/hostile-$mode.json </dev/null 2>&1
	  echo $? > /tmp/hostile-$mode.rc ) | tee /tmp/hostile-$mode.out | sed "s/^/L2[$mode]| /"
	rc=$(cat /tmp/hostile-$mode.rc)
	cases=$(grep -c "^HOSTILE .* \(PASS\|FAIL\)" /tmp/hostile-$mode.out)
	echo "RESULT hostile mode=$mode cases=$cases failed=$(grep -c '^HOSTILE .* FAIL' /tmp/hostile-$mode.out) exit=$rc"
	check "$mode: payload ran to the end" grep -q "HOSTILE-DONE pass=[0-9]* fail=0" /tmp/hostile-$mode.out
	check "$mode: TCE cases ran (device present)" grep -q "HOSTILE tce-valid-map PASS" /tmp/hostile-$mode.out
	check "$mode: PCI config cases ran" grep -q "HOSTILE pci-read-after-attacks PASS" /tmp/hostile-$mode.out
	check "$mode: no case failed" test "$(grep -c '^HOSTILE .* FAIL' /tmp/hostile-$mode.out)" -eq 0
	check "$mode: pvmm healthy, exit 0" test $rc -eq 0
	check "$mode: every TCE inside guest RAM" grep -q '"all_inside_ram": true' /tmp/hostile-$mode.json
	# Ranges past the window end are KVM's to answer in mode kernel and are
	# skipped there (see firmware/payload/hostile.c); nothing else may be.
	skipped=$(sed -n 's/^HOSTILE \(.*\) SKIP served by KVM.*/\1/p' /tmp/hostile-$mode.out | tr '\n' ' ')
	echo "RESULT hostile mode=$mode skipped=\"$skipped\""
	if [ $mode = kernel ]; then
		check "$mode: only the KVM-served range cases skipped" test "$skipped" = "indirect-past-window stuff-count-overflows-window "
	else
		check "$mode: nothing skipped" test -z "$skipped"
	fi
done
exit $fail
