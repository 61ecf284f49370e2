/*
 * ca.h - a client of Hyperledger Fabric CA's REST API (fabric-ca 1.5) on
 * libcurl and OpenSSL, and the MSP directories the identities it gets
 * live in.  caclient is its command line.
 *
 * The protocol, as fabric-ca 1.5 defines it:
 *   - every answer is a JSON object {"result": ..., "errors": [{"code": N,
 *     "message": "..."}], "messages": [], "success": bool}; N is one of
 *     fabric-ca's error codes (lib/caerrors), the HTTP status says the kind;
 *   - POST /api/v1/enroll authenticates with HTTP Basic (enrollment ID and
 *     secret) and takes {"certificate_request": "<PKCS#10 PEM>"}; the CSR's
 *     subject CN must be the enrollment ID; the result holds "Cert" (base64
 *     of the PEM certificate) and "ServerInfo" (CAName, CAChain: base64 of
 *     the PEM chain, Version);
 *   - register, revoke and the identities API authenticate with a token:
 *     base64(cert PEM) "." base64(signature), the signature an ECDSA
 *     P-256 signature (DER, low S) over SHA-256 of
 *     METHOD "." base64(URI) "." base64(body) "." base64(cert PEM),
 *     where URI is the path and query of the request exactly as sent
 *     ("/api/v1/register"), and an absent body counts as empty;
 *   - the CA is chosen by "caname" in the request body, or "ca" in the
 *     query of a request without one; without either, the default CA.
 *
 * Functions that can fail print one message (warnf) and return -1 or NULL,
 * unless they say otherwise; allocation failures end the program (util.h).
 * Secrets (enrollment secrets, private keys) are wiped before they are
 * freed and never printed.
 */
#ifndef CA_H
#define CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/json.h"
#include "x509/pki.h"

/* ---- keys, CSRs and tokens (lib/ca/key.c) ---- */

struct ca_key;

/* A new ECDSA P-256 key; NULL after a message. */
struct ca_key *ca_key_generate(void);
/* An ECDSA P-256 private key from PEM; NULL without a message otherwise. */
struct ca_key *ca_key_from_pem(const char *pem, size_t len);
/* The key as mspgen writes keys (PKCS#8 PEM); owned by k. */
const char *ca_key_pem(const struct ca_key *k, size_t *len);
/* The key for pki.h's checks (pki_cert_matches_key); owned by k. */
const struct pki_key *ca_key_pki(const struct ca_key *k);
void ca_key_free(struct ca_key *k);

/*
 * A PKCS#10 certificate request for subject CN=cn with k's public key,
 * signed by k (ECDSA with SHA-256): PEM "CERTIFICATE REQUEST", allocated.
 * NULL after a message.
 */
char *ca_csr(const struct ca_key *k, const char *cn);

/*
 * The DER ECDSA signature of SHA-256(msg) by k, S normalised to the lower
 * half of the group order as Fabric's verifiers require.  Allocated in
 * *sig; 0, or -1 after a message.
 */
int ca_sign(const struct ca_key *k, const void *msg, size_t len, uint8_t **sig, size_t *siglen);

/*
 * Fabric CA's authorization token for a request (see above), by the
 * identity whose certificate is cert_pem and key k.  Allocated; NULL
 * after a message.
 */
char *ca_token(const struct ca_key *k, const char *cert_pem, size_t cert_len, const char *method,
	       const char *uri, const void *body, size_t body_len);

/* ---- names, secrets, certificates (lib/ca/names.c) ---- */

/* The longest subject CN fabric-ca enrolls (lib/serverenroll.go). */
#define CA_NAME_MAX 64

/*
 * Why name cannot be an identity that caclient enrolls, or NULL when it
 * can: fabric-ca takes CNs of at most CA_NAME_MAX bytes, HTTP Basic
 * authentication cannot carry a ':' in a user name, and the name is a
 * file and directory name and a make variable, so only letters, digits,
 * '.', '_', '@' and '-' (not first: '.' or '-').  A static string.
 */
const char *ca_name_problem(const char *name);

/* The identity types NodeOUs classify: client, peer, orderer, admin. */
bool ca_type_valid(const char *type);

/*
 * The revocation reasons fabric-ca knows (lib/serverrevoke.go), in its
 * spelling; NULL-terminated.  ca_reason() gives the spelling of reason
 * (case does not matter), NULL when it is none of them.
 */
extern const char *const ca_reasons[];
const char *ca_reason(const char *reason);

/*
 * Read a secret from path: a regular file that neither group nor others
 * may read, not empty; trailing newlines are not part of it (as the shell's
 * $(cat) reads it).  Allocated (wipe with pki_wipe_free(s, *len + 1));
 * NULL after a message that names the file and never shows its content.
 */
