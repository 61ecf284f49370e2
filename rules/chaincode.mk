# make chaincode: the chaincode on CHANNEL, every peer org taking part.
#
# Fabric 2.x, chaincode as a service: each peer org runs the chaincode
# server as a Deployment and Service of its own (templates/chaincode.yaml),
# and its package carries a connection.json naming that Service; the
# package is made here (deterministic tar and gzip, so its ID, label and
# SHA-256, is known before install).  Steps: server, install on every peer
# and approve, per org; commit, then "init a 100 b 200", once.
# Fabric 1.4: install from Go source (the peer builds it with Docker, so
# CHAINCODE=docker) and instantiate with the init arguments.
#
# make query prints the balances of a and b; make invoke moves CC_AMOUNT
# from a to b (the old guide's "invoke a b 10": then a = 90, b = 210).
CC_NAME ?= abstore
CC_VERSION ?= 1.0
CC_SEQUENCE ?= 1
CC_PATH ?= chaincode/abstore/$(if $(filter 1.4,$(FABRIC_VERSION)),go,node)
CC_IMAGE ?=
CC_INIT ?= {"Args":["init","a","100","b","200"]}
CC_AMOUNT ?= 10
CC_TRANSFER := {"Args":["invoke","a","b","$(CC_AMOUNT)"]}
CC_LABEL := $(CC_NAME)_$(CC_VERSION)
CC_BUILD := $(BUILD)/chaincode/$(CC_LABEL)
CC_STAMPS := $(STAMP_DIR)/chaincode-$(CHANNEL)-$(CC_NAME)-$(CC_SEQUENCE)
CC_SOURCES := $(shell find $(CC_PATH) -type f 2>/dev/null | sort)
space := $(subst ,, )
CC_POLICY := OR($(subst $(space),$(comma),$(foreach o,$(PEER_ORGS),'$($(o)_MSP_ID).member')))
# one peer of every org endorses commits and invokes: "host:port=tls-ca ..."
CC_ENDORSERS := $(foreach o,$(PEER_ORGS),$(firstword $(call peer_addresses,$(o)))=/cc/tls/$(o).pem)

ifneq ($(filter chaincode query invoke,$(MAKECMDGOALS)),)
$(if $(filter-out 1,$(words $(CC_NAME))),$(error CC_NAME must be one word))
$(if $(shell printf '%s' '$(CC_NAME)' | grep -Ex '[a-z]([-a-z0-9]*[a-z0-9])?'),,\
	$(error CC_NAME=$(CC_NAME): the chaincode names a Service, so lower-case letters, digits and '-'))
$(if $(CC_SOURCES)$(CC_IMAGE),,$(error CC_PATH=$(CC_PATH) holds no file, and no CC_IMAGE is given))
ifeq ($(FABRIC_VERSION),1.4)
$(if $(filter docker,$(CHAINCODE)),,$(error Fabric 1.4 builds chaincode with Docker: make chaincode needs CHAINCODE=docker))
endif
endif

# the Jobs' volume /cc: the package (2.x) or the source (1.4, or 2.x run
# from source), and every peer org's TLS CA for --tlsRootCertFiles
cc_files = $(if $(filter 1.4,$(FABRIC_VERSION)),,package.tgz=$(CC_BUILD)/$(1)/package.tgz) \
	$(if $(CC_IMAGE),,src=$(CC_PATH)) \
	$(foreach o,$(PEER_ORGS),tls/$(o).pem=$(call org_dir,$(o))/tlsca/tls$($(o)_CA_CN)-cert.pem)
cc_render = -f $(JOBS_DIR)/$(1)/cc-files.vars -D CC_NAME=$(CC_NAME) -D CC_VERSION=$(CC_VERSION) \
	-D CC_SEQUENCE=$(CC_SEQUENCE) -D 'ENDORSERS=$(CC_ENDORSERS)' -D "POLICY=$(CC_POLICY)"
package_id = $(shell cat $(CC_BUILD)/$(1)/package-id 2>/dev/null)

