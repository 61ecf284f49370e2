#!/bin/sh
# The Jobs of make channel and make chaincode, rendered for both channel
# flows and both Fabric versions, without a cluster: the expected steps in
# each org, checked with PyYAML (tests/check-jobs.py); every script parses
# (sh -n, bash -n) and every peer and osnadmin command line in the scripts
# a flow uses takes only flags that Fabric's own commands accept, as read
# from Fabric's source (tests/data/fabric-cli-flags.txt); the orderer join
# runs with the orderer org admin's TLS client certificate; the chaincode
# package is what Fabric expects, and its ID is its label and SHA-256.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
need_pyyaml
RAFT=$FIXTURES/fabric-2.5/two-org-raft-participation

for s in "$TOP"/entrypoints/*.sh; do
	sh -n "$s" && bash -n "$s"
	ok $? "$(basename "$s") parses (sh -n, bash -n)"
done

flow() { # flow NAME VERSION EXPECTED make-args...: render the Jobs and check them
	name=$1 version=$2 want=$3
	shift 3
	B=$tmp/$name
	run tmake BUILD="$B" "$@" jobs
	is "$rc" 0 "$name: make jobs"
	[ "$rc" -eq 0 ] || { diag "$err"; return; }
	run "$PY" "$TOP/tests/check-jobs.py" "$B"
	is "$rc" 0 "$name: every Job checks out"
	[ "$rc" -ne 0 ] && diag "$out"
	is "$(printf '%s\n' "$out" | grep -v '^PROBLEM' | tr '\n' ' ')" "$want" "$name: the steps, in each org"
	scripts=$(printf '%s\n' "$out" | grep -v '^PROBLEM' | cut -d' ' -f2 | sort -u | sed "s|^|$TOP/entrypoints/|")
	# and the command lines of the helpers they call
	scripts="$scripts $TOP/entrypoints/common.sh"
	# shellcheck disable=SC2086
	run "$PY" "$TOP/tests/check-cli-flags.py" "$TOP/tests/data/fabric-cli-flags.txt" "$version" $scripts
	is "$rc" 0 "$name: every peer/osnadmin command line takes Fabric $version's flags"
	[ "$rc" -ne 0 ] && diag "$out"
	like "$out" '^[1-9][0-9]* command lines checked$' "$name: ($(printf '%s' "$out" | tail -1))"
}

configtx_14 >"$tmp/configtx-14.yaml"
flow system 2.5 "org1/catchup-peer0 catchup.sh org1/catchup-peer1 catchup.sh org1/cc-abstore-1-approve cc-approve.sh org1/cc-abstore-1-commit cc-commit.sh org1/cc-abstore-1-init cc-init.sh org1/cc-abstore-1-install cc-install.sh org1/cc-abstore-invoke cc-invoke.sh org1/cc-abstore-query cc-query.sh org1/ch-mychannel-config channel-config.sh org1/ch-mychannel-sign channel-sign.sh org1/ch-mychannel-submit channel-update.sh org1/ch-mychannel channel.sh org2/catchup-peer0 catchup.sh org2/catchup-peer1 catchup.sh org2/cc-abstore-1-approve cc-approve.sh org2/cc-abstore-1-install cc-install.sh org2/ch-mychannel-sign channel-sign.sh org2/ch-mychannel-submit channel-update.sh org2/ch-mychannel channel.sh orgorderer1/catchup-orderer0 catchup.sh orgorderer1/ch-mychannel-sign channel-sign.sh orgorderer1/ch-mychannel-submit channel-update.sh orgorderer1/sys-remove sys-remove.sh "
flow participation 2.5 "org1/catchup-peer0 catchup.sh org1/catchup-peer1 catchup.sh org1/cc-abstore-1-approve cc-approve.sh org1/cc-abstore-1-commit cc-commit.sh org1/cc-abstore-1-init cc-init.sh org1/cc-abstore-1-install cc-install.sh org1/cc-abstore-invoke cc-invoke.sh org1/cc-abstore-query cc-query.sh org1/ch-mychannel-config channel-config.sh org1/ch-mychannel-sign channel-sign.sh org1/ch-mychannel-submit channel-update.sh org1/ch-mychannel channel.sh org2/catchup-peer0 catchup.sh org2/catchup-peer1 catchup.sh org2/cc-abstore-1-approve cc-approve.sh org2/cc-abstore-1-install cc-install.sh org2/ch-mychannel-sign channel-sign.sh org2/ch-mychannel-submit channel-update.sh org2/ch-mychannel channel.sh orgorderer1/catchup-orderer0 catchup.sh orgorderer1/ch-mychannel-sign channel-sign.sh orgorderer1/ch-mychannel-submit channel-update.sh orgorderer1/ch-mychannel orderer-join.sh orgorderer1/sys-remove sys-remove.sh " \
	CHANNEL_FLOW=participation CRYPTO_CONFIG="$RAFT/crypto-config.yaml" CONFIGTX="$RAFT/configtx.yaml" \
	GENESIS_PROFILE=TwoOrgsApplicationGenesis
flow fabric14 1.4 "org1/cc-abstore-1-install cc14-install.sh org1/cc-abstore-1-instantiate cc14-instantiate.sh org1/cc-abstore-invoke cc-invoke.sh org1/cc-abstore-query cc-query.sh org1/ch-mychannel-config channel-config.sh org1/ch-mychannel-sign channel-sign.sh org1/ch-mychannel-submit channel-update.sh org1/ch-mychannel channel.sh org2/cc-abstore-1-install cc14-install.sh org2/ch-mychannel-sign channel-sign.sh org2/ch-mychannel-submit channel-update.sh org2/ch-mychannel channel.sh orgorderer1/ch-mychannel-sign channel-sign.sh orgorderer1/ch-mychannel-submit channel-update.sh " \
	FABRIC_VERSION=1.4 CHAINCODE=docker CONFIGTX="$tmp/configtx-14.yaml"

# two orderer orgs: each one's steps go to its own orderer, trusting its
# own TLS CA (its join checks its own orderers' admin endpoints); a peer
# org's go to the first orderer org's
TWO=$TOP/tests/networks/two-orderer-orgs
run tmake BUILD="$tmp/two" CRYPTO_CONFIG="$TWO/crypto-config.yaml" CONFIGTX="$TWO/configtx.yaml" jobs
is "$rc" 0 "two orderer orgs: make jobs"
for o in ordera orderb; do
	j=$(cat "$tmp/two/jobs/$o.policy.test/ch-mychannel.yaml")
	like "$j" "ORDERER_CA, value: \"/crypto/orderer-tls/$o.policy.test.pem\"" "two orderer orgs: $o's join trusts its own TLS CA"
	like "$j" "ORDERER_ADDRESS, value: \"orderer0.$o-policy-test:7050\"" "two orderer orgs: $o's steps go to its own orderer"
	like "$j" "ORDERER_ADMINS, value: \"orderer0.$o-policy-test:7053\"" "two orderer orgs: $o joins its own orderers"
	like "$(cat "$tmp/two/jobs/$o.policy.test/ch-mychannel-submit.yaml")" "ORDERER_CA, value: \"/crypto/orderer-tls/$o.policy.test.pem\"" \
		"two orderer orgs: $o's channel updates too"
done
like "$(cat "$tmp/two/jobs/org2.policy.test/ch-mychannel.yaml")" 'ORDERER_CA, value: "/crypto/orderer-tls/ordera.policy.test.pem"' \
	"two orderer orgs: a peer org's steps trust the first orderer org's TLS CA"

# the checker itself catches a flag Fabric does not have
mkdir -p bad && cp "$TOP/entrypoints/common.sh" bad/ &&
	printf 'peer channel join -b x --channel mychannel\nosnadmin channel join -c x\n' > bad/s.sh
run "$PY" "$TOP/tests/check-cli-flags.py" "$TOP/tests/data/fabric-cli-flags.txt" 2.5 bad/s.sh
is "$out" "s.sh:1: \`peer channel join\` has no flag --channel
2 command lines checked" "the flag check fails on a flag peer does not take"
# and checks the helpers of common.sh that a script calls, only those
printf 'balances\n' > bad/q.sh
sed 's/chaincode query -C/chaincode query --nosuch -C/; s/querycommitted -C/querycommitted --nosuch -C/' \
	"$TOP/entrypoints/common.sh" > bad/common.sh
run "$PY" "$TOP/tests/check-cli-flags.py" "$TOP/tests/data/fabric-cli-flags.txt" 2.5 bad/q.sh bad/common.sh
like "$out" "^common.sh:[0-9]+: \`peer chaincode query\` has no flag --nosuch
1 command lines checked$" "the flag check covers the common.sh helper a script calls, and not the others"

# the orderer join: mutual TLS as the orderer org's Admin
B=$tmp/participation
job=$B/jobs/orgorderer1/ch-mychannel.yaml
like "$(cat "$job")" 'ORDERER_ADMINS, value: "orderer0.orgorderer1:7053"' "orderer join: the admin endpoint of each orderer"
key=$(sed -n 's/.*{key: \([^,]*\), path: "admin\/tls\/client.crt".*/\1/p' "$job")
sed -n "s/^  $key: //p" "$B/manifests/orgorderer1/cli-crypto.yaml" | base64 -d > client.crt
cmp -s client.crt "$B/crypto-config/ordererOrganizations/orgorderer1/users/Admin@orgorderer1/tls/client.crt"
ok $? "orderer join: /crypto/admin/tls/client.crt is Admin@orgorderer1's TLS client certificate"
is "$(openssl x509 -in client.crt -noout -subject -nameopt sep_multiline | sed -n 's/^ *CN=//p')" \
	"Admin@orgorderer1" "orderer join: its subject is the orderer org's Admin"
