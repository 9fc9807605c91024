# Sourced by guest-fuzz.sh and soak.sh (after lib-common.sh): one run of
# the guest that fuzzes pvmm (firmware/payload/guest-fuzz.c), with its
# checks, as a function with explicit arguments.
. /pvmm/scenarios/lib-kmsg.sh

# KVM's warning when two vcpus first touch one BAR page at once, one reading
# and one writing: the host PTE gains its soft-dirty bit between the two
# faults and KVM's second leaf differs from its first in that bit only
# (README, Fuzzing). KVM merges the bits and goes on. The fuzz scenarios
# declare it known (known_host_warning).
KVM_BAR_SOFT_DIRTY_WARNING='book3s_64_mmu_radix\.c:771 kvmppc_create_pte'

# guest_fuzz NAME MODE VCPUS SECONDS SEED [WEIGHTS [TRACE]]: pvmm runs the payload
# with NIC A passed through in TCE mode MODE (DDW on), VCPUS vcpus, 256 MiB,
# for SECONDS seconds from SEED (WEIGHTS: the payload's gf.w=, e.g.
# tce:40,ddw:10; TRACE=1: the payload names every call before it makes
# it). While it runs, every 5 s: in mode kernel tcecheck reads
# KVM's tables on its own; a heartbeat missing for 60 s stops pvmm
# (SIGTERM). Then: pvmm exited 0, the payload ran to its end with no
# failed oracle, some H_PUT_TCE read back with no other call in between
# (unless WEIGHTS has seq:0), every TCE inside guest RAM (pvmm's JSON and
# every tcecheck sample), the host kernel logged no oops, BUG or warning
# but the scenario's known ones (known_host_warning). Files:
# /tmp/NAME.{out,json,rc,tcecheck}. Its status: 0 if every check passed.
# The host kernel's log is the copy kernel/l1-init keeps (HOST_KMSG).
guest_fuzz() (
	name=$1 mode=$2 vcpus=$3 secs=$4 seed=$5 weights=${6:-} trace=${7:-0}
	out=/tmp/$name.out json=/tmp/$name.json fail=0
	ram=256
	params="gf.seed=$seed gf.seconds=$secs gf.mode=$mode${weights:+ gf.w=$weights} gf.trace=$trace"
	rm -f "$json" "/tmp/$name.pid" "/tmp/$name.rc" "/tmp/$name.stall"
	mark="pvmm: fuzz run $name begins"
	kmsg_mark "$mark"
	: > "/tmp/$name.tcecheck"
	echo "RESULT $name start mode=$mode vcpus=$vcpus seconds=$secs seed=$seed weights=${weights:-default}"
	( timeout $((secs + 240)) "$PVMM" run --payload "$PVMM_FIRMWARE/guest-fuzz.bin" -m $ram -c "$vcpus" \
		--pci "$NIC_A_BDF" --tce "$mode" --ddw on -p "$params" --stats-json "$json" </dev/null 2>&1 &
	  echo $! > "/tmp/$name.pid"
	  wait $!
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' | tee "$out" | fuzz_filter "$name" &
	run=$!
	fuzz_watch "$name" "$mode" $ram &
	watch=$!
	wait $run
	wait $watch
	rc=$(cat "/tmp/$name.rc" 2>/dev/null)
	sed -n 's/^GUEST-FUZZ-DONE /RESULT '"$name"' /p' "$out"
	grep -E "^GUEST-FUZZ (CPU|READBACK) " "$out" | sed "s/^GUEST-FUZZ /RESULT $name /"
	echo "RESULT $name startup_ms $(json_get "$json" 'startup.phases.*' name end_ns |
		awk '{printf "%s=%d ", $1, $2 / 1000000}')"
	samples=$(grep -c "^TCECHECK total" "/tmp/$name.tcecheck")
	echo "RESULT $name tcecheck_samples=$samples $(grep "^TCECHECK total" "/tmp/$name.tcecheck" | tail -n1)"
	check "$name: pvmm exited 0" test "${rc:-none}" = 0
	check "$name: the payload ran to its end" grep -q "^GUEST-FUZZ-DONE .* fails=0$" "$out"
	check "$name: no oracle failed" sh -c "! grep -q '^GUEST-FUZZ FAIL' '$out'"
	case ,$weights, in
	*,seq:0,*) ;;	# the read-backs are sequences
	*) check "$name: some H_PUT_TCE read back with no other call in between" \
		grep -q "^GUEST-FUZZ READBACK checked=[1-9]" "$out" ;;
	esac
	check "$name: the heartbeat never stopped" test ! -e "/tmp/$name.stall"
	check "$name: every TCE inside guest RAM (pvmm's JSON)" tce_all_inside_ram "$json"
	if [ "$mode" = kernel ]; then
		check "$name: KVM's tables read at least once while it ran" test "$samples" -ge 1
		check "$name: KVM's tables, read on their own, never held an entry outside guest RAM" \
			sh -c "! grep '^TCECHECK total' '/tmp/$name.tcecheck' | grep -qv ' outside=0 errors=0'"
	fi
	sleep 1		# the log's reader catches up
	check "$name: the host kernel logged no oops, BUG or warning but known ones" \
		test -z "$(kmsg_bad "$HOST_KMSG" "$mark" "$KNOWN_HOST_WARNINGS")"
	kmsg_bad "$HOST_KMSG" "$mark" | sed "s/^/L1 kmsg[$name]| /"
	if [ $fail != 0 ]; then
		grep -E "^GUEST-FUZZ (FAIL|RING)" "$out" | head -n 100 | sed "s/^/L2[$name]| /"
		echo "RESULT $name replay: SCENARIO_ENV=\"SEED=$seed FUZZ_SECONDS=$secs FUZZ_VCPUS=$vcpus FUZZ_MODES=$mode\" tests/system/run guest-fuzz (make fuzz-guest SEED=$seed SECONDS=$secs VCPUS=$vcpus MODES=$mode)"
	fi
	exit $fail
)

