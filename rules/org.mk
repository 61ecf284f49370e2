# What one org is.  The GNUmakefile evaluates org_rules once per org of
# network.mk, the way Buildroot closes each package with $(eval ...):
# `make <domain>` brings that org's generated files up to date.
MANIFESTS_DIR := $(BUILD)/manifests

# $(call render_rule,org,template-name): one manifest from one template
define render_rule
$$(MANIFESTS_DIR)/$(1)/$(2): templates/$(2) $$(VARS_DIR)/$(1).vars $$(BINDIR)/render
	$$(call msg,RENDER,$(1)/$(2))mkdir -p $$(@D)
	$$(Q)$$(BINDIR)/render -f $$(VARS_DIR)/$(1).vars -o $$@ templates/$(2)
endef

define org_rules
$(1)_MANIFESTS := $$(MANIFESTS_DIR)/$(1)/namespace.yaml
$$(eval $$(call render_rule,$(1),namespace.yaml))

.PHONY: $(1)
$(1): $$(VARS_DIR)/$(1).vars $$($(1)_MANIFESTS)
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))

CLEAN_DIRS += $(MANIFESTS_DIR)
