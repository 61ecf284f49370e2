#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsutil.h"
#include "fabric/msp.h"
#include "base/util.h"
#include "yaml/ytree.h"

struct blob {
	char *data;
	size_t len;
};

struct blobs {
	struct blob *items;
	size_t n, cap;
};

static void blobs_free(struct blobs *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->items[i].data);
	free(b->items);
	memset(b, 0, sizeof(*b));
}

/* Does the text hold a PEM block ("-----BEGIN X-----" ... "-----END X-----")? */
static const char *find(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= n; i++)
		if (s[i] == what[0] && memcmp(s + i, what, w) == 0)
			return s + i;
	return NULL;
}

static bool has_pem(const char *s, size_t n)
{
	const char *begin = find(s, n, "-----BEGIN ");

	return begin && find(begin, n - (size_t)(begin - s), "-----END ");
}

/* Where an MSP directory is named (its MSPDir field), for messages. */
struct place {
	const struct ynode *where;
	const struct ypath *p;
};

/*
 * Read every PEM file of dir, in name order.  Returns 0 (with *missing set
 * when dir does not exist), or -1 after an error.
 */
static int read_pem_dir(const char *dir, const struct place *at, struct blobs *out, bool *missing)
{
	char **names;
	size_t n;
	int rc = 0;

	*missing = false;
	if (dir_names(dir, &names, &n) < 0) {
		if (errno == ENOENT) {
			*missing = true;
			return 0;
		}
		yerror(at->where, at->p, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]);
		struct stat st;
		size_t len;
		char *data;

		if (stat(path, &st) < 0) {
			warnf("warning: skipping %s:", path);
		} else if (!S_ISDIR(st.st_mode)) {
			data = read_file(path, &len);
			if (!data) {
				yerror(at->where, at->p, "cannot read %s: %s", path, strerror(errno));
				rc = -1;
			} else if (!has_pem(data, len)) {
				warnf("warning: skipping %s: no PEM content", path);
				free(data);
			} else {
				out->items = xgrow(out->items, &out->cap, out->n + 1, sizeof(*out->items));
				out->items[out->n++] = (struct blob){ data, len };
			}
		}
		free(path);
		if (rc < 0)
			break;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int read_sub(const char *dir, const char *sub, const struct place *at, struct blobs *out,
		    bool *missing)
{
	char *path = path_join(dir, sub);
	int rc = read_pem_dir(path, at, out, missing);

	free(path);
	return rc;
}

struct ou {
	char *cert;             /* file content, NULL when not given or unreadable */
	size_t len;
	const char *id;
};

/* A NodeOUs identifier: the certificate is optional, and unreadable only warns (as in Fabric). */
static void node_ou(const char *dir, const struct ynode *n, struct ou *out)
{
	const char *id = NULL, *cert = NULL;

	memset(out, 0, sizeof(*out));
	if (!n || n->kind != Y_MAP)
		return;
	if (yget_str(ymap_get(n, "OrganizationalUnitIdentifier"), NULL, &id) < 0 || !id || !*id)
		return;
	out->id = id;
	if (yget_str(ymap_get(n, "Certificate"), NULL, &cert) < 0 || !cert || !*cert)
		return;
	char *path = path_join(dir, cert);

	out->cert = read_file(path, &out->len);
	if (!out->cert)
		warnf("warning: cannot read NodeOU certificate %s:", path);
	free(path);
}

static void put_ou(struct pbuf *b, uint32_t field, const struct ou *o)
{
	size_t m = pb_begin(b, field);

	pb_bytes(b, 1, o->cert, o->cert ? o->len : 0);
	pb_str(b, 2, o->id);
	pb_end(b, m);
}

static void put_blobs(struct pbuf *b, uint32_t field, const struct blobs *bl)
{
	for (size_t i = 0; i < bl->n; i++)
		pb_bytes_always(b, field, bl->items[i].data, bl->items[i].len);
}

/* What an MSP directory holds, read before it is encoded. */
struct msp_parts {
	struct blobs ca, inter, admins, tlsca, tlsinter, crls;
	struct ou nodeous[4];           /* Client, Peer, Admin, Orderer */
	struct ou *ous;                 /* OrganizationalUnitIdentifiers */
	size_t nous, capous;
	bool node_ous;                  /* NodeOUs.Enable */
};

static void parts_free(struct msp_parts *m)
{
	blobs_free(&m->ca);
	blobs_free(&m->inter);
	blobs_free(&m->admins);
	blobs_free(&m->tlsca);
	blobs_free(&m->tlsinter);
	blobs_free(&m->crls);
	for (int i = 0; i < 4; i++)
		free(m->nodeous[i].cert);
	for (size_t i = 0; i < m->nous; i++)
		free(m->ous[i].cert);
	free(m->ous);
}

/* dir is a directory; -1 after an error otherwise. */
static int check_dir(const char *dir, const struct place *at)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		yerror(at->where, at->p, "MSP directory %s: %s", dir,
		       errno == ENOENT ? "no such directory" : strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		yerror(at->where, at->p, "MSP directory %s: not a directory", dir);
		return -1;
	}
	return 0;
}

