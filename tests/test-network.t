#!/bin/sh
# mspgen and txgen as drop-ins for cryptogen and configtxgen 2.5 on files in
# the shape of fabric-samples' test-network, run with test-network's own
# commands (from its directory, the three crypto-config-*.yaml into one
# organizations/ tree, configtx/ reaching it as ../organizations):
#   - mspgen's tree against cryptogen 2.5's (fixtures/fabric-2.5/test-network):
#     names and modes, every certificate's profile, subject and SANs,
#     openssl verify, keys, CA copies, config.yaml byte for byte;
#   - txgen's mychannel.block (profile ChannelUsingRaft) against
#     configtxgen 2.5's, decoded by tests/node/decode.js, on cryptogen's
#     recorded tree and on mspgen's own;
#   - with the real tools at hand (FABRIC_BIN, or the Fabric 2.5 archive
#     beside this tree), the same comparisons against a live run of them;
#   - a configtx.yaml whose MSPDir names a missing directory.
. "$TOP/tests/lib.sh"

umask 022       # the fixtures were made with umask 022
TN=$FIXTURES/fabric-2.5/test-network
C=data/data/0/payload/data/config/channel_group
decode() { node "$TOP/tests/node/decode.js" "$@"; }
get() { node "$TOP/tests/node/get.js" "$@"; }
# What changes on every run: time, nonce, transaction id, and the data hash over them.
norm() { sed -E 's/"(timestamp|tx_id|nonce|data_hash)": ("[^"]*"|null)/"\1": "X"/' "$1"; }
# Certificates (base64 of PEM, which starts "-----"), for trees of other keys.
mask() { sed -E 's/"LS0tLS1[A-Za-z0-9+\/=]*"/"PEM"/g'; }
b64() { base64 -w0 "$1"; }
# same_json A B DESCRIPTION: two files of JSON are equal (a diff when not)
same_json() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff "$1" "$2" | cut -c1-160 | head -20 | sed 's/^/# /'
	fi
}
have_node=false
node -e 'require("fabric-protos")' 2>/dev/null && have_node=true
nonode="the npm decoders are missing: run through make check"
# the real tools, if the environment names them (before the cd below)
FB=
[ -n "${FABRIC_BIN:-}" ] && FB=$(cd "$FABRIC_BIN" 2>/dev/null && pwd)

cd "$tmp" || exit 1

# ---- helpers on crypto trees (restore, verify_all, keys_match, copies_ok: tests/msp-lib.sh) ----

. "$TOP/tests/msp-lib.sh"

# crypto_only ORGANIZATIONS DEST: the two trees cryptogen writes, without
# the inputs that test-network keeps beside them (organizations/cryptogen)
crypto_only() {
	mkdir -p "$2" && cp -a "$1/ordererOrganizations" "$1/peerOrganizations" "$2/"
}

# names_as REF CAND: every certificate of REF is in CAND under the same
# name, with the same subject, issuer and subject alternative names
names_as() {
	bad=0 n=0
	for c in $(cd "$1" && find . -name '*.pem' -o -name '*.crt'); do
		n=$((n + 1))
		a=$(openssl x509 -in "$1/$c" -noout -subject -issuer -ext subjectAltName 2>&1)
		b=$(openssl x509 -in "$2/$c" -noout -subject -issuer -ext subjectAltName 2>&1)
		[ "$a" = "$b" ] || { bad=1; diag "names differ: $c" "$a" "$b"; }
	done
	[ "$n" -gt 0 ] || bad=1
	return $bad
}

# tree_of DIR: the names and modes of the trees cryptogen writes under DIR
# (an organizations/ directory), as facts/organizations-tree.txt lists them
tree_of() {
	(cd "$1/.." && find organizations/ordererOrganizations organizations/peerOrganizations \
		-printf '%M %p\n' | sort -k2)
}
facts_tree() { awk '{ print $1, $4 }' "$TN/facts/organizations-tree.txt" | sort -k2; }

# compare REF CAND DESCRIPTION: compare-crypto.sh finds the same trees
compare() {
	run bash "$FIXTURES/tools/compare-crypto.sh" "$1" "$2"
	is "$rc" 0 "$3"
	[ "$rc" -eq 0 ] || diag "$out"
}

