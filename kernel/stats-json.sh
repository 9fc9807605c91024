# Sourced by kernel/run-bench and the scenarios (lib-common.sh): pvmm's
# --stats-json read with busybox's tools only.

# hcall_count JSON NAME: how many NAME calls reached pvmm (its --stats-json).
hcall_count() {
	grep "\"name\": \"$2\"" "$1" 2>/dev/null | sed -n 's/.*"count": \([0-9]*\).*/\1/p' | head -n1
}

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
	grep -F "{\"label\": \"$2\", " "$1" 2>/dev/null | head -n1 | awk '{
		sub(/.*"calls": \{/, ""); sub(/\}\}.*/, "")
		n = split($0, part, /\], "/)
		for (i = 1; i <= n; i++) {
			p = part[i]; gsub(/^"|\]$/, "", p)
			split(p, kv, /": \[/); split(kv[2], cn, /, /)
			c = index(kv[1], ":")
			print substr(kv[1], 1, c - 1), substr(kv[1], c + 1), cn[1], cn[2]
		}
	}'
}

# mark_has JSON LABEL: pvmm took that mark.
mark_has() { grep -qF "{\"label\": \"$2\", " "$1" 2>/dev/null; }

# mark_field JSON LABEL FIELD: a number of the mark (ns, exits_total).
mark_field() {
	grep -F "{\"label\": \"$2\", " "$1" 2>/dev/null | head -n1 |
		sed -n "s/.*\"$3\": \([0-9]*\).*/\1/p"
}

# mark_delta JSON FROM TO KIND NAME: how many KIND NAME calls reached pvmm
# between the two marks.
mark_delta() {
	local from to
	from=$(mark_calls "$1" "$2" | awk -v k="$4" -v n="$5" '$1 == k && $2 == n {print $3}')
	to=$(mark_calls "$1" "$3" | awk -v k="$4" -v n="$5" '$1 == k && $2 == n {print $3}')
	echo $(( ${to:-0} - ${from:-0} ))
}
