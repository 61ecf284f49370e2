/*
 * generate and extend: an org's MSP tree exactly as cryptogen 2.5 lays it
 * out (see the fixtures' FACTS.md), built in a temporary directory beside
 * its final place and renamed there when complete.  extend builds each
 * missing node or user the same way, so a reader never sees half an org
 * or half a node, and an interrupted run leaves nothing a later run would
 * take for finished.
 *
 * extend also re-issues the TLS certificate (tls/server.crt) of an
 * existing peer or orderer whose subject alternative names are not those
 * the node would get now (CommonName, Hostname, SANS, --san): the same
 * key, subject and other extensions, a new serial and validity, as renew
 * issues them, and the file replaced atomically.  Nothing else of an
 * existing node changes: its signing certificate names no host, and
 * users' TLS certificates have no SANs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "mspgen.h"
#include "x509/pki.h"
#include "base/util.h"

enum node_type { NODE_CLIENT, NODE_ORDERER, NODE_PEER, NODE_ADMIN };

static const char *const node_ou[] = { "client", "orderer", "peer", "admin" };

/* One org being generated or extended. */
struct org_gen {
	struct run *r;
	const struct org_spec *o;
	char *dir;              /* the org's final directory */
	struct ca sign, tls;
	char *config_yaml;      /* msp/config.yaml, NULL when NodeOUs are off */
	char *admin_pem;        /* Admin's signcert, copied into admincerts (NodeOUs off) */
	size_t admin_pemlen;
	bool exists;            /* extend: the org is there already */
	struct certfiles node_tls;      /* extend: the TLS certificates of its nodes */
	size_t nstale;          /* extend: how many of them name other hosts than they should */
};

static const char *or_default(const char *s, const char *def)
{
	return s && *s ? s : def;
}

void free_ca(struct ca *ca)
{
	free(ca->name);
	pki_key_free(ca->key);
	pki_cert_free(ca->cert);
	free(ca->pem);
	memset(ca, 0, sizeof(*ca));
}

static void free_org_gen(struct org_gen *g)
{
	free(g->dir);
	free_ca(&g->sign);
	free_ca(&g->tls);
	free(g->config_yaml);
	free(g->admin_pem);
	certfiles_free(&g->node_tls);
}

/* ---- writing ---- */

static int mkd(const char *dir, const char *sub)
{
	char *p = path_join(dir, sub);
	int rc = mkdir(p, 0755);

	if (rc < 0)
		warnf("cannot create directory '%s':", p);
	free(p);
	return rc;
}

/* Write dir/name, a new file in a directory nobody else sees yet. */
static int put(const char *dir, const char *name, const void *buf, size_t len, mode_t mode)
{
	char *p = path_join(dir, name);
	int rc = write_file(p, buf, len, mode, WRITE_FRESH) < 0 ? -1 : 0;

	if (rc < 0)
		warnf("cannot write '%s':", p);
	free(p);
	return rc;
}

static int put_key(const char *dir, const char *name, const struct pki_key *k)
{
	size_t len;
	char *pem = pki_key_to_pem(k, &len);
	int rc;

	if (!pem)
		return -1;
	rc = put(dir, name, pem, len, 0600);
	pki_wipe_free(pem, len);
	return rc;
}

static int put_cert(const char *dir, const char *name, const struct pki_cert *c)
{
	size_t len;
	char *pem = pki_cert_to_pem(c, &len);
	int rc = put(dir, name, pem, len, 0644);

	free(pem);
	return rc;
}

static char *cert_file(const char *name)
{
	return xasprintf("%s-cert.pem", name);
}

/* dir/<cn>-cert.pem from PEM text; with sub, dir/sub/<cn>-cert.pem. */
static int put_pem_as(const char *dir, const char *sub, const char *cn, const char *pem,
		      size_t len)
{
	char *d = sub ? path_join(dir, sub) : xstrdup(dir), *name = cert_file(cn);
	int rc = put(d, name, pem, len, 0644);

	free(name);
	free(d);
	return rc;
}

/* ---- certificates ---- */

/*
 * msp/config.yaml as cryptogen writes it (yaml.v2): the CA file name is a
 * plain scalar unless YAML would read it otherwise.
 */
