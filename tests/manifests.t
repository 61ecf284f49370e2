#!/bin/sh
# Every manifest of every template, rendered with each value of every
# deployment option, read back by an independent YAML parser (PyYAML) and
# checked: labels, namespaces, images, TLS, probes, service types and node
# ports, storage, CouchDB, the genesis Secret, that every Secret volume
# names keys its Secret has, the Pod Security rules, no secret on a command
# line or in an environment variable, and no key in a Secret not its own.  Bad option values stop make with a message.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
need_pyyaml
RAFT=$FIXTURES/fabric-2.5/two-org-raft-participation

combo() { # combo NAME make-variables...: render, then check with the same options
	name=$1
	shift
	B=$tmp/$name
	run tmake BUILD="$B" "$@" all jobs
	is "$rc" 0 "$name: make renders (the Jobs and the chaincode server too)"
	[ "$rc" -eq 0 ] || { diag "$err"; return; }
	set -- TLS=1 COUCHDB=0 CHAINCODE=ccaas CHANNEL_FLOW=system STORAGE=pvc SERVICE_TYPE=ClusterIP \
		FABRIC_VERSION=2.5 "$@"
	run "$PY" "$TOP/tests/check-manifests.py" "$B" $(printf '%s\n' "$@" | grep -E '^[A-Z_]+=')
	is "$rc" 0 "$name: every object checks out"
	[ "$rc" -eq 0 ] && diag "$out" | tail -1
	[ "$rc" -ne 0 ] && diag "$out" "$err"
}

combo defaults
combo notls-couchdb-nodeport TLS=0 COUCHDB=1 SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.7
configtx_14 >"$tmp/configtx-14.yaml"
combo fabric14-docker-nfs FABRIC_VERSION=1.4 CHAINCODE=docker STORAGE=nfs NFS_SERVER=nfs.example.test \
	CONFIGTX="$tmp/configtx-14.yaml"
combo fabric22-nodeport-docker FABRIC_VERSION=2.2 SERVICE_TYPE=NodePort EXTERNAL_HOST=nodes.example.test CHAINCODE=docker COUCHDB=1
combo loadbalancer-participation CHANNEL_FLOW=participation SERVICE_TYPE=LoadBalancer EXTERNAL_HOST=fabric.example.test
combo participation-nfs CHANNEL_FLOW=participation STORAGE=nfs NFS_SERVER=nfs.example.test COUCHDB=1 \
	CRYPTO_CONFIG="$RAFT/crypto-config.yaml" CONFIGTX="$RAFT/configtx.yaml" GENESIS_PROFILE=TwoOrgsApplicationGenesis
# test-network's files: dotted domains in namespaces of their own, the flow from ChannelUsingRaft
TN=$FIXTURES/fabric-2.5/test-network
TNC="$TN/organizations/cryptogen/crypto-config-orderer.yaml $TN/organizations/cryptogen/crypto-config-org1.yaml"
TNC="$TNC $TN/organizations/cryptogen/crypto-config-org2.yaml"
combo test-network CRYPTO_CONFIG="$TNC" CONFIGTX="$TN/configtx/configtx.yaml" CHANNEL_PROFILE=ChannelUsingRaft \
	CHANNEL_FLOW=participation
combo test-network-namespaces CRYPTO_CONFIG="$TNC" CONFIGTX="$TN/configtx/configtx.yaml" \
	NAMESPACES="org1.example.com=bank example.com=ordering" CHANNEL_FLOW=participation
B=$tmp/test-network-namespaces
like "$(cat "$B/manifests/org1.example.com/cli.yaml")" 'ORDERER_ADDRESS, value: "orderer.ordering:7050"' \
	"NAMESPACES: the CLI reaches the orderer in its namespace"
like "$(cat "$B/configtx.yaml")" 'Host: orderer.ordering' "NAMESPACES: and so does the consenter in the copy of configtx.yaml"

# Pod Security: the check above can fail.  The same manifests with a
# container's securityContext left out, or the CA's password on its
# command line, are refused.
run tmake BUILD="$tmp/unsafe" 'CONTAINER_SECURITY_CONTEXT={}' all jobs
run "$PY" "$TOP/tests/check-manifests.py" "$tmp/unsafe" TLS=1 COUCHDB=0 CHAINCODE=ccaas CHANNEL_FLOW=system \
	STORAGE=pvc SERVICE_TYPE=ClusterIP FABRIC_VERSION=2.5
