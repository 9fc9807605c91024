#!/bin/sh
# Scenario passthrough-kernel: as passthrough-user, with the VFIO group
# registered with KVM's in-kernel TCE acceleration (mode kernel): no TCE
# hcall may reach pvmm while the guest does DMA.
exec /pvmm/scenarios/lib-passthrough.sh kernel passthrough-kernel
