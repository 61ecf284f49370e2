'use strict';
// abstore: two accounts and transfers between them, the sample the old
// tool's guide used: init a 100 b 200, invoke a b 10, query a.
//
// It runs as a chaincode server (Fabric 2.x "chaincode as a service"): the
// peer dials CHAINCODE_SERVER_ADDRESS, the address in the package's
// connection.json, and CHAINCODE_ID is the installed package's ID.
const shim = require('fabric-shim');

function amount(s) {
	if (!/^-?[0-9]+$/.test(s)) {
		throw new Error(`expected an integer amount, got "${s}"`);
	}
	return parseInt(s, 10);
}

async function balance(stub, account) {
	const bytes = await stub.getState(account);
	if (!bytes || bytes.length === 0) {
		throw new Error(`no account "${account}"`);
	}
	return amount(bytes.toString());
}

const functions = {
	// init A AMOUNT B AMOUNT: open two accounts
	async init(stub, args) {
		if (args.length !== 4) {
			throw new Error('init takes: account amount account amount');
		}
		await stub.putState(args[0], Buffer.from(String(amount(args[1]))));
		await stub.putState(args[2], Buffer.from(String(amount(args[3]))));
		return '';
	},
	// invoke FROM TO AMOUNT: move AMOUNT from FROM to TO
	async invoke(stub, args) {
		if (args.length !== 3) {
			throw new Error('invoke takes: from to amount');
		}
		const n = amount(args[2]);
		const from = await balance(stub, args[0]);
		const to = await balance(stub, args[1]);
		await stub.putState(args[0], Buffer.from(String(from - n)));
		await stub.putState(args[1], Buffer.from(String(to + n)));
		return '';
	},
	// query ACCOUNT: its balance
	async query(stub, args) {
		if (args.length !== 1) {
			throw new Error('query takes: account');
		}
		return String(await balance(stub, args[0]));
	},
	// delete ACCOUNT
	async delete(stub, args) {
		if (args.length !== 1) {
			throw new Error('delete takes: account');
		}
		await stub.deleteState(args[0]);
		return '';
	},
};

class ABStore {
	// Fabric 2.x calls Init only for definitions that require it; the
	// accounts are opened by invoking "init" like any other function.
	async Init(stub) {
		const { fcn } = stub.getFunctionAndParameters();
		return fcn === 'init' ? this.Invoke(stub) : shim.success();
	}

	async Invoke(stub) {
		const { fcn, params } = stub.getFunctionAndParameters();
		const f = functions[fcn];
		if (!f) {
			return shim.error(`unknown function "${fcn}" (init, invoke, query, delete)`);
		}
		try {
			return shim.success(Buffer.from(await f(stub, params)));
		} catch (e) {
			return shim.error(e.message);
		}
	}
}

module.exports = { ABStore, functions };

if (require.main === module) {
	shim.server(new ABStore(), {
		ccid: process.env.CHAINCODE_ID,
		address: process.env.CHAINCODE_SERVER_ADDRESS || '0.0.0.0:9999',
	}).start();
}
