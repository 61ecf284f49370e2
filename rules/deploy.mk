# The cluster side: kapply applies each org's manifests with server-side
# apply, prunes what the org no longer renders, and touches the org's stamp
# $(STAMP_DIR)/<domain>.applied only once all of it succeeded.  An org whose
# manifests did not change is not applied again: no request at all.
#
#   make <domain>       generate what changed for that org, then apply it
#   make deploy         every org, orderer orgs first
#   make plan           what deploy would create, change or delete (dry run)
#                       (with SCOPE=cluster, the cluster step's objects too)
#   make status         each org's workloads, how ready they are, and what of
#                       the org the cluster lacks or has changed (drift)
#   make reconcile      deploy, then put back what the cluster lacks or changed
#   make clean-cluster  delete what deploy (and chaincode) created, every org at once, and wait
#   make clean-crypto   delete the crypto material (asks for CONFIRM=1)
# (KUBECONFIG, CONTEXT and $(KAPPLY) come from rules/tools.mk)
WAIT ?= 0
WAIT_TIMEOUT ?= 5m
# what prune finds of an org: its label (every template sets it); of that,
# the org's own objects are those of its namespace that the cluster step
# (rules/cluster.mk) did not make
org_selector = app.kubernetes.io/managed-by=$(MANAGED_BY),fabric-k8s/org=$($(1)_NAMESPACE)
own_prune = -n $($(1)_NAMESPACE) -l '$(org_selector),!fabric-k8s/scope'
# with SCOPE=cluster, plan shows the cluster step too
plan_manifests = $(if $(filter cluster,$(SCOPE)),$($(1)_CLUSTER_MANIFESTS)) $($(1)_MANIFESTS)

