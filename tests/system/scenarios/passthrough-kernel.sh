#!/bin/sh
# Scenario passthrough-kernel: as passthrough-user, with the VFIO group
# registered with KVM's in-kernel TCE acceleration (mode kernel): no TCE
# hcall may reach pvmm. The test guest is trusted, so KVM serves all four
# TCE hcalls (--trusted-guest); pvmm's safe default, which keeps
# H_PUT_TCE_INDIRECT and H_STUFF_TCE from KVM, is what the signals,
# group-reuse and ddw scenarios run. The guest maps all its RAM through a
# dynamic DMA window, whose KVM table holds every mapping.
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
passthrough passthrough-kernel kernel 8 --expect-ddw on --trusted-guest $(scenario_options)
