#!/bin/sh
# Shared by the passthrough scenarios: lib-passthrough.sh <tce mode> <name> [MiB [pvmm args...]]
# pvmm boots the guest with NIC A passed through; the guest binds e1000e,
# pings NIC B 20 times with no loss and sends MiB (default 64) over TCP,
# which must arrive with the same sha256. pvmm must exit 0 and its
# summary must show the TCE hcalls it served (mode user) or, in mode kernel,
# none but H_STUFF_TCE (kept from KVM for the host's safety).
# Environment: EXPECT_MODE, EXPECT_DDW, EXPECT_IRQ (extra checks), TRUSTED_GUEST=on, VMM=qemu, XFERS,
# GUEST_ARGS, GUEST_MB, NETFEAT, HUGEPAGES, SNIFF, STALL_SECONDS, PVMM_TIMEOUT.
mode=$1 name=$2 mb=${3:-64}
# Guest RAM: its /tmp (half of it) must hold the data it sends; whole
# 256 MiB blocks, as QEMU's pseries machine insists.
gmb=${GUEST_MB:-512}
[ $((mb * 2 + 128)) -gt "$gmb" ] && gmb=$(( (mb * 2 + 128 + 255) / 256 * 256 ))
shift 3 2>/dev/null || shift $#
out=/tmp/$name.out json=/tmp/$name.json
fail=0
. /pvmm/scenarios/lib-common.sh
up() { cut -d' ' -f1 /proc/uptime; }

# SNIFF=1: frame summaries on NIC B (and pvmm.sniff in the guest) for stalls.
snpid=
if [ "${SNIFF:-0}" = 1 ]; then
	/pvmm/bin/sniff "$NIC_B_IF" 5000 > /tmp/$name.sniff 2>&1 &
	snpid=$!
	GUEST_ARGS="${GUEST_ARGS:-} pvmm.sniff=1"
fi
# XFERS=N transfers (pvmm.xfers in the guest), each received, then its size
# and sha256 noted, before the next connection is accepted.
xfers=${XFERS:-1}
[ "$xfers" -gt 1 ] && GUEST_ARGS="${GUEST_ARGS:-} pvmm.xfers=$xfers"
receiver_start "$name" 0 "$xfers"
# What the emulated host sees of the device's interrupts, NIC B's counters
# and TCP while the VMM runs, every 10 s. A transfer that makes no progress
# for STALL_SECONDS (default 120) once it started is a stall: the VMM is
# stopped (SIGTERM) so the scenario fails at once, with these figures.
( last=-1 still=0
  while sleep 10; do
	got=$(stat -c %s /tmp/$name.recv 2>/dev/null)
	echo "L1-IRQ $(grep -i vfio /proc/interrupts | tr -s ' ' | cut -d' ' -f2-4,7 | tr '\n' ' ')" \
		"recv=$got" \
		"nicB $(cd /sys/class/net/$NIC_B_IF/statistics 2>/dev/null && for c in rx_packets tx_packets rx_errors rx_crc_errors rx_length_errors rx_over_errors rx_frame_errors rx_missed_errors; do printf '%s=%s ' $c $(cat $c); done)" \
		"tcp $(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f10-16)"
	grep -q "GUEST sha256=" "$out" 2>/dev/null || continue
	if [ "$got" = "$last" ]; then still=$((still + 10)); else still=0; last=$got; fi
	if [ $still -ge "${STALL_SECONDS:-120}" ]; then
		echo "STALL $name: no data for ${still}s at $got bytes; stopping the VMM"
		[ -f /tmp/$name.sniff ] && tail -n 40 /tmp/$name.sniff | sed 's/^/L1-SNIFF /'
		kill -TERM "$(cat /tmp/$name.vmmpid)" 2>/dev/null
		break
	fi
  done ) &
irqpid=$!
t0=$(up)
# The VMM's console and messages, live (prefixed) and kept for the checks.
# VMM=qemu runs the peer (make bench) on the same guest instead of pvmm.
gargs="console=hvc0 nowatchdog pvmm.test=net pvmm.mb=$mb ${GUEST_ARGS:-}"
# The emulated host's e1000e model silently drops a frame whose TX buffer
# spans two guest pages that are not adjacent in the emulated host's memory
# (its DMA map of the buffer comes back short), and TCP then retransmits
# the same buffer forever (see README, Known problems). Without
# scatter-gather the guest sends each frame from one linear buffer that
# never crosses a page: NETFEAT=default keeps the guest's offloads.
[ "${NETFEAT:-sg:off}" != default ] && gargs="$gargs pvmm.netfeat=${NETFEAT:-sg:off}"
# HUGEPAGES=on: guest RAM on huge pages (the emulated host has none).
HUGEPAGES=${HUGEPAGES:-off}
hp_qemu=
[ "$HUGEPAGES" = on ] && hp_qemu="-mem-path /dev/hugepages"
# run_vmm ARGS...: the VMM, its pid in /tmp/$name.vmmpid (the stall watch
# stops it by that: vmm_cmd execs timeout, which execs the VMM).
run_vmm() {
	vmm_cmd "$@" &
	echo $! > /tmp/$name.vmmpid
	wait $!
}
vmm_cmd() {
	if [ "${VMM:-pvmm}" = qemu ]; then
		exec timeout "${PVMM_TIMEOUT:-600}" /usr/bin/qemu-system-ppc64 -enable-kvm -M "$PEER_QEMU_M,x-vof=on" \
			-m "$gmb" -smp 2 -nodefaults -display none -monitor none -serial stdio \
			-L /usr/share/qemu -kernel "$GUEST_KERNEL" -initrd "$GUEST_INITRD" \
			${hp_qemu} -append "$gargs" -device vfio-pci,host="$NIC_A_BDF"
	else
		exec timeout "${PVMM_TIMEOUT:-600}" "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m "$gmb" \
			-p "$gargs" --pci "$NIC_A_BDF" --tce "$mode" --hugepages "$HUGEPAGES" ${PVMM_VERBOSE:+-v} \
			${TRUSTED_GUEST:+--trusted-guest} \
			--stats-json "$json" "$@"
	fi
}
( run_vmm "$@" </dev/null 2>&1
  echo $? > /tmp/$name.rc ) | tr -d '\r' | tee "$out" | sed 's/^/L2| /'
