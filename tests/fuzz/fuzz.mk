# libFuzzer fuzzers (clang, ASan + UBSan) for the pure modules: config,
# FDT building, hcall/RTAS argument decoding, the TCE table, its batched
# host calls against a per-entry model (tce_runs), the PCI config shadow,
# the ELF loader and a BAR's split around the MSI-X pages (bar_split);
# calls, pci_config, tce, tce_threads (TSan) and bar_split also check
# answers against oracles. Seed corpora in tests/fuzz/corpus/<name>/
# (copied, never modified). Included by the top-level Makefile.
#   make fuzz        each fuzzer for FUZZ_SECONDS (default 60)
#   make fuzz-smoke  each for FUZZ_SMOKE_SECONDS (default 10): what make test runs

FUZZERS       := config fdt calls tce tce_runs pci_config loader tce_threads bar_split
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_CC       ?= clang
FUZZ_FLAGS    := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) -Ivmm/include -I/usr/include/iniparser \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_PURE_SRC := $(PURE_SRC)

# fuzz_calls runs the real PHB and cpu RTAS handlers with their
# ioctls faked (fake_vmm.c, over the unit tests' fake PCI function).
FUZZ_EXTRA_calls := vmm/papr/spapr_phb.c vmm/papr/spapr_phb_eeh.c vmm/vfio/vfio_req.c \
	vmm/papr/spapr_cpu.c tests/fuzz/fake_vmm.c tests/unit/fake_pci.c

.SECONDEXPANSION:
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_PURE_SRC) $$(FUZZ_EXTRA_$$*) $(wildcard vmm/include/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Itests/unit -o $@ $< $(FUZZ_PURE_SRC) $(FUZZ_EXTRA_$*) -lfdt -liniparser -lpthread

# Two threads over the TCE table and DDW: ThreadSanitizer instead of ASan
# (they do not combine). Without libFuzzer's edge counters, which both
# threads bump unsynchronised (TSan reports those as races): run.sh gives
# it -use_value_profile=1, so the comparisons guide it instead.
build/fuzz/fuzz_tce_threads: tests/fuzz/fuzz_tce_threads.c $(FUZZ_PURE_SRC) $(wildcard vmm/include/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -fsanitize=%,$(FUZZ_FLAGS)) -fsanitize=fuzzer,thread \
		-fno-sanitize-coverage=inline-8bit-counters -o $@ $< \
		$(FUZZ_PURE_SRC) -lfdt -liniparser -lpthread

# The oracle the unit tests use too.
build/fuzz/fuzz_tce_runs: tests/unit/tce_model.h

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: setup $(addprefix build/fuzz/fuzz_,$(FUZZERS))
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)
fuzz-smoke: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZERS)
