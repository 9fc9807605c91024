#!/bin/sh
# Scenario ddw: the transfer without dynamic DMA windows. passthrough-user
# and passthrough-kernel (and signals, in mode kernel's safe default) check
# that the guest maps all its RAM through a 64-bit window it creates with
# RTAS ibm,create-pe-dma-window; with --ddw off the same transfer goes
# through the 32-bit window, every mapping a TCE hcall (served by pvmm in
# mode user; in mode kernel's safe default KVM serves H_PUT_TCE and pvmm
# H_STUFF_TCE).
lib=/pvmm/scenarios/lib-passthrough.sh
fail=0
EXPECT_DDW=off $lib user ddw-off 8 --ddw off || fail=1
# Mode kernel's safe default with DDW off: what it costs a Linux guest (its
# H_STUFF_TCE, which KVM is not given, reach pvmm for every unmap).
EXPECT_DDW=off $lib kernel ddw-off-kernel 8 --ddw off || fail=1
exit $fail
