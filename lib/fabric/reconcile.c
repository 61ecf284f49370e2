/*
 * reconcile.c - a live channel's config against the one configtx.yaml
 * declares: the declared config (the live one with the parts a profile
 * describes replaced by the profile's), what differs between the two, and
 * whose admins must sign the update for its mod_policies (as the orderer
 * checks them: every element the update changes that exists already is
 * governed by its existing mod_policy; a new element by its parent's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/pki.h"
#include "fabric/configtx.h"
#include "base/util.h"

enum { POLICY_SIGNATURE = 1, POLICY_IMPLICIT_META = 3 };
enum { META_ANY = 0, META_ALL = 1, META_MAJORITY = 2 };

/* Replace (or drop, when from has none) the sub-group key of to by from's. */
static void take_group(struct cgroup *to, const struct cgroup *from, const char *key)
{
	const struct cgroup *g = cg_group(from, key);

	if (g)
		cg_add_group(to, key, cg_clone(g));
}

struct cgroup *tx_declared_config(const struct cgroup *live, const struct cgroup *channel,
				  const struct cgroup *orderer)
{
	struct cgroup *d = cg_clone(live);
	const struct cvalue *caps = cg_value(channel, "Capabilities");
	const struct cvalue *addrs;

	/*
	 * The Application group as the channel profile makes it (its orgs,
	 * their MSPs, policies and anchor peers; its ACLs, capabilities and
	 * policies); the Orderer group as the profile with the Orderer section
	 * makes it (the channel's own, or the system channel's that the
	 * channel was created from), and the orderer addresses; the channel's
	 * capabilities.  The rest (hashing, the consortium, the channel's
	 * policies) stays as it is.
	 */
	take_group(d, channel, "Application");
	take_group(d, orderer ? orderer : channel, "Orderer");
	/*
	 * The channel-wide orderer addresses come with the Orderer section
	 * (Orderer.Addresses), and go with it: the channel capability V3_0
	 * takes none, so raising a channel to V3_0 deletes them (Fabric 3.1's
	 * orderers refuse V3_0 while the channel has them).
	 */
	addrs = cg_value(orderer ? orderer : channel, "OrdererAddresses");
	if (addrs) {
		struct pbuf b = { .buf = addrs->data, .len = addrs->len };
		cg_add_value(d, "OrdererAddresses", addrs->mod_policy, &b);
	} else {
		cg_del_value(d, "OrdererAddresses");
	}
	if (caps) {
		struct pbuf b = { .buf = caps->data, .len = caps->len };
		cg_add_value(d, "Capabilities", caps->mod_policy, &b);
	}
	cg_canonicalize(d);
	return d;
}

/*
 * ---- consenters: etcdraft's, one change per update; BFT's, any ----
 *
 * etcdraft's are the ConsensusType metadata's, known by their address;
 * BFT's (Fabric 3) are the Orderer group's Orderers value, known by their
 * SmartBFT ID.
 */

/* A consenter of either (pointers into the value). */
struct consenter {
	struct pb_field msg;            /* the Consenter message */
	const uint8_t *host;
	size_t hostlen;
	uint64_t port;
	uint64_t id;                    /* BFT: its ID in SmartBFT */
};

struct consenter_set {
	struct consenter *c;
	size_t n;
	bool bft;                       /* BFT's: known by ID, not by address */
};

static bool same_address(const struct consenter *a, const struct consenter *b)
{
	return a->port == b->port && a->hostlen == b->hostlen &&
	       (a->hostlen == 0 || memcmp(a->host, b->host, a->hostlen) == 0);
}

/* One consenter twice (at one address, or with one ID): not a set the orderers take. */
static bool has_twice(const struct consenter_set *rc)
{
	for (size_t i = 0; i < rc->n; i++)
		for (size_t j = i + 1; j < rc->n; j++)
			if (rc->bft ? rc->c[i].id == rc->c[j].id : same_address(&rc->c[i], &rc->c[j]))
				return true;
	return false;
}

/*
 * The consenters of the Consenter messages (field num) of msg, each
 * with its host (field 2 of raft's and BFT's), port, and BFT's ID: 1, or
 * -1 (rc emptied) when msg is malformed, has none, or one twice.
 */
