#!/bin/sh
# The project's own manifests, as `make` renders them, applied to the API
# server double: every org goes in, a re-apply changes nothing, and once a
# node is no longer rendered, prune removes exactly that node's objects.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "would create the sample network's namespaces on the cluster"
start_cluster
B=$tmp/b
run tmake BUILD="$B" CRYPTO_CONFIG="$TOP/crypto-config.yaml" CONFIGTX="$TOP/configtx.yaml"
is "$rc" 0 "make renders the sample network's manifests"
orgs=$(ls "$B/manifests")

log_mark
fail=0
for org in $orgs; do
	kapply apply -q -f "$B/cluster/$org" -f "$B/manifests/$org" || fail=1
done
is "$fail" 0 "every org applied, with its cluster step"
objects=$(cat "$B"/manifests/*/*.yaml "$B"/cluster/*/*.yaml | grep -c '^kind:')
is "$(log_count ' 201 created$')" "$objects" "every rendered object was created ($objects)"

log_mark
for org in $orgs; do
	kapply apply -q -f "$B/cluster/$org" -f "$B/manifests/$org"
done
is "$(log_count 'PATCH .* 200 unchanged$'):$(log_count 'PATCH')" "$objects:$objects" \
	"a second apply changes nothing"

run kapply prune -l fabric-k8s/org=org1 -f "$B/cluster/org1" -f "$B/manifests/org1"
is "$rc:$out" "0:nothing to prune" "prune: nothing stale"

# org1 loses peer1: its Secret, claim, Service and Deployment are stale
mkdir -p "$tmp/org1"
cp "$B"/manifests/org1/*.yaml "$B"/cluster/org1/*.yaml "$tmp/org1/"
rm "$tmp"/org1/peer1*.yaml
run kapply prune -l fabric-k8s/org=org1 -f "$tmp/org1"
is "$rc" 0 "prune after peer1 went away: exit 0"
is "$(printf '%s\n' "$out" | sort)" "pruned org1/Deployment/peer1
pruned org1/PersistentVolumeClaim/peer1-data
pruned org1/Secret/peer1-crypto
pruned org1/Service/peer1" "prune removed exactly peer1's objects"
run kapply get -f "$B/manifests/org1" -f "$B/manifests/org2"
is "$(printf '%s\n' "$out" | grep -c absent)" 4 "everything else of org1 and org2 is still there"

# CONTEXT=...: $(KAPPLY) is "kapply --context NAME", the option before the
# command (kapply took only the command first, so make deploy failed)
log_mark
run tmake BUILD="$B" CRYPTO_CONFIG="$TOP/crypto-config.yaml" CONFIGTX="$TOP/configtx.yaml" CONTEXT=test deploy
is "$rc" 0 "make deploy CONTEXT=test: exit status 0"
is "$(log_count 'PATCH .*/peer1[?].* 201 created$')" 2 "and it applied (org1's pruned peer1 came back)"
run tmake BUILD="$B" CRYPTO_CONFIG="$TOP/crypto-config.yaml" CONFIGTX="$TOP/configtx.yaml" CONTEXT=nope plan
like "$rc:$err" '^2:.*kapply: context "nope" not found in ' "make plan CONTEXT=nope: the context is looked for"

# Drift: make status names what the cluster lacks or changed; make
# reconcile puts that back, and nothing else, whatever the stamps say.
net="BUILD=$B CRYPTO_CONFIG=$TOP/crypto-config.yaml CONFIGTX=$TOP/configtx.yaml"
run tmake $net status
is "$rc:$(printf '%s\n' "$out" | grep -c 'every object as its manifests say')" "0:$(echo $orgs | wc -w)" \
	"make status after deploy: every org as its manifests say"
run kapply delete -q --wait -f "$B/manifests/org1/peer0-data.yaml"
ok $rc "org1's peer0 lost its ledger claim behind make's back"
sed 's/CORE_PEER_GOSSIP_BOOTSTRAP, value: "[^"]*"/CORE_PEER_GOSSIP_BOOTSTRAP, value: "elsewhere:7051"/' \
	"$B/manifests/org2/peer0.yaml" >"$tmp/peer0-edited.yaml"
kapply apply -q --force -f "$tmp/peer0-edited.yaml"
ok $? "and someone edited org2's peer0 (its gossip bootstrap)"
run tmake $net status
is "$rc" 0 "make status with drift: exit 0"
like "$out" "^absent  org1/PersistentVolumeClaim/peer0-data$" "make status: the missing claim"
like "$out" "^make: org1 is not what its manifests say: make org1-reconcile puts it back$" "and the way back"
like "$out" "^drifted org2/Deployment/peer0: spec\\.template\\.spec\\.containers\\[0\\]\\.env" "make status: the edited peer, where it changed"
is "$(printf '%s\n' "$out" | grep -c 'every object as its manifests say')" "$(($(echo $orgs | wc -w) - 2))" \
	"make status: the other orgs are as their manifests say"
mkdir -p "$B/stamps/channel-mychannel" "$B/stamps/chaincode-mychannel-abstore-1"
touch "$B/stamps/channel-mychannel/org1" "$B/stamps/channel-mychannel/org2" \
	"$B/stamps/chaincode-mychannel-abstore-1/install-org1" "$B/stamps/chaincode-mychannel-abstore-1/install-org2"
log_mark
run tmake $net reconcile
is "$rc" 0 "make reconcile: exit 0"
like "$out" "^created org1/PersistentVolumeClaim/peer0-data$" "make reconcile: the claim is made again"
like "$out" "^applied org2/Deployment/peer0$" "make reconcile: the edited peer is put back"
is "$(log_new | grep PATCH | grep -vc dryRun=All)" 2 "make reconcile: those two objects, and nothing else, were written"
is "$(cd "$B/stamps" && ls channel-mychannel/org1 channel-mychannel/org2 chaincode-mychannel-abstore-1/install-org1 \
	chaincode-mychannel-abstore-1/install-org2 2>/dev/null | tr '\n' ' ')" \
	"chaincode-mychannel-abstore-1/install-org2 channel-mychannel/org2 " \
	"a new ledger claim: its org's join and install are forgotten (make channel chaincode redo them), no other org's"
like "$out" "org1: a node's ledger claim was made anew, empty: make channel chaincode joins it again" "and make says so"
log_mark
run tmake $net reconcile
is "$rc:$(log_new | grep PATCH | grep -vc dryRun=All)" "0:0" "a second make reconcile writes nothing"
# the sample's only orderer: a new claim would start another chain
run kapply delete -q --wait -f "$B/manifests/orgorderer1/orderer0-data.yaml"
run tmake $net orgorderer1-reconcile
like "$rc:$err" "^2:.*make: the network's only orderer lost its ledger" "the only orderer's lost ledger: make says so and stops"
is "$(kapply get -f "$B/manifests/orgorderer1/orderer0-data.yaml")" "orgorderer1/PersistentVolumeClaim/orderer0-data	absent" \
	"and makes no empty claim for it"

done_testing
