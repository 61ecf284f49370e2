# What the rules share: how a step decides to run again, and whether this
# is a dry run.
#
# A step reruns when a prerequisite is newer, as always, and also when the
# command it would run now differs from the one that made its output, the
# way Kbuild's if_changed does: the recipe's last line records the command
# in a file beside the output, and while the makefiles are read
# $(call changed,record,command) gives the step the prerequisite FORCE if
# the record differs.  A step whose command did not change stays up to date
# (make -q says so), and nothing is written while the makefiles are read.
# The whole command is compared, as Kbuild does (its spacing aside): the
# same words in another order are another command (render's later -f
# wins).
.PHONY: FORCE
FORCE:
# (a rule's prerequisites may name $$(...) to be read with its target's own
# variables: the recorded command of a manifest, rules/manifests.mk)
.SECONDEXPANSION:

escsq = $(subst ','\'',$(1))
# $(call differ,a,b): non-empty unless a and b are the same words in the
# same order (each taken out of the other leaves nothing but spaces)
differ = $(subst $(strip $(1)),,$(strip $(2)))$(subst $(strip $(2)),,$(strip $(1)))
# $(call changed,record-file,command): FORCE unless record-file holds command
changed = $(if $(call differ,$(file <$(1)),$(2)),FORCE)
# the record of a target's command: .<name>.cmd beside it
cmd_file = $(dir $(1)).$(notdir $(1)).cmd
# $(call record,record-file,command): the recipe line that writes the record
record = printf '%s\n' '$(call escsq,$(2))' > $(1)

# The stamps: an empty file per step done, under $(STAMP_DIR).
#   <org>.msp      the org's crypto material is complete (rules/msp.mk)
#   <org>.applied  every object of the org was applied (rules/deploy.mk)
#   <org>.ready    and, with WAIT=1, its workloads became available
#   tools/<t>.sum  what tool t does (rules/tools.mk)
#   channel-<channel>/, chaincode-<channel>-<name>-<sequence>/  the steps
#                  of make channel and make chaincode (rules/channel.mk,
#                  rules/chaincode.mk)
STAMP_DIR := $(BUILD)/stamps
msp_stamp = $(STAMP_DIR)/$(1).msp
applied_stamp = $(STAMP_DIR)/$(1).applied
# $(call node_port,org): the port its nodes serve clients at (templates/constants.vars)
node_port = $(if $(filter peer,$($(1)_TYPE)),$(PEER_PORT),$(ORDERER_PORT))
# what `make <domain>` and `make deploy` bring up to date: the org applied
# and, with WAIT=1, its workloads available.  The wait has a stamp of its
# own, so that every org waits at once (orderer orgs are applied first, but
# peer orgs need not wait for them to be ready), and a rerun waits again
# only after an apply.
ready_stamp = $(STAMP_DIR)/$(1).$(if $(filter 1,$(WAIT)),ready,applied)

# Is this a dry run (make -n)?  Then nothing is written, not even the
# makefiles make would otherwise remake before it reads them.
DRY_RUN := $(if $(filter --%,$(short_opts)),,$(findstring n,$(short_opts)))

# A Secret's manifest and its .vars (what a workload's template says of the
# Secret's volume) come from one mksecret run, which rewrites the .vars
# only when its content changes, so that new Secret data does not render
# every node's manifest again.  That is why the .vars is no target of the
# run (a grouped target would have to end up newer than the run's inputs):
# it only waits for its manifest, and one deleted alone is made again by
# making its manifest again.  Each makefile lists its pairs in SECRET_PAIRS.
# (Through SUBMAKE: a line naming $(MAKE) itself would run under make -n.
# Such a line gets no jobserver, so the nested make leaves MAKEFLAGS'
# jobserver out and keeps a pool of its own instead of warning.)
SUBMAKE = MAKEFLAGS="$$(printf '%s' "$$MAKEFLAGS" | sed 's/ *--jobserver-[a-z]*=[^ ]*//g')" $(MAKE)
define vars_of
$(1:.yaml=.vars): | $(1)
	$$(Q)test -f $$@ || { rm -f $(1) && $$(SUBMAKE) --no-print-directory $(1); }
endef
