# What one org is.  `make <domain>-files` brings that org's generated files
# up to date: its vars, its MSP (rules/msp.mk) and its manifests
# (rules/manifests.mk); `make <domain>` does that and applies the org to the
# cluster (rules/deploy.mk).  `make` alone only generates, for every org.
# Each target also answers to the org's aliases (rules/vars.mk): `make org1`
# for org1.example.com, and so do org1-plan, org1-status and the rest.
define org_rules
.PHONY: $(1) $(1)-files
$(1)-files: $$(VARS_DIR)/$(1).vars $$(call msp_stamp,$(1)) $$($(1)_MANIFESTS) $$($(1)_CLUSTER_MANIFESTS)
$(1): $(1)-files $$(call ready_stamp,$(1))
endef
$(foreach org,$(ORGS),$(eval $(call org_rules,$(org))))

# $(call alias_rules,org,alias)
define alias_rules
.PHONY: $(2) $(2)-files $(2)-plan $(2)-status $(2)-reconcile $(2)-clean-cluster $(2)-kubeconfig $(2)-export
$(2): $(1)
$(2)-files: $(1)-files
$(2)-plan: $(1)-plan
$(2)-status: $(1)-status
$(2)-reconcile: $(1)-reconcile
$(2)-clean-cluster: $(1)-clean-cluster
$(2)-kubeconfig: $(1)-kubeconfig
$(2)-export: $(1)-export
endef
$(foreach org,$(ORGS),$(foreach a,$($(org)_ALIASES),$(eval $(call alias_rules,$(org),$(a)))))

# (rules/defs.mk: a .vars deleted alone is made again)
$(foreach y,$(sort $(SECRET_PAIRS)),$(eval $(call vars_of,$(y))))
