# The libraries the tools are built on, found through pkg-config.  The first
# build checks for them once; scripts/deps.sh installs what is missing with
# apt-get when run as root, or stops with the exact command to run.
DEPS_STAMP := $(BUILD)/.deps-build
CHECK_DEPS_STAMP := $(BUILD)/.deps-check
FUZZ_DEPS_STAMP := $(BUILD)/.deps-fuzz
VALGRIND_DEPS_STAMP := $(BUILD)/.deps-valgrind

# Expanded when a recipe runs, i.e. after the dependency check.
pkg_cflags = $(shell pkg-config --cflags $(1))
pkg_libs = $(shell pkg-config --libs $(1))

# each set checked once: build, check (the tests), fuzz, valgrind (a
# static pattern: the stamps are targets of their own, never intermediate)
$(DEPS_STAMP) $(CHECK_DEPS_STAMP) $(FUZZ_DEPS_STAMP) $(VALGRIND_DEPS_STAMP): $(BUILD)/.deps-%: scripts/deps.sh
	$(call msg,DEPS,$*)$(SHELL) scripts/deps.sh $*
	@mkdir -p $(@D) && touch $@

.PHONY: deps
deps:
	$(Q)$(SHELL) scripts/deps.sh build check
