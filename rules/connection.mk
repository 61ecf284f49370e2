# Applications reach the network: each node's addresses (make endpoints)
# and, per peer org, Fabric's common connection profile (make
# connection-profiles).  With SERVICE_TYPE=NodePort or LoadBalancer and
# EXTERNAL_HOST every peer, orderer and CA has an external address
# (yaml2vars writes them into network.mk: <org>_NODE_EXTERNALS,
# <org>_CA_EXTERNAL), which the nodes' TLS certificates name, the peers
# announce as their gossip endpoint and the channel's config names for the
# orderers and anchor peers: Fabric's discovery hands clients exactly these.
grpc_scheme := $(if $(filter 1,$(TLS)),grpcs,grpc)
http_scheme := $(if $(filter 1,$(TLS)),https,http)
# $(call client_addresses,org): host:port of each of its nodes, as clients reach them
client_addresses = $(or $($(1)_NODE_EXTERNALS),$(addsuffix :$(call node_port,$(1)),$($(1)_NODE_HOSTS)))
ca_client_address = $(or $($(1)_CA_EXTERNAL),$($(1)_CA_HOSTNAME).$($(1)_NAMESPACE):$(CA_PORT))
# the lines of one org: its nodes and CA, each with the address clients use
define endpoint_lines
	@printf '%s (%s, namespace %s)\n' '$(1)' '$($(1)_MSP_ID)' '$($(1)_NAMESPACE)'
	@set -- $($(1)_NODE_CNS); for a in $(call client_addresses,$(1)); do \
		printf '  %-32s %s://%s\n' "$$1" '$(grpc_scheme)' "$$a"; shift; done
	@printf '  %-32s %s://%s\n' '$($(1)_CA_CN)' '$(http_scheme)' '$(call ca_client_address,$(1))'

endef

.PHONY: endpoints
endpoints:
	$(foreach o,$(ORGS),$(call endpoint_lines,$(o)))
ifeq ($(SERVICE_TYPE),ClusterIP)
	@echo "(addresses in the cluster only: SERVICE_TYPE=NodePort or LoadBalancer with EXTERNAL_HOST gives external ones)"
endif

# make connection-profiles: build/connection/<domain>.json and .yaml per peer
# org (tools/connprofile.c): its peers and CA at the addresses clients
# outside the cluster use (CONNECTION=external, the default when the
# network has them) or at their names in the cluster (CONNECTION=internal,
# for applications that run there).
CONNECTION ?= $(if $(EXTERNAL_HOST),external,internal)
CONNECTION_DIR := $(BUILD)/connection
ifneq ($(filter connection-profiles $(CONNECTION_DIR)/%,$(MAKECMDGOALS)),)
$(call one_of,CONNECTION,internal external)
ifeq ($(CONNECTION)$(EXTERNAL_HOST),external)
$(error CONNECTION=external: the network has no external addresses (SERVICE_TYPE=NodePort or LoadBalancer with EXTERNAL_HOST))
endif
endif
# $(call profile_args,org): what connprofile is told of the org
profile_addresses = $(strip $(if $(filter external,$(CONNECTION)),$(call client_addresses,$(1)),\
	$(addsuffix :$(PEER_PORT),$($(1)_NODE_HOSTS))))
profile_ca_address = $(strip $(if $(filter external,$(CONNECTION)),$(call ca_client_address,$(1)),\
	$($(1)_CA_HOSTNAME).$($(1)_NAMESPACE):$(CA_PORT)))
