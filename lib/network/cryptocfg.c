#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "network/cryptocfg.h"
#include "base/fsutil.h"

static const char *const top_keys[] = { "OrdererOrgs", "PeerOrgs", NULL };
static const char *const org_keys[] = { "Name", "Domain", "EnableNodeOUs", "CA",
	"Template", "Specs", "Users", NULL };
static const char *const spec_keys[] = { "Hostname", "CommonName", "Country",
	"Province", "Locality", "OrganizationalUnit", "StreetAddress", "PostalCode",
	"SANS", "PublicKeyAlgorithm", NULL };
static const char *const template_keys[] = { "Count", "Start", "Hostname", "SANS",
	"PublicKeyAlgorithm", NULL };
static const char *const users_keys[] = { "Count", "PublicKeyAlgorithm", NULL };

bool is_dns_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return s[0] != '-' && s[n - 1] != '-';
}

char *gotemplate_expand(const char *tmpl, const char *const *vars, const struct ynode *where,
			const struct ypath *p)
{
	struct strbuf sb = {0};
	const char *s = tmpl;

	while (*s) {
		const char *open = strstr(s, "{{"), *close, *name, *end;

		if (!open) {
			sb_adds(&sb, s);
			break;
		}
		sb_add(&sb, s, (size_t)(open - s));
		close = strstr(open + 2, "}}");
		if (!close) {
			yerror(where, p, "unclosed action \"{{\" in template \"%s\"", tmpl);
			goto fail;
		}
		name = open + 2;
		while (name < close && (*name == ' ' || *name == '\t'))
			name++;
		end = close;
		while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (name >= end || *name != '.' || end - name < 2) {
			yerror(where, p, "unsupported action \"%.*s\" in template \"%s\" "
			       "(only {{.Field}} is supported)", (int)(close + 2 - open), open, tmpl);
			goto fail;
		}
		name++;
		const char *val = NULL;

		for (size_t i = 0; vars[i]; i += 2)
			if (strlen(vars[i]) == (size_t)(end - name) &&
			    strncmp(vars[i], name, (size_t)(end - name)) == 0)
				val = vars[i + 1];
		if (!val) {
			struct strbuf known = {0};

			for (size_t i = 0; vars[i]; i += 2)
				sb_addf(&known, "%s.%s", i ? ", " : "", vars[i]);
			yerror(where, p, "unknown field \".%.*s\" in template \"%s\" (known: %s)",
			       (int)(end - name), name, tmpl, known.buf);
			sb_free(&known);
			goto fail;
		}
		sb_adds(&sb, val);
		s = close + 2;
	}
	return sb_detach(&sb);
fail:
	sb_free(&sb);
	return NULL;
}

/* ---- reading ---- */

struct ctx {
	int errors;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void get_str(struct ctx *c, const struct ynode *map, const struct ypath *p,
		    const char *key, char **out)
{
	struct ypath kp = YPATH_KEY(p, key);
	const char *s = NULL;

	if (yget_str(ymap_get(map, key), &kp, &s) < 0) {
		c->errors++;
	} else if (s) {
		/* values end up in certificates and in line-based vars files */
		for (const char *q = s; *q; q++) {
			if ((unsigned char)*q < 0x20 || *q == 0x7f) {
				yerror(ymap_get(map, key), &kp,
				       "control characters (such as a line break) are not allowed");
				c->errors++;
				s = NULL;
				break;
			}
		}
	}
	*out = dup_or_null(s);
}

static void get_int(struct ctx *c, const struct ynode *map, const struct ypath *p,
		    const char *key, long long max, int *out)
{
	struct ypath kp = YPATH_KEY(p, key);
	long long v = 0;

	if (yget_int(ymap_get(map, key), &kp, 0, max, &v) < 0)
		c->errors++;
	*out = (int)v;
}

static void get_algorithm(struct ctx *c, const struct ynode *map, const struct ypath *p,
			  char **out)
{
	const struct ynode *n = ymap_get(map, "PublicKeyAlgorithm");
	struct ypath kp = YPATH_KEY(p, "PublicKeyAlgorithm");

	get_str(c, map, p, "PublicKeyAlgorithm", out);
	if (!*out || !**out) {
		free(*out);
		*out = xstrdup("ecdsa");
	} else if (strcmp(*out, "ecdsa") != 0 && strcmp(*out, "ed25519") != 0) {
		yerror(n, &kp, "\"%s\" is not a key algorithm (ecdsa or ed25519)", *out);
		c->errors++;
	}
}

/* The raw fields of a Spec (or of CA); templates are rendered later. */
static void read_spec(struct ctx *c, const struct ynode *m, const struct ypath *p,
		      struct node_spec *ns, const struct ynode **sans)
{
	struct ypath sp = YPATH_KEY(p, "SANS");

