#!/bin/sh
# txgen as a drop-in for configtxgen 3.1: BFT (SmartBFT) ordering and the
# rules of the channel capability V3_0, against configtxgen 3.1's
# artifacts and configtxlator 3.1's JSON (fixtures/fabric-3.1), decoded by
# an independent decoder (tests/node/decode.js on the npm packages
# fabric-protos and @hyperledger/fabric-protos, printing as configtxlator
# 3.x prints):
#   - the decoder, and txgen's -inspect*, against configtxlator 3.1's JSON
#     of every fixture artifact;
#   - txgen's artifact of every fixture profile (test-network's BFT shape,
#     one profile of each kind of Fabric 3.1's sample configuration, and
#     the BFT channel of the config update tests with each of its changes)
#     against configtxgen 3.1's, and -printOrg;
#   - the consenters, the BlockValidation quorum (1 to 7 consenters) and
#     the SmartBFT options, one by one;
#   - what configtxgen 3.1 refuses, with file, line and field, and the
#     preflight refusals of what Fabric 3's orderers refuse;
#   - with the real tools at hand (FABRIC3_BIN, or the Fabric 3.1 archive
#     beside this tree), configtxgen 3.1 on the same variations: the same
#     blocks, and a refusal wherever txgen refuses but for the preflight.
. "$TOP/tests/lib.sh"

umask 022       # the fixtures were made with umask 022
F31=$FIXTURES/fabric-3.1
TN=$F31/test-network-bft
SP=$F31/sample-profiles
C=data/data/0/payload/data/config/channel_group
O=$C/groups/Orderer
decode() { node "$TOP/tests/node/decode.js" "$@"; }
get() { node "$TOP/tests/node/get.js" "$@"; }
# What changes on every run: time, nonce, transaction id, and the data hash over them.
norm() { sed -E 's/"(timestamp|tx_id|nonce|data_hash)": ("[^"]*"|null)/"\1": "X"/' "$1"; }
b64() { base64 -w0 "$1"; }
# same_json A B DESCRIPTION: two files of JSON are equal (a diff when not)
same_json() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff "$1" "$2" | cut -c1-160 | head -20 | sed 's/^/# /'
	fi
}

if ! node -e 'require("fabric-protos"); require("@hyperledger/fabric-protos")' 2>/dev/null; then
	echo "1..0 # SKIP the npm decoders are missing: run through make check"
	exit 0
fi
# the real tools, if the environment names them (before the cd below)
FB=
[ -n "${FABRIC3_BIN:-}" ] && FB=$(cd "$FABRIC3_BIN" 2>/dev/null && pwd)
cd "$tmp" || exit 1

