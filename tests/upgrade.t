#!/bin/sh
# Upgrades in place (rules/upgrade.mk), against the API server double: the
# sample network made at Fabric 2.5 in the system channel flow
#   - records what each org runs, and a rerun sends nothing;
#   - refuses Fabric 3.1 while it has a system channel;
#   - migrates to channel participation: the channel's block 0 fetched by a
#     Job, the orderer rolled, then the system channel removed by a Job;
#     and stays there (CHANNEL_FLOW=system is refused);
#   - does not roll an org while one of its nodes is not ready (make org1:
#     the orderer org rolls first), and make channel's reconcile refuses
#     capabilities that an org's version lacks;
#   - rolls to 3.1: the orderer, then each org's peers one at a time, each
#     caught up (a Job) before the next;
#   - refuses Channel V3_0 with 2.5, raises the channel to V3_0 with make
#     channel, then refuses to go back to 2.5.
# Then tests/networks/two-orderer-orgs: its orderer orgs roll one after the
# other, before the peers.  The Jobs' pods print what the test gives them
# (job_log, faults); the double's request log tells what was sent, in order.
# And two that were bugs: a make refused after network.mk was remade leaves
# options.vars as it was (the next make renders nothing again), and a node
# added to an org as it rolls does not stop the roll.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "needs the double's request log, Jobs and readiness"
start_cluster --job-ms 50
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
cp "$TOP/configtx.yaml" ctx.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" "$@"; }
# a block of the channel as the participation profile declares it
channel_block() { "$BINDIR/txgen" -configPath "$B" -profile TwoOrgsApplicationGenesis -channelID mychannel -outputBlock "$1"; }
# what each org's record says it runs
records() { for o in orgorderer1 org1 org2; do printf '%s=%s ' "$o" "$(cat "$B/stamps/$o.live" 2>/dev/null)"; done; }
# every request since log_mark (a make that sends nothing sends no GET either)
sent() { log_new | wc -l; }
# the objects created or changed since log_mark (no dry run), in order, as
# "namespace/resource/name"
writes() {
	log_new | grep -v 'dryRun=' |
		grep -E ' PATCH /apis?(/[a-z.]+)?/v1/namespaces/[^/]+/[a-z]+/[^?]+\?[^ ]* (200 changed|201 created)$' |
		sed -E 's|.* PATCH /apis?(/[a-z.]+)?/v1/namespaces/([^/]+)/([a-z]+)/([^?]+)\?.*|\2/\3/\4|'
}
jobs_created() { writes | sed -n 's|^\([^/]*\)/jobs/|\1/|p' | tr '\n' ' '; }
# first WRITE-REGEX BEFORE-REGEX: the first write that matches the one comes
# before the first that matches the other (both there)
first() {
	_a=$(writes | grep -nE -- "$1" | head -1 | cut -d: -f1)
	_b=$(writes | grep -nE -- "$2" | head -1 | cut -d: -f1)
	[ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ]
}
# the image a Deployment of the double runs
image() { api_get "/apis/apps/v1/namespaces/$1/deployments/$2" | js 'o.spec.template.spec.containers[0].image'; }
# Channel V3_0 in the test's configtx.yaml
channel_v3() { sed -i '/^  Channel: &ChannelCapabilities$/{n;s/V2_0: true/V3_0: true/;}' ctx.yaml; }

# --- 2.5, system flow: the records, and a rerun that sends nothing ---
run m deploy channel
is "$rc" 0 "make deploy channel: the sample at Fabric 2.5, system flow"
[ "$rc" -eq 0 ] || diag "$err"
is "$(records)" "orgorderer1=2.5 system org1=2.5 system org2=2.5 system " "each org's record: 2.5 system"
log_mark
run m deploy
is "$rc:$(sent)" "0:0" "make deploy again: no request"
is "$(printf '%s\n' "$out" | grep -c 'rolls')" 0 "and nothing rolls"

# --- Fabric 3 over the system channel ---
log_mark
run m plan FABRIC_VERSION=3.1
like "$rc:$err" "^2:.*FABRIC_VERSION=3\.1: the network runs a system channel \(syschannel\).*migrate it first.*make deploy channel CHANNEL_FLOW=participation FABRIC_VERSION=2\.5" \
	"make plan FABRIC_VERSION=3.1: refused, migrate first (at 2.5)"