	ns->where = m;
	c->errors += ymap_check_keys(m, p, spec_keys);
	get_str(c, m, p, "Hostname", &ns->hostname);
	get_str(c, m, p, "CommonName", &ns->common_name);
	get_str(c, m, p, "Country", &ns->country);
	get_str(c, m, p, "Province", &ns->province);
	get_str(c, m, p, "Locality", &ns->locality);
	get_str(c, m, p, "OrganizationalUnit", &ns->org_unit);
	get_str(c, m, p, "StreetAddress", &ns->street);
	get_str(c, m, p, "PostalCode", &ns->postal);
	get_algorithm(c, m, p, &ns->key_algorithm);
	if (yget_seq(ymap_get(m, "SANS"), &sp, sans) < 0)
		c->errors++;
}

static char *expand(struct ctx *c, const char *tmpl, const char *const *vars,
		    const struct ynode *where, const struct ypath *p)
{
	char *s = gotemplate_expand(tmpl, vars, where, p);

	if (!s)
		c->errors++;
	return s;
}

/* Render CommonName and SANS of a node as cryptogen's renderNodeSpec does. */
static void render_node(struct ctx *c, const struct org_spec *org, struct node_spec *ns,
			const struct ynode *sans, const struct ynode *where,
			const struct ypath *p)
{
	const char *cn_tmpl = ns->common_name && *ns->common_name ?
		ns->common_name : "{{.Hostname}}.{{.Domain}}";
	const char *vars[] = { "Hostname", ns->hostname, "Domain", org->domain,
			       "CommonName", NULL, NULL };
	struct ypath cp = YPATH_KEY(p, "CommonName");
	char *cn = expand(c, cn_tmpl, vars, where, &cp);

	free(ns->common_name);
	ns->common_name = cn ? cn : xstrdup("");
	vars[5] = ns->common_name;
	/* the CN names a directory (nodes) or a file (CA) of the MSP tree */
	if (cn && (!*cn || strchr(cn, '/') || strcmp(cn, ".") == 0 || strcmp(cn, "..") == 0)) {
		yerror(where, &cp, "\"%s\" cannot be a CommonName: it names a file "
		       "(not empty, no '/')", cn);
		c->errors++;
	}
	ns->nsans = 2 + (sans ? sans->n : 0);
	ns->sans = xcalloc(ns->nsans, sizeof(*ns->sans));
	ns->sans[0] = xstrdup(ns->common_name);
	ns->sans[1] = xstrdup(ns->hostname);
	for (size_t i = 0; sans && i < sans->n; i++) {
		struct ypath sp = YPATH_KEY(p, "SANS"), ip = YPATH_INDEX(&sp, i);
		const struct ynode *t = sans->items[i];
		char *s;

		if (t->kind != Y_SCALAR || ynode_is_null(t)) {
			yerror(t, &ip, "expected a name or address, got %s", ynode_kind_name(t));
			c->errors++;
			s = NULL;
		} else {
			s = expand(c, t->str, vars, t, &ip);
		}
		if (s && !*s) {
			yerror(t, &ip, "\"%s\" renders to an empty name", t->str);
			c->errors++;
		}
		for (const char *q = s; q && *q; q++) {
			if ((unsigned char)*q >= 0x80) {
				/* Go's x509 refuses it too: a DNS name is an IA5String */
				yerror(t, &ip, "\"%s\" is not ASCII: a DNS name in a "
				       "certificate is an IA5String", s);
				c->errors++;
				break;
			}
		}
		ns->sans[2 + i] = s ? s : xstrdup("");
	}
}

/* An org's Template: Count nodes from Start, named by its Hostname template. */
struct node_template {
	const struct ynode *map, *sans;
	int count, start;
	char *hostname, *alg;
};

static void read_template(struct ctx *c, const struct ynode *tmpl, const struct ypath *tp,
			  struct node_template *t)
{
	struct ypath tsp = YPATH_KEY(tp, "SANS");

