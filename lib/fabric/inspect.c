/*
 * inspect.c - blocks and envelopes printed as JSON the way Fabric's
 * configtxlator (protolator) prints them: protobuf field names, every field
 * shown (defaults included), 64-bit integers as strings, bytes as base64,
 * enums by name, and every nested message that Fabric knows how to decode
 * (payloads, headers, config values by group and name, policies, MSP
 * configs) decoded in place.  Objects have their keys sorted and the text
 * is indented with tabs, as Go's encoding/json writes it.
 *
 * The decoding is driven by the message descriptions below, written from
 * the .proto files that ship with Fabric.
 *
 * configtxlator 3.x prints an empty bytes field as "" where 2.x printed
 * null; the rest is the same.  A block of a Fabric 3 channel (its channel
 * capabilities name V3_0) is printed as 3.x prints it, anything else as
 * 2.x does (channel creation transactions are of Fabric 2's system
 * channel flow).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base64.h"
#include "fabric/configtx.h"
#include "base/util.h"

/* ---- a small JSON tree ---- */

enum jtype { J_NULL, J_RAW, J_STR, J_ARR, J_OBJ };   /* J_RAW: numbers, true, false */

struct jval {
	enum jtype t;
	char *s;                /* J_RAW, J_STR */
	struct jval *items;     /* J_ARR */
	struct jmember *members;/* J_OBJ */
	size_t n, cap;
};

struct jmember {
	char *key;
	struct jval v;
};

static void jfree(struct jval *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n; i++) {
		if (v->t == J_ARR) {
			jfree(&v->items[i]);
		} else {
			free(v->members[i].key);
			jfree(&v->members[i].v);
		}
	}
	free(v->items);
	free(v->members);
	memset(v, 0, sizeof(*v));
}

static struct jval *jadd(struct jval *obj, const char *key)
{
	obj->members = xgrow(obj->members, &obj->cap, obj->n + 1, sizeof(*obj->members));
	memset(&obj->members[obj->n], 0, sizeof(*obj->members));
	obj->members[obj->n].key = xstrdup(key);
	return &obj->members[obj->n++].v;
}

static struct jval *jpush(struct jval *arr)
{
	arr->items = xgrow(arr->items, &arr->cap, arr->n + 1, sizeof(*arr->items));
	memset(&arr->items[arr->n], 0, sizeof(*arr->items));
	return &arr->items[arr->n++];
}

static void jraw(struct jval *v, const char *s)
{
	v->t = J_RAW;
	v->s = xstrdup(s);
}

static void jstr(struct jval *v, const char *s, size_t n)
{
	v->t = J_STR;
	v->s = xstrndup(s, n);
}

static void jbytes(struct jval *v, const uint8_t *p, size_t n)
{
	struct strbuf sb = {0};

	sb_base64(&sb, p, n);
	v->t = J_STR;
	v->s = sb_detach(&sb);
}

/* A string as Go's encoding/json writes it (HTML-safe, invalid UTF-8 as U+FFFD). */
static void write_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_addc(sb, '"');
	while (*p) {
		unsigned c = *p;

		if (c == '"' || c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)c);
			p++;
		} else if (c == '\n') {
			sb_adds(sb, "\\n"), p++;
		} else if (c == '\r') {
			sb_adds(sb, "\\r"), p++;
		} else if (c == '\t') {
			sb_adds(sb, "\\t"), p++;
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			sb_addf(sb, "\\u%04x", c), p++;
		} else if (c < 0x80) {
			sb_addc(sb, (char)c), p++;
		} else {
			/* a valid UTF-8 sequence is copied, anything else becomes U+FFFD */
			size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
			uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
			size_t i;

			for (i = 1; i < len && (p[i] & 0xc0) == 0x80; i++)
				cp = cp << 6 | (p[i] & 0x3f);
			if (len == 0 || i < len || (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
			    (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
				sb_adds(sb, "\\ufffd");
				p++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				sb_addf(sb, "\\u%04x", cp);
				p += len;
			} else {
				sb_add(sb, p, len);
				p += len;
			}
		}
	}
	sb_addc(sb, '"');
}

static int cmp_members(const void *a, const void *b)
{
	return strcmp(((const struct jmember *)a)->key, ((const struct jmember *)b)->key);
}

static void indent(struct strbuf *sb, int depth)
{
	for (int i = 0; i < depth; i++)
		sb_addc(sb, '\t');
}

static void jwrite(struct strbuf *sb, struct jval *v, int depth)
{
	switch (v->t) {
	case J_NULL:
		sb_adds(sb, "null");
		break;
	case J_RAW:
		sb_adds(sb, v->s);
		break;
	case J_STR:
		write_string(sb, v->s);
		break;
	case J_ARR:
		if (!v->n) {
			sb_adds(sb, "[]");
			break;
		}
		sb_adds(sb, "[\n");
		for (size_t i = 0; i < v->n; i++) {
			indent(sb, depth + 1);
			jwrite(sb, &v->items[i], depth + 1);
			sb_adds(sb, i + 1 < v->n ? ",\n" : "\n");
		}
		indent(sb, depth);
		sb_addc(sb, ']');
		break;
	case J_OBJ:
		if (!v->n) {
			sb_adds(sb, "{}");
			break;
		}
		qsort(v->members, v->n, sizeof(*v->members), cmp_members);
		sb_adds(sb, "{\n");
		for (size_t i = 0; i < v->n; i++) {
			indent(sb, depth + 1);
			write_string(sb, v->members[i].key);
			sb_adds(sb, ": ");
			jwrite(sb, &v->members[i].v, depth + 1);
			sb_adds(sb, i + 1 < v->n ? ",\n" : "\n");
		}
		indent(sb, depth);
		sb_addc(sb, '}');
		break;
	}
}

