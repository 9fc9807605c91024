#!/bin/bash
# The error corpus: every bad configuration or image must make pvmm print
# exactly ONE line on stderr that names the file (or "command line"), the
# key where there is one, and the reason, and exit with status 1.
# On x86 pvmm runs under qemu-user: these errors all come before /dev/kvm.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PVMM=${PVMM:-$ROOT/vmm/pvmm}
RUN=()
[ "$(uname -m)" = ppc64le ] || RUN=(qemu-ppc64le-static)
KERNEL=${KERNEL:-$(ls "$ROOT"/build/cache/kernel/boot/vmlinux-* 2>/dev/null | head -n1)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# case NAME REGEX ARGS...: expect status 1 and one stderr line matching REGEX
case_err() {
	local name=$1 re=$2 out rc lines
	shift 2
	out=$("${RUN[@]}" "$PVMM" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	lines=$(printf '%s' "$out" | grep -c '')
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && [[ $out =~ $re ]]; then
		pass=$((pass + 1))
		echo "ok   $name: $out"
	else
		fail=$((fail + 1))
		echo "FAIL $name: status $rc, $lines line(s), want /$re/:"
		printf '%s\n' "$out" | sed 's/^/     | /'
	fi
}

ini() { printf '%b' "$2" > "$T/$1"; echo "$T/$1"; }

# --- configuration files ---
case_err missing-config "$T/nope.ini: cannot open" run --config "$T/nope.ini"
case_err unknown-section "bad1.ini: disk: unknown section" run --config "$(ini bad1.ini '[vm]\nkernel = /k\n[disk]\nfile = x\n')"
case_err unknown-key "bad2.ini: vm:memroy: unknown key" run --config "$(ini bad2.ini '[vm]\nmemroy = 512\n')"
case_err key-outside-section "bad3.ini: :memory: unknown key" run --config "$(ini bad3.ini 'memory = 512\n[vm]\n')"
case_err memory-not-number "bad4.ini: vm:memory: not a size" run --config "$(ini bad4.ini '[vm]\nmemory = lots\n')"
case_err memory-too-small "bad5.ini: vm:memory: 1M is outside" run --config "$(ini bad5.ini '[vm]\nmemory = 1M\n')"
case_err memory-too-big "bad6.ini: vm:memory: 4096G is outside" run --config "$(ini bad6.ini '[vm]\nmemory = 4096G\n')"
case_err memory-unaligned "bad7.ini: vm:memory: 100001K is not a multiple" run --config "$(ini bad7.ini '[vm]\nmemory = 100001K\n')"
case_err vcpus-zero "bad8.ini: vm:vcpus: not a vcpu count" run --config "$(ini bad8.ini '[vm]\nvcpus = 0\n')"
case_err vcpus-huge "bad9.ini: vm:vcpus: not a vcpu count" run --config "$(ini bad9.ini '[vm]\nvcpus = 1000\n')"
case_err console-bad "bad10.ini: vm:console: expected stdio or none" run --config "$(ini bad10.ini '[vm]\nconsole = serial\n')"
case_err tce-bad "bad11.ini: pci:tce: expected kernel, user or auto" run --config "$(ini bad11.ini '[pci]\ntce = fast\n')"
case_err pci-host-bad "bad12.ini: pci:host: not a PCI address" run --config "$(ini bad12.ini '[pci]\nhost = 01:00.0\n')"
case_err ddw-max-size-bad "dms.ini: pci:ddw_max_size: 3M is not a power of two" run --config "$(ini dms.ini '[pci]\nddw_max_size = 3M\n')"
case_err cli-ddw-max-size "command line: pci:ddw_max_size: not a size" run -k /k --ddw-max-size lots
case_err ddw-bad "bad13.ini: pci:ddw: expected on or off" run --config "$(ini bad13.ini '[pci]\nddw = maybe\n')"
case_err syntax-error "bad14.ini: syntax error at line 1: \\[vm" run --config "$(ini bad14.ini '[vm\nmemory = 512\n')"
case_err no-kernel "good.ini: vm:kernel: no kernel or payload" run --config "$(ini good.ini '[vm]\nmemory = 512\n')"
case_err pci-duplicate "command line: --pci 2: 0000:01:00.0 is given twice" run -k /k --pci 0000:01:00.0 --pci 0000:01:00.0
case_err pci-phb-bad "command line: pci:host: expected BDF or BDF,phb=N" run -k /k --pci 0000:01:00.0,phb=9
case_err pci-section-dup "dup.ini: pci.b: 0000:01:00.0 is given twice" run --config "$(ini dup.ini '[vm]\nkernel = /k\n[pci]\nhost = 0000:01:00.0\n[pci.b]\nhost = 0000:01:00.0\n')"
case_err phb-section-bad "phb.ini: phb.1:tce: expected kernel, user or auto" run --config "$(ini phb.ini '[phb.1]\ntce = fast\n')"
case_err phb-coalesce-bad "phbc.ini: phb.1:user_coalesce: expected on or off" run --config "$(ini phbc.ini '[phb.1]\nuser_coalesce = fast\n')"
case_err pci-section-no-host "nohost.ini: pci.c: no host = BDF" run --config "$(ini nohost.ini '[vm]\nkernel = /k\n[pci.c]\nphb = 1\n')"
case_err rtc-base-bad "rtc.ini: vm:rtc_base: expected utc, localtime or a date" run --config "$(ini rtc.ini '[vm]\nkernel = /k\nrtc_base = 2006-02-30\n')"
case_err tce-without-pci "tce.ini: pci:tce: a TCE mode needs a passthrough device" run --config "$(ini tce.ini '[vm]\nkernel = /k\n[pci]\ntce = user\n')"
# --- command line ---
case_err cli-memory "command line: vm:memory: not a size" run -k /k -m 12x
case_err cli-rtc-base "command line: vm:rtc_base: expected utc, localtime or a date" run -k /k --rtc-base tomorrow
case_err cli-kernel-addr "command line: vm:kernel_addr: not a guest address" run -k /k --kernel-addr nowhere
case_err cli-kernel-addr-payload "command line: vm:kernel_addr: a raw payload is loaded at 0" run --payload /p --kernel-addr 0x400000
case_err cli-threads "command line: vm:threads: not a thread count per core" run -k /k --threads 3
case_err cli-threads-cores "command line: vm:threads: 3 vcpus do not make whole cores of 2 threads" run -k /k -c 3 --threads 2
case_err threads-bad "thr.ini: vm:threads: not a thread count per core" run --config "$(ini thr.ini '[vm]\nkernel = /k\nthreads = many\n')"
case_err cli-cpus "command line: vm:vcpus: not a vcpu count" run -k /k -c -1
case_err cli-user-coalesce "command line: pci:user_coalesce: expected on or off" run -k /k --user-coalesce maybe
case_err cli-pin-before-boot "command line: vm:pin_before_boot: expected on or off" run -k /k --pin-before-boot later
case_err cli-extra-arg "command line: unexpected argument \"extra\"" run -k /k extra
case_err cli-kernel-and-payload "command line: vm:payload: give a kernel or a payload" run -k /k --payload /p
# --- managed devices (--bind, pvmm unbind) ---
case_err bind-without-pci "command line: pci:bind: binding needs a passthrough device" run -k /k --bind
case_err bind-ini-bad "bind.ini: pci:bind: expected on or off" run --config "$(ini bind.ini '[pci]\nbind = maybe\n')"
case_err force-without-bind "command line: pci:bind_force: forces --bind, which is off" run -k /k --pci 0000:01:00.0 --force
case_err bind-no-device "0000:7f:1f.7: no such PCI device \(/sys/bus/pci/devices/0000:7f:1f.7\)" run -k /k --pci 0000:7f:1f.7 --bind
case_err unbind-bad-bdf "command line: unbind: not a PCI address like 0000:01:00.0: \"01:00.0\"" unbind 01:00.0
case_err unbind-no-bdf "unbind: name the device" unbind
case_err unbind-nothing "0000:7f:1f.7: nothing to give back: no record /run/pvmm/bind/0000:7f:1f.7" unbind 0000:7f:1f.7
# --- images ---
case_err kernel-missing "$T/none: cannot read kernel: No such file" run -k "$T/none"
printf 'hello, I am not a kernel\n' > "$T/text"
case_err kernel-not-elf "$T/text: bad kernel image: not an ELF file" run -k "$T/text"
cp /bin/true "$T/x86"
case_err kernel-not-ppc64 "$T/x86: bad kernel image: not a ppc64 image" run -k "$T/x86"
if [ -n "$KERNEL" ]; then
	head -c 4096 "$KERNEL" > "$T/trunc"
	case_err kernel-truncated "$T/trunc: bad kernel image: truncated" run -k "$T/trunc"
	truncate -s 300M "$T/huge-initrd"
	case_err initrd-larger-than-ram "$T/huge-initrd: initrd is larger than guest RAM" run -k "$KERNEL" -i "$T/huge-initrd" -m 256
	truncate -s 230M "$T/big-initrd"
	case_err initrd-does-not-fit "$T/big-initrd: initrd .* does not fit" run -k "$KERNEL" -i "$T/big-initrd" -m 256
	case_err initrd-missing "$T/none: cannot read initrd" run -k "$KERNEL" -i "$T/none"
else
	echo "skip: no kernel in build/cache (run kernel/setup.sh)"; fail=$((fail + 1))
fi

# The POWER host's scripts (make run / make bench natively) check their
# options the same way before they start anything: one line, status 1.
# case_script NAME REGEX SCRIPT ARGS...
case_script() {
	local name=$1 re=$2 script=$3 run=("${RUN[@]}") pvmm=$PVMM
	shift 3
	RUN=(sh) PVMM=$ROOT/kernel/$script
	case_err "$name" "$re" "$@"
	RUN=("${run[@]}") PVMM=$pvmm
}
export PVMM_FIRMWARE=$T GUEST_KERNEL=$T/none GUEST_INITRD=$T/none
case_script bench-no-device "^run-bench: --pci: which device to benchmark" run-bench
case_script bench-not-a-number "^run-bench: --n, --repeat, .* take numbers" run-bench --pci 0000:01:00.0 --mb lots
case_script bench-unknown-option "^run-bench: unknown option --fast" run-bench --fast
case_script bench-option-without-value "^run-bench: --peer needs a value" run-bench --pci 0000:01:00.0 --peer
case_script bench-no-payload "^run-bench: $T/tcebench.bin: no TCE payload" run-bench --pci 0000:01:00.0
case_script guest-no-kernel "^run-guest: GUEST_KERNEL: no readable guest kernel \\($T/none\\)" run-guest
: > "$T/image"
if [ "$(id -u)" = 0 ]; then	# run-guest checks for root first
	GUEST_KERNEL=$T/image GUEST_INITRD=$T/image case_script guest-receive-elsewhere \
		"^run-guest: --receive: 203.0.113.9 is not an address of this host" \
		run-guest --pci 0000:01:00.0 --peer 203.0.113.9 --receive
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
