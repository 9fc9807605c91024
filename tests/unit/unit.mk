# Unit tests of the pure modules (no KVM ioctls): natively, cross-built under
# qemu-user (the FDT and RTAS buffers are big-endian, the guest little-endian),
# and natively with ASan + UBSan. Included by the top-level Makefile.

# host_bind.c does sysfs I/O under a root the tests point at a temp dir.
# jsonq's parser and query (kernel/guest-tools) are tested too, without its main().
# vfio_req.c's watcher runs on eventfds standing in for VFIO's (its two
# ioctls are not called).
UNIT_PURE_SRC := $(PURE_SRC) vmm/host/host_bind.c kernel/guest-tools/jsonq.c vmm/vfio/vfio_req.c
UNIT_TEST_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_ALL_SRC  := $(UNIT_PURE_SRC) $(UNIT_TEST_SRC)
UNIT_DEFS     := -DGOLDEN_DIR='"tests/unit/golden"' -Itests/unit -Ikernel/guest-tools -DJSONQ_NO_MAIN
UNIT_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

build/unit/native: $(UNIT_ALL_SRC) $(wildcard vmm/include/*.h tests/unit/*.h kernel/guest-tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_NAT) $(UNIT_DEFS) -Wno-missing-prototypes -o $@ $(UNIT_ALL_SRC) -lfdt -liniparser -lpthread

build/unit/asan: $(UNIT_ALL_SRC) $(wildcard vmm/include/*.h tests/unit/*.h kernel/guest-tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_NAT) $(UNIT_SAN) -O1 $(UNIT_DEFS) -Wno-missing-prototypes -o $@ $(UNIT_ALL_SRC) -lfdt -liniparser -lpthread

# The exit protocol's threads (test_vm_exit.c) and the device request
# watcher's (test_vfio_req.c) under ThreadSanitizer, which
# does not combine with ASan; clang, as the TSan fuzzer has it.
TSAN_CC ?= clang
build/unit/tsan: $(UNIT_ALL_SRC) $(wildcard vmm/include/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(TSAN_CC) $(CFLAGS_NAT) -fsanitize=thread -O1 -g $(UNIT_DEFS) -Wno-missing-prototypes -o $@ \
		$(UNIT_ALL_SRC) -lfdt -liniparser -lpthread

build/unit/ppc64le: $(UNIT_ALL_SRC) $(wildcard vmm/include/*.h tests/unit/*.h kernel/guest-tools/*.h)
	@mkdir -p $(dir $@)
	$(CROSS_CC) -static $(CFLAGS_PPC) $(UNIT_DEFS) -Wno-missing-prototypes -o $@ $(UNIT_ALL_SRC) \
		$(CROSS_LDFLAGS_SYS) -lfdt -liniparser -lpthread

.PHONY: unit-asan unit-tsan unit-golden unit-modules unit-kmsg
unit-native: setup build/unit/native
	build/unit/native
unit-ppc: setup build/unit/ppc64le
	$(RUN_PPC) build/unit/ppc64le
unit-asan: setup build/unit/asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 build/unit/asan
# kernel/guest-modules on the real guest kernel's modules.alias and modules.dep.
unit-tsan: setup build/unit/tsan
	TSAN_OPTIONS=halt_on_error=1 build/unit/tsan vm_exit
	TSAN_OPTIONS=halt_on_error=1 build/unit/tsan vfio_req
unit-modules: setup
	bash tests/unit/guest_modules.sh
# lib-kmsg.sh's reading of the host kernel's log (dash, bash, L1's busybox).
unit-kmsg: setup
	bash tests/unit/kmsg.sh
unit: unit-native unit-ppc unit-asan unit-tsan unit-modules unit-kmsg
# Rewrite the golden device tree after a deliberate FDT change (and review the .dts diff).
unit-golden: build/unit/native
	UPDATE_GOLDEN=1 build/unit/native fdt_matches_golden
	dtc -I dtb -O dts -o tests/unit/golden/boot.dts tests/unit/golden/boot.dtb
