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
like "$(cat "$B/cluster/org2/namespace.yaml")" '^  name: org2$' "make: org2's namespace rendered"

run m -q
is "$rc" 0 "make -q: nothing left to do"
run m
is "$out" "make: Nothing to be done for 'all'." "second make does nothing"

before=$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/cluster/org1/namespace.yaml" \
	"$B/cluster/orgorderer1/namespace.yaml")
org2_before=$(stamp "$B/vars/org2.vars")
sed -i '/Name: Org2/,$ s/Count: 2/Count: 3/' cc.yaml
run m
is "$rc" 0 "after editing Org2: exit status 0"
is "$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/cluster/org1/namespace.yaml" \
	"$B/cluster/orgorderer1/namespace.yaml")" "$before" \
	"after editing Org2: the other orgs' vars and manifests keep their timestamps"
like "$out" "RENDER  cluster/org2/namespace.yaml" "after editing Org2: org2 is rendered again"
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
like "$out" "kapply apply -q -f $T/cluster/org1.example.com/namespace.yaml" "test-network: make org1 applies org1.example.com"
tn_before=$(stamp "$T/vars/example.com.vars" "$T/vars/org1.example.com.vars" "$T/manifests/org1.example.com/peer0.yaml" \
	"$T/channel-artifacts/mychannel.block")
sed -i 's/Count: 1$/Count: 2/' tn/crypto-config-org2.yaml
run tm
is "$rc" 0 "test-network: org2's own file edited: make"
like "$out" "RENDER  org2.example.com/peer1.yaml" "test-network: org2 gets its peer1"
is "$(stamp "$T/vars/example.com.vars" "$T/vars/org1.example.com.vars" "$T/manifests/org1.example.com/peer0.yaml" \
	"$T/channel-artifacts/mychannel.block")" "$tn_before" \
	"test-network: the other orgs and the channel block are left alone"
# the same files in another order are another network.mk (the orgs are
# listed in file order): a recorded command is compared whole, not as a
# set of words
run tmake BUILD="$T" CRYPTO_CONFIG="$tmp/tn/crypto-config-org2.yaml $tmp/tn/crypto-config-org1.yaml \
	$tmp/tn/crypto-config-orderer.yaml" CONFIGTX="$TN/configtx/configtx.yaml" vars
is "$rc" 0 "test-network: the three files in another order"
like "$(cat "$T/vars/network.mk")" '^PEER_ORGS := org2.example.com org1.example.com$' \
	"network.mk is made again: org2 is listed first now"
run tm vars
like "$(cat "$T/vars/network.mk")" '^PEER_ORGS := org1.example.com org2.example.com$' "and back in the first order"
run tm org3
is "$rc" 2 "test-network: make org3 (no such org) fails"
run tm V=1 NAMESPACES=org1.example.com=bank vars
like "$out" "yaml2vars .*-n org1.example.com=bank" "NAMESPACES reaches yaml2vars"
like "$(cat "$T/vars/org1.example.com.vars")" "^NAMESPACE=bank\$" "and gives org1.example.com its namespace"

touch "$tmp/ctx.yaml"
run m
is "$(stamp "$B/vars/org1.vars" "$B/vars/orgorderer1.vars" "$B/cluster/org1/namespace.yaml" \
	"$B/cluster/orgorderer1/namespace.yaml")" "$before" \
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
network_before=$(stamp "$B/vars/network.mk")
run m -n
like "$out" "^make: the vars are older than $tmp/cc.yaml or $tmp/ctx.yaml, or were made with other options: make would first make them again \\(yaml2vars\\)" \
	"make -n after an edit of crypto-config.yaml: says the vars come first"
is "$(stamp "$B/vars/network.mk")" "$network_before" "and remakes nothing"
run m -n
like "$out" "^make: the vars are older" "and says it again"
run m V=1 vars
like "$out" "yaml2vars -c $tmp/ctx.yaml -w $B/configtx.yaml -x $B/vars/configtx.lacks -m crypto-config -r 'all tools .*' -o $B/vars $tmp/cc.yaml" \
	"V=1 shows the commands"

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

