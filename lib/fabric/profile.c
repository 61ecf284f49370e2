/*
 * profile.c - a configtx.yaml profile turned into a channel config the way
 * Fabric's configtxgen encoder builds it (NewChannelGroup and friends),
 * with positioned errors for everything configtxgen would refuse or panic
 * on, and the preflight checks for what Fabric accepts here but refuses
 * at run time.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/duration.h"
#include "base/fsutil.h"
#include "fabric/policy.h"
#include "fabric/configtx.h"
#include "base/util.h"

/* A mapping, or NULL for absent/null; -1 on a type error. */
static int get_map(const struct ynode *parent, const char *key, const struct ypath *p,
		   const struct ynode **out)
{
	struct ypath kp = YPATH_KEY(p, key);

	return yget_map(ymap_get_nocase(parent, key), &kp, out);
}

static int get_seq(const struct ynode *parent, const char *key, const struct ypath *p,
		   const struct ynode **out)
{
	struct ypath kp = YPATH_KEY(p, key);

	return yget_seq(ymap_get_nocase(parent, key), &kp, out);
}

static int get_str(const struct ynode *parent, const char *key, const struct ypath *p,
		   const char **out)
{
	struct ypath kp = YPATH_KEY(p, key);

	return yget_str(ymap_get_nocase(parent, key), &kp, out);
}

/*
 * An unsigned 32-bit number as Fabric reads one: plain (decimal, or 0x
 * hex) or with a size unit, "98 MB", "512 KB", "2g" (k, m, g with an
 * optional b, any case).
 */