static int collect_consenters(const uint8_t *msg, size_t len, uint32_t num, struct consenter_set *rc)
{
	struct pb_reader r = pb_reader(msg, len);
	struct pb_field f;
	size_t cap = 0;
	int got;

	while ((got = pb_next(&r, &f)) > 0) {
		struct consenter *c;

		if (f.num != num || f.type != PB_LEN)
			continue;
		rc->c = xgrow(rc->c, &cap, rc->n + 1, sizeof(*rc->c));
		c = &rc->c[rc->n++];
		*c = (struct consenter){ .msg = f };
		c->host = pb_get_bytes(f.data, f.len, rc->bft ? 2 : 1, &c->hostlen);
		c->port = pb_get_varint(f.data, f.len, rc->bft ? 3 : 2);
		c->id = rc->bft ? pb_get_varint(f.data, f.len, 1) : 0;
	}
	if (got < 0 || rc->n == 0 || has_twice(rc)) {
		free(rc->c);
		*rc = (struct consenter_set){0};
		return -1;
	}
	return 1;
}

/*
 * The consenters of a ConsensusType value (type "etcdraft", its metadata's
 * field 1): 1, 0 when the value is no etcdraft one, -1 when it is not one
 * the orderer takes (malformed, no consenter, two at one address).
 */
static int read_consenters(const struct cvalue *v, struct consenter_set *rc)
{
	size_t tlen, mlen;
	const uint8_t *type = pb_get_bytes(v->data, v->len, 1, &tlen);
	const uint8_t *meta = pb_get_bytes(v->data, v->len, 2, &mlen);

	*rc = (struct consenter_set){0};
	if (!type || tlen != 8 || memcmp(type, "etcdraft", 8) != 0)
		return 0;
	if (!pb_valid(v->data, v->len))
		return -1;
	return collect_consenters(meta, mlen, 1, rc);
}

/*
 * The consenters of an Orderers value (BFT's, Fabric 3: consenter_mapping,
 * field 1): 1, or -1 when it is not one the orderers take (malformed, no
 * consenter, two with one ID).
 */
static int read_orderers(const struct cvalue *v, struct consenter_set *rc)
{
	*rc = (struct consenter_set){ .bft = true };
	if (!pb_valid(v->data, v->len))
		return -1;
	return collect_consenters(v->data, v->len, 1, rc);
}

static bool same_consenter(const struct consenter *a, const struct consenter *b)
{
	return a->msg.len == b->msg.len && memcmp(a->msg.data, b->msg.data, a->msg.len) == 0;
}

/* The Consenter fields of the certificates by whose key Fabric knows a node. */
enum { RAFT_CLIENT_TLS_CERT = 3, BFT_IDENTITY = 5 };

/* Do two consenters' certificates of field num (how Fabric knows a node) hold the same key? */
static bool same_key(const struct consenter *a, const struct consenter *b, uint32_t num)
{
	size_t la, lb;
	const uint8_t *pa = pb_get_bytes(a->msg.data, a->msg.len, num, &la);
	const uint8_t *pb = pb_get_bytes(b->msg.data, b->msg.len, num, &lb);
	struct pki_cert *ca = pa ? pki_cert_from_pem((const char *)pa, la) : NULL;
	struct pki_cert *cb = pb ? pki_cert_from_pem((const char *)pb, lb) : NULL;
	bool same = ca && cb && pki_cert_same_key(ca, cb);

	pki_cert_free(ca);
	pki_cert_free(cb);
	return same;
}

/*
 * The consenter of rc that c is, or NULL: the one at c's address; BFT's,
 * the one with c's ID at c's address or with c's Identity key (another
 * node that takes a leaving one's ID is another consenter).
 */
static const struct consenter *find_same(const struct consenter_set *rc, const struct consenter *c)
{
	for (size_t i = 0; i < rc->n; i++) {
		const struct consenter *x = &rc->c[i];

		if (rc->bft ? x->id == c->id && (same_address(x, c) || same_key(x, c, BFT_IDENTITY)) :
		    same_address(x, c))
			return x;
	}
	return NULL;
}

enum consenter_change { CONSENTER_ADD, CONSENTER_CERT, CONSENTER_REMOVE, CONSENTER_KINDS };

/*
 * Each change that turns the consenters of from into those of to, to fn:
 * a consenter is known by its address (BFT's: by its ID), and a new
 * certificate (BFT's: anything else new) is a change of its own.
 * Additions and new certificates in to's order, then removals in from's.
 */
typedef void consenter_fn(void *ctx, enum consenter_change k, const struct consenter *c);
static void each_change(const struct consenter_set *from, const struct consenter_set *to, consenter_fn *fn,
			void *ctx)
{
	for (size_t i = 0; i < to->n; i++) {
		const struct consenter *was = find_same(from, &to->c[i]);

		if (!was)
			fn(ctx, CONSENTER_ADD, &to->c[i]);
		else if (!same_consenter(was, &to->c[i]))
			fn(ctx, CONSENTER_CERT, &to->c[i]);
	}
	for (size_t i = 0; i < from->n; i++)
		if (!find_same(to, &from->c[i]))
			fn(ctx, CONSENTER_REMOVE, &from->c[i]);
}

