# kefu — one hand-written Makefile.
#   make            build everything (release flags) into build/release
#   make test       build with AddressSanitizer + UBSan into build/asan and run every test
#   make run        start the demo: embedded PostgreSQL, all six services, the HTTP gateway, demo requests
#   make bench      benchmarks (not tests); figures go to bench/README.md
#   make bench-loop only the whole loop's (tickets through inspection and callback), also part of make bench
#   make bench-sla  only the SLA engine's (1,000,000 open clocks), also part of make bench
#   make fuzz       build the libFuzzer targets (clang, build/fuzz) and run each
#                   for FUZZ_SECONDS (default 60); make test runs them briefly
#   make format     clang-format every C file
#
# Sources are discovered by folder, so adding a module never means editing this file:
#   common/<concern>/*.c       -> libkefu.a (linked by everything)
#   services/<name>/<name>_config.c -> libkefu.a too: a service's configuration
#                                 section, a data-only table (conf_section.h) that
#                                 every program needs to see (docs/configuration.md)
#   services/<name>/**.c       -> bin/kefu-<name> (its folder and one level of subfolders)
#   tools/kefuctl/*.c          -> bin/kefuctl
#   tests/unit/*.c             -> bin/unit-tests (one runner, one table)
#   tests/integration/*.c      -> bin/it-<name>   (each a program against a real cluster)
#   bench/*.c                  -> bin/bench-<name>
#   tests/fuzz/*.c             -> bin/fuzz-<name> (FUZZ=1 only: clang, libFuzzer)

SERVICES := intake dispatch qc billing callback claims gateway
PKGS     := libzmq libpq libcjson yaml-0.1 libsodium libcurl libmicrohttpd

BUILD    ?= build/release
SAN      ?= 0
CC       ?= cc

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wvla -Wpointer-arith -Wcast-qual -Wundef
CFLAGS_BASE := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -g $(WARN) \
            $(shell pkg-config --cflags $(PKGS)) -Icommon
LDLIBS   := $(shell pkg-config --libs $(PKGS)) -lm

# FUZZ=1 (build/fuzz only): everything compiled with clang, instrumented for
# libFuzzer's coverage feedback and under ASan/UBSan; the fuzz-* programs
# link libFuzzer's main (docs/testing.md, "Fuzzing").
FUZZ_CC  ?= clang-14
ifeq ($(FUZZ),1)
  CC     := $(FUZZ_CC)
  OPT    := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=undefined
  LDSAN  := -fsanitize=address,undefined
else ifeq ($(SAN),1)
  OPT    := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDSAN  := -fsanitize=address,undefined
else
  OPT    := -O2
  LDSAN  :=
endif

CFLAGS_ALL := $(CFLAGS_BASE) $(OPT) $(CFLAGS)
LDFLAGS_ALL := $(LDSAN) $(LDFLAGS)

# Each service's configuration section table goes into the library rather
# than into the service alone: every service must know every section's name
# (a top-level key that is no section is refused) and kefuctl admin
# check-config checks every section (common/conf/conf_sections.c).
SECTION_SRC := $(foreach s,$(SERVICES),$(wildcard services/$(s)/$(s)_config.c))
COMMON_SRC := $(wildcard common/*/*.c) $(SECTION_SRC)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIBKEFU    := $(BUILD)/libkefu.a

SERVICE_BINS := $(SERVICES:%=$(BUILD)/bin/kefu-%)
KEFUCTL_SRC  := $(wildcard tools/kefuctl/*.c)
KEFUCTL_BIN  := $(BUILD)/bin/kefuctl
UNIT_SRC     := $(wildcard tests/unit/*.c)
UNIT_BIN     := $(BUILD)/bin/unit-tests
IT_SRC       := $(wildcard tests/integration/*.c)
IT_BINS      := $(IT_SRC:tests/integration/%.c=$(BUILD)/bin/it-%)
BENCH_SRC    := $(wildcard bench/*.c)
BENCH_BINS   := $(BENCH_SRC:bench/%.c=$(BUILD)/bin/bench-%)
FUZZ_SRC     := $(wildcard tests/fuzz/*.c)
FUZZ_BINS    := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/bin/fuzz-%)

ALL_BINS := $(SERVICE_BINS) $(KEFUCTL_BIN) $(UNIT_BIN) $(IT_BINS) $(BENCH_BINS)

.PHONY: all build build-run build-fuzz test test-unit run bench bench-loop bench-sla fuzz format clean deps
all: build
build: deps-check $(ALL_BINS)
# What `make run` needs: the six services, the gateway and kefuctl.
build-run: deps-check $(SERVICE_BINS) $(KEFUCTL_BIN)

# The objects of it-*, bench-* are made by chained pattern rules; keep them,
# or make deletes them as intermediates and relinks those programs every time.
.SECONDARY:

deps-check:
	@pkg-config --exists $(PKGS) || { echo "missing libraries: run 'make deps' (as root) or install: $$(cat deploy/packages.txt | tr '\n' ' ')"; exit 1; }

# Installs the Debian packages kefu needs (root only; README lists them for others).
deps:
	@deploy/scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# made anew each time: a module moved or removed must not linger in the archive
$(LIBKEFU): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

# One rule per service: every .c in services/<name>/ (and its subfolders,
# such as dispatch/sla/) makes bin/kefu-<name>.
service_src = $(filter-out $(SECTION_SRC),$(wildcard services/$(1)/*.c services/$(1)/*/*.c))
define SERVICE_RULE
$(BUILD)/bin/kefu-$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(call service_src,$(1))) $(LIBKEFU)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach s,$(SERVICES),$(eval $(call SERVICE_RULE,$(s))))

