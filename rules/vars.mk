# crypto-config.yaml (and configtx.yaml's MSP IDs) -> $(VARS_DIR)/network.mk and
# one $(VARS_DIR)/<org>.vars per org.  yaml2vars rewrites an org's file only
# when its content changes, so everything that depends on it stays put when
# another org is edited.  network.mk is included: Make remakes it when the
# inputs change and then restarts with the new org lists.
VARS_DIR := $(BUILD)/vars
YAML2VARS = $(strip $(BINDIR)/yaml2vars $(if $(wildcard $(CONFIGTX)),-c $(CONFIGTX)) \
	$(if $(filter NodePort,$(SERVICE_TYPE)),-p $(NODEPORT_BASE)) -o $(VARS_DIR) $(CRYPTO_CONFIG))

# the options decide whether node ports are assigned
$(VARS_DIR)/network.mk: $(CRYPTO_CONFIG) $(wildcard $(CONFIGTX)) $(BINDIR)/yaml2vars $(OPTIONS_VARS)
	$(call msg,VARS,$(CRYPTO_CONFIG))$(YAML2VARS) && touch $@

# A vars file has no prerequisites of its own (network.mk's rule keeps it
# current); this only brings back one that was deleted.
$(VARS_DIR)/%.vars: | $(BINDIR)/yaml2vars
	$(call msg,VARS,$(CRYPTO_CONFIG))$(YAML2VARS)
	@test -f $@ || { echo "$@: no org with domain $* in $(CRYPTO_CONFIG)" >&2; exit 1; }

ifndef SKIP_NETWORK
include $(VARS_DIR)/network.mk
endif
ORGS := $(ORDERER_ORGS) $(PEER_ORGS)

.PHONY: vars
vars: $(VARS_DIR)/network.mk $(ORGS:%=$(VARS_DIR)/%.vars)

CLEAN_DIRS += $(VARS_DIR)
