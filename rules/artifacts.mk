# Channel artifacts: configtx.yaml and the MSPs that mspgen writes, turned
# into $(ARTIFACTS_DIR)/ by txgen.  configtx.yaml is copied to
# $(BUILD)/configtx.yaml, so that its usual "MSPDir: crypto-config/..."
# paths resolve to $(BUILD)/crypto-config.
#
# CHANNEL_FLOW=system (Fabric 1.x/2.x system channel):
#   genesis.block       the system channel's genesis block (GENESIS_PROFILE, SYS_CHANNEL)
#   $(CHANNEL).tx       the channel creation transaction (CHANNEL_PROFILE)
#   <MSPID>anchors.tx   one anchor peer update per peer org (CHANNEL_PROFILE)
# CHANNEL_FLOW=participation (Fabric 2.3+ channel participation API):
#   $(CHANNEL).block    the application channel's genesis block (GENESIS_PROFILE);
#                       orgs listing AnchorPeers have them in it already, so no
#                       anchor update is made unless ANCHOR_ORGS names orgs
#   <MSPID>anchors.tx   anchor peer updates against a block 0 without them
# (CHANNEL_FLOW, SYS_CHANNEL and CHANNEL are deployment options: rules/options.mk)
GENESIS_PROFILE ?= $(if $(filter participation,$(CHANNEL_FLOW)),TwoOrgsApplicationGenesis,TwoOrgsOrdererGenesis)
CHANNEL_PROFILE ?= TwoOrgsChannel
# MSP IDs of the orgs that get an anchor peer update (their AnchorPeers in configtx.yaml)
ANCHOR_ORGS ?= $(if $(filter system,$(CHANNEL_FLOW)),$(foreach org,$(PEER_ORGS),$($(org)_MSP_ID)))

ARTIFACTS_DIR := $(BUILD)/channel-artifacts
TXGEN_CONFIG := $(BUILD)/configtx.yaml
# The artifacts embed each org's verifying MSP (msp/) and, for etcdraft,
# the orderers' TLS certificates: they depend on those files, which mspgen
# leaves alone when it adds a node, and only wait for the MSP stamps, so
# that a new peer does not make a new genesis block for the orderers.
MSP_STAMPS := $(ORGS:%=$(STAMP_DIR)/%.msp)
TXGEN_INPUTS := $(wildcard $(foreach o,$(ORGS),$(call org_dir,$(o))/msp/*/* \
	$(call org_dir,$(o))/msp/config.yaml $(call org_dir,$(o))/orderers/*/tls/server.crt))
TXGEN = $(BINDIR)/txgen -configPath $(BUILD)
TXGEN_DEPS := $(TXGEN_CONFIG) $(TXGEN_INPUTS) $(BINDIR)/txgen | $(MSP_STAMPS)

ifeq ($(CHANNEL_FLOW),participation)
GENESIS := $(ARTIFACTS_DIR)/$(CHANNEL).block
GENESIS_CHANNEL := $(CHANNEL)
ANCHORS_PROFILE := $(GENESIS_PROFILE)
CHANNEL_TX :=
else ifeq ($(CHANNEL_FLOW),system)
GENESIS := $(ARTIFACTS_DIR)/genesis.block
GENESIS_CHANNEL := $(SYS_CHANNEL)
ANCHORS_PROFILE := $(CHANNEL_PROFILE)
CHANNEL_TX := $(ARTIFACTS_DIR)/$(CHANNEL).tx
else
$(error CHANNEL_FLOW must be system or participation, not '$(CHANNEL_FLOW)')
endif
ANCHOR_TXS := $(ANCHOR_ORGS:%=$(ARTIFACTS_DIR)/%anchors.tx)

$(TXGEN_CONFIG): $(CONFIGTX)
	$(call msg,CP,$@)mkdir -p $(@D) && cp $< $@.tmp && mv $@.tmp $@

$(GENESIS): $(TXGEN_DEPS)
	$(call msg,TXGEN,$@)$(TXGEN) -profile $(GENESIS_PROFILE) -channelID $(GENESIS_CHANNEL) -outputBlock $@

$(ARTIFACTS_DIR)/$(CHANNEL).tx: $(TXGEN_DEPS)
	$(call msg,TXGEN,$@)$(TXGEN) -profile $(CHANNEL_PROFILE) -channelID $(CHANNEL) -outputCreateChannelTx $@

$(ARTIFACTS_DIR)/%anchors.tx: $(TXGEN_DEPS)
	$(call msg,TXGEN,$@)$(TXGEN) -profile $(ANCHORS_PROFILE) -channelID $(CHANNEL) -asOrg $* \
		-outputAnchorPeersUpdate $@

.PHONY: artifacts
artifacts: $(GENESIS) $(CHANNEL_TX) $(ANCHOR_TXS)

# `make <domain>` of a peer org brings its anchor peer update up to date too
$(foreach org,$(PEER_ORGS),$(if $(filter $($(org)_MSP_ID),$(ANCHOR_ORGS)),\
	$(eval $(org)-files: $(ARTIFACTS_DIR)/$($(org)_MSP_ID)anchors.tx)))

# The artifacts stay, as crypto material does: a new genesis block (new
# nonce) would change what every deployed orderer was started with.
CLEAN_DIRS += $(TXGEN_CONFIG)
