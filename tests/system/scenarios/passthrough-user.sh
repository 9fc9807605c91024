#!/bin/sh
# Scenario passthrough-user: the guest drives NIC A by VFIO passthrough
# with pvmm serving the TCE hcalls (mode user); see lib-passthrough.sh.
exec /pvmm/scenarios/lib-passthrough.sh user passthrough-user 32