is "$rc" 1 "a pod without its container's securityContext breaks the restricted rules"
like "$out" "^manifests/org1/peer0.yaml: Deployment/peer0: restricted: peer: allowPrivilegeEscalation is not false" \
	"a peer's, for one"
like "$out" "jobs/org1/ch-mychannel.yaml: Job/ch-mychannel: restricted: step: capabilities not all dropped" \
	"and so does a Job's"
pw=$(cat "$tmp/defaults/secrets/org1/registrar-password")
sed -i "s|command: \[sh, /scripts/ca-start.sh\]|command: [fabric-ca-server, start, -b, 'admin:$pw']|" "$tmp/defaults/manifests/org1/ca.yaml"
run "$PY" "$TOP/tests/check-manifests.py" "$tmp/defaults" TLS=1 COUCHDB=0 CHAINCODE=ccaas CHANNEL_FLOW=system \
	STORAGE=pvc SERVICE_TYPE=ClusterIP FABRIC_VERSION=2.5
is "$rc" 1 "a password on a command line is found"
like "$out" "^manifests/org1/ca.yaml: Deployment/ca: ca: a generated secret in its command or environment" \
	"in the CA's command"
# a Secret with another node's key is found out (in a copy: the build's own
# Secret stays as make made it)
cp -r "$tmp/defaults" "$tmp/stray"
"$PY" - "$tmp/stray" <<'PY'
import base64, sys, yaml
b = sys.argv[1]
p = b + "/manifests/org1/peer0-crypto.yaml"
d = yaml.safe_load(open(p))
key = open(b + "/crypto-config/peerOrganizations/org1/peers/peer1.org1/tls/server.key", "rb").read()
d["data"]["stray"] = base64.b64encode(key).decode()
yaml.safe_dump(d, open(p, "w"))
PY
run "$PY" "$TOP/tests/check-manifests.py" "$tmp/stray" TLS=1 COUCHDB=0 CHAINCODE=ccaas CHANNEL_FLOW=system \
	STORAGE=pvc SERVICE_TYPE=ClusterIP FABRIC_VERSION=2.5
like "$out" "^manifests/org1/peer0-crypto.yaml: Secret/peer0-crypto: holds peerOrganizations/org1/peers/peer1.org1/tls/server.key, which is not its own" \
	"a Secret holding another node's key is found out"

B=$tmp/fabric14-docker-nfs
like "$(cat "$B/cluster/org1/namespace.yaml")" "pod-security.kubernetes.io/enforce: privileged" \
	"CHAINCODE=docker: a peer org's namespace is privileged"
like "$(cat "$B/cluster/orgorderer1/namespace.yaml")" "pod-security.kubernetes.io/enforce: restricted" \
	"and an orderer org's stays restricted"
run tmake BUILD="$tmp/docker-says" CHAINCODE=docker vars
like "$out" "CHAINCODE=docker mounts the node's Docker socket into the peers, as root: the peer orgs' namespaces enforce the privileged Pod Security level" \
	"and make says so"
run tmake BUILD="$tmp/baseline" POD_SECURITY=baseline all
like "$(cat "$tmp/baseline/cluster/org1/namespace.yaml")" "enforce: baseline" "POD_SECURITY=baseline relaxes the namespaces"

# NodePort: the ports are those yaml2vars assigned
B=$tmp/notls-couchdb-nodeport
like "$(cat "$B/manifests/org2/peer1.yaml")" 'name: grpc, port: 7051, targetPort: 7051 , nodePort: 30203' \
	"NodePort: peer1 of org2 has the second node's ports of the third org"
# external endpoints: EXTERNAL_HOST and each node's port, which the peers
# announce, the CA's certificate names and the channel's config uses
like "$(cat "$B/manifests/org2/peer1.yaml")" 'CORE_PEER_GOSSIP_EXTERNALENDPOINT, value: "10.0.0.7:30203"' \
	"NodePort: peer1 of org2 announces 10.0.0.7:30203 as its gossip endpoint"
