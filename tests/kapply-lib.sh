# tests/kapply-lib.sh - what the kapply tests share (sourced after lib.sh).
#
# start_cluster [double options] gives the test a cluster: the API server
# double on loopback, with $KUBECONFIG pointing at it (bearer token, CA
# file), or, when K8S_E2E=1, the real cluster $KUBECONFIG already names.
# Tests that need what only the double has (its request log, faults,
# certificates) call `double_only N reason || return` to skip N tests.
#
# Namespaces: $NS1, $NS2 (demo-org1, demo-org2 against the double; unique
# names on a real cluster, deleted at exit).

. "$TOP/tests/k8s-double/setup.sh"

E2E=
NS1=demo-org1
NS2=demo-org2
if [ "${K8S_E2E:-}" = 1 ]; then
	if [ -z "${KUBECONFIG:-}" ]; then
		echo "Bail out! K8S_E2E=1 needs KUBECONFIG to name a real cluster"
		exit 1
	fi
	E2E=1
	_suffix=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
	NS1=kt$_suffix-org1
	NS2=kt$_suffix-org2
fi
PKI=$tmp/pki

cleanup() {
	if [ -n "$E2E" ]; then
		printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n' \
			"$NS1" "$NS2" >"$tmp/.cleanup.yaml"
		kapply delete -q -f "$tmp/.cleanup.yaml" >/dev/null 2>&1
	fi
	double_stop
	# a double that crashed says why: its output holds the stack trace
	if [ -f "$PKI/double.out" ] && grep -q 'Error' "$PKI/double.out"; then
		echo "k8s-double printed:" >&2
		cat "$PKI/double.out" >&2
	fi
	tap_cleanup
}
trap cleanup EXIT

double_needed() { # double_needed REASON: a test that needs the double ends here on a real cluster
	[ -z "$E2E" ] && return 0
	skip 1 "$1"
	done_testing
	exit
}

double_only() { # double_only N REASON: skip N tests on a real cluster
	[ -z "$E2E" ] && return 0
	skip "$1" "$2"
	return 1
}

# A kubeconfig for the double: write_kubeconfig FILE USER-YAML [CLUSTER-YAML]
# (flow mappings, e.g. '{token: x}' and '{server: ..., insecure-skip-tls-verify: true}').
write_kubeconfig() {
	_cluster=${3:-}
	[ -n "$_cluster" ] || _cluster="{server: \"$DOUBLE_URL\", certificate-authority: \"$PKI/ca.crt\"}"
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
current-context: test
contexts:
- name: test
  context: {cluster: double, user: tester}
clusters:
- name: double
  cluster: $_cluster
users:
- name: tester
  user: $2
EOF
}

start_cluster() {
	[ -n "$E2E" ] && return 0
	double_certs "$PKI" || { echo "Bail out! cannot make certificates with openssl"; exit 1; }
	double_start "$PKI" "$@" || { echo "Bail out! cannot start the API server double"; exit 1; }
	write_kubeconfig "$tmp/kubeconfig" "{token: \"$DOUBLE_TOKEN\"}"
	KUBECONFIG=$tmp/kubeconfig
	export KUBECONFIG
}

# The double's request log since the last log_mark (or all of it).
log_mark() { log_from=$(($(wc -l <"$DOUBLE_LOG") + 1)); }
log_new() { tail -n +"${log_from:-1}" "$DOUBLE_LOG"; }
# How many new log lines match an extended regular expression.
log_count() { log_new | grep -Ec -- "$1"; }

# Faults for the double: one "METHOD PATH-REGEX ACTION [COUNT]" per argument.
faults() { printf '%s\n' "$@" >"$DOUBLE_FAULTS"; }
# job_log FILE WHAT LOG: the log of a Job that prints FILE as make reads it
# back (rules/channel-config.mk's from_log), base64 between the markers of
# WHAT, for a fault's log=LOG
job_log() { { echo "-----BEGIN $2-----"; base64 "$1"; echo "-----END $2-----"; } >"$3"; }

# A field of the objects `kapply get -o json -f FILE` prints, e.g.
#   field FILE 'items[0].metadata.resourceVersion'
field() {
	kapply get -o json -f "$1" >"$tmp/.get.json" || return 1
	node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const v = (new Function("o", "return o." + process.argv[2]))(o);
		console.log(typeof v === "string" ? v : JSON.stringify(v));' "$tmp/.get.json" "$2"
}

# Server-side apply as another field manager, taking the fields over (to make a conflict).
apply_as_other() { # apply_as_other FILE.json PATH
	if [ -n "$E2E" ]; then
		kubectl --cache-dir "$tmp/kube-cache" apply --server-side --force-conflicts --field-manager=other -f "$1" >/dev/null
		return
	fi
	node -e '
		const https = require("https"), fs = require("fs");
		const [file, path, url, token, ca] = process.argv.slice(1);
		const req = https.request(url + path + "?fieldManager=other&force=true", { method: "PATCH", ca: fs.readFileSync(ca),
			headers: { "content-type": "application/apply-patch+yaml", authorization: "Bearer " + token } },
			res => { res.resume(); res.on("end", () => process.exit(res.statusCode < 300 ? 0 : 1)); });
		req.end(fs.readFileSync(file));' "$1" "$2" "$DOUBLE_URL" "$DOUBLE_TOKEN" "$PKI/ca.crt"
}

# The body of a GET, straight from the server (not through kapply), e.g.
#   api_get '/api/v1/namespaces/demo-org1/pods?labelSelector=job-name%3Dx'
api_get() {
	if [ -n "$E2E" ]; then
		kubectl --cache-dir "$tmp/kube-cache" get --raw "$1"
		return
	fi
	node -e '
		const https = require("https"), fs = require("fs");
		const [path, url, token, ca] = process.argv.slice(1);
		https.get(url + path, { ca: fs.readFileSync(ca), headers: { authorization: "Bearer " + token } }, res => {
			const chunks = [];
			res.on("data", c => chunks.push(c));
			res.on("end", () => { process.stdout.write(Buffer.concat(chunks)); process.exit(res.statusCode < 300 ? 0 : 1); });
		});' "$1" "$DOUBLE_URL" "$DOUBLE_TOKEN" "$PKI/ca.crt"
}

# What a JavaScript expression of the JSON on stdin (as o) gives, e.g.
#   api_get ... | js 'o.items.length'
js() {
	node -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
		const v = (new Function("o", "return " + process.argv[1]))(o);
		console.log(typeof v === "string" ? v : JSON.stringify(v));' "$1"
}