static char *node_ous_config(const char *ca_name)
{
	char *file = xasprintf("cacerts/%s-cert.pem", ca_name), *quoted, *out;
	static const char *const ids[][2] = { { "ClientOUIdentifier", "client" },
		{ "PeerOUIdentifier", "peer" }, { "AdminOUIdentifier", "admin" },
		{ "OrdererOUIdentifier", "orderer" } };
	struct strbuf sb = {0};
	size_t n = strlen(file);

	if (strstr(file, ": ") || strstr(file, " #") || file[n - 1] == ' ' ||
	    file[n - 1] == ':') {
		struct strbuf q = {0};

		sb_addc(&q, '\'');
		for (const char *p = file; *p; p++) {
			if (*p == '\'')
				sb_addc(&q, '\'');
			sb_addc(&q, *p);
		}
		sb_addc(&q, '\'');
		quoted = sb_detach(&q);
	} else {
		quoted = xstrdup(file);
	}
	sb_adds(&sb, "NodeOUs:\n  Enable: true\n");
	for (size_t i = 0; i < 4; i++)
		sb_addf(&sb, "  %s:\n    Certificate: %s\n    OrganizationalUnitIdentifier: %s\n",
			ids[i][0], quoted, ids[i][1]);
	out = sb_detach(&sb);
	free(quoted);
	free(file);
	return out;
}

/* The subject fields a CA section gives (C, ST, L default as in cryptogen). */
static struct pki_name base_name(const struct org_spec *o)
{
	struct pki_name n = {0};

	n.country = or_default(o->ca.country, "US");
	n.province = or_default(o->ca.province, "California");
	n.locality = or_default(o->ca.locality, "San Francisco");
	n.street = o->ca.street;
	n.postal = o->ca.postal;
	n.ou[0] = o->ca.org_unit;
	return n;
}

static int key_alg(const char *name, enum pki_alg *alg)
{
	if (pki_alg_from_name(name, alg) < 0) {
		warnf("unknown key algorithm \"%s\"", name);
		return -1;
	}
	return 0;
}

static void validity(const struct run *r, struct pki_profile *p)
{
	cert_validity(r, &p->not_before, &p->not_after);
}

static int new_ca(struct org_gen *g, struct ca *ca, const char *name)
{
	static const enum pki_eku eku[] = { PKI_EKU_CLIENT_AUTH, PKI_EKU_SERVER_AUTH };
	struct pki_profile p = {0};
	enum pki_alg alg;

	if (key_alg(g->o->ca.key_algorithm, &alg) < 0)
		return -1;
	ca->name = xstrdup(name);
	ca->key = pki_key_generate(alg);
	if (!ca->key)
		return -1;
	p.subject = base_name(g->o);
	p.subject.org = g->o->domain;
	p.subject.cn = name;
	p.is_ca = true;
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE | PKI_KU_KEY_ENCIPHERMENT |
		PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN;
	p.eku = eku;
	p.neku = 2;
	validity(g->r, &p);
	ca->cert = pki_cert_issue(&p, ca->key, NULL, ca->key);
	if (!ca->cert)
		return -1;
	ca->pem = pki_cert_to_pem(ca->cert, &ca->pemlen);
	return 0;
}

/* The MSP signing certificate of a node or user (OU = its NodeOU when on). */
static struct pki_cert *sign_cert(struct org_gen *g, const char *cn, enum node_type t,
				  const struct pki_key *k)
{
	struct pki_profile p = {0};

	p.subject = base_name(g->o);
	p.subject.ou[1] = g->o->node_ous ? node_ou[t] : NULL;
	p.subject.cn = cn;
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE;
	validity(g->r, &p);
	return pki_cert_issue(&p, k, g->sign.cert, g->sign.key);
}

static struct pki_cert *tls_cert(struct org_gen *g, const char *cn, char *const *sans,
				 size_t nsans, const struct pki_key *k)
{
	static const enum pki_eku eku[] = { PKI_EKU_SERVER_AUTH, PKI_EKU_CLIENT_AUTH };
	struct pki_profile p = {0};

	p.subject = base_name(g->o);
	p.subject.cn = cn;
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE | PKI_KU_KEY_ENCIPHERMENT;
	p.eku = eku;
	p.neku = 2;
	p.sans = sans;
	p.nsans = nsans;
	validity(g->r, &p);
	return pki_cert_issue(&p, k, g->tls.cert, g->tls.key);
}

