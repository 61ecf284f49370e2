#!/bin/sh
# sys-remove.sh - take the system channel SYS_CHANNEL off every orderer of
# this org (ORDERER_ADMINS: admin endpoints "host:port ...") through the
# channel participation API, once they run with it: Fabric's way from the
# system channel flow to channel participation (Fabric 3 orderers refuse to
# start with a system channel in their ledger).  The application channels
# stay.  An orderer without the system channel is skipped; osnadmin exits
# 0 whatever the HTTP status, so its status line decides.
. /scripts/common.sh

status() { printf '%s\n' "$1" | sed -n 's/^Status: \([0-9][0-9]*\)$/\1/p'; }
removed() { # removed ADMIN-ENDPOINT: the orderer has no SYS_CHANNEL (any more)
	# shellcheck disable=SC2046
	out=$(osnadmin channel list -c "$SYS_CHANNEL" -o "$1" $(osnadmin_tls "$ORDERER_CA") 2>&1)
	# shellcheck disable=SC2046
	case $(status "$out") in
	404) return 0 ;;
	200) out=$(osnadmin channel remove -c "$SYS_CHANNEL" -o "$1" $(osnadmin_tls "$ORDERER_CA") 2>&1)
	     s=$(status "$out")
	     [ "$s" = 204 ] || { warn "remove $SYS_CHANNEL at $1: ${s:-no reply}: $out"; return 1; }
	     say "$1: $SYS_CHANNEL removed"; return 0 ;;
	*) warn "list $SYS_CHANNEL at $1: $out"; return 1 ;;
	esac
}

for o in $ORDERER_ADMINS; do
	retry removed "$o"
done
say "the orderers of $MSP_ID serve no system channel"
