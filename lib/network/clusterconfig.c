/*
 * clusterconfig.c - the cluster's copy of configtx.yaml, and its profiles.
 *
 * The copy is the user's text with a few scalars replaced in place (the
 * loader remembers where each scalar lies), so that everything else, the
 * comments, anchors, aliases and merge keys included, stays as written.  A
 * scalar that several aliases share is one node, replaced once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fsutil.h"
#include "network/clusterconfig.h"
#include "yaml/ytree.h"

int node_port(const struct org_spec *o)
{
	return o->type == ORG_PEER ? PEER_PORT : ORDERER_PORT;
}

bool is_ipv4(const char *s)
{
	int parts = 0;

	for (const char *p = s; *p; parts++) {
		const char *start = p;
		long v = 0;

		while (isdigit((unsigned char)*p) && p - start < 4)
			v = v * 10 + (*p++ - '0');
		if (p == start || p - start > 3 || v > 255 || (*start == '0' && p - start > 1))
			return false;
		if (*p == '.' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return parts == 4;
}

bool is_dns_name(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	/* a name, not a number: an all-digit last label would be an IP written wrong */
	return s[n - 1] != '-' && !isdigit((unsigned char)*(strrchr(s, '.') ? strrchr(s, '.') + 1 : s));
}

struct edit {
	const struct ynode *node;
	char *text;
};

/* A consenter's Host and Port as the file writes them, and the node its certificates name. */
struct written {
	const char *host;
	long port;
	size_t oi, ni;
};

struct rewriter {
	const struct cluster *cl;
	const char *msp_root;
	struct edit *edits;
	size_t nedits, cap;
	const struct ynode **seen;     /* org and consenter mappings already walked */
	size_t nseen, seencap;
	struct written *consenters;    /* every consenter of the file */
	size_t nconsenters, ccap;
	int errors;
	size_t nlacking;               /* orgs' paths that name neither an own nor an imported org */
};

static void replace(struct rewriter *rw, const struct ynode *n, char *text)
{
	for (size_t i = 0; i < rw->nedits; i++) {
		if (rw->edits[i].node == n) {
			free(text);
			return;
		}
	}
	if (strcmp(n->str, text) == 0 || n->start == n->end) {
		free(text);
		return;
	}
	rw->edits = xgrow(rw->edits, &rw->cap, rw->nedits + 1, sizeof(*rw->edits));
	rw->edits[rw->nedits++] = (struct edit){ n, text };
}

static bool seen_before(struct rewriter *rw, const struct ynode *m)
{
	for (size_t i = 0; i < rw->nseen; i++)
		if (rw->seen[i] == m)
			return true;
	rw->seen = xgrow(rw->seen, &rw->seencap, rw->nseen + 1, sizeof(*rw->seen));
	rw->seen[rw->nseen++] = m;
	return false;
}

/*
 * Which org a path names: the last ".../<ordererOrganizations|
 * peerOrganizations>/<domain>/" in it whose domain is an org of that type.
 * Returns the org's index and, in *rest, what follows the domain ("msp",
 * "orderers/orderer.example.com/tls/server.crt"; allocated), or -1.
 */
static long org_of_path(const struct crypto_config *cfg, const char *path, char **rest)
{
	char *clean = path_clean(path);
	long found = -1;

	*rest = NULL;
	for (char *p = clean; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		if (p != clean && p[-1] != '/')
			continue;
		for (size_t i = 0; i < cfg->norgs; i++) {
			const struct org_spec *o = &cfg->orgs[i];
			size_t dl = strlen(org_dir_name(o)), nl = strlen(o->domain);

			if (strncmp(p, org_dir_name(o), dl) != 0 || p[dl] != '/' ||
			    strncmp(p + dl + 1, o->domain, nl) != 0 ||
			    (p[dl + 1 + nl] != '/' && p[dl + 1 + nl] != '\0'))
				continue;
			free(*rest);
			*rest = xstrdup(p[dl + 1 + nl] ? p + dl + 2 + nl : "");
			found = (long)i;
		}
	}
	free(clean);
	return found;
}

