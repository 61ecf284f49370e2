#!/bin/sh
# The sample network on a real Kubernetes cluster, end to end, in both
# channel flows: what a new user does, step by step, and what the network
# answers.  Runs only with K8S_E2E=1 and KUBECONFIG naming a cluster that
# has the Fabric images (make e2e; .ci/run starts ../shared/cluster for it).
#
# For each flow, from an empty cluster (the system flow: first the admin's
# make namespaces, then make org1 by org1's operator with a token bound to
# its namespaces, which may not touch org2): deploy with WAIT=1, channel,
# chaincode (a = 100, b = 200), invoke (a = 90, b = 210); a second deploy
# sends no request; org2 grows to three peers and peer2 joins, gets the
# chaincode and answers a = 90; org2 shrinks back and peer2 is pruned;
# channel and chaincode then run no step again and the balances stay;
# clean-cluster leaves no object of ours.  Then, system flow: the channel
# is as configtx.yaml declares it (make channel-plan), and the chaincode is
# upgraded (2.0, sequence 2) keeping the balances, and org1's
# certificates renewed roll its pods alone; participation flow:
# fabric-samples' addOrg3 by make (Org3 added, joined, given the chaincode,
# answers a = 90; then removed, queries still answer; the batch timeout
# changed by the orderer org's admin; two raft consenters added, one
# update each, an invoke ordered by the three; the orderer org renewed,
# each consenter's new certificate an update of its own, an invoke; the
# two removed, each running
# until an update took it out, and pruned then; the Application capability
# V2_5 and Endorsement policy ANY, and an invoke).  The orgs' namespaces
# enforce the restricted Pod Security level, the chaincode servers' too
# (<namespace>-cc: built from source, as user 1000).  The system flow adds
# Org3 to the channel and takes it out again, keeping the system channel's
# genesis block and its orderer as they run; at the end of the
# participation flow another build of the same files is stopped before it
# deploys over the running network, then wipes it (WIPE=1).  Then
# test-network's shape (tests/fixtures/fabric-2.5/test-network: three
# cryptogen files, dotted domains, paths under ../organizations,
# ChannelUsingRaft), the files unchanged, in one make: a = 90, b = 210;
# queries through either org by its short name.  Then the two shapes of
# tests/networks/ (two orderer orgs; every node on 127.0.0.1 at a port of
# its own), each in one make to a = 90; applications from this host; an
# upgrade in place (system flow at 2.5, migrated to participation, rolled
# to 3.1, raised to Channel V3_0, queries answering throughout); Fabric
# 3.1 with three Raft orderers (make deploy channel chaincode invoke
# stopped by SIGINT and SIGKILL in turn, five times, and run again: one
# transfer; an invoke whose wait for the commit runs out is found in the
# blocks, not sent twice; drift: a peer scaled down and its ledger claim
# deleted, seen by make status, put back by make reconcile, the peer joined
# again and caught up; a peer, the Raft leader and a chaincode server
# killed, an invoke right after moving 10 once, the leader caught up; the
# node's whole Kubernetes stopped and started again when E2E_CLUSTER_DIR
# names the test cluster's kit, the pods back with their ledgers, queries
# and an invoke as before; a soak, bench/soak: clients on this host send
# transfers for E2E_SOAK_SECONDS while peers, orderers and chaincode
# servers are killed in turn, none lost, none doubled) and BFT.  Each
# step's time is printed.
. "$TOP/tests/lib.sh"

if [ "${K8S_E2E:-}" != 1 ] || [ -z "${KUBECONFIG:-}" ]; then
	skip 1 "needs a real cluster: K8S_E2E=1 and KUBECONFIG (make e2e)"
	done_testing
	exit
fi
export KUBECONFIG

# every object this project made for the sample's orgs (kapply's own tests
# may have theirs in namespaces of their own meanwhile)
ours() {
	"$BINDIR/kapply" prune --dry-run --all -l app.kubernetes.io/managed-by=fabric-k8s 2>&1 |
		grep -E '^would be pruned (('"$NS"')/|Namespace/('"$NS"')$)'
}
NS='org1|org2|orgorderer1|example-com|org1-example-com|org2-example-com'
NS="$NS|org1-cc|org2-cc|org1-example-com-cc|org2-example-com-cc|org3|org3-cc"
NS="$NS|ordera-policy-test|orderb-policy-test|org[123]-policy-test|org[123]-policy-test-cc"
NS="$NS|other[012]|other[12]-cc"

step() { # step NAME make-args...: run make, print its time; $out, $rc
	_name=$1
	shift
	_t0=$(date +%s.%N)
	run tmake "$@"
	# on stderr, which prove shows
	awk -v n="$_name" -v t0="$_t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "# %-52s %6.1f s\n", n, t1 - t0 }' >&2
	if [ "$rc" -ne 0 ]; then
		diag "make $* failed:" "$out" "$err" >&2
	fi
}

# balances as make query and make invoke print them, on one line
balances() { printf '%s\n' "$out" | grep -E '^[ab] = ' | tr '\n' ' '; }
# the Jobs of make channel's config steps that ran, on one line
channel_jobs() { printf '%s\n' "$out" | sed -n 's/^  JOB     \(.*ch-mychannel-[a-z]*\)$/\1/p' | tr '\n' ' '; }

# orderer_heights BUILD ORG make-args...: run the orderer org ORG's join
# step of mychannel again (its stamp removed; up to six times, 5 s apart)
# until it reports its orderers at one height; $heights: the heights it
# reported last, one line
orderer_heights() {
	_b=$1 _o=$2
	shift 2
	heights=
	for _try in 1 2 3 4 5 6; do
		rm -f "$_b/stamps/channel-mychannel/$_o"
		run tmake "$@" channel
		heights=$("$BINDIR/kapply" logs -f "$_b/jobs/$_o/ch-mychannel.yaml" |
			sed -n 's/.* serves mychannel already, at height \([0-9]*\)$/\1/p' | sort -u | tr '\n' ' ')
		# shellcheck disable=SC2086
		[ "$(printf '%s\n' $heights | wc -l)" -eq 1 ] && break
		sleep 5
	done
}

# the user's crypto-config.yaml, edited in place as a user would
cp "$TOP/crypto-config.yaml" "$tmp/crypto-config.yaml"
awk '/Domain: org2/ { org2 = 1 } org2 && /Count: 2/ { sub(/Count: 2/, "Count: 3"); org2 = 0 } { print }' \
	"$TOP/crypto-config.yaml" >"$tmp/crypto-config-3.yaml"
grep -q 'Count: 3' "$tmp/crypto-config-3.yaml" || { echo "Bail out! cannot raise org2's Count"; exit 1; }
edit() { cp "$1" "$tmp/crypto-config.yaml"; }
# fabric-samples' addOrg3: Org3 in crypto-config.yaml, in configtx.yaml's
# Organizations and in the participation profile's Application orgs
with_org3_crypto "$TOP/crypto-config.yaml" >"$tmp/crypto-config-org3.yaml"
with_org3_configtx "$TOP/configtx.yaml" >"$tmp/configtx-org3.yaml" ||
	{ echo "Bail out! cannot add Org3 to configtx.yaml"; exit 1; }

# start from an empty cluster, whatever an earlier run left
run tmake BUILD="$tmp/clean" clean-cluster