/* How many changes of each kind, and the first of each. */
struct tally {
	size_t count[CONSENTER_KINDS];
	const struct consenter *first[CONSENTER_KINDS];
};

static void count_change(void *ctx, enum consenter_change k, const struct consenter *c)
{
	struct tally *t = ctx;

	if (t->count[k]++ == 0)
		t->first[k] = c;
}

static size_t consenter_changes(const struct consenter_set *from, const struct consenter_set *to, struct tally *t)
{
	*t = (struct tally){0};
	each_change(from, to, count_change, t);
	return t->count[CONSENTER_ADD] + t->count[CONSENTER_CERT] + t->count[CONSENTER_REMOVE];
}

static void add_field(struct pbuf *b, const struct pb_field *f)
{
	pb_tag(b, f->num, f->type);
	if (f->type == PB_LEN) {
		pb_varint(b, f->len);
		pb_raw(b, f->data, f->len);
	} else if (f->type == PB_VARINT) {
		pb_varint(b, f->u);
	} else {
		uint8_t le[8];
		size_t n = f->type == PB_FIXED64 ? 8 : 4;

		for (size_t i = 0; i < n; i++)
			le[i] = (uint8_t)(f->u >> (8 * i));
		pb_raw(b, le, n);
	}
}

/* msg with its fields num (all of them) replaced, where the first was, by with[0..n). */
static void replace_fields(const uint8_t *msg, size_t len, uint32_t num, const struct pb_field *with,
			   size_t n, struct pbuf *out)
{
	struct pb_reader r = pb_reader(msg, len);
	struct pb_field f;
	bool done = false;

	while (pb_next(&r, &f) > 0) {
		if (f.num != num) {
			add_field(out, &f);
		} else if (!done) {
			for (size_t i = 0; i < n; i++)
				add_field(out, &with[i]);
			done = true;
		}
	}
}

/* Put list[0..n) as the consenters of the ConsensusType value dv of the Orderer group ord. */
static void set_consenters(struct cgroup *ord, const struct cvalue *dv, const struct pb_field *list, size_t n)
{
	size_t mlen;
	const uint8_t *m = pb_get_bytes(dv->data, dv->len, 2, &mlen);
	struct pbuf meta = {0}, value = {0};
	struct pb_field mf = { .num = 2, .type = PB_LEN };
	char *mod_policy = xstrdup(dv->mod_policy);

	replace_fields(m, mlen, 1, list, n, &meta);
	mf.data = meta.buf;
	mf.len = meta.len;
	replace_fields(dv->data, dv->len, 2, &mf, 1, &value);
	cg_add_value(ord, "ConsensusType", mod_policy, &value);     /* (dv goes) */
	free(mod_policy);
	pb_free(&meta);
	pb_free(&value);
}

/* The orderer groups and ConsensusType values of live and declared, or -1 when either has none. */
static int consensus_values(const struct cgroup *live, struct cgroup *declared, struct cgroup **dord,
			    const struct cvalue **lv, const struct cvalue **dv)
{
	struct cgroup *lo = cg_group(live, "Orderer");

	*dord = cg_group(declared, "Orderer");
	*lv = lo ? cg_value(lo, "ConsensusType") : NULL;
	*dv = *dord ? cg_value(*dord, "ConsensusType") : NULL;
	return *lv && *dv ? 0 : -1;
}

int tx_keep_sole_consenter(const struct cgroup *live, struct cgroup *declared, struct strbuf *note)
{
	struct cgroup *dord;
	const struct cvalue *lv, *dv;
	struct consenter_set from = {0}, to = {0};
	struct tally t;
	int rc = 0;

	if (consensus_values(live, declared, &dord, &lv, &dv) < 0 || read_consenters(lv, &from) <= 0 ||
	    read_consenters(dv, &to) <= 0)
		goto done;
	consenter_changes(&from, &to, &t);
	if (from.n == 1 && t.count[CONSENTER_ADD] == 0 && t.count[CONSENTER_CERT] == 1) {
		const struct consenter *c = t.first[CONSENTER_CERT];
		int hl = (int)c->hostlen;
		const char *host = (const char *)c->host;
		unsigned long long port = (unsigned long long)c->port;
		struct pb_field *list = xcalloc(to.n, sizeof(*list));

		if (!same_key(&from.c[0], c, RAFT_CLIENT_TLS_CERT)) {
			warnf("consenter %.*s:%llu is the channel's only one, and its new certificate has "
			      "another key: Fabric cannot rotate it (its leader would have no one to hand over "
			      "to); add a second consenter first", hl, host, port);
			free(list);
			rc = -1;
			goto done;
		}
		sb_addf(note, "(consenter %.*s:%llu keeps its certificate on the channel: the only consenter "
			"cannot take a new one, its leader would have no one to hand over to; the new certificate "
			"has the same key, by which the orderers know the node)\n", hl, host, port);
		for (size_t i = 0; i < to.n; i++)
			list[i] = &to.c[i] == c ? from.c[0].msg : to.c[i].msg;
		set_consenters(dord, dv, list, to.n);
		free(list);
	}
done:
	free(from.c);
	free(to.c);
	return rc;
}