/* An identity made ahead of its directory (the Admin, whose cert is copied). */
struct ident {
	struct pki_key *key;
	struct pki_cert *cert;
};

static int new_ident(struct org_gen *g, const char *cn, enum node_type t, const char *alg_name,
		     struct ident *id)
{
	enum pki_alg alg;

	if (key_alg(alg_name, &alg) < 0 || !(id->key = pki_key_generate(alg)))
		return -1;
	id->cert = sign_cert(g, cn, t, id->key);
	return id->cert ? 0 : -1;
}

static void free_ident(struct ident *id)
{
	pki_key_free(id->key);
	pki_cert_free(id->cert);
}

/*
 * dir/msp with what every MSP holds: admincerts/ (filled by the caller
 * when NodeOUs are off), cacerts/ and tlscacerts/ with the org's CAs, and
 * config.yaml when NodeOUs are on.
 */
static int common_msp(struct org_gen *g, const char *dir, const char *msp)
{
	if (mkd(dir, "msp") < 0 || mkd(msp, "admincerts") < 0 || mkd(msp, "cacerts") < 0 ||
	    mkd(msp, "tlscacerts") < 0 ||
	    put_pem_as(msp, "cacerts", g->sign.name, g->sign.pem, g->sign.pemlen) < 0 ||
	    put_pem_as(msp, "tlscacerts", g->tls.name, g->tls.pem, g->tls.pemlen) < 0)
		return -1;
	if (g->config_yaml &&
	    put(msp, "config.yaml", g->config_yaml, strlen(g->config_yaml), 0644) < 0)
		return -1;
	return 0;
}

/*
 * A node's or user's local MSP and TLS material in dir (created here), as
 * cryptogen's GenerateLocalMSP leaves it, including the admincerts copy
 * its callers make: the Admin's cert for nodes, the user's own for users.
 */
static int local_msp(struct org_gen *g, const char *dir, const char *cn, char *const *sans,
		     size_t nsans, enum node_type t, const char *alg_name, struct ident *pre)
{
	struct ident own = {0}, *id = pre ? pre : &own;
	struct pki_key *tkey = NULL;
	struct pki_cert *tcert = NULL;
	const char *prefix = t == NODE_CLIENT || t == NODE_ADMIN ? "client" : "server";
	char *msp = path_join(dir, "msp"), *tls = path_join(dir, "tls");
	char *sub = NULL, *name, *own_pem = NULL;
	size_t own_pemlen = 0;
	enum pki_alg alg;
	int rc = -1;

	if (!pre && new_ident(g, cn, t, alg_name, &own) < 0)
		goto out;
	own_pem = pki_cert_to_pem(id->cert, &own_pemlen);
	if (mkdir(dir, 0755) < 0) {
		warnf("cannot create directory '%s':", dir);
		goto out;
	}
	if (common_msp(g, dir, msp) < 0 || mkd(msp, "keystore") < 0 ||
	    mkd(msp, "signcerts") < 0 || mkd(dir, "tls") < 0)
		goto out;
	sub = path_join(msp, "keystore");
	if (put_key(sub, "priv_sk", id->key) < 0 ||
	    put_pem_as(msp, "signcerts", cn, own_pem, own_pemlen) < 0)
		goto out;
	if (!g->o->node_ous) {
		/* nodes hold the Admin's cert, users their own */
		char *admin_cn = xasprintf("Admin@%s", g->o->domain);
		int arc = t == NODE_PEER || t == NODE_ORDERER ?
			put_pem_as(msp, "admincerts", admin_cn, g->admin_pem, g->admin_pemlen) :
			put_pem_as(msp, "admincerts", cn, own_pem, own_pemlen);

		free(admin_cn);
		if (arc < 0)
			goto out;
	}
	if (key_alg(alg_name, &alg) < 0 || !(tkey = pki_key_generate(alg)) ||
	    !(tcert = tls_cert(g, cn, sans, nsans, tkey)))
		goto out;
	name = xasprintf("%s.key", prefix);
	rc = put_key(tls, name, tkey);
	free(name);
	if (rc < 0)
		goto out;
	name = xasprintf("%s.crt", prefix);
	rc = put_cert(tls, name, tcert);
	free(name);
	if (rc < 0)
		goto out;
	rc = put(tls, "ca.crt", g->tls.pem, g->tls.pemlen, 0644);
out:
	free_ident(&own);
	pki_key_free(tkey);
	pki_cert_free(tcert);
	free(sub);
	free(own_pem);
	free(msp);
	free(tls);
	return rc;
}