/* The node a path under its org names ("orderers/<CommonName>/..."), or -1. */
static long node_of_path(const struct org_spec *o, const char *rest)
{
	const char *dir = o->type == ORG_PEER ? "peers/" : "orderers/";
	size_t dl = strlen(dir);

	if (strncmp(rest, dir, dl) != 0)
		return -1;
	rest += dl;
	for (size_t i = 0; i < o->nnodes; i++) {
		size_t n = strlen(o->nodes[i].common_name);

		if (strncmp(rest, o->nodes[i].common_name, n) == 0 &&
		    (rest[n] == '/' || rest[n] == '\0'))
			return (long)i;
	}
	return -1;
}

/*
 * The domain a path names by its ".../<ordererOrganizations|peerOrganizations>/
 * <domain>/..." suffix (the last one), allocated, or NULL.
 */
static char *domain_of_path(const char *path)
{
	char *clean = path_clean(path), *domain = NULL;
	static const char *const kinds[] = { "ordererOrganizations/", "peerOrganizations/" };

	for (char *p = clean; p && *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		for (size_t k = 0; k < 2 && (p == clean || p[-1] == '/'); k++) {
			size_t kl = strlen(kinds[k]), dl;

			if (strncmp(p, kinds[k], kl) != 0)
				continue;
			dl = strcspn(p + kl, "/");
			if (dl > 0) {
				free(domain);
				domain = xstrndup(p + kl, dl);
			}
		}
	}
	free(clean);
	return domain;
}

/*
 * A path of an org that is neither in the crypto config nor imported
 * (who: its MSP ID, or the consenter's node): what says so, as an error
 * or, with cl->lacks, a line there for the steps that need the org.
 */
static void lacking_org(struct rewriter *rw, const struct ynode *n, const struct ypath *p, const char *who,
			const char *domain)
{
	struct strbuf sb = {0};

	ywhere(n, p, &sb);
	sb_addf(&sb, "%s (%s): no crypto material here and no IMPORT of %s: ask its operator for "
		"make export's %s.tar.gz", who, domain, domain, domain);
	rw->nlacking++;
	if (rw->cl->lacks) {
		sb_add(rw->cl->lacks, sb.buf, sb.len);
		sb_addc(rw->cl->lacks, '\n');
	} else {
		warnf("%s", sb.buf);
		rw->errors++;
	}
	sb_free(&sb);
}

/*
 * Point a path at the generated material, or an imported org's tree (who
 * names the org or node in messages).  Returns the org's index (and the
 * node's in *node, -1 when the path names no node), or -1 after an error.
 */
static long rewrite_path(struct rewriter *rw, const struct ynode *n, const struct ypath *p,
			 const char *who, long *node)
{
	const struct crypto_config *cfg = rw->cl->cfg;
	char *rest, *domain;
	long oi;

	*node = -1;
	if (!n || n->kind != Y_SCALAR || ynode_is_null(n))
		return -1;
	oi = org_of_path(cfg, n->str, &rest);
	if (oi < 0 && (domain = domain_of_path(n->str))) {
		lacking_org(rw, n, p, who ? who : n->str, domain);
		free(domain);
		return -1;
	} else if (oi < 0) {
		yerror(n, p, "\"%s\" names no org of the crypto config: expected a path "
		       "ending in .../ordererOrganizations/<domain>/... or "
		       ".../peerOrganizations/<domain>/... for one of its domains", n->str);
		rw->errors++;
		return -1;
	}
	const struct org_spec *o = &cfg->orgs[oi];

	*node = node_of_path(o, rest);
	if (rw->cl->orgs[oi].remote)
		replace(rw, n, xasprintf("%s/%s%s%s", rw->cl->import_root ? rw->cl->import_root : "import",
					 o->domain, *rest ? "/" : "", rest));
	else
		replace(rw, n, xasprintf("%s/%s/%s%s%s", rw->msp_root, org_dir_name(o), o->domain,
					 *rest ? "/" : "", rest));
	free(rest);
	return oi;
}

/*
 * The node a host names: the one whose CommonName or name in the cluster
 * ("peer0.org1-example-com") it is, else the one whose SANS alone hold it
 * (a name several nodes share, such as "localhost", names none).  false
 * when the network has no such node.
 */
