#!/usr/bin/env node
// Clients that send transfers (`invoke a b 10`) in parallel for a while,
// as applications on Fabric's Gateway client, while something else kills
// the network's pods (bench/soak).  One client per peer of the connection
// profiles given, each with its own connection to that peer and its org's
// identity.  A transfer is one transaction, never sent again; its fate is
// what the peer's commit status says (VALID, or the validation code that
// kept it out, an MVCC conflict most often).  When the status could not be
// read (the peer or an orderer went away meanwhile), the transaction is
// looked up by its ID in the ledger (qscc GetTransactionByID, decoded with
// fabric-protos) once the run is over and the network has settled.
//
// At the end it compares the ledger with what the clients saw: a fell by
// 10 for each committed transfer, no more and no less, and a + b did not
// change.  Prints key=value lines (bench/soak reads them), the last one
// result=ok or result=FAIL: why; exits 1 on FAIL.
//
// usage: soak.js SECONDS FAULT_LOG CHANNEL CHAINCODE PROFILE=MSP_DIR...
//   FAULT_LOG: lines "EPOCH_MS KIND TARGET", one per fault injected (read
//   at the end); SOAK_SETTLE_MS (default 10000): the wait before the lookups
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const { connect, hash, signers } = require('@hyperledger/fabric-gateway');
const { peer } = require('@hyperledger/fabric-protos');
const msp = require('./msp');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const codeName = {};
for (const [name, n] of Object.entries(peer.TxValidationCode)) codeName[n] = name;