int tx_get_u32(const struct ynode *parent, const char *key, const struct ypath *p, uint32_t *out)
{
	const struct ynode *n = ymap_get_nocase(parent, key);
	struct ypath kp = YPATH_KEY(p, key);
	unsigned long long v = 0;
	const char *s;
	char *end;

	if (!n || ynode_is_null(n))
		return 0;
	if (n->kind != Y_SCALAR || !n->len || !isdigit((unsigned char)n->str[0])) {
		yerror(n, &kp, "expected a number (or a size such as 98 MB), got %s",
		       n->kind == Y_SCALAR ? n->str : ynode_kind_name(n));
		return -1;
	}
	s = n->str;
	errno = 0;
	v = strtoull(s, &end, 0);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end && end > s) {
		int shift = 0;

		switch (tolower((unsigned char)*end)) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		}
		if (shift && (end[1] == '\0' || ((end[1] == 'b' || end[1] == 'B') && end[2] == '\0'))) {
			v = strtoull(s, NULL, 10);
			if (v > (0xffffffffULL >> shift)) {
				yerror(n, &kp, "\"%s\" overflows 32 bits", s);
				return -1;
			}
			v <<= shift;
			end = (char *)"";
		}
	}
	if (*end || errno == ERANGE || v > 0xffffffffULL) {
		yerror(n, &kp, "expected a number up to 4294967295 (or a size such as 98 MB), got \"%s\"", s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* ---- building blocks ---- */

static void put_value(struct cgroup *g, const char *key, const char *mod, struct pbuf *b)
{
	cg_add_value(g, key, mod, b);
	pb_free(b);
}

static const char *const policy_keys[] = { "Type", "Rule", NULL };

/*
 * Add the policies of a Policies mapping to g, as Fabric's AddPolicies:
 * Readers, Writers and Admins are required (and BlockValidation for the
 * orderer group).
 */
static int add_policies(struct txctx *ctx, struct cgroup *g, const struct ynode *owner,
			const struct ynode *pols, const struct ypath *p, const char *what,
			bool orderer)
{
	static const char *const required[] = { "Admins", "Readers", "Writers", "BlockValidation" };
	struct ypath pp = YPATH_KEY(p, "Policies");

	(void)ctx;
	if (!pols) {
		yerror(owner, p, "no Policies: %s needs Readers, Writers and Admins policies%s", what,
		       orderer ? " (and BlockValidation)" : "");
		return -1;
	}
	for (size_t i = 0; i < (orderer ? 4u : 3u); i++) {
		if (!ymap_get(pols, required[i])) {
			yerror(pols, &pp, "no %s policy defined (%s needs Readers, Writers and Admins%s)",
			       required[i], what, orderer ? ", and BlockValidation" : "");
			return -1;
		}
	}
	for (size_t i = 0; i < pols->n; i++) {
		const char *name = pols->pairs[i].key->str, *type = NULL, *rule = NULL;
		const struct ynode *pol = pols->pairs[i].val, *rn;
		struct ypath np = YPATH_KEY(&pp, name), tp = YPATH_KEY(&np, "Type"),
			     rp = YPATH_KEY(&np, "Rule");
		struct pbuf b = {0};

		if (pol->kind != Y_MAP) {
			yerror(pol, &np, "expected a mapping with Type and Rule, got %s", ynode_kind_name(pol));
			return -1;
		}
		if (ymap_check_keys_nocase(pol, &np, policy_keys) ||
		    get_str(pol, "Type", &np, &type) < 0 || get_str(pol, "Rule", &np, &rule) < 0)
			return -1;
		rn = ymap_get_nocase(pol, "Rule");
		if (!rule) {
			yerror(pol, &rp, "required, and missing");
			return -1;
		}
		if (type && strcmp(type, "ImplicitMeta") == 0) {
			enum implicit_rule r;
			const char *sub;

			if (implicit_meta_parse(rule, rn, &rp, &r, &sub) < 0)
				return -1;
			implicit_meta_encode(r, sub, &b);
			cg_add_policy(g, name, ADMINS, 3, &b);
		} else if (type && strcmp(type, "Signature") == 0) {
			struct sig_policy sp;

			if (sigpolicy_parse(rule, rn, &rp, &sp) < 0)
				return -1;
			sigpolicy_encode(&sp, &b);
			sigpolicy_free(&sp);
			cg_add_policy(g, name, ADMINS, 1, &b);
		} else {
			yerror(type ? ymap_get_nocase(pol, "Type") : pol, &tp,
			       "unknown policy type \"%s\" (expected Signature or ImplicitMeta)",
			       type ? type : "");
			return -1;
		}
		pb_free(&b);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A Capabilities mapping (name: true|false): the value lists the true ones, in key order. */
static int add_capabilities(struct cgroup *g, const struct ynode *caps, const struct ypath *p,
			    const char *mod)
{
	struct ypath cp = YPATH_KEY(p, "Capabilities");
	struct pbuf b = {0};
	const char **on = NULL;
	size_t n = 0;

	if (!caps || caps->n == 0)
		return 0;
	on = xcalloc(caps->n, sizeof(*on));
	for (size_t i = 0; i < caps->n; i++) {
		struct ypath kp = YPATH_KEY(&cp, caps->pairs[i].key->str);
		bool set = false;

		if (yget_bool(caps->pairs[i].val, &kp, &set) < 0) {
			free(on);
			return -1;
		}
		if (set)
			on[n++] = caps->pairs[i].key->str;
	}
	qsort(on, n, sizeof(*on), cmp_str);
	for (size_t i = 0; i < n; i++) {
		size_t e = pb_begin(&b, 1), v;   /* map<string, Capability{}> */

		pb_str_always(&b, 1, on[i]);
		v = pb_begin(&b, 2);
		pb_end(&b, v);
		pb_end(&b, e);
	}
	free(on);
	put_value(g, "Capabilities", mod, &b);
	return 0;
}

/* A list of strings (Addresses, OrdererEndpoints, Brokers) as repeated field 1. */
static int string_list(const struct ynode *seq, const struct ypath *p, const char *key, struct pbuf *b)
{
	struct ypath kp = YPATH_KEY(p, key);

	for (size_t i = 0; i < seq->n; i++) {
		struct ypath ip = YPATH_INDEX(&kp, i);
		const char *s = NULL;

		if (yget_str(seq->items[i], &ip, &s) < 0)
			return -1;
		pb_str_always(b, 1, s ? s : "");
	}
	return 0;
}

char *tx_resolve_path(const struct txctx *ctx, const char *path)
{
	char *joined = path_join(ctx->config_dir, path);
	char *clean = path_clean(joined);

	free(joined);
	return clean;
}

enum org_kind { ORG_OF_ORDERER, ORG_OF_APPLICATION, ORG_OF_CONSORTIUM };

static const char *const org_keys[] = { "Name", "ID", "MSPDir", "MSPType", "Policies", "AnchorPeers",
					 "OrdererEndpoints", "AdminPrincipal", "SkipAsForeign", NULL };

/* An orderer org's Endpoints, which V3_0 requires. */
static int org_endpoints(const struct txctx *ctx, const struct ynode *o, const struct ypath *p,
			 const char *name, const struct ynode *endpoints, struct cgroup *g)
{
	struct ypath ep = YPATH_KEY(p, "OrdererEndpoints");
	struct pbuf b = {0};

	if (endpoints && endpoints->n) {
		if (string_list(endpoints, p, "OrdererEndpoints", &b) < 0) {
			pb_free(&b);
			return -1;
		}
		put_value(g, "Endpoints", ADMINS, &b);
	} else if (ctx->v3) {
		yerror(o, &ep, "required with the channel capability V3_0, and missing: the addresses of "
		       "org %s's orderers (configtxgen 3.1 refuses an orderer org without them)", name);
		return -1;
	}
	return 0;
}

/* An org's MSP: ID, MSPType and MSPDir checked, and the directory read into b. */
static int org_msp(const struct txctx *ctx, const struct ynode *o, const struct ypath *p, const char *id,
		   const char *mspdir, const char *msptype, struct pbuf *b, struct msp_facts *facts)
{
	struct ypath dp = YPATH_KEY(p, "MSPDir");
	char *dir;
	int rc;

	if (!id || !*id) {
		struct ypath ip = YPATH_KEY(p, "ID");

		yerror(o, &ip, "required, and missing (the MSP ID that policies name)");
		return -1;
	}
	if (msptype && *msptype && strcmp(msptype, "bccsp") != 0) {
		struct ypath tp = YPATH_KEY(p, "MSPType");

		yerror(ymap_get_nocase(o, "MSPType"), &tp, strcmp(msptype, "idemix") == 0 ?
		       "MSPType idemix is not supported by txgen" :
		       "unknown MSP type \"%s\" (expected bccsp)", msptype);
		return -1;
	}
	if (!mspdir || !*mspdir) {
		yerror(o, &dp, "required, and missing (the org's MSP directory)");
		return -1;
	}
	dir = tx_resolve_path(ctx, mspdir);
	rc = msp_load(dir, id, ymap_get_nocase(o, "MSPDir"), &dp, b, facts);
	free(dir);
	return rc;
}

/* An application org's AnchorPeers value, from its list of Host and Port. */
static int org_anchor_peers(const struct ynode *anchors, const struct ypath *p, struct cgroup *g)
{
	static const char *const keys[] = { "Host", "Port", NULL };
	struct ypath ap = YPATH_KEY(p, "AnchorPeers");
	struct pbuf b = {0};

	for (size_t i = 0; i < anchors->n; i++) {
		const struct ynode *a = anchors->items[i];
		struct ypath ip = YPATH_INDEX(&ap, i), pp = YPATH_KEY(&ip, "Port");
		const char *host = NULL;
		long long port = 0;

		if (a->kind != Y_MAP) {
			yerror(a, &ip, "expected a mapping with Host and Port, got %s", ynode_kind_name(a));
			goto fail;
		}
		if (ymap_check_keys_nocase(a, &ip, keys) || get_str(a, "Host", &ip, &host) < 0 ||
		    yget_int(ymap_get_nocase(a, "Port"), &pp, 0, 65535, &port) < 0)
			goto fail;
		if (!host || !*host || port == 0) {
			yerror(a, &ip, "an anchor peer needs a Host and a Port");
			goto fail;
		}
		size_t m = pb_begin(&b, 1);

		pb_str(&b, 1, host);
		pb_int(&b, 2, port);
		pb_end(&b, m);
	}
	put_value(g, "AnchorPeers", ADMINS, &b);
	return 0;
fail:
	pb_free(&b);
	return -1;
}

/* An org's group: MSP, policies, and Endpoints or AnchorPeers by kind. */
static struct cgroup *org_group(struct txctx *ctx, const struct ynode *o, const struct ypath *p,
				enum org_kind kind, const char **name_out)
{
	const char *name = NULL, *id = NULL, *mspdir = NULL, *msptype = NULL;
	const struct ynode *pols, *anchors, *endpoints;
	struct ypath sp = YPATH_KEY(p, "SkipAsForeign");
	struct cgroup *g;
	struct pbuf b = {0};
	bool skip = false;
	struct msp_facts facts;

	if (o->kind != Y_MAP) {
		yerror(o, p, "expected an organization (a mapping), got %s", ynode_kind_name(o));
		return NULL;
	}
	if (ymap_check_keys_nocase(o, p, org_keys) || get_str(o, "Name", p, &name) < 0 ||
	    get_str(o, "ID", p, &id) < 0 || get_str(o, "MSPDir", p, &mspdir) < 0 ||
	    get_str(o, "MSPType", p, &msptype) < 0 || get_map(o, "Policies", p, &pols) < 0 ||
	    get_seq(o, "AnchorPeers", p, &anchors) < 0 ||
	    get_seq(o, "OrdererEndpoints", p, &endpoints) < 0 ||
	    yget_bool(ymap_get_nocase(o, "SkipAsForeign"), &sp, &skip) < 0)
		return NULL;
	if (!name || !*name) {
		struct ypath np = YPATH_KEY(p, "Name");

		yerror(o, &np, "required, and missing (the org's group in the channel is named after it)");
		return NULL;
	}
	*name_out = name;
	g = cg_new(ADMINS);
	if (skip)
		return g;
	if (org_msp(ctx, o, p, id, mspdir, msptype, &b, &facts) < 0)
		goto fail;
	ctx->orgs = xgrow(ctx->orgs, &ctx->caporgs, ctx->norgs + 1, sizeof(*ctx->orgs));
	ctx->orgs[ctx->norgs++] = (struct org_seen){ name, id, o, facts };
	if (add_policies(ctx, g, o, pols, p, "an organization", false) < 0)
		goto fail;
	put_value(g, "MSP", ADMINS, &b);

	if (kind == ORG_OF_ORDERER && org_endpoints(ctx, o, p, name, endpoints, g) < 0)
		goto fail;
	if (kind == ORG_OF_APPLICATION && anchors && anchors->n && org_anchor_peers(anchors, p, g) < 0)
		goto fail;
	return g;
fail:
	pb_free(&b);
	cg_free(g);
	return NULL;
}

/* The orgs of an Organizations list, each a sub-group of g named after it. */
static int add_orgs(struct txctx *ctx, struct cgroup *g, const struct ynode *parent,
		    const struct ypath *p, enum org_kind kind)
{
	const struct ynode *orgs;
	struct ypath op = YPATH_KEY(p, "Organizations");

	if (get_seq(parent, "Organizations", p, &orgs) < 0)
		return -1;
	for (size_t i = 0; orgs && i < orgs->n; i++) {
		struct ypath ip = YPATH_INDEX(&op, i);
		const char *name = NULL;
		struct cgroup *og = org_group(ctx, orgs->items[i], &ip, kind, &name);

		if (!og)
			return -1;
		if (cg_group(g, name)) {
			yerror(orgs->items[i], &ip, "a second organization named \"%s\" in this list", name);
			cg_free(og);
			return -1;
		}
		cg_add_group(g, name, og);
	}
	return 0;
}

static const char *const orderer_keys[] = { "OrdererType", "Addresses", "BatchTimeout", "BatchSize",
					     "Kafka", "EtcdRaft", "ConsenterMapping", "SmartBFT",
					     "Organizations", "MaxChannels", "Capabilities", "Policies", NULL };

/* The TLS certificates of a consenter, read from disk into data (free both). */
static int consenter_certs(const struct txctx *ctx, const struct ynode *c, const struct ypath *ip,
			   const char *host, uint32_t port, char *data[2], size_t len[2])
{
	static const char *const cert_keys[] = { "ClientTLSCert", "ServerTLSCert" };
	const char *certs[2] = { NULL, NULL };

	if (get_str(c, "ClientTLSCert", ip, &certs[0]) < 0 || get_str(c, "ServerTLSCert", ip, &certs[1]) < 0)
		return -1;
	if (!host || !*host || !port) {
		yerror(c, ip, "a consenter needs a Host and a Port");
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		struct ypath kp = YPATH_KEY(ip, cert_keys[k]);
		char *path;

		if (!certs[k] || !*certs[k]) {
			yerror(c, &kp, "required, and missing (consenter %s:%" PRIu32 ")", host, port);
			return -1;
		}
		path = tx_resolve_path(ctx, certs[k]);
		data[k] = read_file(path, &len[k]);
		if (!data[k]) {
			yerror(ymap_get_nocase(c, cert_keys[k]), &kp, "cannot load %s for consenter %s:%" PRIu32 ": %s",
			       path, host, port, strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

/* One etcdraft consenter: Host, Port and its certificates, as a Consenter message of b. */
static int raft_consenter(const struct txctx *ctx, const struct ynode *c, const struct ypath *ip,
			  struct pbuf *b)
{
	static const char *const cons_keys[] = { "Host", "Port", "ClientTLSCert", "ServerTLSCert", NULL };
	const char *host = NULL;
	uint32_t port = 0;
	char *data[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	int rc = -1;

	if (c->kind != Y_MAP) {
		yerror(c, ip, "expected a consenter (a mapping), got %s", ynode_kind_name(c));
		return -1;
	}
	if (ymap_check_keys_nocase(c, ip, cons_keys) || get_str(c, "Host", ip, &host) < 0 ||
	    tx_get_u32(c, "Port", ip, &port) < 0)
		return -1;
	if (consenter_certs(ctx, c, ip, host, port, data, len) == 0) {
		size_t m = pb_begin(b, 1);

		pb_str(b, 1, host);
		pb_uint(b, 2, port);
		pb_bytes(b, 3, data[0], len[0]);
		pb_bytes(b, 4, data[1], len[1]);
		pb_end(b, m);
		rc = 0;
	}
	free(data[0]);
	free(data[1]);
	return rc;
}

/* etcdraft's Options (2.5's defaults for what is left out), as the Options message of b. */
static int raft_options(const struct ynode *opts, const struct ypath *op, struct pbuf *b)
{
	static const char *const opt_keys[] = { "TickInterval", "ElectionTick", "HeartbeatTick",
						"MaxInflightBlocks", "SnapshotIntervalSize", NULL };
	const char *tick = NULL;
	uint32_t election = 0, heartbeat = 0, inflight = 0, snapshot = 0;
	int64_t ns;

	if (opts && (ymap_check_keys_nocase(opts, op, opt_keys) || get_str(opts, "TickInterval", op, &tick) < 0 ||
		     tx_get_u32(opts, "ElectionTick", op, &election) < 0 ||
		     tx_get_u32(opts, "HeartbeatTick", op, &heartbeat) < 0 ||
		     tx_get_u32(opts, "MaxInflightBlocks", op, &inflight) < 0 ||
		     tx_get_u32(opts, "SnapshotIntervalSize", op, &snapshot) < 0))
		return -1;
	if (!tick || !*tick)
		tick = "500ms";
	if (!election)
		election = 10;
	if (!heartbeat)
		heartbeat = 1;
	if (!inflight)
		inflight = 5;
	if (!snapshot)
		snapshot = 16 * 1024 * 1024;
	if (parse_go_duration(tick, &ns) < 0 || ns <= 0) {
		struct ypath tp = YPATH_KEY(op, "TickInterval");

		yerror(ymap_get_nocase(opts, "TickInterval"), &tp,
		       "\"%s\" is not a positive duration such as 500ms", tick);
		return -1;
	}
	if (election <= heartbeat) {
		struct ypath ep = YPATH_KEY(op, "ElectionTick");

		yerror(ymap_get_nocase(opts, "ElectionTick"), &ep,
		       "the election tick (%" PRIu32 ") must be greater than the heartbeat tick (%" PRIu32 ")",
		       election, heartbeat);
		return -1;
	}
	size_t m = pb_begin(b, 2);

	pb_str(b, 1, tick);
	pb_uint(b, 2, election);
	pb_uint(b, 3, heartbeat);
	pb_uint(b, 4, inflight);
	pb_uint(b, 5, snapshot);
	pb_end(b, m);
	return 0;
}

/* etcdraft ConfigMetadata: the consenters with their certificates, and the options. */
static int etcdraft_metadata(struct txctx *ctx, const struct ynode *ord, const struct ypath *p,
			     struct pbuf *b)
{
	static const char *const raft_keys[] = { "Consenters", "Options", NULL };
	const struct ynode *raft, *cons, *opts;
	struct ypath rp = YPATH_KEY(p, "EtcdRaft"), cp = YPATH_KEY(&rp, "Consenters"),
		     op = YPATH_KEY(&rp, "Options");

	if (get_map(ord, "EtcdRaft", p, &raft) < 0)
		return -1;
	if (!raft) {
		yerror(ord, &rp, "required with OrdererType etcdraft, and missing");
		return -1;
	}
	if (ymap_check_keys_nocase(raft, &rp, raft_keys) || get_seq(raft, "Consenters", &rp, &cons) < 0 ||
	    get_map(raft, "Options", &rp, &opts) < 0)
		return -1;
	if (!cons || cons->n == 0) {
		yerror(raft, &cp, "etcdraft needs at least one consenter");
		return -1;
	}
	for (size_t i = 0; i < cons->n; i++) {
		struct ypath ip = YPATH_INDEX(&cp, i);

		if (raft_consenter(ctx, cons->items[i], &ip, b) < 0)
			return -1;
	}
	return raft_options(opts, &op, b);
}

/*
 * The values of the consensus type: KafkaBrokers, BFT's Orderers (and
 * BlockValidation policy), the ConsensusType with its metadata.
 */
static int consensus(struct txctx *ctx, const struct ynode *ord, const struct ypath *p, const char *type,
		     struct cgroup *g)
{
	const struct ynode *kafka, *brokers = NULL;
	struct ypath kp = YPATH_KEY(p, "Kafka"), op = YPATH_KEY(p, "OrdererType");
	static const char *const kafka_keys[] = { "Brokers", NULL };
	struct pbuf b = {0}, meta = {0};
	int rc = -1;

	if (get_map(ord, "Kafka", p, &kafka) < 0 || (kafka && (ymap_check_keys_nocase(kafka, &kp, kafka_keys) ||
							       get_seq(kafka, "Brokers", &kp, &brokers) < 0)) ||
	    tx_bft_check(ord, p) < 0)
		goto out;
	if (strcmp(type, "kafka") == 0 && ctx->v3) {
		yerror(ymap_get_nocase(ord, "OrdererType"), &op, "orderer type kafka with the channel capability "
		       "V3_0: Fabric 3 has no kafka ordering (configtxgen 3.1 refuses it)");
		goto out;
	} else if (strcmp(type, "kafka") == 0) {
		if (brokers && string_list(brokers, p, "Brokers", &b) < 0)
			goto out;
		if (!brokers)
			pb_str(&b, 1, "127.0.0.1:9092");
		put_value(g, "KafkaBrokers", ADMINS, &b);
	} else if (strcmp(type, "etcdraft") == 0) {
		if (etcdraft_metadata(ctx, ord, p, &meta) < 0)
			goto out;
	} else if (strcmp(type, ORDERER_TYPE_BFT) == 0) {
		if (!ctx->v3) {
			yerror(ymap_get_nocase(ord, "OrdererType"), &op, "orderer type BFT needs the channel "
			       "capability V3_0 (Fabric 3) in the profile's Capabilities (configtxgen 3.1 refuses "
			       "it without)");
			goto out;
		}
		if (tx_bft_orderer(ctx, ord, p, g, &meta) < 0)
			goto out;
	} else if (strcmp(type, "solo") != 0) {
		/* (with V3_0, Fabric 3's list: kafka is gone) */
		yerror(ymap_get_nocase(ord, "OrdererType"), &op, "unknown orderer type \"%s\" (%s)", type,
		       strcasecmp(type, ORDERER_TYPE_BFT) == 0 ? "orderer types are case-sensitive: BFT" :
		       ctx->v3 ? "expected solo, etcdraft or BFT" : "expected solo, kafka or etcdraft");
		goto out;
	}
	pb_str(&b, 1, type);
	pb_bytes(&b, 2, meta.buf, meta.len);
	put_value(g, "ConsensusType", ADMINS, &b);
	rc = 0;
out:
	pb_free(&b);
	pb_free(&meta);
	return rc;
}

/* The Orderer section's BatchSize and BatchTimeout, with configtxgen's defaults. */
struct batch {
	uint32_t maxmsg, absmax, prefmax;
	int64_t ns;                     /* BatchTimeout */
};

static int read_batch(const struct ynode *ord, const struct ypath *p, const struct ynode *batch,
		      const char *timeout, struct batch *out)
{
	static const char *const batch_keys[] = { "MaxMessageCount", "AbsoluteMaxBytes",
						  "PreferredMaxBytes", NULL };
	struct ypath bp = YPATH_KEY(p, "BatchSize"), tp = YPATH_KEY(p, "BatchTimeout");

	*out = (struct batch){0};
	if (batch && (ymap_check_keys_nocase(batch, &bp, batch_keys) ||
		      tx_get_u32(batch, "MaxMessageCount", &bp, &out->maxmsg) < 0 ||
		      tx_get_u32(batch, "AbsoluteMaxBytes", &bp, &out->absmax) < 0 ||
		      tx_get_u32(batch, "PreferredMaxBytes", &bp, &out->prefmax) < 0))
		return -1;
	if (!out->maxmsg)
		out->maxmsg = 500;
	if (!out->absmax)
		out->absmax = 10 * 1024 * 1024;
	if (!out->prefmax)
		out->prefmax = 2 * 1024 * 1024;
	if (timeout && *timeout) {
		if (parse_go_duration(timeout, &out->ns) < 0) {
			yerror(ymap_get_nocase(ord, "BatchTimeout"), &tp,
			       "\"%s\" is not a duration (such as 2s, 500ms or 1m30s)", timeout);
			return -1;
		}
		if (out->ns < 0) {
			yerror(ymap_get_nocase(ord, "BatchTimeout"), &tp,
			       "\"%s\" is negative: orderers refuse a batch timeout that is not positive",
			       timeout);
			return -1;
		}
	}
	if (out->ns == 0)
		out->ns = 2000000000;
	if (out->prefmax > out->absmax) {
		yerror(batch, &bp, "PreferredMaxBytes (%" PRIu32 ") is greater than AbsoluteMaxBytes (%" PRIu32
		       "): orderers refuse such a channel config", out->prefmax, out->absmax);
		return -1;
	}
	return 0;
}

/* The BatchSize, BatchTimeout and ChannelRestrictions values of the Orderer group g. */
static void put_batch(struct cgroup *g, const struct batch *bt, long long maxchannels)
{
	struct pbuf b = {0};
	struct strbuf sb = {0};

	pb_uint(&b, 1, bt->maxmsg);
	pb_uint(&b, 2, bt->absmax);
	pb_uint(&b, 3, bt->prefmax);
	put_value(g, "BatchSize", ADMINS, &b);
	format_go_duration(&sb, (uint64_t)bt->ns);
	pb_str(&b, 1, sb.buf);
	sb_free(&sb);
	put_value(g, "BatchTimeout", ADMINS, &b);
	pb_uint(&b, 1, (uint64_t)maxchannels);
	put_value(g, "ChannelRestrictions", ADMINS, &b);
}

/* The Orderer group of a profile; *typep is its consensus type. */
static struct cgroup *orderer_group(struct txctx *ctx, const struct ynode *ord, const struct ypath *p,
				    const char **typep)
{
	const char *type = NULL, *timeout = NULL;
	const struct ynode *batch, *caps, *pols;
	struct ypath mp = YPATH_KEY(p, "MaxChannels");
	long long maxchannels = 0;
	struct batch bt;
	struct cgroup *g = cg_new(ADMINS);

	if (ymap_check_keys_nocase(ord, p, orderer_keys) || get_str(ord, "OrdererType", p, &type) < 0 ||
	    get_str(ord, "BatchTimeout", p, &timeout) < 0 || get_map(ord, "BatchSize", p, &batch) < 0 ||
	    get_map(ord, "Capabilities", p, &caps) < 0 || get_map(ord, "Policies", p, &pols) < 0 ||
	    yget_int(ymap_get_nocase(ord, "MaxChannels"), &mp, 0, INT64_MAX, &maxchannels) < 0 ||
	    read_batch(ord, p, batch, timeout, &bt) < 0)
		goto fail;
	/* configtxgen's default */
	if (!type || !*type)
		type = "solo";
	if (add_policies(ctx, g, ord, pols, p, "the Orderer section", true) < 0)
		goto fail;
	put_batch(g, &bt, maxchannels);
	if (add_capabilities(g, caps, p, ADMINS) < 0 || consensus(ctx, ord, p, type, g) < 0)
		goto fail;
	*typep = type;
	if (add_orgs(ctx, g, ord, p, ORG_OF_ORDERER) < 0)
		goto fail;
	return g;
fail:
	cg_free(g);
	return NULL;
}

static struct cgroup *application_group(struct txctx *ctx, const struct ynode *app, const struct ypath *p)
{
	static const char *const keys[] = { "Organizations", "Capabilities", "Policies", "ACLs", NULL };
	const struct ynode *caps, *pols, *acls;
	struct cgroup *g = cg_new(ADMINS);
	struct pbuf b = {0};

	if (ymap_check_keys_nocase(app, p, keys) || get_map(app, "Capabilities", p, &caps) < 0 ||
	    get_map(app, "Policies", p, &pols) < 0 || get_map(app, "ACLs", p, &acls) < 0 ||
	    add_policies(ctx, g, app, pols, p, "the Application section", false) < 0)
		goto fail;
	if (acls && acls->n) {
		struct ypath ap = YPATH_KEY(p, "ACLs");
		const char **sorted = xcalloc(acls->n, sizeof(*sorted));

		/* map<string, APIResource{policy_ref}> in key order */
		for (size_t i = 0; i < acls->n; i++)
			sorted[i] = acls->pairs[i].key->str;
		qsort(sorted, acls->n, sizeof(*sorted), cmp_str);
		for (size_t i = 0; i < acls->n; i++) {
			const char *ref = NULL;
			struct ypath kp = YPATH_KEY(&ap, sorted[i]);

			if (yget_str(ymap_get(acls, sorted[i]), &kp, &ref) < 0) {
				free(sorted);
				goto fail;
			}
			size_t e = pb_begin(&b, 1), v;

			pb_str_always(&b, 1, sorted[i]);
			v = pb_begin(&b, 2);
			pb_str(&b, 1, ref);
			pb_end(&b, v);
			pb_end(&b, e);
		}
		free(sorted);
		put_value(g, "ACLs", ADMINS, &b);
	}
	if (add_capabilities(g, caps, p, ADMINS) < 0 ||
	    add_orgs(ctx, g, app, p, ORG_OF_APPLICATION) < 0)
		goto fail;
	return g;
fail:
	pb_free(&b);
	cg_free(g);
	return NULL;
}

static struct cgroup *consortiums_group(struct txctx *ctx, const struct ynode *cons, const struct ypath *p)
{
	static const char *const keys[] = { "Organizations", NULL };
	struct cgroup *g = cg_new(ORDERER_ADMINS);
	struct pbuf b = {0}, imp = {0};

	/* Admins: a signature policy that any set of signatures satisfies (NOutOf 0 of none) */
	pb_raw(&b, "\x12\x02\x12\x00", 4);
	cg_add_policy(g, ADMINS, ORDERER_ADMINS, 1, &b);
	pb_free(&b);
	for (size_t i = 0; i < cons->n; i++) {
		const char *name = cons->pairs[i].key->str;
		const struct ynode *c = cons->pairs[i].val;
		struct ypath cp = YPATH_KEY(p, name);
		struct cgroup *cg;

		if (c->kind != Y_MAP && !ynode_is_null(c)) {
			yerror(c, &cp, "expected a consortium (a mapping with Organizations), got %s",
			       ynode_kind_name(c));
			goto fail;
		}
		if (ymap_check_keys_nocase(c, &cp, keys))
			goto fail;
		cg = cg_new(ORDERER_ADMINS);
		if (add_orgs(ctx, cg, c, &cp, ORG_OF_CONSORTIUM) < 0) {
			cg_free(cg);
			goto fail;
		}
		/* ChannelCreationPolicy: Policy{IMPLICIT_META, ANY Admins} */
		implicit_meta_encode(IMPLICIT_ANY, ADMINS, &imp);
		pb_int(&b, 1, 3);
		pb_bytes(&b, 2, imp.buf, imp.len);
		pb_free(&imp);
		put_value(cg, "ChannelCreationPolicy", ORDERER_ADMINS, &b);
		cg_add_group(g, name, cg);
	}
	return g;
fail:
	cg_free(g);
	return NULL;
}

/* Does a channel capability name select MSP 1.4.3 or later (V1_4_3, V2_0, V3_0...)? */
static bool cap_at_least_143(const char *name)
{
	int v[3] = { 0, 0, 0 }, n = 0;
	const char *s = name;

	if (*s++ != 'V')
		return false;
	while (n < 3) {
		if (!isdigit((unsigned char)*s))
			return false;
		v[n++] = (int)strtol(s, (char **)&s, 10);
		if (*s != '_')
			break;
		s++;
	}
	if (*s)
		return false;
	return v[0] > 1 || (v[0] == 1 && (v[1] > 4 || (v[1] == 4 && v[2] >= 3)));
}

/*
 * Channel capability below V1_4_3 with an org whose admins are marked only
 * by the NodeOUs admin OU: MSPs before 1.4.3 know no admin OU, so no
 * signature can satisfy that org's admin role and the channel cannot be
 * created or changed.
 */
static int preflight_admin_ou(struct txctx *ctx, const struct ynode *profile, const struct ynode *caps,
			      const struct ypath *p)
{
	const char *highest = NULL;
	int bad = 0;

	for (size_t i = 0; caps && i < caps->n; i++) {
		bool on = false;

		yget_bool(caps->pairs[i].val, NULL, &on);
		if (!on)
			continue;
		if (cap_at_least_143(caps->pairs[i].key->str))
			return 0;
		highest = caps->pairs[i].key->str;
	}
	for (size_t i = 0; i < ctx->norgs; i++) {
		const struct org_seen *o = &ctx->orgs[i];
		struct ypath cp = YPATH_KEY(p, "Capabilities");
		bool dup = false;

		if (!o->facts.node_ous || !o->facts.admin_ou || o->facts.nadmins > 0)
			continue;
		for (size_t j = 0; j < i; j++)
			dup |= ctx->orgs[j].where == o->where;
		if (dup)
			continue;
		yerror(caps ? caps : profile, &cp,
		       "channel capability %s is below V1_4_3, and org %s (line %d) marks its admins only by "
		       "the NodeOUs admin OU (its admincerts is empty)", highest ? highest : "(none)",
		       o->name, o->where->line);
		bad++;
	}
	if (bad)
		warnf("note: before V1_4_3, peers and orderers use MSP 1.1 semantics, which know no admin OU: "
		      "no signature can satisfy '<MSP>.admin' and creating or updating the channel fails "
		      "(\"implicit policy evaluation failed\"); set V2_0 (or V1_4_3) in the channel "
		      "Capabilities, or use -skipPreflight to generate it anyway");
	return bad ? -1 : 0;
}

/*
 * A profile with Orderer and Application but no Consortiums makes the
 * genesis block of an application channel, which orderers take only
 * through channel participation, and that only for a cluster consensus:
 * a solo or kafka orderer refuses the join ("clusterConsenter is not a
 * consensus.ClusterConsenter").
 */
static int preflight_participation(const struct ynode *ord, const char *type, const struct ypath *p)
{
	struct ypath op = YPATH_KEY(p, "Orderer"), tp = YPATH_KEY(&op, "OrdererType");
	const struct ynode *at = ymap_get_nocase(ord, "OrdererType");

	if (strcmp(type, "solo") != 0 && strcmp(type, "kafka") != 0)
		return 0;
	yerror(at ? at : ord, at ? &tp : &op,
	       "orderer type %s in an application channel's genesis block (Orderer and Application, no "
	       "Consortiums): orderers join such a channel through channel participation, which needs "
	       "etcdraft (or BFT, Fabric 3); a %s orderer refuses the join", type, type);
	warnf("note: use OrdererType: etcdraft (with EtcdRaft Consenters) or BFT (with a ConsenterMapping), "
	      "or keep %s for a Fabric 2 system channel profile (Orderer and Consortiums); -skipPreflight generates "
	      "it anyway", type);
	return -1;
}

/*
 * A profile whose channel Capabilities turn V3_0 on is a Fabric 3 channel,
 * which configtxgen 3.1 builds by other rules (the key must be spelled
 * exactly so: Fabric looks it up in the map).
 */
static bool capability_v3(const struct ynode *caps)
{
	bool on = false;

	yget_bool(ymap_get(caps, CAPABILITY_V3_0), NULL, &on);
	return on;
}

/* Orderer.Addresses as the channel's OrdererAddresses; V3_0 takes none. */
static int orderer_addresses(const struct txctx *ctx, const struct ynode *ord, const struct ypath *p,
			     struct cgroup *g)
{
	const struct ynode *addrs;
	struct ypath op = YPATH_KEY(p, "Orderer"), ap = YPATH_KEY(&op, "Addresses");
	struct pbuf b = {0};

	if (!ord)
		return 0;
	if (get_seq(ord, "Addresses", &op, &addrs) < 0)
		return -1;
	if (!addrs || !addrs->n)
		return 0;
	if (ctx->v3) {
		yerror(addrs, &ap, "the channel capability V3_0 takes no channel-wide orderer addresses "
		       "(configtxgen 3.1 refuses them): list them as each orderer org's OrdererEndpoints");
		return -1;
	}
	if (string_list(addrs, &op, "Addresses", &b) < 0) {
		pb_free(&b);
		return -1;
	}
	put_value(g, "OrdererAddresses", ORDERER_ADMINS, &b);
	return 0;
}

/*
 * With V3_0 no orderer can use a system channel's genesis block: Fabric 3
 * has no system channel (its orderers refuse to start from one, or to
 * join one), and orderers before 3 do not have V3_0.
 */
static int preflight_system_v3(const struct ynode *cons, const struct ypath *p)
{
	struct ypath cp = YPATH_KEY(p, "Consortiums");

	yerror(cons, &cp, "a system channel's genesis block (Consortiums) with the channel capability V3_0: "
	       "Fabric 3's orderers have no system channel, and earlier ones do not know V3_0");
	warnf("note: configtxgen 3.1 writes it, with a warning; make an application channel's genesis block "
	      "(Orderer and Application, no Consortiums), which orderers join through the channel "
	      "participation API; -skipPreflight generates it anyway");
	return -1;
}

/* The sections of a profile (NULL: absent or null). */
struct sections {
	const struct ynode *ord, *app, *cons, *caps;
	const char *ord_type;           /* once the Orderer group is built */
};

/* The preflight checks of a whole profile, once every org is read. */
static int preflight(struct txctx *ctx, const struct ynode *profile, const struct ypath *p,
		     const struct sections *s)
{
	struct ypath op = YPATH_KEY(p, "Orderer");

	if (ctx->skip_preflight)
		return 0;
	if (preflight_admin_ou(ctx, profile, s->caps, p) < 0)
		return -1;
	if (ctx->genesis && s->ord && s->app && !s->cons && preflight_participation(s->ord, s->ord_type, p) < 0)
		return -1;
	if (ctx->genesis && ctx->v3 && s->ord && s->cons && preflight_system_v3(s->cons, p) < 0)
		return -1;
	if (s->ord && strcmp(s->ord_type, ORDERER_TYPE_BFT) == 0 && tx_bft_preflight_msps(ctx, s->ord, &op) < 0)
		return -1;
	return 0;
}

static const char *const profile_keys[] = { "Consortium", "Application", "Orderer", "Consortiums",
					     "Capabilities", "Policies", NULL };

/* The Orderer, Application and Consortiums groups of a profile's sections. */
static int sub_groups(struct txctx *ctx, struct cgroup *g, const struct ypath *p, struct sections *s)
{
	struct ypath op = YPATH_KEY(p, "Orderer"), ap = YPATH_KEY(p, "Application"),
		     cp = YPATH_KEY(p, "Consortiums");
	struct cgroup *sub;

	if (s->ord) {
		if (!(sub = orderer_group(ctx, s->ord, &op, &s->ord_type)))
			return -1;
		cg_add_group(g, "Orderer", sub);
	}
	if (s->app) {
		if (!(sub = application_group(ctx, s->app, &ap)))
			return -1;
		cg_add_group(g, "Application", sub);
	}
	if (s->cons) {
		if (!(sub = consortiums_group(ctx, s->cons, &cp)))
			return -1;
		cg_add_group(g, "Consortiums", sub);
	}
	return 0;
}

struct cgroup *tx_channel_group(struct txctx *ctx, const struct ynode *profile, const char *name)
{
	struct ypath top = YPATH_KEY(NULL, "Profiles"), p = YPATH_KEY(&top, name);
	struct sections s = {0};
	const struct ynode *pols;
	const char *consortium = NULL;
	struct cgroup *g = cg_new(ADMINS);
	struct pbuf b = {0};

	ctx->norgs = 0;
	ctx->v3 = false;
	if (profile->kind != Y_MAP) {
		yerror(profile, &p, "expected a profile (a mapping), got %s", ynode_kind_name(profile));
		goto fail;
	}
	if (ymap_check_keys_nocase(profile, &p, profile_keys) || get_str(profile, "Consortium", &p, &consortium) < 0 ||
	    get_map(profile, "Orderer", &p, &s.ord) < 0 || get_map(profile, "Application", &p, &s.app) < 0 ||
	    get_map(profile, "Consortiums", &p, &s.cons) < 0 ||
	    get_map(profile, "Capabilities", &p, &s.caps) < 0 || get_map(profile, "Policies", &p, &pols) < 0)
		goto fail;
	ctx->v3 = capability_v3(s.caps);
	if (!pols) {
		yerror(profile, &p, "no channel-level Policies: Fabric 2.x needs Readers, Writers and Admins "
		       "here (configtxgen fails with \"no policies defined\"); merge the defaults in, e.g. "
		       "<<: *ChannelDefaults");
		goto fail;
	}
	if (add_policies(ctx, g, profile, pols, &p, "the channel", false) < 0)
		goto fail;
	pb_str(&b, 1, "SHA256");
	put_value(g, "HashingAlgorithm", ADMINS, &b);
	pb_uint(&b, 1, 0xffffffffu);
	put_value(g, "BlockDataHashingStructure", ADMINS, &b);
	if (orderer_addresses(ctx, s.ord, &p, g) < 0)
		goto fail;
	if (consortium && *consortium) {
		pb_str(&b, 1, consortium);
		put_value(g, "Consortium", ADMINS, &b);
	}
	if (add_capabilities(g, s.caps, &p, ADMINS) < 0 || sub_groups(ctx, g, &p, &s) < 0 ||
	    preflight(ctx, profile, &p, &s) < 0)
		goto fail;
	return g;
fail:
	pb_free(&b);
	cg_free(g);
	return NULL;
}

const char *tx_org_name_by_id(const struct txctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->norgs; i++)
		if (strcmp(ctx->orgs[i].id, id) == 0)
			return ctx->orgs[i].name;
	return NULL;
}

struct cgroup *tx_print_org(struct txctx *ctx, const char *name)
{
	const struct ynode *orgs;
	struct ypath op = YPATH_KEY(NULL, "Organizations");

	ctx->v3 = false;        /* an org of its own, outside any profile */
	if (get_seq(ctx->root, "Organizations", NULL, &orgs) < 0)
		return NULL;
	for (size_t i = 0; orgs && i < orgs->n; i++) {
		const char *n = NULL;
		struct ypath ip = YPATH_INDEX(&op, i);

		if (get_str(orgs->items[i], "Name", &ip, &n) < 0)
			return NULL;
		if (n && strcmp(n, name) == 0)
			return org_group(ctx, orgs->items[i], &ip, ORG_OF_ORDERER, &n);
	}
	warnf("%s: organization %s not found (no entry of Organizations has this Name)",
	      ctx->file->name, name);
	return NULL;
}

static const char *const top_keys[] = { "Profiles", "Organizations", "Channel", "Application",
					 "Orderer", "Capabilities", NULL };

/* The checks every configtx.yaml gets once loaded. */
static int check_root(struct txctx *ctx)
{
	if (ctx->root->kind != Y_MAP) {
		yerror(ctx->root, NULL, "expected a mapping, got %s", ynode_kind_name(ctx->root));
		return -1;
	}
	return ymap_check_keys_nocase(ctx->root, NULL, top_keys) ? -1 : 0;
}

int tx_load(struct txctx *ctx, const char *path)
{
	ctx->file = yfile_load_one(path, &ctx->root);
	if (!ctx->file)
		return -1;
	ctx->config_dir = path_dirname(path);
	return check_root(ctx);
}

int tx_load_mem(struct txctx *ctx, const char *name, const char *buf, size_t len,
		const char *config_dir)
{
	ctx->config_dir = xstrdup(config_dir);
	ctx->file = yfile_load_mem(name, buf, len);
	if (!ctx->file)
		return -1;
	if (ctx->file->ndocs != 1) {
		if (ctx->file->ndocs == 0)
			warnf("%s: the file holds no YAML document", name);
		else
			warnf("%s: expected one YAML document, found %zu", name, ctx->file->ndocs);
		return -1;
	}
	ctx->root = ctx->file->docs[0];
	return check_root(ctx);
}

void tx_free(struct txctx *ctx)
{
	yfile_free(ctx->file);
	free(ctx->config_dir);
	free(ctx->orgs);
	memset(ctx, 0, sizeof(*ctx));
}

const struct ynode *tx_profile(struct txctx *ctx, const char *name)
{
	const struct ynode *profiles, *p;
	struct strbuf known = {0};

	if (get_map(ctx->root, "Profiles", NULL, &profiles) < 0)
		return NULL;
	if ((p = ymap_get(profiles, name)))
		return p;
	for (size_t i = 0; profiles && i < profiles->n; i++)
		sb_addf(&known, "%s%s", i ? ", " : "", profiles->pairs[i].key->str);
	if (known.len)
		warnf("%s: unknown profile %s (the profiles are: %s)", ctx->file->name, name, known.buf);
	else
		warnf("%s: unknown profile %s (the file has no Profiles)", ctx->file->name, name);
	sb_free(&known);
	return NULL;
}
