#!/bin/sh
# Scenario passthrough-intx: the guest boots with pci=nomsi, so e1000e falls
# back to the legacy INTx line: pvmm offers it (interrupt-map to a level
# XICS source). With KVM_CAP_IRQFD_RESAMPLE the VFIO INTx eventfd goes into
# KVM_IRQFD with resample (KVM unmasks the line at the guest's EOI); without
# it (this emulated host: 6.12, XICS on XIVE) pvmm asserts the line itself
# and ends each interrupt 1 ms later. The transfer must pass as with MSI,
# and the guest's kernel must not oops (check_link).
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
passthrough passthrough-intx kernel 16 --guest-args pci=nomsi --expect-irq intx $(scenario_options)
