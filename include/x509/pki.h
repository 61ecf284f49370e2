/*
 * pki.h - keys and X.509 certificates the way Fabric's cryptogen makes
 * them, on OpenSSL 3 (libcrypto), for mspgen and every tool that reads
 * an MSP.
 *
 * Certificates are encoded byte by byte (der.h) so that every detail
 * matches cryptogen 2.5 (Go's crypto/x509): subject attributes in the
 * order C, ST, L, STREET, postalCode, O, OU, CN, each its own RDN, several
 * values of one type in one multi-valued RDN sorted in DER order;
 * PrintableString when Go's rules allow it, UTF8String otherwise;
 * extensions in the order keyUsage, extKeyUsage, basicConstraints,
 * subjectKeyIdentifier, authorityKeyIdentifier, subjectAltName; the SKI
 * of a CA is SHA-256 of its public key (the 65-byte uncompressed P-256
 * point), a leaf carries no SKI and an AKI equal to its issuer's SKI;
 * DNS SANs first, then IP SANs.  Signatures are ECDSA with SHA-256, and
 * leaf signatures are normalised to low S as cryptogen's signer does
 * (self-signed CA certificates keep the S OpenSSL produced, as cryptogen
 * 2.5's do).  Ed25519 keys are supported as Fabric 3's cryptogen does
 * (PublicKeyAlgorithm: ed25519).
 *
 * Functions that can fail print a message (warnf) and return NULL or -1;
 * allocation failures end the program (util.h).  Every returned object is
 * owned by the caller and freed with the matching _free function.
 */
#ifndef PKI_H
#define PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x509/der.h"

enum pki_alg { PKI_ECDSA_P256, PKI_ED25519 };

/* Say OpenSSL's reason for its last failure, after what was being done (warnf). */
void pki_ssl_warn(const char *what);

/* "ecdsa" or "ed25519" (the crypto-config.yaml names) to an algorithm; 0 or -1. */
int pki_alg_from_name(const char *name, enum pki_alg *alg);

struct pki_key;

/* A new random key; NULL (after a message) only if OpenSSL fails. */
struct pki_key *pki_key_generate(enum pki_alg alg);
/*
 * A private key from PEM (PKCS#8 "PRIVATE KEY", or SEC1 "EC PRIVATE KEY"),
 * P-256 or Ed25519.  NULL without a message when it is neither: the caller
 * says which file it was.
 */
struct pki_key *pki_key_from_pem(const char *pem, size_t len);
/*
 * The key as cryptogen writes it: unencrypted PKCS#8 in PEM ("PRIVATE
 * KEY", 64-column lines).  For P-256 the inner ECPrivateKey carries the
 * public key and no parameters (138 bytes of DER).  Allocated, NUL
 * terminated, *len its length; clear it before freeing (pki_wipe_free).
 */
char *pki_key_to_pem(const struct pki_key *k, size_t *len);
enum pki_alg pki_key_alg(const struct pki_key *k);
/* The public key: the uncompressed P-256 point (65 bytes) or 32 Ed25519 bytes. */
const uint8_t *pki_key_public(const struct pki_key *k, size_t *len);
void pki_key_free(struct pki_key *k);

/* SHA-256 of a public key as cryptogen computes SKIs (and 1.4 names key files). */
void pki_ski(const uint8_t *pub, size_t len, uint8_t ski[32]);

/* Overwrite n bytes with zeros, then free them (for key material). */
void pki_wipe_free(void *p, size_t n);

/* A subject; NULL or "" fields are left out.  Up to two OUs (CA's, NodeOU). */
struct pki_name {
	const char *country, *province, *locality, *street, *postal, *org;
	const char *ou[2];
	const char *cn;
};

/* keyUsage bits, named after RFC 5280's bit numbers */
enum {
	PKI_KU_DIGITAL_SIGNATURE = 1 << 0,
	PKI_KU_KEY_ENCIPHERMENT = 1 << 2,
	PKI_KU_KEY_CERT_SIGN = 1 << 5,
	PKI_KU_CRL_SIGN = 1 << 6,
};

enum pki_eku { PKI_EKU_SERVER_AUTH, PKI_EKU_CLIENT_AUTH };

struct pki_profile {
	struct pki_name subject;
	bool is_ca;
	unsigned key_usage;             /* PKI_KU_* */
	const enum pki_eku *eku;        /* in the order wanted, may be NULL */
	size_t neku;
	char *const *sans;              /* DNS names, or IP literals (become IP SANs) */
	size_t nsans;
	int64_t not_before, not_after;  /* Unix seconds */
};