/* ---- temporary directories ---- */

/* A new empty directory parent/.<name>.XXXXXX with the mode mkdir would give. */
static char *temp_dir(const struct run *r, const char *parent, const char *name)
{
	char *t = xasprintf("%s/.%s.XXXXXX", parent, name);

	if (!mkdtemp(t)) {
		warnf("cannot create a directory in '%s':", parent);
		free(t);
		return NULL;
	}
	if (chmod(t, 0755 & ~r->umask) < 0) {
		warnf("cannot set the mode of '%s':", t);
		remove_tree(t);
		free(t);
		return NULL;
	}
	return t;
}

static void discard(const char *tmp)
{
	if (tmp && remove_tree(tmp) < 0)
		warnf("cannot remove '%s':", tmp);
}

/*
 * Move the complete tmp to final.  With replace, an existing final is
 * moved aside first and removed after; without, an existing final is an
 * error (another run got there first).
 */
static int install(const struct run *r, const char *tmp, const char *final, bool replace)
{
	char *old = NULL, *parent;
	int rc = 0;

	if (mspgen_interrupted)
		return -1;
	if (replace && path_exists(final)) {
		parent = path_dirname(final);
		remove_stale_dirs(parent, "replaced");
		old = temp_dir(r, parent, "replaced");
		free(parent);
		if (!old)
			return -1;
		if (rename(final, old) < 0) {
			warnf("cannot move '%s' aside:", final);
			discard(old);
			free(old);
			return -1;
		}
	} else if (path_exists(final)) {
		warnf("'%s' appeared while it was being generated; left as it is", final);
		return -1;
	}
	if (rename(tmp, final) < 0) {
		warnf("cannot rename '%s' to '%s':", tmp, final);
		rc = -1;
		if (old && rename(old, final) < 0)
			warnf("cannot move '%s' back to '%s':", old, final);
	}
	if (old && rc == 0)
		discard(old);
	free(old);
	return rc;
}

/* ---- whole orgs ---- */

static const char *nodes_dir_name(const struct org_spec *o)
{
	return o->type == ORG_PEER ? "peers" : "orderers";
}

static enum node_type node_type_of(const struct org_spec *o)
{
	return o->type == ORG_PEER ? NODE_PEER : NODE_ORDERER;
}

/* Everything cryptogen's generatePeerOrg / generateOrdererOrg writes, into dir. */
static int fill_org(struct org_gen *g, const char *dir)
{
	const struct org_spec *o = g->o;
	char *tlsname = xasprintf("tls%s", o->ca.common_name);
	char *admin_cn = xasprintf("Admin@%s", o->domain);
	char *ca = path_join(dir, "ca"), *tlsca = path_join(dir, "tlsca");
	char *msp = path_join(dir, "msp"), *sub = NULL, *nodes = NULL;
	char *users = path_join(dir, "users");
	struct ident admin = {0};
	enum node_type admin_type = o->node_ous ? NODE_ADMIN : NODE_CLIENT;
	int rc = -1;

	if (new_ca(g, &g->sign, o->ca.common_name) < 0 || new_ca(g, &g->tls, tlsname) < 0)
		goto out;
	if (o->node_ous)
		g->config_yaml = node_ous_config(g->sign.name);
	/* the Admin first: nodes' admincerts hold a copy of its cert */
	if (new_ident(g, admin_cn, admin_type, "ecdsa", &admin) < 0)
		goto out;
	g->admin_pem = pki_cert_to_pem(admin.cert, &g->admin_pemlen);

	if (mkd(dir, "ca") < 0 || put_key(ca, "priv_sk", g->sign.key) < 0 ||
	    put_pem_as(ca, NULL, g->sign.name, g->sign.pem, g->sign.pemlen) < 0 ||
	    mkd(dir, "tlsca") < 0 || put_key(tlsca, "priv_sk", g->tls.key) < 0 ||
	    put_pem_as(tlsca, NULL, g->tls.name, g->tls.pem, g->tls.pemlen) < 0)
		goto out;

	/* the org's verifying MSP */
	if (common_msp(g, dir, msp) < 0)
		goto out;
	if (!o->node_ous &&
	    put_pem_as(msp, "admincerts", admin_cn, g->admin_pem, g->admin_pemlen) < 0)
		goto out;

	if (o->nnodes > 0) {
		if (mkd(dir, nodes_dir_name(o)) < 0)
			goto out;
		nodes = path_join(dir, nodes_dir_name(o));
	}
	for (size_t i = 0; i < o->nnodes; i++) {
		const struct node_spec *n = &o->nodes[i];
		char *nd = path_join(nodes, n->common_name);
		int nrc = mspgen_interrupted ? -1 :
			local_msp(g, nd, n->common_name, n->sans, n->nsans, node_type_of(o),
				  n->key_algorithm, NULL);

		free(nd);
		if (nrc < 0)
			goto out;
	}
	if (mkd(dir, "users") < 0)
		goto out;
	for (int u = 1; u <= o->users; u++) {
		char *cn = xasprintf("User%d@%s", u, o->domain), *ud = path_join(users, cn);
		int urc = mspgen_interrupted ? -1 :
			local_msp(g, ud, cn, NULL, 0, NODE_CLIENT, o->user_key_algorithm, NULL);

		free(ud);
		free(cn);
		if (urc < 0)
			goto out;
	}
	sub = path_join(users, admin_cn);
	rc = local_msp(g, sub, admin_cn, NULL, 0, admin_type, "ecdsa", &admin);
out:
	free_ident(&admin);
	free(tlsname);
	free(admin_cn);
	free(ca);
	free(tlsca);
	free(msp);
	free(sub);
	free(nodes);
	free(users);
	return rc;
}

