/*
 * One connection to a Fabric CA on libcurl: requests one at a time on one
 * easy handle (so they share the TLS connection), verified against the
 * --tls-ca file alone, and the CA's answers as ca_resp.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "base/base64.h"
#include "ca/ca.h"
#include "base/fsutil.h"
#include "base/util.h"

#define MAX_ANSWER (1u << 20)           /* fabric-ca's answers are a few KiB */
#define CONNECT_TIMEOUT_MS 10000L
#define REQUEST_TIMEOUT_MS 60000L
#define MAX_REDACT 4

struct ca_client {
	char *url, *caname, *tls_ca;
	struct pki_cert **tls;
	size_t ntls;
	bool verbose;
	CURL *curl;
	const char *redact[MAX_REDACT];
	size_t nredact;
	char errbuf[CURL_ERROR_SIZE];
};

struct answer {
	struct strbuf sb;
	bool too_big;
};

/* The certificates of the --tls-ca file; -1 after a message. */
static int load_tls_ca(struct ca_client *c)
{
	size_t len;
	char *pem = read_file(c->tls_ca, &len);
	int rc;

	if (!pem) {
		warnf("cannot read the TLS CA file '%s':", c->tls_ca);
		return -1;
	}
	rc = ca_certs_from_pem(pem, len, &c->tls, &c->ntls);
	free(pem);
	if (rc < 0)
		warnf("the TLS CA file '%s' holds no certificate that can be read", c->tls_ca);
	return rc;
}

struct ca_client *ca_client_new(const struct ca_client_opts *o)
{
	struct ca_client *c;
	size_t n = strlen(o->url);

	if (strncasecmp(o->url, "https://", 8) == 0 &&
	    memchr(o->url + 8, '@', strcspn(o->url + 8, "/?#"))) {
		/* not shown: it may hold a password */
		warnf("the CA's URL carries credentials: the registrar's secret comes from "
		      "--registrar-secret-file only");
		return NULL;
	}
	if (strncasecmp(o->url, "https://", 8) != 0 || n == 8 || o->url[8] == '/') {
		warnf("the CA's URL '%s' is not https://HOST[:PORT]: caclient talks to the CA "
		      "over verified TLS only", o->url);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	while (n > 8 && o->url[n - 1] == '/')
		n--;
	c->url = xstrndup(o->url, n);
	c->caname = o->caname && *o->caname ? xstrdup(o->caname) : NULL;
	c->tls_ca = xstrdup(o->tls_ca);
	c->verbose = o->verbose;
	if (load_tls_ca(c) < 0) {
		ca_client_free(c);
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !(c->curl = curl_easy_init())) {
		warnf("cannot start libcurl");
		ca_client_free(c);
		return NULL;
	}
	return c;
}

void ca_client_free(struct ca_client *c)
{
	if (!c)
		return;
	if (c->curl) {
		curl_easy_cleanup(c->curl);
		curl_global_cleanup();
	}
	ca_certs_free(c->tls, c->ntls);
	free(c->url);
	free(c->caname);
	free(c->tls_ca);
	free(c);
}

const char *ca_client_url(const struct ca_client *c)
{
	return c->url;
}

const char *ca_client_caname(const struct ca_client *c)
{
	return c->caname;
}

struct pki_cert *const *ca_client_tls_roots(const struct ca_client *c, size_t *n)
{
	*n = c->ntls;
	return c->tls;
}

void ca_client_redact(struct ca_client *c, const char *secret)
{
	if (secret && *secret && c->nredact < MAX_REDACT)
		c->redact[c->nredact++] = secret;
}

/* s (n bytes) with every secret replaced by "***", and control characters by ' '. */
static char *redacted(const struct ca_client *c, const char *s, size_t n)
{
	struct strbuf sb = {0};

	for (size_t i = 0; i < n;) {
		size_t k, skip = 0;

		for (k = 0; k < c->nredact && !skip; k++) {
			size_t m = strlen(c->redact[k]);

			if (m <= n - i && memcmp(s + i, c->redact[k], m) == 0)
				skip = m;
		}
		if (skip) {
			sb_adds(&sb, "***");
			i += skip;
			continue;
		}
		sb_addc(&sb, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
		i++;
	}
	if (!sb.buf)
		sb_adds(&sb, "");
	return sb_detach(&sb);
}

void ca_resp_free(struct ca_resp *r)
{
	jfree(r->body);
	free(r->message);
	memset(r, 0, sizeof(*r));
}

char *ca_resp_error(const struct ca_resp *r)
{
	if (r->code >= 0)
		return xasprintf("HTTP %ld, fabric-ca code %ld: %s", r->status, r->code,
				 r->message ? r->message : "");
	if (r->message && *r->message)
		return xasprintf("HTTP %ld, not a fabric-ca answer: %s", r->status, r->message);
	return xasprintf("HTTP %ld, not a fabric-ca answer", r->status);
}

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;

	if (a->sb.len + n > MAX_ANSWER) {
		a->too_big = true;
		return 0;
	}
	sb_add(&a->sb, data, size * n);
	return size * n;
}

/* The first "errors" entry, or the text of an answer that is not fabric-ca's. */
static void read_answer(const struct ca_client *c, struct answer *a, struct ca_resp *r)
{
	const struct jval *errs;
	char err[128];

	r->code = -1;
	r->body = json_parse(a->sb.buf ? a->sb.buf : "", a->sb.len, err, sizeof(err));
	if (!r->body || r->body->type != J_OBJ) {
		size_t n = a->sb.len < 200 ? a->sb.len : 200;

		jfree(r->body);
		r->body = NULL;
		while (n > 0 && (a->sb.buf[n - 1] == '\n' || a->sb.buf[n - 1] == ' '))
			n--;
		r->message = redacted(c, a->sb.buf ? a->sb.buf : "", n);
		return;
	}
	r->result = jobj_get(r->body, "result");
	errs = jobj_get(r->body, "errors");
	if (errs && errs->type == J_ARR && errs->n > 0) {
		const struct jval *e = errs->v[0];
		const char *msg = jget_str(e, "message", NULL);
		long long code;

		r->code = jget_ll(&code, e, "code", NULL) ? (long)code : 0;
		r->message = redacted(c, msg ? msg : "", msg ? strlen(msg) : 0);
	}
}

/* Why the request got no answer, in one line. */
static void transport_error(const struct ca_client *c, CURLcode rc, bool too_big)
{
	long oserr = 0;
	const char *detail = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);

	curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &oserr);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		warnf("cannot reach the CA at %s: %s", c->url,
		      oserr ? strerror((int)oserr) : curl_easy_strerror(rc));
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
		warnf("cannot reach the CA at %s: %s", c->url, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
		warnf("TLS verification of the CA at %s against '%s' failed: %s%s", c->url, c->tls_ca,
		      detail, strstr(detail, "unsuitable certificate purpose") ?
		      " (the CA's TLS certificate is not one for a TLS server: fabric-ca-server "
		      "makes it with its signing profile 'tls')" : "");
		break;
	default:
		warnf("no answer from the CA at %s: %s", c->url,
		      too_big ? "it sent more than 1 MiB" : detail);
		break;
	}
}

/* The headers of a request; the Authorization header is wiped when freed. */
static struct curl_slist *headers(const char *authorization, bool has_body)
{
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");

	h = curl_slist_append(h, "Expect:");
	if (has_body)
		h = curl_slist_append(h, "Content-Type: application/json");
	if (authorization) {
		char *a = xasprintf("Authorization: %s", authorization);

		h = curl_slist_append(h, a);
		pki_wipe_free(a, strlen(a));
	}
	return h;
}

static void wipe_slist(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		OPENSSL_cleanse(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static void setup(struct ca_client *c, const char *method, const char *url, const char *body,
		  size_t body_len, struct curl_slist *h, struct answer *a)
{
	CURL *e = c->curl;

	curl_easy_reset(e);
	c->errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
	/* trust the --tls-ca file and nothing else: no default bundle or directory */
	curl_easy_setopt(e, CURLOPT_CAINFO, c->tls_ca);
	curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, a);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return;
	}
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
	if (strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
}

int ca_call(struct ca_client *c, const char *method, const char *path, const char *body,
	    size_t body_len, const char *authorization, struct ca_resp *r)
{
	struct answer a = {0};
	struct curl_slist *h = headers(authorization, body != NULL);
	char *url = xasprintf("%s%s", c->url, path);
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	setup(c, method, url, body, body_len, h, &a);
	rc = curl_easy_perform(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
	wipe_slist(h);
	free(url);
	if (rc != CURLE_OK) {
		transport_error(c, rc, a.too_big);
		sb_free(&a.sb);
		return -1;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (c->verbose)
		fprintf(stderr, "%s: %s %s%s: %ld\n", progname(), method, c->url, path, r->status);
	read_answer(c, &a, r);
	/* an answer may echo a secret (register's does) */
	if (a.sb.buf)
		OPENSSL_cleanse(a.sb.buf, a.sb.len);
	sb_free(&a.sb);
	return 0;
}

int ca_call_basic(struct ca_client *c, const char *method, const char *path, const char *body,
		  size_t body_len, const char *user, const char *secret, struct ca_resp *r)
{
	/* exact allocations, so that no copy of the secret is left by a realloc */
	size_t ulen = strlen(user), slen = strlen(secret), clen = ulen + 1 + slen;
	char *cred = xmalloc(clen + 1), *b64, *auth;
	int rc;

	memcpy(cred, user, ulen);
	cred[ulen] = ':';
	memcpy(cred + ulen + 1, secret, slen + 1);
	b64 = base64_encode(cred, clen);
	pki_wipe_free(cred, clen + 1);
	auth = xasprintf("Basic %s", b64);
	pki_wipe_free(b64, strlen(b64));
	rc = ca_call(c, method, path, body, body_len, auth, r);
	pki_wipe_free(auth, strlen(auth));
	return rc;
}

int ca_call_token(struct ca_client *c, const struct ca_ident *by, const char *method,
		  const char *path, const char *body, size_t body_len, struct ca_resp *r)
{
	/* the URI signed is the one the request carries: the URL's own path first */
	const char *prefix = strchr(c->url + 8, '/');
	char *uri = xasprintf("%s%s", prefix ? prefix : "", path);
	char *token = ca_token(by->key, by->cert_pem, by->cert_len, method, uri, body,
			       body ? body_len : 0);
	int rc;

	free(uri);
	if (!token)
		return -1;
	rc = ca_call(c, method, path, body, body_len, token, r);
	free(token);
	return rc;
}
