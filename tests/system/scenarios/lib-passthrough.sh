# Sourced by the passthrough scenarios (after lib-common.sh): the transfer
# over NIC A, as functions with explicit arguments.
#
# passthrough NAME MODE MB [OPTION...] [-- PVMM-ARGS...]: the VMM boots the
# guest with NIC A passed through in TCE mode MODE (kernel, user, auto);
# the guest binds e1000e, pings NIC B 20 times with no loss and sends MB MiB
# over TCP, which must arrive with the same sha256. The VMM must exit 0;
# pvmm's summary must show the TCE hcalls it served (mode user) or, in mode
# kernel, none but H_PUT_TCE_INDIRECT and H_STUFF_TCE (kept from KVM for
# the host's safety), and every TCE inside guest RAM. Options:
#   --expect-mode M      pvmm chose mode M (for MODE auto)
#   --expect-ddw on|off  the guest maps its RAM through a DDW window / has none
#   --expect-irq intx    the guest's NIC is on its INTx line, not MSIs
#   --trusted-guest      --trusted-guest: no TCE hcall at all reaches pvmm (mode kernel)
#   --guest-args ARGS    more of the guest's command line
#   --xfers N            N transfers in one boot (pvmm.xfers), each received and checked
#   --netfeat F          the guest's offloads (default sg:off; "default": the driver's)
#   --hugepages on|off   guest RAM on huge pages
#   --vmm pvmm|qemu      the QEMU peer on the same guest instead (make bench)
#   --timeout S          the VMM's (default 600)
#   --stall S            no data for S seconds once sending began is a stall (default 120)
#   --sniff              frame summaries of NIC B and the guest, for stalls
#   --verbose            pvmm -v
# Its status: 0 if every check passed. Files: /tmp/NAME.{out,json,rc,sums}.
passthrough() (
	name=$1 mode=$2 mb=$3
	shift 3
	expect_mode= expect_ddw= expect_irq= trusted= gextra= xfers=1 netfeat=sg:off hugepages=off
	vmm=pvmm vmm_timeout=600 stall=120 sniff= verbose=
	while [ $# -gt 0 ]; do
		case $1 in
		--expect-mode) expect_mode=$2; shift ;;
		--expect-ddw) expect_ddw=$2; shift ;;
		--expect-irq) expect_irq=$2; shift ;;
		--trusted-guest) trusted=--trusted-guest ;;
		--guest-args) gextra="$gextra $2"; shift ;;
		--xfers) xfers=$2; shift ;;
		--netfeat) netfeat=$2; shift ;;
		--hugepages) hugepages=$2; shift ;;
		--vmm) vmm=$2; shift ;;
		--timeout) vmm_timeout=$2; shift ;;
		--stall) stall=$2; shift ;;
		--sniff) sniff=1 ;;
		--verbose) verbose=-v ;;
		--) shift; break ;;
		*) echo "passthrough: unknown option $1"; exit 2 ;;
		esac
		shift
	done
	out=/tmp/$name.out json=/tmp/$name.json fail=0
	rm -f "$json"
	snpid=
	if [ -n "$sniff" ]; then
		/pvmm/bin/sniff "$NIC_B_IF" 5000 > "/tmp/$name.sniff" 2>&1 &
		snpid=$!
		gextra="$gextra pvmm.sniff=1"
	fi
	[ "$xfers" -gt 1 ] && gextra="$gextra pvmm.xfers=$xfers"
	# The emulated host's e1000e model silently drops a frame whose TX
	# buffer spans two guest pages that are not adjacent in the emulated
	# host's memory (README, Known problems): without scatter-gather the
	# guest sends each frame from one linear buffer.
	[ "$netfeat" != default ] && gextra="$gextra pvmm.netfeat=$netfeat"
	gargs="console=hvc0 nowatchdog pvmm.test=net pvmm.mb=$mb$gextra"
	receiver_start "$name" 0 "$xfers"
	stall_watch "$name" "$stall" &
	watchpid=$!
	t0=$(uptime_s)
	( run_vmm "$name" "$vmm" "$vmm_timeout" "$(guest_ram_mb "$mb")" "$gargs" \
		--pci "$NIC_A_BDF" --tce "$mode" --hugepages "$hugepages" $verbose $trusted \
		--stats-json "$json" "$@" </dev/null 2>&1
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' | tee "$out" | sed 's/^/L2| /'
	rc=$(cat "/tmp/$name.rc")
	t1=$(uptime_s)
	kill $watchpid $snpid 2>/dev/null
	receiver_stop "$name" "$(grep -c "GUEST sent rc=0 " "$out")"
	echo "RESULT $name pvmm_exit=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
	check_transfers "$name" "$out" "$mb" "$xfers"
	check_link "$out"
	check "$vmm exited 0" test "$rc" = 0
	[ "$vmm" = qemu ] && exit $fail	# the rest reads pvmm's summary
	check_tce_hcalls "$name" "$json" "$mode" "$expect_mode" "$trusted"
	check "every TCE inside guest RAM" tce_all_inside_ram "$json"
	[ "$expect_irq" = intx ] && check_intx "$out"
	[ -n "$expect_ddw" ] && check_ddw "$out" "$json" "$expect_ddw"
	exit $fail
)

