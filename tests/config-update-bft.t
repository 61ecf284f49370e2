#!/bin/sh
# Config updates of a live BFT channel (Fabric 3.1), against Fabric's
# configtxlator.  The fixture (tests/fixtures/fabric-3.1/
# two-org-bft-participation/updates) holds changes of a channel of four
# SmartBFT consenters as configtxgen 3.1 made them (each a configtx.yaml
# and its mychannel.block) and the update that configtxlator 3.1's
# compute_update gives from the channel's block to each: a fifth consenter
# added (orderer5, whose certificates cryptogen extend made), two added,
# one removed, two replaced by two others, one's certificates renewed, the
# batch size and timeout, the application capability V2_5, the SmartBFT
# options, and a consenter added with new SmartBFT options.
#   - txgen -original/-updated on the two blocks gives the same update;
#   - txgen -liveConfig on the channel's block with each changed
#     configtx.yaml gives it too, in one update (BFT takes any number of
#     consenter changes at once, with the BlockValidation quorum of the
#     new set: UPDATES_LEFT=0), says what changes, each consenter by its
#     address and ID and the quorum, and names the orderer org's admins
#     (or the peer orgs', for the Application's capability);
#   - what Fabric takes but should not be done, or does nothing, is said
#     or refused: a new set whose quorum needs consenters the channel has
#     not yet, a new RequestPoolSize, a new BatchTimeout; a consenter given
#     another ID (by the key of its Identity) is refused;
#   - the channel's own configtx.yaml, and a changed one against the block
#     it makes: nothing to do.
# Updates are compared decoded by tests/node/decode.js (3.x printing).
. "$TOP/tests/lib.sh"

FIX=$FIXTURES/fabric-3.1/two-org-bft-participation
LIVE=$FIX/channel-artifacts/mychannel.block
P=TwoOrgsBFTGenesis
if ! node -e 'require("fabric-protos"); require("@hyperledger/fabric-protos")' 2>/dev/null; then
	echo "1..0 # SKIP the npm decoders are missing: run through make check"
	exit 0
fi
cd "$tmp" || exit 1
decode() { node "$TOP/tests/node/decode.js" "$@"; }
# the ConfigUpdate of an update envelope, and of a recorded update, decoded
update_of() { decode envelope "$1" 3 | node -e '
	let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
		process.stdout.write(JSON.stringify(JSON.parse(s).payload.data.config_update, null, "\t") + "\n");
	});'
}
expected() { decode configupdate "$FIX/updates/$1/update.pb" 3 | node -e '
	let s = ""; process.stdin.on("data", (d) => { s += d; }).on("end", () => {
		process.stdout.write(JSON.stringify(JSON.parse(s), null, "\t") + "\n");
	});'
}
# same_update WANT GOT DESCRIPTION: two decoded updates are equal (a diff when not)
same_update() {
	if [ -s "$1" ] && cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff "$1" "$2" | cut -c1-160 | head -20 | sed 's/^/# /'
	fi
}

# CHANGE:SIGNERS
CHANGES="add-consenter:OrdererMSP add-two-consenters:OrdererMSP remove-consenter:OrdererMSP
replace-two:OrdererMSP renew-consenter:OrdererMSP batch:OrdererMSP capability:Org1MSP_Org2MSP
smartbft:OrdererMSP add-consenter-smartbft:OrdererMSP"
for c in $CHANGES; do
	v=${c%%:*} signers=$(echo "${c#*:}" | tr _ ' ')
	run txgen -original "$LIVE" -updated "$FIX/updates/$v/mychannel.block" -outputConfigUpdate "$v.tx"
	is "$rc" 0 "$v: txgen -original -updated"
	run txgen -liveConfig "$LIVE" -profile $P -configPath "$FIX/updates/$v" \
		-outputConfigUpdate "$v-live.tx" -outputSigners "$v.signers"
	is "$rc:$err" "0:" "$v: txgen -liveConfig with the changed configtx.yaml"
	printf '%s\n' "$out" >"$v.out"
	expected "$v" >"$v.want.json"
	update_of "$v.tx" >"$v.got.json"
	same_update "$v.want.json" "$v.got.json" "$v: the update between the blocks is configtxlator 3.1's"
	update_of "$v-live.tx" >"$v-live.got.json"
	same_update "$v.want.json" "$v-live.got.json" \
		"$v: the update from the live block to what configtx.yaml declares is configtxlator 3.1's, whole"
	is "$(cat "$v.signers")" "SIGNERS=$signers
