#!/bin/sh
# What the fixtures do not show, checked with openssl: the CA section's
# subject fields on the CAs and the certificates they issue, a
# multi-valued OU RDN in DER order, PrintableString or UTF8String as Go
# chooses, Specs with CommonName and templated SANS (DNS first, then IP),
# Template Start and Hostname, NodeOUs off, Ed25519 (Fabric 3), and the
# built-in sample configuration.
. "$TOP/tests/lib.sh"

umask 022
cd "$tmp" || exit 1
cat >cc.yaml <<'EOF'
PeerOrgs:
  - Name: Org3
    Domain: org3
    EnableNodeOUs: true
    CA:
      Country: DE
      Province: Berlin
      Locality: Berlin
      OrganizationalUnit: R&D_Unit
      StreetAddress: Main Street 1
      PostalCode: "10115"
    Specs:
      - Hostname: foo
        CommonName: foo.example
        SANS:
          - "{{.Hostname}}.alt.{{.Domain}}"
          - 10.0.0.31
          - "fd00::1"
          - "{{ .CommonName }}"
      - Hostname: edge
        PublicKeyAlgorithm: ed25519
    Template:
      Count: 2
      Start: 5
      Hostname: "node{{.Index}}"
    Users:
      Count: 2
  - Name: Org4
    Domain: org4
    EnableNodeOUs: false
    Template:
      Count: 1
    Users:
      Count: 1
EOF
run mspgen generate --config=cc.yaml --output=out
is "$rc:$err" "0:" "generate: exit 0"
o=out/peerOrganizations/org3
subject() { openssl x509 -in "$1" -noout -subject -nameopt multiline,show_type | sed 1d | sed 's/^ *//; s/  */ /g'; }

is "$(subject $o/ca/ca.org3-cert.pem)" "countryName = PRINTABLESTRING:DE
stateOrProvinceName = PRINTABLESTRING:Berlin
localityName = PRINTABLESTRING:Berlin
streetAddress = PRINTABLESTRING:Main Street 1
postalCode = PRINTABLESTRING:10115
organizationName = PRINTABLESTRING:org3
organizationalUnitName = UTF8STRING:R&D_Unit
commonName = PRINTABLESTRING:ca.org3" \
	"CA: C, ST, L, STREET, postalCode, O, OU, CN in Go's order; '&' and '_' make a UTF8String"
# cryptogen appends the CA's OU, then the NodeOU; DER sorts the SET: the
# shorter encoding ("peer") first
is "$(subject $o/peers/foo.example/msp/signcerts/foo.example-cert.pem)" "countryName = PRINTABLESTRING:DE
stateOrProvinceName = PRINTABLESTRING:Berlin
localityName = PRINTABLESTRING:Berlin
streetAddress = PRINTABLESTRING:Main Street 1
postalCode = PRINTABLESTRING:10115
organizationalUnitName = PRINTABLESTRING:peer + organizationalUnitName = UTF8STRING:R&D_Unit
commonName = PRINTABLESTRING:foo.example" \
	"peer signcert: the CA's fields but O, one multi-valued OU RDN in DER order"
is "$(openssl x509 -in $o/users/Admin@org3/msp/signcerts/Admin@org3-cert.pem -noout -subject -nameopt RFC2253)" \
	"subject=CN=Admin@org3,OU=R&D_Unit+OU=admin,postalCode=10115,street=Main Street 1,L=Berlin,ST=Berlin,C=DE" \
	"Admin signcert: OU admin beside the CA's OU"
is "$(subject $o/users/User2@org3/tls/client.crt | tail -1)" "commonName = UTF8STRING:User2@org3" \
	"user TLS cert: '@' makes the CN a UTF8String"
is "$(subject $o/peers/foo.example/tls/server.crt | grep organizationalUnitName)" \
	"organizationalUnitName = UTF8STRING:R&D_Unit" \
	"TLS certs carry the CA's OU (cryptogen's SignCertificate) but no NodeOU"
is "$(openssl x509 -in $o/peers/foo.example/tls/server.crt -noout -ext subjectAltName | sed 1d | sed 's/^ *//')" \
	"DNS:foo.example, DNS:foo, DNS:foo.alt.org3, DNS:foo.example, IP Address:10.0.0.31, IP Address:FD00:0:0:0:0:0:0:1" \
	"Spec SANS: CN, Hostname, then the rendered entries, DNS names before IP addresses"
is "$(ls $o/peers | tr '\n' ' ')" "edge.org3 foo.example node5.org3 node6.org3 " \
	"Specs and Template (Start 5, Hostname node{{.Index}}) nodes"