# crypto_gen TOOL DIR: test-network's three cryptogen commands (network.sh),
# run by TOOL in DIR, each file in turn into the one organizations/ tree;
# $gen_rc, $gen_out and $gen_err collect the three runs
crypto_gen() {
	gen_rc= gen_out= gen_err=
	for f in orderer org1 org2; do
		run sh -c 'cd "$1" && shift && exec "$@"' _ "$2" "$1" generate \
			--config="./organizations/cryptogen/crypto-config-$f.yaml" --output=organizations
		gen_rc="$gen_rc$rc " gen_out="$gen_out[$out]" gen_err="$gen_err$err"
	done
}

# a test-network/ of test-network's inputs: DIR gets organizations/cryptogen
# and configtx/ from the fixture
inputs() {
	mkdir -p "$1/organizations" &&
		cp -r "$TN/organizations/cryptogen" "$1/organizations/" &&
		cp -r "$TN/configtx" "$1/"
}

# ---- mspgen with test-network's commands, against cryptogen 2.5's tree ----
inputs ours
crypto_gen mspgen ours
is "$gen_rc" "0 0 0 " "mspgen: test-network's three generate commands exit 0"
is "$gen_out" "[][org1.example.com][org2.example.com]" \
	"mspgen: stdout names each peer org by its domain, as cryptogen 2.5 (nothing for the orderer org)"
is "$gen_err" "" "mspgen: nothing on stderr"
is "$(tree_of ours/organizations)" "$(facts_tree)" \
	"mspgen: names and modes equal the listing of cryptogen 2.5's run (empty admincerts/, keys 0600)"
restore "$TN/organizations" ref && rm -rf ref/cryptogen
crypto_only ours/organizations cand
compare ref cand "mspgen: compare-crypto.sh finds cryptogen's tree, modes and certificate profiles"
names_as ref cand
ok $? "mspgen: every certificate has cryptogen's name, subject, issuer and SANs (dotted domains)"
bad=0
for f in ordererOrganizations/example.com/ca/ca.example.com-cert.pem \
	ordererOrganizations/example.com/tlsca/tlsca.example.com-cert.pem \
	ordererOrganizations/example.com/msp/tlscacerts/tlsca.example.com-cert.pem \
	ordererOrganizations/example.com/orderers/orderer.example.com/msp/signcerts/orderer.example.com-cert.pem \
	ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt \
	ordererOrganizations/example.com/users/Admin@example.com/msp/signcerts/Admin@example.com-cert.pem \
	peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem \
	peerOrganizations/org1.example.com/users/Admin@org1.example.com/msp/signcerts/Admin@org1.example.com-cert.pem \
	peerOrganizations/org1.example.com/users/User1@org1.example.com/tls/client.crt \
	peerOrganizations/org2.example.com/tlsca/tlsca.org2.example.com-cert.pem \
	peerOrganizations/org2.example.com/peers/peer0.org2.example.com/tls/server.key; do
	[ -f "cand/$f" ] || { bad=1; diag "missing: $f"; }
done
ok $bad "mspgen: the files test-network's scripts use are where cryptogen puts them"
is "$(openssl x509 -in cand/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/tls/server.crt \
	-noout -ext subjectAltName | sed -n 2p | sed 's/^ *//')" "DNS:peer0.org1.example.com, DNS:peer0, DNS:localhost" \
	"mspgen: peer0's TLS certificate names peer0.org1.example.com, peer0 and the SANS entry localhost"
is "$(openssl x509 -in cand/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt \
	-noout -ext subjectAltName | sed -n 2p | sed 's/^ *//')" "DNS:orderer.example.com, DNS:orderer, DNS:localhost" \
	"mspgen: the orderer's TLS certificate names orderer.example.com, orderer and localhost"
verify_all cand
ok $? "mspgen: every certificate verifies against its CA (openssl verify)"
keys_match cand
ok $? "mspgen: every private key belongs to its certificate (openssl pkey)"
copies_ok cand
ok $? "mspgen: cacerts, tlscacerts and tls/ca.crt are copies of the CAs"
bad=0 n=0
for f in $(cd ref && find . -name config.yaml); do
	n=$((n + 1))
	cmp -s "ref/$f" "cand/$f" || { bad=1; diag "differs: $f"; }
