#!/bin/sh
# Scenario passthrough-kernel: as passthrough-user, with the VFIO group
# registered with KVM's in-kernel TCE acceleration (mode kernel): no TCE
# hcall may reach pvmm. The test guest is trusted, so KVM serves all four
# TCE hcalls (--kvm-stuff-tce on); pvmm's safe default, which keeps
# H_STUFF_TCE from KVM, is what the signals, group-reuse and ddw
# scenarios run.
KVM_STUFF_TCE=on exec /pvmm/scenarios/lib-passthrough.sh kernel passthrough-kernel
