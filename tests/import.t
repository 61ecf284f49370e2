#!/bin/sh
# IMPORT: the orgs of other operators, from their make export, in this
# checkout's channel artifacts, without a cluster:
#   - A, the sample with every org, exports them; B runs the orderer org
#     alone and imports A's org1 and org2: B's genesis block (decoded by
#     txgen -inspectBlock) carries exactly A's MSPs for them and B's own
#     for the orderer org; C runs org1 and imports the orderer org, whose
#     consenter is A's orderer (its TLS certificate) at its external address;
#   - the same on fabric-samples' test-network files (dotted domains), and
#     on Fabric 3.1's BFT test-network, whose imported orderer org's four
#     consenters keep the exporter's Identity and TLS certificates;
#   - without the import, what needs the channel's config stops, naming the
#     org and the archive to ask for, while the own orgs' steps work;
#   - refused, with nothing unpacked: a private key, a keystore, not a
#     tar.gz, an archive without its <domain>/, an org that is also an own
#     one (domain, MSP ID), two imports of one org, an org.vars without MSP_ID;
#   - a rerun does nothing; an unchanged archive touched unpacks nothing new;
#     an imported tree removed is unpacked again, an import dropped goes.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
TN=$FIXTURES/fabric-2.5/test-network
TNC=$TN/organizations/cryptogen

# the sample's crypto-config.yaml with its orderer org alone, or its peer org org1 alone
# (make runs in the source tree: every file it is given is named by its whole path)
OO=$tmp/orderer-only.yaml O1=$tmp/org1-only.yaml
sed -n '/^PeerOrgs:/q;p' "$TOP/crypto-config.yaml" >"$OO"
awk '/^OrdererOrgs:/ { skip = 1 } /^PeerOrgs:/ { skip = 0 } /^  - Name: Org2/ { skip = 1 } !skip' \
	"$TOP/crypto-config.yaml" >"$O1"

sample() { _b=$1; shift; tmake BUILD="$_b" SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.7 "$@"; }
own() { _b=$1 _c=$2; shift 2; tmake BUILD="$_b" CRYPTO_CONFIG="$_c" "$@"; }