like "$(cat "$B/manifests/org2/ca.yaml")" 'FABRIC_CA_SERVER_CSR_HOSTS, value: "ca.org2,ca,ca.org2,localhost,10.0.0.7"' \
	"NodePort: org2's CA makes its TLS certificate for the external host too"
like "$(openssl x509 -in "$B/crypto-config/peerOrganizations/org2/peers/peer1.org2/tls/server.crt" -noout -ext subjectAltName)" \
	'IP Address:10.0.0.7' "NodePort: peer1.org2's TLS certificate names 10.0.0.7"
like "$(cat "$B/configtx.yaml")" '^      - 10.0.0.7:30000$' "NodePort: the channel's orderer endpoint is the orderer's external address"
B=$tmp/loadbalancer-participation
like "$(cat "$B/manifests/org1/peer0.yaml")" 'type: LoadBalancer' "LoadBalancer: the nodes' Services are load balancers"
like "$(cat "$B/manifests/org1/peer0.yaml")" 'annotations: \{external-dns.alpha.kubernetes.io/hostname: peer0.org1.fabric.example.test\}' \
	"LoadBalancer: each named <hostname>.<namespace>.EXTERNAL_HOST for ExternalDNS"
like "$(cat "$B/manifests/org1/peer0.yaml")" 'CORE_PEER_GOSSIP_EXTERNALENDPOINT, value: "peer0.org1.fabric.example.test:7051"' \
	"LoadBalancer: which the peer announces"
like "$(openssl x509 -in "$B/crypto-config/peerOrganizations/org1/peers/peer0.org1/tls/server.crt" -noout -ext subjectAltName)" \
	'DNS:peer0.org1.fabric.example.test' "LoadBalancer: and its TLS certificate carries"
# the participation flow: no genesis Secret, the channel block in the CLI Secret
B=$tmp/participation-nfs
ok "$([ ! -e "$B/manifests/orgorderer1/genesis.yaml" ] && grep -q 'mychannel.block' "$B/manifests/org1/cli-crypto.yaml"; echo $?)" \
	"participation: the channel's genesis block goes to the CLI, not to the orderers"

# switching one option re-renders; other runs do nothing
B=$tmp/defaults
before=$(stat -c %Y.%y "$B/manifests/org1/peer0.yaml")
run tmake BUILD="$B" all
is "$(stat -c %Y.%y "$B/manifests/org1/peer0.yaml")" "$before" "a rerun with the same options renders nothing"
run tmake BUILD="$B" TLS=0 all
like "$out" 'RENDER  org1/peer0.yaml' "TLS=0 renders again"
like "$(cat "$B/manifests/org1/peer0.yaml")" 'CORE_PEER_TLS_ENABLED, value: "false"' "with TLS off"
run tmake BUILD="$B" TLS=0 -q all
is "$rc" 0 "and then it is up to date"

