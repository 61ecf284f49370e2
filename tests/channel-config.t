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
job_log live0.block BLOCK live0.log
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
is "$(head -1 "$B/channel/mychannel/signers.vars")" "SIGNERS=Orgorderer1MSP" "the orderer org's admin signs"
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
job_log live1.block BLOCK live1.log
printf 'signed by org1\n' >signed1
job_log signed1 "CONFIG UPDATE" signed1.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live1.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m deploy channel
is "$rc" 0 "Org3 added: make deploy channel"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "add    /Channel/Application/Org3MSP" "make channel says Org3 is added"
is "$(head -1 "$B/channel/mychannel/signers.vars")" "SIGNERS=Org1MSP Org2MSP" "a majority of the channel's two orgs signs"
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
job_log live2.block BLOCK live2.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live2.log *" \
	"JOB /namespaces/org1/jobs/ch-mychannel-sign$ log=$tmp/signed1.log *"
log_mark
run m channel
is "$rc" 0 "Org3 removed from the profile: make channel"
like "$out" "remove /Channel/Application/Org3MSP" "make channel says Org3 goes"
is "$(head -1 "$B/channel/mychannel/signers.vars")" "SIGNERS=Org1MSP Org2MSP" "a majority of three: two sign"
is "$(jobs_created)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
	"config, org1 signs, org2 submits"
run m query ORG=org3
like "$rc:$err" "^2:.*ORG=org3 is not a peer org of mychannel \\(they are: org1 org2;" "make query ORG=org3: not in the channel"
run m jobs
unlike() { ok "$(printf '%s' "$1" | grep -qE -- "$2"; [ $? -ne 0 ]; echo $?)" "$3"; }
unlike "$(cat "$B/jobs/org1/cc-abstore-query.yaml")" 'peer0.org3:7051' "org3 no longer endorses"
unlike "$(cat "$B/jobs/org1/cc-abstore-1-commit.yaml")" 'peer0.org3:7051' "nor in the chaincode's commit"


# --- raft consenters: two added, then one removed ---
# (the double's config Job prints, in turn, each block the channel has)
live_block live3.block
cp cc.yaml cc-before-orderers.yaml
sed -i 's/^      - Hostname: orderer0 .*/&\n      - Hostname: orderer1\n      - Hostname: orderer2/' cc.yaml
with_consenters ctx.yaml orderer1 >ctx1.yaml || { echo "Bail out! no consenter in configtx.yaml"; exit 1; }
with_consenters ctx.yaml orderer1 orderer2 >ctx2.yaml
cp ctx.yaml ctx0.yaml
cp ctx1.yaml ctx.yaml
run m orgorderer1-files "$B/configtx.yaml"
is "$rc" 0 "orderer1 and orderer2 generated"
live_block live4.block          # what the channel has once orderer1 is in
cp ctx2.yaml ctx.yaml
job_log live3.block BLOCK live3.log
job_log live4.block BLOCK live4.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live3.log" \
	"JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live4.log"
log_mark
run m deploy channel
is "$rc" 0 "two consenters added: make deploy channel"
[ "$rc" -eq 0 ] || diag "$err"
is "$(printf '%s\n' "$out" | grep -c 'add consenter orderer[12].orgorderer1:7050$')" 3 \
	"make channel says both are added, then that orderer2 is"
like "$out" "one consenter change per update: this one makes the first, 1 more follow" \
	"and that the first update adds one of them"
is "$(jobs_created)" "orgorderer1/ch-mychannel org1/ch-mychannel-config orgorderer1/ch-mychannel-submit org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
	"the new orderers join, then config and the orderer org's update, twice"
is "$(sed 1d "$B/channel/mychannel/signers.vars")" "UPDATES_LEFT=0" "the second update was the last"
like "$(tail -n 3 "$B/jobs/orgorderer1/ch-mychannel.yaml")$(cat "$B/jobs/orgorderer1/ch-mychannel.yaml")" \
	"orderer1.orgorderer1:7053 orderer2.orgorderer1:7053" "the join names every orderer's admin endpoint"
