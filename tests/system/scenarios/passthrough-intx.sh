#!/bin/sh
# Scenario passthrough-intx: the guest boots with pci=nomsi, so e1000e falls
# back to the legacy INTx line: pvmm offers it (interrupt-map to a level
# XICS source, VFIO INTx eventfd into KVM_IRQFD with resample so the line is
# unmasked at the guest's EOI). The transfer must pass as with MSI-X.
# Needs KVM_CAP_IRQFD_RESAMPLE: the emulated POWER9 host's KVM (6.12, XICS
# on XIVE) lacks it, pvmm then offers no INTx and this scenario fails, so it
# is not in make test.
GUEST_ARGS="pci=nomsi ${GUEST_ARGS:-}" EXPECT_IRQ=intx \
	exec /pvmm/scenarios/lib-passthrough.sh kernel passthrough-intx 16
