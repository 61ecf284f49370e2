/*
 * yaml2vars - turn crypto-config.yaml (one file or several, merged) and
 * configtx.yaml into what Make, the templates and txgen need on a cluster.
 *
 * Writes DIR/network.mk, the org lists and per-org variables for Make, and
 * one DIR/<domain>.vars per org, rewritten only when that org's content
 * changes, so each org's later steps depend on its own file alone; with -w,
 * the cluster's copy of configtx.yaml (configtx.c).  Each org is a
 * namespace (its domain, lower case, dots to dashes, unless -n says
 * otherwise) and each node a Service there, "<hostname>.<namespace>".
 * Nothing is written unless the whole input is valid.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "network/cryptocfg.h"
#include "base/fsutil.h"
#include "base/util.h"
#include "network/clusterconfig.h"
#include "network/imports.h"

/*
 * Node ports, as the old tool gave them: each org a block of 100 from the
 * base (orgs in file order, orderer orgs first), each node three in its
 * block (gRPC; chaincode or admin; operations), the CA the block's last.
 */
enum { PORTS_PER_ORG = 100, PORTS_PER_NODE = 3, NODEPORT_MAX = 32767 };

static int nodeport_base(int base, size_t org_index)
{
	return base + (int)org_index * PORTS_PER_ORG;
}

static int ca_nodeport(int base, size_t org_index)
{
	return nodeport_base(base, org_index) + PORTS_PER_ORG - 1;
}

/* Every node's ports fit its org's block, and the last block the range. */
static int check_nodeports(const struct crypto_config *cfg, int base)
{
	int errors = 0;

	for (size_t i = 0; i < cfg->norgs; i++) {
		const struct org_spec *o = &cfg->orgs[i];
		size_t fit = (PORTS_PER_ORG - 1) / PORTS_PER_NODE;
		struct ypath lp = YPATH_KEY(NULL, org_list_name(o));
		struct ypath ip = YPATH_INDEX(&lp, o->index);

		if (o->nnodes > fit) {
			yerror(o->where, &ip, "%zu nodes need %zu node ports, more than the %d "
			       "an org has (at most %zu nodes with SERVICE_TYPE=NodePort)",
			       o->nnodes, o->nnodes * PORTS_PER_NODE, PORTS_PER_ORG - 1, fit);
			errors++;
		}
		if (ca_nodeport(base, i) > NODEPORT_MAX) {
			yerror(o->where, &ip, "node ports from %d up to %d are beyond %d: "
			       "too many orgs for SERVICE_TYPE=NodePort", nodeport_base(base, i),
			       ca_nodeport(base, i), NODEPORT_MAX);
			errors++;
		}
	}
	return errors;
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-v] [-c configtx.yaml [-w copy [-x lacks]] [-m dir]] [-i org.vars [-I dir]]...\n"
		"          [-n domain=namespace]... [-r names] [-p port [-e host]] [-d zone] [-o dir] crypto-config.yaml...\n", progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("usage: %s [-v] [-c configtx.yaml [-w copy [-x lacks]] [-m dir]] [-i org.vars [-I dir]]...\n"
	       "          [-n domain=namespace]... [-r names] [-p port [-e host]] [-d zone] [-o dir] crypto-config.yaml...\n\n"
	       "Write dir/network.mk and dir/<domain>.vars for every org of one or\n"
	       "more cryptogen crypto-config files, merged as one network.  A .vars\n"
	       "file is rewritten only when its content changes; .vars files of orgs\n"
	       "no longer present are removed.  Each org is deployed to a namespace:\n"
	       "its domain in lower case with dots as dashes (org1.example.com ->\n"
	       "org1-example-com), and each node is reached at <hostname>.<namespace>.\n\n"
	       "  -c FILE  configtx.yaml: each org's MSP ID (the Organizations entry\n"
	       "           whose MSPDir points at the org) and its profiles' kinds\n"
	       "  -w FILE  write the cluster's copy of the configtx.yaml there: MSPDir\n"
	       "           and certificate paths pointing into the generated tree, the\n"
	       "           network's node addresses as the cluster names them; and in\n"
	       "           network.mk, <domain>_CONSENTERS: the orderers consenters name\n"
	       "  -m DIR   the crypto-config tree as the copy names it (default\n"
	       "           crypto-config, beside the copy)\n"
	       "  -i FILE  an org another operator runs: the org.vars of its make\n"
	       "           export, in the directory named after its domain; the copy\n"
	       "           points its paths into DIR/<domain>/ and names its nodes at\n"
	       "           their external addresses (network.mk: IMPORTED_ORGS)\n"
	       "  -I DIR   the imported orgs' trees as the copy names them (default\n"
	       "           import, beside the copy)\n"
	       "  -x FILE  an org of configtx.yaml neither in the crypto config nor\n"
	       "           imported is no error: it is said in FILE, and the copy is\n"
	       "           not written (one written before is removed); FILE goes\n"
	       "           when nothing lacks\n"
	       "  -n D=NS  deploy the org with domain D to namespace NS\n"
	       "  -o DIR   output directory (default build/vars)\n"
	       "  -r NAMES names (space-separated) a domain must not be and an org is\n"
	       "           not known by: the make goals\n"
	       "  -p PORT  assign node ports from PORT: 100 per org, 3 per node, the\n"
	       "           CA the org's last; refuse what does not fit below 32768\n"
	       "  -e HOST  with -p, every node's external address is HOST (a DNS name\n"
	       "           or an IPv4 address of the cluster's nodes) and its node port\n"
	       "  -d ZONE  every node's external address is <hostname>.<namespace>.ZONE\n"
	       "           (a load balancer's, by DNS) and its port in the cluster\n"
	       "  -v       name every file written or removed\n"
	       "  -h       this help\n", progname());
	exit(0);
}

