#!/bin/sh
# kapply wait and kapply logs for Jobs (and workloads): a Job that
# completes, one that fails (the condition's reason and message), one that
# never completes (timeout naming it), the pods' logs with a header per
# pod, --tail, a Job without a pod, pods removed with their Job, and what
# the server refuses in a Job.  Against the double the Job's outcome and
# log come from its faults; on a real cluster (K8S_E2E=1) the containers
# really print and fail, so the same expectations hold.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

start_cluster --job-ms 300 --gc-ms 300 --ready-ms 200
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS1" >"$tmp/ns.yaml"
kapply apply -q -f "$tmp/ns.yaml"

# job NAME SCRIPT [BACKOFF-LIMIT [RESTART-POLICY]]: a Job running sh -c SCRIPT
job() {
	cat <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: $1
  namespace: $NS1
spec:
  backoffLimit: ${3:-0}
  template:
    spec:
      ${4-restartPolicy: Never}
      containers:
      - name: step
        image: busybox:1.36
        command: [sh, -c, '$2']
EOF
}
# On the double a fault decides what a Job does; a real cluster runs it.
fault() { [ -n "$E2E" ] || faults "$@"; }
pods_of() { # pods_of JOB: the names of its pods, from the server
	api_get "/api/v1/namespaces/$NS1/pods?labelSelector=job-name%3D$1" | js 'o.items.map(p => p.metadata.name).join(" ")'
}
header() { # header POD-REGEX OWNER: a header line, as an extended regex
	printf '^==> %s/Pod/%s \\(%s\\) <==$' "$NS1" "$1" "$2"
}

# ---- a Job that completes ----
job ok-step 'printf "line one\nline two\nline three\n"' >"$tmp/ok.yaml"
printf 'line one\nline two\nline three\n' >"$tmp/ok.log"
fault "JOB /jobs/ok-step$ log=$tmp/ok.log"
run kapply apply -f "$tmp/ok.yaml"
is "$rc:$out" "0:created $NS1/Job/ok-step" "a Job is applied"
run kapply wait --timeout 120s -f "$tmp/ok.yaml"
is "$rc" 0 "wait: a Job that completes: exit 0"
is "$out" "complete $NS1/Job/ok-step (1/1 succeeded)" "wait: says the Job is complete"
run kapply get -f "$tmp/ok.yaml"
is "$out" "$NS1/Job/ok-step	present	1/1 succeeded" "get: the Job's state"
pod=$(pods_of ok-step)
like "$pod" '^ok-step-[a-z0-9]{5}$' "the Job has one pod, named <job>-<5 random characters>"

if double_only 7 "the pod's details and the Job's status are the double's"; then
	api_get "/api/v1/namespaces/$NS1/pods/$pod" >"$tmp/pod.json"
	is "$(js 'o.metadata.labels["job-name"] + " " + (o.metadata.labels["controller-uid"] === o.metadata.ownerReferences[0].uid)' <"$tmp/pod.json")" \
		"ok-step true" "the pod is labelled job-name and controller-uid, the Job's uid"
	is "$(js '[o.metadata.ownerReferences[0].kind, o.metadata.ownerReferences[0].name, o.metadata.ownerReferences[0].controller, o.status.phase].join(" ")' <"$tmp/pod.json")" \
		"Job ok-step true Succeeded" "the pod is owned by the Job, and it succeeded"
	api_get "/apis/batch/v1/namespaces/$NS1/jobs/ok-step" >"$tmp/job.json"
	is "$(js 'o.status.conditions.filter(c => c.status === "True").map(c => c.type).join(" ") + " " + o.status.succeeded' <"$tmp/job.json")" \
		"SuccessCriteriaMet Complete 1" "the Job: conditions SuccessCriteriaMet and Complete, succeeded 1"
	like "$(js '[o.status.startTime, o.status.completionTime, o.status.conditions[1].lastTransitionTime].join(" ")' <"$tmp/job.json")" \
		'^[0-9-]{10}T[0-9:]{8}Z [0-9-]{10}T[0-9:]{8}Z [0-9-]{10}T[0-9:]{8}Z$' "the Job: startTime, completionTime, lastTransitionTime"
	is "$(js 'o.spec.selector.matchLabels["batch.kubernetes.io/controller-uid"] === o.metadata.uid' <"$tmp/job.json")" \
		true "the Job's selector is its uid, as the server sets it"
	api_get "/api/v1/namespaces/$NS1/pods/$pod/log?tailLines=2" >"$tmp/tail.txt"
	is "$(cat "$tmp/tail.txt")" "line two
