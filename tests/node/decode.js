// decode.js block|envelope|configupdate|ordererorg FILE [3] - print a Fabric message as JSON
// (consensustype FILE: the raw ConsensusType value of a config block)
// the way Fabric's configtxlator (protolator) prints it: 2.x's, or with
// the argument 3, 3.x's (which prints an empty bytes field as "" rather
// than null).
//
// An independent decoder for the tests: it walks the messages with the
// classes that the npm package fabric-protos generates from Fabric's .proto
// files, and renders them with configtxlator's rules (proto field names,
// every field shown, 64-bit integers as strings, bytes as base64 and empty
// singular bytes as null, enums by name, keys sorted, tab indentation, the
// nested messages of payloads, headers, config groups, values and policies
// decoded in place).  The test suite checks it against configtxlator's own
// output in the fixtures before trusting it with txgen's.
'use strict';

const fs = require('fs');
const path = require('path');
const protobuf = require('protobufjs');

// The .proto files that ship with fabric-protos, loaded with their field names as written.
const base = path.dirname(require.resolve('fabric-protos/package.json'));
const P = new protobuf.Root();
P.resolvePath = (origin, target) => {
	for (const dir of ['protos', 'google-protos', '.']) {
		const p = path.join(base, dir, target);
		if (fs.existsSync(p)) return p;
	}
	return target;
};
P.loadSync(['common/common.proto', 'common/configtx.proto', 'common/configuration.proto',
	'common/policies.proto', 'msp/msp_config.proto', 'msp/msp_principal.proto', 'msp/identities.proto',
	'orderer/configuration.proto', 'orderer/etcdraft/configuration.proto', 'peer/configuration.proto'],
{ keepCase: true });
P.resolveAll();
const type = (name) => P.lookupType(name);

// Fabric 3's messages, which fabric-protos 2.2 lacks (common.Orderers,
// common.Consenter, orderer.smartbft.Options), from the npm package
// @hyperledger/fabric-protos.  It ships classes that google-protobuf's
// code generator wrote, no .proto files: each field's number, type and
// name are read from the class's generated serializer (and an enum's type
// from its deserializer), and made into a protobufjs type of a root of
// their own.
const F3 = require('@hyperledger/fabric-protos');
const R3 = new protobuf.Root();
const WIRE = { Uint64: 'uint64', Uint32: 'uint32', Int32: 'int32', Int64: 'int64', String: 'string',
	Bool: 'bool', Bytes: 'bytes' };
const snake = (camel) => camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const classOf = (dotted) => dotted.split('.').reduce((o, k) => o[k], F3);