/* ---- message descriptions ---- */

/* Where a message sits, for the fields whose type depends on it. */
enum gkind { G_NONE, G_CHANNEL, G_ORDERER, G_ORDERER_ORG, G_APPLICATION, G_APP_ORG,
	     G_CONSORTIUMS, G_CONSORTIUM, G_CONSORTIUM_ORG };

struct dctx {
	enum gkind kind;        /* the group being decoded (or the group of a value) */
	const char *key;        /* the name of a config value */
	bool v3;                /* print as configtxlator 3.x: empty bytes as "", not null */
	const char *name;       /* what messages call the input, or NULL */
};

/* Report why the input does not decode: "name: message". */
static void bad(const struct dctx *ctx, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void bad(const struct dctx *ctx, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (ctx->name)
		warnf("%s: %s", ctx->name, sb.buf);
	else
		warnf("%s", sb.buf);
	sb_free(&sb);
}

enum ftype { T_STRING, T_BYTES, T_INT32, T_UINT32, T_INT64, T_UINT64, T_BOOL, T_ENUM, T_MSG,
	     T_TIMESTAMP, T_OPAQUE };
enum { REPEATED = 1, ONEOF = 2, MAP = 4 };
enum mapkind { M_PLAIN, M_GROUPS, M_VALUES, M_ISOLATED };

struct msgdesc;

/* Chooses the message held in an opaque bytes field; parent is the enclosing message. */
typedef const struct msgdesc *resolver(const struct dctx *ctx, const uint8_t *parent, size_t len);

struct fdesc {
	uint32_t num;
	const char *name;
	enum ftype type;
	unsigned flags;
	const struct msgdesc *msg;      /* T_MSG, and map values */
	resolver *resolve;              /* T_OPAQUE */
	const char *const *enums;       /* T_ENUM: names by number */
	size_t nenums;
	enum mapkind map;
	enum gkind kind;                /* T_MSG: the group kind it starts */
};

struct msgdesc {
	const char *name;
	const struct fdesc *fields;
	size_t n;
};

#define MSG(var, ...) \
	static const struct fdesc var##_fields[] = { __VA_ARGS__ }; \
	static const struct msgdesc var = { #var, var##_fields, sizeof(var##_fields) / sizeof(*var##_fields) }
#define ENUM(names) .type = T_ENUM, .enums = names, .nenums = sizeof(names) / sizeof(*names)

static const char *const classification_names[] = { "ROLE", "ORGANIZATION_UNIT", "IDENTITY",
						     "ANONYMITY", "COMBINED" };
static const char *const role_names[] = { "MEMBER", "ADMIN", "CLIENT", "PEER", "ORDERER" };
static const char *const implicit_names[] = { "ANY", "ALL", "MAJORITY" };
static const char *const state_names[] = { "STATE_NORMAL", "STATE_MAINTENANCE" };
static const char *const rotation_names[] = { "ROTATION_UNSPECIFIED", "ROTATION_OFF", "ROTATION_ON" };

static resolver payload_data, header_extension, policy_value, principal_value, msp_config_value,
	config_value, consensus_metadata, no_isolated_data;

static const struct msgdesc Envelope, ConfigGroup, SignaturePolicy, SerializedIdentity, SignatureHeader,
	ChannelHeader, Payload, ConfigUpdate;

MSG(Empty, { 0, NULL, T_BOOL, 0, NULL, NULL, NULL, 0, M_PLAIN, G_NONE });

MSG(BlockHeader,
    { .num = 1, .name = "number", .type = T_UINT64 },
    { .num = 2, .name = "previous_hash", .type = T_BYTES },
    { .num = 3, .name = "data_hash", .type = T_BYTES });
MSG(BlockData, { .num = 1, .name = "data", .type = T_MSG, .flags = REPEATED, .msg = &Envelope });
MSG(BlockMetadata, { .num = 1, .name = "metadata", .type = T_BYTES, .flags = REPEATED });
MSG(Block,
    { .num = 1, .name = "header", .type = T_MSG, .msg = &BlockHeader },
    { .num = 2, .name = "data", .type = T_MSG, .msg = &BlockData },
    { .num = 3, .name = "metadata", .type = T_MSG, .msg = &BlockMetadata });

static const struct fdesc Envelope_fields[] = {
	{ .num = 1, .name = "payload", .type = T_MSG, .msg = &Payload },
	{ .num = 2, .name = "signature", .type = T_BYTES },
};
static const struct msgdesc Envelope = { "Envelope", Envelope_fields, 2 };

MSG(Header,
    { .num = 1, .name = "channel_header", .type = T_MSG, .msg = &ChannelHeader },
    { .num = 2, .name = "signature_header", .type = T_MSG, .msg = &SignatureHeader });
static const struct fdesc Payload_fields[] = {
	{ .num = 1, .name = "header", .type = T_MSG, .msg = &Header },
	{ .num = 2, .name = "data", .type = T_OPAQUE, .resolve = payload_data },
};
static const struct msgdesc Payload = { "Payload", Payload_fields, 2 };

static const struct fdesc ChannelHeader_fields[] = {
	{ .num = 1, .name = "type", .type = T_INT32 },
	{ .num = 2, .name = "version", .type = T_INT32 },
	{ .num = 3, .name = "timestamp", .type = T_TIMESTAMP },
	{ .num = 4, .name = "channel_id", .type = T_STRING },
	{ .num = 5, .name = "tx_id", .type = T_STRING },
	{ .num = 6, .name = "epoch", .type = T_UINT64 },
	{ .num = 7, .name = "extension", .type = T_OPAQUE, .resolve = header_extension },
	{ .num = 8, .name = "tls_cert_hash", .type = T_BYTES },
};
static const struct msgdesc ChannelHeader = { "ChannelHeader", ChannelHeader_fields, 8 };

static const struct fdesc SignatureHeader_fields[] = {
	{ .num = 1, .name = "creator", .type = T_MSG, .msg = &SerializedIdentity },
	{ .num = 2, .name = "nonce", .type = T_BYTES },
};
static const struct msgdesc SignatureHeader = { "SignatureHeader", SignatureHeader_fields, 2 };

static const struct fdesc SerializedIdentity_fields[] = {
	{ .num = 1, .name = "mspid", .type = T_STRING },
	{ .num = 2, .name = "id_bytes", .type = T_BYTES },
};
static const struct msgdesc SerializedIdentity = { "SerializedIdentity", SerializedIdentity_fields, 2 };

MSG(Config,
    { .num = 1, .name = "sequence", .type = T_UINT64 },
    { .num = 2, .name = "channel_group", .type = T_MSG, .msg = &ConfigGroup, .kind = G_CHANNEL });
MSG(ConfigEnvelope,
    { .num = 1, .name = "config", .type = T_MSG, .msg = &Config },
    { .num = 2, .name = "last_update", .type = T_MSG, .msg = &Envelope });
MSG(ConfigSignature,
    { .num = 1, .name = "signature_header", .type = T_MSG, .msg = &SignatureHeader },
    { .num = 2, .name = "signature", .type = T_BYTES });
MSG(ConfigUpdateEnvelope,
    { .num = 1, .name = "config_update", .type = T_MSG, .msg = &ConfigUpdate },
    { .num = 2, .name = "signatures", .type = T_MSG, .flags = REPEATED, .msg = &ConfigSignature });
static const struct fdesc ConfigUpdate_fields[] = {
	{ .num = 1, .name = "channel_id", .type = T_STRING },
	{ .num = 2, .name = "read_set", .type = T_MSG, .msg = &ConfigGroup, .kind = G_CHANNEL },
	{ .num = 3, .name = "write_set", .type = T_MSG, .msg = &ConfigGroup, .kind = G_CHANNEL },
	{ .num = 5, .name = "isolated_data", .type = T_OPAQUE, .flags = MAP, .map = M_ISOLATED,
	  .resolve = no_isolated_data },
};
static const struct msgdesc ConfigUpdate = { "ConfigUpdate", ConfigUpdate_fields, 4 };

MSG(ImplicitMetaPolicy,
    { .num = 1, .name = "sub_policy", .type = T_STRING },
    { .num = 2, .name = "rule", ENUM(implicit_names) });
MSG(NOutOf,
    { .num = 1, .name = "n", .type = T_INT32 },
    { .num = 2, .name = "rules", .type = T_MSG, .flags = REPEATED, .msg = &SignaturePolicy });
static const struct fdesc SignaturePolicy_fields[] = {
	{ .num = 1, .name = "signed_by", .type = T_INT32, .flags = ONEOF },
	{ .num = 2, .name = "n_out_of", .type = T_MSG, .flags = ONEOF, .msg = &NOutOf },
};
static const struct msgdesc SignaturePolicy = { "SignaturePolicy", SignaturePolicy_fields, 2 };
MSG(MSPRole,
    { .num = 1, .name = "msp_identifier", .type = T_STRING },
    { .num = 2, .name = "role", ENUM(role_names) });
MSG(OrganizationUnit,
    { .num = 1, .name = "msp_identifier", .type = T_STRING },
    { .num = 2, .name = "organizational_unit_identifier", .type = T_STRING },
    { .num = 3, .name = "certifiers_identifier", .type = T_BYTES });
MSG(MSPPrincipal,
    { .num = 1, .name = "principal_classification", ENUM(classification_names) },
    { .num = 2, .name = "principal", .type = T_OPAQUE, .resolve = principal_value });
MSG(SignaturePolicyEnvelope,
    { .num = 1, .name = "version", .type = T_INT32 },
    { .num = 2, .name = "rule", .type = T_MSG, .msg = &SignaturePolicy },
    { .num = 3, .name = "identities", .type = T_MSG, .flags = REPEATED, .msg = &MSPPrincipal });
MSG(Policy,
    { .num = 1, .name = "type", .type = T_INT32 },
    { .num = 2, .name = "value", .type = T_OPAQUE, .resolve = policy_value });
MSG(ConfigPolicy,
    { .num = 1, .name = "version", .type = T_UINT64 },
    { .num = 2, .name = "policy", .type = T_MSG, .msg = &Policy },
    { .num = 3, .name = "mod_policy", .type = T_STRING });
MSG(ConfigValue,
    { .num = 1, .name = "version", .type = T_UINT64 },
    { .num = 2, .name = "value", .type = T_OPAQUE, .resolve = config_value },
    { .num = 3, .name = "mod_policy", .type = T_STRING });
static const struct fdesc ConfigGroup_fields[] = {
	{ .num = 1, .name = "version", .type = T_UINT64 },
	{ .num = 2, .name = "groups", .type = T_MSG, .flags = MAP, .msg = &ConfigGroup, .map = M_GROUPS },
	{ .num = 3, .name = "values", .type = T_MSG, .flags = MAP, .msg = &ConfigValue, .map = M_VALUES },
	{ .num = 4, .name = "policies", .type = T_MSG, .flags = MAP, .msg = &ConfigPolicy },
	{ .num = 5, .name = "mod_policy", .type = T_STRING },
};
static const struct msgdesc ConfigGroup = { "ConfigGroup", ConfigGroup_fields, 5 };

/* config values */
MSG(HashingAlgorithm, { .num = 1, .name = "name", .type = T_STRING });
MSG(BlockDataHashingStructure, { .num = 1, .name = "width", .type = T_UINT32 });
MSG(OrdererAddresses, { .num = 1, .name = "addresses", .type = T_STRING, .flags = REPEATED });
MSG(Consortium, { .num = 1, .name = "name", .type = T_STRING });
MSG(Capability, { 0, NULL, T_BOOL, 0, NULL, NULL, NULL, 0, M_PLAIN, G_NONE });
MSG(Capabilities, { .num = 1, .name = "capabilities", .type = T_MSG, .flags = MAP, .msg = &Capability });
MSG(ConsensusType,
    { .num = 1, .name = "type", .type = T_STRING },
    { .num = 2, .name = "metadata", .type = T_OPAQUE, .resolve = consensus_metadata },
    { .num = 3, .name = "state", ENUM(state_names) });
MSG(BatchSize,
    { .num = 1, .name = "max_message_count", .type = T_UINT32 },
    { .num = 2, .name = "absolute_max_bytes", .type = T_UINT32 },
    { .num = 3, .name = "preferred_max_bytes", .type = T_UINT32 });
MSG(BatchTimeout, { .num = 1, .name = "timeout", .type = T_STRING });
MSG(KafkaBrokers, { .num = 1, .name = "brokers", .type = T_STRING, .flags = REPEATED });
MSG(ChannelRestrictions, { .num = 1, .name = "max_count", .type = T_UINT64 });
MSG(Consenter,
    { .num = 1, .name = "host", .type = T_STRING },
    { .num = 2, .name = "port", .type = T_UINT32 },
    { .num = 3, .name = "client_tls_cert", .type = T_BYTES },
    { .num = 4, .name = "server_tls_cert", .type = T_BYTES });
MSG(RaftOptions,
    { .num = 1, .name = "tick_interval", .type = T_STRING },
    { .num = 2, .name = "election_tick", .type = T_UINT32 },
    { .num = 3, .name = "heartbeat_tick", .type = T_UINT32 },
    { .num = 4, .name = "max_inflight_blocks", .type = T_UINT32 },
    { .num = 5, .name = "snapshot_interval_size", .type = T_UINT32 });
MSG(RaftMetadata,
    { .num = 1, .name = "consenters", .type = T_MSG, .flags = REPEATED, .msg = &Consenter },
    { .num = 2, .name = "options", .type = T_MSG, .msg = &RaftOptions });
/* BFT (Fabric 3): common.Consenter and common.Orderers, orderer.smartbft.Options */
MSG(BftConsenter,
    { .num = 1, .name = "id", .type = T_UINT32 },
    { .num = 2, .name = "host", .type = T_STRING },
    { .num = 3, .name = "port", .type = T_UINT32 },
    { .num = 4, .name = "msp_id", .type = T_STRING },
    { .num = 5, .name = "identity", .type = T_BYTES },
    { .num = 6, .name = "client_tls_cert", .type = T_BYTES },
    { .num = 7, .name = "server_tls_cert", .type = T_BYTES });
MSG(Orderers,
    { .num = 1, .name = "consenter_mapping", .type = T_MSG, .flags = REPEATED, .msg = &BftConsenter });
MSG(SmartBFTOptions,
    { .num = 1, .name = "request_batch_max_count", .type = T_UINT64 },
    { .num = 2, .name = "request_batch_max_bytes", .type = T_UINT64 },
    { .num = 3, .name = "request_batch_max_interval", .type = T_STRING },
    { .num = 4, .name = "incoming_message_buffer_size", .type = T_UINT64 },
    { .num = 5, .name = "request_pool_size", .type = T_UINT64 },
    { .num = 6, .name = "request_forward_timeout", .type = T_STRING },
    { .num = 7, .name = "request_complain_timeout", .type = T_STRING },
    { .num = 8, .name = "request_auto_remove_timeout", .type = T_STRING },
    { .num = 9, .name = "request_max_bytes", .type = T_UINT64 },
    { .num = 10, .name = "view_change_resend_interval", .type = T_STRING },
    { .num = 11, .name = "view_change_timeout", .type = T_STRING },
    { .num = 12, .name = "leader_heartbeat_timeout", .type = T_STRING },
    { .num = 13, .name = "leader_heartbeat_count", .type = T_UINT64 },
    { .num = 14, .name = "collect_timeout", .type = T_STRING },
    { .num = 15, .name = "sync_on_start", .type = T_BOOL },
    { .num = 16, .name = "speed_up_view_change", .type = T_BOOL },
    { .num = 17, .name = "leader_rotation", ENUM(rotation_names) },
    { .num = 18, .name = "decisions_per_leader", .type = T_UINT64 });
MSG(AnchorPeer,
    { .num = 1, .name = "host", .type = T_STRING },
    { .num = 2, .name = "port", .type = T_INT32 });
MSG(AnchorPeers, { .num = 1, .name = "anchor_peers", .type = T_MSG, .flags = REPEATED, .msg = &AnchorPeer });
MSG(APIResource, { .num = 1, .name = "policy_ref", .type = T_STRING });
MSG(ACLs, { .num = 1, .name = "acls", .type = T_MSG, .flags = MAP, .msg = &APIResource });

/* MSP */
MSG(FabricOUIdentifier,
    { .num = 1, .name = "certificate", .type = T_BYTES },
    { .num = 2, .name = "organizational_unit_identifier", .type = T_STRING });
MSG(FabricCryptoConfig,
    { .num = 1, .name = "signature_hash_family", .type = T_STRING },
    { .num = 2, .name = "identity_identifier_hash_function", .type = T_STRING });
MSG(KeyInfo,
    { .num = 1, .name = "key_identifier", .type = T_STRING },
    { .num = 2, .name = "key_material", .type = T_BYTES });
MSG(SigningIdentityInfo,
    { .num = 1, .name = "public_signer", .type = T_BYTES },
    { .num = 2, .name = "private_signer", .type = T_MSG, .msg = &KeyInfo });
MSG(FabricNodeOUs,
    { .num = 1, .name = "enable", .type = T_BOOL },
    { .num = 2, .name = "client_ou_identifier", .type = T_MSG, .msg = &FabricOUIdentifier },
    { .num = 3, .name = "peer_ou_identifier", .type = T_MSG, .msg = &FabricOUIdentifier },
    { .num = 4, .name = "admin_ou_identifier", .type = T_MSG, .msg = &FabricOUIdentifier },
    { .num = 5, .name = "orderer_ou_identifier", .type = T_MSG, .msg = &FabricOUIdentifier });
MSG(FabricMSPConfig,
    { .num = 1, .name = "name", .type = T_STRING },
    { .num = 2, .name = "root_certs", .type = T_BYTES, .flags = REPEATED },
    { .num = 3, .name = "intermediate_certs", .type = T_BYTES, .flags = REPEATED },
    { .num = 4, .name = "admins", .type = T_BYTES, .flags = REPEATED },
    { .num = 5, .name = "revocation_list", .type = T_BYTES, .flags = REPEATED },
    { .num = 6, .name = "signing_identity", .type = T_MSG, .msg = &SigningIdentityInfo },
    { .num = 7, .name = "organizational_unit_identifiers", .type = T_MSG, .flags = REPEATED,
      .msg = &FabricOUIdentifier },
    { .num = 8, .name = "crypto_config", .type = T_MSG, .msg = &FabricCryptoConfig },
    { .num = 9, .name = "tls_root_certs", .type = T_BYTES, .flags = REPEATED },
    { .num = 10, .name = "tls_intermediate_certs", .type = T_BYTES, .flags = REPEATED },
    { .num = 11, .name = "fabric_node_ous", .type = T_MSG, .msg = &FabricNodeOUs });
MSG(MSPConfig,
    { .num = 1, .name = "type", .type = T_INT32 },
    { .num = 2, .name = "config", .type = T_OPAQUE, .resolve = msp_config_value });

/* ---- resolvers: which message an opaque field holds ---- */

static const struct msgdesc *payload_data(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	size_t hl = 0, cl = 0;
	const uint8_t *h = pb_get_bytes(p, n, 1, &hl), *ch = h ? pb_get_bytes(h, hl, 1, &cl) : NULL;
	int32_t type;

	(void)ctx;
	if (!h) {
		bad(ctx, "cannot determine payload type when header is missing");
		return NULL;
	}
	type = (int32_t)pb_get_varint(ch, ch ? cl : 0, 1);
	switch (type) {
	case 1: return &ConfigEnvelope;
	case 2: return &ConfigUpdateEnvelope;
	case 4: return &Envelope;
	case 0: return &ConfigValue;
	default:
		bad(ctx, "decoding payloads of type %d is not implemented (txgen inspects config "
				 "blocks and config transactions)", type);
		return NULL;
	}
}

static const struct msgdesc *header_extension(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	bad(ctx, "channel header extension only valid for endorser transactions");
	return NULL;
}

static const struct msgdesc *policy_value(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	int32_t type = (int32_t)pb_get_varint(p, n, 1);

	(void)ctx;
	if (type == 1)
		return &SignaturePolicyEnvelope;
	if (type == 3)
		return &ImplicitMetaPolicy;
	bad(ctx, "unable to decode policy type: %d", type);
	return NULL;
}

static const struct msgdesc *principal_value(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	uint64_t c = pb_get_varint(p, n, 1);

	(void)ctx;
	if (c == 0)
		return &MSPRole;
	if (c == 1)
		return &OrganizationUnit;
	if (c == 2)
		return &SerializedIdentity;
	bad(ctx, "unable to decode MSP principal classification: %" PRIu64, c);
	return NULL;
}

static const struct msgdesc *msp_config_value(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	int32_t type = (int32_t)pb_get_varint(p, n, 1);

	(void)ctx;
	if (type == 0)
		return &FabricMSPConfig;
	bad(ctx, "unable to decode MSP type: %d%s", type, type == 1 ? " (idemix)" : "");
	return NULL;
}

static const struct msgdesc *consensus_metadata(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	size_t len = 0;
	const uint8_t *type = pb_get_bytes(p, n, 1, &len);

	(void)ctx;
	if (type && len == 8 && memcmp(type, "etcdraft", 8) == 0)
		return &RaftMetadata;
	if (type && len == strlen(ORDERER_TYPE_BFT) && memcmp(type, ORDERER_TYPE_BFT, len) == 0)
		return &SmartBFTOptions;
	return &Empty;
}

static const struct msgdesc *no_isolated_data(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	(void)p, (void)n;
	bad(ctx, "Unknown map key: %s", ctx->key);
	return NULL;
}

static const struct {
	enum gkind kind;
	const char *key;
	const struct msgdesc *msg;
} value_types[] = {
	{ G_CHANNEL, "HashingAlgorithm", &HashingAlgorithm },
	{ G_CHANNEL, "BlockDataHashingStructure", &BlockDataHashingStructure },
	{ G_CHANNEL, "OrdererAddresses", &OrdererAddresses },
	{ G_CHANNEL, "Consortium", &Consortium },
	{ G_CHANNEL, "Capabilities", &Capabilities },
	{ G_ORDERER, "ConsensusType", &ConsensusType },
	{ G_ORDERER, "BatchSize", &BatchSize },
	{ G_ORDERER, "BatchTimeout", &BatchTimeout },
	{ G_ORDERER, "KafkaBrokers", &KafkaBrokers },
	{ G_ORDERER, "ChannelRestrictions", &ChannelRestrictions },
	{ G_ORDERER, "Capabilities", &Capabilities },
	{ G_ORDERER, ORDERERS, &Orderers },
	{ G_ORDERER_ORG, "MSP", &MSPConfig },
	{ G_ORDERER_ORG, "Endpoints", &OrdererAddresses },
	{ G_APPLICATION, "Capabilities", &Capabilities },
	{ G_APPLICATION, "ACLs", &ACLs },
	{ G_APP_ORG, "MSP", &MSPConfig },
	{ G_APP_ORG, "AnchorPeers", &AnchorPeers },
	{ G_CONSORTIUM, "ChannelCreationPolicy", &Policy },
	{ G_CONSORTIUM_ORG, "MSP", &MSPConfig },
};

static const char *kind_name(enum gkind k)
{
	static const char *const names[] = { "", "Channel", "Orderer", "Orderer Org", "Application",
					     "Application Org", "Consortiums", "Consortium", "Consortium Org" };

	return names[k];
}

static const struct msgdesc *config_value(const struct dctx *ctx, const uint8_t *p, size_t n)
{
	(void)p, (void)n;
	for (size_t i = 0; i < sizeof(value_types) / sizeof(*value_types); i++)
		if (value_types[i].kind == ctx->kind && strcmp(value_types[i].key, ctx->key) == 0)
			return value_types[i].msg;
	if (ctx->kind == G_CONSORTIUMS)
		bad(ctx, "Consortiums currently support no config values");
	else
		bad(ctx, "unknown %s ConfigValue name: %s", kind_name(ctx->kind), ctx->key);
	return NULL;
}

/* The kind of the sub-group key of the group ctx decodes, or G_NONE after an error. */
static enum gkind sub_kind(const struct dctx *ctx, const char *key)
{
	switch (ctx->kind) {
	case G_CHANNEL:
		if (strcmp(key, "Consortiums") == 0)
			return G_CONSORTIUMS;
		if (strcmp(key, "Orderer") == 0)
			return G_ORDERER;
		if (strcmp(key, "Application") == 0)
			return G_APPLICATION;
		bad(ctx, "unknown channel group sub-group '%s'", key);
		return G_NONE;
	case G_ORDERER:
		return G_ORDERER_ORG;
	case G_APPLICATION:
		return G_APP_ORG;
	case G_CONSORTIUMS:
		return G_CONSORTIUM;
	case G_CONSORTIUM:
		return G_CONSORTIUM_ORG;
	default:
		bad(ctx, "the %s group does not support sub-groups", kind_name(ctx->kind));
		return G_NONE;
	}
}

/* ---- decoding ---- */

static int decode(const struct msgdesc *d, const uint8_t *p, size_t n, const struct dctx *ctx,
		  struct jval *out, int depth);

static void scalar(const struct fdesc *f, const struct pb_field *w, struct jval *v)
{
	char buf[32];

	switch (f->type) {
	case T_STRING:
		jstr(v, (const char *)w->data, w->len);
		return;
	case T_BYTES:
		jbytes(v, w->data, w->len);
		return;
	case T_INT32:
		snprintf(buf, sizeof(buf), "%" PRId32, (int32_t)w->u);
		break;
	case T_UINT32:
		snprintf(buf, sizeof(buf), "%" PRIu32, (uint32_t)w->u);
		break;
	case T_INT64:
		snprintf(buf, sizeof(buf), "\"%" PRId64 "\"", (int64_t)w->u);
		break;
	case T_UINT64:
		snprintf(buf, sizeof(buf), "\"%" PRIu64 "\"", w->u);
		break;
	case T_BOOL:
		snprintf(buf, sizeof(buf), "%s", w->u ? "true" : "false");
		break;
	case T_ENUM:
		if (w->u < f->nenums) {
			v->t = J_STR;
			v->s = xstrdup(f->enums[w->u]);
			return;
		}
		snprintf(buf, sizeof(buf), "%" PRId32, (int32_t)w->u);
		break;
	default:
		buf[0] = '\0';
	}
	if (buf[0] == '"')
		jstr(v, buf + 1, strlen(buf) - 2);
	else
		jraw(v, buf);
}

/* The JSON of a field that is absent: proto3 defaults, as jsonpb's EmitDefaults shows them. */
static void absent(const struct fdesc *f, const struct dctx *ctx, struct jval *v)
{
	if (f->flags & REPEATED) {
		v->t = J_ARR;
		return;
	}
	if (f->flags & MAP) {
		v->t = J_OBJ;
		return;
	}
	switch (f->type) {
	case T_STRING: jstr(v, "", 0); break;
	case T_INT32: case T_UINT32: jraw(v, "0"); break;
	case T_INT64: case T_UINT64: jstr(v, "0", 1); break;
	case T_BOOL: jraw(v, "false"); break;
	case T_ENUM: v->t = J_STR; v->s = xstrdup(f->nenums ? f->enums[0] : "0"); break;
	case T_BYTES: if (ctx->v3) jstr(v, "", 0); break;       /* else J_NULL */
	default: v->t = J_NULL; break;
	}
}

static int timestamp(const struct dctx *ctx, const struct pb_field *w, struct jval *v)
{
	int64_t secs = (int64_t)pb_get_varint(w->data, w->len, 1);
	int32_t nanos = (int32_t)pb_get_varint(w->data, w->len, 2);
	time_t t = (time_t)secs;
	struct tm tm;
	char buf[64], frac[16] = "";

	if (!gmtime_r(&t, &tm) || nanos < 0 || nanos > 999999999) {
		bad(ctx, "timestamp out of range");
		return -1;
	}
	if (nanos % 1000000 == 0 && nanos)
		snprintf(frac, sizeof(frac), ".%03d", nanos / 1000000);
	else if (nanos % 1000 == 0 && nanos)
		snprintf(frac, sizeof(frac), ".%06d", nanos / 1000);
	else if (nanos)
		snprintf(frac, sizeof(frac), ".%09d", nanos);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	v->t = J_STR;
	v->s = xstrdup(buf);
	return 0;
}

/* One occurrence of a message-valued (or opaque) field. */
static int nested(const struct fdesc *f, const struct pb_field *w, const uint8_t *parent, size_t plen,
		  const struct dctx *ctx, struct jval *v, int depth)
{
	const struct msgdesc *m = f->msg;
	struct dctx c = *ctx;

	if (f->type == T_OPAQUE && !(m = f->resolve(ctx, parent, plen)))
		return -1;
	if (f->kind != G_NONE)
		c.kind = f->kind;
	return decode(m, w->data, w->len, &c, v, depth + 1);
}

/* One entry of a map field: key 1 (string), value 2. */
static int map_entry(const struct fdesc *f, const struct pb_field *w, const struct dctx *ctx,
		     struct jval *obj, int depth)
{
	struct pb_reader r = pb_reader(w->data, w->len);
	struct pb_field e, val = { .num = 2, .type = PB_LEN };
	char *key = xstrdup("");
	struct dctx c = *ctx;
	int rc;

	while ((rc = pb_next(&r, &e)) == 1) {
		if (e.num == 1 && e.type == PB_LEN) {
			free(key);
			key = xstrndup((const char *)e.data, e.len);
		} else if (e.num == 2 && e.type == PB_LEN) {
			val = e;
		}
	}
	if (rc < 0) {
		free(key);
		bad(ctx, "malformed map entry");
		return -1;
	}
	c.key = key;
	if (f->map == M_GROUPS && (c.kind = sub_kind(ctx, key)) == G_NONE) {
		free(key);
		return -1;
	}
	struct jval *v = jadd(obj, key);
	const struct msgdesc *m = f->msg;

	if (f->type == T_OPAQUE && !(m = f->resolve(&c, w->data, w->len)))
		rc = -1;
	else
		rc = decode(m, val.data ? val.data : (const uint8_t *)"", val.len, &c, v, depth + 1);
	free(key);
	return rc;
}

/* Does an occurrence of field f have the wire type f's type is written with? */
static bool wire_ok(const struct fdesc *f, const struct pb_field *w)
{
	switch (f->type) {
	case T_STRING: case T_BYTES: case T_MSG: case T_TIMESTAMP: case T_OPAQUE:
		return w->type == PB_LEN;
	default:
		return w->type == PB_VARINT;
	}
}

/*
 * Can p be decoded as a d at this depth: it is well-formed, and no known
 * field of d comes with another wire type (Fabric's decoder refuses that
 * too)?  -1 after an error.
 */
static int check_message(const struct msgdesc *d, const uint8_t *p, size_t n, const struct dctx *ctx,
			 int depth)
{
	/*
	 * A bound on the recursion, well above what txgen writes: a Signature
	 * rule nests 32 gates at most (policy.h), two messages each, below
	 * the dozen levels of a block.
	 */
	if (depth > 256) {
		bad(ctx, "messages nested too deeply");
		return -1;
	}
	if (!pb_valid(p, n)) {
		bad(ctx, "malformed %s message", d->name);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct pb_reader r = pb_reader(p, n);
		struct pb_field w;

		while (d->fields[i].name && pb_next(&r, &w) == 1) {
			if (w.num == d->fields[i].num && !wire_ok(&d->fields[i], &w)) {
				bad(ctx, "malformed %s message: field %s (%u) has wire type %d",
				    d->name, d->fields[i].name, w.num, w.type);
				return -1;
			}
		}
	}
	return 0;
}

/* Every occurrence of a repeated or map field f of the message p, into the array or object v. */
static int decode_repeated(const struct fdesc *f, const uint8_t *p, size_t n, const struct dctx *ctx,
			   struct jval *v, int depth)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field w;

	v->t = f->flags & MAP ? J_OBJ : J_ARR;
	while (pb_next(&r, &w) == 1) {
		if (w.num != f->num)
			continue;
		if (f->flags & MAP) {
			if (map_entry(f, &w, ctx, v, depth) < 0)
				return -1;
		} else if (f->type == T_MSG || f->type == T_OPAQUE) {
			if (nested(f, &w, p, n, ctx, jpush(v), depth) < 0)
				return -1;
		} else {
			scalar(f, &w, jpush(v));
		}
	}
	return 0;
}

/* The field f of the message p as a member of the object out (the last occurrence wins). */
static int decode_field(const struct fdesc *f, const uint8_t *p, size_t n, const struct dctx *ctx,
			struct jval *out, int depth)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field w, last;
	bool seen = false;
	struct jval *v;

	/* a oneof member is shown only when set */
	if (f->flags & ONEOF) {
		bool set = false;

		while (pb_next(&r, &w) == 1)
			set |= w.num == f->num;
		if (!set)
			return 0;
		r = pb_reader(p, n);
	}
	v = jadd(out, f->name);
	if (f->flags & (REPEATED | MAP))
		return decode_repeated(f, p, n, ctx, v, depth);
	while (pb_next(&r, &w) == 1) {
		if (w.num == f->num) {
			last = w;
			seen = true;
		}
	}
	if (!seen || ((f->type == T_BYTES || f->type == T_OPAQUE) && last.len == 0)) {
		absent(f, ctx, v);
		return 0;
	}
	if (f->type == T_MSG || f->type == T_OPAQUE)
		return nested(f, &last, p, n, ctx, v, depth);
	if (f->type == T_TIMESTAMP)
		return timestamp(ctx, &last, v);
	scalar(f, &last, v);
	return 0;
}

