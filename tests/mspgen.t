#!/bin/sh
# mspgen against real cryptogen output: for every fixture config, the tree
# (names, modes) and every certificate's profile must match the fixture's
# (the fixtures' own compare-crypto.sh), every certificate must verify
# with `openssl verify`, keys must be the keys of their certificates, and
# config.yaml and the CA copies must be byte for byte what they should be.
. "$TOP/tests/lib.sh"

umask 022       # the fixtures were made with umask 022
cd "$tmp" || exit 1

# The fixtures are stored without write bits and without empty
# directories; give the copy back what cryptogen wrote (FACTS.md §1):
# directories 755, files 644, keys 600, an admincerts/ in every msp/.
restore() {
	cp -r "$1" "$2" && chmod -R u+w "$2" &&
		find "$2" -type d -name msp -exec sh -c 'mkdir -p "$1/admincerts"' _ {} \; &&
		find "$2" -type d -exec chmod 755 {} + &&
		find "$2" -type f -exec chmod 644 {} + &&
		find "$2" -type f \( -name '*_sk' -o -name '*.key' \) -exec chmod 600 {} +
}

# verify_all DIR: every certificate of every org against the right CA
verify_all() {
	bad=0 n=0
	for org in "$1"/*Organizations/*; do
		ca=$(echo "$org"/ca/*-cert.pem) tlsca=$(echo "$org"/tlsca/*-cert.pem)
		for c in $(find "$org" -path '*/signcerts/*' -o -path '*/admincerts/*.pem' -o \
			-path '*/cacerts/*' -o -path '*/ca/*.pem'); do
			n=$((n + 1))
			openssl verify -CAfile "$ca" "$c" >/dev/null 2>&1 || { bad=1; diag "not verified: $c"; }
		done
		for c in $(find "$org" -name server.crt -o -name client.crt -o -name ca.crt -o \
			-path '*/tlscacerts/*' -o -path '*/tlsca/*.pem'); do
			n=$((n + 1))
			openssl verify -CAfile "$tlsca" "$c" >/dev/null 2>&1 || { bad=1; diag "not verified: $c"; }
		done
	done
	[ "$n" -gt 0 ] || bad=1
	return $bad
}

# keys_match DIR: each private key is the key of the certificate beside it
keys_match() {
	bad=0
	for k in $(find "$1" -name priv_sk -o -name '*.key'); do
		d=$(dirname "$k")
		case $k in
		*/keystore/*) c=$(echo "$d"/../signcerts/*.pem) ;;
		*/tls/*) c=${k%.key}.crt ;;
		*) c=$(echo "$d"/*-cert.pem) ;;
		esac
		a=$(openssl pkey -in "$k" -pubout 2>/dev/null)
		b=$(openssl x509 -in "$c" -noout -pubkey 2>/dev/null)
		[ -n "$a" ] && [ "$a" = "$b" ] || { bad=1; diag "key does not match: $k $c"; }
	done
	return $bad
}

# copies_ok DIR: cacerts/ hold the CA, tlscacerts/ and tls/ca.crt the TLS CA
copies_ok() {
	bad=0
	for org in "$1"/*Organizations/*; do
		ca=$(echo "$org"/ca/*-cert.pem) tlsca=$(echo "$org"/tlsca/*-cert.pem)
		for c in $(find "$org" -path '*/cacerts/*'); do cmp -s "$c" "$ca" || bad=1; done
		for c in $(find "$org" -path '*/tlscacerts/*' -o -name ca.crt); do
			cmp -s "$c" "$tlsca" || bad=1
		done
	done
	return $bad
}

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

done_testing