	t->map = tmpl;
	if (!tmpl)
		return;
	c->errors += ymap_check_keys(tmpl, tp, template_keys);
	get_int(c, tmpl, tp, "Count", MAX_TEMPLATE_COUNT, &t->count);
	get_int(c, tmpl, tp, "Start", 1000000, &t->start);
	get_str(c, tmpl, tp, "Hostname", &t->hostname);
	get_algorithm(c, tmpl, tp, &t->alg);
	if (yget_seq(ymap_get(tmpl, "SANS"), &tsp, &t->sans) < 0)
		c->errors++;
}

/* The nodes of Specs, org->nodes[0..specs->n). */
static void expand_specs(struct ctx *c, struct org_spec *org, const struct ynode *specs,
			 const struct ypath *sp)
{
	for (size_t i = 0; specs && i < specs->n; i++) {
		struct ypath ip = YPATH_INDEX(sp, i), hp = YPATH_KEY(&ip, "Hostname");
		const struct ynode *s = specs->items[i], *sans = NULL;
		struct node_spec *ns = &org->nodes[i];

		if (s->kind != Y_MAP) {
			yerror(s, &ip, "expected a mapping, got %s", ynode_kind_name(s));
			c->errors++;
			ns->hostname = xstrdup("");
			ns->common_name = xstrdup("");
			ns->key_algorithm = xstrdup("ecdsa");
			continue;
		}
		read_spec(c, s, &ip, ns, &sans);
		if (!ns->hostname || !*ns->hostname) {
			yerror(s, &hp, "required, and missing");
			c->errors++;
			free(ns->hostname);
			ns->hostname = xstrdup("");
			continue;
		}
		render_node(c, org, ns, sans, s, &ip);
	}
}

/* The Template's nodes, from org->nodes[first], as cryptogen names them. */
static void expand_template(struct ctx *c, struct org_spec *org, size_t first,
			    const struct node_template *t, const struct ypath *tp)
{
	for (int i = 0; i < t->count; i++) {
		struct node_spec *ns = &org->nodes[first + (size_t)i];
		char index[32];
		const char *vars[] = { "Prefix", org->type == ORG_PEER ? "peer" : "orderer",
				       "Index", index, "Domain", org->domain, NULL };
		const struct ynode *hn = ymap_get(t->map, "Hostname");
		struct ypath hp = YPATH_KEY(tp, "Hostname");

		snprintf(index, sizeof(index), "%d", t->start + i);
		ns->where = hn ? hn : t->map;
		ns->hostname = expand(c, t->hostname && *t->hostname ? t->hostname :
				      "{{.Prefix}}{{.Index}}", vars, ns->where, &hp);
		ns->key_algorithm = xstrdup(t->alg);
		if (!ns->hostname) {
			ns->hostname = xstrdup("");
			ns->common_name = xstrdup("");
			/* the same template fails for every index: drop the rest */
			org->nnodes = first + (size_t)i + 1;
			break;
		}
		render_node(c, org, ns, t->sans, t->map, tp);
	}
}

/* Two nodes with one name would share a directory and a Service. */
static void check_duplicate_nodes(struct ctx *c, struct org_spec *org, size_t nspecs,
				  const struct ypath *sp, const struct ypath *tp)
{
	for (size_t i = 0; i < org->nnodes; i++) {
		for (size_t j = 0; j < i; j++) {
			const struct node_spec *a = &org->nodes[j], *b = &org->nodes[i];
			struct ypath ip = YPATH_INDEX(sp, i);
			struct ypath bp = i < nspecs ? YPATH_KEY(&ip, "Hostname") :
				YPATH_KEY(tp, "Hostname");
			const char *what = NULL, *name = NULL;

			if (!*b->hostname)
				continue;
			if (strcmp(a->hostname, b->hostname) == 0) {
				what = "hostname";
				name = b->hostname;
			} else if (b->common_name && a->common_name &&
				   strcmp(a->common_name, b->common_name) == 0) {
				what = "CommonName";
				name = b->common_name;
			}
			if (what) {
				yerror(b->where, &bp, "duplicate %s \"%s\" (also at line %d)",
				       what, name, a->where ? a->where->line : 0);
				c->errors++;
				break;  /* once, against the first: not once per pair */
			}
		}
	}
}

static void read_org(struct ctx *c, const struct ynode *m, const struct ypath *p,
		     struct org_spec *org)
{
	const struct ynode *n, *specs = NULL, *tmpl = NULL, *users = NULL, *ca = NULL;
	const struct ynode *ca_sans = NULL;
	struct ypath dp = YPATH_KEY(p, "Domain"), np = YPATH_KEY(p, "Name");
	struct ypath sp = YPATH_KEY(p, "Specs"), tp = YPATH_KEY(p, "Template");
	struct ypath up = YPATH_KEY(p, "Users"), cap = YPATH_KEY(p, "CA");
	struct ypath op = YPATH_KEY(p, "EnableNodeOUs");
	struct node_template t = {0};

