#!/bin/sh
# Scenario bench-smoke: the pieces of make bench (kernel/run-bench), small (few hcalls, one round,
# one 2 MiB transfer per configuration, each in a boot of its own, the six
# of make bench's with DDW off and on and one with the DDW window capped
# below guest RAM; the limit row from L1's own e1000e; one storage
# configuration of 8 MiB; no huge-page rows, no QEMU peer: make test's
# time), checked for well-formed output only: no figure is asserted. What
# it does check is behaviour: where each floor and TCE hcall was served.
. /pvmm/scenarios/lib-common.sh
XFER="kernel:off kernel-trusted:off user:off user-perentry:off kernel:on user:on user:256M"
( bench_here --no-peer --n 50 --repeat 1 --rounds 1 --xfers 1 --mb 2 --configs "$XFER" \
	--storage-mb 8 --storage-configs kernel:off --hugepages off; echo $? > /tmp/bench-smoke.rc ) |
	tee /tmp/bench-smoke.out
rc=$(cat /tmp/bench-smoke.rc)
fail=0
count() { grep -c "$1" /tmp/bench-smoke.out; }
num='[0-9][0-9]*' dec='[0-9][0-9.]*'
# The host's identity heads the table (kernel/run-bench host_identity).
check "host identity: the CPU" grep -q "^BENCH host name=cpu value=POWER9" /tmp/bench-smoke.out
check "host identity: the PVR" grep -q "^BENCH host name=pvr value=0x004e[0-9a-f]\{4\}\$" /tmp/bench-smoke.out
check "host identity: the kernel" grep -q "^BENCH host name=kernel value=$(uname -r) " /tmp/bench-smoke.out
check "host identity: the platform" grep -q "^BENCH host name=platform value=PowerNV .*(emulated by qemu)\$" /tmp/bench-smoke.out
# (the pinned Debian 6.12 ppc64el kernel is built with 4 KiB pages)
check "host identity: the page size" grep -q "^BENCH host name=page_size value=4 KiB\$" /tmp/bench-smoke.out
check "host identity: the NIC, with its ids" \
	grep -q "^BENCH host name=nic value=$NIC_A_BDF 8086:10d3 class 0x020000 iommu group [0-9]* driver vfio-pci\$" /tmp/bench-smoke.out
for mode in kernel user user-perentry; do
	for op in floor_kernel floor_prod floor_user put_map put_unmap get put_indirect stuff; do
		check "tcebench $op timed in mode $mode" grep -q \
			"^BENCH tce vmm=pvmm mode=$mode run=1 exits=$num unknown_exits=$num op=$op n=$num min_ns=$num median_ns=$num max_ns=$num entries=$num\$" \
			/tmp/bench-smoke.out
	done
	# The floors are what they claim: the user floor's 50 hcalls all
	# reached pvmm, the kernel floors' none (the payload checks their
	# answers too: from pvmm they would be H_FUNCTION).
	check "mode $mode: the user floor exits to pvmm, the kernel floors do not" \
		grep -q "^BENCH tce vmm=pvmm mode=$mode run=1 exits=$num unknown_exits=50 op=floor_user" /tmp/bench-smoke.out
done
check "mode kernel: no TCE hcall reached pvmm" grep -q "^BENCH tce vmm=pvmm mode=kernel run=1 exits=0 " /tmp/bench-smoke.out
check "mode user: pvmm served them" grep -q "^BENCH tce vmm=pvmm mode=user run=1 exits=[1-9]" /tmp/bench-smoke.out
check "mode user-perentry: pvmm served them" grep -q "^BENCH tce vmm=pvmm mode=user-perentry run=1 exits=[1-9]" /tmp/bench-smoke.out
check "start-up measured, with the guest's uptime and the VMM's share" grep -q \
	"^BENCH start vmm=pvmm run=1 seconds=$dec hwm_kb=[1-9][0-9]* ram_rss_kb=$num ok=1 guest_uptime_s=[0-9]*[1-9][0-9.]* vmm_share_s=-*$dec\$" \
	/tmp/bench-smoke.out
check "start-up measured with guest RAM pinned first too (--pin-before-boot on)" grep -q \
	"^BENCH start vmm=pvmm-pinfirst run=1 seconds=$dec hwm_kb=[1-9][0-9]* ram_rss_kb=$num ok=1 guest_uptime_s=[0-9]*[1-9][0-9.]* vmm_share_s=-*$dec\$" \
	/tmp/bench-smoke.out
check "pvmm's share broken down" grep -q \
	"^BENCH startpvmm vmm=pvmm run=1 first_run_ms=$dec guest_clock_ms=[0-9]*[1-9][0-9.]* boot_exits=[1-9][0-9]* boot_exit_ms=$dec\$" /tmp/bench-smoke.out
for step in bind guest-ram images kvm-vm vcpus irq vfio-container functions dma-windows devices fdt console; do
	check "pvmm's set-up step $step timed" grep -q "^BENCH startphase vmm=pvmm run=1 name=$step ms=$dec\$" /tmp/bench-smoke.out
done
check "with the pin first, the RAM pin is a set-up step" \
	grep -q "^BENCH startphase vmm=pvmm-pinfirst run=1 name=ram-pin ms=$dec\$" /tmp/bench-smoke.out
