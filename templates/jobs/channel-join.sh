#!/bin/sh
# channel-join.sh - join every peer of this org (PEERS: "host:port ...") to
# CHANNEL.  Block 0 comes from the orderer (system channel flow) or from the
# channel's genesis block in /crypto (channel participation).  A peer that
# has joined already is skipped.
. /scripts/common.sh

block=/tmp/$CHANNEL.block
if [ -f "/crypto/$CHANNEL.block" ]; then
	cp "/crypto/$CHANNEL.block" "$block"
else
	# shellcheck disable=SC2046
	retry peer channel fetch 0 "$block" -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls)
fi
for p in $PEERS; do
	export CORE_PEER_ADDRESS="$p"
	if peer channel list 2>/dev/null | grep -qx "$CHANNEL"; then
		say "$p has joined $CHANNEL already"
		continue
	fi
	retry peer channel join -b "$block"
	say "$p joined $CHANNEL"
done
