# The tools: tools/<name>.c (or tools/<name>/*.c) linked against the shared
# library built from lib/*/*.c.  Adding a tool is one word in TOOLS, plus its
# pkg-config packages in PKGS_<name> when it needs more than libyaml.
TOOLS := yaml2vars render mksecret mspgen txgen kapply connprofile caclient
PKGS_mspgen := openssl
PKGS_txgen := openssl
PKGS_mksecret := openssl
PKGS_kapply := libcurl
PKGS_caclient := openssl libcurl

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
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
	-DPEER_PORT=$(PEER_PORT) -DORDERER_PORT=$(ORDERER_PORT) -DCA_PORT=$(CA_PORT) -DMANAGED_BY_VALUE='"$(MANAGED_BY)"'
# every tool reads YAML; more packages per tool through PKGS_<name>
LIB_PKGS := yaml-0.1

# lib/, by subsystem: base (strings, files, base64, JSON, durations,
# subcommand tables), yaml (YAML trees, vars, templates), x509 (DER,
# certificates), fabric (protobuf, policies, MSPs, configtx profiles and
# config trees, blocks), network (crypto-config.yaml, the network as the
# cluster holds it), k8s (kubeconfig, the API client, manifests), ca
# (Fabric CA's API); each subsystem's headers in include/<subsystem>/
LIB_OBJS := $(patsubst %.c,$(OBJDIR)/%.o,$(wildcard lib/*/*.c))
LIBA := $(OBJDIR)/libfabk8s.a

# Every object is compiled with the same flags, recorded in $(COMPILE_CMD):
# a change of CC, CFLAGS or SANITIZE's flags compiles everything again, and
# LDFLAGS relinks.
COMPILE = $(CC) $(BASE_CFLAGS) $(WARN_FLAGS) $(CFLAGS) $(SAN_FLAGS)
LINK = $(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS)
COMPILE_CMD := $(OBJDIR)/compile.cmd
LINK_CMD := $(OBJDIR)/link.cmd
$(COMPILE_CMD): $(call changed,$(COMPILE_CMD),$(COMPILE))
	$(Q)mkdir -p $(@D) && $(call record,$@,$(COMPILE))
$(LINK_CMD): $(call changed,$(LINK_CMD),$(LINK))
	$(Q)mkdir -p $(@D) && $(call record,$@,$(LINK))

$(OBJDIR)/%.o: %.c $(COMPILE_CMD) | $(DEPS_STAMP)
	$(call msg,CC,$<)mkdir -p $(@D)
	$(Q)$(COMPILE) $(call pkg_cflags,$(LIB_PKGS) $(ALL_PKGS)) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	$(call msg,AR,$@)rm -f $@ && ar rcs $@ $^

# $(call tool_rule,name): the link rule of one tool
define tool_rule
$(1)_OBJS := $$(patsubst %.c,$$(OBJDIR)/%.o,$$(wildcard tools/$(1).c tools/$(1)/*.c))
ALL_OBJS += $$($(1)_OBJS)
$$(BINDIR)/$(1): $$($(1)_OBJS) $$(LIBA) $$(LINK_CMD)
	$$(call msg,LD,$$@)mkdir -p $$(@D)
	$$(Q)$$(LINK) -o $$@ $$($(1)_OBJS) $$(LIBA) \
		$$(call pkg_libs,$$(LIB_PKGS) $$(PKGS_$(1)))
endef
ALL_OBJS := $(LIB_OBJS)
ALL_PKGS = $(sort $(foreach t,$(TOOLS),$(PKGS_$(t))))
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

.PHONY: tools
tools: $(TOOLS:%=$(BINDIR)/%)

# A tool is no prerequisite of what it makes: relinking it (a touched
# source, make clean) changes nothing it does.  What it does is its source:
# a digest of the library's and the tool's sources, recorded in
# $(TOOL_SUMS)/<tool>.sum when it changes.  Data steps depend on that record
# and need the binary only to exist: the record waits for it (order-only),
# and so whatever depends on the record.
#   target: inputs $(call tool,txgen)
TOOL_SUMS := $(BUILD)/stamps/tools
# (one cksum for every source: "path:crc:size" words; a tool's digest is
# the library's, the ports it is compiled with, and its own)
SOURCE_SUMS := $(if $(SKIP_NETWORK),,$(shell cksum templates/constants.vars include/*/*.h lib/*/*.c $(wildcard tools/*.c \
	tools/*/*.c tools/*/*.h) | awk '{ print $$3 ":" $$1 ":" $$2 }'))
tool_digest = $(filter templates/constants.vars:% include/% lib/% tools/$(1).c:% tools/$(1)/%,$(SOURCE_SUMS))
tool_sum = $(TOOL_SUMS)/$(1).sum
tool = $(call tool_sum,$(1))

define tool_sum_rule
$(call tool_sum,$(1)): $(call changed,$(call tool_sum,$(1)),$(call tool_digest,$(1))) | $(BINDIR)/$(1)
	$(Q)mkdir -p $$(@D) && $(call record,$$@,$(call tool_digest,$(1)))
endef
$(foreach t,$(TOOLS),$(eval $(call tool_sum_rule,$(t))))

-include $(ALL_OBJS:.o=.d)

CLEAN_DIRS += $(BUILD)/bin $(BUILD)/obj $(BUILD)/san $(BUILD)/fuzz $(BUILD)/fuzzers
