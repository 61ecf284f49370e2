/*
 * imports.h - orgs another operator runs, known here by what its make
 * export wrote (rules/export.mk): org.vars (DOMAIN, MSP_ID, ORG_TYPE, the
 * nodes' CommonNames and external addresses) beside the org's MSP and its
 * orderers' certificates.  The channel's config names them (their MSPs,
 * their nodes' addresses); nothing of them is deployed here.
 */
#ifndef IMPORTS_H
#define IMPORTS_H

#include "network/clusterconfig.h"

struct imported_orgs {
	struct org_spec *orgs;       /* type, name, domain, MSP ID, nodes (CommonName, hostname) */
	struct cluster_org *corgs;   /* parallel: each node's external address (hosts: its CommonName) */
	char **files;                /* parallel: the org.vars each came from, for messages */
	size_t n;
};

/*
 * Read each org.vars (whose directory is the org's: the archive's top
 * one) and check it against the own orgs of cfg (domain and MSP ID) and
 * the other imports.  Returns 0, or -1 after printing each error, naming
 * the file and field; *im is complete either way (imports_free).
 */
int imports_load(const char *const *files, size_t n, const struct crypto_config *cfg,
		 struct imported_orgs *im);
void imports_free(struct imported_orgs *im);

/*
 * The whole network as configtx.yaml sees it: own's orgs, then the
 * imported ones (marked remote), in *cfg and *cl, which share every
 * string with own and im (imports_whole_free frees the arrays alone).
 */
void imports_whole(const struct cluster *own, const struct imported_orgs *im,
		   struct crypto_config *cfg, struct cluster *cl);
void imports_whole_free(struct crypto_config *cfg, struct cluster *cl);

#endif
