# Deployment options: what the cluster side looks like.  Their values are
# written to $(OPTIONS_VARS) when make starts, but only when they changed
# (Kbuild's filechk), and every manifest depends on that file: switching TLS
# or FABRIC_VERSION re-renders, nothing else does.
# What the cluster runs, as each org's last apply left it: the record
# $(STAMP_DIR)/<domain>.live holds "<FABRIC_VERSION> <CHANNEL_FLOW>"
# (rules/upgrade.mk).  LIVE is "<domain>:<version>:<flow> ...".  A make
# that names no FABRIC_VERSION keeps the network's (the newest, when an
# upgrade was cut short: a rerun finishes it; a downgrade cut short is
# finished by naming its version again), and a network that left the
# system channel stays in the participation flow.
LIVE := $(foreach f,$(wildcard $(STAMP_DIR)/*.live),$(notdir $(f:.live=)):$(subst $() ,:,$(strip $(file <$(f)))))
LIVE_VERSIONS := $(sort $(foreach l,$(LIVE),$(word 2,$(subst :, ,$(l)))))
LIVE_FLOWS := $(sort $(foreach l,$(LIVE),$(word 3,$(subst :, ,$(l)))))
FABRIC_VERSION ?= $(or $(lastword $(LIVE_VERSIONS)),2.5)
CHANNEL_FLOW ?= $(if $(filter participation,$(LIVE_FLOWS)),participation)
# Fabric 3 (3.0, 3.1): the current line, with BFT ordering (rules/artifacts.mk)
FABRIC3 = $(filter 3.%,$(FABRIC_VERSION))
TLS ?= 1
COUCHDB ?= 0
CHAINCODE ?= ccaas
STORAGE ?= pvc
STORAGE_CLASS ?=
LEDGER_SIZE ?= 1Gi
SERVICE_TYPE ?= ClusterIP
NODEPORT_BASE ?= 30000
EXTERNAL_HOST ?=
CHANNEL ?= mychannel
SYS_CHANNEL ?= syschannel
NFS_SERVER ?=
NFS_PATH ?= /export
LOGGING_SPEC ?= INFO
FABRIC_IMAGE_REPO ?= hyperledger
COUCHDB_IMAGE ?= couchdb:3.3.3
POD_SECURITY ?= restricted
NETWORK_POLICY ?= 1
SCOPE ?= cluster
TOKEN_TTL ?= 24h

comma := ,
space := $(subst ,, )
# $(call one_of,VAR,allowed...): stop with a clear message otherwise
one_of = $(if $(filter-out 1,$(words $($(1))))$(filter-out $(2),$($(1))),\
	$(error $(1)=$($(1)) is not one of: $(2)))

ifndef SKIP_NETWORK
$(call one_of,TLS,0 1)
$(call one_of,COUCHDB,0 1)
$(call one_of,CHAINCODE,ccaas docker)
$(if $(CHANNEL_FLOW),$(call one_of,CHANNEL_FLOW,system participation))
$(call one_of,STORAGE,pvc nfs)
$(call one_of,SERVICE_TYPE,ClusterIP NodePort LoadBalancer)
# External endpoints: with node ports, every node is reached at
# EXTERNAL_HOST (a name or IPv4 address of the cluster's nodes) and its
# node port; with load balancers, at <hostname>.<namespace>.EXTERNAL_HOST
# (a DNS zone whose names point at them) and its port (yaml2vars -e, -d)
ifeq ($(SERVICE_TYPE),NodePort)
$(if $(EXTERNAL_HOST),,$(error SERVICE_TYPE=NodePort needs EXTERNAL_HOST: the DNS name or IPv4 address of the cluster's nodes at which clients outside reach the node ports))
endif
ifeq ($(SERVICE_TYPE),LoadBalancer)
$(if $(EXTERNAL_HOST),,$(error SERVICE_TYPE=LoadBalancer needs EXTERNAL_HOST: the DNS zone in which <hostname>.<namespace>.EXTERNAL_HOST names each node's load balancer))
endif
ifeq ($(SERVICE_TYPE),ClusterIP)
$(if $(EXTERNAL_HOST),$(error EXTERNAL_HOST=$(EXTERNAL_HOST) goes with SERVICE_TYPE=NodePort or LoadBalancer: with ClusterIP nothing is reached from outside the cluster))
endif
$(call one_of,FABRIC_VERSION,1.4 2.2 2.4 2.5 3.0 3.1)
$(call one_of,POD_SECURITY,restricted baseline privileged)
$(call one_of,NETWORK_POLICY,0 1)
$(call one_of,SCOPE,cluster namespace)
# (a flow given outright is checked here; one that follows from the
# profiles, by the artifacts' step: rules/artifacts.mk, saying which
# profile means it)
# $(call flow_check,how the flow was chosen: empty, or "<var>=<value> means ")
flow_check = $(if $(filter 0participation,$(TLS)$(CHANNEL_FLOW)),$(error $(1)CHANNEL_FLOW=participation, \
	which needs TLS=1: an orderer without a system channel is a Raft cluster node, which Fabric runs only over TLS))\
	$(if $(filter 1.4participation,$(FABRIC_VERSION)$(CHANNEL_FLOW)),$(error $(1)CHANNEL_FLOW=participation, \
	which needs Fabric 2.3 or later, not FABRIC_VERSION=1.4))
$(call flow_check,)
# Fabric 3 has no system channel, and its orderers run with TLS alone
ifneq ($(FABRIC3),)
ifeq ($(TLS),0)
$(error FABRIC_VERSION=$(FABRIC_VERSION) needs TLS=1: Fabric 3's orderers run with TLS only)
endif
ifeq ($(CHANNEL_FLOW),system)
$(error FABRIC_VERSION=$(FABRIC_VERSION) has no system channel: Fabric 3's orderers join channels through the channel participation API (CHANNEL_FLOW=participation, the default with 3.x))
endif
endif
ifeq ($(STORAGE),nfs)
$(if $(NFS_SERVER),,$(error STORAGE=nfs needs NFS_SERVER, the address of the NFS server))
endif
endif

# What follows from the options.  Fabric 1.4 has its own CA line (1.4),
# 2.x uses fabric-ca 1.5; chaincode runs as a service in 2.x unless the
# node's Docker socket is asked for.
FABRIC_IMAGE_TAG := $(FABRIC_VERSION)
CA_IMAGE_TAG := $(if $(filter 1.4,$(FABRIC_VERSION)),1.4,1.5)
# Node.js chaincode runs in fabric-nodeenv, whose current line stays 2.5 under Fabric 3
NODEENV_IMAGE_TAG := $(if $(FABRIC3),2.5,$(FABRIC_VERSION))
TLS_ENABLED := $(if $(filter 1,$(TLS)),true,false)
STATE_DATABASE := $(if $(filter 1,$(COUCHDB)),CouchDB,goleveldb)
VM_ENDPOINT := $(if $(filter docker,$(CHAINCODE)),unix:///host/var/run/docker.sock)
DOCKER_SOURCE := $(if $(filter docker,$(CHAINCODE)),hostPath: {path: /var/run},emptyDir: {})

# Pod Security: every org's namespace enforces POD_SECURITY (the Kubernetes
# Pod Security Standard level), and every pod the project renders meets
# "restricted": a fixed non-root user, no privilege escalation, no
# capability, the runtime's seccomp profile, a read-only root file system
# with an emptyDir at /tmp, fsGroup so that the ledger volumes are
# writable.  Peers that use the node's Docker socket (CHAINCODE=docker)
# cannot: they run as root, and their org's namespace is privileged.
RUN_AS := 1000
POD_SECURITY_CONTEXT := {runAsNonRoot: true, runAsUser: $(RUN_AS), runAsGroup: $(RUN_AS), \
	fsGroup: $(RUN_AS), seccompProfile: {type: RuntimeDefault}}
CONTAINER_SECURITY_CONTEXT := {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, \
	readOnlyRootFilesystem: true}
ifeq ($(CHAINCODE),docker)
PEER_POD_SECURITY := privileged
PEER_POD_SECURITY_CONTEXT := {}
PEER_CONTAINER_SECURITY_CONTEXT := {}
else
PEER_POD_SECURITY := $(POD_SECURITY)
PEER_POD_SECURITY_CONTEXT := $(POD_SECURITY_CONTEXT)
PEER_CONTAINER_SECURITY_CONTEXT := $(CONTAINER_SECURITY_CONTEXT)
endif
# NetworkPolicies (NETWORK_POLICY=1, templates/netpol*.yaml): each org's
# pods accept what Fabric needs alone; node ports and the chaincode
# containers of a peer's Docker come from outside the cluster, so their
# ports are open to any address
EXTERNAL_PORTS := $(strip $(if $(filter NodePort LoadBalancer,$(SERVICE_TYPE)),$(ORDERER_PORT) $(PEER_PORT) \
	$(PEER_CHAINCODE_PORT) $(ORDERER_ADMIN_PORT) $(CA_PORT) $(ORDERER_OPERATIONS_PORT) $(OPERATIONS_PORT),\
	$(if $(filter docker,$(CHAINCODE)),$(PEER_CHAINCODE_PORT))))
EXTERNAL_PORTS_YAML := $(if $(EXTERNAL_PORTS),[{port: $(firstword $(EXTERNAL_PORTS))}$(foreach \
	p,$(wordlist 2,20,$(EXTERNAL_PORTS)),$(comma) {port: $(p)})])

ifndef SKIP_NETWORK
ifeq ($(CHAINCODE)$(filter privileged,$(POD_SECURITY)),docker)
$(info make: CHAINCODE=docker mounts the node's Docker socket into the peers, as root: the peer orgs' namespaces enforce the privileged Pod Security level, not $(POD_SECURITY))
endif
endif
# (CHANNEL_FLOW follows from the profiles once configtx.yaml is read: rules/artifacts.mk)
ORDERER_BOOTSTRAP = $(if $(filter participation,$(CHANNEL_FLOW)),none,file)
CHANNEL_PARTICIPATION = $(if $(filter participation,$(CHANNEL_FLOW)),true,false)
STORAGE_CLASS_FIELD := $(if $(STORAGE_CLASS),storageClassName: $(STORAGE_CLASS))

OPTIONS := FABRIC_VERSION FABRIC_IMAGE_REPO FABRIC_IMAGE_TAG CA_IMAGE_TAG COUCHDB_IMAGE \
	TLS_ENABLED STATE_DATABASE VM_ENDPOINT DOCKER_SOURCE ORDERER_BOOTSTRAP \
	CHANNEL_PARTICIPATION STORAGE STORAGE_CLASS_FIELD LEDGER_SIZE SERVICE_TYPE \
	NODEPORT_BASE EXTERNAL_HOST NFS_SERVER NFS_PATH LOGGING_SPEC CHANNEL SYS_CHANNEL NAMESPACES \
	POD_SECURITY POD_SECURITY_CONTEXT CONTAINER_SECURITY_CONTEXT PEER_POD_SECURITY_CONTEXT \
	PEER_CONTAINER_SECURITY_CONTEXT

OPTIONS_VARS := $(BUILD)/options.vars
# Written by the GNUmakefile once every makefile is read (and has had its
# say about bad values), with filechk semantics: only when different.
define write_options
$(foreach v,$(OPTIONS),$(if $(findstring ',$($(v))),$(error $(v) must not contain a quote)))
$(shell mkdir -p $(BUILD) && printf '%s\n' '# deployment options; written by make, do not edit' \
	$(foreach v,$(OPTIONS),'$(v)=$($(v))') > $(OPTIONS_VARS).new && \
	{ cmp -s $(OPTIONS_VARS).new $(OPTIONS_VARS) && rm -f $(OPTIONS_VARS).new || \
	  mv -f $(OPTIONS_VARS).new $(OPTIONS_VARS); })
endef
