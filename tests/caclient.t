#!/bin/sh
# caclient against a real fabric-ca-server 1.5 on loopback, started with TLS
# by the cluster's own entrypoints/ca-start.sh (registrar admin, its
# password from a file) on a CA certificate and key made by mspgen, as
# templates/ca.yaml runs it.  The server comes from the test cluster's
# archive beside this tree (../shared/cluster/bin/fabric-ca-1.5.tar.xz);
# without it those tests are skipped.  Independent checks: openssl (verify,
# key and certificate, subject, the CRL), and fabric-ca-client from the
# same archive (the CA's view of the identities, its CRL).
#
# First the checks that need no server: usage, user names, secret files.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
umask 022
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
ALL=$tmp/all-output             # every output of caclient, searched for secrets at the end
cc() { # cc ARGS...: run caclient; $out, $err, $rc
	run caclient "$@"
	printf '%s\n%s\n' "$out" "$err" >>"$ALL"
}
DATE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC'

# ---- the crypto material: an org by mspgen, the registrar's password ----
cat >crypto-config.yaml <<'EOF'
PeerOrgs:
  - Name: Org1
    Domain: org1.example.com
    EnableNodeOUs: true
    Template:
      Count: 1
EOF
mspgen generate --config=crypto-config.yaml --output=org >/dev/null || exit 1
ORG=$tmp/org/peerOrganizations/org1.example.com
CACERT=$ORG/ca/ca.org1.example.com-cert.pem
TLSCA=$ORG/tlsca/tlsca.org1.example.com-cert.pem
CANAME=ca.org1.example.com
mkdir -p crypto
# as rules/manifests.mk makes it: 24 random bytes, base64, mode 0600
(umask 077 && head -c 24 /dev/urandom | base64 >crypto/registrar-password)
PW=$(cat crypto/registrar-password)
PWFILE=$tmp/crypto/registrar-password
(umask 077 && echo "not-the-password" >wrong-password)
REG=$tmp/registrar
OUT=$tmp/ids/org1.example.com

# ---- usage ----
cc
is "$rc:$(echo "$err" | head -1)" "2:usage: caclient enroll -u URL --tls-ca FILE [--caname NAME] [--registrar NAME]" \
	"no command: usage, exit 2"
cc help
like "$rc:$out" '^0:usage: caclient enroll' "help: exit 0, the synopsis first"
cc enroll -u https://127.0.0.1:1 --tls-ca "$CACERT" --registrar-secret-file "$PWFILE" \
	--registrar-dir "$REG" -o "$OUT/app1/msp"
is "$rc:$(echo "$err" | head -1)" "2:caclient: enroll needs --user" "enroll without --user: exit 2"
cc cainfo -u https://127.0.0.1:1 --tls-ca "$CACERT" --user app1
is "$rc:$(echo "$err" | head -1)" "2:caclient: cainfo does not take --user" "cainfo takes no --user"
cc enroll -u https://127.0.0.1:1 --tls-ca "$CACERT" --registrar-secret-file "$PWFILE" \
	--registrar-dir "$REG" --user app1 --type user -o "$OUT/app1/msp"
is "$rc:$(echo "$err" | head -1)" \
	"2:caclient: --type user: expected client, peer, orderer or admin (the types NodeOUs classify)" \
	"--type user is refused: NodeOUs would not classify it"
cc revoke -u https://127.0.0.1:1 --tls-ca "$CACERT" --registrar-secret-file "$PWFILE" \
	--registrar-dir "$REG" --user app1 --reason stolen
is "$rc:$(echo "$err" | head -1)" \
	"2:caclient: --reason stolen: not a reason fabric-ca knows (caclient help lists them)" \
	"an unknown --reason is refused"

# ---- errors found before any request: nothing written ----
# offline ARGS...: enroll against a port nothing listens on
offline() {
	cc enroll -u https://127.0.0.1:1 --tls-ca "$CACERT" --registrar-secret-file "$PWFILE" \
		--registrar-dir "$REG" -o "$OUT/x/msp" "$@"
}
offline --user 'app:1'
is "$rc:$err" "1:caclient: invalid user name \"app:1\": it contains ':', which HTTP Basic authentication cannot carry in a user name" \
	"a user name with ':' is refused before any request"
