#!/bin/sh
# Scenario ddw: the transfer without dynamic DMA windows. passthrough-user
# and passthrough-kernel (and signals, in mode kernel's safe default) check
# that the guest maps all its RAM through a 64-bit window it creates with
# RTAS ibm,create-pe-dma-window; with --ddw off the same transfer goes
# through the 32-bit window, every mapping a TCE hcall (served by pvmm in
# mode user; in mode kernel's safe default KVM serves H_PUT_TCE and pvmm
# H_STUFF_TCE).
fail=0
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
passthrough ddw-off user 8 --expect-ddw off $(scenario_options) -- --ddw off || fail=1
# Mode kernel's safe default with DDW off: what it costs a Linux guest (its
# H_STUFF_TCE, which KVM is not given, reach pvmm for every unmap).
passthrough ddw-off-kernel kernel 8 --expect-ddw off $(scenario_options) -- --ddw off || fail=1
exit $fail
