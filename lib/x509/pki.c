#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "x509/pki.h"
#include "base/util.h"

#define OID_EC_PUBLIC_KEY "1.2.840.10045.2.1"
#define OID_P256 "1.2.840.10045.3.1.7"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define OID_ED25519 "1.3.101.112"
#define OID_CN "2.5.4.3"
#define OID_KEY_USAGE "2.5.29.15"
#define OID_EXT_KEY_USAGE "2.5.29.37"
#define OID_BASIC_CONSTRAINTS "2.5.29.19"
#define OID_SKI "2.5.29.14"
#define OID_AKI "2.5.29.35"
#define OID_SAN "2.5.29.17"

struct pki_key {
	enum pki_alg alg;
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *sign_ctx;         /* made on first use (ECDSA) */
	uint8_t pub[65];
	size_t publen;
};

void pki_ssl_warn(const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		warnf("%s: %s", what, buf);
	} else {
		warnf("%s failed", what);
	}
	ERR_clear_error();
}

int pki_alg_from_name(const char *name, enum pki_alg *alg)
{
	if (!name || !*name || strcmp(name, "ecdsa") == 0)
		*alg = PKI_ECDSA_P256;
	else if (strcmp(name, "ed25519") == 0)
		*alg = PKI_ED25519;
	else
		return -1;
	return 0;
}

void pki_wipe_free(void *p, size_t n)
{
	if (p)
		OPENSSL_cleanse(p, n);
	free(p);
}

void pki_ski(const uint8_t *pub, size_t len, uint8_t ski[32])
{
	SHA256(pub, len, ski);
}

/* Cache the public key bytes; 0 or -1 when the key is not one we use. */
static int key_setup(struct pki_key *k)
{
	if (EVP_PKEY_is_a(k->pkey, "ED25519")) {
		k->alg = PKI_ED25519;
		k->publen = 32;
		return EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &k->publen) == 1 &&
			k->publen == 32 ? 0 : -1;
	}
	if (EVP_PKEY_is_a(k->pkey, "EC")) {
		char group[64];

		k->alg = PKI_ECDSA_P256;
		if (EVP_PKEY_get_utf8_string_param(k->pkey, OSSL_PKEY_PARAM_GROUP_NAME,
						   group, sizeof(group), NULL) != 1 ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0))
			return -1;
		/* a key read from a file may say "compressed"; SKIs hash the full point */
		EVP_PKEY_set_utf8_string_param(k->pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
					       "uncompressed");
		return EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						       k->pub, sizeof(k->pub), &k->publen) == 1 &&
			k->publen == 65 && k->pub[0] == 4 ? 0 : -1;
	}
	return -1;
}

struct pki_key *pki_key_generate(enum pki_alg alg)
{
	struct pki_key *k = xcalloc(1, sizeof(*k));

	k->pkey = alg == PKI_ED25519 ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519") :
		EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!k->pkey || key_setup(k) < 0) {
		pki_ssl_warn("cannot generate a key");
		pki_key_free(k);
		return NULL;
	}
	return k;
}

struct pki_key *pki_key_from_pem(const char *pem, size_t len)
{
	struct pki_key *k;
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *pkey;

	if (!bio || len > INT32_MAX) {
		BIO_free(bio);
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!pkey)
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->pkey = pkey;
	if (key_setup(k) < 0) {
		ERR_clear_error();
		pki_key_free(k);
		return NULL;
	}
	return k;
}

enum pki_alg pki_key_alg(const struct pki_key *k)
{
	return k->alg;
}

const uint8_t *pki_key_public(const struct pki_key *k, size_t *len)
{
	*len = k->publen;
	return k->pub;
}

