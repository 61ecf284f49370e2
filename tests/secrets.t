#!/bin/sh
# Secrets hygiene.  Everything the project prints while it builds and
# deploys the sample network and creates its channel and chaincode, with
# every command shown (make V=1) and every request logged (kapply -v), and
# on its error paths (a deploy that fails, a failing Job and its log, a
# wrong token, a broken CA key, a kubeconfig whose key is not base64),
# holds no private key material and no token or password: not a line of a
# key's PEM body, not the base64 of a key file as it sits in a Secret, not
# the double's tokens, the basic-auth password or a registrar password.
# Key files and their directories have cryptogen's modes (umask 022: keys
# 600, certificates 644, directories 755), Secret manifests and generated
# passwords 600.  kapply talks plain HTTP only to a server the kubeconfig
# names with http://, never to an https:// one that answers in clear.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "greps what the double was sent"
umask 022
password=$(openssl rand -hex 12)
start_cluster --basic "alice:$password"
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
printed=$tmp/printed
: >"$printed"
# say DESCRIPTION COMMAND...: run it, keep all it printed
say() {
	_d=$1
	shift
	run "$@"
	printf '== %s (exit %s)\n%s\n%s\n' "$_d" "$rc" "$out" "$err" >>"$printed"
}

# ---- build and deploy with every command and request shown ----
say "make V=1" m V=1
is "$rc" 0 "make V=1 builds the sample network"
say "make V=1 deploy, kapply -v" m V=1 deploy KAPPLY="$BINDIR/kapply -v"
is "$rc" 0 "make V=1 deploy with kapply -v"
like "$out$err" "PATCH /api/v1/namespaces/org1/secrets/peer0-crypto" "(the Secrets' requests were logged)"
say "make V=1 channel chaincode, kapply -v" m V=1 channel chaincode KAPPLY="$BINDIR/kapply -v"
is "$rc" 0 "make V=1 channel chaincode with kapply -v (Jobs that mount the admins' keys)"
say "make V=1 plan" m V=1 plan
say "make V=1 status" m V=1 status
say "mspgen expiry" m expiry
say "kapply get -o json of the Secrets" kapply get -o json -v -f "$B/manifests/org1/peer0-crypto.yaml" \
	-f "$B/manifests/org1/ca-crypto.yaml"
like "$out" '"kind": "Secret"' "kapply get -o json prints the Secrets (their values hidden)"
say "kapply diff -v" kapply diff -v -f "$B/manifests/org1"
say "kapply config" kapply config

# ---- error paths ----
faults 'PATCH /secrets/ status=500 *'
say "a failing deploy, kapply -v" m V=1 deploy LOGGING_SPEC=DEBUG KAPPLY="$BINDIR/kapply -v --retries 1"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a deploy whose Secrets fail fails"
faults 'PATCH /secrets/ status=422 *'
say "Secrets refused with 422" kapply apply -v -f "$B/manifests/org2"
faults 'JOB /jobs/cc-abstore-invoke$ fail'
say "a failing Job and its log" m V=1 invoke KAPPLY="$BINDIR/kapply -v"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a failing invoke fails"
faults
write_kubeconfig "$tmp/wrong.yaml" "{token: \"not-$DOUBLE_TOKEN\"}"
say "a wrong token" kapply apply -v --kubeconfig "$tmp/wrong.yaml" -f "$B/manifests/org1"
write_kubeconfig "$tmp/basic.yaml" "{username: alice, password: \"$password\"}"
say "basic authentication" kapply apply -v --kubeconfig "$tmp/basic.yaml" -f "$B/cluster/org1/namespace.yaml"
is "$rc" 0 "basic authentication works"
say "its config" kapply config --kubeconfig "$tmp/basic.yaml"
write_kubeconfig "$tmp/badkey.yaml" "{client-certificate: $PKI/admin.crt, client-key-data: \"$(head -c 60 "$PKI/admin.key")\"}"
say "a client key that is not base64" kapply apply -v --kubeconfig "$tmp/badkey.yaml" -f "$B/manifests/org1"
ok "$([ "$rc" -ne 0 ]; echo $?)" "a kubeconfig whose key is not base64 is refused"
cp -a "$B/crypto-config" "$tmp/broken"
head -c 100 "$B/crypto-config/peerOrganizations/org1/ca/priv_sk" \
	>"$tmp/broken/peerOrganizations/org1/ca/priv_sk"
sed 's/Count: 2/Count: 3/' cc.yaml >cc3.yaml
say "mspgen extend with a broken CA key" mspgen extend --config=cc3.yaml --input="$tmp/broken"
like "$rc:$err" "^1:mspgen: .*org1/ca/priv_sk': not a PEM private key" "mspgen names the broken key file"