for flow in system participation; do
	B=$tmp/$flow
	args="BUILD=$B CHANNEL_FLOW=$flow CRYPTO_CONFIG=$tmp/crypto-config.yaml"

	if [ "$flow" = system ]; then
		# the admin's cluster step, then org1 by its operator alone, from
		# nothing, with a token bound to org1's namespaces
		# shellcheck disable=SC2086
		step "$flow: make namespaces org1-kubeconfig" $args namespaces org1-kubeconfig
		is "$rc" 0 "$flow: the cluster step (namespaces, Roles, accounts) and org1's operator kubeconfig"
		op="KUBECONFIG=$B/kubeconfig/org1.yaml SCOPE=namespace"
		# shellcheck disable=SC2086
		step "$flow: make org1 WAIT=1, org1's token" $args $op WAIT=1 org1
		is "$rc" 0 "$flow: org1's operator deploys org1 with org1's rights alone, every workload available"
		# shellcheck disable=SC2086
		run tmake $args $op org2
		like "$rc:$err" '^[1-9].*org2/[A-Za-z]+/[-a-z0-9]+: 403 Forbidden: .*"system:serviceaccount:org1:fabric-k8s-operator" cannot patch .*; the credentials lack the permission to patch [a-z.]+ in namespace org2' \
			"$flow: the same token may not touch org2, and kapply says which permission it lacked"
	fi
	# shellcheck disable=SC2086
	step "$flow: make deploy WAIT=1" $args WAIT=1 deploy
	is "$rc" 0 "$flow: deploy, every workload available"
	if [ "$flow" = system ]; then
		# the namespaces enforce the restricted Pod Security level: the
		# network's pods passed it, and a root pod does not
		printf '%s\n' 'apiVersion: v1' 'kind: Pod' \
			'metadata: {name: rootpod, namespace: org1, labels: {app.kubernetes.io/managed-by: fabric-k8s}}' \
			'spec: {containers: [{name: c, image: "busybox:1.35", command: [sleep, "1"]}]}' >"$tmp/rootpod.yaml"
		run "$BINDIR/kapply" apply -f "$tmp/rootpod.yaml"
		like "$rc:$err" '^1:.*violates PodSecurity "restricted' \
			"$flow: org1's namespace refuses a root pod (restricted), and runs the network's"
	fi
	# shellcheck disable=SC2086
	step "$flow: make channel" $args channel
	is "$rc" 0 "$flow: channel"
	# shellcheck disable=SC2086
	step "$flow: make chaincode" $args chaincode
	is "$rc:$(balances)" "0:a = 100 b = 200 " "$flow: chaincode committed and initialised: a = 100, b = 200"
	run "$BINDIR/kapply" get -o json -f "$B/cluster/org1/chaincode-namespace.yaml"
	like "$out" '"pod-security.kubernetes.io/enforce": "restricted"' \
		"$flow: the chaincode servers run in a namespace that enforces the restricted level"
	# shellcheck disable=SC2086
	step "$flow: make invoke" $args invoke
	is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: invoke moves 10: a = 90, b = 210"

	# steps whose Jobs ran but whose stamps were lost (a make killed): the
	# approvals, the commit and the init run again, and the ledger is kept
	rm -f "$B"/stamps/chaincode-*/approve-* "$B"/stamps/chaincode-*/commit "$B"/stamps/chaincode-*/init
	# shellcheck disable=SC2086
	step "$flow: approve, commit, init again" $args chaincode
	is "$rc:$(balances)" "0:a = 90 b = 210 " \
		"$flow: approvals, commit and init again: nothing approved twice, no second init, a = 90"

	# shellcheck disable=SC2086
	run tmake -q $args deploy
	is "$rc" 0 "$flow: make -q deploy: nothing to do"
	# shellcheck disable=SC2086
	step "$flow: make deploy, nothing changed" $args V=1 deploy
	is "$rc:$(printf '%s\n' "$out" | grep -c kapply)" "0:0" "$flow: a second deploy runs no kapply, so sends no request"

	# org2 grows to three peers
	edit "$tmp/crypto-config-3.yaml"
	three=$args
	# shellcheck disable=SC2086
	step "$flow: org2 with 3 peers: deploy channel chaincode" $three WAIT=1 deploy channel chaincode
	is "$rc" 0 "$flow: org2 grown to three peers: deploy, channel, chaincode"
	cp "$B/manifests/org2/peer2.yaml" "$tmp/peer2.yaml" 2>/dev/null
	# shellcheck disable=SC2086
	step "$flow: make query ORG=org2 PEER=peer2" $three query ORG=org2 PEER=peer2
	is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: peer2.org2 joined, has the chaincode and answers a = 90"
	like "$(cat "$B/jobs/org2/cc-abstore-query.yaml")" 'CORE_PEER_ADDRESS, value: "peer2.org2:7051"' \
		"$flow: that query went through peer2.org2"

	# and back to two
	edit "$TOP/crypto-config.yaml"
	# shellcheck disable=SC2086
	step "$flow: org2 back to 2 peers: deploy" $args WAIT=1 deploy
	is "$rc" 0 "$flow: org2 back to two peers: deploy"
	run "$BINDIR/kapply" get -f "$tmp/peer2.yaml"
	is "$(printf '%s\n' "$out" | cut -f2 | sort -u | tr '\n' ' ')" "absent " "$flow: peer2's Service and Deployment are pruned"
	# shellcheck disable=SC2086
	step "$flow: make channel chaincode" $args channel chaincode
	is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: channel and chaincode again: the balances stay"
	# shellcheck disable=SC2086
	step "$flow: make channel chaincode, nothing changed" $args channel chaincode
	is "$rc:$(printf '%s\n' "$out" | grep '^  JOB' | grep -cv -- '-query$')" "0:0" \
		"$flow: and once more: no step runs again (only the query)"
	is "$(balances)" "a = 90 b = 210 " "$flow: a = 90, b = 210"

	if [ "$flow" = system ]; then
		# the channel, as the orderer made it and the anchor updates left
		# it, is what configtx.yaml declares
		# shellcheck disable=SC2086
		step "$flow: make channel-plan" $args channel-plan
		like "$rc:$(printf '%s\n' "$out" | tail -1)" "^0:channel mychannel \\(config sequence [0-9]+\\) is as declared$" \
			"$flow: make channel-plan: the live channel is as configtx.yaml declares it"
		# an upgrade: a new version and sequence, approved by each org and
		# committed, no Init again; the servers roll to the new package
		# shellcheck disable=SC2086
		step "$flow: chaincode upgrade CC_VERSION=2.0 CC_SEQUENCE=2" $args CC_VERSION=2.0 CC_SEQUENCE=2 chaincode
		is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: chaincode 2.0 at sequence 2: approved, committed, balances kept"
		is "$(printf '%s\n' "$out" | sed -n 's/^  JOB     \(.*cc-abstore-2-[a-z]*\)$/\1/p' | sort | tr '\n' ' ')" \
			"org1/cc-abstore-2-approve org1/cc-abstore-2-commit org1/cc-abstore-2-install org2/cc-abstore-2-approve org2/cc-abstore-2-install " \
			"$flow: the upgrade's steps: install and approve in each org, one commit, no init"
		# shellcheck disable=SC2086
		step "$flow: invoke on 2.0" $args CC_VERSION=2.0 CC_SEQUENCE=2 invoke
		is "$rc:$(balances)" "0:a = 80 b = 220 " "$flow: the upgraded chaincode moves 10: a = 80, b = 220"
		# org1's certificates issued again with the same keys: its pods
		# roll (their templates carry their Secrets' digest), org2's stay
		gen() { "$BINDIR/kapply" get -o json -f "$B/manifests/$1.yaml" | grep -o '"generation": *[0-9]*' | head -1; }
		g1=$(gen org1/peer0) g2=$(gen org2/peer0)
		# shellcheck disable=SC2086
		step "$flow: make renew ORG=org1" $args renew ORG=org1
		# shellcheck disable=SC2086
		step "$flow: make deploy WAIT=1 (renewed org1)" $args WAIT=1 deploy
		is "$rc" 0 "$flow: org1 renewed: deploy, every workload available again"
		ok "$([ "$(gen org1/peer0)" != "$g1" ] && [ "$(gen org2/peer0)" = "$g2" ]; echo $?)" \
			"$flow: org1's peer rolled ($g1 -> $(gen org1/peer0)), org2's did not ($g2)"
		# shellcheck disable=SC2086
		step "$flow: make query after the renewal" $args CC_VERSION=2.0 CC_SEQUENCE=2 query
		is "$rc:$(balances)" "0:a = 80 b = 220 " "$flow: after the renewal and the rollout, queries answer: a = 80"
		# Org3 joins the channel of the system flow, then leaves it while
		# it stays deployed: the system channel's genesis block, and the
		# orderer running on it, stay as they are
		with_org3_configtx "$TOP/configtx.yaml" TwoOrgsChannel >"$tmp/configtx-sys-org3.yaml" ||
			{ echo "Bail out! cannot add Org3 to TwoOrgsChannel"; exit 1; }
		edit "$tmp/crypto-config-org3.yaml"
		v2="CC_VERSION=2.0 CC_SEQUENCE=2"
		genesis=$(sha256sum <"$B/channel-artifacts/genesis.block")
		g0=$(gen orgorderer1/orderer0)
		# shellcheck disable=SC2086
		step "$flow: Org3 joins: deploy channel chaincode" $args $v2 CONFIGTX="$tmp/configtx-sys-org3.yaml" \
			WAIT=1 deploy channel chaincode
		is "$rc" 0 "$flow: Org3 in both files: deploy, channel, chaincode"
		is "$(channel_jobs)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
			"$flow: org1 fetches the config, org1's admin signs, org2's submits"
		# shellcheck disable=SC2086
		step "$flow: make query ORG=org3" $args $v2 CONFIGTX="$tmp/configtx-sys-org3.yaml" query ORG=org3
		is "$rc:$(balances)" "0:a = 80 b = 220 " "$flow: Org3's peer joined, has the chaincode and answers a = 80"
		# shellcheck disable=SC2086
		step "$flow: Org3 leaves the channel: channel" $args $v2 channel
		is "$rc" 0 "$flow: Org3 out of configtx.yaml, still in crypto-config.yaml: make channel"
		like "$out" "remove /Channel/Application/Org3MSP" "$flow: make channel says Org3 leaves"
		is "$(sha256sum <"$B/channel-artifacts/genesis.block"):$(gen orgorderer1/orderer0)" "$genesis:$g0" \
			"$flow: the system channel's genesis block is kept, and the orderer did not roll"
		# shellcheck disable=SC2086
		step "$flow: make query, Org3 gone" $args $v2 query
		is "$rc:$(balances)" "0:a = 80 b = 220 " "$flow: queries still answer: a = 80"
	else
		# fabric-samples' addOrg3, by make: Org3 deployed, added to the
		# channel by an update org1 signs and org2 submits, joined, given
		# the chaincode; then it leaves the channel
		edit "$tmp/crypto-config-org3.yaml"
		org3="$args CONFIGTX=$tmp/configtx-org3.yaml"
		# shellcheck disable=SC2086
		step "$flow: make plan, Org3 declared" $org3 plan
		is "$rc" 0 "$flow: make plan with Org3 in both files"
		like "$out" "created +Namespace/org3" "$flow: make plan shows Org3's namespace to be created"
		like "$out" "add    /Channel/Application/Org3MSP" "$flow: and Org3 to be added to the channel"
		# shellcheck disable=SC2086
		step "$flow: Org3 joins: deploy channel chaincode" $org3 WAIT=1 deploy channel chaincode
		is "$rc" 0 "$flow: Org3 added to configtx.yaml and crypto-config.yaml: deploy, channel, chaincode"
		like "$out" "add    /Channel/Application/Org3MSP" "$flow: make channel says Org3 is added"
		is "$(channel_jobs)" \
			"org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
			"$flow: org1 fetches the config, org1's admin signs, org2's submits (MAJORITY Admins of the two)"
		# shellcheck disable=SC2086
		step "$flow: make query ORG=org3" $org3 query ORG=org3
		is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: Org3's peer joined, has the chaincode and answers a = 90"
		# shellcheck disable=SC2086
		step "$flow: make channel, nothing changed" $org3 channel
		is "$rc:$(printf '%s\n' "$out" | grep -c '^  JOB')" "0:0" "$flow: make channel again: no Job"
		# shellcheck disable=SC2086
		step "$flow: Org3 leaves the channel: channel" $args channel
		is "$rc" 0 "$flow: Org3 taken out of the profile: make channel"
		like "$out" "remove /Channel/Application/Org3MSP" "$flow: make channel says Org3 leaves"
		# shellcheck disable=SC2086
		step "$flow: make query, Org3 gone" $args query
		is "$rc:$(balances)" "0:a = 90 b = 210 " "$flow: queries still answer: a = 90"
		# the orderer's batch timeout: the orderer org's admin alone submits
		sed 's/BatchTimeout: 2s/BatchTimeout: 1s/' "$TOP/configtx.yaml" >"$tmp/configtx-batch.yaml"
		# shellcheck disable=SC2086
		step "$flow: BatchTimeout 1s: channel" $args CONFIGTX="$tmp/configtx-batch.yaml" channel
		is "$rc" 0 "$flow: BatchTimeout 2s -> 1s: make channel"
		like "$out" "change /Channel/Orderer/BatchTimeout" "$flow: make channel says the batch timeout changes"
		is "$(channel_jobs)" \
			"org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
			"$flow: the orderer org's admin submits it, no other signature"
		# shellcheck disable=SC2086
		step "$flow: make channel-plan" $args CONFIGTX="$tmp/configtx-batch.yaml" channel-plan
		like "$rc:$(printf '%s\n' "$out" | tail -1)" "^0:channel mychannel \\(config sequence [0-9]+\\) is as declared$" \
			"$flow: make channel-plan: as declared, Org3 gone and the batch timeout 1s"
		# raft consenters: orderer1 and orderer2 added to the orderer org
		# and to the consenters, one update each (the second needs
		# orderer1 to have joined the quorum); then both leave the
		# consenters, each running until an update took it out
		awk '{ print } /Hostname: orderer0/ { print "      - Hostname: orderer1"; print "      - Hostname: orderer2" }' \
			"$tmp/crypto-config-org3.yaml" >"$tmp/crypto-config-orderers.yaml"
		with_consenters "$tmp/configtx-batch.yaml" orderer1 orderer2 >"$tmp/configtx-orderers.yaml"
		edit "$tmp/crypto-config-orderers.yaml"
		raft="$args CONFIGTX=$tmp/configtx-orderers.yaml"
		# shellcheck disable=SC2086
		step "$flow: make plan, two consenters declared" $raft plan
		is "$rc" 0 "$flow: make plan with orderer1 and orderer2 declared"
		like "$out" "created +orgorderer1/Deployment/orderer2" "$flow: make plan shows the orderers to be created"
		like "$out" "add consenter orderer2.orgorderer1:7050" "$flow: and the consenters to be added"
		# shellcheck disable=SC2086
		step "$flow: two consenters added: deploy channel" $raft WAIT=1 deploy channel
		is "$rc" 0 "$flow: orderer1 and orderer2 in both files: deploy, channel"
		like "$out" "one consenter change per update: this one makes the first, 1 more follow" \
			"$flow: make channel says the two are added one update at a time"
		is "$(channel_jobs)" \
			"org1/ch-mychannel-config orgorderer1/ch-mychannel-submit org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
			"$flow: config and the orderer org's update, twice"
		# shellcheck disable=SC2086
		step "$flow: make channel-plan, three consenters" $raft channel-plan
		like "$rc:$(printf '%s\n' "$out" | tail -1)" "^0:channel mychannel \\(config sequence [0-9]+\\) is as declared$" \
			"$flow: make channel-plan: the three consenters are the channel's"
		# shellcheck disable=SC2086
		step "$flow: invoke, three consenters" $raft invoke
		is "$rc:$(balances)" "0:a = 80 b = 220 " "$flow: the three orderers order an invoke: a = 80, b = 220"
		# the orderer org's certificates issued again with the same keys:
		# its orderers roll, and make channel gives each consenter its new
		# certificate, one update each (a leader hands over first)
		# shellcheck disable=SC2086
		step "$flow: make renew ORG=orgorderer1" $raft renew ORG=orgorderer1
		# shellcheck disable=SC2086
		step "$flow: renewed orderers: deploy channel" $raft WAIT=1 deploy channel
		is "$rc" 0 "$flow: the orderer org renewed: deploy, channel"
		like "$out" "one consenter change per update: this one makes the first, 2 more follow" \
			"$flow: make channel gives the three consenters their new certificates, one update each"
		is "$(channel_jobs)" "org1/ch-mychannel-config orgorderer1/ch-mychannel-submit org1/ch-mychannel-config orgorderer1/ch-mychannel-submit org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
			"$flow: config and the orderer org's update, three times"
		# shellcheck disable=SC2086
		step "$flow: invoke, renewed orderers" $raft invoke
		is "$rc:$(balances)" "0:a = 70 b = 230 " "$flow: the renewed orderers order an invoke: a = 70, b = 230"
		cp "$B/manifests/orgorderer1/orderer1.yaml" "$tmp/orderer1.yaml"
		cp "$B/manifests/orgorderer1/orderer2.yaml" "$tmp/orderer2.yaml"
		edit "$tmp/crypto-config-org3.yaml"
		raft="$args CONFIGTX=$tmp/configtx-batch.yaml"
		# shellcheck disable=SC2086
		step "$flow: both consenters removed: deploy channel" $raft WAIT=1 deploy channel
		is "$rc" 0 "$flow: orderer1 and orderer2 out of both files: deploy, channel"
		like "$out" "make: orgorderer1 keeps orderer1 orderer2 for now: mychannel's consenters still name them" \
			"$flow: deploy keeps them while they are consenters"
		is "$(channel_jobs)" \
			"org1/ch-mychannel-config orgorderer1/ch-mychannel-submit org1/ch-mychannel-config orgorderer1/ch-mychannel-submit " \
			"$flow: make channel takes them out, one update each"
		run "$BINDIR/kapply" get -f "$tmp/orderer1.yaml" -f "$tmp/orderer2.yaml"
		is "$(printf '%s\n' "$out" | cut -f2 | sort -u | tr '\n' ' ')" "absent " \
			"$flow: then orderer1 and orderer2 are pruned"
		# shellcheck disable=SC2086
		step "$flow: invoke, one consenter again" $raft invoke
		is "$rc:$(balances)" "0:a = 60 b = 240 " "$flow: orderer0 alone orders an invoke: a = 60, b = 240"
		# a capability and a policy of the Application group, whose
		# Admins (a majority of its orgs' admins) sign
		awk '/&ApplicationCapabilities/ { c = 1 } c && /V2_0: true/ { sub(/V2_0/, "V2_5"); c = 0 }
			/^    Endorsement:$/ { e = 1 } e && /MAJORITY Endorsement/ { sub(/MAJORITY/, "ANY"); e = 0 } { print }' \
			"$tmp/configtx-batch.yaml" >"$tmp/configtx-app.yaml"
		# shellcheck disable=SC2086
		step "$flow: capability V2_5, Endorsement ANY: channel" $args CONFIGTX="$tmp/configtx-app.yaml" channel
		is "$rc" 0 "$flow: Application capability V2_5 and Endorsement policy ANY: make channel"
		like "$out" "change /Channel/Application/Capabilities" "$flow: make channel says the capability changes"
		like "$out" "change /Channel/Application/policies/Endorsement" "$flow: and the Endorsement policy"
		is "$(channel_jobs)" "org1/ch-mychannel-config org1/ch-mychannel-sign org2/ch-mychannel-submit " \
			"$flow: org1's admin signs, org2's submits"
		# shellcheck disable=SC2086
		step "$flow: invoke, V2_5" $args CONFIGTX="$tmp/configtx-app.yaml" invoke
		is "$rc:$(balances)" "0:a = 50 b = 250 " "$flow: the peers take the new capability: an invoke, a = 50, b = 250"
	fi

	ok "$([ -n "$(ours)" ]; echo $?)" "$flow: the network's objects are there, as kapply lists them"
	if [ "$flow" = participation ]; then
		# another build of the same files (its own keys) over this
		# network: stopped before it applies anything, and told whose
		# the namespaces are; WIPE=1 deletes this network and deploys it
		args="BUILD=$tmp/foreign CHANNEL_FLOW=$flow CRYPTO_CONFIG=$tmp/crypto-config.yaml"
		# shellcheck disable=SC2086
		step "$flow: another build's make deploy" $args deploy
		like "$rc:$err" "^2:.*held by another: its fabric-k8s/network is [0-9a-f]+, not [0-9a-f]+;.* fabric-k8s/deployed-from: [^ ]*:$B" \
			"$flow: another build over the running network: stopped, the build that holds it named"
		like "$err" "run make clean-cluster in that build, or this make again with WIPE=1" "$flow: and told what to do"
		ok "$(ls "$tmp/foreign/stamps/"*.cluster >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" "$flow: nothing was applied"
		# shellcheck disable=SC2086
		step "$flow: another build's make deploy WIPE=1" $args WIPE=1 WAIT=1 deploy
		is "$rc" 0 "$flow: WIPE=1 deletes the running network and deploys the other build's"
		like "$out" "WIPE +org1" "$flow: and says whose namespaces it wiped"
	fi
	# shellcheck disable=SC2086
	step "$flow: make clean-cluster" $args clean-cluster
	is "$rc" 0 "$flow: clean-cluster"
	is "$(ours)" "" "$flow: no object of ours is left on the cluster"
	edit "$TOP/crypto-config.yaml"
