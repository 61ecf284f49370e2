# Channel artifacts: the cluster's copy of configtx.yaml and the MSPs that
# mspgen writes (and the imported orgs', rules/import.mk), turned into
# $(ARTIFACTS_DIR)/ by txgen.  yaml2vars writes
# the copy, $(BUILD)/configtx.yaml (rules/vars.mk): every MSPDir and
# certificate path of CONFIGTX points into $(BUILD)/crypto-config, found by
# its ".../peerOrganizations/<domain>/..." suffix wherever it pointed, and
# the addresses of the network's nodes are their names in the cluster.
#
# The channel flow follows from the profiles: a CHANNEL_PROFILE with an
# Orderer section (an application channel's genesis, as test-network's
# ChannelUsingRaft) means the channel participation API; one without (a
# channel creation profile) means the system channel flow, whose orderers
# start from GENESIS_PROFILE (a profile with Consortiums).  CHANNEL_FLOW
# may say it outright; then CHANNEL_PROFILE defaults to a profile of that
# kind, and contradicting it is an error.  So is a GENESIS_PROFILE without
# Consortiums in the system flow.
#
# CHANNEL_FLOW=system (Fabric 1.x/2.x system channel):
#   genesis.block       the system channel's genesis block (GENESIS_PROFILE, SYS_CHANNEL)
#   $(CHANNEL).tx       the channel creation transaction (CHANNEL_PROFILE)
#   <MSPID>anchors.tx   one anchor peer update per peer org (CHANNEL_PROFILE)
# CHANNEL_FLOW=participation (Fabric 2.3+ channel participation API):
#   $(CHANNEL).block    the application channel's genesis block (CHANNEL_PROFILE);
#                       orgs listing AnchorPeers have them in it already, so no
#                       anchor update is made unless ANCHOR_ORGS names orgs
#   <MSPID>anchors.tx   anchor peer updates against a block 0 without them
# (SYS_CHANNEL and CHANNEL are deployment options: rules/options.mk)
channel_profile_default = $(firstword $(if $(filter participation,$(1)),\
	$(filter $(GENESIS_PROFILE),$(CONFIGTX_APP_GENESIS_PROFILES)) $(CONFIGTX_APP_GENESIS_PROFILES),\
	$(CONFIGTX_CHANNEL_PROFILES) $(if $(1),,$(CONFIGTX_APP_GENESIS_PROFILES))))
# (Fabric 3 has no system channel: with 3.x, participation is the default)
CHANNEL_PROFILE ?= $(strip $(call channel_profile_default,$(or $(CHANNEL_FLOW),$(if $(FABRIC3),participation))))
PROFILE_FLOW := $(strip $(if $(filter $(CHANNEL_PROFILE),$(CONFIGTX_APP_GENESIS_PROFILES)),participation,\
	$(if $(filter $(CHANNEL_PROFILE),$(CONFIGTX_CHANNEL_PROFILES)),system)))
CHANNEL_FLOW := $(or $(CHANNEL_FLOW),$(PROFILE_FLOW),$(if $(FABRIC3),participation,system))
GENESIS_PROFILE ?= $(firstword $(CONFIGTX_SYS_GENESIS_PROFILES))
# MSP IDs of the orgs that get an anchor peer update (their AnchorPeers in
# configtx.yaml): in the system flow, the channel profile's orgs (an org may
# stay in crypto-config.yaml once it left the channel), those run here (an
# imported org's admins sign its own)
ANCHOR_ORGS ?= $(if $(filter system,$(CHANNEL_FLOW)),$(if $($(CHANNEL_PROFILE)_APP_MSPS),$(filter \
	$(foreach o,$(PEER_ORGS),$($(o)_MSP_ID)),$($(CHANNEL_PROFILE)_APP_MSPS)),$(foreach o,$(PEER_ORGS),$($(o)_MSP_ID))))

# What is wrong with the profiles or the flow, said before anything is made
# (once network.mk, which lists the profiles, is up to date).
profile_kinds = $(CONFIGTX): an application channel genesis profile (Orderer, Application): \
	$(or $(CONFIGTX_APP_GENESIS_PROFILES),none); a system channel genesis profile (Consortiums): \
	$(or $(CONFIGTX_SYS_GENESIS_PROFILES),none); a channel creation profile (Application alone): \
	$(or $(CONFIGTX_CHANNEL_PROFILES),none)
