# Sourced by the scenarios: what more than one of them needs.

# check DESCRIPTION COMMAND...: one CHECK line; a failure sets fail=1.
check() { d=$1; shift; if "$@"; then echo "CHECK ok   $d"; else echo "CHECK FAIL $d"; fail=1; fi; }

# The peer (QEMU with KVM in the emulated host): the machine options this
# KVM accepts (../shared/testbed.md, 'The peer'); add x-vof=on for VOF.
# PEER_IRQCHIP=off puts QEMU's interrupt controller in userspace.
PEER_QEMU_M="pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,cap-hpt-max-page-size=4096,ic-mode=xics"
[ -n "${PEER_IRQCHIP:-}" ] && PEER_QEMU_M="$PEER_QEMU_M,kernel-irqchip=$PEER_IRQCHIP"

# pvmm's --stats-json, read in sh: hcall_count, tce_exit_total, mark_*
# (kernel/stats-json.sh, which kernel/run-bench reads too).
. /pvmm/bin/stats-json.sh

# guest_log_lines JSON KIND: the guest-driven log lines of KIND pvmm was
# asked to print (its --stats-json "guest_log"), suppressed or not.
guest_log_lines() {
	sed 's/{"kind": /\n&/g' "$1" | sed -n "s/^{\"kind\": \"$2\", \"lines\": \([0-9]*\).*/\1/p" | head -n1
}

# pvmm_lines_between OUT FROM TO: the lines pvmm printed in OUT (a run's
# mixed output) between the guest's lines FROM and TO, and the "more ...
# suppressed" lines it printed at exit, after TO.
pvmm_lines_between() {
	awk -v from="$2" -v to="$3" '
		$0 == from { on = 1; next }
		$0 == to { on = 0; after = 1; next }
		on { n += gsub(/pvmm: /, "&") }
		after && /pvmm: [0-9]+ more .* lines suppressed/ { n++ }
		END { print n + 0 }' "$1"
}

# The wires (tests/system/run): hub 0 is NIC A's (the emulated host's NIC B,
# 192.0.2.1), hub 1 NIC C's (NIC D, 198.51.100.1). The guest sends a link's
# data to port 5000 + its hub (tests/system/guest/net.sh).

# receiver_start NAME HUB XFERS: the emulated host takes XFERS transfers on
# port 5000 + HUB, noting each one's size and sha256 in /tmp/NAME.sums
# before it listens again. The receiver's stdin must stay open (a FIFO it
# also holds for writing): busybox nc half-closes the socket at stdin EOF,
# and the sender stops when it sees that.
receiver_start() {
	rm -f "/tmp/$1.recv" "/tmp/$1.hold" "/tmp/$1.ncpid"
	: > "/tmp/$1.sums"
	mkfifo "/tmp/$1.hold"
	( exec 3<>"/tmp/$1.hold"
	  for i in $(seq 1 "$3"); do
		nc -l -p $((5000 + $2)) <&3 > "/tmp/$1.recv" &
		echo $! > "/tmp/$1.ncpid"
		wait $!
		echo "$i $(stat -c %s "/tmp/$1.recv") $(sha256sum "/tmp/$1.recv" | cut -d' ' -f1)" >> "/tmp/$1.sums"
	  done ) &
	echo $! > "/tmp/$1.rcvpid"
}

# receiver_stop NAME SENT: the check of the last of SENT finished transfers
# may still be running (up to a minute); then the receiver and its nc stop.
receiver_stop() {
	for i in $(seq 1 60); do
		[ "$(wc -l < "/tmp/$1.sums")" -ge "$2" ] && break
		sleep 1
	done
	kill "$(cat "/tmp/$1.rcvpid")" 2>/dev/null
	kill "$(cat "/tmp/$1.ncpid" 2>/dev/null)" 2>/dev/null
	wait "$(cat "/tmp/$1.rcvpid")" 2>/dev/null
	return 0
}