# msps BLOCK: "<MSP ID> <its MSP value as JSON>" of every org in a block's config
msps() {
	txgen -inspectBlock "$1" | python3 -c '
import json, sys
def walk(g):
    for name, sub in g.get("groups", {}).items():
        if "MSP" in sub.get("values", {}):
            yield name, sub["values"]["MSP"]["value"]
        yield from walk(sub)
cfg = json.load(sys.stdin)["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]
for name, v in sorted(set((n, json.dumps(v, sort_keys=True)) for n, v in walk(cfg))):
    print(name, v)'
}
# msp_of BLOCK MSPID: that org's MSP value
msp_of() { msps "$1" | sed -n "s/^$2 //p"; }
# consenters BLOCK: "host:port <client TLS certificate, base64>" of each etcdraft consenter
consenters() {
	txgen -inspectBlock "$1" | python3 -c '
import json, sys
o = json.load(sys.stdin)["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]["Orderer"]
for c in o["values"]["ConsensusType"]["value"]["metadata"]["consenters"]:
    print("%s:%s %s" % (c["host"], c["port"], c["client_tls_cert"]))'
}

# ---- A: the sample, every org, exported ----
A=$tmp/a
run sample "$A" all export
is "$rc" 0 "A: the sample built and exported"
X=$A/export

# ---- B: the orderer org alone, the peer orgs missing, then imported ----
B=$tmp/b
run own "$B" "$OO" msp export SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.8
is "$rc:$err" "0:" "B without the peer orgs' imports: its own MSP and export need none"
run own "$B" "$OO" artifacts
like "$rc:$err" "^2:make: configtx.yaml:[0-9]+:[0-9]+: Organizations\[1\]\.MSPDir: Org1MSP \(org1\): no crypto material here and no IMPORT of org1: ask its operator for make export's org1.tar.gz" \
	"the artifacts without them: refused, naming the org and the archive to ask for"
like "$err" "Org2MSP \(org2\): no crypto material here and no IMPORT of org2" "org2 too"
ok "$([ ! -e "$B/channel-artifacts/genesis.block" ] && [ ! -e "$B/configtx.yaml" ]; echo $?)" \
	"and neither a genesis block nor a copy of configtx.yaml is written"

run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz" all
is "$rc:$err" "0:" "B with IMPORT of A's org1 and org2: make"
is "$(ls "$B/import" | tr '\n' ' ')" "org1 org2 " "each unpacked under build/import/<domain>"
is "$(ls "$B/manifests" | tr '\n' ' ')" "orgorderer1 " "and nothing of them deployed: manifests of the own org alone"
is "$(cd "$B/import" && find . -type f | sort | while read -r f; do
	cmp -s "$f" "$A/crypto-config/peerOrganizations/${f#./}" || echo "$f"; done)" "./org1/org.vars
./org2/org.vars" "every certificate unpacked is A's, byte for byte"
G=$B/channel-artifacts/genesis.block
for m in Org1MSP Org2MSP; do
	want=$(msp_of "$A/channel-artifacts/genesis.block" $m)
	is "$(msp_of "$G" $m | wc -l):$(msp_of "$G" $m)" "1:$want" "B's genesis block: $m's MSP is exactly A's"
done
got=$(msp_of "$G" Orgorderer1MSP)
like "$got" "$(base64 -w0 <"$B/crypto-config/ordererOrganizations/orgorderer1/msp/cacerts/ca.orgorderer1-cert.pem")" \
	"and the orderer org's is B's own (its CA)"
ok "$([ "$got" != "$(msp_of "$A/channel-artifacts/genesis.block" Orgorderer1MSP)" ]; echo $?)" "not A's"
like "$(txgen -inspectChannelCreateTx "$B/channel-artifacts/mychannel.tx")" '"Org1MSP"' "the channel tx names the imported orgs"
ok "$(grep -Eq '^ *- Host: 10\.0\.0\.7$' "$B/configtx.yaml" && grep -Eq '^ *Port: 30100$' "$B/configtx.yaml"; echo $?)" \
	"their anchor peers at the external address of their org.vars"

# a rerun does nothing; a touched archive unpacks nothing new and makes no artifact again
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz" -q all
is "$rc" 0 "make -q: up to date"
before=$(snapshot "$B/import")$(snapshot "$B/channel-artifacts")
touch "$X/org1.tar.gz"
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz" all
is "$rc:$(snapshot "$B/import")$(snapshot "$B/channel-artifacts")" "0:$before" \
	"an archive touched: its org is not unpacked again, no artifact is made again"
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz" -q all
is "$rc" 0 "and then make -q: up to date"
rm -r "$B/import/org2"
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz" all
is "$rc:$(ls "$B/import" | tr '\n' ' ')" "0:org1 org2 " "an imported tree removed by hand: unpacked again"

# ---- refused, nothing unpacked ----
# repack DIR ARCHIVE: DIR's one org directory as an archive
repack() { tar -C "$1" -czf "$2" "$(ls "$1")"; }
mkdir t1 && tar -C t1 -xzf "$X/org1.tar.gz" && cp "$A/crypto-config/peerOrganizations/org1/ca/priv_sk" t1/org1/msp/cacerts/x.pem
repack t1 leak.tar.gz
C=$tmp/c
run own "$C" "$OO" IMPORT="$X/org2.tar.gz $tmp/leak.tar.gz" vars
like "$rc:$err" "^2:make: IMPORT: $tmp/leak.tar.gz: org1/msp/cacerts/x.pem holds a private key" \
	"an archive holding a private key: refused, naming the archive and the file"
ok "$([ ! -e "$C/import" ] && [ ! -e "$C/vars/network.mk" ]; echo $?)" "nothing unpacked, not even the other import"
rm t1/org1/msp/cacerts/x.pem && mkdir t1/org1/msp/keystore && echo x >t1/org1/msp/keystore/k && repack t1 keystore.tar.gz
run own "$C" "$OO" IMPORT="$tmp/keystore.tar.gz" vars
like "$rc:$err" "^2:make: IMPORT: $tmp/keystore.tar.gz: org1/msp/keystore/ is a private key's place" "a keystore: refused, named"
mkdir t2 && echo x >t2/loose && tar -C t2 -czf top.tar.gz loose
run own "$C" "$OO" IMPORT="$tmp/top.tar.gz" vars
like "$rc:$err" "^2:make: IMPORT: $tmp/top.tar.gz: no top directory" "an archive without its <domain>/: refused"
echo 'not an archive' >plain.tar.gz
run own "$C" "$OO" IMPORT="$tmp/plain.tar.gz" vars
like "$rc:$err" "^2:make: IMPORT: $tmp/plain.tar.gz: not a gzip-compressed tar archive" "not a tar.gz: refused"
run own "$C" "$OO" IMPORT="$tmp/missing.tar.gz" vars
like "$rc:$err" "^2:.*IMPORT=$tmp/missing.tar.gz: $tmp/missing.tar.gz: no such file" "a missing file: refused"
ok "$([ ! -e "$C/import" ]; echo $?)" "none of them unpacked anything"

before=$(snapshot "$B/import")
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $X/org2.tar.gz $X/orgorderer1.tar.gz" vars
like "$rc:$err" "^2:yaml2vars: .*/orgorderer1.tar.gz/orgorderer1/org.vars: DOMAIN=orgorderer1 is also own org orgorderer1's \($OO:[0-9]+\)" \
	"an import of an own org's domain: refused, naming the archive's org.vars and the own org"
is "$(snapshot "$B/import")" "$before" "the imports in place stay as they were"
rm -r t1 && mkdir t1 && tar -C t1 -xzf "$X/org1.tar.gz" && mv t1/org1 t1/orgx &&
	sed -i 's/^DOMAIN=.*/DOMAIN=orgx/; s/^MSP_ID=.*/MSP_ID=Orgorderer1MSP/' t1/orgx/org.vars && repack t1 orgx.tar.gz
run own "$B" "$OO" IMPORT="$tmp/orgx.tar.gz" vars
like "$rc:$err" "^2:yaml2vars: .*/orgx.tar.gz/orgx/org.vars: MSP_ID=Orgorderer1MSP is also own org orgorderer1's" \
	"an own org's MSP ID: refused"
sed -i 's/^MSP_ID=.*/MSP_ID=Org1MSP/' t1/orgx/org.vars && repack t1 orgx.tar.gz
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $tmp/orgx.tar.gz" vars
like "$rc:$err" "^2:yaml2vars: .*/orgx.tar.gz/orgx/org.vars: MSP_ID=Org1MSP, as .*/org1.tar.gz/org1/org.vars says: two imports are one org" \
	"two imports with one MSP ID: refused, naming both"
mkdir again && cp "$X/org1.tar.gz" again/org1-copy.tar.gz
run own "$B" "$OO" IMPORT="$X/org1.tar.gz $tmp/again/org1-copy.tar.gz" vars
like "$rc:$err" "^2:make: IMPORT: $tmp/again/org1-copy.tar.gz: holds org1/, as $X/org1.tar.gz does: two imports are one org" \
	"two archives of one domain: refused"
sed -i '/^MSP_ID=/d' t1/orgx/org.vars && repack t1 orgx.tar.gz
run own "$B" "$OO" IMPORT="$tmp/orgx.tar.gz" vars
like "$rc:$err" "^2:yaml2vars: .*/orgx/org.vars: MSP_ID is missing: not an org.vars of make export" "an org.vars without MSP_ID: refused"
is "$(snapshot "$B/import")" "$before" "after each, the imports in place are as they were"

# ---- C: a peer org alone, the orderer org imported: its consenter from outside ----
run own "$C" "$O1" org1-files export SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.9
is "$rc:$err" "0:" "C without imports: the peer org's MSP, manifests and export need none"
run own "$C" "$O1" artifacts
like "$rc:$err" "^2:make: configtx.yaml:[0-9]+:[0-9]+: Organizations\[0\]\.MSPDir: Orgorderer1MSP \(orgorderer1\): no crypto material here and no IMPORT of orgorderer1" \
	"and its artifacts: refused, naming the orderer org"
run own "$C" "$O1" IMPORT="$X/orgorderer1.tar.gz $X/org2.tar.gz" artifacts
is "$rc:$err" "0:" "C: org1 with the orderer org and org2 imported: the artifacts"
is "$(consenters "$C/channel-artifacts/genesis.block")" \
	"10.0.0.7:30000 $(base64 -w0 <"$A/crypto-config/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt")" \
	"its consenter: A's orderer at its external address, with A's TLS certificate"
is "$(msp_of "$C/channel-artifacts/genesis.block" Orgorderer1MSP)" "$(msp_of "$A/channel-artifacts/genesis.block" Orgorderer1MSP)" \
	"and the orderer org's MSP is A's"

# bft_consenters BLOCK: "<id> host:port <identity> <client TLS certificate>" of each BFT consenter
bft_consenters() {
	txgen -inspectBlock "$1" | python3 -c '
import json, sys
o = json.load(sys.stdin)["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]["Orderer"]
for c in o["values"]["Orderers"]["value"]["consenter_mapping"]:
    print(c["id"], "%s:%s" % (c["host"], c["port"]), c["identity"], c["client_tls_cert"])'
}

# ---- fabric-samples' test-network: dotted domains, the participation flow ----
T=$tmp/tn
tn_all="$TNC/crypto-config-orderer.yaml $TNC/crypto-config-org1.yaml $TNC/crypto-config-org2.yaml"
run tmake BUILD="$T" CRYPTO_CONFIG="$tn_all" CONFIGTX="$TN/configtx/configtx.yaml" CHANNEL_PROFILE=ChannelUsingRaft \
	SERVICE_TYPE=LoadBalancer EXTERNAL_HOST=fabric.example.net all export
is "$rc" 0 "test-network, every org: built and exported"
U=$tmp/tn-orderer
run tmake BUILD="$U" CRYPTO_CONFIG="$TNC/crypto-config-orderer.yaml" CONFIGTX="$TN/configtx/configtx.yaml" \
	CHANNEL_PROFILE=ChannelUsingRaft IMPORT="$T/export/org1.example.com.tar.gz $T/export/org2.example.com.tar.gz" all
is "$rc:$err" "0:" "its orderer org alone with org1.example.com and org2.example.com imported"
is "$(ls "$U/import" | tr '\n' ' ')" "org1.example.com org2.example.com " "unpacked under their domains"
for m in Org1MSP Org2MSP; do
	is "$(msp_of "$U/channel-artifacts/mychannel.block" $m)" "$(msp_of "$T/channel-artifacts/mychannel.block" $m)" \
		"mychannel.block: $m's MSP is exactly the exporter's"
done
like "$(msp_of "$U/channel-artifacts/mychannel.block" OrdererOrg)" \
	"$(base64 -w0 <"$U/crypto-config/ordererOrganizations/example.com/msp/cacerts/ca.example.com-cert.pem")" \
	"and the orderer org's (OrdererMSP) is the build's own"
run tmake BUILD="$U" CRYPTO_CONFIG="$TNC/crypto-config-orderer.yaml" CONFIGTX="$TN/configtx/configtx.yaml" \
	CHANNEL_PROFILE=ChannelUsingRaft IMPORT="$T/export/org1.example.com.tar.gz $T/export/org2.example.com.tar.gz" -q all
is "$rc" 0 "a rerun: make -q says up to date"
run tmake BUILD="$U" CRYPTO_CONFIG="$TNC/crypto-config-orderer.yaml" CONFIGTX="$TN/configtx/configtx.yaml" \
	CHANNEL_PROFILE=ChannelUsingRaft IMPORT="$T/export/org1.example.com.tar.gz" vars
is "$rc:$(ls "$U/import" | tr '\n' ' ')" "0:org1.example.com " "an import dropped from IMPORT: its org goes"

# ---- Fabric 3.1's BFT test-network: the orderer org imported, four consenters by their Identity ----
BT=$FIXTURES/fabric-3.1/test-network-bft
BTC=$BT/organizations/cryptogen
V=$tmp/bft
run tmake BUILD="$V" CRYPTO_CONFIG="$BTC/crypto-config-orderer.yaml $BTC/crypto-config-org1.yaml $BTC/crypto-config-org2.yaml" \
	CONFIGTX="$BT/configtx/configtx.yaml" FABRIC_VERSION=3.1 SERVICE_TYPE=LoadBalancer EXTERNAL_HOST=bft.example.net all export
is "$rc" 0 "BFT test-network, every org: built and exported"
W=$tmp/bft-peers
run tmake BUILD="$W" CRYPTO_CONFIG="$BTC/crypto-config-org1.yaml $BTC/crypto-config-org2.yaml" CONFIGTX="$BT/configtx/configtx.yaml" \
	FABRIC_VERSION=3.1 IMPORT="$V/export/example.com.tar.gz" artifacts
is "$rc:$err" "0:" "its peer orgs alone with example.com imported: the channel's block"
is "$(bft_consenters "$W/channel-artifacts/mychannel.block" | cut -d' ' -f1,3,4)" \
	"$(bft_consenters "$V/channel-artifacts/mychannel.block" | cut -d' ' -f1,3,4)" \
	"its consenters' Identity and TLS certificates are the exporter's"
is "$(bft_consenters "$W/channel-artifacts/mychannel.block" | cut -d' ' -f2 | tr '\n' ' ')" \
	"orderer.example-com.bft.example.net:7050 orderer2.example-com.bft.example.net:7050 orderer3.example-com.bft.example.net:7050 orderer4.example-com.bft.example.net:7050 " \
	"each at its external address"
done_testing