done

# ---- fabric-samples' test-network shape, the files as they are ----
TN=$FIXTURES/fabric-2.5/test-network
tn_cc="$TN/organizations/cryptogen/crypto-config-orderer.yaml $TN/organizations/cryptogen/crypto-config-org1.yaml"
tn_cc="$tn_cc $TN/organizations/cryptogen/crypto-config-org2.yaml"
tn() { # tn NAME make-args...: step, with test-network's files
	_n=$1
	shift
	step "test-network: $_n" BUILD="$tmp/tn" CRYPTO_CONFIG="$tn_cc" CONFIGTX="$TN/configtx/configtx.yaml" "$@"
}
sums() { (cd "$TN" && find . -type f | sort | xargs sha256sum); }
sums >"$tmp/tn.sums"
tn "make deploy channel chaincode invoke" CHANNEL_PROFILE=ChannelUsingRaft deploy channel chaincode invoke
is "$rc:$(balances | sed 's/.*\(a = [0-9]* b = [0-9]* \)$/\1/')" "0:a = 90 b = 210 " \
	"test-network: deploy, channel (participation), chaincode, invoke: a = 90, b = 210"
like "$out" "JOB     example.com/ch-mychannel" "test-network: the orderer joined the channel through its admin endpoint"
sums | cmp -s - "$tmp/tn.sums"
ok $? "test-network: its files are unchanged"
for o in org1 org2; do
	tn "make query ORG=$o" CHANNEL_PROFILE=ChannelUsingRaft query ORG=$o
	is "$rc:$(balances)" "0:a = 90 b = 210 " "test-network: make query ORG=$o answers a = 90 through $o's peer"
	like "$(cat "$tmp/tn/jobs/$o.example.com/cc-abstore-query.yaml")" \
		"CORE_PEER_ADDRESS, value: \"peer0.$o-example-com:7051\"" "test-network: through peer0.$o-example-com"
