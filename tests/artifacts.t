#!/bin/sh
# make artifacts: the channel artifacts of the sample network, made by the
# Make graph from configtx.yaml and the MSPs that mspgen writes.
. "$TOP/tests/lib.sh"

if [ ! -x "$BINDIR/mspgen" ]; then
	echo "1..0 # SKIP needs mspgen (the MSPs the artifacts embed), not built on this branch"
	exit 0
fi
if ! node -e 'require("fabric-protos")' 2>/dev/null; then
	echo "1..0 # SKIP the npm decoders are missing: run through make check"
	exit 0
fi
get() { node "$TOP/tests/node/get.js" "$@"; }
B=$tmp/build
A=$B/channel-artifacts
mk() { tmake BUILD="$B" CRYPTO_CONFIG="$TOP/crypto-config.yaml" CONFIGTX="$tmp/configtx.yaml" "$@"; }
cp "$TOP/configtx.yaml" "$tmp/configtx.yaml"

run mk artifacts
is "$rc" 0 "make artifacts"
for f in genesis.block mychannel.tx Org1MSPanchors.tx Org2MSPanchors.tx; do
	ok "$(test -s "$A/$f"; echo $?)" "  $f written"
done
node "$TOP/tests/node/decode.js" block "$A/genesis.block" >"$tmp/g.json"
G=data/data/0/payload/data/config/channel_group/groups/Consortiums/groups/SampleConsortium/groups/Org1MSP
is "$(get "$tmp/g.json" $G/values/MSP/value/config/root_certs/0)" \
	"\"$(base64 -w0 "$B"/crypto-config/peerOrganizations/org1/msp/cacerts/*)\"" \
	"  the genesis block embeds the CA certificate mspgen made for org1"
is "$(get "$tmp/g.json" data/data/0/payload/header/channel_header/channel_id)" '"syschannel"' "  of channel syschannel"

before=$(snapshot "$A")
run mk artifacts
is "$(snapshot "$A")" "$before" "a second make changes nothing"
unlike() { if printf '%s\n' "$1" | grep -q TXGEN; then ok 1 "$2"; else ok 0 "$2"; fi; }
unlike "$out" "  and runs no txgen"

sleep 1
echo "# touched" >>"$tmp/configtx.yaml"
run mk artifacts
like "$out" "TXGEN +.*genesis.block" "an edited configtx.yaml regenerates the artifacts"

before=$(snapshot "$A")
sed 's/Rule: "OR(.Org1MSP.admin.)"/Rule: "OR(Org1MSP.admin)"/' "$TOP/configtx.yaml" >"$tmp/configtx.yaml"
run mk artifacts
ok "$(test "$rc" -ne 0; echo $?)" "a bad policy rule fails the build"
like "$err" "configtx.yaml:[0-9]+:[0-9]+: .*Admins.Rule: invalid Signature rule" "  naming the file, line and rule"
is "$(snapshot "$A")" "$before" "  and leaves the artifacts as they were"

done_testing
