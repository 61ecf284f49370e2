#!/bin/sh
# yaml2vars: the variables of the sample and of every cryptogen feature,
# MSP IDs from configtx.yaml, write-if-changed, node ports and usage.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" "$TOP/configtx.yaml" .

# --- the sample network ---
run yaml2vars -c configtx.yaml -o vars crypto-config.yaml
is "$rc" 0 "sample: exit status 0"
is "$(cat vars/network.mk)" "$(cat "$TOP/tests/expected/sample-network.mk")" "sample: network.mk"
is "$(cat vars/org1.vars)" "$(cat "$TOP/tests/expected/sample-org1.vars")" "sample: org1.vars"
is "$(ls vars)" "$(printf 'network.mk\norg1.vars\norg2.vars\norgorderer1.vars')" \
	"sample: one vars file per org"

# --- every feature of the schema ---
mkdir rich && cp "$TOP/tests/expected/rich-crypto-config.yaml" rich/crypto-config.yaml
(cd rich && yaml2vars -o vars crypto-config.yaml)
ok $? "rich config: exit status 0"
is "$(cat rich/vars/ordering.vars)" "$(cat "$TOP/tests/expected/rich-ordering.vars")" \
	"Specs, CommonName and SANS templates, Template Start/Hostname/SANS, CA fields"
is "$(cat rich/vars/bank.vars)" "$(cat "$TOP/tests/expected/rich-bank.vars")" \
	"CA CommonName template, users, no nodes"

# --- node and user names agree with what real cryptogen made ---
for set in fabric-2.5/two-org-solo fabric-2.5/original fabric-1.4/original \
	fabric-2.5/two-org-raft-participation; do
	ref="$FIXTURES/$set"
	rm -rf fx && mkdir fx
	yaml2vars -c "$ref/configtx.yaml" -o fx "$ref/crypto-config.yaml"
	ok $? "$set: loads (CRLF kept where the original has it)"
	for f in fx/*.vars; do
		org=$(basename "$f" .vars)
		case $(sed -n 's/^ORG_TYPE=//p' "$f") in
		peer) dir=peerOrganizations nodes=peers ;;
		*) dir=ordererOrganizations nodes=orderers ;;
		esac
		want_nodes=$(ls "$ref/crypto-config/$dir/$org/$nodes" | sort | tr '\n' ' ')
		got_nodes=$(grep '^NODE[0-9]*_CN=' "$f" | cut -d= -f2 | sort | tr '\n' ' ')
		is "$got_nodes" "$want_nodes" "$set: $org nodes are cryptogen's node directories"
		want_users=$(ls "$ref/crypto-config/$dir/$org/users" | sed 's/@.*//' | sort | tr '\n' ' ')
		got_users=$(sed -n 's/^USERS=//p' "$f" | tr ' ' '\n' | sort | tr '\n' ' ')
		is "$got_users" "$want_users" "$set: $org users are cryptogen's user directories"
	done
	is "$(grep -h '^MSP_ID=' fx/*.vars | sort | tr '\n' ' ')" \
		"MSP_ID=Org1MSP MSP_ID=Org2MSP MSP_ID=Orgorderer1MSP " "$set: MSP IDs from configtx.yaml"
done

# --- MSP IDs: path forms, defaults and conflicts ---
cat > ctx.yaml <<'Y'
Organizations:
  - ID: FirstMSP
    MSPDir: ./crypto-config/peerOrganizations/org1/msp/
  - Name: second
    ID: SecondMSP
    MSPDir: /abs/build/crypto-config/ordererOrganizations/orgorderer1/msp
  - ID: NotMineMSP
    MSPDir: crypto-config/peerOrganizations/org1x/msp
Y
yaml2vars -c ctx.yaml -o ids crypto-config.yaml
is "$(grep -h '^MSP_ID=' ids/org1.vars ids/orgorderer1.vars ids/org2.vars | tr '\n' ' ')" \
	"MSP_ID=FirstMSP MSP_ID=SecondMSP MSP_ID=Org2MSP " \
	"MSPDir matched by its last components; Name + MSP when configtx.yaml has no entry"
cat >> ctx.yaml <<'Y'
  - ID: OtherMSP
    MSPDir: crypto-config/peerOrganizations/org1/msp
Y
run yaml2vars -c ctx.yaml -o ids2 crypto-config.yaml
is "$rc" 1 "two MSP IDs for one org: exit status 1"
is "$err" 'yaml2vars: ctx.yaml:9:9: Organizations[3].ID: org org1 already has MSP ID "FirstMSP" (line 2)' \
	"two MSP IDs for one org: message"