# check_transfers NAME OUT MB XFERS [LINK]: one RESULT line per transfer
# received (run, bytes, sha256, whether both match the guest's), and the
# check that all XFERS arrived whole. LINK: which of the guest's links, when
# it has several (net.sh ends those lines with " link=N").
check_transfers() {
	sfx=${5:+ link=$5} gsha=$(sed -n 's/.*GUEST sha256=\([0-9a-f]*\).*/\1/p' "$2" | head -n1)
	while read -r i bytes sha; do
		ok=0
		[ "$bytes" = $(($3 * 1024 * 1024)) ] && [ "$sha" = "$gsha" ] && ok=1
		echo "RESULT $1 run=$i guest_sha256=${gsha:-none} host_sha256=$sha host_bytes=$bytes ok=$ok$sfx"
	done < "/tmp/$1.sums" > "/tmp/$1.results"
	cat "/tmp/$1.results"
	check "$4 transfer(s) of $3 MiB arrived${sfx}, each with the guest's sha256" \
		test "$(grep -c " ok=1" "/tmp/$1.results")" = "$4"
}

# mfd_pci_args: pvmm's --pci options for every function of the
# four-function device.
mfd_pci_args() { for f in $MFD_BDFS; do printf -- '--pci %s ' "$f"; done; }

# check_msix OUT BDF...: the guest's driver enabled MSI-X on each function
# (net.sh's msix lines, by the guest's address of the function: pass the
# guest's addresses).
check_msix() {
	out=$1; shift
	for g in "$@"; do
		check "MSI-X on the guest's $g" \
			grep -qE "^GUEST msix pci=$g vectors=[1-9]" "$out"
	done
}

# guest_nics OUT: the guest addresses of the functions e1000e bound, wired
# or not, one a line, sorted.
guest_nics() { sed -n 's/^GUEST nic=.* driver=e1000e pci=\([0-9a-f:.]*\).*/\1/p' "$1" | sort; }

# check_unwired OUT N: N NICs without a wire of their own are bound by
# e1000e and have carrier.
check_unwired() {
	check "$2 NIC(s) without a wire of their own: e1000e bound, carrier" \
		test "$(grep -c '^GUEST nic=.* driver=e1000e .* unwired carrier=1$' "$1")" -eq "$2"
}

