# make channel and make chaincode: the steps the old tool's guide had an
# operator type in CLI pods, as Kubernetes Jobs (templates/job.yaml running
# a script of entrypoints/ as the org's Admin).  Each step is one Job
# whose completion is a stamp under $(STAMP_DIR)/channel-$(CHANNEL)/ or
# .../chaincode-$(CC_NAME)-$(CC_SEQUENCE)/: a rerun skips what is done, and
# a failed step stops the chain after printing its Job's log.  The scripts
# themselves also skip what the network has already (a joined peer, an
# approved definition), so a step that is run again is harmless.
#
# A step runs again only when what it acts on changed: its Job manifest
# (the script's parameters), or, for joins and installs, the org's nodes
# (its vars file).  The org's apply stamp and the steps before it are
# order-only: re-applying an org (a new image, a new log level) changes no
# channel, and reruns no Job.  make clean-cluster forgets these stamps.
JOBS_DIR := $(BUILD)/jobs
JOB_TIMEOUT ?= 10m
CHANNEL_STAMPS := $(STAMP_DIR)/channel-$(CHANNEL)
# "host:port ..." of an org's peers, and of an orderer org's admin endpoints
peer_addresses = $(addsuffix :$(PEER_PORT),$($(1)_NODE_HOSTS))
orderer_admins = $(if $(filter orderer,$($(1)_TYPE)),$(addsuffix :$(ORDERER_ADMIN_PORT),$($(1)_NODE_HOSTS)))

# $(call job_rules,org,job,script,stamp): the Job manifest of one step,
# $(call job_yaml,org,job), and the stamp that says the step completed (a
# target outside STAMP_DIR, as query and invoke name, is phony: no stamp).
# The org's apply comes first (order-only).  What is particular to a step
# its caller adds with plain rule lines: the manifest's own render arguments in
# its target-specific JOB_ARGS, the manifest's other prerequisites, and
# the steps before it as order-only prerequisites of the stamp.
job_yaml = $(JOBS_DIR)/$(1)/$(2).yaml
define job_rules
$(call job_manifest,$(1),$(2),$(3))
$(4): $(call job_yaml,$(1),$(2)) | $(call ready_stamp,$(1))
	$$(call run_job,$(1),$(2))
	$(if $(filter $(STAMP_DIR)/%,$(4)),$$(Q)mkdir -p $$(@D) && touch $$@)
endef
# $(call job_manifest,org,job,script[,as applied]): the Job manifest alone,
# for a step that another recipe runs (run_job); with a fourth argument, it
# mounts the cli-crypto Secret as the cluster has it, and does not wait for
# a new one (rules/upgrade.mk)
define job_manifest
$(call render_rule,$(1),ALL_JOBS,$(call job_yaml,$(1),$(2)),templates/job.yaml,-f templates/job.vars \
		-f $(MANIFESTS_DIR)/$(1)/cli-crypto.vars -f $(MANIFESTS_DIR)/$(1)/scripts.vars -D JOB=$(2) -D STEP=$(2) \
		-D SCRIPT=$(3) -D ORDERER_ADDRESS=$(call orderer_address,$(1)) -D ORDERER_ORG=$(call orderer_org_of,$(1)) \
		-D 'ORDERER_ADMINS=$(call orderer_admins,$(1))' -D 'PEERS=$(call peer_addresses,$(1))' -D 'ACCOUNTS=$$(CC_ACCOUNTS)' \
		-D PEER_ADDRESS=$(firstword $(call peer_addresses,$(1))) $$(JOB_ARGS),\
	templates/job.vars $(if $(4),,$(MANIFESTS_DIR)/$(1)/cli-crypto.vars) $(MANIFESTS_DIR)/$(1)/scripts.vars)
endef

# Run one Job from scratch and wait for it; on failure show its log.  A
# step whose Job waits for what another org's step makes (its target's
# WAITS_FOR: that step's org/job) also shows how that step's Job is.
#
# A make stopped while it waited (Ctrl-C, a kill, a lost terminal) leaves
# the Job running, and its manifest as it was sent beside it (.<job>.sent):
# the next make with the same manifest waits for that Job instead of
# starting another, so that what it wrote to the ledger (an invoke's
# transfer) is written once, and reported by the make that finishes it.
define run_job
	$(call msg,JOB,$(1)/$(2))if cmp -s $(call job_sent,$(1),$(2)) $(JOBS_DIR)/$(1)/$(2).yaml && \
		$(KAPPLY) wait -q --timeout $(JOB_TIMEOUT) -f $(JOBS_DIR)/$(1)/$(2).yaml 2>/dev/null; then \
		echo "make: $(1)/$(2): the Job an interrupted make started is complete; it is not run again"; \
	else \
		$(KAPPLY) delete -q --wait -f $(JOBS_DIR)/$(1)/$(2).yaml && \
		cp $(JOBS_DIR)/$(1)/$(2).yaml $(call job_sent,$(1),$(2)) && \
		$(KAPPLY) apply -q -f $(JOBS_DIR)/$(1)/$(2).yaml && \
		{ $(KAPPLY) wait -q --timeout $(JOB_TIMEOUT) -f $(JOBS_DIR)/$(1)/$(2).yaml || \
		{ rm -f $(call job_sent,$(1),$(2)); echo "make: step $(1)/$(2) failed; the log of its Job:" >&2; \
		  $(KAPPLY) logs -f $(JOBS_DIR)/$(1)/$(2).yaml >&2; \
		  $(if $(WAITS_FOR),echo "make: step $(1)/$(2) waited for step $(WAITS_FOR); the state of its Job:" >&2; \
		  $(KAPPLY) get -f $(JOBS_DIR)/$(WAITS_FOR).yaml >&2;) exit 1; }; }; \
	fi
	$(Q)rm -f $(call job_sent,$(1),$(2))