char *ca_read_secret(const char *path, size_t *len);

/* A fresh random enrollment secret (32 characters of base64). */
char *ca_random_secret(void);

/*
 * Every CERTIFICATE block of a PEM text, in order: 0 with *n >= 1, or -1
 * (without a message) when there is none or one does not parse.
 */
int ca_certs_from_pem(const char *pem, size_t len, struct pki_cert ***certs, size_t *n);
void ca_certs_free(struct pki_cert **certs, size_t n);
/* The file name an MSP gives a CA certificate: "<CN>-cert.pem", allocated. */
char *ca_cert_file_name(const struct pki_cert *c);
/* Does the certificate's subject have this OU (the type fabric-ca puts there)? */
bool ca_cert_has_ou(const struct pki_cert *c, const char *ou);
/* "YYYY-MM-DD HH:MM:SS UTC" of Unix seconds, into buf. */
void ca_format_time(int64_t t, char buf[32]);

/* ---- the connection (lib/ca/client.c) ---- */

struct ca_client_opts {
	const char *url;        /* https://host:port, maybe with a path prefix */
	const char *caname;     /* NULL or "": the server's default CA */
	const char *tls_ca;     /* PEM file: the only roots TLS trusts */
	bool verbose;           /* one line per request on stderr */
};

struct ca_client;

/*
 * Ready to talk to the CA: the URL must be https:// and tls_ca must hold
 * certificates (checked here, no request is sent).  NULL after a message.
 */
struct ca_client *ca_client_new(const struct ca_client_opts *o);
void ca_client_free(struct ca_client *c);
/* The URL as given, without trailing '/', for messages. */
const char *ca_client_url(const struct ca_client *c);
const char *ca_client_caname(const struct ca_client *c);
/* The certificates of tls_ca. */
struct pki_cert *const *ca_client_tls_roots(const struct ca_client *c, size_t *n);
/*
 * A secret that must never appear in a message: it is replaced by "***"
 * in whatever the CA answers.  The pointer is kept, not copied (at most 4).
 */
void ca_client_redact(struct ca_client *c, const char *secret);

/* The CA's answer to one request. */
struct ca_resp {
	long status;                    /* HTTP status */
	long code;                      /* errors[0].code, -1 when none */
	char *message;                  /* errors[0].message (secrets redacted), NULL when none */
	struct jval *body;              /* the whole answer, NULL when not JSON */
	const struct jval *result;      /* its "result", into body; NULL when absent */
};
void ca_resp_free(struct ca_resp *r);
/*
 * What the CA said, for messages:
 *   "HTTP 404, fabric-ca code 10: Identity x was not found: ..."
 * Allocated.
 */
char *ca_resp_error(const struct ca_resp *r);

/*
 * One request: path is the path and query after the URL ("/api/v1/enroll",
 * "/api/v1/identities/x?ca=y"); body may be NULL; authorization is the
 * Authorization header's value or NULL.  0 when an answer came (r filled,
 * whatever its status; free it), -1 after a message that says the CA
 * could not be reached, or the TLS verification failed.
 */
int ca_call(struct ca_client *c, const char *method, const char *path, const char *body,
	    size_t body_len, const char *authorization, struct ca_resp *r);
/* The same with HTTP Basic authentication. */
int ca_call_basic(struct ca_client *c, const char *method, const char *path, const char *body,
		  size_t body_len, const char *user, const char *secret, struct ca_resp *r);

/* ---- identities (lib/ca/api.c) ---- */

/* An X.509 identity: its key, its certificate and the CA chain that issued it. */
struct ca_ident {
	struct ca_key *key;
	struct pki_cert *cert;
	char *cert_pem;
	size_t cert_len;
	struct pki_cert **chain;        /* as the CA sent it (or the MSP holds it) */
	size_t nchain;
};
void ca_ident_free(struct ca_ident *id);

/*
 * ca_call with Fabric CA's token of the identity `by` (see above: the URI
 * signed is the URL's path, if it has one, followed by path).
 */
int ca_call_token(struct ca_client *c, const struct ca_ident *by, const char *method,
		  const char *path, const char *body, size_t body_len, struct ca_resp *r);

/*
 * Why id is not a valid identity of name issued by a certificate of chain
 * at time now (the key is not the certificate's, the CN differs, no
 * certificate of chain signed it, it is not yet or no longer valid), or
 * NULL.  Allocated.
 */
char *ca_ident_problem(const struct ca_ident *id, const char *name, struct pki_cert *const *chain,
		       size_t nchain, int64_t now);

/* What GET /api/v1/cainfo says. */
struct ca_info {
	char *name, *version;
	struct pki_cert **chain;
	size_t nchain;
};
void ca_info_free(struct ca_info *info);

