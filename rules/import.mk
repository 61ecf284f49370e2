# IMPORT="<file> ...": the orgs of other operators, each the archive its
# make export wrote (rules/export.mk), part of the network here: the
# channel's config names them (their MSPs, an orderer org's consenters'
# certificates, their nodes at the external addresses of their org.vars),
# and nothing of them is deployed (ORGS stays CRYPTO_CONFIG's).
#
# Each archive is unpacked into $(IMPORT_DIR)/<domain>/ by the run that
# makes network.mk (rules/vars.mk), which an archive newer than it, or
# another IMPORT, starts: staged and checked first (scripts/import.sh: a
# tar.gz holding <domain>/ alone, no private key, no keystore, *_sk or
# *.key), then by yaml2vars (org.vars' DOMAIN, MSP_ID and ORG_TYPE; no own
# org's domain or MSP ID, no two imports of one org), and only then moved
# into place, each org only where it changed, so that an unchanged import
# makes no artifact again.  An org of configtx.yaml neither own nor
# imported stops only what needs the copy of configtx.yaml (the
# artifacts, the channel): yaml2vars says so in $(CONFIGTX_LACKS).
IMPORT_DIR := $(BUILD)/import
IMPORT_STAGE := $(BUILD)/.import-stage

# yaml2vars' -i of the orgs in place
IMPORT_ARGS = $(addprefix -i ,$(wildcard $(IMPORT_DIR)/*/org.vars))
# $(call with_imports,yaml2vars command with $(1) for its -i): stage the
# archives, run it on the staged org.vars, move them into place; nothing
# is moved when a step fails, and the stage goes either way
with_imports = s=$(IMPORT_STAGE) && { $(SHELL) scripts/import.sh stage $$s $(IMPORT) && \
	$(call yaml2vars_cmd,$$(for v in $$s/*/*/org.vars; do [ -f "$$v" ] && printf ' -i %s' "$$v"; done)) && \
	$(SHELL) scripts/import.sh commit $$s $(IMPORT_DIR); }; rc=$$?; rm -rf $$s; test $$rc = 0

ifndef SKIP_NETWORK
$(foreach f,$(IMPORT),$(if $(wildcard $(f)),,$(error IMPORT=$(IMPORT): $(f): no such file)))
# an imported org's tree removed (by hand: clean keeps it) is unpacked again
ifndef DRY_RUN
$(VARS_DIR)/network.mk: $(IMPORTED_ORGS:%=$(IMPORT_DIR)/%/org.vars)
$(IMPORT_DIR)/%/org.vars: ;
endif
endif
