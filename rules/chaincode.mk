# make chaincode: the chaincode on CHANNEL, every peer org taking part.
#
# Fabric 2.x, chaincode as a service: each peer org runs the chaincode
# server as a Deployment and Service of its own (templates/chaincode.yaml),
# and its package carries a connection.json naming that Service; the
# package is made here (deterministic tar and gzip, so its ID, label and
# SHA-256, is known before install).  Steps: per org, the server, the
# install on every peer and the approval (at once); commit once every org
# approved, then, once installed everywhere, "init a 100 b 200" as the definition's
# Init, which Fabric runs once (sequence 1 only; upgrades keep the state).
# Fabric 1.4: install from Go source (the peer builds it with Docker, so
# CHAINCODE=docker) and instantiate with the init arguments.
#
# make query prints the balances of the accounts CC_ACCOUNTS names (those
# CC_INIT opens); make invoke moves CC_AMOUNT from the first to the second
# (the old guide's "invoke a b 10": then a = 90, b = 210).
CC_NAME ?= abstore
CC_VERSION ?= 1.0
CC_SEQUENCE ?= 1
CC_PATH ?= chaincode/abstore/$(if $(filter 1.4,$(FABRIC_VERSION)),go,node)
CC_IMAGE ?=
CC_INIT ?= {"Args":["init","a","100","b","200"]}
CC_ACCOUNTS ?= a b
CC_AMOUNT ?= 10
# how long the invoke waits for its transaction to be committed; after
# that it looks for it in the channel's blocks, and sends it again only
# if it is not there (entrypoints/cc-invoke.sh)
CC_WAIT ?= 30s
CC_TRANSFER := {"Args":["invoke","$(word 1,$(CC_ACCOUNTS))","$(word 2,$(CC_ACCOUNTS))","$(CC_AMOUNT)"]}
# The first definition (sequence 1) requires Init, which Fabric then runs
# exactly once for it; an upgrade (a later sequence) keeps the ledger's
# state and runs no Init.
CC_INIT_REQUIRED := $(if $(filter 1,$(CC_SEQUENCE)),true,false)
CC_LABEL := $(CC_NAME)_$(CC_VERSION)
CC_BUILD := $(BUILD)/chaincode/$(CC_LABEL)
CC_STAMPS := $(STAMP_DIR)/chaincode-$(CHANNEL)-$(CC_NAME)-$(CC_SEQUENCE)
CC_SOURCES := $(shell find $(CC_PATH) -type f 2>/dev/null | sort)
CC_POLICY := OR($(subst $(space),$(comma),$(foreach o,$(CHANNEL_PEER_ORGS),'$($(o)_MSP_ID).member')))
# one peer of every org endorses commits and invokes: "host:port=tls-ca ..."
CC_ENDORSERS := $(foreach o,$(CHANNEL_PEER_ORGS),$(firstword $(call peer_addresses,$(o)))=/cc/tls/$(o).pem)

ifneq ($(filter chaincode query invoke,$(MAKECMDGOALS)),)
$(if $(filter-out 1,$(words $(CC_NAME))),$(error CC_NAME must be one word))
$(if $(word 2,$(CC_ACCOUNTS)),,$(error CC_ACCOUNTS=$(CC_ACCOUNTS): two accounts at least (invoke moves CC_AMOUNT from the first to the second)))
$(if $(shell printf '%s' '$(CC_NAME)' | grep -Ex '[a-z]([-a-z0-9]*[a-z0-9])?'),,\
	$(error CC_NAME=$(CC_NAME): the chaincode names a Service, so lower-case letters, digits and '-'))
$(if $(CC_SOURCES)$(CC_IMAGE),,$(error CC_PATH=$(CC_PATH) holds no file, and no CC_IMAGE is given))
ifeq ($(FABRIC_VERSION),1.4)
$(if $(filter docker,$(CHAINCODE)),,$(error Fabric 1.4 builds chaincode with Docker: make chaincode needs CHAINCODE=docker))
endif
endif

# the Jobs' volume /cc: the package (2.x) or the source (1.4, or 2.x run
# from source), and every peer org's TLS CA for --tlsRootCertFiles
cc_files = $(if $(filter 1.4,$(FABRIC_VERSION)),,package.tgz=$(CC_BUILD)/$(1)/package.tgz) \
	$(if $(CC_IMAGE),,src=$(CC_PATH)) \
	$(foreach o,$(PEER_ORGS),tls/$(o).pem=$(call org_dir,$(o))/tlsca/tls$($(o)_CA_CN)-cert.pem)
# what every chaincode step's manifest is rendered with (JOB_ARGS)
cc_render = -f $(JOBS_DIR)/$(1)/cc-files.vars -D CC_NAME=$(CC_NAME) -D CC_VERSION=$(CC_VERSION) \
	-D CC_SEQUENCE=$(CC_SEQUENCE) -D 'ENDORSERS=$(CC_ENDORSERS)' -D "POLICY=$(CC_POLICY)" \
	-D INIT_REQUIRED=$(CC_INIT_REQUIRED)
