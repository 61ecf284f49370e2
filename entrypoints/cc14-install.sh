#!/bin/sh
# cc14-install.sh - Fabric 1.4: install the chaincode from its Go source
# (/cc/src, copied into the tools image's GOPATH) on every peer of this
# org.  The peer builds it with Docker (CHAINCODE=docker).  A peer that
# lists the name and version as installed is skipped.
. /scripts/common.sh

dir=/opt/gopath/src/fabric-k8s/chaincode/$CC_NAME
mkdir -p "$dir" && cp -r /cc/src/. "$dir"
for p in $PEERS; do
	export CORE_PEER_ADDRESS="$p"
	if peer chaincode list --installed 2>/dev/null | grep -q "Name: $CC_NAME, Version: $CC_VERSION,"; then
		say "$p has $CC_NAME $CC_VERSION already"
		continue
	fi
	retry peer chaincode install -n "$CC_NAME" -v "$CC_VERSION" -l golang -p "fabric-k8s/chaincode/$CC_NAME"
	say "$CC_NAME $CC_VERSION installed on $p"
done
