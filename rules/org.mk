# What one org is.  `make <domain>` brings that org's generated files up to
# date: its vars, its MSP (rules/msp.mk) and its manifests (rules/manifests.mk).
define org_rules
.PHONY: $(1)
$(1): $$(VARS_DIR)/$(1).vars $$(STAMP_DIR)/$(1).msp $$($(1)_MANIFESTS)
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))
