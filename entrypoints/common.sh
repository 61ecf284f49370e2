# common.sh - sourced by every step script of a channel or chaincode Job.
#
# The Job gives each script its parameters as environment variables (see
# templates/job.yaml) and mounts the org admin's crypto material at /crypto:
# /crypto/admin/{msp,tls} (the Admin's MSP and TLS client certificate),
# /crypto/orderer-tls/<domain>.pem (each orderer org's TLS CA) and the
# channel artifacts.  The peer CLI signs as the Admin (CORE_PEER_* come
# from the Job).  POSIX sh: the tools image has no guarantee of bash.

set -eu

say() { printf '%s: %s\n' "${STEP:-step}" "$*"; }
# what a step had to wait for goes to stderr, a line of its own in the
# Job's log, never into the output of the command it waits on
warn() { say "$@" >&2; }

# Arguments that reach the orderer: with TLS, its TLS CA and, for mutual
# TLS, the Admin's client certificate.
orderer_tls() {
	if [ "$TLS_ENABLED" = true ]; then
		echo "--tls --cafile $ORDERER_CA --clientauth --certfile /crypto/admin/tls/client.crt --keyfile /crypto/admin/tls/client.key"
	fi
}

# Arguments that reach an orderer's admin endpoint (osnadmin), over mutual
# TLS as the org Admin: osnadmin_tls TLSCA-FILE (the orderer org's TLS CA).
osnadmin_tls() {
	echo "--ca-file $1 --client-cert /crypto/admin/tls/client.crt --client-key /crypto/admin/tls/client.key"
}

# The TLS arguments that address one peer: peer_tls TLSCA-FILE
peer_tls() {
	if [ "$TLS_ENABLED" = true ]; then
		echo "--tlsRootCertFiles $1"
	fi
}

# The arguments that have one peer of every org endorse (ENDORSERS:
# "host:port=tls-ca-file ..."), for commit and invoke.
endorsers() {
	for e in $ENDORSERS; do
		echo "--peerAddresses ${e%%=*}"
		if [ "$TLS_ENABLED" = true ]; then
			echo "--tlsRootCertFiles ${e#*=}"
		fi
	done
}

# --init-required when the chaincode definition asks for an Init call
# (INIT_REQUIRED=true: the first definition; upgrades keep the state).
init_required() {
	if [ "${INIT_REQUIRED:-false}" = true ]; then
		echo "--init-required"
	fi
}

# The chaincode's definition committed on CHANNEL, as querycommitted
# prints it ("Version: 1.0, Sequence: 1, ... Approvals: [...]"), or nothing;
# and the sequence number in such a text.
committed_definition() {
	peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" 2>/dev/null || true
}
sequence_of() {
	printf '%s\n' "$1" | sed -n 's/.*Sequence: \([0-9][0-9]*\),.*/\1/p'
}

# Print "a = 90" for each account of ACCOUNTS, as the chaincode answers
# a query of it through CORE_PEER_ADDRESS: the whole line once the value
# is known.
balances() {
	for acct in $ACCOUNTS; do
		v=$(retry peer chaincode query -C "$CHANNEL" -n "$CC_NAME" -c "{\"Args\":[\"query\",\"$acct\"]}")
		printf '%s = %s\n' "$acct" "$v"
	done
}

# Retry a command a few times: peers and orderers may still be starting.
retry() {
	n=0
	until "$@"; do
		n=$((n + 1))
		if [ "$n" -ge "${RETRIES:-5}" ]; then
			warn "giving up after $n attempts: $*"
			return 1
		fi
		warn "attempt $n failed, retrying in $((n * 5))s"
		sleep $((n * 5))
	done
}

# Try a command every second until it succeeds, for at most SECONDS: for
# what another step makes meanwhile.  poll SECONDS COMMAND...
poll() {
	t=$1
	shift
	until "$@" 2>/dev/null; do
		t=$((t - 1))
		if [ "$t" -le 0 ]; then
			warn "gave up waiting for: $*"
			return 1
		fi
		sleep 1
	done
}
