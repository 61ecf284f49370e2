# Per org, the Kubernetes manifests under $(MANIFESTS_DIR)/<domain>/: what
# `make <domain>` applies in the org's namespace (its namespace itself and
# what else needs wider rights are the cluster step's: rules/cluster.mk).  Crypto material becomes Secrets (mksecret),
# everything else is rendered from templates/ with the org's vars, the
# deployment options and a few per-node variables.  Each manifest depends
# only on what it is made from, so editing one org re-renders that org.
MANIFESTS_DIR := $(BUILD)/manifests
SECRETS_DIR := $(BUILD)/secrets

# $(call msp_files,org,patterns): the files of org's crypto material that a
# step packs, so that a node added to the org (a new msp stamp) does not
# redo it; before they exist, the org's msp stamp
msp_files = $(or $(wildcard $(2)),$(call msp_stamp,$(1)))
labels = -l app.kubernetes.io/managed-by=fabric-k8s -l fabric-k8s/org=$($(1)_NAMESPACE)
# ", nodePort: N" for port $(2) of the node port list $(1), with NodePort
nodeport = $(if $(filter NodePort,$(SERVICE_TYPE)),$(comma) nodePort: $(word $(2),$(1)))
# the annotations of a node's Service: with load balancers, the DNS name of
# its external address $(1), for ExternalDNS (or whatever serves the zone)
service_annotations = {$(if $(filter LoadBalancer,$(SERVICE_TYPE)),external-dns.alpha.kubernetes.io/hostname: $(firstword $(subst :, ,$(1))))}
# the first orderer of the first orderer org, which peers and CLIs talk to;
# an orderer org's own steps talk to its own first orderer, whose TLS CA
# is its own: $(call orderer_org_of,org) and $(call orderer_address,org)
first_orderer_org := $(firstword $(ORDERER_ORGS))
ORDERER_ADDRESS = $(firstword $($(first_orderer_org)_NODE_HOSTS)):7050
orderer_org_of = $(if $(filter orderer,$($(1)_TYPE)),$(1),$(first_orderer_org))
orderer_address = $(firstword $($(call orderer_org_of,$(1))_NODE_HOSTS)):7050

# A workload's pod template carries its Secret's digest (mksecret writes it
# into the Secret's .vars, with the volume), so that new certificates
# (make renew) roll exactly the pods that mount them.  The workload
# depends on the Secret's manifest too: make reads a .vars' time before
# the Secret's run rewrites it, and would render it one run late.
#
# The two recipes of every manifest, Job and Secret (used by rules/channel.mk
# and rules/chaincode.mk too), and what they depend on.  A rule gives its
# arguments in the target's RENDER_ARGS or SECRET_ARGS and lists
# RENDER_DEPS or SECRET_DEPS among its prerequisites, which carry the check
# of its recorded command: other arguments (a node's new name, another
# org's orderer address) make it again, as another command does an
# artifact (rules/defs.mk).
# $(call cmd_render,org): render the template that is the rule's first
# prerequisite into $@, with the options, the org's vars and RENDER_ARGS
cmd_render = $(call msg,RENDER,$(patsubst manifests/%,%,$(patsubst $(BUILD)/%,%,$@)))mkdir -p $(@D) && \
	$(BINDIR)/render -f $(OPTIONS_VARS) -f $(VARS_DIR)/$(1).vars $(RENDER_ARGS) -o $@ $< && \
	$(call record,$(call cmd_file,$@),render $(RENDER_ARGS))
render_changed = $(call changed,$(call cmd_file,$@),render $(RENDER_ARGS))
RENDER_DEPS = $(VARS_DIR)/$(1).vars $(OPTIONS_VARS) $(call tool,render) $$(render_changed)
# $(call cmd_secret,what): mksecret SECRET_ARGS, for a Secret (or with -c a
# ConfigMap); what names it on the quiet line
cmd_secret = $(call msg,$(if $(filter -c,$(SECRET_ARGS)),CONFIG,SECRET),$(1))mkdir -p $(@D) && \
	$(BINDIR)/mksecret $(SECRET_ARGS) && $(call record,$(call cmd_file,$@),mksecret $(SECRET_ARGS))
secret_changed = $(call changed,$(call cmd_file,$@),mksecret $(SECRET_ARGS))
SECRET_DEPS = $(call tool,mksecret) $$(secret_changed)

