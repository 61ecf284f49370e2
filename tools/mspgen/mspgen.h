/*
 * mspgen.h - what the parts of mspgen share: the run's settings and the
 * commands (generate.c: generate and extend; renew.c: renew and expiry,
 * and the replacing of certificate files that extend uses too).
 */
#ifndef MSPGEN_H
#define MSPGEN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "network/cryptocfg.h"

/* cryptogen's validity: 3650 days from five minutes ago. */
enum { CERT_DAYS = 3650 };

struct run {
	const char *root;       /* the crypto-config directory */
	const char *org;        /* --org, or NULL for every org */
	bool force;             /* generate: replace existing orgs */
	long days;              /* renew/expiry: only certificates expiring within; -1 all */
	mode_t umask;           /* files get 0644, keys 0600, directories 0755 less it */
	int64_t now;            /* Unix seconds (MSPGEN_NOW overrides the clock) */
	long now_nsec;
};

/* Set by SIGINT, SIGTERM and SIGHUP; long loops stop and clean up. */
extern volatile sig_atomic_t mspgen_interrupted;

int cmd_generate(struct run *r, struct crypto_config *cfg);
int cmd_extend(struct run *r, struct crypto_config *cfg);
int cmd_renew(struct run *r);
int cmd_expiry(struct run *r);

struct pki_cert;
struct pki_key;

/* A CA of an org: key and certificate. */
struct ca {
	char *name;             /* its CN, which names its files: <name>-cert.pem */
	struct pki_key *key;
	struct pki_cert *cert;
	char *pem;              /* the certificate as cryptogen writes it */
	size_t pemlen;
};

/*
 * Read an existing CA from dir: its only key file (*_sk, "priv_sk" in 2.5,
 * <ski>_sk in 1.4) and its certificate (the only *.pem, or <name>-cert.pem),
 * checked to be a CA certificate of that key.  name NULL: the CN.
 * 0, or -1 after a message naming the file.
 */
int load_ca(const char *dir, const char *name, struct ca *ca);
void free_ca(struct ca *ca);

/*
 * renew's lists of certificate files (renew.c), which extend uses for the
 * TLS certificates of nodes whose names changed.
 */
struct certfile {
	char *path;             /* as opened */
	char *rel;              /* relative to the crypto-config directory, for output */
	struct pki_cert *cert;
	struct pki_cert *renewed;       /* what replaces it; NULL: it stays */
	/* extend: the names the node's TLS certificate must have, and how they differ */
	char *const *sans;
	size_t nsans;
	char *change;           /* "added DNS:x; removed IP:y", NULL when they are equal */
};

struct certfiles {
	struct certfile *v;
	size_t n, cap;
};

/*
 * Append root/rel when it is a regular file.  0 (also when it is not
 * there: nothing appended), or -1 after a message when it cannot be read
 * or is not a certificate.
 */
int add_certfile(const struct run *r, struct certfiles *cf, const char *rel);
void certfiles_free(struct certfiles *cf);
/*
 * Every *.pem and *.crt under dir that holds, byte for byte, a certificate
 * of cf that has a renewed one gets the renewed one, each file replaced
 * atomically (write_file: a temporary file renamed over it) with its mode
 * kept and without fsync (the caller syncs once); *count is raised by the
 * files replaced.  0, or -1 after a message.
 */
int replace_certs(const struct certfiles *cf, const char *dir, int *count);
/* The validity of a certificate issued now: cryptogen's CERT_DAYS window. */
void cert_validity(const struct run *r, int64_t *not_before, int64_t *not_after);

/* read_file with a message naming the file on failure. */
char *read_whole(const char *path, size_t *len);
bool has_suffix(const char *s, const char *suffix);

/* The configuration showtemplate prints and generate uses without --config. */
extern const char mspgen_template[];

#endif
