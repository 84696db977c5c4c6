# Makefile - builds libncdyn (shared, versioned soname, and static), its tests,
# examples, benchmarks and tools; installs it with pkg-config metadata.
#
#   make            build lib/libncdyn.so.* and lib/libncdyn.a
#   make run        build, then run the flagship demo (UFM + ghost controller, NC plot)
#   make check      build and run every test tier that fits ~20 minutes
#   make check-full every tier (valgrind over all suites, long stress sets)
#   make bench      benchmarks, with the machine's own peak measured beside them
#   make docs       regenerate docs/reference.md from the header
#   make install    honours PREFIX DESTDIR LIBDIR INCLUDEDIR PKGCONFIGDIR BINDIR MANDIR
#                   PYTHONDIR (default $(LIBDIR)/python3/dist-packages)
#
# Sources are discovered: src/<layer>/*.c go into the library, tests/<layer>/*.c
# into one Check suite binary per layer, bench/bench_*.c into one benchmark
# each, examples/*.c into one example each. Run as root, `make run`/`make check`
# install missing Debian packages themselves (apt-get update first).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDEXPANSION:
.SECONDARY:

# ---- version: the header's macros are the single source of truth ----------
version_field = $(shell sed -n 's/^\#define NCD_VERSION_$(1) \([0-9][0-9]*\).*/\1/p' include/ncdyn.h)
MAJOR := $(call version_field,MAJOR)
MINOR := $(call version_field,MINOR)
PATCH := $(call version_field,PATCH)
VERSION := $(MAJOR).$(MINOR).$(PATCH)

# ---- install locations -------------------------------------------------------
PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BINDIR       ?= $(PREFIX)/bin
MANDIR       ?= $(PREFIX)/share/man
PYTHONDIR    ?= $(LIBDIR)/python3/dist-packages
DESTDIR      ?=

# ---- toolchain and dependencies ---------------------------------------------
CC       ?= cc
CXX      ?= c++
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
# Reference LAPACK, linked deliberately (the alternatives system may point
# liblapack.so.3 at OpenBLAS): its directory is both -L and the runpath.
LAPACK_DIR ?= $(firstword $(wildcard /usr/lib/$(MULTIARCH)/lapack) /usr/lib)
DEP_LIBS  = -lblis -L$(LAPACK_DIR) -Wl,-rpath,$(LAPACK_DIR) -llapack -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)

BUILD ?= build
LIBOUT ?= lib
SAN ?=
OPT ?= -O2
WARN := -Wall -Wextra -Wpedantic -Werror
# SAN=1 (or asan): AddressSanitizer + UBSan; SAN=tsan: ThreadSanitizer, linked
# with Debian's serial BLIS (the OpenMP one's libgomp is not built for TSan).
SAN_ON := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANFLAGS := $(if $(filter tsan,$(SAN)),-fsanitize=thread,$(if $(SAN),$(SAN_ON)))
BLIS_SERIAL_DIR := /usr/lib/$(MULTIARCH)/blis-serial
ifeq ($(SAN),tsan)
DEP_LIBS := -L$(BLIS_SERIAL_DIR) -Wl,-rpath,$(BLIS_SERIAL_DIR) -l:libblis.so.4 -L$(LAPACK_DIR) -Wl,-rpath,$(LAPACK_DIR) -llapack -lm
endif
CPPFLAGS_LIB := -Iinclude -Isrc -DNCD_BUILDING_LIBRARY -D_DEFAULT_SOURCE
CFLAGS_LIB := -std=c11 $(OPT) -g -fPIC -fvisibility=hidden -ffp-contract=off $(WARN) $(SANFLAGS) -MMD -MP
CFLAGS_TEST := -std=c11 $(OPT) -g -ffp-contract=off $(WARN) $(SANFLAGS) -MMD -MP -D_DEFAULT_SOURCE

LAYERS := core kernels stats losses init cpath ghost metrics ufm
LIB_SRC := $(sort $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)

