#!/bin/sh
# The MSP in the Make graph: make generates every org (in parallel with
# -j), raising Org2's Template Count regenerates org2 only, make -q is 0
# once done, renew touches the stamps of what it renewed.
. "$TOP/tests/lib.sh"

umask 022
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
B=$tmp/b
C=$B/crypto-config
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
orgs="orgorderer1 org1 org2"     # the sample network's domains

run m -j4
is "$rc" 0 "make -j4: exit 0"
for org in $orgs; do
	like "$out" "^  MSP     $org\$" "make: one quiet line for $org's MSP"
	ok "$([ -f "$B/stamps/$org.msp" ] && [ -d "$C"/*/"$org"/ca ]; echo $?)" "make: $org generated, stamp made"
done
bad=0
for org in "$C"/*/*; do
	for c in $(find "$org" -path '*signcerts/*'); do
		openssl verify -CAfile "$org"/ca/*-cert.pem "$c" >/dev/null 2>&1 || bad=1
	done
done
ok $bad "make: every signcert verifies"
is "$(find "$C" -name '.*' | wc -l)" 0 "make -j4: no temporary directory left"
run m -q
is "$rc" 0 "make -q: 0 after make"

org1=$(snapshot "$C/peerOrganizations/org1")
ord=$(snapshot "$C/ordererOrganizations")
s1=$(stat -c %Y "$B/stamps/org1.msp")
sleep 1
sed -i '/Name: Org2/,$ s/Count: 2/Count: 3/' cc.yaml
run m
is "$rc" 0 "after raising Org2's Count: exit 0"
like "$out" "^  MSP     org2\$" "after raising Org2's Count: org2's MSP redone"
ok "$(printf '%s\n' "$out" | grep -Eq 'MSP +(org1|orgorderer1)$'; echo $((1 - $?)))" \
	"after raising Org2's Count: no other org's MSP redone"
ok "$([ -d "$C/peerOrganizations/org2/peers/peer2.org2" ]; echo $?)" "org2 has peer2"
is "$(snapshot "$C/peerOrganizations/org1")" "$org1" "org1's files untouched"
is "$(snapshot "$C/ordererOrganizations")" "$ord" "the orderer org's files untouched"
is "$(stat -c %Y "$B/stamps/org1.msp")" "$s1" "org1's stamp untouched"
run m -q
is "$rc" 0 "make -q: 0 again"

# make <domain> after its crypto was removed by hand brings it back
rm -rf "$C/peerOrganizations/org1" "$B/stamps/org1.msp"
run m org1-files
is "$rc" 0 "make org1 after removing it: exit 0"
ok "$([ -f "$C/peerOrganizations/org1/ca/priv_sk" ]; echo $?)" "make org1: org1 generated again"

# renew: one org's certificates, its stamp touched so that what is made from it is redone
s2=$(stat -c %Y "$B/stamps/org2.msp")
sleep 1
run m renew ORG=org2
is "$rc" 0 "make renew ORG=org2: exit 0"
like "$out" '^renewed peerOrganizations/org2/ca/ca.org2-cert.pem until ' "make renew: what was renewed"
ok "$([ "$(stat -c %Y "$B/stamps/org2.msp")" -gt "$s2" ]; echo $?)" "make renew: org2's stamp touched"
run m expiry DAYS=1
is "$rc:$out" "0:" "make expiry DAYS=1: nothing expires within a day"

done_testing
