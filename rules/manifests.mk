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
labels = -l app.kubernetes.io/managed-by=$(MANAGED_BY) -l fabric-k8s/org=$($(1)_NAMESPACE)
# the node port of port $(2) of the node port list $(1) with NodePort, else empty
nodeport = $(if $(filter NodePort,$(SERVICE_TYPE)),$(word $(2),$(1)))
# the annotations of a node's Service: with load balancers, the DNS name of
# its external address $(1), for ExternalDNS (or whatever serves the zone)
service_annotations = {$(if $(filter LoadBalancer,$(SERVICE_TYPE)),external-dns.alpha.kubernetes.io/hostname: $(firstword $(subst :, ,$(1))))}
# the first orderer of the first orderer org, which peers and CLIs talk to;
# an orderer org's own steps talk to its own first orderer, whose TLS CA
# is its own: $(call orderer_org_of,org) and $(call orderer_address,org)
first_orderer_org := $(firstword $(ORDERER_ORGS))
ORDERER_ADDRESS = $(firstword $($(first_orderer_org)_NODE_HOSTS)):$(ORDERER_PORT)
orderer_org_of = $(if $(filter orderer,$($(1)_TYPE)),$(1),$(first_orderer_org))
orderer_address = $(firstword $($(call orderer_org_of,$(1))_NODE_HOSTS)):$(ORDERER_PORT)

# A workload's pod template carries its Secret's digest (mksecret writes it
# into the Secret's .vars, with the volume), so that new certificates
# (make renew) roll exactly the pods that mount them.  The workload
# depends on the Secret's manifest too: make reads a .vars' time before
# the Secret's run rewrites it, and would render it one run late.
#
# The two recipes of every manifest, render and Secret, and what they
# depend on.  A rule gives its arguments in the target's RENDER_ARGS or
# SECRET_ARGS and lists RENDER_DEPS or SECRET_DEPS among its
# prerequisites, which carry the check of its recorded command: other
# arguments (a node's new name, another org's orderer address) make it
# again, as another command does an artifact (rules/defs.mk).  The rules
# themselves are written by render_rule and secret_rule, below.
# $(call cmd_render,org): render the template that is the rule's first
# prerequisite into $@, with the options, the org's vars and RENDER_ARGS
cmd_render = $(call msg,RENDER,$(patsubst manifests/%,%,$(patsubst $(BUILD)/%,%,$@)))mkdir -p $(@D) && \
	$(BINDIR)/render -f templates/constants.vars -f $(OPTIONS_VARS) -f $(VARS_DIR)/$(1).vars $(RENDER_ARGS) -o $@ $< && \
	$(call record,$(call cmd_file,$@),render $(RENDER_ARGS))
render_changed = $(call changed,$(call cmd_file,$@),render $(RENDER_ARGS))
RENDER_DEPS = $(VARS_DIR)/$(1).vars templates/constants.vars $(OPTIONS_VARS) $(call tool,render) $$(render_changed)
# $(call cmd_secret,what): mksecret SECRET_ARGS, for a Secret (or with -c a
# ConfigMap); what names it on the quiet line
cmd_secret = $(call msg,$(if $(filter -c,$(SECRET_ARGS)),CONFIG,SECRET),$(1))mkdir -p $(@D) && \
	$(BINDIR)/mksecret $(SECRET_ARGS) && $(call record,$(call cmd_file,$@),mksecret $(SECRET_ARGS))
secret_changed = $(call changed,$(call cmd_file,$@),mksecret $(SECRET_ARGS))
SECRET_DEPS = $(call tool,mksecret) $$(secret_changed)

# The rule of a manifest, as one call.  Both macros are expanded where
# they are called, inside a rule block that is then evaluated once: their
# arguments are written as the block's own lines are (the block's
# arguments as $(1), make's variables as $$(VAR)), and a comma that is
# text is $$(comma).
# $(call render_rule,org,list,target,template,render arguments[,prerequisites]):
# render template into target with the org's vars and the arguments (its
# RENDER_ARGS), the target appended to the variable that list names
define render_rule
$(2) += $(3)
$(3): private RENDER_ARGS = $(5)
$(3): $(4) $$(call RENDER_DEPS,$(1)) $(6)
	$$(call cmd_render,$(1))