# A secret made once per org and kept: 24 random bytes, base64, mode 0600.
$(SECRETS_DIR)/%:
	$(call msg,SECRET,$*)mkdir -p $(@D) && umask 077 && \
		head -c 24 /dev/urandom | base64 > $@.tmp && mv $@.tmp $@

# $(call node_rules,org,host,cn): the Secret, claim and workload of one node
define node_rules
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/$(2).yaml
ifeq ($$(STORAGE),pvc)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml $$(MANIFESTS_DIR)/$(1)/$(2)-data.yaml
SECRET_PAIRS += $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml
$$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml: private SECRET_ARGS = -n $(2)-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -l fabric-k8s/node=$(2) \
		-o $$@ -v $$(@:.yaml=.vars) -V CRYPTO_SOURCE \
		$$(call org_dir,$(1))/$$(if $$(filter peer,$$($(1)_TYPE)),peers,orderers)/$(3)
$$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml: $$(call msp_stamp,$(1)) $$(SECRET_DEPS)
	$$(call cmd_secret,$(1)/$(2))
$$(MANIFESTS_DIR)/$(1)/$(2)-data.yaml: private RENDER_ARGS = -D NODE=$(2) -D CLAIM=$(2)-data
$$(MANIFESTS_DIR)/$(1)/$(2)-data.yaml: templates/pvc.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
$(1)_$(2)_STORAGE = -f $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.vars -D CRYPTO_SUBPATH= \
	-D 'DATA_SOURCE=persistentVolumeClaim: {claimName: $(2)-data}' -D DATA_SUBPATH=
$(1)_$(2)_STORAGE_DEPS = $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.vars $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml
else
$(1)_$(2)_STORAGE = -D 'CRYPTO_SOURCE=persistentVolumeClaim: {claimName: crypto, readOnly: true}' -D CRYPTO_SOURCE_DIGEST= \
	-D CRYPTO_SUBPATH=$$(if $$(filter peer,$$($(1)_TYPE)),peers,orderers)/$(3) \
	-D 'DATA_SOURCE=persistentVolumeClaim: {claimName: data}' -D DATA_SUBPATH=$(2)
endif
$$(MANIFESTS_DIR)/$(1)/$(2).yaml: private RENDER_ARGS = $$($(1)_$(2)_STORAGE) -f $$(MANIFESTS_DIR)/$(1)/scripts.vars \
		-D NODE=$(2) -D NODE_CN=$(3) -D NODE_HOST=$(2).$$($(1)_NAMESPACE) \
		-D NODE_EXTERNAL=$$(or $$($(1)_$(2)_EXTERNAL),$(2).$$($(1)_NAMESPACE):7051) \
		-D 'SERVICE_ANNOTATIONS=$$(call service_annotations,$$($(1)_$(2)_EXTERNAL))' \
		-D GOSSIP_BOOTSTRAP=$$(firstword $$($(1)_NODE_HOSTS)):7051 \
		-D 'GRPC_NODEPORT_FIELD=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),1)' \
		-D 'CHAINCODE_NODEPORT_FIELD=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),2)' \
		-D 'ADMIN_NODEPORT_FIELD=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),2)' \
		-D 'OPERATIONS_NODEPORT_FIELD=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),3)'
$$(MANIFESTS_DIR)/$(1)/$(2).yaml: templates/$$($(1)_TYPE).yaml $$(call RENDER_DEPS,$(1)) $$($(1)_$(2)_STORAGE_DEPS) \
		$$(MANIFESTS_DIR)/$(1)/scripts.vars
	$$(call cmd_render,$(1))
ifeq ($$(COUCHDB)$$($(1)_TYPE),1peer)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/$(2)-couchdb.yaml
$$(MANIFESTS_DIR)/$(1)/$(2)-couchdb.yaml: private RENDER_ARGS = -D NODE=$(2)
$$(MANIFESTS_DIR)/$(1)/$(2)-couchdb.yaml: templates/couchdb.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
endif
endef

