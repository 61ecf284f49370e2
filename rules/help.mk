.PHONY: help
help:
	@printf '%s\n' \
	'Targets:' \
	'  all (default)   build the tools and generate everything for every org (no cluster needed)' \
	'  <domain>        generate what changed for one org and apply it, e.g. make org1' \
	'                  (an org also answers to its namespace, and to the first label of its domain)' \
	'  <domain>-files  generate what changed for one org only' \
	'  deploy          apply every org that changed, orderer orgs first' \
	'  namespaces      the cluster step: every org'"'"'s namespaces, volumes, operator account and Roles' \
	'  rbac            render each org'"'"'s Roles and RoleBindings, and name their files' \
	'  <domain>-kubeconfig  write $(BUILD)/kubeconfig/<domain>.yaml with a token of the org'"'"'s operator' \
	'  plan            what deploy would create, change or prune (dry run)' \
	'  status          each org'"'"'s objects, how ready they are, what the cluster lacks or changed' \
	'  reconcile       deploy, then put back what the cluster lacks or changed (drift), and wait' \
	'  channel         create CHANNEL and join every peer (and orderer), set anchor peers: Jobs;' \
	'                  once it runs, update its config to what configtx.yaml declares' \
	'  channel-plan    how the running channel differs from configtx.yaml; changes nothing' \
	'  chaincode       install, approve and commit the chaincode on CHANNEL, then query it' \
	'  query, invoke   query a and b; move CC_AMOUNT from a to b (the old guide: 90 and 210)' \
	'                  through ORG (a peer org) and PEER (one of its peers) if given' \
	'  jobs            render every Job manifest of channel and chaincode, run none' \
	'  endpoints       each node'"'"'s address as clients reach it' \
	'  connection-profiles  $(BUILD)/connection/<domain>.json and .yaml per peer org' \
	'  enroll, revoke  ORG=org1 USER=app1: an identity from the org'"'"'s CA, in $(BUILD)/identities/; or revoked' \
	'  export          $(BUILD)/export/<domain>.tar.gz per org (<domain>-export: one): its MSP, orderers'"'"' TLS and' \
	'                  signing certificates, external addresses, for the other orgs; no private key' \
	'  clean-cluster   delete what deploy created (every org at once) and wait until it is gone' \
	'  clean-crypto    delete the crypto material and artifacts (needs CONFIRM=1: it destroys the CAs)' \
	'  msp             every org'"'"'s crypto material (mspgen), nothing else' \
	'  artifacts       genesis block, channel and anchor peer transactions (txgen)' \
	'  vars            write $(BUILD)/vars/network.mk and one <domain>.vars per org' \
	'  expiry          list every certificate with its days left, soonest first' \
	'  renew           issue certificates again with the same keys (ORG=, DAYS=)' \
	'  tools           build the tools into $(BUILD)/bin' \
	'  check           run the test suite (with SANITIZE=1: under ASan and UBSan; VALGRIND=1: memcheck)' \
	'  e2e             the end-to-end test on the real cluster KUBECONFIG names (K8S_E2E=1 make check runs it too)' \
	'  fuzz            run each fuzz target for FUZZ_SECONDS (fuzz-<target>: one), with clang' \
	'  fuzz-merge      add to fuzz/corpus/ the inputs make fuzz found that reach new code' \
	'  deps            install the missing build and test packages (as root)' \
	'  clean           remove tools, generated variables and manifests (never crypto material)' \
	'  help            this list' \
	'' \
	'Variables (make VAR=value):' \
	'  CRYPTO_CONFIG   the cryptogen input(s) describing orgs and nodes [$(CRYPTO_CONFIG)]' \
	'  CONFIGTX        the configtxgen input; paths in it may point anywhere [$(CONFIGTX)]' \
	'  IMPORT          other operators'"'"' orgs: their make export archives, in the channel here, not deployed [$(IMPORT)]' \
	'  NAMESPACES      domain=namespace ... (default: the domain, dots as dashes) [$(NAMESPACES)]' \
	'  CHANNEL_PROFILE the channel: a genesis block (Orderer section) or a channel tx [$(CHANNEL_PROFILE)]' \
	'  CHANNEL_FLOW    system or participation; follows from CHANNEL_PROFILE; participation on a system-flow network migrates it [$(CHANNEL_FLOW)]' \
	'  GENESIS_PROFILE the system channel genesis block (system flow) [$(GENESIS_PROFILE)]' \
	'  SYS_CHANNEL     the system channel ID [$(SYS_CHANNEL)]' \
	'  CHANNEL         the application channel ID [$(CHANNEL)]' \
	'  ANCHOR_ORGS     MSP IDs that get an anchor peer update [system flow: the channel profile'"'"'s orgs]' \
	'  CC_NAME, CC_VERSION, CC_SEQUENCE  the chaincode [$(CC_NAME) $(CC_VERSION) $(CC_SEQUENCE)]' \
	'  CC_PATH, CC_IMAGE  its source, or a chaincode server image [$(CC_PATH)]' \
	'  CC_AMOUNT, CC_WAIT  what invoke moves; how long it waits for the commit, then looks in the blocks [$(CC_AMOUNT) $(CC_WAIT)]' \
	'  CC_ACCOUNTS     the accounts query prints; invoke moves CC_AMOUNT from the first to the second [$(CC_ACCOUNTS)]' \
	'  FABRIC_VERSION  1.4, 2.2, 2.4, 2.5, 3.0 or 3.1: images and settings; changed on a running network, rolls the nodes (orderers first) [$(FABRIC_VERSION)]' \
	'  TLS             0 turns TLS off [$(TLS)]' \
	'  POD_SECURITY    restricted, baseline or privileged: what the namespaces enforce [$(POD_SECURITY)]' \
	'  NETWORK_POLICY  1: NetworkPolicies let in what Fabric needs alone; 0: none [$(NETWORK_POLICY)]' \
	'  SCOPE           cluster: make <domain> and deploy run the cluster step too; namespace: not [$(SCOPE)]' \
	'  TOKEN_TTL       how long the token of make <domain>-kubeconfig is valid [$(TOKEN_TTL)]' \
	'  COUCHDB         1 gives every peer a CouchDB [$(COUCHDB)]' \
	'  CHAINCODE       ccaas, or docker to mount the node'"'"'s Docker socket [$(CHAINCODE)]' \
	'  STORAGE         pvc (STORAGE_CLASS, LEDGER_SIZE) or nfs (NFS_SERVER, NFS_PATH) [$(STORAGE)]' \
	'  SERVICE_TYPE    ClusterIP, NodePort (from NODEPORT_BASE) or LoadBalancer [$(SERVICE_TYPE)]' \
	'  EXTERNAL_HOST   NodePort: the nodes'"'"' DNS name or IPv4 address; LoadBalancer: a DNS zone [$(EXTERNAL_HOST)]' \
	'  CONNECTION      external or internal: the addresses of connection profiles [$(CONNECTION)]' \
	'  TYPE, CA_URL    enroll: the identity'"'"'s type [$(TYPE)]; where the CA is [its external address]' \
	'  WIPE            1: namespaces holding another build'"'"'s network are emptied, then deployed [$(WIPE)]' \
	'  KUBECONFIG      the cluster: kubeconfig files, colon-separated [$(or $(KUBECONFIG),~/.kube/config)]' \
	'  CONTEXT         the kubeconfig context to use [$(or $(CONTEXT),its current-context)]' \
	'  WAIT            1 waits until each applied org'"'"'s workloads are available [$(WAIT)]' \
	'  CLUSTER_JOBS    cluster steps run at once by deploy, channel, chaincode... (-j wins) [$(CLUSTER_JOBS)]' \
	'  ORG, DAYS       expiry/renew: one org only; only certificates expiring within DAYS' \
	'  ORG, USER       enroll/revoke: the org, and the identity'"'"'s name' \
	'  BUILD           where everything generated goes [$(BUILD)]' \
	'  V               1 prints every command instead of one line per step [$(V)]' \
	'  SANITIZE        1 builds the tools with -fsanitize=address,undefined [$(SANITIZE)]' \
	'  VALGRIND        1 runs the tests'"'"' tools under valgrind (slow) [$(VALGRIND)]' \
	'  TESTS           the tests make check runs (default: all)' \
	'  FUZZ_SECONDS    how long make fuzz runs each target [$(FUZZ_SECONDS)]' \
	'  CC, CFLAGS      the C compiler and its flags [$(CC), $(CFLAGS)]'
