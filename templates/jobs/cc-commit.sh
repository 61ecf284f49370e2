#!/bin/sh
# cc-commit.sh - commit the chaincode definition on CHANNEL, endorsed by one
# peer of every org (ENDORSERS: "host:port=tls-ca-file ..."), once every org
# approved it.  A definition committed already at this sequence (or a later
# one) is left.
. /scripts/common.sh

seq=$(sequence_of "$(committed_definition)")
if [ -n "$seq" ] && [ "$seq" -ge "$CC_SEQUENCE" ]; then
	say "$CC_NAME is committed at sequence $seq already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer lifecycle chaincode commit -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
	--sequence "$CC_SEQUENCE" $(init_required) -o "$ORDERER_ADDRESS" $(orderer_tls) $(endorsers)
say "$CC_NAME $CC_VERSION committed on $CHANNEL"
