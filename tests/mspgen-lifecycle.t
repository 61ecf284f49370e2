#!/bin/sh
# An MSP tree over its life: generate refuses to overwrite, extend adds a
# peer and touches nothing else, generate --force replaces one org, expiry
# lists what runs out first, renew issues certificates again with the
# same keys (checked with openssl) and they still verify.
. "$TOP/tests/lib.sh"

umask 022
cd "$tmp" || exit 1
now=$(date +%s)
old=$((now - 3000 * 86400))     # certificates made then have 650 days left

config() { # config ORG1_PEERS ORG1_USERS ORG2_PEERS
	cat >cc.yaml <<EOF
OrdererOrgs:
  - Name: Orderer
    Domain: orderer
    Specs:
      - Hostname: orderer0
PeerOrgs:
  - Name: Org1
    Domain: org1
    EnableNodeOUs: true
    Template:
      Count: $1
    Users:
      Count: $2
  - Name: Org2
    Domain: org2
    Template:
      Count: $3
EOF
}
config 1 1 1

# subject/SAN/extensions of a certificate, what renew must keep
profile() {
	openssl x509 -in "$1" -noout -subject -issuer -ext \
		keyUsage,extendedKeyUsage,basicConstraints,subjectKeyIdentifier,authorityKeyIdentifier,subjectAltName \
		-nameopt multiline,show_type
}
pubkeys() { # path and public key of every certificate under $1
	find "$1" \( -name '*.pem' -o -name '*.crt' \) | sort | while read -r c; do
		echo "$c $(openssl x509 -in "$c" -noout -pubkey | tr -d '\n')"
	done
}
profiles() {
	find "$1" \( -name '*.pem' -o -name '*.crt' \) | sort | while read -r c; do
		echo "$c"; profile "$c"
	done
}
verify_org() { # every signcert against ca/, every TLS cert against tlsca/
	bad=0
	for c in $(find "$1" -path '*signcerts/*' -o -path '*admincerts/*.pem'); do
		openssl verify -CAfile "$1"/ca/*-cert.pem "$c" >/dev/null 2>&1 || bad=1
	done
	for c in $(find "$1" -name server.crt -o -name client.crt); do
		openssl verify -CAfile "$1"/tlsca/*-cert.pem "$c" >/dev/null 2>&1 || bad=1
	done
	for c in $(find "$1" -path '*/cacerts/*'); do
		openssl verify -CAfile "$c" "$1"/ca/*-cert.pem >/dev/null 2>&1 || bad=1
	done
	return $bad
}
enddate() { openssl x509 -in "$1" -noout -enddate; }

MSPGEN_NOW=$old run mspgen generate --config=cc.yaml --output=out
is "$rc" 0 "generate (as of 3000 days ago): exit 0"
is "$out" "$(printf 'org1\norg2')" "generate: peer orgs on stdout"
o1=out/peerOrganizations/org1
o2=out/peerOrganizations/org2

# generate again: refused, nothing touched
before=$(snapshot out)
run mspgen generate --config=cc.yaml --output=out
is "$rc" 1 "generate over existing orgs: exit 1"
is "$err" "mspgen: 'out/peerOrganizations/org1' exists: use extend to add what is missing, or generate --force to replace it (new keys and CAs)
mspgen: 'out/peerOrganizations/org2' exists: use extend to add what is missing, or generate --force to replace it (new keys and CAs)
mspgen: 'out/ordererOrganizations/orderer' exists: use extend to add what is missing, or generate --force to replace it (new keys and CAs)" \
	"generate over existing orgs: one message per org"
is "$(snapshot out)" "$before" "generate over existing orgs: nothing changed (paths, modes, mtimes, hashes)"

# extend with the same config: nothing to do, nothing touched
run mspgen extend --config=cc.yaml --input=out
is "$rc:$out:$err" "0::" "extend with nothing missing: exit 0, silent"
is "$(snapshot out)" "$before" "extend with nothing missing: nothing changed"

# raise Org1's Template Count and Users Count: a peer and a user appear
sleep 1         # so that a rewritten file would show another mtime
config 2 2 1
# (the clock fixed at the test's start: certificates made here and renewed
# below share one validity window, which mspgen rounds to the minute)
MSPGEN_NOW=$now run mspgen extend --config=cc.yaml --input=out
is "$rc:$err" "0:" "extend after raising Count: exit 0"
ok "$([ -d $o1/peers/peer1.org1 ] && [ -d $o1/users/User2@org1 ]; echo $?)" \
	"extend: peer1.org1 and User2@org1 added"
# every line of the old snapshot is still there, but for the mtimes of the
# two directories that got a new entry
after=$(snapshot out)
missing=$(printf '%s\n' "$before" | while read -r line; do
	printf '%s\n' "$after" | grep -qxF -- "$line" || echo "$line"; done)
is "$(printf '%s\n' "$missing" | awk '{print $1}' | tr '\n' ' ')" \
	"./peerOrganizations/org1/peers ./peerOrganizations/org1/users " \
	"extend: every existing file kept its content, mode and mtime (only peers/ and users/ got an entry)"
is "$(find out -name '.*' | wc -l)" 0 "extend: no temporary directory left"
verify_org $o1
ok $? "extend: the new peer and user verify against the org's existing CAs"
is "$(ls $o1/peers/peer1.org1/msp/admincerts | wc -l)" 0 "extend: NodeOUs on, admincerts empty"
cmp -s $o1/peers/peer1.org1/msp/config.yaml $o1/msp/config.yaml
ok $? "extend: the new peer's config.yaml is the org's"
is "$(openssl x509 -in $o1/peers/peer1.org1/msp/signcerts/peer1.org1-cert.pem -noout -subject -nameopt RFC2253)" \
	"subject=CN=peer1.org1,OU=peer,L=San Francisco,ST=California,C=US" "extend: the new peer's subject"

# NodeOUs off (org2): a new peer holds the Admin's cert in admincerts
config 2 2 2
run mspgen extend --config=cc.yaml --input=out --org=org2
is "$rc:$err" "0:" "extend --org=org2: exit 0"
cmp -s $o2/peers/peer1.org2/msp/admincerts/Admin@org2-cert.pem \
	$o2/users/Admin@org2/msp/signcerts/Admin@org2-cert.pem
ok $? "extend, NodeOUs off: the new peer's admincerts holds the existing Admin's cert"
is "$(ls $o2/peers/peer1.org2/msp)" "$(ls $o2/peers/peer0.org2/msp)" "extend, NodeOUs off: same MSP folders as the first peer"

# expiry: soonest first, days left as openssl counts them
run mspgen expiry --input=out
is "$rc" 0 "expiry: exit 0"
ncerts=$(find out -path '*/ca/*.pem' -o -path '*/tlsca/*.pem' -o -path '*/signcerts/*' -o \
	-name server.crt -o -name client.crt | wc -l)
is "$(printf '%s\n' "$out" | wc -l)" "$ncerts" "expiry: one line per certificate ($ncerts)"
printf '%s\n' "$out" | awk '{print $1}' | sort -n -c
ok $? "expiry: sorted by days left"
first=$(printf '%s\n' "$out" | head -1)
last=$(printf '%s\n' "$out" | tail -1)
like "$first" '^ +649  ' "expiry: the oldest certificates first, 649 days left"
like "$last" '^ +3649  .*peer1\.org' "expiry: the certificates made today last"
f=$(echo "$first" | awk '{print $3}')
want=$(date -u -d "$(enddate "out/$f" | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)
is "$(echo "$first" | awk '{print $2}')" "$want" "expiry: the date is the certificate's notAfter (openssl)"
MSPGEN_NOW=$((now + 700 * 86400)) run mspgen expiry --input=out --days=0
like "$(printf '%s\n' "$out" | head -1)" '^ +-5[01]  .*  EXPIRED$' "expiry in 700 days: expired ones flagged"
ok "$(printf '%s\n' "$out" | grep -vq EXPIRED; echo $((1 - $?)))" "expiry --days=0: only the expired ones"

# renew org1's certificates expiring within 1000 days: the old ones only
pub_before=$(pubkeys $o1)
prof_before=$(profiles $o1)
keys_before=$(cd $o1 && find . -name priv_sk -o -name '*.key' | sort | xargs sha256sum; \
	find . \( -name priv_sk -o -name '*.key' \) -printf '%p %T@\n' | sort)
new_peer=$(cat $o1/peers/peer1.org1/tls/server.crt)
org2_before=$(snapshot $o2)
MSPGEN_NOW=$now run mspgen renew --input=out --org=org1 --days=1000
is "$rc:$err" "0:" "renew --org=org1 --days=1000: exit 0"
nrenewed=$(printf '%s\n' "$out" | grep -c '^renewed ')
is "$nrenewed" 8 "renew: the 8 old certificates (2 CAs, peer0, User1, Admin: sign + TLS)"
is "$(pubkeys $o1)" "$pub_before" "renew: every certificate keeps its public key (openssl x509 -pubkey)"
is "$(profiles $o1)" "$prof_before" "renew: subjects, issuers and extensions unchanged (openssl x509)"
is "$(cd $o1 && find . -name priv_sk -o -name '*.key' | sort | xargs sha256sum; \
	find . \( -name priv_sk -o -name '*.key' \) -printf '%p %T@\n' | sort)" "$keys_before" \
	"renew: no key file touched"
is "$(cat $o1/peers/peer1.org1/tls/server.crt)" "$new_peer" "renew --days: a certificate not due is left alone"
ok "$([ "$(enddate $o1/ca/ca.org1-cert.pem)" = "$(enddate $o1/peers/peer1.org1/tls/server.crt)" ]; echo $?)" \
	"renew: the CA's validity moved to today's window"
verify_org $o1
ok $? "renew: everything verifies, copies included"
cmp -s $o1/ca/ca.org1-cert.pem $o1/peers/peer0.org1/msp/cacerts/ca.org1-cert.pem &&
	cmp -s $o1/tlsca/tlsca.org1-cert.pem $o1/users/Admin@org1/tls/ca.crt &&
	cmp -s $o1/tlsca/tlsca.org1-cert.pem $o1/msp/tlscacerts/tlsca.org1-cert.pem
ok $? "renew: the copies of the CAs were replaced too"
is "$(snapshot $o2)" "$org2_before" "renew --org=org1: org2 untouched"
s=$(openssl x509 -in $o1/ca/ca.org1-cert.pem -noout -serial)
run mspgen renew --input=out --org=org1 --days=1000
is "$rc:$out" "0:" "renew again: nothing due, nothing done"
is "$(openssl x509 -in $o1/ca/ca.org1-cert.pem -noout -serial)" "$s" "renew again: the CA is the same"

# renew everything of the orderer org (NodeOUs off: admincerts copies)
ob=out/ordererOrganizations/orderer
pub_before=$(pubkeys $ob)
run mspgen renew --input=out --org=orderer
is "$rc:$err" "0:" "renew --org=orderer: exit 0"
is "$(pubkeys $ob)" "$pub_before" "renew orderer org: public keys kept"
verify_org $ob
ok $? "renew orderer org: everything verifies"
cmp -s $ob/msp/admincerts/Admin@orderer-cert.pem $ob/users/Admin@orderer/msp/signcerts/Admin@orderer-cert.pem &&
	cmp -s $ob/orderers/orderer0.orderer/msp/admincerts/Admin@orderer-cert.pem \
		$ob/users/Admin@orderer/msp/signcerts/Admin@orderer-cert.pem
ok $? "renew orderer org: the admincerts copies hold the renewed Admin cert"

# generate --force replaces one org: new CA, others untouched
org1_before=$(snapshot $o1)
ski=$(openssl x509 -in $o2/ca/ca.org2-cert.pem -noout -ext subjectKeyIdentifier)
run mspgen generate --config=cc.yaml --output=out --org=org2 --force
is "$rc:$out:$err" "0:org2:" "generate --force --org=org2: exit 0"
ok "$([ "$(openssl x509 -in $o2/ca/ca.org2-cert.pem -noout -ext subjectKeyIdentifier)" != "$ski" ]; echo $?)" \
	"generate --force: org2 has a new CA"
is "$(snapshot $o1)" "$org1_before" "generate --force --org=org2: org1 untouched"
is "$(find out -name '.*' | wc -l)" 0 "generate --force: nothing left aside"
verify_org $o2
ok $? "generate --force: the new org2 verifies"

done_testing