void pki_key_free(struct pki_key *k)
{
	if (!k)
		return;
	EVP_PKEY_CTX_free(k->sign_ctx);
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* PEM as Go's pem.Encode writes it: 64-column base64 lines, final newline. */
static char *pem_encode(const char *type, const uint8_t *der, size_t len, size_t *outlen)
{
	size_t b64len = 4 * ((len + 2) / 3);
	unsigned char *b64 = xmalloc(b64len + 1);
	struct strbuf sb = {0};

	EVP_EncodeBlock(b64, der, (int)len);
	sb_addf(&sb, "-----BEGIN %s-----\n", type);
	for (size_t i = 0; i < b64len; i += 64) {
		sb_add(&sb, b64 + i, b64len - i < 64 ? b64len - i : 64);
		sb_addc(&sb, '\n');
	}
	sb_addf(&sb, "-----END %s-----\n", type);
	OPENSSL_cleanse(b64, b64len);
	free(b64);
	*outlen = sb.len;
	return sb_detach(&sb);
}

static void alg_id(struct der *d, enum pki_alg alg, bool signature)
{
	size_t m = der_begin(d, DER_SEQUENCE);

	if (alg == PKI_ED25519) {
		der_oid(d, OID_ED25519);
	} else if (signature) {
		der_oid(d, OID_ECDSA_SHA256);   /* parameters absent */
	} else {
		der_oid(d, OID_EC_PUBLIC_KEY);
		der_oid(d, OID_P256);
	}
	der_end(d, m);
}

char *pki_key_to_pem(const struct pki_key *k, size_t *len)
{
	struct der d = {0};
	uint8_t priv[32], zero = 0, one = 1;
	size_t m, m2, m3, plen = sizeof(priv);
	char *pem;

	if (k->alg == PKI_ED25519) {
		if (EVP_PKEY_get_raw_private_key(k->pkey, priv, &plen) != 1 || plen != 32)
			goto fail;
	} else {
		BIGNUM *bn = NULL;

		if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) != 1 ||
		    BN_bn2binpad(bn, priv, 32) != 32) {
			BN_clear_free(bn);
			goto fail;
		}
		BN_clear_free(bn);
	}
	m = der_begin(&d, DER_SEQUENCE);
	der_tlv(&d, DER_INTEGER, &zero, 1);
	alg_id(&d, k->alg, false);
	m2 = der_begin(&d, DER_OCTET_STRING);
	if (k->alg == PKI_ED25519) {
		der_tlv(&d, DER_OCTET_STRING, priv, 32);        /* CurvePrivateKey */
	} else {
		/* ECPrivateKey without [0] parameters, with [1] the public key */
		m3 = der_begin(&d, DER_SEQUENCE);
		der_tlv(&d, DER_INTEGER, &one, 1);
		der_tlv(&d, DER_OCTET_STRING, priv, 32);
		size_t m4 = der_begin(&d, DER_CONTEXT | DER_CONSTRUCTED | 1);
		size_t m5 = der_begin(&d, DER_BIT_STRING);

		der_raw(&d, &zero, 1);
		der_raw(&d, k->pub, k->publen);
		der_end(&d, m5);
		der_end(&d, m4);
		der_end(&d, m3);
	}
	der_end(&d, m2);
	der_end(&d, m);
	OPENSSL_cleanse(priv, sizeof(priv));
	pem = pem_encode("PRIVATE KEY", d.buf, d.len, len);
	pki_wipe_free(d.buf, d.cap);
	return pem;
fail:
	OPENSSL_cleanse(priv, sizeof(priv));
	pki_ssl_warn("cannot export a private key");
	return NULL;
}

/* ---- names ---- */

/* Go's asn1 PrintableString alphabet (no '*', no '&'). */
static bool go_printable(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("'()+,-./:=? ", c)))
			return false;
	}
	return true;
}

static void atv(struct der *d, const char *oid, const char *value)
{
	size_t m = der_begin(d, DER_SEQUENCE);

	der_oid(d, oid);
	der_tlv(d, go_printable(value) ? DER_PRINTABLE_STRING : DER_UTF8_STRING,
		value, strlen(value));
	der_end(d, m);
}

static int cmp_der(const struct der *a, const struct der *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->buf, b->buf, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* One RDN holding every non-empty value, sorted as DER sorts a SET OF. */
static void rdn(struct der *d, const char *oid, const char *const *vals, size_t n)
{
	struct der enc[2] = { {0}, {0} };
	size_t k = 0, m;

	for (size_t i = 0; i < n && k < 2; i++)
		if (vals[i] && *vals[i])
			atv(&enc[k++], oid, vals[i]);
	if (k == 0)
		return;
	if (k == 2 && cmp_der(&enc[0], &enc[1]) > 0) {
		struct der t = enc[0];

		enc[0] = enc[1];
		enc[1] = t;
	}
	m = der_begin(d, DER_SET);
	for (size_t i = 0; i < k; i++) {
		der_raw(d, enc[i].buf, enc[i].len);
		der_free(&enc[i]);
	}
	der_end(d, m);
}

static void name(struct der *d, const struct pki_name *n)
{
	size_t m = der_begin(d, DER_SEQUENCE);

	rdn(d, "2.5.4.6", &n->country, 1);
	rdn(d, "2.5.4.8", &n->province, 1);
	rdn(d, "2.5.4.7", &n->locality, 1);
	rdn(d, "2.5.4.9", &n->street, 1);
	rdn(d, "2.5.4.17", &n->postal, 1);
	rdn(d, "2.5.4.10", &n->org, 1);
	rdn(d, "2.5.4.11", n->ou, 2);
	rdn(d, OID_CN, &n->cn, 1);
	der_end(d, m);
}

/* ---- extensions ---- */

/* An Extension is SEQUENCE { OID, [critical], OCTET STRING { value } }. */
struct ext_marks {
	size_t seq, octets;
};

static struct ext_marks ext_begin(struct der *d, const char *oid, bool critical)
{
	static const uint8_t yes = 0xff;
	struct ext_marks m;

	m.seq = der_begin(d, DER_SEQUENCE);
	der_oid(d, oid);
	if (critical)
		der_tlv(d, DER_BOOLEAN, &yes, 1);
	m.octets = der_begin(d, DER_OCTET_STRING);
	return m;
}

static void ext_end(struct der *d, struct ext_marks m)
{
	der_end(d, m.octets);
	der_end(d, m.seq);
}

/* IPv4 as Go's net.ParseIP reads it: four decimal parts, no leading zeros. */
static bool parse_ipv4(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		if (i > 0 && *s++ != '.')
			return false;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[-digits] == '0'))
			return false;
		out[i] = (uint8_t)v;
	}
	return *s == '\0';
}

