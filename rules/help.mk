.PHONY: help
help:
	@printf '%s\n' \
	'Targets:' \
	'  all (default)   build the tools and everything generated for the network' \
	'  <domain>        bring one org up to date, e.g. make org1' \
	'  vars            write $(BUILD)/vars/network.mk and one <domain>.vars per org' \
	'  expiry          list every certificate with its days left, soonest first' \
	'  renew           issue certificates again with the same keys (ORG=, DAYS=)' \
	'  artifacts       genesis block, channel and anchor peer transactions (txgen)' \
	'  tools           build the tools into $(BUILD)/bin' \
	'  check           run the test suite (with SANITIZE=1: under ASan and UBSan)' \
	'  deps            install the missing build and test packages (as root)' \
	'  clean           remove tools, generated variables and manifests (never crypto material)' \
	'  help            this list' \
	'' \
	'Variables (make VAR=value):' \
	'  CRYPTO_CONFIG   the cryptogen input describing orgs and nodes [$(CRYPTO_CONFIG)]' \
	'  CONFIGTX        the configtxgen input; MSP IDs are read from it [$(CONFIGTX)]' \
	'  BUILD           where everything generated goes [$(BUILD)]' \
	'  ORG, DAYS       expiry/renew: one org only; only certificates expiring within DAYS' \
	'  CHANNEL_FLOW    system (system channel + channel tx) or participation [$(CHANNEL_FLOW)]' \
	'  GENESIS_PROFILE the configtx.yaml profile of the genesis block [$(GENESIS_PROFILE)]' \
	'  CHANNEL_PROFILE the profile of the channel tx and anchor updates [$(CHANNEL_PROFILE)]' \
	'  SYS_CHANNEL     the system channel ID [$(SYS_CHANNEL)]' \
	'  CHANNEL         the application channel ID [$(CHANNEL)]' \
	'  ANCHOR_ORGS     MSP IDs that get an anchor peer update [system flow: all peer orgs]' \
	'  KUBECONFIG      the cluster: kubeconfig files, colon-separated [$(or $(KUBECONFIG),~/.kube/config)]' \
	'  CONTEXT         the kubeconfig context to use [$(or $(CONTEXT),its current-context)]' \
	'  V               1 prints every command instead of one line per step [$(V)]' \
	'  SANITIZE        1 builds the tools with -fsanitize=address,undefined [$(SANITIZE)]' \
	'  CC, CFLAGS      the C compiler and its flags [$(CC), $(CFLAGS)]'