run openssl verify -CAfile "$B/crypto-config/ordererOrganizations/orgorderer1/tlsca/tlsca.orgorderer1-cert.pem" client.crt
is "$rc" 0 "orderer join: the certificate chains to the orderer org's TLS CA, which the admin endpoint trusts"
like "$(cat "$TOP/entrypoints/common.sh")" '--client-cert /crypto/admin/tls/client.crt --client-key /crypto/admin/tls/client.key' \
	"orderer join: osnadmin is given that certificate and its key (osnadmin_tls)"
is "$(grep -c '\$(osnadmin_tls "\$ORDERER_CA")' "$TOP/entrypoints/orderer-join.sh")" 2 \
	"orderer join: both its osnadmin commands take them, for the orderer org's TLS CA"

# the chaincode package (Fabric 2.x, chaincode as a service)
B=$tmp/system
P=$B/chaincode/abstore_1.0/org2
is "$(tar -tzf "$P/package.tgz" | tr '\n' ' ')" "metadata.json code.tar.gz " "package: metadata.json and code.tar.gz"
is "$(tar -xzOf "$P/package.tgz" metadata.json)" '{"type":"ccaas","label":"abstore_1.0"}' "package: type ccaas, label"
tar -xzOf "$P/package.tgz" code.tar.gz > code.tar.gz
is "$(tar -xzOf code.tar.gz connection.json)" '{"address":"abstore.org2-cc:9999","dial_timeout":"10s","tls_required":false}' \
	"package: connection.json names org2's chaincode Service, in org2-cc"