endef
job_sent = $(JOBS_DIR)/$(1)/.$(2).sent

# One Job per org and its stamp $(CHANNEL_STAMPS)/<domain>, all at once:
# each peer org joins its peers (entrypoints/channel.sh), the first one
# creating the channel in the system channel flow while the others wait for
# it, and sets its anchor peers if it is in ANCHOR_ORGS; in the
# participation flow each orderer org joins its orderers through their
# admin endpoints (orderer-join.sh) while the peers join with the genesis
# block.  A node added to an org (its vars) runs the org's Job again.
# The channel's peer orgs: those of CHANNEL_PROFILE's Application orgs (an
# org may stay in crypto-config.yaml once it left the channel).
CHANNEL_MSPS := $($(CHANNEL_PROFILE)_APP_MSPS)
CHANNEL_PEER_ORGS := $(if $(CHANNEL_MSPS),$(foreach o,$(PEER_ORGS),$(if $(filter $($(o)_MSP_ID),$(CHANNEL_MSPS)),$(o))),$(PEER_ORGS))
first_peer_org := $(firstword $(CHANNEL_PEER_ORGS))
ANCHOR_STEPS := $(foreach org,$(CHANNEL_PEER_ORGS),$(if $(filter $($(org)_MSP_ID),$(ANCHOR_ORGS)),$(org)))
ifeq ($(CHANNEL_FLOW),participation)
$(foreach o,$(ORDERER_ORGS),$(eval $(call job_rules,$(o),ch-$(CHANNEL),orderer-join.sh,$(CHANNEL_STAMPS)/$(o))))
CHANNEL_ORGS := $(ORDERER_ORGS) $(CHANNEL_PEER_ORGS)
CREATOR :=
# an anchor peer update goes to orderers that serve the channel
channel_after = $(if $(filter $(1),$(ANCHOR_STEPS)),$(ORDERER_ORGS:%=$(CHANNEL_STAMPS)/%))
else
CHANNEL_ORGS := $(CHANNEL_PEER_ORGS)
channel_after = $(foreach o,$(ORDERER_ORGS),$(call ready_stamp,$(o)))
# the first peer org creates the channel from its creation transaction;
# the others wait in their Jobs for its block 0, so their Jobs start once
# the creator's may start too (it is applied, or ready with WAIT=1): a Job
# that started waiting while the creator's org still came up could give
# up before the creator's Job even began
CREATOR := $(first_peer_org)
endif
# $(call joins_created,org): non-empty when org's Job waits for the creator's block 0
joins_created = $(if $(CREATOR),$(filter-out $(CREATOR),$(1)))
define peer_channel_rules
$(call job_rules,$(1),ch-$(CHANNEL),channel.sh,$(CHANNEL_STAMPS)/$(1))
$(call job_yaml,$(1),ch-$(CHANNEL)): JOB_ARGS = -D ANCHORS=$(if $(filter $(1),$(ANCHOR_STEPS)),true,false) \
	-D CREATE=$(if $(filter $(1),$(CREATOR)),true,false) $(if $(call joins_created,$(1)),-D WAITS_FOR=$(CREATOR)/ch-$(CHANNEL))
$(CHANNEL_STAMPS)/$(1): | $(call channel_after,$(1))
$(if $(call joins_created,$(1)),$(CHANNEL_STAMPS)/$(1): private WAITS_FOR = $(CREATOR)/ch-$(CHANNEL)
$(CHANNEL_STAMPS)/$(1): | $(call ready_stamp,$(CREATOR)))
endef

# A channel that runs is brought to what configtx.yaml declares for it (an
# org added to the profile or removed, anchor peers, batch size and
# timeout, policies, capabilities: rules/channel-config.mk), once an
# earlier make completed it (the stamp $(CHANNEL_STAMPS)/config).  The
# orgs whose stamps are there then are the channel's; an org without one
# joins once the update that adds it is in.  A channel this make creates
# is as declared by construction.
CHANNEL_MADE := $(wildcard $(CHANNEL_STAMPS)/config)
JOINED_ORGS := $(if $(CHANNEL_MADE),$(notdir $(wildcard $(CHANNEL_ORGS:%=$(CHANNEL_STAMPS)/%))))
NEW_ORGS := $(if $(CHANNEL_MADE),$(filter-out $(JOINED_ORGS),$(CHANNEL_ORGS)))
$(foreach org,$(CHANNEL_PEER_ORGS),$(eval $(call peer_channel_rules,$(org))))
$(foreach org,$(CHANNEL_ORGS),$(eval $(CHANNEL_STAMPS)/$(org): $(VARS_DIR)/$(org).vars))
CHANNEL_DONE := $(CHANNEL_ORGS:%=$(CHANNEL_STAMPS)/%) $(CHANNEL_STAMPS)/config

.PHONY: channel
channel: $(CHANNEL_DONE)