	org->where = m;
	c->errors += ymap_check_keys(m, p, org_keys);
	get_str(c, m, p, "Name", &org->name);
	get_str(c, m, p, "Domain", &org->domain);
	if (!org->name || !*org->name) {
		yerror(ymap_get(m, "Name") ? ymap_get(m, "Name") : m, &np, "required, and missing");
		c->errors++;
	}
	n = ymap_get(m, "Domain");
	if (!org->domain || !*org->domain) {
		yerror(n ? n : m, &dp, "required, and missing");
		c->errors++;
	}
	if (yget_bool(ymap_get(m, "EnableNodeOUs"), &op, &org->node_ous) < 0)
		c->errors++;
	if (yget_map(ymap_get(m, "CA"), &cap, &ca) < 0)
		c->errors++;
	if (yget_seq(ymap_get(m, "Specs"), &sp, &specs) < 0)
		c->errors++;
	if (yget_map(ymap_get(m, "Template"), &tp, &tmpl) < 0)
		c->errors++;
	if (yget_map(ymap_get(m, "Users"), &up, &users) < 0)
		c->errors++;
	if (c->errors)
		return;         /* the rest needs a name, a domain and the right shapes */

	/* CA: a node spec whose Hostname defaults to "ca" */
	read_spec(c, ca, &cap, &org->ca, &ca_sans);
	org->ca.where = ca ? ca : m;
	if (!org->ca.hostname || !*org->ca.hostname) {
		free(org->ca.hostname);
		org->ca.hostname = xstrdup("ca");
	}
	read_template(c, tmpl, &tp, &t);
	if (users) {
		c->errors += ymap_check_keys(users, &up, users_keys);
		get_int(c, users, &up, "Count", MAX_USER_COUNT, &org->users);
		get_algorithm(c, users, &up, &org->user_key_algorithm);
		/* cryptogen makes only Admin for an orderer org, whatever the Count */
		if (org->type == ORG_ORDERER)
			org->users = 0;
	} else {
		org->user_key_algorithm = xstrdup("ecdsa");
	}

	/* Specs first, then the Template's nodes, as cryptogen orders them */
	size_t nspecs = specs ? specs->n : 0;

	org->nnodes = nspecs + (size_t)t.count;
	org->nodes = xcalloc(org->nnodes ? org->nnodes : 1, sizeof(*org->nodes));
	expand_specs(c, org, specs, &sp);
	expand_template(c, org, nspecs, &t, &tp);
	free(t.hostname);
	free(t.alg);

	/* the CA is rendered like a node: CommonName "ca.<domain>" by default */
	render_node(c, org, &org->ca, ca_sans, org->ca.where, &cap);
	check_duplicate_nodes(c, org, nspecs, &sp, &tp);
}

static void free_spec(struct node_spec *ns)
{
	for (size_t i = 0; i < ns->nsans; i++)
		free(ns->sans[i]);
	free(ns->sans);
	free(ns->hostname);
	free(ns->common_name);
	free(ns->country);
	free(ns->province);
	free(ns->locality);
	free(ns->org_unit);
	free(ns->street);
	free(ns->postal);
	free(ns->key_algorithm);
}

void cryptocfg_free(struct crypto_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->norgs; i++) {
		struct org_spec *o = &cfg->orgs[i];

		for (size_t j = 0; j < o->nnodes; j++)
			free_spec(&o->nodes[j]);
		free(o->nodes);
		free_spec(&o->ca);
		free(o->name);
		free(o->domain);
		free(o->user_key_algorithm);
		free(o->msp_id);
	}
	free(cfg->orgs);
	for (size_t i = 0; i < cfg->nfiles; i++)
		yfile_free(cfg->files[i]);
	free(cfg->files);
	free(cfg);
}