# scenario_options: the passthrough options a user gave the scenarios in
# SCENARIO_ENV (tests/system/run), read here only, by the scenario itself:
# VMM=qemu, NETFEAT=..., XFERS=N, GUEST_ARGS=..., HUGEPAGES=on, SNIFF=1,
# STALL_SECONDS=S. Word-split by the caller (no value holds a space but
# GUEST_ARGS, whose words become one --guest-args each).
scenario_options() {
	[ -n "${VMM:-}" ] && echo "--vmm $VMM"
	[ -n "${NETFEAT:-}" ] && echo "--netfeat $NETFEAT"
	[ -n "${XFERS:-}" ] && echo "--xfers $XFERS"
	[ -n "${HUGEPAGES:-}" ] && echo "--hugepages $HUGEPAGES"
	[ "${SNIFF:-0}" = 1 ] && echo "--sniff"
	[ -n "${STALL_SECONDS:-}" ] && echo "--stall $STALL_SECONDS"
	for a in ${GUEST_ARGS:-}; do echo "--guest-args $a"; done
	return 0
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

# guest_ram_mb MB: the guest's RAM for sending MB MiB: its /tmp (half of
# it) must hold the data; whole 256 MiB blocks, as QEMU's pseries insists.
guest_ram_mb() {
	if [ $(($1 * 2 + 128)) -gt 512 ]; then echo $(( ($1 * 2 + 128 + 255) / 256 * 256 )); else echo 512; fi
}

# stall_watch NAME SECONDS: what the emulated host sees of the device's
# interrupts, NIC B's counters and TCP while the VMM of transfer NAME runs,
# every 10 s. A transfer that makes no progress for SECONDS once it started
# is a stall: the VMM is stopped (SIGTERM), so the scenario fails at once.
stall_watch() {
	last=-1 still=0
	while sleep 10; do
		got=$(stat -c %s "/tmp/$1.recv" 2>/dev/null)
		echo "L1-IRQ $(grep -i vfio /proc/interrupts | tr -s ' ' | cut -d' ' -f2-4,7 | tr '\n' ' ')" \
			"recv=$got" \
			"nicB $(cd /sys/class/net/$NIC_B_IF/statistics 2>/dev/null && for c in rx_packets tx_packets rx_errors rx_crc_errors rx_length_errors rx_over_errors rx_frame_errors rx_missed_errors; do printf '%s=%s ' $c $(cat $c); done)" \
			"tcp $(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f10-16)"
		grep -q "GUEST sha256=" "/tmp/$1.out" 2>/dev/null || continue
		if [ "$got" = "$last" ]; then still=$((still + 10)); else still=0; last=$got; fi
		if [ $still -ge "$2" ]; then
			echo "STALL $1: no data for ${still}s at $got bytes; stopping the VMM"
			[ -f "/tmp/$1.sniff" ] && tail -n 40 "/tmp/$1.sniff" | sed 's/^/L1-SNIFF /'
			kill -TERM "$(cat "/tmp/$1.vmmpid")" 2>/dev/null
			return
		fi
	done
}

# run_vmm NAME VMM TIMEOUT RAM_MB CMDLINE PVMM-ARGS...: the VMM (pvmm, or
# the QEMU peer with NIC A and none of PVMM-ARGS), its pid in
# /tmp/NAME.vmmpid (the stall watch stops it by that: vmm_exec execs
# timeout, which execs the VMM).
run_vmm() {
	vmm_exec "$@" &
	echo $! > "/tmp/$1.vmmpid"
	wait $!
}
vmm_exec() {
	name=$1 vmm=$2 secs=$3 ram=$4 cmdline=$5
	shift 5
	if [ "$vmm" = qemu ]; then
		exec timeout "$secs" /usr/bin/qemu-system-ppc64 -enable-kvm -M "$PEER_QEMU_M,x-vof=on" \
			-m "$ram" -smp 2 -nodefaults -display none -monitor none -serial stdio \
			-L /usr/share/qemu -kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
			-append "$cmdline" -device vfio-pci,host="$NIC_A_BDF"
	fi
	exec timeout "$secs" "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m "$ram" \
		-p "$cmdline" "$@"
}

# check_tce_hcalls NAME JSON MODE EXPECTED-MODE TRUSTED: the TCE hcalls
# that reached pvmm (RESULT lines), and where they should have gone: in
# mode user (or auto, when it chose user) pvmm served them; in mode
# kernel KVM served H_PUT_TCE and H_GET_TCE, and with TRUSTED
# (--trusted-guest) all four.
check_tce_hcalls() {
	put=$(hcall_count "$2" H_PUT_TCE) ind=$(hcall_count "$2" H_PUT_TCE_INDIRECT)
	stuff=$(hcall_count "$2" H_STUFF_TCE) get=$(hcall_count "$2" H_GET_TCE)
	total=$(tce_exit_total "$2")
	echo "RESULT $1 tce_exits=$total put=${put:-0} indirect=${ind:-0} stuff=${stuff:-0} get=${get:-0}"
	json_get "$2" "phbs.*.tce" | sed "s/^/RESULT $1 /"
	[ -n "$4" ] && check "pvmm chose mode $4" test "$(json_get "$2" "phbs.0.tce.mode")" = "$4"
	case ${4:-$3} in
	auto) ;;	# whichever mode pvmm chose, the transfer is what counts
	user) check "pvmm served TCE hcalls (mode user)" test "$total" -gt 0 ;;
	*)
		check "no H_PUT_TCE or H_GET_TCE reached pvmm (mode kernel)" \
			test $(( ${put:-0} + ${get:-0} )) -eq 0
		[ -n "$5" ] && check "no TCE hcall at all reached pvmm" test "$total" -eq 0
		;;
	esac
}