is "$(sent)" 0 "and nothing is sent"

# --- the migration to channel participation ---
channel_block live.block
job_log live.block BLOCK live.log
channel_block plan0.block
job_log plan0.block BLOCK plan0.log
channel_block block0
job_log block0 BLOCK block0.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-block0$ log=$tmp/plan0.log" \
	"JOB /namespaces/org1/jobs/ch-mychannel-block0$ log=$tmp/block0.log" \
	"JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live.log *"
log_mark
run m plan CHANNEL_FLOW=participation
is "$rc" 0 "make plan CHANNEL_FLOW=participation"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "orgorderer1: rolls orderer0 one at a time, Fabric 2\.5 -> 2\.5, then removes the system channel syschannel" \
	"it shows the orderer's roll, then the system channel's removal"
is "$(writes | grep -v /jobs/ | tr '\n' ' ')" "" "and applies nothing (it runs the Job that fetches block 0)"
is "$(records)" "orgorderer1=2.5 system org1=2.5 system org2=2.5 system " "the records are unchanged"
# (the plan fetched block 0 already: away with it, to see the deploy fetch it)
rm -f "$B/channel-artifacts/mychannel.block"
log_mark
run m deploy channel CHANNEL_FLOW=participation
is "$rc" 0 "make deploy channel CHANNEL_FLOW=participation: the network migrates"
[ "$rc" -eq 0 ] || diag "$err"
like "$(jobs_created)" "^org1/ch-mychannel-block0 " "first a Job of org1 fetches the channel's block 0"
like "$(cat "$B/jobs/org1/ch-mychannel-block0.yaml")" 'BLOCK, value: "0"' "(block 0: peer channel fetch 0)"
cmp -s block0 "$B/channel-artifacts/mychannel.block"
ok $? "build/channel-artifacts/mychannel.block is the block the Job printed"
first '^org1/jobs/ch-mychannel-block0$' '^org1/secrets/cli-crypto$'
ok $? "the Job runs with the cli-crypto Secret the cluster had: the new one, with the block, comes after"
first '^orgorderer1/deployments/orderer0$' '^orgorderer1/jobs/catchup-orderer0$' &&
	first '^orgorderer1/jobs/catchup-orderer0$' '^orgorderer1/jobs/sys-remove$'
ok $? "orderer0 is applied, caught up, then the Job sys-remove takes the system channel off it"
like "$(cat "$B/jobs/orgorderer1/sys-remove.yaml")" 'SYS_CHANNEL, value: "syschannel"' "(the system channel: syschannel)"
like "$(log_new | grep ' DELETE /api/v1/namespaces/orgorderer1/secrets/genesis?' | grep -v dryRun)" ' 200 ' \
	"the system channel's genesis Secret is pruned"
is "$(records)" "orgorderer1=2.5 participation org1=2.5 participation org2=2.5 participation " \
	"each org's record: 2.5 participation"
like "$out" "channel mychannel \(config sequence 0\) is as declared" "the channel goes on, as the participation profile declares it"
log_mark
run m deploy channel
is "$rc:$(sent)" "0:0" "make deploy channel, no CHANNEL_FLOW: no request (participation stays)"
is "$(records)" "orgorderer1=2.5 participation org1=2.5 participation org2=2.5 participation " \
	"the records still say participation"
run api_get /api/v1/namespaces/orgorderer1/secrets/genesis
like "$out" '"code":404' "the double has no genesis Secret"
log_mark
run m deploy CHANNEL_FLOW=system
like "$rc:$err" "^2:.*CHANNEL_FLOW=system: the orderers of this network left the system channel.*no way back" \
	"CHANNEL_FLOW=system after the migration: refused, no way back"
is "$(sent)" 0 "and nothing is sent"