static const char *const list_keys[] = { "OrdererOrgs", "PeerOrgs" };

static struct crypto_config *load(struct crypto_config *cfg, const struct ynode *const *roots);

struct crypto_config *cryptocfg_load_files(const char *const *paths, size_t n)
{
	struct crypto_config *cfg = xcalloc(1, sizeof(*cfg));
	const struct ynode **roots = xcalloc(n ? n : 1, sizeof(*roots));

	cfg->files = xcalloc(n ? n : 1, sizeof(*cfg->files));
	for (size_t i = 0; i < n; i++) {
		cfg->files[i] = yfile_load_one(paths[i], &roots[i]);
		if (!cfg->files[i]) {
			free(roots);
			cryptocfg_free(cfg);
			return NULL;
		}
		cfg->nfiles++;
	}
	cfg = load(cfg, roots);
	free(roots);
	return cfg;
}

struct crypto_config *cryptocfg_load(const char *path)
{
	return cryptocfg_load_files(&path, 1);
}

struct crypto_config *cryptocfg_load_mem(const char *name, const char *text)
{
	struct yfile *f = yfile_load_mem(name, text, strlen(text));
	struct crypto_config *cfg;
	const struct ynode *root;

	if (!f)
		return NULL;
	if (f->ndocs != 1) {
		warnf("%s: expected one YAML document, found %zu", name, f->ndocs);
		yfile_free(f);
		return NULL;
	}
	cfg = xcalloc(1, sizeof(*cfg));
	cfg->files = xcalloc(1, sizeof(*cfg->files));
	cfg->files[cfg->nfiles++] = f;
	root = f->docs[0];
	return load(cfg, &root);
}

/* Where org o is, for a message about org b: "PeerOrgs[0], line 2", with its file if another. */
static void org_place(const struct org_spec *o, const struct org_spec *b, char *buf, size_t size)
{
	if (strcmp(o->where->file, b->where->file) == 0)
		snprintf(buf, size, "%s[%zu], line %d", list_keys[o->type], o->index, o->where->line);
	else
		snprintf(buf, size, "%s[%zu], %s:%d", list_keys[o->type], o->index,
			 o->where->file, o->where->line);
}

/*
 * The OrdererOrgs and PeerOrgs lists of each root, as lists[2 * file + type]
 * (NULL when absent).  Returns how many orgs they hold; c counts errors.
 */
static size_t find_lists(struct ctx *c, const struct crypto_config *cfg, const struct ynode *const *roots,
			 const struct ynode **lists)
{
	size_t total = 0;

	for (size_t f = 0; f < cfg->nfiles; f++) {
		const struct ynode *root = roots[f];

		if (root->kind != Y_MAP) {
			yerror(root, NULL, "expected a mapping with OrdererOrgs and PeerOrgs, got %s",
			       ynode_kind_name(root));
			c->errors++;
			continue;
		}
		c->errors += ymap_check_keys(root, NULL, top_keys);
		for (int t = 0; t < 2; t++) {
			struct ypath lp = YPATH_KEY(NULL, list_keys[t]);
			const struct ynode **l = &lists[2 * f + (size_t)t];

			if (yget_seq(ymap_get(root, list_keys[t]), &lp, l) < 0)
				c->errors++;
			total += *l ? (*l)->n : 0;
		}
	}
	return total;
}