$(KEFUCTL_BIN): $(KEFUCTL_SRC:%.c=$(BUILD)/obj/%.o) $(LIBKEFU)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

# Unit tests may test a service's or kefuctl's own modules: link every such object except main.o.
SERVICE_MODULE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out %/main.c $(SECTION_SRC),$(wildcard services/*/*.c services/*/*/*.c)))
KEFUCTL_MODULE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out %/main.c,$(KEFUCTL_SRC)))
$(UNIT_BIN): $(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(SERVICE_MODULE_OBJ) $(KEFUCTL_MODULE_OBJ) $(LIBKEFU)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/it-%: $(BUILD)/obj/tests/integration/%.o $(SERVICE_MODULE_OBJ) $(LIBKEFU)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/bench-%: $(BUILD)/obj/bench/%.o $(LIBKEFU)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS)

# A fuzz target may use any common or service module, like a unit test.
# FUZZ_REPO lets a harness find schemas/ and deploy/ from any directory.
$(BUILD)/obj/tests/fuzz/%.o: CFLAGS_ALL += -DFUZZ_REPO='"$(CURDIR)"'
$(BUILD)/bin/fuzz-%: $(BUILD)/obj/tests/fuzz/%.o $(SERVICE_MODULE_OBJ) $(LIBKEFU)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

build-fuzz: deps-check $(FUZZ_BINS)

FUZZ_TEST_SECONDS ?= 3

# The whole suite runs against sanitizer builds; tests/run.sh prints "N passed, N failed".
# The release build (what `make run` uses) is built too: -O2 finds warnings -O1 does not.
test:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 build
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory BUILD=build/fuzz FUZZ=1 build-fuzz
	@KEFU_BUILD=build/asan KEFU_FUZZ_BUILD=build/fuzz FUZZ_TEST_SECONDS=$(FUZZ_TEST_SECONDS) \
		tests/run.sh $(TESTS)

test-unit:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 build
	@build/asan/bin/unit-tests $(TESTS)

# The demo script is run without a shell in between, so that Ctrl-C reaches
# it alone and its clean exit (status 0) is what make sees.
run: export KEFU_BUILD = $(BUILD)
run:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory build-run
	@deploy/scripts/run-demo.sh

# Each fuzz target for FUZZ_SECONDS from the seeds in tests/fuzz/corpus/
# (what it finds goes to a temporary corpus, never into the repository);
# make test runs each for FUZZ_TEST_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory BUILD=build/fuzz FUZZ=1 build-fuzz
	@KEFU_FUZZ_BUILD=build/fuzz tests/fuzz/run.sh $(FUZZ_SECONDS) $(TESTS)

bench:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory build
	@bench/run.sh
	@KEFU_BUILD=$(BUILD) bench/loop.sh
	@KEFU_BUILD=$(BUILD) bench/sla_clocks.sh

bench-loop:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory build
	@KEFU_BUILD=$(BUILD) bench/loop.sh

bench-sla:
	@deploy/scripts/install-deps.sh --if-root
	@$(MAKE) --no-print-directory build
	@KEFU_BUILD=$(BUILD) bench/sla_clocks.sh

format:
	clang-format -i $$(find common services tools tests bench -name '*.[ch]')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
