#!/usr/bin/env node
// An application outside the cluster, on Fabric's Gateway client
// (@hyperledger/fabric-gateway with @grpc/grpc-js): it connects to one
// peer at its external address with an identity enrolled from the org's
// CA, evaluates `query a`, submits `invoke a b 10` (endorsed by the peers
// the gateway's discovery picks, ordered by the orderers it names), waits
// for the commit, and reads the block that holds the transaction from the
// channel's block events.  Prints one JSON line of what it saw.
//
// usage: gateway.js PEER_ADDRESS TLS_CA_FILE MSP_DIR MSP_ID CHANNEL CHAINCODE
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const { connect, hash, signers } = require('@hyperledger/fabric-gateway');
const msp = require('./msp');

async function main() {
	const [address, tlsCa, mspDir, mspId, channel, chaincode] = process.argv.slice(2);
	if (!chaincode) throw new Error('usage: gateway.js PEER_ADDRESS TLS_CA_FILE MSP_DIR MSP_ID CHANNEL CHAINCODE');
	const client = new grpc.Client(address, grpc.credentials.createSsl(fs.readFileSync(tlsCa)));
	const gateway = connect({
		client,
		identity: { mspId, credentials: Buffer.from(msp.certificate(mspDir)) },
		signer: signers.newPrivateKeySigner(crypto.createPrivateKey(msp.privateKey(mspDir))),
		hash: hash.sha256,
		evaluateOptions: () => ({ deadline: Date.now() + 30000 }),
		endorseOptions: () => ({ deadline: Date.now() + 60000 }),
		submitOptions: () => ({ deadline: Date.now() + 30000 }),
		commitStatusOptions: () => ({ deadline: Date.now() + 60000 }),
	});
	const out = {};
	try {
		const network = gateway.getNetwork(channel);
		const contract = network.getContract(chaincode);
		const decode = (b) => Buffer.from(b).toString();
		out.before = decode(await contract.evaluateTransaction('query', 'a'));
		const submitted = await contract.submitAsync('invoke', { arguments: ['a', 'b', '10'] });
		const status = await submitted.getStatus();
		out.txid = submitted.getTransactionId();
		out.committed = status.successful;
		out.block = Number(status.blockNumber);
		out.after = decode(await contract.evaluateTransaction('query', 'a'));
		// the block the transaction went into, from the channel's block events
		const events = await network.getBlockEvents({ startBlock: status.blockNumber });
		try {
			for await (const block of events) {
				out.event_block = Number(block.getHeader().getNumber());
				break;
			}
		} finally {
			events.close();
		}
	} finally {
		gateway.close();
		client.close();
	}
	console.log(JSON.stringify(out));
}

main().catch((e) => {
	console.error(`gateway.js: ${e.stack || e}`);
	if (e.details) console.error(JSON.stringify(e.details));
	process.exit(1);
});