# wait_line FILE PATTERN SECONDS: until FILE has a line matching PATTERN.
wait_line() {
	for i in $(seq 1 $(($3 * 2))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}

# nic_a_driver: the driver that holds NIC A in this (the emulated) host.
nic_a_driver() { l=$(readlink "/sys/bus/pci/devices/$NIC_A_BDF/driver"); echo "${l##*/}"; }

# move_nic_a DRIVER: NIC A to that driver, the sysfs way, as kernel/l1-init
# does (e1000e: no override).
move_nic_a() {
	ov=/sys/bus/pci/devices/$NIC_A_BDF/driver_override
	if [ "$1" = vfio-pci ]; then echo vfio-pci > "$ov"; else echo > "$ov"; fi
	cur=$(nic_a_driver)
	[ -n "$cur" ] && [ "$cur" != "$1" ] && echo "$NIC_A_BDF" > "/sys/bus/pci/drivers/$cur/unbind"
	[ "$(nic_a_driver)" = "$1" ] || echo "$NIC_A_BDF" > /sys/bus/pci/drivers_probe
	echo "RESULT moved NIC A to $(nic_a_driver)"
}

# check_link OUT LINK [DRIVER]: the guest's DRIVER (e1000e) drove that link
# (bound, carrier, 20 pings without loss); LINK empty for a guest with one
# link. With the first link it also checks that the guest's kernel never
# oopsed or warned.
check_link() {
	sfx=${2:+ link=$2} drv=${3:-e1000e}
	check "guest $drv bound the NIC$sfx" grep -q "GUEST nic=.* driver=$drv .*$sfx\$" "$1"
	check "link up$sfx" grep -q "GUEST link carrier=1 .*$sfx\$" "$1"
	check "20 pings, 0% loss$sfx" \
		grep -q "GUEST ping 20 packets transmitted, 20 packets received, 0% packet loss$sfx\$" "$1"
	[ -n "$2" ] && [ "$2" != 0 ] && return
	check "the guest's kernel did not oops, BUG or warn" \
		sh -c "! grep -qE 'Oops: |kernel BUG at|WARNING: CPU: |Kernel panic' '$1'"
}

# phb_json JSON INDEX: that guest PHB's object of pvmm's --stats-json
# (compact JSON; nothing if there is no such PHB).
phb_json() { json_get "$1" "phbs[index=$2]"; }

# phb_get JSON INDEX PATH [FIELD...]: jsonq's answer from that PHB's object.
phb_get() { j=$1 i=$2 p=$3; shift 3; json_get "$j" "phbs[index=$i].$p" "$@"; }

# phb_hosts JSON INDEX: the host functions on that PHB, one a line.
phb_hosts() { phb_get "$1" "$2" "functions.*.host"; }

# phb_groups JSON INDEX: how many IOMMU groups that PHB's functions are in.
phb_groups() { phb_get "$1" "$2" "functions.*.group" | sort -u | wc -l; }

# phb_ddw_in_use JSON INDEX: DDW on for that PHB, no RTAS error, and the
# guest created a 64-bit window there that it still uses.
phb_ddw_in_use() {
	[ "$(phb_get "$1" "$2" tce.ddw.enabled)" = true ] &&
		[ "$(phb_get "$1" "$2" tce.ddw.rtas_errors)" = 0 ] &&
		[ -n "$(phb_get "$1" "$2" "tce.ddw.created.*[removed=false].liobn")" ]
}

# phb_window_hcalls JSON INDEX: TCE hcalls that reached pvmm on that PHB's
# windows (default and DDW).
phb_window_hcalls() { phb_get "$1" "$2" "tce.windows.*.hcalls" | awk '{s += $1} END {print s + 0}'; }

# phb_valid_entries JSON INDEX: valid entries in that PHB's tables (in mode
# kernel read from KVM's table through its mmap).
phb_valid_entries() { phb_get "$1" "$2" tce.valid_entries; }

# pvmm_net NAME MB PVMM-ARGS...: pvmm boots the test guest (2 vcpus, 512 MiB)
# sending MB MiB over each of its links; its console and messages live
# (prefixed) and in /tmp/NAME.out, its exit status in /tmp/NAME.rc, its
# summary in /tmp/NAME.json. The guest's NICs run at 200 interrupts/s, as
# make bench's: in the emulated host a transfer at the driver's adaptive
# rate is bound by interrupt delivery (README, Benchmark), and two of them
# at once would take minutes.
pvmm_net() {
	name=$1 mb=$2
	shift 2
	rm -f "/tmp/$name.pid"
	( timeout 600 "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 \
		-p "console=hvc0 nowatchdog pvmm.test=net pvmm.mb=$mb pvmm.netfeat=sg:off pvmm.itr=200" \
		--stats-json "/tmp/$name.json" "$@" </dev/null 2>&1 &
	  echo $! > "/tmp/$name.pid"
	  wait $!
	  echo $? > "/tmp/$name.rc" ) | tr -d '\r' | tee "/tmp/$name.out" | sed 's/^/L2| /'
}

# tables_sample NAME: once the guest of pvmm_net NAME has its data ready
# (its DMA windows are set up by then), tcecheck reads pvmm's KVM TCE
# tables through copies of its fds, into /tmp/NAME.tcecheck.
tables_sample() {
	: > "/tmp/$1.tcecheck"
	for i in $(seq 1 600); do
		grep -q "GUEST sha256" "/tmp/$1.out" 2>/dev/null && break
		sleep 0.5
	done
	pid=$(pvmm_of "$(cat "/tmp/$1.pid" 2>/dev/null)")
	[ -n "$pid" ] && /pvmm/bin/tcecheck "$pid" $((512 << 20)) > "/tmp/$1.tcecheck" 2>&1
}

# pvmm_of PID: pvmm's pid, given the pid of the timeout that runs it
# (busybox's timeout execs the command in its own process and watches from
# a child; others fork the command), waiting up to 5 s for the exec.
pvmm_of() {
	for i in $(seq 1 25); do
		for p in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = pvmm ] && echo "$p" && return 0
		done
		sleep 0.2
	done
}