size_t tx_one_consenter_change(const struct cgroup *live, struct cgroup *declared)
{
	struct cgroup *dord;
	const struct cvalue *lv, *dv;
	struct consenter_set from = {0}, to = {0};
	struct tally t;
	size_t total, left = 0;

	if (consensus_values(live, declared, &dord, &lv, &dv) < 0 || read_consenters(lv, &from) <= 0)
		return 0;
	if (read_consenters(dv, &to) > 0 && (total = consenter_changes(&from, &to, &t)) > 1) {
		/* live's consenters with one change: grow before shrinking, for the quorum */
		struct pb_field *step = xcalloc(from.n + 1, sizeof(*step));
		size_t n = 0;
		int k = t.count[CONSENTER_ADD] ? CONSENTER_ADD : t.count[CONSENTER_CERT] ? CONSENTER_CERT : CONSENTER_REMOVE;
		const struct consenter *c = t.first[k];

		for (size_t i = 0; i < from.n; i++) {
			if (!same_address(&from.c[i], c))
				step[n++] = from.c[i].msg;
			else if (k == CONSENTER_CERT)
				step[n++] = c->msg;
		}
		if (k == CONSENTER_ADD)
			step[n++] = c->msg;
		left = total - 1;
		set_consenters(dord, dv, step, n);
		free(step);
	}
	free(from.c);
	free(to.c);
	return left;
}

/* ---- BFT: every consenter change in one update ---- */

/* The BFT consenters of live's and declared's Orderer groups: true when both have a set the orderers take. */
static bool bft_sets(const struct cgroup *live, const struct cgroup *declared, struct consenter_set *from,
		     struct consenter_set *to)
{
	const struct cgroup *lo = cg_group(live, "Orderer"), *dord = cg_group(declared, "Orderer");
	const struct cvalue *lv = lo ? cg_value(lo, ORDERERS) : NULL, *dv = dord ? cg_value(dord, ORDERERS) : NULL;

	*from = *to = (struct consenter_set){0};
	return lv && dv && read_orderers(lv, from) > 0 && read_orderers(dv, to) > 0;
}

/* A consenter of to that from has under another ID (by its Identity's key), with *was that one; or NULL. */
static const struct consenter *renumbered(const struct consenter_set *from, const struct consenter_set *to,
					  const struct consenter **was)
{
	for (size_t i = 0; i < to->n; i++) {
		for (size_t j = 0; j < from->n; j++) {
			if (from->c[j].id != to->c[i].id && same_key(&from->c[j], &to->c[i], BFT_IDENTITY)) {
				*was = &from->c[j];
				return &to->c[i];
			}
		}
	}
	return NULL;
}

/*
 * When fewer of to's consenters than its quorum, ceil((n + f + 1) / 2)
 * with f = (n - 1) / 3 as SmartBFT computes it, are consenters in from:
 * the channel waits for new ones.
 */
static void quorum_note(const struct consenter_set *from, const struct consenter_set *to, struct strbuf *note)
{
	size_t f = (to->n - 1) / 3, quorum = (to->n + f + 2) / 2, kept = 0;

	for (size_t i = 0; i < to->n; i++)
		kept += find_same(from, &to->c[i]) != NULL;
	if (kept < quorum)
		sb_addf(note, "(with this update a quorum is %zu of the %zu consenters, and %zu of them order the "
			"channel now: it orders nothing more until new ones have joined it and caught up)\n",
			quorum, to->n, kept);
}

/* A field of a BFT channel's SmartBFT options (the ConsensusType metadata) in g, or 0. */
static uint64_t smartbft_option(const struct cgroup *g, uint32_t num)
{
	const struct cvalue *v = cg_value(g, "ConsensusType");
	const uint8_t *meta;
	size_t mlen;

	if (!v || !(meta = pb_get_bytes(v->data, v->len, 2, &mlen)))
		return 0;
	return pb_get_varint(meta, mlen, num);
}

