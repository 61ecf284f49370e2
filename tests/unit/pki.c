/*
 * Unit tests of der.h and pki.h against encodings fixed by the standards
 * and by the cryptogen facts (fixtures' FACTS.md): OIDs, INTEGERs, times,
 * keyUsage bit strings, PKCS#8 sizes, validity rounding, reissue (also
 * with other subject alternative names) and the comparison of SANs.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "x509/der.h"
#include "base/fsutil.h"
#include "x509/pki.h"
#include "tap.h"

static char *hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02X", p[i]);
	s[2 * n] = '\0';
	return s;
}

static void is_der(struct der *d, const char *want, const char *what)
{
	char *h = hex(d->buf, d->len);

	is_str(h, want, "%s", what);
	free(h);
	der_free(d);
}

static bool contains(const uint8_t *hay, size_t n, const char *hexneedle)
{
	size_t k = strlen(hexneedle) / 2;
	uint8_t needle[64];

	for (size_t i = 0; i < k; i++)
		sscanf(hexneedle + 2 * i, "%2hhx", &needle[i]);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static void test_der(void)
{
	struct der d = {0};
	const uint8_t zero[] = { 0, 0 }, top[] = { 0x80 }, mid[] = { 0x00, 0x7f, 0x01 };
	struct der_value v;
	const uint8_t *p;
	int64_t t;

	der_oid(&d, "1.2.840.10045.4.3.2");
	is_der(&d, "06082A8648CE3D040302", "OID ecdsa-with-SHA256");
	der_oid(&d, "2.5.29.35");
	is_der(&d, "0603551D23", "OID authorityKeyIdentifier");
	der_uint(&d, zero, 2);
	is_der(&d, "020100", "INTEGER 0");
	der_uint(&d, top, 1);
	is_der(&d, "02020080", "INTEGER 128 gets a leading zero");
	der_uint(&d, mid, 3);
	is_der(&d, "02027F01", "INTEGER drops leading zeros");
	der_time(&d, days_from_civil(2049, 12, 31) * 86400 + 86399);
	is_der(&d, "170D3439313233313233353935395A", "2049-12-31 is a UTCTime");
	der_time(&d, days_from_civil(2050, 1, 1) * 86400);
	is_der(&d, "180F32303530303130313030303030305A", "2050-01-01 is a GeneralizedTime");

	size_t m = der_begin(&d, DER_SEQUENCE);
	for (int i = 0; i < 200; i++)
		der_raw(&d, "x", 1);
	der_end(&d, m);
	is_int(d.len, 203, "a 200-byte SEQUENCE has a 2-byte long length");
	ok(d.buf[1] == 0x81 && d.buf[2] == 200, "long length octets 81 C8");
	p = d.buf;
	ok(der_read(&p, d.buf + d.len, &v) == 0 && v.len == 200 && p == d.buf + d.len,
	   "der_read reads it back");
	p = d.buf;
	ok(der_read(&p, d.buf + 100, &v) < 0, "der_read refuses a truncated value");
	der_free(&d);

	der_time(&d, 1700000000);
	p = d.buf;
	ok(der_read(&p, d.buf + d.len, &v) == 0 && der_parse_time(&v, &t) == 0 && t == 1700000000,
	   "der_parse_time inverts der_time");
	der_free(&d);

	is_int(days_from_civil(1970, 1, 1), 0, "1970-01-01 is day 0");
	is_int(days_from_civil(2000, 3, 1), 11017, "2000-03-01 is day 11017");
	bool round = true;
	for (int64_t z = -800000; z < 800000; z += 997) {
		int64_t y;
		unsigned mo, dd;

		civil_from_days(z, &y, &mo, &dd);
		if (days_from_civil(y, mo, dd) != z)
			round = false;
	}
	ok(round, "civil_from_days and days_from_civil are inverses");
}

static void test_validity(void)
{
	int64_t base = 1700000400;      /* a whole minute: 2023-11-14T22:20:00Z */
	int64_t nb, na;

	pki_validity(base + 29, 999999999, 3650, &nb, &na);
	is_int(nb, base - 300, "29.999 s past the minute rounds down, less 5 minutes");
	pki_validity(base + 30, 0, 3650, &nb, &na);
	is_int(nb, base + 60 - 300, "30 s past the minute rounds up (Go rounds halves up)");
	is_int(na - nb, 3650LL * 86400, "notAfter is 3650 days later");
}

