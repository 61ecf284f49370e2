#!/bin/sh
# orderer-join.sh - join every orderer of this org (ORDERER_ADMINS: admin
# endpoints "host:port ...") to CHANNEL through the channel participation
# API, over mutual TLS with the org Admin's TLS client certificate.  An
# orderer that serves the channel already is skipped, and its height said.
# osnadmin exits 0 whatever the HTTP status, so its status line decides.
. /scripts/common.sh
# (right after the deploy, as channel.sh: about 140 s of attempts)
RETRIES=${RETRIES:-8}

joined() { # joined ADMIN-ENDPOINT: does the orderer serve CHANNEL? (its height in $height)
	# shellcheck disable=SC2046
	info=$(osnadmin channel list -c "$CHANNEL" -o "$1" $(osnadmin_tls "$ORDERER_CA") 2>/dev/null) || return 1
	printf '%s\n' "$info" | grep -q '^Status: 200$' || return 1
	height=$(printf '%s\n' "$info" | sed -n 's/.*"height": *\([0-9][0-9]*\).*/\1/p')
}

join() { # join ADMIN-ENDPOINT: print the reply, succeed on 201 Created only
	joined "$1" && return 0 # an earlier attempt whose reply was lost
	# shellcheck disable=SC2046
	out=$(osnadmin channel join --channelID "$CHANNEL" --config-block "/crypto/$CHANNEL.block" \
		-o "$1" $(osnadmin_tls "$ORDERER_CA")) || return 1
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q '^Status: 201$'
}

for o in $ORDERER_ADMINS; do
	if joined "$o"; then
		say "$o serves $CHANNEL already, at height ${height:-?}"
		continue
	fi
	retry join "$o"
	say "$o joined $CHANNEL"
done
