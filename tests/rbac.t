#!/bin/sh
# Namespaced operation against the API server double, which decides a
# ServiceAccount's requests by the Roles and RoleBindings it holds: the
# admin's `make namespaces` makes the cluster step (namespaces, Roles,
# RoleBindings, the operators' accounts) and `make org1-kubeconfig` a
# kubeconfig with org1's operator token (mode 0600, the token never
# printed); with it and SCOPE=namespace, `make org1` deploys org1, prunes
# a removed peer and cleans up, every request inside org1's namespace;
# the same token gets a 403 for org2 and for the cluster step, and kapply
# names the permission that was missing.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "needs the double's RBAC"
start_cluster
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
B=$tmp/b
ADMIN=$KUBECONFIG
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
OPERATOR=system:serviceaccount:org1:fabric-k8s-operator
# the operator's requests since log_mark, discovery left out
operator_requests() { log_new | awk -v u="$OPERATOR" '$3 == u' |
	grep -Ev ' (GET /(api|apis)(/[a-z0-9.]+)*(/v[0-9a-z]+)?) '; }

# --- the admin: the cluster step, and the operator's kubeconfig ---
run m rbac
is "$rc" 0 "make rbac: exit status 0"
like "$out" "$B/cluster/org1/rbac.yaml" "make rbac names org1's Role and RoleBinding"
like "$(cat "$B/cluster/org1/rbac.yaml")" "kind: Role" "which rbac.yaml holds"
log_mark
run m namespaces
is "$rc" 0 "make namespaces: exit status 0"
is "$(log_count 'PATCH .* 201 created$')" 18 \
	"it creates 3 namespaces, 2 chaincode namespaces, 5 Roles and RoleBindings, 3 accounts"
is "$(log_new | grep ' PATCH ' | grep -Ecv ' /api/v1/namespaces/[a-z0-9-]+\?| /apis/rbac[^ ]*/(roles|rolebindings)/| /api/v1/namespaces/[a-z0-9-]+/serviceaccounts/')" 0 \
	"and nothing else"
run m org1-kubeconfig
is "$rc" 0 "make org1-kubeconfig: exit status 0"
K=$B/kubeconfig/org1.yaml
is "$(stat -c %a "$K")" 600 "the kubeconfig is private (0600)"
token=$(sed -n 's/^ *token: "\(.*\)"$/\1/p' "$K")
like "$token" '^double-sa\.org1\.fabric-k8s-operator\.' "it holds a token the server issued for org1's operator"
ok "$(printf '%s%s' "$out" "$err" | grep -qF -- "$token"; [ $? -eq 1 ]; echo $?)" "make printed no token"
like "$(KUBECONFIG=$K kapply config)" "namespace: org1" "the kubeconfig's context is in org1"
run kapply kubeconfig -n org1 --service-account nobody -o "$tmp/nobody.yaml"
like "$rc:$err" '^1:kapply: org1/ServiceAccount/nobody: 404 NotFound: serviceaccounts "nobody" not found' \
	"kapply kubeconfig for an account that does not exist: the server's 404"
ok "$([ ! -e "$tmp/nobody.yaml" ]; echo $?)" "and no file"
run kapply kubeconfig -n org1 --service-account fabric-k8s-operator --duration 5m -o "$tmp/short.yaml"
like "$rc:$err" '^2:kapply: --duration: a token is valid for 10m at least' "a token shorter than 10 minutes: usage error"

# --- the operator: make org1, with org1's rights alone ---
KUBECONFIG=$K
export KUBECONFIG
log_mark
run m SCOPE=namespace org1
is "$rc" 0 "make org1 SCOPE=namespace with the operator's token: exit status 0"
[ "$rc" -eq 0 ] || diag "$err"
is "$(operator_requests | grep -c ' PATCH .* 201 ')" "$(cat "$B"/manifests/org1/*.yaml | grep -c '^kind:')" \
	"it creates every object of org1's manifests"
is "$(operator_requests | grep -v ' /apis\?/[^ ]*/namespaces/org1/' | wc -l)" 0 \
	"every request it made names org1's namespace"
is "$(operator_requests | grep -c ' 403 ')" 0 "and none was refused"
log_mark
run m SCOPE=namespace org1
is "$rc:$(operator_requests | wc -l)" "0:0" "make org1 again: no request"

# a peer fewer: prune, inside the namespace
awk '/Domain: org1/ { o = 1 } o && /Count: 2/ { sub(/Count: 2/, "Count: 1"); o = 0 } { print }' \
	"$TOP/crypto-config.yaml" >cc.yaml
log_mark
run m SCOPE=namespace org1
is "$rc" 0 "org1 down to one peer: make org1 SCOPE=namespace prunes"
like "$(operator_requests | grep ' DELETE ' | tr '\n' ' ')" 'namespaces/org1/deployments/peer1\?' "peer1 is deleted"
is "$(operator_requests | grep -v ' /apis\?/[^ ]*/namespaces/org1/' | wc -l)" 0 "every request names org1's namespace"

# what org1's operator may not do: another org, and the cluster step
run m SCOPE=namespace org2
ok "$([ "$rc" -ne 0 ]; echo $?)" "make org2 with org1's token fails"
like "$err" "kapply: org2/[A-Za-z]+/[-a-z0-9]+: 403 Forbidden: .* User \"$OPERATOR\" cannot patch resource \"[a-z]+\" in API group \"[a-z.]*\" in the namespace \"org2\"; the credentials lack the permission to patch [a-z.]+ in namespace org2" \
	"kapply names the verb, the resource and the namespace it lacked"
rm -f "$B/stamps/org1.cluster"
run m org1
ok "$([ "$rc" -ne 0 ]; echo $?)" "SCOPE=cluster (the cluster step) with org1's token fails"
like "$err" "Namespace/org1: 403 Forbidden: .*cannot (get|patch) resource \"namespaces\"" "on the Namespace"

# clean-cluster with SCOPE=namespace: org1's objects go, the cluster step's stay
log_mark
run m SCOPE=namespace org1-clean-cluster
is "$rc" 0 "make org1-clean-cluster SCOPE=namespace: exit status 0"
is "$(operator_requests | grep -v ' /apis\?/[^ ]*/namespaces/org1\(-cc\)\?/' | wc -l)" 0 \
	"every request names org1's namespaces"
KUBECONFIG=$ADMIN
like "$(kapply get -f "$B/manifests/org1" 2>&1 | grep -vc absent)" '^0$' "org1's objects are gone"
is "$(kapply get -f "$B/cluster/org1" | grep -c absent)" 0 "its namespaces, Roles and account are there"

# the admin cleans up all
run m clean-cluster
is "$rc" 0 "make clean-cluster (admin)"
is "$(kapply get -f "$B/cluster/org1" | grep -vc absent)" 0 "the cluster step's objects are gone too"
done_testing