line three" "the double's log endpoint honours tailLines"
	is "$(api_get "/api/v1/namespaces/$NS1/pods/$pod/log")" "line one
line two
line three" "the double's log is the fault's file"
fi

# ---- its logs ----
run kapply logs -f "$tmp/ok.yaml"
is "$rc" 0 "logs: exit 0"
like "$(printf '%s\n' "$out" | head -1)" "$(header "$pod" "Job ok-step")" "logs: a header names the pod and its Job"
is "$(printf '%s\n' "$out" | tail -n +2)" "line one
line two
line three" "logs: the container's text, as it is"
run kapply logs --tail 1 -f "$tmp/ok.yaml"
is "$rc:$(printf '%s\n' "$out" | tail -n +2)" "0:line three" "logs --tail 1: only the last line"
like "$(printf '%s\n' "$out" | head -1)" "$(header "$pod" "Job ok-step")" "logs --tail 1: with its header"
run kapply logs --tail 0 -f "$tmp/ok.yaml"
is "$rc:$(printf '%s\n' "$out" | wc -l)" "0:1" "logs --tail 0: the header alone"

# kubectl, an independent client, finds the same pod and log (through the
# Job's selector on its uid, where kapply goes by job-name)
if command -v kubectl >/dev/null 2>&1; then
	kc() { kubectl --cache-dir "$tmp/kube-cache" -n "$NS1" "$@" 2>/dev/null; }
	is "$(kc logs job/ok-step)" "line one
line two
line three" "kubectl logs job/ok-step: the same text"
	is "$(kc logs --tail=1 job/ok-step)" "line three" "kubectl logs --tail=1: the same last line"
	is "$(kc get pods -l job-name=ok-step -o name)" "pod/$pod" "kubectl finds the same pod by its label"
else
	skip 3 "kubectl is not installed"
fi

if double_only 1 "the default log is the double's"; then
	job plain 'true' >"$tmp/plain.yaml"
	kapply apply -q -f "$tmp/plain.yaml"
	run kapply logs -f "$tmp/plain.yaml"
	p=$(pods_of plain)
	is "$out" "==> $NS1/Pod/$p (Job plain) <==
k8s-double: no real container ran for pod $p" "logs: the double's default text names the pod"
fi

# ---- a Job that fails ----
job broken 'echo "cannot join the channel"; exit 3' 1 >"$tmp/broken.yaml"
printf 'cannot join the channel\n' >"$tmp/broken.log"
fault "JOB /jobs/broken$ fail,log=$tmp/broken.log"
kapply apply -q -f "$tmp/broken.yaml"
run kapply wait --timeout 180s -f "$tmp/broken.yaml"
is "$rc" 1 "wait: a Job that failed: exit 1"
like "$err" "^kapply: $NS1/Job/broken: failed: BackoffLimitExceeded: Job has reached the specified backoff limit$" \
	"wait: the Failed condition's reason and message"
is "$out" "" "wait: nothing said complete"
run kapply logs -f "$tmp/broken.yaml"
is "$rc:$(printf '%s\n' "$out" | grep -c '^==> ')" "0:2" "logs of a failed Job: one section per attempt (backoffLimit 1)"
is "$(printf '%s\n' "$out" | grep -vc '^==> ')" 2 "logs of a failed Job: each attempt's text"
like "$(printf '%s\n' "$out" | sed -n 2p)" "^cannot join the channel$" "logs of a failed Job: what the container said"