# fuzz_filter NAME: what of a run's console the log shows as it comes (the
# payload's lines and pvmm's, not every console line the fuzzer makes). One
# sed writing to the console: a line at a time, so that a host that dies
# leaves the last ones in the log.
fuzz_filter() {
	sed -e '/^GF-CON/d' -e '/^GF-DC/d' -e '/^PVMM-MARK/d' -e '/^GUEST-FUZZ \(PAIR\|CALLS\|RING\|WEIGHT\)/d' \
		-e "s/^/L2[$1]| /"
}

# fuzz_watch NAME MODE RAM_MB: while pvmm runs, every 5 s, tcecheck reads
# its KVM tables (mode kernel) and the heartbeat is watched: none for 60 s
# marks /tmp/NAME.stall and stops pvmm.
fuzz_watch() {
	for i in $(seq 1 50); do [ -s "/tmp/$1.pid" ] && break; sleep 0.2; done
	pid=$(pvmm_of "$(cat "/tmp/$1.pid" 2>/dev/null)")
	[ -n "$pid" ] || return 0
	beats=0 quiet=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		[ "$2" = kernel ] && /pvmm/bin/tcecheck "$pid" $(($3 << 20)) >> "/tmp/$1.tcecheck" 2>&1
		n=$(grep -c "^GUEST-FUZZ HEARTBEAT" "/tmp/$1.out")
		if [ "$n" -gt "$beats" ] || grep -q "^GUEST-FUZZ-DONE" "/tmp/$1.out"; then
			beats=$n quiet=0
		else
			quiet=$((quiet + 5))
		fi
		if [ $quiet -ge 60 ] && grep -q "^GUEST-FUZZ-START" "/tmp/$1.out"; then
			echo "FUZZ-STALL $1: no heartbeat for ${quiet}s; pvmm's threads, then stopping pvmm"
			fuzz_stacks "$1" "$pid"
			fuzz_kvm_trace "$1"
			touch "/tmp/$1.stall"
			kill -TERM "$pid" 2>/dev/null
			return 0
		fi
	done
}

# fuzz_stacks NAME PID: where each of pvmm's threads is in the host kernel
# (a stall's evidence: a vcpu blocked in KVM or VFIO, and on what).
fuzz_stacks() {
	for t in /proc/$2/task/*; do
		echo "FUZZ-STACK $1 tid=${t##*/} comm=$(cat $t/comm 2>/dev/null) state=$(sed -n 's/^State:\t//p' $t/status 2>/dev/null) wchan=$(cat $t/wchan 2>/dev/null)"
		sed "s/^/FUZZ-STACK $1 tid=${t##*/} /" $t/stack 2>/dev/null
	done
}

# fuzz_kvm_trace NAME: one second of KVM-HV's guest exits and page faults
# at a stall, counted by vcpu, trap and pc (a vcpu the guest keeps busy
# and one KVM keeps re-entering look alike from their stacks).
fuzz_kvm_trace() {
	t=/sys/kernel/tracing
	[ -d $t/events/kvm_hv ] || mount -t tracefs nodev $t 2>/dev/null
	[ -d $t/events/kvm_hv ] || { echo "FUZZ-TRACE $1: no kvm_hv trace events"; return 0; }
	echo 0 > $t/tracing_on; echo > $t/trace
	for e in kvm_guest_exit kvm_page_fault_enter kvm_page_fault_exit; do
		echo 1 > $t/events/kvm_hv/$e/enable 2>/dev/null
	done
	echo 1 > $t/tracing_on; sleep 1; echo 0 > $t/tracing_on
	echo 0 > $t/events/kvm_hv/enable 2>/dev/null
	grep -v '^#' $t/trace | sed 's/^.*: \(kvm_[a-z_]*\): /\1 /' |
		sed -E 's/(tb|ceded|slb|hash|ret|flags|vcpu->arch.pgfault_index)[=: ]+[0-9a-fx]+//g' |
		sort | uniq -c | sort -rn | head -n 30 | sed "s/^/FUZZ-TRACE $1 /"
	tail -n 10 $t/trace | sed "s/^/FUZZ-TRACE $1 tail /"
	echo > $t/trace
}