/* An IP literal's bytes as Go puts them in a SAN (IPv4 and v4-mapped: 4 bytes). */
static size_t parse_ip(const char *s, uint8_t out[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (parse_ipv4(s, out))
		return 4;
	if (strchr(s, ':') && inet_pton(AF_INET6, s, out) == 1) {
		if (memcmp(out, mapped, 12) == 0) {
			memmove(out, out + 12, 4);
			return 4;
		}
		return 16;
	}
	return 0;
}

const char *pki_san_problem(const char *san)
{
	uint8_t ip[16];

	if (!*san)
		return "an empty name cannot be a subject alternative name";
	if (parse_ip(san, ip))
		return NULL;
	for (const char *p = san; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return "a DNS name must be ASCII (IA5String)";
	return NULL;
}

/* GeneralNames as Go writes them: DNS names first (tag [2]), then IP addresses ([7]). */
static void general_names(struct der *d, char *const *sans, size_t nsans)
{
	size_t s = der_begin(d, DER_SEQUENCE);
	uint8_t ip[16];

	for (size_t i = 0; i < nsans; i++)
		if (!parse_ip(sans[i], ip))
			der_tlv(d, DER_CONTEXT | 2, sans[i], strlen(sans[i]));
	for (size_t i = 0; i < nsans; i++) {
		size_t n = parse_ip(sans[i], ip);

		if (n)
			der_tlv(d, DER_CONTEXT | 7, ip, n);
	}
	der_end(d, s);
}

/* The subjectAltName extension of sans (not critical: the subject is never empty). */
static void san_extension(struct der *d, char *const *sans, size_t nsans)
{
	struct ext_marks m = ext_begin(d, OID_SAN, false);

	general_names(d, sans, nsans);
	ext_end(d, m);
}

static void extensions(struct der *d, const struct pki_profile *p, const uint8_t *ski,
		       const struct pki_cert *issuer)
{
	size_t outer = der_begin(d, DER_CONTEXT | DER_CONSTRUCTED | 3);
	size_t seq = der_begin(d, DER_SEQUENCE);
	struct ext_marks m;

	if (p->key_usage) {
		/* named bits: bit 0 is the byte's top bit, trailing zeros not counted */
		uint8_t bits[2] = { 0, 0 };
		unsigned unused = 0;

		for (int b = 0; b < 8; b++)
			if (p->key_usage & (1u << b))
				bits[1] |= (uint8_t)(0x80 >> b);
		while (unused < 7 && !(bits[1] & (1u << unused)))
			unused++;
		bits[0] = (uint8_t)unused;
		m = ext_begin(d, OID_KEY_USAGE, true);
		der_tlv(d, DER_BIT_STRING, bits, 2);
		ext_end(d, m);
	}
	if (p->neku) {
		m = ext_begin(d, OID_EXT_KEY_USAGE, false);
		size_t s = der_begin(d, DER_SEQUENCE);

		for (size_t i = 0; i < p->neku; i++)
			der_oid(d, p->eku[i] == PKI_EKU_SERVER_AUTH ? "1.3.6.1.5.5.7.3.1" :
				"1.3.6.1.5.5.7.3.2");
		der_end(d, s);
		ext_end(d, m);
	}
	m = ext_begin(d, OID_BASIC_CONSTRAINTS, true);
	size_t bc = der_begin(d, DER_SEQUENCE);

	if (p->is_ca) {
		static const uint8_t yes = 0xff;

		der_tlv(d, DER_BOOLEAN, &yes, 1);
	}
	der_end(d, bc);
	ext_end(d, m);
	if (ski) {
		m = ext_begin(d, OID_SKI, false);
		der_tlv(d, DER_OCTET_STRING, ski, 32);
		ext_end(d, m);
	}
	if (issuer && issuer->skilen) {
		m = ext_begin(d, OID_AKI, false);
		size_t s = der_begin(d, DER_SEQUENCE);

		der_tlv(d, DER_CONTEXT | 0, issuer->ski, issuer->skilen);
		der_end(d, s);
		ext_end(d, m);
	}
	if (p->nsans)
		san_extension(d, p->sans, p->nsans);
	der_end(d, seq);
	der_end(d, outer);
}

/* ---- signing ---- */

/* The order of P-256. */
static const uint8_t p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* Replace s (32 bytes, big-endian) by n - s when s > n/2. */
static void low_s(uint8_t s[32])
{
	uint8_t half[32];
	unsigned carry = 0, borrow = 0;

	for (int i = 0; i < 32; i++) {          /* half = n >> 1 */
		half[i] = (uint8_t)((p256_n[i] >> 1) | carry);
		carry = (p256_n[i] & 1) << 7;
	}
	if (memcmp(s, half, 32) <= 0)
		return;
	for (int i = 31; i >= 0; i--) {
		int v = p256_n[i] - s[i] - (int)borrow;

		borrow = v < 0;
		s[i] = (uint8_t)(v + (v < 0 ? 256 : 0));
	}
}

/* An INTEGER's contents as 32 big-endian bytes; -1 when it does not fit. */
static int int32be(const struct der_value *v, uint8_t out[32])
{
	const uint8_t *p = v->val;
	size_t n = v->len;

	while (n > 0 && *p == 0) {
		p++;
		n--;
	}
	if (n > 32)
		return -1;
	memset(out, 0, 32);
	memcpy(out + 32 - n, p, n);
	return 0;
}

/* Sign tbs with k; append the signature BIT STRING to d. */
static int sign(struct pki_key *k, const uint8_t *tbs, size_t n, bool normalise, struct der *d)
{
	uint8_t sig[128];
	size_t siglen = sizeof(sig), m;
	uint8_t zero = 0;

	if (k->alg == PKI_ED25519) {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
			EVP_DigestSign(ctx, sig, &siglen, tbs, n) == 1;

		EVP_MD_CTX_free(ctx);
		if (!ok)
			goto fail;
		m = der_begin(d, DER_BIT_STRING);
		der_raw(d, &zero, 1);
		der_raw(d, sig, siglen);
		der_end(d, m);
		return 0;
	}

	uint8_t digest[32], r[32], s[32];
	const uint8_t *p = sig;
	struct der_value seq, rv, sv;

	SHA256(tbs, n, digest);
	if (!k->sign_ctx) {
		k->sign_ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
		if (!k->sign_ctx || EVP_PKEY_sign_init(k->sign_ctx) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(k->sign_ctx, EVP_sha256()) != 1) {
			EVP_PKEY_CTX_free(k->sign_ctx);
			k->sign_ctx = NULL;
			goto fail;
		}
	}
	if (EVP_PKEY_sign(k->sign_ctx, sig, &siglen, digest, sizeof(digest)) != 1)
		goto fail;
	if (der_expect(&p, sig + siglen, DER_SEQUENCE, &seq) < 0)
		goto fail;
	p = seq.val;
	if (der_expect(&p, seq.val + seq.len, DER_INTEGER, &rv) < 0 ||
	    der_expect(&p, seq.val + seq.len, DER_INTEGER, &sv) < 0 ||
	    int32be(&rv, r) < 0 || int32be(&sv, s) < 0)
		goto fail;
	if (normalise)
		low_s(s);
	m = der_begin(d, DER_BIT_STRING);
	der_raw(d, &zero, 1);
	size_t sm = der_begin(d, DER_SEQUENCE);

	der_uint(d, r, 32);
	der_uint(d, s, 32);
	der_end(d, sm);
	der_end(d, m);
	return 0;
fail:
	pki_ssl_warn("cannot sign a certificate");
	return -1;
}

/* Wrap a TBSCertificate: SEQUENCE { tbs, algorithm, signature }. */
static struct pki_cert *finish(const struct der *tbs, struct pki_key *signer, bool normalise)
{
	struct der d = {0};
	struct pki_cert *c;
	size_t m = der_begin(&d, DER_SEQUENCE);

	der_raw(&d, tbs->buf, tbs->len);
	alg_id(&d, signer->alg, true);
	if (sign(signer, tbs->buf, tbs->len, normalise, &d) < 0) {
		der_free(&d);
		return NULL;
	}
	der_end(&d, m);
	c = pki_cert_from_der(d.buf, d.len);
	der_free(&d);
	if (!c)
		warnf("internal error: a certificate just built does not parse");
	return c;
}

static void serial(struct der *d)
{
	uint8_t r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		die("cannot get random bytes for a serial number");
	der_uint(d, r, sizeof(r));
}

static void validity(struct der *d, int64_t nb, int64_t na)
{
	size_t m = der_begin(d, DER_SEQUENCE);

	der_time(d, nb);
	der_time(d, na);
	der_end(d, m);
}

static void spki(struct der *d, const struct pki_key *k)
{
	size_t m = der_begin(d, DER_SEQUENCE), b;
	uint8_t zero = 0;

	alg_id(d, k->alg, false);
	b = der_begin(d, DER_BIT_STRING);
	der_raw(d, &zero, 1);
	der_raw(d, k->pub, k->publen);
	der_end(d, b);
	der_end(d, m);
}

static void version3(struct der *d)
{
	static const uint8_t v3[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };

	der_raw(d, v3, sizeof(v3));
}

struct pki_cert *pki_cert_issue(const struct pki_profile *p, const struct pki_key *subject_key,
				const struct pki_cert *issuer, struct pki_key *issuer_key)
{
	struct der tbs = {0}, subj = {0};
	struct pki_cert *c;
	uint8_t ski[32];
	size_t m;

	name(&subj, &p->subject);
	if (p->is_ca)
		pki_ski(subject_key->pub, subject_key->publen, ski);
	m = der_begin(&tbs, DER_SEQUENCE);
	version3(&tbs);
	serial(&tbs);
	alg_id(&tbs, issuer_key->alg, true);
	if (issuer)
		der_raw(&tbs, issuer->subject.raw, issuer->subject.rawlen);
	else
		der_raw(&tbs, subj.buf, subj.len);
	validity(&tbs, p->not_before, p->not_after);
	der_raw(&tbs, subj.buf, subj.len);
	spki(&tbs, subject_key);
	/* Go writes an AKI only when issuer and subject names differ */
	extensions(&tbs, p, p->is_ca ? ski : NULL, issuer);
	der_end(&tbs, m);
	/* cryptogen's signer makes S low; 2.5 self-signs a CA with the raw key */
	c = finish(&tbs, issuer_key, issuer != NULL);
	der_free(&tbs);
	der_free(&subj);
	return c;
}

/* old issued again with the extensions exts (the whole [3], or none when extlen is 0). */
static struct pki_cert *reissue(const struct pki_cert *old, struct pki_key *issuer_key,
				int64_t not_before, int64_t not_after, const uint8_t *ext,
				size_t extlen)
{
	struct der tbs = {0};
	struct pki_cert *c;
	size_t m = der_begin(&tbs, DER_SEQUENCE);
	bool self = old->issuer.rawlen == old->subject.rawlen &&
		memcmp(old->issuer.raw, old->subject.raw, old->subject.rawlen) == 0;

	version3(&tbs);
	serial(&tbs);
	alg_id(&tbs, issuer_key->alg, true);
	der_raw(&tbs, old->issuer.raw, old->issuer.rawlen);
	validity(&tbs, not_before, not_after);
	der_raw(&tbs, old->subject.raw, old->subject.rawlen);
	der_raw(&tbs, old->spki.raw, old->spki.rawlen);
	if (extlen)
		der_raw(&tbs, ext, extlen);
	der_end(&tbs, m);
	c = finish(&tbs, issuer_key, !self);
	der_free(&tbs);
	return c;
}

struct pki_cert *pki_cert_reissue(const struct pki_cert *old, struct pki_key *issuer_key,
				  int64_t not_before, int64_t not_after)
{
	return reissue(old, issuer_key, not_before, not_after, old->extensions.raw,
		       old->extensions.rawlen);
}

/*
 * old's extensions with subjectAltName replaced by that of sans, in its
 * place (last when old has none; none when nsans is 0), as a whole [3]
 * into d (nothing when no extension is left).  -1 when old's are malformed.
 */
static int with_sans(struct der *d, const struct pki_cert *old, char *const *sans, size_t nsans)
{
	struct der exts = {0};
	struct der_value seq = { .len = 0 }, ext, oid;
	const uint8_t *p = old->extensions.val, *end;
	bool put = nsans == 0;
	int rc = -1;

	if (old->extensions.rawlen &&
	    der_expect(&p, p + old->extensions.len, DER_SEQUENCE, &seq) < 0)
		goto out;
	for (p = seq.val, end = p ? p + seq.len : p; p < end;) {
		const uint8_t *q;

		if (der_expect(&p, end, DER_SEQUENCE, &ext) < 0)
			goto out;
		q = ext.val;
		if (der_expect(&q, ext.val + ext.len, DER_OID, &oid) < 0)
			goto out;
		if (!der_oid_is(&oid, OID_SAN))
			der_raw(&exts, ext.raw, ext.rawlen);
		else if (!put)
			san_extension(&exts, sans, nsans);
		put |= der_oid_is(&oid, OID_SAN);
	}
	if (!put)
		san_extension(&exts, sans, nsans);
	if (exts.len) {
		size_t outer = der_begin(d, DER_CONTEXT | DER_CONSTRUCTED | 3);
		size_t s = der_begin(d, DER_SEQUENCE);

		der_raw(d, exts.buf, exts.len);
		der_end(d, s);
		der_end(d, outer);
	}
	rc = 0;
out:
	der_free(&exts);
	return rc;
}

struct pki_cert *pki_cert_reissue_sans(const struct pki_cert *old, struct pki_key *issuer_key,
				       int64_t not_before, int64_t not_after,
				       char *const *sans, size_t nsans)
{
	struct der ext = {0};
	struct pki_cert *c = NULL;

	if (with_sans(&ext, old, sans, nsans) < 0)
		warnf("cannot issue a certificate again: its extensions are malformed");
	else
		c = reissue(old, issuer_key, not_before, not_after, ext.buf, ext.len);
	der_free(&ext);
	return c;
}

/* ---- subject alternative names ---- */

/* One GeneralName as text: "DNS:<name>", "IP:<address>", or its tag. */
static char *general_name_text(const struct der_value *v)
{
	char addr[INET6_ADDRSTRLEN];
	struct strbuf sb = {0};

	if (v->tag == (DER_CONTEXT | 2)) {
		sb_adds(&sb, "DNS:");
		for (size_t i = 0; i < v->len; i++)     /* never a control character out */
			sb_addc(&sb, v->val[i] >= 0x20 && v->val[i] < 0x7f ? (char)v->val[i] : '?');
		return sb_detach(&sb);
	}
	if (v->tag == (DER_CONTEXT | 7) && (v->len == 4 || v->len == 16) &&
	    inet_ntop(v->len == 4 ? AF_INET : AF_INET6, v->val, addr, sizeof(addr)))
		return xasprintf("IP:%s", addr);
	return xasprintf("name of tag 0x%02x", v->tag);
}

/* Is the encoding v among the GeneralNames in [p, end)? */
static bool has_name(const uint8_t *p, const uint8_t *end, const struct der_value *v)
{
	struct der_value x;

	while (p < end && der_read(&p, end, &x) == 0)
		if (x.rawlen == v->rawlen && memcmp(x.raw, v->raw, v->rawlen) == 0)
			return true;
	return false;
}

/* The names of [from, fend) that [in, iend) lacks, once each, as text into *out. */
static void names_missing(const uint8_t *from, const uint8_t *fend, const uint8_t *in,
			  const uint8_t *iend, char ***out, size_t *n)
{
	size_t cap = 0;
	struct der_value v;

	for (const uint8_t *p = from; p < fend && der_read(&p, fend, &v) == 0;) {
		if (has_name(in, iend, &v) || has_name(from, v.raw, &v))
			continue;
		*out = xgrow(*out, &cap, *n + 1, sizeof(**out));
		(*out)[(*n)++] = general_name_text(&v);
	}
}

/* Are [p, end) GeneralNames, each a well-formed value? */
static bool names_ok(const uint8_t *p, const uint8_t *end)
{
	struct der_value v;

	while (p < end)
		if (der_read(&p, end, &v) < 0)
			return false;
	return true;
}

int pki_cert_san_diff(const struct pki_cert *c, char *const *sans, size_t nsans,
		      struct pki_san_diff *diff)
{
	struct der want = {0};
	const uint8_t *have = c->san.val, *hend = have ? have + c->san.len : have, *p;
	struct der_value seq;

	memset(diff, 0, sizeof(*diff));
	if (!names_ok(have, hend))
		return -1;
	general_names(&want, sans, nsans);
	p = want.buf;
	if (der_expect(&p, want.buf + want.len, DER_SEQUENCE, &seq) < 0) {
		der_free(&want);
		return -1;
	}
	names_missing(seq.val, seq.val + seq.len, have, hend, &diff->added, &diff->nadded);
	names_missing(have, hend, seq.val, seq.val + seq.len, &diff->removed, &diff->nremoved);
	der_free(&want);
	return 0;
}

void pki_san_diff_free(struct pki_san_diff *diff)
{
	for (size_t i = 0; i < diff->nadded; i++)
		free(diff->added[i]);
	for (size_t i = 0; i < diff->nremoved; i++)
		free(diff->removed[i]);
	free(diff->added);
	free(diff->removed);
	memset(diff, 0, sizeof(*diff));
}

/* ---- reading ---- */

static int parse_extensions(struct pki_cert *c)
{
	const uint8_t *p = c->extensions.val, *end = p + c->extensions.len;
	struct der_value seq;

	if (der_expect(&p, end, DER_SEQUENCE, &seq) < 0)
		return -1;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end) {
		struct der_value ext, oid, crit, val, inner, x;
		const uint8_t *q;

		if (der_expect(&p, end, DER_SEQUENCE, &ext) < 0)
			return -1;
		q = ext.val;
		if (der_expect(&q, ext.val + ext.len, DER_OID, &oid) < 0)
			return -1;
		(void)der_expect(&q, ext.val + ext.len, DER_BOOLEAN, &crit);
		if (der_expect(&q, ext.val + ext.len, DER_OCTET_STRING, &val) < 0)
			return -1;
		q = val.val;
		if (der_oid_is(&oid, OID_BASIC_CONSTRAINTS)) {
			if (der_expect(&q, val.val + val.len, DER_SEQUENCE, &inner) < 0)
				return -1;
			q = inner.val;
			c->is_ca = der_expect(&q, inner.val + inner.len, DER_BOOLEAN, &x) == 0 &&
				x.len == 1 && x.val[0] != 0;
		} else if (der_oid_is(&oid, OID_SKI)) {
			if (der_expect(&q, val.val + val.len, DER_OCTET_STRING, &x) < 0)
				return -1;
			if (x.len <= sizeof(c->ski)) {
				memcpy(c->ski, x.val, x.len);
				c->skilen = x.len;
			}
		} else if (der_oid_is(&oid, OID_SAN)) {
			if (der_expect(&q, val.val + val.len, DER_SEQUENCE, &c->san) < 0)
				return -1;
		} else if (der_oid_is(&oid, OID_AKI)) {
			if (der_expect(&q, val.val + val.len, DER_SEQUENCE, &inner) < 0)
				return -1;
			q = inner.val;
			if (der_expect(&q, inner.val + inner.len, DER_CONTEXT | 0, &x) == 0 &&
			    x.len <= sizeof(c->aki)) {
				memcpy(c->aki, x.val, x.len);
				c->akilen = x.len;
			}
		}
	}
	return 0;
}

/* The subject's CN (first one), as text. */
static char *find_cn(const struct der_value *name)
{
	const uint8_t *p = name->val, *end = p + name->len;
	struct der_value set, seq, oid, val;

	while (p < end) {
		if (der_expect(&p, end, DER_SET, &set) < 0)
			break;
		for (const uint8_t *q = set.val; q < set.val + set.len;) {
			const uint8_t *r;

			if (der_expect(&q, set.val + set.len, DER_SEQUENCE, &seq) < 0)
				break;
			r = seq.val;
			if (der_expect(&r, seq.val + seq.len, DER_OID, &oid) == 0 &&
			    der_oid_is(&oid, OID_CN) && der_read(&r, seq.val + seq.len, &val) == 0)
				return xstrndup((const char *)val.val, val.len);
		}
	}
	return xstrdup("");
}

static int parse_spki(struct pki_cert *c)
{
	const uint8_t *p = c->spki.val, *end = p + c->spki.len, *q;
	struct der_value alg, oid, params, bits;

	if (der_expect(&p, end, DER_SEQUENCE, &alg) < 0 ||
	    der_expect(&p, end, DER_BIT_STRING, &bits) < 0 || bits.len < 2 || bits.val[0] != 0)
		return -1;
	q = alg.val;
	if (der_expect(&q, alg.val + alg.len, DER_OID, &oid) < 0)
		return -1;
	c->pub = bits.val + 1;
	c->publen = bits.len - 1;
	if (der_oid_is(&oid, OID_ED25519) && c->publen == 32) {
		c->alg = PKI_ED25519;
		return 0;
	}
	if (der_oid_is(&oid, OID_EC_PUBLIC_KEY) &&
	    der_expect(&q, alg.val + alg.len, DER_OID, &params) == 0 &&
	    der_oid_is(&params, OID_P256) && c->publen == 65 && c->pub[0] == 4) {
		c->alg = PKI_ECDSA_P256;
		return 0;
	}
	return -1;
}

struct pki_cert *pki_cert_from_der(const uint8_t *der, size_t len)
{
	struct pki_cert *c = xcalloc(1, sizeof(*c));
	const uint8_t *p, *end;
	struct der_value outer, x, validity;

	c->der = xmalloc(len);
	memcpy(c->der, der, len);
	c->len = len;
	p = c->der;
	end = p + len;
	if (der_expect(&p, end, DER_SEQUENCE, &outer) < 0 || p != end)
		goto fail;
	p = outer.val;
	end = outer.val + outer.len;
	if (der_expect(&p, end, DER_SEQUENCE, &c->tbs) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &c->sigalg) < 0 ||
	    der_expect(&p, end, DER_BIT_STRING, &c->sig) < 0 || p != end)
		goto fail;
	p = c->tbs.val;
	end = c->tbs.val + c->tbs.len;
	(void)der_expect(&p, end, DER_CONTEXT | DER_CONSTRUCTED | 0, &x);
	if (der_expect(&p, end, DER_INTEGER, &x) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &x) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &c->issuer) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &validity) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &c->subject) < 0 ||
	    der_expect(&p, end, DER_SEQUENCE, &c->spki) < 0)
		goto fail;
	(void)der_expect(&p, end, DER_CONTEXT | 1, &x);
	(void)der_expect(&p, end, DER_CONTEXT | 2, &x);
	if (der_expect(&p, end, DER_CONTEXT | DER_CONSTRUCTED | 3, &c->extensions) == 0 &&
	    parse_extensions(c) < 0)
		goto fail;
	if (p != end || parse_spki(c) < 0)
		goto fail;
	p = validity.val;
	end = validity.val + validity.len;
	if (der_read(&p, end, &x) < 0 || der_parse_time(&x, &c->not_before) < 0 ||
	    der_read(&p, end, &x) < 0 || der_parse_time(&x, &c->not_after) < 0)
		goto fail;
	c->cn = find_cn(&c->subject);
	return c;
