#!/bin/sh
# The deploy graph against the API server double: what make deploy sends,
# that a rerun sends nothing, that one org's change reaches only that org,
# that a removed peer is pruned, that a failed deploy leaves its stamp
# unwritten and the rerun completes, and that clean-cluster empties it.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "counts the double's requests"
start_cluster
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
stamps() { stat -c '%n %Y.%y' "$@"; }
requests() { log_new | grep -Ev ' GET /(api|apis)(/[a-z0-9.]+)*(/v[0-9a-z]+)? '; }
# the namespaces and the cluster-scoped objects the double holds, via kapply get
live() { kapply get -f "$1" 2>/dev/null | grep -vc absent; }

# --- the first deploy ---
log_mark
run m deploy
is "$rc" 0 "make deploy: exit status 0"
objects=$(cat "$B"/manifests/*/*.yaml | grep -c '^kind:')
is "$objects" 53 "the sample network renders 53 objects in the orgs' namespaces (12 of them NetworkPolicies)"
cluster_step=$(cat "$B"/cluster/*/*.yaml | grep -c '^kind:')
is "$cluster_step" 18 "and 18 in the cluster step (5 namespaces, 3 accounts, 5 Roles and RoleBindings)"
is "$(log_count 'PATCH .* 201 created$')" 71 "make deploy creates each of them once"
is "$(log_count 'PATCH .* 20[01] ')" 71 "and applies nothing twice"
first_peer=$(log_new | grep -nE 'PATCH /api[^ ]*/namespaces/org[12]/(secrets|services|deployments|networkpolicies)/' |
	head -1 | cut -d: -f1)
last_orderer=$(log_new | grep -n 'PATCH /api.*namespaces/orgorderer1' | tail -1 | cut -d: -f1)
ok "$([ "$last_orderer" -lt "$first_peer" ]; echo $?)" "the orderer org is applied before the peer orgs"
for org in orgorderer1 org1 org2; do
	first=$(log_new | grep 'PATCH ' | grep "namespaces/$org" | head -1)
	like "$first" "PATCH /api/v1/namespaces/$org\\?" "$org: its namespace goes first"
done
ok "$([ -f "$B/stamps/org1.applied" ] && [ -f "$B/stamps/org2.applied" ] && [ -f "$B/stamps/orgorderer1.applied" ]; echo $?)" \
	"a stamp per org"
like "$(kapply get -f "$B/manifests/org1/peer0.yaml")" 'Deployment/peer0' "the double holds peer0 of org1"

# --- nothing changed: no request at all ---
log_mark
run m deploy
is "$rc" 0 "second make deploy: exit status 0"
is "$(requests | wc -l)" 0 "second make deploy sends no request"
run m -q deploy
is "$rc" 0 "make -q deploy: up to date"