# ---- nothing of a secret in anything printed ----
patterns=$tmp/patterns
: >"$patterns"
keys=$(find "$B/crypto-config" "$PKI" -type f \( -name priv_sk -o -name '*.key' \))
nkeys=0
for k in $keys; do
	nkeys=$((nkeys + 1))
	# every line of the PEM body, and the middle of the file's base64 (a Secret's value)
	grep -v '^-----' "$k" >>"$patterns"
	base64 -w0 <"$k" | cut -c 40-100 >>"$patterns"
	echo >>"$patterns"
done
printf '%s\n' "$DOUBLE_TOKEN" "$DOUBLE_VIEWER_TOKEN" "$password" >>"$patterns"
head -c 60 "$PKI/admin.key" | tail -c 28 >>"$patterns"  # the broken client-key-data above
echo >>"$patterns"
cat "$B"/secrets/*/* >>"$patterns"
sed -i '/^$/d' "$patterns"
ok "$([ "$nkeys" -ge 30 ]; echo $?)" "$nkeys private keys made by mspgen and the test's openssl"
like "$(cat "$printed")" "PATCH /api/v1/namespaces/[a-z0-9]+/secrets/[a-z0-9-]+[?].* 500" "(the failing requests were logged)"
is "$(grep -cFf "$patterns" "$printed")" 0 \
	"no key, token or password in $(wc -l <"$printed") lines printed by make, mspgen, txgen, render, mksecret and kapply"
grep -nFf "$patterns" "$printed" | cut -c1-160 | head -5 | while read -r l; do diag "$l"; done
is "$(grep -lFf "$patterns" "$B"/manifests/*/*.yaml | grep -vc -- '-crypto.yaml$')" 0 \
	"no key in a manifest but the Secrets of crypto material"
is "$(grep -lFf "$patterns" "$B"/jobs/*/*.yaml | wc -l)" 0 "no key in a Job manifest (they mount the Secrets)"

# ---- modes ----
is "$(find "$B/crypto-config" -type f \( -name priv_sk -o -name '*.key' \) ! -perm 600 | wc -l)" 0 \
	"every private key is mode 600"
is "$(find "$B/crypto-config" -type f ! \( -name priv_sk -o -name '*.key' \) ! -perm 644 | wc -l)" 0 \
	"every certificate and config.yaml is mode 644"
is "$(find "$B/crypto-config" -type d ! -perm 755 | wc -l)" 0 "every directory is mode 755"
is "$(find "$B/manifests" -name '*-crypto.yaml' ! -perm 600 | wc -l)" 0 "Secret manifests are mode 600"
is "$(find "$B/secrets" -type f ! -perm 600 | wc -l)" 0 "what is made once per org (passwords, the network's ID) is mode 600"
is "$(find "$B/manifests" -name '*.yaml' ! -name '*-crypto.yaml' ! -name 'genesis.yaml' ! -perm 644 | wc -l)" 0 \
	"the other manifests are mode 644"

# ---- plain HTTP only when the kubeconfig says http:// ----
double_stop
pki=$PKI
start_cluster --plain
plain_url=$DOUBLE_URL
like "$plain_url" '^http://' "a double that speaks plain HTTP"
write_kubeconfig "$tmp/https.yaml" "{token: \"$DOUBLE_TOKEN\"}" \
	"{server: \"https://127.0.0.1:$DOUBLE_PORT\", certificate-authority: \"$pki/ca.crt\"}"
log_mark
run kapply get --kubeconfig "$tmp/https.yaml" -f "$B/cluster/org1/namespace.yaml"
is "$rc" 1 "an https:// server that answers in plain HTTP: kapply fails"
like "$err" "cannot reach https://127.0.0.1:$DOUBLE_PORT: .*(SSL|TLS|ssl|tls)" "with a TLS error"
is "$(log_count ' GET ')" 0 "no request reached the server, so the token was never sent in clear"
write_kubeconfig "$tmp/http.yaml" "{token: \"$DOUBLE_TOKEN\"}" "{server: \"$plain_url\"}"
log_mark
run kapply get --kubeconfig "$tmp/http.yaml" -f "$B/cluster/org1/namespace.yaml"
is "$rc:$out" "0:Namespace/org1	absent" "an http:// server named in the kubeconfig: kapply talks to it"
is "$(log_count ' http/1.1 GET ')" "$(log_count ' GET ')" "over HTTP/1.1"
run kapply config --kubeconfig "$tmp/http.yaml"
like "$out" 'server certificate: none: plain HTTP, not encrypted' "kapply config says the connection is not encrypted"

done_testing