# check_kvm_tables NAME N: what tcecheck read while pvmm ran: at least N of
# KVM's tables hold entries, and no entry points outside guest RAM.
check_kvm_tables() {
	sed "s/^/RESULT $1 /" "/tmp/$1.tcecheck"
	check "KVM's tables, read on their own: $2 or more hold entries" \
		test "$(grep -c '^TCECHECK table=.* valid=[1-9]' "/tmp/$1.tcecheck")" -ge "$2"
	check "KVM's tables, read on their own: no entry outside guest RAM" \
		grep -q '^TCECHECK total .* outside=0 errors=0' "/tmp/$1.tcecheck"
}

# one_link NAME MB HUB DRIVER PVMM-ARGS...: a guest with one NIC, on wire
# HUB and driven by DRIVER, sends MB MiB; the link, the transfer, pvmm's exit
# and its TCEs are checked.
one_link() {
	name=$1 mb=$2 hub=$3 drv=$4
	shift 4
	receiver_start "$name" "$hub" 1
	pvmm_net "$name" "$mb" "$@"
	receiver_stop "$name" "$(grep -c "GUEST sent rc=0 " "/tmp/$name.out")"
	rc=$(cat "/tmp/$name.rc")
	echo "RESULT $name pvmm_exit=$rc $(grep "GUEST sent" "/tmp/$name.out" | tr '\n' ' ')"
	check_link "/tmp/$name.out" "" "$drv"
	check_transfers "$name" "/tmp/$name.out" "$mb" 1
	check "pvmm exited 0" test "$rc" = 0
	check "every TCE inside guest RAM" tce_all_inside_ram "/tmp/$name.json"
}

# two_links NAME MB PVMM-ARGS...: a guest with a NIC on each wire sends MB
# MiB over both at once; both links and transfers are checked, pvmm must
# exit 0 with every TCE inside guest RAM.
two_links() {
	name=$1 mb=$2
	shift 2
	receiver_start "$name-0" 0 1
	receiver_start "$name-1" 1 1
	tables_sample "$name" &
	sampler=$!
	pvmm_net "$name" "$mb" "$@"
	wait $sampler
	for l in 0 1; do
		receiver_stop "$name-$l" "$(grep -c "GUEST sent rc=0 .* link=$l\$" "/tmp/$name.out")"
	done
	rc=$(cat "/tmp/$name.rc")
	echo "RESULT $name pvmm_exit=$rc $(grep "GUEST sent" "/tmp/$name.out" | tr '\n' ' ')"
	check "guest has two links" grep -q "GUEST links=2:" "/tmp/$name.out"
	for l in 0 1; do
		check_link "/tmp/$name.out" $l
		check_transfers "$name-$l" "/tmp/$name.out" "$mb" 1 $l
	done
	check "pvmm exited 0" test "$rc" = 0
	check "every TCE inside guest RAM" tce_all_inside_ram "/tmp/$name.json"
}

# bench_here [--no-peer] [RUN-BENCH-OPTION...]: kernel/run-bench, as `make
# bench` calls it on a POWER host, on NIC A with this emulated host as the
# receiver (NIC B, 192.0.2.1), the NVMe controller for the storage rows,
# the limit row from NIC A on L1's own e1000e (--limit: run-bench hands it
# from vfio-pci to e1000e and back for that row) and the QEMU peer when it
# is staged (not with --no-peer). The emulated host's e1000e model drops
# frames whose TX buffer spans two pages (README, Known problems): the
# guest sends without scatter-gather. Its status is run-bench's.
bench_here() {
	peer_qemu=/usr/bin/qemu-system-ppc64
	[ "${1:-}" = --no-peer ] && { peer_qemu=; shift; }
	[ -n "$peer_qemu" ] && [ -x "$peer_qemu" ] &&
		set -- --qemu "$peer_qemu" --qemu-machine "$PEER_QEMU_M" --qemu-args "-L /usr/share/qemu" "$@"
	[ -n "${NVME_BDF:-}" ] && set -- --storage "$NVME_BDF" "$@"
	mkdir -p /tmp/bench
	RUN_DIR=/tmp/bench PVMM_FIRMWARE=$PVMM_FIRMWARE /pvmm/bin/run-bench --pci "$NIC_A_BDF" \
		--peer 192.0.2.1 --receive --limit --append "pvmm.netfeat=sg:off" "$@"
}
