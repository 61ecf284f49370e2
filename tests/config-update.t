#!/bin/sh
# Config updates of a live channel, against Fabric's configtxlator.  The
# fixture (tests/fixtures/fabric-2.5/two-org-raft-participation/updates)
# holds four changes of the sample's channel as configtxgen 2.5 made them
# (each a configtx.yaml and its mychannel.block) and the update that
# configtxlator 2.5's compute_update gives from the channel's block
# (channel-artifacts/mychannel.block) to each: Org3 added, Org2 removed,
# Org1's anchor peers set, the batch size and timeout changed.
#   - txgen -original/-updated on the two blocks gives the same update;
#   - txgen -liveConfig on the channel's block with each changed
#     configtx.yaml gives it too, says what changes, and names the admins
#     whose signatures the update's mod_policies want;
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
expected() { decode configupdate "$FIX/updates/$1/update.pb" | node -e '
		let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
			process.stdout.write(JSON.stringify(JSON.parse(s), null, "\t") + "\n");
		});'
}

for v in add-org3 remove-org2 anchors batch; do
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
is "$(cat add-org3.signers)" "SIGNERS=Org1MSP Org2MSP" \
	"add-org3: the Application group's mod_policy, MAJORITY Admins of two orgs: both sign"
is "$(sed 1d remove-org2.out)" "remove /Channel/Application/Org2MSP" "remove-org2: the change said"
is "$(cat remove-org2.signers)" "SIGNERS=Org1MSP Org2MSP" "remove-org2: both orgs sign (Org2 too: a majority of the two)"
is "$(sed 1d anchors.out)" "add    /Channel/Application/Org1MSP/AnchorPeers" "anchors: the change said"
is "$(cat anchors.signers)" "SIGNERS=Org1MSP" "anchors: Org1's group, its own Admins: Org1 alone"
is "$(sed 1d batch.out)" "change /Channel/Orderer/BatchSize
change /Channel/Orderer/BatchTimeout" "batch: the changes said"
is "$(cat batch.signers)" "SIGNERS=Orgorderer1MSP" "batch: the orderer's values, its Admins: the orderer org"
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