# ---- the decoders agree with configtxlator 3.1 on every fixture artifact ----
for f in "$F31"/*/channel-artifacts/*; do
	set_dir=$(dirname "$(dirname "$f")")
	name=$(basename "$f")
	label=${set_dir#"$F31"/}/$name
	case $name in
	*.block) kind=block flag=-inspectBlock ;;
	*) kind=envelope flag=-inspectChannelCreateTx ;;
	esac
	decode $kind "$f" 3 >d.json
	same_json d.json "$set_dir/json/$name.json" "node decoder (3.x) matches configtxlator 3.1: $label"
	txgen $flag "$f" >i.json
	if [ $kind = block ]; then
		same_json i.json "$set_dir/json/$name.json" "txgen $flag matches configtxlator 3.1 byte for byte: $label"
	else
		# a channel creation transaction is of Fabric 2's flow: printed as 2.x does
		decode envelope "$f" >d2.json
		same_json i.json d2.json "txgen $flag prints as configtxlator 2.x (empty bytes as null): $label"
	fi
done

# same_as_fixture ARTIFACT SET NAME WHAT: mode, decoded content, -inspect of one artifact of ours
same_as_fixture() {
	a=$1 set=$2 name=$3 what=$4
	case $name in
	*.block) kind=block flag=-inspectBlock v=3 ;;
	*) kind=envelope flag=-inspectChannelCreateTx v= ;;
	esac
	is "$(stat -c %a "$a" 2>/dev/null)" 640 "$what: mode 0640 as configtxgen"
	decode $kind "$a" 3 >ours3.json
	norm ours3.json >a.json
	norm "$set/json/$name.json" >b.json
	same_json a.json b.json "$what: decodes like configtxgen 3.1's (except time, nonce, tx id, data hash)"
	decode $kind "$a" $v >ours.json
	txgen $flag "$a" >insp.json
	same_json insp.json ours.json "$what: txgen's $flag equals the independent decoding"
}

# ---- test-network's BFT shape, with its own command (from its directory) ----
run sh -c 'cd "$1" && exec txgen -configPath configtx -profile ChannelUsingBFT \
	-outputBlock "$2" -channelID mychannel' _ "$TN" "$tmp/tn/mychannel.block"
is "$rc:$err" "0:" "test-network BFT: txgen writes mychannel.block, as configtxgen 3.1 does"
same_as_fixture tn/mychannel.block "$TN" mychannel.block "test-network BFT mychannel.block"
for org in OrdererOrg Org1MSP Org2MSP; do
	txgen -configPath "$TN/configtx" -printOrg $org >org.json
	same_json org.json "$TN/printOrg/$org.json" "test-network BFT: -printOrg $org equals configtxgen 3.1's"
done

# ---- the BFT channel of the config updates, and each change of it (its updates/) ----
BU=$F31/two-org-bft-participation
run txgen -configPath "$BU" -profile TwoOrgsBFTGenesis -channelID mychannel -outputBlock bu/mychannel.block
is "$rc:$err" "0:" "two-org-bft-participation: txgen writes mychannel.block"
same_as_fixture bu/mychannel.block "$BU" mychannel.block "two-org-bft-participation mychannel.block"
for b in "$BU"/updates/*/mychannel.block; do
	v=$(basename "$(dirname "$b")")
	run txgen -configPath "$BU/updates/$v" -profile TwoOrgsBFTGenesis -channelID mychannel -outputBlock "bu/$v.block"
	decode block "bu/$v.block" 3 | norm /dev/stdin >a.json
	decode block "$b" 3 | norm /dev/stdin >b.json
	same_json a.json b.json "two-org-bft-participation, $v: txgen's block decodes as configtxgen 3.1's"
done

# ---- a profile of each kind of Fabric 3.1's sample configuration, and two of BFT ----
# PROFILE CHANNEL PREFLIGHT: what txgen's preflight refuses (which -skipPreflight writes)
for spec in DemoSoloSystem:syschannel:system DemoInsecureSolo:syschannel:system \
	DemoDevModeSolo:syschannel:system DemoDevModeEtcdRaft:syschannel:system \
	DemoAppChannelInsecureSolo:mychannel:participation DemoAppChannelEtcdRaft:mychannel: \
	DemoAppChannelSmartBft:mychannel: DemoAppChannelBftDefaults:mychannel: DemoAppChannelBftCase:mychannel:; do
	IFS=: read -r p ch pre <<EOF
$spec
EOF
	skip=
	if [ -n "$pre" ]; then
		run txgen -configPath "$SP" -profile $p -channelID $ch -outputBlock sp/$p.block
		case $pre in
		system) want="Profiles\.$p\.Consortiums: a system channel's genesis block \(Consortiums\) with the channel capability V3_0: Fabric 3's orderers have no system channel" ;;
		*) want="Profiles\.$p\.Orderer\.OrdererType: orderer type solo in an application channel's genesis block" ;;
		esac
		like "$rc:$err" "^1:txgen: [^ ]*configtx.yaml:[0-9]+:[0-9]+: $want" "$p: refused by the preflight ($pre)"
		ok "$(test ! -e sp/$p.block; echo $?)" "$p: and not written"
		skip=-skipPreflight
	fi
	run txgen $skip -configPath "$SP" -profile $p -channelID $ch -outputBlock sp/$p.block
	# (fewer than four BFT consenters: written, with a note of what they tolerate)
	is "$rc:$(printf '%s\n' "$err" | grep -v 'BFT consenters\{0,1\} tolerates\{0,1\} no faulty orderer')" "0:" \
		"$p: written${skip:+ with $skip}, as configtxgen 3.1 writes it"
	same_as_fixture sp/$p.block "$SP" $p.block "sample-profiles $p"