/* The certificates and CRLs of the MSP's subdirectories; a CA certificate is required. */
static int read_certs(const char *dir, const struct place *at, struct msp_parts *m)
{
	bool missing;

	if (read_sub(dir, "cacerts", at, &m->ca, &missing) < 0)
		return -1;
	if (m->ca.n == 0) {
		yerror(at->where, at->p, "no CA certificate in %s/cacerts%s", dir,
		       missing ? " (no such directory)" : "");
		return -1;
	}
	if (read_sub(dir, "admincerts", at, &m->admins, &missing) < 0 ||
	    read_sub(dir, "intermediatecerts", at, &m->inter, &missing) < 0 ||
	    read_sub(dir, "tlscacerts", at, &m->tlsca, &missing) < 0 ||
	    (m->tlsca.n > 0 && read_sub(dir, "tlsintermediatecerts", at, &m->tlsinter, &missing) < 0) ||
	    read_sub(dir, "crls", at, &m->crls, &missing) < 0)
		return -1;
	return 0;
}

/* config.yaml's OrganizationalUnitIdentifiers: each certificate must be readable. */
static int read_ou_list(const char *dir, const struct ynode *list, const struct place *at,
			struct msp_parts *m)
{
	if (!list || list->kind != Y_SEQ)
		return 0;
	for (size_t i = 0; i < list->n; i++) {
		const char *cert = NULL, *ouid = NULL;
		const struct ynode *o = list->items[i];

		yget_str(ymap_get(o, "Certificate"), NULL, &cert);
		yget_str(ymap_get(o, "OrganizationalUnitIdentifier"), NULL, &ouid);
		char *path = path_join(dir, cert ? cert : "");
		struct ou *ou;

		m->ous = xgrow(m->ous, &m->capous, m->nous + 1, sizeof(*m->ous));
		ou = &m->ous[m->nous];
		*ou = (struct ou){ .id = ouid };
		ou->cert = read_file(path, &ou->len);
		if (!ou->cert) {
			yerror(at->where, at->p, "cannot read OrganizationalUnitIdentifiers certificate %s: %s",
			       path, strerror(errno));
			free(path);
			return -1;
		}
		m->nous++;
		free(path);
	}
	return 0;
}

/*
 * The MSP's config.yaml, when it has one: its OrganizationalUnitIdentifiers
 * and NodeOUs.  *cfg keeps the file, whose strings m points into.
 */
static int read_config(const char *dir, const struct place *at, struct msp_parts *m,
		       struct yfile **cfg)
{
	static const char *const keys[] = { "ClientOUIdentifier", "PeerOUIdentifier",
					    "AdminOUIdentifier", "OrdererOUIdentifier" };
	char *cfgpath = path_join(dir, "config.yaml");
	const struct ynode *root, *nodes;
	int rc = 0;

	if (!path_exists(cfgpath))
		goto done;
	*cfg = yfile_load_one(cfgpath, &root);
	if (!*cfg) {
		yerror(at->where, at->p, "cannot use %s", cfgpath);
		rc = -1;
		goto done;
	}
	if (read_ou_list(dir, ymap_get(root, "OrganizationalUnitIdentifiers"), at, m) < 0) {
		rc = -1;
		goto done;
	}
	nodes = ymap_get(root, "NodeOUs");
	if (nodes && nodes->kind == Y_MAP &&
	    yget_bool(ymap_get(nodes, "Enable"), NULL, &m->node_ous) == 0 && m->node_ous)
		for (int i = 0; i < 4; i++)
			node_ou(dir, ymap_get(nodes, keys[i]), &m->nodeous[i]);
done:
	free(cfgpath);
	return rc;
}

/* The body of an MSPConfig: type FABRIC, config = a FabricMSPConfig of m. */
static void encode(const char *id, const struct msp_parts *m, struct pbuf *out)
{
	struct pbuf c = {0};

	/* FabricMSPConfig, fields in number order */
	pb_str(&c, 1, id);
	put_blobs(&c, 2, &m->ca);
	put_blobs(&c, 3, &m->inter);
	put_blobs(&c, 4, &m->admins);
	put_blobs(&c, 5, &m->crls);
	for (size_t i = 0; i < m->nous; i++)
		put_ou(&c, 7, &m->ous[i]);
	size_t cc = pb_begin(&c, 8);
	pb_str(&c, 1, "SHA2");
	pb_str(&c, 2, "SHA256");
	pb_end(&c, cc);
	put_blobs(&c, 9, &m->tlsca);
	put_blobs(&c, 10, &m->tlsinter);
	if (m->node_ous) {
		size_t no = pb_begin(&c, 11);

		pb_uint(&c, 1, 1);
		for (int i = 0; i < 4; i++)
			if (m->nodeous[i].id)
				put_ou(&c, (uint32_t)(2 + i), &m->nodeous[i]);
		pb_end(&c, no);
	}
	/* MSPConfig: type FABRIC (0) is not written, config = 2 */
	pb_bytes(out, 2, c.buf, c.len);
	pb_free(&c);
}

int msp_load(const char *dir, const char *id, const struct ynode *where, const struct ypath *p,
	     struct pbuf *out, struct msp_facts *facts)
{
	const struct place at = { where, p };
	struct msp_parts m = {0};
	struct yfile *cfg = NULL;
	int rc = -1;

	memset(facts, 0, sizeof(*facts));
	if (check_dir(dir, &at) < 0)
		return -1;
	if (read_certs(dir, &at, &m) == 0 && read_config(dir, &at, &m, &cfg) == 0) {
		encode(id, &m, out);
		facts->node_ous = m.node_ous;
		facts->admin_ou = m.node_ous && m.nodeous[2].id != NULL;
		facts->nadmins = m.admins.n;
		rc = 0;
	}
	parts_free(&m);
	yfile_free(cfg);
	return rc;
}