check "no huge-page rows (--hugepages off)" test "$(count '^BENCH start vmm=pvmm-huge')" = 0
check "guest RAM pinned beside the booting guest, not before its first KVM_RUN" \
	grep -q "^BENCH startbg vmm=pvmm run=1 name=ram-pin from_ms=$dec to_ms=$dec waits=$num waited_ms=$dec\$" /tmp/bench-smoke.out
check "no set-up step is the RAM pin" test "$(count '^BENCH startphase vmm=pvmm run=1 name=ram-pin ')" = 0
check "boot's exits per call, the console's among them" grep -q \
	"^BENCH startexit vmm=pvmm run=1 type=hcall name=H_PUT_TERM_CHAR count=[1-9][0-9]* ms=$dec\$" /tmp/bench-smoke.out
check "every boot exit line well formed" test "$(count '^BENCH startexit ')" = \
	"$(count "^BENCH startexit vmm=pvmm run=1 type=[a-z-]* name=[^ ]* count=[1-9][0-9]* ms=$dec\$")"
check "7 transfers (one per configuration) passed" test "$(count '^BENCH xfer vmm=pvmm .* ok=1')" = 7
xl="seconds=$dec ok=1 exits=$num tce_put=$num tce_indirect=$num tce_stuff=$num tce_get=$num\$"
for c in $XFER; do
	check "mode ${c%:*} DDW ${c#*:}: the transfer timed, with the TCE hcalls that reached pvmm" \
		test "$(count "^BENCH xfer vmm=pvmm mode=${c%:*} ddw=${c#*:} round=1 run=1 mb=2 $xl")" = 1
done
# The limit: NIC A on L1's own e1000e, in a network namespace, the same
# 2 MiB to the same receiver, at the guest's interrupt rate; then back.
check "the limit row: L1's e1000e sent the 2 MiB, checked by the receiver" grep -q \
	"^BENCH xfer vmm=host mode=e1000e ddw=none round=1 run=1 mb=2 seconds=$dec ok=1 itr=200 sg:off\$" /tmp/bench-smoke.out
check "NIC A is back on vfio-pci after the limit row" test "$(nic_a_driver)" = vfio-pci
# Storage: 8 MiB written and read back with O_DIRECT, mode kernel's safe
# default with DDW off: a request's single pages are KVM's H_PUT_TCE, its
# runs of pages H_PUT_TCE_INDIRECT lists (how many depends on where the
# guest's buffers lie) and their unmaps H_STUFF_TCE, both pvmm's.
for op in write read; do
	check "storage: the $op timed, with the TCE hcalls that reached pvmm (no H_PUT_TCE; H_STUFF_TCE)" grep -q \
		"^BENCH storage vmm=pvmm mode=kernel ddw=off round=1 op=$op mb=8 seconds=$dec ok=1 exits=$num tce_put=0 tce_indirect=$num tce_stuff=[1-9][0-9]* tce_get=$num\$" \
		/tmp/bench-smoke.out
done
check "the NVMe controller named beside the NIC" \
	grep -q "^BENCH host name=storage value=$NVME_BDF [0-9a-f]*:[0-9a-f]* class 0x0108" /tmp/bench-smoke.out
# Where the transfer's TCE hcalls went (behaviour, not figures): with DDW
# off mode user serves H_PUT_TCE, the safe mode kernel only the unmaps'
# H_STUFF_TCE, the trusted one none; with DDW on no TCE hcall per packet.
tce_of() { grep "^BENCH xfer vmm=pvmm mode=$1 ddw=$2 round=1 run=1 " /tmp/bench-smoke.out | sed -n "s/.* tce_$3=\([0-9]*\).*/\1/p"; }
check "DDW off, mode user: H_PUT_TCE reached pvmm during the transfer" test "$(tce_of user off put)" -gt 0
check "DDW off, mode user-perentry: H_PUT_TCE reached pvmm during the transfer" test "$(tce_of user-perentry off put)" -gt 0
check "DDW off, mode kernel: no H_PUT_TCE reached pvmm, H_STUFF_TCE did" \
	test "$(tce_of kernel off put)" = 0 -a "$(tce_of kernel off stuff)" -gt 0
check "DDW off, mode kernel-trusted: no TCE hcall reached pvmm during the transfer" \
	test "$(tce_of kernel-trusted off put)$(tce_of kernel-trusted off indirect)$(tce_of kernel-trusted off stuff)$(tce_of kernel-trusted off get)" = 0000
check "DDW on, mode kernel: no TCE hcall reached pvmm during the transfer" \
	test "$(tce_of kernel on put)$(tce_of kernel on indirect)$(tce_of kernel on stuff)$(tce_of kernel on get)" = 0000
# A DDW window capped below guest RAM (--ddw-max-size): Linux maps pages
# as it uses them, in the window, so mode user's H_PUT_TCE reaches pvmm
# with DDW on.
check "DDW capped at 256M, mode user: H_PUT_TCE reached pvmm during the transfer (dynamic mapping)" \
	test "$(tce_of user 256M put)" -gt 0
ddw_capped() {
	j=/tmp/bench/xfer-pvmm-user-256M-1.json
	[ "$(json_get "$j" 'phbs.*.tce.ddw.max_window_size')" = 268435456 ] &&
		[ "$(json_get "$j" 'phbs.*.tce.ddw.dynamic')" = true ]
}
check "DDW capped at 256M: pvmm's summary says so" ddw_capped
check "run-bench exited 0" test "$rc" = 0
exit $fail
