#!/bin/sh
# make channel keeps a running channel as configtx.yaml declares it,
# against the API server double (whose Jobs print what the test gives
# them): the participation fixture's channel, then configtx.yaml edited
# three times.  Each time the config Job (org1) prints the live block, txgen
# tells the change, and the admins its mod_policies want sign in Jobs of
# their own namespaces, the envelope going from one to the next, the last
# one submitting it:
#   - batch size and timeout: the orderer org's admin alone submits;
#   - Org3 added (crypto-config.yaml and configtx.yaml): org1 signs, org2
#     submits, then org3 joins, and make chaincode installs and approves
#     for it;
#   - Org3 removed from the profile: org1 signs, org2 submits; org3 is no
#     longer a peer org of the channel for make query.
# make channel-plan shows a change and runs no update; with nothing
# changed make channel runs nothing.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "needs the double's Jobs and their logs"
start_cluster --job-ms 50
cd "$tmp" || exit 1
RAFT=$FIXTURES/fabric-2.5/two-org-raft-participation
cp "$RAFT/crypto-config.yaml" cc.yaml
cp "$RAFT/configtx.yaml" ctx.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" CHANNEL_FLOW=participation "$@"; }
# the Jobs created since log_mark, in order, as "namespace/name"
jobs_created() { log_new | grep -E 'PATCH /apis/batch/v1/namespaces/[^/]+/jobs/[^?]+.* 201 ' |
	sed -E 's|.*/namespaces/([^/]+)/jobs/([^?]+).*|\1/\2|' | tr '\n' ' '; }
# the log a Job prints: FILE base64 between the markers of WHAT
job_log() { { echo "-----BEGIN $2-----"; base64 "$1"; echo "-----END $2-----"; } >"$3"; }
# the config block the channel has now: what the cluster's configtx.yaml makes
live_block() { "$BINDIR/txgen" -configPath "$B" -profile TwoOrgsApplicationGenesis -channelID mychannel -outputBlock "$1"; }
secret_data() { # secret_data NAMESPACE: update.tx of the Secret channel-update there, base64
	api_get "/api/v1/namespaces/$1/secrets/channel-update" | js 'o.data["update.tx"]'
}

run m channel-plan
like "$rc:$err" "^2:make: channel mychannel is not made yet by this build" "make channel-plan before make channel: said so"
run m channel
is "$rc" 0 "make channel: the channel made"
ok "$([ -f "$B/stamps/channel-mychannel/config" ]; echo $?)" "made as declared: its config stamp, with no Job"
is "$(jobs_created | grep -c config)" 0 "(no config Job ran)"
live_block live0.block

# --- batch size and timeout ---
sed -i 's/BatchTimeout: 2s/BatchTimeout: 1s/; s/MaxMessageCount: 10/MaxMessageCount: 50/' ctx.yaml
job_log live0.block "CONFIG BLOCK" live0.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live0.log *"
log_mark
run m channel-plan
is "$rc" 0 "make channel-plan: exit status 0"
like "$out" "change /Channel/Orderer/BatchSize" "it shows the batch size's change"
is "$(jobs_created)" "org1/ch-mychannel-config " "and runs the config Job alone"
log_mark
run m channel
is "$rc" 0 "batch size and timeout changed: make channel"
like "$out" "change /Channel/Orderer/BatchTimeout" "make channel says what changes"
is "$(cat "$B/channel/mychannel/signers.vars")" "SIGNERS=Orgorderer1MSP" "the orderer org's admin signs"
is "$(jobs_created)" "org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
	"the config Job, then the orderer org submits the update: no other signature"
is "$(secret_data orgorderer1)" "$(base64 -w0 "$B/channel/mychannel/update.tx")" \
	"the update it submits is txgen's, in the Secret channel-update of its namespace"
log_mark
run m channel
is "$rc:$(jobs_created)" "0:" "make channel again: nothing runs"
live_block live1.block

# --- Org3 joins ---
with_org3_crypto "$RAFT/crypto-config.yaml" >cc.yaml
with_org3_configtx ctx.yaml >ctx3.yaml || { echo "Bail out! cannot add Org3 to configtx.yaml"; exit 1; }
mv ctx3.yaml ctx.yaml
job_log live1.block "CONFIG BLOCK" live1.log
printf 'signed by org1\n' >signed1
job_log signed1 "CONFIG UPDATE" signed1.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live1.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m deploy channel
is "$rc" 0 "Org3 added: make deploy channel"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "add    /Channel/Application/Org3MSP" "make channel says Org3 is added"
is "$(cat "$B/channel/mychannel/signers.vars")" "SIGNERS=Org1MSP Org2MSP" "a majority of the channel's two orgs signs"
is "$(jobs_created)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit org3/ch-mychannel " \
	"config, org1 signs, org2 submits, then org3 joins"
ok "$([ -n "$(secret_data org1)" ]; echo $?)" "org1 signs what the Secret channel-update of its namespace holds"
is "$(secret_data org2)" "$(base64 -w0 signed1)" "org2 submits what org1's Job signed"
like "$(cat "$B/jobs/org3/ch-mychannel.yaml")" 'CREATE, value: "false"' "org3 joins the channel, creating nothing"
log_mark
run m chaincode
is "$rc" 0 "make chaincode with Org3"
like "$(jobs_created)" "org3/cc-abstore-1-install .*org3/cc-abstore-1-approve|org3/cc-abstore-1-approve .*org3/cc-abstore-1-install" \
	"org3 installs and approves"
like "$(cat "$B/jobs/org1/cc-abstore-query.yaml")" 'peer0.org3:7051' "and endorses invokes with the others"
live_block live2.block

# --- Org3 leaves the channel (it stays in crypto-config.yaml) ---
sed -i '/^        - \*Org3$/d' ctx.yaml
job_log live2.block "CONFIG BLOCK" live2.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live2.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m channel
is "$rc" 0 "Org3 removed from the profile: make channel"
like "$out" "remove /Channel/Application/Org3MSP" "make channel says Org3 goes"
is "$(cat "$B/channel/mychannel/signers.vars")" "SIGNERS=Org1MSP Org2MSP" "a majority of three: two sign"
is "$(jobs_created)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
	"config, org1 signs, org2 submits"
run m query ORG=org3
like "$rc:$err" "^2:.*ORG=org3 is not a peer org of mychannel \\(they are: org1 org2;" "make query ORG=org3: not in the channel"
run m jobs
unlike() { ok "$(printf '%s' "$1" | grep -qE -- "$2"; [ $? -ne 0 ]; echo $?)" "$3"; }
unlike "$(cat "$B/jobs/org1/cc-abstore-query.yaml")" 'peer0.org3:7051' "org3 no longer endorses"
unlike "$(cat "$B/jobs/org1/cc-abstore-1-commit.yaml")" 'peer0.org3:7051' "nor in the chaincode's commit"

# a signer the network does not know
sed -i 's/SIGNERS=.*/SIGNERS=NoSuchMSP/' "$B/channel/mychannel/signers.vars"
run m channel-update-run
like "$rc:$err" "^2:.*the update of mychannel wants NoSuchMSP's admin, but no org of .*cc.yaml has that MSP ID" \
	"a signer with no org here: said so"
done_testing