static char *org_path(const struct run *r, const struct org_spec *o)
{
	char *parent = path_join(r->root, org_dir_name(o));
	char *dir = path_join(parent, o->domain);

	free(parent);
	return dir;
}

static int generate_org(struct run *r, const struct org_spec *o)
{
	struct org_gen g = { .r = r, .o = o };
	char *parent = path_join(r->root, org_dir_name(o)), *tmp = NULL;
	int rc = -1;

	if (o->type == ORG_PEER) {
		/* cryptogen names every peer org it generates on stdout */
		printf("%s\n", o->domain);
		fflush(stdout);
	}
	g.dir = path_join(parent, o->domain);
	if (mkdir_p(parent, 0755) < 0) {
		warnf("cannot create directory '%s':", parent);
		goto out;
	}
	remove_stale_dirs(parent, o->domain);
	tmp = temp_dir(r, parent, o->domain);
	if (!tmp)
		goto out;
	if (fill_org(&g, tmp) < 0 || install(r, tmp, g.dir, r->force) < 0)
		goto out;
	free(tmp);
	tmp = NULL;
	rc = 0;
out:
	discard(tmp);
	free(tmp);
	free(parent);
	free_org_gen(&g);
	return rc;
}

/* The orgs to act on, peer orgs first as cryptogen goes; *count of them. */
static const struct org_spec **selected(struct run *r, struct crypto_config *cfg, size_t *count)
{
	const struct org_spec **list = xcalloc(cfg->norgs + 1, sizeof(*list));
	size_t n = 0;

	if (r->org) {
		const struct org_spec *o = cryptocfg_find(cfg, r->org);

		if (!o) {
			warnf("%s: no org with Domain \"%s\"", cfg->files[0]->name, r->org);
			free(list);
			return NULL;
		}
		list[n++] = o;
		*count = n;
		return list;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < cfg->norgs; i++)
			if ((cfg->orgs[i].type == ORG_PEER) == (pass == 0))
				list[n++] = &cfg->orgs[i];
	*count = n;
	return list;
}

static int finish(const struct run *r, int rc)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write to standard output:");
		rc = -1;
	}
	/* one flush of the file system instead of one per file */
	if (path_exists(r->root) && sync_fs(r->root) < 0) {
		warnf("cannot sync '%s':", r->root);
		rc = -1;
	}
	return rc < 0 ? EXIT_USER : 0;
}

