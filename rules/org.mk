# What one org is.  `make <domain>` brings that org's generated files up to
# date: its vars and its manifests (rules/manifests.mk).  The manifests of
# nodes need the org's MSP, which the mspgen rules provide; until those
# exist the org target stops at its namespace.
define org_rules
.PHONY: $(1)
$(1): $$(VARS_DIR)/$(1).vars $$(MANIFESTS_DIR)/$(1)/namespace.yaml
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))