UPDATES_LEFT=0" "$v: signed by $signers, and no update follows"
done

is "$(head -1 add-consenter.out)" "channel mychannel (config sequence 0) differs from what is declared:" \
	"the channel, read from the block, and its config sequence"
is "$(sed 1d add-consenter.out)" "change /Channel/Orderer/Orderers
         add consenter orderer5.example.com:7060 (ID 5)
change /Channel/Orderer/policies/BlockValidation
         quorum: 4 of 5 signatures (was 3 of 4)
change /Channel/Orderer/OrdererOrg/Endpoints" \
	"add-consenter: the consenter, by address and ID, the new quorum, the endpoints"
is "$(sed 1d add-two-consenters.out)" "change /Channel/Orderer/Orderers
         add consenter orderer5.example.com:7060 (ID 5)
         add consenter orderer6.example.com:7062 (ID 6)
change /Channel/Orderer/policies/BlockValidation
         quorum: 4 of 6 signatures (was 3 of 4)
change /Channel/Orderer/OrdererOrg/Endpoints" \
	"add-two-consenters: both in one update, with the quorum of six"
is "$(sed 1d remove-consenter.out)" "change /Channel/Orderer/Orderers
         remove consenter orderer4.example.com:7058 (ID 4)
change /Channel/Orderer/policies/BlockValidation
         quorum: 2 of 3 signatures (was 3 of 4)
change /Channel/Orderer/OrdererOrg/Endpoints" "remove-consenter: said, with the quorum of three"
is "$(sed 1d replace-two.out)" "change /Channel/Orderer/Orderers
         add consenter orderer5.example.com:7060 (ID 5)
         add consenter orderer6.example.com:7062 (ID 6)
         remove consenter orderer3.example.com:7056 (ID 3)
         remove consenter orderer4.example.com:7058 (ID 4)
change /Channel/Orderer/policies/BlockValidation
         quorum: 3 of 4 signatures (was 3 of 4)
change /Channel/Orderer/OrdererOrg/Endpoints
(with this update a quorum is 3 of the 4 consenters, and 2 of them order the channel now: it orders nothing more until new ones have joined it and caught up)" \
	"replace-two: additions, then removals, and that the new consenters are needed for a quorum"
is "$(sed 1d renew-consenter.out)" "change /Channel/Orderer/Orderers
         change consenter orderer2.example.com:7052 (ID 2)
change /Channel/Orderer/policies/BlockValidation
         quorum: 3 of 4 signatures (was 3 of 4)" \
	"renew-consenter: a consenter known by its ID, with new certificates (and so a new identity in the quorum)"
is "$(sed 1d batch.out)" "change /Channel/Orderer/BatchSize
change /Channel/Orderer/BatchTimeout
(BatchTimeout changes nothing on a BFT channel: its orderers cut blocks by the SmartBFT option RequestBatchMaxInterval)" \
	"batch: the changes said, and that BFT's orderers ignore the batch timeout"
is "$(sed 1d capability.out)" "change /Channel/Application/Capabilities" "capability: the change said"
is "$(sed 1d smartbft.out)" "change /Channel/Orderer/ConsensusType" "smartbft: the SmartBFT options, the ConsensusType's metadata"
is "$(sed 1d add-consenter-smartbft.out)" "change /Channel/Orderer/ConsensusType
change /Channel/Orderer/Orderers
         add consenter orderer5.example.com:7060 (ID 5)
change /Channel/Orderer/policies/BlockValidation
         quorum: 4 of 5 signatures (was 3 of 4)
change /Channel/Orderer/OrdererOrg/Endpoints" "add-consenter-smartbft: options and consenters in one update"

# once an update is in, the channel is as declared: nothing follows
for v in add-two-consenters replace-two add-consenter-smartbft; do
	run txgen -liveConfig "$FIX/updates/$v/mychannel.block" -profile $P -configPath "$FIX/updates/$v" \
		-outputConfigUpdate after.tx -outputSigners after.signers
	is "$rc:$out" "0:channel mychannel (config sequence 0) is as declared" "$v: its own block is as declared"