if double_only 2 "the reason of the failure is chosen by the double's fault"; then
	job late 'sleep 600' >"$tmp/late.yaml"
	faults "JOB /jobs/late$ fail=DeadlineExceeded"
	kapply apply -q -f "$tmp/late.yaml"
	run kapply wait --timeout 60s -f "$tmp/late.yaml"
	like "$rc:$(printf '%s\n' "$err" | tail -1)" "^1:kapply: $NS1/Job/late: failed: DeadlineExceeded: Job was active longer than specified deadline$" \
		"wait: another reason, another message"
	is "$(api_get "/apis/batch/v1/namespaces/$NS1/jobs/late" | js 'o.status.failed')" 1 "the failed Job counts its failed pod"
fi

# ---- a Job that never completes, beside one that does ----
job forever 'sleep 3600' >"$tmp/forever.yaml"
fault "JOB /jobs/forever$ never-complete"
kapply apply -q -f "$tmp/forever.yaml"
run kapply wait --timeout 3s -f "$tmp/ok.yaml" -f "$tmp/forever.yaml"
is "$rc" 1 "wait: a Job that never completes: exit 1 at the timeout"
is "$out" "complete $NS1/Job/ok-step (1/1 succeeded)" "wait: the Job that completed is said so"
like "$err" "^kapply: $NS1/Job/forever: not complete after 3 s: 0/1 succeeded" "wait: the timeout names the Job that is not done"
is "$(printf '%s\n' "$err" | grep -c 'ok-step')" 0 "wait: and only that one"

# ---- a Job with no pod (suspended) ----
job held 'true' | sed 's/^spec:$/spec:\n  suspend: true/' >"$tmp/held.yaml"
kapply apply -q -f "$tmp/held.yaml"
run kapply logs -f "$tmp/held.yaml"
is "$rc:$out" "0:no pod for $NS1/Job/held" "logs: a Job without a pod is said so, and is no error"
run kapply wait --timeout 1s -f "$tmp/held.yaml"
like "$rc:$(printf '%s\n' "$err" | tail -1)" "^1:kapply: $NS1/Job/held: not complete after 1 s: suspended$" "wait: a suspended Job is said so"
job absent 'true' >"$tmp/absent.yaml"
run kapply logs -f "$tmp/absent.yaml"
is "$rc:$out" "0:no pod for $NS1/Job/absent" "logs: a Job that is not there has no pod either"
run kapply wait --timeout 5s -f "$tmp/absent.yaml"
like "$rc:$err" "^1:kapply: $NS1/Job/absent: 404 NotFound: " "wait: a Job that is not there is an error"

# ---- deleting a Job deletes its pods ----
run kapply delete -f "$tmp/ok.yaml"
is "$rc:$out" "0:deleted $NS1/Job/ok-step" "delete: the Job is deleted (propagation Background)"
i=0
while [ -n "$(pods_of ok-step)" ] && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
is "$(pods_of ok-step)" "" "delete: its pods are gone with it"
run kapply delete --propagation-policy Foreground --wait --timeout 60s -f "$tmp/broken.yaml"
is "$rc:$(pods_of broken)" "0:" "delete --propagation-policy Foreground --wait: the pods are gone before the Job"
if double_only 2 "the orphaned pod is the double's"; then
	p=$(pods_of forever)
	run kapply delete --propagation-policy Orphan -f "$tmp/forever.yaml"
	sleep 0.5
	is "$(pods_of forever)" "$p" "delete --propagation-policy Orphan: the pod stays"
	is "$(api_get "/api/v1/namespaces/$NS1/pods/$p" | js 'o.metadata.ownerReferences === undefined')" true \
		"and no longer names its owner"
fi

# ---- what the server refuses in a Job ----
job always 'true' 0 '' >"$tmp/always.yaml"
run kapply apply -f "$tmp/always.yaml"
like "$rc:$err" "^1:kapply: $NS1/Job/always: 422 Invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"" \
	"a Job whose pods would restart Always is refused"
