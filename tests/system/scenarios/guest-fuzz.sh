#!/bin/sh
# Scenario guest-fuzz (make test): a guest that fuzzes pvmm
# (firmware/guest-fuzz.bin, issue 27) with NIC A passed through and DDW
# on: from every vcpu, random but structured hcalls, RTAS calls (buffers
# anywhere), PCI config accesses, MMIO, TCE hcalls, DDW, MSI, XICS RTAS
# and cpu calls, each answer checked against what PAPR allows (lib-fuzz.sh
# has the run and its checks). By default two fixed seeds, 2 vcpus, 35 s
# each, in mode user and in mode kernel (the safe default; the trust
# switches are left out: README, "Known in mode kernel"), without the XICS
# hcalls (kind xics: KVM's alone, and on the emulated POWER9 host they make
# KVM hand later hcalls a wrong r4: README, Fuzzing); then the same groups
# must serve a Linux guest's transfer. SCENARIO_ENV, read here only:
#   SEED=N[:N...]      the seeds (default 27:2701)
#   FUZZ_SECONDS=S     each run's length (default 35)
#   FUZZ_VCPUS=N       vcpus (default 2)
#   FUZZ_MODES=m[:m]   TCE modes (default user:kernel)
#   FUZZ_WEIGHTS=k:w,... the payload's weights (gf.w=; default xics:0)
#   FUZZ_AFTER=none    no transfer after (default: 1 MiB, mode kernel)
#   FUZZ_TRACE=1       the payload names every call before it makes it
# A failure prints the payload's seed, failing call and last calls of
# every vcpu, and how to replay it (make fuzz-guest SEED=...).
fail=0
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
. /pvmm/scenarios/lib-fuzz.sh
known_host_warning "$KVM_BAR_SOFT_DIRTY_WARNING"

seeds=$(echo "${SEED:-27:2701}" | tr ':' ' ')
secs=${FUZZ_SECONDS:-35} vcpus=${FUZZ_VCPUS:-2} modes=$(echo "${FUZZ_MODES:-user:kernel}" | tr ':' ' ')
weights=${FUZZ_WEIGHTS:-xics:0} after=${FUZZ_AFTER:-net} trace=${FUZZ_TRACE:-0}

for mode in $modes; do
	for seed in $seeds; do
		guest_fuzz "fuzz-$mode-$seed" "$mode" "$vcpus" "$secs" "$seed" "$weights" "$trace" || fail=1
	done
done
if [ "$after" != none ]; then
	passthrough fuzz-after kernel 1 --expect-ddw on || fail=1
fi
exit $fail