done
tn "make org1 org1.example.com example-com, nothing changed" V=1 org1 org1.example.com example-com
is "$rc:$(printf '%s\n' "$out" | grep -c kapply)" "0:0" \
	"test-network: make org1, by short name, domain and namespace: no request"
run "$BINDIR/kapply" get -f "$tmp/tn/manifests/org2.example.com/peer0.yaml"
like "$out" "org2-example-com" "test-network: org2.example.com lives in namespace org2-example-com"
ok "$(printf '%s\n' "$out" | grep -c absent)" "test-network: its peer0's Service and Deployment are there"
tn "make clean-cluster" clean-cluster
is "$rc" 0 "test-network: clean-cluster"
is "$(ours)" "" "test-network: no object of ours is left on the cluster"

# ---- two shapes no other test runs: two orderer orgs (each one's steps
# trust its own orderers' TLS CA), and every address on 127.0.0.1 ----
for shape in two-orderer-orgs loopback; do
	N=$TOP/tests/networks/$shape
	net="BUILD=$tmp/$shape CRYPTO_CONFIG=$N/crypto-config.yaml CONFIGTX=$N/configtx.yaml"
	# shellcheck disable=SC2086
	step "$shape: make deploy channel chaincode invoke" $net WAIT=1 deploy channel chaincode invoke
	is "$rc:$(balances | sed 's/.*\(a = [0-9]* b = [0-9]* \)$/\1/')" "0:a = 90 b = 210 " \
		"$shape: deploy, channel, chaincode, invoke: a = 90, b = 210"
	# shellcheck disable=SC2086
	step "$shape: make clean-cluster" $net clean-cluster
	is "$rc:$(ours)" "0:" "$shape: clean-cluster leaves no object of ours"
done

# ---- applications reach the network: a network made with in-cluster
# addresses gets external ones (node ports at the cluster node's address):
# its certificates issued again with their keys and rolled out, the
# channel's orderer endpoints and anchor peers updated; then an identity
# from org1's CA (make enroll), the connection profile, and two programs
# on this host with Fabric's own client libraries: the Gateway client
# through one peer, and fabric-network with discovery on, which must
# reach every peer and orderer discovery names ----
EXT=${E2E_EXTERNAL_HOST:-$("$BINDIR/kapply" config | sed -n 's|^server: https\{0,1\}://\([^:/]*\).*|\1|p')}
app="BUILD=$tmp/apps CHANNEL_FLOW=participation"
ext="SERVICE_TYPE=NodePort EXTERNAL_HOST=$EXT"
# shellcheck disable=SC2086
step "apps: make deploy channel chaincode (in the cluster only)" $app WAIT=1 deploy channel chaincode
is "$rc:$(balances)" "0:a = 100 b = 200 " "apps: a network with in-cluster addresses: a = 100"
peer_crt=$tmp/apps/crypto-config/peerOrganizations/org1/peers/peer0.org1/tls/server.crt
key_before=$(sha256sum <"${peer_crt%.crt}.key")
# shellcheck disable=SC2086
step "apps: make deploy channel, external endpoints" $app $ext WAIT=1 deploy channel
is "$rc" 0 "apps: SERVICE_TYPE=NodePort EXTERNAL_HOST=$EXT: deploy, channel"
like "$(openssl x509 -in "$peer_crt" -noout -ext subjectAltName)" "IP Address:$EXT" \
	"apps: peer0's TLS certificate names the external address now"
is "$(sha256sum <"${peer_crt%.crt}.key")" "$key_before" "apps: with the key it had"
like "$out" "change /Channel/Orderer/Orgorderer1MSP/Endpoints" "apps: the channel's orderer endpoints become the external ones"
like "$out" "change /Channel/Application/Org1MSP/AnchorPeers" "apps: and so do the anchor peers"
# shellcheck disable=SC2086
step "apps: make endpoints" $app $ext endpoints
like "$out" "peer0.org1 +grpcs://$EXT:30100" "apps: make endpoints shows peer0.org1 at $EXT:30100"
# another network asking for the same node ports: the cluster refuses
# them, and make stops before it applies any object of an org
# shellcheck disable=SC2086
step "apps: another network on the same node ports" BUILD="$tmp/apps2" CHANNEL_FLOW=participation \
	"NAMESPACES=orgorderer1=other0 org1=other1 org2=other2" $ext deploy