# the ncdyn tool: tools/ncdyn/main.c holds main(); every other tools/ncdyn/*.c
# is also linked into the tests/cli suite (EXTRA_OBJS_cli)
TOOL_SRC := $(wildcard tools/ncdyn/*.c)
TOOL_OBJ := $(TOOL_SRC:%.c=$(BUILD)/obj/%.o)
TOOL := $(if $(TOOL_SRC),$(BUILD)/bin/ncdyn)
TOOL_LIBS := -ljansson -lm
EXTRA_OBJS_cli := $(filter-out %/main.o,$(TOOL_OBJ))
EXTRA_LIBS_cli := $(TOOL_LIBS)

SONAME := libncdyn.so.$(MAJOR)
SO_REAL := $(LIBOUT)/libncdyn.so.$(VERSION)
SO_LINK := $(LIBOUT)/$(SONAME)
SO_DEV  := $(LIBOUT)/libncdyn.so
STATIC  := $(LIBOUT)/libncdyn.a

# ---- Debian packages ----------------------------------------------------------
DEB_BUILD := gcc make libblis-dev liblapack-dev pkg-config libjansson-dev gnuplot-nox
DEB_CHECK := $(DEB_BUILD) g++ check abigail-tools valgrind gnuplot-nox libjansson-dev \
             python3 python3-numpy python3-pytest python3-torch libopenmpi-dev openmpi-bin
# Debian's interpreter, where python3-numpy/pytest/torch install (a pyenv or
# virtualenv python3 earlier on PATH would not see them).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
export PYTHON
export OMPI_ALLOW_RUN_AS_ROOT ?= 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM ?= 1

.PHONY: docs tsan check-coverage tool check-python all deps deps-check run check check-full check-suites check-asan check-valgrind \
        check-layers check-exports check-abi check-header check-examples check-docs \
        abi-baseline bench examples install uninstall clean help

all: $(SO_REAL) $(SO_LINK) $(SO_DEV) $(STATIC) $(TOOL)

help:
	@sed -n '2,14p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@tests/scripts/deps.sh $(DEB_BUILD)
deps-check:
	@tests/scripts/deps.sh $(DEB_CHECK)

# ---- the library ----------------------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_LIB) $(CFLAGS_LIB) $(CFLAGS) -c $< -o $@

$(SO_REAL): $(LIB_OBJ) src/ncdyn.map
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/ncdyn.map \
	  -Wl,--no-undefined $(SANFLAGS) -o $@ $(LIB_OBJ) $(DEP_LIBS) $(LDFLAGS)

$(SO_LINK): $(SO_REAL)
	ln -sf $(notdir $(SO_REAL)) $@
$(SO_DEV): $(SO_LINK)
	ln -sf $(SONAME) $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# ---- tests: one Check binary per tests/<layer>/ -------------------------------------
TEST_COMMON_SRC := $(wildcard tests/common/*.c)
TEST_COMMON_OBJ := $(TEST_COMMON_SRC:%.c=$(BUILD)/obj/%.o)
TEST_LAYERS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard tests/*/test_*.c)))))
TEST_BINS := $(TEST_LAYERS:%=$(BUILD)/tests/%)

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) -Iinclude -Isrc -Itests $(CFLAGS_TEST) -c $< -o $@

test_objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/$(1)/test_*.c))
$(BUILD)/gen/%_main.c: tests/scripts/gen_main.sh $$(wildcard tests/$$*/test_*.c)
	@mkdir -p $(@D)
	tests/scripts/gen_main.sh $* $(sort $(wildcard tests/$*/test_*.c)) > $@

$(BUILD)/obj/gen/%_main.o: $(BUILD)/gen/%_main.c
	@mkdir -p $(@D)
	$(CC) -Iinclude -Isrc -Itests $(CFLAGS_TEST) -c $< -o $@

$(BUILD)/tests/%: $$(call test_objs,$$*) $$(EXTRA_OBJS_$$*) \
                  $(BUILD)/obj/gen/%_main.o $(TEST_COMMON_OBJ) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $(filter %.o,$^) $(STATIC) $(DEP_LIBS) $(EXTRA_LIBS_$*) $(CHECK_LIBS) -lm -lpthread

check-suites: $(TEST_BINS) $(TOOL)
	@NCD_TOOL=$(abspath $(TOOL)) tests/scripts/run_suites.sh "$(BUILD)/summary.txt" plain "" $(TEST_BINS)