# option values make refuses, before it does anything (Fabric 3's refusals
# of the 3.1 sample profiles' solo, and of BFT for 2.5, among them)
SP=$FIXTURES/fabric-3.1/sample-profiles
for bad in "TLS=yes:TLS=yes is not one of: 0 1" "STORAGE=nfs:STORAGE=nfs needs NFS_SERVER" \
	"FABRIC_VERSION=4.0:FABRIC_VERSION=4.0 is not one of: 1.4 2.2 2.4 2.5 3.0 3.1" \
	"FABRIC_VERSION=3.1 TLS=0:FABRIC_VERSION=3.1 needs TLS=1: Fabric 3's orderers run with TLS only" \
	"FABRIC_VERSION=3.0 CHANNEL_FLOW=system:FABRIC_VERSION=3.0 has no system channel" \
	"FABRIC_VERSION=3.1 CHANNEL_PROFILE=TwoOrgsChannel:FABRIC_VERSION=3.1 has no system channel, and CHANNEL_PROFILE=TwoOrgsChannel is a channel creation profile .no Orderer section.: the system flow's; give a profile with an Orderer section, the channel's genesis block for the participation flow .TwoOrgsApplicationGenesis." \
	"FABRIC_VERSION=3.1 CHANNEL_PROFILE=DemoAppChannelInsecureSolo CRYPTO_CONFIG=$SP/crypto-config.yaml CONFIGTX=$SP/configtx.yaml:FABRIC_VERSION=3.1 has no solo ordering, which CHANNEL_PROFILE=DemoAppChannelInsecureSolo asks for" \
	"CHANNEL_PROFILE=DemoAppChannelSmartBft CRYPTO_CONFIG=$SP/crypto-config.yaml CONFIGTX=$SP/configtx.yaml:CHANNEL_PROFILE=DemoAppChannelSmartBft orders with BFT, which Fabric 2.5 lacks: BFT ordering needs FABRIC_VERSION=3.0 or later" \
	"SERVICE_TYPE=Ingress:SERVICE_TYPE=Ingress is not one of: ClusterIP NodePort LoadBalancer" \
	"SERVICE_TYPE=NodePort:SERVICE_TYPE=NodePort needs EXTERNAL_HOST: the DNS name or IPv4 address of the cluster's nodes" \
	"SERVICE_TYPE=LoadBalancer:SERVICE_TYPE=LoadBalancer needs EXTERNAL_HOST: the DNS zone" \
	"EXTERNAL_HOST=10.0.0.7:EXTERNAL_HOST=10.0.0.7 goes with SERVICE_TYPE=NodePort or LoadBalancer" \
	"SERVICE_TYPE=NodePort EXTERNAL_HOST=no_host:yaml2vars: -e no_host: not a host: expected a DNS name .letters, digits, '-' and '.'. or an IPv4 address" \
	"SERVICE_TYPE=LoadBalancer EXTERNAL_HOST=10.0.0.7:yaml2vars: -d 10.0.0.7: not a host: expected a DNS name" \
	"POD_SECURITY=strict:POD_SECURITY=strict is not one of: restricted baseline privileged" \
	"CHANNEL_FLOW=participation TLS=0:CHANNEL_FLOW=participation, which needs TLS=1" \
	"CHANNEL_PROFILE=TwoOrgsApplicationGenesis TLS=0:CHANNEL_PROFILE=TwoOrgsApplicationGenesis means CHANNEL_FLOW=participation, which needs TLS=1" \
	"CHANNEL_FLOW=participation FABRIC_VERSION=1.4:CHANNEL_FLOW=participation, which needs Fabric 2.3 or later, not FABRIC_VERSION=1.4" \
	"CHANNEL_PROFILE=TwoOrgsApplicationGenesis FABRIC_VERSION=1.4:CHANNEL_PROFILE=TwoOrgsApplicationGenesis means CHANNEL_FLOW=participation, which needs Fabric 2.3" \
	"CHANNEL_PROFILE=TwoOrgsApplicationGenesis CHANNEL_FLOW=system:CHANNEL_FLOW=system contradicts CHANNEL_PROFILE=TwoOrgsApplicationGenesis, which has an Orderer section" \
	"CHANNEL_PROFILE=TwoOrgsChannel CHANNEL_FLOW=participation:CHANNEL_FLOW=participation contradicts CHANNEL_PROFILE=TwoOrgsChannel, which has no Orderer section" \
	"CHANNEL_PROFILE=NoSuch:CHANNEL_PROFILE=NoSuch is not a channel profile of configtx.yaml: an application channel genesis profile .Orderer, Application.: TwoOrgsApplicationGenesis; a system channel genesis profile .Consortiums.: TwoOrgsOrdererGenesis; a channel creation profile .Application alone.: TwoOrgsChannel" \
	"GENESIS_PROFILE=TwoOrgsChannel:GENESIS_PROFILE=TwoOrgsChannel is not a system channel genesis profile"; do
	args=${bad%%:*}
	# shellcheck disable=SC2086
	run tmake BUILD="$tmp/refused" $args all
	is "$rc" 2 "make $args: refused"
	like "$err" "${bad#*:}" "make $args: says why"
	ok "$([ ! -e "$tmp/refused/crypto-config" ] && [ ! -e "$tmp/refused/manifests" ]; echo $?)" \
		"make $args: generates nothing (but the vars that say what the profiles are)"
done

done_testing