ok "$([ ! -e ids2 ]; echo $?)" "two MSP IDs for one org: nothing written"

# --- test-network's shape: three files, dotted domains, ../organizations ---
TN=$FIXTURES/fabric-2.5/test-network
TNC=$TN/organizations/cryptogen
run yaml2vars -c "$TN/configtx/configtx.yaml" -w tn/configtx.yaml -o tn/vars \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
is "$rc:$err" "0:" "test-network: three files, one network"
mk=$(cat tn/vars/network.mk)
like "$mk" '^ORDERER_ORGS := example.com$' "test-network: the orderer org by its domain"
like "$mk" '^PEER_ORGS := org1.example.com org2.example.com$' "test-network: the peer orgs, in file order"
like "$mk" '^org1.example.com_NAMESPACE := org1-example-com$' "test-network: org1.example.com is namespace org1-example-com"
like "$mk" '^example.com_NAMESPACE := example-com$' "test-network: example.com is namespace example-com"
like "$mk" '^org2.example.com_NODE_HOSTS := peer0.org2-example-com$' "test-network: a peer is <hostname>.<namespace>"
like "$mk" '^org1.example.com_ALIASES := org1-example-com org1$' "test-network: make org1 and make org1-example-com"
like "$mk" "^org2.example.com_CRYPTO_CONFIG := $TNC/crypto-config-org2.yaml\$" "test-network: each org's own file"
like "$mk" '^CONFIGTX_APP_GENESIS_PROFILES := ChannelUsingRaft$' "test-network: ChannelUsingRaft is an application channel genesis"
like "$mk" '^example.com_CONSENTERS := orderer$' "test-network: the orderer its raft consenter names (make reads it, not the YAML)"
BT=$FIXTURES/fabric-3.1/test-network-bft
run yaml2vars -c "$BT/configtx/configtx.yaml" -w bft/configtx.yaml -o bft/vars "$BT"/organizations/cryptogen/crypto-config-*.yaml
like "$rc:$(cat bft/vars/network.mk)" '^example.com_CONSENTERS := orderer orderer2 orderer3 orderer4$' \
	"BFT: the four orderers its ConsenterMapping names"
sed 's/Host:/host:/; s/ClientTLSCert:/clienttlscert:/' configtx.yaml >lower.yaml
run yaml2vars -c lower.yaml -w lower/configtx.yaml -o lower/vars crypto-config.yaml
like "$rc:$(cat lower/vars/network.mk)" '^orgorderer1_CONSENTERS := orderer0$' \
	"keys in lower case, as txgen reads them: the consenter still counts"
printf '%s\n' "$(cat lower/vars/network.mk)" | grep -q '^org[12]_CONSENTERS'
ok "$([ $? -ne 0 ]; echo $?)" "and no peer org has consenters"
is "$(grep -h '^MSP_ID=' tn/vars/*.vars | sort | tr '\n' ' ')" "MSP_ID=OrdererMSP MSP_ID=Org1MSP MSP_ID=Org2MSP " \
	"test-network: MSP IDs from MSPDirs under ../organizations"
