/*
 * Unit tests of ca.h (caclient's library) checked with OpenSSL itself:
 * Fabric CA's token (its payload rebuilt here from fabric-ca's definition,
 * its signature verified with the certificate's public key, S always in
 * the lower half), the PKCS#10 request, identity names, the secret file,
 * PEM chains, and MSP directories written and read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/base64.h"
#include "ca/ca.h"
#include "base/fsutil.h"
#include "tap.h"

static const char *tmpdir;

/* A CA (self-signed) and a leaf for name with key k, issued now for a year. */
struct pair {
	struct pki_key *ca_key;
	struct pki_cert *ca, *leaf;
};

static void make_pair(struct pair *p, const struct ca_key *k, const char *name, int64_t nb,
		      int64_t na)
{
	struct pki_profile prof = {0};

	p->ca_key = pki_key_generate(PKI_ECDSA_P256);
	prof.subject.cn = "ca.test";
	prof.is_ca = true;
	prof.key_usage = PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN;
	prof.not_before = nb;
	prof.not_after = na;
	p->ca = pki_cert_issue(&prof, p->ca_key, NULL, p->ca_key);
	memset(&prof, 0, sizeof(prof));
	prof.subject.cn = name;
	prof.key_usage = PKI_KU_DIGITAL_SIGNATURE;
	prof.not_before = nb;
	prof.not_after = na;
	p->leaf = pki_cert_issue(&prof, ca_key_pki(k), p->ca, p->ca_key);
}

static void free_pair(struct pair *p)
{
	pki_key_free(p->ca_key);
	pki_cert_free(p->ca);
	pki_cert_free(p->leaf);
}

static EVP_PKEY *pubkey_of(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;

	X509_free(x);
	BIO_free(bio);
	return k;
}

/* Is the DER signature's S at most half the order of P-256? */
static bool low_s(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *half = BN_dup(EC_GROUP_get0_order(g));
	const BIGNUM *r, *s;
	bool ok_ = false;

	if (sig && half && BN_rshift1(half, half)) {
		ECDSA_SIG_get0(sig, &r, &s);
		ok_ = BN_cmp(s, half) <= 0;
	}
	BN_free(half);
	EC_GROUP_free(g);
	ECDSA_SIG_free(sig);
	return ok_;
}

static bool verifies(EVP_PKEY *pub, const char *msg, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool v = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1 &&
		EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg, strlen(msg)) == 1;

	EVP_MD_CTX_free(md);
	return v;
}

static void test_token(void)
{
	struct ca_key *k = ca_key_generate();
	struct pair p;
	size_t certlen, siglen;
	char *cert, *tok, *dot = NULL, *b64cert, *payload, *b64uri, *b64body;
	unsigned char *sig;
	const char *body = "{\"id\":\"app1\",\"type\":\"client\"}";
	EVP_PKEY *pub;
	bool all_low = true, all_verify = true;

	make_pair(&p, k, "admin", 1700000000, 4102444800LL);
	cert = pki_cert_to_pem(p.leaf, &certlen);
	pub = pubkey_of(cert, certlen);
	tok = ca_token(k, cert, certlen, "POST", "/api/v1/register", body, strlen(body));
	ok(tok && (dot = strchr(tok, '.')) && !strchr(dot + 1, '.'), "token: two parts");
	b64cert = base64_encode(cert, certlen);
	ok(tok && strncmp(tok, b64cert, strlen(b64cert)) == 0 && tok[strlen(b64cert)] == '.',
	   "token: the first part is base64 of the certificate's PEM");
	/* fabric-ca's util.GenECDSAToken: method.b64(uri).b64(body).b64(cert) */
	b64uri = base64_encode("/api/v1/register", 16);
	b64body = base64_encode(body, strlen(body));
	payload = xasprintf("POST.%s.%s.%s", b64uri, b64body, b64cert);
	sig = dot ? base64_decode(dot + 1, strlen(dot + 1), &siglen) : NULL;
	ok(sig && verifies(pub, payload, sig, siglen),
	   "token: the signature verifies over METHOD.b64(URI).b64(body).b64(cert)");
	ok(sig && low_s(sig, siglen), "token: S is in the lower half of the order");
	free(sig);
	free(payload);
	for (int i = 0; i < 64; i++) {
		uint8_t *s;
		size_t n;
		const char *m = i % 2 ? "x" : "y";

		if (ca_sign(k, m, 1, &s, &n) < 0) {
			all_verify = false;
			continue;
		}
		all_low &= low_s(s, n);
		all_verify &= verifies(pub, m, s, n);
		free(s);
	}
	ok(all_low && all_verify, "ca_sign: 64 signatures, each verifies and has a low S");
	free(tok);
	/* a GET: no body counts as an empty one */
	tok = ca_token(k, cert, certlen, "GET", "/api/v1/identities/app1?ca=ca1", NULL, 0);
	free(b64uri);
	b64uri = base64_encode("/api/v1/identities/app1?ca=ca1", 30);
	payload = xasprintf("GET.%s..%s", b64uri, b64cert);
	dot = tok ? strchr(tok, '.') : NULL;
	sig = dot ? base64_decode(dot + 1, strlen(dot + 1), &siglen) : NULL;
	ok(sig && verifies(pub, payload, sig, siglen),
	   "token: a GET signs the query with the path, and an empty body");
	free(sig);
	free(payload);
	free(tok);
	free(b64uri);
	free(b64body);
	free(b64cert);
	free(cert);
	EVP_PKEY_free(pub);
	free_pair(&p);
	ca_key_free(k);
}

