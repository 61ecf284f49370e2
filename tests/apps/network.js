#!/usr/bin/env node
// An application outside the cluster, on the older SDK (fabric-network
// 2.2) with the org's connection profile and discovery on: the SDK learns
// the channel's peers and orderers from discovery, and must reach every
// one it is told of.  With an identity enrolled from the org's CA it
// evaluates `query a`, submits `invoke a b 10` and hears the block that
// commits it through a block listener (the event whose transactions hold
// its ID).  Prints one JSON line of what it
// saw, with the peers and orderers discovery named.
//
// usage: network.js PROFILE_JSON MSP_DIR MSP_ID CHANNEL CHAINCODE
'use strict';

const fs = require('fs');
const { Gateway, Wallets } = require('fabric-network');
const msp = require('./msp');

async function main() {
	const [profile, mspDir, mspId, channel, chaincode] = process.argv.slice(2);
	if (!chaincode) throw new Error('usage: network.js PROFILE_JSON MSP_DIR MSP_ID CHANNEL CHAINCODE');
	const wallet = await Wallets.newInMemoryWallet();
	await wallet.put('app', {
		credentials: {
			certificate: msp.certificate(mspDir),
			privateKey: msp.privateKey(mspDir),
		},
		mspId,
		type: 'X.509',
	});
	const gateway = new Gateway();
	const out = {};
	try {
		await gateway.connect(JSON.parse(fs.readFileSync(profile, 'utf8')), {
			wallet,
			identity: 'app',
			discovery: { enabled: true, asLocalhost: false },
		});
		const network = await gateway.getNetwork(channel);
		const contract = network.getContract(chaincode);
		out.before = (await contract.evaluateTransaction('query', 'a')).toString();
		const tx = contract.createTransaction('invoke');
		// the block event that carries this transaction
		const heard = new Promise((resolve) => {
			network.addBlockListener(async (event) => {
				if (event.getTransactionEvents().some((t) => t.transactionId === tx.getTransactionId()))
					resolve(Number(event.blockNumber));
			});
		});
		await tx.submit('a', 'b', '10');
		out.txid = tx.getTransactionId();
		out.block_event = await Promise.race([heard, new Promise((r) => setTimeout(() => r(null), 30000))]);
		out.after = (await contract.evaluateTransaction('query', 'a')).toString();
		// what discovery handed out: every peer and orderer the SDK knows of now
		const ch = network.getChannel();
		out.peers = ch.getEndorsers().map((e) => e.endpoint && e.endpoint.url).filter(Boolean).sort();
		out.orderers = ch.getCommitters().map((c) => c.endpoint && c.endpoint.url).filter(Boolean).sort();
	} finally {
		gateway.disconnect();
	}
	console.log(JSON.stringify(out));
}

main().catch((e) => {
	console.error(`network.js: ${e.stack || e}`);
	process.exit(1);
});
