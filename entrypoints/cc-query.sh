#!/bin/sh
# cc-query.sh - query the chaincode for each account in ACCOUNTS ("a b")
# and print "a = 90" lines: the proof that the chaincode answers.
. /scripts/common.sh

balances
