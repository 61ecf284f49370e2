#!/bin/sh
# cc-commit.sh - commit the chaincode definition on CHANNEL, endorsed by one
# peer of every org (ENDORSERS: "host:port=tls-ca-file ..."), once every org
# approved it.  A definition committed already at this sequence (or a later
# one) is left.
. /scripts/common.sh

committed() {
	seq=$(sequence_of "$(committed_definition)")
	[ -n "$seq" ] && [ "$seq" -ge "$CC_SEQUENCE" ]
}
# each attempt asks first: one whose reply was lost may have gone through
# shellcheck disable=SC2046
commit() {
	committed || peer lifecycle chaincode commit -C "$CHANNEL" -n "$CC_NAME" -v "$CC_VERSION" \
		--sequence "$CC_SEQUENCE" $(init_required) -o "$ORDERER_ADDRESS" $(orderer_tls) $(endorsers)
}

if committed; then
	say "$CC_NAME is committed at sequence $seq already"
	exit 0
fi
retry commit
say "$CC_NAME $CC_VERSION committed on $CHANNEL"
