#!/bin/sh
# kapply apply and diff against the API server double (or a real cluster
# with K8S_E2E=1): create, re-apply unchanged, change, dry run, values kept
# exactly, ordering over one HTTP/2 connection, and the server's refusals
# (404, 403, 409, 422) and bad input, each reported once.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

start_cluster --ns-delete-ms 10000
m=$tmp/m
mkdir -p "$m"

cat >"$m/00-ns.yaml" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NS1
  labels:
    app.kubernetes.io/managed-by: fabric-k8s
    fabric-k8s/org: org1
EOF
cat >"$m/10-config.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: peer0-config
  namespace: $NS1
  labels: {app.kubernetes.io/managed-by: fabric-k8s, fabric-k8s/org: org1}
data:
  zeros: "0123"
  truth: "true"
  version: "1.10"
  answer: 'yes'
  plain: hello world
---
apiVersion: v1
kind: Secret
metadata:
  name: peer0-tls
  namespace: $NS1
  labels: {app.kubernetes.io/managed-by: fabric-k8s, fabric-k8s/org: org1}
type: Opaque
stringData:
  server.key: not-really-a-key
EOF
cat >"$m/20-deploy.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: peer0-org1
  namespace: $NS1
  labels: {app.kubernetes.io/managed-by: fabric-k8s, fabric-k8s/org: org1}
spec:
  replicas: 1
  selector:
    matchLabels: {app: peer0}
  template:
    metadata:
      labels: {app: peer0}
    spec:
      containers:
      - name: peer
        image: hyperledger/fabric-peer:2.5
        env:
        - {name: CORE_PEER_GOSSIP_USELEADERELECTION, value: "true"}
        - {name: CORE_PEER_ID, value: "0123"}
        volumeMounts:
        - {name: tls, mountPath: /etc/hyperledger/fabric/tls}
      volumes:
      - name: tls
        secret: {secretName: peer0-tls, defaultMode: 0400}
EOF

# ---- create ----
[ -z "$E2E" ] && log_mark
run kapply apply -f "$m"
is "$rc" 0 "apply creates: exit 0"
is "$out" "created Namespace/$NS1
created $NS1/ConfigMap/peer0-config
created $NS1/Secret/peer0-tls
created $NS1/Deployment/peer0-org1" "apply creates: one line per object, namespace first"
is "$err" "" "apply creates: nothing on stderr"
if double_only 4 "needs the double's request log"; then
	is "$(log_count ' PATCH .*fieldManager=fabric-k8s.* 201 created$')" 4 "the double created 4 objects by server-side apply"
	ns_line=$(log_new | grep -n 'PATCH /api/v1/namespaces/[^/]*?' | cut -d: -f1)
	first_ns=$(log_new | grep -n 'PATCH /api.*/namespaces/[^/]*/' | head -1 | cut -d: -f1)
	ok "$([ "$ns_line" -lt "$first_ns" ]; echo $?)" "the namespace went before the objects in it"
	is "$(log_new | awk '{print $2, $4}' | sort -u)" "c1 h2" "every request went over one HTTP/2 connection"
	is "$(log_count 'force=true|dryRun')" 0 "no force, no dry run unless asked"
fi

# ---- values arrive exactly as written ----
is "$(field "$m/10-config.yaml" 'items[0].data.zeros + "," + o.items[0].data.truth + "," + o.items[0].data.version + "," + o.items[0].data.answer')" \
	"0123,true,1.10,yes" "quoted values that look like numbers or booleans stay strings"
is "$(field "$m/20-deploy.yaml" 'items[0].spec.template.spec.volumes[0].secret.defaultMode')" 256 \
	"defaultMode: 0400 is octal, as kubectl reads it"
is "$(field "$m/20-deploy.yaml" 'items[0].spec.template.spec.containers[0].env')" \
	'[{"name":"CORE_PEER_GOSSIP_USELEADERELECTION","value":"true"},{"name":"CORE_PEER_ID","value":"0123"}]' \
	"environment values stay strings"

