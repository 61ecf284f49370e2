#!/bin/sh
# make channel and make chaincode against the API server double, whose Jobs
# complete (or fail, when told to) and whose pods have logs: the steps run
# in order, in the right namespaces; completed steps are not run again; a
# failed step stops the chain, shows its log and leaves its stamp unwritten;
# the chaincode flows of Fabric 2.x and 1.4.
. "$TOP/tests/lib.sh"
. "$TOP/tests/kapply-lib.sh"

double_needed "needs the double's Jobs and faults"
start_cluster --job-ms 50
cd "$tmp" || exit 1
RAFT=$FIXTURES/fabric-2.5/two-org-raft-participation
# the Jobs created, in order, as "namespace/name"
jobs_created() { log_new | grep -E 'PATCH /apis/batch/v1/namespaces/[^/]+/jobs/[^?]+.* 201 ' |
	sed -E 's|.*/namespaces/([^/]+)/jobs/([^?]+).*|\1/\2|' | tr '\n' ' '; }
# steps: the Jobs, sorted; before A B...: each "a<b" pair ran in that order
steps() { printf '%s\n' $1 | sort | tr '\n' ' '; }
before() {
	_l=$1
	shift
	for _p; do
		_a=$(printf '%s\n' $_l | grep -nx -- "${_p%<*}" | cut -d: -f1)
		_b=$(printf '%s\n' $_l | grep -nx -- "${_p#*<}" | cut -d: -f1)
		[ -n "$_a" ] && [ -n "$_b" ] && [ "$_a" -lt "$_b" ] || { diag "not in order: $_p in $_l"; echo 1; return; }
	done
	echo 0
}
requests() { log_new | grep -Ev ' GET /(api|apis)(/[a-z0-9.]+)*(/v[0-9a-z]+)? '; }

# --- system channel flow, Fabric 2.5 ---
B=$tmp/sys
m() { tmake BUILD="$B" "$@"; }
log_mark
run m channel
is "$rc" 0 "make channel: exit status 0"
j=$(jobs_created)
is "$(steps "$j")" "org1/ch-mychannel org2/ch-mychannel " "the channel: one Job per peer org"
like "$(cat "$B/jobs/org1/ch-mychannel.yaml")" 'CREATE, value: "true"' "the first org creates the channel"
like "$(cat "$B/jobs/org2/ch-mychannel.yaml")" 'CREATE, value: "false"' "the other joins it"
like "$(cat "$B/jobs/org1/ch-mychannel.yaml" "$B/jobs/org2/ch-mychannel.yaml" | grep -c 'ANCHORS, value: "true"')" '^2$' \
	"and both set their anchor peers"
line() { log_new | grep -n -- "$1" | head -1 | cut -d: -f1; }
ok "$([ "$(line 'PATCH /apis/apps/v1/namespaces/orgorderer1/deployments/orderer0')" -lt "$(line 'namespaces/org1/jobs/ch-mychannel')" ] &&
	[ "$(line 'PATCH /apis/apps/v1/namespaces/org1/deployments/cli')" -lt "$(line 'namespaces/org1/jobs/ch-mychannel')" ] &&
	[ "$(line 'PATCH /apis/apps/v1/namespaces/org2/deployments/cli')" -lt "$(line 'namespaces/org2/jobs/ch-mychannel')" ]; echo $?)" \
	"each Job runs once its org (and the orderer org) is deployed"
is "$(ls "$B/stamps/channel-mychannel" | tr '\n' ' ')" "config org1 org2 " \
	"a stamp per org's completed step, and one for the channel's config"
log_mark
run m channel
is "$rc:$(requests | wc -l)" "0:0" "make channel again: nothing to do, no request"

# a failed step stops the chain and shows its log
rm "$B/stamps/channel-mychannel/org2"
printf 'ch-mychannel: peer channel update: BAD_REQUEST -- error applying config update\n' > fail.log
faults "JOB /namespaces/org2/jobs/ch-mychannel$ fail,log=$tmp/fail.log"
log_mark
run m channel
ok "$([ "$rc" -ne 0 ]; echo $?)" "a failing step fails make channel"
like "$err" 'step org2/ch-mychannel failed; the log of its Job:' "and names the step"
like "$err" 'BAD_REQUEST -- error applying config update' "and prints the Job's log"
like "$err" 'org2/Job/ch-mychannel: failed: BackoffLimitExceeded' "and the Job's reason"
ok "$([ ! -e "$B/stamps/channel-mychannel/org2" ]; echo $?)" "its stamp is not written"
faults
log_mark
run m channel
is "$rc" 0 "the rerun completes"
is "$(jobs_created)" "org2/ch-mychannel " "and runs that step alone"