/* Is s one of the space-separated names in list (-r: the make goals)? */
static bool is_goal(const char *list, const char *s)
{
	size_t n = strlen(s);

	for (const char *p = list; p && *p;) {
		size_t w;

		p += strspn(p, " ");
		w = strcspn(p, " ");
		if (w == n && strncmp(p, s, n) == 0)
			return true;
		p += w;
	}
	return false;
}

static bool reserved_namespace(const char *s)
{
	return strncmp(s, "kube-", 5) == 0 || strcmp(s, "default") == 0;
}

/* Letters, digits, '.', '-' and '_': a make target and a file name as it is. */
static bool make_name(const char *s)
{
	if (!*s || *s == '-' || *s == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(".-_", *s)))
			return false;
	return true;
}

/* A domain's namespace unless told otherwise: lower case, '.' and '_' to '-'. */
static char *default_namespace(const char *domain)
{
	char *ns = xstrdup(domain);

	for (char *p = ns; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == '.' || *p == '_')
			*p = '-';
	}
	return ns;
}

struct ns_override {
	const char *domain, *ns;
	bool used;
};

static const struct ynode *domain_node(const struct org_spec *o)
{
	const struct ynode *d = ymap_get(o->where, "Domain");

	return d ? d : o->where;
}

/* Report a problem with org o's Domain (or its namespace). */
static void domain_error(const struct org_spec *o, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void domain_error(const struct org_spec *o, const char *fmt, ...)
{
	struct ypath lp = YPATH_KEY(NULL, org_list_name(o));
	struct ypath ip = YPATH_INDEX(&lp, o->index), dp = YPATH_KEY(&ip, "Domain");
	struct strbuf sb = {0};
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	yerror(domain_node(o), &dp, "%s", sb.buf);
	sb_free(&sb);
}

/* Report that node j of org o (a Spec, or a Template node) has a bad Hostname. */
static void hostname_error(const struct org_spec *o, size_t j)
{
	const struct ynode *specs = ymap_get(o->where, "Specs");
	struct ypath lp = YPATH_KEY(NULL, org_list_name(o));
	struct ypath ip = YPATH_INDEX(&lp, o->index), sp = YPATH_KEY(&ip, "Specs");
	struct ypath tp = YPATH_KEY(&ip, "Template"), jp = YPATH_INDEX(&sp, j);
	struct ypath hp = (specs && specs->kind == Y_SEQ && j < specs->n) ?
		YPATH_KEY(&jp, "Hostname") : YPATH_KEY(&tp, "Hostname");
	const struct ynode *at = o->nodes[j].where;

	if (specs && specs->kind == Y_SEQ && j < specs->n && ymap_get(specs->items[j], "Hostname"))
		at = ymap_get(specs->items[j], "Hostname");
	yerror(at, &hp, "\"%s\" cannot name the node's Service in the cluster (lower-case "
	       "letters, digits and '-', at most 63)", o->nodes[j].hostname);
}

/* Namespaces and node hosts of every org, checked; the number of errors. */
static int build_cluster(const struct crypto_config *cfg, struct ns_override *ov, size_t nov,
			 const char *goals, struct cluster *cl)
{
	int errors = 0;

	cl->cfg = cfg;
	cl->orgs = xcalloc(cfg->norgs, sizeof(*cl->orgs));
	for (size_t i = 0; i < cfg->norgs; i++) {
		const struct org_spec *o = &cfg->orgs[i];
		struct cluster_org *co = &cl->orgs[i];
		const char *given = NULL;

		for (size_t k = 0; k < nov; k++) {
			if (strcmp(ov[k].domain, o->domain) == 0) {
				given = ov[k].ns;
				ov[k].used = true;
			}
		}
		co->namespace = given ? xstrdup(given) : default_namespace(o->domain);
		if (!make_name(o->domain)) {
			domain_error(o, "\"%s\" cannot be deployed: it names make targets and "
				     "files, so letters, digits, '.', '-' and '_' only", o->domain);
			errors++;
		} else if (is_goal(goals, o->domain)) {
			domain_error(o, "\"%s\" is a make goal of this project (make %s would not "
				     "mean the org); choose another domain", o->domain, o->domain);
			errors++;
		} else if (!is_dns_label(co->namespace) || reserved_namespace(co->namespace)) {
			domain_error(o, "\"%s\" maps to namespace \"%s\", which an org cannot have "
				     "(lower-case letters, digits and '-', at most 63, not default or "
				     "kube-*): name another with NAMESPACES=\"%s=<namespace>\"",
				     o->domain, co->namespace, o->domain);
			errors++;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(cl->orgs[j].namespace, co->namespace) == 0) {
				domain_error(o, "\"%s\" maps to namespace \"%s\", as \"%s\" does (%s:%d): "
					     "name another with NAMESPACES=\"%s=<namespace>\"", o->domain,
					     co->namespace, cfg->orgs[j].domain,
					     domain_node(&cfg->orgs[j])->file,
					     domain_node(&cfg->orgs[j])->line, o->domain);
				errors++;
			}
		}
		co->hosts = xcalloc(o->nnodes ? o->nnodes : 1, sizeof(*co->hosts));
		for (size_t j = 0; j < o->nnodes; j++) {
			const struct node_spec *n = &o->nodes[j];

			co->hosts[j] = xasprintf("%s.%s", n->hostname, co->namespace);
			if (!is_dns_label(n->hostname)) {
				hostname_error(o, j);
				errors++;
			}
		}
		if (!is_dns_label(o->ca.hostname)) {
			struct ypath lp = YPATH_KEY(NULL, org_list_name(o));
			struct ypath ip = YPATH_INDEX(&lp, o->index), cp = YPATH_KEY(&ip, "CA");
			struct ypath hp = YPATH_KEY(&cp, "Hostname");
			const struct ynode *ca = ymap_get(o->where, "CA");

			yerror(ymap_get(ca, "Hostname") ? ymap_get(ca, "Hostname") : o->where, &hp,
			       "\"%s\" cannot name the CA's Service in the cluster (lower-case "
			       "letters, digits and '-', at most 63)", o->ca.hostname);
			errors++;
		}
	}
	for (size_t k = 0; k < nov; k++) {
		if (!ov[k].used) {
			warnf("-n %s=%s: no org has domain %s", ov[k].domain, ov[k].ns, ov[k].domain);
			errors++;
		}
	}
	return errors;
}

