# libFuzzer fuzzers (clang, ASan + UBSan) for the pure modules: config,
# FDT building, hcall/RTAS argument decoding, the TCE table, its batched
# host calls against a per-entry model (tce_runs), the PCI config shadow
# and the ELF loader. Seed corpora in tests/fuzz/corpus/<name>/
# (copied, never modified). Included by the top-level Makefile.
#   make fuzz        each fuzzer for FUZZ_SECONDS (default 60)
#   make fuzz-smoke  each for FUZZ_SMOKE_SECONDS (default 30): what make test runs

FUZZERS       := config fdt calls tce tce_runs pci_config loader
FUZZ_SECONDS  ?= 60
FUZZ_SMOKE_SECONDS ?= 30
FUZZ_CC       ?= clang
FUZZ_FLAGS    := -std=c11 -D_GNU_SOURCE -g -O1 -Ivmm/include -I/usr/include/iniparser \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_PURE_SRC := $(PURE_SRC)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_PURE_SRC) $(wildcard vmm/include/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_PURE_SRC) -lfdt -liniparser -lpthread

# The oracle the unit tests use too.
build/fuzz/fuzz_tce_runs: tests/unit/tce_model.h

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: setup $(addprefix build/fuzz/fuzz_,$(FUZZERS))
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)
fuzz-smoke: fuzz-build
	bash tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZERS)
