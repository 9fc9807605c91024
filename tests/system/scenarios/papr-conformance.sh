#!/bin/sh
# Scenario papr-conformance: the papr-conformance payload checks, from inside
# the guest, the platform details guests written for QEMU's pseries rely on
# (firmware/payload/papr-conformance.c): console terminal 0, the root
# compatible, /hypervisor, H_SET_SPRG0, H_PAGE_INIT, H_RANDOM where offered.
# Two runs, no passthrough device:
#   raw  --payload, 1 vcpu, no -p: no arguments at all (the default command
#        line is for Linux kernels only), entered little-endian.
#   elf  the same program as an ELF that is not Linux (-k, --kernel-addr 0
#        since it is linked at 0), 2 vcpus, --rtc-base: pvmm says what it
#        did with the image, enters it big-endian, the time of day starts at
#        the base, and the second cpu comes in big-endian from start-cpu.
#   smt  raw, 2 vcpus with --threads 2: one core of two threads in the device
#        tree, thread 1 started big-endian; where KVM does not offer SMT2
#        (KVM_CAP_PPC_SMT_POSSIBLE) pvmm must refuse in one clear line, exit 1.
# Every case must pass and pvmm must exit 0 after the payload's power-off.
fail=0
. /pvmm/scenarios/lib-common.sh
BASE=2006-06-17T16:01:21

run_payload() {	# NAME ARGS...: run pvmm, output in /tmp/papr-NAME.out
	name=$1
	shift
	( timeout 120 "$PVMM" run -m 256 "$@" </dev/null 2>&1
	  echo $? > /tmp/papr-$name.rc ) | tee /tmp/papr-$name.out | sed "s/^/L2[$name]| /"
	out=/tmp/papr-$name.out
	echo "RESULT papr-conformance run=$name cases=$(grep -c '^PAPR .* \(PASS\|FAIL\)' $out)" \
		"failed=$(grep -c '^PAPR .* FAIL' $out) exit=$(cat /tmp/papr-$name.rc)"
	check "$name: payload ran to the end, no case failed" grep -q "^PAPR-DONE pass=[0-9]* fail=0" $out
	check "$name: termno 0 reached the console" grep -q "^PAPR termno0-output PASS" $out
	check "$name: root compatible, pvmm's first" grep -q "^PAPR root-compatible-pvmm-first PASS" $out
	check "$name: root compatible has qemu,pseries" grep -q "^PAPR root-compatible-qemu-pseries PASS" $out
	check "$name: /hypervisor is linux,kvm" grep -q "^PAPR hypervisor-linux-kvm PASS" $out
	check "$name: H_SET_SPRG0 read back" grep -q "^PAPR set-sprg0 PASS" $out
	check "$name: H_PAGE_INIT zero and copy" grep -q "^PAPR page-init-copy PASS" $out
	check "$name: H_PAGE_INIT refusals" grep -q "^PAPR page-init-src-past-ram PASS" $out
	check "$name: H_RANDOM as offered" grep -q "^PAPR h-random-.* PASS" $out
	check "$name: pvmm exit 0" test "$(cat /tmp/papr-$name.rc)" = 0
	echo "RESULT papr-conformance run=$name h_random=$(sed -n 's/^PAPR h-random-\([a-z-]*\) .*/\1/p' $out)"
}

run_payload raw --payload "$PVMM_FIRMWARE/papr-conformance.bin" -c 1
check "raw: no arguments without -p" grep -q "^PAPR empty-args PASS" /tmp/papr-raw.out
check "raw: entered little-endian" grep -q "^PAPR boot-entry INFO big-endian=0" /tmp/papr-raw.out
check "raw: pvmm said it loaded a raw payload" grep -q "papr-conformance.bin: raw payload" /tmp/papr-raw.out

run_payload elf -k "$PVMM_FIRMWARE/papr-conformance.elf" --kernel-addr 0 -c 2 \
	--rtc-base $BASE -p "papr.rtc=$BASE"
check "elf: pvmm said it is an ELF that is not Linux" grep -q "papr-conformance.elf: ELF image, not Linux" /tmp/papr-elf.out
check "elf: entered big-endian" grep -q "^PAPR boot-entry INFO big-endian=1" /tmp/papr-elf.out
check "elf: time of day started at --rtc-base $BASE" grep -q "^PAPR rtc-base PASS" /tmp/papr-elf.out
check "elf: secondary started" grep -q "^PAPR secondary-started PASS" /tmp/papr-elf.out
check "elf: secondary came in big-endian" grep -q "^PAPR secondary-big-endian PASS" /tmp/papr-elf.out
# --threads 2: the topology, or KVM's refusal, said clearly.
( timeout 120 "$PVMM" run -m 256 --payload "$PVMM_FIRMWARE/papr-conformance.bin" -c 2 --threads 2 \
	-p "papr.threads=2" </dev/null 2>&1; echo $? > /tmp/papr-smt.rc ) | tee /tmp/papr-smt.out | sed "s/^/L2[smt]| /"
rc=$(cat /tmp/papr-smt.rc)
if grep -q "does not offer that SMT mode" /tmp/papr-smt.out; then
	echo "RESULT papr-conformance run=smt refused exit=$rc"
	check "smt: KVM has no SMT2: pvmm refused, exit 1" test "$rc" = 1
	check "smt: the refusal names KVM_CAP_PPC_SMT_POSSIBLE" grep -q "KVM_CAP_PPC_SMT_POSSIBLE" /tmp/papr-smt.out
else
	echo "RESULT papr-conformance run=smt $(sed -n 's/^PAPR topology INFO //p' /tmp/papr-smt.out | tr -d '\r') exit=$rc"
	check "smt: payload ran to the end, no case failed" grep -q "^PAPR-DONE pass=[0-9]* fail=0" /tmp/papr-smt.out
	check "smt: one core of two threads" grep -q "^PAPR smt-topology PASS" /tmp/papr-smt.out
	check "smt: thread 1 came in big-endian" grep -q "^PAPR secondary-big-endian PASS" /tmp/papr-smt.out
	check "smt: pvmm exit 0" test "$rc" = 0
fi
exit $fail