job plain2 'true' >"$tmp/plain2.yaml"
kapply apply -q -f "$tmp/plain2.yaml"
job plain2 'echo changed' >"$tmp/plain2.yaml"
run kapply apply -f "$tmp/plain2.yaml"
like "$rc:$err" "^1:kapply: $NS1/Job/plain2: 422 Invalid: spec.template: Invalid value: .*field is immutable" \
	"a Job's pod template cannot change"

# ---- workloads and Jobs together; logs of workloads: a pod per replica, a section per container ----
cat >"$tmp/web.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $NS1}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "busybox:1.36", command: [sh, -c, 'echo serving; sleep 3600']}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: $NS1}
spec:
  serviceName: db
  selector:
    matchExpressions: [{key: app, operator: In, values: [db, db-old]}]
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - {name: db, image: "busybox:1.36", command: [sh, -c, 'echo db; sleep 3600']}
      - {name: side, image: "busybox:1.36", command: [sh, -c, 'echo side; sleep 3600']}
EOF
job both 'true' >"$tmp/both.yaml"
kapply apply -q -f "$tmp/web.yaml" -f "$tmp/both.yaml"
run kapply wait --timeout 180s -f "$tmp/web.yaml" -f "$tmp/both.yaml"
is "$rc" 0 "workloads and a Job: available and complete"
like "$out" "^ready $NS1/StatefulSet/db \\(1/1 ready\\)$" "wait: the StatefulSet is ready"
like "$out" "^complete $NS1/Job/both \\(1/1 succeeded\\)$" "wait: and the Job complete"
run kapply logs -f "$tmp/web.yaml"
is "$rc" 0 "logs of workloads: exit 0"
like "$out" "$(header 'web-[a-z0-9]+-[a-z0-9]{5}' 'Deployment web')" "logs: a Deployment's pods, found by its selector"
is "$(printf '%s\n' "$out" | grep -c '(Deployment web) <==$')" 2 "logs: one section per replica"
is "$(printf '%s\n' "$out" | grep '(StatefulSet db)')" "==> $NS1/Pod/db-0 container db (StatefulSet db) <==
==> $NS1/Pod/db-0 container side (StatefulSet db) <==" "logs: a section per container (selector with matchExpressions)"

# ---- kill: the workloads' pods, at once and with no grace, as a crash ----
[ -z "$E2E" ] && log_mark
run kapply kill -f "$tmp/web.yaml"
is "$rc" 0 "kill: exit 0"
is "$(printf '%s\n' "$out" | grep -c "^killed $NS1/Pod/web-[a-z0-9]*-[a-z0-9]* (Deployment web)\$")/$(printf '%s\n' "$out" |
	grep -c "^killed $NS1/Pod/db-0 (StatefulSet db)\$")" "2/1" \
	"kill: each pod once (the StatefulSet's pod of two containers too)"
if double_only 2 "needs the double's request log"; then
	is "$(log_count 'DELETE /api/v1/namespaces/[^/]*/pods/[-a-z0-9]*[?]gracePeriodSeconds=0 200')" 3 \
		"kill: one DELETE per pod, with no grace period"
	run kapply kill -f "$tmp/web.yaml"
	is "$rc:$(printf '%s\n' "$out" | grep -c '^no pod for ')" "0:2" "kill with no pod left: nothing to do, no error"
fi

# ---- usage ----
run kapply get --tail 1 -f "$tmp/ok.yaml"
like "$rc:$err" "^2:kapply: --tail goes with logs" "--tail with another command is a usage error"
run kapply logs --tail x -f "$tmp/ok.yaml"
is "$rc" 2 "--tail wants a number"
run kapply logs
is "$rc" 2 "logs without -f is a usage error"
# --timeout is a Go duration (the one parser txgen reads BatchTimeout with)
run kapply wait --timeout 0x10 -f "$tmp/ok.yaml"
like "$rc:$err" "^2:kapply: --timeout 0x10: expected a duration" "--timeout 0x10 is no duration"
run kapply wait --timeout 1h30m -f "$tmp/ok.yaml"
ok "$([ "$rc" -ne 2 ]; echo $?)" "--timeout 1h30m is one"

done_testing
