#!/bin/sh
# NetworkPolicies (NETWORK_POLICY=1): the rendered policies decide a table
# of flows of the sample network, each allowed or refused as Fabric needs
# it and no more (tests/check-netpol.py applies NetworkPolicy's rules).
# The test cluster's network plugin does not enforce policies; the
# end-to-end test shows that the cluster takes them and the network runs.
. "$TOP/tests/lib.sh"

need_pyyaml
cd "$tmp" || exit 1

# what every build must say, whatever its options
common='
allow org2/peer0 org1/peer0 7051        # gossip across orgs
allow org1/peer1 org1/peer0 7051        # gossip within the org
allow org2/job org1/peer0 7051          # endorsement for another org'"'"'s step
allow org1/cli org1/peer0 7051
allow org1/peer0 orgorderer1/orderer0 7050      # deliver
allow org2/job orgorderer1/orderer0 7050        # broadcast
allow orgorderer1/orderer1 orgorderer1/orderer0 7050    # the Raft cluster
allow orgorderer1/job orgorderer1/orderer0 7053 # osnadmin, the org'"'"'s own Job
deny org1/job orgorderer1/orderer0 7053
deny org1/peer0 orgorderer1/orderer0 7053
deny org1/cli orgorderer1/orderer0 7053
allow org1/job org1/peer0 9443          # operations: from the namespace
deny org2/peer0 org1/peer0 9443
deny org2/job orgorderer1/orderer0 8443
allow org1/job org1/ca 7054             # the CA: from the namespace
deny org2/job org1/ca 7054
deny org1/peer0 orgorderer1/ca 7054
allow org1/peer0 org1-cc/abstore 9999   # the chaincode: its org'"'"'s peers
deny org2/peer0 org1-cc/abstore 9999
deny org1/job org1-cc/abstore 9999
deny org1/peer0 org1-cc/abstore 8080
deny stranger/pod org1/peer0 7051       # a pod of no namespace of ours
deny stranger/pod orgorderer1/orderer0 7050
deny stranger/pod org1-cc/abstore 9999
deny org2/peer0 org1/cli 7051           # the CLI takes nothing
deny org1/peer0 org1/job 7051           # nor do Jobs
deny org1/peer0 org1/peer0 7052         # no chaincode port for pods
deny outside org1/cli 7051
deny outside org1-cc/abstore 9999
'

flows() { # flows NAME EXTRA-FLOWS make-args...: render, then decide the table
	name=$1 extra=$2
	shift 2
	run tmake BUILD="$tmp/$name" "$@" all jobs
	is "$rc" 0 "$name: make renders"
	printf '%s\n%s\n' "$common" "$extra" >"$tmp/$name.flows"
	run "$PY" "$TOP/tests/check-netpol.py" "$tmp/$name" <"$tmp/$name.flows"
	is "$rc" 0 "$name: every flow as it should be"
	[ "$rc" -eq 0 ] && diag "$out" | tail -1
	[ "$rc" -ne 0 ] && diag "$out" "$err"
}

flows clusterip '
deny outside org1/peer0 7051            # nothing from outside with ClusterIP
deny outside orgorderer1/orderer0 7050
deny outside org1/peer0 7052'
flows nodeport '
allow outside org1/peer0 7051
allow outside orgorderer1/orderer0 7050
allow outside org1/ca 7054' SERVICE_TYPE=NodePort EXTERNAL_HOST=nodes.example.test
flows docker '
allow outside org1/peer0 7052           # chaincode containers of the node'"'"'s Docker
deny outside org1/peer0 7051' CHAINCODE=docker FABRIC_VERSION=2.2
is "$(ls "$tmp/clusterip/manifests/org1" | grep -c netpol)" 1 "ClusterIP: no policy lets anything in from outside"

# the table can fail: without the policies every flow is let in
run tmake BUILD="$tmp/none" NETWORK_POLICY=0 all jobs
printf '%s\n' "$common" >"$tmp/none.flows"
run "$PY" "$TOP/tests/check-netpol.py" "$tmp/none" <"$tmp/none.flows"
is "$rc" 1 "NETWORK_POLICY=0: the table finds the flows that should be refused"
like "$out" "^org1/job -> orgorderer1/orderer0:7053: allow, not deny" "such as a peer org's Job at the orderers' admin endpoint"
ok "$(ls "$tmp/none/manifests/org1" | grep -c netpol)" "NETWORK_POLICY=0 renders no policy"

done_testing
