#!/bin/sh
# Scenario soak: the passthrough transfer SOAK_RUNS times in a row (default
# 3) in TCE mode SOAK_MODE (default kernel), SOAK_MB MiB each (default 16),
# with DDW SOAK_DDW (default off: every DMA mapping is a TCE hcall). For
# intermittent failures; not part of make test.
# SOAK_FUZZ=S instead runs the guest that fuzzes pvmm (lib-fuzz.sh) for S
# seconds in each mode of SOAK_MODES (default user:kernel) with SOAK_VCPUS
# vcpus (default 4), from SEED (default: the time), with the payload's
# weights SOAK_WEIGHTS (default xics:0, as make test), e.g. 30 minutes:
#   SCENARIO_ENV="SOAK_FUZZ=900" tests/system/run --timeout 3000 soak
. /pvmm/scenarios/lib-common.sh
. /pvmm/scenarios/lib-passthrough.sh
. /pvmm/scenarios/lib-fuzz.sh
known_host_warning "$KVM_BAR_SOFT_DIRTY_WARNING"
runs=${SOAK_RUNS:-3} mode=${SOAK_MODE:-kernel} mb=${SOAK_MB:-16} ddw=${SOAK_DDW:-off}
fail=0 ok=0
if [ -n "${SOAK_FUZZ:-}" ]; then
	seed=${SEED:-$(date +%s)} n=0
	for m in $(echo "${SOAK_MODES:-user:kernel}" | tr ':' ' '); do
		n=$((n + 1))
		if guest_fuzz "soak-fuzz-$m" "$m" "${SOAK_VCPUS:-4}" "$SOAK_FUZZ" "$seed" \
			"${SOAK_WEIGHTS:-xics:0}"; then
			ok=$((ok + 1))
		else
			fail=1
		fi
	done
	passthrough soak-fuzz-after kernel 1 --expect-ddw on || fail=1
	echo "RESULT soak fuzz passed=$ok runs=$n seconds=$SOAK_FUZZ seed=$seed"
	exit $fail
fi
for i in $(seq 1 "$runs"); do
	if passthrough "soak-$i" "$mode" "$mb" --timeout "${SOAK_TIMEOUT:-300}" $(scenario_options) -- --ddw "$ddw"; then
		ok=$((ok + 1))
	else
		fail=1
	fi
done
echo "RESULT soak passed=$ok runs=$runs mode=$mode mb=$mb ddw=$ddw guest_args=${GUEST_ARGS:-none}"
exit $fail