int cmd_generate(struct run *r, struct crypto_config *cfg)
{
	size_t n = 0;
	const struct org_spec **orgs = selected(r, cfg, &n);
	int rc = 0;

	if (!orgs)
		return EXIT_USER;
	/* refuse before writing anything */
	for (size_t i = 0; i < n && !r->force; i++) {
		char *dir = org_path(r, orgs[i]);

		if (path_exists(dir)) {
			warnf("'%s' exists: use extend to add what is missing, or "
			      "generate --force to replace it (new keys and CAs)", dir);
			rc = -1;
		}
		free(dir);
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = generate_org(r, orgs[i]);
	free(orgs);
	return finish(r, rc);
}

/* ---- extend ---- */

bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

char *read_whole(const char *path, size_t *len)
{
	char *buf = read_file(path, len);

	if (!buf)
		warnf("cannot read '%s':", path);
	return buf;
}

/* The only file of dir whose name ends in suffix, or the preferred one among several. */
static char *find_one(const char *dir, const char *suffix, const char *preferred)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;
	int n = 0;

	if (!d) {
		warnf("cannot read directory '%s':", dir);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffix))
			continue;
		n++;
		if (!found || (preferred && strcmp(e->d_name, preferred) == 0)) {
			free(found);
			found = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n == 0) {
		warnf("'%s': no *%s file", dir, suffix);
		return NULL;
	}
	if (n > 1 && !(preferred && strcmp(found, preferred) == 0)) {
		warnf("'%s': %d *%s files, expected one", dir, n, suffix);
		free(found);
		return NULL;
	}
	char *path = path_join(dir, found);

	free(found);
	return path;
}

/* The private key in path; NULL after a message naming the file. */
static struct pki_key *read_key(const char *path)
{
	size_t len;
	char *buf = read_whole(path, &len);
	struct pki_key *k;

	if (!buf)
		return NULL;
	k = pki_key_from_pem(buf, len);
	pki_wipe_free(buf, len);
	if (!k)
		warnf("'%s': not a PEM private key (PKCS#8, P-256 or Ed25519)", path);
	return k;
}

int load_ca(const char *dir, const char *name, struct ca *ca)
{
	char *want = name ? cert_file(name) : NULL, *kpath = find_one(dir, "_sk", "priv_sk");
	char *cpath = kpath ? find_one(dir, ".pem", want) : NULL, *buf;
	size_t len;
	int rc = -1;

	if (!cpath || !(ca->key = read_key(kpath)))
		goto out;
	if (!(buf = read_whole(cpath, &len)))
		goto out;
	ca->cert = pki_cert_from_pem(buf, len);
	free(buf);
	if (!ca->cert) {
		warnf("'%s': not a PEM X.509 certificate with a P-256 or Ed25519 key", cpath);
		goto out;
	}
	if (!ca->cert->is_ca) {
		warnf("'%s': not a CA certificate", cpath);
		goto out;
	}
	if (!pki_cert_matches_key(ca->cert, ca->key)) {
		warnf("'%s' is not the certificate of the key in '%s'", cpath, kpath);
		goto out;
	}
	ca->name = xstrdup(name ? name : ca->cert->cn);
	ca->pem = pki_cert_to_pem(ca->cert, &ca->pemlen);
	rc = 0;
out:
	free(want);
	free(kpath);
	free(cpath);
	return rc;
}

static bool node_missing(const struct org_gen *g, const char *sub, const char *cn)
{
	char *p = xasprintf("%s/%s/%s", g->dir, sub, cn);
	bool missing = !path_exists(p);

	free(p);
	return missing;
}

static int missing_count(const struct org_gen *g)
{
	int n = 0;

	for (size_t i = 0; i < g->o->nnodes; i++)
		n += node_missing(g, nodes_dir_name(g->o), g->o->nodes[i].common_name);
	for (int u = 1; u <= g->o->users; u++) {
		char *cn = xasprintf("User%d@%s", u, g->o->domain);

		n += node_missing(g, "users", cn);
		free(cn);
	}
	return n;
}

/* The org's signing CA (ca/) and TLS CA (tlsca/). */
static int load_org_cas(struct org_gen *g)
{
	const struct org_spec *o = g->o;
	char *dir = path_join(g->dir, "ca"), *tlsname;
	int rc = load_ca(dir, o->ca.common_name, &g->sign);

	free(dir);
	if (rc < 0)
		return -1;
	dir = path_join(g->dir, "tlsca");
	tlsname = xasprintf("tls%s", o->ca.common_name);
	rc = load_ca(dir, tlsname, &g->tls);
	free(tlsname);
	free(dir);
	return rc;
}

