/*
 * clusterconfig.h - what the cluster makes of a network: each org a
 * namespace, each node a Service in it, reached at "<hostname>.<namespace>"
 * (yaml2vars decides the names), and the cluster's copy of configtx.yaml.
 */
#ifndef CLUSTERCONFIG_H
#define CLUSTERCONFIG_H

#include "network/cryptocfg.h"
#include "base/util.h"

/*
 * PEER_PORT, ORDERER_PORT and CA_PORT, the ports the nodes serve at in the
 * cluster, come from templates/constants.vars, as -D options of the compiler
 * (rules/tools.mk): the templates and the rules read the same file.
 */
#if !defined(PEER_PORT) || !defined(ORDERER_PORT) || !defined(CA_PORT)
#error "PEER_PORT, ORDERER_PORT and CA_PORT: build with make, which reads them from templates/constants.vars"
#endif

struct cluster_org {
	char *namespace;           /* "org1-example-com" */
	char **hosts;              /* per node: "peer0.org1-example-com" */
	char **externals;          /* per node, with external endpoints: "10.0.0.1:30101", else NULL */
	char *ca_external;         /* the CA's, likewise */
	bool remote;               /* another operator's org (imports.h): its tree is an import's,
				    * and every node of it is reached at its external address */
};

struct cluster {
	const struct crypto_config *cfg;
	struct cluster_org *orgs;  /* parallel to cfg->orgs */
	const char *import_root;   /* the imported orgs' trees (<root>/<domain>/) as the copy names them */
	struct strbuf *lacks;      /* when set, an org of configtx.yaml that is neither in the crypto
				    * config nor imported is said there, a line each, not an error */
};

/* The in-cluster port of a node of org o. */
int node_port(const struct org_spec *o);

/* A DNS name (labels of letters, digits and '-', at most 253 characters, not all-numeric at the end)? */
bool is_dns_name(const char *s);
/* An IPv4 address (four numbers of 0 to 255, no leading zeros)? */
bool is_ipv4(const char *s);

/*
 * The cluster's copy of configtx.yaml: the file as written, but with every
 * MSPDir and consenter certificate path pointing into msp_root (the
 * crypto-config tree as seen from the copy), matched by its
 * ".../ordererOrganizations|peerOrganizations/<domain>/..." suffix, and
 * every address of a node of the network (OrdererEndpoints, Addresses,
 * AnchorPeers, consenters' Host and Port) changed to its in-cluster name
 * and port, or, where the node has an external address, to that (but
 * consenters, which the orderers reach in the cluster).  Nothing else
 * changes: comments, anchors and layout stay.
 * Errors (a path that names no org) are printed with file and line;
 * returns 0 and the text in *out, or -1.  With consenters, it also gets
 * a line "<domain>_CONSENTERS := <hostname>..." per orderer org whose
 * orderers a consenter of the file names (by its certificates).
 */
int cluster_configtx(const struct cluster *cl, const char *configtx, const char *msp_root,
		     struct strbuf *out, struct strbuf *consenters);
/* The same for text in memory (name is what messages call it). */
int cluster_configtx_mem(const struct cluster *cl, const char *name, const char *text, size_t len,
			 const char *msp_root, struct strbuf *out, struct strbuf *consenters);

/*
 * The profiles of configtx.yaml by what they make, as space-separated
 * names: application-channel genesis (Orderer and Application, no
 * Consortiums), system-channel genesis (Consortiums), channel creation
 * (Application without Orderer).  Names Make cannot carry are left out.
 * With them, the MSP IDs of each profile's Application orgs and the
 * OrdererType of each profile with an Orderer section.
 * Returns 0, or -1 after printing an error.
 */
struct profile_kinds {
	struct strbuf app_genesis, sys_genesis, channel;
	struct strbuf msps;     /* "<profile>_APP_MSPS := <MSP IDs>" lines: the channel's orgs, and
				   "<profile>_ORDERER_TYPE := <type>" lines */
	struct strbuf consenters;  /* "<domain>_CONSENTERS := ..." lines (cluster_configtx) */
};
int configtx_profiles(const char *configtx, struct profile_kinds *pk);

#endif
