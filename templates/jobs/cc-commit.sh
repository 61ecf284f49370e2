#!/bin/sh
# cc-commit.sh - commit the chaincode definition on CHANNEL, endorsed by one
# peer of every org (ENDORSERS: "host:port=tls-ca-file ..."), once every org
# approved it.  A definition committed already at this sequence is left.
. /scripts/common.sh

if peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" 2>/dev/null |
	grep -q "Sequence: $CC_SEQUENCE,"; then
	say "$CC_NAME is committed at sequence $CC_SEQUENCE already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer lifecycle chaincode commit -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
	--sequence "$CC_SEQUENCE" -o "$ORDERER_ADDRESS" $(orderer_tls) $(endorsers)
say "$CC_NAME $CC_VERSION committed on $CHANNEL"
