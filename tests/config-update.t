#!/bin/sh
# Config updates of a live channel, against Fabric's configtxlator.  The
# fixture (tests/fixtures/fabric-2.5/two-org-raft-participation/updates)
# holds changes of the sample's channel as configtxgen 2.5 made them
# (each a configtx.yaml and its mychannel.block) and the update that
# configtxlator 2.5's compute_update gives from the channel's block
# (channel-artifacts/mychannel.block) to each: Org3 added, Org2 removed,
# Org1's anchor peers set, the batch size and timeout changed, the
# Application capability V2_5, the Endorsement policy ANY, a raft consenter
# added (orderer1, whose TLS certificate cryptogen extend made).
#   - txgen -original/-updated on the two blocks gives the same update;
#   - txgen -liveConfig on the channel's block with each changed
#     configtx.yaml gives it too, says what changes, and names the admins
#     whose signatures the update's mod_policies want;
#   - etcdraft takes one consenter change per update: two consenters added,
#     or one replaced by another, take two updates, each the one
#     configtxlator computes for that step (the first from the channel's
#     block, the second from the block with orderer1 added), adding first;
#   - a consenter's new certificate is a change of its own; the channel's
#     only consenter keeps its certificate when the new one has the same
#     key (said), and one with another key is refused;
#   - the channel's own configtx.yaml: nothing to do, no update written;
#   - what is not a config block is refused, naming the file.
# Updates are compared decoded by tests/node/decode.js (fabric-protos).
. "$TOP/tests/lib.sh"

FIX=$FIXTURES/fabric-2.5/two-org-raft-participation
LIVE=$FIX/channel-artifacts/mychannel.block
cd "$tmp" || exit 1
have_node=false
node -e 'require("fabric-protos")' 2>/dev/null && have_node=true
decode() { node "$TOP/tests/node/decode.js" "$@"; }
# the ConfigUpdate of an update envelope, decoded
update_of() {
	decode envelope "$1" | node -e '
		let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
			process.stdout.write(JSON.stringify(JSON.parse(s).payload.data.config_update, null, "\t") + "\n");
		});'
}
expected() { expected_pb "$FIX/updates/$1/update.pb"; }
expected_pb() { decode configupdate "$1" | node -e '
		let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
			process.stdout.write(JSON.stringify(JSON.parse(s), null, "\t") + "\n");
		});'
}

for v in add-org3 remove-org2 anchors batch add-consenter capability policy; do
	run "$BINDIR/txgen" -original "$LIVE" -updated "$FIX/updates/$v/mychannel.block" -outputConfigUpdate "$v.tx"
	is "$rc" 0 "$v: txgen -original -updated"
	run "$BINDIR/txgen" -liveConfig "$LIVE" -profile TwoOrgsApplicationGenesis -configPath "$FIX/updates/$v" \
		-outputConfigUpdate "$v-live.tx" -outputSigners "$v.signers"
	is "$rc" 0 "$v: txgen -liveConfig with the changed configtx.yaml"
	printf '%s\n' "$out" >"$v.out"
	if $have_node; then
		expected "$v" >"$v.want.json"
		update_of "$v.tx" >"$v.got.json"
		cmp -s "$v.want.json" "$v.got.json"
		ok $? "$v: the update between the blocks is configtxlator's"
		[ -s "$v.want.json" ] || diag "no expected update decoded"
		update_of "$v-live.tx" >"$v-live.got.json"
		cmp -s "$v.want.json" "$v-live.got.json"
		ok $? "$v: the update from the live block to what configtx.yaml declares is configtxlator's"
	else
		skip 2 "no fabric-protos for node (make deps)"
	fi
done

is "$(sed 1d add-org3.out)" "add    /Channel/Application/Org3MSP" "add-org3: the change said"
is "$(head -1 add-org3.signers)" "SIGNERS=Org1MSP Org2MSP" \
	"add-org3: the Application group's mod_policy, MAJORITY Admins of two orgs: both sign"
