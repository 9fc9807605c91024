#!/bin/sh
# Scenario soak: the passthrough transfer SOAK_RUNS times in a row (default
# 3) in TCE mode SOAK_MODE (default kernel), SOAK_MB MiB each (default 16),
# with DDW SOAK_DDW (default off: every DMA mapping is a TCE hcall). For
# intermittent failures; not part of make test.
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
runs=${SOAK_RUNS:-3} mode=${SOAK_MODE:-kernel} mb=${SOAK_MB:-16} ddw=${SOAK_DDW:-off}
fail=0 ok=0
for i in $(seq 1 "$runs"); do
	if passthrough "soak-$i" "$mode" "$mb" --timeout "${SOAK_TIMEOUT:-300}" $(scenario_options) -- --ddw "$ddw"; then
		ok=$((ok + 1))
	else
		fail=1
	fi
done
echo "RESULT soak passed=$ok runs=$runs mode=$mode mb=$mb ddw=$ddw guest_args=${GUEST_ARGS:-none}"
exit $fail
