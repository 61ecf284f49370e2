#!/bin/sh
# cc-init.sh - run the chaincode's Init once for its definition: invoke
# CC_ARGS as init (--isInit), endorsed by one peer of every org, and wait
# for the commit.  The definition requires init (INIT_REQUIRED), so Fabric
# itself refuses a second init of the same version ("already initialized"):
# a rerun, or a retry after an init that did go through, leaves the
# ledger's state alone.
. /scripts/common.sh

init_once() {
	# shellcheck disable=SC2046
	if out=$(peer chaincode invoke -C "$CHANNEL" -n "$CC_NAME" -o "$ORDERER_ADDRESS" $(orderer_tls) \
		--isInit --waitForEvent -c "$CC_ARGS" $(endorsers) 2>&1); then
		printf '%s\n' "$out"
		say "initialized $CC_NAME with $CC_ARGS"
		return 0
	fi
	case $out in
	*"already initialized but called as init"*)
		say "$CC_NAME $CC_VERSION is initialized already"
		return 0 ;;
	esac
	printf '%s\n' "$out" >&2
	return 1
}

retry init_once