CC_STEP := cc-$(CC_NAME)-$(CC_SEQUENCE)
# the package's ID (2.x), for the steps that name it: install and approve
cc_package = $(if $(filter 1.4,$(FABRIC_VERSION)),,$(if $(filter install approve,$(2)),$(CC_BUILD)/$(1)/package.vars))
# $(call cc_job,org,step,script,stamp,steps-before): one chaincode step
define cc_job
$(call job_rules,$(1),$(CC_STEP)-$(2),$(3),$(4))
$(call job_yaml,$(1),$(CC_STEP)-$(2)): JOB_ARGS = $(call cc_render,$(1)) $(addprefix -f ,$(call cc_package,$(1),$(2)))
$(call job_yaml,$(1),$(CC_STEP)-$(2)): $(JOBS_DIR)/$(1)/cc-files.vars $(call cc_package,$(1),$(2))
$(4): | $(5)
endef

# $(call cc_org_rules,org)
define cc_org_rules
# the package: connection.json in code.tar.gz, with metadata.json, and its
# ID (label:SHA-256) in package.vars, for render
$$(CC_BUILD)/$(1)/package.tgz $$(CC_BUILD)/$(1)/package.vars &: $$(VARS_DIR)/$(1).vars \
		$$(call changed,$$(call cmd_file,$$(CC_BUILD)/$(1)/package.tgz),$$(CC_NAME).$$(call cc_namespace,$(1)):$$(CC_SERVER_PORT))
	$$(call msg,PACKAGE,$(1)/$$(CC_LABEL))mkdir -p $$(@D)/pkg/code
	$$(Q)printf '{"address":"%s.%s:%s","dial_timeout":"10s","tls_required":false}\n' \
		$$(CC_NAME) $$(call cc_namespace,$(1)) $$(CC_SERVER_PORT) > $$(@D)/pkg/code/connection.json
	$$(Q)printf '{"type":"ccaas","label":"%s"}\n' $$(CC_LABEL) > $$(@D)/pkg/metadata.json
	$$(Q)$$(call det_tar,$$(@D)/pkg/code,connection.json) > $$(@D)/pkg/code.tar.gz
	$$(Q)$$(call det_tar,$$(@D)/pkg,metadata.json code.tar.gz) > $$(@D)/package.tgz.tmp && \
		mv $$(@D)/package.tgz.tmp $$(@D)/package.tgz
	$$(Q)echo "PACKAGE_ID=$$(CC_LABEL):$$$$(sha256sum < $$(@D)/package.tgz | cut -d' ' -f1)" > $$(@D)/package.vars
	$$(Q)$$(call record,$$(call cmd_file,$$(@D)/package.tgz),$$(CC_NAME).$$(call cc_namespace,$(1)):$$(CC_SERVER_PORT))