rc=$(cat /tmp/$name.rc)
t1=$(up)
kill $irqpid $snpid 2>/dev/null
sent=$(grep -c "GUEST sent rc=0 " "$out")
receiver_stop "$name" "$sent"
echo "RESULT $name pvmm_exit=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
check_transfers "$name" "$out" "$mb" "$xfers"
# hcalls that reached pvmm, from its JSON summary
put=$(hcall_count "$json" H_PUT_TCE); ind=$(hcall_count "$json" H_PUT_TCE_INDIRECT)
stuff=$(hcall_count "$json" H_STUFF_TCE); get=$(hcall_count "$json" H_GET_TCE)
tce_total=$(tce_exit_total "$json")
echo "RESULT $name tce_exits=$tce_total put=${put:-0} indirect=${ind:-0} stuff=${stuff:-0} get=${get:-0}"
grep -o '"tce": {.*}]}' "$json" | sed "s/^/RESULT $name /"

check_link "$out"
check "${VMM:-pvmm} exited 0" test "$rc" = 0
[ "${VMM:-pvmm}" = qemu ] && exit $fail	# the rest reads pvmm's summary
if [ -n "$EXPECT_MODE" ]; then
	check "pvmm chose mode $EXPECT_MODE" grep -q "\"mode\": \"$EXPECT_MODE\"" "$json"
fi
if [ "$mode" = auto ] && [ -z "$EXPECT_MODE" ]; then
	:	# auto: whichever mode pvmm chose, the transfer is what counts
elif [ "$mode" = user ] || [ "$EXPECT_MODE" = user ]; then
	check "pvmm served TCE hcalls (mode user)" test "$tce_total" -gt 0
else
	# KVM serves H_PUT_TCE and H_GET_TCE; H_PUT_TCE_INDIRECT and
	# H_STUFF_TCE are pvmm's for the host's safety (see README, mode
	# kernel) unless TRUSTED_GUEST=on passed --trusted-guest.
	check "no H_PUT_TCE or H_GET_TCE reached pvmm (mode kernel)" \
		test $(( ${put:-0} + ${get:-0} )) -eq 0
	[ -n "${TRUSTED_GUEST:-}" ] && check "no TCE hcall at all reached pvmm" test "$tce_total" -eq 0
fi
check "every TCE inside guest RAM" grep -q '"all_inside_ram": true' "$json"
# EXPECT_DDW=on: the guest created a 64-bit window mapping all its RAM
# (direct DMA) and pvmm's summary shows it; off: the 32-bit window only.
# EXPECT_IRQ=intx: the guest drives the NIC through its INTx line (a level
# XICS source), not MSIs.
if [ "${EXPECT_IRQ:-}" = intx ]; then
	check "guest NIC on a level (INTx) interrupt" grep -q "GUEST irq .*Level.*eth0" "$out"
	check "no MSI in use" sh -c "! grep -q 'GUEST irq .*MSI.*eth0' '$out'"
	if grep -q "INTx served by pvmm (KVM lacks" "$out"; then
		check "pvmm asserted and ended INTx interrupts" grep -q "INTx served by pvmm: [1-9][0-9]* interrupts" "$out"
	fi
fi
case $EXPECT_DDW in
on)
	check "guest uses direct DMA through a DDW window" grep -q "GUEST ddw linux,direct64-ddr-window-info" "$out"
	check "pvmm's summary shows the guest's window" \
		grep -q '"created": \[{"liobn": [0-9]*, "start": [0-9]*, "size": [0-9]*, "page_shift": [0-9]*, "removed": false' "$json"
	;;
off)
	check "guest has no DDW window" grep -q "GUEST ddw none" "$out"
	check "pvmm offered no DDW" grep -q '"ddw": {"enabled": false' "$json"
	;;
esac
exit $fail