/* What a BFT channel's orderers take of the update only when they restart, or never. */
static void option_notes(const struct cgroup *live, const struct cgroup *declared, struct strbuf *note)
{
	enum { REQUEST_POOL_SIZE = 5 };         /* smartbft.Options */
	const struct cgroup *lo = cg_group(live, "Orderer"), *dord = cg_group(declared, "Orderer");
	const struct cvalue *lt = cg_value(lo, "BatchTimeout"), *dt = cg_value(dord, "BatchTimeout");

	if (lt && dt && !cg_same_value(lt, dt))
		sb_adds(note, "(BatchTimeout changes nothing on a BFT channel: its orderers cut blocks by the SmartBFT "
			"option RequestBatchMaxInterval)\n");
	if (smartbft_option(lo, REQUEST_POOL_SIZE) != smartbft_option(dord, REQUEST_POOL_SIZE))
		sb_adds(note, "(a new RequestPoolSize takes effect on each orderer when it restarts)\n");
}

int tx_check_bft(const struct cgroup *live, const struct cgroup *declared, struct strbuf *note)
{
	struct consenter_set from, to;
	const struct consenter *c, *was = NULL;
	int rc = 0;

	if (!bft_sets(live, declared, &from, &to))
		goto done;
	if ((c = renumbered(&from, &to, &was))) {
		warnf("consenter %.*s:%llu is the channel's consenter %llu (the key of its Identity says so), "
		      "and configtx.yaml gives it the ID %llu: a running orderer keeps the ID it started "
		      "with, and would leave the channel's consensus until restarted; keep its ID %llu",
		      (int)c->hostlen, (const char *)c->host, (unsigned long long)c->port,
		      (unsigned long long)was->id, (unsigned long long)c->id, (unsigned long long)was->id);
		rc = -1;
		goto done;
	}
	quorum_note(&from, &to, note);
	option_notes(live, declared, note);
done:
	free(from.c);
	free(to.c);
	return rc;
}

/* A set's consenter as the output names it: host:port, and a BFT consenter's ID. */
static void say_consenter(void *ctx, enum consenter_change k, const struct consenter *c)
{
	static const char *const what[CONSENTER_KINDS] = { "add", "change", "remove" };

	sb_addf(ctx, "         %s consenter %.*s:%llu", what[k], (int)c->hostlen, (const char *)c->host,
		(unsigned long long)c->port);
	if (c->id)
		sb_addf(ctx, " (ID %llu)", (unsigned long long)c->id);
	sb_addc(ctx, '\n');
}

typedef int consenters_fn(const struct cvalue *v, struct consenter_set *rc);

/*
 * "add consenter host:port" lines under a change of the value that holds
 * the consenters (etcdraft's ConsensusType, BFT's Orderers), read by
 * read: how the consenters of a and b differ.
 */
static void describe_consenters(const struct cvalue *a, const struct cvalue *b, consenters_fn *read,
				struct strbuf *out)
{
	struct consenter_set from = {0}, to = {0};

	if (read(a, &from) > 0 && read(b, &to) > 0)
		each_change(&from, &to, say_consenter, out);
	free(from.c);
	free(to.c);
}

/* ---- what differs ---- */

/* A signature policy's n of n_out_of and how many identities it names: false when p is none. */
static bool quorum_of(const struct cpolicy *p, uint64_t *n, size_t *of)
{
	const uint8_t *rule, *out;
	size_t rlen, olen;
	struct pb_reader r;
	struct pb_field f;

	if (!p->present || p->type != POLICY_SIGNATURE || !(rule = pb_get_bytes(p->data, p->len, 2, &rlen)) ||
	    !(out = pb_get_bytes(rule, rlen, 2, &olen)))
		return false;
	*n = pb_get_varint(out, olen, 1);
	*of = 0;
	r = pb_reader(p->data, p->len);
	while (pb_next(&r, &f) > 0)
		*of += f.num == 3 && f.type == PB_LEN;
	return true;
}

/* A line under a change of BFT's BlockValidation policy: the quorum of signatures it wants, and wanted. */
static void describe_quorum(const struct cpolicy *a, const struct cpolicy *b, struct strbuf *out)
{
	uint64_t na, nb;
	size_t oa, ob;

	if (!quorum_of(b, &nb, &ob))
		return;
	sb_addf(out, "         quorum: %llu of %zu signatures", (unsigned long long)nb, ob);
	if (quorum_of(a, &na, &oa))
		sb_addf(out, " (was %llu of %zu)", (unsigned long long)na, oa);
	sb_addc(out, '\n');
}


