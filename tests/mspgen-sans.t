#!/bin/sh
# extend and a node's names: an existing peer's or orderer's TLS
# certificate that lacks a name or address the node has now (another
# --san, as make passes EXTERNAL_HOST), or holds one it no longer has, is
# issued again by the org's TLS CA with the same key, subject and other
# extensions (checked with openssl alone), and replaced atomically: kills
# at mspgen's writes and renames never leave a certificate that is not its
# key's.  Nothing else changes, and an extend with nothing new changes
# nothing, not even an mtime.
. "$TOP/tests/lib.sh"
. "$TOP/tests/msp-lib.sh"

umask 022
cd "$tmp" || exit 1
now=$(date +%s)
old=$((now - 100 * 86400))
cat >cc.yaml <<'EOF'
OrdererOrgs:
  - Name: Orderer
    Domain: orderer
    Specs:
      - Hostname: orderer0
      - Hostname: orderer1
PeerOrgs:
  - Name: Org1
    Domain: org1
    EnableNodeOUs: true
    Specs:
      - Hostname: edge
        SANS:
          - "{{.Hostname}}.alt.{{.Domain}}"
          - 10.0.0.31
    Template:
      Count: 2
    Users:
      Count: 1
  - Name: Org2
    Domain: org2
    Template:
      Count: 1
    Users:
      Count: 1
EOF
ns='--san={{.Hostname}}.ns'     # what make passes for the node's Service
nodes=6                         # orderer0, orderer1, edge, peer0, peer1 of org1, peer0.org2
o1=out/peerOrganizations/org1

# the TLS certificates of peers and orderers, and everything else
node_tls() { find out -path '*/peers/*/tls/server.crt' -o -path '*/orderers/*/tls/server.crt' | sort; }
# snapshot without the nodes' server.crt and the tls/ folders that hold them
others() { snapshot out | grep -Ev '/(peers|orderers)/[^/ ]+/tls(/server\.crt)?( |$)'; }
sans() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | sed 1d | sed 's/^ *//'; }
# the certificate without serial, validity, SANs and signature
rest() {
	openssl x509 -in "$1" -noout -text -certopt no_serial,no_validity,no_sigdump |
		sed '/X509v3 Subject Alternative Name/,+1d'
}
rests() { for c in $(node_tls); do echo "$c"; rest "$c"; done; }
keys() { find out \( -name '*.key' -o -name priv_sk \) -printf '%p %T@ ' -exec sha256sum {} \; | sort; }
# state [NAME]: each node's TLS certificate is its key's (the key as
# generated: keys() shows it stays), verifies with its TLS CA and, with
# NAME, names it; prints what is wrong
state() {
	for c in $(node_tls); do
		t=$(openssl x509 -in "$c" -noout -pubkey -ext subjectAltName 2>&1)
		[ "$(printf '%s\n' "$t" | sed -n '/BEGIN PUBLIC/,/END PUBLIC/p')" = \
			"$(cat "pubs/$(echo "$c" | tr / _)")" ] || echo "not its key's: $c"
		[ -z "${1:-}" ] || printf '%s\n' "$t" | grep -qF "$1" || echo "lacks $1: $c"
	done
	for org in out/*Organizations/*; do
		# shellcheck disable=SC2046
		openssl verify -CAfile "$org"/tlsca/*-cert.pem $(find "$org" -path '*/tls/server.crt') 2>&1 |
			grep -v ': OK$'
	done
}

MSPGEN_NOW=$old run mspgen generate --config=cc.yaml --output=out "$ns"
is "$rc:$err" "0:" "generate (100 days ago) with make's --san"
is "$(sans $o1/peers/edge.org1/tls/server.crt)" \
	"DNS:edge.org1, DNS:edge, DNS:edge.alt.org1, DNS:edge.ns, IP Address:10.0.0.31" \
	"generate: CN, Hostname, SANS, --san; the address as an IP SAN"
is "$(sans $o1/users/User1@org1/tls/client.crt)" "" "users' TLS certificates have no SANs"
is "$(sans $o1/peers/peer0.org1/msp/signcerts/peer0.org1-cert.pem)" "" \
	"signing certificates have no SANs (cryptogen's profile): nothing of them to compare"