done
run txgen -configPath "$SP" -profile DemoChannel -channelID mychannel -outputBlock sp/DemoChannel.block
like "$rc:$err" "^1:txgen: refusing to generate a block without an Orderer section" \
	"DemoChannel: no block of a profile without Orderer, as configtxgen 3.1 refuses"
run txgen -configPath "$SP" -profile DemoChannel -channelID mychannel -outputCreateChannelTx sp/DemoChannel.tx
is "$rc:$err" "0:" "DemoChannel: its channel creation transaction, which configtxgen 3.1 still writes"
same_as_fixture sp/DemoChannel.tx "$SP" DemoChannel.tx "sample-profiles DemoChannel.tx"
txgen -configPath "$SP" -printOrg DemoOrg >org.json
same_json org.json "$SP/printOrg/DemoOrg.json" "sample-profiles: -printOrg DemoOrg equals configtxgen 3.1's"

# ---- what the BFT block holds, one by one (txgen's test-network block) ----
decode block tn/mychannel.block 3 >tn.json
N=$TN/organizations/ordererOrganizations/example.com/orderers
is "$(get tn.json $O/values/ConsensusType/value/type)" '"BFT"' "ConsensusType BFT"
i=0
for c in orderer:7050 orderer2:7052 orderer3:7056 orderer4:7058; do
	h=${c%:*}.example.com port=${c#*:}
	id=$(b64 "$N/$h/msp/signcerts/$h-cert.pem") tls=$(b64 "$N/$h/tls/server.crt")
	is "$(get tn.json $O/values/Orderers/value/consenter_mapping/$i)" \
		"{\"client_tls_cert\":\"$tls\",\"host\":\"$h\",\"id\":$((i + 1)),\"identity\":\"$id\",\"msp_id\":\"OrdererMSP\",\"port\":$port,\"server_tls_cert\":\"$tls\"}" \
		"Orderers: consenter $((i + 1)) $h:$port with its files' bytes"
	is "$(get tn.json $O/policies/BlockValidation/policy/value/identities/$i)" \
		"{\"principal\":{\"id_bytes\":\"$id\",\"mspid\":\"OrdererMSP\"},\"principal_classification\":\"IDENTITY\"}" \
		"BlockValidation: identity $i is consenter $((i + 1))'s signing certificate"
	i=$((i + 1))
done
is "$(get tn.json $O/policies/BlockValidation/policy/value/rule)" \
	'{"n_out_of":{"n":3,"rules":[{"signed_by":0},{"signed_by":1},{"signed_by":2},{"signed_by":3}]}}' \
	"BlockValidation: 3 of the 4 consenters (quorum of n = 4, f = 1)"
is "$(get tn.json $O/policies/BlockValidation/mod_policy)/$(get tn.json $O/policies/BlockValidation/policy/type)" \
	'"Admins"/1' "BlockValidation: a signature policy, its mod_policy kept"
is "$(get tn.json $C/values/OrdererAddresses)" undefined "no channel-wide OrdererAddresses (V3_0)"
is "$(get tn.json $O/groups/OrdererOrg/values/Endpoints/value/addresses)" \
	'["orderer.example.com:7050","orderer2.example.com:7052","orderer3.example.com:7056","orderer4.example.com:7058"]' \
	"the orderer org's OrdererEndpoints"
decode block sp/DemoAppChannelBftDefaults.block 3 >def.json
is "$(get def.json $O/values/ConsensusType/value/metadata)" \
	'{"collect_timeout":"1s","decisions_per_leader":"0","incoming_message_buffer_size":"200","leader_heartbeat_count":"10","leader_heartbeat_timeout":"1m0s","leader_rotation":"ROTATION_UNSPECIFIED","request_auto_remove_timeout":"3m0s","request_batch_max_bytes":"10485760","request_batch_max_count":"100","request_batch_max_interval":"50ms","request_complain_timeout":"20s","request_forward_timeout":"2s","request_max_bytes":"0","request_pool_size":"400","speed_up_view_change":false,"sync_on_start":false,"view_change_resend_interval":"5s","view_change_timeout":"20s"}' \
	"no SmartBFT section: the SmartBFT library's defaults"
is "$(get def.json $O/values/Orderers/value/consenter_mapping | tr ',' '\n' | grep -c '"id"'):$(get def.json $O/policies/BlockValidation/policy/value/rule/n_out_of/n)" \
	"3:2" "3 consenters (IDs out of order): a quorum of 2"
decode block sp/DemoAppChannelSmartBft.block 3 >part.json
is "$(get part.json $O/values/ConsensusType/value/metadata/request_batch_max_count)/$(get part.json $O/values/ConsensusType/value/metadata/request_pool_size)" \
	'"0"/"100000"' "a SmartBFT section given in part: what it leaves out is zero"

# ---- variations of one BFT profile (and the real configtxgen on them, below) ----
mkdir -p base
cons() { # cons ID NODE PORT: a consenter of the sample-profiles set
	d=crypto/ordererOrganizations/demo.example/orderers/$2.demo.example
	printf '        - { ID: %s, Host: %s.demo.example, Port: %s, MSPID: DemoMSP, Identity: %s, ClientTLSCert: %s, ServerTLSCert: %s }\n' \
		"$1" "$2" "$3" "$d/msp/signcerts/$2.demo.example-cert.pem" "$d/tls/server.crt" "$d/tls/server.crt"
}
cat >base/head.yaml <<'YAML'
Organizations:
  - &Demo
    Name: DemoOrg
    ID: DemoMSP
    MSPDir: crypto/ordererOrganizations/demo.example/msp
    Policies:
      Readers: { Type: Signature, Rule: "OR('DemoMSP.member')" }
      Writers: { Type: Signature, Rule: "OR('DemoMSP.member')" }
      Admins: { Type: Signature, Rule: "OR('DemoMSP.admin')" }
    OrdererEndpoints: [ "bft0.demo.example:7050", "bft1.demo.example:7050" ]
Profiles:
  Bft:
    Policies: &Std
      Readers: { Type: ImplicitMeta, Rule: "ANY Readers" }
      Writers: { Type: ImplicitMeta, Rule: "ANY Writers" }
      Admins: { Type: ImplicitMeta, Rule: "MAJORITY Admins" }
    Capabilities: { V3_0: true }
    Orderer:
      OrdererType: BFT
      BatchSize: { MaxMessageCount: 100, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: 2 MB }
      Organizations: [ *Demo ]
      Policies: { <<: *Std, BlockValidation: { Type: ImplicitMeta, Rule: "ANY Writers" } }
      SmartBFT:
        RequestBatchMaxInterval: 100ms
        IncomingMessageBufferSize: 100
        RequestPoolSize: 1000
        RequestForwardTimeout: 3s
        RequestComplainTimeout: 30s
        RequestAutoRemoveTimeout: 4m
        ViewChangeResendInterval: 5s
        ViewChangeTimeout: 25s
        LeaderHeartbeatTimeout: 90s
        LeaderHeartbeatCount: 8
        CollectTimeout: 2s
      ConsenterMapping:
YAML
cat >base/tail.yaml <<'YAML'
    Application:
      Organizations: [ *Demo ]
      Policies: *Std
YAML
# with_consenters N DIR: the profile with N consenters (the four nodes in turn), into DIR
with_consenters() {
	mkdir -p "$2" && ln -sfn "$SP/crypto-config" "$2/crypto"
	{
		cat base/head.yaml
		i=1
		while [ $i -le "$1" ]; do
			cons $i bft$(((i - 1) % 4)) $((7049 + i))
			i=$((i + 1))
		done
		cat base/tail.yaml
	} >"$2/configtx.yaml"
}
with_consenters 4 base
# a PEM file that holds no certificate
printf -- '-----BEGIN PUBLIC KEY-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END PUBLIC KEY-----\n' >base/not-a-cert.pem
line() { grep -n "$1" base/configtx.yaml | head -1 | cut -d: -f1; }

# variant NAME SED: base/configtx.yaml edited by SED (a GNU sed script) into NAME/configtx.yaml
variant() {
	mkdir -p "$1" && ln -sfn "$SP/crypto-config" "$1/crypto" && cp base/not-a-cert.pem "$1/"
	sed -E "$2" base/configtx.yaml >"$1/configtx.yaml"
}
GOOD="base"
for n in 1 2 3 4 5 6 7; do with_consenters $n q$n; GOOD="$GOOD q$n"; done
variant absent '/^      SmartBFT:$/,/^        CollectTimeout:/d'
variant null '/^      SmartBFT:$/,/^        CollectTimeout:/{/^      SmartBFT:$/!d}'
variant every 's/^        CollectTimeout: 2s$/        CollectTimeout: 2s\n        RequestBatchMaxCount: 7\n        RequestBatchMaxBytes: 0x100000\n        RequestMaxBytes: 4096\n        SyncOnStart: true\n        SpeedUpViewChange: true\n        LeaderRotation: 1\n        DecisionsPerLeader: 0/'
variant lower 's/^      SmartBFT:$/      smartbft:/; s/RequestPoolSize:/requestpoolsize:/; s/\{ ID: 2, Host:/{ id: 2, host:/'
GOOD="$GOOD absent null every lower"

expect_quorum="1:1 2:2 3:2 4:3 5:4 6:4 7:5"
for v in $GOOD; do
	run txgen -configPath $v -profile Bft -channelID bft -outputBlock $v/txgen.block
	case $v in
	q[123])
		like "$rc:$err" "^0:txgen: note: Bft's ${v#q} BFT consenters? tolerates? no faulty orderer: SmartBFT tolerates f with 3f\\+1 consenters, so four for one$" \
			"variant $v: written, with the note that fewer than four consenters tolerate no fault" ;;
	*) is "$rc:$err" "0:" "variant $v: written" ;;
	esac
