# Sourced by the scenarios: what more than one of them needs.

# check DESCRIPTION COMMAND...: one CHECK line; a failure sets fail=1.
check() { d=$1; shift; if "$@"; then echo "CHECK ok   $d"; else echo "CHECK FAIL $d"; fail=1; fi; }

# The peer (QEMU with KVM in the emulated host): the machine options this
# KVM accepts (../shared/testbed.md, 'The peer'); add x-vof=on for VOF.
# PEER_IRQCHIP=off puts QEMU's interrupt controller in userspace.
PEER_QEMU_M="pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off,cap-hpt-max-page-size=4096,ic-mode=xics"
[ -n "${PEER_IRQCHIP:-}" ] && PEER_QEMU_M="$PEER_QEMU_M,kernel-irqchip=$PEER_IRQCHIP"

# hcall_count JSON NAME: how many NAME calls reached pvmm (its --stats-json).
hcall_count() {
	grep "\"name\": \"$2\"" "$1" 2>/dev/null | sed -n 's/.*"count": \([0-9]*\).*/\1/p' | head -n1
}

# tce_exit_total JSON: the TCE hcalls that reached pvmm, all four kinds.
tce_exit_total() {
	for h in H_PUT_TCE H_PUT_TCE_INDIRECT H_STUFF_TCE H_GET_TCE; do
		hcall_count "$1" "$h"
	done | awk '{s += $1} END {print s + 0}'
}