endef
# $(call secret_rule,org,list,target,what,mksecret arguments[,prerequisites]):
# a Secret (with -c a ConfigMap) made by mksecret, what naming it on the
# quiet line; one whose arguments hold -v writes its .vars beside it
# (SECRET_PAIRS, rules/defs.mk); its prerequisites may end in order-only ones
define secret_rule
$(2) += $(3)
$(if $(filter -v,$(5)),SECRET_PAIRS += $(3))
$(3): private SECRET_ARGS = $(5)
$(3): $$(SECRET_DEPS) $(6)
	$$(call cmd_secret,$(4))
endef
# the same for $(MANIFESTS_DIR)/<org>/<name>.yaml, one of the org's manifests:
# $(call manifest,org,name,template,arguments[,prerequisites]) and
# $(call manifest_secret,org,name,what,arguments[,prerequisites])
manifest = $(call render_rule,$(1),$(1)_MANIFESTS,$$(MANIFESTS_DIR)/$(1)/$(2).yaml,$(3),$(4),$(5))
manifest_secret = $(call secret_rule,$(1),$(1)_MANIFESTS,$$(MANIFESTS_DIR)/$(1)/$(2).yaml,$(3),$(4),$(5))

# A secret made once per org and kept: 24 random bytes, base64, mode 0600.
$(SECRETS_DIR)/%:
	$(call msg,SECRET,$*)mkdir -p $(@D) && umask 077 && \
		head -c 24 /dev/urandom | base64 > $@.tmp && mv $@.tmp $@

# $(call node_rules,org,host,cn): the workload of one node, with its Secret
# and claim (STORAGE=pvc) and its CouchDB
define node_rules
ifeq ($$(STORAGE),pvc)
$(1)_$(2)_STORAGE = -f $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.vars -D CRYPTO_SUBPATH= \
	-D 'DATA_SOURCE=persistentVolumeClaim: {claimName: $(2)-data}' -D DATA_SUBPATH=
$(1)_$(2)_STORAGE_DEPS = $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.vars $$(MANIFESTS_DIR)/$(1)/$(2)-crypto.yaml
else
$(1)_$(2)_STORAGE = -D 'CRYPTO_SOURCE=persistentVolumeClaim: {claimName: crypto, readOnly: true}' -D CRYPTO_SOURCE_DIGEST= \
	-D CRYPTO_SUBPATH=$$(if $$(filter peer,$$($(1)_TYPE)),peers,orderers)/$(3) \
	-D 'DATA_SOURCE=persistentVolumeClaim: {claimName: data}' -D DATA_SUBPATH=$(2)
endif
$(call manifest,$(1),$(2),templates/$$($(1)_TYPE).yaml,$$($(1)_$(2)_STORAGE) -f $$(MANIFESTS_DIR)/$(1)/scripts.vars \
		-D NODE=$(2) -D NODE_CN=$(3) -D NODE_HOST=$(2).$$($(1)_NAMESPACE) \
		-D NODE_EXTERNAL=$$(or $$($(1)_$(2)_EXTERNAL),$(2).$$($(1)_NAMESPACE):$$(PEER_PORT)) \
		-D 'SERVICE_ANNOTATIONS=$$(call service_annotations,$$($(1)_$(2)_EXTERNAL))' \
		-D GOSSIP_BOOTSTRAP=$$(firstword $$($(1)_NODE_HOSTS)):$$(PEER_PORT) \
		-D GRPC_NODEPORT=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),1) \
		-D CHAINCODE_NODEPORT=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),2) \
		-D ADMIN_NODEPORT=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),2) \
		-D OPERATIONS_NODEPORT=$$(call nodeport,$$($(1)_$(2)_NODEPORTS),3),\
	$$($(1)_$(2)_STORAGE_DEPS) $$(MANIFESTS_DIR)/$(1)/scripts.vars)
