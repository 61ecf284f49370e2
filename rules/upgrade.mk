# Upgrades of a network that runs, in Fabric's order (its upgrade guide):
# the binaries, orderers first and then peers, each node back and caught up
# before the next; the system channel removed through channel
# participation; capabilities raised last.  Declarative, as the rest:
#
#   FABRIC_VERSION=<v>           an org whose nodes run another version
#                                rolls them one at a time (below)
#   CHANNEL_FLOW=participation   on a network made in the system flow: the
#                                orderers roll with the participation API,
#                                then the system channel leaves them; the
#                                application channel goes on, and its block
#                                0 is fetched from it (rules/artifacts.mk)
#   capabilities in configtx.yaml  reach the channel through make channel,
#                                once every node runs a version that has them
#
# What each org runs is recorded when its apply completes:
# $(STAMP_DIR)/<domain>.live, "<FABRIC_VERSION> <CHANNEL_FLOW>" (read by
# rules/options.mk into LIVE).  make plan shows the rolls.

live_record = $(STAMP_DIR)/$(1).live
live_field = $(word $(2),$(subst :, ,$(filter $(1):%,$(LIVE))))
live_version = $(call live_field,$(1),2)
live_flow = $(call live_field,$(1),3)
# $(call version_lt,a,b): non-empty when version a is older than b (1.4 ... 3.1)
version_lt = $(and $(1),$(2),$(filter-out $(2),$(1)),$(filter $(1),$(firstword $(sort $(1) $(2)))))
# The least Fabric version that has every capability of a list
# ("Channel:V3_0 Orderer:V2_0 Application:V2_5", as yaml2vars writes a
# profile's <profile>_CAPABILITIES)
capabilities_need = $(or $(if $(filter %:V3_0,$(1)),3.0),$(if $(filter %:V2_5,$(1)),2.5),\
	$(if $(filter %:V2_0,$(1)),2.0),1.4)

# What the channel declares: its profile's capabilities and, in the system
# flow, those of the Orderer group it took from the system channel's profile
CHANNEL_CAPABILITIES := $(strip $($(CHANNEL_PROFILE)_CAPABILITIES) $(if $(filter system,$(CHANNEL_FLOW)),\
	$(filter Orderer:%,$($(GENESIS_PROFILE)_CAPABILITIES))))
CHANNEL_NEEDS := $(call capabilities_need,$(CHANNEL_CAPABILITIES))
# what the channel ran with when make channel last brought it to
# configtx.yaml (written there: rules/channel-config.mk)
LIVE_CAPABILITIES_FILE := $(CHANNEL_DIR)/capabilities
LIVE_CAPABILITIES := $(strip $(file <$(LIVE_CAPABILITIES_FILE)))
LIVE_NEEDS := $(if $(LIVE_CAPABILITIES),$(call capabilities_need,$(LIVE_CAPABILITIES)))
# the orgs that run something else than this make's version (and flow, for
# orderer orgs): their nodes roll
roll_wanted = $(if $(call live_version,$(1)),$(or $(filter-out $(FABRIC_VERSION),$(call live_version,$(1))),\
	$(if $(filter orderer,$($(1)_TYPE)),$(filter-out $(CHANNEL_FLOW),$(call live_flow,$(1))))))
ROLLING_ORGS := $(strip $(foreach o,$(ORGS),$(if $(call roll_wanted,$(o)),$(o))))
# orderer orgs that leave the system channel now
leaves_system = $(and $(filter orderer,$($(1)_TYPE)),$(filter system,$(call live_flow,$(1))),\
	$(filter participation,$(CHANNEL_FLOW)))

