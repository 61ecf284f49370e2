#!/bin/sh
# A running network of the system channel flow is history as much as one of
# the participation flow: against the API server double, the sample network
# (system flow) is deployed and its channel made; Org3 is added to
# crypto-config.yaml and to the channel profile (TwoOrgsChannel), joins,
# then leaves the profile again while it stays deployed.  Each make channel
# reconciles the channel, anchor peer updates are made for the profile's
# orgs alone, and neither the system channel's genesis block nor the
# channel's creation transaction is made again: the orderer org is not
# applied again (its genesis Secret would roll the orderer for nothing).
# Once the cluster is cleaned, a changed configtx.yaml makes them again.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "needs the double's Jobs and their logs"
start_cluster --job-ms 50
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
cp "$TOP/configtx.yaml" ctx.yaml
B=$tmp/b
A=$B/channel-artifacts
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" "$@"; }
jobs_created() { log_new | grep -E 'PATCH /apis/batch/v1/namespaces/[^/]+/jobs/[^?]+.* 201 ' |
	sed -E 's|.*/namespaces/([^/]+)/jobs/([^?]+).*|\1/\2|' | tr '\n' ' '; }
# a config block of the channel as the cluster's configtx.yaml declares it,
# with Org3 in it or not (live_block FILE [Org3])
mkdir live && ln -s "$B/crypto-config" live/crypto-config
live_block() {
	if [ -n "${2:-}" ]; then sed 's/^        - \*Org2$/&\n        - *Org3/' "$B/configtx.yaml"; else cat "$B/configtx.yaml"; fi \
		>live/configtx.yaml
	"$BINDIR/txgen" -configPath live -profile TwoOrgsApplicationGenesis -channelID mychannel -outputBlock "$1"
}
sums() { (cd "$A" && sha256sum genesis.block mychannel.tx); }
applied() { printf '%s\n' "$out" | sed -n 's/^  APPLY   //p' | sort | tr '\n' ' '; }

run m deploy channel
is "$rc" 0 "system flow: make deploy channel"
sums >made.sums
ls "$A" | grep anchors >anchors0
is "$(tr '\n' ' ' <anchors0)" "Org1MSPanchors.tx Org2MSPanchors.tx " "an anchor peer update per org of the profile"

# --- Org3 joins ---
with_org3_crypto "$TOP/crypto-config.yaml" >cc.yaml
with_org3_configtx "$TOP/configtx.yaml" TwoOrgsChannel >ctx.yaml ||
	{ echo "Bail out! cannot add Org3 to configtx.yaml"; exit 1; }
live_block live0.block
job_log live0.block BLOCK live0.log
printf 'signed by org1\n' >signed1
job_log signed1 "CONFIG UPDATE" signed1.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live0.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m deploy channel
is "$rc" 0 "Org3 added to both files: make deploy channel"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "add    /Channel/Application/Org3MSP" "make channel says Org3 is added"
is "$(jobs_created)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit org3/ch-mychannel " \
	"config, org1 signs, org2 submits, then org3 joins"
like "$(cat "$B/jobs/org3/ch-mychannel.yaml")" 'CREATE, value: "false"' "org3 joins the channel, creating nothing"
is "$(applied)" "org3 org3 (cluster step) " "org3 alone is applied: the orderer org keeps its genesis block"
sums | cmp -s - made.sums
ok $? "the system channel's genesis block and the channel's creation transaction are kept"

# --- Org3 leaves the profile, and stays deployed ---
live_block live1.block Org3
cp "$TOP/configtx.yaml" ctx.yaml
anchors_before=$(ls -l --time-style=full-iso "$A"/*anchors.tx)
job_log live1.block BLOCK live1.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live1.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m deploy channel
is "$rc" 0 "Org3 taken out of configtx.yaml alone: make deploy channel"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "remove /Channel/Application/Org3MSP" "make channel says Org3 leaves"
is "$(jobs_created)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
	"config, org1 signs, org2 submits"
is "$(applied)" "org3 " "org3 alone is applied again (its CLI no longer holds an anchor peer update)"
sums | cmp -s - made.sums
ok $? "the genesis block and the creation transaction are still the ones the network runs on"
is "$(ls -l --time-style=full-iso "$A"/*anchors.tx)" "$anchors_before" \
	"no anchor peer update is made again: Org3 left the profile, the others joined"

# --- a cleaned cluster starts from the files as they are ---
run m clean-cluster
is "$rc" 0 "make clean-cluster"
sed -i 's/BatchTimeout: 2s/BatchTimeout: 1s/' ctx.yaml
run m artifacts
is "$rc" 0 "configtx.yaml changed: make artifacts"
sums | grep genesis.block >now.genesis
grep genesis.block made.sums | cmp -s - now.genesis
ok "$([ $? -ne 0 ]; echo $?)" "with nothing deployed, the genesis block is made again"
done_testing
