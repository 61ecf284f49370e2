#!/bin/sh
# channel-update.sh - this org's Admin submits the config update of CHANNEL
# (/update/update.tx, signed by the other admins its mod_policies want),
# signing it too, as peer channel update does.
. /scripts/common.sh

cp /update/update.tx /tmp/update.tx
# shellcheck disable=SC2046
retry peer channel update -c "$CHANNEL" -f /tmp/update.tx -o "$ORDERER_ADDRESS" $(orderer_tls)
say "$MSP_ID submitted the config update of $CHANNEL"