static bool node_of_host(const struct cluster *cl, const char *host, size_t hl, size_t *oi, size_t *ni)
{
	size_t hits = 0;

	for (int pass = 0; pass < 3 && hits == 0; pass++) {
		for (size_t i = 0; i < cl->cfg->norgs; i++) {
			const struct org_spec *o = &cl->cfg->orgs[i];

			for (size_t j = 0; j < o->nnodes; j++) {
				const struct node_spec *s = &o->nodes[j];
				bool match = false;

				for (size_t k = 0; k < (pass == 2 ? s->nsans : 1) && !match; k++) {
					const char *name = pass == 0 ? s->common_name :
							   pass == 1 ? cl->orgs[i].hosts[j] : s->sans[k];

					match = strlen(name) == hl && strncasecmp(name, host, hl) == 0;
				}
				if (match) {
					hits++;
					*oi = i;
					*ni = j;
				}
			}
		}
	}
	return hits == 1;
}

/* A port as written (digits alone), or -1. */
static long port_number(const char *s, size_t len)
{
	long port = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port <= 65535 ? port : -1;
}

/*
 * The node "host:port" names (hl: the host's length): by its name or its
 * external address, else as the Host and Port the file gives one
 * consenter (a file that puts every node on 127.0.0.1, each at a port of
 * its own, says so there).
 */
static bool node_of_address(const struct rewriter *rw, const char *addr, size_t hl, size_t *oi, size_t *ni)
{
	long port = port_number(addr + hl + 1, strlen(addr + hl + 1));
	bool found = false;

	if (node_of_host(rw->cl, addr, hl, oi, ni))
		return true;
	for (size_t i = 0; i < rw->cl->cfg->norgs; i++) {
		for (size_t j = 0; rw->cl->orgs[i].externals && j < rw->cl->cfg->orgs[i].nnodes; j++) {
			if (rw->cl->orgs[i].externals[j] && strcmp(rw->cl->orgs[i].externals[j], addr) == 0) {
				*oi = i;
				*ni = j;
				return true;
			}
		}
	}
	for (size_t i = 0; i < rw->nconsenters; i++) {
		const struct written *w = &rw->consenters[i];

		if (w->port != port || strlen(w->host) != hl || strncasecmp(w->host, addr, hl) != 0)
			continue;
		if (found && (w->oi != *oi || w->ni != *ni))
			return false;   /* two nodes at one address: it names neither */
		*oi = w->oi;
		*ni = w->ni;
		found = true;
	}
	return found;
}

/* An address the cluster cannot reach: where it is, and what would name a node. */
static void unknown_address(struct rewriter *rw, const struct ynode *n, const struct ypath *p, const char *what)
{
	if (rw->nlacking && rw->cl->lacks) {
		/* (most likely a node of an org not imported yet: said with it, where the copy is needed) */
		struct strbuf sb = {0};

		ywhere(n, p, &sb);
		sb_addf(rw->cl->lacks, "%s\"%s\" names no node of the network or of an import\n", sb.buf, n->str);
		sb_free(&sb);
		return;
	}
	yerror(n, p, "\"%s\" names no node of the network, so nothing in the cluster could reach it: "
	       "%s", n->str, what);
	rw->errors++;
}

/* Where clients reach node ni of org oi: its external address, else its name and port in the cluster. */
static char *client_address(const struct cluster *cl, size_t oi, size_t ni)
{
	if (cl->orgs[oi].externals && cl->orgs[oi].externals[ni])
		return xstrdup(cl->orgs[oi].externals[ni]);
	return xasprintf("%s:%d", cl->orgs[oi].hosts[ni], node_port(&cl->cfg->orgs[oi]));
}

/* "host:port" of a node of the network, as clients reach it (an orderer's: OrdererEndpoints, Addresses). */
static void rewrite_address(struct rewriter *rw, const struct ynode *n, const struct ypath *p)
{
	const char *colon;
	size_t oi, ni;

	if (!n || n->kind != Y_SCALAR || ynode_is_null(n))
		return;
	if (!(colon = strrchr(n->str, ':')) ||
	    !node_of_address(rw, n->str, (size_t)(colon - n->str), &oi, &ni)) {
		unknown_address(rw, n, p, "write an orderer's name (its CommonName, or a SANS name of "
				"its own) and port, or the Host and Port of its consenter");
		return;
	}
	replace(rw, n, client_address(rw->cl, oi, ni));
}

static void rewrite_addresses(struct rewriter *rw, const struct ynode *seq, const struct ypath *p)
{
	for (size_t i = 0; seq && seq->kind == Y_SEQ && i < seq->n; i++) {
		struct ypath ip = YPATH_INDEX(p, i);

		rewrite_address(rw, seq->items[i], &ip);
	}
}