mkdir pubs
for c in $(node_tls); do
	openssl pkey -in "${c%.crt}.key" -pubout >"pubs/$(echo "$c" | tr / _)"
done
orig_sans=$(for c in $(node_tls); do echo "$c: $(sans "$c" | tr '\n' ' ')"; done)
orig_rest=$(rests)
orig_others=$(others)
orig_keys=$(keys)

# the same command line as before: nothing at all
sleep 1         # so that a rewritten file would show another mtime
before=$(snapshot out)
run mspgen extend --config=cc.yaml --input=out "$ns"
is "$rc:$out:$err" "0::" "extend with the names the nodes have: exit 0, silent"
is "$(snapshot out)" "$before" "extend with the names the nodes have: nothing changed (bytes, modes, mtimes)"

# one more name (EXTERNAL_HOST as a DNS name)
serial=$(openssl x509 -in $o1/peers/peer0.org1/tls/server.crt -noout -serial)
dates=$(openssl x509 -in $o1/peers/peer0.org1/tls/server.crt -noout -dates)
MSPGEN_NOW=$now run mspgen extend --config=cc.yaml --input=out "$ns" --san=ext.example.com
is "$rc:$err" "0:" "extend --san=ext.example.com: exit 0"
is "$(printf '%s\n' "$out" | grep -c '^reissued .*/tls/server.crt: added DNS:ext.example.com$')" $nodes \
	"extend --san=ext.example.com: one line per re-issued certificate, $nodes nodes"
like "$out" '^reissued peerOrganizations/org1/peers/peer0.org1/tls/server.crt: added DNS:ext.example.com$' \
	"extend --san: the line names the file and what changed"
is "$(state DNS:ext.example.com)" "" \
	"every peer's and orderer's TLS certificate names ext.example.com, is its key's and verifies (openssl)"
is "$(sans $o1/peers/edge.org1/tls/server.crt)" \
	"DNS:edge.org1, DNS:edge, DNS:edge.alt.org1, DNS:edge.ns, DNS:ext.example.com, IP Address:10.0.0.31" \
	"the new name after the others, DNS names before the address, as generate writes them"
is "$(openssl x509 -in $o1/peers/edge.org1/tls/server.crt -noout -text | grep 'X509v3 ' | tail -1 | sed 's/^ *//')" \
	"X509v3 Subject Alternative Name: " "subjectAltName still the last extension"
is "$(keys)" "$orig_keys" "every key file the same, byte for byte and mtime"
is "$(rests)" "$orig_rest" "subject, issuer, public key and every other extension kept (openssl x509 -text)"
is "$(others)" "$orig_others" "everything else unchanged: CAs, signing certs, users' certs, copies, keys"
ok "$([ "$(openssl x509 -in $o1/peers/peer0.org1/tls/server.crt -noout -serial)" != "$serial" ]; echo $?)" \
	"a new serial"
ok "$([ "$(openssl x509 -in $o1/peers/peer0.org1/tls/server.crt -noout -dates)" != "$dates" ]; echo $?)" \
	"a new validity"
cp -a out renewed
MSPGEN_NOW=$now mspgen renew --input=renewed --org=org1 >/dev/null
is "$(openssl x509 -in $o1/peers/peer0.org1/tls/server.crt -noout -dates)" \
	"$(openssl x509 -in renewed/peerOrganizations/org1/peers/peer0.org1/tls/server.crt -noout -dates)" \
	"the validity renew gives at the same moment"
rm -rf renewed
keys_match out
ok $? "every private key of the tree belongs to its certificate"
verify_all out
ok $? "every certificate of the tree verifies against its CA"
is "$(find out -name '.*' -o -name '*.tmp.*' | wc -l)" 0 "no temporary file left"

sleep 1
before=$(snapshot out)
run mspgen extend --config=cc.yaml --input=out "$ns" --san=ext.example.com
is "$rc:$out:$err" "0::" "the same extend again: exit 0, silent"
is "$(snapshot out)" "$before" "the same extend again: nothing changed (bytes, modes, mtimes)"

