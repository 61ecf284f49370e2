/*
 * cryptocfg.h - crypto-config.yaml, the input of Fabric's cryptogen, read
 * and checked once for every tool that needs it (yaml2vars, mspgen).
 *
 * Loading validates the whole schema and expands every org the way
 * cryptogen does: Specs first, then Template nodes named by the Hostname
 * template ("{{.Prefix}}{{.Index}}" with Prefix "peer" or "orderer",
 * Index from Start), each node's CommonName ("{{.Hostname}}.{{.Domain}}"
 * by default) and SANS (CommonName, Hostname, then every SANS entry
 * rendered with {{.Hostname}}, {{.Domain}} and {{.CommonName}}).
 *
 * A CommonName must be usable as a file name (not empty, no '/'), and a
 * rendered SANS entry must be a non-empty ASCII name or address (Go's
 * x509 refuses non-ASCII DNS names; cryptogen fails on them later).
 *
 * Several files load as one network (test-network keeps each org in a
 * file of its own); a domain or Name given twice is an error naming both
 * places.  What the cluster asks of the names (namespaces, object names)
 * is yaml2vars' business: these are cryptogen's rules alone.
 */
#ifndef CRYPTOCFG_H
#define CRYPTOCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml/ytree.h"

/* Limits on counts, so that a typo cannot ask for a million certificates. */
enum { MAX_TEMPLATE_COUNT = 1000, MAX_USER_COUNT = 1000 };

enum org_type { ORG_ORDERER, ORG_PEER };

struct node_spec {
	char *hostname;            /* "peer0" */
	char *common_name;         /* "peer0.org1", also the node's directory name */
	char **sans;               /* CommonName, Hostname, then rendered SANS */
	size_t nsans;
	/* the CA fields a Spec may carry (cryptogen reads them for the CA only) */
	char *country, *province, *locality, *org_unit, *street, *postal;
	char *key_algorithm;       /* "ecdsa" (default) or "ed25519" */
	const struct ynode *where; /* for messages */
};

struct org_spec {
	enum org_type type;
	char *name;                /* Name: "Org1" */
	char *domain;              /* Domain: "org1.example.com" */
	bool node_ous;             /* EnableNodeOUs */
	struct node_spec ca;       /* CA (Hostname "ca" by default) */
	struct node_spec *nodes;   /* Specs, then Template nodes */
	size_t nnodes;
	int users;                 /* Users.Count: User1..UserN besides Admin
				    * (always 0 for orderer orgs, as cryptogen) */
	char *user_key_algorithm;
	char *msp_id;              /* from configtx.yaml, or Name + "MSP" */
	const struct ynode *where; /* the org's mapping */
	size_t index;              /* position in its list */
};

struct crypto_config {
	struct org_spec *orgs;     /* orderer orgs first, then peer orgs */
	size_t norgs;
	struct yfile **files;      /* the files loaded, in the order given */
	size_t nfiles;
};

/* Load and check a crypto-config.yaml. Errors are printed; NULL on failure. */
struct crypto_config *cryptocfg_load(const char *path);
/* Several files as one network: their orgs merged, in the order given. */
struct crypto_config *cryptocfg_load_files(const char *const *paths, size_t n);
/* The same from text in memory; name is what messages call it. */
struct crypto_config *cryptocfg_load_mem(const char *name, const char *text);
void cryptocfg_free(struct crypto_config *cfg);

/*
 * One more SANS entry for every node of every org, as if the config listed
 * it last: a cryptogen template of {{.Hostname}}, {{.Domain}} and
 * {{.CommonName}}.  A name a node has already is not added again.
 * Returns 0, or -1 after printing why the template is wrong.
 */
int cryptocfg_add_san(struct crypto_config *cfg, const char *tmpl);

/* The org with this domain, or NULL. */
struct org_spec *cryptocfg_find(struct crypto_config *cfg, const char *domain);

/* "ordererOrganizations" or "peerOrganizations". */
const char *org_dir_name(const struct org_spec *org);
/* "orderer" or "peer". */
const char *org_type_name(const struct org_spec *org);
/* "OrdererOrgs" or "PeerOrgs": the list the org is in, for messages. */
const char *org_list_name(const struct org_spec *org);

/*
 * Learn every org's MSP ID from configtx.yaml: the Organizations entry
 * whose MSPDir ends in <ordererOrganizations|peerOrganizations>/<domain>/msp.
 * Orgs without one keep Name + "MSP".  Returns 0, or -1 after printing
 * errors (unreadable file, malformed Organizations, two entries for one org).
 */
int cryptocfg_read_msp_ids(struct crypto_config *cfg, const char *configtx_path);

/* Is s a valid Kubernetes namespace / DNS-1123 label (a-z0-9 and '-', <= 63)? */
bool is_dns_label(const char *s);

/*
 * Expand a cryptogen template: "{{.Name}}" (spaces allowed inside the
 * braces) is replaced by the value of Name in vars, a NULL-terminated list
 * of name, value pairs.  Returns an allocated string, or NULL after an
 * error (an unknown field, an unsupported action) positioned at where and
 * p, the template's node and path (either may be NULL, see yerror).
 */
char *gotemplate_expand(const char *tmpl, const char *const *vars, const struct ynode *where,
			const struct ypath *p);

#endif