static void test_keys_and_certs(void)
{
	struct pki_key *ca_key = pki_key_generate(PKI_ECDSA_P256), *leaf_key, *back, *other;
	static const enum pki_eku ca_eku[] = { PKI_EKU_CLIENT_AUTH, PKI_EKU_SERVER_AUTH };
	struct pki_profile p = {0};
	struct pki_cert *ca, *leaf, *again, *other_ca;
	size_t len, publen;
	char *pem = pki_key_to_pem(ca_key, &len);
	const uint8_t *pub;
	uint8_t ski[32];

	is_int(len, 241, "a P-256 key in PEM PKCS#8 is 241 bytes, as cryptogen's");
	back = pki_key_from_pem(pem, len);
	ok(back && pki_key_alg(back) == PKI_ECDSA_P256, "the PEM key reads back");
	pub = pki_key_public(ca_key, &publen);
	ok(back && publen == 65 && pub[0] == 4 &&
	   memcmp(pki_key_public(back, &len), pub, 65) == 0, "... with the same public point");
	pki_wipe_free(pem, strlen(pem));
	ok(!pki_key_from_pem("garbage", 7), "garbage is not a key");

	p.subject.country = "US";
	p.subject.org = "org1";
	p.subject.cn = "ca.org1";
	p.is_ca = true;
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE | PKI_KU_KEY_ENCIPHERMENT |
		PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN;
	p.eku = ca_eku;
	p.neku = 2;
	pki_validity(1700000000, 0, 3650, &p.not_before, &p.not_after);
	ca = pki_cert_issue(&p, ca_key, NULL, ca_key);
	ok(ca && ca->is_ca, "a CA certificate");
	ok(ca && contains(ca->der, ca->len, "030201A6"), "CA keyUsage is 03 02 01 A6 (FACTS)");
	ok(ca && contains(ca->der, ca->len, "30030101FF"), "CA basicConstraints is 30 03 01 01 FF");
	pki_ski(pub, 65, ski);
	ok(ca && ca->skilen == 32 && memcmp(ca->ski, ski, 32) == 0, "SKI = SHA-256 of the point");
	ok(ca && ca->akilen == 0, "no AKI in a self-signed CA");
	ok(ca && pki_cert_signed_by(ca, ca), "the CA verifies itself");
	ok(ca && pki_cert_matches_key(ca, ca_key) && back && pki_cert_matches_key(ca, back),
	   "the CA is the certificate of its key (and of the key read back)");

	leaf_key = pki_key_generate(PKI_ECDSA_P256);
	memset(&p, 0, sizeof(p));
	p.subject.cn = "peer0.org1";
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE;
	pki_validity(1700000000, 0, 3650, &p.not_before, &p.not_after);
	leaf = pki_cert_issue(&p, leaf_key, ca, ca_key);
	ok(leaf && !leaf->is_ca && contains(leaf->der, leaf->len, "03020780"),
	   "leaf keyUsage is 03 02 07 80 (FACTS)");
	ok(leaf && contains(leaf->der, leaf->len, "3000"), "leaf basicConstraints is 30 00");
	ok(leaf && leaf->skilen == 0 && leaf->akilen == 32 && memcmp(leaf->aki, ca->ski, 32) == 0,
	   "leaf: no SKI, AKI = the CA's SKI");
	ok(leaf && pki_cert_signed_by(leaf, ca), "the leaf verifies with the CA");
	ok(leaf && !pki_cert_matches_key(leaf, ca_key), "the leaf is not the CA key's certificate");

	other = pki_key_generate(PKI_ECDSA_P256);
	memset(&p, 0, sizeof(p));
	p.subject.cn = "ca.org2";
	p.is_ca = true;
	p.key_usage = PKI_KU_KEY_CERT_SIGN;
	pki_validity(1700000000, 0, 10, &p.not_before, &p.not_after);
	other_ca = pki_cert_issue(&p, other, NULL, other);
	ok(leaf && other_ca && !pki_cert_signed_by(leaf, other_ca), "... and not with another CA");

	again = leaf ? pki_cert_reissue(leaf, ca_key, 1800000000, 1900000000) : NULL;
	ok(again && again->subject.rawlen == leaf->subject.rawlen &&
	   memcmp(again->subject.raw, leaf->subject.raw, leaf->subject.rawlen) == 0 &&
	   again->spki.rawlen == leaf->spki.rawlen &&
	   memcmp(again->spki.raw, leaf->spki.raw, leaf->spki.rawlen) == 0 &&
	   again->extensions.rawlen == leaf->extensions.rawlen &&
	   memcmp(again->extensions.raw, leaf->extensions.raw, leaf->extensions.rawlen) == 0,
	   "reissue keeps subject, public key and extensions byte for byte");
	ok(again && again->not_before == 1800000000 && again->not_after == 1900000000,
	   "reissue sets the new validity");
	ok(again && pki_cert_signed_by(again, ca), "the reissued leaf verifies with the CA");

	pki_cert_free(again);
	pki_cert_free(other_ca);
	pki_cert_free(leaf);
	pki_cert_free(ca);
	pki_key_free(other);
	pki_key_free(leaf_key);
	pki_key_free(back);
	pki_key_free(ca_key);
}