is "$(cat "$P/package.vars")" "PACKAGE_ID=abstore_1.0:$(sha256sum < "$P/package.tgz" | cut -d' ' -f1)" \
	"package ID: label and SHA-256, in package.vars for render"
like "$(cat "$B/jobs/org2/cc-server.yaml")" "CHAINCODE_ID, value: \"$(sed 's/^PACKAGE_ID=//' "$P/package.vars")\"" \
	"the chaincode server runs as that package"
cp "$P/package.tgz" first.tgz
rm -rf "$B/chaincode"
tmake BUILD="$B" jobs >/dev/null 2>&1
cmp -s first.tgz "$P/package.tgz"
ok $? "package: made again, the same bytes (so the same ID)"

# refusals
run tmake BUILD="$tmp/r" FABRIC_VERSION=1.4 chaincode
like "$err" 'Fabric 1.4 builds chaincode with Docker: make chaincode needs CHAINCODE=docker' "1.4 chaincode without Docker is refused"
run tmake BUILD="$tmp/r" CC_NAME=My_CC chaincode
like "$err" "CC_NAME=My_CC: the chaincode names a Service" "a chaincode name that cannot name a Service is refused"
ok "$([ ! -e "$tmp/r" ]; echo $?)" "and nothing is generated"
run tmake BUILD="$tmp/r" CC_ACCOUNTS=x invoke
like "$rc:$err" "^2:.*CC_ACCOUNTS=x: two accounts at least" "one account is refused: invoke moves from one to another"