done
ok $((bad + (n == 0))) "mspgen: every config.yaml is byte for byte cryptogen's ($n files)"
# Run again on its own output, cryptogen 2.5 exits 0 having replaced each
# org's CAs and kept the nodes the old CAs signed; mspgen refuses an org
# that exists (README: extend adds, --force replaces). test-network's
# network.sh removes both trees before it generates, so it never sees this.
crypto_gen mspgen ours
is "$gen_rc" "1 1 1 " "mspgen: generate again into the same tree is refused, org by org"
like "$gen_err" "^mspgen: 'organizations/ordererOrganizations/example.com' exists: use extend .*mspgen: 'organizations/peerOrganizations/org1.example.com' exists: .*mspgen: 'organizations/peerOrganizations/org2.example.com' exists: " \
	"  naming each org's directory and the way out"
crypto_only ours/organizations again
run diff -r cand again
is "$rc" 0 "  and changing no key or certificate"

# ---- txgen on cryptogen's recorded tree, against configtxgen 2.5 ----
# the fixture's own block, first: the decoder and txgen's inspection
# agree with configtxlator on it
if $have_node; then
	decode block "$TN/channel-artifacts/mychannel.block" >fix.json
	cmp -s fix.json "$TN/json/mychannel.block.json"
	ok $? "node decoder matches configtxlator on configtxgen's mychannel.block"
	txgen -inspectBlock "$TN/channel-artifacts/mychannel.block" >fix-insp.json
	cmp -s fix-insp.json "$TN/json/mychannel.block.json"
	ok $? "txgen -inspectBlock matches configtxlator on it byte for byte"
else
	skip 2 "$nonode"
fi

# test-network/ with cryptogen's recorded tree in organizations/
inputs rec
cp -r "$TN/organizations/ordererOrganizations" "$TN/organizations/peerOrganizations" rec/organizations/
run sh -c 'cd rec && exec txgen -configPath configtx -profile ChannelUsingRaft \
	-outputBlock channel-artifacts/mychannel.block -channelID mychannel'
is "$rc:$err" "0:" "txgen: test-network's configtxgen command (-configPath configtx) succeeds"
blk=rec/channel-artifacts/mychannel.block
is "$(stat -c %a $blk 2>/dev/null)" 640 "txgen: mychannel.block has mode 0640, as configtxgen 2.5's"
is "$(stat -c %s $blk 2>/dev/null)" "$(stat -c %s "$TN/channel-artifacts/mychannel.block")" \
	"txgen: mychannel.block has the size of configtxgen's"
norm "$TN/json/mychannel.block.json" >want.json
if $have_node; then
	decode block $blk >rec.json
	norm rec.json >got.json
	same_json got.json want.json "txgen: mychannel.block decodes like configtxgen's (except time, nonce, tx id, data hash)"
	txgen -inspectBlock $blk >rec-insp.json
	cmp -s rec-insp.json rec.json
	ok $? "txgen: -inspectBlock of it equals the independent decoding"
else
	skip 2 "$nonode"
fi
# createChannel.sh's way: FABRIC_CFG_PATH names configtx/, no -configPath
run sh -c 'cd rec && FABRIC_CFG_PATH=$PWD/configtx exec txgen -profile ChannelUsingRaft \
	-outputBlock channel-artifacts/env.block -channelID mychannel'
is "$rc:$err" "0:" "txgen: FABRIC_CFG_PATH=\$PWD/configtx, as test-network's createChannel.sh"
# the MSPDirs are relative to configtx.yaml's directory, not the working one
run sh -c 'cd / && exec txgen -configPath "$1/configtx" -profile ChannelUsingRaft \
	-outputBlock "$1/channel-artifacts/elsewhere.block" -channelID mychannel' _ "$tmp/rec"
