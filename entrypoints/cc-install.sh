#!/bin/sh
# cc-install.sh - install the chaincode package /cc/package.tgz on every
# peer of this org (Fabric 2.x lifecycle).  A peer that has the package
# (PACKAGE_ID) installed already is skipped.
. /scripts/common.sh

# shellcheck disable=SC2046
installed() { # installed PEER
	peer lifecycle chaincode queryinstalled --peerAddresses "$1" $(peer_tls /crypto/admin/tls/ca.crt) \
		2>/dev/null | grep -qF "Package ID: $PACKAGE_ID,"
}
# each attempt asks first: one whose reply was lost may have gone through
# shellcheck disable=SC2046
install() { # install PEER
	installed "$1" || peer lifecycle chaincode install /cc/package.tgz --peerAddresses "$1" \
		$(peer_tls /crypto/admin/tls/ca.crt)
}

for p in $PEERS; do
	if installed "$p"; then
		say "$p has $PACKAGE_ID already"
		continue
	fi
	retry install "$p"
	say "$PACKAGE_ID installed on $p"
done
