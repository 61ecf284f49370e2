/*
 * msp.h - an org's MSP directory read into the MSPConfig that channel
 * configs carry, the way Fabric's configtxgen reads it: every PEM file of
 * cacerts, intermediatecerts, admincerts, tlscacerts, tlsintermediatecerts
 * and crls in file-name order (files without PEM content are skipped with
 * a warning), and config.yaml's OrganizationalUnitIdentifiers and NodeOUs.
 */
#ifndef TXGEN_MSP_H
#define TXGEN_MSP_H

#include <stdbool.h>

#include "fabric/pb.h"

/* What preflight checks need to know about an MSP. */
struct msp_facts {
	bool node_ous;          /* NodeOUs.Enable */
	bool admin_ou;          /* NodeOUs.AdminOUIdentifier is set */
	size_t nadmins;         /* files in admincerts */
};

struct ynode;
struct ypath;

/*
 * Append the body of an MSPConfig (type FABRIC, config = FabricMSPConfig)
 * for the MSP in dir, named id, to out.  Returns 0, or -1 after an error
 * positioned at where and p, the node and path that name dir (see yerror).
 */
int msp_load(const char *dir, const char *id, const struct ynode *where, const struct ypath *p,
	     struct pbuf *out, struct msp_facts *facts);

#endif