/*
 * Host and Port of a mapping, for node ni of org oi: as clients reach it
 * (an anchor peer), or in the cluster (a consenter: the orderers reach
 * one another there, but another operator's from outside).
 */
static void rewrite_host_port(struct rewriter *rw, const struct ynode *m, size_t oi, size_t ni, bool for_clients)
{
	const struct ynode *host = ymap_get_nocase(m, "Host"), *port = ymap_get_nocase(m, "Port");
	char *addr = for_clients || rw->cl->orgs[oi].remote ? client_address(rw->cl, oi, ni) :
		     xasprintf("%s:%d", rw->cl->orgs[oi].hosts[ni], node_port(&rw->cl->cfg->orgs[oi]));
	char *colon = strrchr(addr, ':');

	*colon = '\0';
	if (host && host->kind == Y_SCALAR)
		replace(rw, host, xstrdup(addr));
	if (port && port->kind == Y_SCALAR)
		replace(rw, port, xstrdup(colon + 1));
	free(addr);
}

/*
 * The anchor peers of org oi (-1: its MSPDir named no org): each is the
 * peer its Host names, else the org's next peer in the order of the
 * crypto config (a file that puts every peer on 127.0.0.1, each at a port
 * of its own, gives no name to go by).
 */
static void rewrite_anchors(struct rewriter *rw, const struct ynode *anchors, const struct ypath *p, long oi)
{
	size_t next = 0;

	for (size_t i = 0; anchors && anchors->kind == Y_SEQ && i < anchors->n; i++) {
		const struct ynode *a = anchors->items[i], *host = ymap_get_nocase(a, "Host");
		struct ypath ip = YPATH_INDEX(p, i), hp = YPATH_KEY(&ip, "Host");
		size_t o, n;

		if (!host || host->kind != Y_SCALAR || a->kind != Y_MAP)
			continue;
		if (node_of_host(rw->cl, host->str, host->len, &o, &n)) {
			rewrite_host_port(rw, a, o, n, true);
		} else if (oi >= 0 && rw->cl->cfg->orgs[oi].type == ORG_PEER &&
			   next < rw->cl->cfg->orgs[oi].nnodes) {
			rewrite_host_port(rw, a, (size_t)oi, next++, true);
		} else if (oi >= 0) {
			unknown_address(rw, host, &hp, rw->cl->cfg->orgs[oi].type == ORG_PEER ?
					"the org has no other peer to take it for: write a peer's name "
					"(its CommonName, or a SANS name of its own)" :
					"anchor peers belong to a peer org");
		}
	}
}

/* What messages call an org entry: its ID, else its Name. */
static const char *org_id(const struct ynode *m)
{
	const struct ynode *id = ymap_get_nocase(m, "ID");

	if (!id || id->kind != Y_SCALAR || ynode_is_null(id))
		id = ymap_get_nocase(m, "Name");
	return id && id->kind == Y_SCALAR && !ynode_is_null(id) ? id->str : "an org";
}

/* An entry of Organizations (or one written inside a profile). */
static void walk_org(struct rewriter *rw, const struct ynode *m, const struct ypath *p)
{
	struct ypath dp = YPATH_KEY(p, "MSPDir"), ep = YPATH_KEY(p, "OrdererEndpoints");
	struct ypath ap = YPATH_KEY(p, "AnchorPeers");
	long node, oi;

	if (!m || m->kind != Y_MAP || seen_before(rw, m))
		return;
	size_t lacking = rw->nlacking;

	oi = rewrite_path(rw, ymap_get_nocase(m, "MSPDir"), &dp, org_id(m), &node);
	if (rw->nlacking > lacking)
		return;         /* (its endpoints are an import's: said once, with its MSPDir) */
	rewrite_addresses(rw, ymap_get_nocase(m, "OrdererEndpoints"), &ep);
	rewrite_anchors(rw, ymap_get_nocase(m, "AnchorPeers"), &ap, oi);
}

static void walk_orgs(struct rewriter *rw, const struct ynode *seq, const struct ypath *p)
{
	for (size_t i = 0; seq && seq->kind == Y_SEQ && i < seq->n; i++) {
		struct ypath ip = YPATH_INDEX(p, i);

		walk_org(rw, seq->items[i], &ip);
	}
}

