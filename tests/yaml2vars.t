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
