/*
 * Fabric CA's API calls: cainfo, enroll (HTTP Basic), and register,
 * revoke and the identities API (token), on client.c's requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/base64.h"
#include "ca/ca.h"
#include "base/util.h"

void ca_ident_free(struct ca_ident *id)
{
	ca_key_free(id->key);
	pki_cert_free(id->cert);
	free(id->cert_pem);
	ca_certs_free(id->chain, id->nchain);
	memset(id, 0, sizeof(*id));
}

void ca_info_free(struct ca_info *info)
{
	free(info->name);
	free(info->version);
	ca_certs_free(info->chain, info->nchain);
	memset(info, 0, sizeof(*info));
}

char *ca_ident_problem(const struct ca_ident *id, const char *name, struct pki_cert *const *chain,
		       size_t nchain, int64_t now)
{
	char when[32];
	bool issued = false;

	if (!pki_cert_matches_key(id->cert, ca_key_pki(id->key)))
		return xstrdup("its certificate is not the one of its key");
	if (strcmp(id->cert->cn, name) != 0)
		return xasprintf("its certificate is the one of \"%s\"", id->cert->cn);
	for (size_t i = 0; i < nchain && !issued; i++)
		issued = pki_cert_signed_by(id->cert, chain[i]);
	if (!issued)
		return xstrdup("its certificate was not issued by the CA's certificate");
	if (now < id->cert->not_before) {
		ca_format_time(id->cert->not_before, when);
		return xasprintf("its certificate is valid from %s only", when);
	}
	if (now > id->cert->not_after) {
		ca_format_time(id->cert->not_after, when);
		return xasprintf("its certificate expired on %s", when);
	}
	return NULL;
}

/* "?ca=<caname>" (percent-encoded) or "", allocated. */
static char *ca_query(const struct ca_client *c)
{
	const char *name = ca_client_caname(c);
	struct strbuf sb = {0};

	sb_adds(&sb, "");
	if (!name)
		return sb_detach(&sb);
	sb_adds(&sb, "?ca=");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			sb_addc(&sb, (char)*p);
		else
			sb_addf(&sb, "%%%02X", *p);
	}
	return sb_detach(&sb);
}

/* A request body: o with "caname" when the client names a CA; o is freed. */
static char *body_of(const struct ca_client *c, struct jval *o, size_t *len)
{
	struct strbuf sb = {0};
	struct jval *secret;

	if (ca_client_caname(c))
		jobj_set(o, "caname", jstr(ca_client_caname(c)));
	json_write(&sb, o, false);
	if ((secret = jobj_get(o, "secret")) && secret->s)
		OPENSSL_cleanse(secret->s, secret->len);
	jfree(o);
	*len = sb.len;
	return sb_detach(&sb);
}

static void free_body(char *body, size_t len)
{
	pki_wipe_free(body, len);
}

/* 0 for a 2xx answer, 1 for another; r is kept either way. */
static int outcome(const struct ca_resp *r)
{
	return r->status >= 200 && r->status < 300 ? 0 : 1;
}

/* Decode base64 text holding PEM; allocated (NUL-terminated), NULL when not. */
static char *pem_of(const char *b64, size_t *len)
{
	unsigned char *pem = b64 ? base64_decode(b64, strlen(b64), len) : NULL;

	return (char *)pem;
}

/* The chain a "CAChain" carries; -1 (no message) when it holds none. */
static int chain_of(const char *b64, struct pki_cert ***chain, size_t *n)
{
	size_t len;
	char *pem = pem_of(b64, &len);
	int rc = pem ? ca_certs_from_pem(pem, len, chain, n) : -1;

	free(pem);
	return rc;
}

static int bad_answer(const struct ca_client *c, const char *what)
{
	warnf("the CA at %s sent %s that fabric-ca does not send", ca_client_url(c), what);
	return -1;
}

int ca_cainfo(struct ca_client *c, struct ca_info *info, struct ca_resp *r)
{
	char *q = ca_query(c), *path = xasprintf("/api/v1/cainfo%s", q);
	const char *name, *version;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = ca_call(c, "GET", path, NULL, 0, NULL, r);
	free(path);
	free(q);
	if (rc < 0 || (rc = outcome(r)) != 0)
		return rc;
	name = jget_str(r->result, "CAName", NULL);
	version = jget_str(r->result, "Version", NULL);
	if (!name || chain_of(jget_str(r->result, "CAChain", NULL), &info->chain, &info->nchain) < 0)
		return bad_answer(c, "a cainfo answer");
	info->name = xstrdup(name);
	info->version = xstrdup(version ? version : "");
	return 0;
}