done
for q in $expect_quorum; do
	n=${q%:*}
	decode block q$n/txgen.block 3 >q.json
	is "$(get q.json $O/policies/BlockValidation/policy/value/rule/n_out_of/n):$(get q.json $O/policies/BlockValidation/policy/value/identities | tr ',' '\n' | grep -c IDENTITY)" \
		"${q#*:}:$n" "BlockValidation of $n consenters: ${q#*:} of the $n identities, ceil((n + f + 1) / 2) with f = (n - 1) / 3"
done
decode block absent/txgen.block 3 >a.json
decode block null/txgen.block 3 >n.json
is "$(get a.json $O/values/ConsensusType/value/metadata)" "$(get def.json $O/values/ConsensusType/value/metadata)" \
	"SmartBFT absent: configtxgen's defaults"
is "$(get n.json $O/values/ConsensusType/value/metadata)" "$(get def.json $O/values/ConsensusType/value/metadata)" \
	"SmartBFT null: configtxgen's defaults too"
decode block every/txgen.block 3 >e.json
is "$(get e.json $O/values/ConsensusType/value/metadata)" \
	'{"collect_timeout":"2s","decisions_per_leader":"0","incoming_message_buffer_size":"100","leader_heartbeat_count":"8","leader_heartbeat_timeout":"90s","leader_rotation":"ROTATION_OFF","request_auto_remove_timeout":"4m","request_batch_max_bytes":"1048576","request_batch_max_count":"7","request_batch_max_interval":"100ms","request_complain_timeout":"30s","request_forward_timeout":"3s","request_max_bytes":"4096","request_pool_size":"1000","speed_up_view_change":true,"sync_on_start":true,"view_change_resend_interval":"5s","view_change_timeout":"25s"}' \
	"every SmartBFT option, durations as written"
