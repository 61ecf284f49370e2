# crypto-config.yaml (one file or several: CRYPTO_CONFIG is a list, merged
# as one network) and configtx.yaml -> $(VARS_DIR)/network.mk, one
# $(VARS_DIR)/<org>.vars per org, and the cluster's copy of configtx.yaml,
# $(TXGEN_CONFIG) (rules/artifacts.mk says what changes in it).  yaml2vars
# rewrites a file only when its content changes, so everything that depends
# on an org's vars stays put when another org is edited.  network.mk is
# included: Make remakes it when the inputs change and then restarts with
# the new org lists.
#
# Each org is deployed to a namespace: its domain in lower case, dots as
# dashes (org1.example.com -> org1-example-com), unless NAMESPACES names
# another ("org1.example.com=team1 ...").  Each node is a Service there,
# reached in the cluster at <hostname>.<namespace>: mspgen adds that name to
# its TLS certificate (rules/msp.mk), and the copy of configtx.yaml uses it.
VARS_DIR := $(BUILD)/vars
TXGEN_CONFIG := $(BUILD)/configtx.yaml
# what the copy lacks, when configtx.yaml names an org that is neither in
# CRYPTO_CONFIG nor imported (rules/import.mk): then there is no copy
CONFIGTX_LACKS := $(VARS_DIR)/configtx.lacks
NAMESPACES ?=
# (the imported orgs' org.vars are $(1): rules/import.mk)
yaml2vars_cmd = $(strip $(BINDIR)/yaml2vars \
	$(if $(wildcard $(CONFIGTX)),-c $(CONFIGTX) -w $(TXGEN_CONFIG) -x $(CONFIGTX_LACKS) -m crypto-config) $(1) \
	$(addprefix -n ,$(NAMESPACES)) $(if $(filter NodePort,$(SERVICE_TYPE)),-p $(NODEPORT_BASE) -e $(EXTERNAL_HOST)) \
	$(if $(filter LoadBalancer,$(SERVICE_TYPE)),-d $(EXTERNAL_HOST)) -r '$(GOALS)' \
	-o $(VARS_DIR) $(CRYPTO_CONFIG))
YAML2VARS = $(call yaml2vars_cmd,$(IMPORT_ARGS))

# The options it takes (the namespaces, node ports, the external host) and
# the files' names are recorded (rules/defs.mk): other ones, or another
# CONFIGTX or CRYPTO_CONFIG (an older file, which no timestamp shows), make
# it again.  (Not the whole of options.vars: that is written only once
# network.mk is current, after what it says was checked: GNUmakefile.)
# Without a CONFIGTX the copy of an earlier one goes, so that what needs it
# says the file is missing.
# A dry run does not remake it (make would, before reading it, even with -n).
NETWORK_INPUTS = $(CRYPTO_CONFIG) $(wildcard $(CONFIGTX)) NAMESPACES=$(NAMESPACES) SERVICE_TYPE=$(SERVICE_TYPE) \
	NODEPORT_BASE=$(NODEPORT_BASE) EXTERNAL_HOST=$(EXTERNAL_HOST) IMPORT=$(IMPORT)
network_changed := $(call changed,$(call cmd_file,$(VARS_DIR)/network.mk),$(NETWORK_INPUTS))
ifndef DRY_RUN
$(VARS_DIR)/network.mk: $(CRYPTO_CONFIG) $(wildcard $(CONFIGTX)) $(IMPORT) $(call tool,yaml2vars) \
		$(network_changed)
	$(call msg,VARS,$(CRYPTO_CONFIG))$(if $(IMPORT)$(wildcard $(IMPORT_DIR)),$(with_imports),$(YAML2VARS)) && \
		$(call record,$(call cmd_file,$@),$(NETWORK_INPUTS)) && touch $@
	$(if $(wildcard $(CONFIGTX)),,$(Q)rm -f $(TXGEN_CONFIG) $(CONFIGTX_LACKS))
endif

# A vars file, or the copy of configtx.yaml, has no prerequisites of its
# own (network.mk's rule keeps it current); this only brings back one that
# was deleted.
$(VARS_DIR)/%.vars: | $(BINDIR)/yaml2vars
	$(call msg,VARS,$(CRYPTO_CONFIG))$(YAML2VARS)
	@test -f $@ || { echo "$@: no org with domain $* in $(CRYPTO_CONFIG)" >&2; exit 1; }
$(TXGEN_CONFIG): | $(BINDIR)/yaml2vars
	@test -f $(CONFIGTX) || { echo "make: CONFIGTX=$(CONFIGTX): no such file" >&2; exit 1; }
	@! test -s $(CONFIGTX_LACKS) || { sed 's/^/make: /' $(CONFIGTX_LACKS) >&2; exit 1; }
	$(call msg,VARS,$(CONFIGTX))$(YAML2VARS)

ifndef SKIP_NETWORK
ifdef DRY_RUN
-include $(VARS_DIR)/network.mk
else
include $(VARS_DIR)/network.mk
endif
endif
# Is network.mk newer than the files it is made from?  Until it is, make
# remakes it and restarts before it builds anything, so the checks of what
# it says (a profile, an ORG=) wait for that: they would judge old lists.
NETWORK_CURRENT := $(if $(SKIP_NETWORK)$(network_changed),,$(if $(wildcard $(VARS_DIR)/network.mk),$(if $(shell \
	find $(CRYPTO_CONFIG) $(wildcard $(CONFIGTX)) $(IMPORT) -newer $(VARS_DIR)/network.mk 2>/dev/null),,1)))
# A dry run cannot say what new vars would change: it says that they come first.
ifdef DRY_RUN
ifeq ($(NETWORK_CURRENT)$(SKIP_NETWORK),)
stale_vars := the vars are older than $(CRYPTO_CONFIG)$(if $(wildcard $(CONFIGTX)), or $(CONFIGTX)), or were made
stale_vars += with other options: make would first make them again (yaml2vars), then judge the rest on the
stale_vars += new ones; below, what the old ones need
$(info make: $(stale_vars))
endif
endif
ORGS := $(ORDERER_ORGS) $(PEER_ORGS)
# $(call org_named,name): the org a name means, by its domain or an alias
# (its namespace, or the first label of its domain when no other org has it)
org_named = $(or $(filter $(1),$(ORGS)),$(firstword $(foreach o,$(ORGS),$(if $(filter $(1),$($(o)_ALIASES)),$(o)))))
# $(call msp_org,MSP ID): the org with that MSP ID
msp_org = $(firstword $(foreach o,$(ORGS),$(if $(filter $(1),$($(o)_MSP_ID)),$(o))))

.PHONY: vars
vars: $(VARS_DIR)/network.mk $(ORGS:%=$(VARS_DIR)/%.vars)

CLEAN_DIRS += $(VARS_DIR)