/* The certificates that name a consenter's node (etcdraft's two, BFT's three). */
static const char *const consenter_certs[] = { "ClientTLSCert", "ServerTLSCert", "Identity" };

/* The node a consenter's certificate paths name, without rewriting them; false when none. */
static bool consenter_node(const struct crypto_config *cfg, const struct ynode *c, size_t *oi, size_t *ni)
{
	bool found = false;

	for (size_t k = 0; k < sizeof(consenter_certs) / sizeof(*consenter_certs); k++) {
		const struct ynode *path = ymap_get_nocase(c, consenter_certs[k]);
		char *rest;
		long o, n = -1;

		if (!path || path->kind != Y_SCALAR || ynode_is_null(path))
			continue;
		o = org_of_path(cfg, path->str, &rest);
		if (o >= 0 && (n = node_of_path(&cfg->orgs[o], rest)) >= 0) {
			*oi = (size_t)o;
			*ni = (size_t)n;
			found = true;
		}
		free(rest);
	}
	return found;
}

/* Record every consenter's Host and Port as written, with its node: what addresses may name. */
static void collect_consenters(struct rewriter *rw, const struct ynode *orderer)
{
	const struct ynode *lists[2] = {
		ymap_get_nocase(ymap_get_nocase(orderer, "EtcdRaft"), "Consenters"),
		ymap_get_nocase(orderer, "ConsenterMapping"),
	};

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l] && lists[l]->kind == Y_SEQ && i < lists[l]->n; i++) {
			const struct ynode *c = lists[l]->items[i];
			const struct ynode *host = ymap_get_nocase(c, "Host"), *port = ymap_get_nocase(c, "Port");
			size_t oi, ni;

			if (c->kind != Y_MAP || !host || host->kind != Y_SCALAR || !port || port->kind != Y_SCALAR ||
			    !consenter_node(rw->cl->cfg, c, &oi, &ni))
				continue;
			rw->consenters = xgrow(rw->consenters, &rw->ccap, rw->nconsenters + 1,
					       sizeof(*rw->consenters));
			rw->consenters[rw->nconsenters++] = (struct written){
				host->str, port_number(port->str, port->len), oi, ni };
		}
	}
}

/* Consenters (etcdraft) or ConsenterMapping (BFT): known by their certificates. */
/* The node a consenter's certificate k names ("orderer2.example.com"), for messages. */
static const char *cn_of(const struct rewriter *rw, long org, long node)
{
	return rw->cl->cfg->orgs[org].nodes[node].common_name;
}

/*
 * One consenter: its certificates are one orderer's (each names the same
 * node of the crypto config), whose Host, when it names a node, is that
 * one; then its Host and Port become the node's in the cluster.
 */
static void walk_consenter(struct rewriter *rw, const struct ynode *c, const struct ypath *ip)
{
	const struct ynode *host = ymap_get_nocase(c, "Host");
	long org = -1, node = -1;
	size_t ho, hn;

	for (size_t k = 0; k < sizeof(consenter_certs) / sizeof(*consenter_certs); k++) {
		const struct ynode *path = ymap_get_nocase(c, consenter_certs[k]);
		struct ypath kp = YPATH_KEY(ip, consenter_certs[k]);
		long o, n;

		if ((o = rewrite_path(rw, path, &kp, host && host->kind == Y_SCALAR ? host->str : NULL, &n)) < 0)
			continue;
		if (n < 0) {
			yerror(path, &kp, "\"%s\" names no orderer of %s in the crypto config", path->str,
			       rw->cl->cfg->orgs[o].domain);
			rw->errors++;
			return;         /* (its other certificates say the same) */
		} else if (org >= 0 && (o != org || n != node)) {
			yerror(path, &kp, "\"%s\" is %s's, and the consenter's other certificates %s's: "
			       "a consenter's certificates are one orderer's", path->str, cn_of(rw, o, n),
			       cn_of(rw, org, node));
			rw->errors++;
		} else {
			org = o;
			node = n;
		}
	}
	if (org < 0)
		return;
	if (host && host->kind == Y_SCALAR && node_of_host(rw->cl, host->str, host->len, &ho, &hn) &&
	    (ho != (size_t)org || hn != (size_t)node)) {
		struct ypath hp = YPATH_KEY(ip, "Host");

		yerror(host, &hp, "\"%s\" is %s, but the consenter's certificates are %s's", host->str,
		       cn_of(rw, (long)ho, (long)hn), cn_of(rw, org, node));
		rw->errors++;
		return;
	}
	rewrite_host_port(rw, c, (size_t)org, (size_t)node, false);
}

