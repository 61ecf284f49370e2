#!/bin/sh
# kapply delete, prune and wait: deletes in reverse order (namespaced
# objects, then namespaces), propagation policy, waiting until objects are
# gone, pruning exactly the labelled objects no longer rendered, and
# waiting for workloads with a timeout.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

start_cluster --ns-delete-ms 1500 --gc-ms 500 --ready-ms 300
m=$tmp/m
mkdir -p "$m"

# an org's objects: namespace, two ConfigMaps, a Deployment, all labelled
obj() { # obj KIND NAME ORG [MANAGER]
	cat <<EOF
---
apiVersion: v1
kind: $1
metadata:
  name: $2
  namespace: $NS1
  labels: {app.kubernetes.io/managed-by: ${4:-fabric-k8s}, fabric-k8s/org: $3}
data: {a: b}
EOF
}
cat >"$m/00-ns.yaml" <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NS1
  labels: {app.kubernetes.io/managed-by: fabric-k8s, fabric-k8s/org: org1}
EOF
obj ConfigMap keep org1 >"$m/10-keep.yaml"
cat >"$m/20-deploy.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: peer0
  namespace: $NS1
  labels: {app.kubernetes.io/managed-by: fabric-k8s, fabric-k8s/org: org1}
spec:
  selector: {matchLabels: {app: peer0}}
  template:
    metadata: {labels: {app: peer0}}
    spec:
      containers: [{name: peer, image: "busybox:1.36", command: [sleep, "3600"]}]
EOF
{
	obj ConfigMap old org1                  # rendered before, not any more: pruned
	obj ConfigMap other-org org2            # another org's
	obj ConfigMap by-hand org1 someone-else # not managed by this project
} >"$tmp/extra.yaml"

run kapply apply -f "$m" -f "$tmp/extra.yaml"
is "$rc" 0 "an org and some extra objects applied"

# ---- wait ----
run kapply wait --timeout 60s -f "$m"
is "$rc" 0 "wait: exit 0 once available"
like "$out" "^ready $NS1/Deployment/peer0 \\(1/1 available\\)$" "wait: says which workload is ready"
run kapply get -f "$m/20-deploy.yaml"
is "$out" "$NS1/Deployment/peer0	present	1/1 available" "get shows the workload's state"

# ---- prune: exactly the org's managed objects no longer rendered ----
run kapply prune --dry-run -l fabric-k8s/org=org1 -f "$m"
is "$rc:$out" "0:would be pruned $NS1/ConfigMap/old" "prune --dry-run: only the stale object, nothing deleted"
run kapply get -f "$tmp/extra.yaml"
is "$out" "$NS1/ConfigMap/old	present	
$NS1/ConfigMap/other-org	present	
$NS1/ConfigMap/by-hand	present	" "prune --dry-run deleted nothing"
[ -z "$E2E" ] && log_mark
run kapply prune -l fabric-k8s/org=org1 -f "$m"
is "$rc" 0 "prune: exit 0"
is "$out" "pruned $NS1/ConfigMap/old" "prune: one object pruned"
run kapply get -f "$tmp/extra.yaml" -f "$m"
is "$out" "Namespace/$NS1	present	Active
$NS1/ConfigMap/old	absent
$NS1/ConfigMap/other-org	present	
$NS1/ConfigMap/by-hand	present	
$NS1/ConfigMap/keep	present	
$NS1/Deployment/peer0	present	1/1 available" "prune: another org's, a hand-made and the rendered objects stay"
if double_only 2 "needs the double's request log"; then
	like "$(log_new)" "GET /api/v1/configmaps\\?labelSelector=fabric-k8s%2Forg%3Dorg1%2Capp.kubernetes.io%2Fmanaged-by%3Dfabric-k8s 200" \
		"prune lists with the org's selector and the project's managed-by label"
	is "$(log_count ' DELETE ')" 1 "prune sent one delete"
fi
run kapply prune -l fabric-k8s/org=org1 -f "$m"
is "$rc:$out" "0:nothing to prune" "prune again: nothing to do"
run kapply prune -f "$m"
is "$rc" 2 "prune without -l is a usage error"