# --- no roll while a node is not ready ---
# peer1 of org1 is not ready: a change of its pod template whose pods the
# double never makes ready
cp "$B/manifests/org1/peer1.yaml" peer1.yaml
sed 's/crypto-digest: "[0-9a-f]*"/crypto-digest: "stalled"/' peer1.yaml >stalled.yaml
faults "READY /namespaces/org1/deployments/peer1$ never-ready *"
kapply apply -q -f stalled.yaml
log_mark
run m org1 FABRIC_VERSION=3.0 WAIT_TIMEOUT=2s
is "$rc" 2 "make org1 FABRIC_VERSION=3.0 while org1's peer1 is not ready: fails"
like "$err" "org1/Deployment/peer1: not ready" "kapply says which node"
like "$err" "make: org1 does not roll while a node of it is not ready" "make says org1 does not roll"
is "$(writes | grep -E '^org1/(deployments|jobs)/' | tr '\n' ' ')" "" "no workload or Job of org1 is applied"
first '^orgorderer1/deployments/orderer0$' '^orgorderer1/jobs/catchup-orderer0$'
ok $? "the orderer org rolled first (make org1 rolls the orderers before it)"
is "$(records)" "orgorderer1=3.0 participation org1=2.5 participation org2=2.5 participation " \
	"records: the orderer org runs 3.0, org1 and org2 still 2.5"
# make channel's reconcile: Channel V3_0 needs 3.0 on every node (make
# channel itself would roll org1 first; its reconcile step alone shows the check)
channel_v3
log_mark
run m channel-reconcile
like "$rc:$err" "^2:make: mychannel's capabilities in $tmp/ctx\.yaml \(Channel:V3_0 .*\) need Fabric 3\.0 or later on every node, and org1 runs 2\.5" \
	"Channel V3_0 while org1 runs 2.5: make channel's reconcile refuses"
is "$(jobs_created)" "" "and runs no Job"
cp "$TOP/configtx.yaml" ctx.yaml
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live.log *"
kapply apply -q -f peer1.yaml && kapply wait -q --timeout 10s -f peer1.yaml
ok $? "(peer1 of org1 is back)"

# --- the roll to 3.1 ---
log_mark
run m plan FABRIC_VERSION=3.1
is "$rc" 0 "make plan FABRIC_VERSION=3.1"
like "$out" "orgorderer1: rolls orderer0 one at a time, Fabric 3\.0 -> 3\.1" "it shows the orderer's roll"
like "$out" "org1: rolls peer0 peer1 one at a time, Fabric 2\.5 -> 3\.1" "and org1's"
is "$(writes | grep -v /jobs/)" "" "and changes nothing"
log_mark
run m deploy FABRIC_VERSION=3.1
is "$rc" 0 "make deploy FABRIC_VERSION=3.1"
[ "$rc" -eq 0 ] || diag "$err"
first '^orgorderer1/deployments/orderer0$' '/deployments/peer' &&
	first '^orgorderer1/jobs/catchup-orderer0$' '/deployments/peer'
ok $? "orderer0 is applied and caught up before any peer"
is "$(writes | grep -E '^org1/(deployments/peer|jobs/catchup)' | tr '\n' ' ')" \
	"org1/deployments/peer0 org1/jobs/catchup-peer0 org1/deployments/peer1 org1/jobs/catchup-peer1 " \
	"org1: peer0, its catch-up, then peer1, its catch-up"
is "$(writes | grep -E '^org2/(deployments/peer|jobs/catchup)' | tr '\n' ' ')" \
	"org2/deployments/peer0 org2/jobs/catchup-peer0 org2/deployments/peer1 org2/jobs/catchup-peer1 " \
	"org2: the same"
like "$(cat "$B/jobs/org1/catchup-peer1.yaml")" 'NODE, value: "peer1\.org1:7051"' "(catchup-peer1 waits for peer1.org1:7051)"
is "$(image orgorderer1 orderer0) $(image org1 peer0) $(image org2 peer1)" \
	"hyperledger/fabric-orderer:3.1 hyperledger/fabric-peer:3.1 hyperledger/fabric-peer:3.1" "the nodes run the 3.1 images"
is "$(records)" "orgorderer1=3.1 participation org1=3.1 participation org2=3.1 participation " \
	"each org's record: 3.1 participation"
log_mark
run m deploy
is "$rc:$(sent)" "0:0" "make deploy again (3.1, the newest recorded): no request"

# --- capabilities: raised once every node has them, no way back below ---
channel_v3
log_mark
run m plan FABRIC_VERSION=2.5
like "$rc:$err" "^2:.*CHANNEL_PROFILE=TwoOrgsApplicationGenesis asks for capabilities \(Channel:V3_0 .*\) that need Fabric 3\.0 or later, not FABRIC_VERSION=2\.5" \
	"Channel V3_0 in configtx.yaml with FABRIC_VERSION=2.5: refused"
