#!/bin/sh
# The Make graph: first build, no-op rerun, one-org change, restore, failure,
# and the goals that need no network.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
cp "$TOP/crypto-config.yaml" cc.yaml
cp "$TOP/configtx.yaml" ctx.yaml
B=$tmp/b
m() { tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/ctx.yaml" "$@"; }
stamp() { stat -c '%n %y' "$@"; }

run m
is "$rc" 0 "make: exit status 0"
like "$out" "^  VARS    $tmp/cc.yaml\$" "make: one quiet line for the step"
ok "$([ -f "$B/vars/network.mk" ] && [ -f "$B/vars/org1.vars" ] && [ -f "$B/vars/org2.vars" ] &&
	[ -f "$B/vars/orgorderer1.vars" ]; echo $?)" "make: network.mk and every org's vars"
like "$(cat "$B/vars/org1.vars")" '^MSP_ID=Org1MSP$' "make: MSP ID from CONFIGTX"
is "$(ls "$B/manifests")" "$(printf 'org1\norg2\norgorderer1')" "make: a manifest directory per org"
like "$(cat "$B/manifests/org2/namespace.yaml")" '^  name: org2$' "make: org2's namespace rendered"

run m -q
is "$rc" 0 "make -q: nothing left to do"
run m
is "$out" "make: Nothing to be done for 'all'." "second make does nothing"

before=$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/manifests/org1/namespace.yaml" \
	"$B/manifests/orgorderer1/namespace.yaml")
org2_before=$(stamp "$B/vars/org2.vars")
sed -i '/Name: Org2/,$ s/Count: 2/Count: 3/' cc.yaml
run m
is "$rc" 0 "after editing Org2: exit status 0"
is "$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/manifests/org1/namespace.yaml" \
	"$B/manifests/orgorderer1/namespace.yaml")" "$before" \
	"after editing Org2: the other orgs' vars and manifests keep their timestamps"
like "$out" "RENDER  org2/namespace.yaml" "after editing Org2: org2 is rendered again"
ok "$(printf '%s\n' "$out" | grep -Eq 'RENDER  org(1|orderer1)/'; [ $? -ne 0 ]; echo $?)" \
	"after editing Org2: no other org is rendered"
ok "$([ "$(stamp "$B/vars/org2.vars")" != "$org2_before" ]; echo $?)" "after editing Org2: org2.vars rewritten"
like "$(cat "$B/vars/network.mk")" '^org2_NODES := peer0 peer1 peer2$' "network.mk has the new peer"
run m -q
is "$rc" 0 "after editing Org2: make -q is 0 again"

# ---- test-network's shape: three crypto-config files, per-org aliases ----
TN=$FIXTURES/fabric-2.5/test-network
mkdir tn && cp "$TN"/organizations/cryptogen/*.yaml tn/
T=$tmp/tnb
tm() { tmake BUILD="$T" CRYPTO_CONFIG="$tmp/tn/crypto-config-orderer.yaml $tmp/tn/crypto-config-org1.yaml \
	$tmp/tn/crypto-config-org2.yaml" CONFIGTX="$TN/configtx/configtx.yaml" "$@"; }
run tm
is "$rc:$err" "0:" "test-network: make, with three crypto-config files"
is "$(ls "$T/manifests" | tr '\n' ' ')" "example.com org1.example.com org2.example.com " \
	"test-network: a manifest directory per org, by domain"
ok "$([ -f "$T/channel-artifacts/mychannel.block" ] && [ ! -e "$T/channel-artifacts/genesis.block" ]; echo $?)" \
	"test-network: ChannelUsingRaft's block, the participation flow, without being told"
run tm -q org1-files org1-example-com-files org1.example.com-files org2-files example-files
is "$rc" 0 "test-network: org1-files, org1-example-com-files, org1.example.com-files, org2-files: known and up to date"
run tm -n org1
like "$out" "kapply apply -q -f $T/manifests/org1.example.com/namespace.yaml" "test-network: make org1 applies org1.example.com"
tn_before=$(stamp "$T/vars/example.com.vars" "$T/vars/org1.example.com.vars" "$T/manifests/org1.example.com/peer0.yaml" \
	"$T/channel-artifacts/mychannel.block")
sed -i 's/Count: 1$/Count: 2/' tn/crypto-config-org2.yaml
run tm
is "$rc" 0 "test-network: org2's own file edited: make"
like "$out" "RENDER  org2.example.com/peer1.yaml" "test-network: org2 gets its peer1"
is "$(stamp "$T/vars/example.com.vars" "$T/vars/org1.example.com.vars" "$T/manifests/org1.example.com/peer0.yaml" \
	"$T/channel-artifacts/mychannel.block")" "$tn_before" \
	"test-network: the other orgs and the channel block are left alone"
run tm org3
is "$rc" 2 "test-network: make org3 (no such org) fails"
run tm V=1 NAMESPACES=org1.example.com=bank vars
like "$out" "yaml2vars .*-n org1.example.com=bank" "NAMESPACES reaches yaml2vars"
like "$(cat "$T/vars/org1.example.com.vars")" "^NAMESPACE=bank\$" "and gives org1.example.com its namespace"

touch "$tmp/ctx.yaml"
run m
is "$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/manifests/org1/namespace.yaml" \
	"$B/manifests/orgorderer1/namespace.yaml")" "$before" \
	"touching configtx.yaml rewrites no vars file"

rm "$B/vars/org1.vars"
run m org1-files
is "$rc" 0 "make org1-files after deleting its vars: exit status 0"
ok "$([ -f "$B/vars/org1.vars" ]; echo $?)" "make org1-files brings org1.vars back"
run m nosuchorg-files
is "$rc" 2 "make of an unknown org fails"

snap=$(snapshot "$B/vars")
sed -i 's/Domain: org1$/Domain: kube-org1/' cc.yaml
run m
is "$rc" 2 "a bad crypto-config.yaml fails make"
like "$err" "cc.yaml:[0-9]+:13: PeerOrgs\[0\]\.Domain: \"kube-org1\" maps to namespace \"kube-org1\", which an org cannot have" \
	"with yaml2vars' message"
is "$(snapshot "$B/vars")" "$snap" "and leaves every vars file as it was"
sed -i 's/Domain: kube-org1$/Domain: org1/' cc.yaml
run m
is "$rc" 0 "fixed again: make succeeds"

touch cc.yaml
run m V=1 vars
like "$out" "yaml2vars -c $tmp/ctx.yaml -w $B/configtx.yaml -m crypto-config -o $B/vars $tmp/cc.yaml" "V=1 shows the commands"

run tmake BUILD="$tmp/none" CRYPTO_CONFIG=/nonexistent help
is "$rc" 0 "make help needs no crypto-config.yaml"
like "$out" '^  CRYPTO_CONFIG ' "make help lists the variables"
ok "$([ ! -e "$tmp/none" ]; echo $?)" "make help creates nothing"

mkdir -p "$B/crypto-config" && echo keep > "$B/crypto-config/ca-key"
run m clean
is "$rc" 0 "make clean: exit status 0"
ok "$([ ! -e "$B/vars" ] && [ ! -e "$B/manifests" ] && [ -f "$B/crypto-config/ca-key" ]; echo $?)" \
	"make clean removes the vars but never crypto material"

rm -rf "$B"
run m -j4
is "$rc" 0 "make -j4 from scratch"
run m -q
is "$rc" 0 "make -q after make -j4"

done_testing