static void walk_consenters(struct rewriter *rw, const struct ynode *seq, const struct ypath *p)
{
	for (size_t i = 0; seq && seq->kind == Y_SEQ && i < seq->n; i++) {
		struct ypath ip = YPATH_INDEX(p, i);

		if (seq->items[i]->kind == Y_MAP && !seen_before(rw, seq->items[i]))
			walk_consenter(rw, seq->items[i], &ip);   /* (a consenter an alias repeats: once) */
	}
}

static void walk_orderer(struct rewriter *rw, const struct ynode *m, const struct ypath *p)
{
	struct ypath op = YPATH_KEY(p, "Organizations"), ep = YPATH_KEY(p, "EtcdRaft");
	struct ypath cp = YPATH_KEY(&ep, "Consenters"), mp = YPATH_KEY(p, "ConsenterMapping");
	struct ypath ap = YPATH_KEY(p, "Addresses");

	if (!m || m->kind != Y_MAP)
		return;
	rewrite_addresses(rw, ymap_get_nocase(m, "Addresses"), &ap);
	walk_consenters(rw, ymap_get_nocase(ymap_get_nocase(m, "EtcdRaft"), "Consenters"), &cp);
	walk_consenters(rw, ymap_get_nocase(m, "ConsenterMapping"), &mp);
	walk_orgs(rw, ymap_get_nocase(m, "Organizations"), &op);
}

static void walk_profile(struct rewriter *rw, const struct ynode *m, const struct ypath *p)
{
	const struct ynode *app = ymap_get_nocase(m, "Application");
	const struct ynode *cons = ymap_get_nocase(m, "Consortiums");
	struct ypath op = YPATH_KEY(p, "Orderer"), ap = YPATH_KEY(p, "Application");
	struct ypath aop = YPATH_KEY(&ap, "Organizations"), cp = YPATH_KEY(p, "Consortiums");

	if (!m || m->kind != Y_MAP)
		return;
	walk_orderer(rw, ymap_get_nocase(m, "Orderer"), &op);
	if (app && app->kind == Y_MAP)
		walk_orgs(rw, ymap_get_nocase(app, "Organizations"), &aop);
	for (size_t i = 0; cons && cons->kind == Y_MAP && i < cons->n; i++) {
		struct ypath kp = YPATH_KEY(&cp, cons->pairs[i].key->str);
		struct ypath kop = YPATH_KEY(&kp, "Organizations");

		walk_orgs(rw, ymap_get_nocase(cons->pairs[i].val, "Organizations"), &kop);
	}
}

/* Byte offset of character index ci (libyaml counts characters). */
static size_t byte_offset(const char *text, size_t len, size_t base, size_t ci)
{
	size_t b = base;

	for (size_t c = 0; b < len && c < ci; c++) {
		b++;
		while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
			b++;
	}
	return b;
}

/* May s be written as a plain scalar, as it is? */
static bool plain_ok(const char *s)
{
	if (!*s || !(isalnum((unsigned char)*s) || *s == '.' || *s == '/'))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._/@:-", *s))
			return false;
	return true;
}

static int by_start(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->node->start < y->node->start ? -1 : x->node->start > y->node->start;
}