/* Entry i of an org list, m, read into the next org of cfg. */
static void add_org(struct ctx *c, struct crypto_config *cfg, enum org_type type, size_t i,
		    const struct ynode *m, const struct ypath *ip)
{
	struct org_spec *org = &cfg->orgs[cfg->norgs++];
	const struct org_spec *same = NULL;

	org->type = type;
	org->index = i;
	if (m->kind != Y_MAP) {
		yerror(m, ip, "expected a mapping, got %s", ynode_kind_name(m));
		c->errors++;
		return;
	}
	/*
	 * An alias of an org already read is that org again: its name and
	 * domain make it a duplicate (check_duplicates), without expanding
	 * its nodes once more (a few aliases of an org of 1000 nodes would
	 * otherwise cost a million).
	 */
	for (size_t j = 0; j + 1 < cfg->norgs && !same; j++)
		if (cfg->orgs[j].where == m)
			same = &cfg->orgs[j];
	if (same) {
		org->where = m;
		org->name = dup_or_null(same->name);
		org->domain = dup_or_null(same->domain);
	} else {
		read_org(c, m, ip, org);
	}
	if (org->name)
		org->msp_id = xasprintf("%sMSP", org->name);
}

/* An org is a directory (and a namespace): names and domains are unique. */
static void check_duplicates(struct ctx *c, const struct crypto_config *cfg)
{
	for (size_t i = 0; i < cfg->norgs; i++) {
		const struct org_spec *b = &cfg->orgs[i];
		bool dup_domain = false, dup_name = false;

		for (size_t j = 0; j < i && !(dup_domain && dup_name); j++) {
			const struct org_spec *a = &cfg->orgs[j];
			struct ypath lp = YPATH_KEY(NULL, list_keys[b->type]);
			struct ypath ip = YPATH_INDEX(&lp, b->index);
			char place[512];

			if (!a->where || !b->where)
				continue;
			org_place(a, b, place, sizeof(place));
			if (!dup_domain && a->domain && b->domain && *b->domain &&
			    strcmp(a->domain, b->domain) == 0) {
				dup_domain = true;
				struct ypath dp = YPATH_KEY(&ip, "Domain");

				yerror(ymap_get(b->where, "Domain"), &dp,
				       "duplicate domain \"%s\" (also %s)", b->domain, place);
				c->errors++;
			}
			if (!dup_name && a->name && b->name && *b->name && strcmp(a->name, b->name) == 0) {
				dup_name = true;
				struct ypath np = YPATH_KEY(&ip, "Name");

				yerror(ymap_get(b->where, "Name"), &np,
				       "duplicate Name \"%s\" (also %s)", b->name, place);
				c->errors++;
			}
		}
	}
}

/*
 * Check and expand the roots of cfg's files (one per file), as one network:
 * orderer orgs of every file first, then peer orgs, each list in file order.
 * Frees cfg and returns NULL on errors.
 */
static struct crypto_config *load(struct crypto_config *cfg, const struct ynode *const *roots)
{
	const struct ynode **lists = xcalloc(2 * cfg->nfiles, sizeof(*lists));
	struct ctx c = {0};
	size_t total = find_lists(&c, cfg, roots, lists);

	if (c.errors)
		goto fail;
	if (total == 0) {
		yerror(roots[0], NULL, "no organizations: OrdererOrgs and PeerOrgs are both empty");
		goto fail;
	}
	cfg->orgs = xcalloc(total, sizeof(*cfg->orgs));
	for (int t = 0; t < 2; t++) {
		struct ypath lp = YPATH_KEY(NULL, list_keys[t]);

		for (size_t f = 0; f < cfg->nfiles; f++) {
			const struct ynode *list = lists[2 * f + (size_t)t];

			for (size_t i = 0; list && i < list->n; i++) {
				struct ypath ip = YPATH_INDEX(&lp, i);

				add_org(&c, cfg, t == 0 ? ORG_ORDERER : ORG_PEER, i, list->items[i], &ip);
			}
		}
	}
	check_duplicates(&c, cfg);
	if (c.errors)
		goto fail;
	free(lists);
	return cfg;
fail:
	free(lists);
	cryptocfg_free(cfg);
	return NULL;
}