for f in tn/vars/*.vars; do
	org=$(basename "$f" .vars)
	case $(sed -n 's/^ORG_TYPE=//p' "$f") in
	peer) dir=peerOrganizations nodes=peers ;;
	*) dir=ordererOrganizations nodes=orderers ;;
	esac
	is "$(grep '^NODE[0-9]*_CN=' "$f" | cut -d= -f2 | sort | tr '\n' ' ')" \
		"$(ls "$TN/organizations/$dir/$org/$nodes" | sort | tr '\n' ' ')" \
		"test-network: $org's nodes are cryptogen's node directories"
done

# The cluster's copy of configtx.yaml, read back by PyYAML (anchors and
# merge keys expanded): the same tree, and every value that differs is one
# of the rewrites, old -> new, once each.
diffvals() { # ORIGINAL COPY
	python3 - "$1" "$2" <<'PY'
import sys, yaml
a, b = (yaml.safe_load(open(f)) for f in sys.argv[1:3])
out = set()
def walk(x, y, path):
    if isinstance(x, dict):
        assert isinstance(y, dict) and list(x) == list(y), path
        for k in x: walk(x[k], y[k], path + "." + str(k))
    elif isinstance(x, list):
        assert isinstance(y, list) and len(x) == len(y), path
        for i, (u, v) in enumerate(zip(x, y)): walk(u, v, path + "[%d]" % i)
    elif x != y:
        out.add("%s -> %s" % (x, y))
walk(a, b, "")
print("\n".join(sorted(out)))
PY
}
is "$(diffvals "$TN/configtx/configtx.yaml" tn/configtx.yaml)" "$(printf '%s\n' \
	'../organizations/ordererOrganizations/example.com/msp -> crypto-config/ordererOrganizations/example.com/msp' \
	'../organizations/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt -> crypto-config/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt' \
	'../organizations/peerOrganizations/org1.example.com/msp -> crypto-config/peerOrganizations/org1.example.com/msp' \
	'../organizations/peerOrganizations/org2.example.com/msp -> crypto-config/peerOrganizations/org2.example.com/msp' \
	'orderer.example.com -> orderer.example-com' \
	'orderer.example.com:7050 -> orderer.example-com:7050')" \
	"test-network: the copy points into crypto-config/ and names the orderer as the cluster does"
is "$(diff "$TN/configtx/configtx.yaml" tn/configtx.yaml | grep -c '^>')" 8 \
	"test-network: the copy differs in those eight lines alone (comments, anchors and layout stay)"

# An anchor on a path with no blank after it: libyaml and PyYAML end the
# anchor at the ':' ("&dir" on the plain scalar ":../organizations/..."; the
# fuzzer's find).  The path is replaced after the anchor, not glued to it, and
# the copy of the copy is the copy.
sed 's|^    MSPDir: \(\.\./organizations/ordererOrganizations/.*\)$|    MSPDir: \&dir:\1|' \
	"$TN/configtx/configtx.yaml" >glued.yaml
run yaml2vars -c glued.yaml -w glued/configtx.yaml -o glued/vars \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
is "$rc:$(grep '^    MSPDir: &dir' glued/configtx.yaml)" \
	"0:    MSPDir: &dir crypto-config/ordererOrganizations/example.com/msp" \
	"an anchor with no blank before its path: the path replaced, the anchor kept"
run yaml2vars -c glued/configtx.yaml -w glued2/configtx.yaml -o glued2/vars \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
cmp -s glued/configtx.yaml glued2/configtx.yaml
ok $? "and the copy of that copy is the same"

# anchor peers (test-network sets them later; other networks list them),
# a quoted path, a flow sequence, and namespaces given with -n
sed -e 's|^\(  - &Org2\)$|\1\n    AnchorPeers:\n      - Host: peer0.org2.example.com\n        Port: 9051|' \
	-e 's|MSPDir: \(.*org1.example.com/msp\)|MSPDir: "\1"|' \
	-e 's|^\(  Addresses:\)$|  Addresses: [orderer.example.com:7050]\n  OldAddresses:|' \
	"$TN/configtx/configtx.yaml" >anchors.yaml
grep -q 'Port: 9051' anchors.yaml && grep -q 'OldAddresses' anchors.yaml
ok $? "(a configtx.yaml with anchor peers made)"
run yaml2vars -c anchors.yaml -w tn2/configtx.yaml -o tn2/vars -n org2.example.com=team2 -n example.com=ordering \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
is "$rc:$err" "0:" "-n: namespaces given"
like "$(cat tn2/vars/network.mk)" '^org2.example.com_NODE_HOSTS := peer0.team2$' "-n: org2's peer is peer0.team2"
like "$(cat tn2/vars/network.mk)" '^org2.example.com_ALIASES := team2 org2$' "-n: make team2"
d=$(diffvals anchors.yaml tn2/configtx.yaml)
like "$d" '^peer0.org2.example.com -> peer0.team2$' "anchor peer host: the cluster's name"
like "$d" '^9051 -> 7051$' "anchor peer port: the peer's port in the cluster"
like "$d" '^orderer.example.com:7050 -> orderer.ordering:7050$' "orderer endpoints and addresses, in a flow sequence too"
like "$(grep 'org1.example.com/msp' tn2/configtx.yaml)" 'MSPDir: "crypto-config/peerOrganizations/org1.example.com/msp"' \
	"a quoted path stays quoted"

# a network written for one host (tests/networks/loopback): each orderer
# endpoint is the consenter with that Host and Port, each anchor peer its
# org's first peer
LB=$TOP/tests/networks/loopback
run yaml2vars -c "$LB/configtx.yaml" -w lb/configtx.yaml -o lb/vars "$LB/crypto-config.yaml"
is "$rc:$err" "0:" "loopback addresses: the copy made"
is "$(grep -E '^ +- [0-9a-z.-]+:[0-9]+$|^ +(- )?(Host|Port): ' lb/configtx.yaml | tr '\n' ' ' | tr -s ' ')" \
	" - orderer1.example-com:7050 - orderer2.example-com:7050 - orderer3.example-com:7050 - Host: peer0.org1-example-com Port: 7051 - Host: peer0.org2-example-com Port: 7051 - Host: orderer1.example-com Port: 7050 - Host: orderer2.example-com Port: 7050 - Host: orderer3.example-com Port: 7050 " \
	"loopback addresses: the endpoints are the consenters' orderers, the anchors each org's first peer"
# what the file does not determine stops yaml2vars, naming file, line and value
sed 's|^      - 127.0.0.1:6052$|&\n      - 127.0.0.1:6053|' "$LB/configtx.yaml" >lb-endpoint.yaml
run yaml2vars -c lb-endpoint.yaml -w lb2/configtx.yaml -o lb2/vars "$LB/crypto-config.yaml"
like "$rc:$err" "^1:yaml2vars: lb-endpoint.yaml:19:9: Organizations\[0\]\.OrdererEndpoints\[3\]: \"127\.0\.0\.1:6053\" names no node of the network, so nothing in the cluster could reach it: write an orderer's name" \
	"an orderer endpoint no consenter has: the file, line and value"
ok "$([ ! -e lb2 ]; echo $?)" "and nothing written"
sed 's|^        Port: 7051$|&\n      - Host: 127.0.0.1\n        Port: 7052|' "$LB/configtx.yaml" >lb-anchor.yaml
run yaml2vars -c lb-anchor.yaml -w lb2/configtx.yaml -o lb2/vars "$LB/crypto-config.yaml"
like "$rc:$err" "^1:yaml2vars: lb-anchor.yaml:[0-9]+:[0-9]+: Organizations\[1\]\.AnchorPeers\[1\]\.Host: \"127\.0\.0\.1\" names no node of the network, so nothing in the cluster could reach it: the org has no other peer" \
	"a second anchor peer of a one-peer org, on a loopback address: refused"
sed 's|^\(  Addresses:\)$|  Addresses: [orderer.example.com:7050, orderer.elsewhere.test:7050]\n  OldAddresses:|' \
	"$TN/configtx/configtx.yaml" >elsewhere.yaml
run yaml2vars -c elsewhere.yaml -w lb2/configtx.yaml -o lb2/vars \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
like "$rc:$err" "^1:yaml2vars: elsewhere.yaml:[0-9]+:[0-9]+: Orderer\.Addresses\[1\]: \"orderer\.elsewhere\.test:7050\" names no node of the network" \
	"an address of a host no node has: refused"
ok "$([ ! -e lb2 ]; echo $?)" "and nothing written"

BT=$FIXTURES/fabric-3.1/test-network-bft
BTC="$BT/organizations/cryptogen/crypto-config-orderer.yaml $BT/organizations/cryptogen/crypto-config-org1.yaml"
BTC="$BTC $BT/organizations/cryptogen/crypto-config-org2.yaml"
# each profile's capabilities (what make tells the Fabric versions from,
# rules/upgrade.mk): those set true, at the channel's, the Orderer's and
# the Application's level; one set false is not one
mkdir -p caps
# shellcheck disable=SC2086
run yaml2vars -c "$BT/configtx/configtx.yaml" -w caps/configtx.yaml -o caps/vars $BTC
like "$(cat caps/vars/network.mk 2>&1)" '^ChannelUsingBFT_CAPABILITIES := Channel:V3_0 Orderer:V2_0 Application:V2_5$' \
	"test-network's BFT profile: Channel V3_0, Orderer V2_0, Application V2_5"
sed 's/^    V2_5: true$/    V2_5: false\n    V2_0: true/' "$BT/configtx/configtx.yaml" >caps/false.yaml
# shellcheck disable=SC2086
run yaml2vars -c caps/false.yaml -w caps/false-out.yaml -o caps/vars2 $BTC
like "$(cat caps/vars2/network.mk 2>&1)" '^ChannelUsingBFT_CAPABILITIES := Channel:V3_0 Orderer:V2_0 Application:V2_0$' \
	"a capability set false is none"

# consenters whose files do not say one orderer (test-network's BFT shape):
# one certificate another orderer's, one of an orderer the crypto config
# lacks, a Host that names another orderer
mkdir -p bftc
sed '/ID: 2$/,/ServerTLSCert/s|signcerts/orderer2.example.com-cert.pem|signcerts/orderer3.example.com-cert.pem|; /ID: 2$/,/ServerTLSCert/s|orderers/orderer2.example.com/msp|orderers/orderer3.example.com/msp|' \
	"$BT/configtx/configtx.yaml" >bftc/other.yaml
# shellcheck disable=SC2086
run yaml2vars -c bftc/other.yaml -w bftc/out/configtx.yaml -o bftc/out/vars $BTC
like "$rc:$err" "^1:yaml2vars: bftc/other.yaml:[0-9]+:[0-9]+: Profiles.ChannelUsingBFT.Orderer.ConsenterMapping\[1\].Identity: \"[^\"]*orderer3.example.com-cert.pem\" is orderer3.example.com's, and the consenter's other certificates orderer2.example.com's" \
	"a consenter's Identity of another orderer: refused, named"
sed 's|orderers/orderer4.example.com/|orderers/orderer9.example.com/|g; s|orderer4.example.com-cert|orderer9.example.com-cert|' \
	"$BT/configtx/configtx.yaml" >bftc/missing.yaml
# shellcheck disable=SC2086
run yaml2vars -c bftc/missing.yaml -w bftc/out/configtx.yaml -o bftc/out/vars $BTC
like "$rc:$err" "^1:yaml2vars: bftc/missing.yaml:[0-9]+:[0-9]+: Profiles.ChannelUsingBFT.Orderer.ConsenterMapping\[3\].ClientTLSCert: \"[^\"]*\" names no orderer of example.com in the crypto config" \
	"a consenter of an orderer the crypto config lacks: refused, named"
sed '/ID: 3$/,/ServerTLSCert/s|Host: orderer3.example.com|Host: orderer.example.com|' "$BT/configtx/configtx.yaml" >bftc/host.yaml
# shellcheck disable=SC2086
run yaml2vars -c bftc/host.yaml -w bftc/out/configtx.yaml -o bftc/out/vars $BTC
like "$rc:$err" "^1:yaml2vars: bftc/host.yaml:[0-9]+:[0-9]+: Profiles.ChannelUsingBFT.Orderer.ConsenterMapping\[2\].Host: \"orderer.example.com\" is orderer.example.com, but the consenter's certificates are orderer3.example.com's" \
	"a consenter whose Host names another orderer: refused, named"
ok "$([ ! -e bftc/out ]; echo $?)" "and nothing written"

# mistakes: a path that names no org, a -n for no org, an org in two files
sed 's|org2.example.com/msp|org9.example.com/msp|' "$TN/configtx/configtx.yaml" >bad.yaml
run yaml2vars -c bad.yaml -w tn3/configtx.yaml -o tn3/vars \
	"$TNC/crypto-config-orderer.yaml" "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-org2.yaml"
like "$rc:$err" "^1:yaml2vars: bad.yaml:[0-9]+:[0-9]+: Organizations\[2\]\.MSPDir: Org2MSP \(org9\.example\.com\): no crypto material here and no IMPORT of org9\.example\.com: ask its operator for make export's org9\.example\.com\.tar\.gz" \
	"an MSPDir naming no org: the file, line and field, and the import it lacks"
ok "$([ ! -e tn3 ]; echo $?)" "an MSPDir naming no org: nothing written"
run yaml2vars -n org3.example.com=x -o tn3/vars "$TNC/crypto-config-org1.yaml"
is "$rc:$err" "1:yaml2vars: -n org3.example.com=x: no org has domain org3.example.com" "-n for no org"
cp "$TNC/crypto-config-org1.yaml" again.yaml
run yaml2vars -o tn3/vars "$TNC/crypto-config-org1.yaml" "$TNC/crypto-config-orderer.yaml" again.yaml
like "$rc:$err" "^1:yaml2vars: again.yaml:6:13: PeerOrgs\\[0\\]\\.Domain: duplicate domain \"org1.example.com\" \\(also PeerOrgs\\[0\\], $TNC/crypto-config-org1.yaml:5\\)" \
	"an org in two files: an error naming both"
printf 'PeerOrgs:\n  - Name: A\n    Domain: org1.example.com\n  - Name: B\n    Domain: org1.other.test\n' >twins.yaml
yaml2vars -o twins twins.yaml
is "$(grep _ALIASES twins/network.mk | tr '\n' ' ')" \
	"org1.example.com_ALIASES := org1-example-com org1.other.test_ALIASES := org1-other-test " \
	"a first label two orgs share is the alias of neither"

# --- write only what changed ---
touch -d '2001-01-01' vars/*
before=$(ls -l --time-style=+%s vars)
yaml2vars -c configtx.yaml -o vars crypto-config.yaml
is "$(ls -l --time-style=+%s vars)" "$before" "an unchanged input rewrites nothing"
sed '/Name: Org2/,$ s/Count: 2/Count: 3/' crypto-config.yaml > cc2.yaml
run yaml2vars -v -c configtx.yaml -o vars cc2.yaml
is "$out" "$(printf 'wrote vars/orgorderer1.vars\nwrote vars/org1.vars\nwrote vars/org2.vars\nwrote vars/network.mk')" \
	"a new source name changes every header"
run yaml2vars -v -c configtx.yaml -o vars cc2.yaml
is "$out" "" "second run writes nothing"
sed '/Name: Org2/,$ s/Count: 3/Count: 4/' cc2.yaml > cc3.yaml && mv cc3.yaml cc2.yaml
run yaml2vars -v -c configtx.yaml -o vars cc2.yaml
is "$out" "$(printf 'wrote vars/org2.vars\nwrote vars/network.mk')" \
	"editing Org2 rewrites org2.vars and network.mk only"
like "$(cat vars/org2.vars)" 'NODES=peer0 peer1 peer2 peer3' "org2 has four peers"
sed '/- Name: Org2/,$d' cc2.yaml > cc3.yaml && mv cc3.yaml cc2.yaml
run yaml2vars -v -c configtx.yaml -o vars cc2.yaml
is "$out" "$(printf 'removed vars/org2.vars\nwrote vars/network.mk')" "a removed org loses its vars file"

# (bad input: tests/bad-input.t runs tests/bad-input/crypto-config/ through
# yaml2vars and mspgen)

# --- node ports (SERVICE_TYPE=NodePort) ---
yaml2vars -p 30000 -o np crypto-config.yaml
ok $? "node ports: exit status 0"
is "$(grep -h PORT np/network.mk)" "$(printf '%s\n' \
	'orgorderer1_orderer0_NODEPORTS := 30000 30001 30002' 'orgorderer1_CA_NODEPORT := 30099' \
	'org1_peer0_NODEPORTS := 30100 30101 30102' 'org1_peer1_NODEPORTS := 30103 30104 30105' \
	'org1_CA_NODEPORT := 30199' \
	'org2_peer0_NODEPORTS := 30200 30201 30202' 'org2_peer1_NODEPORTS := 30203 30204 30205' \
	'org2_CA_NODEPORT := 30299')" "node ports: 100 per org, 3 per node, the CA last"
is "$(grep -h PORT np/org2.vars)" "$(printf 'NODE0_NODEPORTS=30200 30201 30202\nNODE1_NODEPORTS=30203 30204 30205\nCA_NODEPORT=30299')" \
	"node ports in the org's vars"
ok "$(grep -q PORT vars/org1.vars; [ $? -ne 0 ]; echo $?)" "no node ports without -p"
printf 'PeerOrgs:\n  - Name: A\n    Domain: a\n    Template: {Count: 34}\n' > crowded.yaml
run yaml2vars -p 30000 -o np2 crowded.yaml
is "$rc:$err" "1:yaml2vars: crowded.yaml:2:5: PeerOrgs[0]: 34 nodes need 102 node ports, more than the 99 an org has (at most 33 nodes with SERVICE_TYPE=NodePort)" \
	"node ports: an org with too many nodes"
ok "$([ ! -e np2 ]; echo $?)" "node ports: nothing written on a collision"
yaml2vars -o np3 crowded.yaml
ok $? "34 nodes are fine without node ports"
run yaml2vars -p 32600 -o np2 crypto-config.yaml
is "$rc" 1 "node ports beyond 32767: exit status 1"
like "$err" 'crypto-config.yaml:36:5: PeerOrgs\[1\]: node ports from 32800 up to 32899 are beyond 32767' \
	"node ports beyond 32767: the org that does not fit"
run yaml2vars -p x -o np2 crypto-config.yaml
is "$rc" 2 "-p with no number: usage error"

# --- usage ---
run yaml2vars
is "$rc" 2 "no argument: usage error"
like "$err" '^usage: yaml2vars ' "no argument: usage line"
run yaml2vars -h
is "$rc" 0 "-h: exit status 0"
run yaml2vars -o x missing.yaml
is "$rc:$err" "1:yaml2vars: cannot read missing.yaml: No such file or directory" "missing input"

done_testing