# ---- the check tiers -------------------------------------------------------------
check: deps-check
	@rm -f $(BUILD)/summary.txt
	$(MAKE) all
	$(MAKE) check-suites
	$(MAKE) check-layers check-exports check-header check-abi check-docs
	$(MAKE) check-coverage
	$(MAKE) check-examples
	$(MAKE) check-python
	$(MAKE) check-mpi
	$(MAKE) check-asan
	$(MAKE) check-valgrind
	$(MAKE) tsan
	@tests/scripts/summary.sh "$(BUILD)/summary.txt"

check-full: deps-check
	@rm -f $(BUILD)/summary.txt
	$(MAKE) all
	NCD_TEST_LEVEL=full $(MAKE) check-suites
	$(MAKE) check-layers check-exports check-header check-abi check-docs
	$(MAKE) check-coverage
	$(MAKE) check-examples
	NCD_TEST_LEVEL=full $(MAKE) check-python
	$(MAKE) check-mpi
	NCD_TEST_LEVEL=full $(MAKE) check-asan
	NCD_VALGRIND_ALL=1 $(MAKE) check-valgrind
	NCD_TEST_LEVEL=full $(MAKE) tsan
	@tests/scripts/summary.sh "$(BUILD)/summary.txt"

# Sanitized build in its own tree: same sources, -fsanitize=address,undefined.
check-asan:
	$(MAKE) BUILD=$(BUILD)/asan LIBOUT=$(BUILD)/asan/lib SAN=1 OPT=-O1 \
	  $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(TEST_BINS) $(TOOL))
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  NCD_TOOL=$(if $(TOOL),$(abspath $(BUILD)/asan/bin/ncdyn)) tests/scripts/run_suites.sh "$(BUILD)/summary.txt" asan "" \
	  $(patsubst $(BUILD)/%,$(BUILD)/asan/%,$(TEST_BINS))

# valgrind (memcheck) with CK_FORK=no over the suites that fit the time budget.
VALGRIND_SUITES ?= $(if $(NCD_VALGRIND_ALL),$(TEST_BINS),$(filter-out $(VALGRIND_SKIP:%=$(BUILD)/tests/%),$(TEST_BINS)))
VALGRIND_SKIP ?=
check-valgrind: $(TEST_BINS)
	@CK_FORK=no NCD_TEST_LEVEL=quick NCD_TOOL=$(abspath $(TOOL)) tests/scripts/run_suites.sh "$(BUILD)/summary.txt" valgrind \
	  "valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
	  $(VALGRIND_SUITES)

check-layers:
	@tests/scripts/check_layers.sh

# ThreadSanitizer over the concurrency suite (8 threads, every module). LAPACK's
# own libblas.so.3 is taken from the serial BLIS too (LD_LIBRARY_PATH), so no
# libgomp is loaded at all.
tsan:
	@tests/scripts/deps.sh libblis4-serial
	$(MAKE) BUILD=$(BUILD)/tsan LIBOUT=$(BUILD)/tsan/lib SAN=tsan OPT=-O1 $(BUILD)/tsan/tests/hardening
	@CK_FORK=no CK_RUN_SUITE=hardening_threads TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  LD_LIBRARY_PATH=$(BLIS_SERIAL_DIR)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} \
	  tests/scripts/run_suites.sh "$(BUILD)/summary.txt" tsan "" $(BUILD)/tsan/tests/hardening

check-coverage: all
	@tests/scripts/check_coverage.sh $(SO_REAL)

check-exports: all
	@tests/scripts/check_exports.sh $(SO_REAL)

check-header:
	@tests/scripts/check_header.sh "$(CC)" "$(CXX)" "$(BUILD)"
	@tests/scripts/check_contract.sh "$(CC)" "$(CXX)" "$(BUILD)/contract"

check-abi: all
	@tests/scripts/check_abi.sh $(SO_REAL) tests/abi/libncdyn.abi

check-docs: all
	@tests/scripts/check_docs.sh include/ncdyn.h $(SO_REAL)
	@$(PYTHON) tests/scripts/gen_reference.py include/ncdyn.h $(BUILD)/reference.md >/dev/null

# docs/reference.md, generated from the header's doc comments
docs:
	$(PYTHON) tests/scripts/gen_reference.py include/ncdyn.h docs/reference.md

abi-baseline: all
	abidw --headers-dir include --no-corpus-path --out-file tests/abi/libncdyn.abi $(SO_REAL)
	@echo "Add to CHANGELOG.md:  ABI baseline sha256: $$(sha256sum tests/abi/libncdyn.abi | cut -c1-64)"