fail:
	pki_cert_free(c);
	return NULL;
}

struct pki_cert *pki_cert_from_pem(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	char *type = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen = 0;
	struct pki_cert *c = NULL;

	if (bio && len <= INT32_MAX && PEM_read_bio(bio, &type, &header, &data, &dlen) == 1 &&
	    strcmp(type, "CERTIFICATE") == 0)
		c = pki_cert_from_der(data, (size_t)dlen);
	OPENSSL_free(type);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	ERR_clear_error();
	return c;
}

char *pki_cert_to_pem(const struct pki_cert *c, size_t *len)
{
	return pem_encode("CERTIFICATE", c->der, c->len, len);
}

bool pki_cert_matches_key(const struct pki_cert *c, const struct pki_key *k)
{
	return c->alg == k->alg && c->publen == k->publen &&
		memcmp(c->pub, k->pub, k->publen) == 0;
}

bool pki_cert_same_key(const struct pki_cert *a, const struct pki_cert *b)
{
	return a->spki.rawlen == b->spki.rawlen && memcmp(a->spki.raw, b->spki.raw, a->spki.rawlen) == 0;
}

bool pki_cert_signed_by(const struct pki_cert *c, const struct pki_cert *issuer)
{
	const unsigned char *p = issuer->spki.raw;
	EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)issuer->spki.rawlen);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = pub && ctx && c->sig.len > 1 && c->sig.val[0] == 0 &&
		EVP_DigestVerifyInit(ctx, NULL, issuer->alg == PKI_ED25519 ? NULL : EVP_sha256(),
				     NULL, pub) == 1 &&
		EVP_DigestVerify(ctx, c->sig.val + 1, c->sig.len - 1, c->tbs.raw,
				 c->tbs.rawlen) == 1;

	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pub);
	ERR_clear_error();
	return ok;
}

void pki_cert_free(struct pki_cert *c)
{
	if (!c)
		return;
	free(c->der);
	free(c->cn);
	free(c);
}

void pki_validity(int64_t sec, long nsec, int days, int64_t *not_before, int64_t *not_after)
{
	int64_t minute = (sec >= 0 ? sec : sec - 59) / 60 * 60;
	int64_t rem_ns = (sec - minute) * 1000000000LL + nsec;

	if (rem_ns >= 30000000000LL)
		minute += 60;
	*not_before = minute - 5 * 60;
	*not_after = *not_before + (int64_t)days * 86400;
}