long=$(printf 'a%.0s' $(seq 65))
offline --user "$long"
is "$rc:$err" "1:caclient: invalid user name \"$long\": it is longer than 64 bytes, the longest common name fabric-ca enrolls" \
	"a user name longer than fabric-ca's 64-byte CN is refused"
offline --user 'app/1'
is "$rc:$err" "1:caclient: invalid user name \"app/1\": it may hold letters, digits, '.', '_', '@' and '-' only (it names files and directories)" \
	"a user name with '/' is refused"
offline --user admin
is "$rc:$err" "1:caclient: --user admin is the registrar: caclient does not enroll it" \
	"the registrar is not enrolled as a user"
chmod 644 "$PWFILE"
offline --user app1
is "$rc:$err" "1:caclient: the secret file '$PWFILE' can be read by others (mode 0644): chmod 600 it" \
	"a secret file others can read is refused"
chmod 600 "$PWFILE"
cc enroll -u http://127.0.0.1:1 --tls-ca "$CACERT" --registrar-secret-file "$PWFILE" \
	--registrar-dir "$REG" -o "$OUT/x/msp" --user app1
is "$rc:$err" "1:caclient: the CA's URL 'http://127.0.0.1:1' is not https://HOST[:PORT]: caclient talks to the CA over verified TLS only" \
	"an http:// URL is refused"
cc cainfo -u "https://admin:hunter2@127.0.0.1:1" --tls-ca "$CACERT"
is "$rc:$err" "1:caclient: the CA's URL carries credentials: the registrar's secret comes from --registrar-secret-file only" \
	"a URL with credentials is refused, and not shown"
offline --user app1 --tls-ca "$tmp/nothing.pem"
is "$rc:$err" "1:caclient: cannot read the TLS CA file '$tmp/nothing.pem': No such file or directory" \
	"a missing --tls-ca file"
is "$(snapshot "$tmp/ids")$(snapshot "$REG")" "(absent)(absent)" "none of these wrote anything"

no_secrets() {
	grep -qF -- "$PW" "$ALL"
	ok $((!$?)) "the registrar's password is in no output of caclient"
	grep -qF -- "not-the-password" "$ALL"
	ok $((!$?)) "nor the wrong one"
}

# ---- the server ----
SERVER_TESTS=47
archive=$TOP/../shared/cluster/bin/fabric-ca-1.5.tar.xz
if [ ! -f "$archive" ]; then
	skip $SERVER_TESTS "no fabric-ca 1.5 archive beside this tree ($archive)"
	no_secrets
	done_testing
	exit
fi
mkdir -p fca && tar -xJf "$archive" -C fca --wildcards '*bin/fabric-ca-server' '*bin/fabric-ca-client' 2>/dev/null
FCA=$(dirname "$(find "$tmp/fca" -name fabric-ca-server -type f | head -1)")

