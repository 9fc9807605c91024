#!/bin/sh
# Scenario passthrough-kernel: as passthrough-user, with the VFIO group
# registered with KVM's in-kernel TCE acceleration (mode kernel): no TCE
# hcall may reach pvmm. The test guest is trusted, so KVM serves all four
# TCE hcalls (--trusted-guest); pvmm's safe default, which keeps
# H_PUT_TCE_INDIRECT and H_STUFF_TCE from KVM, is what the signals,
# group-reuse and ddw scenarios run.
TRUSTED_GUEST=on exec /pvmm/scenarios/lib-passthrough.sh kernel passthrough-kernel 32
