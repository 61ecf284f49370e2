#!/bin/sh
# kapply retries what a real API server or network may throw at it, a
# bounded number of times, and then succeeds or reports it: 500, 429 with
# Retry-After, a dropped connection, a slow reply, and a server that is
# gone.  The faults are the double's; a real cluster cannot be told to fail.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "faults are injected by the double"
start_cluster
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: demo-org1}\n' >"$tmp/ns.yaml"
kapply apply -q -f "$tmp/ns.yaml"

cm() { # cm NAME...: ConfigMaps in demo-org1
	for n in "$@"; do
		printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: demo-org1}\ndata: {k: v}\n' "$n"
	done
}
attempts() { log_count "PATCH /api/v1/namespaces/demo-org1/configmaps/$1\\?"; }

# ---- 500 twice, then success ----
cm a1 a2 a3 >"$tmp/a.yaml"
faults "PATCH /configmaps/a2 status=500 2"
log_mark
run kapply apply -v -f "$tmp/a.yaml"
is "$rc" 0 "500 twice: retried, then applied"
is "$(attempts a2)" 3 "500 twice: three attempts"
is "$(attempts a1):$(attempts a3)" "1:1" "500 twice: the other objects went once"
like "$err" "PATCH /api/v1/namespaces/demo-org1/configmaps/a2.* 500 \\(h2, [0-9]+ ms\\), retry 1 of 5 in [0-9]+ ms" "500: -v tells of the retry"
like "$out" "created demo-org1/ConfigMap/a2" "500 twice: the object was created"

# ---- 429 with Retry-After ----
cm b1 >"$tmp/b.yaml"
faults "PATCH /configmaps/b1 status=429,retry-after=1 1"
log_mark
run kapply apply -f "$tmp/b.yaml"
is "$rc" 0 "429: retried, then applied"
is "$(attempts b1)" 2 "429: two attempts"
gap=$(log_new | grep 'configmaps/b1' | awk 'NR == 1 {t = $1} NR == 2 {print $1 - t}')
ok "$([ "$gap" -ge 1000 ]; echo $?)" "429: the retry waited for Retry-After (1 s; waited $gap ms)"

# ---- a dropped connection ----
cm c1 c2 c3 c4 >"$tmp/c.yaml"
faults "PATCH /configmaps/c3 reset 1"
log_mark
run kapply apply -f "$tmp/c.yaml"
is "$rc" 0 "a reset connection: retried, then applied"
is "$(log_count 'configmaps/c3.* reset')" 1 "the double dropped the connection"
is "$(log_count 'configmaps/c3.* 201 created')" 1 "c3 was created on a new connection"
is "$(printf '%s\n' "$out" | grep -Ec '^(created|applied) ')" 4 "every object was applied (a retried one that had arrived is 'applied')"

# ---- a slow reply ----
cm d1 >"$tmp/d.yaml"
faults "PATCH /configmaps/d1 delay=3000 1"
log_mark
run kapply apply -v --request-timeout 1s -f "$tmp/d.yaml"
is "$rc" 0 "a reply slower than --request-timeout: retried, then applied"
like "$err" "configmaps/d1.* Timeout was reached \\(.*\\), retry 1 of 5" "slow reply: the attempt timed out"
is "$(log_count 'configmaps/d1.* 201 created')" 1 "slow reply: the second attempt created it"
cm d2 >"$tmp/d2.yaml"
faults "PATCH /configmaps/d2 delay=1500 1"
log_mark
run kapply apply -f "$tmp/d2.yaml"
is "$rc:$(attempts d2)" "0:1" "a slow reply without a timeout is waited for"

# ---- faults that do not go away are reported, after a bounded number of attempts ----
cm e1 e2 >"$tmp/e.yaml"
faults "PATCH /configmaps/e1 status=500 *"
log_mark
run kapply apply --retries 2 -f "$tmp/e.yaml"
is "$rc" 1 "a lasting 500: exit 1"
is "$(attempts e1)" 3 "a lasting 500: 1 + 2 retries, no more"
is "$err" "kapply: demo-org1/ConfigMap/e1: 500 InternalError: Internal error occurred: injected by the double (after 3 attempts)
kapply: 1 of 2 objects failed" "a lasting 500: reported once, with the attempts"
like "$out" "created demo-org1/ConfigMap/e2" "a lasting 500: the other object was applied"

faults "PATCH /configmaps/e1 status=503 *"
log_mark
run kapply apply --retries 1 -f "$tmp/e.yaml"
like "$rc:$err" "^1:kapply: demo-org1/ConfigMap/e1: 503 ServiceUnavailable: .*\\(after 2 attempts\\)" "a lasting 503 is reported"

faults "PATCH /configmaps/e1 status=429,retry-after=1 *"
run kapply apply --retries 1 -f "$tmp/e.yaml"
like "$rc:$err" "^1:kapply: demo-org1/ConfigMap/e1: 429 TooManyRequests: .*\\(after 2 attempts\\)" "a lasting 429 is reported"

faults "PATCH /configmaps/e1 reset *"
log_mark
run kapply apply --retries 2 -f "$tmp/e.yaml"
is "$rc" 1 "a connection dropped every time: exit 1"
is "$(log_count 'configmaps/e1.* reset')" 3 "a connection dropped every time: 3 attempts"
like "$err" "^kapply: demo-org1/ConfigMap/e1: cannot reach $DOUBLE_URL: .* \\(after 3 attempts\\)$" "a connection dropped every time: reported"

faults "PATCH /configmaps/e1 delay=5000 *"
run kapply apply --retries 1 --request-timeout 500ms -f "$tmp/e.yaml"
like "$rc:$err" "^1:kapply: demo-org1/ConfigMap/e1: cannot reach $DOUBLE_URL: .*timed out.* \\(after 2 attempts\\)" "a reply that never comes in time is reported"

# ---- 4xx answers are final ----
faults "PATCH /configmaps/e1 status=409 *"
log_mark
run kapply apply -f "$tmp/e.yaml"
is "$rc:$(attempts e1)" "1:1" "a 409 is not retried"

# ---- the server is gone ----
faults ""
double_stop
run kapply apply --retries 1 -f "$tmp/e.yaml"
is "$rc" 1 "no server: exit 1"
like "$err" "^kapply: discovery: GET /api/v1: cannot reach $DOUBLE_URL: .*(refused|connect).* \\(after 2 attempts\\)$" \
	"no server: said once, after the retries"

done_testing
