#!/bin/sh
# channel-update.sh - this org's Admin submits the config update of CHANNEL
# (/update/update.tx, signed by the other admins its mod_policies want),
# signing it too, as peer channel update does, and waits until the channel
# has it: a config block newer than the one before.  What follows reads
# that config (the next update of a raft consenter set, an org's join).
. /scripts/common.sh

# last_config: the number of CHANNEL's last config block into /tmp/config.num
# (the fetch says "Received block: N" at log level INFO)
last_config() {
	# shellcheck disable=SC2046
	FABRIC_LOGGING_SPEC=INFO peer channel fetch config /tmp/config.block -c "$CHANNEL" -o "$ORDERER_ADDRESS" \
		$(orderer_tls) >/tmp/fetch.log 2>&1 || { cat /tmp/fetch.log >&2; return 1; }
	sed -n 's/.*Received block: \([0-9][0-9]*\).*/\1/p' /tmp/fetch.log | tail -n 1 >/tmp/config.num
	[ -s /tmp/config.num ]
}
newer_config() { last_config && [ "$(cat /tmp/config.num)" -gt "$1" ]; }

retry last_config
before=$(cat /tmp/config.num)
cp /update/update.tx /tmp/update.tx
# each attempt asks first: one whose reply was lost may have gone through
# shellcheck disable=SC2046
update() { newer_config "$before" || peer channel update -c "$CHANNEL" -f /tmp/update.tx -o "$ORDERER_ADDRESS" $(orderer_tls); }
retry update
say "$MSP_ID submitted the config update of $CHANNEL"
poll 120 newer_config "$before"
say "$CHANNEL has it: config block $(cat /tmp/config.num)"