ifdef NETWORK_CURRENT
ifneq ($(wildcard $(CONFIGTX)),)
$(if $(PROFILE_FLOW),,$(error CHANNEL_PROFILE=$(CHANNEL_PROFILE) is not a channel profile of $(profile_kinds)))
$(if $(filter-out $(PROFILE_FLOW),$(CHANNEL_FLOW)),$(error CHANNEL_FLOW=$(CHANNEL_FLOW) contradicts \
	CHANNEL_PROFILE=$(CHANNEL_PROFILE)$(if $(filter participation,$(PROFILE_FLOW)),$(comma) which has an \
	Orderer section: the genesis block of an application channel$(comma) for the participation flow,$(comma) \
	which has no Orderer section: a channel creation transaction$(comma) for the system flow); $(profile_kinds)))
ifeq ($(CHANNEL_FLOW),system)
$(if $(filter $(GENESIS_PROFILE),$(CONFIGTX_SYS_GENESIS_PROFILES)),,$(error GENESIS_PROFILE=$(GENESIS_PROFILE) \
	is not a system channel genesis profile of $(profile_kinds)))
endif
endif
$(call flow_check,CHANNEL_PROFILE=$(CHANNEL_PROFILE) means )
# The ordering service the channel's profile asks for, against the version:
# Fabric 3 removed the system channel, solo and kafka (its path from them is
# etcdraft first), and BFT is Fabric 3's alone
ORDERER_TYPE := $($(if $(filter system,$(CHANNEL_FLOW)),$(GENESIS_PROFILE),$(CHANNEL_PROFILE))_ORDERER_TYPE)
ifneq ($(FABRIC3),)
ifeq ($(CHANNEL_FLOW),system)
$(error FABRIC_VERSION=$(FABRIC_VERSION) has no system channel, and CHANNEL_PROFILE=$(CHANNEL_PROFILE) is a channel creation profile (no Orderer section): the system flow's; give a profile with an Orderer section, the channel's genesis block for the participation flow ($(or $(CONFIGTX_APP_GENESIS_PROFILES),none in $(CONFIGTX))))
endif
$(if $(filter solo kafka,$(ORDERER_TYPE)),$(error FABRIC_VERSION=$(FABRIC_VERSION) has no $(ORDERER_TYPE) ordering, \
	which CHANNEL_PROFILE=$(CHANNEL_PROFILE) asks for (OrdererType: $(ORDERER_TYPE)): Fabric 3 orders with etcdraft or BFT; \
	a network that runs $(ORDERER_TYPE) migrates its ordering service to etcdraft first$(comma) at Fabric 2.x))
else
$(if $(filter BFT,$(ORDERER_TYPE)),$(error CHANNEL_PROFILE=$(CHANNEL_PROFILE) orders with BFT, which Fabric $(FABRIC_VERSION) \
	lacks: BFT ordering needs FABRIC_VERSION=3.0 or later))
endif
endif