$(call secret_rule,$(1),ALL_JOBS,$$(JOBS_DIR)/$(1)/cc-files.yaml,$(1)/cc-$$(CC_NAME),-c -n cc-$$(CC_NAME) \
		-N $$($(1)_NAMESPACE) -l app.kubernetes.io/managed-by=$(MANAGED_BY) -l fabric-k8s/chaincode-of=$$($(1)_NAMESPACE) \
		-o $$@ -v $$(@:.yaml=.vars) -V CC_SOURCE $$(call cc_files,$(1)),\
	$$(CC_SOURCES) $$(if $$(filter 1.4,$$(FABRIC_VERSION)),,$$(CC_BUILD)/$(1)/package.tgz) \
		$$(foreach o,$$(PEER_ORGS),$$(call msp_files,$$(o),$$(call org_dir,$$(o))/tlsca/*-cert.pem)) \
		| $$(foreach o,$$(PEER_ORGS),$$(call msp_stamp,$$(o))))

# a peer that joined later gets the package too
$$(CC_STAMPS)/install-$(1): $$(CHANNEL_STAMPS)/$(1)

# The ConfigMap cc-$$(CC_NAME) in the org's namespace, which the chaincode
# Jobs and the server mount (a pod waits for ever for a ConfigMap that is
# not there): applied before any of them.
$$(CC_STAMPS)/files-$(1): $$(JOBS_DIR)/$(1)/cc-files.yaml | $$(call applied_stamp,$(1))
	$$(call msg,APPLY,$(1)/cc-$$(CC_NAME))$$(KAPPLY) apply -q -f $$(JOBS_DIR)/$(1)/cc-files.yaml
	$$(Q)mkdir -p $$(@D) && touch $$@
$$(CC_STAMPS)/install-$(1) $$(CC_STAMPS)/approve-$(1): | $$(CC_STAMPS)/files-$(1)

ifneq ($$(FABRIC_VERSION),1.4)
# the chaincode server of the org, in its own namespace with its own
# ConfigMap (the source and cc-server.sh); the install on its peers; its approval
$(1)_CC_SERVER :=
$(call render_rule,$(1),$(1)_CC_SERVER,$$(JOBS_DIR)/$(1)/cc-server.yaml,templates/chaincode.yaml,\
		-f $$(JOBS_DIR)/$(1)/cc-server-files.vars -f $$(CC_BUILD)/$(1)/package.vars \
		-D CC_NAME=$$(CC_NAME) -D CC_NAMESPACE=$$(call cc_namespace,$(1)) \
		-D 'CC_SERVER_IMAGE=$$(or $$(CC_IMAGE),$$(FABRIC_IMAGE_REPO)/fabric-nodeenv:$$(NODEENV_IMAGE_TAG))' \
		-D 'CC_SERVER_COMMAND=$$(if $$(CC_IMAGE),null,[sh, /cc/cc-server.sh])',\
	$$(JOBS_DIR)/$(1)/cc-server-files.vars $$(CC_BUILD)/$(1)/package.vars)
$(call secret_rule,$(1),$(1)_CC_SERVER,$$(JOBS_DIR)/$(1)/cc-server-files.yaml,$(1)/cc-$$(CC_NAME)-server,\
		-c -n cc-$$(CC_NAME) -N $$(call cc_namespace,$(1)) \
		-l app.kubernetes.io/managed-by=$(MANAGED_BY) -l fabric-k8s/chaincode-of=$$($(1)_NAMESPACE) \
		-o $$@ -v $$(@:.yaml=.vars) -V CC_SERVER_SOURCE $$(if $$(CC_IMAGE),,src=$$(CC_PATH)) \
		cc-server.sh=entrypoints/cc-server.sh,\
	$$(CC_SOURCES) entrypoints/cc-server.sh)
ifeq ($$(NETWORK_POLICY),1)
$(call render_rule,$(1),$(1)_CC_SERVER,$$(JOBS_DIR)/$(1)/cc-netpol.yaml,templates/netpol-chaincode.yaml,\
	-D CC_NAMESPACE=$$(call cc_namespace,$(1)))
endif
ALL_JOBS += $$($(1)_CC_SERVER)
# (it waits for nothing but its namespace, <namespace>-cc (rules/cluster.mk):
# with `make deploy chaincode` the server starts, and installs its npm
# dependencies, while the rest comes up)
$$(CC_STAMPS)/server-$(1): $$($(1)_CC_SERVER) $$(if $$(filter cluster,$$(SCOPE)),| $$(call cluster_stamp,$(1)))
	$$(call msg,APPLY,$(1)/chaincode $$(CC_NAME))$$(KAPPLY) apply -q $$(addprefix -f ,$$($(1)_CC_SERVER))
	$$(Q)$$(KAPPLY) wait -q --timeout $$(JOB_TIMEOUT) -f $$(JOBS_DIR)/$(1)/cc-server.yaml
	$$(Q)mkdir -p $$(@D) && touch $$@
endif
endef

# deterministic tar.gz of names in a directory: same bytes, same package ID
det_tar = tar -C $(1) --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	--format=ustar -cf - $(2) | gzip -9n

$(foreach o,$(CHANNEL_PEER_ORGS),$(eval $(call cc_org_rules,$(o))))

ifneq ($(FABRIC_VERSION),1.4)
# per org the install on its peers and its approval (which names the
# package and need not wait for the installs)
$(foreach o,$(CHANNEL_PEER_ORGS),$(eval $(call cc_job,$(o),install,cc-install.sh,$(CC_STAMPS)/install-$(o),\
	$(CHANNEL_STAMPS)/$(o))))
$(foreach o,$(CHANNEL_PEER_ORGS),$(eval $(call cc_job,$(o),approve,cc-approve.sh,$(CC_STAMPS)/approve-$(o),\
	$(CHANNEL_DONE))))
$(eval $(call cc_job,$(first_peer_org),commit,cc-commit.sh,$(CC_STAMPS)/commit,$(CHANNEL_PEER_ORGS:%=$(CC_STAMPS)/approve-%)))
# committed, installed on every peer, every server up: the chaincode answers
CC_SERVING := $(CC_STAMPS)/commit $(CHANNEL_PEER_ORGS:%=$(CC_STAMPS)/install-%) $(CHANNEL_PEER_ORGS:%=$(CC_STAMPS)/server-%)
ifeq ($(CC_INIT_REQUIRED),true)
CC_READY := $(CC_STAMPS)/init
$(eval $(call cc_job,$(first_peer_org),init,cc-init.sh,$(CC_STAMPS)/init,$(CC_SERVING)))
$(call job_yaml,$(first_peer_org),$(CC_STEP)-init): JOB_ARGS += -D 'CC_ARGS=$(CC_INIT)'
else
CC_READY := $(CC_SERVING)
endif
else
CC_READY := $(CC_STAMPS)/instantiate
$(foreach o,$(CHANNEL_PEER_ORGS),$(eval $(call cc_job,$(o),install,cc14-install.sh,$(CC_STAMPS)/install-$(o),\
	$(CHANNEL_STAMPS)/$(o))))
$(eval $(call cc_job,$(first_peer_org),instantiate,cc14-instantiate.sh,$(CC_STAMPS)/instantiate,\
	$(CHANNEL_PEER_ORGS:%=$(CC_STAMPS)/install-%)))
$(call job_yaml,$(first_peer_org),$(CC_STEP)-instantiate): JOB_ARGS += -D 'INIT_ARGS=$(CC_INIT)'
endif

# query and invoke run every time they are asked for, and show their log.
# They go through the first peer of the first peer org, or through ORG (a
# peer org) and PEER (one of its peers, by hostname or full name).
QUERY_ORG := $(if $(ORG),$(call org_named,$(ORG)),$(first_peer_org))
# the in-cluster host of PEER, given as hostname or CommonName
query_nodes = $(join $(addsuffix :,$($(QUERY_ORG)_NODES)),$(join $(addsuffix :,$($(QUERY_ORG)_NODE_CNS)),$($(QUERY_ORG)_NODE_HOSTS)))
QUERY_PEER := $(lastword $(subst :, ,$(firstword $(filter $(PEER):% %:$(PEER):%,$(query_nodes)))))
ifneq ($(filter query invoke,$(MAKECMDGOALS)),)
ifdef NETWORK_CURRENT
$(if $(filter $(QUERY_ORG),$(CHANNEL_PEER_ORGS)),,$(error ORG=$(ORG) is not a peer org of $(CHANNEL) (they are: $(strip $(CHANNEL_PEER_ORGS)); $(CHANNEL_PROFILE) names the channel's orgs)))
$(if $(PEER),$(if $(QUERY_PEER),,$(error PEER=$(PEER) is not a peer of $(QUERY_ORG) (they are: $($(QUERY_ORG)_NODES)))))
endif
endif
QUERY_JOBS := $(JOBS_DIR)/$(QUERY_ORG)/cc-$(CC_NAME)-query.yaml $(JOBS_DIR)/$(QUERY_ORG)/cc-$(CC_NAME)-invoke.yaml
$(eval $(call job_rules,$(QUERY_ORG),cc-$(CC_NAME)-query,cc-query.sh,cc-query-run))
$(eval $(call job_rules,$(QUERY_ORG),cc-$(CC_NAME)-invoke,cc-invoke.sh,cc-invoke-run))
$(QUERY_JOBS): JOB_ARGS = $(call cc_render,$(QUERY_ORG)) $(if $(QUERY_PEER),-D PEER_ADDRESS=$(QUERY_PEER):$(PEER_PORT))
$(lastword $(QUERY_JOBS)): JOB_ARGS += -D 'CC_ARGS=$(CC_TRANSFER)' -D CC_WAIT=$(CC_WAIT) -D BACKOFF_LIMIT=0
# (another PEER is another command: rendered again, rules/manifests.mk)
$(QUERY_JOBS): $(JOBS_DIR)/$(QUERY_ORG)/cc-files.vars

# (the steps of the first org, and query and invoke, mount its ConfigMap too)
$(CC_STAMPS)/commit $(CC_STAMPS)/init $(CC_STAMPS)/instantiate: | $(CC_STAMPS)/files-$(first_peer_org)
cc-query-run cc-invoke-run: | $(CC_STAMPS)/files-$(QUERY_ORG)

.PHONY: chaincode query invoke cc-query-run cc-invoke-run
chaincode: $(CC_READY)
	$(Q)$(MAKE) --no-print-directory query
cc-query-run: $(CC_READY)
cc-invoke-run: $(CC_READY)
# make chaincode invoke: the invoke after the chaincode's query, so that
# the balances they print come in that order (a = 100, then a = 90)
cc-invoke-run: | $(filter chaincode,$(MAKECMDGOALS))
query: cc-query-run
	$(Q)$(KAPPLY) logs -f $(JOBS_DIR)/$(QUERY_ORG)/cc-$(CC_NAME)-query.yaml | grep -v '^==> '
invoke: cc-invoke-run
	$(Q)$(KAPPLY) logs -f $(JOBS_DIR)/$(QUERY_ORG)/cc-$(CC_NAME)-invoke.yaml | grep -v '^==> '

# every Job manifest (and chaincode server) rendered, none run: to look at
.PHONY: jobs
jobs: $(ALL_JOBS)