like "$rc:$err" "^2:.*Service/[a-z0-9]+: 422 .*provided port is already allocated" \
	"apps: another network on node ports the first holds: refused by the cluster"
like "$err" "Services? refused: nothing was applied" "apps: before any object of the org was applied"
run "$BINDIR/kapply" get -f "$tmp/apps2/manifests/org1/peer0.yaml"
is "$(printf '%s\n' "$out" | cut -f2 | sort -u | tr '\n' ' ')" "absent " "apps: (its peer0 is not there)"
# shellcheck disable=SC2086
run tmake BUILD="$tmp/apps2" CHANNEL_FLOW=participation "NAMESPACES=orgorderer1=other0 org1=other1 org2=other2" $ext clean-cluster
# shellcheck disable=SC2086
step "apps: make connection-profiles" $app $ext connection-profiles
is "$rc" 0 "apps: make connection-profiles"
like "$(cat "$tmp/apps/connection/org1.json")" "\"url\": \"grpcs://$EXT:30100\"" "apps: org1's profile names peer0 at its external address"
# shellcheck disable=SC2086
step "apps: make enroll ORG=org1 USER=app1" $app $ext enroll ORG=org1 USER=app1
is "$rc" 0 "apps: make enroll ORG=org1 USER=app1"
ID=$tmp/apps/identities/org1/app1/msp
run openssl verify -CAfile "$tmp/apps/crypto-config/peerOrganizations/org1/ca/ca.org1-cert.pem" "$ID"/signcerts/*
is "$rc" 0 "apps: app1's certificate is issued by org1's CA (openssl verify)"
like "$(openssl x509 -in "$ID"/signcerts/* -noout -subject)" "OU ?= ?client.*CN ?= ?app1" "apps: a client identity named app1"
is "$(stat -c %a "$ID"/keystore/*)" 600 "apps: its key is mode 0600"
# shellcheck disable=SC2086
step "apps: make enroll again" $app $ext enroll ORG=org1 USER=app1
is "$rc" 0 "apps: a second make enroll keeps the identity"
if [ -d "$tmp/appdeps/node_modules" ] || { mkdir -p "$tmp/appdeps" &&
	cp "$TOP/tests/apps/package.json" "$TOP/tests/apps/package-lock.json" "$tmp/appdeps/" &&
	npm ci --prefix "$tmp/appdeps" --no-audit --no-fund >"$tmp/appdeps/npm.log" 2>&1; }; then
	cp "$TOP/tests/apps/"*.js "$tmp/appdeps/"
	run node "$tmp/appdeps/gateway.js" "$EXT:30100" \
		"$tmp/apps/crypto-config/peerOrganizations/org1/tlsca/tlsca.org1-cert.pem" "$ID" Org1MSP mychannel abstore
	is "$rc" 0 "apps: the Gateway client runs from outside the cluster"
	[ "$rc" -eq 0 ] || diag "$err"
	like "$out" '"before":"100".*"committed":true.*"after":"90"' "apps: Gateway: query a = 100, invoke committed, a = 90"
	like "$out" '"block":([0-9]+),.*"event_block":\1}' "apps: Gateway: the block event names the block that holds the transaction"
	run node "$tmp/appdeps/network.js" "$tmp/apps/connection/org1.json" "$ID" Org1MSP mychannel abstore
	is "$rc" 0 "apps: fabric-network with discovery runs from outside the cluster"
	[ "$rc" -eq 0 ] || diag "$err"
	like "$out" '"before":"90".*"block_event":[0-9]+.*"after":"80"' "apps: fabric-network: a = 90, invoke, a block event, a = 80"
	like "$out" "\"peers\":\\[\"grpcs://$EXT:30100\",\"grpcs://$EXT:30103\",\"grpcs://$EXT:30200\",\"grpcs://$EXT:30203\"\\]" \
		"apps: discovery handed out every peer at its external address"
	like "$out" "\"orderers\":\\[\"grpcs://$EXT:30000\"\\]" "apps: and the orderer at its external address"
else
	skip 7 "npm could not install tests/apps (Fabric's client libraries): $(tail -1 "$tmp/appdeps/npm.log" 2>/dev/null)"
fi
# shellcheck disable=SC2086
step "apps: make revoke ORG=org1 USER=app1" $app $ext revoke ORG=org1 USER=app1
is "$rc" 0 "apps: make revoke ORG=org1 USER=app1"
like "$out" "^revoked app1 at https://$EXT:30199: 1 certificate" "apps: app1's certificate revoked at org1's CA"
ok "$([ ! -e "$ID" ]; echo $?)" "apps: and its MSP removed here"
# shellcheck disable=SC2086
step "apps: make enroll, app1 revoked" $app $ext enroll ORG=org1 USER=app1
like "$rc:$err" "^2:caclient: .*app1 was revoked" "apps: a revoked identity is not enrolled again, and make says why"
# shellcheck disable=SC2086
step "apps: make revoke of an unknown user" $app $ext revoke ORG=org1 USER=nobody
like "$rc:$err" "^2:caclient: cannot revoke nobody: the CA at https://$EXT:30199 has no identity nobody" \
	"apps: revoking a user the CA does not know: refused, named"
# shellcheck disable=SC2086
step "apps: make clean-cluster" $app $ext clean-cluster
is "$rc:$(ours)" "0:" "apps: clean-cluster leaves no object of ours"

# ---- an upgrade in place (Fabric's order): the sample made in the system
# flow at Fabric 2.5 (a = 90) migrates to channel participation, rolls to
# 3.1 (the orderer, then each org's peers one at a time, each caught up
# before the next) and raises the channel to V3_0, while an application on
# this host queries through each org's peers; the longest time an org had
# no peer answering is printed.  Then a = 90 still, and an invoke moves it
# to 80.  What Fabric cannot do is refused before anything rolls ----
up="BUILD=$tmp/upgrade $ext"
records() { cat "$tmp/upgrade/stamps/"*.live | sort -u | tr '\n' ' '; }
roll_lines() { printf '%s\n' "$out" | sed -n 's/^  ROLL    //p' | tr '\n' ' '; }
# the rolls and Jobs of a make, in order, on one line
roll_steps() { printf '%s\n' "$out" | sed -n 's/^  \(ROLL\|JOB\)  *//p' | tr '\n' ' '; }
# shellcheck disable=SC2086
step "upgrade: make deploy channel chaincode invoke (2.5, system flow)" $up WAIT=1 deploy channel chaincode invoke
is "$rc:$(balances)" "0:a = 100 b = 200 a = 90 b = 210 " "upgrade: the sample at Fabric 2.5 in the system flow: a = 90"
is "$(records)" "2.5 system " "upgrade: each org's record says what it runs: 2.5, system flow"
# shellcheck disable=SC2086
step "upgrade: make deploy FABRIC_VERSION=3.1, system channel" $up FABRIC_VERSION=3.1 deploy
like "$rc:$err" "^2:.*FABRIC_VERSION=3.1: the network runs a system channel \(syschannel\).*migrate it first.*CHANNEL_FLOW=participation" \
	"upgrade: Fabric 3.1 over a system channel: refused, and make says to migrate first"
is "$(records)" "2.5 system " "upgrade: nothing rolled"
probing=
if [ -d "$tmp/appdeps/node_modules" ]; then
	cp "$TOP/tests/apps/"*.js "$tmp/appdeps/"
	probe() { # probe ORG MSPID PORT...: query a through the org's peers until killed
		_org=$1 _msp=$2
		shift 2
		node "$tmp/appdeps/probe.js" "$tmp/upgrade/crypto-config/peerOrganizations/$_org/tlsca/tlsca.$_org-cert.pem" \
			"$tmp/upgrade/crypto-config/peerOrganizations/$_org/users/User1@$_org/msp" "$_msp" mychannel abstore \
			"$@" >"$tmp/probe-$_org.json" 2>"$tmp/probe-$_org.err" &
	}
	probe org1 Org1MSP "$EXT:30100" "$EXT:30103"
	probe1=$!
	probe org2 Org2MSP "$EXT:30200" "$EXT:30203"
	probe2=$!
	probing=1
fi
# shellcheck disable=SC2086
step "upgrade: make plan CHANNEL_FLOW=participation" $up CHANNEL_FLOW=participation plan
like "$out" "orgorderer1: rolls orderer0 one at a time, Fabric 2.5 -> 2.5, then removes the system channel syschannel" \
	"upgrade: make plan shows the migration: the orderer rolls, then the system channel goes"
