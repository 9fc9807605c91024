# pvmm: a tiny PPC64 pseries VMM for KVM-HV with VFIO passthrough.
#   make          cross-build vmm/pvmm (static ppc64le) on x86, native on ppc64le
#   make test     everything CI runs: unit tests (native + qemu-user), system scenarios
#   make run      the main job: boot the emulated POWER host, run pvmm, boot the guest
# Every target that needs tools first runs kernel/setup.sh (idempotent, fast when done).

HOST_ARCH := $(shell uname -m)
CACHE     := build/cache
SYSROOT   := $(CACHE)/sysroot

ifeq ($(HOST_ARCH),ppc64le)
CROSS_CC  ?= gcc
CROSS_CFLAGS_SYS :=
CROSS_LDFLAGS_SYS :=
RUN_PPC   :=
CROSS_OBJCOPY ?= objcopy
CROSS_AS ?= as
else
CROSS_CC  ?= powerpc64le-linux-gnu-gcc
CROSS_CFLAGS_SYS := -I$(SYSROOT)/usr/include -I$(SYSROOT)/usr/include/iniparser
CROSS_LDFLAGS_SYS := -L$(SYSROOT)/usr/lib/powerpc64le-linux-gnu
RUN_PPC   := qemu-ppc64le-static
CROSS_OBJCOPY ?= powerpc64le-linux-gnu-objcopy
CROSS_AS ?= powerpc64le-linux-gnu-as
endif

WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CSTD      := -std=c11 -D_GNU_SOURCE
OPT       := -O2 -g
VMM_INC   := -Ivmm/include
CFLAGS_PPC := $(CSTD) $(OPT) $(WARN) $(VMM_INC) $(CROSS_CFLAGS_SYS)
CFLAGS_NAT := $(CSTD) $(OPT) $(WARN) $(VMM_INC) -I/usr/include/iniparser

# Pure modules: no ioctls, unit-tested natively and under qemu-user.
# The pure modules (no ioctls): unit-tested and fuzzed natively, one list for both.
PURE_SRC  := vmm/config.c vmm/fdt.c vmm/guest_mem.c vmm/id_pool.c vmm/json.c vmm/loader.c \
	vmm/ratelimit.c vmm/report.c vmm/stats.c vmm/steps.c vmm/util.c vmm/vm.c \
	vmm/papr/spapr_hcall.c vmm/papr/spapr_rtas.c vmm/papr/spapr_cpu_decode.c \
	vmm/papr/console.c vmm/papr/tce.c vmm/papr/spapr_tce_hcall.c vmm/papr/dma_policy.c \
	vmm/papr/spapr_ddw.c vmm/papr/spapr_phb_fdt.c vmm/papr/spapr_mem.c vmm/papr/spapr_cpu_rtas.c \
	vmm/papr/spapr_eeh.c \
	vmm/pci/pci_config.c vmm/pci/pci_place.c vmm/pci/phb_addr.c vmm/host/host_bind_state.c \
	vmm/vfio/vfio_viable.c vmm/vfio/bar_split.c
