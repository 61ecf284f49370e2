#!/bin/sh
# A cluster that holds another build's network: against the API server
# double, build A deploys the sample; build B, a fresh build of the same
# files (its own keys), deploys to the same namespaces and is stopped
# before it applies anything, told which build holds them and what to do;
# B's make deploy WIPE=1 deletes A's network and deploys its own.  A's
# own rerun, and its make deploy with its stamps lost, are not stopped.
# kapply apply --claim itself: a live object without the annotation is
# taken, one with another value is refused with exit status 3.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "counts the double's requests"
start_cluster
cd "$tmp" || exit 1
mA() { tmake BUILD="$tmp/a" "$@"; }
mB() { tmake BUILD="$tmp/b" "$@"; }
writes() { log_new | grep -cE ' (PATCH|POST|PUT|DELETE) '; }
annotation() { # annotation NAMESPACE KEY
	api_get "/api/v1/namespaces/$1" | js "(o.metadata.annotations || {})['$2']"
}

run mA deploy
is "$rc" 0 "build A: make deploy"
idA=$(sed -n 's/^NETWORK_ID=//p' "$tmp/a/secrets/org1/network.vars")
like "$idA" '^[0-9a-f]{32}$' "A's org1 has a network ID of its own, kept with its crypto material"
is "$(annotation org1 fabric-k8s/network)" "$idA" "org1's namespace is claimed for A"
is "$(annotation org1-cc fabric-k8s/network)" "$idA" "and so is its chaincode namespace"
is "$(annotation org1 fabric-k8s/deployed-from)" "$(id -un)@$(cat /etc/hostname):$tmp/a" \
	"and says where A was deployed from"

log_mark
run mB deploy
is "$rc" 2 "build B over A's network: make deploy fails"
# (which orgs' cluster steps ran before make stopped depends on -j: at
# least one did; the sample's namespaces are its orgs' names)
held=$(printf '%s\n' "$err" | sed -n 's/^kapply: Namespace\/\([a-z0-9]*\): held by another.*/\1/p' | head -n 1)
like "$err" "^kapply: Namespace/${held:-none}: held by another: its fabric-k8s/network is $(sed -n 's/^NETWORK_ID=//p' "$tmp/a/secrets/$held/network.vars" 2>/dev/null), not [0-9a-f]{32};.* fabric-k8s/deployed-from: [^ ]*@[^ ]*:$tmp/a" \
	"and names each namespace with the build that holds it"
like "$err" "make: $held's namespaces hold another network \\(above, where it was deployed from\\): run make clean-cluster in that build, or this make again with WIPE=1" \
	"and told what to do"
is "$(writes)" 0 "B wrote nothing to the cluster"
ok "$([ ! -e "$tmp/b/stamps/orgorderer1.applied" ] && [ ! -e "$tmp/b/stamps/orgorderer1.cluster" ]; echo $?)" \
	"and has no stamp that says it did"

# A is not stopped by its own claim: a rerun, and its cluster step again
rm -f "$tmp/a/stamps/"*.cluster "$tmp/a/stamps/"*.applied
run mA deploy
is "$rc" 0 "build A, its stamps lost: make deploy applies again over its own network"

log_mark
run mB deploy WIPE=1
is "$rc" 0 "build B with WIPE=1: make deploy"
like "$out" "WIPE +orgorderer1" "it says it wipes the orderer org's namespaces"
is "$(log_new | grep -c 'DELETE /api/v1/namespaces/org1?')" 1 "A's namespaces are deleted"
is "$(annotation org1 fabric-k8s/network)" "$(sed -n 's/^NETWORK_ID=//p' "$tmp/b/secrets/org1/network.vars")" \
	"and org1's is B's now"
run mB deploy
is "$rc" 0 "B's rerun"

# kapply apply --claim: not claimed yet, then claimed by another
printf '%s\n' 'apiVersion: v1' 'kind: Namespace' \
	'metadata: {name: claimless, annotations: {x/owner: one}}' >one.yaml
printf '%s\n' 'apiVersion: v1' 'kind: Namespace' 'metadata: {name: claimless}' >none.yaml
sed 's/owner: one/owner: two/' one.yaml >two.yaml
kapply apply -q -f none.yaml
run kapply apply --claim x/owner -f one.yaml
is "$rc" 0 "apply --claim: a live object without the annotation is taken"
run kapply apply --claim x/owner -f two.yaml
like "$rc:$err" "^3:kapply: Namespace/claimless: held by another: its x/owner is one, not two" \
	"one with another value is refused, exit status 3"
run kapply apply --claim x/owner -f one.yaml
is "$rc" 0 "one with the same value is applied"
run kapply delete --claim x/owner -f one.yaml
is "$rc" 2 "--claim goes with apply alone"
done_testing
