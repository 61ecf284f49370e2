#!/bin/sh
# cc14-instantiate.sh - Fabric 1.4: instantiate the chaincode on CHANNEL with
# INIT_ARGS and the endorsement POLICY.  A chaincode instantiated already in
# this version is left.
. /scripts/common.sh

if peer chaincode list --instantiated -C "$CHANNEL" 2>/dev/null |
	grep -q "Name: $CC_NAME, Version: $CC_VERSION,"; then
	say "$CC_NAME $CC_VERSION is instantiated on $CHANNEL already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer chaincode instantiate -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" -c "$INIT_ARGS" \
	-P "$POLICY" -o "$ORDERER_ADDRESS" $(orderer_tls)
say "$CC_NAME $CC_VERSION instantiated on $CHANNEL"
