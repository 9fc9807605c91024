#!/bin/sh
# Scenario ddw-off: DDW switched off (--ddw off): the guest has only the
# 32-bit window, so every DMA mapping of the transfer is a TCE hcall (served
# by pvmm in mode user). Not in make test: in the emulated host this
# per-packet TCE regime stalls intermittently (see README, Known problems).
EXPECT_DDW=off exec /pvmm/scenarios/lib-passthrough.sh user ddw-off 64 --ddw off
