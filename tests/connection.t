#!/bin/sh
# What applications are given, without a cluster: make endpoints and make
# connection-profiles for the sample with node ports at an external host,
# read back with PyYAML and Python's json (parsers of their own): each peer
# org's profile in Fabric's common connection profile format, its JSON and
# YAML the same, the peers and CA at their external addresses with the
# certificates of the org's TLS CA and CA as mspgen wrote them;
# CONNECTION=internal names them in the cluster; refusals.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
need_pyyaml
B=$tmp/b
ext="SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.7"
# shellcheck disable=SC2086
run tmake BUILD="$B" $ext endpoints
is "$rc" 0 "make endpoints"
like "$out" "^  peer1.org2 +grpcs://10.0.0.7:30203$" "peer1.org2 at the external host and its node port"
like "$out" "^  orderer0.orgorderer1 +grpcs://10.0.0.7:30000$" "the orderer too"
like "$out" "^  ca.org1 +https://10.0.0.7:30199$" "and each org's CA"
# shellcheck disable=SC2086
run tmake BUILD="$B" $ext connection-profiles
is "$rc" 0 "make connection-profiles"
ls "$B/connection" >list
is "$(tr '\n' ' ' <list)" "org1.json org1.yaml org2.json org2.yaml " "a JSON and a YAML profile per peer org"
O1=$B/crypto-config/peerOrganizations/org1
"$PY" - "$B/connection/org1.json" "$B/connection/org1.yaml" "$O1/tlsca/tlsca.org1-cert.pem" "$O1/ca/ca.org1-cert.pem" >facts <<'PY'
import json, sys, yaml
j = json.load(open(sys.argv[1]))
y = yaml.safe_load(open(sys.argv[2]))
tlsca, ca = open(sys.argv[3]).read(), open(sys.argv[4]).read()
print("same", j == y)
print("client", j["client"]["organization"], j["organizations"]["Org1"]["mspid"])
print("peers", " ".join(j["organizations"]["Org1"]["peers"]), " ".join(j["organizations"]["Org1"]["certificateAuthorities"]))
for name, p in sorted(j["peers"].items()):
    print("peer", name, p["url"], p["tlsCACerts"]["pem"] == tlsca,
          p["grpcOptions"]["ssl-target-name-override"], p["grpcOptions"]["hostnameOverride"])
for name, c in j["certificateAuthorities"].items():
    print("ca", name, c["url"], c["caName"], c["tlsCACerts"]["pem"] == [ca], c["httpOptions"]["verify"])
PY
is "$(cat facts)" "same True
client Org1 Org1MSP
peers peer0.org1 peer1.org1 ca.org1
peer peer0.org1 grpcs://10.0.0.7:30100 True peer0.org1 peer0.org1
peer peer1.org1 grpcs://10.0.0.7:30103 True peer1.org1 peer1.org1
ca ca.org1 https://10.0.0.7:30199 ca.org1 True True" \
	"org1's profile: its org, peers and CA at their external addresses, their TLS CAs' certificates; the YAML says the same"
# shellcheck disable=SC2086
run tmake BUILD="$B" $ext -q connection-profiles
is "$rc" 0 "and a rerun has nothing to do"
# shellcheck disable=SC2086
run tmake BUILD="$B" $ext CONNECTION=internal connection-profiles
like "$(cat "$B/connection/org2.json")" '"url": "grpcs://peer0.org2:7051"' "CONNECTION=internal: the peers at their names in the cluster"
like "$(cat "$B/connection/org2.json")" '"url": "https://ca.org2:7054"' "and the CA"

# refusals
run tmake BUILD="$tmp/c" CONNECTION=external connection-profiles
like "$rc:$err" "^2:.*CONNECTION=external: the network has no external addresses" "CONNECTION=external without them: refused"
run "$BINDIR/connprofile" -n x -O Org1 -m Org1MSP --peer "p=grpcs://h:1=$tmp/none.pem" -j out.json
like "$rc:$err" "^1:connprofile: cannot read $tmp/none.pem: No such file or directory" "connprofile: a certificate file that is missing"
ok "$([ ! -e out.json ]; echo $?)" "and nothing written"
printf 'not a certificate\n' >bad.pem
run "$BINDIR/connprofile" -n x -O Org1 -m Org1MSP --peer "p=grpcs://h:1=bad.pem" -j out.json
like "$rc:$err" "^1:connprofile: bad.pem: not a PEM certificate" "connprofile: a file that holds no certificate"
run "$BINDIR/connprofile" -n x -O Org1 -m Org1MSP --peer "p" -j out.json
like "$rc:$err" "^1:connprofile: --peer p: expected NAME=URL=TLSCA" "connprofile: a --peer without its parts"
done_testing
