#!/bin/sh
# anchor-update.sh - submit this org's anchor peer update for CHANNEL
# (/crypto/<MSP_ID>anchors.tx).  When the channel's configuration already
# names anchor peers for the org (decoded with configtxlator and jq, which
# the tools image has), nothing is sent.
. /scripts/common.sh

# shellcheck disable=SC2046
if command -v configtxlator >/dev/null && command -v jq >/dev/null &&
	peer channel fetch config /tmp/config.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls) 2>/dev/null &&
	configtxlator proto_decode --input /tmp/config.block --type common.Block |
	jq -e --arg org "$MSP_ID" '.data.data[0].payload.data.config.channel_group.groups.Application.groups[$org].values.AnchorPeers' >/dev/null; then
	say "$MSP_ID has anchor peers on $CHANNEL already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer channel update -c "$CHANNEL" -f "/crypto/${MSP_ID}anchors.tx" -o "$ORDERER_ADDRESS" $(orderer_tls)
say "anchor peers of $MSP_ID set on $CHANNEL"