// one client per peer of each profile, with the org's identity
function targets(specs) {
	const out = [];
	for (const spec of specs) {
		const eq = spec.indexOf('=');
		if (eq < 0) throw new Error(`${spec}: expected PROFILE=MSP_DIR`);
		const file = spec.slice(0, eq), mspDir = spec.slice(eq + 1);
		const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
		const org = profile.organizations[profile.client.organization];
		for (const name of org.peers) {
			const p = profile.peers[name];
			out.push({ name, mspId: org.mspid, mspDir, address: p.url.replace(/^grpcs:\/\//, ''), pem: p.tlsCACerts.pem });
		}
	}
	if (!out.length) throw new Error('no peer in the profiles given');
	return out;
}

function open(t) {
	// reconnect within 2 s of a peer's return (grpc's default backs off to 2 min)
	t.client = new grpc.Client(t.address, grpc.credentials.createSsl(Buffer.from(t.pem)), {
		'grpc.initial_reconnect_backoff_ms': 500,
		'grpc.max_reconnect_backoff_ms': 2000,
	});
	t.gateway = connect({
		client: t.client,
		identity: { mspId: t.mspId, credentials: Buffer.from(msp.certificate(t.mspDir)) },
		signer: signers.newPrivateKeySigner(crypto.createPrivateKey(msp.privateKey(t.mspDir))),
		hash: hash.sha256,
		evaluateOptions: () => ({ deadline: Date.now() + 10000 }),
		endorseOptions: () => ({ deadline: Date.now() + 20000 }),
		submitOptions: () => ({ deadline: Date.now() + 15000 }),
		// a status not in 10 s (a block takes about one BatchTimeout): the
		// transfer is looked up in the ledger at the end instead
		commitStatusOptions: () => ({ deadline: Date.now() + 10000 }),
	});
}

// a transfer: endorsed (not yet a transaction: a failure there sends
// nothing), submitted, its commit status read
async function transfer(contract, rec) {
	let tx;
	try {
		const proposal = contract.newProposal('invoke', { arguments: ['a', 'b', '10'] });
		tx = await proposal.endorse();
	} catch (e) {
		rec.outcome = 'refused';
		return;
	}
	rec.tx = tx.getTransactionId();
	rec.sent = Date.now();
	try {
		const submitted = await tx.submit();
		const status = await submitted.getStatus();
		rec.outcome = codeName[status.code] || String(status.code);
	} catch (e) {
		rec.outcome = 'unknown';
	}
}

async function client(i, t, until, records) {
	const contract = t.gateway.getNetwork(t.channel).getContract(t.chaincode);
	while (Date.now() < until) {
		const rec = { client: i, start: Date.now() };
		await transfer(contract, rec);
		rec.end = Date.now();
		records.push(rec);
		if (rec.outcome === 'refused' || rec.outcome === 'unknown') await sleep(1000);
	}
}

// qscc's answer for a transaction ID the ledger does not hold (a peer
// that answers it is up: no other peer is asked)
const notFound = (e) => Boolean(e.details && e.details.some((d) => /Failed to get transaction with id/.test(d.message)));

// evaluate on the first peer that answers
async function evaluate(ts, chaincode, fn, args) {
	let last;
	for (let round = 0; round < 6; round++) {
		for (const t of ts) {
			try {
				const c = t.gateway.getNetwork(t.channel).getContract(chaincode);
				return await c.evaluateTransaction(fn, ...args);
			} catch (e) {
				if (notFound(e)) throw e;
				last = e;
			}
		}
		await sleep(5000);
	}
	throw last;
}

async function lookup(ts, rec) {
	try {
		const bytes = await evaluate(ts, 'qscc', 'GetTransactionByID', [ts[0].channel, rec.tx]);
		const code = peer.ProcessedTransaction.deserializeBinary(bytes).getValidationcode();
		rec.found = codeName[code] || String(code);
	} catch (e) {
		if (notFound(e)) rec.found = 'absent';
		else rec.found = 'unresolved';
	}
}

async function balances(ts) {
	const out = {};
	for (const t of ts) {
		if (t.mspId in out) continue;
		const q = async (k) => Number(Buffer.from(await evaluate([t], t.chaincode, 'query', [k])).toString());
		out[t.mspId] = { a: await q('a'), b: await q('b') };
	}
	return out;
}

// for each fault: from the kill until every client had a transaction of
// its own, sent after the kill, through the ledger (valid or not)
function recoveries(faults, records, nclients, end) {
	return faults.map((f) => {
		let worst = 0;
		for (let c = 0; c < nclients; c++) {
			const r = records.find((x) => x.client === c && x.start >= f.t && x.outcome !== 'refused' && x.outcome !== 'unknown');
			worst = Math.max(worst, r ? r.end - f.t : end - f.t);
			if (!r) f.open = true;
		}
		f.ms = worst;
		return f;
	});
}

async function main() {
	const [seconds, faultLog, channel, chaincode, ...specs] = process.argv.slice(2);
	if (!specs.length) throw new Error('usage: soak.js SECONDS FAULT_LOG CHANNEL CHAINCODE PROFILE=MSP_DIR...');
	const ts = targets(specs);
	for (const t of ts) Object.assign(t, { channel, chaincode });
	ts.forEach(open);
	const say = (k, v) => console.log(`${k}=${v}`);
	try {
		const before = await balances(ts);
		const first = before[ts[0].mspId];
		const t0 = Date.now(), until = t0 + Number(seconds) * 1000;
		const records = [];
		await Promise.all(ts.map((t, i) => client(i, t, until, records)));
		const tEnd = Date.now();
		await sleep(Number(process.env.SOAK_SETTLE_MS || 10000));
		for (const r of records) if (r.outcome === 'unknown') await lookup(ts, r);
		const after = await balances(ts);

		const sent = records.filter((r) => r.tx);
		const valid = sent.filter((r) => r.outcome === 'VALID');
		const found = sent.filter((r) => r.outcome === 'unknown' && r.found === 'VALID');
		const tally = {};
		for (const r of sent) {
			const k = r.outcome === 'unknown' ? `unknown, then ${r.found}` : r.outcome;
			tally[k] = (tally[k] || 0) + 1;
		}
		// the longest time no transfer committed, from the start to the end
		const times = [t0, ...valid.map((r) => r.end).sort((x, y) => x - y), tEnd];
		let gap = 0;
		for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
		const faults = fs.existsSync(faultLog) ? fs.readFileSync(faultLog, 'utf8').split('\n').filter(Boolean).map((l) => {
			const [t, kind, target] = l.split(' ');
			return { t: Number(t), kind, target };
		}) : [];

		say('clients', ts.map((t) => t.name).join(','));
		say('seconds', ((tEnd - t0) / 1000).toFixed(1));
		say('sent', sent.length);
		say('refused', records.length - sent.length);
		say('committed', valid.length + found.length);
		say('committed_found_later', found.length);
		for (const [k, n] of Object.entries(tally).sort()) say(`outcome ${k}`, n);
		say('longest_gap_s', (gap / 1000).toFixed(1));
		for (const f of recoveries(faults, records, ts.length, tEnd))
			say(`fault ${f.kind} ${f.target}`, `${(f.ms / 1000).toFixed(1)}${f.open ? '+' : ''}`);
		for (const [id, v] of Object.entries(after)) say(`balances ${id}`, `a=${v.a} b=${v.b}`);
		say('before', `a=${first.a} b=${first.b}`);

		const n = valid.length + found.length;
		const why = [];
		const unresolved = sent.filter((r) => r.outcome === 'unknown' && r.found === 'unresolved').length;
		if (unresolved) why.push(`${unresolved} transactions' fate not found`);
		for (const [id, v] of Object.entries(after)) {
			if (v.a !== first.a - 10 * n) why.push(`${id}: a = ${v.a}, not ${first.a} - 10 x ${n} = ${first.a - 10 * n}`);
			if (v.a + v.b !== first.a + first.b) why.push(`${id}: a + b = ${v.a + v.b}, not ${first.a + first.b}`);
		}
		say('result', why.length ? `FAIL: ${why.join('; ')}` : 'ok');
		if (why.length) process.exitCode = 1;
	} finally {
		for (const t of ts) {
			t.gateway.close();
			t.client.close();
		}
	}
}

main().catch((e) => {
	console.error(`soak.js: ${e.stack || e}`);
	process.exit(2);
});
