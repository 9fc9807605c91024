#!/bin/sh
# Scenario ddw: dynamic DMA windows. In both TCE modes the guest creates a
# 64-bit window over all its RAM (direct DMA) through RTAS
# ibm,create-pe-dma-window and sends 64 MiB through it; with --ddw off the
# same transfer goes through the 32-bit window, every mapping a TCE hcall
# (served by pvmm in mode user).
lib=/pvmm/scenarios/lib-passthrough.sh
fail=0
EXPECT_DDW=on $lib user ddw-user 64 || fail=1
EXPECT_DDW=on $lib kernel ddw-kernel 64 || fail=1
EXPECT_DDW=off $lib user ddw-off 64 --ddw off || fail=1
exit $fail