# CC_ACCOUNTS: what query prints and invoke moves between
run tmake BUILD="$tmp/acct" CC_ACCOUNTS="x y" 'CC_INIT={"Args":["init","x","5","y","6"]}' jobs
like "$(cat "$tmp/acct/jobs/org1/cc-abstore-query.yaml")" '\{name: ACCOUNTS, value: "x y"\}' "CC_ACCOUNTS: the accounts the query prints"
like "$(cat "$tmp/acct/jobs/org1/cc-abstore-invoke.yaml")" 'CC_ARGS, value: .*\["invoke",\\?"x\\?",\\?"y\\?",\\?"10\\?"\]' \
	"CC_ACCOUNTS: invoke moves CC_AMOUNT from the first to the second"

# the balances of a query that had to wait: each line whole, once its value
# is known, and the wait said on a line of its own (a fake peer whose first
# query fails, as while the chaincode servers start; sleep does not wait)
mkdir -p fake
printf '%s\n' '#!/bin/sh' '[ -e "$FAKE_STATE" ] || { touch "$FAKE_STATE"; echo "Error: endorsement failure" >&2; exit 1; }' \
	'echo 80' >fake/peer
printf '#!/bin/sh\n' >fake/sleep
chmod +x fake/peer fake/sleep
run env PATH="$tmp/fake:$PATH" FAKE_STATE="$tmp/state" STEP=cc-abstore-query ACCOUNTS="a b" CHANNEL=mychannel \
	CC_NAME=abstore sh -c '. "$1" && balances' sh "$TOP/entrypoints/common.sh"
is "$rc:$out" "0:a = 80
b = 80" "a query that waited: the balances, each line whole"
like "$err" "^cc-abstore-query: attempt 1 failed, retrying in 5s$" "and the wait on a line of its own"

# a step whose reply was lost although it went through is not sent again:
# each retry asks the network first (a fake peer that does what it is
# told, records it, and answers with an error, as a timed-out client sees)
cat >fake/peer <<'FAKE'
#!/bin/sh
case $1 in lifecycle) echo "$3" ;; *) echo "$1 $2" ;; esac >>"$FAKE_STATE.calls"
case "$1 $2" in
"channel fetch") [ -e "$FAKE_STATE.created" ] && : >"$4" ;;
"channel create") touch "$FAKE_STATE.created"; echo "Error: timeout waiting for channel creation" >&2; exit 1 ;;
"channel list") cat "$FAKE_STATE.joined" 2>/dev/null ;;
"channel join") echo mychannel >"$FAKE_STATE.joined"; echo "Error: deadline exceeded" >&2; exit 1 ;;
"lifecycle chaincode")
	case $3 in
	querycommitted) [ -e "$FAKE_STATE.committed" ] && echo "Version: 1.0, Sequence: 1, Endorsement Plugin: escc" ;;
	commit) touch "$FAKE_STATE.committed"; echo "Error: timed out waiting for txid on all peers" >&2; exit 1 ;;
	esac ;;