# an address as well; --org: only that org
run mspgen extend --config=cc.yaml --input=out --org=org1 "$ns" --san=ext.example.com --san=10.244.255.1
is "$rc:$err" "0:" "extend --org=org1 --san=10.244.255.1: exit 0"
is "$(printf '%s\n' "$out" | grep -c ': added IP:10.244.255.1$')" 3 "extend --san=10.244.255.1: org1's 3 peers"
is "$(for c in $(node_tls); do sans "$c" | grep -qF 'IP Address:10.244.255.1' && echo "$c"; done)" \
	"$(node_tls | grep /org1/)" "org1's peers have the IP address, no other org's node"
is "$(sans $o1/peers/peer1.org1/tls/server.crt)" \
	"DNS:peer1.org1, DNS:peer1, DNS:peer1.ns, DNS:ext.example.com, IP Address:10.244.255.1" \
	"the address as an IP SAN after the DNS names"
is "$(keys)" "$orig_keys" "extend --san=IP: every key file the same"
is "$(state)" "" "extend --san=IP: each TLS certificate matches its key and verifies"
is "$(rests)" "$orig_rest" "extend --san=IP: everything but serial, validity and SANs kept"
is "$(others)" "$orig_others" "extend --san=IP: everything else unchanged"

# the same address in another spelling is the same SAN; a name the node has
# from its SANS is not one more
sleep 1
before=$(snapshot out)
run mspgen extend --config=cc.yaml --input=out --org=org1 "$ns" --san=ext.example.com \
	--san=::ffff:10.244.255.1 --san='{{.Hostname}}.alt.{{.Domain}}'
is "$(printf '%s\n' "$out" | sed 's/: .*//')" \
	"reissued peerOrganizations/org1/peers/peer0.org1/tls/server.crt
reissued peerOrganizations/org1/peers/peer1.org1/tls/server.crt" \
	"::ffff:10.244.255.1 is 10.244.255.1, and edge has edge.alt.org1 already: two peers only"
is "$(snapshot out | grep /edge.org1/)" "$(printf '%s\n' "$before" | grep /edge.org1/)" \
	"a node whose names are right is untouched (bytes, mtimes)"

# without the extra names: they go again, and the certificates are as generated
run mspgen extend --config=cc.yaml --input=out "$ns"
is "$rc:$err" "0:" "extend without the extra --san: exit 0"
like "$out" '^reissued peerOrganizations/org1/peers/peer0.org1/tls/server.crt: removed DNS:ext.example.com, DNS:peer0.alt.org1, IP:10.244.255.1$' \
	"extend without them: what went, in the certificate's order"
is "$(printf '%s\n' "$out" | grep -c '^reissued ')" $nodes "extend without them: every node's certificate again"
is "$(for c in $(node_tls); do echo "$c: $(sans "$c" | tr '\n' ' ')"; done)" "$orig_sans" \
	"every node has exactly the names generate gave it"
is "$(keys)" "$orig_keys" "every key file the same, after all of it"
is "$(state)" "" "each TLS certificate matches its key and verifies"
is "$(rests)" "$orig_rest" "everything but serial, validity and SANs as generated"
is "$(others)" "$orig_others" "everything else as generated"

# a new peer (and user) and a new name at once
cp -a out grow
sed '/Name: Org2/,$ s/Count: 1$/Count: 2/' cc.yaml >cc2.yaml
run mspgen extend --config=cc2.yaml --input=grow "$ns" --san=ext.example.com
is "$rc:$(printf '%s\n' "$out" | grep -c '^reissued ')" "0:$nodes" \
	"a new peer and a new name at once: the existing nodes' certificates re-issued"
is "$(sans grow/peerOrganizations/org2/peers/peer1.org2/tls/server.crt)" \
	"DNS:peer1.org2, DNS:peer1, DNS:peer1.ns, DNS:ext.example.com" "... and the new peer made with the name"
rm -rf grow

# what extend refuses, before it writes anything
cp -a out bad
mv bad/ordererOrganizations/orderer/orderers/orderer1.orderer/tls/server.key k
cp bad/ordererOrganizations/orderer/orderers/orderer0.orderer/tls/server.key \
	bad/ordererOrganizations/orderer/orderers/orderer1.orderer/tls/server.key
