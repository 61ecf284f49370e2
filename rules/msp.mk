# Each org's MSP (mspgen, cryptogen's drop-in): the crypto material of org
# <domain> lives in $(CRYPTO_DIR)/{ordererOrganizations,peerOrganizations}/<domain>/
# and $(STAMP_DIR)/<domain>.msp is touched once it is complete.  Each node's
# TLS certificate also names <hostname>.<namespace>, the node's Service in
# the cluster (rules/vars.mk), so that TLS hostname checks pass there.  The stamp
# depends on that org's vars file only (and on mspgen), so editing one org
# regenerates nothing of the others, and make -j runs orgs in parallel
# (mspgen builds each org, and each new node, in a directory of its own
# and renames it into place).  extend never replaces a key: it adds the
# nodes and users that are missing and generates an org that is missing.
CRYPTO_DIR := $(BUILD)/crypto-config
MSPGEN = $(BINDIR)/mspgen
# $(call org_dir,org): the org's tree in the crypto output
org_dir = $(CRYPTO_DIR)/$(if $(filter peer,$($(1)_TYPE)),peerOrganizations,ordererOrganizations)/$(1)

# With external endpoints each node's TLS certificate names its external
# host too (extend issues an existing node's again, with its key, when its
# names change: rules/options.mk).
external_san = $(if $(filter NodePort,$(SERVICE_TYPE)),--san='$(EXTERNAL_HOST)',$(if \
	$(filter LoadBalancer,$(SERVICE_TYPE)),--san='{{.Hostname}}.$($(1)_NAMESPACE).$(EXTERNAL_HOST)'))
$(STAMP_DIR)/%.msp: $(VARS_DIR)/%.vars $(call tool,mspgen)
	$(call msg,MSP,$*)mkdir -p $(@D) && \
		$(MSPGEN) extend --config=$($*_CRYPTO_CONFIG) --input=$(CRYPTO_DIR) --org=$* \
		--san='{{.Hostname}}.$($*_NAMESPACE)' $(call external_san,$*) >/dev/null
	$(Q)touch $@

# every org's MSP, and nothing else
.PHONY: msp
msp: $(foreach o,$(ORGS),$(call msp_stamp,$(o)))

# Certificate upkeep: list what expires (DAYS=N: within N days), or issue
# again with the same keys (ORG=<domain> for one org).  renew touches the
# stamps so that whatever is made from the MSP is made again.
DAYS ?=
ORG ?=
MSP_SELECT = $(if $(ORG),--org=$(or $(call org_named,$(ORG)),$(ORG))) $(if $(DAYS),--days=$(DAYS))

.PHONY: expiry renew
expiry: $(BINDIR)/mspgen
	$(Q)$(MSPGEN) expiry --input=$(CRYPTO_DIR) $(MSP_SELECT)

renew: $(BINDIR)/mspgen
	$(call msg,RENEW,$(or $(ORG),every org)$(if $(DAYS), (expiring within $(DAYS) days)))$(MSPGEN) renew --input=$(CRYPTO_DIR) $(MSP_SELECT)
	$(Q)for s in $(if $(ORG),$(call org_named,$(ORG)),$(ORGS)); do \
		if [ -f $(STAMP_DIR)/$$s.msp ]; then touch $(STAMP_DIR)/$$s.msp; fi; done
