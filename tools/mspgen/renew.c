/*
 * renew and expiry: the certificates of an existing MSP tree, found by
 * its layout (ca/, tlsca/, and for every node and user msp/signcerts/ and
 * tls/server.crt or client.crt), needing no crypto-config.yaml.
 *
 * renew issues a certificate again with the same subject, issuer, public
 * key and extensions, a new serial and a new validity, signed by the same
 * CA key; every copy of it in the org (cacerts/, tlscacerts/, tls/ca.crt,
 * admincerts/) is replaced too.  Each file is replaced atomically, and at
 * every moment the tree is valid: an old and a new certificate of one CA
 * have the same name and key, so either verifies the other's leaves.
 * extend re-issues a node's TLS certificate whose names changed with the
 * same functions (certfiles, cert_validity, replace_certs).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsutil.h"
#include "mspgen.h"
#include "x509/pki.h"
#include "base/util.h"

static const char *const org_types[] = { "ordererOrganizations", "peerOrganizations" };
static const char *const node_dirs[] = { "orderers", "peers", "users" };

void certfiles_free(struct certfiles *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free(it->v[i].path);
		free(it->v[i].rel);
		pki_cert_free(it->v[i].cert);
		pki_cert_free(it->v[i].renewed);
		free(it->v[i].change);
	}
	free(it->v);
	memset(it, 0, sizeof(*it));
}

void cert_validity(const struct run *r, int64_t *not_before, int64_t *not_after)
{
	pki_validity(r->now, r->now_nsec, CERT_DAYS, not_before, not_after);
}

int add_certfile(const struct run *r, struct certfiles *it, const char *rel)
{
	char *path = path_join(r->root, rel), *buf;
	struct pki_cert *c;
	size_t len;
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		free(path);
		return 0;
	}
	if (!(buf = read_whole(path, &len))) {
		free(path);
		return -1;
	}
	c = pki_cert_from_pem(buf, len);
	free(buf);
	if (!c) {
		warnf("'%s': not a PEM X.509 certificate with a P-256 or Ed25519 key", path);
		free(path);
		return -1;
	}
	it->v = xgrow(it->v, &it->cap, it->n + 1, sizeof(*it->v));
	it->v[it->n++] = (struct certfile){ .path = path, .rel = xstrdup(rel), .cert = c };
	return 0;
}

/* The sorted names in dir that do not start with '.', NULL-terminated; NULL when absent. */
static char **list_dir(const char *dir, bool *failed)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR) {
			warnf("cannot read directory '%s':", dir);
			*failed = true;
		}
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xgrow(names, &cap, n + 2, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (!names)
		return NULL;
	names[n] = NULL;
	for (size_t i = 1; i < n; i++)          /* insertion sort: small lists */
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	return names;
}

