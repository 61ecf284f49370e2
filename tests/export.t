#!/bin/sh
# make export: what the other orgs of a consortium get of each org, on the
# sample (node ports) and on fabric-samples' test-network files (load
# balancers, dotted domains), without a cluster:
#   - each archive lists exactly the org's MSP, an orderer org's nodes' TLS
#     and signing certificates, and org.vars (tar -tzf);
#   - no file in it holds a private key, and it has no keystore;
#   - its certificates are the build's, byte for byte (cmp);
#   - org.vars names the MSP ID that configtx.yaml declares (read with
#     PyYAML) and the external addresses that make endpoints prints, and
#     make reads it;
#   - a rerun rewrites nothing, and the same files packed again, from
#     another directory with other modes and times, give the same bytes;
#   - a private key among the staged files stops the export, named;
#     keystores, *_sk and *.key are left out;
#   - without external addresses make export is refused, writing nothing.
. "$TOP/tests/lib.sh"

need_pyyaml
cd "$tmp" || exit 1
TN=$FIXTURES/fabric-2.5/test-network
tn_cc="$TN/organizations/cryptogen/crypto-config-orderer.yaml $TN/organizations/cryptogen/crypto-config-org1.yaml"
tn_cc="$tn_cc $TN/organizations/cryptogen/crypto-config-org2.yaml"

# the sample's and test-network's builds, each with its external addresses
# (the build's own directory is each call's first argument: shift it off)
sample() { _b=$1; shift; tmake BUILD="$_b" SERVICE_TYPE=NodePort EXTERNAL_HOST=10.0.0.7 "$@"; }
tn() { _b=$1; shift; tmake BUILD="$_b" CRYPTO_CONFIG="$tn_cc" CONFIGTX="$TN/configtx/configtx.yaml" \
	SERVICE_TYPE=LoadBalancer EXTERNAL_HOST=fabric.example.net "$@"; }