static void say_change(struct strbuf *out, const char *what, const char *path, const char *key)
{
	sb_addf(out, "%-6s %s/%s\n", what, path, key);
}

/* The elements of a and b that differ as the update judges them (cg_same_*). */
static void diff_group(const struct cgroup *a, const struct cgroup *b, const char *path, struct strbuf *out)
{
	char *policies = xasprintf("%s/policies", path);

	if (strcmp(a->mod_policy, b->mod_policy) != 0)
		sb_addf(out, "change %s (mod_policy %s -> %s)\n", path, a->mod_policy, b->mod_policy);
	for (size_t i = 0; i < a->nvalues; i++) {
		const struct cvalue *x = &a->values[i], *y = cg_value(b, x->key);
		if (!y || !cg_same_value(x, y)) {
			say_change(out, y ? "change" : "remove", path, x->key);
			if (y && strcmp(x->key, "ConsensusType") == 0)
				describe_consenters(x, y, read_consenters, out);
			else if (y && strcmp(x->key, ORDERERS) == 0)
				describe_consenters(x, y, read_orderers, out);
		}
	}
	for (size_t i = 0; i < b->nvalues; i++)
		if (!cg_value(a, b->values[i].key))
			say_change(out, "add", path, b->values[i].key);
	for (size_t i = 0; i < a->npolicies; i++) {
		const struct cpolicy *x = &a->policies[i], *y = cg_policy(b, x->key);
		if (!y || !cg_same_policy(x, y)) {
			say_change(out, y ? "change" : "remove", policies, x->key);
			if (y && strcmp(x->key, BLOCK_VALIDATION) == 0)
				describe_quorum(x, y, out);
		}
	}
	for (size_t i = 0; i < b->npolicies; i++)
		if (!cg_policy(a, b->policies[i].key))
			say_change(out, "add", policies, b->policies[i].key);
	free(policies);
	for (size_t i = 0; i < a->ngroups; i++) {
		const struct cgroup *y = cg_group(b, a->groups[i].key);
		if (!y) {
			say_change(out, "remove", path, a->groups[i].key);
		} else {
			char *p = xasprintf("%s/%s", path, a->groups[i].key);
			diff_group(a->groups[i].group, y, p, out);
			free(p);
		}
	}
	for (size_t i = 0; i < b->ngroups; i++)
		if (!cg_group(a, b->groups[i].key))
			say_change(out, "add", path, b->groups[i].key);
}

void tx_describe_changes(const struct cgroup *live, const struct cgroup *declared, struct strbuf *out)
{
	diff_group(live, declared, "/Channel", out);
}

/* ---- who must sign ---- */

/* An MSP ID chosen to sign, in the order chosen. */
struct signers {
	char **ids;
	size_t n, cap;
	int depth;
};

