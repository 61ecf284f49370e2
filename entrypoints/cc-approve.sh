#!/bin/sh
# cc-approve.sh - approve the chaincode definition (CC_NAME, CC_VERSION,
# CC_SEQUENCE, INIT_REQUIRED, this org's PACKAGE_ID) for this org on CHANNEL.
# Nothing is sent when the org's approval is there already: once a sequence
# is committed, checkcommitreadiness refuses it (the next one must be
# sequence + 1), so the committed definition's approvals decide.
. /scripts/common.sh

# approved: does the channel hold this org's approval of the definition?
# (it leaves the committed sequence, if any, in $seq)
approved() {
	committed=$(committed_definition)
	seq=$(sequence_of "$committed")
	if [ "$seq" = "$CC_SEQUENCE" ]; then
		# committed, perhaps without this org (it joined later): approve
		# what is committed
		printf '%s\n' "$committed" | grep -q "$MSP_ID: true"
	else
		# shellcheck disable=SC2046
		peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
			--sequence "$CC_SEQUENCE" $(init_required) --output json 2>/dev/null | grep -q "\"$MSP_ID\": true"
	fi
}
# each attempt asks first: one whose reply was lost may have gone through
# shellcheck disable=SC2046
approve() {
	approved || peer lifecycle chaincode approveformyorg -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
		--sequence "$CC_SEQUENCE" $(init_required) --package-id "$PACKAGE_ID" -o "$ORDERER_ADDRESS" $(orderer_tls)
}

if approved; then
	say "$MSP_ID has approved $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE) already"
	exit 0
fi
if [ -n "$seq" ] && [ "$seq" -gt "$CC_SEQUENCE" ]; then
	say "$CC_NAME is committed at sequence $seq, past $CC_SEQUENCE: nothing to approve"
	exit 0
fi
retry approve
say "$MSP_ID approved $CC_NAME $CC_VERSION (sequence $CC_SEQUENCE)"
