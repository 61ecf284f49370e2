#!/bin/sh
# cc-install.sh - install the chaincode package /cc/package.tgz on every
# peer of this org (Fabric 2.x lifecycle).  A peer that has the package
# (PACKAGE_ID) installed already is skipped.
. /scripts/common.sh

for p in $PEERS; do
	# shellcheck disable=SC2046
	if peer lifecycle chaincode queryinstalled --peerAddresses "$p" $(peer_tls /crypto/admin/tls/ca.crt) \
		2>/dev/null | grep -qF "Package ID: $PACKAGE_ID,"; then
		say "$p has $PACKAGE_ID already"
		continue
	fi
	# shellcheck disable=SC2046
	retry peer lifecycle chaincode install /cc/package.tgz --peerAddresses "$p" \
		$(peer_tls /crypto/admin/tls/ca.crt)
	say "$PACKAGE_ID installed on $p"
done
