#!/bin/sh
# channel-sign.sh - this org's Admin signs the config update of CHANNEL
# (/update/update.tx, the Secret channel-update) and prints the signed
# envelope, base64 between two marker lines, for the next signer.
. /scripts/common.sh

cp /update/update.tx /tmp/update.tx
peer channel signconfigtx -f /tmp/update.tx
say "$MSP_ID signed the config update of $CHANNEL"
echo "-----BEGIN CONFIG UPDATE-----"
base64 /tmp/update.tx
echo "-----END CONFIG UPDATE-----"