is "$(sent)" 0 "and nothing is sent"
printf 'signed\n' >signed
job_log signed "CONFIG UPDATE" signed.log
faults "JOB /namespaces/org1/jobs/ch-mychannel-config$ log=$tmp/live.log *" "JOB /jobs/ch-mychannel-sign$ log=$tmp/signed.log *"
log_mark
run m channel
is "$rc" 0 "make channel: Channel V3_0, every node at 3.1"
[ "$rc" -eq 0 ] || diag "$err"
like "$out" "change /Channel/Capabilities" "the channel's capabilities change"
like "$(jobs_created)" "ch-mychannel-submit " "an update is submitted"
like "$(cat "$B/channel/mychannel/capabilities")" "^Channel:V3_0 " "the channel's record: Channel:V3_0"
is "$(printf '%s\n' "$out" | grep -c '^  APPLY')" 0 \
	"and no org is applied again (the refused make plan above wrote no options.vars)"
cp "$TOP/configtx.yaml" ctx.yaml
log_mark
run m plan FABRIC_VERSION=2.5
like "$rc:$err" "^2:.*FABRIC_VERSION=2\.5 is older than the channel mychannel runs with: its capabilities \(Channel:V3_0 .*\) need Fabric 3\.0 or later" \
	"FABRIC_VERSION=2.5 once the channel runs V3_0 (configtx.yaml back at V2_0): refused"
is "$(sent)" 0 "and nothing is sent"

# --- two orderer orgs: one after the other, then the peers ---
TWO=$TOP/tests/networks/two-orderer-orgs
cp "$TWO/crypto-config.yaml" two.yaml
m2() { tmake BUILD="$tmp/two" CRYPTO_CONFIG="$tmp/two.yaml" CONFIGTX="$TWO/configtx.yaml" "$@"; }
run m2 deploy
is "$rc:$(cat "$tmp"/two/stamps/*.live | sort -u | tr '\n' ' ')" "0:2.5 participation " \
	"two-orderer-orgs: make deploy, each org's record 2.5 participation"
log_mark
run m2 deploy FABRIC_VERSION=3.0
is "$rc" 0 "two-orderer-orgs: make deploy FABRIC_VERSION=3.0"
[ "$rc" -eq 0 ] || diag "$err"
first '^ordera-policy-test/jobs/catchup-orderer0$' '^orderb-policy-test/deployments/orderer0$' &&
	first '^orderb-policy-test/jobs/catchup-orderer0$' '/deployments/peer0$'
ok $? "ordera's orderer is applied and caught up before orderb's, and both before any peer"
like "$(cat "$tmp/two/jobs/ordera.policy.test/catchup-orderer0.yaml")" \
	'ORDERERS, value: "orderer0\.orderb-policy-test:7050=/crypto/orderer-tls/orderb\.policy\.test\.pem"' \
	"(ordera's orderer catches up with orderb's)"
# a node added to an org as it rolls
sed -i '/Domain: org3.policy.test/,${/Template:/{n;s/Count: 1/Count: 2/;}}' two.yaml
run m2 deploy FABRIC_VERSION=3.1 WAIT_TIMEOUT=5s
is "$rc" 0 "two-orderer-orgs: a peer added to org3 as it rolls to 3.1: the roll goes on"
[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$err" | grep -E 'peer1|does not roll')"

# --- a migration asked of a network the cluster no longer runs ---
# (its orderer gone behind make's back): make stops before it fetches,
# rolls or removes anything, and says what to do
m3() { tmake BUILD="$tmp/gone" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
run m3 WIPE=1 deploy channel
is "$rc" 0 "another network, system flow: make deploy channel"
run kapply delete --wait -f "$tmp/gone/manifests/orgorderer1/orderer0.yaml"
is "$rc" 0 "its orderer deleted behind make's back"
log_mark
run m3 deploy channel CHANNEL_FLOW=participation
is "$rc" 2 "a migration of a network whose orderers the cluster does not run: refused"
like "$err" "^make: mychannel runs in the system flow, as this build made it, and the cluster does not run its orderers \(above\): nothing to migrate" \
	"and said why, after kapply named the missing orderer"
is "$(jobs_created)" "" "no Job runs"
is "$(cat "$tmp"/gone/stamps/*.live | sort -u | tr '\n' ' ')" "2.5 system " "and the records stay"

done_testing
