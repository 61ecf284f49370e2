/*
 * bft.c - BFT (SmartBFT) ordering, Fabric 3's, in a profile's Orderer
 * section, encoded as configtxgen 3.1 encodes it: the SmartBFT options
 * become the ConsensusType metadata (smartbft.Options), the
 * ConsenterMapping the Orderer group's Orderers value (common.Orderers),
 * and the BlockValidation policy a quorum of the consenters' signing
 * identities.  The preflight checks refuse what Fabric 3's orderers refuse
 * at run time: the SmartBFT library's checks of its configuration, the
 * consenters' IDs, certificates and MSPs.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/duration.h"
#include "base/fsutil.h"
#include "fabric/configtx.h"
#include "base/util.h"

enum opt_kind { OPT_U64, OPT_TEXT, OPT_BOOL, OPT_ROTATION };

/*
 * The SmartBFT options in the field order of smartbft.Options (field
 * number = index + 1).  dflt is what configtxgen 3.1 writes when the
 * SmartBFT section is absent or null: the SmartBFT library's defaults
 * (v1.0.1, Fabric 3.1's), NULL for an option it leaves at zero.  Given a
 * section, configtxgen fills in nothing: what the section leaves out is
 * zero, or empty.
 */
static const struct bft_option {
	const char *key;
	enum opt_kind kind;
	const char *dflt;
} options[] = {
	{ "RequestBatchMaxCount", OPT_U64, "100" },
	{ "RequestBatchMaxBytes", OPT_U64, "10485760" },
	{ "RequestBatchMaxInterval", OPT_TEXT, "50ms" },
	{ "IncomingMessageBufferSize", OPT_U64, "200" },
	{ "RequestPoolSize", OPT_U64, "400" },
	{ "RequestForwardTimeout", OPT_TEXT, "2s" },
	{ "RequestComplainTimeout", OPT_TEXT, "20s" },
	{ "RequestAutoRemoveTimeout", OPT_TEXT, "3m0s" },
	{ "RequestMaxBytes", OPT_U64, NULL },
	{ "ViewChangeResendInterval", OPT_TEXT, "5s" },
	{ "ViewChangeTimeout", OPT_TEXT, "20s" },
	{ "LeaderHeartbeatTimeout", OPT_TEXT, "1m0s" },
	{ "LeaderHeartbeatCount", OPT_U64, "10" },
	{ "CollectTimeout", OPT_TEXT, "1s" },
	{ "SyncOnStart", OPT_BOOL, NULL },
	{ "SpeedUpViewChange", OPT_BOOL, NULL },
	{ "LeaderRotation", OPT_ROTATION, NULL },
	{ "DecisionsPerLeader", OPT_U64, NULL },
};

/* The options the preflight checks look at, by index. */
enum {
	NOPTIONS = sizeof(options) / sizeof(*options),
	O_BUFFER = 3, O_POOL = 4, O_FORWARD = 5, O_COMPLAIN = 6, O_REMOVE = 7, O_RESEND = 9,
	O_VIEW_CHANGE = 10, O_HEARTBEAT_COUNT = 12, O_ROTATION = 16,
	ROTATION_ON = 2,                /* smartbft.Options.Rotation */
	PRINCIPAL_IDENTITY = 2,         /* MSPPrincipal.Classification */
};
/* What SmartBFT needs above zero, and which timeout may not outlast which. */
static const int positive[] = { O_BUFFER, O_POOL, O_HEARTBEAT_COUNT };
static const int not_longer[][2] = { { O_FORWARD, O_COMPLAIN }, { O_COMPLAIN, O_REMOVE },
				     { O_RESEND, O_VIEW_CHANGE } };

struct bft_opts {
	const struct ynode *section;            /* the SmartBFT mapping; NULL: the defaults */
	const struct ynode *node[NOPTIONS];     /* each option's value, NULL when not given */
	uint64_t num[NOPTIONS];                 /* numbers, booleans, the rotation */
	const char *text[NOPTIONS];             /* durations, as written */
};

