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

/*
 * Read every PEM file of dir, in name order.  Returns 0 (with *missing set
 * when dir does not exist), or -1 with *err.
 */
static int read_pem_dir(const char *dir, struct blobs *out, bool *missing, char **err)
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
		*err = xasprintf("cannot read %s: %s", dir, strerror(errno));
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
				*err = xasprintf("cannot read %s: %s", path, strerror(errno));
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

static int read_sub(const char *dir, const char *sub, struct blobs *out, bool *missing, char **err)
{
	char *path = path_join(dir, sub);
	int rc = read_pem_dir(path, out, missing, err);

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

int msp_load(const char *dir, const char *id, struct pbuf *out, struct msp_facts *facts, char **err)
{
	struct blobs ca = {0}, inter = {0}, admins = {0}, tlsca = {0}, tlsinter = {0}, crls = {0};
	struct ou nodeous[4] = {{0}}, *ous = NULL;
	size_t nous = 0, capous = 0;
	struct yfile *cfg = NULL;
	struct pbuf m = {0};
	struct stat st;
	bool missing, enable = false;
	char *cfgpath = NULL;
	int rc = -1;

	memset(facts, 0, sizeof(*facts));
	*err = NULL;
	if (stat(dir, &st) < 0) {
		*err = xasprintf("MSP directory %s: %s", dir,
				 errno == ENOENT ? "no such directory" : strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("MSP directory %s: not a directory", dir);
		return -1;
	}
	if (read_sub(dir, "cacerts", &ca, &missing, err) < 0)
		goto done;
	if (ca.n == 0) {
		*err = xasprintf("no CA certificate in %s/cacerts%s", dir, missing ? " (no such directory)" : "");
		goto done;
	}
	if (read_sub(dir, "admincerts", &admins, &missing, err) < 0 ||
	    read_sub(dir, "intermediatecerts", &inter, &missing, err) < 0 ||
	    read_sub(dir, "tlscacerts", &tlsca, &missing, err) < 0 ||
	    (tlsca.n > 0 && read_sub(dir, "tlsintermediatecerts", &tlsinter, &missing, err) < 0) ||
	    read_sub(dir, "crls", &crls, &missing, err) < 0)
		goto done;

	cfgpath = path_join(dir, "config.yaml");
	if (path_exists(cfgpath)) {
		const struct ynode *root, *list, *nodes;

		cfg = yfile_load_one(cfgpath, &root);
		if (!cfg) {
			*err = xasprintf("cannot use %s", cfgpath);
			goto done;
		}
		list = ymap_get(root, "OrganizationalUnitIdentifiers");
		if (list && list->kind == Y_SEQ) {
			for (size_t i = 0; i < list->n; i++) {
				const char *cert = NULL, *ouid = NULL;
				const struct ynode *o = list->items[i];

				yget_str(ymap_get(o, "Certificate"), NULL, &cert);
				yget_str(ymap_get(o, "OrganizationalUnitIdentifier"), NULL, &ouid);
				char *path = path_join(dir, cert ? cert : "");

				ous = xgrow(ous, &capous, nous + 1, sizeof(*ous));
				ous[nous] = (struct ou){ .id = ouid };
				ous[nous].cert = read_file(path, &ous[nous].len);
				if (!ous[nous].cert) {
					*err = xasprintf("cannot read OrganizationalUnitIdentifiers certificate %s: %s",
							 path, strerror(errno));
					free(path);
					goto done;
				}
				nous++;
				free(path);
			}
		}
		nodes = ymap_get(root, "NodeOUs");
		if (nodes && nodes->kind == Y_MAP &&
		    yget_bool(ymap_get(nodes, "Enable"), NULL, &enable) == 0 && enable) {
			static const char *const keys[] = { "ClientOUIdentifier", "PeerOUIdentifier",
							    "AdminOUIdentifier", "OrdererOUIdentifier" };

			for (int i = 0; i < 4; i++)
				node_ou(dir, ymap_get(nodes, keys[i]), &nodeous[i]);
		}
	}

	/* FabricMSPConfig, fields in number order */
	pb_str(&m, 1, id);
	put_blobs(&m, 2, &ca);
	put_blobs(&m, 3, &inter);
	put_blobs(&m, 4, &admins);
	put_blobs(&m, 5, &crls);
	for (size_t i = 0; i < nous; i++)
		put_ou(&m, 7, &ous[i]);
	size_t cc = pb_begin(&m, 8);
	pb_str(&m, 1, "SHA2");
	pb_str(&m, 2, "SHA256");
	pb_end(&m, cc);
	put_blobs(&m, 9, &tlsca);
	put_blobs(&m, 10, &tlsinter);
	if (enable) {
		size_t no = pb_begin(&m, 11);

		pb_uint(&m, 1, 1);
		for (int i = 0; i < 4; i++)
			if (nodeous[i].id)
				put_ou(&m, (uint32_t)(2 + i), &nodeous[i]);
		pb_end(&m, no);
	}
	/* MSPConfig: type FABRIC (0) is not written, config = 2 */
	pb_bytes(out, 2, m.buf, m.len);
	facts->node_ous = enable;
	facts->admin_ou = enable && nodeous[2].id != NULL;
	facts->nadmins = admins.n;
	rc = 0;
done:
	blobs_free(&ca);
	blobs_free(&inter);
	blobs_free(&admins);
	blobs_free(&tlsca);
	blobs_free(&tlsinter);
	blobs_free(&crls);
	for (int i = 0; i < 4; i++)
		free(nodeous[i].cert);
	for (size_t i = 0; i < nous; i++)
		free(ous[i].cert);
	free(ous);
	free(cfgpath);
	yfile_free(cfg);
	pb_free(&m);
	return rc;
}
