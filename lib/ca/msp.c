/*
 * MSP directories of enrolled identities: read back, written all or
 * nothing (a hidden directory beside the target, renamed into place), and
 * removed the same way round.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ca/ca.h"
#include "base/fsutil.h"
#include "base/util.h"

/* ---- reading ---- */

/* Every certificate of every file of dir/sub onto the chain; absent sub is none. */
static int load_chain(const char *dir, const char *sub, struct ca_ident *id)
{
	char *d = path_join(dir, sub), **names;
	size_t n, cap = id->nchain;
	int rc = 0;

	if (dir_names(d, &names, &n) < 0) {
		rc = errno == ENOENT ? 0 : -1;
		free(d);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(d, names[i]), *pem;
		struct pki_cert **certs;
		size_t len, nc;

		if (rc == 0 && (pem = read_file(p, &len))) {
			if (ca_certs_from_pem(pem, len, &certs, &nc) == 0) {
				id->chain = xgrow(id->chain, &cap, id->nchain + nc, sizeof(*id->chain));
				memcpy(id->chain + id->nchain, certs, nc * sizeof(*certs));
				id->nchain += nc;
				free(certs);
			} else {
				rc = -1;
			}
			free(pem);
		} else {
			rc = -1;
		}
		free(p);
		free(names[i]);
	}
	free(names);
	free(d);
	return rc;
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
	char *p = path_join(dir, name), *s = read_file(p, len);

	free(p);
	return s;
}

/* What an existing, non-empty dir holds; NULL when it is an identity, else why not. */
static char *load_parts(const char *dir, struct ca_ident *id)
{
	size_t len;
	char *key = read_in(dir, "keystore/priv_sk", &len);

	if (key) {
		id->key = ca_key_from_pem(key, len);
		pki_wipe_free(key, len);
	}
	if (!id->key)
		return xstrdup("keystore/priv_sk is missing or not a P-256 private key");
	id->cert_pem = read_in(dir, "signcerts/cert.pem", &id->cert_len);
	if (!id->cert_pem || !(id->cert = pki_cert_from_pem(id->cert_pem, id->cert_len)))
		return xstrdup("signcerts/cert.pem is missing or not a certificate");
	if (load_chain(dir, "cacerts", id) < 0 || load_chain(dir, "intermediatecerts", id) < 0 ||
	    id->nchain == 0)
		return xstrdup("cacerts/ holds no CA certificate, or one that cannot be read");
	return NULL;
}

int ca_msp_load(const char *dir, struct ca_ident *id, char **why)
{
	struct stat st;
	char **names;
	size_t n;

	memset(id, 0, sizeof(*id));
	*why = NULL;
	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || dir_names(dir, &names, &n) < 0) {
		*why = xstrdup("it is not a directory that can be read");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (n == 0)
		return 0;
	if ((*why = load_parts(dir, id)) != NULL) {
		ca_ident_free(id);
		return -1;
	}
	return 1;
}

/* ---- writing ---- */

struct out {
	char *tmp;                      /* the hidden directory being filled */
	mode_t umask;
	char *ous_cert;                 /* config.yaml's Certificate, e.g. cacerts/ca-cert.pem */
};

static int mkd(const struct out *o, const char *sub)
{
	char *p = path_join(o->tmp, sub);
	int rc = mkdir(p, 0755);

	if (rc < 0)
		warnf("cannot create directory '%s':", p);
	free(p);
	return rc;
}

static int put(const struct out *o, const char *name, const void *buf, size_t len, mode_t mode)
{
	char *p = path_join(o->tmp, name);
	int rc = write_file(p, buf, len, mode, WRITE_FRESH) < 0 ? -1 : 0;

	if (rc < 0)
		warnf("cannot write '%s':", p);
	free(p);
	return rc;
}

/* sub/<CN>-cert.pem (another name when taken); the name used, allocated. */
static char *put_cert(const struct out *o, const char *sub, const struct pki_cert *c)
{
	char *file = ca_cert_file_name(c), *rel = path_join(sub, file), *full, *pem;
	size_t len;

	for (int i = 2; (full = path_join(o->tmp, rel)) && path_exists(full); i++) {
		free(full);
		free(rel);
		rel = xasprintf("%s/%.*s-%d-cert.pem", sub, (int)(strlen(file) - 9), file, i);
	}
	free(full);
	free(file);
	pem = pki_cert_to_pem(c, &len);
	if (put(o, rel, pem, len, 0644) < 0) {
		free(rel);
		rel = NULL;
	}
	free(pem);
	return rel;
}

