#!/bin/bash
# tests/fuzz/run.sh SECONDS fuzzer...: run each fuzzer on a fresh copy of its
# seed corpus; any crash, leak or UB report (non-zero status) fails.
set -uo pipefail
secs=$1; shift
fail=0
for f in "$@"; do
	work=build/fuzz/corpus/$f
	rm -rf "$work" && mkdir -p "$work" build/fuzz/artifacts
	cp tests/fuzz/corpus/"$f"/* "$work"/ 2>/dev/null || true
	extra=
	[ "$f" = tce_threads ] && extra=-use_value_profile=1	# no edge counters (fuzz.mk)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 TSAN_OPTIONS=halt_on_error=1:report_signal_unsafe=0 \
		build/fuzz/fuzz_"$f" $extra -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-artifact_prefix=build/fuzz/artifacts/"$f"- "$work" > build/fuzz/"$f".log 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build/fuzz/"$f".log)
	if [ $rc -eq 0 ]; then
		echo "fuzz $f: ok, ${runs:-?} runs in ${secs}s"
	else
		echo "fuzz $f: FAILED (status $rc), see build/fuzz/$f.log:"
		grep -E "ERROR|WARNING: ThreadSanitizer|oracle:|runtime error|SUMMARY|Test unit written" build/fuzz/"$f".log | head -n 10
		fail=1
	fi
done
exit $fail