# --- chaincode, Fabric 2.5, chaincode as a service ---
printf 'a = 100\nb = 200\n' > query.log
faults "JOB /jobs/cc-abstore-query$ log=$tmp/query.log"
log_mark
run m chaincode
is "$rc" 0 "make chaincode: exit status 0"
j=$(jobs_created)
is "$(steps "$j")" "org1/cc-abstore-1-approve org1/cc-abstore-1-commit org1/cc-abstore-1-init org1/cc-abstore-1-install org1/cc-abstore-query org2/cc-abstore-1-approve org2/cc-abstore-1-install " \
	"the chaincode's steps: install, approve, commit, init, query"
ok "$(before "$j" org1/cc-abstore-1-approve\<org1/cc-abstore-1-commit org2/cc-abstore-1-approve\<org1/cc-abstore-1-commit \
	org1/cc-abstore-1-commit\<org1/cc-abstore-1-init org1/cc-abstore-1-install\<org1/cc-abstore-1-init \
	org2/cc-abstore-1-install\<org1/cc-abstore-1-init org1/cc-abstore-1-init\<org1/cc-abstore-query)" \
	"install and approve per org, commit once both approved, init once installed everywhere, then query"
is "$(log_count 'PATCH /apis/apps/v1/namespaces/org[12]-cc/deployments/abstore.* 201 ')" 2 \
	"each peer org runs its chaincode server, in a namespace of its own"
ok "$(log_new | grep -n 'deployments/abstore' | head -1 | cut -d: -f1 | { read -r s;
	i=$(log_new | grep -n 'jobs/cc-abstore-1-init' | head -1 | cut -d: -f1); [ "$s" -lt "$i" ]; }; echo $?)" \
	"the server is applied before the init"
# a pod waits for ever for a ConfigMap volume that is not there (the double
# does not, so the order is checked): cc-abstore before any Job that mounts it
for o in org1 org2; do
	ok "$(log_new | grep -n "PATCH /api/v1/namespaces/$o/configmaps/cc-abstore" | head -1 | cut -d: -f1 | { read -r c;
		i=$(log_new | grep -n "PATCH /apis/batch/v1/namespaces/$o/jobs/cc-abstore" | head -1 | cut -d: -f1);
		[ -n "$c" ] && [ -n "$i" ] && [ "$c" -lt "$i" ]; }; echo $?)" \
		"$o: the chaincode's ConfigMap is applied before the first Job that mounts it"
done
like "$out" '^a = 100$' "make chaincode shows the query: a = 100"
like "$out" '^b = 200$' "and b = 200"
printf 'moved 10 from a to b\na = 90\nb = 210\n' > invoke.log
faults "JOB /jobs/cc-abstore-invoke$ log=$tmp/invoke.log"
log_mark
run m invoke
is "$rc" 0 "make invoke: exit status 0"
is "$(jobs_created)" "org1/cc-abstore-invoke " "make invoke runs the invoke, which queries after it"
like "$out" '^a = 90$' "make invoke shows a = 90"
like "$out" '^b = 210$' "and b = 210"
like "$(cat "$B/jobs/org1/cc-abstore-invoke.yaml")" "CC_ARGS, value: '{\"Args\":\\[\"invoke\",\"a\",\"b\",\"10\"\\]}'" \
	"the invoke moves 10 from a to b"
ok "$(ls "$TOP" | grep -c -e '-run$')" "query and invoke leave no stamp file in the project directory"

# make stopped while it waits for the invoke (Ctrl-C, or killed with its
# kapply): the Job goes on in the cluster, and the next make invoke waits for
# it and shows its result instead of sending a second transfer; the make
# after that sends a new one.  A changed invoke is not mistaken for it.
# invoke_started: the invoke Job has been created since log_mark.  (make
# runs in a session of its own, so that a signal to its process group
# reaches make and its kapply alone, with SIGINT at its default action: a
# shell's background command would ignore it.)
invoke_started() { log_new | grep -qE 'PATCH /apis/batch/v1/namespaces/org1/jobs/cc-abstore-invoke.* 201 '; }
for sig in INT KILL; do
	faults "JOB /jobs/cc-abstore-invoke$ ms=2500,log=$tmp/invoke.log"
	log_mark
	# shellcheck disable=SC2086
	setsid env --default-signal=INT make --no-print-directory -C "$TOP" $TOOL_MAKEFLAGS BUILD="$B" invoke >"$tmp/bg.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do invoke_started && break; sleep 0.1; done
	kill -"$sig" -"$pid"
	wait "$pid"
	ok "$(invoke_started; echo $?)" "SIG$sig: make was stopped once the invoke Job was created"
	is "$(grep -c '^a = ' "$tmp/bg.out")" 0 "SIG$sig: the stopped make reported no transfer"
	faults
	log_mark
	run m invoke
	is "$rc:$(jobs_created)" "0:" "SIG$sig: make invoke again creates no second invoke Job"
	like "$out" "org1/cc-abstore-invoke: the Job an interrupted make started is complete; it is not run again" \
		"SIG$sig: it waits for the one the stopped make started"
	like "$out" '^a = 90$' "SIG$sig: and shows its result, a = 90"
	log_mark
	run m invoke
	is "$rc:$(jobs_created)" "0:org1/cc-abstore-invoke " "SIG$sig: the make after it runs a new invoke"
