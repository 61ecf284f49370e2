#!/bin/sh
# cc-approve.sh - approve the chaincode definition (CC_NAME, CC_VERSION,
# CC_SEQUENCE, this org's PACKAGE_ID) for this org on CHANNEL.  Nothing is
# sent when the org has approved it already.
. /scripts/common.sh

# shellcheck disable=SC2046
if peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
	--sequence "$CC_SEQUENCE" --output json 2>/dev/null | grep -q "\"$MSP_ID\": true"; then
	say "$MSP_ID has approved $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE) already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer lifecycle chaincode approveformyorg -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
	--sequence "$CC_SEQUENCE" --package-id "$PACKAGE_ID" -o "$ORDERER_ADDRESS" $(orderer_tls)
say "$MSP_ID approved $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE)"
