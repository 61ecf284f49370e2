#!/bin/sh
# mspgen on bad input: the exact message, the exit status (1 user error,
# 2 usage error) and nothing half-written.
. "$TOP/tests/lib.sh"

umask 022
cd "$tmp" || exit 1

cat >cc.yaml <<'EOF'
PeerOrgs:
  - Name: Org1
    Domain: org1
    Template:
      Count: 1
EOF

# usage errors
run mspgen
is "$rc" 2 "no command: exit 2"
like "$err" '^usage: mspgen generate' "no command: the synopsis"
run mspgen frobnicate
is "$rc" 2 "unknown command: exit 2"
like "$err" '^mspgen: unknown command "frobnicate"$' "unknown command: named"
run mspgen generate --input=x --config=cc.yaml
is "$rc" 2 "generate --input: exit 2"
like "$err" '^mspgen: generate does not take --input=x$' "generate --input: said so"
run mspgen renew --input=x --days=soon
is "$rc" 2 "--days=soon: exit 2"
like "$err" '^mspgen: --days=soon: expected a number of days$' "--days=soon: said so"
run mspgen generate --config=cc.yaml --bogus
is "$rc" 2 "unknown option: exit 2"
run mspgen generate --config=cc.yaml extra
is "$rc" 2 "extra argument: exit 2"
MSPGEN_NOW=yesterday run mspgen generate --config=cc.yaml --output=o
is "$rc:$err" "2:mspgen: MSPGEN_NOW=yesterday: expected Unix seconds" "bad MSPGEN_NOW: exit 2"
ok "$([ ! -e o ]; echo $?)" "usage errors: nothing written"

# an org that is not in the config
run mspgen generate --config=cc.yaml --output=o --org=org9
is "$rc:$err" "1:mspgen: cc.yaml: no org with Domain \"org9\"" "--org unknown: exit 1, named"
ok "$([ ! -e o ]; echo $?)" "--org unknown: nothing written"

# bad SANS templates: the file, line, column and field, nothing written
bad_sans() { # bad_sans SANS-ENTRY EXPECTED-MESSAGE DESCRIPTION
	cat >bad.yaml <<EOF
PeerOrgs:
  - Name: Org1
    Domain: org1
    Template:
      Count: 1
      SANS:
        - $1
EOF
	run mspgen generate --config=bad.yaml --output=o
	is "$rc" 1 "$3: exit 1"
	is "$err" "$2" "$3: message"
	ok "$([ ! -e o ]; echo $?)" "$3: nothing written"
}
bad_sans '"{{.Foo}}.example"' \
	'mspgen: bad.yaml:7:11: PeerOrgs[0].Template.SANS[0]: unknown field ".Foo" in template "{{.Foo}}.example" (known: .Hostname, .Domain, .CommonName)' \
	"SANS with an unknown field"
bad_sans '"{{.Hostname"' \
	'mspgen: bad.yaml:7:11: PeerOrgs[0].Template.SANS[0]: unclosed action "{{" in template "{{.Hostname"' \
	"SANS with an unclosed action"
bad_sans '"{{ if .Hostname }}x{{ end }}"' \
	'mspgen: bad.yaml:7:11: PeerOrgs[0].Template.SANS[0]: unsupported action "{{ if .Hostname }}" in template "{{ if .Hostname }}x{{ end }}" (only {{.Field}} is supported)' \
	"SANS with an action cryptogen's templates have and mspgen does not"
bad_sans '""' 'mspgen: bad.yaml:7:11: PeerOrgs[0].Template.SANS[0]: "" renders to an empty name' \
	"an empty SANS entry"
bad_sans 'bücher.example' \
	'mspgen: bad.yaml:7:11: PeerOrgs[0].Template.SANS[0]: "bücher.example" is not ASCII: a DNS name in a certificate is an IA5String' \
	"a non-ASCII SANS entry"

cat >bad.yaml <<'EOF'
PeerOrgs:
  - Name: Org1
    Domain: org1
    Specs:
      - Hostname: p0
        CommonName: "../../{{.Hostname}}"
EOF
run mspgen generate --config=bad.yaml --output=o
is "$rc:$err" '1:mspgen: bad.yaml:5:9: PeerOrgs[0].Specs[0].CommonName: "../../p0" cannot be a CommonName: it names a file (not empty, no '"'/'"')' \
	"a CommonName with '/': refused"
ok "$([ ! -e o ]; echo $?)" "a CommonName with '/': nothing written"

# an output directory that cannot be made (its parent is a file)
: >afile
run mspgen generate --config=cc.yaml --output=afile/out
is "$rc" 1 "unwritable output: exit 1"
is "$err" "mspgen: cannot create directory 'afile/out/peerOrganizations': Not a directory" \
	"unwritable output: the directory and the reason"