/* The text with every edit applied. */
static void apply(const struct rewriter *rw, const char *text, size_t len, struct strbuf *out)
{
	size_t base = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, done = 0;

	if (rw->nedits)
		qsort(rw->edits, rw->nedits, sizeof(*rw->edits), by_start);
	for (size_t i = 0; i < rw->nedits; i++) {
		const struct edit *e = &rw->edits[i];
		size_t s = byte_offset(text, len, base, e->node->start);
		size_t end = byte_offset(text, len, base, e->node->end);

		/*
		 * The anchor and tag stay, and so do the line breaks a block scalar
		 * ends with.  A tag ends at a blank; an anchor, as libyaml reads it,
		 * at its last [A-Za-z0-9_-], and a plain scalar may follow it with
		 * no blank between ("&a:b" is the anchor a on the scalar ":b").
		 */
		size_t at = s;

		while (s < end && (text[s] == '&' || text[s] == '!')) {
			bool anchor = text[s++] == '&';

			while (s < end && (anchor ? isalnum((unsigned char)text[s]) || text[s] == '_' || text[s] == '-'
						   : !strchr(" \t\r\n", text[s])))
				s++;
			while (s < end && strchr(" \t\r\n", text[s]))
				s++;
		}
		while (end > s && strchr(" \t\r\n", text[end - 1]))
			end--;
		sb_add(out, text + done, s - done);
		if (s > at && !strchr(" \t\r\n", text[s - 1]))
			sb_addc(out, ' ');     /* after an anchor or tag with no blank (or no scalar) after it */
		if ((s < len && strchr("\"'|>", text[s])) || !plain_ok(e->text))
			sb_add_quoted(out, e->text);
		else
			sb_adds(out, e->text);
		done = end;
	}
	sb_add(out, text + done, len - done);
}

/*
 * "<domain>_CONSENTERS := <hostname>..." of each orderer org one of whose
 * orderers a consenter names (anywhere in the file), its nodes in order.
 */
static void consenter_vars(const struct rewriter *rw, struct strbuf *out)
{
	const struct crypto_config *cfg = rw->cl->cfg;

	for (size_t oi = 0; oi < cfg->norgs; oi++) {
		bool any = false;

		for (size_t ni = 0; ni < cfg->orgs[oi].nnodes; ni++) {
			bool named = false;

			for (size_t k = 0; k < rw->nconsenters && !named; k++)
				named = rw->consenters[k].oi == oi && rw->consenters[k].ni == ni;
			if (!named || rw->cl->orgs[oi].remote)
				continue;
			if (!any)
				sb_addf(out, "%s_CONSENTERS :=", cfg->orgs[oi].domain);
			sb_addf(out, " %s", cfg->orgs[oi].nodes[ni].hostname);
			any = true;
		}
		if (any)
			sb_addc(out, '\n');
	}
}

int cluster_configtx_mem(const struct cluster *cl, const char *name, const char *text, size_t len,
			 const char *msp_root, struct strbuf *out, struct strbuf *consenters)
{
	struct rewriter rw = { .cl = cl, .msp_root = msp_root };
	const struct ynode *root, *profiles;
	struct ypath orgp = YPATH_KEY(NULL, "Organizations"), ordp = YPATH_KEY(NULL, "Orderer");
	struct ypath pp = YPATH_KEY(NULL, "Profiles");
	struct yfile *f;
	int rc = -1;

	if (len >= 2 && ((unsigned char)text[0] == 0xFE || (unsigned char)text[0] == 0xFF ||
			 text[0] == '\0' || text[1] == '\0')) {
		warnf("%s: UTF-16 text: write configtx.yaml as UTF-8", name);
		return -1;
	}
	f = yfile_load_mem(name, text, len);
	if (!f)
		return -1;
	if (f->ndocs != 1 || (root = f->docs[0])->kind != Y_MAP) {
		warnf("%s: expected one YAML document, a mapping", name);
		goto done;
	}
	profiles = ymap_get_nocase(root, "Profiles");
	collect_consenters(&rw, ymap_get_nocase(root, "Orderer"));
	for (size_t i = 0; profiles && profiles->kind == Y_MAP && i < profiles->n; i++)
		collect_consenters(&rw, ymap_get_nocase(profiles->pairs[i].val, "Orderer"));
	walk_orgs(&rw, ymap_get_nocase(root, "Organizations"), &orgp);
	walk_orderer(&rw, ymap_get_nocase(root, "Orderer"), &ordp);
	for (size_t i = 0; profiles && profiles->kind == Y_MAP && i < profiles->n; i++) {
		struct ypath kp = YPATH_KEY(&pp, profiles->pairs[i].key->str);

		walk_profile(&rw, profiles->pairs[i].val, &kp);
	}
	if (rw.errors == 0) {
		apply(&rw, text, len, out);
		if (consenters)
			consenter_vars(&rw, consenters);
		rc = 0;
	}
done:
	for (size_t i = 0; i < rw.nedits; i++)
		free(rw.edits[i].text);
	free(rw.edits);
	free(rw.seen);
	free(rw.consenters);
	yfile_free(f);
	return rc;
}

