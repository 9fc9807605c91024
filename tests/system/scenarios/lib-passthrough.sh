#!/bin/sh
# Shared by the passthrough scenarios: lib-passthrough.sh <tce mode> <name> [MiB [pvmm args...]]
# pvmm boots the guest with NIC A passed through; the guest binds e1000e,
# pings NIC B 20 times with no loss and sends MiB (default 64) over TCP,
# which must arrive with the same sha256. pvmm must exit 0 and its
# summary must show the TCE hcalls it served (mode user) or none (kernel).
mode=$1 name=$2 mb=${3:-64}
shift 3 2>/dev/null || shift $#
out=/tmp/$name.out json=/tmp/$name.json
fail=0
check() { d=$1; shift; if "$@"; then echo "CHECK ok   $d"; else echo "CHECK FAIL $d"; fail=1; fi; }
up() { cut -d' ' -f1 /proc/uptime; }

rm -f /tmp/recv
# The receiver's stdin must stay open: busybox nc half-closes the socket at
# stdin EOF, and the sender stops when it sees that.
sleep 3600 | nc -l -p 5000 > /tmp/recv &
ncpid=$!
# What the emulated host sees of the device's interrupts while pvmm runs.
( while sleep 10; do
	echo "L1-IRQ $(grep -i vfio /proc/interrupts | tr -s ' ' | cut -d' ' -f2-4,7 | tr '\n' ' ')" \
		"recv=$(stat -c %s /tmp/recv 2>/dev/null)" \
		"nicB $(cd /sys/class/net/$NIC_B_IF/statistics 2>/dev/null && for c in rx_packets tx_packets rx_errors rx_dropped rx_crc_errors; do printf '%s=%s ' $c $(cat $c); done)" \
		"tcp $(grep '^Tcp:' /proc/net/snmp | tail -n1 | cut -d' ' -f10-16)"
done ) &
irqpid=$!
t0=$(up)
# pvmm's console and messages, live (prefixed) and kept for the checks.
( timeout "${PVMM_TIMEOUT:-600}" "$PVMM" run -k "$GUEST_KERNEL" -i "$GUEST_INITRD" -c 2 -m 512 \
	-p "console=hvc0 nowatchdog pvmm.test=net pvmm.mb=$mb" \
	--pci "$NIC_A_BDF" --tce "$mode" ${PVMM_VERBOSE:+-v} --stats-json "$json" "$@" </dev/null 2>&1
  echo $? > /tmp/$name.rc ) | tee "$out" | sed 's/^/L2| /'
rc=$(cat /tmp/$name.rc)
t1=$(up)
kill $irqpid 2>/dev/null
sleep 1
kill $ncpid 2>/dev/null
killall sleep 2>/dev/null
wait $ncpid 2>/dev/null
echo "RESULT $name pvmm_exit=$rc seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"

guest_sha=$(sed -n 's/.*GUEST sha256=\([0-9a-f]*\).*/\1/p' "$out" | head -n1)
host_sha=$(sha256sum /tmp/recv | cut -d' ' -f1)
echo "RESULT $name guest_sha256=${guest_sha:-none} host_sha256=$host_sha host_bytes=$(stat -c %s /tmp/recv)"
# hcalls that reached pvmm, from its JSON summary
tce_calls() { # name -> count
	grep "\"name\": \"$1\"" "$json" 2>/dev/null | sed -n 's/.*"count": \([0-9]*\).*/\1/p' | head -n1
}
put=$(tce_calls H_PUT_TCE); ind=$(tce_calls H_PUT_TCE_INDIRECT); stuff=$(tce_calls H_STUFF_TCE)
get=$(tce_calls H_GET_TCE)
tce_total=$(( ${put:-0} + ${ind:-0} + ${stuff:-0} + ${get:-0} ))
echo "RESULT $name tce_exits=$tce_total put=${put:-0} indirect=${ind:-0} stuff=${stuff:-0} get=${get:-0}"
grep -o '"tce": {.*}]}' "$json" | sed "s/^/RESULT $name /"

check "guest e1000e bound the passthrough NIC" grep -q "GUEST nic=.* driver=e1000e" "$out"
check "link up" grep -q "GUEST link carrier=1" "$out"
check "20 pings, 0% loss" grep -q "GUEST ping 20 packets transmitted, 20 packets received, 0% packet loss" "$out"
check "$mb MiB arrived" test "$(stat -c %s /tmp/recv)" = $((mb * 1024 * 1024))
check "sha256 matches" test -n "$guest_sha" -a "$guest_sha" = "$host_sha"
check "pvmm exited 0" test "$rc" = 0
if [ -n "$EXPECT_MODE" ]; then
	check "pvmm chose mode $EXPECT_MODE" grep -q "\"mode\": \"$EXPECT_MODE\"" "$json"
fi
if [ "$mode" = auto ] && [ -z "$EXPECT_MODE" ]; then
	:	# auto: whichever mode pvmm chose, the transfer is what counts
elif [ "$mode" = user ] || [ "$EXPECT_MODE" = user ]; then
	check "pvmm served TCE hcalls (mode user)" test "$tce_total" -gt 0
else
	check "no TCE hcall reached pvmm (mode kernel)" test "$tce_total" -eq 0
fi
check "every TCE inside guest RAM" grep -q '"all_inside_ram": true' "$json"
# EXPECT_DDW=on: the guest created a 64-bit window mapping all its RAM
# (direct DMA) and pvmm's summary shows it; off: the 32-bit window only.
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