# $(call cc_org_rules,org)
define cc_org_rules
# the package: connection.json in code.tar.gz, with metadata.json
$$(CC_BUILD)/$(1)/package.tgz:
	$$(call msg,PACKAGE,$(1)/$$(CC_LABEL))mkdir -p $$(@D)/pkg/code
	$$(Q)printf '{"address":"%s.%s:9999","dial_timeout":"10s","tls_required":false}\n' \
		$$(CC_NAME) $(1) > $$(@D)/pkg/code/connection.json
	$$(Q)printf '{"type":"ccaas","label":"%s"}\n' $$(CC_LABEL) > $$(@D)/pkg/metadata.json
	$$(Q)$$(call det_tar,$$(@D)/pkg/code,connection.json) > $$(@D)/pkg/code.tar.gz
	$$(Q)$$(call det_tar,$$(@D)/pkg,metadata.json code.tar.gz) > $$@.tmp && mv $$@.tmp $$@
	$$(Q)echo "$$(CC_LABEL):$$$$(sha256sum < $$@ | cut -d' ' -f1)" > $$(@D)/package-id
$$(CC_BUILD)/$(1)/package-id: $$(CC_BUILD)/$(1)/package.tgz

ALL_JOBS += $$(JOBS_DIR)/$(1)/cc-files.yaml
$$(JOBS_DIR)/$(1)/cc-files.vars: $$(JOBS_DIR)/$(1)/cc-files.yaml
$$(JOBS_DIR)/$(1)/cc-files.yaml: $$(CC_SOURCES) $$(if $$(filter 1.4,$$(FABRIC_VERSION)),,$$(CC_BUILD)/$(1)/package.tgz) \
		$$(foreach o,$$(PEER_ORGS),$$(call msp_stamp,$$(o))) $$(BINDIR)/mksecret
	$$(call msg,CONFIG,$(1)/cc-$$(CC_NAME))mkdir -p $$(@D)
	$$(Q)$$(BINDIR)/mksecret -c -n cc-$$(CC_NAME) -N $(1) -l app.kubernetes.io/managed-by=fabric-k8s \
		-l fabric-k8s/chaincode-of=$(1) -o $$@ -v $$(@:.yaml=.vars) -V CC_SOURCE $$(call cc_files,$(1))

ifneq ($$(FABRIC_VERSION),1.4)
# the chaincode server of the org, then install on its peers and approve
$$(JOBS_DIR)/$(1)/cc-server.yaml: templates/chaincode.yaml $$(call RENDER_DEPS,$(1)) \
		$$(JOBS_DIR)/$(1)/cc-files.vars $$(CC_BUILD)/$(1)/package-id
	$$(call msg,RENDER,jobs/$(1)/cc-server.yaml)mkdir -p $$(@D)
	$$(Q)$$(call RENDER_CMD,$(1)) -f $$(JOBS_DIR)/$(1)/cc-files.vars -D CC_NAME=$$(CC_NAME) \
		-D PACKAGE_ID=$$$$(cat $$(CC_BUILD)/$(1)/package-id) \
		-D 'CC_SERVER_IMAGE=$$(or $$(CC_IMAGE),$$(FABRIC_IMAGE_REPO)/fabric-nodeenv:$$(FABRIC_VERSION))' \
		-D 'CC_SERVER_COMMAND=$$(if $$(CC_IMAGE),null,[sh, -c, "cp -r /cc/src /tmp/cc && cd /tmp/cc && npm install --omit=dev --no-audit --no-fund && exec node /tmp/cc"])' \
		-o $$@ $$<
ALL_JOBS += $$(JOBS_DIR)/$(1)/cc-server.yaml
$$(CC_STAMPS)/server-$(1): $$(JOBS_DIR)/$(1)/cc-files.yaml $$(JOBS_DIR)/$(1)/cc-server.yaml $$(call applied_stamp,$(1))
	$$(call msg,APPLY,$(1)/chaincode $$(CC_NAME))$$(KAPPLY) apply -q -f $$(JOBS_DIR)/$(1)/cc-files.yaml \
		-f $$(JOBS_DIR)/$(1)/cc-server.yaml
	$$(Q)mkdir -p $$(@D) && touch $$@
$$(eval $$(call job_rules,$(1),cc-$$(CC_NAME)-$$(CC_SEQUENCE)-install,cc-install.sh,$$(CC_STAMPS)/install-$(1),\
	$$(CHANNEL_STAMPS)/join-$(1) $$(CC_STAMPS)/server-$(1),$$(JOBS_DIR)/$(1)/cc-files.vars $$(CC_BUILD)/$(1)/package-id,\
	$$$$(call cc_render,$(1)) -D PACKAGE_ID=$$$$$$$$(cat $$(CC_BUILD)/$(1)/package-id)))
