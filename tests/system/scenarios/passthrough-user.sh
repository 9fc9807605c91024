#!/bin/sh
# Scenario passthrough-user: the guest drives NIC A by VFIO passthrough
# with pvmm serving the TCE hcalls (mode user); see lib-passthrough.sh. The
# guest maps all its RAM through a dynamic DMA window (DDW, on by default).
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
passthrough passthrough-user user 8 --expect-ddw on $(scenario_options)