decode block lower/txgen.block 3 >l.json
is "$(get l.json $O/values/ConsensusType/value/metadata/request_pool_size)/$(get l.json $O/values/Orderers/value/consenter_mapping/1/id)" \
	'"1000"/2' "keys in other cases"

# ---- refusals: what configtxgen 3.1 refuses, and the preflight's ----
# bad NAME KIND REGEX SED: the variant is refused with REGEX (after "txgen: NAME/configtx.yaml:"),
# exit status 1, nothing written.  KIND: error (configtxgen 3.1 refuses it too), preflight
# (configtxgen writes it, and so does txgen -skipPreflight), or stricter (configtxgen takes
# it, as nonsense: a negative number wraps around)
BAD=
bad() {
	variant "$1" "$4"
	BAD="$BAD $1:$2"
	run txgen -configPath "$1" -profile Bft -channelID bft -outputBlock "$1/txgen.block"
	is "$rc" 1 "$1: exit status 1"
	like "$err" "^txgen: $1/configtx.yaml:$3" "$1: the message"
	ok "$(test ! -e "$1/txgen.block"; echo $?)" "$1: nothing written"
	if [ "$2" = preflight ]; then
		like "$err" "note: .*-skipPreflight generates it anyway" "$1: -skipPreflight named"
		run txgen -skipPreflight -configPath "$1" -profile Bft -channelID bft -outputBlock "$1/txgen.block"
		is "$rc:$err" "0:" "$1: written with -skipPreflight"
	fi
}
l=$(line 'OrdererType: BFT')
bad no-v3 error "$l:20: Profiles\.Bft\.Orderer\.OrdererType: orderer type BFT needs the channel capability V3_0" \
	's/\{ V3_0: true \}/{ V2_0: true }/'