/*
 * External addresses: with node ports, host and each node's gRPC port (the
 * first of its three), the CA its own; with a load balancer, by DNS,
 * <hostname>.<namespace>.<zone> and the port in the cluster.
 */
static void external_addresses(struct cluster *cl, int port_base, const char *host, const char *zone)
{
	for (size_t i = 0; (host || zone) && i < cl->cfg->norgs; i++) {
		const struct org_spec *o = &cl->cfg->orgs[i];
		struct cluster_org *co = &cl->orgs[i];

		co->externals = xcalloc(o->nnodes ? o->nnodes : 1, sizeof(*co->externals));
		for (size_t j = 0; j < o->nnodes; j++)
			co->externals[j] = host ? xasprintf("%s:%d", host, nodeport_base(port_base, i) +
							    (int)j * PORTS_PER_NODE) :
				xasprintf("%s.%s.%s:%d", o->nodes[j].hostname, co->namespace, zone, node_port(o));
		co->ca_external = host ? xasprintf("%s:%d", host, ca_nodeport(port_base, i)) :
			xasprintf("%s.%s.%s:%d", o->ca.hostname, co->namespace, zone, CA_PORT);
	}
}

static void free_cluster(struct cluster *cl)
{
	for (size_t i = 0; cl->orgs && i < cl->cfg->norgs; i++) {
		for (size_t j = 0; j < cl->cfg->orgs[i].nnodes; j++) {
			free(cl->orgs[i].hosts[j]);
			if (cl->orgs[i].externals)
				free(cl->orgs[i].externals[j]);
		}
		free(cl->orgs[i].hosts);
		free(cl->orgs[i].externals);
		free(cl->orgs[i].ca_external);
		free(cl->orgs[i].namespace);
	}
	free(cl->orgs);
}

