# msp-lib.sh - checks of a crypto-config tree, for tests that compare
# mspgen with cryptogen (sourced after tests/lib.sh).

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