bad v3-false error "$l:20: .*OrdererType: orderer type BFT needs the channel capability V3_0" \
	's/\{ V3_0: true \}/{ V3_0: false, V2_0: true }/'
bad v3-lower-case error "$l:20: .*OrdererType: orderer type BFT needs the channel capability V3_0" \
	's/\{ V3_0: true \}/{ v3_0: true }/'
bad type-case error "$l:20: Profiles\.Bft\.Orderer\.OrdererType: unknown orderer type \"bft\" \(orderer types are case-sensitive: BFT\)" \
	's/OrdererType: BFT/OrdererType: bft/'
bad kafka error "$l:20: Profiles\.Bft\.Orderer\.OrdererType: orderer type kafka with the channel capability V3_0: Fabric 3 has no kafka ordering" \
	's/OrdererType: BFT/OrdererType: kafka/'
bad unknown-type error "$l:20: Profiles\.Bft\.Orderer\.OrdererType: unknown orderer type \"pbft\" \(expected solo, etcdraft or BFT\)" \
	's/OrdererType: BFT/OrdererType: pbft/'
bad addresses error "$((l + 1)):[0-9]+: Profiles\.Bft\.Orderer\.Addresses: the channel capability V3_0 takes no channel-wide orderer addresses" \
	's/^(      OrdererType: BFT)$/\1\n      Addresses: [ "bft0.demo.example:7050" ]/'
bad no-endpoints error "2:5: Profiles\.Bft\.Orderer\.Organizations\[0\]\.OrdererEndpoints: required with the channel capability V3_0, and missing" \
	'/OrdererEndpoints/d'
l=$(line 'CollectTimeout:')
bad smartbft-key error "$l:9: Profiles\.Bft\.Orderer\.SmartBFT\.CollectTimout: unknown key \(expected one of: RequestBatchMaxCount, " \
	's/CollectTimeout:/CollectTimout:/'
l=$(line 'RequestPoolSize:')
bad smartbft-size error "$l:26: Profiles\.Bft\.Orderer\.SmartBFT\.RequestPoolSize: expected a whole number up to 18446744073709551615 \(configtxgen takes no size unit here\), got 1 k" \
	's/RequestPoolSize: 1000/RequestPoolSize: 1 k/'
bad smartbft-negative stricter "$l:26: .*RequestPoolSize: expected a whole number .*, got -1" \
	's/RequestPoolSize: 1000/RequestPoolSize: -1/'
bad rotation-name error "$((l + 1)):[0-9]+: .*SmartBFT\.LeaderRotation: expected 0 \(ROTATION_UNSPECIFIED\), 1 \(ROTATION_OFF\) or 2 \(ROTATION_ON\), got ROTATION_OFF" \
	's/^(        RequestPoolSize: 1000)$/\1\n        LeaderRotation: ROTATION_OFF/'
bad smartbft-list error "[0-9]+:[0-9]+: Profiles\.Bft\.Orderer\.SmartBFT: expected a mapping, got a sequence" \
	'/^      SmartBFT:$/,/^        CollectTimeout:/{s/^      SmartBFT:$/      SmartBFT: [ 1 ]/;/^      SmartBFT/!d}'