# Examples and an outside program, built through pkg-config against a staged
# install, shared and static.
STAGE := $(abspath $(BUILD))/stage
check-examples: all
	@rm -rf $(STAGE)
	@$(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR= >/dev/null
	@tests/scripts/check_examples.sh "$(STAGE)" "$(BUILD)/examples" "$(CC)" "$(CXX)" "$(BUILD)/summary.txt"

# ---- the ncdyn command-line tool (tools/ncdyn/: public header only) ----------
# tools/ncdyn/main.c holds main(); every other tools/ncdyn/*.c is also linked
# into the tests/cli suite (EXTRA_OBJS_cli), so readers are unit-tested.
$(BUILD)/obj/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) -Iinclude -Itools $(CFLAGS_TEST) -c $< -o $@
$(BUILD)/bin/ncdyn: $(TOOL_OBJ) $(SO_DEV)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $(TOOL_OBJ) -L$(LIBOUT) -Wl,-rpath,$(abspath $(LIBOUT)) -lncdyn $(TOOL_LIBS)
tool: $(TOOL)

# ---- Python package (python/ncdyn over the shared library) ---------------------
check-python: all
	@if [ -d python/tests ]; then NCDYN_LIBRARY=$(abspath $(SO_LINK)) PYTHONPATH=$(abspath python) \
	  tests/scripts/run_pytest.sh "$(BUILD)/summary.txt" python/tests; fi