static void free_list(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* Every *.pem of rel/sub. */
static int add_pems(const struct run *r, struct certfiles *it, const char *rel, const char *sub)
{
	char *drel = xasprintf("%s/%s", rel, sub), *dir = path_join(r->root, drel);
	bool failed = false;
	char **names = list_dir(dir, &failed);
	int rc = failed ? -1 : 0;

	for (size_t i = 0; names && names[i] && rc == 0; i++) {
		if (has_suffix(names[i], ".pem")) {
			char *f = xasprintf("%s/%s", drel, names[i]);

			rc = add_certfile(r, it, f);
			free(f);
		}
	}
	free_list(names);
	free(dir);
	free(drel);
	return rc;
}

/* The certificates of one org (rel "peerOrganizations/org1"): CAs first. */
static int org_certs(const struct run *r, const char *rel, struct certfiles *it)
{
	if (add_pems(r, it, rel, "ca") < 0 || add_pems(r, it, rel, "tlsca") < 0)
		return -1;
	for (size_t t = 0; t < 3; t++) {
		char *nrel = xasprintf("%s/%s", rel, node_dirs[t]), *dir = path_join(r->root, nrel);
		bool failed = false;
		char **names = list_dir(dir, &failed);
		int rc = failed ? -1 : 0;

		for (size_t i = 0; names && names[i] && rc == 0; i++) {
			char *node = xasprintf("%s/%s", nrel, names[i]);
			char *srv = xasprintf("%s/tls/server.crt", node);
			char *cli = xasprintf("%s/tls/client.crt", node);

			rc = add_pems(r, it, node, "msp/signcerts") < 0 ||
				add_certfile(r, it, srv) < 0 || add_certfile(r, it, cli) < 0 ? -1 : 0;
			free(node);
			free(srv);
			free(cli);
		}
		free_list(names);
		free(dir);
		free(nrel);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* "ordererOrganizations/x" and "peerOrganizations/y" for every org (or --org). */
static char **find_orgs(const struct run *r)
{
	char **orgs = NULL;
	size_t n = 0, cap = 0;
	bool failed = false, any_type = false;

	if (!path_exists(r->root)) {
		errno = ENOENT;
		warnf("cannot read '%s':", r->root);
		return NULL;
	}
	for (size_t t = 0; t < 2; t++) {
		char *dir = path_join(r->root, org_types[t]);
		char **names = list_dir(dir, &failed);

		any_type |= path_exists(dir);
		for (size_t i = 0; names && names[i]; i++) {
			if (r->org && strcmp(names[i], r->org) != 0)
				continue;
			orgs = xgrow(orgs, &cap, n + 2, sizeof(*orgs));
			orgs[n++] = xasprintf("%s/%s", org_types[t], names[i]);
			orgs[n] = NULL;
		}
		free_list(names);
		free(dir);
	}
	if (failed) {
		free_list(orgs);
		return NULL;
	}
	if (!any_type) {
		warnf("'%s' holds neither ordererOrganizations nor peerOrganizations", r->root);
		return NULL;
	}
	if (n == 0 && r->org) {
		warnf("'%s' has no org \"%s\"", r->root, r->org);
		return NULL;
	}
	if (!orgs)
		orgs = xcalloc(1, sizeof(*orgs));
	return orgs;
}

static void format_time(int64_t t, char out[32])
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 32, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static bool due(const struct run *r, const struct pki_cert *c)
{
	return r->days < 0 || c->not_after < r->now + (int64_t)r->days * 86400;
}

static int by_expiry(const void *a, const void *b)
{
	const struct certfile *x = a, *y = b;

	if (x->cert->not_after != y->cert->not_after)
		return x->cert->not_after < y->cert->not_after ? -1 : 1;
	return strcmp(x->rel, y->rel);
}

int cmd_expiry(struct run *r)
{
	char **orgs = find_orgs(r);
	struct certfiles it = {0};
	int rc = 0;

	if (!orgs)
		return EXIT_USER;
	for (size_t i = 0; orgs[i] && rc == 0; i++)
		rc = org_certs(r, orgs[i], &it);
	if (rc == 0) {
		qsort(it.v, it.n, sizeof(*it.v), by_expiry);
		for (size_t i = 0; i < it.n; i++) {
			const struct pki_cert *c = it.v[i].cert;
			int64_t left = c->not_after - r->now;
			long long days = (long long)(left >= 0 ? left / 86400 : -((-left + 86399) / 86400));
			char when[32];

			if (!due(r, c))
				continue;
			format_time(c->not_after, when);
			printf("%6lld  %s  %s%s\n", days, when, it.v[i].rel,
			       left < 0 ? "  EXPIRED" : "");
		}
		if (fflush(stdout) == EOF || ferror(stdout)) {
			warnf("cannot write to standard output:");
			rc = -1;
		}
	}
	certfiles_free(&it);
	free_list(orgs);
	return rc < 0 ? EXIT_USER : 0;
}

/* ---- renew ---- */

struct org_renewal {
	char *rel;
	struct certfiles certs;
	struct ca cas[2];       /* ca/ and tlsca/ */
	size_t ncas;
};

static bool self_signed(const struct pki_cert *c)
{
	return c->issuer.rawlen == c->subject.rawlen &&
		memcmp(c->issuer.raw, c->subject.raw, c->subject.rawlen) == 0;
}

/* Load the org's CAs and issue every due certificate again, in memory. */
static int plan_org(const struct run *r, struct org_renewal *o)
{
	static const char *const ca_dirs[] = { "ca", "tlsca" };
	int64_t nb, na;

	if (org_certs(r, o->rel, &o->certs) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		char *dir = xasprintf("%s/%s/%s", r->root, o->rel, ca_dirs[i]);
		int rc = load_ca(dir, NULL, &o->cas[o->ncas]);

		free(dir);
		if (rc < 0)
			return -1;
		o->ncas++;
	}
	cert_validity(r, &nb, &na);
	for (size_t i = 0; i < o->certs.n; i++) {
		struct certfile *it = &o->certs.v[i];
		struct ca *issuer = NULL;

		if (!due(r, it->cert))
			continue;
		for (size_t k = 0; k < o->ncas && !issuer; k++) {
			struct ca *ca = &o->cas[k];

			if (self_signed(it->cert) ?
			    pki_cert_matches_key(it->cert, ca->key) && pki_cert_signed_by(it->cert, it->cert) :
			    pki_cert_signed_by(it->cert, ca->cert))
				issuer = ca;
		}
		if (!issuer) {
			warnf("'%s': signed by neither of the org's CAs (ca/, tlsca/)", it->path);
			return -1;
		}
		it->renewed = pki_cert_reissue(it->cert, issuer->key, nb, na);
		if (!it->renewed)
			return -1;
	}
	return 0;
}

/* Replace path when it holds one of the renewed certificates. */
static int replace_copy(const struct certfiles *cf, const char *path, int *count)
{
	size_t len, plen;
	char *buf = read_whole(path, &len), *pem;
	struct pki_cert *c;
	struct stat st;
	int rc = 0;

	if (!buf)
		return -1;
	c = pki_cert_from_pem(buf, len);
	free(buf);
	if (!c)
		return 0;       /* not a certificate: nothing to renew */
	for (size_t i = 0; i < cf->n; i++) {
		const struct certfile *it = &cf->v[i];

		if (!it->renewed || it->cert->len != c->len ||
		    memcmp(it->cert->der, c->der, c->len) != 0)
			continue;
		pem = pki_cert_to_pem(it->renewed, &plen);
		if (stat(path, &st) < 0 ||
		    write_file(path, pem, plen, st.st_mode & 07777, WRITE_NOSYNC) < 0) {
			warnf("cannot write '%s':", path);
			rc = -1;
		} else {
			(*count)++;
		}
		free(pem);
		break;
	}
	pki_cert_free(c);
	return rc;
}

int replace_certs(const struct certfiles *cf, const char *dir, int *count)
{
	bool failed = false;
	char **names = list_dir(dir, &failed);
	int rc = failed ? -1 : 0;

	for (size_t i = 0; names && names[i] && rc == 0; i++) {
		char *p = path_join(dir, names[i]);
		struct stat st;

		if (lstat(p, &st) < 0) {
			/* gone: a killed run's temporary file, removed by write_file */
			if (errno != ENOENT) {
				warnf("cannot read '%s':", p);
				rc = -1;
			}
		} else if (S_ISDIR(st.st_mode)) {
			rc = replace_certs(cf, p, count);
		} else if (S_ISREG(st.st_mode) &&
			   (has_suffix(names[i], ".pem") || has_suffix(names[i], ".crt"))) {
			rc = replace_copy(cf, p, count);
		}
		free(p);
	}
	free_list(names);
	return rc;
}

int cmd_renew(struct run *r)
{
	char **orgs = find_orgs(r);
	struct org_renewal *plan;
	size_t n = 0;
	int rc = 0;

	if (!orgs)
		return EXIT_USER;
	while (orgs[n])
		n++;
	plan = xcalloc(n, sizeof(*plan));
	/* every org is checked and signed in memory before any file changes */
	for (size_t i = 0; i < n && rc == 0; i++) {
		plan[i].rel = orgs[i];
		rc = plan_org(r, &plan[i]);
	}
	for (size_t i = 0; i < n && rc == 0 && !mspgen_interrupted; i++) {
		char *dir = path_join(r->root, plan[i].rel);
		int count = 0;

		rc = replace_certs(&plan[i].certs, dir, &count);
		free(dir);
		for (size_t k = 0; k < plan[i].certs.n && rc == 0; k++) {
			const struct certfile *it = &plan[i].certs.v[k];
			char when[32];

			if (!it->renewed)
				continue;
			format_time(it->renewed->not_after, when);
			printf("renewed %s until %s\n", it->rel, when);
		}
	}
	for (size_t i = 0; i < n; i++) {
		certfiles_free(&plan[i].certs);
		for (size_t k = 0; k < plan[i].ncas; k++)
			free_ca(&plan[i].cas[k]);
	}
	free(plan);
	free_list(orgs);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write to standard output:");
		rc = -1;
	}
	if (sync_fs(r->root) < 0) {
		warnf("cannot sync '%s':", r->root);
		rc = -1;
	}
	return rc < 0 || mspgen_interrupted ? EXIT_USER : 0;
}