/* The first label of a domain ("org1" of "org1.example.com"), allocated. */
static char *first_label(const char *domain)
{
	return xstrndup(domain, strcspn(domain, "."));
}

/*
 * Other names `make <name>` takes for an org: its namespace and the first
 * label of its domain, each when no other org (domain or alias) could
 * claim it and it is no goal of this project.
 */
static void org_aliases(const struct cluster *cl, size_t org, const char *goals, struct strbuf *sb)
{
	const struct crypto_config *cfg = cl->cfg;
	char *cand[2] = { xstrdup(cl->orgs[org].namespace), first_label(cfg->orgs[org].domain) };

	for (size_t c = 0; c < 2; c++) {
		bool ok = strcmp(cand[c], cfg->orgs[org].domain) != 0 && !is_goal(goals, cand[c]) &&
			make_name(cand[c]) && !(c == 1 && strcmp(cand[1], cand[0]) == 0);

		for (size_t i = 0; i < cfg->norgs && ok; i++) {
			char *label = first_label(cfg->orgs[i].domain);

			ok = strcmp(cfg->orgs[i].domain, cand[c]) != 0 &&
				(i == org || (strcmp(cl->orgs[i].namespace, cand[c]) != 0 &&
					      strcmp(label, cand[c]) != 0));
			free(label);
		}
		if (ok)
			sb_addf(sb, "%s%s", sb->len ? " " : "", cand[c]);
	}
	free(cand[0]);
	free(cand[1]);
}

/* The org's nodes' hostnames, or common names, space-separated: list, reset first. */
static const char *node_names(struct strbuf *list, const struct org_spec *o, bool common_names)
{
	sb_reset(list);
	for (size_t j = 0; j < o->nnodes; j++)
		sb_addf(list, "%s%s", j ? " " : "", common_names ? o->nodes[j].common_name :
			o->nodes[j].hostname);
	return list->buf ? list->buf : "";
}

/* The n strings of v, space-separated: list, reset first. */
static const char *joined(struct strbuf *list, char *const *v, size_t n)
{
	sb_reset(list);
	for (size_t j = 0; j < n; j++)
		sb_addf(list, "%s%s", j ? " " : "", v[j]);
	return list->buf ? list->buf : "";
}

/* The org's users as cryptogen names them ("Admin User1 User2"): list, reset first. */
static const char *user_names(struct strbuf *list, const struct org_spec *o)
{
	sb_reset(list);
	sb_adds(list, "Admin");
	for (int u = 1; u <= o->users; u++)
		sb_addf(list, " User%d", u);
	return list->buf;
}

/* One NAME=value line; values never hold line breaks (cryptocfg refuses them). */
static void var(struct strbuf *sb, const char *name, const char *value)
{
	sb_addf(sb, "%s=%s\n", name, value ? value : "");
}

