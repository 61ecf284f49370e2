# The cluster step: what only the cluster's admin may create, apart from
# what each org runs.  Per org, under $(CLUSTER_DIR)/<domain>/: its
# Namespace, its NFS PersistentVolumes (STORAGE=nfs), a peer org's
# chaincode namespace <namespace>-cc (Fabric 2.x), and the Role and
# RoleBinding of the org's operator (templates/rbac.yaml), bound to the
# ServiceAccount fabric-k8s-operator.  Everything here carries the label
# fabric-k8s/scope=cluster; the org's own apply and prune leave it alone.
#
#   make namespaces          apply every org's cluster step (wider rights)
#   make rbac                render each org's Roles and RoleBindings, to read
#   make <domain>-kubeconfig write $(KUBECONFIG_DIR)/<domain>.yaml: a kubeconfig
#                            with a token of the org's operator (TOKEN_TTL)
#
# SCOPE=cluster (the default): `make <domain>` and `make deploy` run the
# org's cluster step first, so that one admin deploys everything.
# SCOPE=namespace: they touch the org's namespaces alone, so that the
# org's operator deploys with the kubeconfig make <domain>-kubeconfig wrote,
# once an admin ran make namespaces.
# (SCOPE and TOKEN_TTL: rules/options.mk)
CLUSTER_DIR := $(BUILD)/cluster
KUBECONFIG_DIR := $(BUILD)/kubeconfig
cluster_stamp = $(STAMP_DIR)/$(1).cluster
cluster_selector = $(call org_selector,$(1)),fabric-k8s/scope=cluster

# Each org's chaincode server runs in a namespace of its own,
# <namespace>-cc: it is the org's code, not Fabric's.  It enforces
# POD_SECURITY as the org's namespace does.
cc_namespace = $($(1)_NAMESPACE)-cc

# Whose namespaces they are.  The cluster step claims each of an org's
# namespaces for this build with the annotation fabric-k8s/network (an ID
# made once per org, kept with its crypto material: make clean keeps it,
# clean-crypto makes a new network) and says where it was deployed from
# (fabric-k8s/deployed-from).  A namespace that another build claimed
# holds another network, whose ledgers this one would run on: the cluster
# step stops before it applies a thing, and names that build.  WIPE=1
# deletes what such namespaces hold first, and deploys this network.
WIPE ?= 0
DEPLOYED_FROM := $(or $(USER),$(LOGNAME),$(shell id -un))@$(strip $(if $(wildcard /etc/hostname),\
	$(file </etc/hostname),localhost)):$(abspath $(BUILD))
network_id = $(SECRETS_DIR)/$(1)/network.vars
$(SECRETS_DIR)/%/network.vars:
	$(call msg,SECRET,$*/network)mkdir -p $(@D) && umask 077 && \
		printf 'NETWORK_ID=%s\n' "$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" > $@.tmp && mv $@.tmp $@
# $(call wipe_org,org): delete what the org's label finds (its namespaces
# too) and its chaincode servers', and wait
wipe_org = $(KAPPLY) prune -q --all --wait --timeout $(WAIT_TIMEOUT) -l $(call org_selector,$(1)) && \
	$(KAPPLY) prune -q --all --wait --timeout $(WAIT_TIMEOUT) \
		-l app.kubernetes.io/managed-by=$(MANAGED_BY),fabric-k8s/chaincode-of=$($(1)_NAMESPACE)
# $(call claimed_apply,org): the recipe lines that apply the org's cluster
# step unless another network holds its namespaces (kapply's exit status 3)
define claimed_apply
$(KAPPLY) apply -q --claim fabric-k8s/network $(addprefix -f ,$($(1)_CLUSTER_MANIFESTS)) || { rc=$$?; \
	[ $$rc -eq 3 ] || exit $$rc; \
	if [ "$(WIPE)" != 1 ]; then \
		echo "make: $(1)'s namespaces hold another network (above, where it was deployed from): run make clean-cluster in that build, or this make again with WIPE=1 to delete what they hold and deploy this network" >&2; \
		exit 1; \
	fi; \
	$(call note,WIPE,$(1)) $(call wipe_org,$(1)) && \
	$(KAPPLY) apply -q $(addprefix -f ,$($(1)_CLUSTER_MANIFESTS)); }