# ---- what a step's redoing depends on (rules/defs.mk) ----
# Everything a tree holds that a step makes: name, mtime and content.
data_state() { (cd "$B" && find vars crypto-config channel-artifacts manifests configtx.yaml -type f \
	-printf '%p %T@ ' -exec sha256sum {} \; | sort); }
run m
before=$(data_state)

# tools of a tree of its own (a relink must not touch the tools other tests run)
own=$tmp/own
mkdir -p "$own" && cp -a "$(dirname "$BINDIR")/bin" "$(dirname "$BINDIR")/obj" "$own/" 2>/dev/null ||
	cp -a "$BINDIR" "$own/bin"
mo() { m BINDIR="$own/bin" OBJDIR="$own/obj" "$@"; }
run mo
run mo -W lib/base/base64.c
like "$out" "LD      $own/bin/txgen" "a touched lib/base/base64.c relinks the tools"
ok "$(printf '%s\n' "$out" | grep -Ec '^  (MSP|TXGEN|RENDER|SECRET|CONFIG|VARS) ')" \
	"and runs no data step"
is "$(data_state)" "$before" "keys, artifacts, vars and manifests: the same bytes, the same timestamps"
run mo -n CFLAGS=-O0 tools
like "$out" "-O0 .*-c -o $own/obj/lib/base/base64.o lib/base/base64.c" "a CFLAGS change compiles again"
run mo -q tools
is "$rc" 0 "and the same CFLAGS do not"

keys() { (cd "$B/crypto-config" && find . -name priv_sk -exec sha256sum {} \; | sort); }
k=$(keys) a=$(cd "$B/channel-artifacts" && stat -c '%n %Y' * && sha256sum *)
run m clean
run m
is "$rc" 0 "make clean, then make"
is "$(keys)" "$k" "make clean && make: the same keys"
is "$(cd "$B/channel-artifacts" && stat -c '%n %Y' * && sha256sum *)" "$a" \
	"make clean && make: the artifacts untouched (no new genesis block)"

# a manifest made from another org's values (the orderers' address in a
# peer org's CLI) is made again when they change: its command is recorded
run m NAMESPACES=orgorderer1=ordering
like "$out" "RENDER  org1/cli.yaml" "another namespace for the orderer org renders org1's CLI again"
like "$(cat "$B/manifests/org1/cli.yaml")" 'ORDERER_ADDRESS, value: "orderer0.ordering:7050"' "with the orderer's new address"
run m NAMESPACES=orgorderer1=ordering -q
is "$rc" 0 "and then it is up to date"
run m
like "$out" "RENDER  org1/cli.yaml" "and back"

# a Secret's manifest and its .vars are one mksecret run's two outputs
rm "$B/manifests/org1/peer0-crypto.vars"
run m
ok "$([ "$rc" -eq 0 ] && [ -f "$B/manifests/org1/peer0-crypto.vars" ]; echo $?)" "a deleted .vars of a pair is made again"
rm "$B/manifests/org1/cli-crypto.yaml"
run m
ok "$([ "$rc" -eq 0 ] && [ -f "$B/manifests/org1/cli-crypto.yaml" ]; echo $?)" "and so is a deleted manifest of a pair"
run m -q
is "$rc" 0 "and then all is up to date"

# a dry run writes nothing, whatever it is asked
touch "$tmp/mark"
for args in "TLS=0" "SYS_CHANNEL=other" "NAMESPACES=org1=team1" "CRYPTO_CONFIG=$tmp/cc-new.yaml"; do
	cp cc.yaml cc-new.yaml
	run m -n $args
	is "$(find "$B" -newer "$tmp/mark" | head -3)" "" "make -n $args writes nothing"
done
run m SYS_CHANNEL=other
like "$out" "TXGEN   $B/channel-artifacts/genesis.block" "a new SYS_CHANNEL makes the genesis block again"
like "$(txgen -inspectBlock "$B/channel-artifacts/genesis.block")" '"channel_id": "other"' "for the new channel ID"
run m SYS_CHANNEL=other -q
is "$rc" 0 "and then it is up to date"
run m GENESIS_PROFILE=NoSuchProfile
is "$rc" 2 "a GENESIS_PROFILE configtx.yaml does not have: an error"
like "$err" "GENESIS_PROFILE=NoSuchProfile is not a system channel genesis profile of $tmp/ctx.yaml" "which says so"