enum { CERT_IDENTITY, CERT_CLIENT, CERT_SERVER, NCERTS };
static const char *const cert_keys[NCERTS] = { "Identity", "ClientTLSCert", "ServerTLSCert" };
static const char *const consenter_keys[] = { "ID", "Host", "Port", "MSPID", "Identity", "ClientTLSCert",
					       "ServerTLSCert", NULL };

struct consenter {
	const struct ynode *node;
	uint32_t id, port;
	const char *host, *msp_id, *path[NCERTS];
	char *data[NCERTS];                     /* the files' bytes, once loaded */
	size_t len[NCERTS];
};

struct consenters {
	const struct ynode *seq;                /* ConsenterMapping */
	struct consenter *c;
	size_t n;
};

static void consenters_free(struct consenters *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		for (int k = 0; k < NCERTS; k++)
			free(cs->c[i].data[k]);
	free(cs->c);
	memset(cs, 0, sizeof(*cs));
}

/* ---- reading ---- */

/* A uint64 as configtxgen reads one here: plain digits (or 0x hex), no sign and no size unit. */
static int get_u64(const struct ynode *n, const struct ypath *p, uint64_t *out)
{
	const char *s = n->kind == Y_SCALAR ? n->str : "";
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (n->kind != Y_SCALAR || !isxdigit((unsigned char)s[hex ? 2 : 0]) || !isdigit((unsigned char)s[0]) ||
	    *end || errno == ERANGE) {
		yerror(n, p, "expected a whole number up to 18446744073709551615 (configtxgen takes no size "
		       "unit here), got %s", n->kind == Y_SCALAR ? s : ynode_kind_name(n));
		return -1;
	}
	*out = v;
	return 0;
}

/* LeaderRotation: the enum's number, as configtxgen reads it (it refuses the names). */
static int get_rotation(const struct ynode *n, const struct ypath *p, uint64_t *out)
{
	if (n->kind != Y_SCALAR || n->len != 1 || n->str[0] < '0' || n->str[0] > '2') {
		yerror(n, p, "expected 0 (ROTATION_UNSPECIFIED), 1 (ROTATION_OFF) or 2 (ROTATION_ON), got %s",
		       n->kind == Y_SCALAR ? n->str : ynode_kind_name(n));
		return -1;
	}
	*out = (uint64_t)(n->str[0] - '0');
	return 0;
}

static int read_option(const struct ynode *n, const struct ypath *p, size_t i, struct bft_opts *o)
{
	bool on = false;

	switch (options[i].kind) {
	case OPT_U64:
		return get_u64(n, p, &o->num[i]);
	case OPT_TEXT:
		return yget_str(n, p, &o->text[i]);
	case OPT_BOOL:
		if (yget_bool(n, p, &on) < 0)
			return -1;
		o->num[i] = on;
		return 0;
	case OPT_ROTATION:
		return get_rotation(n, p, &o->num[i]);
	}
	return -1;
}

/* The SmartBFT section into o: what it gives, or configtxgen's defaults when it is absent or null. */
static int read_options(const struct ynode *ord, const struct ypath *p, struct bft_opts *o)
{
	struct ypath sp = YPATH_KEY(p, "SmartBFT");
	const char *keys[NOPTIONS + 1];

	memset(o, 0, sizeof(*o));
	if (yget_map(ymap_get_nocase(ord, "SmartBFT"), &sp, &o->section) < 0)
		return -1;
	for (size_t i = 0; !o->section && i < NOPTIONS; i++) {
		if (options[i].kind == OPT_TEXT)
			o->text[i] = options[i].dflt;
		else if (options[i].dflt)
			o->num[i] = strtoull(options[i].dflt, NULL, 10);
	}
	if (!o->section)
		return 0;
	for (size_t i = 0; i < NOPTIONS; i++)
		keys[i] = options[i].key;
	keys[NOPTIONS] = NULL;
	if (ymap_check_keys_nocase(o->section, &sp, keys))
		return -1;
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct ynode *n = ymap_get_nocase(o->section, options[i].key);
		struct ypath kp = YPATH_KEY(&sp, options[i].key);

		if (!n || ynode_is_null(n))
			continue;
		o->node[i] = n;
		if (read_option(n, &kp, i, o) < 0)
			return -1;
	}
	return 0;
}

