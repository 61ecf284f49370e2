# Channel configuration as code: `make channel` brings a channel that runs
# to what configtx.yaml declares for it, as `make deploy` brings the
# cluster to the manifests.  The steps, each a Job in its org's namespace:
#   1. an org of the channel fetches its config block (channel-config.sh),
#      which make reads from the Job's log into $(CHANNEL_DIR)/live.block;
#   2. txgen -liveConfig says what differs from the profiles (an org added
#      to or removed from the profile's Application orgs, anchor peers,
#      batch size and timeout, policies, capabilities), and writes the
#      config update and the MSPs whose admins must sign it for its
#      mod_policies (MAJORITY Admins of the channel's orgs for a change of
#      its members);
#   3. each of those admins but the last signs the update in a Job of its
#      own namespace (channel-sign.sh; the envelope goes from one to the
#      next through the Secret channel-update and the signer's log), and
#      the last submits it (channel-update.sh);
#   4. an org the update added then joins its peers (rules/channel.mk),
#      fetching the channel's block 0 from the orderers.
# `make channel-plan` does 1 and 2 and changes nothing.  The step reruns
# when the copy of configtx.yaml, an org's MSP or txgen changes.
CHANNEL_DIR := $(BUILD)/channel/$(CHANNEL)
# (it also writes RECONCILED_CONSENTERS_FILE: rules/deploy.mk)
CHANNEL_CONFIG := $(CHANNEL_STAMPS)/config
# what txgen compares the channel with: its profile and, in the system
# flow, the system channel's profile, which its Orderer group came from
RECONCILE_ARGS := -configPath $(BUILD) -profile $(CHANNEL_PROFILE) -channelID $(CHANNEL) \
	$(if $(filter system,$(CHANNEL_FLOW)),-ordererProfile $(GENESIS_PROFILE))
# who fetches the config: a peer org of the channel that had joined
CONFIG_ORG := $(firstword $(filter $(CHANNEL_PEER_ORGS),$(JOINED_ORGS)) $(first_peer_org))
CONFIG_JOB := $(call job_yaml,$(CONFIG_ORG),ch-$(CHANNEL)-config)

ifneq ($(CONFIG_ORG),)
$(eval $(call job_rules,$(CONFIG_ORG),ch-$(CHANNEL)-config,channel-config.sh,ch-config-run))
endif
# (the config Job runs from the recipes below: a plan applies nothing)
define signer_jobs
$(call job_rules,$(1),ch-$(CHANNEL)-sign,channel-sign.sh,$(1)-channel-sign)
$(call job_rules,$(1),ch-$(CHANNEL)-submit,channel-update.sh,$(1)-channel-submit)
$(call job_yaml,$(1),ch-$(CHANNEL)-sign) $(call job_yaml,$(1),ch-$(CHANNEL)-submit): \
	JOB_ARGS = -D 'UPDATE_SOURCE=secret: {secretName: channel-update}'
endef
$(foreach o,$(ORGS),$(eval $(call signer_jobs,$(o))))
.PHONY: ch-config-run $(ORGS:%=%-channel-sign) $(ORGS:%=%-channel-submit)

# $(call from_log,job-manifest,WHAT,file): what a Job printed between its
# -----BEGIN WHAT----- and -----END WHAT----- lines, base64, into file
from_log = $(KAPPLY) logs -f $(1) | sed -n '/^-----BEGIN $(2)-----$$/,/^-----END $(2)-----$$/p' | \
	sed '1d;$$d' | base64 -d > $(3).tmp && test -s $(3).tmp && mv $(3).tmp $(3) || \
	{ rm -f $(3).tmp; echo "make: no $(2) in the log of $(1)" >&2; exit 1; }

# 1 and 2: the live config and how it differs (txgen's output files, if asked)
define compare_channel
	$(Q)mkdir -p $(CHANNEL_DIR)
	$(call run_job,$(CONFIG_ORG),ch-$(CHANNEL)-config)
	$(Q)$(call from_log,$(CONFIG_JOB),BLOCK,$(CHANNEL_DIR)/live.block)
	$(Q)$(BINDIR)/txgen $(RECONCILE_ARGS) -liveConfig $(CHANNEL_DIR)/live.block $(1)
endef

# 3: sign and submit $(CHANNEL_DIR)/update.tx, signers in order.  The
# make that does it (channel-update-run, run once txgen wrote them) reads
# the signers' MSP IDs from txgen's $(CHANNEL_DIR)/signers.vars.
ifneq ($(filter channel-update-run,$(MAKECMDGOALS)),)
-include $(CHANNEL_DIR)/signers.vars
unknown_signer = the update of $(CHANNEL) wants $(1)'s admin, but no org of $(CRYPTO_CONFIG) has that MSP ID
SIGNER_ORGS := $(foreach m,$(SIGNERS),$(or $(call msp_org,$(m)),$(error $(call unknown_signer,$(m)))))
$(if $(SIGNER_ORGS),,$(error $(CHANNEL_DIR)/signers.vars names no signer of the update))
endif
# $(call hand_update,org): the update, as it is now, to org's Secret channel-update
define hand_update
	$(Q)$(BINDIR)/mksecret -n channel-update -N $($(1)_NAMESPACE) -l app.kubernetes.io/managed-by=$(MANAGED_BY) \
		-l fabric-k8s/job-of=$($(1)_NAMESPACE) -o $(JOBS_DIR)/$(1)/channel-update.yaml update.tx=$(CHANNEL_DIR)/update.tx
	$(Q)$(KAPPLY) apply -q -f $(JOBS_DIR)/$(1)/channel-update.yaml