# what a tool does, as make tells it: a digest of its sources (here one
# that differs from the recorded one, as an edited lib/ file would give)
run m 'SOURCE_SUMS=lib/base/util.c:1:1'
like "$out" "TXGEN   $B/channel-artifacts/genesis.block" "an edited library makes the artifacts again"
like "$out" "RENDER  org1/peer0.yaml" "and renders the manifests again"
run m 'SOURCE_SUMS=lib/base/util.c:1:1' -q
is "$rc" 0 "and then it is up to date"

# a domain make would take for one of its goals
sed 's/Domain: org2$/Domain: artifacts/' cc.yaml >goal.yaml
run tmake BUILD="$tmp/goal" CRYPTO_CONFIG="$tmp/goal.yaml" CONFIGTX="$tmp/ctx.yaml"
is "$rc" 2 "Domain: artifacts is refused"
like "$err" 'goal.yaml:[0-9]+:13: PeerOrgs\[1\]\.Domain: "artifacts" is a make goal of this project' "naming it"
ok "$([ ! -e "$tmp/goal/vars" ] && [ ! -e "$tmp/goal/manifests" ]; echo $?)" "before anything is made"
# GOALS (GNUmakefile) is every goal make knows but the per-org ones
goals=$(m -pq 2>/dev/null | sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | grep -v '^\$' | sort -u)
listed=$(m -s --eval 'print-goals: ; @echo $(GOALS)' print-goals | tr ' ' '\n')
missing=$(for g in $goals; do
	case $g in org1* | org2* | orgorderer1*) continue ;; esac
	printf '%s\n' "$listed" | grep -qx -- "$g" || echo "$g"
done)
is "$missing" "" "GOALS names every goal (what a domain must not be)"

# a CONFIGTX that is not there, in a build that has the copy of another
run tmake BUILD="$B" CRYPTO_CONFIG="$tmp/cc.yaml" CONFIGTX="$tmp/no-such-configtx.yaml"
like "$rc:$err" "^2:make: CONFIGTX=$tmp/no-such-configtx.yaml: no such file" "a missing CONFIGTX is named, not a txgen usage error"
# make -s prints nothing, as Kbuild's does (the step lines are for make
# without it); make alone names each step
run tmake -s BUILD="$tmp/silent" all
is "$rc:$out:$err" "0::" "make -s: everything made, nothing printed"
rm -rf "$tmp/silent/manifests/org1"
run tmake BUILD="$tmp/silent" all
like "$out" "^  RENDER  org1/peer0.yaml$" "make without -s names the steps"

# The nodes' ports are written once, in templates/constants.vars: no template,
# rule, script or source says a port number itself (couchdb's user ID,
# 5984, is not a port)
ports=$(sed -n 's/^[A-Z_]*=\([0-9]*\)$/\1/p' "$TOP/templates/constants.vars" | sort -u | paste -sd'|')
is "$(cd "$TOP" && grep -rnwE "$ports" templates rules GNUmakefile include lib tools --exclude=constants.vars |
	grep -v 'runAsUser: 5984')" "" "every port is written in templates/constants.vars alone"
# so are the managed-by label's value and the operators' ServiceAccount
is "$(cd "$TOP" && grep -rnE 'managed-by[=:] *fabric-k8s|fabric-k8s-operator' templates rules GNUmakefile include lib tools \
	--exclude=constants.vars | grep -v ':[0-9]*: *#')" "" "the managed-by value and the operator account are written there alone"
is "$(grep -h 'managed-by' "$TOP"/templates/*.yaml | grep -vc 'managed-by: \$MANAGED_BY' )" 1 \
	"every template's managed-by label takes its value from there (one comment aside)"
run tmake BUILD="$tmp/port" MANAGED_BY=other
like "$rc:$err" "^2:.*MANAGED_BY=other: the nodes' ports and labels are not variables" "the label's value on the command line is refused"
run tmake BUILD="$tmp/port" PEER_PORT=7151
like "$rc:$err" "^2:.*PEER_PORT=7151: the nodes' ports and labels are not variables; they are fixed in templates/constants.vars" \
	"a port on the command line is refused (the templates would not see it)"
done_testing
