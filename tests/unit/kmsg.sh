#!/bin/bash
# Unit test of tests/system/scenarios/lib-kmsg.sh's kmsg_bad, which decides
# whether a scenario's host kernel warned: under dash and bash here, and
# under the emulated host's own busybox (its sh, awk and grep) through
# qemu-user when build/cache has it. Prints "N passed, M failed" last and
# exits 1 on any failure.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIB=$ROOT/tests/system/scenarios/lib-kmsg.sh
BUSYBOX=$ROOT/build/cache/busybox/bin/busybox
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0

# A copy of /dev/kmsg: a warning before the mark, the mark, a KVM warning
# with a continuation line, a second mark, a BUG.
printf '%s\n' \
	'4,99,500000,-;WARNING: CPU: 1 PID: 1 at old/thing.c:1 old+0x0' \
	'12,100,600000,-;pvmm: scenario a begins' \
	'6,101,1000000,-,caller=T346;pci 0000:01     : [PE# 1fd] Setting up window#1' \
	'4,102,17242093,-,caller=T346;WARNING: CPU: 0 PID: 346 at arch/powerpc/kvm/book3s_64_mmu_radix.c:771 kvmppc_create_pte+0xa34/0xa58 [kvm_hv]' \
	' SUBSYSTEM=pci' \
	'12,103,17300000,-;pvmm: fuzz run x begins' \
	'4,104,17400000,-;BUG: Bad page state in process pvmm' > "$dir/kmsg"
echo 'book3s_64_mmu_radix\.c:771 kvmppc_create_pte' > "$dir/known"

# expect SHELL WHAT GOT WANT
expect() {
	if [ "$3" = "$4" ]; then
		passed=$((passed + 1)); echo "ok   [$1] $2"
	else
		failed=$((failed + 1)); echo "FAIL [$1] $2: got '$3', want '$4'"
	fi
}

# bad SHELL... -- ARGS: kmsg_bad ARGS in that shell, lines joined by '|'
bad() {
	local sh=()
	while [ "$1" != -- ]; do sh+=("$1"); shift; done
	shift
	"${sh[@]}" -c '. "$0"; kmsg_bad "$@"' "$LIB" "$@" | tr '\n' '|' | sed 's/|$//'
}

run_cases() {
	local name=$1; shift
	expect "$name" "every warning after the mark" "$(bad "$@" -- "$dir/kmsg" 'pvmm: scenario a begins')" \
		'WARNING: CPU: 0 PID: 346 at arch/powerpc/kvm/book3s_64_mmu_radix.c:771 kvmppc_create_pte+0xa34/0xa58 [kvm_hv]|BUG: Bad page state in process pvmm'
	expect "$name" "a known one dropped, the BUG kept" \
		"$(bad "$@" -- "$dir/kmsg" 'pvmm: scenario a begins' "$dir/known")" 'BUG: Bad page state in process pvmm'
	expect "$name" "counted from the mark's last line" \
		"$(bad "$@" -- "$dir/kmsg" 'pvmm: fuzz run x begins' "$dir/known")" 'BUG: Bad page state in process pvmm'
	expect "$name" "no mark: a failure, not silence" \
		"$(bad "$@" -- "$dir/kmsg" 'pvmm: scenario b begins' "$dir/known")" \
		"kmsg: no line \"pvmm: scenario b begins\" in $dir/kmsg"
	expect "$name" "no copy: a failure, not silence" \
		"$(bad "$@" -- "$dir/none" 'pvmm: scenario a begins')" \
		"kmsg: no line \"pvmm: scenario a begins\": no file $dir/none"
	expect "$name" "an empty known pattern refused, nothing dropped" \
		"$(rm -f "$dir/k2"; "$@" -c '. "$0"; KNOWN_HOST_WARNINGS=$1; known_host_warning "" 2>/dev/null; echo "rc=$?"; kmsg_bad "$2" "$3" "$1"' \
			"$LIB" "$dir/k2" "$dir/kmsg" 'pvmm: fuzz run x begins' | tr '\n' '|' | sed 's/|$//')" \
		'rc=1|BUG: Bad page state in process pvmm'
	expect "$name" "an empty known list drops nothing" \
		"$(: > "$dir/empty"; bad "$@" -- "$dir/kmsg" 'pvmm: fuzz run x begins' "$dir/empty")" \
		'BUG: Bad page state in process pvmm'
}

run_cases dash sh
run_cases bash bash
if [ -x "$BUSYBOX" ]; then
	case $(uname -m) in
	ppc64le) run_cases busybox "$BUSYBOX" sh ;;
	*) run_cases busybox qemu-ppc64le-static "$BUSYBOX" sh ;;
	esac
else
	echo "(no $BUSYBOX: the busybox cases need make setup)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