# The cluster's start script, reading its files from $tmp/crypto, starts
# the real fabric-ca-server with the configuration it writes (the
# registrar, the signing profiles).
sed "s#/etc/hyperledger/fabric-ca/crypto#$tmp/crypto#g" "$TOP/entrypoints/ca-start.sh" >ca-start.sh

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start_ca HOME: a server in HOME on a free port ($port);
# 0 once it listens
start_ca() {
	mkdir -p "$1" && : >>"$1/log"
	SERVERS="$SERVERS $1"
	port=$(free_port)
	(cd "$1" && PATH=$FCA:$PATH FABRIC_CA_HOME=$1 \
		FABRIC_CA_SERVER_CA_NAME=$CANAME FABRIC_CA_SERVER_CA_CERTFILE=$CACERT \
		FABRIC_CA_SERVER_CA_KEYFILE=$ORG/ca/priv_sk FABRIC_CA_SERVER_TLS_ENABLED=true \
		FABRIC_CA_SERVER_CSR_HOSTS=localhost,127.0.0.1 FABRIC_CA_SERVER_ADDRESS=127.0.0.1 \
		FABRIC_CA_SERVER_PORT=$port FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=127.0.0.1:0 \
		exec sh "$tmp/ca-start.sh" >>"$1/log" 2>&1) &
	echo $! >"$1/pid"
	i=0
	while [ $i -lt 300 ]; do
		grep -q "Listening on https://127.0.0.1:$port" "$1/log" && return 0
		kill -0 "$(cat "$1/pid")" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	cat "$1/log" | tail -5 | sed 's/^/# /'
	return 1
}
stop_ca() { # (the pid file goes: its number may be another process's later)
	[ -f "$1/pid" ] || return 0
	kill "$(cat "$1/pid")" 2>/dev/null
	wait "$(cat "$1/pid")" 2>/dev/null
	rm -f "$1/pid"
}
SERVERS=
cleanup() {
	for s in $SERVERS; do stop_ca "$s"; done
	[ -n "${STALL:-}" ] && kill "$STALL" 2>/dev/null
	tap_cleanup
}
trap cleanup EXIT
# a signal must not leave a server behind either
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

HOME1=$tmp/ca-home
start_ca "$HOME1"
ok $? "fabric-ca-server starts from entrypoints/ca-start.sh with mspgen's CA"
URL=https://127.0.0.1:$port
requests() { grep -c ' /api/v1/' "$HOME1/log"; }
CONN="-u $URL --tls-ca $CACERT --caname $CANAME"
AS_ADMIN="$CONN --registrar-secret-file $PWFILE --registrar-dir $REG"

cc cainfo $CONN
like "$rc:$out" "^0:url: $URL
name: $CANAME
version: 1\.5\.[0-9]+
certificate: $CANAME, valid until $DATE\$" "cainfo: the CA's name, version and certificate"

# ---- enroll ----
cc enroll $AS_ADMIN --user app1 --nodeous -o "$OUT/app1/msp"
like "$rc:$out:$err" "^0:enrolled app1 \(client\) at $URL into $OUT/app1/msp, valid until $DATE:\$" \
	"enroll app1: exit 0, one line on stdout"
M=$OUT/app1/msp
openssl verify -CAfile "$CACERT" "$M/signcerts/cert.pem" >/dev/null 2>&1
ok $? "openssl verify: the certificate chains to mspgen's CA"
is "$(openssl pkey -in "$M/keystore/priv_sk" -pubout 2>&1)" \
	"$(openssl x509 -in "$M/signcerts/cert.pem" -noout -pubkey 2>&1)" \
	"openssl: keystore/priv_sk is the certificate's key"
is "$(openssl x509 -in "$M/signcerts/cert.pem" -noout -subject -nameopt RFC2253 2>&1)" \
	"subject=CN=app1,OU=client" "subject: CN app1, OU client (the type NodeOUs classify)"
is "$(cd "$M" && find . -mindepth 1 -printf '%m %p\n' | sort -k2)" "755 ./cacerts
644 ./cacerts/ca.org1.example.com-cert.pem
644 ./config.yaml
755 ./keystore
600 ./keystore/priv_sk
755 ./signcerts
644 ./signcerts/cert.pem
755 ./tlscacerts
644 ./tlscacerts/ca.org1.example.com-cert.pem" "the MSP's files and modes"
cmp -s "$M/config.yaml" "$ORG/msp/config.yaml"
ok $? "config.yaml is byte for byte the org's (mspgen's) NodeOUs config.yaml"
cmp -s "$M/cacerts/ca.org1.example.com-cert.pem" "$CACERT" &&
	cmp -s "$M/tlscacerts/ca.org1.example.com-cert.pem" "$CACERT"