done
faults "JOB /jobs/cc-abstore-invoke$ never-complete"
log_mark
# shellcheck disable=SC2086
setsid env --default-signal=INT make --no-print-directory -C "$TOP" $TOOL_MAKEFLAGS BUILD="$B" invoke >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do invoke_started && break; sleep 0.1; done
kill -INT -"$pid"
wait "$pid"
faults
log_mark
run m invoke CC_AMOUNT=5
is "$rc:$(jobs_created)" "0:org1/cc-abstore-invoke " "after a stopped invoke, another amount is a new invoke, not the stopped one"

# the Jobs that wait for the channel's block 0 start once the Job that
# creates it may start too: with WAIT=1, once the creator's org is ready
# (org1's peer never is here: make stops with no Job at all, where org2's
# Job used to wait for a channel nobody was creating)
B=$tmp/slow
faults "READY /namespaces/org1/deployments/peer0 never-ready *"
log_mark
run m WIPE=1 WAIT=1 WAIT_TIMEOUT=2s deploy channel
is "$rc" 2 "org1 never ready: make deploy channel WAIT=1 fails"
is "$(jobs_created)" "" "and no org's channel Job was created"
faults
# when a joining org's step fails, make says what it waited for
faults "JOB /namespaces/org1/jobs/ch-mychannel$ never-complete" "JOB /namespaces/org2/jobs/ch-mychannel$ fail"
run m JOB_TIMEOUT=3s channel
like "$err" "make: step org2/ch-mychannel waited for step org1/ch-mychannel; the state of its Job:" \
	"a joining org's failed step says which step it waited for"
like "$err" "org1/Job/ch-mychannel.*0/1 succeeded" "and how that step's Job is"
faults
run m WIPE=1 clean-cluster

# a failing approval stops the chain before the commit (another build of
# the same files: it wipes the first's network)
B=$tmp/sys2
faults "JOB /jobs/cc-abstore-1-approve$ fail"
log_mark
run m WIPE=1 chaincode
is "$rc" 2 "a failing approval fails make chaincode"
like "$err" "^make: step org[12]/cc-abstore-1-approve failed" "and says which step failed"
ok "$(jobs_created | grep -q commit; [ $? -ne 0 ]; echo $?)" "and no commit is tried"
faults

# --- channel participation flow ---
B=$tmp/part
log_mark
run m WIPE=1 channel CHANNEL_FLOW=participation CRYPTO_CONFIG="$RAFT/crypto-config.yaml" CONFIGTX="$RAFT/configtx.yaml" \
	GENESIS_PROFILE=TwoOrgsApplicationGenesis
is "$rc" 0 "participation: make channel"
[ "$rc" -eq 0 ] || diag "$err"
j=$(jobs_created)
is "$(steps "$j")" "org1/ch-mychannel org2/ch-mychannel orgorderer1/ch-mychannel " \
	"participation: the orderers join through their admin endpoint, the peers with the genesis block"

# --- chaincode, Fabric 1.4 (the sample with 1.4's capabilities) ---
B=$tmp/v14
configtx_14 >"$tmp/configtx-14.yaml"
log_mark
run m WIPE=1 chaincode FABRIC_VERSION=1.4 CHAINCODE=docker CONFIGTX="$tmp/configtx-14.yaml"
is "$rc" 0 "Fabric 1.4: make chaincode"
j=$(jobs_created | sed 's|[^ ]*/ch-[^ ]* ||g')
is "$(steps "$j")" "org1/cc-abstore-1-install org1/cc-abstore-1-instantiate org1/cc-abstore-query org2/cc-abstore-1-install " \
	"Fabric 1.4: install in every org, instantiate, query"
ok "$(before "$j" org1/cc-abstore-1-install\<org1/cc-abstore-1-instantiate org2/cc-abstore-1-install\<org1/cc-abstore-1-instantiate \
	org1/cc-abstore-1-instantiate\<org1/cc-abstore-query)" "Fabric 1.4: the installs before the instantiate, the query last"
is "$(log_count 'deployments/abstore')" 0 "Fabric 1.4: no chaincode server"

done_testing