profile_args = -n $($(1)_NAMESPACE) -O $($(1)_NAME) -m $($(1)_MSP_ID) $(foreach \
	p,$(join $(addsuffix =,$($(1)_NODE_CNS)),$(call profile_addresses,$(1))),--peer \
	$(subst =,=$(grpc_scheme)://,$(p))=$(call org_dir,$(1))/tlsca/tls$($(1)_CA_CN)-cert.pem) \
	--ca $($(1)_CA_CN)=$(http_scheme)://$(call profile_ca_address,$(1))=$($(1)_CA_CN)=$(call \
	org_dir,$(1))/ca/$($(1)_CA_CN)-cert.pem
define connection_rules
$(CONNECTION_DIR)/$(1).json $(CONNECTION_DIR)/$(1).yaml &: $(call changed,$(call cmd_file,$(CONNECTION_DIR)/$(1).json),\
		connprofile $(call profile_args,$(1))) $(VARS_DIR)/$(1).vars $(call tool,connprofile) | $(call msp_stamp,$(1))
	$$(call msg,PROFILE,$(CONNECTION_DIR)/$(1).json)mkdir -p $(CONNECTION_DIR) && $(BINDIR)/connprofile \
		$(call profile_args,$(1)) -j $(CONNECTION_DIR)/$(1).json -y $(CONNECTION_DIR)/$(1).yaml
	$$(Q)$$(call record,$(call cmd_file,$(CONNECTION_DIR)/$(1).json),connprofile $(call profile_args,$(1)))
endef
$(foreach o,$(PEER_ORGS),$(eval $(call connection_rules,$(o))))

.PHONY: connection-profiles
connection-profiles: $(PEER_ORGS:%=$(CONNECTION_DIR)/%.json)
CLEAN_DIRS += $(CONNECTION_DIR)

# make enroll ORG=<peer org> USER=<name>: an identity from the org's running
# CA (tools/caclient: Fabric CA's REST API; type TYPE, client by default, so
# that NodeOUs classify it), in build/identities/<domain>/<name>/msp/; a
# rerun keeps it.  make revoke ORG= USER= revokes it at the CA (and removes
# it here).  The CA's registrar enrols with the password in
# build/secrets/<domain>/registrar-password (mode 0600; caclient reads the
# file, no command line or log holds it) and keeps its own identity in
# build/identities/<domain>/.registrar/.  The CA is reached at its external
# address, or at CA_URL.
IDENTITIES_DIR := $(BUILD)/identities
TYPE ?= client
ifneq ($(filter enroll revoke,$(MAKECMDGOALS)),)
ifdef NETWORK_CURRENT
ID_ORG := $(call org_named,$(ORG))
$(if $(ID_ORG),,$(error make $(filter enroll revoke,$(MAKECMDGOALS)) needs ORG=<an org>$(if $(ORG), ($(ORG) is none: they are $(ORGS)))))
$(if $(filter command line,$(origin USER)),,$(error make $(filter enroll revoke,$(MAKECMDGOALS)) needs USER=<the identity's name> on the command line (the environment's USER is your login name)))
CA_URL ?= $(if $($(ID_ORG)_CA_EXTERNAL),$(http_scheme)://$($(ID_ORG)_CA_EXTERNAL))
$(if $(CA_URL),,$(error make $(filter enroll revoke,$(MAKECMDGOALS)) reaches $(ID_ORG)'s CA from here, at its external address: SERVICE_TYPE=NodePort or LoadBalancer with EXTERNAL_HOST gives it one (or CA_URL=https://host:port names it)))
endif
endif
caclient_args = -u $(CA_URL) --tls-ca $(call org_dir,$(ID_ORG))/ca/$($(ID_ORG)_CA_CN)-cert.pem \
	--caname $($(ID_ORG)_CA_CN) --registrar admin --registrar-secret-file $(SECRETS_DIR)/$(ID_ORG)/registrar-password \
	--registrar-dir $(IDENTITIES_DIR)/$(ID_ORG)/.registrar --user $(USER)
.PHONY: enroll revoke
enroll: $(BINDIR)/caclient
	$(call msg,ENROLL,$(ID_ORG)/$(USER))$(BINDIR)/caclient enroll $(caclient_args) --type $(TYPE) \
		$(if $(wildcard $(call org_dir,$(ID_ORG))/msp/config.yaml),--nodeous) -o $(IDENTITIES_DIR)/$(ID_ORG)/$(USER)/msp
revoke: $(BINDIR)/caclient
	$(call msg,REVOKE,$(ID_ORG)/$(USER))$(BINDIR)/caclient revoke $(caclient_args) -o $(IDENTITIES_DIR)/$(ID_ORG)/$(USER)/msp
