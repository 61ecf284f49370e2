#!/bin/sh
# The abstore chaincode's logic (Node.js, the one make chaincode runs on
# Fabric 2.x): the old guide's sequence init a 100 b 200, invoke a b 10,
# query a gives 90 and b 210, and its refusals.  The peer's side of the
# shim (fabric-shim) is replaced by a stand-in that keeps the state in a
# Map and returns what success() and error() are given: the chaincode's
# code runs unchanged.  The Go chaincode for Fabric 1.4 is compiled by the
# peer; here it is only checked with gofmt when Go is installed.
. "$TOP/tests/lib.sh"

cd "$tmp" || exit 1
mkdir -p shim/node_modules/fabric-shim
cat > shim/node_modules/fabric-shim/index.js <<'JS'
module.exports = {
	success: (payload) => ({ status: 200, payload: payload ? payload.toString() : '' }),
	error: (message) => ({ status: 500, message }),
	server: () => { throw new Error('no server in tests'); },
};
JS
cat > run.js <<'JS'
const { ABStore } = require(process.argv[2]);
const cc = new ABStore();
const state = new Map();
function stub(fcn, ...params) {
	return {
		getFunctionAndParameters: () => ({ fcn, params }),
		getState: async (k) => state.has(k) ? Buffer.from(state.get(k)) : Buffer.alloc(0),
		putState: async (k, v) => { state.set(k, v.toString()); },
		deleteState: async (k) => { state.delete(k); },
	};
}
(async () => {
	for (const line of process.argv.slice(3)) {
		const [fcn, ...args] = line.split(' ');
		const r = fcn === 'Init' ? await cc.Init(stub(...args)) : await cc.Invoke(stub(fcn, ...args));
		console.log(`${line} -> ${r.status} ${r.status === 200 ? r.payload : r.message}`);
	}
})();
JS
run env NODE_PATH="$tmp/shim/node_modules" node run.js "$TOP/chaincode/abstore/node/abstore.js" \
	'init a 100 b 200' 'query a' 'query b' 'invoke a b 10' 'query a' 'query b'
is "$rc" 0 "the chaincode runs"
is "$out" "init a 100 b 200 -> 200 
query a -> 200 100
query b -> 200 200
invoke a b 10 -> 200 
query a -> 200 90
query b -> 200 210" "init a 100 b 200, invoke a b 10: a = 90, b = 210"

run env NODE_PATH="$tmp/shim/node_modules" node run.js "$TOP/chaincode/abstore/node/abstore.js" \
	'Init init x 5 y 6' 'query x' 'query nobody' 'invoke x y ten' 'init a 1' 'transfer a b 1' 'delete x' 'query x' 'Init'
is "$out" "Init init x 5 y 6 -> 200 
query x -> 200 5
query nobody -> 500 no account \"nobody\"
invoke x y ten -> 500 expected an integer amount, got \"ten\"
init a 1 -> 500 init takes: account amount account amount
transfer a b 1 -> 500 unknown function \"transfer\" (init, invoke, query, delete)
delete x -> 200 
query x -> 500 no account \"x\"
Init -> 200 " "Init with init, errors, delete, and Init without arguments"

node -e 'const p = require(process.argv[1]); if (!p.dependencies["fabric-shim"]) process.exit(1)' \
	"$TOP/chaincode/abstore/node/package.json"
ok $? "package.json depends on fabric-shim (npm installs it in the chaincode's pod)"

if command -v gofmt >/dev/null 2>&1; then
	gofmt -l "$TOP/chaincode/abstore/go" >/dev/null
	ok $? "the Go chaincode parses (gofmt)"
else
	echo "ok $((tap_n + 1)) # skip no Go installed to parse the Fabric 1.4 chaincode"
	tap_n=$((tap_n + 1))
fi

done_testing