is "$rc:$err" "0:" "txgen: from another working directory, the ../organizations paths still resolve"
if $have_node; then
	for b in env elsewhere; do
		decode block rec/channel-artifacts/$b.block | norm /dev/stdin >b.json
		same_json b.json want.json "  $b.block decodes like configtxgen's too"
	done
else
	skip 2 "$nonode"
fi

# ---- txgen on mspgen's own tree ----
run sh -c 'cd ours && exec txgen -configPath configtx -profile ChannelUsingRaft \
	-outputBlock channel-artifacts/mychannel.block -channelID mychannel'
is "$rc:$err" "0:" "txgen on mspgen's tree: the block is made"
O=$tmp/ours/organizations
if $have_node; then
	decode block ours/channel-artifacts/mychannel.block >ours.json
	norm ours.json | mask >got.json
	mask <want.json >want-masked.json
	same_json got.json want-masked.json "txgen on mspgen's tree: decodes like configtxgen's on cryptogen's, certificates masked"
	is "$(get ours.json $C/groups/Orderer/groups/OrdererOrg/values/MSP/value/config/name)/$(get ours.json \
		$C/groups/Application/groups/Org1MSP/values/MSP/value/config/name)/$(get ours.json \
		$C/groups/Application/groups/Org2MSP/values/MSP/value/config/name)" '"OrdererMSP"/"Org1MSP"/"Org2MSP"' \
		"  the MSP IDs OrdererMSP, Org1MSP, Org2MSP"
	crt=$(b64 "$O/ordererOrganizations/example.com/orderers/orderer.example.com/tls/server.crt")
	is "$(get ours.json $C/groups/Orderer/values/ConsensusType/value/metadata/consenters)" \
		"[{\"client_tls_cert\":\"$crt\",\"host\":\"orderer.example.com\",\"port\":7050,\"server_tls_cert\":\"$crt\"}]" \
		"  the consenter orderer.example.com:7050 with mspgen's server.crt"
	bad=0
	for o in Org1MSP:org1.example.com Org2MSP:org2.example.com; do
		id=${o%%:*} dom=${o#*:}
		m=$C/groups/Application/groups/$id/values/MSP/value/config
		[ "$(get ours.json $m/root_certs)" = "[\"$(b64 "$O/peerOrganizations/$dom/msp/cacerts/ca.$dom-cert.pem")\"]" ] &&
			[ "$(get ours.json $m/tls_root_certs)" = "[\"$(b64 "$O/peerOrganizations/$dom/msp/tlscacerts/tlsca.$dom-cert.pem")\"]" ] ||
			{ bad=1; diag "$id: not mspgen's CAs"; }
	done
	ok $bad "  the peer orgs' root and TLS root certificates are mspgen's"
	txgen -inspectBlock ours/channel-artifacts/mychannel.block >ours-insp.json
	cmp -s ours-insp.json ours.json
	ok $? "  -inspectBlock of it equals the independent decoding"
else
	skip 5 "$nonode"
fi

# ---- the real tools, live, when they are at hand ----
archive=$TOP/../shared/cluster/bin/fabric-2.5.tar.xz
if [ -z "$FB" ] && [ -f "$archive" ]; then
	mkdir -p fabric &&
		tar -xJf "$archive" -C fabric --wildcards '*bin/cryptogen' '*bin/configtxgen' '*bin/configtxlator' 2>/dev/null
	FB=$(dirname "$(find "$tmp/fabric" -name cryptogen -type f | head -1)")
fi
LIVE=14
if [ -n "$FB" ] && [ -x "$FB/cryptogen" ] && [ -x "$FB/configtxgen" ] && ! $have_node; then
	skip $LIVE "$nonode"
elif [ -n "$FB" ] && [ -x "$FB/cryptogen" ] && [ -x "$FB/configtxgen" ]; then
	v=$("$FB/cryptogen" version 2>&1 | sed -n 's/^ *Version: //p')
	diag "live: cryptogen and configtxgen $v from $FB"
	like "$v" '^v?2\.5\.' "live: the real tools are Fabric 2.5 ($v)"
	inputs live
	crypto_gen "$FB/cryptogen" live
	is "$gen_rc" "0 0 0 " "live: cryptogen runs test-network's three commands"
	mout=$gen_out
	is "$(tree_of live/organizations)" "$(facts_tree)" \
		"live: cryptogen's names and modes are the recorded listing's"
	crypto_only live/organizations live-cand
	compare live-cand cand "live: compare-crypto.sh finds mspgen's tree equal to cryptogen's"
	names_as live-cand cand
	ok $? "live: every certificate of mspgen has the names of cryptogen's"
	is "$mout" "[][org1.example.com][org2.example.com]" "live: cryptogen's stdout is what mspgen prints"
	# configtxgen and txgen on the same tree: equal but for time and nonce
	for t in live ours; do
		run sh -c 'cd "$1" && exec "$2" -configPath configtx -profile ChannelUsingRaft \
			-outputBlock channel-artifacts/real.block -channelID mychannel' _ "$t" "$FB/configtxgen"
		is "$rc" 0 "live: configtxgen on the $t tree"
	done
	run sh -c 'cd live && exec txgen -configPath configtx -profile ChannelUsingRaft \
		-outputBlock channel-artifacts/mychannel.block -channelID mychannel'
	is "$rc:$err" "0:" "live: txgen on cryptogen's live tree"
	for t in live ours; do
		decode block $t/channel-artifacts/real.block | norm /dev/stdin >real.json
		decode block $t/channel-artifacts/mychannel.block | norm /dev/stdin >txgen.json
		same_json txgen.json real.json \
			"live: on the $t tree, txgen's block decodes as configtxgen's (except time, nonce, tx id, data hash)"
	done
	is "$(stat -c %s:%a ours/channel-artifacts/mychannel.block)" "$(stat -c %s:%a ours/channel-artifacts/real.block)" \
		"live: same size and mode as configtxgen's on mspgen's tree"
	if [ -x "$FB/configtxlator" ]; then
		"$FB/configtxlator" proto_decode --type common.Block --input live/channel-artifacts/real.block >lator.json
		decode block live/channel-artifacts/real.block >node.json
		cmp -s lator.json node.json
		ok $? "live: configtxlator and the node decoder agree on configtxgen's block"
	else
		skip 1 "no configtxlator in $FB"
	fi
	mkdir -p live-bad && cp -r live/configtx live-bad/ && ln -s "$tmp/live/organizations" live-bad/organizations
	sed -i 's#peerOrganizations/org2.example.com/msp#peerOrganizations/org9.example.com/msp#' live-bad/configtx/configtx.yaml
	run sh -c 'cd live-bad && exec "$1" -configPath configtx -profile ChannelUsingRaft \
		-outputBlock channel-artifacts/mychannel.block -channelID mychannel' _ "$FB/configtxgen"
	ok $((rc == 0)) "live: configtxgen refuses a missing MSPDir too (exit $rc)"
else
	skip $LIVE "no real Fabric tools: set FABRIC_BIN to a directory with cryptogen and configtxgen"
fi

# ---- a configtx.yaml whose MSPDir names a missing directory ----
mkdir -p bad && cp -r "$TN/configtx" bad/ && ln -s "$tmp/rec/organizations" bad/organizations
sed -i 's#peerOrganizations/org2.example.com/msp#peerOrganizations/org9.example.com/msp#' bad/configtx/configtx.yaml
line=$(grep -n 'org9.example.com/msp' bad/configtx/configtx.yaml | cut -d: -f1)
run sh -c 'cd bad && exec txgen -configPath configtx -profile ChannelUsingRaft \
	-outputBlock channel-artifacts/mychannel.block -channelID mychannel'
is "$rc" 1 "missing MSPDir: exit status 1"
like "$err" "^txgen: configtx/configtx.yaml:$line:[0-9]+: Profiles\.ChannelUsingRaft\.Application\.Organizations\[1\]\.MSPDir: MSP directory [^ ]*organizations/peerOrganizations/org9\.example\.com/msp: no such directory" \
	"missing MSPDir: the message names configtx.yaml, the line of Org2's MSPDir ($line), the path through the profile and the directory"
ok "$(test ! -e bad/channel-artifacts/mychannel.block; echo $?)" "missing MSPDir: no block written"

done_testing