# ---- re-apply unchanged ----
rv_before=$(field "$m/10-config.yaml" 'items.map(i => i.metadata.resourceVersion).join(",")')
rv_ns_before=$(field "$m/00-ns.yaml" 'items[0].metadata.resourceVersion')
[ -z "$E2E" ] && log_mark
run kapply apply -f "$m"
is "$rc" 0 "re-apply: exit 0"
is "$(field "$m/10-config.yaml" 'items.map(i => i.metadata.resourceVersion).join(",")')" "$rv_before" \
	"re-apply: the ConfigMap and Secret keep their resourceVersion"
is "$(field "$m/00-ns.yaml" 'items[0].metadata.resourceVersion')" "$rv_ns_before" \
	"re-apply: the namespace keeps its resourceVersion"
if double_only 1 "needs the double's request log"; then
	is "$(log_count 'PATCH .* 200 unchanged$')" 4 "re-apply: the double saw no change in any object"
fi

# ---- dry run of a change changes nothing ----
sed 's/plain: hello world/plain: hello cluster/' "$m/10-config.yaml" >"$tmp/config2.yaml"
[ -z "$E2E" ] && log_mark
run kapply diff -f "$m/00-ns.yaml" -f "$tmp/config2.yaml" -f "$m/20-deploy.yaml"
is "$rc" 0 "diff: exit 0"
like "$out" "^changed   $NS1/ConfigMap/peer0-config: data.plain$" "diff names the changed field"
like "$out" "^unchanged $NS1/Secret/peer0-tls$" "diff: the Secret is unchanged"
like "$out" "^unchanged Namespace/$NS1$" "diff: the namespace is unchanged"
like "$out" "dry run: 0 to create, 1 to change, 3 unchanged; nothing was changed" "diff sums up"
is "$(field "$m/10-config.yaml" 'items.map(i => i.metadata.resourceVersion).join(",")')" "$rv_before" \
	"diff changed nothing on the server"
if double_only 1 "needs the double's request log"; then
	is "$(log_new | grep PATCH | grep -vc dryRun=All)" 0 "diff sent only dry-run patches"
fi
run kapply apply --dry-run -f "$tmp/config2.yaml"
like "$out" "^changed   $NS1/ConfigMap/peer0-config: data.plain" "apply --dry-run is diff"

# ---- apply the change ----
[ -z "$E2E" ] && log_mark
run kapply apply -f "$m/00-ns.yaml" -f "$tmp/config2.yaml"
is "$rc" 0 "apply a change: exit 0"
is "$(field "$tmp/config2.yaml" 'items[0].data.plain')" "hello cluster" "the change arrived"
new_rv=$(field "$tmp/config2.yaml" 'items.map(i => i.metadata.resourceVersion).join(",")')
ok "$([ "${new_rv%,*}" != "${rv_before%,*}" ] && [ "${new_rv#*,}" = "${rv_before#*,}" ]; echo $?)" \
	"only the changed object got a new resourceVersion"
if double_only 2 "needs the double's request log"; then
	is "$(log_count 'configmaps/peer0-config.* 200 changed$')" 1 "the double saw the ConfigMap change"
	is "$(log_count 'PATCH .* 200 unchanged$')" 2 "and nothing else"
fi

# ---- reconcile: what was deleted or changed behind kapply's back, and only that ----
now="-f $m/00-ns.yaml -f $tmp/config2.yaml -f $m/20-deploy.yaml"
[ -z "$E2E" ] && log_mark
run kapply reconcile $now
is "$rc:$out" "0:reconciled: 0 created, 0 repaired, 4 as the manifests say" "reconcile with no drift: sends nothing"
if double_only 1 "needs the double's request log"; then
	is "$(log_new | grep PATCH | grep -vc dryRun=All)" 0 "reconcile with no drift: only dry runs"
fi
awk '/^---$/ {n++} n == 1' "$tmp/config2.yaml" >"$tmp/secret.yaml"
run kapply delete -q --wait -f "$tmp/secret.yaml"
ok $rc "the Secret was deleted behind kapply's back"
cat >"$tmp/replicas-other.json" <<EOF
{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "peer0-org1", "namespace": "$NS1"}, "spec": {"replicas": 3}}
EOF
apply_as_other "$tmp/replicas-other.json" "/apis/apps/v1/namespaces/$NS1/deployments/peer0-org1"
ok $? "another field manager scaled the Deployment"
cm_rv=$(field "$tmp/config2.yaml" 'items[0].metadata.resourceVersion')
run kapply reconcile --dry-run $now
is "$rc" 0 "reconcile --dry-run: exit 0"
like "$out" "^absent  $NS1/Secret/peer0-tls$" "reconcile --dry-run: the deleted Secret is absent"
like "$out" "^drifted $NS1/Deployment/peer0-org1: spec.replicas$" "reconcile --dry-run: the scaled Deployment drifted, at spec.replicas"
like "$out" "^dry run: 1 absent, 1 drifted, 2 as the manifests say; nothing was changed$" "reconcile --dry-run sums up"
is "$(kapply get -f "$tmp/secret.yaml")" "$NS1/Secret/peer0-tls	absent" "reconcile --dry-run created nothing"
[ -z "$E2E" ] && log_mark
run kapply reconcile $now
is "$rc" 0 "reconcile: exit 0"
like "$out" "^created $NS1/Secret/peer0-tls$" "reconcile: the Secret is back"
like "$out" "^applied $NS1/Deployment/peer0-org1$" "reconcile: the Deployment is applied again"
like "$out" "^reconciled: 1 created, 1 repaired, 2 as the manifests say$" "reconcile sums up"
is "$(field "$m/20-deploy.yaml" 'items[0].spec.replicas')" 1 "the Deployment has the manifest's replicas again"
is "$(field "$tmp/config2.yaml" 'items[0].metadata.resourceVersion')" "$cm_rv" "the ConfigMap, as its manifest says, was not touched"
if double_only 1 "needs the double's request log"; then
	is "$(log_new | grep PATCH | grep -v dryRun=All | grep -c 'force=true')/$(log_new | grep PATCH | grep -vc dryRun=All)" 2/2 \
		"reconcile: two applies, forced, and nothing else written"