esac
FAKE
chmod +x fake/peer
job() { # job SCRIPT ENV...: run a Job's script with the fake peer
	s=$1
	shift
	sed "s|/scripts/common.sh|$TOP/entrypoints/common.sh|" "$TOP/entrypoints/$s" >"$s"
	rm -f "$tmp/state".*
	run env PATH="$tmp/fake:$PATH" FAKE_STATE="$tmp/state" TLS_ENABLED=false CHANNEL=mychannel ORDERER_ADDRESS=o:7050 "$@" sh "$s"
	calls=$(sort "$tmp/state.calls" | uniq -c | sed 's/^ *//' | tr '\n' ',')
}
job channel.sh STEP=ch-mychannel CREATE=true PEERS=peer0:7051 ANCHORS=false MSP_ID=Org1MSP
is "$rc:$calls" "0:1 channel create,3 channel fetch,1 channel join,3 channel list," \
	"channel: a creation and a join whose replies were lost are each sent once"
job cc-commit.sh STEP=cc-abstore-1-commit CC_NAME=abstore CC_VERSION=1.0 CC_SEQUENCE=1 ENDORSERS=
is "$rc:$calls" "0:1 commit,3 querycommitted," \
	"commit: a commit whose reply was lost is sent once"

# an invoke whose wait for the commit ran out, though its transaction was
# committed: the Job finds it in the block the peer adds (a real one, as
# configtxlator decodes it, searched by the script's own jq program) and
# sends it once; with other arguments the same block does not count
INV=$FIXTURES/fabric-2.5/invoke-block
mkdir -p admin/msp/signcerts && cp "$INV/admin.pem" admin/msp/signcerts/cert.pem
cat >fake/peer <<'FAKE'
#!/bin/sh
case "$1 $2" in
"chaincode invoke") echo invoke >>"$FAKE_STATE.calls"; touch "$FAKE_STATE.sent"
	echo "Error: timed out waiting for txid on all peers" >&2; exit 1 ;;
"channel getinfo") echo "Blockchain info: {\"height\":$([ -e "$FAKE_STATE.sent" ] && echo 8 || echo 7)}" ;;
"channel fetch") [ "$3" = 7 ] && [ -e "$FAKE_STATE.sent" ] && cp "$FAKE_BLOCK" "$4" ;;
"chaincode query") echo 80 ;;
esac
FAKE
printf '#!/bin/sh\n[ "$1" = proto_decode ] && cat "$FAKE_JSON"\n' >fake/configtxlator
chmod +x fake/peer fake/configtxlator
invoke() { # invoke CC_ARGS: cc-invoke.sh with the fakes
	sed "s|/scripts/common.sh|$TOP/entrypoints/common.sh|; s|/crypto/admin/|$tmp/admin/|" \
		"$TOP/entrypoints/cc-invoke.sh" >cc-invoke.sh
	rm -f "$tmp/state".*
	run env PATH="$tmp/fake:$PATH" FAKE_STATE="$tmp/state" FAKE_BLOCK="$INV/block.pb" FAKE_JSON="$INV/block.json" \
		STEP=cc-abstore-invoke TLS_ENABLED=false CHANNEL=mychannel ORDERER_ADDRESS=o:7050 CC_NAME=abstore \
		ENDORSERS= ACCOUNTS=a CC_ARGS="$1" sh cc-invoke.sh
	calls=$(grep -c invoke "$tmp/state.calls")
}
invoke '{"Args":["invoke","a","b","10"]}'
is "$rc:$calls" "0:1" "invoke: a transaction committed though the wait ran out is sent once"
like "$out" "^cc-abstore-invoke: it was committed after all \(block 7\)$" "and the Job says where it found it"
invoke '{"Args":["invoke","a","b","20"]}'
is "$rc:$calls" "1:8" "invoke: a block with another transfer does not count: sent again, each of its eight attempts"

done_testing