# a key that cannot be written (file size limit 0, SIGXFSZ ignored: EFBIG)
# (stderr through a pipe: the limit applies to files only)
if [ "${VALGRIND:-}" = 1 ]; then
	skip 3 "valgrind cannot write its log with a file size limit of 0"
else
	err=$( (ulimit -f 0; trap '' XFSZ; exec mspgen generate --config=cc.yaml --output=o 2>&1 >/dev/null) )
	rc=$?
	is "$rc" 1 "a key that cannot be written: exit 1"
	like "$err" "^mspgen: cannot write 'o/peerOrganizations/\\.org1\\.[A-Za-z0-9]{6}/ca/priv_sk': File too large$" \
		"a key that cannot be written: the file and the reason"
	is "$(find o -mindepth 2 | wc -l)" 0 "a key that cannot be written: no org and no temporary directory left"
fi

# extend on an org whose CA is unreadable or inconsistent: nothing written
mspgen generate --config=cc.yaml --output=good >/dev/null
sed -i 's/Count: 1/Count: 3/' cc.yaml
corrupt() { # corrupt DESCRIPTION EXPECTED-MESSAGE: after the caller broke good2
	run mspgen extend --config=cc.yaml --input=good2
	is "$rc" 1 "$1: exit 1"
	is "$err" "$2" "$1: message"
	is "$(snapshot good2)" "$before" "$1: nothing written"
}
rm -rf good2 && cp -a good good2
echo "not a key" >good2/peerOrganizations/org1/ca/priv_sk
before=$(snapshot good2)
corrupt "extend, garbage CA key" \
	"mspgen: 'good2/peerOrganizations/org1/ca/priv_sk': not a PEM private key (PKCS#8, P-256 or Ed25519)"
rm -rf good2 && cp -a good good2
cp good2/peerOrganizations/org1/tlsca/priv_sk good2/peerOrganizations/org1/ca/priv_sk
before=$(snapshot good2)
corrupt "extend, CA key of another CA" \
	"mspgen: 'good2/peerOrganizations/org1/ca/ca.org1-cert.pem' is not the certificate of the key in 'good2/peerOrganizations/org1/ca/priv_sk'"
rm -rf good2 && cp -a good good2
head -c 300 good/peerOrganizations/org1/tlsca/tlsca.org1-cert.pem >good2/peerOrganizations/org1/tlsca/tlsca.org1-cert.pem
before=$(snapshot good2)
corrupt "extend, truncated TLS CA certificate" \
	"mspgen: 'good2/peerOrganizations/org1/tlsca/tlsca.org1-cert.pem': not a PEM X.509 certificate with a P-256 or Ed25519 key"
rm -rf good2 && cp -a good good2
rm good2/peerOrganizations/org1/ca/priv_sk
before=$(snapshot good2)
corrupt "extend, CA key missing" "mspgen: 'good2/peerOrganizations/org1/ca': no *_sk file"
rm -rf good2 && cp -a good good2
cp good2/peerOrganizations/org1/peers/peer0.org1/msp/signcerts/peer0.org1-cert.pem good2/peerOrganizations/org1/ca/ca.org1-cert.pem
cp good2/peerOrganizations/org1/peers/peer0.org1/msp/keystore/priv_sk good2/peerOrganizations/org1/ca/priv_sk
before=$(snapshot good2)
corrupt "extend, a leaf in place of the CA" \
	"mspgen: 'good2/peerOrganizations/org1/ca/ca.org1-cert.pem': not a CA certificate"

# renew and expiry on trees that are not MSP trees
run mspgen expiry --input=nowhere
is "$rc:$err" "1:mspgen: cannot read 'nowhere': No such file or directory" "expiry on a missing directory"
mkdir empty
run mspgen renew --input=empty
is "$rc:$err" "1:mspgen: 'empty' holds neither ordererOrganizations nor peerOrganizations" \
	"renew on a directory that is not a crypto-config tree"
run mspgen renew --input=good --org=org7
is "$rc:$err" "1:mspgen: 'good' has no org \"org7\"" "renew --org unknown"
rm -rf good2 && cp -a good good2
echo "not a key" >good2/peerOrganizations/org1/tlsca/priv_sk
before=$(snapshot good2)
run mspgen renew --input=good2
is "$rc:$err" "1:mspgen: 'good2/peerOrganizations/org1/tlsca/priv_sk': not a PEM private key (PKCS#8, P-256 or Ed25519)" \
	"renew with a broken TLS CA key: message"
is "$(snapshot good2)" "$before" "renew with a broken TLS CA key: nothing written"

done_testing
