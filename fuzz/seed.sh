#!/bin/sh
# fuzz/seed.sh - (re)make the seed inputs of the fuzz corpora from the
# project's real inputs: the sample network and what `make` generates from
# it, the tests' malformed inputs, and the fixtures of real Fabric output
# (FIXTURES, default tests/fixtures).  Seeds are named seed-*; the
# other files of fuzz/corpus/ are inputs the fuzzers found (kept minimised)
# and are left alone.  Run from the top of the tree: sh fuzz/seed.sh
set -eu
top=$(pwd)
FIXTURES=${FIXTURES:-$top/tests/fixtures}
[ -f fuzz/fuzz.h ] && [ -d "$FIXTURES" ] || { echo "usage: FIXTURES=DIR sh fuzz/seed.sh (from the top)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make --no-print-directory -s BUILD="$work/b" >/dev/null
b=$work/b
c=fuzz/corpus
for t in yaml cryptocfg configtx clusterconfig policy render kubeconfig inspect json manifest; do
	mkdir -p "$c/$t"
	rm -f "$c/$t"/seed-*
done
# put TARGET NAME FILE: one seed
put() { cp "$3" "$c/$1/seed-$2"; }

# --- YAML and crypto-config.yaml ---
put yaml sample-crypto-config.yaml crypto-config.yaml
put yaml sample-configtx.yaml configtx.yaml
put cryptocfg sample.yaml crypto-config.yaml
put cryptocfg rich.yaml tests/expected/rich-crypto-config.yaml
for set in fabric-2.5/original fabric-2.5/two-org-solo fabric-2.5/two-org-raft-participation fabric-1.4/original; do
	n=$(echo "$set" | tr / -)
	put yaml "$n-configtx.yaml" "$FIXTURES/$set/configtx.yaml"
	put cryptocfg "$n.yaml" "$FIXTURES/$set/crypto-config.yaml"
done
for f in tests/bad-input/crypto-config/*.yaml; do
	put cryptocfg "bad-$(basename "$f")" "$f"
done
for f in templates/*.yaml; do
	put yaml "template-$(basename "$f")" "$f"
done

# --- configtx.yaml: MSP and certificate paths point into fuzz/data ---
to_data() {
	sed -e 's|^\( *MSPDir:\).*peerOrganizations.*|\1 msp-admins|' \
	    -e 's|^\( *MSPDir:\).*|\1 msp|' \
	    -e 's#^\( *\(Client\|Server\)TLSCert:\).*#\1 tls/server.crt#' \
	    -e 's#^\( *Identity:\).*#\1 tls/server.crt#' "$1" >"$2"
}
to_data configtx.yaml "$c/configtx/seed-sample.yaml"
for set in fabric-2.5/original fabric-2.5/two-org-solo fabric-2.5/two-org-raft-participation fabric-1.4/original; do
	to_data "$FIXTURES/$set/configtx.yaml" "$c/configtx/seed-$(echo "$set" | tr / -).yaml"
done
to_data "$FIXTURES/fabric-2.5/original/configtx-channelpolicyfix.yaml" "$c/configtx/seed-channelpolicyfix.yaml"
# Fabric 3.1: BFT (SmartBFT options, consenter mappings) and the V3_0 rules
to_data "$FIXTURES/fabric-3.1/test-network-bft/configtx/configtx.yaml" "$c/configtx/seed-fabric-3.1-test-network-bft.yaml"
to_data "$FIXTURES/fabric-3.1/sample-profiles/configtx.yaml" "$c/configtx/seed-fabric-3.1-sample-profiles.yaml"
to_data "$FIXTURES/fabric-3.1/two-org-bft-participation/configtx.yaml" \
	"$c/configtx/seed-fabric-3.1-two-org-bft-participation.yaml"

# --- the cluster's copy of configtx.yaml: test-network's, the sample's, the fixtures' ---
put clusterconfig test-network.yaml "$FIXTURES/fabric-2.5/test-network/configtx/configtx.yaml"
put clusterconfig sample.yaml configtx.yaml
for set in fabric-2.5/two-org-solo fabric-2.5/two-org-raft-participation fabric-2.5/original; do
	put clusterconfig "$(echo "$set" | tr / -).yaml" "$FIXTURES/$set/configtx.yaml"
done

# --- policy rules: every Rule of the configtx files, and the language's corners ---
i=0
cat configtx.yaml "$FIXTURES"/fabric-*/*/configtx.yaml | tr -d '\r' |
	sed -n "s/^ *Rule: *[\"']\\(.*\\)[\"'] *$/\\1/p" | sort -u | while IFS= read -r rule; do
	i=$((i + 1))
	printf '%s' "$rule" >"$c/policy/seed-configtx-$i"
done
printf '%s' "OutOf(2, 'A.member', 'B.admin', OR('C.peer', AND('D.client', 'E-1.org.orderer')))" >"$c/policy/seed-nested"
printf '%s' "outof('1', \"A.member\")" >"$c/policy/seed-quoted-count"
printf '%s' "ALL Writers" >"$c/policy/seed-implicit"

# --- templates with the variables make gives them ---
vars=$work/vars
for org in orgorderer1 org1; do
	type=$(sed -n 's/^ORG_TYPE=//p' "$b/vars/$org.vars")
	cat "$b/options.vars" "$b/vars/$org.vars" >"$vars"
	for f in "$b/manifests/$org"/*-crypto.vars; do cat "$f" >>"$vars"; done
	cat >>"$vars" <<EOF
NODE=${type}0
NODE_CN=${type}0.$org
CLAIM=${type}0-data
GOSSIP_BOOTSTRAP=peer0.$org:7051
GRPC_NODEPORT=
CHAINCODE_NODEPORT=
ADMIN_NODEPORT=
OPERATIONS_NODEPORT=
CA_NODEPORT=
CA_DATA_SOURCE=persistentVolumeClaim: {claimName: ca-data}
CA_DATA_SUBPATH=
CRYPTO_SUBPATH=
DATA_SOURCE=persistentVolumeClaim: {claimName: ${type}0-data}
DATA_SUBPATH=
PEER_ADDRESS=peer0.$org:7051
ORDERER_ADDRESS=orderer0.orgorderer1:7050
ORDERER_TLSCA=orderer-tls/orgorderer1.pem
ORG_DIR=peerOrganizations
EOF
	for tpl in templates/*.yaml; do
		{ cat "$vars"; printf '%%%%\n'; cat "$tpl"; } >"$c/render/seed-$org-$(basename "$tpl")"
	done
done

# --- kubeconfigs, in the forms the kapply tests write ---
kc() { cat >"$c/kubeconfig/seed-$1"; }
kc token.yaml <<'EOF'
apiVersion: v1
kind: Config
current-context: test
contexts:
- name: test
  context: {cluster: double, user: tester, namespace: ns1}
clusters:
- name: double
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true, tls-server-name: kube.test}
users:
- name: tester
  user: {token: "0123456789abcdef0123456789abcdef"}
EOF
# stand-ins: the loader only decodes them (no key belongs in the repository)
ca=$(printf -- '-----BEGIN CERTIFICATE-----\nMIIBseed\n-----END CERTIFICATE-----\n' | base64 | tr -d '\n')
key=$(printf -- '-----BEGIN PRIVATE KEY-----\nMIGHseed\n-----END PRIVATE KEY-----\n' | base64 | tr -d '\n')
kc data.yaml <<EOF
apiVersion: v1
kind: Config
current-context: c
contexts:
- name: c
  context: {cluster: k, user: u}
- name: other
  context: {cluster: k}
clusters:
- name: k
  cluster:
    server: https://[::1]:6443/prefix/
    certificate-authority-data: $ca
    proxy-url: http://user:secret@proxy:3128
users:
- name: u
  user:
    client-certificate-data: $ca
    client-key-data: $key
EOF
kc exec.yaml <<'EOF'
apiVersion: v1
kind: Config
current-context: test
contexts:
- {name: test, context: {cluster: c, user: e}}
clusters:
- {name: c, cluster: {server: "http://localhost:8080"}}
users:
- name: e
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./plugin.sh
      args: [get-token, --cluster, c1]
      env: [{name: GREETING, value: hello}]
      interactiveMode: Never
      provideClusterInfo: true
      installHint: install it
EOF
kc basic.yaml <<'EOF'
apiVersion: v1
kind: Config
current-context: b
contexts: [{name: b, context: {cluster: c, user: alice}}]
clusters: [{name: c, cluster: {server: "https://kube.test"}}]
users: [{name: alice, user: {username: alice, password: "pa:ss"}}]
EOF
kc tokenfile.yaml <<'EOF'
current-context: t
contexts: [{name: t, context: {cluster: c, user: u}}]
clusters: [{name: c, cluster: {server: "https://kube.test", certificate-authority: ca.crt}}]
users: [{name: u, user: {tokenFile: token, client-certificate: a.crt, client-key: a.key}}]
EOF

# --- protobuf: real blocks and transactions, configtxgen's and txgen's ---
for set in fabric-2.5/original fabric-2.5/two-org-solo fabric-2.5/two-org-raft-participation fabric-1.4/original; do
	for f in "$FIXTURES/$set/channel-artifacts"/*; do
		put inspect "$(echo "$set" | tr / -)-$(basename "$f")" "$f"
	done
done
for f in "$b/channel-artifacts"/*; do
	put inspect "txgen-$(basename "$f")" "$f"
done
# Fabric 3.1's BFT blocks: consenter mappings, SmartBFT options (every one in BftCase)
put inspect fabric-3.1-test-network-bft-mychannel.block "$FIXTURES/fabric-3.1/test-network-bft/channel-artifacts/mychannel.block"
put inspect fabric-3.1-sample-profiles-DemoAppChannelBftCase.block \
	"$FIXTURES/fabric-3.1/sample-profiles/channel-artifacts/DemoAppChannelBftCase.block"
# a BFT channel's block, and one with two consenters more (the live configs of -liveConfig)
put inspect fabric-3.1-two-org-bft-participation-mychannel.block \
	"$FIXTURES/fabric-3.1/two-org-bft-participation/channel-artifacts/mychannel.block"
put inspect fabric-3.1-two-org-bft-participation-add-two-consenters.block \
	"$FIXTURES/fabric-3.1/two-org-bft-participation/updates/add-two-consenters/mychannel.block"
# pairs of raft consenter sets (ConsensusType values), live then declared,
# as the consenter steps of -liveConfig read them: a 2-byte length first
# (decoded by tests/node/decode.js: with fabric-protos, NODE_PATH as make
# check sets it, else none)
U=$FIXTURES/fabric-2.5/two-org-raft-participation/updates
ct() { node tests/node/decode.js consensustype "$1" 2>/dev/null; }
pair() { # pair NAME LIVE-BLOCK DECLARED-BLOCK
	ct "$2" >"$work/live" && ct "$3" >"$work/declared" || return 0
	n=$(wc -c <"$work/live")
	{ printf "\\$(printf '%03o' $((n / 256)))\\$(printf '%03o' $((n % 256)))"; cat "$work/live" "$work/declared"; } \
		>"$c/inspect/seed-consenters-$1"
}
base=$FIXTURES/fabric-2.5/two-org-raft-participation/channel-artifacts/mychannel.block
pair add-two "$base" "$U/add-two-consenters/mychannel.block"
pair replace "$base" "$U/replace-consenter/mychannel.block"
pair remove "$U/add-consenter/mychannel.block" "$base"
pair renew-two "$U/add-consenter/mychannel.block" "$U/renew-two/mychannel.block"

# --- JSON: the recorded API server answers, each with a status byte in front ---
n=0
for f in "$FIXTURES"/k8s-api/*.json; do
	n=$((n + 1))
	{ printf "\\$(printf '%03o' $((n % 10)))"; cat "$f"; } >"$c/json/seed-$(basename "$f")"
done

# --- manifests: what make renders, and the recorded objects ---
# (not the *-crypto.yaml Secrets: they hold private keys)
for f in "$b"/manifests/org1/*.yaml "$b"/manifests/orgorderer1/genesis.yaml; do
	case $f in *-crypto.yaml) continue ;; esac
	put manifest "$(basename "$f")" "$f"
done
for f in "$FIXTURES"/k8s-api/*.yaml; do
	put manifest "k8s-api-$(basename "$f")" "$f"
done