ok $? "cacerts/ holds the CA's chain, tlscacerts/ the --tls-ca the connection trusted"
is "$(stat -c %a "$REG" "$REG/keystore/priv_sk" | tr '\n' ' ')$(openssl x509 -in "$REG/signcerts/cert.pem" -noout -subject -nameopt RFC2253)" \
	"700 600 subject=CN=admin,OU=client" "the registrar's enrollment is kept: directory 0700, key 0600"

# the CA's own view, through fabric-ca-client (its admin enrolled by itself)
export FABRIC_CA_CLIENT_HOME=$tmp/fcc
FCC="--tls.certfiles $CACERT --caname $CANAME -u $URL"
PWURL=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PW")
FABRIC_CA_CLIENT_URL=https://admin:$PWURL@127.0.0.1:$port "$FCA/fabric-ca-client" enroll \
	--tls.certfiles "$CACERT" --caname "$CANAME" >fcc.log 2>&1
ok $? "fabric-ca-client enrolls the registrar with the same password"
"$FCA/fabric-ca-client" identity list --id app1 $FCC >fcc.out 2>>fcc.log
like "$(cat fcc.out)" "Name: app1, Type: client," "fabric-ca-client: the CA has app1, of type client"

# a second run finds the identity and sends nothing
before=$(snapshot "$OUT")$(snapshot "$REG") n=$(requests)
cc enroll $AS_ADMIN --user app1 --nodeous -o "$OUT/app1/msp"
like "$rc:$out:$err" "^0:$OUT/app1/msp already holds the identity of app1 \(valid until $DATE\): nothing to do:\$" \
	"enroll again: exit 0, says so"
is "$(snapshot "$OUT")$(snapshot "$REG"):$(requests)" "$before:$n" \
	"enroll again: nothing written, no request sent"

# -o that holds something else
mkdir -p "$OUT/other/msp" && echo x >"$OUT/other/msp/x"
cc enroll $AS_ADMIN --user app2 -o "$OUT/other/msp"
is "$rc:$err" "1:caclient: '$OUT/other/msp' is not an identity caclient can check (keystore/priv_sk is missing or not a P-256 private key): remove it to enroll app2 again" \
	"-o holding something else: exit 1, left alone"
cc enroll $AS_ADMIN --user app2 -o "$OUT/app1/msp"
is "$rc:$err" "1:caclient: '$OUT/app1/msp' holds no valid identity of app2 (its certificate is the one of \"app1\"): remove it to enroll app2 again" \
	"-o holding another user's identity: exit 1"
rm -rf "$OUT/other"
cc enroll $AS_ADMIN --user app1 --type admin -o "$OUT/app1/msp"
is "$rc:$err" "1:caclient: '$OUT/app1/msp' holds no valid identity of app1 (its certificate is not of type admin): remove it to enroll app1 again" \
	"-o holding the user's identity of another type: exit 1"

# after -o was deleted: the CA has app1 already, so it gets a new secret
cp "$M/signcerts/cert.pem" app1-first.pem
rm -rf "$OUT/app1"
cc enroll $AS_ADMIN --user app1 --nodeous -o "$OUT/app1/msp"
like "$rc:$out:$err" "^0:app1 was registered at $URL already: it got a new secret to enroll again
enrolled app1 \(client\) at $URL into $OUT/app1/msp, valid until $DATE:\$" \
	"enroll after -o was removed: the user the CA has is enrolled again"
openssl verify -CAfile "$CACERT" "$M/signcerts/cert.pem" >/dev/null 2>&1 &&
	! cmp -s "$M/signcerts/cert.pem" app1-first.pem
ok $? "a new certificate, chained to the CA"
cc enroll $AS_ADMIN --user app1 --type peer -o "$OUT/app1-peer/msp"
is "$rc:$err" "1:caclient: app1 is registered at $URL as a client, not a peer: enroll it with --type client, or enroll another --user" \
	"a user the CA has with another type is not taken over"
is "$(snapshot "$OUT/app1-peer")" "(absent)" "and nothing is written"

# ---- errors at the CA: one line, exit 1, nothing written ----
before=$(snapshot "$OUT")$(snapshot "$REG")
cc enroll $CONN --registrar-secret-file "$tmp/wrong-password" --registrar-dir "$tmp/reg2" \
	--user app2 -o "$OUT/app2/msp"