ARTIFACTS_DIR := $(BUILD)/channel-artifacts
# (a command of its own, which tests/crash.t replaces with a txgen it kills)
TXGEN = $(BINDIR)/txgen -configPath $(BUILD)
# The artifacts embed each org's verifying MSP (msp/) and, for etcdraft,
# the orderers' TLS certificates: they depend on those files, which mspgen
# leaves alone when it adds a node, and only wait for the MSP stamps, so
# that a new peer does not make a new genesis block for the orderers.
MSP_STAMPS := $(foreach o,$(ORGS),$(call msp_stamp,$(o)))
TXGEN_INPUTS := $(wildcard $(foreach o,$(ORGS),$(call org_dir,$(o))/msp/*/* \
	$(call org_dir,$(o))/msp/config.yaml $(call org_dir,$(o))/orderers/*/tls/server.crt) \
	$(foreach o,$(IMPORTED_ORGS),$(addprefix $(IMPORT_DIR)/$(o)/,msp/*/* msp/config.yaml orderers/*/tls/server.crt \
	orderers/*/msp/signcerts/*)))
TXGEN_DEPS := $(TXGEN_CONFIG) $(TXGEN_INPUTS) $(call tool,txgen) | $(MSP_STAMPS)

ifeq ($(CHANNEL_FLOW),participation)
GENESIS := $(ARTIFACTS_DIR)/$(CHANNEL).block
GENESIS_ARGS := -profile $(CHANNEL_PROFILE) -channelID $(CHANNEL) -outputBlock
CHANNEL_TX :=
else ifeq ($(CHANNEL_FLOW),system)
GENESIS := $(ARTIFACTS_DIR)/genesis.block
GENESIS_ARGS := -profile $(GENESIS_PROFILE) -channelID $(SYS_CHANNEL) -outputBlock
CHANNEL_TX := $(ARTIFACTS_DIR)/$(CHANNEL).tx
else
$(error CHANNEL_FLOW must be system or participation, not '$(CHANNEL_FLOW)')
endif
ANCHOR_TXS := $(ANCHOR_ORGS:%=$(ARTIFACTS_DIR)/%anchors.tx)

# $(call txgen_rule,artifact,arguments before the artifact's name): each
# artifact reruns when its arguments change (a new SYS_CHANNEL, another
# profile), recorded in .<artifact>.cmd beside it (rules/defs.mk)
define txgen_rule
$(1): $(call changed,$(call cmd_file,$(1)),txgen $(2) $(1)) $(TXGEN_DEPS)
	$$(call msg,TXGEN,$$@)$$(TXGEN) $(2) $$@
	$$(Q)$$(call record,$$(call cmd_file,$$@),txgen $(2) $$@)
endef
# What the network runs on is history, not made again when configtx.yaml
# changes, as the channel's config now changes by updates
# (rules/channel-config.mk): the genesis block of a channel that runs
# (participation flow) is the channel's block 0, which an org joining
# later joins with (Fabric's way: it then pulls the updates from the
# orderers); the system channel's, once an orderer org was applied with
# it (a new one would roll the orderers for nothing: they read it only
# when their ledger is empty); a channel's creation transaction, once the
# channel is made; an org's anchor peer update, once the org joined.
# clean-cluster forgets the stamps that say so.
CHANNEL_RUNS := $(wildcard $(STAMP_DIR)/channel-$(CHANNEL)/*)
GENESIS_RUNS := $(if $(filter participation,$(CHANNEL_FLOW)),$(CHANNEL_RUNS),\
	$(wildcard $(ORDERER_ORGS:%=$(STAMP_DIR)/%.applied)))
# $(call artifact_rule,artifact,arguments,whether it is history)
artifact_rule = $(if $(and $(strip $(3)),$(wildcard $(1))),$(1): | $(TXGEN_CONFIG),$(call txgen_rule,$(1),$(2)))
# A channel that runs in the participation flow but whose block 0 this
# build lacks (it was made in the system flow, which has none: the network
# migrated) takes it from the channel (rules/upgrade.mk).
ifeq ($(CHANNEL_FLOW):$(if $(CHANNEL_RUNS),runs):$(wildcard $(GENESIS)),participation:runs:)
GENESIS_FROM_CHANNEL := 1
else
$(eval $(call artifact_rule,$(GENESIS),$(GENESIS_ARGS),$(GENESIS_RUNS)))
endif
$(if $(CHANNEL_TX),$(eval $(call artifact_rule,$(CHANNEL_TX),-profile $(CHANNEL_PROFILE) -channelID $(CHANNEL) \
	-outputCreateChannelTx,$(CHANNEL_RUNS))))
$(foreach m,$(ANCHOR_ORGS),$(eval $(call artifact_rule,$(ARTIFACTS_DIR)/$(m)anchors.tx,-profile $(CHANNEL_PROFILE) \
	-channelID $(CHANNEL) -asOrg $(m) -outputAnchorPeersUpdate,$(filter \
	$(STAMP_DIR)/channel-$(CHANNEL)/$(call msp_org,$(m)),$(CHANNEL_RUNS)))))

.PHONY: artifacts
artifacts: $(GENESIS) $(CHANNEL_TX) $(ANCHOR_TXS)

# `make <domain>` of a peer org brings its anchor peer update up to date
# too, once the channel's config can be made (not while it lacks an org
# another operator has yet to export: the org's own files need none)
$(foreach org,$(if $(wildcard $(CONFIGTX_LACKS)),,$(PEER_ORGS)),$(if $(filter $($(org)_MSP_ID),$(ANCHOR_ORGS)),\
	$(eval $(org)-files: $(ARTIFACTS_DIR)/$($(org)_MSP_ID)anchors.tx)))

# The artifacts stay, as crypto material does: a new genesis block (new
# nonce) would change what every deployed orderer was started with.  So
# does the copy of configtx.yaml they were made from.