is "$(openssl x509 -in $o/peers/node6.org3/tls/server.crt -noout -ext subjectAltName | sed 1d | sed 's/^ *//')" \
	"DNS:node6.org3, DNS:node6" "Template node SANs"
like "$(openssl x509 -in $o/peers/edge.org3/tls/server.crt -noout -text)" "Public Key Algorithm: ED25519" \
	"PublicKeyAlgorithm ed25519: an Ed25519 key"
is "$(openssl pkey -in $o/peers/edge.org3/msp/keystore/priv_sk -noout -text 2>/dev/null | head -1)" \
	"ED25519 Private-Key:" "Ed25519: the keystore key is Ed25519 too"
openssl verify -CAfile $o/tlsca/tlsca.org3-cert.pem $o/peers/edge.org3/tls/server.crt >/dev/null 2>&1 &&
	openssl verify -CAfile $o/ca/ca.org3-cert.pem $o/peers/edge.org3/msp/signcerts/edge.org3-cert.pem >/dev/null 2>&1
ok $? "Ed25519 node certificates verify"
bad=0
for c in $(find $o -path '*signcerts/*'); do
	openssl verify -CAfile $o/ca/ca.org3-cert.pem "$c" >/dev/null 2>&1 || bad=1
done
for c in $(find $o -name server.crt -o -name client.crt); do
	openssl verify -CAfile $o/tlsca/tlsca.org3-cert.pem "$c" >/dev/null 2>&1 || bad=1
done
ok $bad "every certificate of org3 verifies"
is "$(grep Certificate: $o/msp/config.yaml | sort -u)" "    Certificate: cacerts/ca.org3-cert.pem" "config.yaml names the CA file"

# NodeOUs off (FACTS.md §1): admincerts hold the Admin's cert, but a user's its own
p=out/peerOrganizations/org4
admin=$p/users/Admin@org4/msp/signcerts/Admin@org4-cert.pem
cmp -s $p/msp/admincerts/Admin@org4-cert.pem $admin &&
	cmp -s $p/peers/peer0.org4/msp/admincerts/Admin@org4-cert.pem $admin &&
	cmp -s $p/users/Admin@org4/msp/admincerts/Admin@org4-cert.pem $admin
ok $? "NodeOUs off: org, peer and Admin admincerts hold the Admin's cert"
is "$(ls $p/users/User1@org4/msp/admincerts)" "User1@org4-cert.pem" "NodeOUs off: a user's admincerts holds its own cert"
cmp -s $p/users/User1@org4/msp/admincerts/User1@org4-cert.pem $p/users/User1@org4/msp/signcerts/User1@org4-cert.pem
ok $? "NodeOUs off: ... byte for byte"
is "$(find $p -name config.yaml | wc -l)" 0 "NodeOUs off: no config.yaml"
is "$(find $p -path '*admincerts/*' | wc -l)" 4 "NodeOUs off: one cert in each of the 4 admincerts (org, peer0, Admin, User1)"
like "$(subject $p/peers/peer0.org4/msp/signcerts/peer0.org4-cert.pem)" '^countryName = PRINTABLESTRING:US
stateOrProvinceName = PRINTABLESTRING:California
localityName = PRINTABLESTRING:San Francisco
commonName = PRINTABLESTRING:peer0.org4$' "NodeOUs off: no OU, cryptogen's default C, ST, L"

# validity: notBefore at :00 seconds, 3650 days
nb=$(openssl x509 -in $p/ca/ca.org4-cert.pem -noout -startdate | cut -d= -f2)
na=$(openssl x509 -in $p/ca/ca.org4-cert.pem -noout -enddate | cut -d= -f2)
is "$(( ($(date -u -d "$na" +%s) - $(date -u -d "$nb" +%s)) / 86400 ))" 3650 "validity: 3650 days"
is "$(date -u -d "$nb" +%S)" 00 "validity: notBefore on a whole minute"
d=$(( $(date +%s) - $(date -u -d "$nb" +%s) ))
ok "$([ "$d" -ge 270 ] && [ "$d" -le 330 ]; echo $?)" "validity: notBefore about 5 minutes ago (${d}s)"

# showtemplate is a valid configuration, and generate without --config uses it
run mspgen showtemplate
is "$rc" 0 "showtemplate: exit 0"
printf '%s\n' "$out" >sample.yaml
run mspgen generate --config=sample.yaml --output=s1
is "$rc:$out" "0:$(printf 'org1\norg2')" "showtemplate's output generates"
run mspgen generate --output=s2
is "$rc:$out" "0:$(printf 'org1\norg2')" "generate without --config: the sample"
is "$(cd s2 && find . | sort)" "$(cd s1 && find . | sort)" "generate without --config: the same tree as the sample"
run mspgen version
like "$out" '^mspgen:
 Version: ' "version"

done_testing