$$(eval $$(call job_rules,$(1),cc-$$(CC_NAME)-$$(CC_SEQUENCE)-approve,cc-approve.sh,$$(CC_STAMPS)/approve-$(1),\
	$$(CC_STAMPS)/install-$(1),$$(JOBS_DIR)/$(1)/cc-files.vars $$(CC_BUILD)/$(1)/package-id,\
	$$$$(call cc_render,$(1)) -D PACKAGE_ID=$$$$$$$$(cat $$(CC_BUILD)/$(1)/package-id)))
else
$$(eval $$(call job_rules,$(1),cc-$$(CC_NAME)-$$(CC_SEQUENCE)-install,cc14-install.sh,$$(CC_STAMPS)/install-$(1),\
	$$(CHANNEL_STAMPS)/join-$(1),$$(JOBS_DIR)/$(1)/cc-files.vars,$$$$(call cc_render,$(1))))
endif
endef

# deterministic tar.gz of names in a directory: same bytes, same package ID
det_tar = tar -C $(1) --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
	--format=ustar -cf - $(2) | gzip -9n

$(foreach o,$(PEER_ORGS),$(eval $(call cc_org_rules,$(o))))

ifneq ($(FABRIC_VERSION),1.4)
CC_READY := $(CC_STAMPS)/init
$(eval $(call job_rules,$(first_peer_org),cc-$(CC_NAME)-$(CC_SEQUENCE)-commit,cc-commit.sh,$(CC_STAMPS)/commit,\
	$(PEER_ORGS:%=$(CC_STAMPS)/approve-%),$(JOBS_DIR)/$(first_peer_org)/cc-files.vars,$$(call cc_render,$(first_peer_org))))
$(eval $(call job_rules,$(first_peer_org),cc-$(CC_NAME)-$(CC_SEQUENCE)-init,cc-invoke.sh,$(CC_STAMPS)/init,\
	$(CC_STAMPS)/commit $(PEER_ORGS:%=$(CC_STAMPS)/server-%),$(JOBS_DIR)/$(first_peer_org)/cc-files.vars,\
	$$(call cc_render,$(first_peer_org)) -D 'CC_ARGS=$(CC_INIT)'))
else
CC_READY := $(CC_STAMPS)/instantiate
$(eval $(call job_rules,$(first_peer_org),cc-$(CC_NAME)-$(CC_SEQUENCE)-instantiate,cc14-instantiate.sh,\
	$(CC_STAMPS)/instantiate,$(PEER_ORGS:%=$(CC_STAMPS)/install-%),$(JOBS_DIR)/$(first_peer_org)/cc-files.vars,\
	$$(call cc_render,$(first_peer_org)) -D 'INIT_ARGS=$(CC_INIT)'))
endif

# query and invoke run every time they are asked for, and show their log
$(eval $(call job_rules,$(first_peer_org),cc-$(CC_NAME)-query,cc-query.sh,cc-query-run,,\
	$(JOBS_DIR)/$(first_peer_org)/cc-files.vars,$$(call cc_render,$(first_peer_org))))
$(eval $(call job_rules,$(first_peer_org),cc-$(CC_NAME)-invoke,cc-invoke.sh,cc-invoke-run,,\
	$(JOBS_DIR)/$(first_peer_org)/cc-files.vars,$$(call cc_render,$(first_peer_org)) \
	-D 'CC_ARGS=$(CC_TRANSFER)'))

.PHONY: chaincode query invoke cc-query-run cc-invoke-run
chaincode: $(CC_READY)
	$(Q)$(MAKE) --no-print-directory query
cc-query-run: $(CC_READY)
cc-invoke-run: $(CC_READY)
query: cc-query-run
	$(Q)$(KAPPLY) logs -f $(JOBS_DIR)/$(first_peer_org)/cc-$(CC_NAME)-query.yaml | grep -v '^==> '
invoke: cc-invoke-run
	$(Q)$(KAPPLY) logs -f $(JOBS_DIR)/$(first_peer_org)/cc-$(CC_NAME)-invoke.yaml | grep -v '^==> '
	$(Q)$(MAKE) --no-print-directory query

# every Job manifest (and chaincode server) rendered, none run: to look at
.PHONY: jobs
jobs: $(ALL_JOBS)
