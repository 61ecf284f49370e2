# The test suite: C unit tests (tests/unit/*.c, each a TAP program) and
# command-line tests (tests/*.t, TAP shell scripts), all run by prove, whose
# last line is the summary.  `make check SANITIZE=1` runs the same suite on
# tools built with AddressSanitizer and UndefinedBehaviorSanitizer.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(TREE)/tests/%.t,$(wildcard tests/unit/*.c))
PROVE_JOBS ?= 2
# what prove runs: every test, or those named (make check TESTS=tests/txgen.t)
TESTS ?= $(UNIT_TESTS) $(sort $(wildcard tests/*.t))

$(TREE)/tests/%.t: $(OBJDIR)/tests/unit/%.o $(LIBA)
	$(call msg,LD,$@)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $< $(LIBA) \
		$(call pkg_libs,$(LIB_PKGS) $(ALL_PKGS))

UNIT_OBJS := $(patsubst %.c,$(OBJDIR)/%.o,$(wildcard tests/unit/*.c))
ALL_OBJS += $(UNIT_OBJS)
# kept: make would otherwise delete them as intermediate files
.SECONDARY: $(UNIT_OBJS)

# A program with a leak, an overflow and undefined behaviour on demand, to
# show that the sanitizers report them here (tests/sanitizers.t).
CANARY := $(TREE)/tests/canary
$(CANARY): $(OBJDIR)/tests/sanitizers/canary.o
	$(call msg,LD,$@)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $<

# Under SANITIZE=1 every AddressSanitizer and LeakSanitizer report of every
# program the suite runs goes to a file of its own in SAN_LOGS (not to a
# stderr a test may have discarded), and check fails when there is any: a
# leak on an error path whose output no test looks at still fails the
# suite.  (GCC's UndefinedBehaviorSanitizer writes to stderr whatever
# log_path says.)  A program with a report exits with status 66, which no
# tool uses, so that a test expecting 0 or 1 notices it too.
SAN_LOGS := $(abspath $(TREE))/sanitizer-reports
# what each failing shell test said, one <test>.log each (tests/lib.sh)
FAILURES := $(abspath $(TREE))/test-failures
SAN_EXIT := 66

# VALGRIND=1 (optional, slow): the tests run the tools through valgrind's
# memcheck (invalid accesses, uninitialised values, definite leaks), by
# wrappers in $(TREE)/valgrind-bin that take the tools' place; reports go
# to SAN_LOGS as well.  The unit tests and the fuzz drivers run as they are.
VALGRIND ?=
TEST_BINDIR := $(BINDIR)
ifeq ($(VALGRIND),1)
TEST_BINDIR := $(TREE)/valgrind-bin
$(TEST_BINDIR)/%: $(BINDIR)/% | $(VALGRIND_DEPS_STAMP)
	$(Q)mkdir -p $(@D) && printf '%s\n' '#!/bin/sh' \
		'exec valgrind -q --error-exitcode=$(SAN_EXIT) --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file=$(SAN_LOGS)/valgrind.%p $(abspath $<) "$$@"' >$@ && \
		chmod +x $@
endif

# The independent decoders the tests compare txgen's output with: npm
# packages pinned by tests/node/package-lock.json, installed into $(BUILD).
NODE_DIR := $(BUILD)/node
NODE_STAMP := $(NODE_DIR)/.installed

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json | $(CHECK_DEPS_STAMP)
	$(call msg,NPM,$(NODE_DIR))mkdir -p $(NODE_DIR) && \
		cp tests/node/package.json tests/node/package-lock.json $(NODE_DIR)/ && \
		{ npm ci --prefix $(NODE_DIR) --no-audit --no-fund >$(NODE_DIR)/npm.log 2>&1 || \
		  { cat $(NODE_DIR)/npm.log >&2; exit 1; }; }
	@touch $@

# What the shell tests are told: where the sources and the tools are, and
# the arguments that make a nested `make` reuse these tools.
TEST_ENV = TOP='$(CURDIR)' BINDIR='$(abspath $(TEST_BINDIR))' SANITIZE='$(SANITIZE)' VALGRIND='$(VALGRIND)' \
	FUZZ_BIN='$(abspath $(FUZZ_BIN))' \
	NODE_PATH='$(abspath $(NODE_DIR))/node_modules' \
	TOOL_MAKEFLAGS='BINDIR=$(abspath $(TEST_BINDIR)) OBJDIR=$(abspath $(OBJDIR)) SANITIZE=$(SANITIZE)' \
	CANARY='$(abspath $(CANARY))' FAILURES='$(FAILURES)' \
	ASAN_OPTIONS='abort_on_error=0:detect_leaks=1:exitcode=$(SAN_EXIT)$(if $(SAN_FLAGS),:log_path=$(SAN_LOGS)/asan)' \
	UBSAN_OPTIONS='print_stacktrace=1:exitcode=$(SAN_EXIT)$(if $(SAN_FLAGS),:log_path=$(SAN_LOGS)/ubsan)'

.PHONY: check
check: tools $(UNIT_TESTS) $(FUZZERS) $(CANARY) $(NODE_STAMP) $(TOOLS:%=$(TEST_BINDIR)/%) \
		| $(CHECK_DEPS_STAMP)
	$(Q)rm -rf $(SAN_LOGS) $(FAILURES) && mkdir -p $(SAN_LOGS)
	$(call msg,PROVE,tests$(if $(SANITIZE), (sanitizers))$(if $(VALGRIND), (valgrind)))$(TEST_ENV) \
		prove -j$(PROVE_JOBS) --exec '' $(TESTS); \
	rc=$$?; \
	reports=$$(find $(SAN_LOGS) -type f -size +0); \
	if [ -n "$$reports" ]; then \
		for f in $$reports; do echo "==> $$f"; cat "$$f"; done >&2; \
		echo "check: the sanitizers reported $$(echo "$$reports" | wc -l) problem(s), above" >&2; \
		rc=1; \
	fi; \
	exit $$rc

# make e2e: the end-to-end test alone, on the real cluster KUBECONFIG names
# (tests/e2e.t; make check runs it too when K8S_E2E=1)
.PHONY: e2e
e2e:
	$(Q)K8S_E2E=1 $(MAKE) --no-print-directory check TESTS=tests/e2e.t