# the manifests of what an org rendered before and no longer does
gone_manifests = $(filter-out $($(1)_MANIFESTS) %.vars,$(wildcard $(MANIFESTS_DIR)/$(1)/*))
# An orderer that is gone from crypto-config.yaml but is still a raft
# consenter of the channel, as make channel last left it
# (RECONCILED_CONSENTERS, rules/channel-config.mk), stays until make
# channel took it out of the consenters: while it runs, the others keep
# the quorum they need to agree that it left.  Its org is applied, pruning
# nothing, and marked <org>.prune-waits; make channel then applies it
# again, once the channel's consenters are what configtx.yaml declares.
# The file says "RECONCILED_CONSENTERS := <org>/<hostname> ..." (from
# yaml2vars' <org>_CONSENTERS); clean-cluster forgets it.
RECONCILED_CONSENTERS_FILE := $(BUILD)/channel/$(CHANNEL)/consenters.mk
-include $(RECONCILED_CONSENTERS_FILE)
# $(call consenters_gone,org): those nodes of org
consenters_gone = $(patsubst $(1)/%,%,$(filter \
	$(addprefix $(1)/,$(basename $(notdir $(filter %.yaml,$(call gone_manifests,$(1)))))),$(RECONCILED_CONSENTERS)))
# the end of an org's apply: it keeps those nodes (marked, pruning
# nothing) or prunes what it no longer renders
define keep_consenters
	@echo "make: $(1) keeps $(call consenters_gone,$(1)) for now: $(CHANNEL)'s consenters still name them;" \
		"make channel takes out the consenters configtx.yaml no longer lists, then removes them"
	$(Q)touch $(STAMP_DIR)/$(1).prune-waits $@
endef
define prune_org
	$(Q)$(KAPPLY) prune -q $(call own_prune,$(1)) $(addprefix -f ,$($(1)_MANIFESTS)) && \
		rm -f $(call gone_manifests,$(1)) $(STAMP_DIR)/$(1).prune-waits && touch $@
endef

# Drift: the stamps say what make sent, not what the cluster still has.
# status compares each object with its manifest (kapply reconcile
# --dry-run: a GET and a server-side dry run each) and names what is absent
# or changed; reconcile sends those, and only those.  A node whose ledger
# claim had to be made anew starts with an empty ledger: its org's join
# and install stamps go, so that make channel chaincode joins it again (it
# then catches up from the others) and installs the chaincode again.  An
# orderer that was the network's only one has no other to catch up from:
# make says so and stops, before it makes an empty claim.
define drift_report
	out=$$($(KAPPLY) reconcile --dry-run $(addprefix -f ,$(call plan_manifests,$(1)))) || exit 1; \
	if printf '%s\n' "$$out" | grep -q '^absent\|^drifted'; then \
		printf '%s\n' "$$out" | grep '^absent\|^drifted'; \
		echo "make: $(1) is not what its manifests say: make $(1)-reconcile puts it back"; \
	else echo "$(1): every object as its manifests say"; fi
endef
# $(call ledger_claims,word[,file]): the lines of kapply's output (file, else
# stdin) starting with word (created, absent) that name a node's ledger
# claim (the CA's holds no ledger)
ledger_claims = grep '^$(1) .*/PersistentVolumeClaim/' $(2) | grep -v '/ca-data$$'
define ledger_renewed
	if $(call ledger_claims,created,$(STAMP_DIR)/$(1).reconciled) >/dev/null; then \
		echo "make: $(1): a node's ledger claim was made anew, empty: make channel chaincode joins it again" \
			"(it catches up from the others) and installs the chaincode again"; \
		rm -f $(wildcard $(STAMP_DIR)/channel-*/$(1) $(STAMP_DIR)/chaincode-*/install-$(1)); \
	fi
endef
# the network's only orderer: none other holds the channel's blocks, so
# its lost ledger claim is not made anew (asked before anything is sent)
sole_orderer = $(and $(filter orderer,$($(1)_TYPE)),$(filter 1,$(words $(foreach o,$(ORDERER_ORGS),$($(o)_NODE_HOSTS)))))
define sole_ledger_kept
	if $(KAPPLY) reconcile --dry-run $(addprefix -f ,$(filter %-data.yaml,$($(1)_MANIFESTS))) | \
		$(call ledger_claims,absent) >/dev/null; then \
		echo "make: the network's only orderer lost its ledger (its claim is gone): no other orderer" \
			"holds the channel's blocks.  Restore the claim's volume from a backup; make reconcile" \
			"makes no empty one (joining it to $(CHANNEL) again would start another chain)." >&2; exit 1; \
	fi
endef

# $(call deploy_rules,org)
define deploy_rules
$$(call applied_stamp,$(1)): $$($(1)_MANIFESTS) \
		$$(if $$(wildcard $$(STAMP_DIR)/$(1).prune-waits),$$(wildcard $$(RECONCILED_CONSENTERS_FILE))) | $$(BINDIR)/kapply
	$$(if $$(call roll_wanted,$(1)),$$(call roll_nodes,$(1)))
	$$(call msg,APPLY,$(1))$$(KAPPLY) apply -q $$(addprefix -f ,$$($(1)_MANIFESTS))
	$$(if $$(call consenters_gone,$(1)),$$(call keep_consenters,$(1)),$$(call prune_org,$(1)))
	$$(Q)printf '%s %s\n' $$(FABRIC_VERSION) $$(CHANNEL_FLOW) > $$(call live_record,$(1))
$$(STAMP_DIR)/$(1).ready: $$(call applied_stamp,$(1))
	$$(call msg,WAIT,$(1))$$(KAPPLY) wait -q --timeout $$(WAIT_TIMEOUT) $$(addprefix -f ,$$($(1)_MANIFESTS))
	$$(Q)touch $$@

.PHONY: $(1)-plan $(1)-status $(1)-reconcile $(1)-clean-cluster
$(1)-plan: $$(call plan_manifests,$(1)) $$(BINDIR)/kapply
	$$(Q)$$(call roll_plan,$(1)) true
	$$(call msg,PLAN,$(1))$$(KAPPLY) diff $$(addprefix -f ,$$(call plan_manifests,$(1)))
	$$(Q)$$(KAPPLY) prune --dry-run $$(call own_prune,$(1)) $$(addprefix -f ,$$($(1)_MANIFESTS))
ifeq ($$(SCOPE),cluster)
	$$(Q)$$(KAPPLY) prune --dry-run -l $$(call cluster_selector,$(1)) $$(addprefix -f ,$$($(1)_CLUSTER_MANIFESTS))
endif
$(1)-status: $$($(1)_MANIFESTS) $$(BINDIR)/kapply
	$$(Q)echo "$(1):" && $$(KAPPLY) get $$(addprefix -f ,$$(filter-out %-crypto.yaml %/genesis.yaml \
		%-data.yaml %/nfs.yaml %/couchdb-secret.yaml,$$($(1)_MANIFESTS)))
	$$(Q)$$(call drift_report,$(1))
# make <org>-reconcile: the org as make deploy leaves it, then whatever is
# absent from the cluster or changed there put back (see reconcile below)
$(1)-reconcile: $$(call applied_stamp,$(1)) $$(BINDIR)/kapply
	$$(if $$(call sole_orderer,$(1)),$$(Q)$$(call sole_ledger_kept,$(1)))
	$$(call msg,RECONCILE,$(1))$$(KAPPLY) reconcile $$(addprefix -f ,$$(call plan_manifests,$(1))) >$$(STAMP_DIR)/$(1).reconciled || \
		{ cat $$(STAMP_DIR)/$(1).reconciled; exit 1; }
	$$(Q)grep -v '^reconciled: ' $$(STAMP_DIR)/$(1).reconciled || true
	$$(Q)$$(call ledger_renewed,$(1))
	$$(call msg,WAIT,$(1))$$(KAPPLY) wait -q --timeout $$(WAIT_TIMEOUT) $$(addprefix -f ,$$($(1)_MANIFESTS))
	$$(Q)touch $$(STAMP_DIR)/$(1).ready
# (SCOPE=cluster: the whole org, its namespaces too; SCOPE=namespace:
# what is in them, and only what the org's operator may see)
$(1)-clean-cluster: $$(BINDIR)/kapply
ifeq ($$(SCOPE),cluster)
	$$(call msg,DELETE,$(1))$$(call wipe_org,$(1))
	$$(Q)rm -f $$(call cluster_stamp,$(1))
else
	$$(call msg,DELETE,$(1))$$(KAPPLY) prune -q --all --wait --timeout $$(WAIT_TIMEOUT) $$(call own_prune,$(1))
	$$(if $$(filter %/chaincode-namespace.yaml,$$($(1)_CLUSTER_MANIFESTS)),$$(Q)$$(KAPPLY) prune -q --all --wait \
		--timeout $$(WAIT_TIMEOUT) -n $$(call cc_namespace,$(1)) \
		-l app.kubernetes.io/managed-by=$(MANAGED_BY)$$(comma)fabric-k8s/chaincode-of=$$($(1)_NAMESPACE))
endif
	$$(Q)rm -f $$(call applied_stamp,$(1)) $$(STAMP_DIR)/$(1).ready $$(STAMP_DIR)/$(1).prune-waits \
		$$(call live_record,$(1))
	$$(Q)rm -rf $$(STAMP_DIR)/channel-* $$(STAMP_DIR)/chaincode-* $$(RECONCILED_CONSENTERS_FILE) $$(LIVE_CAPABILITIES_FILE)
endef
$(foreach org,$(ORGS),$(eval $(call deploy_rules,$(org))))

# make deploy: orderer orgs before peer orgs, also under make -j
.PHONY: deploy plan status reconcile clean-cluster
deploy: $(foreach o,$(ORGS),$(call ready_stamp,$(o)))
$(foreach o,$(PEER_ORGS),$(call applied_stamp,$(o))): | $(if $(filter deploy,$(MAKECMDGOALS)),\
	$(foreach o,$(ORDERER_ORGS),$(call applied_stamp,$(o))))
plan: $(ORGS:%=%-plan)
status: $(ORGS:%=%-status)
# orderer orgs first, as deploy
reconcile: $(ORGS:%=%-reconcile)
$(PEER_ORGS:%=%-reconcile): | $(if $(filter reconcile,$(MAKECMDGOALS)),$(ORDERER_ORGS:%=%-reconcile))
# every org at once: when all goes, no org's objects need another's gone
# first, and each org waits mostly for its pods to end (each org's objects
# are deleted in reverse order by kapply: namespaced objects first, the
# namespace last)
clean-cluster: $(ORGS:%=%-clean-cluster)

.PHONY: clean-crypto
clean-crypto:
ifneq ($(CONFIRM),1)
	@echo "clean-crypto deletes every org's CA and keys in $(CRYPTO_DIR): run make clean-crypto CONFIRM=1" >&2
	@exit 1
else
	$(call msg,CLEAN,$(CRYPTO_DIR) $(ARTIFACTS_DIR) $(SECRETS_DIR) $(IDENTITIES_DIR))rm -rf $(CRYPTO_DIR) \
		$(ARTIFACTS_DIR) $(SECRETS_DIR) $(IDENTITIES_DIR) $(STAMP_DIR)
endif