endef

# $(call cluster_manifest,org,name[,arguments[,prerequisites]]): the cluster
# step's $(CLUSTER_DIR)/<org>/<name>.yaml, rendered from templates/<name>.yaml
cluster_manifest = $(call render_rule,$(1),$(1)_CLUSTER_MANIFESTS,$$(CLUSTER_DIR)/$(1)/$(2).yaml,templates/$(2).yaml,$(3),$(4))
# $(call cluster_rules,org)
define cluster_rules
$(1)_CLUSTER_MANIFESTS :=
$(call cluster_manifest,$(1),namespace,-f $$(call network_id,$(1)) \
		-D POD_SECURITY_LEVEL=$$(if $$(filter peer,$$($(1)_TYPE)),$$(PEER_POD_SECURITY),$$(POD_SECURITY)) \
		-D 'DEPLOYED_FROM=$$(DEPLOYED_FROM)',$$(call network_id,$(1)))
$(call cluster_manifest,$(1),rbac)
$(1)_RBAC := $$(CLUSTER_DIR)/$(1)/rbac.yaml
ifeq ($$(STORAGE),nfs)
$(call render_rule,$(1),$(1)_CLUSTER_MANIFESTS,$$(CLUSTER_DIR)/$(1)/volumes.yaml,templates/nfs-volumes.yaml,\
	-D ORG_DIR=$$(notdir $$(patsubst %/,%,$$(dir $$(call org_dir,$(1))))))
endif
ifeq ($$($(1)_TYPE)$$(filter 1.4,$$(FABRIC_VERSION)),peer)
$(call cluster_manifest,$(1),chaincode-namespace,-f $$(call network_id,$(1)) \
		-D CC_NAMESPACE=$$(call cc_namespace,$(1)) -D 'DEPLOYED_FROM=$$(DEPLOYED_FROM)',$$(call network_id,$(1)))
$(1)_RBAC += $$(CLUSTER_DIR)/$(1)/chaincode-namespace.yaml
endif

# (the stamp holds the manifests' checksum: they are rendered again with
# the org's vars, when a node is added, and then are mostly the same, which
# needs no request)
$$(call cluster_stamp,$(1)): $$($(1)_CLUSTER_MANIFESTS) | $$(BINDIR)/kapply
	$$(Q)sum=$$$$(cat $$($(1)_CLUSTER_MANIFESTS) | cksum) && \
	if [ "$$$$sum" = "$$$$(cat $$@ 2>/dev/null)" ]; then touch $$@; else \
		$$(call note,APPLY,$(1) (cluster step)) \
		$$(call claimed_apply,$(1)) && \
		$$(KAPPLY) prune -q -l $$(call cluster_selector,$(1)) $$(addprefix -f ,$$($(1)_CLUSTER_MANIFESTS)) && \
		rm -f $$(filter-out $$($(1)_CLUSTER_MANIFESTS),$$(wildcard $$(CLUSTER_DIR)/$(1)/*.yaml)) && \
		mkdir -p $$(@D) && echo "$$$$sum" > $$@; fi

# a new token each time it is asked for: tokens expire
.PHONY: $(1)-kubeconfig
$(1)-kubeconfig: $$(call cluster_stamp,$(1))
	$$(call msg,KUBECONFIG,$$(KUBECONFIG_DIR)/$(1).yaml)mkdir -p $$(KUBECONFIG_DIR) && \
		$$(KAPPLY) kubeconfig -n $$($(1)_NAMESPACE) --service-account $(OPERATOR_ACCOUNT) \
		--duration $$(TOKEN_TTL) -o $$(KUBECONFIG_DIR)/$(1).yaml

ifeq ($$(SCOPE),cluster)
$$(call applied_stamp,$(1)): | $$(call cluster_stamp,$(1))
endif
endef
$(foreach org,$(ORGS),$(eval $(call cluster_rules,$(org))))

.PHONY: namespaces rbac
namespaces: $(foreach o,$(ORGS),$(call cluster_stamp,$(o)))
rbac: $(foreach o,$(ORGS),$($(o)_RBAC))
	$(Q)printf '%s\n' $^

CLEAN_DIRS += $(CLUSTER_DIR) $(KUBECONFIG_DIR)