fi

# ---- diff of new objects, in a namespace that does not exist yet ----
sed "s/$NS1/$NS2/g" "$m/00-ns.yaml" >"$tmp/ns2.yaml"
sed "s/$NS1/$NS2/g" "$m/10-config.yaml" >"$tmp/config-ns2.yaml"
run kapply diff -f "$tmp/ns2.yaml" -f "$tmp/config-ns2.yaml"
is "$rc" 0 "diff of new objects: exit 0"
like "$out" "^created   Namespace/$NS2$" "diff: the namespace would be created"
like "$out" "^created   $NS2/ConfigMap/peer0-config \\(its namespace is new" "diff: so would the objects in it"
run kapply get -f "$tmp/ns2.yaml"
is "$out" "Namespace/$NS2	absent" "diff created nothing"

# ---- 422: a container without an image ----
sed -e '/image:/d' -e 's/peer0-org1$/peer1-org1/' "$m/20-deploy.yaml" >"$tmp/bad-deploy.yaml"
run kapply apply -f "$m/00-ns.yaml" -f "$tmp/bad-deploy.yaml" -f "$m/10-config.yaml"
is "$rc" 1 "422: exit 1"
is "$(printf '%s\n' "$err" | grep -c 'peer1-org1')" 1 "422: the failure is listed once"
like "$err" "^kapply: $NS1/Deployment/peer1-org1: 422 Invalid: spec.template.spec.containers\\[0\\].image: Required value$" \
	"422: the server's reason, with the field"
like "$err" "^kapply: 1 of 4 objects failed$" "422: a count at the end"
like "$out" "applied $NS1/ConfigMap/peer0-config" "422: the other objects were applied"

# ---- 404: a namespace that does not exist ----
cat >"$tmp/nope.yaml" <<EOF
apiVersion: v1
kind: Secret
metadata: {name: x, namespace: nope-$NS1}
stringData: {a: b}
EOF
run kapply apply -f "$tmp/nope.yaml"
is "$rc" 1 "404: exit 1"
like "$err" "^kapply: nope-$NS1/Secret/x: 404 NotFound: namespaces \"nope-$NS1\" not found$" "404: says which namespace is missing"