ifeq ($$(STORAGE),pvc)
$(call manifest_secret,$(1),$(2)-crypto,$(1)/$(2),-n $(2)-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -l fabric-k8s/node=$(2) \
		-o $$@ -v $$(@:.yaml=.vars) -V CRYPTO_SOURCE \
		$$(call org_dir,$(1))/$$(if $$(filter peer,$$($(1)_TYPE)),peers,orderers)/$(3),\
	$$(call msp_stamp,$(1)))
$(call manifest,$(1),$(2)-data,templates/pvc.yaml,-D NODE=$(2) -D CLAIM=$(2)-data)
endif
ifeq ($$(COUCHDB)$$($(1)_TYPE),1peer)
$(call manifest,$(1),$(2)-couchdb,templates/couchdb.yaml,-D NODE=$(2))
endif
endef

JOB_SCRIPTS := $(sort $(wildcard entrypoints/*.sh))

# $(call org_manifests,org): everything of one org
define org_manifests
$(1)_MANIFESTS :=
# the CA: its key, certificate and registrar password as a Secret
$(call manifest,$(1),ca,templates/ca.yaml,-f $$(MANIFESTS_DIR)/$(1)/ca-crypto.vars -f $$(MANIFESTS_DIR)/$(1)/scripts.vars \
		$$(if $$(filter pvc,$$(STORAGE)),-D 'CA_DATA_SOURCE=persistentVolumeClaim: {claimName: ca-data}' \
			-D CA_DATA_SUBPATH=,-D 'CA_DATA_SOURCE=persistentVolumeClaim: {claimName: data}' \
			-D CA_DATA_SUBPATH=$$($(1)_CA_HOSTNAME)) \
		-D CA_NODEPORT=$$(call nodeport,$$($(1)_CA_NODEPORT),1) \
		-D 'SERVICE_ANNOTATIONS=$$(call service_annotations,$$($(1)_CA_EXTERNAL))' \
		-D 'CA_CSR_HOSTS=$$($(1)_CA_CN)$$(comma)$$($(1)_CA_HOSTNAME)$$(comma)$$($(1)_CA_HOSTNAME).$$($(1)_NAMESPACE)$$(comma)localhost$$(if \
			$$($(1)_CA_EXTERNAL),$$(comma)$$(firstword $$(subst :, ,$$($(1)_CA_EXTERNAL))))',\
	$$(MANIFESTS_DIR)/$(1)/ca-crypto.vars $$(MANIFESTS_DIR)/$(1)/ca-crypto.yaml $$(MANIFESTS_DIR)/$(1)/scripts.vars)
$(call manifest_secret,$(1),ca-crypto,$(1)/ca,-n $$($(1)_CA_HOSTNAME)-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) \
		-l fabric-k8s/node=$$($(1)_CA_HOSTNAME) -o $$@ -v $$(@:.yaml=.vars) -V CA_CRYPTO_SOURCE \
		ca=$$(call org_dir,$(1))/ca registrar-password=$$(SECRETS_DIR)/$(1)/registrar-password,\
	$$(call msp_stamp,$(1)) $$(SECRETS_DIR)/$(1)/registrar-password)

# the scripts of channel and chaincode Jobs (rules/channel.mk)
$(call manifest_secret,$(1),scripts,$(1)/scripts,-c -n fabric-k8s-scripts -N $$($(1)_NAMESPACE) $$(call labels,$(1)) \
		-o $$@ -v $$(@:.yaml=.vars) -V SCRIPTS_SOURCE $$(JOB_SCRIPTS),$$(JOB_SCRIPTS))

# The org Admin's MSP and TLS, the orderer orgs' TLS CA certificates and
# the channel artifacts it submits, for the CLI pod and the Jobs: the
# channel tx (system flow, peer orgs) or the channel's genesis block
# (participation), and the org's anchor update.  While configtx.yaml names
# an org that is neither own nor imported yet (rules/import.mk), there are
# no artifacts: the Secret goes without them, and gets them once the
# import is there (another command: rendered again).
$(1)_ARTIFACTS = $$(if $$(wildcard $$(CONFIGTX_LACKS)),,$$(if $$(filter peer,$$($(1)_TYPE)),$$(if \
	$$(filter system,$$(CHANNEL_FLOW)),$$(CHANNEL_TX),$$(GENESIS)),$$(if $$(filter participation,$$(CHANNEL_FLOW)),$$(GENESIS))) \
	$$(filter $$(ARTIFACTS_DIR)/$$($(1)_MSP_ID)anchors.tx,$$(ANCHOR_TXS)))
$(1)_CLI_FILES = admin=$$(call org_dir,$(1))/users/Admin@$(1) \
	$$(foreach o,$$(ORDERER_ORGS),orderer-tls/$$(o).pem=$$(call org_dir,$$(o))/tlsca/tls$$($$(o)_CA_CN)-cert.pem) \
	$$(foreach f,$$($(1)_ARTIFACTS),$$(notdir $$(f))=$$(f))
$(call manifest_secret,$(1),cli-crypto,$(1)/cli,-n cli-crypto -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -l fabric-k8s/node=cli \
		-o $$@ -v $$(@:.yaml=.vars) -V CLI_CRYPTO_SOURCE $$($(1)_CLI_FILES),\
	$$(call msp_files,$(1),$$(call org_dir,$(1))/users/Admin@$(1)/*/* $$(call org_dir,$(1))/users/Admin@$(1)/*/*/*) \
		$$(foreach o,$$(ORDERER_ORGS),$$(call msp_files,$$(o),$$(call org_dir,$$(o))/tlsca/*-cert.pem)) \
		$$($(1)_ARTIFACTS) | $$(call msp_stamp,$(1)))

ifeq ($$(STORAGE),pvc)
$(call manifest,$(1),ca-data,templates/pvc.yaml,-D NODE=$$($(1)_CA_HOSTNAME) -D CLAIM=ca-data)
else
$(call manifest,$(1),nfs,templates/nfs.yaml)
endif

ifeq ($$(NETWORK_POLICY),1)
$(call manifest,$(1),netpol,templates/netpol.yaml)
ifneq ($$(EXTERNAL_PORTS),)
$(call manifest,$(1),netpol-external,templates/netpol-external.yaml,-D 'EXTERNAL_PORTS=$$(EXTERNAL_PORTS_YAML)')
endif
endif

$$(foreach n,$$(join $$(addsuffix :,$$($(1)_NODES)),$$($(1)_NODE_CNS)),\
	$$(eval $$(call node_rules,$(1),$$(word 1,$$(subst :, ,$$(n))),$$(word 2,$$(subst :, ,$$(n))))))

ifeq ($$($(1)_TYPE),peer)
# its CLI pod, with the Secret cli-crypto
$(call manifest,$(1),cli,templates/cli.yaml,-f $$(MANIFESTS_DIR)/$(1)/cli-crypto.vars \
		-D PEER_ADDRESS=$$(firstword $$($(1)_NODE_HOSTS)):$$(PEER_PORT) -D ORDERER_ADDRESS=$$(ORDERER_ADDRESS) \
		-D ORDERER_TLSCA=orderer-tls/$$(first_orderer_org).pem,\
	$$(MANIFESTS_DIR)/$(1)/cli-crypto.vars $$(MANIFESTS_DIR)/$(1)/cli-crypto.yaml)
ifeq ($$(COUCHDB),1)
$(call manifest_secret,$(1),couchdb-secret,$(1)/couchdb,-n couchdb -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -o $$@ \
		password=$$(SECRETS_DIR)/$(1)/couchdb-password,$$(SECRETS_DIR)/$(1)/couchdb-password)
endif
else ifeq ($$(CHANNEL_FLOW),system)
# the genesis block of the system channel, for its orderers
$(call manifest_secret,$(1),genesis,$(1)/genesis,-n genesis -N $$($(1)_NAMESPACE) $$(call labels,$(1)) -o $$@ \
		genesis.block=$$(GENESIS),$$(GENESIS))
endif
endef

$(foreach org,$(ORGS),$(eval $(call org_manifests,$(org))))

CLEAN_DIRS += $(MANIFESTS_DIR)
