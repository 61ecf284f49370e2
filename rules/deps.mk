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

$(DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,build libraries)$(SHELL) scripts/deps.sh build
	@mkdir -p $(@D) && touch $@

$(CHECK_DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,test tools)$(SHELL) scripts/deps.sh check
	@mkdir -p $(@D) && touch $@

$(FUZZ_DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,fuzzing)$(SHELL) scripts/deps.sh fuzz
	@mkdir -p $(@D) && touch $@

$(VALGRIND_DEPS_STAMP): scripts/deps.sh
	$(call msg,DEPS,valgrind)$(SHELL) scripts/deps.sh valgrind
	@mkdir -p $(@D) && touch $@

.PHONY: deps
deps:
	$(Q)$(SHELL) scripts/deps.sh build check