l=$(line '{ ID: 2,')
bad cert-missing error "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.ClientTLSCert: cannot load [^ ]*/bft1\.demo\.example/tls/nowhere\.crt for consenter bft1\.demo\.example:7051: No such file or directory" \
	'/ID: 2,/s#ClientTLSCert: ([^,]*)/server\.crt#ClientTLSCert: \1/nowhere.crt#'
bad identity-missing error "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.Identity: cannot load [^ ]*nowhere\.pem for consenter bft1\.demo\.example:7051" \
	'/ID: 2,/s#Identity: [^,]*#Identity: nowhere.pem#'
bad no-identity error "$l:11: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.Identity: required, and missing: the certificate it signs blocks with \(consenter bft1\.demo\.example:7051\)" \
	'/ID: 2,/s#Identity: [^,]*, ##'
bad no-mspid error "$l:11: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.MSPID: required, and missing: the MSP ID of its org" \
	'/ID: 2,/s#MSPID: DemoMSP, ##'
bad no-port error "$l:11: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]: a consenter needs a Host and a Port" \
	'/ID: 2,/s#Port: 7051, ##'
bad consenter-key error "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.Weight: unknown key \(expected one of: ID, Host, Port, MSPID, Identity, ClientTLSCert, ServerTLSCert\)" \
	'/ID: 2,/s#\{ ID: 2,#{ ID: 2, Weight: 1,#'
bad no-consenters error "[0-9]+:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping: BFT needs at least one consenter" \
	'/\{ ID: /d'
bad duplicate-id preflight "$l:17: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.ID: consenter ID 1 again: ConsenterMapping\[0\] \(line $((l - 1))\) has it, and SmartBFT refuses two consenters with one ID" \
	's/\{ ID: 2,/{ ID: 1,/'
bad id-zero preflight "$((l - 1)):17: Profiles\.Bft\.Orderer\.ConsenterMapping\[0\]\.ID: consenter bft0\.demo\.example:7050 has the ID 0, which SmartBFT refuses" \
	's/\{ ID: 1,/{ ID: 0,/'
bad identity-not-pem preflight "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.Identity: configtx\.yaml holds no PEM certificate: the orderers refuse consenter bft1\.demo\.example:7051" \
	'/ID: 2,/s#Identity: [^,]*#Identity: configtx.yaml#'
bad tls-not-pem preflight "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.ServerTLSCert: not-a-cert\.pem holds no PEM certificate" \
	'/ID: 2,/s#ServerTLSCert: [^ ]*#ServerTLSCert: not-a-cert.pem#'
bad unknown-mspid preflight "$l:[0-9]+: Profiles\.Bft\.Orderer\.ConsenterMapping\[1\]\.MSPID: no org of the channel has the MSP ID \"OtherMSP\"" \
	'/ID: 2,/s#MSPID: DemoMSP#MSPID: OtherMSP#'
l=$(line '      SmartBFT:')
bad smartbft-in-part preflight "$((l + 1)):9: Profiles\.Bft\.Orderer\.SmartBFT: no RequestForwardTimeout, ViewChangeTimeout: with a SmartBFT section configtxgen fills in no option" \
	'/RequestForwardTimeout|ViewChangeTimeout/d'
bad smartbft-empty preflight "$l:17: Profiles\.Bft\.Orderer\.SmartBFT: no RequestBatchMaxInterval, IncomingMessageBufferSize, RequestPoolSize, " \
	'/^      SmartBFT:$/,/^        CollectTimeout:/{s/^      SmartBFT:$/      SmartBFT: {}/;/^      SmartBFT/!d}'
l=$(line 'CollectTimeout:')
bad bad-duration preflight "$l:25: Profiles\.Bft\.Orderer\.SmartBFT\.CollectTimeout: \"2 seconds\" is not a positive duration \(such as 2s, 500ms or 1m30s\): orderers refuse the channel" \
	's/CollectTimeout: 2s/CollectTimeout: 2 seconds/'
bad zero-duration preflight "$l:25: .*CollectTimeout: \"0s\" is not a positive duration" \
	's/CollectTimeout: 2s/CollectTimeout: 0s/'
l=$(line 'LeaderHeartbeatCount:')
bad zero-count preflight "$l:31: Profiles\.Bft\.Orderer\.SmartBFT\.LeaderHeartbeatCount: zero: orderers refuse a channel without a positive LeaderHeartbeatCount" \
	's/LeaderHeartbeatCount: 8/LeaderHeartbeatCount: 0/'
