/*
 * Keys, certificate requests and Fabric CA's tokens on OpenSSL 3.
 *
 * A key is kept twice: as pki.h's key (how mspgen writes keys to files,
 * and what pki_cert_matches_key compares) and as an EVP_PKEY that signs.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/base64.h"
#include "ca/ca.h"
#include "base/util.h"

struct ca_key {
	struct pki_key *pki;
	EVP_PKEY *evp;
	char *pem;
	size_t pemlen;
};

static EVP_PKEY *evp_from_pem(const char *pem, size_t len)
{
	BIO *bio;
	EVP_PKEY *pkey;

	if (len > INT32_MAX || !(bio = BIO_new_mem_buf(pem, (int)len)))
		return NULL;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return pkey;
}

/* k->pki is set: add the PEM and the signing key made from it. */
static struct ca_key *finish(struct ca_key *k)
{
	if (!k->pki || pki_key_alg(k->pki) != PKI_ECDSA_P256)
		goto fail;
	k->pem = pki_key_to_pem(k->pki, &k->pemlen);
	if (!k->pem || !(k->evp = evp_from_pem(k->pem, k->pemlen)))
		goto fail;
	return k;
fail:
	ca_key_free(k);
	return NULL;
}

struct ca_key *ca_key_generate(void)
{
	struct ca_key *k = xcalloc(1, sizeof(*k));

	k->pki = pki_key_generate(PKI_ECDSA_P256);
	if (!k->pki) {
		free(k);
		return NULL;
	}
	k = finish(k);
	if (!k)
		warnf("cannot make a P-256 key");
	return k;
}

struct ca_key *ca_key_from_pem(const char *pem, size_t len)
{
	struct ca_key *k = xcalloc(1, sizeof(*k));

	k->pki = pki_key_from_pem(pem, len);
	return finish(k);
}

const char *ca_key_pem(const struct ca_key *k, size_t *len)
{
	*len = k->pemlen;
	return k->pem;
}

const struct pki_key *ca_key_pki(const struct ca_key *k)
{
	return k->pki;
}

void ca_key_free(struct ca_key *k)
{
	if (!k)
		return;
	pki_key_free(k->pki);
	EVP_PKEY_free(k->evp);
	if (k->pem)
		pki_wipe_free(k->pem, k->pemlen);
	free(k);
}

/* The PEM text of a request, allocated; NULL after a message. */
static char *req_pem(X509_REQ *req)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (bio && PEM_write_bio_X509_REQ(bio, req) == 1 && (n = BIO_get_mem_data(bio, &data)) > 0)
		out = xstrndup(data, (size_t)n);
	else
		pki_ssl_warn("cannot write a certificate request");
	BIO_free(bio);
	return out;
}

char *ca_csr(const struct ca_key *k, const char *cn)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name;
	char *out = NULL;

	if (!req || X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    !(name = X509_REQ_get_subject_name(req)) ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
				       -1, 0) != 1 ||
	    X509_REQ_set_pubkey(req, k->evp) != 1 || X509_REQ_sign(req, k->evp, EVP_sha256()) <= 0)
		pki_ssl_warn("cannot make a certificate request");
	else
		out = req_pem(req);
	X509_REQ_free(req);
	return out;
}

/* s := n - s when s > n/2, n the order of P-256. 0 or -1. */
static int to_low_s(ECDSA_SIG *sig)
{
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *r, *s, *order;
	BIGNUM *half = NULL, *low = NULL, *rr = NULL;
	int rc = -1;

	if (!group || !(order = EC_GROUP_get0_order(group)))
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (!(half = BN_dup(order)) || BN_rshift1(half, half) != 1)
		goto out;
	if (BN_cmp(s, half) <= 0) {
		rc = 0;
		goto out;
	}
	if (!(low = BN_new()) || BN_sub(low, order, s) != 1 || !(rr = BN_dup(r)) ||
	    ECDSA_SIG_set0(sig, rr, low) != 1)
		goto out;
	rr = low = NULL;        /* sig owns them now */
	rc = 0;
out:
	BN_free(half);
	BN_free(low);
	BN_free(rr);
	EC_GROUP_free(group);
	return rc;
}

/* Re-encode a DER signature with a low S; allocated, NULL on failure. */
static uint8_t *low_s_der(const uint8_t *der, size_t len, size_t *outlen)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	unsigned char *out = NULL, *q;
	int n;

	if (!sig || to_low_s(sig) < 0 || (n = i2d_ECDSA_SIG(sig, NULL)) <= 0) {
		ECDSA_SIG_free(sig);
		return NULL;
	}
	out = xmalloc((size_t)n);
	q = out;
	if (i2d_ECDSA_SIG(sig, &q) != n) {
		free(out);
		out = NULL;
	}
	*outlen = (size_t)n;
	ECDSA_SIG_free(sig);
	return out;
}

int ca_sign(const struct ca_key *k, const void *msg, size_t len, uint8_t **sig, size_t *siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	int rc = -1;

	*sig = NULL;
	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->evp) != 1 ||
	    EVP_DigestSign(md, NULL, &rawlen, msg, len) != 1)
		goto out;
	raw = xmalloc(rawlen);
	if (EVP_DigestSign(md, raw, &rawlen, msg, len) != 1)
		goto out;
	*sig = low_s_der(raw, rawlen, siglen);
	rc = *sig ? 0 : -1;
out:
	if (rc < 0)
		pki_ssl_warn("cannot sign a request to the CA");
	free(raw);
	EVP_MD_CTX_free(md);
	return rc;
}

char *ca_token(const struct ca_key *k, const char *cert_pem, size_t cert_len, const char *method,
	       const char *uri, const void *body, size_t body_len)
{
	struct strbuf payload = {0}, token = {0};
	char *b64cert = base64_encode(cert_pem, cert_len);
	uint8_t *sig;
	size_t siglen;
	int rc;

	sb_adds(&payload, method);
	sb_addc(&payload, '.');
	sb_base64(&payload, uri, strlen(uri));
	sb_addc(&payload, '.');
	sb_base64(&payload, body ? body : "", body ? body_len : 0);
	sb_addc(&payload, '.');
	sb_adds(&payload, b64cert);
	rc = ca_sign(k, payload.buf, payload.len, &sig, &siglen);
	sb_free(&payload);
	if (rc < 0) {
		free(b64cert);
		return NULL;
	}
	sb_adds(&token, b64cert);
	sb_addc(&token, '.');
	sb_base64(&token, sig, siglen);
	free(sig);
	free(b64cert);
	return sb_detach(&token);
}
