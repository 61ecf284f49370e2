#!/bin/sh
# The channel capability V3_0 raised on a running channel, against Fabric's
# configtxlator.  The fixture (tests/fixtures/fabric-3.1/raft-v3-capability)
# holds the sample's Raft channel as configtxgen 2.5 made it with the
# channel-wide orderer addresses of Fabric 2.x (Orderer.Addresses), the
# same configtx.yaml with Channel V3_0 and no Addresses (updated/, its
# block by configtxgen 3.1, which refuses Addresses with V3_0), and the
# update configtxlator 3.1's compute_update gives between the two blocks:
# the capability changed and OrdererAddresses deleted, which Fabric 3.1's
# orderers want in the same update.
#   - txgen -liveConfig on the channel's block with the updated
#     configtx.yaml gives that update, says both changes, and names the
#     admins of both peer orgs and of the orderer org (/Channel/Admins);
#   - txgen -original/-updated on the two blocks gives it too.
. "$TOP/tests/lib.sh"

FIX=$FIXTURES/fabric-3.1/raft-v3-capability
LIVE=$FIX/live/mychannel.block
if ! node -e 'require("fabric-protos"); require("@hyperledger/fabric-protos")' 2>/dev/null; then
	echo "1..0 # SKIP the npm decoders are missing: run through make check"
	exit 0
fi
cd "$tmp" || exit 1
decode() { node "$TOP/tests/node/decode.js" "$@"; }
json_of() { node -e '
	let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
		const j = JSON.parse(s);
		process.stdout.write(JSON.stringify(process.argv[1] ? j.payload.data.config_update : j, null, "\t") + "\n");
	});' "${1:-}"
}
decode configupdate "$FIX/updated/update.pb" 3 | json_of >want.json

run "$BINDIR/txgen" -liveConfig "$LIVE" -profile TwoOrgsApplicationGenesis -configPath "$FIX/updated" \
	-outputConfigUpdate live.tx -outputSigners signers.vars
is "$rc" 0 "txgen -liveConfig: the channel with Channel V3_0 declared"
like "$out" "^change /Channel/Capabilities$" "it says the capability changes"
like "$out" "^remove /Channel/OrdererAddresses$" "and that the channel-wide orderer addresses go"
is "$(sed -n 's/^SIGNERS=//p' signers.vars)" "Org1MSP Org2MSP Orgorderer1MSP" \
	"signed by a majority of the peer orgs' admins and of the orderer org's (/Channel/Admins)"
decode envelope live.tx 3 | json_of update >live.json
cmp -s want.json live.json
ok $? "the update is configtxlator 3.1's"
[ -s want.json ] || diag "no expected update decoded"
cmp -s want.json live.json || diag "$(diff want.json live.json | head -40)"

run "$BINDIR/txgen" -original "$LIVE" -updated "$FIX/updated/mychannel.block" -outputConfigUpdate blocks.tx
is "$rc" 0 "txgen -original -updated"
decode envelope blocks.tx 3 | json_of update >blocks.json
cmp -s want.json blocks.json
ok $? "the update between the two blocks is configtxlator 3.1's too"

done_testing
