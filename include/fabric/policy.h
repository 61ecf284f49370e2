/*
 * policy.h - Fabric's policy rules as configtx.yaml writes them.
 *
 * Signature rules use Fabric's policy language:
 *   OR('Org1MSP.member', AND('Org2MSP.admin', 'Org3MSP.peer'))
 *   OutOf(2, 'A.member', 'B.member', 'C.member')
 * The gates are And/and/AND, Or/or/OR and OutOf/outof/OUTOF; a principal is
 * a quoted 'MSPID.role' with role admin, member, client, peer or orderer
 * (the MSP ID may itself hold dots and dashes).  AND(a, b, ...) needs every
 * argument, OR one of them, OutOf(n, ...) n of them (n may be written as a
 * number or a quoted number).  As in Fabric, every principal occurrence is
 * its own identity (no deduplication), numbered the way Fabric's parser
 * evaluates the expression: a gate's nested gates first, left to right,
 * then its own principals, left to right.  Gates nest 32 deep at most.
 *
 * ImplicitMeta rules are "ANY|ALL|MAJORITY <sub-policy name>".
 */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>

#include "fabric/pb.h"

enum msp_role { ROLE_MEMBER = 0, ROLE_ADMIN = 1, ROLE_CLIENT = 2, ROLE_PEER = 3, ROLE_ORDERER = 4 };

/* A node of the rule: signed_by one identity, or n out of the nested rules. */
struct sig_rule {
	int signed_by;              /* identity index, or -1 for an n-out-of node */
	int n;
	struct sig_rule *rules;
	size_t nrules;
};

struct sig_principal {
	char *msp_id;
	enum msp_role role;
};

/* A SignaturePolicyEnvelope: the rule and the identities it names. */
struct sig_policy {
	struct sig_rule rule;
	struct sig_principal *ids;
	size_t nids;
};

struct ynode;
struct ypath;

/*
 * Parse a signature rule.  Returns 0, or -1 after an error naming the
 * rule and the column of the fault, positioned at where and p (the rule's
 * node and path in its YAML file; either may be NULL, see yerror).
 */
int sigpolicy_parse(const char *text, const struct ynode *where, const struct ypath *p,
		    struct sig_policy *out);
void sigpolicy_free(struct sig_policy *p);
/* Write p as the body of a SignaturePolicyEnvelope message. */
void sigpolicy_encode(const struct sig_policy *p, struct pbuf *b);

enum implicit_rule { IMPLICIT_ANY = 0, IMPLICIT_ALL = 1, IMPLICIT_MAJORITY = 2 };

/*
 * Parse "ANY Readers": exactly two tokens separated by one space, as
 * Fabric splits them.  Returns 0 with *sub pointing into text, or -1
 * after an error positioned at where and p, as sigpolicy_parse.
 */
int implicit_meta_parse(const char *text, const struct ynode *where, const struct ypath *p,
			enum implicit_rule *rule, const char **sub);
/* Write the body of an ImplicitMetaPolicy message. */
void implicit_meta_encode(enum implicit_rule rule, const char *sub, struct pbuf *b);

/* "MEMBER", "ADMIN", ... as the MSPRole enum names them. */
const char *msp_role_name(enum msp_role r);

#endif