is "$rc:$err" "1:caclient: the CA at $URL refused registrar admin with the secret in '$tmp/wrong-password' (HTTP 401, fabric-ca code 20: Authentication failure)" \
	"a wrong registrar secret: the file is named, not its content"
is "$(snapshot "$tmp/reg2")$(snapshot "$OUT/app2")" "(absent)(absent)" "a wrong secret writes nothing"
cc enroll -u "$URL" --tls-ca "$TLSCA" --registrar-secret-file "$PWFILE" --registrar-dir "$tmp/reg2" \
	--user app2 -o "$OUT/app2/msp"
is "$rc:$err" "1:caclient: TLS verification of the CA at $URL against '$TLSCA' failed: SSL certificate problem: unable to get local issuer certificate" \
	"a --tls-ca that did not issue the CA's TLS certificate: refused"
cc cainfo -u "https://localhost:$port" --tls-ca "$CACERT" --caname nope
is "$rc:$err" "1:caclient: cannot get the CA's information at https://localhost:$port: HTTP 404, fabric-ca code 19: CA 'nope' does not exist" \
	"a --caname the server does not have: the CA's error"
cc revoke $AS_ADMIN --user nobody
is "$rc:$err" "1:caclient: cannot revoke nobody: the CA at $URL has no identity nobody (HTTP 404, fabric-ca code 10: Identity nobody was not found: Failed to get User: sql: no rows in result set)" \
	"revoke of a user the CA does not have: the CA's code and message"
is "$(snapshot "$OUT")$(snapshot "$REG")$(snapshot "$tmp/reg2")" "$before(absent)" \
	"none of these errors wrote anything"

# ---- revoke ----
cp "$M/signcerts/cert.pem" app1-second.pem
cc revoke $AS_ADMIN --user app1 --reason keyCompromise -o "$OUT/app1/msp"
is "$rc:$out:$err" "0:revoked app1 at $URL: 2 certificates
removed $OUT/app1/msp:" "revoke app1: both its certificates, and -o removed"
is "$(snapshot "$OUT/app1/msp")" "(absent)" "-o is gone"
"$FCA/fabric-ca-client" gencrl $FCC >>fcc.log 2>&1
crl=$FABRIC_CA_CLIENT_HOME/msp/crls/crl.pem
for c in app1-first app1-second; do
	openssl verify -crl_check -CRLfile "$crl" -CAfile "$CACERT" $c.pem >$c.verify 2>&1
	printf '%s\n' "$(cat $c.verify)" | grep -q 'certificate revoked'
	ok $? "the CA's CRL (fabric-ca-client gencrl) revokes $c's certificate (openssl verify -crl_check)"
done
cc revoke $AS_ADMIN --user app1
is "$rc:$out:$err" "0:revoked app1 at $URL: it had no valid certificate left:" \
	"revoke again: the CA takes it and revokes nothing more"
before=$(snapshot "$OUT")
cc enroll $AS_ADMIN --user app1 -o "$OUT/app1/msp"
is "$rc:$err" "1:caclient: the CA at $URL refused to enroll app1 with the new secret it took (HTTP 401, fabric-ca code 20: Authentication failure): app1 was revoked, or has no enrollment left; enroll another --user" \
	"a revoked user cannot be enrolled again: said so"
is "$(snapshot "$OUT")" "$before" "and nothing is written"
mkdir -p "$OUT/app9/msp" && echo x >"$OUT/app9/msp/x"
cc revoke $AS_ADMIN --user app9 -o "$OUT/app9/msp"
is "$rc:$err" "1:caclient: '$OUT/app9/msp' is not an identity of app9 (keystore/priv_sk is missing or not a P-256 private key): left as it is, nothing revoked" \
	"revoke -o of something else: refused before the CA is asked"
rm -rf "$OUT/app9"

