#!/bin/sh
# channel-config.sh - print a block of CHANNEL (BLOCK: "config", its
# current config block, for make channel to compare with what configtx.yaml
# declares, txgen -liveConfig; or "0", its genesis block, which a channel
# made in the system flow keeps once it moved to channel participation),
# base64 between two marker lines.
. /scripts/common.sh

# shellcheck disable=SC2046
retry peer channel fetch "$BLOCK" /tmp/channel.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls)
echo "-----BEGIN BLOCK-----"
base64 /tmp/channel.block
echo "-----END BLOCK-----"