JOB_SCRIPTS := $(sort $(wildcard templates/jobs/*.sh))

# $(call org_manifests,org): everything of one org
define org_manifests
$(1)_MANIFESTS := $$(MANIFESTS_DIR)/$(1)/ca.yaml \
	$$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml $$(MANIFESTS_DIR)/$(1)/scripts.yaml \
	$$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml

# the scripts of channel and chaincode Jobs (rules/channel.mk)
SECRET_PAIRS += $$(MANIFESTS_DIR)/$(1)/scripts.yaml
$$(MANIFESTS_DIR)/$(1)/scripts.yaml: private SECRET_ARGS = -c -n fabric-k8s-scripts -N $$($(1)_NAMESPACE) $$(call labels,$(1)) \
		-o $$@ -v $$(@:.yaml=.vars) -V SCRIPTS_SOURCE $$(JOB_SCRIPTS)
$$(MANIFESTS_DIR)/$(1)/scripts.yaml: $$(JOB_SCRIPTS) $$(SECRET_DEPS)
	$$(call cmd_secret,$(1)/scripts)

# The org Admin's MSP and TLS, the orderer orgs' TLS CA certificates and
# the channel artifacts it submits, for the CLI pod and the Jobs: the
# channel tx (system flow, peer orgs) or the channel's genesis block
# (participation), and the org's anchor update.
$(1)_ARTIFACTS = $$(if $$(filter peer,$$($(1)_TYPE)),$$(if $$(filter system,$$(CHANNEL_FLOW)),\
	$$(CHANNEL_TX),$$(GENESIS)),$$(if $$(filter participation,$$(CHANNEL_FLOW)),$$(GENESIS))) \
	$$(filter $$(ARTIFACTS_DIR)/$$($(1)_MSP_ID)anchors.tx,$$(ANCHOR_TXS))
$(1)_CLI_FILES = admin=$$(call org_dir,$(1))/users/Admin@$(1) \
	$$(foreach o,$$(ORDERER_ORGS),orderer-tls/$$(o).pem=$$(call org_dir,$$(o))/tlsca/tls$$($$(o)_CA_CN)-cert.pem) \
	$$(foreach f,$$($(1)_ARTIFACTS),$$(notdir $$(f))=$$(f))
SECRET_PAIRS += $$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml
$$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml: private SECRET_ARGS = -n cli-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -l fabric-k8s/node=cli \
		-o $$@ -v $$(@:.yaml=.vars) -V CLI_CRYPTO_SOURCE $$($(1)_CLI_FILES)
$$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml: $$(call msp_files,$(1),$$(call org_dir,$(1))/users/Admin@$(1)/*/* \
		$$(call org_dir,$(1))/users/Admin@$(1)/*/*/*) \
		$$(foreach o,$$(ORDERER_ORGS),$$(call msp_files,$$(o),$$(call org_dir,$$(o))/tlsca/*-cert.pem)) \
		$$($(1)_ARTIFACTS) $$(SECRET_DEPS) | $$(call msp_stamp,$(1))
	$$(call cmd_secret,$(1)/cli)

# the CA: its key, certificate and registrar password as a Secret
SECRET_PAIRS += $$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml
$$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml: private SECRET_ARGS = -n $$($(1)_CA_HOSTNAME)-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) \
		-l fabric-k8s/node=$$($(1)_CA_HOSTNAME) -o $$@ -v $$(@:.yaml=.vars) -V CA_CRYPTO_SOURCE \
		ca=$$(call org_dir,$(1))/ca registrar-password=$$(SECRETS_DIR)/$(1)/registrar-password
$$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml: $$(call msp_stamp,$(1)) $$(SECRETS_DIR)/$(1)/registrar-password \
		$$(SECRET_DEPS)
	$$(call cmd_secret,$(1)/ca)
$$(MANIFESTS_DIR)/$(1)/ca.yaml: private RENDER_ARGS = -f $$(MANIFESTS_DIR)/$(1)/ca-crypto.vars -f $$(MANIFESTS_DIR)/$(1)/scripts.vars \
		$$(if $$(filter pvc,$$(STORAGE)),-D 'CA_DATA_SOURCE=persistentVolumeClaim: {claimName: ca-data}' \
			-D CA_DATA_SUBPATH=,-D 'CA_DATA_SOURCE=persistentVolumeClaim: {claimName: data}' \
			-D CA_DATA_SUBPATH=$$($(1)_CA_HOSTNAME)) \
		-D 'CA_NODEPORT_FIELD=$$(call nodeport,$$($(1)_CA_NODEPORT),1)' \
		-D 'SERVICE_ANNOTATIONS=$$(call service_annotations,$$($(1)_CA_EXTERNAL))' \
		-D 'CA_CSR_HOSTS=$$($(1)_CA_CN),$$($(1)_CA_HOSTNAME),$$($(1)_CA_HOSTNAME).$$($(1)_NAMESPACE),localhost$$(if \
			$$($(1)_CA_EXTERNAL),$$(comma)$$(firstword $$(subst :, ,$$($(1)_CA_EXTERNAL))))'
$$(MANIFESTS_DIR)/$(1)/ca.yaml: templates/ca.yaml $$(call RENDER_DEPS,$(1)) $$(MANIFESTS_DIR)/$(1)/ca-crypto.vars \
		$$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml \
		$$(MANIFESTS_DIR)/$(1)/scripts.vars
	$$(call cmd_render,$(1))
ifeq ($$(STORAGE),pvc)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/ca-data.yaml
$$(MANIFESTS_DIR)/$(1)/ca-data.yaml: private RENDER_ARGS = -D NODE=$$($(1)_CA_HOSTNAME) -D CLAIM=ca-data
$$(MANIFESTS_DIR)/$(1)/ca-data.yaml: templates/pvc.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
else
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/nfs.yaml
$$(MANIFESTS_DIR)/$(1)/nfs.yaml: private RENDER_ARGS =
$$(MANIFESTS_DIR)/$(1)/nfs.yaml: templates/nfs.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
endif

ifeq ($$(NETWORK_POLICY),1)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/netpol.yaml
$$(MANIFESTS_DIR)/$(1)/netpol.yaml: private RENDER_ARGS = 
$$(MANIFESTS_DIR)/$(1)/netpol.yaml: templates/netpol.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
ifneq ($$(EXTERNAL_PORTS),)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/netpol-external.yaml
$$(MANIFESTS_DIR)/$(1)/netpol-external.yaml: private RENDER_ARGS = -D 'EXTERNAL_PORTS=$$(EXTERNAL_PORTS_YAML)'
$$(MANIFESTS_DIR)/$(1)/netpol-external.yaml: templates/netpol-external.yaml $$(call RENDER_DEPS,$(1))
	$$(call cmd_render,$(1))
endif
endif

$$(foreach n,$$(join $$(addsuffix :,$$($(1)_NODES)),$$($(1)_NODE_CNS)),\
	$$(eval $$(call node_rules,$(1),$$(word 1,$$(subst :, ,$$(n))),$$(word 2,$$(subst :, ,$$(n))))))

ifeq ($$($(1)_TYPE),peer)
$$(eval $$(call peer_org_manifests,$(1)))
else
$$(eval $$(call orderer_org_manifests,$(1)))
endif
endef

# The genesis block of the system channel reaches the orderers as a Secret.
define orderer_org_manifests
ifeq ($$(CHANNEL_FLOW),system)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/genesis.yaml
$$(MANIFESTS_DIR)/$(1)/genesis.yaml: private SECRET_ARGS = -n genesis -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -o $$@ \
		genesis.block=$$(GENESIS)
$$(MANIFESTS_DIR)/$(1)/genesis.yaml: $$(GENESIS) $$(SECRET_DEPS)
	$$(call cmd_secret,$(1)/genesis)
endif
endef

# A peer org's CLI pod, with the Secret cli-crypto.
define peer_org_manifests
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/cli.yaml
$$(MANIFESTS_DIR)/$(1)/cli.yaml: private RENDER_ARGS = -f $$(MANIFESTS_DIR)/$(1)/cli-crypto.vars \
		-D PEER_ADDRESS=$$(firstword $$($(1)_NODE_HOSTS)):7051 -D ORDERER_ADDRESS=$$(ORDERER_ADDRESS) \
		-D ORDERER_TLSCA=orderer-tls/$$(first_orderer_org).pem
$$(MANIFESTS_DIR)/$(1)/cli.yaml: templates/cli.yaml $$(call RENDER_DEPS,$(1)) $$(MANIFESTS_DIR)/$(1)/cli-crypto.vars \
		$$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml
	$$(call cmd_render,$(1))
ifeq ($$(COUCHDB),1)
$(1)_MANIFESTS += $$(MANIFESTS_DIR)/$(1)/couchdb-secret.yaml
$$(MANIFESTS_DIR)/$(1)/couchdb-secret.yaml: private SECRET_ARGS = -n couchdb -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -o $$@ \
		password=$$(SECRETS_DIR)/$(1)/couchdb-password
$$(MANIFESTS_DIR)/$(1)/couchdb-secret.yaml: $$(SECRETS_DIR)/$(1)/couchdb-password $$(SECRET_DEPS)
	$$(call cmd_secret,$(1)/couchdb)
endif
endef

$(foreach org,$(ORGS),$(eval $(call org_manifests,$(org))))

CLEAN_DIRS += $(MANIFESTS_DIR)