static void org_vars(const struct cluster *cl, size_t index, int port_base, struct strbuf *sb)
{
	const struct org_spec *o = &cl->cfg->orgs[index];
	const struct cluster_org *co = &cl->orgs[index];
	const char *source = o->where->file;
	struct strbuf list = {0};
	char key[64], num[32];

	sb_addf(sb, "# %s: generated by yaml2vars from %s; do not edit\n", o->domain, source);
	var(sb, "ORG", o->domain);
	var(sb, "ORG_NAME", o->name);
	var(sb, "ORG_TYPE", org_type_name(o));
	var(sb, "DOMAIN", o->domain);
	var(sb, "NAMESPACE", co->namespace);
	var(sb, "MSP_ID", o->msp_id);
	var(sb, "NODE_OUS", o->node_ous ? "true" : "false");
	var(sb, "CA_HOSTNAME", o->ca.hostname);
	var(sb, "CA_CN", o->ca.common_name);
	var(sb, "CA_COUNTRY", o->ca.country);
	var(sb, "CA_PROVINCE", o->ca.province);
	var(sb, "CA_LOCALITY", o->ca.locality);
	var(sb, "CA_ORG_UNIT", o->ca.org_unit);
	var(sb, "CA_STREET", o->ca.street);
	var(sb, "CA_POSTAL", o->ca.postal);
	var(sb, "CA_KEY_ALGORITHM", o->ca.key_algorithm);
	var(sb, "NODES", node_names(&list, o, false));
	snprintf(num, sizeof(num), "%zu", o->nnodes);
	var(sb, "NODE_COUNT", num);
	for (size_t i = 0; i < o->nnodes; i++) {
		const struct node_spec *n = &o->nodes[i];

		snprintf(key, sizeof(key), "NODE%zu_HOSTNAME", i);
		var(sb, key, n->hostname);
		snprintf(key, sizeof(key), "NODE%zu_CN", i);
		var(sb, key, n->common_name);
		snprintf(key, sizeof(key), "NODE%zu_HOST", i);
		var(sb, key, co->hosts[i]);
		snprintf(key, sizeof(key), "NODE%zu_SANS", i);
		var(sb, key, joined(&list, n->sans, n->nsans));
		snprintf(key, sizeof(key), "NODE%zu_KEY_ALGORITHM", i);
		var(sb, key, n->key_algorithm);
		if (port_base) {
			int p = nodeport_base(port_base, index) + (int)i * PORTS_PER_NODE;

			snprintf(key, sizeof(key), "NODE%zu_NODEPORTS", i);
			snprintf(num, sizeof(num), "%d %d %d", p, p + 1, p + 2);
			var(sb, key, num);
		}
		if (co->externals) {
			snprintf(key, sizeof(key), "NODE%zu_EXTERNAL", i);
			var(sb, key, co->externals[i]);
		}
	}
	if (port_base) {
		snprintf(num, sizeof(num), "%d", ca_nodeport(port_base, index));
		var(sb, "CA_NODEPORT", num);
	}
	if (co->ca_external) {
		var(sb, "CA_EXTERNAL", co->ca_external);
		sb_reset(&list);
		sb_add(&list, co->ca_external, strrchr(co->ca_external, ':') - co->ca_external);
		var(sb, "CA_EXTERNAL_HOST", list.buf);
	}
	var(sb, "USERS", user_names(&list, o));
	snprintf(num, sizeof(num), "%d", o->users);
	var(sb, "USER_COUNT", num);
	var(sb, "USER_KEY_ALGORITHM", o->user_key_algorithm);
	sb_free(&list);
}

/* A value on the right of ":=", with Make's special characters escaped. */
static void make_value(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '$')
			sb_adds(sb, "$$");
		else if (*s == '#')
			sb_adds(sb, "\\#");
		else
			sb_addc(sb, *s);
	}
}

static void make_var(struct strbuf *sb, const char *org, const char *name, const char *value)
{
	sb_addf(sb, "%s%s%s := ", org ? org : "", org ? "_" : "", name);
	make_value(sb, value);
	sb_addc(sb, '\n');
}

/* network.mk's variables of org i: <domain>_TYPE and the rest. */
static void org_make_vars(const struct cluster *cl, size_t i, int port_base, const char *goals,
			  struct strbuf *sb)
{
	const struct org_spec *o = &cl->cfg->orgs[i];
	const struct cluster_org *co = &cl->orgs[i];
	struct strbuf list = {0};
	char name[96], value[32];