static void test_csr(void)
{
	struct ca_key *k = ca_key_generate();
	char *csr = ca_csr(k, "User1@org1.example.com"), cn[128] = "";
	BIO *bio = csr ? BIO_new_mem_buf(csr, -1) : NULL;
	X509_REQ *req = bio ? PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL) : NULL;
	EVP_PKEY *pub = req ? X509_REQ_get_pubkey(req) : NULL;
	size_t len;
	const char *pem = ca_key_pem(k, &len);
	struct ca_key *again = ca_key_from_pem(pem, len);

	ok(csr && strncmp(csr, "-----BEGIN CERTIFICATE REQUEST-----\n", 36) == 0,
	   "csr: PEM CERTIFICATE REQUEST");
	ok(req && pub && X509_REQ_verify(req, pub) == 1, "csr: its signature verifies");
	if (req)
		X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn,
					  sizeof(cn));
	is_str(cn, "User1@org1.example.com", "csr: subject CN is the enrollment ID");
	ok(req && X509_NAME_entry_count(X509_REQ_get_subject_name(req)) == 1,
	   "csr: and nothing else in the subject");
	ok(strncmp(pem, "-----BEGIN PRIVATE KEY-----\n", 28) == 0, "key: PKCS#8 PEM as mspgen's");
	ok(again && memcmp(ca_key_pem(again, &len), pem, len) == 0, "key: read back the same");
	ok(!ca_key_from_pem("junk", 4), "key: junk is no key");
	ca_key_free(again);
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
	BIO_free(bio);
	free(csr);
	ca_key_free(k);
}

static void test_names(void)
{
	static const char *const good[] = { "app1", "User1@org1.example.com", "a", "x_y-z.1" };
	static const char *const bad[][2] = {
		{ "", "empty" }, { "a:b", "':'" }, { "a/b", "letters" }, { "a b", "letters" },
		{ ".hidden", "starts" }, { "-x", "starts" }, { "caf\xc3\xa9", "letters" },
		{ "0123456789012345678901234567890123456789012345678901234567890123X", "64 bytes" },
	};
	char s64[65];
	bool good_ok = true;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		good_ok &= !ca_name_problem(good[i]);
	memset(s64, 'a', 64);
	s64[64] = '\0';
	ok(good_ok && !ca_name_problem(s64), "names: app1, User1@org1.example.com, 64 bytes");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = ca_name_problem(bad[i][0]);

		ok(why && strstr(why, bad[i][1]), "names: \"%s\" is refused (%s)", bad[i][0],
		   why ? why : "accepted");
	}
	ok(ca_type_valid("client") && ca_type_valid("admin") && !ca_type_valid("user") &&
	   !ca_type_valid("Client"), "types: NodeOUs' four, as written");
	is_str(ca_reason("keyCompromise"), "keycompromise", "reasons: spelt as fabric-ca does");
	ok(!ca_reason("compromised"), "reasons: an unknown one is refused");
}

static char *write_tmp(const char *name, const char *content, mode_t mode)
{
	char *p = path_join(tmpdir, name);

	unlink(p);
	write_file(p, content, strlen(content), mode, 0);
	chmod(p, mode);
	return p;
}

static void test_secret(void)
{
	char *p = write_tmp("pw", "s3cret\n\n", 0600), *s, *err;
	size_t len = 0;
	int fd;

	s = ca_read_secret(p, &len);
	is_str(s, "s3cret", "secret: trailing newlines are not part of it");
	is_int(len, 6, "secret: its length");
	if (s)
		pki_wipe_free(s, len + 1);
	free(p);
	p = write_tmp("pw", "s3cret", 0644);
	fd = capture_begin();
	s = ca_read_secret(p, &len);
	err = capture_end(fd);
	ok(!s && strstr(err, "can be read by others (mode 0644)") && !strstr(err, "s3cret"),
	   "secret: a file others can read is refused, the secret not shown");
	free(err);
	free(p);
	p = write_tmp("pw", "\n", 0600);
	fd = capture_begin();
	s = ca_read_secret(p, &len);
	free(capture_end(fd));
	ok(!s, "secret: an empty one is refused");
	free(p);
	s = ca_random_secret();
	ok(strlen(s) == 32 && !strchr(s, ':'), "random secret: 32 characters");
	free(s);
}