static bool self_signed(const struct pki_cert *c)
{
	return c->subject.len == c->issuer.len &&
		memcmp(c->subject.val, c->issuer.val, c->subject.len) == 0 && pki_cert_signed_by(c, c);
}

/* cacerts/ and intermediatecerts/; notes which one issued the identity. */
static int put_chain(struct out *o, const struct ca_ident *id)
{
	bool inter = false;

	for (size_t i = 0; i < id->nchain; i++)
		inter |= !self_signed(id->chain[i]);
	if (mkd(o, "cacerts") < 0 || (inter && mkd(o, "intermediatecerts") < 0))
		return -1;
	for (size_t i = 0; i < id->nchain; i++) {
		const struct pki_cert *c = id->chain[i];
		char *rel = put_cert(o, self_signed(c) ? "cacerts" : "intermediatecerts", c);

		if (!rel)
			return -1;
		if (!o->ous_cert && pki_cert_signed_by(id->cert, c))
			o->ous_cert = rel;
		else
			free(rel);
	}
	return 0;
}

/* msp/config.yaml in the shape mspgen (and cryptogen) write it. */
static int put_node_ous(const struct out *o)
{
	static const char *const ids[][2] = { { "ClientOUIdentifier", "client" },
		{ "PeerOUIdentifier", "peer" }, { "AdminOUIdentifier", "admin" },
		{ "OrdererOUIdentifier", "orderer" } };
	struct strbuf sb = {0};
	int rc;

	sb_adds(&sb, "NodeOUs:\n  Enable: true\n");
	for (size_t i = 0; i < 4; i++)
		sb_addf(&sb, "  %s:\n    Certificate: %s\n    OrganizationalUnitIdentifier: %s\n",
			ids[i][0], o->ous_cert, ids[i][1]);
	rc = put(o, "config.yaml", sb.buf, sb.len, 0644);
	sb_free(&sb);
	return rc;
}

static int fill(struct out *o, const struct ca_ident *id, const struct ca_msp_opts *opts)
{
	size_t keylen;
	const char *key = ca_key_pem(id->key, &keylen);

	if (mkd(o, "keystore") < 0 || put(o, "keystore/priv_sk", key, keylen, 0600) < 0 ||
	    mkd(o, "signcerts") < 0 ||
	    put(o, "signcerts/cert.pem", id->cert_pem, id->cert_len, 0644) < 0 ||
	    put_chain(o, id) < 0 || (opts->ntls && mkd(o, "tlscacerts") < 0))
		return -1;
	for (size_t i = 0; i < opts->ntls; i++) {
		char *rel = put_cert(o, "tlscacerts", opts->tls[i]);

		if (!rel)
			return -1;
		free(rel);
	}
	if (opts->node_ous && !o->ous_cert) {
		warnf("no certificate of the CA's chain issued the identity: no NodeOUs without it");
		return -1;
	}
	return opts->node_ous ? put_node_ous(o) : 0;
}

/* A new hidden directory parent/.<base>.XXXXXX; NULL after a message. */
static char *hidden_dir(const char *parent, const char *base)
{
	char *t = xasprintf("%s/.%s.XXXXXX", parent, base);

	if (!mkdtemp(t)) {
		warnf("cannot create a directory in '%s':", parent);
		free(t);
		return NULL;
	}
	return t;
}

/* The target without trailing slashes, its parent and its last name. */
struct target {
	char *path, *parent;
	const char *base;
	char *made;                     /* the first parent this run created, or NULL */
};

static void target_free(struct target *t)
{
	free(t->path);
	free(t->parent);
	free(t->made);
}

static int target_of(const char *dir, struct target *t)
{
	size_t n = strlen(dir);
	const char *slash;

	memset(t, 0, sizeof(*t));
	while (n > 1 && dir[n - 1] == '/')
		n--;
	t->path = xstrndup(dir, n);
	slash = strrchr(t->path, '/');
	t->base = slash ? slash + 1 : t->path;
	t->parent = path_dirname(t->path);
	if (!*t->base || strcmp(t->base, ".") == 0 || strcmp(t->base, "..") == 0) {
		warnf("'%s' cannot name a new directory", dir);
		return -1;
	}
	return 0;
}

