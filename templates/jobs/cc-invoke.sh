#!/bin/sh
# cc-invoke.sh - invoke the chaincode with CC_ARGS (a JSON {"Args":[...]}),
# endorsed by one peer of every org (ENDORSERS, as for cc-commit.sh), and
# wait until the transaction is committed; then print the balances as
# cc-query.sh does (one Job for both: a pod less to start).
. /scripts/common.sh

# shellcheck disable=SC2046
retry peer chaincode invoke -C "$CHANNEL" -n "$CC_NAME" -o "$ORDERER_ADDRESS" $(orderer_tls) \
	--waitForEvent -c "$CC_ARGS" $(endorsers)
say "invoked $CC_NAME with $CC_ARGS"
balances