log_mark
run m channel
is "$rc:$(jobs_created)" "0:" "make channel again: nothing runs"

# the config an update was computed from, fetched again after it: the
# update did not reach the channel
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live3.log *"
cp live3.block "$B/channel/mychannel/before.block"
run m channel-reconcile
like "$rc:$err" "^2:.*mychannel's config is still the one its last update was computed from" \
	"an update that did not reach the channel: make stops, and says so"
rm -f "$B/channel/mychannel/before.block"

# orderer2 leaves: the orderer org keeps it until the consenters lost it
live_block live5.block
sed -i '/^      - Hostname: orderer2$/d' cc.yaml
cp ctx1.yaml ctx.yaml
job_log live5.block BLOCK live5.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live5.log *"
run m deploy
is "$rc" 0 "orderer2 taken out of both files: make deploy"
like "$out" "make: orgorderer1 keeps orderer2 for now: mychannel's consenters still name them; make channel takes out" \
	"the orderer org keeps orderer2, and says why"
is "$(api_get /apis/apps/v1/namespaces/orgorderer1/deployments/orderer2 | js 'o.metadata.name')" "orderer2" \
	"orderer2 still runs"
ok "$([ -f "$B/stamps/orgorderer1.prune-waits" ]; echo $?)" "the orderer org is marked: its prune waits"
log_mark
run m channel
is "$rc" 0 "make channel"
like "$out" "remove consenter orderer2.orgorderer1:7050" "make channel takes orderer2 out of the consenters"
is "$(printf '%s\n' "$out" | grep -c '^  APPLY   orgorderer1$')" 1 "the orderer org is applied once, after the update"
log_new >removal.log
submit=$(grep -n 'PATCH /apis/batch/v1/namespaces/orgorderer1/jobs/ch-mychannel-submit' removal.log | head -1 | cut -d: -f1)
gone=$(grep -n 'DELETE /apis/apps/v1/namespaces/orgorderer1/deployments/orderer2' removal.log | head -1 | cut -d: -f1)
ok "$([ -n "$submit" ] && [ -n "$gone" ] && [ "$submit" -lt "$gone" ]; echo $?)" \
	"then, and only then, deletes orderer2 (request $gone after the update's $submit)"
run m deploy
like "$rc:$out" "^0:make: Nothing to be done for .deploy.\.$" "make deploy afterwards: nothing left to do"
ok "$([ ! -e "$B/stamps/orgorderer1.prune-waits" ]; echo $?)" "and the mark is gone"
# a mark left without the channel's record (make clean-cluster forgets the channel)
touch "$B/stamps/orgorderer1.prune-waits"
mv "$B/channel/mychannel/consenters.mk" reconciled.mk
run m deploy
is "$rc" 0 "a prune mark without the channel's record: make deploy still works"
mv reconciled.mk "$B/channel/mychannel/consenters.mk"
# an orderer that is no consenter (a follower) goes at once
sed -i 's/^      - Hostname: orderer1$/&\n      - Hostname: orderer3/' cc.yaml
run m deploy
is "$rc" 0 "orderer3, no consenter, added: make deploy"
sed -i '/^      - Hostname: orderer3$/d' cc.yaml
log_mark
run m deploy
is "$rc" 0 "orderer3 removed: make deploy"
ok "$(log_new | grep -q 'DELETE /apis/apps/v1/namespaces/orgorderer1/deployments/orderer3'; echo $?)" \
	"orderer3 is deleted at once: the channel's consenters do not name it"
cp ctx0.yaml ctx.yaml
cp cc-before-orderers.yaml cc.yaml

# a signer the network does not know
sed -i 's/SIGNERS=.*/SIGNERS=NoSuchMSP/' "$B/channel/mychannel/signers.vars"
run m channel-update-run
like "$rc:$err" "^2:.*the update of mychannel wants NoSuchMSP's admin, but no org of .*cc.yaml has that MSP ID" \
	"a signer with no org here: said so"
done_testing