before=$(snapshot bad)
run mspgen extend --config=cc.yaml --input=bad "$ns" --san=ext.example.com
is "$rc:$out" "1:" "a TLS key that is not its certificate's: exit 1"
is "$err" "mspgen: 'bad/ordererOrganizations/orderer/orderers/orderer1.orderer/tls/server.crt' is not the certificate of the key in 'bad/ordererOrganizations/orderer/orderers/orderer1.orderer/tls/server.key'" \
	"... naming both files"
is "$(snapshot bad)" "$before" "... and nothing changed, in any org"
mv k bad/ordererOrganizations/orderer/orderers/orderer1.orderer/tls/server.key
cp out/peerOrganizations/org2/peers/peer0.org2/tls/server.crt bad/peerOrganizations/org1/peers/peer1.org1/tls/server.crt
run mspgen extend --config=cc.yaml --input=bad --org=org1 "$ns" --san=ext.example.com
is "$rc:$err" "1:mspgen: 'bad/peerOrganizations/org1/peers/peer1.org1/tls/server.crt': not issued by the org's TLS CA (tlsca/)" \
	"a TLS certificate of another CA: exit 1, never signed again by this one"
rm bad/peerOrganizations/org1/peers/peer1.org1/tls/server.crt
run mspgen extend --config=cc.yaml --input=bad --org=org1 "$ns"
is "$rc:$err" "1:mspgen: 'bad/peerOrganizations/org1/peers/peer1.org1/tls/server.crt': no such file: the node has no TLS certificate" \
	"a node without its TLS certificate: exit 1"

# ---- killed at its writes and renames, and every few openats: at every
# point each certificate is its key's and verifies, no key changes, and the
# next extend finishes the job ----
if [ "${VALGRIND:-}" = 1 ] || ! strace -f -qq -o /dev/null true 2>/dev/null; then
	skip 4 "strace cannot trace here (or valgrind's syscalls)"
	done_testing
	exit
fi
rm -rf bad
mv out base     # as generated: the extra names went again
cp -a base out
base_keys=$(keys)
# LeakSanitizer cannot run under ptrace: the traced runs go without it
strace -f -c -o count -e trace=write,rename,openat \
	env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$BINDIR/mspgen" extend --config=cc.yaml --input=out "$ns" --san=ext.example.com >/dev/null 2>&1
counts=$(awk '$NF ~ /^(write|rename|openat)$/ {print $NF, $4}' count)
is "$(state DNS:ext.example.com)" "" "an extend traced by strace does the job (state() sees it)"
bad_kill='' bad_after='' kills=0 mixed=0
while read -r sys count; do
	inc=1
	[ "$sys" = openat ] && inc=25
	n=1
	while [ "$n" -le "$count" ]; do
		rm -rf out && cp -a base out
		env ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -o /dev/null \
			-e trace="$sys" -e inject="$sys:signal=KILL:when=$n" \
			"$BINDIR/mspgen" extend --config=cc.yaml --input=out "$ns" --san=ext.example.com \
			>/dev/null 2>&1
		kills=$((kills + 1))
		s=$(state DNS:ext.example.com)
		lacking=$(printf '%s\n' "$s" | grep -c '^lacks ')
		[ "$lacking" -gt 0 ] && [ "$lacking" -lt $nodes ] && mixed=$((mixed + 1))
		p=$(printf '%s\n' "$s" | grep -v '^lacks ')
		[ "$(keys)" = "$base_keys" ] || p="$p a key changed"
		[ -z "$p" ] || bad_kill="$bad_kill$sys $n: $p
"
		p=
		mspgen extend --config=cc.yaml --input=out "$ns" --san=ext.example.com >/dev/null 2>&1 ||
			p="exit $?"
		p="$p$(state DNS:ext.example.com)$(find out -name '.*' -o -name '*.tmp.*')"
		[ -z "$p" ] || bad_after="$bad_after$sys $n: $p
"
		n=$((n + inc))
	done
done <<EOF
$counts
EOF
diag "mspgen extend killed $kills times"
ok "$(printf '%s\n' "$counts" | grep -q '^rename [1-9]' && [ "$mixed" -gt 2 ]; echo $?)" \
	"killed at each write and rename, and every 25th openat ($kills runs, $mixed of them half way)"
is "$bad_kill" "" "killed: every TLS certificate is its key's and verifies, no key changed"
is "$bad_after" "" "the next extend: every node has the name, certificates match and verify, no temporary file"

done_testing