static void test_chains(void)
{
	struct ca_key *k = ca_key_generate();
	struct pair p;
	struct pki_cert **certs;
	size_t n, l1, l2;
	char *a, *b, *both;

	make_pair(&p, k, "x", 1700000000, 4102444800LL);
	a = pki_cert_to_pem(p.ca, &l1);
	b = pki_cert_to_pem(p.leaf, &l2);
	both = xasprintf("junk before\n%s%s", a, b);
	ok(ca_certs_from_pem(both, strlen(both), &certs, &n) == 0 && n == 2 &&
	   strcmp(certs[0]->cn, "ca.test") == 0 && strcmp(certs[1]->cn, "x") == 0,
	   "chain: every certificate of a PEM text, in order");
	ca_certs_free(certs, n);
	ok(ca_certs_from_pem("nothing", 7, &certs, &n) < 0, "chain: none is an error");
	{
		struct pki_profile prof = {0};
		struct pki_cert *c;

		prof.subject.cn = "app1";
		prof.subject.ou[0] = "org1";
		prof.subject.ou[1] = "client";
		prof.not_before = 1700000000;
		prof.not_after = 1800000000;
		c = pki_cert_issue(&prof, ca_key_pki(k), p.ca, p.ca_key);
		ok(c && ca_cert_has_ou(c, "client") && ca_cert_has_ou(c, "org1") &&
		   !ca_cert_has_ou(c, "admin") && !ca_cert_has_ou(c, "clien") &&
		   !ca_cert_has_ou(p.leaf, "client"), "ou: the subject's OUs, whole values");
		pki_cert_free(c);
	}
	free(a);
	free(b);
	free(both);
	free_pair(&p);
	ca_key_free(k);
}

/* An identity owning copies of the pair's leaf and CA, with key k (taken). */
static void make_ident(struct ca_ident *id, struct ca_key *k, const struct pair *p)
{
	memset(id, 0, sizeof(*id));
	id->key = k;
	id->cert = pki_cert_from_der(p->leaf->der, p->leaf->len);
	id->cert_pem = pki_cert_to_pem(p->leaf, &id->cert_len);
	id->chain = xcalloc(1, sizeof(*id->chain));
	id->chain[0] = pki_cert_from_der(p->ca->der, p->ca->len);
	id->nchain = 1;
}

static bool problem_has(const struct ca_ident *id, const char *name, struct pki_cert *const *chain,
			int64_t now, const char *want)
{
	char *why = ca_ident_problem(id, name, chain, 1, now);
	bool r = want ? why && strstr(why, want) : !why;

	if (!r)
		printf("#   got \"%s\"\n", why ? why : "(valid)");
	free(why);
	return r;
}

static void test_ident_problem(void)
{
	struct ca_key *k = ca_key_generate(), *k2 = ca_key_generate();
	struct pair p, q;
	struct ca_ident id, mismatch;

	make_pair(&p, k, "app1", 1700000000, 1900000000);
	make_pair(&q, k2, "app1", 1700000000, 1900000000);
	make_ident(&id, k, &p);
	ok(problem_has(&id, "app1", id.chain, 1800000000, NULL),
	   "identity: valid for its name, issued by the chain, in its window");
	ok(problem_has(&id, "app2", id.chain, 1800000000, "is the one of \"app1\""),
	   "identity: another name is not its own");
	ok(problem_has(&id, "app1", &q.ca, 1800000000, "not issued by the CA"),
	   "identity: another CA did not issue it");
	ok(problem_has(&id, "app1", id.chain, 1950000000, "expired on 2030-03-17"),
	   "identity: expired");
	ok(problem_has(&id, "app1", id.chain, 1600000000, "valid from"), "identity: not yet valid");
	make_ident(&mismatch, k2, &p);
	ok(problem_has(&mismatch, "app1", mismatch.chain, 1800000000, "not the one of its key"),
	   "identity: a certificate of another key");
	ca_ident_free(&mismatch);
	ca_ident_free(&id);
	free_pair(&p);
	free_pair(&q);
}

static char *in_tmp(const char *rel)
{
	return path_join(tmpdir, rel);
}

