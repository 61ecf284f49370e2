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

done_testing
