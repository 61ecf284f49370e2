#!/bin/sh
# make deploy against an API server that misbehaves: bursts of 5xx, 429
# storms, dropped connections, slow replies, a mix of them at random, an
# org whose objects keep failing, the Jobs of make channel and make
# chaincode through random faults, and a server that dies in the middle of
# a deploy and comes back (with its objects: --state) or stays away.
# Every deploy either ends with the cluster exactly as the manifests say,
# or fails saying what failed; then a rerun without faults converges:
# every object unchanged, nothing to prune, every stamp up to date.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "faults are injected by the double"
start_cluster --state "$PKI/state.json" --seed 7
cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$TOP/configtx.yaml" "$@"; }
# a deployment option every org's workloads carry: changing it makes every org apply again
level=INFO
next_level() { case $level in INFO) level=DEBUG ;; DEBUG) level=WARNING ;; *) level=INFO ;; esac; }
deploy() { m deploy LOGGING_SPEC=$level "$@"; }
injected() { log_count " (die|reset|429|500|502|503|504) -$"; }
survived=0

m >/dev/null 2>&1 || { echo "Bail out! make cannot build the sample network"; exit 1; }
orgs=$(ls "$B/manifests")
objects=$(cat "$B"/manifests/*/*.yaml "$B"/cluster/*/*.yaml | grep -c '^kind:')

# converged DESCRIPTION: the cluster is what the manifests say, and make agrees
converged() {
	_f=$(for o in $orgs; do printf -- '-f %s -f %s ' "$B/cluster/$o" "$B/manifests/$o"; done)
	# shellcheck disable=SC2086
	_diff=$(kapply diff $_f 2>&1)
	is "$(printf '%s\n' "$_diff" | grep -v '^unchanged ')" \
		"dry run: 0 to create, 0 to change, $objects unchanged; nothing was changed" \
		"$1: all $objects objects are on the server as rendered"
	_stray=
	for o in $orgs; do
		_stray="$_stray$(kapply prune --dry-run -l "app.kubernetes.io/managed-by=fabric-k8s,fabric-k8s/org=$o" \
			-f "$B/cluster/$o" -f "$B/manifests/$o" 2>&1);"
	done
	is "$_stray" "nothing to prune;nothing to prune;nothing to prune;" \
		"$1: nothing the manifests lack is left to prune"
	m -q deploy LOGGING_SPEC=$level
	is "$?" 0 "$1: make -q deploy: every org's stamp is up to date"
}

# outcome DESCRIPTION RC: a deploy under faults succeeded (and converged) or
# said what failed; then a rerun without faults converges.
outcome() {
	_n=$(injected)
	survived=$((survived + _n))
	faults          # what is checked next must not meet faults itself
	if [ "$2" -eq 0 ]; then
		ok 0 "$1: make deploy succeeded through $_n injected faults"
		converged "$1"
	else
		like "$err" 'kapply: .*(cannot reach|[45][0-9][0-9] )' "$1: make deploy failed ($_n injected faults) and said why"
		log_mark
		run deploy
		is "$rc" 0 "$1: the rerun without faults succeeds"
		converged "$1, rerun"
	fi
}

# ---- a first deploy through a burst of 5xx ----
# (on the objects each org applies together: one Namespace refused six
# times in a row would outlast the retries, as the storm below shows)
faults 'PATCH /(secrets|services)/ status=503 12' 'PATCH /deployments/ status=502 4' \
	'GET /api/v1$ status=500 2'
log_mark
run deploy
is "$rc" 0 "5xx burst: make deploy succeeds"
is "$(log_count ' 503 -$'):$(log_count ' 502 -$'):$(log_count ' 500 -$')" 12:4:2 \
	"5xx burst: the double answered 12 requests with 503, 4 with 502, 2 with 500"
outcome "5xx burst" "$rc"

# ---- a 429 storm on the applies, with Retry-After ----
next_level
faults 'PATCH /(secrets|services|persistentvolumeclaims|deployments)/ status=429,retry-after=1 20'
log_mark
run deploy
is "$rc" 0 "429 storm: make deploy succeeds"
is "$(log_count ' 429 -$')" 20 "429 storm: 20 answers of 429 were sent"
outcome "429 storm" "$rc"

# ---- a 429 storm on discovery that outlasts kapply's retries ----
next_level
faults 'GET /api status=429,retry-after=1 40'
log_mark
run deploy
is "$rc" 2 "429 storm longer than the retries: make deploy fails"
like "$err" '^kapply: discovery: GET /api[^ ]*: 429 TooManyRequests: .*\(after 6 attempts\)$' \
	"429 storm longer than the retries: said once, with the attempts"
outcome "429 storm longer than the retries" "$rc"

