# The tools: tools/<name>.c (or tools/<name>/*.c) linked against the shared
# library built from lib/*.c.  Adding a tool is one word in TOOLS, plus its
# pkg-config packages in PKGS_<name> when it needs more than libyaml.
TOOLS := yaml2vars render mksecret mspgen txgen kapply
PKGS_mspgen := openssl
PKGS_txgen := openssl
PKGS_kapply := libcurl

# How rules reach the cluster: kapply reads $(KUBECONFIG) as kubectl does (a
# ':'-separated list, else ~/.kube/config, else the pod's service account)
# and uses $(CONTEXT), or the kubeconfig's current-context when it is empty.
CONTEXT ?=
ifneq ($(KUBECONFIG),)
export KUBECONFIG
endif
KAPPLY = $(BINDIR)/kapply$(if $(CONTEXT), --context $(CONTEXT))

# SANITIZE=1 builds into a tree of its own, so the two never mix;
# SANITIZE=fuzz (what `make fuzz` runs) is a third tree, built by clang with
# its fuzzer instrumentation on top of the sanitizers (rules/fuzz.mk).
TREE := $(BUILD)$(if $(filter 1,$(SANITIZE)),/san)$(if $(filter fuzz,$(SANITIZE)),/fuzz)
BINDIR := $(TREE)/bin
OBJDIR := $(TREE)/obj

CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
FUZZ_CC ?= clang
ifeq ($(SANITIZE),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(SANITIZE),fuzz)
override CC = $(FUZZ_CC)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
endif
WARN_FLAGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude
# every tool reads YAML; more packages per tool through PKGS_<name>
LIB_PKGS := yaml-0.1

LIB_OBJS := $(patsubst %.c,$(OBJDIR)/%.o,$(wildcard lib/*.c))
LIBA := $(OBJDIR)/libfabk8s.a

$(OBJDIR)/%.o: %.c | $(DEPS_STAMP)
	$(call msg,CC,$<)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(WARN_FLAGS) $(CFLAGS) $(SAN_FLAGS) \
		$(call pkg_cflags,$(LIB_PKGS) $(ALL_PKGS)) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	$(call msg,AR,$@)rm -f $@ && ar rcs $@ $^

# $(call tool_rule,name): the link rule of one tool
define tool_rule
$(1)_OBJS := $$(patsubst %.c,$$(OBJDIR)/%.o,$$(wildcard tools/$(1).c tools/$(1)/*.c))
ALL_OBJS += $$($(1)_OBJS)
$$(BINDIR)/$(1): $$($(1)_OBJS) $$(LIBA)
	$$(call msg,LD,$$@)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS) $$(SAN_FLAGS) $$(LDFLAGS) -o $$@ $$($(1)_OBJS) $$(LIBA) \
		$$(call pkg_libs,$$(LIB_PKGS) $$(PKGS_$(1)))
endef
ALL_OBJS := $(LIB_OBJS)
ALL_PKGS = $(sort $(foreach t,$(TOOLS),$(PKGS_$(t))))
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

.PHONY: tools
tools: $(TOOLS:%=$(BINDIR)/%)

-include $(ALL_OBJS:.o=.d)

CLEAN_DIRS += $(BUILD)/bin $(BUILD)/obj $(BUILD)/san $(BUILD)/fuzz $(BUILD)/fuzzers
