#!/bin/sh
# peer-start.sh - the peer's entry point (templates/peer.yaml).
#
# With chaincode as a service (CHAINCODE=ccaas) the peer has no Docker, and
# its configuration must say so: core.yaml's vm.endpoint is the Docker
# socket, and Fabric ignores an empty CORE_VM_ENDPOINT, so the peer would
# register a Docker health check that fails and never become ready.  So,
# unless the Job gives a Docker endpoint, the peer starts from a copy of the
# image's own core.yaml whose vm.endpoint is empty.
set -eu

if [ -z "${CORE_VM_ENDPOINT:-}" ]; then
	unset CORE_VM_ENDPOINT
	cfg=/tmp/fabric-config
	mkdir -p "$cfg"
	sed '/^vm:/,/^[a-z]/s|^\( *endpoint:\).*|\1 ""|' \
		"${FABRIC_CFG_PATH:-/etc/hyperledger/fabric}/core.yaml" >"$cfg/core.yaml"
	if ! grep -q '^ *endpoint: ""$' "$cfg/core.yaml"; then
		echo "peer-start.sh: no vm.endpoint in the image's core.yaml" >&2
		exit 1
	fi
	export FABRIC_CFG_PATH="$cfg"
fi
exec peer node start