	sb_addc(sb, '\n');
	make_var(sb, o->domain, "TYPE", org_type_name(o));
	make_var(sb, o->domain, "NAME", o->name);
	make_var(sb, o->domain, "DOMAIN", o->domain);
	make_var(sb, o->domain, "NAMESPACE", co->namespace);
	make_var(sb, o->domain, "CRYPTO_CONFIG", o->where->file);
	make_var(sb, o->domain, "MSP_ID", o->msp_id);
	make_var(sb, o->domain, "CA_HOSTNAME", o->ca.hostname);
	make_var(sb, o->domain, "CA_CN", o->ca.common_name);
	make_var(sb, o->domain, "NODES", node_names(&list, o, false));
	make_var(sb, o->domain, "NODE_CNS", node_names(&list, o, true));
	make_var(sb, o->domain, "NODE_HOSTS", joined(&list, co->hosts, o->nnodes));
	sb_reset(&list);
	org_aliases(cl, i, goals, &list);
	make_var(sb, o->domain, "ALIASES", list.buf ? list.buf : "");
	make_var(sb, o->domain, "USERS", user_names(&list, o));
	for (size_t j = 0; port_base && j < o->nnodes; j++) {
		int p = nodeport_base(port_base, i) + (int)j * PORTS_PER_NODE;

		snprintf(name, sizeof(name), "%s_NODEPORTS", o->nodes[j].hostname);
		snprintf(value, sizeof(value), "%d %d %d", p, p + 1, p + 2);
		make_var(sb, o->domain, name, value);
	}
	for (size_t j = 0; co->externals && j < o->nnodes; j++) {
		snprintf(name, sizeof(name), "%s_EXTERNAL", o->nodes[j].hostname);
		make_var(sb, o->domain, name, co->externals[j]);
	}
	if (port_base) {
		snprintf(value, sizeof(value), "%d", ca_nodeport(port_base, i));
		make_var(sb, o->domain, "CA_NODEPORT", value);
	}
	if (co->externals) {
		make_var(sb, o->domain, "NODE_EXTERNALS", joined(&list, co->externals, o->nnodes));
		make_var(sb, o->domain, "CA_EXTERNAL", co->ca_external);
	}
	sb_free(&list);
}

static void network_mk(const struct cluster *cl, int port_base, const struct profile_kinds *pk,
		       const char *goals, struct strbuf *sb)
{
	const struct crypto_config *cfg = cl->cfg;
	struct strbuf list = {0};

	sb_adds(sb, "# Generated by yaml2vars from");
	for (size_t i = 0; i < cfg->nfiles; i++)
		sb_addf(sb, " %s", cfg->files[i]->name);
	sb_adds(sb, "; do not edit.\n");
	for (int t = ORG_ORDERER; t <= ORG_PEER; t++) {
		sb_reset(&list);
		for (size_t i = 0; i < cfg->norgs; i++)
			if (cfg->orgs[i].type == (enum org_type)t)
				sb_addf(&list, "%s%s", list.len ? " " : "", cfg->orgs[i].domain);
		make_var(sb, NULL, t == ORG_ORDERER ? "ORDERER_ORGS" : "PEER_ORGS",
			 list.buf ? list.buf : "");
	}
	/* what each profile of configtx.yaml makes: the channel flow follows from it */
	if (pk) {
		make_var(sb, NULL, "CONFIGTX_APP_GENESIS_PROFILES", pk->app_genesis.len ? pk->app_genesis.buf : "");
		make_var(sb, NULL, "CONFIGTX_SYS_GENESIS_PROFILES", pk->sys_genesis.len ? pk->sys_genesis.buf : "");
		make_var(sb, NULL, "CONFIGTX_CHANNEL_PROFILES", pk->channel.len ? pk->channel.buf : "");
		if (pk->msps.len)
			sb_add(sb, pk->msps.buf, pk->msps.len);
		if (pk->consenters.len)
			sb_add(sb, pk->consenters.buf, pk->consenters.len);
	}
	for (size_t i = 0; i < cfg->norgs; i++)
		org_make_vars(cl, i, port_base, goals, sb);
	sb_free(&list);
}

/* Remove a file that may not be there; 0 or -1. */
static int remove_output(const char *path, int verbose)
{
	int r = unlink(path);

	if (r < 0 && errno != ENOENT) {
		warnf("cannot remove %s:", path);
		return -1;
	}
	if (r == 0 && verbose)
		printf("removed %s\n", path);
	return 0;
}