static bool chosen(const struct signers *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

static void choose(struct signers *s, const char *id)
{
	if (chosen(s, id))
		return;
	s->ids = xgrow(s->ids, &s->cap, s->n + 1, sizeof(*s->ids));
	s->ids[s->n++] = xstrdup(id);
}

/* The MSP ID of the i-th identity of a SignaturePolicyEnvelope (MSPRole principals), or NULL. */
static char *principal_msp(const uint8_t *env, size_t n, uint64_t index)
{
	struct pb_reader r = pb_reader(env, n);
	struct pb_field f;
	uint64_t i = 0;

	while (pb_next(&r, &f) > 0) {
		const uint8_t *role, *id;
		size_t rlen, idlen;

		if (f.num != 3 || f.type != PB_LEN)
			continue;
		if (i++ != index)
			continue;
		/*
		 * MSPPrincipal{classification 1, principal 2}: a ROLE (0) is
		 * MSPRole{msp_identifier 1, role 2}, which an org's admin meets
		 * (an admin is a member too); an ORGANIZATION_UNIT or an IDENTITY
		 * is not what an org's admin is known to be
		 */
		if (pb_get_varint(f.data, f.len, 1) != 0)
			return NULL;
		if (!(role = pb_get_bytes(f.data, f.len, 2, &rlen)) || !(id = pb_get_bytes(role, rlen, 1, &idlen)) ||
		    memchr(id, 0, idlen))
			return NULL;
		return xstrndup((const char *)id, idlen);
	}
	return NULL;
}

static int need_policy(const struct cgroup *root, const struct cgroup *group, const char *name,
		       struct signers *s, struct strbuf *why);

static void signers_free(struct signers *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	s->ids = NULL;
	s->n = s->cap = 0;
}

/* One of the candidates of an n-of-k choice: what it takes to meet it. */
typedef int candidate_fn(const void *ctx, size_t i, struct signers *trial, struct strbuf *why);

/*
 * Meet want of the k candidates: first those the MSPs chosen so far meet
 * already, then the others in order, each adding the MSPs it needs.  A
 * candidate that cannot be met is passed over.  0, or -1 with why.
 */
static int choose_n(size_t want, size_t k, candidate_fn *fn, const void *ctx, struct signers *s,
		    struct strbuf *why)
{
	bool *taken = xcalloc(k ? k : 1, sizeof(*taken));
	size_t met = 0;

	if (++s->depth > 32) {
		free(taken);
		sb_adds(why, "policies nested too deep");
		return -1;
	}
	for (int pass = 0; pass < 2 && met < want; pass++) {
		for (size_t i = 0; i < k && met < want; i++) {
			struct signers trial = { .depth = s->depth };
			struct strbuf ignored = {0};

			if (taken[i])
				continue;
			for (size_t j = 0; j < s->n; j++)
				choose(&trial, s->ids[j]);
			if (fn(ctx, i, &trial, &ignored) == 0 && (pass == 1 || trial.n == s->n)) {
				for (size_t j = s->n; j < trial.n; j++)
					choose(s, trial.ids[j]);
				taken[i] = true;
				met++;
			}
			signers_free(&trial);
			sb_free(&ignored);
		}
	}
	free(taken);
	s->depth--;
	if (met < want) {
		sb_addf(why, "%zu of %zu can be met, %zu are wanted", met, k, want);
		return -1;
	}
	return 0;
}

/* A SignaturePolicyEnvelope and one SignaturePolicy of it. */
struct sig_ctx {
	const uint8_t *env, *rules[64];
	size_t envlen, lens[64];
};

static int need_signature(const uint8_t *env, size_t envlen, const uint8_t *p, size_t n,
			  struct signers *s, struct strbuf *why);

static int sig_candidate(const void *ctx, size_t i, struct signers *trial, struct strbuf *why)
{
	const struct sig_ctx *c = ctx;

	return need_signature(c->env, c->envlen, c->rules[i], c->lens[i], trial, why);
}

/* SignaturePolicy: signed_by 1 (an identity's index) | n_out_of 2 {n 1, rules 2}. */
static int need_signature(const uint8_t *env, size_t envlen, const uint8_t *p, size_t n,
			  struct signers *s, struct strbuf *why)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;

	while (pb_next(&r, &f) > 0) {
		if (f.num == 1 && f.type == PB_VARINT) {
			char *id = principal_msp(env, envlen, f.u);
			if (!id) {
				sb_adds(why, "a signature policy names an identity that is no MSP's");
				return -1;
			}
			choose(s, id);
			free(id);
			return 0;
		}
		if (f.num == 2 && f.type == PB_LEN) {
			struct sig_ctx c = { .env = env, .envlen = envlen };
			struct pb_reader rr = pb_reader(f.data, f.len);
			struct pb_field g;
			uint64_t want = 0;
			size_t k = 0;

			while (pb_next(&rr, &g) > 0) {
				if (g.num == 1 && g.type == PB_VARINT) {
					want = g.u;
				} else if (g.num == 2 && g.type == PB_LEN && k < 64) {
					c.rules[k] = g.data;
					c.lens[k++] = g.len;
				}
			}
			return choose_n(want, k, sig_candidate, &c, s, why);
		}
	}
	sb_adds(why, "an empty signature policy");
	return -1;
}

/* An implicit meta policy: its sub-policy in each sub-group. */
struct meta_ctx {
	const struct cgroup *root, *group;
	const char *sub;
};

static int meta_candidate(const void *ctx, size_t i, struct signers *trial, struct strbuf *why)
{
	const struct meta_ctx *c = ctx;

	return need_policy(c->root, c->group->groups[i].group, c->sub, trial, why);
}

/* ImplicitMetaPolicy{sub_policy 1, rule 2: ANY, ALL, MAJORITY} over the sub-groups of group. */
static int need_implicit(const struct cgroup *root, const struct cgroup *group, const uint8_t *p, size_t n,
			 struct signers *s, struct strbuf *why)
{
	const uint8_t *sub;
	size_t sublen, k = group->ngroups, want;
	uint64_t rule = pb_get_varint(p, n, 2);
	int rc;