static mode_t mode_of(const char *dir, const char *rel)
{
	char *p = path_join(dir, rel);
	struct stat st;
	mode_t m = stat(p, &st) == 0 ? st.st_mode & 07777 : 0;

	free(p);
	return m;
}

/* Nothing but `want` entries in dir (no hidden directory left behind). */
static bool only(const char *dir, size_t want)
{
	char **names;
	size_t n;
	bool hidden = false;

	if (dir_names(dir, &names, &n) < 0)
		return want == 0;
	for (size_t i = 0; i < n; i++) {
		hidden |= names[i][0] == '.';
		free(names[i]);
	}
	free(names);
	return !hidden && n == want;
}

static void test_msp(void)
{
	struct ca_key *k = ca_key_generate();
	struct pair p;
	struct ca_ident id, back;
	struct ca_msp_opts o = { .node_ous = true, .dir_mode = 0755 };
	char *dir = in_tmp("ids/org1/app1/msp"), *parent = in_tmp("ids/org1/app1"), *why, *err;
	char *yaml, *cfg;
	size_t len;
	int fd;

	make_pair(&p, k, "app1", 1700000000, 4102444800LL);
	make_ident(&id, k, &p);
	o.tls = &p.ca;
	o.ntls = 1;
	is_int(ca_msp_load(dir, &back, &why), 0, "msp: an absent directory is free");
	ok(ca_msp_write(dir, &id, &o) == 0, "msp: written, parents made");
	is_int(mode_of(dir, "keystore/priv_sk"), 0600, "msp: keystore/priv_sk mode 0600");
	is_int(mode_of(dir, "signcerts/cert.pem") & 0600, 0600, "msp: signcerts/cert.pem");
	ok(mode_of(dir, "cacerts/ca.test-cert.pem") && mode_of(dir, "tlscacerts/ca.test-cert.pem"),
	   "msp: cacerts/ and tlscacerts/ name the CA's certificate <CN>-cert.pem");
	cfg = path_join(dir, "config.yaml");
	yaml = read_file(cfg, &len);
	ok(yaml && strstr(yaml, "NodeOUs:\n  Enable: true\n  ClientOUIdentifier:\n"
			  "    Certificate: cacerts/ca.test-cert.pem\n"
			  "    OrganizationalUnitIdentifier: client\n"),
	   "msp: config.yaml in mspgen's shape, pointing at cacerts/");
	free(yaml);
	free(cfg);
	ok(only(parent, 1), "msp: nothing else beside it");
	is_int(ca_msp_load(dir, &back, &why), 1, "msp: read back");
	ok(back.cert && back.cert->len == id.cert->len &&
	   memcmp(back.cert->der, id.cert->der, id.cert->len) == 0 && back.nchain == 1 &&
	   pki_cert_matches_key(back.cert, ca_key_pki(back.key)), "msp: the same identity");
	ca_ident_free(&back);
	fd = capture_begin();
	ok(ca_msp_write(dir, &id, &o) < 0, "msp: an existing directory is not replaced");
	err = capture_end(fd);
	ok(strstr(err, "exists") && only(parent, 1), "msp: and nothing is left behind");
	free(err);
	o.replace = true;
	ok(ca_msp_write(dir, &id, &o) == 0 && only(parent, 1), "msp: replace");
	ok(ca_msp_remove(dir) == 0 && only(parent, 0), "msp: removed");
	free(dir);
	free(parent);

	/* a failure after the parents were made takes them back */
	dir = in_tmp("new1/new2/msp");
	parent = in_tmp("new1");
	id.nchain = 0;          /* no chain: no NodeOUs */
	fd = capture_begin();
	ok(ca_msp_write(dir, &id, &o) < 0, "msp: no NodeOUs without the CA's certificate");
	free(capture_end(fd));
	ok(!path_exists(parent), "msp: the parents it made are gone again");
	id.nchain = 1;
	free(dir);
	free(parent);

	dir = in_tmp("notmsp");
	mkdir(dir, 0755);
	free(write_tmp("notmsp/file", "x", 0644));
	ok(ca_msp_load(dir, &back, &why) < 0 && strstr(why, "keystore/priv_sk"),
	   "msp: a directory of something else is not an identity");
	free(why);
	free(dir);
	ca_ident_free(&id);
	free_pair(&p);
}

int main(void)
{
	char tmpl[] = "/tmp/ca-unit.XXXXXX";

	tmpdir = mkdtemp(tmpl);
	if (!tmpdir)
		return 1;
	umask(022);
	test_token();
	test_csr();
	test_names();
	test_secret();
	test_chains();
	test_ident_problem();
	test_msp();
	remove_tree(tmpdir);
	return done_testing();
}