static int read_consenter(const struct ynode *n, const struct ypath *ip, struct consenter *c)
{
	struct ypath hp = YPATH_KEY(ip, "Host"), mp = YPATH_KEY(ip, "MSPID");

	c->node = n;
	if (n->kind != Y_MAP) {
		yerror(n, ip, "expected a consenter (a mapping), got %s", ynode_kind_name(n));
		return -1;
	}
	if (ymap_check_keys_nocase(n, ip, consenter_keys) || tx_get_u32(n, "ID", ip, &c->id) < 0 ||
	    yget_str(ymap_get_nocase(n, "Host"), &hp, &c->host) < 0 || tx_get_u32(n, "Port", ip, &c->port) < 0 ||
	    yget_str(ymap_get_nocase(n, "MSPID"), &mp, &c->msp_id) < 0)
		return -1;
	for (int k = 0; k < NCERTS; k++) {
		struct ypath kp = YPATH_KEY(ip, cert_keys[k]);

		if (yget_str(ymap_get_nocase(n, cert_keys[k]), &kp, &c->path[k]) < 0)
			return -1;
	}
	return 0;
}

/* The entries of ConsenterMapping (the sequence may be absent: cs->n is 0). */
static int read_consenters(const struct ynode *ord, const struct ypath *p, struct consenters *cs)
{
	struct ypath mp = YPATH_KEY(p, "ConsenterMapping");

	memset(cs, 0, sizeof(*cs));
	if (yget_seq(ymap_get_nocase(ord, "ConsenterMapping"), &mp, &cs->seq) < 0)
		return -1;
	if (!cs->seq || !cs->seq->n)
		return 0;
	cs->c = xcalloc(cs->seq->n, sizeof(*cs->c));
	for (size_t i = 0; i < cs->seq->n; i++) {
		struct ypath ip = YPATH_INDEX(&mp, i);

		cs->n++;
		if (read_consenter(cs->seq->items[i], &ip, &cs->c[i]) < 0)
			return -1;
	}
	return 0;
}

int tx_bft_check(const struct ynode *ord, const struct ypath *p)
{
	struct bft_opts o;
	struct consenters cs = {0};
	int rc = read_options(ord, p, &o) < 0 || read_consenters(ord, p, &cs) < 0 ? -1 : 0;

	consenters_free(&cs);
	return rc;
}

/* What configtxgen requires of each consenter, in the order it checks them. */
static int require_consenter(const struct consenter *c, const struct ypath *ip)
{
	static const struct { int cert; const char *key, *what; } need[] = {
		{ CERT_CLIENT, "ClientTLSCert", "its TLS client certificate" },
		{ CERT_SERVER, "ServerTLSCert", "its TLS server certificate" },
		{ -1, "MSPID", "the MSP ID of its org" },
		{ CERT_IDENTITY, "Identity", "the certificate it signs blocks with" },
	};

	if (!c->host || !*c->host || !c->port) {
		yerror(c->node, ip, "a consenter needs a Host and a Port");
		return -1;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(*need); i++) {
		const char *v = need[i].cert < 0 ? c->msp_id : c->path[need[i].cert];
		struct ypath kp = YPATH_KEY(ip, need[i].key);

		if (!v || !*v) {
			yerror(c->node, &kp, "required, and missing: %s (consenter %s:%" PRIu32 ")", need[i].what,
			       c->host, c->port);
			return -1;
		}
	}
	return 0;
}