	if (!(sub = pb_get_bytes(p, n, 1, &sublen)) || memchr(sub, 0, sublen)) {
		sb_adds(why, "an implicit meta policy without a sub-policy");
		return -1;
	}
	want = rule == META_ALL ? k : rule == META_MAJORITY ? k / 2 + 1 : 1;
	if (k == 0)
		want = 0;       /* no sub-group: met by nobody's signature, as Fabric has it */
	{
		char *name = xstrndup((const char *)sub, sublen);
		struct meta_ctx c = { root, group, name };

		rc = choose_n(want, k, meta_candidate, &c, s, why);
		free(name);
	}
	return rc;
}

/* The policy name ("Admins", or "/Channel/Application/Admins") names, seen from group. */
static const struct cpolicy *find_policy(const struct cgroup *root, const struct cgroup *group,
					 const char *name, const struct cgroup **owner)
{
	char *copy, *part, *next, *save = NULL;
	const struct cgroup *g = root;
	const struct cpolicy *p = NULL;

	if (name[0] != '/') {
		*owner = group;
		return cg_policy(group, name);
	}
	/* /Channel/<group>/.../<policy>: the first element is the root itself */
	copy = xstrdup(name + 1);
	part = strtok_r(copy, "/", &save);
	part = part ? strtok_r(NULL, "/", &save) : NULL;
	while (part && g) {
		next = strtok_r(NULL, "/", &save);
		if (!next) {
			p = cg_policy(g, part);
			*owner = g;
			break;
		}
		g = cg_group(g, part);
		part = next;
	}
	free(copy);
	return p;
}

static int need_policy(const struct cgroup *root, const struct cgroup *group, const char *name,
		       struct signers *s, struct strbuf *why)
{
	const struct cgroup *owner = group;
	const struct cpolicy *p = find_policy(root, group, name, &owner);

	if (!p || !p->present) {
		sb_addf(why, "no policy %s", name);
		return -1;
	}
	if (p->type == POLICY_IMPLICIT_META)
		return need_implicit(root, owner, p->data, p->len, s, why);
	if (p->type == POLICY_SIGNATURE) {
		const uint8_t *rule;
		size_t rlen;

		if (!(rule = pb_get_bytes(p->data, p->len, 2, &rlen))) {
			sb_addf(why, "policy %s has no rule", name);
			return -1;
		}
		return need_signature(p->data, p->len, rule, rlen, s, why);
	}
	sb_addf(why, "policy %s is of type %d, which no signature meets", name, p->type);
	return -1;
}

/*
 * Walk the write set beside the read set and the live config: an element
 * whose write version differs from its read version (or that the read set
 * lacks) is changed; one that exists in the live config is governed by its
 * live mod_policy, resolved from its group (a group's from itself).
 */
static int need_changes(const struct cgroup *root, const struct cgroup *live, const struct cgroup *rs,
			const struct cgroup *ws, bool group_changed, struct signers *s, struct strbuf *why)
{
	if (group_changed && need_policy(root, live, live->mod_policy, s, why) < 0)
		return -1;
	for (size_t i = 0; i < ws->nvalues; i++) {
		const struct cvalue *w = &ws->values[i], *r = rs ? cg_value(rs, w->key) : NULL,
			*l = cg_value(live, w->key);
		if (l && !(r && r->version == w->version) && need_policy(root, live, l->mod_policy, s, why) < 0)
			return -1;
	}
	for (size_t i = 0; i < ws->npolicies; i++) {
		const struct cpolicy *w = &ws->policies[i], *r = rs ? cg_policy(rs, w->key) : NULL,
			*l = cg_policy(live, w->key);
		if (l && !(r && r->version == w->version) && need_policy(root, live, l->mod_policy, s, why) < 0)
			return -1;
	}
	for (size_t i = 0; i < ws->ngroups; i++) {
		const struct cgroup *w = ws->groups[i].group, *r = rs ? cg_group(rs, ws->groups[i].key) : NULL,
			*l = cg_group(live, ws->groups[i].key);
		if (l && need_changes(root, l, r, w, !(r && r->version == w->version), s, why) < 0)
			return -1;
	}
	return 0;
}

char **tx_update_signers(const struct cgroup *live, const struct cgroup *read_set,
			 const struct cgroup *write_set, size_t *n)
{
	struct signers s = {0};
	struct strbuf w = {0};

	*n = 0;
	if (need_changes(live, live, read_set, write_set, read_set->version != write_set->version, &s, &w) < 0) {
		warnf("no set of admins meets the update's mod_policies: %s", w.buf ? w.buf : "");
		signers_free(&s);
		sb_free(&w);
		return NULL;
	}
	sb_free(&w);
	*n = s.n;
	return s.ids ? s.ids : xcalloc(1, sizeof(char *));
}