/* Remove <name>.vars files of orgs that are gone; 0 or -1. */
static int prune(const char *dir, const struct crypto_config *cfg, int verbose)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		warnf("cannot read %s:", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		bool keep = false;

		if (n <= 5 || strcmp(e->d_name + n - 5, ".vars") != 0)
			continue;
		for (size_t i = 0; i < cfg->norgs && !keep; i++)
			keep = strlen(cfg->orgs[i].domain) == n - 5 &&
				strncmp(cfg->orgs[i].domain, e->d_name, n - 5) == 0;
		if (keep)
			continue;
		char *path = path_join(dir, e->d_name);

		if (remove_output(path, verbose) < 0)
			rc = -1;
		free(path);
	}
	closedir(d);
	return rc;
}

static int emit(const char *path, const struct strbuf *sb, int verbose)
{
	int r = write_file(path, sb->buf, sb->len, 0644, WRITE_IF_CHANGED);

	if (r < 0) {
		warnf("cannot write %s:", path);
		return -1;
	}
	if (r > 0 && verbose)
		printf("wrote %s\n", path);
	return 0;
}

/* The command line. */
struct args {
	const char *configtx, *outdir, *copy, *msp_root, *goals, *external_host, *zone;
	const char *import_root, *lacks;
	struct ns_override *ov;         /* -n, allocated */
	size_t nov, ovcap;
	const char **imports;           /* -i, allocated */
	size_t nimports, imcap;
	int verbose, port_base;
};

/* -n domain=namespace into a. */
static void namespace_arg(struct args *a)
{
	char *eq = strchr(optarg, '=');

	if (!eq || eq == optarg || !eq[1]) {
		warnf("-n %s: expected domain=namespace", optarg);
		usage();
	}
	*eq = '\0';
	a->ov = xgrow(a->ov, &a->ovcap, a->nov + 1, sizeof(*a->ov));
	a->ov[a->nov++] = (struct ns_override){ optarg, eq + 1, false };
}