like "$(roll_steps)" "^org1/ch-mychannel-block0 " "upgrade: (make plan fetched the channel's block 0: the manifests it renders hold it)"
ok "$([ -s "$tmp/upgrade/channel-artifacts/mychannel.block" ]; echo $?)" \
	"upgrade: the channel's block 0 is the participation flow's genesis block now"
# shellcheck disable=SC2086
step "upgrade: migrate, make deploy channel CHANNEL_FLOW=participation" $up CHANNEL_FLOW=participation deploy channel
is "$rc" 0 "upgrade: the network migrates to channel participation"
like "$(roll_steps)" "^orgorderer1/orderer0 orgorderer1/catchup-orderer0 orgorderer1/sys-remove " \
	"upgrade: the orderer rolled and caught up, then the system channel removed"
like "$out" "channel mychannel \(config sequence [0-9]+\) is as declared" \
	"upgrade: the channel goes on, as the participation profile declares it"
is "$(records)" "2.5 participation " "upgrade: each org's record: 2.5, participation"
# shellcheck disable=SC2086
step "upgrade: make plan FABRIC_VERSION=3.1" $up FABRIC_VERSION=3.1 plan
like "$out" "org1: rolls peer0 peer1 one at a time, Fabric 2.5 -> 3.1" "upgrade: make plan shows the roll to 3.1"
# shellcheck disable=SC2086
step "upgrade: make deploy FABRIC_VERSION=3.1" $up FABRIC_VERSION=3.1 deploy
is "$rc" 0 "upgrade: the network rolls to Fabric 3.1"
like "$(roll_lines)" "^orgorderer1/orderer0 " "upgrade: the orderer first"
like "$(roll_steps)" "org1/peer0 .*org1/catchup-peer0 .*org1/peer1 .*org1/catchup-peer1 " \
	"upgrade: then org1's peers one at a time, each caught up before the next"
is "$(records)" "3.1 participation " "upgrade: each org's record: 3.1"
run "$BINDIR/kapply" get -o json -f "$tmp/upgrade/manifests/org2/peer1.yaml"
like "$out" '"image": "hyperledger/fabric-peer:3.1"' "upgrade: org2's peer1 runs fabric-peer:3.1"
# Channel V3_0, as configtx.yaml now says
awk '/Channel: &ChannelCapabilities/ { c = 1 } c && /V2_0: true/ { sub(/V2_0/, "V3_0"); c = 0 } { print }' \
	"$TOP/configtx.yaml" >"$tmp/configtx-v3.yaml"
# shellcheck disable=SC2086
step "upgrade: Channel V3_0 with FABRIC_VERSION=2.5" $up CONFIGTX="$tmp/configtx-v3.yaml" FABRIC_VERSION=2.5 channel
like "$rc:$err" "^2:.*capabilities \(Channel:V3_0 .*\) that need Fabric 3.0 or later, not FABRIC_VERSION=2.5" \
	"upgrade: Channel V3_0 with Fabric 2.5: refused"
# shellcheck disable=SC2086
step "upgrade: make channel, Channel V3_0" $up CONFIGTX="$tmp/configtx-v3.yaml" channel
is "$rc" 0 "upgrade: make channel raises the channel to V3_0"
like "$out" "change /Channel/Capabilities" "upgrade: the channel's capabilities changed"
# shellcheck disable=SC2086
step "upgrade: make deploy FABRIC_VERSION=2.5, a downgrade" $up FABRIC_VERSION=2.5 deploy
like "$rc:$err" "^2:.*FABRIC_VERSION=2.5 is older than the channel mychannel runs with: its capabilities \(Channel:V3_0 .*\) need Fabric 3.0" \
	"upgrade: a downgrade below the channel's capabilities: refused"
if [ -n "$probing" ]; then
	kill -TERM "$probe1" "$probe2"
	wait "$probe1" "$probe2"
	for o in org1 org2; do
		diag "upgrade: $o's queries: $(cat "$tmp/probe-$o.json" "$tmp/probe-$o.err")"
		like "$(cat "$tmp/probe-$o.json")" '"answered":[1-9][0-9]*,"longest_gap_ms":[0-9]+,"last":"90"' \
			"upgrade: $o's peers answered queries through it all: a = 90"
		printf '# %-52s %6.1f s\n' "upgrade: longest time $o had no peer answering" \
			"$(sed -n 's/.*"longest_gap_ms":\([0-9]*\).*/\1/p' "$tmp/probe-$o.json")e-3" >&2
	done
else
	skip 2 "npm could not install tests/apps (Fabric's client libraries)"
fi
# shellcheck disable=SC2086
step "upgrade: make query invoke (3.1, V3_0)" $up CONFIGTX="$tmp/configtx-v3.yaml" query invoke
is "$rc:$(balances)" "0:a = 90 b = 210 a = 80 b = 220 " "upgrade: after the upgrade a = 90, and an invoke moves it to 80"
# shellcheck disable=SC2086
step "upgrade: make clean-cluster" $up CONFIGTX="$tmp/configtx-v3.yaml" clean-cluster
is "$rc:$(ours)" "0:" "upgrade: clean-cluster leaves no object of ours"

# ---- Fabric 3.1: the sample (Raft), and test-network's BFT files as they
# are (four orderers, SmartBFT), with one orderer down ----
last_balances() { balances | sed 's/.*\(a = [0-9]* b = [0-9]* \)$/\1/'; }
# the sample with three Raft consenters (orderer0, 1 and 2), so that its
# leader can be killed and the other two go on
awk '{ print } /Hostname: orderer0/ { print "      - Hostname: orderer1"; print "      - Hostname: orderer2" }' \
	"$TOP/crypto-config.yaml" >"$tmp/crypto-config-f3.yaml"
