#!/bin/sh
# kapply finds the cluster and its credentials the way kubectl does: every
# kubeconfig form against the API server double (which tells who it saw),
# KUBECONFIG lists with kubectl's merge rules, contexts, namespaces, exec
# credential plugins, the in-cluster service account, and secrets never
# printed.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "kubeconfig forms need the double's certificates and tokens"
basic_password=$(openssl rand -hex 12)
start_cluster --basic "alice:$basic_password"
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo-org1}\n' >"$tmp/ns.yaml"
unset KUBECONFIG
all_output=$tmp/all-output
: >"$all_output"

# probe [kapply options]: can kapply read the cluster with this configuration?
probe() {
	log_mark
	run kapply get -v "$@" -f "$tmp/ns.yaml"
	printf '%s\n%s\n' "$out" "$err" >>"$all_output"
}
# who the double saw on the last probe's requests
seen_user() { log_new | awk '{print $3}' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

k=$tmp/kc
mkdir -p "$k"
cp "$PKI/ca.crt" "$PKI/admin.crt" "$PKI/admin.key" "$k/"
printf '%s\n' "$DOUBLE_TOKEN" >"$k/token"
CA="certificate-authority: ca.crt"
SERVER="server: \"$DOUBLE_URL\""
b64() { base64 <"$1" | tr -d '\n'; }

# ---- the user's credentials ----
write_kubeconfig "$k/token.yaml" "{token: \"$DOUBLE_TOKEN\"}" "{$SERVER, $CA}"
probe --kubeconfig "$k/token.yaml"
is "$rc:$out" "0:Namespace/demo-org1	absent" "token"
is "$(seen_user)" admin "token: the double saw the token's user"

write_kubeconfig "$k/tokenfile.yaml" "{tokenFile: token}" "{$SERVER, $CA}"
probe --kubeconfig "$k/tokenfile.yaml"
is "$rc:$(seen_user)" "0:admin" "tokenFile, relative to the kubeconfig"

write_kubeconfig "$k/cert.yaml" "{client-certificate: admin.crt, client-key: admin.key}" "{$SERVER, $CA}"
probe --kubeconfig "$k/cert.yaml"
is "$rc:$(seen_user)" "0:admin" "client-certificate and client-key files (CN admin)"

write_kubeconfig "$k/data.yaml" "{client-certificate-data: $(b64 "$PKI/admin.crt"), client-key-data: $(b64 "$PKI/admin.key")}" \
	"{$SERVER, certificate-authority-data: $(b64 "$PKI/ca.crt")}"
probe --kubeconfig "$k/data.yaml"
is "$rc:$(seen_user)" "0:admin" "client-certificate-data, client-key-data, certificate-authority-data"

write_kubeconfig "$k/rogue.yaml" "{client-certificate: $PKI/rogue.crt, client-key: $PKI/rogue.key}" "{$SERVER, $CA}"
probe --kubeconfig "$k/rogue.yaml"
is "$rc" 1 "a client certificate from another CA: exit 1"
like "$err" "^kapply: discovery: GET /api/v1: 401 Unauthorized: Unauthorized$" "it is refused with 401, once"

write_kubeconfig "$k/wrong.yaml" "{token: wrong-$DOUBLE_TOKEN}" "{$SERVER, $CA}"
probe --kubeconfig "$k/wrong.yaml"
is "$rc" 1 "a wrong token: exit 1"
like "$err" "401 Unauthorized: Unauthorized" "a wrong token: 401"

write_kubeconfig "$k/basic.yaml" "{username: alice, password: \"$basic_password\"}" "{$SERVER, $CA}"
probe --kubeconfig "$k/basic.yaml"
is "$rc:$(seen_user)" "0:alice" "username and password (basic authentication)"

write_kubeconfig "$k/none.yaml" "{}" "{$SERVER, $CA}"
probe --kubeconfig "$k/none.yaml"
like "$rc:$(printf '%s' "$err" | tail -1)" "^1:kapply: discovery: GET /api/v1: 401 Unauthorized" "no credentials at all: 401"

# ---- the cluster's TLS ----
write_kubeconfig "$k/noca.yaml" "{tokenFile: token}" "{$SERVER}"
probe --kubeconfig "$k/noca.yaml"
is "$rc" 1 "without the cluster's CA the server is not trusted"
like "$err" "cannot reach $DOUBLE_URL: .*(certificate|issuer)" "and the message says why"
is "$(log_count 'GET')" 0 "no request reached the double"

write_kubeconfig "$k/insecure.yaml" "{tokenFile: token}" "{$SERVER, insecure-skip-tls-verify: true}"
probe --kubeconfig "$k/insecure.yaml"
is "$rc" 0 "insecure-skip-tls-verify: true skips the check"

write_kubeconfig "$k/both.yaml" "{tokenFile: token}" "{$SERVER, $CA, insecure-skip-tls-verify: true}"
probe --kubeconfig "$k/both.yaml"
like "$rc:$err" "^1:kapply: .*both.yaml:9:[0-9]+: clusters\\[0\\].cluster.insecure-skip-tls-verify: insecure-skip-tls-verify together with a certificate authority" \
	"insecure-skip-tls-verify with a CA is refused, as kubectl does"

write_kubeconfig "$k/localhost.yaml" "{tokenFile: token}" "{server: \"https://localhost:$DOUBLE_PORT\", $CA}"
probe --kubeconfig "$k/localhost.yaml"
is "$rc" 0 "the certificate's DNS name verifies"

write_kubeconfig "$k/sni.yaml" "{tokenFile: token}" "{$SERVER, $CA, tls-server-name: kube.test}"
probe --kubeconfig "$k/sni.yaml"
is "$rc" 0 "tls-server-name: the certificate is checked for that name"
write_kubeconfig "$k/sni-bad.yaml" "{tokenFile: token}" "{$SERVER, $CA, tls-server-name: other.test}"
probe --kubeconfig "$k/sni-bad.yaml"
is "$rc" 1 "tls-server-name: a name the certificate lacks fails"
like "$err" "cannot reach $DOUBLE_URL: .*other.test" "tls-server-name: and the message names it"

write_kubeconfig "$k/proxy.yaml" "{tokenFile: token}" "{$SERVER, $CA, proxy-url: \"http://127.0.0.1:$DOUBLE_PROXY_PORT\"}"
probe --kubeconfig "$k/proxy.yaml"
is "$rc" 0 "proxy-url"
is "$(log_count "proxy CONNECT 127.0.0.1:$DOUBLE_PORT")" 1 "the requests went through the proxy's tunnel"

# ---- exec credential plugins ----
cat >"$k/plugin.sh" <<EOF
#!/bin/sh
# a credential plugin: records what it was given, prints an ExecCredential
printf '%s\n' "\$@" >"$k/plugin.args"
printf '%s\n' "\$KUBERNETES_EXEC_INFO" >"$k/plugin.info"
printf '%s\n' "\$PLUGIN_GREETING" >"$k/plugin.env"
[ -t 0 ] && echo "stdin is a terminal" >"$k/plugin.tty"
printf '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "%s"}}\n' "$DOUBLE_TOKEN"
EOF
chmod +x "$k/plugin.sh"
write_kubeconfig "$k/exec.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin.sh, args: [get-token, --cluster, c1], env: [{name: PLUGIN_GREETING, value: hello}], interactiveMode: Never, provideClusterInfo: true}}" "{$SERVER, $CA}"
(cd / && kapply get -f "$tmp/ns.yaml" --kubeconfig "$k/exec.yaml" >"$tmp/exec.out" 2>&1)
is "$?" 0 "exec plugin (client.authentication.k8s.io/v1), its relative command found beside the kubeconfig"
is "$(cat "$k/plugin.args")" "get-token
--cluster
c1" "exec: args passed"
is "$(cat "$k/plugin.env")" hello "exec: env passed"
info=$(cat "$k/plugin.info")
like "$info" '"kind":"ExecCredential"' "exec: KUBERNETES_EXEC_INFO is an ExecCredential"
like "$info" '"apiVersion":"client.authentication.k8s.io/v1"' "exec: of the plugin's apiVersion"
like "$info" '"interactive":false' "exec: not interactive"
like "$info" "\"cluster\":\\{\"server\":\"$DOUBLE_URL\",\"certificate-authority-data\":\"$(b64 "$PKI/ca.crt")\"" \
	"exec: provideClusterInfo gives the server and its CA"
ok "$([ ! -e "$k/plugin.tty" ]; echo $?)" "exec: the plugin's stdin is not a terminal"

cert_json=$(awk '{printf "%s\\n", $0}' "$PKI/admin.crt")
key_json=$(awk '{printf "%s\\n", $0}' "$PKI/admin.key")
cat >"$k/plugin-cert.sh" <<EOF
#!/bin/sh
printf '{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"clientCertificateData": "%s", "clientKeyData": "%s"}}\n' '$cert_json' '$key_json'
EOF
chmod +x "$k/plugin-cert.sh"
write_kubeconfig "$k/exec-cert.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: $k/plugin-cert.sh}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/exec-cert.yaml"
is "$rc:$(seen_user)" "0:admin" "exec plugin (v1beta1) giving a client certificate"

# a plugin whose first token has expired by the time it is used
cat >"$k/plugin-expiring.sh" <<EOF
#!/bin/sh
n=\$(cat "$k/expiring.count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$k/expiring.count"
token=expired
[ "\$n" -gt 0 ] && token=$DOUBLE_TOKEN
printf '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "%s"}}\n' "\$token"
EOF
chmod +x "$k/plugin-expiring.sh"
write_kubeconfig "$k/exec-expiring.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: $k/plugin-expiring.sh, interactiveMode: Never}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/exec-expiring.yaml"
is "$rc:$(cat "$k/expiring.count")" "0:2" "exec plugin: on 401 it runs again and the request goes again"
is "$(log_new | awk '{print $7}' | tr '\n' ' ')" "401 200 404 " "exec plugin: the double saw the expired token, then the new one"

printf '#!/bin/sh\necho "the token is %s" \nexit 0\n' "$DOUBLE_TOKEN" >"$k/plugin-garbage.sh"
chmod +x "$k/plugin-garbage.sh"
write_kubeconfig "$k/exec-garbage.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: $k/plugin-garbage.sh}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/exec-garbage.yaml"
like "$rc:$err" "^1:kapply: exec plugin .*plugin-garbage.sh: its output is not an ExecCredential in JSON" \
	"exec plugin output that is not an ExecCredential"

printf '#!/bin/sh\necho "no credentials for you" >&2\nexit 3\n' >"$k/plugin-fail.sh"
chmod +x "$k/plugin-fail.sh"
write_kubeconfig "$k/exec-fail.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: $k/plugin-fail.sh}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/exec-fail.yaml"
is "$rc" 1 "a failing exec plugin: exit 1"
like "$err" "no credentials for you" "its stderr reaches the user"
like "$err" "exec plugin .*plugin-fail.sh: failed \\(exit status 3\\)" "and its exit status"

write_kubeconfig "$k/exec-missing.yaml" "{exec: {apiVersion: client.authentication.k8s.io/v1, command: no-such-plugin-here, installHint: 'install it with: apt-get install no-such-plugin'}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/exec-missing.yaml"
is "$rc" 1 "a missing exec plugin: exit 1"
# (under valgrind the spawn succeeds and the child exits 127: "not found")
like "$err" "^kapply: exec plugin no-such-plugin-here: (cannot run it: No such file or directory|not found)$" \
	"a missing exec plugin: said"
like "$err" "^install it with: apt-get install no-such-plugin$" "a missing exec plugin: its installHint is shown"

write_kubeconfig "$k/authprov.yaml" "{auth-provider: {name: gcp}}" "{$SERVER, $CA}"
probe --kubeconfig "$k/authprov.yaml"
like "$rc:$err" "^1:.*authprov.yaml:.*auth-provider \"gcp\" is not supported: use an exec credential plugin" \
	"auth-provider is refused with a hint"

# ---- KUBECONFIG lists: the first file to set a value or a name wins ----
cat >"$k/a.yaml" <<EOF
apiVersion: v1
kind: Config
contexts:
- name: main
  context: {cluster: double, user: alice, namespace: from-a}
users:
- name: alice
  user: {token: "$DOUBLE_TOKEN"}
EOF
cat >"$k/b.yaml" <<EOF
apiVersion: v1
kind: Config
current-context: main
clusters:
- name: double
  cluster: {$SERVER, $CA}
contexts:
- name: main
  context: {cluster: double, user: alice, namespace: from-b}
- name: viewer
  context: {cluster: double, user: bob}
users:
- name: alice
  user: {token: wrong}
- name: bob
  user: {token: "$DOUBLE_VIEWER_TOKEN"}
EOF
printf 'apiVersion: v1\nkind: Config\ncurrent-context: viewer\n' >"$k/c.yaml"
KUBECONFIG="$k/missing.yaml::$k/a.yaml:$k/b.yaml"
export KUBECONFIG
probe
is "$rc:$(seen_user)" "0:admin" "KUBECONFIG list: missing and empty entries skipped, context, cluster and user found across files"
run kapply config
like "$out" "^namespace: from-a$" "KUBECONFIG list: the first file's context wins"
like "$out" "^kubeconfig: $k/a.yaml:$k/b.yaml$" "KUBECONFIG list: the files read"
KUBECONFIG="$k/b.yaml:$k/a.yaml"
probe
like "$rc:$(printf '%s' "$err" | tail -1)" "^1:kapply: discovery: GET /api/v1: 401 Unauthorized" "KUBECONFIG list in the other order: b's user alice wins (and is refused)"
KUBECONFIG="$k/c.yaml:$k/a.yaml:$k/b.yaml"
probe
is "$rc:$(seen_user)" "0:viewer" "KUBECONFIG list: current-context from the first file that sets it"
probe --context main
is "$rc:$(seen_user)" "0:admin" "--context picks another context"
probe --context nope
is "$rc" 1 "a missing context: exit 1"
like "$err" "^kapply: context \"nope\" not found in $k/c.yaml:$k/a.yaml:$k/b.yaml$" "a missing context: says where it looked"
probe --kubeconfig "$k/token.yaml"
is "$rc:$(seen_user)" "0:admin" "--kubeconfig wins over KUBECONFIG"
probe --kubeconfig "$k/absent.yaml"
like "$rc:$err" "^1:kapply: cannot read kubeconfig $k/absent.yaml: No such file or directory" "--kubeconfig must exist"

# ---- the namespace of objects without one ----
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n' >"$tmp/plain.yaml"
KUBECONFIG="$k/a.yaml:$k/b.yaml"
log_mark
run kapply get -f "$tmp/plain.yaml"
is "$(log_count 'GET /api/v1/namespaces/from-a/configmaps/plain ')" 1 "the context's namespace is the default"
log_mark
run kapply get -n other -f "$tmp/plain.yaml"
is "$(log_count 'GET /api/v1/namespaces/other/configmaps/plain ')" 1 "-n overrides it"

# ---- no kubeconfig: in a pod, the service account ----
sa=$tmp/sa
mkdir -p "$sa" "$tmp/home"
cp "$PKI/ca.crt" "$sa/ca.crt"
printf '%s\n' "$DOUBLE_TOKEN" >"$sa/token"
printf 'in-pod\n' >"$sa/namespace"
unset KUBECONFIG
log_mark
HOME=$tmp/home KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$DOUBLE_PORT KAPPLY_SA_DIR=$sa \
	run kapply get -f "$tmp/plain.yaml"
is "$rc" 0 "in-cluster: the service account's token and CA"
is "$(log_count 'GET /api/v1/namespaces/in-pod/configmaps/plain ')" 1 "in-cluster: the service account's namespace"
HOME=$tmp/home run kapply get -f "$tmp/plain.yaml"
like "$rc:$err" "^1:kapply: no kubeconfig: KUBECONFIG names no existing file, there is no ~/.kube/config, and this is not a pod" \
	"no configuration anywhere: a clear error"
KUBECONFIG=$k/token.yaml HOME=$tmp/home run kapply config
is "$out" "kubeconfig: $k/token.yaml
context: test
cluster: double
user: tester
server: $DOUBLE_URL
namespace: default
authentication: bearer token (token)
server certificate: verified with certificate-authority $k/ca.crt" "config says what is in use"

# ---- secrets are never printed ----
for f in token data cert exec exec-cert wrong exec-garbage basic; do
	KUBECONFIG=$k/$f.yaml run kapply config
	printf '%s\n%s\n' "$out" "$err" >>"$all_output"
	KUBECONFIG=$k/$f.yaml run kapply apply -v -f "$tmp/ns.yaml"
	printf '%s\n%s\n' "$out" "$err" >>"$all_output"
done
key_line=$(sed -n 2p "$PKI/admin.key")
ok "$(grep -c -e "$DOUBLE_TOKEN" -e "$basic_password" -e "$key_line" -e "$(b64 "$PKI/admin.key" | cut -c1-40)" "$all_output" | grep -qx 0; echo $?)" \
	"no token, password, key or key data in anything kapply printed, -v included"
like "$(cat "$all_output")" "PATCH /api/v1/namespaces/demo-org1" "(and -v did log the requests)"

done_testing
