#!/bin/sh
# mspgen against real cryptogen output: for every fixture config, the tree
# (names, modes) and every certificate's profile must match the fixture's
# (the fixtures' own compare-crypto.sh), every certificate must verify
# with `openssl verify`, keys must be the keys of their certificates, and
# config.yaml and the CA copies must be byte for byte what they should be.
. "$TOP/tests/lib.sh"

umask 022       # the fixtures were made with umask 022
cd "$tmp" || exit 1

. "$TOP/tests/msp-lib.sh"

for set in fabric-2.5/original fabric-2.5/two-org-solo fabric-1.4/original; do
	fx=$FIXTURES/$set
	name=$(echo "$set" | tr / -)
	run mspgen generate --config="$fx/crypto-config.yaml" --output="$name"
	is "$rc" 0 "$set: generate exits 0"
	is "$out" "$(printf 'org1\norg2')" "$set: stdout names the peer orgs, as cryptogen"
	is "$err" "" "$set: nothing on stderr"
	restore "$fx/crypto-config" "ref-$name"
	run bash "$FIXTURES/tools/compare-crypto.sh" "ref-$name" "$name"
	is "$rc" 0 "$set: compare-crypto.sh finds the same tree, modes and certificate profiles"
	[ "$rc" -eq 0 ] || diag "$out"
	verify_all "$name"
	ok $? "$set: every certificate verifies against its CA (openssl verify)"
	keys_match "$name"
	ok $? "$set: every private key belongs to its certificate (openssl pkey)"
	copies_ok "$name"
	ok $? "$set: cacerts, tlscacerts and tls/ca.crt are copies of the CAs"
	bad=0 n=0
	for f in $(cd "$fx/crypto-config" && find . -name config.yaml); do
		n=$((n + 1))
		cmp -s "$fx/crypto-config/$f" "$name/$f" || { bad=1; diag "differs: $f"; }
	done
	ok $((bad + (n == 0))) "$set: every config.yaml is byte for byte cryptogen's ($n files)"
done

# The modes and names against the listing recorded from the real run
# (this checks restore() above as well).
facts_tree() {
	awk '{ p = $4; sub(/^crypto-config/, ".", p); print $1, p }' "$1" |
		sed -E 's#/[0-9a-f]{64}_sk$#/priv_sk#' | sort -k2
}
our_tree() { (cd "$1" && find . -printf '%M %p\n' | sort -k2); }
is "$(our_tree fabric-2.5-original)" "$(facts_tree "$FIXTURES/facts/original-tree-2.5.txt")" \
	"2.5 original: names and modes equal the recorded listing of cryptogen 2.5"
is "$(our_tree fabric-1.4-original)" "$(facts_tree "$FIXTURES/facts/original-tree-1.4.txt")" \
	"1.4 original: names and modes equal the recorded listing of cryptogen 1.4 (keys as priv_sk)"

# PKCS#8 as Go writes it: 138 bytes of DER, an ECPrivateKey without parameters
k=fabric-2.5-original/peerOrganizations/org1/ca/priv_sk
der_len=$(openssl base64 -d -in "$k" | wc -c)
is "$der_len" 138 "CA key: 138 bytes of PKCS#8 DER"
# the ECPrivateKey inside the OCTET STRING at offset 27 (never printed)
parsed=$(openssl base64 -d -in "$k" | openssl asn1parse -inform DER -strparse 27 2>&1 |
	sed -n 's/.*\(cont \[ [0-9] \]\).*/\1/p' | tr '\n' ' ')
is "$parsed" "cont [ 1 ] " "CA key: ECPrivateKey with [1] the public key and no [0] parameters"

# With NodeOUs on, admincerts/ stays empty everywhere
n=$(find fabric-2.5-two-org-solo -path '*/admincerts/*' | wc -l)
is "$n" 0 "two-org-solo: every admincerts/ is empty"

# --san: one more name for every node's TLS certificate (the graph's
# <hostname>.<namespace>), after cryptogen's own, never twice
cat >san.yaml <<'Y'
OrdererOrgs:
  - Name: Orderer
    Domain: example.com
    Specs: [{Hostname: orderer, SANS: [localhost]}]
PeerOrgs:
  - Name: Org1
    Domain: org1.example.com
    Template: {Count: 2}
Y
mspgen generate --config=san.yaml --output=san --san='{{.Hostname}}.{{.Domain}}-k8s' --san='{{.CommonName}}' >/dev/null
ok $? "--san: generate"
names() { openssl x509 -in "$1" -noout -ext subjectAltName | tail -n +2 | sed 's/^ *//'; }
is "$(names san/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt)" \
	"DNS:orderer.example.com, DNS:orderer, DNS:localhost, DNS:orderer.example.com-k8s" \
	"--san: the name is added after cryptogen's, and a name the node has is not repeated"
is "$(names san/peerOrganizations/org1.example.com/peers/peer1.org1.example.com/tls/server.crt)" \
	"DNS:peer1.org1.example.com, DNS:peer1, DNS:peer1.org1.example.com-k8s" "--san: on template nodes too"
ok "$(openssl x509 -in san/peerOrganizations/org1.example.com/peers/peer1.org1.example.com/msp/signcerts/peer1.org1.example.com-cert.pem \
	-noout -ext subjectAltName 2>/dev/null | grep -c DNS)" "--san: not in the signing certificate, as cryptogen's SANS"
sed 's/Count: 2/Count: 3/' san.yaml >san3.yaml
mspgen extend --config=san3.yaml --input=san --org=org1.example.com --san='{{.Hostname}}.ns1' >/dev/null
is "$(names san/peerOrganizations/org1.example.com/peers/peer2.org1.example.com/tls/server.crt)" \
	"DNS:peer2.org1.example.com, DNS:peer2, DNS:peer2.ns1" "--san: extend gives a new node its name"
run mspgen generate --config=san.yaml --output=san-bad --san='{{.Nope}}'
is "$rc" 1 "--san with an unknown field: exit status 1"
like "$err" '^mspgen: --san=\{\{\.Nope\}\}: ' "--san with an unknown field: says which"
ok "$([ ! -e san-bad ]; echo $?)" "--san with an unknown field: nothing written"
run mspgen renew --input=san --san=x
is "$rc" 2 "renew takes no --san"

done_testing
