#!/bin/sh
# channel-config.sh - print CHANNEL's current config block (peer channel
# fetch config), base64 between two marker lines, for make channel to
# compare with what configtx.yaml declares (txgen -liveConfig).
. /scripts/common.sh

# shellcheck disable=SC2046
retry peer channel fetch config /tmp/config.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls)
echo "-----BEGIN CONFIG BLOCK-----"
base64 /tmp/config.block
echo "-----END CONFIG BLOCK-----"