/*
 * The API calls.  Each returns 0 when the CA did it, 1 when the CA answered
 * with an error (r holds it: free it), -1 after a message (unreachable, TLS,
 * an answer that is not what fabric-ca sends).
 */
int ca_cainfo(struct ca_client *c, struct ca_info *info, struct ca_resp *r);
/*
 * Enroll name with its secret: a new key, a CSR, the certificate the CA
 * issues, checked against that key, name and the chain the CA sent.
 */
int ca_enroll(struct ca_client *c, const char *name, const char *secret, struct ca_ident *out,
	      struct ca_resp *r);
/* Token-authenticated calls, by the identity `by` (the registrar). */
int ca_register(struct ca_client *c, const struct ca_ident *by, const char *name,
		const char *type, const char *secret, struct ca_resp *r);
/* The type of a registered identity (allocated in *type). */
int ca_identity_type(struct ca_client *c, const struct ca_ident *by, const char *name,
		     char **type, struct ca_resp *r);
/* Give a registered identity a new enrollment secret, nothing else. */
int ca_identity_set_secret(struct ca_client *c, const struct ca_ident *by, const char *name,
			   const char *secret, struct ca_resp *r);
/* Revoke name and every certificate of it; *nrevoked: how many were still valid. */
int ca_revoke(struct ca_client *c, const struct ca_ident *by, const char *name,
	      const char *reason, size_t *nrevoked, struct ca_resp *r);

/* The fabric-ca error codes callers tell apart (lib/caerrors/servererror.go). */
enum {
	CA_ERR_REVOKE_ID_NOT_FOUND = 10,
	CA_ERR_CA_NOT_FOUND = 19,
	CA_ERR_AUTHENTICATION = 20,
	CA_ERR_PASSWORD_ATTEMPTS = 73,
	CA_ERR_DUP_IDENTITY = 74,
};

/* ---- MSP directories (lib/ca/msp.c) ---- */

/*
 * Load the identity of an MSP directory: keystore/priv_sk,
 * signcerts/cert.pem, and the chain from cacerts/ and intermediatecerts/.
 * 1 when loaded, 0 when dir is absent or an empty directory, -1 when it is
 * something else: *why (allocated) says what.  No message.
 */
int ca_msp_load(const char *dir, struct ca_ident *id, char **why);

struct ca_msp_opts {
	struct pki_cert *const *tls;    /* tlscacerts/, may be empty */
	size_t ntls;
	bool node_ous;                  /* config.yaml with NodeOUs, as mspgen writes it */
	mode_t dir_mode;                /* of dir itself (0755, 0700), less the umask */
	bool replace;                   /* an existing dir is replaced; else it is an error */
};

/*
 * Write id as an MSP directory, all or nothing: keystore/priv_sk (0600),
 * signcerts/cert.pem, cacerts/<CN>-cert.pem for the chain's self-signed
 * certificates and intermediatecerts/ for the others, tlscacerts/, and
 * config.yaml.  Everything goes into a hidden directory beside dir that
 * is renamed to dir once complete (missing parents are made, and removed
 * again on failure).  0, or -1 after a message with nothing left behind.
 */
int ca_msp_write(const char *dir, const struct ca_ident *id, const struct ca_msp_opts *o);
/* Remove an MSP directory: renamed aside, then deleted.  0 or -1 after a message. */
int ca_msp_remove(const char *dir);

/* ---- the registrar (lib/ca/registrar.c) ---- */

/*
 * The identity that registers and revokes: its name, its secret (read from
 * a file), and its enrollment, kept in an MSP directory of its own (mode
 * 0700) so that later runs use its certificate and not its secret.
 */
struct ca_registrar {
	const char *name, *secret_file, *dir;
	char *secret;
	size_t secret_len;
	struct ca_ident id;
	bool enrolled;                  /* id is usable */
	bool fresh;                     /* enrolled by this run, not saved yet */
};

/*
 * Read the secret file and load dir's enrollment when it is a valid one of
 * name (no request).  0, or -1 after a message.
 */
int ca_registrar_init(struct ca_registrar *reg, const char *name, const char *secret_file,
		      const char *dir);
/* Enroll the registrar unless it is (its secret is redacted in c's messages).  0 or -1. */
int ca_registrar_ready(struct ca_client *c, struct ca_registrar *reg);
/*
 * After a token call answered 401 with a stored enrollment (the CA lost
 * it, or took it back): enroll again.  1 when the call is worth retrying,
 * 0 when not (r is left alone), -1 after a message.
 */
int ca_registrar_retry(struct ca_client *c, struct ca_registrar *reg, const struct ca_resp *r);
/* Save a fresh enrollment into dir (replacing what is there).  0 or -1. */
int ca_registrar_save(struct ca_registrar *reg);
void ca_registrar_free(struct ca_registrar *reg);

#endif