/* A certificate: its DER and the parts of it that are looked at. */
struct pki_cert {
	uint8_t *der;
	size_t len;
	/* into der: extensions is the whole [3] value, tag 0 when absent */
	struct der_value tbs, issuer, subject, spki, extensions, sigalg, sig;
	int64_t not_before, not_after;
	bool is_ca;                     /* basicConstraints cA */
	uint8_t ski[32], aki[32];
	size_t skilen, akilen;          /* 0: extension absent (or longer than 32) */
	enum pki_alg alg;               /* of the subject's public key */
	const uint8_t *pub;             /* subject public key bytes, into der */
	size_t publen;
	struct der_value san;           /* subjectAltName's GeneralNames, tag 0 when absent */
	char *cn;                       /* subject CN, "" when absent */
};

/*
 * Why a SAN cannot go into a certificate (empty, or a DNS name that is
 * not ASCII), or NULL when it can.  A static string.
 */
const char *pki_san_problem(const char *san);

/*
 * Issue a certificate for subject_key.  issuer NULL makes it self-signed
 * by subject_key (a root CA); otherwise issuer_key must be the issuer's
 * key.  Serial: 128 random bits, as cryptogen.  NULL after a message.
 */
struct pki_cert *pki_cert_issue(const struct pki_profile *p, const struct pki_key *subject_key,
				const struct pki_cert *issuer, struct pki_key *issuer_key);
/*
 * The same certificate issued again: subject, issuer, public key and
 * every extension byte for byte, with a new serial and validity, signed
 * by issuer_key (the certificate's own key when it is self-signed).
 */
struct pki_cert *pki_cert_reissue(const struct pki_cert *old, struct pki_key *issuer_key,
				  int64_t not_before, int64_t not_after);

/*
 * The same, but for its subjectAltName, which becomes the one
 * pki_cert_issue writes for sans (in the old one's place among the
 * extensions, last when there was none, left out when nsans is 0): the
 * certificate of a node whose names changed.
 */
struct pki_cert *pki_cert_reissue_sans(const struct pki_cert *old, struct pki_key *issuer_key,
				       int64_t not_before, int64_t not_after,
				       char *const *sans, size_t nsans);

/* How the names of a certificate differ from a list of SANs, as text. */
struct pki_san_diff {
	char **added;           /* in the list, not in the certificate */
	size_t nadded;
	char **removed;         /* in the certificate, not in the list */
	size_t nremoved;
};

/*
 * Compare c's subjectAltName entries with those pki_cert_issue writes for
 * sans, as sets: an entry is its type and encoded value, so "10.0.0.1"
 * is the IP address the certificate holds and "::ffff:10.0.0.1" the same,
 * while the DNS name "Peer0" is not "peer0".  Order and repetition do not
 * count.  Each difference, once, as "DNS:<name>" or "IP:<address>" (or
 * "name of tag 0x..": a kind pki_cert_issue never writes), in the order
 * of the certificate, or that pki_cert_issue would write them in (DNS
 * names, then addresses).  0 (free *diff with pki_san_diff_free),
 * or -1 without a message when c's entries are malformed.
 */
int pki_cert_san_diff(const struct pki_cert *c, char *const *sans, size_t nsans,
		      struct pki_san_diff *diff);
void pki_san_diff_free(struct pki_san_diff *diff);

/* Parse DER (copied) or the first CERTIFICATE of a PEM text; NULL without a message. */
struct pki_cert *pki_cert_from_der(const uint8_t *der, size_t len);
struct pki_cert *pki_cert_from_pem(const char *pem, size_t len);
/* PEM text of a certificate, as Go's pem.Encode; allocated, *len its length. */
char *pki_cert_to_pem(const struct pki_cert *c, size_t *len);
/* Is this the certificate of that key (same algorithm and public key)? */
bool pki_cert_matches_key(const struct pki_cert *c, const struct pki_key *k);
/* Do the two certificates hold the same public key (SubjectPublicKeyInfo)? */
bool pki_cert_same_key(const struct pki_cert *a, const struct pki_cert *b);
/* Does the signature of c verify with issuer's public key? */
bool pki_cert_signed_by(const struct pki_cert *c, const struct pki_cert *issuer);
void pki_cert_free(struct pki_cert *c);

/*
 * cryptogen's validity window: notBefore is now rounded to the nearest
 * minute (half up) less 5 minutes, notAfter notBefore plus days.
 */
void pki_validity(int64_t now_sec, long now_nsec, int days, int64_t *not_before,
		  int64_t *not_after);

#endif
