#!/bin/sh
# txgen against real configtxgen 2.5 and 1.4 output (the fixtures), decoded
# by an independent decoder (tests/node/decode.js on the npm package
# fabric-protos), plus cases the fixtures do not cover and the bad inputs.
. "$TOP/tests/lib.sh"

S25=$FIXTURES/fabric-2.5
S14=$FIXTURES/fabric-1.4
decode() { node "$TOP/tests/node/decode.js" "$@"; }
get() { node "$TOP/tests/node/get.js" "$@"; }
# What changes on every run: time, nonce, transaction id, and the data hash over them.
norm() { sed -E 's/"(timestamp|tx_id|nonce|data_hash)": ("[^"]*"|null)/"\1": "X"/' "$1"; }
kind() { case $1 in *.block) echo block ;; *) echo envelope ;; esac; }
inspect_flag() { case $1 in *.block) echo -inspectBlock ;; *) echo -inspectChannelCreateTx ;; esac; }

if ! node -e 'require("fabric-protos")' 2>/dev/null; then
	echo "1..0 # SKIP the npm decoders are missing: run through make check"
	exit 0
fi

# ---- the decoders agree with configtxlator on every fixture artifact ----
for f in "$S25"/*/channel-artifacts/* "$S14"/*/channel-artifacts/*; do
	set_dir=$(dirname "$(dirname "$f")")
	name=$(basename "$f")
	label=${set_dir#"$FIXTURES"/}/$name
	decode "$(kind "$name")" "$f" >"$tmp/d.json"
	cmp -s "$tmp/d.json" "$set_dir/json/$name.json"
	ok $? "node decoder matches configtxlator: $label"
	txgen "$(inspect_flag "$name")" "$f" >"$tmp/i.json"
	cmp -s "$tmp/i.json" "$set_dir/json/$name.json"
	ok $? "txgen inspect matches configtxlator byte for byte: $label"
done

# Compare one artifact of ours with the fixture's: mode, size, decoded content.
same_as_fixture() { # ARTIFACT FIXTURE_SET FIXTURE_NAME DESCRIPTION [sed for both]
	a=$1 set=$2 name=$3 what=$4 extra=${5:-}
	is "$(stat -c %a "$a" 2>/dev/null)" 640 "$what: mode 0640 as configtxgen 2.5"
	decode "$(kind "$name")" "$a" >"$tmp/ours.json"
	norm "$tmp/ours.json" | sed -E "$extra" >"$tmp/a.json"
	norm "$set/json/$name.json" | sed -E "$extra" >"$tmp/b.json"
	if cmp -s "$tmp/a.json" "$tmp/b.json"; then
		ok 0 "$what: decodes like the fixture (except time, nonce, tx id, data hash)"
	else
		ok 1 "$what: decodes like the fixture (except time, nonce, tx id, data hash)"
		diff "$tmp/a.json" "$tmp/b.json" | cut -c1-160 | head -20 | sed 's/^/# /'
	fi
	txgen "$(inspect_flag "$name")" "$a" >"$tmp/insp.json"
	cmp -s "$tmp/insp.json" "$tmp/ours.json"
	ok $? "$what: txgen's inspect equals the independent decoding"
}

# ---- two-org-solo: system channel, channel.tx, anchors, printOrg ----
set=$S25/two-org-solo
d=$tmp/solo
run txgen -configPath "$set" -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/genesis.block"
is "$rc:$err" "0:" "solo genesis block written"
run txgen -configPath "$set" -profile TwoOrgsChannel -channelID mychannel -outputCreateChannelTx "$d/channel.tx"
is "$rc:$err" "0:" "solo channel.tx written"
for org in Org1MSP Org2MSP; do
	run txgen -configPath "$set" -profile TwoOrgsChannel -channelID mychannel -asOrg $org \
		-outputAnchorPeersUpdate "$d/${org}anchors.tx"
	is "$rc:$err" "0:" "solo $org anchors written"
done
for name in genesis.block channel.tx Org1MSPanchors.tx Org2MSPanchors.tx; do
	same_as_fixture "$d/$name" "$set" "$name" "two-org-solo $name"
	is "$(stat -c %s "$d/$name")" "$(stat -c %s "$set/channel-artifacts/$name")" \
		"two-org-solo $name: same size as configtxgen's"
done
for org in Org1MSP Org2MSP Orgorderer1MSP; do
	txgen -configPath "$set" -printOrg $org >"$tmp/org.json"
	cmp -s "$tmp/org.json" "$set/printOrg/$org.json"
	ok $? "printOrg $org equals configtxgen's"
done
FABRIC_CFG_PATH=$set txgen -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/env.block"
ok $? "FABRIC_CFG_PATH locates configtx.yaml"
(cd "$set" && txgen -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/cwd.block")
ok $? "so does the working directory"

# ---- two-org-raft-participation: application channel genesis, anchors against it ----
set=$S25/two-org-raft-participation
d=$tmp/raft
txgen -configPath "$set" -profile TwoOrgsApplicationGenesis -channelID mychannel -outputBlock "$d/mychannel.block"
same_as_fixture "$d/mychannel.block" "$set" mychannel.block "raft participation genesis"
# the same orgs with AnchorPeers: the update is computed against block 0's config
mkdir -p "$tmp/anch"
ln -s "$set/crypto-config" "$tmp/anch/crypto-config"
awk '{ print }
/MSPDir: crypto-config\/peerOrganizations\/org[12]\/msp/ {
	n = substr($0, index($0, "/org") + 4, 1)
	print "    AnchorPeers:\n      - Host: peer0.org" n "\n        Port: 7051"
}' "$set/configtx.yaml" >"$tmp/anch/configtx.yaml"
for org in Org1MSP Org2MSP; do
	txgen -configPath "$tmp/anch" -profile TwoOrgsApplicationGenesis -channelID mychannel -asOrg $org \
		-outputAnchorPeersUpdate "$d/${org}anchors.tx"
	same_as_fixture "$d/${org}anchors.tx" "$set" "${org}anchors.tx" \
		"participation $org anchors (read set Application v0, as configtxlator computed)"
done
txgen -configPath "$tmp/anch" -profile TwoOrgsApplicationGenesis -channelID mychannel -outputBlock "$d/anch.block"
decode block "$d/anch.block" >"$tmp/anch.json"
G=data/data/0/payload/data/config/channel_group/groups/Application/groups
is "$(get "$tmp/anch.json" $G/Org2MSP/values/AnchorPeers/value)" '{"anchor_peers":[{"host":"peer0.org2","port":7051}]}' \
	"orgs listing AnchorPeers get them in block 0"

# ---- the original tool's network: 2.5 and 1.4 ----
set=$S25/original
d=$tmp/orig
run txgen -configPath "$set" -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/genesis.block"
is "$rc" 1 "preflight: V1_1 with admins marked only by OU is refused"
like "$err" "configtx.yaml:238:9: Profiles.TwoOrgsOrdererGenesis.Capabilities: channel capability V1_1 is below V1_4_3, and org Org1MSP \(line 72\) marks its admins only by the NodeOUs admin OU" \
	"  naming the capability, the org and the cause"
like "$err" "note: before V1_4_3, .*no signature can satisfy '<MSP>.admin'" "  with the run-time consequence"
ok "$(test ! -e "$d/genesis.block"; echo $?)" "  and no block written"
txgen -skipPreflight -configPath "$set" -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/genesis.block"
same_as_fixture "$d/genesis.block" "$set" genesis.block "2.5 original genesis (-skipPreflight)"
run txgen -skipPreflight -configPath "$set" -profile TwoOrgsChannel -channelID mychannel -outputCreateChannelTx "$d/channel.tx"
is "$rc" 1 "a channel profile without channel policies is refused (as configtxgen 2.5 does)"
like "$err" "configtx.yaml:[0-9]+:[0-9]+: Profiles.TwoOrgsChannel: no channel-level Policies: .*<<: \*ChannelDefaults" \
	"  explaining the fix"
mkdir -p "$tmp/fix"
ln -s "$set/crypto-config" "$tmp/fix/crypto-config"
cp "$set/configtx-channelpolicyfix.yaml" "$tmp/fix/configtx.yaml"
txgen -skipPreflight -configPath "$tmp/fix" -profile TwoOrgsChannel -channelID mychannel -outputCreateChannelTx "$d/channel.tx"
same_as_fixture "$d/channel.tx" "$set" channel.tx "2.5 original channel.tx (channel policy fix)"
for org in Org1MSP Org2MSP; do
	txgen -skipPreflight -configPath "$tmp/fix" -profile TwoOrgsChannel -channelID mychannel -asOrg $org \
		-outputAnchorPeersUpdate "$d/${org}anchors.tx"
	same_as_fixture "$d/${org}anchors.tx" "$set" "${org}anchors.tx" "2.5 original $org anchors"
done
set=$S14/original
d=$tmp/v14
txgen -skipPreflight -configPath "$set" -profile TwoOrgsOrdererGenesis -channelID syschannel -outputBlock "$d/genesis.block"
# 1.4 leaves metadata[0] empty where 2.5 writes OrdererBlockMetadata
same_as_fixture "$d/genesis.block" "$set" genesis.block "1.4 original genesis (1.4 crypto)" 's/"CgIKAA=="/""/'

# ---- cases the fixtures do not cover ----
cfg=$tmp/cfg
mkdir -p "$cfg"
ln -s "$S25/two-org-solo/crypto-config" "$cfg/crypto-config"
ln -s "$S25/two-org-raft-participation/crypto-config" "$cfg/crypto-raft"
ln -s "$S14/original/crypto-config" "$cfg/crypto-14"
cat >"$cfg/configtx.yaml" <<'YAML'
organizations:                      # keys are matched regardless of case
  - &Ord
    Name: OrdererOrg
    ID: Orgorderer1MSP
    MSPDir: crypto-config/ordererOrganizations/orgorderer1/msp
    Policies: &OrdPol
      Readers: { Type: Signature, Rule: "OR('Orgorderer1MSP.member')" }
      Writers: { Type: Signature, Rule: "OR('Orgorderer1MSP.member')" }
      Admins: { Type: Signature, Rule: "OR('Orgorderer1MSP.admin')" }
    OrdererEndpoints: [ "orderer0.orgorderer1:7050" ]
  - &Org1
    Name: Org1MSP
    ID: Org1MSP
    MSPDir: crypto-config/peerOrganizations/org1/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('Org1MSP.member')" }
      Writers: { Type: Signature, Rule: "OR('Org1MSP.member')" }
      Admins: { Type: Signature, Rule: "OR('Org1MSP.admin')" }
      Endorsement: { Type: Signature, Rule: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')" }
    AnchorPeers: [ { Host: peer0.org1, Port: 7051 } ]
  - &Org2
    Name: Org2MSP
    ID: Org2MSP
    MSPDir: crypto-config/peerOrganizations/org2/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('Org2MSP.member')" }
      Writers: { Type: Signature, Rule: "OR('Org2MSP.member')" }
      Admins: { Type: Signature, Rule: "OR('Org2MSP.admin')" }
    AnchorPeers: [ { Host: peer0.org2, Port: 8051 } ]
  - &Org3
    Name: Org3MSP
    ID: Org3MSP
    MSPDir: crypto-raft/peerOrganizations/org1/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('Org3MSP.member')" }
      Writers: { Type: Signature, Rule: "OR('Org3MSP.member')" }
      Admins: { Type: Signature, Rule: "OR('Org3MSP.admin')" }
    AnchorPeers: [ { Host: peer0.org3, Port: 9051 } ]
Capabilities:
  Channel: &ChanCaps { V2_0: true }
Channel: &ChannelDefaults
  POLICIES:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
  Capabilities: *ChanCaps
Orderer: &OrdererDefaults
  OrdererType: solo
  Addresses: [ "orderer0.orgorderer1:7050" ]
  BatchTimeout: 90s
  MaxChannels: 5
  BatchSize: { MaxMessageCount: 20, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: 1mb }
  Organizations: [ *Ord ]
  Policies:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" }
  Capabilities: { V2_0: true, V1_4_2: false }
Application: &AppDefaults
  Organizations:
  Policies:
    Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
    Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
    Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    Nested:
      Type: Signature
      Rule: "OR('Org1MSP.admin', AND('Org2MSP.member', OR('Org3MSP.client', 'Org1MSP.orderer')))"
  Capabilities: { V2_0: true }
Profiles:
  Raft3:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      OrdererType: etcdraft
      EtcdRaft:
        Consenters:
          - { Host: orderer0.example, Port: 7050, ClientTLSCert: crypto-config/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt, ServerTLSCert: crypto-config/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt }
          - { Host: orderer1.example, Port: 8050, ClientTLSCert: crypto-raft/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt, ServerTLSCert: crypto-raft/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt }
          - { Host: orderer2.example, Port: 9050, ClientTLSCert: crypto-14/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt, ServerTLSCert: crypto-14/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt }
        Options: { TickInterval: 250ms, SnapshotIntervalSize: 20 MB }
    Consortiums:
      C3: { Organizations: [ *Org1, *Org2, *Org3 ] }
  Kafka:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      OrdererType: kafka
      Kafka: { Brokers: [ "kafka0:9092", "kafka1:9092" ] }
    Consortiums:
      C2: { Organizations: [ *Org1, *Org2 ] }
  ThreeOrgsApp:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      OrdererType: etcdraft
      EtcdRaft: { Consenters: [ { Host: orderer0.orgorderer1, Port: 7050, ClientTLSCert: crypto-config/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt, ServerTLSCert: crypto-config/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt } ] }
    Application:
      <<: *AppDefaults
      Organizations: [ *Org1, *Org2, *Org3 ]
YAML
d=$tmp/new
C=data/data/0/payload/data/config/channel_group

run txgen -configPath "$cfg" -profile Raft3 -channelID sys -outputBlock "$d/raft3.block"
is "$rc:$err" "0:" "etcdraft with three consenters"
decode block "$d/raft3.block" >"$tmp/r.json"
is "$(get "$tmp/r.json" $C/groups/Orderer/values/ConsensusType/value/type)" '"etcdraft"' "  consensus type etcdraft"
is "$(get "$tmp/r.json" $C/groups/Orderer/values/ConsensusType/value/metadata/options)" \
	'{"election_tick":10,"heartbeat_tick":1,"max_inflight_blocks":5,"snapshot_interval_size":20971520,"tick_interval":"250ms"}' \
	"  options given (250ms, 20 MB) and defaulted (10, 1, 5)"
i=0
for c in "orderer0.example 7050 crypto-config" "orderer1.example 8050 crypto-raft" "orderer2.example 9050 crypto-14"; do
	set -- $c
	want=$(base64 -w0 "$cfg/$3/ordererOrganizations/orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt")
	is "$(get "$tmp/r.json" $C/groups/Orderer/values/ConsensusType/value/metadata/consenters/$i)" \
		"{\"client_tls_cert\":\"$want\",\"host\":\"$1\",\"port\":$2,\"server_tls_cert\":\"$want\"}" \
		"  consenter $i: $1:$2 with its certificate file's bytes"
	i=$((i + 1))
done
is "$(get "$tmp/r.json" $C/groups/Orderer/values/BatchTimeout/value)" '{"timeout":"1m30s"}' "  BatchTimeout 90s written as Go does: 1m30s"
is "$(get "$tmp/r.json" $C/groups/Orderer/values/BatchSize/value)" \
	'{"absolute_max_bytes":10485760,"max_message_count":20,"preferred_max_bytes":1048576}' "  BatchSize units MB and mb"
is "$(get "$tmp/r.json" $C/groups/Orderer/values/ChannelRestrictions/value)" '{"max_count":"5"}' "  MaxChannels 5"
is "$(get "$tmp/r.json" $C/groups/Orderer/values/Capabilities/value)" '{"capabilities":{"V2_0":{}}}' "  only true capabilities"
is "$(get "$tmp/r.json" $C/values/OrdererAddresses)" \
	'{"mod_policy":"/Channel/Orderer/Admins","value":{"addresses":["orderer0.orgorderer1:7050"]},"version":"0"}' \
	"  Orderer.Addresses as the channel's OrdererAddresses"
is "$(get "$tmp/r.json" $C/groups/Orderer/groups/OrdererOrg/values/MSP/value/config/name)" '"Orgorderer1MSP"' \
	"  groups are named by Name, MSPs by ID"
is "$(get "$tmp/r.json" $C/groups/Consortiums/groups/C3/groups/Org1MSP/policies/Endorsement/policy/value)" \
	'{"identities":[{"principal":{"msp_identifier":"Org1MSP","role":"PEER"},"principal_classification":"ROLE"},{"principal":{"msp_identifier":"Org2MSP","role":"PEER"},"principal_classification":"ROLE"},{"principal":{"msp_identifier":"Org3MSP","role":"PEER"},"principal_classification":"ROLE"}],"rule":{"n_out_of":{"n":2,"rules":[{"signed_by":0},{"signed_by":1},{"signed_by":2}]}},"version":0}' \
	"  OutOf(2, ...) policy"
is "$(get "$tmp/r.json" $C/groups/Consortiums/groups/C3/groups/Org2MSP/values/AnchorPeers)" undefined \
	"  consortium orgs carry no AnchorPeers"

run txgen -configPath "$cfg" -profile Kafka -channelID sys -outputBlock "$d/kafka.block"
is "$rc:$err" "0:" "kafka"
decode block "$d/kafka.block" >"$tmp/k.json"
is "$(get "$tmp/k.json" $C/groups/Orderer/values/KafkaBrokers/value)" '{"brokers":["kafka0:9092","kafka1:9092"]}' "  brokers"
is "$(get "$tmp/k.json" $C/groups/Orderer/values/ConsensusType/value)" '{"metadata":null,"state":"STATE_NORMAL","type":"kafka"}' \
	"  consensus type kafka without metadata"

run txgen -configPath "$cfg" -profile ThreeOrgsApp -channelID app3 -outputBlock "$d/app3.block"
is "$rc:$err" "0:" "application channel genesis with three orgs"
decode block "$d/app3.block" >"$tmp/a.json"
is "$(get "$tmp/a.json" $C/groups/Consortiums)$(get "$tmp/a.json" $C/values/Consortium)" undefinedundefined \
	"  no Consortiums group, no Consortium value"
for o in "Org1MSP peer0.org1 7051" "Org2MSP peer0.org2 8051" "Org3MSP peer0.org3 9051"; do
	set -- $o
	is "$(get "$tmp/a.json" $C/groups/Application/groups/$1/values/AnchorPeers/value/anchor_peers)" \
		"[{\"host\":\"$2\",\"port\":$3}]" "  $1 anchor peer in block 0"
done
is "$(get "$tmp/a.json" $C/groups/Application/policies/Nested/policy/value)" \
	'{"identities":[{"principal":{"msp_identifier":"Org3MSP","role":"CLIENT"},"principal_classification":"ROLE"},{"principal":{"msp_identifier":"Org1MSP","role":"ORDERER"},"principal_classification":"ROLE"},{"principal":{"msp_identifier":"Org2MSP","role":"MEMBER"},"principal_classification":"ROLE"},{"principal":{"msp_identifier":"Org1MSP","role":"ADMIN"},"principal_classification":"ROLE"}],"rule":{"n_out_of":{"n":1,"rules":[{"signed_by":3},{"n_out_of":{"n":2,"rules":[{"signed_by":2},{"n_out_of":{"n":1,"rules":[{"signed_by":0},{"signed_by":1}]}}]}}]}},"version":0}' \
	"  nested OR/AND policy, identities numbered as Fabric's parser does"
txgen -configPath "$cfg" -profile ThreeOrgsApp -channelID app3 -asOrg Org3MSP -outputAnchorPeersUpdate "$d/o3.tx"
decode envelope "$d/o3.tx" >"$tmp/o3.json"
U=payload/data/config_update
is "$(get "$tmp/o3.json" $U/read_set/groups/Application/version)/$(get "$tmp/o3.json" $U/read_set/groups/Application/groups/Org3MSP/version)/$(get "$tmp/o3.json" $U/write_set/groups/Application/groups/Org3MSP/version)" \
	'"0"/"0"/"1"' "  its anchor update: read set Application v0, org v0; write set org v1"
is "$(get "$tmp/o3.json" $U/write_set/groups/Application/groups/Org3MSP/values/AnchorPeers)" \
	'{"mod_policy":"Admins","value":{"anchor_peers":[{"host":"peer0.org3","port":9051}]},"version":"0"}' "  carrying AnchorPeers"
is "$(get "$tmp/o3.json" $U/write_set/groups/Application/groups/Org1MSP)" undefined "  and no other org"

sed 's/Name: Org3MSP/Name: ThirdOrg/' "$cfg/configtx.yaml" >"$tmp/third.yaml"
mkdir -p "$tmp/third" && cp "$tmp/third.yaml" "$tmp/third/configtx.yaml"
for l in crypto-config crypto-raft crypto-14; do ln -s "$cfg/$l" "$tmp/third/$l"; done
txgen -configPath "$tmp/third" -profile ThreeOrgsApp -channelID app3 -asOrg Org3MSP -outputAnchorPeersUpdate "$d/third.tx"
decode envelope "$d/third.tx" >"$tmp/third.json"
is "$(get "$tmp/third.json" $U/write_set/groups/Application/groups/ThirdOrg/version)" '"1"' \
	"-asOrg takes the MSP ID too (the group is the org's Name)"

# ---- a rule nested as deep as the policy language allows (32 gates) ----
deep=$tmp/deep
mkdir -p "$deep"
ln -s "$S25/two-org-solo/crypto-config" "$deep/crypto-config"
rule="'Org1MSP.member'"
i=0
while [ $i -lt 32 ]; do rule="OR($rule, 'Org1MSP.admin')"; i=$((i + 1)); done
cat >"$deep/configtx.yaml" <<YAML
Organizations:
  - &Ord
    Name: OrdererOrg
    ID: Orgorderer1MSP
    MSPDir: crypto-config/ordererOrganizations/orgorderer1/msp
    Policies: &Pol
      Readers: { Type: Signature, Rule: "OR('Orgorderer1MSP.member')" }
      Writers: { Type: Signature, Rule: "OR('Orgorderer1MSP.member')" }
      Admins: { Type: Signature, Rule: "$rule" }
Profiles:
  Deep:
    Policies: &Std
      Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
      Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
      Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    Capabilities: { V2_0: true }
    Orderer:
      OrdererType: solo
      Organizations: [ *Ord ]
      Policies: { <<: *Std, BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" } }
    Consortiums: { C: { Organizations: [ *Ord ] } }
YAML
txgen -configPath "$deep" -profile Deep -channelID sys -outputBlock "$tmp/deep.block"
ok $? "a Signature rule nested 32 gates deep: the block is made"
run txgen -inspectBlock "$tmp/deep.block"
is "$rc" 0 "and txgen inspects it (it refused nesting past 64 messages before)"
printf '%s\n' "$out" >"$tmp/deep-txgen.json"
decode block "$tmp/deep.block" >"$tmp/deep-node.json"
cmp -s "$tmp/deep-txgen.json" "$tmp/deep-node.json"
ok $? "as the npm decoder does, byte for byte (protobufjs reads 100 nested messages at most)"
sed -i "s/Rule: \"OR(OR/Rule: \"OR(OR(OR/; s/'Org1MSP.admin')\" }/'Org1MSP.admin'))\" }/" "$deep/configtx.yaml"
run txgen -configPath "$deep" -profile Deep -channelID sys -outputBlock "$tmp/deeper.block"
like "$rc:$err" "^1:txgen: .*configtx.yaml:9:40: .*Admins.Rule: invalid Signature rule .*: rule nested more than 32 levels deep" \
	"a 33rd gate is refused"

# ---- bad input: a message with file:line, exit status 1, no output ----
bad() { # DESCRIPTION REGEX YAML-EDIT(sed) [PROFILE]
	mkdir -p "$tmp/bad"
	sed -E "$3" "$cfg/configtx.yaml" >"$tmp/bad/configtx.yaml"
	for l in crypto-config crypto-raft crypto-14; do ln -sfn "$cfg/$l" "$tmp/bad/$l"; done
	rm -f "$tmp/bad/out.block"
	run txgen -configPath "$tmp/bad" -profile "${4:-ThreeOrgsApp}" -channelID c -outputBlock "$tmp/bad/out.block"
	is "$rc" 1 "$1: exit status 1"
	like "$err" "$2" "$1: message"
	ok "$(test ! -e "$tmp/bad/out.block"; echo $?)" "$1: no output"
}
bad "unknown profile" "configtx.yaml: unknown profile Nope \(the profiles are: Raft3, Kafka, ThreeOrgsApp\)" "s/x/x/" Nope
bad "undefined org" "configtx.yaml:[0-9]+:[0-9]+: alias \*Org9 names no complete anchor" "s/\*Org1, \*Org2, \*Org3 ]$/*Org1, *Org9 ]/"
bad "missing MSPDir" "configtx.yaml:33:13: Profiles.ThreeOrgsApp.Application.Organizations\[2\].MSPDir: MSP directory .*crypto-raft/peerOrganizations/nowhere/msp: no such directory" \
	"s#crypto-raft/peerOrganizations/org1/msp#crypto-raft/peerOrganizations/nowhere/msp#"
mkdir -p "$tmp/emptymsp/cacerts"
cp -r "$S25/two-org-solo/crypto-config/peerOrganizations/org1/msp/tlscacerts" "$tmp/emptymsp/"
bad "empty cacerts" "MSPDir: no CA certificate in .*emptymsp/cacerts" "s#crypto-raft/peerOrganizations/org1/msp#$tmp/emptymsp#"
bad "unparseable policy rule" "configtx.yaml:68:13: Profiles.ThreeOrgsApp.Application.Policies.Nested.Rule: invalid Signature rule .* column 83: unexpected end of the rule \(expected '\)'\)" \
	"s/'Org1MSP.orderer'\)\)\)/'Org1MSP.orderer'))/"
bad "bad role" "Policies.Readers.Rule: invalid Signature rule \"OR\('Org2MSP.reader'\)\": column 4: invalid principal 'Org2MSP.reader': the role must be" \
	"s/OR\('Org2MSP.member'\)\" \}$/OR('Org2MSP.reader')\" }/"
bad "bad ImplicitMeta rule" "Rule: invalid ImplicitMeta rule \"SOME Readers\": unknown rule type 'SOME'" "0,/ANY Readers/s//SOME Readers/"
bad "bad duration" "configtx.yaml:[0-9]+:[0-9]+: Profiles.ThreeOrgsApp.Orderer.BatchTimeout: \"90 seconds\" is not a duration" "s/BatchTimeout: 90s/BatchTimeout: 90 seconds/"
bad "bad size" "Orderer.BatchSize.AbsoluteMaxBytes: expected a number up to 4294967295 \(or a size such as 98 MB\), got \"10 XB\"" "s/10 MB/10 XB/"
bad "size overflow" "AbsoluteMaxBytes: \"5 GB\" overflows 32 bits" "s/10 MB/5 GB/"
bad "preferred above absolute" "PreferredMaxBytes \(20971520\) is greater than AbsoluteMaxBytes \(10485760\)" "s/1mb/20 MB/"
bad "unknown key" "Profiles.ThreeOrgsApp.Orderer.BatchTimeOut2: unknown key" "s/BatchTimeout: 90s/BatchTimeout: 90s\n  BatchTimeOut2: 1s/"
bad "missing Admins policy" "configtx.yaml:43:5: Profiles.ThreeOrgsApp.Policies: no Admins policy defined \(the channel needs Readers, Writers and Admins\)" "0,/    Admins: \{ Type: ImplicitMeta/s//    Admin: { Type: ImplicitMeta/"
bad "unknown orderer type" "OrdererType: unknown orderer type \"bft\"" "s/OrdererType: etcdraft$/OrdererType: bft/"
# an application channel's genesis block is for channel participation, which solo and kafka cannot do
for t in solo kafka; do
	bad "participation genesis with $t" "configtx.yaml:[0-9]+:[0-9]+: Profiles.ThreeOrgsApp.Orderer.OrdererType: orderer type $t in an application channel's genesis block .*a $t orderer refuses the join" \
		"s/^(      OrdererType: )etcdraft$/\\1$t/"
done
sed -E 's/^(      OrdererType: )etcdraft$/\1solo/' "$cfg/configtx.yaml" >"$tmp/bad/configtx.yaml"
run txgen -configPath "$tmp/bad" -profile ThreeOrgsApp -channelID c -skipPreflight -outputBlock "$tmp/bad/out.block"
is "$rc:$err" "0:" "participation genesis with solo: made with -skipPreflight, as configtxgen makes it"
bad "channel profile without policies" "Profiles.ThreeOrgsApp: no channel-level Policies" "/^  POLICIES:/,+3d"
bad "election tick not above heartbeat" "ElectionTick: the election tick \(1\) must be greater than the heartbeat tick \(1\)" \
	"s/TickInterval: 250ms,/TickInterval: 250ms, ElectionTick: 1,/" Raft3
bad "unreadable consenter certificate" "ClientTLSCert: cannot load .*nowhere.crt for consenter orderer1.example:8050" \
	"s#ClientTLSCert: crypto-raft/[^,]*#ClientTLSCert: nowhere.crt#" Raft3
bad "preflight V1_3 with OU-only admins" "channel capability V1_3 is below V1_4_3, and org Org1MSP" "s/Channel: &ChanCaps \{ V2_0: true \}/Channel: \&ChanCaps { V1_3: true }/"

run txgen -configPath "$cfg" -profile ThreeOrgsApp -outputBlock "$tmp/x.block"
is "$rc" 2 "no -channelID: usage error"
like "$err" "missing channelID" "  says so"
run txgen -configPath "$cfg" -profile ThreeOrgsApp -channelID c -asOrg Org4MSP -outputAnchorPeersUpdate "$tmp/x.tx"
like "$rc:$err" "^1:.*org with name 'Org4MSP' does not exist" "anchors of an unknown org"
run txgen -configPath "$cfg" -profile Kafka -channelID c -outputCreateChannelTx "$tmp/x.tx"
like "$rc:$err" "^1:.*cannot define a new channel with no Application section" "channel tx from a genesis profile"
ok "$(test ! -e "$tmp/x.tx"; echo $?)" "  leaves no file"
printf 'garbage' >"$tmp/g.block"
run txgen -inspectBlock "$tmp/g.block"
like "$rc:$err" "^1:.*g.block: malformed Block message" "inspect of a non-block"
run txgen -configPath "$tmp/nowhere" -profile X -channelID c -outputBlock "$tmp/x.block"
like "$rc:$err" "^1:.*cannot find configtx.yaml in .*nowhere" "no configtx.yaml"

done_testing