/* The certificate and chain of an enroll answer, checked; -1 after a message. */
static int take_enrollment(struct ca_client *c, const char *name, const struct jval *res,
			   struct ca_ident *out)
{
	int64_t now;
	char *why;

	out->cert_pem = pem_of(jget_str(res, "Cert", NULL), &out->cert_len);
	if (!out->cert_pem || !(out->cert = pki_cert_from_pem(out->cert_pem, out->cert_len)) ||
	    chain_of(jget_str(res, "ServerInfo", "CAChain", NULL), &out->chain, &out->nchain) < 0)
		return bad_answer(c, "an enroll answer");
	/* a clock behind the CA's must not refuse a certificate just issued */
	now = (int64_t)time(NULL);
	if (now < out->cert->not_before)
		now = out->cert->not_before;
	why = ca_ident_problem(out, name, out->chain, out->nchain, now);
	if (why) {
		warnf("the CA at %s issued a certificate for %s that caclient cannot use: %s",
		      ca_client_url(c), name, why);
		free(why);
		return -1;
	}
	return 0;
}

int ca_enroll(struct ca_client *c, const char *name, const char *secret, struct ca_ident *out,
	      struct ca_resp *r)
{
	struct jval *o;
	char *csr, *body;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(r, 0, sizeof(*r));
	if (!(out->key = ca_key_generate()))
		return -1;
	if (!(csr = ca_csr(out->key, name))) {
		ca_ident_free(out);
		return -1;
	}
	o = jobj();
	jobj_set(o, "certificate_request", jstr(csr));
	free(csr);
	body = body_of(c, o, &len);
	rc = ca_call_basic(c, "POST", "/api/v1/enroll", body, len, name, secret, r);
	free_body(body, len);
	if (rc == 0 && (rc = outcome(r)) == 0 && take_enrollment(c, name, r->result, out) < 0)
		rc = -1;
	if (rc != 0)
		ca_ident_free(out);
	return rc;
}

/* A token call with a JSON body made of o (freed); 0, 1 or -1 as the API calls. */
static int token_json(struct ca_client *c, const struct ca_ident *by, const char *method,
		      const char *path, struct jval *o, struct ca_resp *r)
{
	size_t len;
	char *body = body_of(c, o, &len);
	int rc = ca_call_token(c, by, method, path, body, len, r);

	free_body(body, len);
	return rc < 0 ? -1 : outcome(r);
}

int ca_register(struct ca_client *c, const struct ca_ident *by, const char *name,
		const char *type, const char *secret, struct ca_resp *r)
{
	struct jval *o = jobj(), *echo;
	int rc;

	jobj_set(o, "id", jstr(name));
	jobj_set(o, "type", jstr(type));
	jobj_set(o, "secret", jstr(secret));
	rc = token_json(c, by, "POST", "/api/v1/register", o, r);
	/* the answer says the secret again */
	if ((echo = jobj_get(r->result, "secret")) && echo->type == J_STR)
		OPENSSL_cleanse(echo->s, echo->len);
	return rc;
}

int ca_identity_type(struct ca_client *c, const struct ca_ident *by, const char *name,
		     char **type, struct ca_resp *r)
{
	char *q = ca_query(c), *path = xasprintf("/api/v1/identities/%s%s", name, q);
	const char *t;
	int rc = ca_call_token(c, by, "GET", path, NULL, 0, r);

	free(path);
	free(q);
	*type = NULL;
	if (rc < 0 || (rc = outcome(r)) != 0)
		return rc;
	if (!(t = jget_str(r->result, "type", NULL)))
		return bad_answer(c, "an identity");
	*type = xstrdup(t);
	return 0;
}

int ca_identity_set_secret(struct ca_client *c, const struct ca_ident *by, const char *name,
			   const char *secret, struct ca_resp *r)
{
	struct jval *o = jobj();
	char *path = xasprintf("/api/v1/identities/%s", name);
	int rc;

	jobj_set(o, "secret", jstr(secret));
	rc = token_json(c, by, "PUT", path, o, r);
	free(path);
	return rc;
}

int ca_revoke(struct ca_client *c, const struct ca_ident *by, const char *name,
	      const char *reason, size_t *nrevoked, struct ca_resp *r)
{
	struct jval *o = jobj();
	const struct jval *certs;
	int rc;

	jobj_set(o, "id", jstr(name));
	if (reason)
		jobj_set(o, "reason", jstr(reason));
	rc = token_json(c, by, "POST", "/api/v1/revoke", o, r);
	*nrevoked = 0;
	if (rc != 0)
		return rc;
	certs = jobj_get(r->result, "RevokedCerts");
	if (certs && certs->type == J_ARR)
		*nrevoked = certs->n;
	else if (certs && certs->type != J_NULL)
		return bad_answer(c, "a revoke answer");
	return 0;
}