is "$(sed 1d remove-org2.out)" "remove /Channel/Application/Org2MSP" "remove-org2: the change said"
is "$(head -1 remove-org2.signers)" "SIGNERS=Org1MSP Org2MSP" "remove-org2: both orgs sign (Org2 too: a majority of the two)"
is "$(sed 1d anchors.out)" "add    /Channel/Application/Org1MSP/AnchorPeers" "anchors: the change said"
is "$(head -1 anchors.signers)" "SIGNERS=Org1MSP" "anchors: Org1's group, its own Admins: Org1 alone"
is "$(sed 1d batch.out)" "change /Channel/Orderer/BatchSize
change /Channel/Orderer/BatchTimeout" "batch: the changes said"
is "$(head -1 batch.signers)" "SIGNERS=Orgorderer1MSP" "batch: the orderer's values, its Admins: the orderer org"
is "$(sed 1d capability.out)" "change /Channel/Application/Capabilities" "capability: the change said"
is "$(head -1 capability.signers)" "SIGNERS=Org1MSP Org2MSP" "capability: the Application group's value, its Admins: both orgs"
is "$(sed 1d policy.out)" "change /Channel/Application/policies/Endorsement" "policy: the change said"
is "$(head -1 policy.signers)" "SIGNERS=Org1MSP Org2MSP" "policy: the Application group's policy, its Admins: both orgs"
is "$(sed 1d add-consenter.out)" "change /Channel/Orderer/ConsensusType
         add consenter orderer1.orgorderer1:7050" "add-consenter: the change said, and the consenter"
is "$(cat add-consenter.signers)" "SIGNERS=Orgorderer1MSP
UPDATES_LEFT=0" "add-consenter: the orderer's ConsensusType, its Admins: the orderer org; one update"

# etcdraft takes one consenter change per update (Fabric refuses more): with
# more declared, each update makes the next change, growing before
# shrinking.  consenter_step NAME LIVE-BLOCK CHANGE WANT LEFT: txgen on the
# live block with the configtx.yaml of updates/CHANGE writes configtxlator's
# update WANT for one change, and says LEFT updates follow.
consenter_step() {
	run "$BINDIR/txgen" -liveConfig "$2" -profile TwoOrgsApplicationGenesis -configPath "$FIX/updates/$3" \
		-outputConfigUpdate "$1.tx" -outputSigners "$1.signers"
	is "$rc" 0 "$1: txgen -liveConfig"
	printf '%s\n' "$out" >"$1.out"
	is "$(sed -n 's/^UPDATES_LEFT=//p' "$1.signers")" "$5" "$1: $5 updates to follow"
	if $have_node; then
		expected_pb "$4" >"$1.want.json"
		update_of "$1.tx" >"$1.got.json"
		cmp -s "$1.want.json" "$1.got.json"
		ok $? "$1: the update is configtxlator's for that one change"
	else
		skip 1 "no fabric-protos for node (make deps)"
	fi
}
ADD1=$FIX/updates/add-consenter/mychannel.block
consenter_step two-first "$LIVE" add-two-consenters "$FIX/updates/add-consenter/update.pb" 1
is "$(sed 1d two-first.out)" "change /Channel/Orderer/ConsensusType
         add consenter orderer1.orgorderer1:7050
         add consenter orderer2.orgorderer1:7050
(one consenter change per update: this one makes the first, 1 more follow)" \
	"two consenters added: both said, and that this update adds the first"
consenter_step two-second "$ADD1" add-two-consenters "$FIX/updates/add-two-consenters/second.pb" 0
consenter_step remove "$ADD1" remove-consenter "$FIX/updates/remove-consenter/update.pb" 0
is "$(sed 1d remove.out)" "change /Channel/Orderer/ConsensusType
         remove consenter orderer1.orgorderer1:7050" "a consenter removed: said"
