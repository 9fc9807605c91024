# Sourced by kernel/run-bench and the scenarios (lib-common.sh): pvmm's
# --stats-json read with jsonq (kernel/guest-tools/jsonq.h: a JSON parser
# with a path query), which make builds beside pvmm (build/jsonq) and the
# emulated host has in /pvmm/bin.
for JSONQ in "${here:-/pvmm/bin}/jsonq" "${here:-/pvmm/bin}/../build/jsonq" /pvmm/bin/jsonq; do
	[ -x "$JSONQ" ] && break
done

# json_get JSON PATH [FIELD...]: what jsonq prints (nothing if the path
# selects nothing or the file is not JSON).
json_get() { "$JSONQ" "$@" 2>/dev/null; }

# hcall_count JSON NAME: how many NAME calls reached pvmm (its --stats-json).
hcall_count() { json_get "$1" "calls[name=$2].count"; }

# tce_exit_total JSON: the TCE hcalls that reached pvmm, all four kinds.
tce_exit_total() {
	for h in H_PUT_TCE H_PUT_TCE_INDIRECT H_STUFF_TCE H_GET_TCE; do
		hcall_count "$1" "$h"
	done | awk '{s += $1} END {print s + 0}'
}

# mark_calls JSON LABEL: the calls that had reached pvmm when the guest
# printed "PVMM-MARK LABEL" (its --stats-json "marks"), one line each:
# KIND NAME COUNT TOTAL_NS. Nothing if there is no such mark.
mark_calls() {
	json_get -k "$1" "marks[label=$2].calls.*" 0 1 |
		awk '{c = index($1, ":"); print substr($1, 1, c - 1), substr($1, c + 1), $2, $3}'
}

# mark_has JSON LABEL: pvmm took that mark.
mark_has() { json_get "$1" "marks[label=$2].label" > /dev/null; }

# mark_field JSON LABEL FIELD: a number of the mark (ns, exits_total).
mark_field() { json_get "$1" "marks[label=$2].$3"; }

# mark_delta JSON FROM TO KIND NAME: how many KIND NAME calls reached pvmm
# between the two marks.
mark_delta() {
	local from to
	from=$(mark_calls "$1" "$2" | awk -v k="$4" -v n="$5" '$1 == k && $2 == n {print $3}')
	to=$(mark_calls "$1" "$3" | awk -v k="$4" -v n="$5" '$1 == k && $2 == n {print $3}')
	echo $(( ${to:-0} - ${from:-0} ))
}

# tce_all_inside_ram JSON: pvmm reported guest PHBs, and every one of their
# tables' entries (each window's too) points inside guest RAM.
tce_all_inside_ram() {
	local v
	v=$( { json_get "$1" "phbs.*.tce.all_inside_ram"; json_get "$1" "phbs.*.tce.windows.*.all_inside_ram"; } | sort -u)
	[ "$v" = true ]
}
