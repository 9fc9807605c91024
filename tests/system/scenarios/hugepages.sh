#!/bin/sh
# Scenario hugepages: guest RAM on the emulated host's huge pages (pvmm
# --hugepages on; kernel/l1-init reserves them for one guest of 512 MiB).
# NIC A passes through and the guest sends 8 MiB, in mode kernel and in
# mode user, DDW on (lib-passthrough.sh checks the transfer, the TCE
# hcalls and the window). Besides: pvmm offers DDW pages up to the size
# that backs guest RAM, so the guest's window maps RAM with huge-page-sized
# TCEs; the huge pages are in use while pvmm runs and all free after it.
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
fail=0

# huge_free: free huge pages now.
huge_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
hsize=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
free0=$(huge_free)
hsize=${hsize:-0} total=${total:-0} free0=${free0:-0}
echo "RESULT huge pages: $total of ${hsize:-?} KiB, $free0 free"
check "the emulated host has huge pages free for a guest of 512 MiB" test $((free0 * hsize)) -ge $((512 * 1024))
[ $((free0 * hsize)) -ge $((512 * 1024)) ] || exit 1
# the TCE page shift of a huge page (2 MiB: 21)
shift_of() { s=10 k=1; while [ $k -lt "$1" ]; do k=$((k * 2)) s=$((s + 1)); done; echo $s; }

# huge_run NAME MODE: the transfer with guest RAM on huge pages, and the
# fewest free huge pages seen while it ran (sampled every second).
huge_run() {
	name=$1
	( while :; do huge_free; sleep 1; done ) > "/tmp/$name.free" &
	sampler=$!
	passthrough "$name" "$2" 8 --hugepages on --expect-ddw on || fail=1
	kill $sampler
	wait $sampler 2>/dev/null
	low=$(sort -n "/tmp/$name.free" | head -n1)
	echo "RESULT $name huge_pages_free_low=$low after=$(huge_free)" \
		"ddw_page_shift=$(json_get "/tmp/$name.json" 'phbs.0.tce.ddw.created.*.page_shift' | head -n1)"
	check "$name: pvmm took 512 MiB of huge pages while it ran (the fewest free: $low)" \
		test "$((free0 - ${low:-$free0}))" -ge $((512 * 1024 / hsize))
	check "$name: all of them free again after it" test "$(huge_free)" = "$free0"
	check "$name: the guest's DDW window maps RAM with $hsize KiB TCE pages" \
		test "$(json_get "/tmp/$name.json" 'phbs.0.tce.ddw.created.*.page_shift' | head -n1)" = "$(shift_of "$hsize")"
}

huge_run huge-kernel kernel
huge_run huge-user user
exit $fail
