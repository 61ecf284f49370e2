#!/usr/bin/env node
// Does an org answer queries while its network is upgraded?  An
// application outside the cluster on Fabric's Gateway client evaluates
// `query a` every PERIOD ms through each of the org's peers at once, and
// the round answers when one of them does (a fresh connection each time,
// so that a peer that comes back is seen at once, not after gRPC's
// reconnect back-off).  On SIGTERM it prints
// one JSON line: how many rounds, how many answered, the longest time
// between two answered rounds (longest_gap_ms, the longest the org had no
// peer answering), and the last value.
//
// usage: probe.js TLS_CA_FILE MSP_DIR MSP_ID CHANNEL CHAINCODE PEER_ADDRESS...
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const { connect, hash, signers } = require('@hyperledger/fabric-gateway');
const msp = require('./msp');

const PERIOD = 500;

async function ask(address, tlsCa, identity, signer, channel, chaincode) {
	const client = new grpc.Client(address, grpc.credentials.createSsl(tlsCa));
	const gateway = connect({
		client, identity, signer, hash: hash.sha256,
		evaluateOptions: () => ({ deadline: Date.now() + 3000 }),
	});
	try {
		const contract = gateway.getNetwork(channel).getContract(chaincode);
		return Buffer.from(await contract.evaluateTransaction('query', 'a')).toString();
	} finally {
		gateway.close();
		client.close();
	}
}

async function main() {
	const [tlsCaFile, mspDir, mspId, channel, chaincode, ...peers] = process.argv.slice(2);
	if (!peers.length) throw new Error('usage: probe.js TLS_CA_FILE MSP_DIR MSP_ID CHANNEL CHAINCODE PEER_ADDRESS...');
	const tlsCa = fs.readFileSync(tlsCaFile);
	const identity = { mspId, credentials: Buffer.from(msp.certificate(mspDir)) };
	const signer = signers.newPrivateKeySigner(crypto.createPrivateKey(msp.privateKey(mspDir)));
	const out = { rounds: 0, answered: 0, longest_gap_ms: 0, last: null, errors: {} };
	let lastAnswer = Date.now();
	let stop = false;
	process.on('SIGTERM', () => { stop = true; });
	while (!stop) {
		const started = Date.now();
		out.rounds++;
		// every peer at once: the round answers when any of them does
		// (a peer that does not answer is not waited for: its try ends at
		// its deadline, on its own)
		const tries = peers.map((p) => ask(p, tlsCa, identity, signer, channel, chaincode));
		tries.forEach((t) => t.catch(() => {}));
		try {
			out.last = await Promise.any(tries);
			out.answered++;
			out.longest_gap_ms = Math.max(out.longest_gap_ms, Date.now() - lastAnswer);
			lastAnswer = Date.now();
		} catch (e) {
			for (const err of e.errors || [e]) {
				const why = String(err.details || err.message).slice(0, 80);
				out.errors[why] = (out.errors[why] || 0) + 1;
			}
		}
		await new Promise((r) => setTimeout(r, Math.max(0, PERIOD - (Date.now() - started))));
	}
	// a gap still open at the end counts too
	out.longest_gap_ms = Math.max(out.longest_gap_ms, Date.now() - lastAnswer);
	console.log(JSON.stringify(out));
}

main().catch((e) => {
	console.error(`probe.js: ${e.stack || e}`);
	process.exit(1);
});