# org_dir BUILD DOMAIN: the org's tree in the build's crypto-config
org_dir() {
	for _k in peerOrganizations ordererOrganizations; do
		[ -d "$1/crypto-config/$_k/$2" ] && echo "$1/crypto-config/$_k/$2"
	done
}
# unpack BUILD DEST: every archive of the build, extracted into DEST
unpack() {
	rm -rf "$2" && mkdir -p "$2" && for _a in "$1"/export/*.tar.gz; do tar -C "$2" -xzf "$_a" || return 1; done
}
# same_certs BUILD DEST: the files DEST holds but org.vars that differ
# from the build's (or that it lacks), one a line
same_certs() {
	(cd "$2" && find . -type f ! -name org.vars | sort) | while read -r f; do
		f=${f#./}
		cmp -s "$2/$f" "$(org_dir "$1" "${f%%/*}")/${f#*/}" || echo "$f"
	done
}
# declared_ids CONFIGTX: "<domain> <MSP ID>" of each org configtx.yaml declares
declared_ids() {
	"$PY" - "$1" <<'PY'
import sys, yaml
for o in yaml.safe_load(open(sys.argv[1]))["Organizations"]:
    print(o["MSPDir"].rstrip("/").split("/")[-2], o["ID"])
PY
}
# vars_ids DEST / vars_addresses DEST: what the unpacked org.vars say, read by make
vars_ids() {
	for _v in "$1"/*/org.vars; do
		printf 'include %s\nall: ; @echo $(DOMAIN) $(MSP_ID)\n' "$_v" | make -s -f - || return 1
	done | sort
}
vars_addresses() {
	for _v in "$1"/*/org.vars; do
		_n=$(sed -n 's/^NODE_COUNT=//p' "$_v") _i=0
		while [ "$_i" -lt "$_n" ]; do
			printf '%s %s\n' "$(sed -n "s/^NODE${_i}_CN=//p" "$_v")" "$(sed -n "s/^NODE${_i}_EXTERNAL=//p" "$_v")"
			_i=$((_i + 1))
		done
	done | sort
}
# endpoint_addresses: the nodes (not the CAs) in make endpoints' output $out
endpoint_addresses() {
	printf '%s\n' "$out" | sed -n 's|^  \([^ ]*\) *grpcs\{0,1\}://\(.*\)$|\1 \2|p' | sort
}
# listing ARCHIVE: its names, in its order
listing() { tar -tzf "$1"; }
# files DIR: its files (names, sizes, modes, times, contents), not the
# directory's own time, which a staging directory made and removed moves
files() { (cd "$1" && find . -type f -printf '%p %s %m %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

# ---- refused without external addresses, before anything is written ----
run tmake BUILD="$tmp/none" export
like "$rc:$err" "^2:.*make export: an export names each node's external address, at which the other orgs reach it, and the network has none \(SERVICE_TYPE=NodePort or LoadBalancer with EXTERNAL_HOST\)" \
	"make export without external addresses: refused, saying why"
ok "$([ ! -e "$tmp/none" ]; echo $?)" "and nothing written, not even the build directory"
run tmake BUILD="$tmp/none" org1-export
like "$rc:$err" "^2:.*make export: an export names each node's external address" "make org1-export too"
ok "$([ ! -e "$tmp/none/export" ]; echo $?)" "and nothing in build/export"

# ---- the sample ----
B=$tmp/b
run sample "$B" export
is "$rc" 0 "make export"
is "$(find "$B/export" -mindepth 1 ! -name '.*.tar.gz.cmd' -printf '%f\n' | sort | tr '\n' ' ')" \
	"org1.tar.gz org2.tar.gz orgorderer1.tar.gz " \
	"an archive per org, and nothing else but their records"
is "$(listing "$B/export/orgorderer1.tar.gz")" "orgorderer1/
orgorderer1/msp/
orgorderer1/msp/admincerts/
orgorderer1/msp/cacerts/
orgorderer1/msp/cacerts/ca.orgorderer1-cert.pem
orgorderer1/msp/config.yaml
orgorderer1/msp/tlscacerts/
orgorderer1/msp/tlscacerts/tlsca.orgorderer1-cert.pem
orgorderer1/orderers/
orgorderer1/orderers/orderer0.orgorderer1/
orgorderer1/orderers/orderer0.orgorderer1/msp/
orgorderer1/orderers/orderer0.orgorderer1/msp/signcerts/
orgorderer1/orderers/orderer0.orgorderer1/msp/signcerts/orderer0.orgorderer1-cert.pem
orgorderer1/orderers/orderer0.orgorderer1/tls/
orgorderer1/orderers/orderer0.orgorderer1/tls/server.crt
orgorderer1/org.vars" "the orderer org: its MSP, its orderer's TLS and signing certificates, org.vars"
is "$(listing "$B/export/org1.tar.gz")" "org1/
org1/msp/
org1/msp/admincerts/
org1/msp/cacerts/
org1/msp/cacerts/ca.org1-cert.pem
org1/msp/config.yaml
org1/msp/tlscacerts/
org1/msp/tlscacerts/tlsca.org1-cert.pem
org1/org.vars" "a peer org: its MSP and org.vars"
is "$(tar -tvzf "$B/export/org1.tar.gz" | awk '{ print $1, $2, $4, $5 }' | sort -u | tr '\n' ' ')" \
	"-rw-r--r-- 0/0 1970-01-01 00:00 drwxr-xr-x 0/0 1970-01-01 00:00 " \
	"no owner, time or mode of this machine in it"
unpack "$B" x
is "$(grep -rl 'PRIVATE KEY' x)" "" "no file of the archives holds a private key"
is "$(find x -name keystore -o -name '*_sk' -o -name '*.key')" "" "and none has a keystore or key file"
is "$(find x -type f ! -name org.vars | wc -l):$(same_certs "$B" x)" "11:" \
	"every certificate and config.yaml (11) is the build's, byte for byte"
is "$(cat x/org1/org.vars)" "# org1: who the org is and where its nodes are reached; written by make export
ORG=org1
ORG_NAME=Org1
ORG_TYPE=peer
DOMAIN=org1
MSP_ID=Org1MSP
NODES=peer0 peer1
NODE_COUNT=2
NODE0_HOSTNAME=peer0
NODE0_CN=peer0.org1
NODE0_EXTERNAL=10.0.0.7:30100
NODE1_HOSTNAME=peer1
NODE1_CN=peer1.org1
NODE1_EXTERNAL=10.0.0.7:30103" "org1's org.vars: its lines of yaml2vars' vars file, nothing of the cluster"
is "$(sed -n 's/^ORG_TYPE=//p' x/orgorderer1/org.vars)" "orderer" "orgorderer1's says it is an orderer org"
is "$(vars_ids x)" "$(declared_ids "$TOP/configtx.yaml" | sort)" "each names the MSP ID configtx.yaml declares (make reads them)"
run sample "$B" endpoints
is "$(vars_addresses x)" "$(endpoint_addresses)" "and each node at the external address make endpoints prints"
like "$(vars_addresses x)" "^peer1.org2 10.0.0.7:30203$" "peer1.org2 at its node port"

# a rerun rewrites nothing
before=$(snapshot "$B/export")
run sample "$B" export
is "$rc:$(snapshot "$B/export")" "0:$before" "a second make export rewrites nothing (paths, modes, times, contents)"
run sample "$B" -q export org1-export
is "$rc" 0 "make -q export: up to date"
# the same files packed again give the same bytes: in this build, and in a
# copy of it elsewhere whose files have other modes and times
sums=$(cd "$B/export" && sha256sum ./*.tar.gz)
rm "$B"/export/*.tar.gz
run sample "$B" export
is "$rc:$(cd "$B/export" && sha256sum ./*.tar.gz)" "0:$sums" "packed again: the same bytes"
(umask 077 && cp -R "$B" "$tmp/copy") && rm -r "$tmp/copy/export"
run sample "$tmp/copy" export
is "$rc:$(cd "$tmp/copy/export" && sha256sum ./*.tar.gz)" "0:$sums" \
	"packed from a copy of the build (mode 600, new times): the same bytes"

# a private key among what goes in stops the export, named; what is not
# written is left as it was
O1=$B/crypto-config/peerOrganizations/org1
cp "$O1/ca/priv_sk" "$O1/msp/cacerts/leak.pem"
before=$(files "$B/export")
run sample "$B" org1-export
like "$rc:$err" "^2:make: $O1/msp/cacerts/leak.pem holds a private key: $B/export/org1.tar.gz is not written" \
	"a private key in the MSP: the export stops, naming the file"
is "$(files "$B/export")" "$before" "the archive is left as it was, and nothing staged is left"
rm "$O1/msp/cacerts/leak.pem"
# keystores and key files are not taken at all
mkdir "$O1/msp/keystore" && cp "$O1/ca/priv_sk" "$O1/msp/keystore/priv_sk" && cp "$O1/ca/priv_sk" "$O1/msp/cacerts/ca.key"
run sample "$B" org1-export
like "$out" "EXPORT +$B/export/org1.tar.gz" "a keystore and a .key file added to the MSP: org1 is exported again"
is "$rc:$(cd "$B/export" && sha256sum ./org1.tar.gz)" "0:$(printf '%s\n' "$sums" | grep org1)" \
	"and they are left out: the archive is as it was"
rm -r "$O1/msp/keystore" "$O1/msp/cacerts/ca.key"

# ---- fabric-samples' test-network: dotted domains, another MSP ID, load balancers ----
T=$tmp/tn
run tn "$T" org1-export
is "$rc:$(ls "$T/export" | tr '\n' ' ')" "0:org1.example.com.tar.gz " \
	"make org1-export: org1.example.com's archive alone (the short name)"
run tn "$T" export
is "$rc:$(ls "$T/export" | tr '\n' ' ')" "0:example.com.tar.gz org1.example.com.tar.gz org2.example.com.tar.gz " \
	"make export: one per org"
like "$out" "EXPORT +$T/export/example.com.tar.gz" "the orderer org's made then"
ok "$(printf '%s\n' "$out" | grep -c 'org1.example.com.tar.gz')" "and org1's not again"
is "$(listing "$T/export/example.com.tar.gz")" "example.com/
example.com/msp/
example.com/msp/admincerts/
example.com/msp/cacerts/
example.com/msp/cacerts/ca.example.com-cert.pem
example.com/msp/config.yaml
example.com/msp/tlscacerts/
example.com/msp/tlscacerts/tlsca.example.com-cert.pem
example.com/orderers/
example.com/orderers/orderer.example.com/
example.com/orderers/orderer.example.com/msp/
example.com/orderers/orderer.example.com/msp/signcerts/
example.com/orderers/orderer.example.com/msp/signcerts/orderer.example.com-cert.pem
example.com/orderers/orderer.example.com/tls/
example.com/orderers/orderer.example.com/tls/server.crt
example.com/org.vars" "example.com: its MSP, orderer.example.com's certificates in crypto-config's layout, org.vars"
is "$(listing "$T/export/org2.example.com.tar.gz")" "org2.example.com/
org2.example.com/msp/
org2.example.com/msp/admincerts/
org2.example.com/msp/cacerts/
org2.example.com/msp/cacerts/ca.org2.example.com-cert.pem
org2.example.com/msp/config.yaml
org2.example.com/msp/tlscacerts/
org2.example.com/msp/tlscacerts/tlsca.org2.example.com-cert.pem
org2.example.com/org.vars" "org2.example.com: its MSP and org.vars"
unpack "$T" y
is "$(grep -rl 'PRIVATE KEY' y)" "" "test-network: no file holds a private key"
is "$(find y -name keystore -o -name '*_sk' -o -name '*.key')" "" "and none has a keystore or key file"
is "$(find y -type f ! -name org.vars | wc -l):$(same_certs "$T" y)" "11:" "its certificates are the build's, byte for byte"
is "$(vars_ids y)" "example.com OrdererMSP
org1.example.com Org1MSP
org2.example.com Org2MSP" "org.vars: OrdererMSP, as configtx.yaml declares it (not the Name's OrdererOrgMSP)"
is "$(vars_ids y)" "$(declared_ids "$TN/configtx/configtx.yaml" | sort)" "which PyYAML reads there too"
run tn "$T" endpoints
is "$(vars_addresses y)" "$(endpoint_addresses)" "the nodes at the addresses make endpoints prints"
like "$(vars_addresses y)" "^orderer.example.com orderer.example-com.fabric.example.net:7050$" \
	"the orderer at its load balancer's name"
before=$(snapshot "$T/export")
run tn "$T" export example-export org2.example.com-export
is "$rc:$(snapshot "$T/export")" "0:$before" "a rerun, by domain and short names: nothing rewritten"
done_testing