endef
# $(call sign_by,org): org's admin signs it (its Job prints the signed update)
define sign_by
$(call hand_update,$(1))
	$(Q)$(SUBMAKE) --no-print-directory $(1)-channel-sign
	$(Q)$(call from_log,$(JOBS_DIR)/$(1)/ch-$(CHANNEL)-sign.yaml,CONFIG UPDATE,$(CHANNEL_DIR)/update.tx)

endef
# $(call submit_by,org): org's admin signs it too, and submits it
define submit_by
$(call hand_update,$(1))
	$(Q)$(SUBMAKE) --no-print-directory $(1)-channel-submit
endef

# (TXGEN_DEPS ends in order-only prerequisites: the MSP stamps; an org's
# join that runs again, for a new peer, changes nothing here.)  Once the
# channel is as declared, an orderer org that kept orderers gone from
# crypto-config.yaml while they were its consenters (rules/deploy.mk)
# prunes them.
$(CHANNEL_CONFIG): $(call changed,$(call cmd_file,$(CHANNEL_CONFIG)),txgen $(RECONCILE_ARGS)) $(TXGEN_DEPS) \
		$(BINDIR)/mksecret $(if $(CHANNEL_MADE),$(JOINED_ORGS:%=$(CHANNEL_STAMPS)/%) $(CONFIG_JOB) \
			$(foreach o,$(ORGS),$(call job_yaml,$(o),ch-$(CHANNEL)-sign) $(call job_yaml,$(o),ch-$(CHANNEL)-submit)),\
			$(filter-out $(CHANNEL_CONFIG),$(CHANNEL_DONE)))
ifeq ($(CHANNEL_MADE),)
	$(Q)mkdir -p $(@D)
else
	$(Q)$(SUBMAKE) --no-print-directory channel-reconcile
endif
	$(Q)$(call record,$(call cmd_file,$@),txgen $(RECONCILE_ARGS))
	$(Q)mkdir -p $(CHANNEL_DIR) && printf '%s\n' \
		'RECONCILED_CONSENTERS := $(foreach o,$(ORDERER_ORGS),$(addprefix $(o)/,$($(o)_CONSENTERS)))' \
		> $(RECONCILED_CONSENTERS_FILE)
	$(Q)printf '%s\n' '$(CHANNEL_CAPABILITIES)' > $(LIVE_CAPABILITIES_FILE)
	$(Q)touch $@
	$(Q)waiting=$$(for f in $(STAMP_DIR)/*.prune-waits; do [ ! -e "$$f" ] || echo "$${f%.prune-waits}.applied"; done); \
	[ -z "$$waiting" ] || $(SUBMAKE) --no-print-directory $$waiting
# an org that joins the running channel, once the update that adds it is in
$(NEW_ORGS:%=$(CHANNEL_STAMPS)/%): | $(CHANNEL_CONFIG)

# 1 to 3, and again while updates are left: etcdraft takes one consenter
# change per update (txgen's UPDATES_LEFT).  channel-update.sh waits until
# the channel has the update, so the next config fetched is a new one.
.PHONY: channel-reconcile channel-update-run channel-plan
channel-reconcile: $(CONFIG_JOB)
	$(call capabilities_check)
	$(call msg,CONFIG,$(CHANNEL) against $(CHANNEL_PROFILE))rm -f $(CHANNEL_DIR)/update.tx
	$(call compare_channel,-outputConfigUpdate $(CHANNEL_DIR)/update.tx -outputSigners $(CHANNEL_DIR)/signers.vars)
	$(Q)set -e; d=$(CHANNEL_DIR); [ -f $$d/update.tx ] || exit 0; \
	if [ -f $$d/before.block ] && cmp -s $$d/live.block $$d/before.block; then \
		echo "make: $(CHANNEL)'s config is still the one its last update was computed from" >&2; \
		exit 1; \
	fi; \
	$(SUBMAKE) --no-print-directory channel-update-run; \
	if grep -qx 'UPDATES_LEFT=0' $$d/signers.vars; then rm -f $$d/before.block; exit 0; fi; \
	cp $$d/live.block $$d/before.block; \
	$(SUBMAKE) --no-print-directory channel-reconcile
channel-update-run:
	$(foreach o,$(filter-out $(lastword $(SIGNER_ORGS)),$(SIGNER_ORGS)),$(call sign_by,$(o)))
	$(call submit_by,$(lastword $(SIGNER_ORGS)))
# what make channel would change on the channel, changing nothing
channel-plan: $(CONFIG_JOB) $(TXGEN_DEPS)
ifeq ($(CHANNEL_MADE),)
	@echo "make: channel $(CHANNEL) is not made yet by this build ($(CHANNEL_STAMPS)/config): make channel makes it as declared" >&2
	@exit 1
else
	$(call msg,PLAN,channel $(CHANNEL))
	$(call compare_channel,)
endif

# (make plan shows the channel's too, once it runs: rules/upgrade.mk)

CLEAN_DIRS += $(BUILD)/channel
