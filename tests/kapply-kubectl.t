#!/bin/sh
# kapply reads a manifest's values as kubectl does: the same YAML applied
# by kubectl (an independent client) and by kapply gives the same objects
# on the server.  Runs when kubectl is installed; against the double it
# also shows that a real client works with the double.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

if ! command -v kubectl >/dev/null 2>&1; then
	skip 1 "kubectl is not installed"
	done_testing
	exit
fi
start_cluster
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' "$NS1" >"$tmp/ns.yaml"
kapply apply -q -f "$tmp/ns.yaml"

# Plain scalars of every YAML 1.1 type; keys that are plain words (kubectl
# would turn a key such as "y" or "on" into "true", kapply keeps it).
tricky() {
	cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: $1, namespace: $NS1}
data:
  bool-yes: yes
  bool-off: Off
  bool-y: y
  octal-o: 0o17
  octal-0: 012
  not-octal: 08
  hex: 0x1f
  neg-hex: -0x10
  binary: 0b11
  plus: +12
  minus-zero: -0
  under: 1_000
  float: 1.10
  float-one: 1.0
  dot: .5
  exp: 1e3
  small: 12e-3
  tiny: 0.000001
  huge: 100000000000000000000000
  too-big: 1e400
  int64-max-plus-1: 9223372036854775808
  null-tilde: ~
  date: 2024-01-02
  stamp: 2001-12-14t21:59:43.10-05:00
  quoted: "0123"
  single: 'true'
  version: v1.10
  list: [1, "2", 3.0, no]
  nested: {a: on, b: [0400]}
  block: |
    line one
    line two
EOF
}
tricky by-kubectl >"$tmp/kubectl.yaml"
tricky by-kapply >"$tmp/kapply.yaml"
kubectl --cache-dir "$tmp/kube-cache" apply --server-side --validate=false -f "$tmp/kubectl.yaml" >"$tmp/kubectl.out" 2>&1
is "$?" 0 "kubectl applied the manifest$([ -z "$E2E" ] && echo ' (to the double)')"
run kapply apply -f "$tmp/kapply.yaml"
is "$rc" 0 "kapply applied the same manifest"
compare() {
	kapply get -o json -f "$tmp/kubectl.yaml" -f "$tmp/kapply.yaml" >"$tmp/both.json"
	node -e '
		const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const [a, b] = o.items.map(i => i[process.argv[2]]);
		const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
		let same = true;
		for (const k of keys) {
			if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
				same = false;
				console.log(`${k}: kubectl ${JSON.stringify(a[k])}, kapply ${JSON.stringify(b[k])}`);
			}
		}
		process.exit(same && keys.length ? 0 : 1);' "$tmp/both.json" "$1"
}
out=$(compare data)
is "$?:$out" "0:" "every value is the same as kubectl's"

# the fields of a workload: numbers, octal modes, strings that look like numbers
workload() {
	cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: $NS1}
spec:
  replicas: 0x1
  revisionHistoryLimit: 1_0
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1, tier: "3"}}
    spec:
      terminationGracePeriodSeconds: 030
      containers:
      - name: c
        image: busybox:1.36
        args: [sleep, "3600", 1e3]
        env: [{name: NUM, value: "0123"}, {name: B, value: "yes"}]
      volumes:
      - {name: s, secret: {secretName: x, defaultMode: 0400, items: [{key: k, path: p, mode: 0644}]}}
EOF
}
workload by-kubectl >"$tmp/kubectl.yaml"
workload by-kapply >"$tmp/kapply.yaml"
kubectl --cache-dir "$tmp/kube-cache" apply --server-side --validate=false -f "$tmp/kubectl.yaml" >"$tmp/kubectl.out" 2>&1
run kapply apply -f "$tmp/kapply.yaml"
# the names differ, so compare the pod templates' specs
out=$(kapply get -o json -f "$tmp/kubectl.yaml" -f "$tmp/kapply.yaml" | node -e '
	const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
	const sorted = v => Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ?
		Object.fromEntries(Object.keys(v).sort().map(k => [k, sorted(v[k])])) : v;
	const [a, b] = o.items.map(i => JSON.stringify(sorted([i.spec.replicas, i.spec.revisionHistoryLimit, i.spec.template.spec])));
	console.log(a === b ? "same" : `kubectl ${a}\nkapply  ${b}`);')
is "$out" same "a Deployment's numbers and modes are the same as kubectl's"

done_testing