# ---- dropped connections (each drops every request in flight on it) ----
next_level
faults 'PATCH /(secrets|deployments)/ reset 3' 'GET /apis/apps/v1$ reset 1'
log_mark
run deploy
is "$rc" 0 "connection resets: make deploy succeeds"
is "$(log_count ' reset -$')" 4 "connection resets: the double dropped 4 connections"
outcome "connection resets" "$rc"

# ---- slow replies, some slower than --request-timeout ----
next_level
faults 'PATCH /namespaces/org1/(secrets|services)/ delay=2500 3' 'PATCH /namespaces/org2/ delay=700 5'
log_mark
run deploy KAPPLY="$BINDIR/kapply --request-timeout 2s"
is "$rc" 0 "slow replies: make deploy succeeds"
is "$err" "" "slow replies: quietly"
outcome "slow replies" "$rc"

# ---- everything at once, at random (the double's generator is seeded) ----
for round in 1 2; do
	next_level
	faults '* . status=503,p=0.05 *' '* . reset,p=0.02 *' '* . status=429,retry-after=0,p=0.03 *' \
		'PATCH . delay=300,p=0.1 *'
	log_mark
	run deploy
	outcome "random faults, round $round" "$rc"
done

# ---- make channel and make chaincode: their Jobs, pods and logs through faults ----
# A step whose Job completed but whose stamp was not written runs again on
# the rerun (its script is written to be run twice).
faults '* /jobs status=503,p=0.15 *' '* /pods reset,p=0.05 *' 'GET /jobs/ status=429,retry-after=0,p=0.1 *'
log_mark
run m channel chaincode LOGGING_SPEC=$level
_n=$(injected)
survived=$((survived + _n))
if [ "$rc" -eq 0 ]; then
	ok 0 "Jobs through random faults: make channel chaincode succeeded through $_n injected faults"
else
	like "$err" 'kapply: .*(cannot reach|[45][0-9][0-9] )' \
		"Jobs through random faults: make channel chaincode failed ($_n injected faults) and said why"
fi
faults
run m channel chaincode LOGGING_SPEC=$level
is "$rc" 0 "Jobs through random faults: the rerun without faults succeeds"
is "$(ls "$B/stamps/channel-mychannel" | wc -l):$(ls "$B/stamps/chaincode-mychannel-abstore-1" | wc -l)" 3:10 \
	"Jobs through random faults: every channel and chaincode step has its stamp"
m -q channel LOGGING_SPEC=$level
is "$?" 0 "Jobs through random faults: make -q channel: nothing left to do"

# ---- one org's objects keep failing: the others go in, that org's stamp stays old ----
next_level
faults 'PATCH /namespaces/org2/ status=500 *'
log_mark
run deploy KAPPLY="$BINDIR/kapply --retries 2"
is "$rc" 2 "lasting 500s for org2: make deploy fails"
like "$err" '^kapply: org2/[A-Za-z]+/[a-z0-9-]+: 500 InternalError: .*\(after 3 attempts\)$' \
	"lasting 500s for org2: each object's failure said once, with the attempts"
ok "$([ "$B/stamps/org2.applied" -ot "$B/manifests/org2/peer0.yaml" ]; echo $?)" \
	"lasting 500s for org2: org2's stamp is older than its manifests"
m -q deploy LOGGING_SPEC=$level
is "$?" 1 "lasting 500s for org2: make -q deploy knows org2 is still to do"
outcome "lasting 500s for org2" 1

# ---- the server dies in the middle of a deploy, and comes back ----
next_level
faults 'PATCH /namespaces/org1/ die 1'
log_mark
run deploy KAPPLY="$BINDIR/kapply --retries 2"
ok "$([ "$rc" -ne 0 ]; echo $?)" "server dies mid-deploy: make deploy fails"
like "$err" "kapply: .*cannot reach $DOUBLE_URL" "server dies mid-deploy: kapply says it cannot reach the server"
ok "$(kill -0 "$DOUBLE_PID" 2>/dev/null; [ $? -ne 0 ]; echo $?)" "server dies mid-deploy: the double is gone"
is "$(log_count ' die -$')" 1 "server dies mid-deploy: on org1's first PATCH"
survived=$((survived + 1))
faults
double_restart || { echo "Bail out! the double did not come back"; exit 1; }
log_mark
run deploy
is "$rc" 0 "server back (with its objects): the rerun succeeds"
converged "server died mid-deploy"

# ---- the server dies and stays away: reported after a bounded number of attempts ----
next_level
double_stop
run deploy KAPPLY="$BINDIR/kapply --retries 2"
ok "$([ "$rc" -ne 0 ]; echo $?)" "no server at all: make deploy fails"
like "$err" "kapply: .*cannot reach $DOUBLE_URL: .*\\(after 3 attempts\\)" "no server at all: said, after the retries"
double_restart || { echo "Bail out! the double did not come back"; exit 1; }
log_mark
run deploy
is "$rc" 0 "server back: the rerun succeeds"
converged "server stayed away"

diag "faults injected and survived: $survived"
done_testing