# ---- what cannot be, said before anything is made or rolls ----
# (what the records alone tell, before anything, options.vars too, is
# written; what the profiles tell, once network.mk is current)
ifndef SKIP_NETWORK
$(if $(and $(filter system,$(CHANNEL_FLOW)),$(filter command line,$(origin CHANNEL_FLOW)),\
	$(filter participation,$(LIVE_FLOWS))),$(error CHANNEL_FLOW=system: the orderers of this \
	network left the system channel for channel participation ($(STAMP_DIR)/*.live), and there is no way back))
ifneq ($(FABRIC3),)
$(if $(filter system,$(LIVE_FLOWS)),$(error FABRIC_VERSION=$(FABRIC_VERSION): the network runs a system channel \
	($(SYS_CHANNEL)), which Fabric 3's orderers refuse to start with: migrate it first, at the version it runs, \
	with make deploy channel CHANNEL_FLOW=participation$(if $(LIVE_VERSIONS), FABRIC_VERSION=$(lastword $(LIVE_VERSIONS)))))
endif
$(if $(call version_lt,$(FABRIC_VERSION),$(LIVE_NEEDS)),$(error FABRIC_VERSION=$(FABRIC_VERSION) is older than \
	the channel $(CHANNEL) runs with: its capabilities ($(LIVE_CAPABILITIES)) need Fabric $(LIVE_NEEDS) or later))
ifdef NETWORK_CURRENT
ifneq ($(FABRIC3),)
$(if $(and $(filter Application:%,$(CHANNEL_CAPABILITIES)),$(if $(filter Application:V2_0 Application:V2_5,\
	$(CHANNEL_CAPABILITIES)),,1)),$(error FABRIC_VERSION=$(FABRIC_VERSION) has no 1.x chaincode lifecycle, which \
	CHANNEL_PROFILE=$(CHANNEL_PROFILE)'s Application capabilities ($(filter Application:%,$(CHANNEL_CAPABILITIES))) \
	ask for: raise them to V2_0 and redeploy the chaincodes with the 2.x lifecycle first))
endif
$(if $(call version_lt,$(FABRIC_VERSION),$(CHANNEL_NEEDS)),$(error CHANNEL_PROFILE=$(CHANNEL_PROFILE) asks for \
	capabilities ($(CHANNEL_CAPABILITIES)) that need Fabric $(CHANNEL_NEEDS) or later, not FABRIC_VERSION=$(FABRIC_VERSION)$(if \
	$(call version_lt,$(firstword $(LIVE_VERSIONS)),$(CHANNEL_NEEDS)),: the network runs $(LIVE_VERSIONS)$(comma) \
	roll it first with make deploy FABRIC_VERSION=$(CHANNEL_NEEDS) or later)))
endif
endif

# ---- the roll ----
# Fabric's order: orderer orgs one after the other, then the peer orgs
# (each org's peers one at a time, so that one of them answers; orgs at
# once).  `make <peer org>` thus rolls the orderers first.
ifneq ($(ROLLING_ORGS),)
$(foreach o,$(PEER_ORGS),$(eval $(call applied_stamp,$(o)): | $(foreach r,$(ORDERER_ORGS),$(call applied_stamp,$(r)))))
$(foreach p,$(filter-out :%,$(join $(wordlist 2,999,$(ORDERER_ORGS)),$(addprefix :,$(ORDERER_ORGS)))),\
	$(eval $(call applied_stamp,$(firstword $(subst :, ,$(p)))): | $(call applied_stamp,$(lastword $(subst :, ,$(p))))))
endif

node_manifests = $(foreach n,$($(1)_NODES),$(MANIFESTS_DIR)/$(1)/$(n).yaml)
# the other orderers of the network, "host:port=<their TLS CA in cli-crypto>"
other_orderers = $(filter-out $(1):%,$(foreach o,$(ORDERER_ORGS),$(foreach h,$($(o)_NODE_HOSTS),\
	$(h):$(ORDERER_PORT)=/crypto/orderer-tls/$(o).pem)))
# each node's catch-up step (entrypoints/catchup.sh), and an orderer
# org's removal of the system channel (sys-remove.sh); not for Fabric 1.4,
# whose tools cannot tell (no osnadmin), nor have a system channel to leave
ROLL_CHECKS := $(if $(filter 1.4,$(FABRIC_VERSION)),,1)
define roll_jobs
$(foreach n,$(join $(addsuffix :,$($(1)_NODES)),$($(1)_NODE_HOSTS)),\
	$(eval $(call job_manifest,$(1),catchup-$(firstword $(subst :, ,$(n))),catchup.sh))\
	$(eval $(call job_yaml,$(1),catchup-$(firstword $(subst :, ,$(n)))): JOB_ARGS = \
		-D NODE=$(lastword $(subst :, ,$(n))):$(call node_port,$(1)) \
		-D 'ORDERERS=$(call other_orderers,$(lastword $(subst :, ,$(n))))'))
$(if $(filter orderer,$($(1)_TYPE)),$(eval $(call job_manifest,$(1),sys-remove,sys-remove.sh)))
endef
ifdef ROLL_CHECKS
$(foreach o,$(ORGS),$(eval $(call roll_jobs,$(o))))
$(foreach o,$(ROLLING_ORGS),$(eval $(call applied_stamp,$(o)): $(foreach n,$($(o)_NODES),\
	$(call job_yaml,$(o),catchup-$(n))) $(if $(call leaves_system,$(o)),$(call job_yaml,$(o),sys-remove))))
endif

# $(call roll_nodes,org): the recipe lines of a roll (rules/deploy.mk runs
# them before the org's apply).  Every node the cluster runs must be ready
# first: a roll while one is down could take the quorum (or the org's last
# answering peer); kapply wait says which is not.  (A node the org adds now
# is not waited for: it starts at the new version, and has nothing to
# catch up with.)  Then what is not a node, then each node: applied, ready,
# caught up.  An orderer org that leaves the system channel removes it
# last.  A rerun after a failure sends the rolled nodes nothing new (their
# catch-up is checked again) and goes on with the others.
define roll_node
	$(call msg,ROLL,$(1)/$(2))$(KAPPLY) apply -q -f $(MANIFESTS_DIR)/$(1)/$(2).yaml
	$(Q)$(KAPPLY) wait -q --timeout $(WAIT_TIMEOUT) -f $(MANIFESTS_DIR)/$(1)/$(2).yaml
	$(if $(ROLL_CHECKS),$(call run_job,$(1),catchup-$(2)))

endef
define roll_nodes
	$(Q)echo "make: $(1) rolls its nodes one at a time from Fabric $(call live_version,$(1)) \
		$(if $(call leaves_system,$(1)),with the system channel )to $(FABRIC_VERSION)$(if \
		$(call leaves_system,$(1)), with channel participation): $($(1)_NODES)"
	$(Q)running=; for m in $(call node_manifests,$(1)); do \
		$(KAPPLY) get -f $$m | cut -f2 | grep -qx absent || running="$$running -f $$m"; done; \
	[ -n "$$running" ] || { echo "make: $(1): the cluster runs none of its nodes, which the record" \
		"$(call live_record,$(1)) says run Fabric $(call live_version,$(1)): if the network is gone, make clean-cluster forgets it" >&2; exit 1; }; \
	$(KAPPLY) wait -q --timeout $(WAIT_TIMEOUT) $$running || \
		{ echo "make: $(1) does not roll while a node of it is not ready (above): bring it back, or wait, and run make again;" \
			"if the cluster no longer runs this network, make clean-cluster forgets it" >&2; exit 1; }
	$(Q)$(KAPPLY) apply -q $(addprefix -f ,$(filter-out $(call node_manifests,$(1)),$($(1)_MANIFESTS)))
	$(foreach n,$($(1)_NODES),$(call roll_node,$(1),$(n)))
	$(if $(call leaves_system,$(1)),$(call run_job,$(1),sys-remove))
endef
# make plan shows the channel's changes too, once it runs, but not while
# the network leaves the system channel: the config Job would mount the
# Secret cli-crypto as it will be, with the channel's block 0, which the
# cluster does not have yet
MIGRATING := $(strip $(foreach o,$(ORDERER_ORGS),$(call leaves_system,$(o))))
plan: $(if $(and $(CHANNEL_MADE),$(if $(MIGRATING),,1)),channel-plan)
# what make plan says of an org's roll
roll_plan = $(if $(call roll_wanted,$(1)),echo "$(1): rolls $($(1)_NODES) one at a time$(comma) Fabric \
	$(call live_version,$(1)) -> $(FABRIC_VERSION)$(if $(call leaves_system,$(1)),$(comma) then removes the \
	system channel $(SYS_CHANNEL) (channel participation from now on))";)

# ---- capabilities: make channel raises them once every node has them ----
# (a shell command, run before the channel's update: the roll of the same
# make has written the records by then)
define capabilities_check
	$(Q)for f in $(STAMP_DIR)/*.live; do [ -e "$$f" ] || continue; read v flow < "$$f"; \
		if [ "$$(printf '%s\n%s\n' "$$v" "$(CHANNEL_NEEDS)" | sort -V | head -n 1)" != "$(CHANNEL_NEEDS)" ]; then \
			o=$${f##*/}; echo "make: $(CHANNEL)'s capabilities in $(CONFIGTX) ($(CHANNEL_CAPABILITIES)) need Fabric \
$(CHANNEL_NEEDS) or later on every node, and $${o%.live} runs $$v: make deploy FABRIC_VERSION=<$(CHANNEL_NEEDS) or later> first" >&2; \
			exit 1; \
		fi; \
	done
endef

# ---- the migration's block 0 (rules/artifacts.mk: GENESIS_FROM_CHANNEL) ----
# A joined peer org fetches it from the channel.  Its Job mounts the
# cli-crypto Secret the cluster has (the system flow's: the Admin and the
# orderers' TLS CAs are all it needs), so it does not wait for the new
# one, which holds the block.
ifdef GENESIS_FROM_CHANNEL
BLOCK0_JOB := $(call job_yaml,$(CONFIG_ORG),ch-$(CHANNEL)-block0)
$(eval $(call job_manifest,$(CONFIG_ORG),ch-$(CHANNEL)-block0,channel-config.sh,applied))
$(BLOCK0_JOB): JOB_ARGS = -D BLOCK=0
$(GENESIS): $(BLOCK0_JOB) | $(BINDIR)/kapply $(foreach o,$(ORDERER_ORGS),$(call node_manifests,$(o)))
	$(Q)$(KAPPLY) wait -q --timeout $(WAIT_TIMEOUT) $(addprefix -f ,$(foreach o,$(ORDERER_ORGS),$(call node_manifests,$(o)))) || \
		{ echo "make: $(CHANNEL) runs in the system flow, as this build made it, and the cluster does not run its" \
			"orderers (above): nothing to migrate; if the network is gone, make clean-cluster forgets it" >&2; exit 1; }
	$(Q)mkdir -p $(@D)
	$(call run_job,$(CONFIG_ORG),ch-$(CHANNEL)-block0)
	$(Q)umask 027; $(call from_log,$(BLOCK0_JOB),BLOCK,$@)
endif
