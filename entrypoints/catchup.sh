#!/bin/sh
# catchup.sh - after NODE ("host:port") was rolled to a new version, wait
# until it has caught up on CHANNEL before the next node rolls: an orderer
# (this is an orderer org's step) until its newest block is the newest the
# other orderers had when the wait began (ORDERERS: "host:port=tls-ca ..."),
# a peer until its height is the orderer's.  A node that serves no
# CHANNEL, or a channel that no other node serves, has nothing to catch
# up with.
. /scripts/common.sh

OWN_CA=$ORDERER_CA
# the number of CHANNEL's newest block at the orderer ADDRESS (whose TLS CA
# is TLSCA), or nothing (peer channel fetch says it at INFO)
newest() {
	ORDERER_CA=$2
	# shellcheck disable=SC2046
	FABRIC_LOGGING_SPEC=INFO peer channel fetch newest /tmp/newest.block -c "$CHANNEL" -o "$1" $(orderer_tls) 2>&1 |
		sed -n 's/.*Received block: *\([0-9][0-9]*\).*/\1/p' | tail -n 1
}
# a peer's height on CHANNEL (peer channel getinfo), or nothing
height() {
	CORE_PEER_ADDRESS=$1 peer channel getinfo -c "$CHANNEL" 2>/dev/null |
		sed -n 's/.*"height":\([0-9][0-9]*\).*/\1/p'
}
answers() { # answers PEER: the channels it joined, in /tmp/channels
	CORE_PEER_ADDRESS=$1 peer channel list >/tmp/channels 2>/dev/null
}
at_least() { # at_least WANT: is NODE's height WANT or more?
	if [ -n "$ORDERER_ADMINS" ]; then
		n=$(newest "$NODE" "$OWN_CA")
		[ -n "$n" ] && [ $((n + 1)) -ge "$1" ]
	else
		h=$(height "$NODE")
		[ -n "$h" ] && [ "$h" -ge "$1" ]
	fi
}

want=
if [ -n "$ORDERER_ADMINS" ]; then
	# an orderer that the participation API says has no CHANNEL (one added
	# now, not joined yet) has nothing to catch up; its admin endpoint is the
	# one of ORDERER_ADMINS on its host
	admin=
	for a in $ORDERER_ADMINS; do
		if [ "${a%:*}" = "${NODE%:*}" ]; then admin=$a; fi
	done
	# shellcheck disable=SC2046
	info=$(osnadmin channel list -c "$CHANNEL" -o "$admin" $(osnadmin_tls "$OWN_CA") 2>/dev/null || true)
	if printf '%s\n' "$info" | grep -q '^Status: 404$'; then
		say "$NODE has not joined $CHANNEL: nothing to catch up"
		exit 0
	fi
	for o in $ORDERERS; do
		n=$(newest "${o%%=*}" "${o#*=}")
		if [ -n "$n" ] && [ $((n + 1)) -gt "${want:-0}" ]; then want=$((n + 1)); fi
	done
else
	poll 120 answers "$NODE"
	if ! grep -qx "$CHANNEL" /tmp/channels; then
		say "$NODE has not joined $CHANNEL: nothing to catch up"
		exit 0
	fi
	n=$(newest "$ORDERER_ADDRESS" "$OWN_CA")
	if [ -n "$n" ]; then want=$((n + 1)); fi
fi
if [ -z "$want" ]; then
	say "no other node serves $CHANNEL: nothing for $NODE to catch up with"
	exit 0
fi
if ! poll 300 at_least "$want"; then
	warn "$NODE did not reach height $want on $CHANNEL"
	exit 1
fi
say "$NODE has caught up: height $want or more on $CHANNEL"