done
ok "$([ ! -e after.tx ] && [ ! -e after.signers ]; echo $?)" "(no update and no signers written)"
echo stale >nothing.tx
echo SIGNERS=stale >nothing.signers
run txgen -liveConfig "$LIVE" -profile $P -configPath "$FIX" -outputConfigUpdate nothing.tx -outputSigners nothing.signers
is "$rc:$out" "0:channel mychannel (config sequence 0) is as declared" "the channel's own configtx.yaml: as declared"
ok "$([ ! -e nothing.tx ] && [ ! -e nothing.signers ]; echo $?)" "no update and no signers written (the old one removed)"

# a consenter given another ID: Fabric takes it, and the running orderer,
# which keeps the ID it started with, leaves the channel's consensus
run txgen -liveConfig "$LIVE" -profile $P -configPath "$FIX/updates/renumber" -outputConfigUpdate renumber.tx \
	-outputSigners renumber.signers
is "$rc:$out" "1:" "renumber: refused"
like "$err" "^txgen: consenter orderer2\\.example\\.com:7052 is the channel's consenter 2 \\(the key of its Identity says so\\), and configtx\\.yaml gives it the ID 7: a running orderer keeps the ID it started with, and would leave the channel's consensus until restarted; keep its ID 2$" \
	"renumber: the consenter, both IDs and why said"
ok "$([ ! -e renumber.tx ] && [ ! -e renumber.signers ]; echo $?)" "renumber: nothing written"

# variations on the fixture's files, beside links to its certificates
# (their paths: ../../crypto-config, ../orderers)
mkdir -p v/u && ln -s "$FIX/crypto-config" v/crypto-config && ln -s "$FIX/updates/orderers" v/u/orderers
variant() { # variant NAME FROM SED: updates/FROM/configtx.yaml edited by SED into v/u/NAME
	mkdir -p "v/u/$1" && sed -E "$3" "$FIX/updates/$2/configtx.yaml" >"v/u/$1/configtx.yaml"
}
variant swap add-two-consenters 's/^    - ID: 3$/    - ID: 4x/; s/^    - ID: 4$/    - ID: 3/; s/^    - ID: 4x$/    - ID: 4/'
run txgen -liveConfig "$LIVE" -profile $P -configPath v/u/swap -outputConfigUpdate swap.tx
like "$rc:$err" "^1:txgen: consenter orderer3\\.example\\.com:7056 is the channel's consenter 3 .* gives it the ID 4: .*keep its ID 3$" \
	"two consenters that trade IDs: refused"
variant takeover add-consenter 's/^    - ID: 4$/    - ID: 44/; s/^    - ID: 5$/    - ID: 4/; /^    - ID: 44$/,/ServerTLSCert/d; /orderer4\.example\.com:7058$/d'
run txgen -liveConfig "$LIVE" -profile $P -configPath v/u/takeover
is "$rc:$(echo "$out" | sed -n 's/^ *\(remove\|add\|change\) consenter/\1/p; /^(/p')" "0:add orderer5.example.com:7060 (ID 4)
remove orderer4.example.com:7058 (ID 4)" \
	"another node that takes the ID of one that leaves: an addition and a removal, not a change"
variant pool smartbft 's/RequestPoolSize: 400/RequestPoolSize: 800/'
run txgen -liveConfig "$LIVE" -profile $P -configPath v/u/pool -outputConfigUpdate pool.tx -outputSigners pool.signers
is "$rc:$(echo "$out" | sed 1d)" "0:change /Channel/Orderer/ConsensusType
(a new RequestPoolSize takes effect on each orderer when it restarts)" "a new RequestPoolSize: said when it takes effect"
is "$(cat pool.signers)" "SIGNERS=OrdererMSP
UPDATES_LEFT=0" "(the orderer org signs the SmartBFT options)"
variant leader remove-consenter '/^    - ID: 1$/,/ServerTLSCert/d; /orderer\.example\.com:7050$/d'
run txgen -liveConfig "$LIVE" -profile $P -configPath v/u/leader
is "$rc:$(echo "$out" | sed -n 's/^ *\(remove\|add\|change\) consenter/\1/p; s/^ *quorum: //p; /^(/p')" \
	"0:remove orderer.example.com:7050 (ID 1)
remove orderer4.example.com:7058 (ID 4)
2 of 2 signatures (was 3 of 4)" \
	"two removed, the leader of view 0 among them: one update, nothing to hand over (SmartBFT's leader is one of the new set)"
done_testing