/* What a new node's MSP copies from the org: config.yaml, or the Admin's cert. */
static int load_org_msp(struct org_gen *g)
{
	const struct org_spec *o = g->o;
	char *p;
	struct pki_cert *c;

	if (o->node_ous) {
		g->config_yaml = node_ous_config(g->sign.name);
		return 0;
	}
	p = xasprintf("%s/users/Admin@%s/msp/signcerts/Admin@%s-cert.pem", g->dir, o->domain,
		      o->domain);
	g->admin_pem = read_whole(p, &g->admin_pemlen);
	c = g->admin_pem ? pki_cert_from_pem(g->admin_pem, g->admin_pemlen) : NULL;
	if (g->admin_pem && !c)
		warnf("'%s': not a PEM X.509 certificate", p);
	pki_cert_free(c);
	free(p);
	return c ? 0 : -1;
}

/* "added DNS:a, IP:b; removed DNS:c", or NULL when d holds no difference. */
static char *describe_change(const struct pki_san_diff *d)
{
	struct strbuf sb = {0};

	if (d->nadded == 0 && d->nremoved == 0)
		return NULL;
	for (size_t i = 0; i < d->nadded; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "added ", d->added[i]);
	for (size_t i = 0; i < d->nremoved; i++)
		sb_addf(&sb, "%s%s", i ? ", " : d->nadded ? "; removed " : "removed ",
			d->removed[i]);
	return sb_detach(&sb);
}

/*
 * Read the TLS certificate of node n, which exists, into g->node_tls, and
 * note how its names differ from those the node gets now.
 */
static int check_node_tls(struct org_gen *g, const struct node_spec *n)
{
	const struct org_spec *o = g->o;
	char *rel = xasprintf("%s/%s/%s/%s/tls/server.crt", org_dir_name(o), o->domain,
			      nodes_dir_name(o), n->common_name);
	size_t before = g->node_tls.n;
	struct pki_san_diff d;
	struct certfile *cf;
	int rc = -1;

	if (add_certfile(g->r, &g->node_tls, rel) < 0)
		goto out;
	if (g->node_tls.n == before) {
		char *path = path_join(g->r->root, rel);

		warnf("'%s': no such file: the node has no TLS certificate", path);
		free(path);
		goto out;
	}
	cf = &g->node_tls.v[before];
	if (pki_cert_san_diff(cf->cert, n->sans, n->nsans, &d) < 0) {
		warnf("'%s': malformed subject alternative names", cf->path);
		goto out;
	}
	cf->sans = n->sans;
	cf->nsans = n->nsans;
	cf->change = describe_change(&d);
	g->nstale += cf->change != NULL;
	pki_san_diff_free(&d);
	rc = 0;
out:
	free(rel);
	return rc;
}

/* Is the key beside a TLS certificate (server.key for server.crt) its key? */
static int check_tls_key(const struct certfile *cf)
{
	size_t n = strlen(cf->path);
	char *kpath = xasprintf("%.*s.key", (int)(n - strlen(".crt")), cf->path);
	struct pki_key *k = read_key(kpath);
	int rc = -1;

	if (k && !pki_cert_matches_key(cf->cert, k))
		warnf("'%s' is not the certificate of the key in '%s'", cf->path, kpath);
	else if (k)
		rc = 0;
	pki_key_free(k);
	free(kpath);
	return rc;
}

/*
 * Issue every TLS certificate whose names changed again, in memory, as
 * renew does (same key, subject and other extensions; new serial and
 * validity) with the new names, once its CA and key are checked.
 */
static int reissue_node_tls(struct org_gen *g)
{
	int64_t nb, na;

	cert_validity(g->r, &nb, &na);
	for (size_t i = 0; i < g->node_tls.n; i++) {
		struct certfile *cf = &g->node_tls.v[i];

		if (!cf->change)
			continue;
		if (!pki_cert_signed_by(cf->cert, g->tls.cert)) {
			warnf("'%s': not issued by the org's TLS CA (tlsca/)", cf->path);
			return -1;
		}
		if (check_tls_key(cf) < 0)
			return -1;
		cf->renewed = pki_cert_reissue_sans(cf->cert, g->tls.key, nb, na, cf->sans,
						    cf->nsans);
		if (!cf->renewed)
			return -1;
	}
	return 0;
}

