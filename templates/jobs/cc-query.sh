#!/bin/sh
# cc-query.sh - query the chaincode for each account in ACCOUNTS ("a b")
# and print "a = 90" lines: the proof that the chaincode answers.
. /scripts/common.sh

for acct in $ACCOUNTS; do
	v=$(retry peer chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "{\"Args\":[\"query\",\"$acct\"]}")
	printf '%s = %s\n' "$acct" "$v"
done
