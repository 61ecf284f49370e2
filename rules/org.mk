# What one org is.  `make <domain>-files` brings that org's generated files
# up to date: its vars, its MSP (rules/msp.mk) and its manifests
# (rules/manifests.mk); `make <domain>` does that and applies the org to the
# cluster (rules/deploy.mk).  `make` alone only generates, for every org.
define org_rules
.PHONY: $(1) $(1)-files
$(1)-files: $$(VARS_DIR)/$(1).vars $$(STAMP_DIR)/$(1).msp $$($(1)_MANIFESTS)
$(1): $(1)-files $$(call ready_stamp,$(1))
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))