int cluster_configtx(const struct cluster *cl, const char *configtx, const char *msp_root,
		     struct strbuf *out, struct strbuf *consenters)
{
	size_t len;
	char *text = read_file(configtx, &len);
	int rc;

	if (!text) {
		warnf("cannot read %s:", configtx);
		return -1;
	}
	rc = cluster_configtx_mem(cl, configtx, text, len, msp_root, out, consenters);
	free(text);
	return rc;
}

/* Can Make carry this name in a list (and a command line)? */
static bool make_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* "<profile>_APP_MSPS := <MSP ID of each Application org>" of a profile, when it has one. */
static void app_msps(const char *name, const struct ynode *app, struct strbuf *out)
{
	const struct ynode *orgs = app && app->kind == Y_MAP ? ymap_get_nocase(app, "Organizations") : NULL;

	if (!orgs)
		return;
	sb_addf(out, "%s_APP_MSPS :=", name);
	for (size_t i = 0; orgs->kind == Y_SEQ && i < orgs->n; i++) {
		const struct ynode *id = orgs->items[i]->kind == Y_MAP ? ymap_get_nocase(orgs->items[i], "ID") : NULL;
		if (id && id->kind == Y_SCALAR && make_word(id->str))
			sb_addf(out, " %s", id->str);
	}
	sb_addc(out, '\n');
}

/* "<profile>_ORDERER_TYPE := <type>" of a profile whose Orderer section names one. */
static void orderer_type(const char *name, const struct ynode *orderer, struct strbuf *out)
{
	const struct ynode *t = ymap_get_nocase(orderer, "OrdererType");

	if (t && t->kind == Y_SCALAR && make_word(t->str))
		sb_addf(out, "%s_ORDERER_TYPE := %s\n", name, t->str);
}

/* The capabilities of one level set true: " Channel:V3_0 ..." */
static void level_capabilities(const char *level, const struct ynode *section, struct strbuf *out)
{
	const struct ynode *caps = section && section->kind == Y_MAP ? ymap_get_nocase(section, "Capabilities") : NULL;

	for (size_t i = 0; caps && caps->kind == Y_MAP && i < caps->n; i++) {
		const struct ynode *v = caps->pairs[i].val;
		if (v->kind == Y_SCALAR && strcasecmp(v->str, "true") == 0 && make_word(caps->pairs[i].key->str))
			sb_addf(out, " %s:%s", level, caps->pairs[i].key->str);
	}
}

/*
 * "<profile>_CAPABILITIES := Channel:V3_0 Orderer:V2_0 Application:V2_5",
 * what the profile's channel would run with: make tells from it which
 * Fabric versions can run the channel (rules/upgrade.mk).
 */
static void capabilities(const char *name, const struct ynode *p, struct strbuf *out)
{
	sb_addf(out, "%s_CAPABILITIES :=", name);
	level_capabilities("Channel", p, out);
	level_capabilities("Orderer", ymap_get_nocase(p, "Orderer"), out);
	level_capabilities("Application", ymap_get_nocase(p, "Application"), out);
	sb_addc(out, '\n');
}

int configtx_profiles(const char *configtx, struct profile_kinds *pk)
{
	const struct ynode *root, *profiles;
	struct yfile *f = yfile_load_one(configtx, &root);

	if (!f)
		return -1;
	profiles = ymap_get_nocase(root, "Profiles");
	for (size_t i = 0; profiles && profiles->kind == Y_MAP && i < profiles->n; i++) {
		const char *name = profiles->pairs[i].key->str;
		const struct ynode *p = profiles->pairs[i].val;
		struct strbuf *list;

		if (!make_word(name) || p->kind != Y_MAP)
			continue;
		if (ymap_get_nocase(p, "Consortiums"))
			list = &pk->sys_genesis;
		else if (ymap_get_nocase(p, "Orderer") && ymap_get_nocase(p, "Application"))
			list = &pk->app_genesis;
		else if (ymap_get_nocase(p, "Application"))
			list = &pk->channel;
		else
			continue;
		sb_addf(list, "%s%s", list->len ? " " : "", name);
		app_msps(name, ymap_get_nocase(p, "Application"), &pk->msps);
		orderer_type(name, ymap_get_nocase(p, "Orderer"), &pk->msps);
		capabilities(name, p, &pk->msps);
	}
	yfile_free(f);
	return 0;
}