l=$(line 'RequestForwardTimeout:')
bad timeout-order preflight "$l:32: Profiles\.Bft\.Orderer\.SmartBFT\.RequestForwardTimeout: RequestForwardTimeout \(40s\) is longer than RequestComplainTimeout \(30s\)" \
	's/RequestForwardTimeout: 3s/RequestForwardTimeout: 40s/'
bad rotation-on preflight "[0-9]+:[0-9]+: Profiles\.Bft\.Orderer\.SmartBFT\.LeaderRotation: 2 \(ROTATION_ON\): Fabric 3's orderers refuse every config update of a channel whose leader rotation is on" \
	's/^(        RequestPoolSize: 1000)$/\1\n        LeaderRotation: 2\n        DecisionsPerLeader: 3/'

# a V3_0 system channel: configtxgen 3.1 writes it (with a warning), no Fabric 3 orderer takes it
bad system preflight "[0-9]+:[0-9]+: Profiles\.Bft\.Consortiums: a system channel's genesis block \(Consortiums\) with the channel capability V3_0: Fabric 3's orderers have no system channel" \
	's/^    Application:$/    Consortiums: { C: { Organizations: [ *Demo ] } }\n    Application:/'
run txgen -configPath system -profile Bft -channelID bft -outputBlock system/again.block
like "$err" "note: configtxgen 3.1 writes it, with a warning; make an application channel's genesis block" \
	"system: the note says what configtxgen does and what to do instead"

# ---- configtxgen 3.1 itself on the variations, when it is at hand ----
archive=$TOP/../shared/cluster/bin/fabric-3.1.tar.xz
if [ -z "$FB" ] && [ -f "$archive" ]; then
	mkdir -p fabric &&
		tar -xJf "$archive" -C fabric --wildcards '*bin/configtxgen' 2>/dev/null
	FB=$(dirname "$(find "$tmp/fabric" -name configtxgen -type f | head -1)")
fi
NLIVE=$(( $(echo $GOOD | wc -w) + $(echo $BAD | wc -w) + 1 ))
if [ -n "$FB" ] && [ -x "$FB/configtxgen" ]; then
	v=$("$FB/configtxgen" -version 2>&1 | sed -n 's/^ *Version: //p')
	diag "live: configtxgen $v from $FB"
	like "$v" '^v?3\.1\.' "live: the real configtxgen is Fabric 3.1's ($v)"
	for var in $GOOD $(echo "$BAD" | tr ' ' '\n' | sed -n 's/:preflight$//p'); do
		run "$FB/configtxgen" -configPath "$var" -profile Bft -channelID bft -outputBlock "$var/real.block"
		if [ "$rc" -ne 0 ]; then
			ok 1 "live: configtxgen 3.1 writes variant $var"
			diag "$(printf '%s\n' "$err" | grep -v INFO | tail -3)"
			continue
		fi
		decode block "$var/real.block" 3 | norm /dev/stdin >real.json
		decode block "$var/txgen.block" 3 | norm /dev/stdin >ours.json
		same_json ours.json real.json "live: variant $var: txgen's block decodes as configtxgen 3.1's"
	done
	for var in $(echo "$BAD" | tr ' ' '\n' | sed -n 's/:error$//p'); do
		run "$FB/configtxgen" -configPath "$var" -profile Bft -channelID bft -outputBlock "$var/real.block"
		ok "$([ "$rc" -ne 0 ] && [ ! -e "$var/real.block" ]; echo $?)" \
			"live: configtxgen 3.1 refuses variant $var too (exit $rc)"
	done
	for var in $(echo "$BAD" | tr ' ' '\n' | sed -n 's/:stricter$//p'); do
		run "$FB/configtxgen" -configPath "$var" -profile Bft -channelID bft -outputBlock "$var/real.block"
		is "$rc" 0 "live: configtxgen 3.1 takes variant $var, which txgen refuses"
	done
else
	skip "$NLIVE" "no configtxgen 3.1: set FABRIC3_BIN to a directory with Fabric 3.1's configtxgen"
fi

done_testing