VMM_SRC   := $(wildcard vmm/*.c vmm/*/*.c)
VMM_OBJ   := $(patsubst vmm/%.c,build/ppc/vmm/%.o,$(VMM_SRC)) build/ppc/vmm/rtas_blob.o
FW_BIN    := firmware/rtas.bin
# Bare-metal guest payloads (firmware/payload/<name>.c + the shared library).
PAYLOADS  := $(patsubst firmware/payload/%.c,firmware/%.bin,$(filter-out firmware/payload/lib.c,$(wildcard firmware/payload/*.c)))
PAYLOAD_CFLAGS := -std=c11 -O2 $(WARN) -ffreestanding -fno-builtin -nostdlib -fno-stack-protector \
	-fno-pic -mno-altivec -mno-vsx -msoft-float -mcpu=power8

.PHONY: all setup pvmm test unit unit-native unit-ppc cli system run clean firmware test-matrix bench \
	fuzz-guest
all: setup pvmm

setup:
	@bash kernel/setup.sh

pvmm: vmm/pvmm $(PAYLOADS) build/hostprobe build/netfeat build/sniff build/ptyrun build/tcecheck build/jsonq

# The host scenario's probe: runs in the emulated host.
# The guest's one ethtool call (kernel/guest-tools/netfeat.c).
build/netfeat: kernel/guest-tools/netfeat.c
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

# Frame summaries for stalled-transfer diagnostics (emulated host and guest).
build/sniff: kernel/guest-tools/sniff.c
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

# Runs pvmm on a pseudo-terminal for the signals scenario (terminal restore).
build/ptyrun: tests/system/ptyrun.c
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

# Reads a running pvmm's KVM TCE tables on its own (scenarios, in the emulated host).
build/tcecheck: tests/system/tcecheck.c
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

# Reads pvmm's --stats-json for the scenarios and kernel/run-bench (jsonq.h).
build/jsonq: kernel/guest-tools/jsonq.c kernel/guest-tools/jsonq.h
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

build/hostprobe: tests/system/hostprobe.c
	@mkdir -p build
	$(CROSS_CC) -static $(CSTD) $(OPT) $(WARN) -o $@ $<

build/ppc/vmm/%.o: vmm/%.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(CFLAGS_PPC) -MMD -c -o $@ $<

build/ppc/vmm/rtas_blob.o: vmm/rtas_blob.S $(FW_BIN)
	@mkdir -p $(dir $@)
	$(CROSS_CC) -c -o $@ $<

vmm/pvmm: $(VMM_OBJ)
	$(CROSS_CC) -static -o $@ $^ $(CROSS_LDFLAGS_SYS) -lfdt -liniparser -lpthread

firmware: $(FW_BIN) $(PAYLOADS)

build/payload/%.o: firmware/payload/%.c firmware/payload/lib.h
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(PAYLOAD_CFLAGS) -c -o $@ $<
build/payload/crt0.o: firmware/payload/crt0.S
	@mkdir -p $(dir $@)
	$(CROSS_CC) -c -o $@ $<
firmware/%.elf: build/payload/crt0.o build/payload/lib.o build/payload/%.o firmware/payload/link.ld
	$(CROSS_CC) -nostdlib -static -no-pie -Wl,-T,firmware/payload/link.ld -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -o $@ $(filter %.o,$^) -lgcc
# The ELFs stay: scenarios load them with -k as non-Linux images.
.SECONDARY: $(PAYLOADS:.bin=.elf)
firmware/%.bin: firmware/%.elf
	$(CROSS_OBJCOPY) -O binary $< $@
# RTAS runs big-endian: assemble it so, whatever the toolchain's default.
firmware/rtas.bin: firmware/rtas.S
	@mkdir -p build
	$(CROSS_AS) -mbig -a64 -o build/rtas.o $<
	$(CROSS_OBJCOPY) -O binary -j .text build/rtas.o $@

-include $(VMM_OBJ:.o=.d)
-include tests/unit/unit.mk
-include tests/fuzz/fuzz.mk

# System scenarios run in the emulated POWER host (tests/system/run boots it):
# managed-bind is powernv-only (on pseries an e1000e probe poisons the PHB);
# everything on powernv9, and host, boot, papr-conformance, multi-device and
# hugepages on a nested pseries host (QEMU's powernv machines give the
# emulated host's kernel no huge pages: kernel/l1-init).
SCENARIOS ?= host boot papr-conformance passthrough-user passthrough-kernel passthrough-intx ddw \
	multi-device shared-phb multi-function many-devices nvme sriov-vf virtio-net eeh device-removed hostile guest-fuzz errors bench-smoke mode-fallback group-reuse signals \
	managed-bind
NESTED_SCENARIOS ?= host boot papr-conformance multi-device hugepages

system: all
	tests/system/run $(SCENARIOS)
	tests/system/run --machine pseries-p9 $(NESTED_SCENARIOS)

# The guest that fuzzes pvmm (firmware/payload/guest-fuzz.c) in the emulated
# host: SECONDS in each TCE mode of MODES (user:kernel), VCPUS vcpus, from
# SEED (one, or several as a:b:c; a failure prints the one to replay), with
# the payload's WEIGHTS (default xics:0: README, Fuzzing). make test runs
# scenario guest-fuzz with its fixed seeds; the soak scenario runs it for
# as long as asked (SCENARIO_ENV="SOAK_FUZZ=900": 15 minutes per mode).
SEED ?= $(shell date +%s)
SECONDS ?= 300
VCPUS ?= 4
MODES ?= user:kernel
fuzz-guest: all
	SCENARIO_ENV="SEED=$(SEED) FUZZ_SECONDS=$(SECONDS) FUZZ_VCPUS=$(VCPUS) FUZZ_MODES=$(MODES) $(if $(WEIGHTS),FUZZ_WEIGHTS=$(WEIGHTS))" \
		tests/system/run --timeout $$(( ($(SECONDS) + 300) * 4 + 900 )) guest-fuzz

# Issue 8's matrix: the core scenarios on every host type, as a table.
MATRIX_MACHINES ?= powernv9 powernv10 pseries-p9 pseries-p10
MATRIX_SCENARIOS ?= boot passthrough-user passthrough-kernel
test-matrix: all
	bash tests/system/matrix $(MATRIX_MACHINES) -- $(MATRIX_SCENARIOS)

# The benchmark: kernel/run-bench (TCE hcall cost per mode with the floors,
# start-up with and without huge pages, transfers per mode and DMA regime
# with the limit of L1's own driver, the storage rows on the NVMe), here
# inside the emulated POWER host with the QEMU peer staged in it (PEER=1;
# natively on a POWER host: below). Everything compared alternates boot by
# boot for BENCH_ROUNDS rounds (BENCH_REPEAT for the payload and start-up),
# and the table's ratios are paired per round, with their spread. Prints
# the table; raw JSON and the plot go to build/results/bench/. BENCH_ENV
# overrides the sizes (scenarios/bench.sh; lists joined with +). The
# emulated host's guest moves 1-7 MiB/s with DDW on and 1-2 MiB/s with DDW
# off, depending on the day's machine (README, Benchmark): 16 MiB
# transfers, one per boot. The table is printed even when a measurement
# failed; make bench then exits non-zero.
BENCH_ENV ?= BENCH_N=1000 BENCH_REPEAT=5 BENCH_ROUNDS=5 BENCH_MB=16 BENCH_XFER_REPEAT=1 BENCH_ITR=200 BENCH_STORAGE_MB=64
BENCH_TIMEOUT ?= 5400

# The error corpus: bad configs and images give one clear line and status 1.
cli: all
	bash tests/cli/run.sh

test: all unit cli fuzz-smoke system

ifeq ($(HOST_ARCH),ppc64le)
# On a POWER host, as root: the guest boots here (kernel/run-guest), with
# PCI=<bdf> passed through (several: PCI="a b"; BIND=1 lets pvmm bind them
# to vfio-pci and give them back), PEER=<ip> [GUEST_IP=<ip/len>]: the guest
# sends 64 MiB to a receiver there (RECEIVE=1: this host is it).
include kernel/versions
GUEST_KERNEL ?= $(CACHE)/kernel/boot/vmlinux-$(KERNEL_VERSION)
run: all build/l2/initrd
	PVMM=vmm/pvmm GUEST_KERNEL=$(GUEST_KERNEL) GUEST_INITRD=build/l2/initrd RUN_DIR=build \
		kernel/run-guest $(foreach p,$(PCI),--pci $(p)) $(if $(BIND),--bind) \
		$(if $(PEER),--peer $(PEER)) $(if $(GUEST_IP),--guest-ip $(GUEST_IP)) $(if $(RECEIVE),--receive)

# On a POWER host, as root: kernel/run-bench on PCI=<bdf> (BIND=1 as for
# run), with transfers to PEER=<ip> (RECEIVE=1: this host receives, at PEER
# on another of its interfaces) and QEMU beside pvmm when QEMU= names one.
# BENCH_ARGS adds run-bench options (--n, --repeat, --rounds, --mb, --xfers,
# --itr, --configs, --storage BDF, --storage-mb, --storage-configs,
# --hugepages, --limit). PCI= an NVMe controller: the storage rows instead
# of the transfers (they overwrite its first namespace from 128 MiB on).
BENCH_ARGS ?=
bench: all build/l2/initrd
	@[ -n "$(PCI)" ] || { echo "make bench: PCI=<domain:bus:dev.fn> names the device to measure"; exit 1; }
	@command -v gnuplot >/dev/null || apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || echo "bench: no gnuplot, no plot"
	@mkdir -p build/results/bench
	PVMM=vmm/pvmm PVMM_FIRMWARE=firmware GUEST_KERNEL=$(GUEST_KERNEL) GUEST_INITRD=build/l2/initrd \
		RUN_DIR=build/results/bench kernel/run-bench --pci $(firstword $(PCI)) $(if $(BIND),--bind) \
		$(if $(PEER),--peer $(PEER)) $(if $(GUEST_IP),--guest-ip $(GUEST_IP)) $(if $(RECEIVE),--receive) \
		$(if $(QEMU),--qemu $(QEMU)) $(BENCH_ARGS) > build/results/bench/bench.log; rc=$$?; \
		tests/bench/report build/results/bench/bench.log build/results/bench && exit $$rc
else
# Elsewhere: the same kernel/run-guest inside the emulated POWER host.
run: all
	tests/system/run --show run
# make bench in the emulated host: the bench scenario calls kernel/run-bench;
# then scenario bench-huge, the start-up rows with and without huge pages,
# in a second emulated host whose kernel has huge pages (BENCH_HUGE_MACHINE;
# empty: none), and the report of both.
BENCH_HUGE_MACHINE ?= pseries-p9
bench: all
	@command -v gnuplot >/dev/null || sudo -n apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || \
		apt-get install -y -q gnuplot-nox >/dev/null 2>&1 || echo "bench: no gnuplot, no plot"
	PEER=1 SCENARIO_ENV="$(BENCH_ENV)" tests/system/run --timeout $(BENCH_TIMEOUT) bench; rc=$$?; \
		main=$$(readlink -f build/results/latest); logs=$$main/serial.log; \
		if [ -n "$(BENCH_HUGE_MACHINE)" ]; then \
			SCENARIO_ENV="$(BENCH_ENV)" tests/system/run --machine $(BENCH_HUGE_MACHINE) bench-huge || rc=1; \
			huge=$$(readlink -f build/results/latest); \
			[ "$$huge" = "$$main" ] || logs="$$logs $$huge/serial.log"; \
		fi; \
		tests/bench/report $$logs build/results/bench && exit $$rc
endif

# The guest's initramfs, with the drivers of the devices PCI names
# (kernel/guest-modules reads their modalias here): built every time, PCI
# may have changed.
.PHONY: build/l2/initrd
build/l2/initrd: all
	GUEST_PCI="$(PCI)" bash kernel/mkinitramfs-l2 > /dev/null

clean:
	rm -rf build/ppc build/native vmm/pvmm firmware/*.bin firmware/*.elf tests/unit/*.native tests/unit/*.ppc64le