# ---- 409: a field another manager owns ----
cat >"$tmp/ns-other.json" <<EOF
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "$NS1", "labels": {"fabric-k8s/org": "other"}}}
EOF
apply_as_other "$tmp/ns-other.json" "/api/v1/namespaces/$NS1"
ok $? "another field manager took a label"
run kapply apply -f "$m/00-ns.yaml"
is "$rc" 1 "409: exit 1"
like "$err" "^kapply: Namespace/$NS1: 409 Conflict: Apply failed with 1 conflict: conflict with \"other\": .metadata.labels.fabric-k8s/org \\(another field manager owns these fields; --force takes them over\\)$" \
	"409: the conflict, its owner and the way out"
run kapply apply --force -f "$m/00-ns.yaml"
is "$rc" 0 "--force takes the field over"
is "$(field "$m/00-ns.yaml" 'items[0].metadata.labels["fabric-k8s/org"]')" org1 "the label is ours again"

# ---- 403: a viewer may not write ----
if double_only 2 "needs the double's viewer token"; then
	write_kubeconfig "$tmp/viewer.kubeconfig" "{token: \"$DOUBLE_VIEWER_TOKEN\"}"
	run kapply apply --kubeconfig "$tmp/viewer.kubeconfig" -f "$m/00-ns.yaml"
	is "$rc" 1 "403 Forbidden: exit 1"
	like "$err" "^kapply: Namespace/$NS1: 403 Forbidden: namespaces \"$NS1\" is forbidden: User \"viewer\" cannot patch resource \"namespaces\" in API group \"\" in the namespace \"$NS1\"; the credentials lack the permission to patch namespaces$" \
		"403 Forbidden: the server's message, and the permission that was missing"
	run kapply apply --kubeconfig "$tmp/viewer.kubeconfig" -f "$m/10-config.yaml"
	like "$err" "the credentials lack the permission to patch configmaps in namespace $NS1\$" \
		"403 Forbidden: a namespaced object's permission names the namespace"
fi

# ---- bad input: nothing is sent ----
[ -z "$E2E" ] && log_mark
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n' >"$tmp/broken.yaml"
run kapply apply -f "$m" -f "$tmp/broken.yaml"
is "$rc" 1 "bad YAML: exit 1"
like "$err" "broken.yaml:5:1: did not find expected ',' or ']'" "bad YAML: file, line and what is wrong"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n' >"$tmp/noname.yaml"
run kapply apply -f "$tmp/noname.yaml"
like "$err" "^kapply: .*noname.yaml:4:3: metadata.name: missing$" "no metadata.name: file, line and field"
printf -- '---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x, namespace: %s}\n' "$NS1" >"$tmp/kind.yaml"
run kapply apply -f "$m" -f "$tmp/kind.yaml"
is "$rc" 1 "unknown kind: exit 1"
like "$err" "kind.yaml:2: Deploymnet x: no kind \"Deploymnet\" in apps/v1 on the server" "unknown kind: said with its place"
like "$err" "nothing was sent: fix the manifests first" "unknown kind: nothing applied"
printf 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: x}\n' >"$tmp/old.yaml"
run kapply apply -f "$tmp/old.yaml"
like "$err" "old.yaml:1: Deployment x: apiVersion extensions/v1beta1 is not served \\(no group \"extensions\" on the server\\)" \
	"an API version the server does not serve"
run kapply apply -f "$m/00-ns.yaml" -f "$m/00-ns.yaml"
like "$err" "00-ns.yaml:1: Namespace/$NS1 is also defined at .*00-ns.yaml:1" "the same object twice"
if double_only 1 "needs the double's request log"; then
	is "$(log_count 'PATCH')" 0 "bad input: not one object was sent"
fi

# ---- 403: a namespace being deleted takes no new objects ----
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS1" >"$tmp/ns1-only.yaml"
run kapply delete -f "$tmp/ns1-only.yaml"
is "$rc" 0 "the namespace is being deleted"
sed 's/name: x,/name: late,/; s/nope-//' "$tmp/nope.yaml" >"$tmp/late.yaml"
run kapply apply -f "$tmp/late.yaml"
is "$rc" 1 "403 terminating: exit 1"
like "$err" "^kapply: $NS1/Secret/late: 403 Forbidden: secrets \"late\" is forbidden: unable to create new content in namespace $NS1 because it is being terminated$" \
	"403 terminating: the server's message"

done_testing
