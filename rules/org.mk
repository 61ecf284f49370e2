# What one org is.  The GNUmakefile evaluates org_rules once per org of
# network.mk, the way Buildroot closes each package with $(eval ...):
# `make <domain>` brings that org's generated files up to date.
define org_rules
.PHONY: $(1)
$(1): $$(VARS_DIR)/$(1).vars $$(STAMP_DIR)/$(1).msp
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))