# --- one more peer in org2: org2 only ---
keep=$(stamps "$B"/stamps/org1.* "$B"/stamps/orgorderer1.* "$B"/manifests/org1/* "$B"/manifests/orgorderer1/* \
	"$B"/channel-artifacts/*)
keep_crypto=$(cd "$B/crypto-config" && find . -path ./peerOrganizations/org2 -prune -o -type f -print |
	sort | xargs sha256sum)
org2_keys=$(cd "$B/crypto-config/peerOrganizations/org2" && find . -type f | sort | xargs sha256sum)
sed -i '/Name: Org2/,$ s/Count: 2/Count: 3/' cc.yaml
log_mark
run m deploy
is "$rc" 0 "Org2 Template Count 2 -> 3: make deploy succeeds"
is "$(stamps "$B"/stamps/org1.* "$B"/stamps/orgorderer1.* "$B"/manifests/org1/* "$B"/manifests/orgorderer1/* \
	"$B"/channel-artifacts/*)" "$keep" "org1's and the orderer org's stamps, manifests and the channel artifacts are untouched"
is "$(cd "$B/crypto-config" && find . -path ./peerOrganizations/org2 -prune -o -type f -print | sort | xargs sha256sum)" \
	"$keep_crypto" "no other org's crypto material changed"
is "$(cd "$B/crypto-config/peerOrganizations/org2" && find . -type f | sort | xargs sha256sum | grep -F "$org2_keys" | wc -l)" \
	"$(printf '%s\n' "$org2_keys" | wc -l)" "org2's existing keys and certificates are all still there, unchanged"
ok "$([ -f "$B/crypto-config/peerOrganizations/org2/peers/peer2.org2/msp/keystore/priv_sk" ]; echo $?)" \
	"peer2 of org2 has its MSP"
is "$(requests | grep -Ev 'namespaces/org2(-cc)?[/?]|labelSelector=.*fabric-k8s%2Forg%3Dorg2' | tee "$tmp/other" | wc -l)" 0 \
	"the double sees requests for org2 only (its objects, and the lists prune makes of them)"
[ -s "$tmp/other" ] && diag "$(cat "$tmp/other")"
is "$(log_count 'PATCH .* 201 created$')" 4 "peer2's Secret, claim, Service and Deployment are created"
is "$(log_count 'PATCH .* 200 changed$')" 0 "nothing else of org2 changes"

# --- back to two: peer2 is pruned ---
sed -i '/Name: Org2/,$ s/Count: 3/Count: 2/' cc.yaml
log_mark
run m deploy
is "$rc" 0 "Org2 Template Count 3 -> 2: make deploy succeeds"
is "$(log_new | grep ' DELETE ' | sed 's/.* DELETE \([^?]*\).*/\1/' | sort | tr '\n' ' ')" \
	"/api/v1/namespaces/org2/persistentvolumeclaims/peer2-data /api/v1/namespaces/org2/secrets/peer2-crypto /api/v1/namespaces/org2/services/peer2 /apis/apps/v1/namespaces/org2/deployments/peer2 " \
	"peer2's objects are pruned, nothing else"
ok "$([ ! -e "$B/manifests/org2/peer2.yaml" ]; echo $?)" "peer2's manifests are gone from the build"

# --- a failed deploy: no stamp, and the rerun completes ---
# (a new logging level changes every org's workloads)
faults 'PATCH /namespaces/org1/ status=500 *'
log_mark
run m deploy LOGGING_SPEC=DEBUG
ok "$([ "$rc" -ne 0 ]; echo $?)" "a deploy whose org1 objects keep failing fails"
like "$err" 'org1/.*: 500' "and says which objects and why"
ok "$([ "$B/stamps/org1.applied" -ot "$B/manifests/org1/peer0.yaml" ]; echo $?)" \
	"org1's stamp is not renewed: it stays older than org1's manifests"
run m -q deploy LOGGING_SPEC=DEBUG
is "$rc" 1 "so make -q deploy knows org1 is still to do"
faults
log_mark
run m deploy LOGGING_SPEC=DEBUG
is "$rc" 0 "the rerun completes"
ok "$([ -f "$B/stamps/org1.applied" ]; echo $?)" "and writes org1's stamp"
is "$(log_new | grep -E 'PATCH .*namespaces/org1/.* 200 (un)?changed$' | grep -Evc '/(serviceaccounts|roles|rolebindings)/')" 19 \
	"the rerun applies org1's objects (15, and 4 NetworkPolicies)"

# --- plan and status ---
run m plan LOGGING_SPEC=DEBUG
is "$rc" 0 "make plan: exit status 0"
like "$out" 'unchanged org1/Deployment/peer0' "make plan: what is unchanged"
run m status LOGGING_SPEC=DEBUG
is "$rc" 0 "make status: exit status 0"
like "$out" 'org2:' "make status: a line per org"

# --- renew: the pods whose certificates changed roll, no other ---
run m renew ORG=org1 LOGGING_SPEC=DEBUG
is "$rc" 0 "make renew ORG=org1: org1's certificates issued again, same keys"
log_mark
run m deploy LOGGING_SPEC=DEBUG
is "$rc" 0 "make deploy after the renewal"
rolled=$(log_new | grep -E 'PATCH /apis/apps/v1/namespaces/[^/]+/deployments/[^?]+.* 200 changed' |
	sed -E 's|.*/namespaces/([^/]+)/deployments/([^?]+).*|\1/\2|' | sort | tr '\n' ' ')
like "$rolled" "^org1/ca org1/cli org1/peer0 org1/peer1 " \
	"org1's Deployments change (their pod templates carry their Secret's digest): they roll"
is "$(printf '%s\n' $rolled | grep -Ec '^(org2/(peer|ca)|orgorderer1/)')" 0 \
	"no other org's peers, CA or orderers ($rolled)"
like "$(cat "$B/manifests/org1/peer0.yaml")" 'fabric-k8s/crypto-digest: "[0-9a-f]{16}"' "(the digest, in the pod template)"

# --- clean-cluster ---
log_mark
run m clean-cluster
is "$rc" 0 "make clean-cluster: exit status 0"
is "$(live "$B/manifests/org1")$(live "$B/manifests/org2")$(live "$B/manifests/orgorderer1")" 000 \
	"nothing of any org is left"
for o in org1 org2 orgorderer1; do
	last_object=$(log_new | grep -n " DELETE .*namespaces/$o/" | tail -1 | cut -d: -f1)
	namespace=$(log_new | grep -nE " DELETE /api/v1/namespaces/$o([?][^ ]*)? " | head -1 | cut -d: -f1)
	ok "$([ -n "$last_object" ] && [ -n "$namespace" ] && [ "$last_object" -lt "$namespace" ]; echo $?)" \
		"$o: its objects are deleted before its namespace"
done
ok "$([ ! -e "$B/stamps/org1.applied" ] && [ -f "$B/stamps/org1.msp" ] &&
	[ -f "$B/crypto-config/peerOrganizations/org1/ca/priv_sk" ]; echo $?)" \
	"the apply stamps are forgotten, the crypto material kept"

# --- refused before any request ---
log_mark
sed 's/Domain: org2$/Domain: org2\n  - Name: Org2b\n    Domain: ORG2/' cc.yaml > bad.yaml
run tmake BUILD="$B" CRYPTO_CONFIG="$tmp/bad.yaml" CONFIGTX="$TOP/configtx.yaml" deploy
ok "$([ "$rc" -ne 0 ]; echo $?)" "two orgs in one namespace fail make deploy"
like "$err" 'PeerOrgs\[2\]\.Domain: "ORG2" maps to namespace "org2", as "org2" does' "with the field named"
is "$(requests | wc -l)" 0 "and no request is sent"
printf 'PeerOrgs:\n  - Name: Big\n    Domain: big\n    Template: {Count: 40}\n' > crowded.yaml
run tmake BUILD="$tmp/b2" CRYPTO_CONFIG="$tmp/crowded.yaml" CONFIGTX="$TOP/configtx.yaml" SERVICE_TYPE=NodePort EXTERNAL_HOST=nodes.example.test deploy
ok "$([ "$rc" -ne 0 ]; echo $?)" "node ports that do not fit fail make deploy"
like "$err" '40 nodes need 120 node ports' "with the reason"
is "$(requests | wc -l)" 0 "and no request is sent"

run m clean-crypto
ok "$([ "$rc" -ne 0 ] && [ -f "$B/crypto-config/peerOrganizations/org1/ca/priv_sk" ]; echo $?)" \
	"make clean-crypto without CONFIRM=1 refuses and keeps the CAs"

done_testing