function fabric3Type(fullName) {
	const found = R3.lookup(fullName);
	if (found) return found;
	const cls = classOf(fullName);
	const dot = fullName.lastIndexOf('.');
	const t = new protobuf.Type(fullName.slice(dot + 1));
	R3.define(fullName.slice(0, dot)).add(t);
	const enums = {};
	const de = /case (\d+):\s*var value = \/\*\* @type \{!proto\.([\w.]+)\} \*\/ \(reader\.readEnum\(\)\)/g;
	for (const m of cls.deserializeBinaryFromReader.toString().matchAll(de)) enums[m[1]] = m[2];
	const re = /f = message\.get(\w+?)(?:_asU8)?\(\);[^]*?writer\.write(Repeated)?(\w+)\(\s*(\d+),\s*f(?:,\s*proto\.([\w.]+)\.serializeBinaryToWriter)?/g;
	for (const m of cls.serializeBinaryToWriter.toString().matchAll(re)) {
		const [, getter, repeated, wire, num, msg] = m;
		const name = snake(repeated ? getter.replace(/List$/, '') : getter);
		let ftype = WIRE[wire];
		if (wire === 'Message') ftype = fabric3Type(msg).fullName;
		if (wire === 'Enum') {
			const e = classOf(enums[num]);
			const et = new protobuf.Enum(enums[num].split('.').pop(), e);
			t.add(et);
			ftype = et.name;
		}
		if (!ftype) throw new Error(`${fullName}: field ${num} is written by writer.write${wire}`);
		t.add(new protobuf.Field(name, Number(num), ftype, repeated ? 'repeated' : undefined));
	}
	if (!t.fieldsArray.length) throw new Error(`${fullName}: no fields found in its generated code`);
	return t;
}
const F3T = { Orderers: fabric3Type('common.Orderers'), SmartBFTOptions: fabric3Type('orderer.smartbft.Options') };
R3.resolveAll();

const T = {
	Block: type('common.Block'), Envelope: type('common.Envelope'), Payload: type('common.Payload'),
	ChannelHeader: type('common.ChannelHeader'), SignatureHeader: type('common.SignatureHeader'),
	ConfigEnvelope: type('common.ConfigEnvelope'), ConfigUpdateEnvelope: type('common.ConfigUpdateEnvelope'),
	ConfigUpdate: type('common.ConfigUpdate'), ConfigGroup: type('common.ConfigGroup'), Config: type('common.Config'),
	SignaturePolicyEnvelope: type('common.SignaturePolicyEnvelope'),
	ImplicitMetaPolicy: type('common.ImplicitMetaPolicy'), MSPRole: type('common.MSPRole'),
	OrganizationUnit: type('common.OrganizationUnit'), SerializedIdentity: type('msp.SerializedIdentity'),
	FabricMSPConfig: type('msp.FabricMSPConfig'), RaftMetadata: type('etcdraft.ConfigMetadata'),
};

// Which message an opaque bytes field holds: [type name][field] -> function(parentMsg, ctx).
const opaque = {
	'common.BlockData': { data: () => T.Envelope },
	'common.Envelope': { payload: () => T.Payload },
	'common.Header': { channel_header: () => T.ChannelHeader, signature_header: () => T.SignatureHeader },
	'common.ChannelHeader': {
		extension: (m) => {
			if (m.extension && m.extension.length) throw new Error('a channel header extension');
			return null;
		},
	},
	'common.SignatureHeader': { creator: () => T.SerializedIdentity },
	'common.Payload': {
		data: (m) => {
			const ch = T.ChannelHeader.decode(m.header.channel_header);
			switch (ch.type) {
			case 1: return T.ConfigEnvelope;
			case 2: return T.ConfigUpdateEnvelope;
			case 4: return T.Envelope;
			default: throw new Error('payload type ' + ch.type);
			}
		},
	},
	'common.ConfigUpdateEnvelope': { config_update: () => T.ConfigUpdate },
	'common.ConfigSignature': { signature_header: () => T.SignatureHeader },
	'common.ConfigValue': { value: (m, ctx) => valueType(ctx) },
	'common.Policy': {
		value: (m) => {
			if (m.type === 1) return T.SignaturePolicyEnvelope;
			if (m.type === 3) return T.ImplicitMetaPolicy;
			throw new Error('policy type ' + m.type);
		},
	},
	'common.MSPPrincipal': {
		principal: (m) => [T.MSPRole, T.OrganizationUnit, T.SerializedIdentity][m.principal_classification],
	},
	'msp.MSPConfig': { config: () => T.FabricMSPConfig },
	'orderer.ConsensusType': {
		metadata: (m) => ({ etcdraft: T.RaftMetadata, BFT: F3T.SmartBFTOptions }[m.type] || null),
	},
};

const valueTypes = {
	channel: { HashingAlgorithm: 'common.HashingAlgorithm', BlockDataHashingStructure: 'common.BlockDataHashingStructure',
		OrdererAddresses: 'common.OrdererAddresses', Consortium: 'common.Consortium', Capabilities: 'common.Capabilities' },
	orderer: { ConsensusType: 'orderer.ConsensusType', BatchSize: 'orderer.BatchSize', BatchTimeout: 'orderer.BatchTimeout',
		KafkaBrokers: 'orderer.KafkaBrokers', ChannelRestrictions: 'orderer.ChannelRestrictions',
		Capabilities: 'common.Capabilities', Orderers: F3T.Orderers },
	ordererorg: { MSP: 'msp.MSPConfig', Endpoints: 'common.OrdererAddresses' },
	application: { Capabilities: 'common.Capabilities', ACLs: 'protos.ACLs' },
	apporg: { MSP: 'msp.MSPConfig', AnchorPeers: 'protos.AnchorPeers' },
	consortium: { ChannelCreationPolicy: 'common.Policy' },
	consortiumorg: { MSP: 'msp.MSPConfig' },
};

function lookup(name) {
	return typeof name === 'string' ? type(name) : name;
}

function valueType(ctx) {
	const t = (valueTypes[ctx.kind] || {})[ctx.key];
	if (!t) throw new Error(`unknown ${ctx.kind} value ${ctx.key}`);
	return lookup(t);
}

function subKind(kind, key) {
	if (kind === 'channel') {
		const k = { Orderer: 'orderer', Application: 'application', Consortiums: 'consortiums' }[key];
		if (!k) throw new Error('unknown channel sub-group ' + key);
		return k;
	}
	const k = { orderer: 'ordererorg', application: 'apporg', consortiums: 'consortium', consortium: 'consortiumorg' }[kind];
	if (!k) throw new Error(`${kind} groups have no sub-groups`);
	return k;
}

const is64 = (t) => ['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(t);

function scalar(field, v, repeated) {
	if (field.resolvedType && field.resolvedType.valuesById) {
		const name = field.resolvedType.valuesById[v];
		return name === undefined ? v : name;
	}
	if (field.type === 'bytes') {
		if (!repeated && (!v || v.length === 0)) return FABRIC3 ? '' : null;
		return Buffer.from(v || []).toString('base64');
	}
	if (is64(field.type)) return String(v === null || v === undefined ? 0 : v);
	return v;
}

function timestamp(m) {
	const secs = Number(String(m.seconds || 0));
	const d = new Date(secs * 1000).toISOString().replace('.000Z', '');
	let frac = '';
	if (m.nanos) {
		let s = String(m.nanos).padStart(9, '0');
		while (s.length > 3 && s.endsWith('000')) s = s.slice(0, -3);
		frac = '.' + s;
	}
	return d + frac + 'Z';
}

function decodeOpaque(type, bytes, ctx) {
	if (!bytes || bytes.length === 0) return null;
	if (type === null) return {};            // google.protobuf.Empty
	return tree(type, type.decode(bytes), ctx);
}

function tree(type, msg, ctx) {
	const out = {};
	const hooks = opaque[type.fullName.replace(/^\./, '')] || {};
	const isGroup = type === T.ConfigGroup;
	for (const field of type.fieldsArray) {
		field.resolve();
		const name = field.name;
		const v = msg[name];
		if (field.partOf && msg[field.partOf.name] !== name)
			continue;
		if (hooks[name] && field.repeated) {
			const t = hooks[name](msg, ctx);
			out[name] = (v || []).map((x) => tree(t, t.decode(x), ctx));
		} else if (hooks[name]) {
			const t = hooks[name](msg, ctx);
			out[name] = decodeOpaque(t, v, ctx);
		} else if (field.map) {
			const o = {};
			for (const k of Object.keys(v || {})) {
				let c = ctx;
				if (isGroup && name === 'groups') c = { kind: subKind(ctx.kind, k) };
				if (isGroup && name === 'values') c = { kind: ctx.kind, key: k };
				if (type.fullName === '.common.ConfigUpdate' && name === 'isolated_data')
					throw new Error('isolated data ' + k);
				o[k] = field.resolvedType && !field.resolvedType.valuesById ?
					tree(field.resolvedType, v[k], c) : scalar(field, v[k], true);
			}
			out[name] = o;
		} else if (field.repeated) {
			out[name] = (v || []).map((x) => (field.resolvedType && !field.resolvedType.valuesById ?
				tree(field.resolvedType, x, ctx) : scalar(field, x, true)));
		} else if (field.resolvedType && !field.resolvedType.valuesById) {
			if (v === null || v === undefined) out[name] = null;
			else if (field.resolvedType.fullName === '.google.protobuf.Timestamp') out[name] = timestamp(v);
			else {
				const c = (type === T.Config && name === 'channel_group') ||
					(type === T.ConfigUpdate && (name === 'read_set' || name === 'write_set')) ?
					{ kind: 'channel' } : ctx;
				out[name] = tree(field.resolvedType, v, c);
			}
		} else {
			out[name] = scalar(field, v, false);
		}
	}
	return out;
}

// Go's encoding/json: sorted keys, tab indentation, HTML-safe strings.
function goJSON(v) {
	const sortKeys = (x) => {
		if (Array.isArray(x)) return x.map(sortKeys);
		if (x && typeof x === 'object') {
			const o = {};
			for (const k of Object.keys(x).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))))
				o[k] = sortKeys(x[k]);
			return o;
		}
		return x;
	};
	return JSON.stringify(sortKeys(v), null, '\t')
		.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029') + '\n';
}

const [what, file, version] = process.argv.slice(2);
const FABRIC3 = version === '3';
const buf = fs.readFileSync(file);
if (what === 'consensustype') {
	// the bytes of a config block's /Channel/Orderer/ConsensusType value, as
	// they are (fuzz/seed.sh pairs them as seeds)
	const env = T.Envelope.decode(T.Block.decode(buf).data.data[0]);
	const config = T.ConfigEnvelope.decode(T.Payload.decode(env.payload).data).config;
	process.stdout.write(config.channel_group.groups.Orderer.values.ConsensusType.value);
	process.exit(0);
}
const root = { block: T.Block, envelope: T.Envelope, configupdate: T.ConfigUpdate, ordererorg: T.ConfigGroup }[what];
if (!root) {
	process.stderr.write('usage: decode.js block|envelope|configupdate|ordererorg|consensustype FILE [3]\n');
	process.exit(2);
}
const ctx = what === 'ordererorg' ? { kind: 'ordererorg' } : {};
process.stdout.write(goJSON(tree(root, root.decode(buf), ctx)));