# check_intx OUT: the guest drives the NIC through its INTx line (a level
# XICS source), not MSIs; when pvmm serves INTx itself, it asserted and
# ended interrupts.
check_intx() {
	check "guest NIC on a level (INTx) interrupt" grep -q "GUEST irq .*Level.*eth0" "$1"
	check "no MSI in use" sh -c "! grep -q 'GUEST irq .*MSI.*eth0' '$1'"
	if grep -q "INTx served by pvmm (KVM lacks" "$1"; then
		check "pvmm asserted and ended INTx interrupts" grep -q "INTx served by pvmm: [1-9][0-9]* interrupts" "$1"
	fi
}

# check_ddw OUT JSON on|off: on: the guest created a 64-bit window mapping
# all its RAM (direct DMA) and pvmm's summary shows it in use; off: the
# 32-bit window only, and pvmm offered no DDW.
check_ddw() {
	if [ "$3" = on ]; then
		check "guest uses direct DMA through a DDW window" grep -q "GUEST ddw linux,direct64-ddr-window-info" "$1"
		check "pvmm's summary shows the guest's window" phb_ddw_in_use "$2" 0
	else
		check "guest has no DDW window" grep -q "GUEST ddw none" "$1"
		check "pvmm offered no DDW" test "$(json_get "$2" "phbs.0.tce.ddw.enabled")" = false
	fi
}
