#!/bin/sh
# Scenario run (what `make run` shows): pvmm boots the default guest
# (configs/default.ini) with NIC A passed through (TCE mode auto), the guest
# pings the emulated host and sends it 64 MiB; the console and pvmm's exit
# summary are shown, and the result is checked like passthrough-user's.
echo "RESULT run config=$PVMM_CONFIGS/default.ini pci=$NIC_A_BDF"
exec /pvmm/scenarios/lib-passthrough.sh auto run 64 --config "$PVMM_CONFIGS/default.ini"
