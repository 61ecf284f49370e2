#!/bin/sh
# channel.sh - one peer org's part of CHANNEL, in one Job: in the system
# channel flow the first peer org creates the channel from its creation
# transaction (CREATE=true) while the others wait for its block 0; every
# org joins its peers (PEERS: "host:port ...") with block 0, which in the
# channel participation flow is the channel's genesis block in /crypto;
# an org of ANCHOR_ORGS (ANCHORS=true) then submits its anchor peer update
# (/crypto/<MSP_ID>anchors.tx).  Each part is skipped when the network has
# it already: a channel that exists, a peer that has joined, anchor peers
# the channel's configuration names for the org.  Each retry asks that
# again first: an attempt whose reply was lost may have gone through.
. /scripts/common.sh
# (this step runs right after the deploy: the nodes' Services may take a
# while to answer on a busy cluster, so it tries for longer, about 140 s)
RETRIES=${RETRIES:-8}

block=/tmp/$CHANNEL.block
# shellcheck disable=SC2046
fetch0() { peer channel fetch 0 "$block" -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls) 2>/dev/null; }
# shellcheck disable=SC2046
create() {
	fetch0 || peer channel create -c "$CHANNEL" -f "/crypto/$CHANNEL.tx" -o "$ORDERER_ADDRESS" \
		--outputBlock "$block" --timeout 30s $(orderer_tls)
}
joined() { peer channel list 2>/dev/null | grep -qx "$CHANNEL"; }
join() { joined || peer channel join -b "$block"; }
# shellcheck disable=SC2046
anchored() {
	peer channel fetch config /tmp/config.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" $(orderer_tls) 2>/dev/null &&
		configtxlator proto_decode --input /tmp/config.block --type common.Block |
		jq -e --arg org "$MSP_ID" '.data.data[0].payload.data.config.channel_group.groups.Application.groups[$org].values.AnchorPeers' >/dev/null
}
# shellcheck disable=SC2046
anchor() { anchored || peer channel update -c "$CHANNEL" -f "/crypto/${MSP_ID}anchors.tx" -o "$ORDERER_ADDRESS" $(orderer_tls); }

if [ "$CREATE" = true ]; then
	if fetch0; then
		say "channel $CHANNEL exists already"
	else
		retry create
		say "channel $CHANNEL created"
	fi
elif [ -f "/crypto/$CHANNEL.block" ]; then
	cp "/crypto/$CHANNEL.block" "$block"
else
	# the first peer org's step (WAITS_FOR) is creating it meanwhile: as
	# long as its attempts may take (up to 30 s each, 140 s between them)
	poll 420 fetch0 ||
		{ warn "$CHANNEL has no block 0 on $ORDERER_ADDRESS after 420s: step ${WAITS_FOR:-(none)} creates it"; exit 1; }
fi

for p in $PEERS; do
	export CORE_PEER_ADDRESS="$p"
	if joined; then
		say "$p has joined $CHANNEL already"
		continue
	fi
	retry join
	say "$p joined $CHANNEL"
done

[ "$ANCHORS" = true ] || exit 0
if anchored; then
	say "$MSP_ID has anchor peers on $CHANNEL already"
	exit 0
fi
retry anchor
say "anchor peers of $MSP_ID set on $CHANNEL"