/*
 * Read what extending an existing org needs, and sign the TLS certificates
 * it re-issues, before anything is written.
 */
static int prepare_extend(struct org_gen *g)
{
	const struct org_spec *o = g->o;
	int missing = missing_count(g);

	for (size_t i = 0; i < o->nnodes; i++)
		if (!node_missing(g, nodes_dir_name(o), o->nodes[i].common_name) &&
		    check_node_tls(g, &o->nodes[i]) < 0)
			return -1;
	if (missing == 0 && g->nstale == 0)
		return 0;
	if (load_org_cas(g) < 0 || (g->nstale > 0 && reissue_node_tls(g) < 0))
		return -1;
	return missing > 0 ? load_org_msp(g) : 0;
}

/* Put the re-issued TLS certificates in place; a line each on stdout. */
static int replace_node_tls(struct org_gen *g)
{
	int count = 0;

	if (mspgen_interrupted || replace_certs(&g->node_tls, g->dir, &count) < 0)
		return -1;
	for (size_t i = 0; i < g->node_tls.n; i++)
		if (g->node_tls.v[i].renewed)
			printf("reissued %s: %s\n", g->node_tls.v[i].rel, g->node_tls.v[i].change);
	return 0;
}

/* Build one missing node or user in sub/.<cn>.XXXXXX, then rename it into place. */
static int extend_one(struct org_gen *g, const char *subdir, const char *cn, char *const *sans,
		      size_t nsans, enum node_type t, const char *alg)
{
	char *parent = path_join(g->dir, subdir), *final = path_join(parent, cn);
	char *tmp = NULL, *inner = NULL;
	int rc = -1;

	/* also when the node is there: a run killed after its rename leaves an empty one */
	remove_stale_dirs(parent, cn);
	if (path_exists(final)) {
		rc = 0;
		goto out;
	}
	if (mkdir_p(parent, 0755) < 0) {
		warnf("cannot create directory '%s':", parent);
		goto out;
	}
	if (!(tmp = temp_dir(g->r, parent, cn)))
		goto out;
	/* local_msp creates the node directory itself: build it inside tmp */
	inner = path_join(tmp, cn);
	if (local_msp(g, inner, cn, sans, nsans, t, alg, NULL) < 0 ||
	    install(g->r, inner, final, false) < 0)
		goto out;
	rc = 0;
out:
	discard(tmp);
	free(tmp);
	free(inner);
	free(parent);
	free(final);
	return rc;
}

static int extend_org(struct org_gen *g)
{
	const struct org_spec *o = g->o;

	for (size_t i = 0; i < o->nnodes; i++) {
		const struct node_spec *n = &o->nodes[i];

		if (mspgen_interrupted ||
		    extend_one(g, nodes_dir_name(o), n->common_name, n->sans, n->nsans,
			       node_type_of(o), n->key_algorithm) < 0)
			return -1;
	}
	for (int u = 1; u <= o->users; u++) {
		char *cn = xasprintf("User%d@%s", u, o->domain);
		int rc = mspgen_interrupted ? -1 :
			extend_one(g, "users", cn, NULL, 0, NODE_CLIENT, o->user_key_algorithm);

		free(cn);
		if (rc < 0)
			return -1;
	}
	return g->nstale > 0 ? replace_node_tls(g) : 0;
}

int cmd_extend(struct run *r, struct crypto_config *cfg)
{
	size_t n = 0;
	const struct org_spec **orgs = selected(r, cfg, &n);
	struct org_gen *gens;
	int rc = 0;

	if (!orgs)
		return EXIT_USER;
	gens = xcalloc(n, sizeof(*gens));
	/* read every existing CA first: a broken org stops the run before any write */
	for (size_t i = 0; i < n; i++) {
		gens[i].r = r;
		gens[i].o = orgs[i];
		gens[i].dir = org_path(r, orgs[i]);
		gens[i].exists = path_exists(gens[i].dir);
		if (gens[i].exists && prepare_extend(&gens[i]) < 0)
			rc = -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = gens[i].exists ? extend_org(&gens[i]) : generate_org(r, orgs[i]);
	for (size_t i = 0; i < n; i++)
		free_org_gen(&gens[i]);
	free(gens);
	free(orgs);
	return finish(r, rc);
}