# ---- delete: namespaced objects first, namespaces last ----
[ -z "$E2E" ] && log_mark
run kapply delete --propagation-policy Foreground --wait --timeout 60s -f "$m"
is "$rc" 0 "delete --wait: exit 0"
is "$out" "deleted $NS1/ConfigMap/keep
deleted $NS1/Deployment/peer0
deleted Namespace/$NS1" "delete: namespaced objects, then the namespace"
run kapply get -f "$m"
is "$out" "Namespace/$NS1	absent
$NS1/ConfigMap/keep	absent
$NS1/Deployment/peer0	absent" "delete --wait returned when everything was gone"
if double_only 3 "needs the double's request log"; then
	last_obj=$(log_new | grep -n ' DELETE .*/namespaces/[^/?]*/' | tail -1 | cut -d: -f1)
	ns_del=$(log_new | grep -n ' DELETE /api/v1/namespaces/[^/?]*?' | cut -d: -f1)
	ok "$([ "$last_obj" -lt "$ns_del" ]; echo $?)" "the namespace's DELETE came after its objects'"
	is "$(log_count 'DELETE .*propagationPolicy=Foreground')" 3 "the propagation policy was sent"
	ok "$([ "$(log_count "GET /api/v1/namespaces/$NS1 200")" -ge 1 ]; echo $?)" "and it waited while the namespace was terminating"
fi
run kapply delete -f "$m/10-keep.yaml"
is "$rc:$out" "0:absent $NS1/ConfigMap/keep" "deleting what is gone is no error"

# ---- a clean-up interrupted after its DELETEs leaves a namespace
# terminating: prune --wait waits for it too (what were applied into it
# would go with it), and delete --wait that runs out of time fails ----
run kapply apply -f "$m/00-ns.yaml" -f "$m/10-keep.yaml"
run kapply delete -f "$m/00-ns.yaml"
is "$rc:$out" "0:deleted Namespace/$NS1" "a namespace deleted, no wait"
run kapply prune --all --wait --timeout 60s -l fabric-k8s/org=org1
is "$rc" 0 "prune --wait: exit 0"
like "$out" "^terminating Namespace/$NS1$" "prune --wait: names the namespace already going"
run kapply get -f "$m/00-ns.yaml"
is "$out" "Namespace/$NS1	absent" "prune --wait returned once it was gone"
if double_only 2 "needs the double's slow namespace deletion"; then
	run kapply apply -f "$m/00-ns.yaml"
	run kapply delete --wait --timeout 1s -f "$m/00-ns.yaml"
	like "$rc:$err" "^1:kapply: Namespace/$NS1: still there after 1 s" "delete --wait that runs out of time: exit 1, and why"
	run kapply delete --wait --timeout 60s -f "$m/00-ns.yaml"
	is "$rc" 0 "(then gone)"
fi

# ---- wait that times out ----
if double_only 3 "needs the double's faults"; then
	run kapply apply -f "$m/00-ns.yaml" -f "$m/20-deploy.yaml"
	faults "READY /deployments/peer0 never-ready *"
	sed 's/busybox:1.36/busybox:1.37/' "$m/20-deploy.yaml" >"$tmp/deploy2.yaml"
	run kapply apply -f "$m/00-ns.yaml" -f "$tmp/deploy2.yaml"
	run kapply wait --timeout 3s -f "$tmp/deploy2.yaml"
	is "$rc" 1 "wait: a workload that never becomes available: exit 1"
	like "$err" "^kapply: waiting for $NS1/Deployment/peer0: " "wait: progress on stderr"
	like "$err" "^kapply: $NS1/Deployment/peer0: not ready after 3 s: 0 of 1 replicas available$" "wait: what it was waiting for"
fi

# ---- wait for a scale-down: the controller reports the new generation
# before its pod has gone (its counts still the old ones) ----
if double_only 3 "needs the double's faults"; then
	faults ""
	run kapply apply -f "$m/00-ns.yaml" -f "$m/20-deploy.yaml"
	run kapply wait --timeout 10s -f "$m/20-deploy.yaml"
	faults "READY /deployments/peer0 stale"
	sed "s/^spec:\$/spec:\\n  replicas: 0/" "$m/20-deploy.yaml" >"$tmp/deploy0.yaml"
	grep -q 'replicas: 0' "$tmp/deploy0.yaml" || echo "Bail out! no spec: in $m/20-deploy.yaml"
	run kapply apply -f "$m/00-ns.yaml" -f "$tmp/deploy0.yaml"
	run kapply wait --timeout 10s -f "$tmp/deploy0.yaml"
	is "$rc" 0 "wait for a scale-down to 0: exit 0"
	like "$err" "1 replicas available, going down to 0" "wait: it saw the old pod still counted"
	run kapply get -f "$tmp/deploy0.yaml"
	like "$out" "Deployment/peer0	present	0/0 available$" "wait returned when the Deployment counted no pod"
fi

done_testing
