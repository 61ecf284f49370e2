#!/bin/sh
# cc-invoke.sh - invoke the chaincode with CC_ARGS (a JSON {"Args":[...]}),
# endorsed by one peer of every org (ENDORSERS, as for cc-commit.sh), and
# wait (CC_WAIT) until the transaction is committed; then print the
# balances as cc-query.sh does (one Job for both: a pod less to start).
#
# The transaction is committed once.  An attempt that failed after its
# endorsement (the wait for the commit ran out, the orderer's reply was
# lost) may still be ordered: before another is sent, the blocks added
# since the first attempt are searched for a valid transaction of this
# Admin with these arguments, for as long as one may take to be ordered.
# (The peer CLI does not print the ID of a transaction it could not see
# committed, so creator and arguments stand for it.)  The Job's pod is not
# started again (BACKOFF_LIMIT 0): a new one would not know what this one
# sent.
. /scripts/common.sh
# a peer, an orderer or a chaincode server that is starting again (after a
# crash, a roll) refuses the endorsement, which sends nothing: try for
# about 140 s (8 attempts), as the steps after a deploy do
RETRIES=${RETRIES:-8}

# the channel's height as CORE_PEER_ADDRESS has it
height() {
	peer channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9][0-9]*\).*/\1/p' | grep .
}

me=$(cat /crypto/admin/msp/signcerts/*.pem)
args=$(printf '%s' "$CC_ARGS" | jq -c .Args)
# in_block FILE: does the block hold a valid transaction of this Admin with these arguments?
in_block() {
	configtxlator proto_decode --type common.Block --input "$1" | jq -e --arg me "$me" --argjson args "$args" '
		(.metadata.metadata[2] | @base64d | explode) as $valid
		| any(.data.data | to_entries[]; .key as $i | .value.payload as $p
			| ($p.header.signature_header.creator.id_bytes | @base64d | rtrimstr("\n")) == $me
			and [$p.data.actions[0].payload.chaincode_proposal_payload.input.chaincode_spec.input.args[]?
				| @base64d] == $args
			and $valid[$i] == 0)' >/dev/null
}
# landed: is it in a block from $from on?  (blocks already searched are not
# again; they come from the peer, whose blocks say which transactions are valid)
landed() {
	to=$(height) || return 1
	while [ "$from" -lt "$to" ]; do
		peer channel fetch "$from" /tmp/block -c "$CHANNEL" 2>/dev/null || return 1
		in_block /tmp/block && return 0
		from=$((from + 1))
	done
	return 1
}

attempt() {
	# shellcheck disable=SC2046
	if out=$(peer chaincode invoke -C "$CHANNEL" -n "$CC_NAME" -o "$ORDERER_ADDRESS" $(orderer_tls) \
		--waitForEvent --waitForEventTimeout "${CC_WAIT:-30s}" -c "$CC_ARGS" $(endorsers) 2>&1); then
		[ -z "$out" ] || printf '%s\n' "$out"
		return 0
	fi
	printf '%s\n' "$out" >&2
	case $out in
	*"endorsement failure"* | *"error getting endorser client"* | *"error endorsing"*)
		return 1 ;; # refused before it was sent: nothing to look for
	esac
	warn "the invoke may have been ordered: looking for it in $CHANNEL's blocks from $from on"
	if poll 30 landed; then
		say "it was committed after all (block $from)"
		return 0
	fi
	return 1
}

from=$(retry height)
retry attempt
say "invoked $CC_NAME with $CC_ARGS"
balances
