#!/bin/sh
# channel-create.sh - create CHANNEL from its creation transaction through
# the orderer (system channel flow).  A channel that exists already (its
# block 0 can be fetched) is left as it is, so a rerun is harmless.
. /scripts/common.sh

# shellcheck disable=SC2046
if peer channel fetch 0 /tmp/block0.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls) 2>/dev/null; then
	say "channel $CHANNEL exists already"
	exit 0
fi
# shellcheck disable=SC2046
retry peer channel create -c "$CHANNEL" -f "/crypto/$CHANNEL.tx" -o "$ORDERER_ADDRESS" \
	--outputBlock /tmp/block0.block --timeout 30s $(orderer_tls)
say "channel $CHANNEL created"