/* The options into a; usage errors exit.  The files are argv[optind] on. */
static void parse_args(int argc, char **argv, struct args *a)
{
	long long v;
	int opt;

	while ((opt = getopt(argc, argv, "c:d:e:i:I:m:n:o:p:r:w:x:vh")) != -1) {
		switch (opt) {
		case 'c':
			a->configtx = optarg;
			break;
		case 'd':
		case 'e':
			if (!is_dns_name(optarg) && !(opt == 'e' && is_ipv4(optarg))) {
				warnf("-%c %s: not a host: expected a DNS name (letters, digits, '-' and "
				      "'.')%s", opt, optarg, opt == 'e' ? " or an IPv4 address" : "");
				free(a->ov);
				free(a->imports);
				exit(EXIT_USER);
			}
			*(opt == 'e' ? &a->external_host : &a->zone) = optarg;
			break;
		case 'i':
			a->imports = xgrow(a->imports, &a->imcap, a->nimports + 1, sizeof(*a->imports));
			a->imports[a->nimports++] = optarg;
			break;
		case 'I':
			a->import_root = optarg;
			break;
		case 'm':
			a->msp_root = optarg;
			break;
		case 'n':
			namespace_arg(a);
			break;
		case 'o':
			a->outdir = optarg;
			break;
		case 'p':
			if (parse_long(optarg, 1, NODEPORT_MAX, &v) < 0) {
				warnf("-p %s: expected a port number", optarg);
				usage();
			}
			a->port_base = (int)v;
			break;
		case 'r':
			a->goals = optarg;
			break;
		case 'w':
			a->copy = optarg;
			break;
		case 'x':
			a->lacks = optarg;
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'h':
			help();
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 1 || (a->copy && !a->configtx) || (a->lacks && !a->copy) || (a->external_host && (!a->port_base || a->zone)))
		usage();
}


/* What the network is made of, for write_outputs. */
struct outputs {
	const struct cluster *cl;
	const struct profile_kinds *pk;
	const struct strbuf *ctx;          /* the copy of configtx.yaml */
	const struct strbuf *lacks;        /* -x: the orgs the copy lacks */
	const struct imported_orgs *im;
};

/*
 * Every file: the orgs' .vars first, then the removal of those of orgs
 * gone and the copy of configtx.yaml (ctx; removed when it lacks an
 * org, which the lacks file says), network.mk last, which marks the set
 * complete.  0 or -1.
 */
static int write_outputs(const struct args *a, const struct outputs *w)
{
	const struct crypto_config *cfg = w->cl->cfg;
	struct strbuf sb = {0}, list = {0};
	char *path;
	int rc = 0;

	if (mkdir_p(a->outdir, 0755) < 0) {
		warnf("cannot create %s:", a->outdir);
		return -1;
	}
	for (size_t i = 0; i < cfg->norgs && rc == 0; i++) {
		char *name = xasprintf("%s.vars", cfg->orgs[i].domain);

		path = path_join(a->outdir, name);
		sb_reset(&sb);
		org_vars(w->cl, i, a->port_base, &sb);
		rc = emit(path, &sb, a->verbose);
		free(path);
		free(name);
	}
	if (rc == 0)
		rc = prune(a->outdir, cfg, a->verbose);
	if (rc == 0 && a->copy)
		rc = w->lacks->len ? remove_output(a->copy, a->verbose) : emit(a->copy, w->ctx, a->verbose);
	if (rc == 0 && a->lacks)
		rc = w->lacks->len ? emit(a->lacks, w->lacks, a->verbose) : remove_output(a->lacks, a->verbose);
	if (rc == 0) {
		path = path_join(a->outdir, "network.mk");
		sb_reset(&sb);
		network_mk(w->cl, a->port_base, a->configtx ? w->pk : NULL, a->goals, &sb);
		for (size_t i = 0; i < w->im->n; i++)
			sb_addf(&list, "%s%s", i ? " " : "", w->im->orgs[i].domain);
		if (list.len) {
			sb_adds(&sb, "\n# the orgs of other operators (-i): in the channel's config, never deployed here\n");
			make_var(&sb, NULL, "IMPORTED_ORGS", list.buf);
		}
		rc = emit(path, &sb, a->verbose);
		free(path);
	}
	sb_free(&list);
	sb_free(&sb);
	return rc;
}

/*
 * The copy of configtx.yaml (and the consenters' lines) for the own orgs
 * and the imported ones together; what it lacks into *lacks with -x.
 */
static int configtx_copy(const struct args *a, const struct cluster *cl, const struct imported_orgs *im,
			 struct strbuf *ctx, struct strbuf *lacks, struct profile_kinds *pk)
{
	struct crypto_config whole_cfg;
	struct cluster whole;
	int rc;

	imports_whole(cl, im, &whole_cfg, &whole);
	whole.import_root = a->import_root ? a->import_root : "import";
	whole.lacks = a->lacks ? lacks : NULL;
	rc = cluster_configtx(&whole, a->configtx, a->msp_root, ctx, &pk->consenters);
	imports_whole_free(&whole_cfg, &whole);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a = { .outdir = "build/vars", .msp_root = "crypto-config" };
	struct crypto_config *cfg;
	struct cluster cl = {0};
	struct imported_orgs im = {0};
	struct profile_kinds pk = {0};
	struct strbuf ctx = {0}, lacks = {0};
	int rc = -1;

	set_progname(argv[0]);
	parse_args(argc, argv, &a);
	cfg = cryptocfg_load_files((const char *const *)argv + optind, (size_t)(argc - optind));
	if (!cfg) {
		free(a.ov);
		free(a.imports);
		return EXIT_USER;
	}
	if ((a.configtx && cryptocfg_read_msp_ids(cfg, a.configtx) < 0) ||
	    (a.port_base && check_nodeports(cfg, a.port_base)) ||
	    build_cluster(cfg, a.ov, a.nov, a.goals, &cl))
		goto out;
	external_addresses(&cl, a.port_base, a.external_host, a.zone);
	if (imports_load(a.imports, a.nimports, cfg, &im) < 0 ||
	    (a.configtx && configtx_profiles(a.configtx, &pk) < 0) ||
	    (a.copy && configtx_copy(&a, &cl, &im, &ctx, &lacks, &pk) < 0))
		goto out;
	rc = write_outputs(&a, &(struct outputs){ &cl, &pk, &ctx, &lacks, &im });
out:
	sb_free(&ctx);
	sb_free(&lacks);
	sb_free(&pk.app_genesis);
	sb_free(&pk.sys_genesis);
	sb_free(&pk.channel);
	sb_free(&pk.msps);
	sb_free(&pk.consenters);
	imports_free(&im);
	free_cluster(&cl);
	cryptocfg_free(cfg);
	free(a.ov);
	free(a.imports);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write standard output:");
		rc = -1;
	}
	return rc ? EXIT_USER : 0;
}
