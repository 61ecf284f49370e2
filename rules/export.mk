# make export: what the other orgs of a consortium need of each org, whose
# operators run their own orgs in their own checkouts and get this one as a
# file: $(EXPORT_DIR)/<domain>.tar.gz (make <domain>-export: one org).
# Under <domain>/, in crypto-config's layout (so that a configtx.yaml path
# matched by its .../<domain>/... suffix finds its file there):
#   msp/          the org's MSP: cacerts, tlscacerts, admincerts and
#                 config.yaml where it has them
#   orderers/<node>/tls/server.crt, orderers/<node>/msp/signcerts/
#                 an orderer org's nodes' TLS and signing certificates,
#                 which a channel's consenters name (Raft's ClientTLSCert
#                 and ServerTLSCert, BFT's Identity)
#   org.vars      who the org is and where its nodes are reached from
#                 outside: its lines of yaml2vars' <domain>.vars (NAME=value,
#                 which render -f and make's include read)
# No private key goes in: keystores, *_sk and *.key are left out, and a
# staged file that holds "PRIVATE KEY" stops the export, named.  The same
# files make the same bytes (no owner, time or mode of this machine), and
# an archive is made again only when a file it packs or the org's vars
# changed, or when it would pack other files (its recorded command).
EXPORT_DIR := $(BUILD)/export

# Others reach the org's nodes at their external addresses only.
ifneq ($(filter export %-export $(EXPORT_DIR)/%,$(MAKECMDGOALS)),)
ifeq ($(EXTERNAL_HOST),)
$(error make export: an export names each node's external address, at which the other orgs reach it, and the network has none (SERVICE_TYPE=NodePort or LoadBalancer with EXTERNAL_HOST))
endif
endif

# the lines of the org's vars file that go into org.vars; the rest
# (namespace, node ports, names in the cluster, the CA) is the exporter's own
EXPORT_VARS := ^(ORG|ORG_NAME|ORG_TYPE|DOMAIN|MSP_ID|NODES|NODE_COUNT|NODE[0-9]+_(HOSTNAME|CN|EXTERNAL))=
# what no export holds, whatever a tree has beside its certificates
WITHOUT_KEYS := --exclude=keystore --exclude='*_sk' --exclude='*.key'
# an archive that the same files make byte for byte the same, wherever and
# whenever they are packed (GNU format: a long domain makes names longer
# than ustar's, which chaincode.mk's det_tar uses)
EXPORT_TAR := LC_ALL=C tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=a=rX,u+w

# $(call export_files,org): what of the org's tree goes in
export_files = msp $(if $(filter orderer,$($(1)_TYPE)),$(foreach \
	n,$($(1)_NODE_CNS),orderers/$(n)/tls/server.crt orderers/$(n)/msp/signcerts))
# (recorded: other nodes, or other lines of the vars, make it again)
export_cmd = export $(call export_files,$(1)) $(EXPORT_VARS)
# the same as files: those that exist when make starts are the archive's
# prerequisites (a user added to the org, which touches its msp stamp,
# packs nothing again); before they exist, the msp stamp is (msp_files)
export_inputs = $(addprefix $(call org_dir,$(1))/,msp/config.yaml msp/*/* $(if $(filter orderer,$($(1)_TYPE)),$(foreach \
	n,$($(1)_NODE_CNS),orderers/$(n)/tls/server.crt orderers/$(n)/msp/signcerts/*)))

# $(call cmd_export,org): stage the org's files in a directory of its own
# (a killed run's is removed by the next), check them for private keys,
# pack them and rename the archive into place
cmd_export = $(call msg,EXPORT,$@)t=$(EXPORT_DIR)/.$(1).tmp && rm -rf $$t && mkdir -p $$t/tree/$(1) && \
	tar -C $(call org_dir,$(1)) $(WITHOUT_KEYS) -cf $$t/copy.tar $(call export_files,$(1)) && \
	tar -C $$t/tree/$(1) -xf $$t/copy.tar && \
	{ printf '%s\n' '\# $(1): who the org is and where its nodes are reached; written by make export'; \
	  grep -E '$(EXPORT_VARS)' $(VARS_DIR)/$(1).vars; } > $$t/tree/$(1)/org.vars && \
	{ ! grep -rlq 'PRIVATE KEY' $$t/tree || { grep -rl 'PRIVATE KEY' $$t/tree | while read -r f; do \
	  echo "make: $(call org_dir,$(1))/$${f\#$$t/tree/$(1)/} holds a private key: $@ is not written" >&2; done; \
	  false; }; } && \
	$(EXPORT_TAR) -C $$t/tree -cf $$t/export.tar $(1) && gzip -9n < $$t/export.tar > $$t/export.tar.gz && \
	mv $$t/export.tar.gz $@; rc=$$?; rm -rf $$t; exit $$rc

# $(call export_rules,org)
define export_rules
$(EXPORT_DIR)/$(1).tar.gz: $(VARS_DIR)/$(1).vars $(call msp_files,$(1),$(call export_inputs,$(1))) \
		$(call changed,$(call cmd_file,$(EXPORT_DIR)/$(1).tar.gz),$(call export_cmd,$(1))) | $(call msp_stamp,$(1))
	$$(call cmd_export,$(1))
	$$(Q)$$(call record,$$(call cmd_file,$$@),$$(call export_cmd,$(1)))

.PHONY: $(1)-export
$(1)-export: $(EXPORT_DIR)/$(1).tar.gz
endef
$(foreach o,$(ORGS),$(eval $(call export_rules,$(o))))

.PHONY: export
export: $(ORGS:%=$(EXPORT_DIR)/%.tar.gz)
CLEAN_DIRS += $(EXPORT_DIR)