/* The diff's entries joined by spaces ("" when none), for is_str. */
static char *joined(char **v, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

/* diff of c against sans as "+added... -removed...", or "malformed" */
static char *san_diff(const struct pki_cert *c, char *const *sans, size_t n)
{
	struct pki_san_diff d;
	char *a, *r, *out;

	if (pki_cert_san_diff(c, sans, n, &d) < 0)
		return strdup("malformed");
	a = joined(d.added, d.nadded);
	r = joined(d.removed, d.nremoved);
	out = malloc(strlen(a) + strlen(r) + 4);
	sprintf(out, "+%s -%s", a, r);
	free(a);
	free(r);
	pki_san_diff_free(&d);
	return out;
}

static void is_diff(const struct pki_cert *c, char *const *sans, size_t n, const char *want,
		    const char *what)
{
	char *got = c ? san_diff(c, sans, n) : NULL;

	is_str(got, want, "%s", what);
	free(got);
}

static bool same(const struct der_value *a, const struct der_value *b)
{
	return a->rawlen == b->rawlen && memcmp(a->raw, b->raw, a->rawlen) == 0;
}

/* A node's names changed: the SAN comparison and the re-issue with new SANs. */
static void test_sans(void)
{
	static const enum pki_eku eku[] = { PKI_EKU_SERVER_AUTH, PKI_EKU_CLIENT_AUTH };
	char *names[] = { "peer0.org1", "peer0" };
	char *reordered[] = { "peer0", "peer0.org1", "peer0" };
	char *more[] = { "peer0.org1", "peer0", "10.244.255.1", "ext.example.com" };
	char *mapped[] = { "peer0.org1", "peer0", "ext.example.com", "::ffff:10.244.255.1" };
	char *fewer[] = { "peer0.org1", "fd00::1" };
	struct pki_key *ca_key = pki_key_generate(PKI_ECDSA_P256);
	struct pki_key *key = pki_key_generate(PKI_ECDSA_P256);
	struct pki_profile p = {0};
	struct pki_cert *ca, *leaf, *again, *fresh, *bare, *none;

	p.subject.cn = "tlsca.org1";
	p.is_ca = true;
	p.key_usage = PKI_KU_KEY_CERT_SIGN;
	pki_validity(1700000000, 0, 3650, &p.not_before, &p.not_after);
	ca = pki_cert_issue(&p, ca_key, NULL, ca_key);
	memset(&p, 0, sizeof(p));
	p.subject.cn = "peer0.org1";
	p.key_usage = PKI_KU_DIGITAL_SIGNATURE | PKI_KU_KEY_ENCIPHERMENT;
	p.eku = eku;
	p.neku = 2;
	p.sans = names;
	p.nsans = 2;
	pki_validity(1700000000, 0, 3650, &p.not_before, &p.not_after);
	leaf = pki_cert_issue(&p, key, ca, ca_key);

	is_diff(leaf, names, 2, "+ -", "SAN diff: the names it was issued with");
	is_diff(leaf, reordered, 3, "+ -", "SAN diff: order and repetition do not count");
	is_diff(leaf, more, 4, "+DNS:ext.example.com IP:10.244.255.1 -",
		"SAN diff: names and addresses added, DNS names first as issue writes them");
	is_diff(leaf, fewer, 2, "+IP:fd00::1 -DNS:peer0", "SAN diff: one added, one gone");
	is_diff(leaf, NULL, 0, "+ -DNS:peer0.org1 DNS:peer0", "SAN diff: every name gone");

	again = pki_cert_reissue_sans(leaf, ca_key, 1800000000, 1900000000, mapped, 4);
	is_diff(again, more, 4, "+ -", "reissue with SANs: it has the new names "
		"(::ffff:10.244.255.1 is 10.244.255.1)");
	p.sans = mapped;
	p.nsans = 4;
	fresh = pki_cert_issue(&p, key, ca, ca_key);
	ok(again && fresh && same(&again->extensions, &fresh->extensions),
	   "reissue with SANs: its extensions are byte for byte those issue writes for the names");
	ok(again && same(&again->subject, &leaf->subject) && same(&again->issuer, &leaf->issuer) &&
	   same(&again->spki, &leaf->spki), "reissue with SANs: subject, issuer and key kept");
	ok(again && again->not_before == 1800000000 && again->not_after == 1900000000 &&
	   pki_cert_signed_by(again, ca), "reissue with SANs: the new validity, signed by the CA");

	none = again ? pki_cert_reissue_sans(again, ca_key, 1800000000, 1900000000, NULL, 0) : NULL;
	p.nsans = 0;
	bare = pki_cert_issue(&p, key, ca, ca_key);
	ok(none && bare && none->san.tag == 0 && same(&none->extensions, &bare->extensions),
	   "reissue without SANs: no subjectAltName, the rest as issue writes it");
	pki_cert_free(again);
	again = bare ? pki_cert_reissue_sans(bare, ca_key, 1800000000, 1900000000, names, 2) : NULL;
	ok(again && same(&again->extensions, &leaf->extensions),
	   "reissue of a certificate without SANs: subjectAltName added last, as issue puts it");

	pki_cert_free(none);
	pki_cert_free(bare);
	pki_cert_free(fresh);
	pki_cert_free(again);
	pki_cert_free(leaf);
	pki_cert_free(ca);
	pki_key_free(key);
	pki_key_free(ca_key);
}

static void test_ed25519(void)
{
	struct pki_key *k = pki_key_generate(PKI_ED25519), *back;
	size_t len;
	char *pem = k ? pki_key_to_pem(k, &len) : NULL;

	ok(pem && len == 119, "an Ed25519 key in PEM PKCS#8 is 119 bytes (48 of DER)");
	back = pem ? pki_key_from_pem(pem, len) : NULL;
	ok(back && pki_key_alg(back) == PKI_ED25519, "the Ed25519 key reads back");
	if (pem)
		pki_wipe_free(pem, len);
	pki_key_free(back);
	pki_key_free(k);
}

static void test_fresh_and_remove(void)
{
	char dir[] = "/tmp/pki-unit.XXXXXX", *f, *sub;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	f = path_join(dir, "a");
	ok(write_file(f, "x", 1, 0600, WRITE_FRESH) == 1, "WRITE_FRESH creates a file");
	ok(write_file(f, "y", 1, 0600, WRITE_FRESH) < 0, "WRITE_FRESH refuses an existing file");
	sub = path_join(dir, "d/e");
	mkdir_p(sub, 0755);
	ok(remove_tree(dir) == 0 && !path_exists(dir), "remove_tree removes a tree");
	ok(remove_tree(dir) == 0, "remove_tree of nothing is fine");
	free(f);
	free(sub);
}

int main(void)
{
	test_der();
	test_validity();
	test_keys_and_certs();
	test_sans();
	test_ed25519();
	test_fresh_and_remove();
	return done_testing();
}
