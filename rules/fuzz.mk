# Fuzzing.  Each fuzz/<target>.c is a libFuzzer target (LLVMFuzzerTestOneInput)
# with a checked-in corpus fuzz/corpus/<target>/ and a dictionary
# fuzz/dict/<target>.dict.  Every target is built two ways:
#
#   $(TREE)/fuzzers/<target>  with fuzz/driver.c, a plain main() that replays
#       files; `make check` replays each corpus with it (and under
#       SANITIZE=1 with the sanitizers), no clang needed;
#   make fuzz [FUZZ_SECONDS=N]  builds the library and the targets with clang
#       (-fsanitize=fuzzer,address,undefined, into $(BUILD)/fuzz) and runs
#       each target for N seconds; make fuzz-<target> runs one.  New inputs
#       go to $(FUZZ_WORK)/corpus/<target>/, a crashing or hanging input to
#       $(FUZZ_WORK)/crashes/<target>/ (the run then fails), the fuzzer's
#       output to $(FUZZ_WORK)/<target>.log;
#   make fuzz-merge  adds to fuzz/corpus/ what the runs found that reaches
#       new code, for make check to replay.
FUZZ_TARGETS := $(sort $(patsubst fuzz/%.c,%,$(filter-out fuzz/driver.c,$(wildcard fuzz/*.c))))
FUZZ_SECONDS ?= 60
FUZZ_TIMEOUT ?= 20
FUZZ_BIN := $(TREE)/fuzzers
FUZZ_WORK := $(BUILD)/fuzz/work

ifeq ($(SANITIZE),fuzz)
FUZZ_MAIN :=
FUZZ_LDFLAGS := -fsanitize=fuzzer
else
FUZZ_MAIN := $(OBJDIR)/fuzz/driver.o
FUZZ_LDFLAGS :=
endif

define fuzz_rule
$$(FUZZ_BIN)/$(1): $$(OBJDIR)/fuzz/$(1).o $$(FUZZ_MAIN) $$(LIBA)
	$$(call msg,LD,$$@)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS) $$(SAN_FLAGS) $$(FUZZ_LDFLAGS) $$(LDFLAGS) -o $$@ \
		$$(filter %.o,$$^) $$(LIBA) $$(call pkg_libs,$$(LIB_PKGS) $$(ALL_PKGS))
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))
FUZZERS := $(FUZZ_TARGETS:%=$(FUZZ_BIN)/%)
-include $(patsubst %.c,$(OBJDIR)/%.d,$(wildcard fuzz/*.c))

.PHONY: fuzz fuzz-merge $(FUZZ_TARGETS:%=fuzz-%)
ifeq ($(SANITIZE),fuzz)
fuzz: $(FUZZ_TARGETS:%=fuzz-%)

# One target for FUZZ_SECONDS, then a line of figures from its final stats.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_BIN)/%
	$(Q)mkdir -p $(FUZZ_WORK)/corpus/$* $(FUZZ_WORK)/crashes/$*
	$(Q)before=$$(ls $(FUZZ_WORK)/corpus/$* | wc -l); \
	if $(FUZZ_BIN)/$* -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) \
		-rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_WORK)/crashes/$*/ \
		$(if $(wildcard fuzz/dict/$*.dict),-dict=fuzz/dict/$*.dict) \
		$(FUZZ_WORK)/corpus/$* fuzz/corpus/$* >$(FUZZ_WORK)/$*.log 2>&1; then \
		awk -v t=$* -v before=$$before -v after=$$(ls $(FUZZ_WORK)/corpus/$* | wc -l) \
			'/^stat::number_of_executed_units:/ {runs = $$2} \
			 /^stat::average_exec_per_sec:/ {rate = $$2} \
			 / cov: / {for (i = 1; i < NF; i++) if ($$i == "cov:") cov = $$(i + 1)} \
			 END {printf "  %-7s %s: %d runs (%d/s), coverage %d edges, %d new inputs\n", \
				"FUZZ", t, runs, rate, cov, after - before}' $(FUZZ_WORK)/$*.log; \
	else \
		tail -n 40 $(FUZZ_WORK)/$*.log >&2; \
		echo "fuzz-$*: failed; the input is in $(FUZZ_WORK)/crashes/$*/ (log: $(FUZZ_WORK)/$*.log)" >&2; \
		exit 1; \
	fi

# The inputs of FUZZ_WORK that reach edges fuzz/corpus/ does not, added to
# it (libFuzzer's merge, named by their SHA-1).  Edges only: with the hit
# counters too, an hour of fuzzing would add thousands of inputs.
fuzz-merge: $(FUZZERS)
	$(Q)for t in $(FUZZ_TARGETS); do \
		[ -d $(FUZZ_WORK)/corpus/$$t ] || continue; \
		before=$$(ls fuzz/corpus/$$t | wc -l); \
		$(FUZZ_BIN)/$$t -merge=1 -use_counters=0 -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=2048 -close_fd_mask=3 \
			fuzz/corpus/$$t $(FUZZ_WORK)/corpus/$$t >$(FUZZ_WORK)/$$t-merge.log 2>&1 || \
			{ tail -n 20 $(FUZZ_WORK)/$$t-merge.log >&2; exit 1; }; \
		echo "  MERGE   fuzz/corpus/$$t: $$before -> $$(ls fuzz/corpus/$$t | wc -l) inputs"; \
	done
else
# build and run in the fuzz tree, with clang
fuzz fuzz-merge $(FUZZ_TARGETS:%=fuzz-%): | $(FUZZ_DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory SANITIZE=fuzz $@
endif