# ---- the registrar's secret is never on caclient's command line ----
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept(); open(sys.argv[2], "w").write("accepted\n"); time.sleep(60)' \
	"$tmp/stall.port" "$tmp/stall.accepted" &
STALL=$!
i=0
while [ ! -s "$tmp/stall.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
caclient enroll -u "https://127.0.0.1:$(cat "$tmp/stall.port")" --tls-ca "$CACERT" \
	--registrar-secret-file "$PWFILE" --registrar-dir "$tmp/reg3" --user app3 \
	-o "$OUT/app3/msp" >/dev/null 2>&1 &
cpid=$!
i=0
while [ ! -s "$tmp/stall.accepted" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
args=$(tr '\0' ' ' <"/proc/$cpid/cmdline" 2>/dev/null)
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
kill "$STALL" 2>/dev/null
wait "$STALL" 2>/dev/null
STALL=
case $args in
*"$PW"*) ok 1 "the registrar's password is not in caclient's argv" ;;
*"--registrar-secret-file $PWFILE"*) ok 0 "caclient's argv names the secret file, not the password" ;;
*) ok 1 "caclient's argv was seen while it waited for the CA ($args)" ;;
esac

# ---- the CA lost its database: the stored registrar is enrolled again ----
stop_ca "$HOME1"
rm -f "$HOME1/fabric-ca-server.db"
serial=$(openssl x509 -in "$REG/signcerts/cert.pem" -noout -serial)
start_ca "$HOME1"
ok $? "the CA starts again, with a new database"
URL=https://127.0.0.1:$port
CONN="-u $URL --tls-ca $CACERT --caname $CANAME"
AS_ADMIN="$CONN --registrar-secret-file $PWFILE --registrar-dir $REG"
cc enroll $AS_ADMIN --user app4 -o "$OUT/app4/msp"
like "$rc:$out:$err" "^0:enrolled app4 \(client\) at $URL into $OUT/app4/msp, valid until $DATE:\$" \
	"enroll when the CA refuses the stored registrar certificate: enrolled again, then app4"
[ "$(openssl x509 -in "$REG/signcerts/cert.pem" -noout -serial)" != "$serial" ]
ok $? "the registrar's new enrollment replaced the old one"
is "$(stat -c %a "$REG" "$REG/keystore/priv_sk" | tr '\n' ' ')$(ls -a "$tmp" | grep -c '^\.registrar')" \
	"700 600 0" "still mode 0700 and 0600, nothing left beside it"
[ -f "$OUT/app4/msp/config.yaml" ]
ok $((!$?)) "without --nodeous no config.yaml"

# ---- the CA down ----
stop_ca "$HOME1"
before=$(snapshot "$OUT")$(snapshot "$REG")
cc cainfo $CONN
is "$rc:$err" "1:caclient: cannot reach the CA at $URL: Connection refused" \
	"cainfo with the CA down: names the URL"
cc enroll $AS_ADMIN --user app5 -o "$OUT/app5/msp"
is "$rc:$err" "1:caclient: cannot reach the CA at $URL: Connection refused" \
	"enroll with the CA down: the same message"
cc revoke $AS_ADMIN --user app4 -o "$OUT/app4/msp"
is "$rc:$err" "1:caclient: cannot reach the CA at $URL: Connection refused" \
	"revoke with the CA down: the same message"
is "$(snapshot "$OUT")$(snapshot "$REG")" "$before" "with the CA down nothing is written"

# ---- a CA as ca-start.sh configures it: signing profiles ----
HOME2=$tmp/ca-home2
start_ca "$HOME2"
ok $? "a second server"
like "$(cat "$HOME2/fabric-ca-server-config.yaml")" "usage: \\[signing, key encipherment, server auth" \
	"ca-start.sh gives the CA fabric-ca-server's signing profiles"
cc cainfo -u "https://127.0.0.1:$port" --tls-ca "$CACERT"
is "$rc" 0 "so its TLS certificate is one for a TLS server, which OpenSSL accepts"
stop_ca "$HOME2"

no_secrets
done_testing