with_consenters "$TOP/configtx.yaml" orderer1 orderer2 >"$tmp/configtx-f3.yaml"
f3="BUILD=$tmp/fabric3 FABRIC_VERSION=3.1 CRYPTO_CONFIG=$tmp/crypto-config-f3.yaml CONFIGTX=$tmp/configtx-f3.yaml $ext"
F3O=$tmp/fabric3/manifests/orgorderer1
# raft_changes: "<orderer> <from> <to> <its node ID>" for each "Raft leader
# changed" of mychannel in the logs of the three orderers' pods, in order
raft_changes() {
	"$BINDIR/kapply" logs -f "$F3O/orderer0.yaml" -f "$F3O/orderer1.yaml" -f "$F3O/orderer2.yaml" 2>/dev/null |
		sed -n -e 's|^==> [^ ]*/Pod/\(orderer[0-9]\)-.*|POD \1|p' \
			-e 's/.*Raft leader changed: \([0-9]*\) -> \([0-9]*\) channel=mychannel node=\([0-9]*\).*/\1 \2 \3/p' |
		awk '$1 == "POD" { pod = $2; next } { print pod, $0 }'
}
# raft_leader: "<orderer> <node ID>" of the one whose latest change names itself
raft_leader() { raft_changes | awk '{ last[$1] = $0 } END { for (p in last) { split(last[p], f, " "); if (f[3] == f[4]) print p, f[4] } }'; }
# make deploy channel chaincode invoke from an empty cluster, stopped five
# times on its way (Ctrl-C to make's process group after 10 s, SIGKILL to
# make and its kapply after 18 s, Ctrl-C after 26 s, SIGKILL after 34 s,
# Ctrl-C after 42 s: each run gets further) and run again each time from
# where it stopped, until a run finishes.  The ledger holds the
# transfers the runs reported, no more: one, a = 90.
_t0=$(date +%s.%N)
reported=0 stops=
for stop in 10:INT 18:KILL 26:INT 34:KILL 42:INT 0:; do
	# shellcheck disable=SC2086
	# a session of its own, SIGINT at its default (see tests/channel.t)
	setsid env --default-signal=INT make --no-print-directory -C "$TOP" $TOOL_MAKEFLAGS $f3 WAIT=1 \
		deploy channel chaincode invoke >"$tmp/f3-run.out" 2>&1 &
	pid=$!
	_s=0 _sig=
	while [ "$_s" -lt "${stop%:*}" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; _s=$((_s + 1)); done
	[ "${stop%:*}" -gt 0 ] && kill -0 "$pid" 2>/dev/null && kill -"${stop#*:}" -"$pid" && _sig=SIG${stop#*:}
	wait "$pid"
	rc=$?
	# what was stopped, and make's status then (not 0: it did stop)
	[ -z "$_sig" ] || stops="$stops $_sig:$rc"
	reported=$((reported + $(grep -c 'invoked abstore with' "$tmp/f3-run.out")))
	[ "$rc" -eq 0 ] && break
done
out=$(cat "$tmp/f3-run.out")
awk -v t0="$_t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "# %-52s %6.1f s\n", "Fabric 3.1, Raft: make deploy ... invoke, stopped", t1 - t0 }' >&2
[ "$rc" -eq 0 ] || diag "the last make failed:" "$out"
like "$stops" "^ SIGINT:[1-9][0-9]* SIGKILL:[1-9][0-9]*" "make was stopped on its way, and did stop:$stops"
is "$rc:$reported:$(last_balances)" "0:1:a = 90 b = 210 " \
	"after the stops, the runs reported one transfer, and the ledger has one: a = 90, b = 210"
like "$(cat "$tmp/fabric3/manifests/orgorderer1/orderer0.yaml")" "image: hyperledger/fabric-orderer:3.1" \
	"Fabric 3.1: the orderers run 3.1"
# an invoke whose wait for its commit runs out (CC_WAIT=1s, shorter than
# the BatchTimeout of 2s before its block is cut): the Job finds the
# transaction in the channel's blocks and does not send it again
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make invoke CC_WAIT=1s" $f3 CC_WAIT=1s invoke
is "$rc:$(last_balances)" "0:a = 80 b = 220 " "an invoke whose wait for the commit ran out moves 10 once: a = 80"
like "$out" "committed after all" "it was found in the channel's blocks, not sent again"
# drift: org1's peer1 scaled to 0 behind make's back and its ledger claim
# deleted; make deploy trusts its stamps, make status sees it, make
# reconcile puts back those two objects and nothing else, and make channel
# chaincode joins the empty peer again: it catches up and answers a = 80
P1=$tmp/fabric3/manifests/org1
sed 's/^  replicas: 1$/  replicas: 0/' "$P1/peer1.yaml" >"$tmp/peer1-down.yaml"
run "$BINDIR/kapply" apply -q -f "$tmp/peer1-down.yaml"
run "$BINDIR/kapply" wait -q --timeout 2m -f "$tmp/peer1-down.yaml"
run "$BINDIR/kapply" delete -q --wait --timeout 2m -f "$P1/peer1-data.yaml"
is "$rc" 0 "drift: org1's peer1 is down and its ledger claim is gone"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make status, drift" $f3 status
like "$out" "^absent  org1/PersistentVolumeClaim/peer1-data$" "make status: the claim is absent"
like "$out" "^drifted org1/Deployment/peer1: spec\\.replicas$" "make status: peer1's replicas drifted"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make reconcile" $f3 reconcile
is "$rc:$(printf '%s\n' "$out" | grep -E '^(created|applied) ' | sort | tr '\n' ' ')" \
	"0:applied org1/Deployment/peer1 created org1/PersistentVolumeClaim/peer1-data " \
	"make reconcile: the claim made again and peer1 scaled back, nothing else sent"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make channel chaincode, peer1 anew" $f3 channel chaincode
is "$rc" 0 "make channel chaincode joins peer1 again and installs the chaincode on it"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make query PEER=peer1" $f3 query ORG=org1 PEER=peer1
is "$rc:$(balances)" "0:a = 80 b = 220 " "peer1, its ledger made anew, caught up: a = 80"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make deploy after reconcile" $f3 deploy
is "$rc:$(printf '%s\n' "$out" | grep -c 'APPLY')" "0:0" "a plain make deploy afterwards sends nothing"
# recovery without make: org1's peer0 (the invoke's own peer), the Raft
# leader and org2's chaincode server killed at once, with no grace; the
# next invoke waits for them (the other two orderers elect a leader), and
# moves 10 once; their pods came back on their own, with their ledgers,
# the killed leader caught up, and make deploy has nothing to send
leader=$(raft_leader)
like "$leader" '^orderer[012] [0-9]+$' "the Raft leader of mychannel is one of the three orderers: $leader"
[ -n "$leader" ] || diag "$(raft_changes)"
run "$BINDIR/kapply" kill -f "$tmp/fabric3/manifests/org1/peer0.yaml" \
	-f "$F3O/${leader% *}.yaml" -f "$tmp/fabric3/jobs/org2/cc-server.yaml"
is "$rc:$(printf '%s\n' "$out" | grep -c '^killed ')" "0:3" "a peer, the Raft leader and a chaincode server killed"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make invoke, just killed" $f3 invoke
is "$rc:$(last_balances)" "0:a = 70 b = 230 " "the invoke after the kill moves 10 once: a = 70, b = 230"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make query ORG=org2, after the kill" $f3 query ORG=org2
is "$rc:$(balances)" "0:a = 70 b = 230 " "org2 answers the same: nothing lost, nothing doubled"
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make deploy, after the kill" $f3 WAIT=1 deploy
is "$rc:$(printf '%s\n' "$out" | grep -c 'APPLY')" "0:0" "make deploy after the kill sends nothing"
# the other two saw their leader go (a change from its ID), in their
# pods, which were not killed
is "$(raft_changes | awk -v l="${leader% *}" -v id="${leader#* }" '$1 != l && $2 == id { print $1 }' | sort -u | wc -l)" 2 \
	"the two other orderers saw the leader ${leader% *} go and elected another"
# the three orderers at one height: the killed leader caught up (the orderer
# org's join step, run again, reports each one's height)
# shellcheck disable=SC2086
orderer_heights "$tmp/fabric3" orgorderer1 $f3
like "$heights" '^[0-9]+ $' "the killed leader caught up: the three orderers serve mychannel at one height ($heights)"
# the node's whole Kubernetes stopped and started again, its state kept
# (the test cluster's down.sh and up.sh; E2E_CLUSTER_DIR names its kit):
# every pod comes back on its own with its ledger; queries answer as
# before, through either org, an invoke moves 10 once, and make deploy
# and make status find nothing to do
if [ -f "${E2E_CLUSTER_DIR:-}/down.sh" ] && [ -f "$E2E_CLUSTER_DIR/up.sh" ]; then
	_t0=$(date +%s.%N)
	run bash "$E2E_CLUSTER_DIR/down.sh"
	_down=$rc
	run bash "$E2E_CLUSTER_DIR/up.sh"
	_t1=$(date +%s.%N)
	is "$_down:$rc" "0:0" "the node's Kubernetes stopped (down.sh) and started again (up.sh), state kept"
	[ "$rc" -eq 0 ] || diag "$out" "$err"
	# until org1's query answers again (its peer, the orderers and the
	# chaincode servers back), up to 5 minutes
	_tries=0
	while :; do
		# shellcheck disable=SC2086
		run tmake $f3 query ORG=org1
		[ "$rc" -eq 0 ] || [ "$_tries" -ge 30 ] && break
		_tries=$((_tries + 1))
		sleep 10
	done
	awk -v t0="$_t0" -v t1="$_t1" -v t2="$(date +%s.%N)" 'BEGIN {
		printf "# %-52s %6.1f s\n# %-52s %6.1f s\n", "Fabric 3.1, Raft: down.sh, up.sh", t1 - t0,
			"Fabric 3.1, Raft: then until org1 answers", t2 - t1 }' >&2
	is "$rc:$(balances)" "0:a = 70 b = 230 " "after the node's restart, org1 answers as before: a = 70"
	# shellcheck disable=SC2086
	step "Fabric 3.1, Raft: make query ORG=org2, after the restart" $f3 query ORG=org2
	is "$rc:$(balances)" "0:a = 70 b = 230 " "and org2 too"
	# shellcheck disable=SC2086
	step "Fabric 3.1, Raft: make invoke, after the restart" $f3 invoke
	is "$rc:$(last_balances)" "0:a = 60 b = 240 " "an invoke after the restart moves 10 once: a = 60"
	# shellcheck disable=SC2086
	step "Fabric 3.1, Raft: make deploy status, after the restart" $f3 WAIT=1 deploy status
	is "$rc:$(printf '%s\n' "$out" | grep -c -E 'APPLY|^(absent|drifted) ')" "0:0" \
		"make deploy sends nothing and make status finds nothing absent or drifted"
	_a0=60
else
	skip 5 "E2E_CLUSTER_DIR names no test cluster's kit (down.sh, up.sh) to stop and start the node with"
	_a0=70
fi
# the soak: clients on this host (one per peer, Fabric's Gateway client)
# send transfers for E2E_SOAK_SECONDS (default 120) while a peer, an
# orderer and a chaincode server are killed in turn every 15 s (bench/soak);
# the ledger holds exactly the transfers the clients saw committed
if [ -d "$tmp/appdeps/node_modules" ]; then
	_t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	run env SOAK_SECONDS="${E2E_SOAK_SECONDS:-120}" SOAK_FAULT_EVERY=15 BINDIR="$BINDIR" APPS_DIR="$tmp/appdeps" \
		"$TOP/bench/soak" $TOOL_MAKEFLAGS $f3
	awk -v t0="$_t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "# %-52s %6.1f s\n", "Fabric 3.1, Raft: bench/soak", t1 - t0 }' >&2
	printf '%s\n' "$out" | sed 's/^/#   /' >&2
	[ "$rc" -eq 0 ] || diag "$err"
	is "$rc:$(printf '%s\n' "$out" | sed -n 's/^result: //p')" "0:ok" \
		"soak: transfers in parallel under faults: none lost, none doubled"
	like "$out" "^faults injected: [0-9]+ chaincode-server, [0-9]+ orderer, [0-9]+ peer$" \
		"soak: peers, orderers and chaincode servers were killed"
	_n=$(printf '%s\n' "$out" | sed -n 's/^transfers committed: \([0-9]*\) .*/\1/p')
	ok "$([ "${_n:-0}" -gt 0 ]; echo $?)" "soak: transfers committed meanwhile (${_n:-none})"
	like "$out" "^before: a=$_a0 b=$((300 - _a0))$" "soak: it started from the balances make left"
	_a=$((_a0 - 10 * ${_n:-0}))
	# shellcheck disable=SC2086
	step "Fabric 3.1, Raft: make query ORG=org2, after the soak" $f3 query ORG=org2
	is "$rc:$(balances)" "0:a = $_a b = $((300 - _a)) " "make query after the soak: a = $_a0 - 10 x $_n"
	# shellcheck disable=SC2086
	step "Fabric 3.1, Raft: make deploy, after the soak" $f3 WAIT=1 deploy
	is "$rc:$(printf '%s\n' "$out" | grep -c 'APPLY')" "0:0" "make deploy after the soak sends nothing"
else
	skip 6 "npm could not install tests/apps (Fabric's client libraries) for the soak"
fi
# shellcheck disable=SC2086
step "Fabric 3.1, Raft: make clean-cluster" $f3 clean-cluster
is "$rc:$(ours)" "0:" "Fabric 3.1, Raft: clean-cluster leaves no object of ours"

BT=$FIXTURES/fabric-3.1/test-network-bft
bft="BUILD=$tmp/bft FABRIC_VERSION=3.1 CONFIGTX=$BT/configtx/configtx.yaml CHANNEL_PROFILE=ChannelUsingBFT"
bft_cc="$BT/organizations/cryptogen/crypto-config-orderer.yaml $BT/organizations/cryptogen/crypto-config-org1.yaml"
bft_cc="$bft_cc $BT/organizations/cryptogen/crypto-config-org2.yaml"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: make deploy channel chaincode invoke" $bft CRYPTO_CONFIG="$bft_cc" WAIT=1 \
	deploy channel chaincode invoke
is "$rc:$(last_balances)" "0:a = 90 b = 210 " "Fabric 3.1, test-network's BFT files: a = 90, b = 210"
like "$out" "JOB     example.com/ch-mychannel" "BFT: the four orderers joined the channel through their admin endpoints"
# one of the four down (its Deployment scaled to 0): SmartBFT goes on with three
O4=$tmp/bft/manifests/example.com/orderer4.yaml
sed 's/^  replicas: 1$/  replicas: 0/' "$O4" >"$tmp/orderer4-down.yaml"
run "$BINDIR/kapply" apply -q -f "$tmp/orderer4-down.yaml"
run "$BINDIR/kapply" wait -q --timeout 2m -f "$tmp/orderer4-down.yaml"
run "$BINDIR/kapply" get -f "$tmp/orderer4-down.yaml"
like "$out" "Deployment/orderer4.*0/0 available" "BFT: orderer4 is down"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: invoke, orderer4 down" $bft CRYPTO_CONFIG="$bft_cc" invoke
is "$rc:$(balances)" "0:a = 80 b = 220 " "BFT: with one orderer of four down, an invoke commits: a = 80"
# back again, it catches up (once the channel moves on: SmartBFT syncs a
# follower that sees it is behind): every orderer at one height
run "$BINDIR/kapply" apply -q -f "$O4"
run "$BINDIR/kapply" wait -q --timeout 2m -f "$O4"
is "$rc" 0 "BFT: orderer4 is back"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: invoke, orderer4 back" $bft CRYPTO_CONFIG="$bft_cc" invoke
is "$rc:$(balances)" "0:a = 70 b = 230 " "BFT: the next invoke commits: a = 70"
# shellcheck disable=SC2086
orderer_heights "$tmp/bft" example.com $bft CRYPTO_CONFIG="$bft_cc"
like "$heights" '^[0-9]+ $' "BFT: orderer4 caught up: the four orderers serve mychannel at one height ($heights)"
# a fifth orderer: in crypto-config and the consenters, deployed, joined as
# a follower, made a consenter by one update; then it leaves again, kept
# until the update took it out; and a batch size change
mkdir -p "$tmp/bft5/configtx"
# (orderer4's spec ends the file)
{ cat "$BT/organizations/cryptogen/crypto-config-orderer.yaml"
  printf '%s\n' "      - Hostname: orderer5" "        SANS:" "          - localhost"; } >"$tmp/bft5/crypto-config-orderer.yaml"
awk '{ print }
	/^      - orderer4.example.com:7058$/ { print "      - orderer5.example.com:7060" }
	/ServerTLSCert: .*orderer4.example.com\/tls\/server.crt$/ {
		d = "../organizations/ordererOrganizations/example.com/orderers/orderer5.example.com"
		print "        - ID: 5"; print "          Host: orderer5.example.com"; print "          Port: 7060"
		print "          MSPID: OrdererMSP"; print "          Identity: " d "/msp/signcerts/orderer5.example.com-cert.pem"
		print "          ClientTLSCert: " d "/tls/server.crt"; print "          ServerTLSCert: " d "/tls/server.crt" }' \
	"$BT/configtx/configtx.yaml" >"$tmp/bft5/configtx/configtx.yaml"
grep -q 'ID: 5' "$tmp/bft5/configtx/configtx.yaml" && grep -q 7060 "$tmp/bft5/configtx/configtx.yaml" ||
	{ echo "Bail out! cannot add orderer5 to the BFT configtx.yaml"; exit 1; }
bft5_cc="$tmp/bft5/crypto-config-orderer.yaml ${bft_cc#* }"
bft5="BUILD=$tmp/bft FABRIC_VERSION=3.1 CONFIGTX=$tmp/bft5/configtx/configtx.yaml CHANNEL_PROFILE=ChannelUsingBFT"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: orderer5 added: deploy channel" $bft5 CRYPTO_CONFIG="$bft5_cc" WAIT=1 deploy channel
is "$rc" 0 "BFT: orderer5 in both files: deploy, channel"
like "$out" "add consenter orderer5.example-com:7050 \\(ID 5\\)" "BFT: make channel adds it to the consenters"
like "$out" "quorum: 4 of 5 signatures \\(was 3 of 4\\)" "BFT: and raises the BlockValidation quorum with it"
is "$(channel_jobs)" "org1.example.com/ch-mychannel-config example.com/ch-mychannel-submit " \
	"BFT: one update, which the orderer org submits"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: invoke, five consenters" $bft5 CRYPTO_CONFIG="$bft5_cc" invoke
is "$rc:$(balances)" "0:a = 60 b = 240 " "BFT: the five order an invoke: a = 60"
cp "$tmp/bft/manifests/example.com/orderer5.yaml" "$tmp/orderer5.yaml"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: orderer5 removed: deploy channel" $bft CRYPTO_CONFIG="$bft_cc" WAIT=1 deploy channel
is "$rc" 0 "BFT: orderer5 out of both files: deploy, channel"
like "$out" "example.com keeps orderer5 for now" "BFT: deploy keeps it while it is a consenter"
like "$out" "remove consenter orderer5.example-com:7050 \\(ID 5\\)" "BFT: make channel takes it out"
run "$BINDIR/kapply" get -f "$tmp/orderer5.yaml"
is "$(printf '%s\n' "$out" | cut -f2 | sort -u | tr '\n' ' ')" "absent " "BFT: then orderer5 is pruned"
sed 's/MaxMessageCount: 10$/MaxMessageCount: 20/' "$BT/configtx/configtx.yaml" >"$tmp/bft5/configtx/batch.yaml"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: MaxMessageCount 20: channel" $bft CONFIGTX="$tmp/bft5/configtx/batch.yaml" CRYPTO_CONFIG="$bft_cc" channel
is "$rc" 0 "BFT: MaxMessageCount 10 -> 20: make channel"
like "$out" "change /Channel/Orderer/BatchSize" "BFT: a batch size change reaches the channel"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: invoke, four again" $bft CONFIGTX="$tmp/bft5/configtx/batch.yaml" CRYPTO_CONFIG="$bft_cc" invoke
is "$rc:$(balances)" "0:a = 50 b = 250 " "BFT: the four order an invoke: a = 50"
# shellcheck disable=SC2086
step "Fabric 3.1, BFT: make clean-cluster" $bft CRYPTO_CONFIG="$bft_cc" clean-cluster
is "$rc:$(ours)" "0:" "Fabric 3.1, BFT: clean-cluster leaves no object of ours"

done_testing