/* Read the consenter's three files, in configtxgen's order: client, server, identity. */
static int load_consenter(const struct txctx *ctx, struct consenter *c, const struct ypath *ip)
{
	static const int order[NCERTS] = { CERT_CLIENT, CERT_SERVER, CERT_IDENTITY };

	for (int i = 0; i < NCERTS; i++) {
		int k = order[i];
		struct ypath kp = YPATH_KEY(ip, cert_keys[k]);
		char *path = tx_resolve_path(ctx, c->path[k]);

		c->data[k] = read_file(path, &c->len[k]);
		if (!c->data[k]) {
			yerror(ymap_get_nocase(c->node, cert_keys[k]), &kp, "cannot load %s for consenter %s:%"
			       PRIu32 ": %s", path, c->host, c->port, strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

/* ---- preflight: what Fabric 3's orderers refuse ---- */

/* Is the first PEM block of the text a certificate, as the orderer reads it? */
static bool pem_certificate(const char *text, size_t len)
{
	BIO *bio = len <= INT_MAX ? BIO_new_mem_buf(text, (int)len) : NULL;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	X509 *x = NULL;

	if (bio && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1) {
		const unsigned char *q = der;

		x = d2i_X509(NULL, &q, dlen);
	}
	bool ok = x != NULL;

	X509_free(x);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	ERR_clear_error();
	return ok;
}

static int preflight_consenter(const struct consenters *cs, size_t i, const struct ypath *ip)
{
	const struct consenter *c = &cs->c[i];
	const struct ynode *idn = ymap_get_nocase(c->node, "ID");
	struct ypath idp = YPATH_KEY(ip, "ID");
	int bad = 0;

	if (c->id == 0) {
		yerror(idn ? idn : c->node, &idp, "consenter %s:%" PRIu32 " has the ID 0, which SmartBFT "
		       "refuses: number the consenters from 1", c->host, c->port);
		bad++;
	}
	for (size_t j = 0; c->id && j < i; j++) {
		if (cs->c[j].id == c->id) {
			yerror(idn, &idp, "consenter ID %" PRIu32 " again: ConsenterMapping[%zu] (line %d) has it, "
			       "and SmartBFT refuses two consenters with one ID", c->id, j, cs->c[j].node->line);
			bad++;
			break;
		}
	}
	for (int k = 0; k < NCERTS; k++) {
		struct ypath kp = YPATH_KEY(ip, cert_keys[k]);

		if (!pem_certificate(c->data[k], c->len[k])) {
			yerror(ymap_get_nocase(c->node, cert_keys[k]), &kp, "%s holds no PEM certificate: the "
			       "orderers refuse consenter %s:%" PRIu32, c->path[k], c->host, c->port);
			bad++;
		}
	}
	return bad;
}

/*
 * The options a SmartBFT section leaves out that the orderers need: every
 * timeout, and the counts that must be positive.  One message for all.
 */
static int preflight_missing(const struct bft_opts *o, const struct ypath *sp)
{
	struct strbuf names = {0};
	int bad;

	for (size_t i = 0; i < NOPTIONS; i++) {
		bool needed = options[i].kind == OPT_TEXT;

		for (size_t k = 0; k < sizeof(positive) / sizeof(*positive); k++)
			needed |= positive[k] == (int)i;
		if (needed && !o->node[i] && o->section)
			sb_addf(&names, "%s%s", names.len ? ", " : "", options[i].key);
	}
	bad = names.len > 0;
	if (bad)
		yerror(o->section, sp, "no %s: with a SmartBFT section configtxgen fills in no option, and "
		       "orderers refuse a channel without these", names.buf);
	sb_free(&names);
	return bad;
}

/* A SmartBFT timeout given, parsed: 0, or -1 after saying why the orderers refuse it. */
static int timeout_ns(const struct bft_opts *o, size_t i, const struct ypath *sp, int64_t *ns)
{
	struct ypath kp = YPATH_KEY(sp, options[i].key);
	const char *t = o->text[i] ? o->text[i] : "";

	if (parse_go_duration(t, ns) < 0 || *ns <= 0) {
		yerror(o->node[i], &kp, "\"%s\" is not a positive duration (such as 2s, 500ms or 1m30s): "
		       "orderers refuse the channel", t);
		return -1;
	}
	return 0;
}

/* SmartBFT's own checks of its configuration (the options the orderer does not take from BatchSize). */
static int preflight_options(const struct bft_opts *o, const struct ypath *p)
{
	struct ypath sp = YPATH_KEY(p, "SmartBFT");
	int64_t ns[NOPTIONS] = {0};
	bool timed[NOPTIONS] = {0};
	int bad = preflight_missing(o, &sp);

	for (size_t i = 0; i < NOPTIONS; i++) {
		if (options[i].kind != OPT_TEXT || (o->section && !o->node[i]))
			continue;
		timed[i] = timeout_ns(o, i, &sp, &ns[i]) == 0;
		bad += !timed[i];
	}
	for (size_t k = 0; k < sizeof(positive) / sizeof(*positive); k++) {
		int i = positive[k];
		struct ypath kp = YPATH_KEY(&sp, options[i].key);

		if (o->node[i] && o->num[i] == 0) {
			yerror(o->node[i], &kp, "zero: orderers refuse a channel without a positive %s",
			       options[i].key);
			bad++;
		}
	}
	for (size_t k = 0; k < sizeof(not_longer) / sizeof(*not_longer); k++) {
		int a = not_longer[k][0], b = not_longer[k][1];
		struct ypath kp = YPATH_KEY(&sp, options[a].key);

		if (timed[a] && timed[b] && ns[a] > ns[b]) {
			yerror(o->node[a] ? o->node[a] : o->section, &kp, "%s (%s) is longer than %s (%s): "
			       "orderers refuse the channel", options[a].key, o->text[a], options[b].key,
			       o->text[b]);
			bad++;
		}
	}
	if (o->num[O_ROTATION] == ROTATION_ON) {
		struct ypath kp = YPATH_KEY(&sp, options[O_ROTATION].key);

		yerror(o->node[O_ROTATION], &kp, "2 (ROTATION_ON): Fabric 3's orderers refuse every config "
		       "update of a channel whose leader rotation is on");
		bad++;
	}
	return bad;
}

/* ---- encoding ---- */

static void put_orderers(const struct consenters *cs, struct cgroup *g)
{
	struct pbuf b = {0};

	for (size_t i = 0; i < cs->n; i++) {
		const struct consenter *c = &cs->c[i];
		size_t m = pb_begin(&b, 1);     /* Orderers.consenter_mapping: Consenter */

		pb_uint(&b, 1, c->id);
		pb_str(&b, 2, c->host);
		pb_uint(&b, 3, c->port);
		pb_str(&b, 4, c->msp_id);
		pb_bytes(&b, 5, c->data[CERT_IDENTITY], c->len[CERT_IDENTITY]);
		pb_bytes(&b, 6, c->data[CERT_CLIENT], c->len[CERT_CLIENT]);
		pb_bytes(&b, 7, c->data[CERT_SERVER], c->len[CERT_SERVER]);
		pb_end(&b, m);
	}
	cg_add_value(g, ORDERERS, ADMINS, &b);
	pb_free(&b);
}

/*
 * BlockValidation: the signatures of a quorum of the consenters' signing
 * identities, ceil((n + f + 1) / 2) of n with f = (n - 1) / 3 faulty, as
 * configtxgen and the orderers compute it; its mod_policy stays.
 */
static void put_block_validation(const struct consenters *cs, struct cgroup *g)
{
	const struct cpolicy *old = cg_policy(g, BLOCK_VALIDATION);
	char *mod = xstrdup(old ? old->mod_policy : ADMINS);   /* (replacing frees old's) */
	size_t f = (cs->n - 1) / 3, m, r;
	struct pbuf b = {0};

	m = pb_begin(&b, 2);            /* SignaturePolicyEnvelope.rule: n_out_of */
	r = pb_begin(&b, 2);
	pb_int(&b, 1, (int64_t)((cs->n + f + 2) / 2));
	for (size_t i = 0; i < cs->n; i++) {
		size_t k = pb_begin(&b, 2);

		pb_int_always(&b, 1, (int64_t)i);       /* signed_by */
		pb_end(&b, k);
	}
	pb_end(&b, r);
	pb_end(&b, m);
	for (size_t i = 0; i < cs->n; i++) {
		size_t id = pb_begin(&b, 3), pr;        /* MSPPrincipal{IDENTITY, SerializedIdentity} */

		pb_uint(&b, 1, PRINCIPAL_IDENTITY);
		pr = pb_begin(&b, 2);
		pb_str(&b, 1, cs->c[i].msp_id);
		pb_bytes(&b, 2, cs->c[i].data[CERT_IDENTITY], cs->c[i].len[CERT_IDENTITY]);
		pb_end(&b, pr);
		pb_end(&b, id);
	}
	cg_add_policy(g, BLOCK_VALIDATION, mod, 1, &b);
	pb_free(&b);
	free(mod);
}

static void put_options(const struct bft_opts *o, struct pbuf *meta)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (options[i].kind == OPT_TEXT)
			pb_str(meta, (uint32_t)i + 1, o->text[i]);
		else
			pb_uint(meta, (uint32_t)i + 1, o->num[i]);
	}
}

/* ---- the Orderer section ---- */

/* Every consenter has what configtxgen requires, and its files read: 0 or -1. */
static int load_consenters(const struct txctx *ctx, struct consenters *cs, const struct ynode *ord,
			   const struct ypath *p)
{
	struct ypath mp = YPATH_KEY(p, "ConsenterMapping");

	if (!cs->n) {
		yerror(cs->seq ? cs->seq : ord, &mp, "BFT needs at least one consenter");
		return -1;
	}
	for (size_t i = 0; i < cs->n; i++) {
		struct ypath ip = YPATH_INDEX(&mp, i);

		if (require_consenter(&cs->c[i], &ip) < 0 || load_consenter(ctx, &cs->c[i], &ip) < 0)
			return -1;
	}
	return 0;
}

/* The preflight checks of the options and consenters: 0, or -1 after every fault and a note. */
static int preflight_bft(const struct bft_opts *o, const struct consenters *cs, const struct ypath *p)
{
	struct ypath mp = YPATH_KEY(p, "ConsenterMapping");
	int bad = preflight_options(o, p);

	for (size_t i = 0; i < cs->n; i++) {
		struct ypath ip = YPATH_INDEX(&mp, i);

		bad += preflight_consenter(cs, i, &ip);
	}
	if (bad)
		warnf("note: Fabric 3's orderers check the SmartBFT options and the consenters when they "
		      "take the channel, and refuse what is above; -skipPreflight generates it anyway");
	return bad ? -1 : 0;
}

int tx_bft_orderer(struct txctx *ctx, const struct ynode *ord, const struct ypath *p,
		   struct cgroup *g, struct pbuf *meta)
{
	struct bft_opts o;
	struct consenters cs = {0};
	int rc = -1;

	if (read_options(ord, p, &o) < 0 || read_consenters(ord, p, &cs) < 0 ||
	    load_consenters(ctx, &cs, ord, p) < 0 || (!ctx->skip_preflight && preflight_bft(&o, &cs, p) < 0))
		goto out;
	ctx->bft_consenters = cs.n;
	put_orderers(&cs, g);
	put_block_validation(&cs, g);
	put_options(&o, meta);
	rc = 0;
out:
	consenters_free(&cs);
	return rc;
}

int tx_bft_preflight_msps(const struct txctx *ctx, const struct ynode *ord, const struct ypath *p)
{
	struct ypath mp = YPATH_KEY(p, "ConsenterMapping");
	struct consenters cs;
	int bad = 0;

	if (read_consenters(ord, p, &cs) < 0) {
		consenters_free(&cs);
		return -1;
	}
	for (size_t i = 0; i < cs.n; i++) {
		struct ypath ip = YPATH_INDEX(&mp, i), kp = YPATH_KEY(&ip, "MSPID");
		bool known = false;

		for (size_t j = 0; j < ctx->norgs && !known; j++)
			known = strcmp(ctx->orgs[j].id, cs.c[i].msp_id) == 0;
		if (!known) {
			yerror(ymap_get_nocase(cs.c[i].node, "MSPID"), &kp, "no org of the channel has the MSP ID "
			       "\"%s\": the orderers refuse consenter %s:%" PRIu32 " (its MSP is not the channel's)",
			       cs.c[i].msp_id, cs.c[i].host, cs.c[i].port);
			bad++;
		}
	}
	consenters_free(&cs);
	if (bad)
		warnf("note: a consenter's MSPID is the ID of the org whose CA issued its Identity; "
		      "-skipPreflight generates it anyway");
	return bad ? -1 : 0;
}