# Open MPI examples (examples/mpi_*.c): built with mpicc through pkg-config
# against the staged install of check-examples, run on 4 ranks. Without Open
# MPI the check is skipped, except under CI=true where that is a failure.
MPI_PC = PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig pkg-config
check-mpi: all
	@[ -f $(STAGE)/lib/pkgconfig/ncdyn.pc ] || $(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR= >/dev/null
	@mkdir -p $(BUILD)/examples; pass=0; fail=0; \
	if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then \
	  if [ "$${CI:-}" = true ]; then echo "check-mpi: Open MPI missing under CI"; \
	    echo "mpi check-mpi 0 1" >>$(BUILD)/summary.txt; exit 1; fi; \
	  echo "check-mpi: skipped, Open MPI not installed (make deps-check)"; exit 0; fi; \
	for src in examples/mpi_*.c; do [ -e "$$src" ] || continue; n=$$(basename $$src .c); \
	  if mpicc -std=c11 -Wall -Wextra -Wpedantic -Werror $$($(MPI_PC) --cflags ncdyn) -o $(BUILD)/examples/$$n $$src \
	       $$($(MPI_PC) --libs ncdyn) -Wl,-rpath,$(STAGE)/lib -lm >$(BUILD)/examples/$$n.log 2>&1 && \
	     mpirun -np 4 --oversubscribe $(BUILD)/examples/$$n >>$(BUILD)/examples/$$n.log 2>&1; \
	  then pass=$$((pass+1)); else fail=$$((fail+1)); echo "check-mpi: $$n FAILED"; tail -25 $(BUILD)/examples/$$n.log; fi; \
	done; echo "mpi check-mpi $$pass $$fail" >>$(BUILD)/summary.txt; \
	echo "check-mpi: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# ---- examples, demo, benchmarks -------------------------------------------------
EXAMPLE_SRC := $(wildcard examples/*.c)
EXAMPLE_BINS := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)
$(BUILD)/examples/%: examples/%.c all
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 $(WARN) -Iinclude -o $@ $< -L$(LIBOUT) -Wl,-rpath,$(abspath $(LIBOUT)) -lncdyn -lm
examples: $(EXAMPLE_BINS)

# The flagship demo: the CE UFM from a Gaussian start under the ghost-radius
# step controller, its NC trajectory printed and plotted (PNG, gnuplot).
DEMO_PNG ?= $(BUILD)/ncdyn_demo.png
run: deps
	$(MAKE) all
	$(BUILD)/bin/ncdyn simulate --plot $(DEMO_PNG)
	@echo "plot: $(DEMO_PNG)"


BENCH_SRC := $(filter-out bench/bench_common.c,$(wildcard bench/bench_*.c))
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: bench/%.c bench/bench_common.c bench/bench_common.h $(STATIC)
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -g $(WARN) -D_DEFAULT_SOURCE -Iinclude -Isrc -Ibench -o $@ $< \
	  bench/bench_common.c $(STATIC) $(DEP_LIBS) -lm -lpthread
$(BUILD)/bench/peak: bench/peak.c bench/bench_common.c bench/bench_common.h $(STATIC)
	@mkdir -p $(@D)
	$(CC) -std=c11 -O2 -g $(WARN) -D_DEFAULT_SOURCE -Iinclude -Isrc -Ibench -o $@ $< \
	  bench/bench_common.c $(STATIC) $(DEP_LIBS) -lm -lpthread
bench: deps $(BUILD)/bench/peak $(BENCH_BINS)
	@$(BUILD)/bench/peak $(BUILD)/bench/peak.txt
	@for b in $(BENCH_BINS); do NCD_BENCH_PEAK=$(BUILD)/bench/peak.txt $$b || exit 1; done
	@if [ -d bench/python ]; then for p in bench/python/*.py; do \
	  NCD_BENCH_PEAK=$(BUILD)/bench/peak.txt $(PYTHON) $$p || exit 1; done; fi

# ---- install ------------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/ncdyn.h $(DESTDIR)$(INCLUDEDIR)/ncdyn.h
	install -m 755 $(SO_REAL) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SO_REAL)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libncdyn.so
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@LAPACK_DIR@|$(LAPACK_DIR)|g' pkgconfig/ncdyn.pc.in \
	    > $(DESTDIR)$(PKGCONFIGDIR)/ncdyn.pc
	@if [ -n "$(TOOL)" ]; then install -d $(DESTDIR)$(BINDIR) && \
	  $(CC) -o $(DESTDIR)$(BINDIR)/ncdyn $(TOOL_OBJ) -L$(DESTDIR)$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lncdyn $(TOOL_LIBS) $(SANFLAGS); fi
	@if [ -f docs/ncdyn.1 ]; then install -d $(DESTDIR)$(MANDIR)/man1 && \
	  install -m 644 docs/ncdyn.1 $(DESTDIR)$(MANDIR)/man1/ncdyn.1; fi
	@if [ -d python/ncdyn ]; then d=$(DESTDIR)$(PYTHONDIR)/ncdyn; install -d $$d && \
	  install -m 644 python/ncdyn/*.py $$d/; fi

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/ncdyn.h $(DESTDIR)$(LIBDIR)/libncdyn.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libncdyn.so \
	      $(DESTDIR)$(LIBDIR)/libncdyn.a $(DESTDIR)$(PKGCONFIGDIR)/ncdyn.pc \
	      $(DESTDIR)$(BINDIR)/ncdyn $(DESTDIR)$(MANDIR)/man1/ncdyn.1
	rm -rf $(DESTDIR)$(PYTHONDIR)/ncdyn

clean:
	rm -rf $(BUILD) lib/libncdyn.*

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing: libFuzzer targets tests/fuzz/fuzz_*.c (clang + libclang-rt-14-dev) ----
# make fuzz [FUZZ_SECONDS=60]: builds each target with -fsanitize=fuzzer,address,
# undefined and runs it for FUZZ_SECONDS on its seed corpus
# tests/fuzz/corpus/<target>/ (new inputs go to $(BUILD)/fuzz/corpus/<target>/,
# crashes to $(BUILD)/fuzz/<target>-crash-*); prints the executions reached.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_READER_SRC := tools/ncdyn/array.c tools/ncdyn/npy.c tools/ncdyn/safetensors.c
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -ffp-contract=off -D_DEFAULT_SOURCE -Iinclude -Itools -Isrc -Itests/fuzz
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_READER_SRC) $(LIB_SRC) $(wildcard tests/fuzz/*.c)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_READER_SRC) \
	  $(if $(filter fuzz_acc%,$*),-DNCD_BUILDING_LIBRARY $(LIB_SRC) $(DEP_LIBS)) -ljansson -lm
.PHONY: fuzz
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@set -o pipefail; for t in $(FUZZ_TARGETS); do mkdir -p $(BUILD)/fuzz/corpus/$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/fuzz/$$t- $(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    2>$(BUILD)/fuzz/$$t.log || { tail -40 $(BUILD)/fuzz/$$t.log; echo "fuzz: $$t FOUND A CRASH"; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' $(BUILD)/fuzz/$$t.log; done