/* Remove the parents make_parents made (they are empty: rmdir). */
static void unmake_parents(const struct target *t)
{
	char *p = xstrdup(t->parent), *up;

	while (t->made && rmdir(p) == 0 && strcmp(p, t->made) != 0) {
		up = path_dirname(p);
		free(p);
		p = up;
	}
	free(p);
}

/* Make the missing parents, remembering the topmost one made. */
static int make_parents(struct target *t)
{
	char *p = xstrdup(t->parent), *up;

	while (!path_exists(p)) {
		free(t->made);
		t->made = xstrdup(p);
		up = path_dirname(p);
		free(p);
		p = up;
	}
	free(p);
	if (t->made && mkdir_p(t->parent, 0755) < 0) {
		warnf("cannot create directory '%s':", t->parent);
		unmake_parents(t);
		return -1;
	}
	return 0;
}

/* Is path absent, or an empty directory (which rename replaces)? */
static bool free_to_take(const char *path)
{
	struct stat st;
	char **names;
	size_t n;
	bool empty;

	if (lstat(path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode) || dir_names(path, &names, &n) < 0)
		return false;
	empty = n == 0;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return empty;
}

/* Move the complete tmp to t->path, an existing one aside first with replace. */
static int install(const struct target *t, const char *tmp, bool replace)
{
	char *old = NULL;
	int rc = 0;

	if (!free_to_take(t->path)) {
		if (!replace) {
			warnf("'%s' exists: left as it is", t->path);
			return -1;
		}
		if (!(old = hidden_dir(t->parent, t->base)))
			return -1;
		if (rename(t->path, old) < 0) {
			warnf("cannot move '%s' aside:", t->path);
			rmdir(old);
			free(old);
			return -1;
		}
	}
	if (rename(tmp, t->path) < 0) {
		warnf("cannot rename '%s' to '%s':", tmp, t->path);
		rc = -1;
		if (old && rename(old, t->path) < 0)
			warnf("cannot move '%s' back to '%s':", old, t->path);
	}
	if (old && rc == 0 && remove_tree(old) < 0)
		warnf("cannot remove '%s':", old);
	free(old);
	return rc;
}

int ca_msp_write(const char *dir, const struct ca_ident *id, const struct ca_msp_opts *opts)
{
	struct target t;
	struct out o = {0};
	int rc = -1;

	o.umask = umask(0);
	umask(o.umask);
	if (target_of(dir, &t) < 0 || make_parents(&t) < 0) {
		target_free(&t);
		return -1;
	}
	remove_stale_dirs(t.parent, t.base);
	if (!(o.tmp = hidden_dir(t.parent, t.base)))
		goto out;
	if (chmod(o.tmp, opts->dir_mode & ~o.umask) < 0) {
		warnf("cannot set the mode of '%s':", o.tmp);
		goto out;
	}
	if (fill(&o, id, opts) < 0)
		goto out;
	if (sync_fs(o.tmp) < 0) {
		warnf("cannot flush '%s' to disk:", o.tmp);
		goto out;
	}
	rc = install(&t, o.tmp, opts->replace);
out:
	if (rc < 0) {
		if (o.tmp && remove_tree(o.tmp) < 0)
			warnf("cannot remove '%s':", o.tmp);
		unmake_parents(&t);
	}
	free(o.tmp);
	free(o.ous_cert);
	target_free(&t);
	return rc;
}

int ca_msp_remove(const char *dir)
{
	struct target t;
	char *old;
	int rc = -1;

	if (target_of(dir, &t) < 0) {
		target_free(&t);
		return -1;
	}
	if ((old = hidden_dir(t.parent, t.base)) != NULL) {
		if (rename(t.path, old) < 0) {
			warnf("cannot move '%s' aside:", t.path);
			rmdir(old);
		} else if (remove_tree(old) < 0) {
			warnf("cannot remove '%s':", old);
		} else {
			rc = 0;
		}
	}
	free(old);
	target_free(&t);
	return rc;
}