int cryptocfg_add_san(struct crypto_config *cfg, const char *tmpl)
{
	/* messages name the option the template came from, as a path of one key */
	char *option = xasprintf("--san=%s", tmpl);
	struct ypath op = YPATH_KEY(NULL, option);
	int rc = 0;

	for (size_t i = 0; i < cfg->norgs && rc == 0; i++) {
		struct org_spec *o = &cfg->orgs[i];

		for (size_t j = 0; j < o->nnodes; j++) {
			struct node_spec *n = &o->nodes[j];
			const char *vars[] = { "Hostname", n->hostname, "Domain", o->domain,
					       "CommonName", n->common_name, NULL };
			char *san = gotemplate_expand(tmpl, vars, NULL, &op);
			bool have = false;

			if (!san) {
				rc = -1;
				break;
			}
			for (size_t k = 0; k < n->nsans && !have; k++)
				have = strcmp(n->sans[k], san) == 0;
			if (have || !*san) {
				free(san);
				continue;
			}
			n->sans = xrealloc(n->sans, (n->nsans + 1) * sizeof(*n->sans));
			n->sans[n->nsans++] = san;
		}
	}
	free(option);
	return rc;
}

struct org_spec *cryptocfg_find(struct crypto_config *cfg, const char *domain)
{
	for (size_t i = 0; i < cfg->norgs; i++)
		if (strcmp(cfg->orgs[i].domain, domain) == 0)
			return &cfg->orgs[i];
	return NULL;
}

const char *org_dir_name(const struct org_spec *org)
{
	return org->type == ORG_PEER ? "peerOrganizations" : "ordererOrganizations";
}

const char *org_type_name(const struct org_spec *org)
{
	return org->type == ORG_PEER ? "peer" : "orderer";
}

const char *org_list_name(const struct org_spec *org)
{
	return list_keys[org->type];
}

/* Does the cleaned MSPDir end in <dir>/<domain>/msp, component-wise? */
static bool mspdir_names(const char *mspdir, const struct org_spec *org)
{
	char *clean = path_clean(mspdir);
	char *tail = xasprintf("%s/%s/msp", org_dir_name(org), org->domain);
	size_t n = strlen(clean), t = strlen(tail);
	bool match = n >= t && strcmp(clean + n - t, tail) == 0 &&
		(n == t || clean[n - t - 1] == '/');

	free(clean);
	free(tail);
	return match;
}

int cryptocfg_read_msp_ids(struct crypto_config *cfg, const char *configtx_path)
{
	const struct ynode *root, *orgs = NULL;
	struct yfile *f = yfile_load_one(configtx_path, &root);
	struct ypath op = YPATH_KEY(NULL, "Organizations");
	const struct ynode **found;
	int errors = 0;

	if (!f)
		return -1;
	if (root->kind != Y_MAP) {
		yerror(root, NULL, "expected a mapping, got %s", ynode_kind_name(root));
		yfile_free(f);
		return -1;
	}
	if (yget_seq(ymap_get_nocase(root, "Organizations"), &op, &orgs) < 0 || !orgs) {
		yfile_free(f);
		return orgs ? -1 : 0;
	}
	found = xcalloc(cfg->norgs, sizeof(*found));
	for (size_t i = 0; i < orgs->n; i++) {
		const struct ynode *o = orgs->items[i];
		struct ypath ip = YPATH_INDEX(&op, i);
		struct ypath dp = YPATH_KEY(&ip, "MSPDir"), idp = YPATH_KEY(&ip, "ID");
		const char *dir = NULL, *id = NULL;

		if (o->kind != Y_MAP) {
			yerror(o, &ip, "expected a mapping, got %s", ynode_kind_name(o));
			errors++;
			continue;
		}
		if (yget_str(ymap_get_nocase(o, "MSPDir"), &dp, &dir) < 0 ||
		    yget_str(ymap_get_nocase(o, "ID"), &idp, &id) < 0) {
			errors++;
			continue;
		}
		if (!dir)
			continue;
		for (size_t j = 0; j < cfg->norgs; j++) {
			struct org_spec *org = &cfg->orgs[j];

			if (!mspdir_names(dir, org))
				continue;
			if (!id || !*id) {
				yerror(o, &idp, "required, and missing (MSPDir names org %s)",
				       org->domain);
				errors++;
			} else if (found[j] && strcmp(org->msp_id, id) != 0) {
				yerror(ymap_get_nocase(o, "ID"), &idp,
				       "org %s already has MSP ID \"%s\" (line %d)",
				       org->domain, org->msp_id, found[j]->line);
				errors++;
			} else {
				free(org->msp_id);
				org->msp_id = xstrdup(id);
				found[j] = ymap_get_nocase(o, "ID");
			}
		}
	}
	free(found);
	yfile_free(f);
	return errors ? -1 : 0;
}