static int decode(const struct msgdesc *d, const uint8_t *p, size_t n, const struct dctx *ctx,
		  struct jval *out, int depth)
{
	if (check_message(d, p, n, ctx, depth) < 0)
		return -1;
	out->t = J_OBJ;
	for (size_t i = 0; i < d->n; i++)
		if (d->fields[i].name && decode_field(&d->fields[i], p, n, ctx, out, depth) < 0)
			return -1;
	return 0;
}

/* Is data a config block of a Fabric 3 channel: do its channel capabilities name V3_0? */
static bool fabric3_block(const uint8_t *data, size_t len)
{
	struct block_config bc;
	const char *why;
	struct cgroup *g = tx_block_config(data, len, &bc, &why);
	const struct cvalue *caps = g ? cg_value(g, "Capabilities") : NULL;
	struct pb_reader r = pb_reader(caps ? caps->data : NULL, caps ? caps->len : 0);
	struct pb_field e;
	bool v3 = false;

	while (!v3 && pb_next(&r, &e) == 1) {   /* map<string, Capability> capabilities = 1 */
		size_t klen = 0;
		const uint8_t *key = e.num == 1 && e.type == PB_LEN ? pb_get_bytes(e.data, e.len, 1, &klen) : NULL;

		v3 = key && klen == strlen(CAPABILITY_V3_0) && memcmp(key, CAPABILITY_V3_0, klen) == 0;
	}
	cg_free(g);
	free(bc.channel_id);
	return v3;
}

int tx_inspect(enum inspect_what what, const char *name, const uint8_t *data, size_t len,
	       struct strbuf *out)
{
	struct dctx ctx = { G_NONE, NULL, false, name };
	const struct msgdesc *d = what == INSPECT_BLOCK ? &Block : what == INSPECT_ENVELOPE ? &Envelope :
		&ConfigGroup;
	struct jval root = {0};
	int rc;

	if (what == INSPECT_ORDERER_ORG)
		ctx.kind = G_ORDERER_ORG;
	if (what == INSPECT_BLOCK)
		ctx.v3 = fabric3_block(data, len);
	rc = decode(d, data, len, &ctx, &root, 0);
	if (rc == 0) {
		jwrite(out, &root, 0);
		sb_addc(out, '\n');
	}
	jfree(&root);
	return rc;
}