consenter_step replace-first "$LIVE" replace-consenter "$FIX/updates/add-consenter/update.pb" 1
consenter_step replace-second "$ADD1" replace-consenter "$FIX/updates/replace-consenter/second.pb" 0
# a consenter's new certificate (orderer0-renewed: openssl's, with the same
# key, as make renew issues it; orderer0-rekeyed: a new key): with another
# consenter it is an update of its own; the channel's only consenter cannot
# take one (its leader has no one to hand over to)
consenter_step renew-two "$ADD1" renew-two "$FIX/updates/renew-two/update.pb" 0
is "$(sed 1d renew-two.out)" "change /Channel/Orderer/ConsensusType
         change consenter orderer0.orgorderer1:7050" "renew-two: orderer0's new certificate said"
run "$BINDIR/txgen" -liveConfig "$LIVE" -profile TwoOrgsApplicationGenesis -configPath "$FIX/updates/renew-sole" \
	-outputConfigUpdate renew-sole.tx
like "$rc:$out" "^0:\\(consenter orderer0.orgorderer1:7050 keeps its certificate on the channel: the only consenter cannot take a new one.*same key.*
channel mychannel \\(config sequence 0\\) is as declared$" \
	"the only consenter renewed with its key: it keeps its certificate on the channel, and that is said"
ok "$([ ! -e renew-sole.tx ]; echo $?)" "(no update written)"
run "$BINDIR/txgen" -liveConfig "$LIVE" -profile TwoOrgsApplicationGenesis -configPath "$FIX/updates/rekey-sole" \
	-outputConfigUpdate rekey-sole.tx
like "$rc:$err" "^1:txgen: consenter orderer0.orgorderer1:7050 is the channel's only one, and its new certificate has another key: Fabric cannot rotate it .*add a second consenter first$" \
	"the only consenter with a new key: refused, and what to do said"
ok "$([ ! -e rekey-sole.tx ]; echo $?)" "(no update written)"
run "$BINDIR/txgen" -original "$LIVE" -updated "$FIX/updates/add-two-consenters/mychannel.block" \
	-outputConfigUpdate whole.tx
if $have_node; then
	expected_pb "$FIX/updates/add-two-consenters/update.pb" >whole.want.json
	update_of whole.tx >whole.got.json
	cmp -s whole.want.json whole.got.json
	ok $? "-original -updated makes the whole change at once, as compute_update does"
else
	skip 1 "no fabric-protos for node (make deps)"
fi
like "$(head -1 add-org3.out)" "^channel mychannel \\(config sequence 0\\) differs from what is declared:$" \
	"the channel, read from the block, and its config sequence"

# the channel as it is declared: nothing to do, and an old update goes
echo stale >nothing.tx
echo SIGNERS=stale >nothing.signers
run "$BINDIR/txgen" -liveConfig "$LIVE" -profile TwoOrgsApplicationGenesis -configPath "$FIX" \
	-outputConfigUpdate nothing.tx -outputSigners nothing.signers
is "$rc:$out" "0:channel mychannel (config sequence 0) is as declared" "the channel's own configtx.yaml: as declared"
ok "$([ ! -e nothing.tx ] && [ ! -e nothing.signers ]; echo $?)" "no update and no signers written (the old one removed)"
run "$BINDIR/txgen" -original "$LIVE" -updated "$LIVE" -outputConfigUpdate same.tx
like "$rc:$err" "^1:txgen: no differences detected between original and updated config$" "-original and -updated the same: refused"

# not a config block
run "$BINDIR/txgen" -liveConfig "$FIX/configtx.yaml" -profile TwoOrgsApplicationGenesis -configPath "$FIX"
like "$rc:$err" "^1:txgen: .*/configtx.yaml: not a block$" "a YAML file is no block"
run "$BINDIR/txgen" -liveConfig "$FIX/channel-artifacts/Org1MSPanchors.tx" -profile TwoOrgsApplicationGenesis \
	-configPath "$FIX"
like "$rc:$err" "^1:txgen: .*Org1MSPanchors.tx: (not a block|a block without a transaction)$" "an update envelope is no config block"
run "$BINDIR/txgen" -liveConfig "$LIVE" -configPath "$FIX"
is "$rc" 2 "-liveConfig without -profile: usage error"
run "$BINDIR/txgen" -original "$LIVE" -outputConfigUpdate x.tx
is "$rc" 2 "-original without -updated: usage error"
done_testing
