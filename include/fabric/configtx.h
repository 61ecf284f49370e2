/*
 * configtx.h - configtx.yaml made into channel configs (lib/fabric): the file
 * being read, the channel config built from a profile, and the artifacts
 * made of it (blocks and envelopes), and reading them back; txgen is the
 * command line around it.
 */
#ifndef FABRIC_CONFIGTX_H
#define FABRIC_CONFIGTX_H

#include <stdbool.h>
#include <stdint.h>

#include "fabric/ctree.h"
#include "fabric/msp.h"
#include "fabric/pb.h"
#include "yaml/ytree.h"

/* Group and value names of a channel config, as Fabric spells them. */
#define ADMINS "Admins"
#define ORDERER_ADMINS "/Channel/Orderer/Admins"
#define BLOCK_VALIDATION "BlockValidation"
/* The Orderer group's value of BFT's consenters (Fabric 3). */
#define ORDERERS "Orderers"
/* The consensus type of BFT (SmartBFT) ordering, spelled as Fabric 3 does. */
#define ORDERER_TYPE_BFT "BFT"
/* The channel capability of Fabric 3, which BFT needs and which changes configtxgen's rules. */
#define CAPABILITY_V3_0 "V3_0"

/* An org seen while building, for the preflight checks. */
struct org_seen {
	const char *name;
	const char *id;                 /* MSP ID */
	const struct ynode *where;
	struct msp_facts facts;
};

struct txctx {
	char *config_dir;               /* directory of configtx.yaml: relative paths start here */
	struct yfile *file;
	const struct ynode *root;
	bool skip_preflight;
	bool genesis;                   /* a genesis block is asked for (-outputBlock) */
	bool v3;                        /* the profile being built has the channel capability V3_0 */
	size_t bft_consenters;          /* its BFT consenters (0: it orders otherwise) */
	struct org_seen *orgs;
	size_t norgs, caporgs;
};

/* configtx.yaml keys are matched regardless of case, as Fabric's loader does. */

/* ---- profile.c: configtx.yaml to channel config ---- */

/* Load configtx.yaml from path; 0 or -1 (errors printed).  tx_free() either way. */
int tx_load(struct txctx *ctx, const char *path);
/* The same from text (name is what messages call it); relative paths start at config_dir. */
int tx_load_mem(struct txctx *ctx, const char *name, const char *buf, size_t len,
		const char *config_dir);
void tx_free(struct txctx *ctx);
/* The profile called name, or NULL after an error naming the known ones. */
const struct ynode *tx_profile(struct txctx *ctx, const char *name);
/*
 * The channel group of a profile, with every MSP read from disk, checked
 * by the preflight rules unless ctx->skip_preflight.  NULL after errors.
 */
struct cgroup *tx_channel_group(struct txctx *ctx, const struct ynode *profile, const char *name);
/* The Name of the org whose MSP ID is id among the orgs of the last profile built, or NULL. */
const char *tx_org_name_by_id(const struct txctx *ctx, const char *id);
/* An org of the top-level Organizations, by Name, as an orderer org group (-printOrg). */
struct cgroup *tx_print_org(struct txctx *ctx, const char *name);
/*
 * For the other files that read a profile: an unsigned 32-bit number of
 * parent's key as Fabric reads one, plain (decimal, or 0x hex) or a size
 * ("98 MB", "512 KB", "2g"); *out untouched when the key is absent or
 * null.  0, or -1 after a positioned error.
 */
int tx_get_u32(const struct ynode *parent, const char *key, const struct ypath *p, uint32_t *out);
/* A path of configtx.yaml as Fabric resolves it: from the file's directory, cleaned; allocated. */
char *tx_resolve_path(const struct txctx *ctx, const char *path);

/* ---- bft.c: BFT (SmartBFT) ordering, Fabric 3 ---- */

/*
 * The SmartBFT and ConsenterMapping keys of an Orderer section, checked
 * (keys and types) as configtxgen 3.1 reads them whatever the orderer
 * type.  0, or -1 after positioned errors.
 */
int tx_bft_check(const struct ynode *ord, const struct ypath *p);
/*
 * BFT ordering as configtxgen 3.1 encodes it: the ConsenterMapping
 * (certificate files read from disk) becomes the Orderers value of the
 * Orderer group g, the BlockValidation policy of g becomes a quorum of the
 * consenters' signing identities, and the SmartBFT options (the SmartBFT
 * library's defaults when the section is absent) are written to meta, the
 * ConsensusType metadata.  Unless ctx->skip_preflight, refuses what Fabric
 * 3's orderers refuse at run time: options they cannot run with, consenter
 * IDs 0 or twice, certificates that are not PEM.  0, or -1 after
 * positioned errors.
 */
int tx_bft_orderer(struct txctx *ctx, const struct ynode *ord, const struct ypath *p,
		   struct cgroup *g, struct pbuf *meta);
/*
 * Preflight, once every org of the profile is read: each consenter's
 * MSPID names an org of the channel (an orderer refuses a consenter whose
 * MSP the channel lacks).  0, or -1 after positioned errors.
 */
int tx_bft_preflight_msps(const struct txctx *ctx, const struct ynode *ord, const struct ypath *p);

/* ---- artifact.c: blocks and envelopes ---- */

/* The genesis block of channel_id holding the config channel (a Block message). */
int tx_genesis_block(const struct cgroup *channel, const char *channel_id, struct pbuf *out);
/* An unsigned CONFIG_UPDATE envelope carrying read_set -> write_set for channel_id. */
void tx_config_update_envelope(const char *channel_id, const struct cgroup *read_set,
			       const struct cgroup *write_set, struct pbuf *out);

/* What a config block says besides its channel group. */
struct block_config {
	char *channel_id;               /* allocated; "" when the header has none */
	uint64_t sequence;              /* the config's sequence: the updates applied */
	uint64_t number;                /* the block's number */
};
/*
 * The channel group of a config block (block 0, or the block `peer channel
 * fetch config` gives), with bc filled in (free bc->channel_id).  NULL with
 * *why saying what the bytes are instead.
 */
struct cgroup *tx_block_config(const uint8_t *block, size_t len, struct block_config *bc, const char **why);

/* ---- reconcile.c: a live channel against configtx.yaml ---- */

/*
 * The config configtx.yaml declares for a live channel: live, with the
 * Application group and the channel's Capabilities of channel (the channel
 * profile's group) and the Orderer group of orderer (the profile with the
 * Orderer section: the channel's own, or the system channel's; NULL:
 * channel's).  What the profiles do not describe stays as it is.
 */
struct cgroup *tx_declared_config(const struct cgroup *live, const struct cgroup *channel,
				  const struct cgroup *orderer);
/*
 * etcdraft takes one consenter change per config update (Fabric refuses an
 * update that adds, removes or re-certifies more than one; BFT's are left
 * as they are, see tx_check_bft).  When the consenters of declared differ
 * from live's by more, declared gets live's consenters with one change
 * made: an addition first, then new certificates, then a removal (growing
 * before shrinking keeps a quorum).
 * Returns how many changes are left for the updates after this one.
 */
size_t tx_one_consenter_change(const struct cgroup *live, struct cgroup *declared);
/*
 * A channel with one consenter cannot take a new certificate for it: its
 * leader hands leadership over before such a change, and there is no one
 * to hand it to (Fabric stalls).  When declared gives the only consenter
 * a certificate with the same key (make renew), declared keeps live's
 * certificate, by whose key the orderers know the node anyway, and a note
 * says so; with another key, -1 after an error saying why.
 */
int tx_keep_sole_consenter(const struct cgroup *live, struct cgroup *declared, struct strbuf *note);
/*
 * BFT (Fabric 3) takes any number of consenter changes in one config
 * update: its orderers check only that the BlockValidation policy is the
 * quorum configtxgen computes for the new Orderers value (declared has
 * it) and that leader rotation is off.  What they take and should not:
 * a consenter that declared gives another ID than the channel has it
 * under (known by the key of its Identity) is refused, -1 after an
 * error (a running orderer keeps the ID it started with, and would
 * leave the channel's consensus).  note says when the new set's
 * quorum needs consenters the channel does not have yet, and what of
 * the update the orderers take only when they restart (RequestPoolSize)
 * or never (BatchTimeout).  0 otherwise, and for a channel of another
 * orderer type.
 */
int tx_check_bft(const struct cgroup *live, const struct cgroup *declared, struct strbuf *note);
/*
 * "add|remove|change /Channel/..." lines, one per element that differs;
 * under a change of the consenters (etcdraft's ConsensusType, BFT's
 * Orderers), a line per consenter ("add consenter host:port", BFT's
 * with "(ID n)").
 */
void tx_describe_changes(const struct cgroup *live, const struct cgroup *declared, struct strbuf *out);
/*
 * MSP IDs whose admins' signatures meet the mod_policy of every element
 * the update changes, evaluated in the live config (MAJORITY of n: the
 * first n/2 + 1, preferring MSPs chosen already).  An allocated array of
 * *n allocated strings, or NULL after an error saying which policy
 * cannot be met.
 */
char **tx_update_signers(const struct cgroup *live, const struct cgroup *read_set,
			 const struct cgroup *write_set, size_t *n);

/* ---- inspect.c: Fabric's JSON rendering ---- */

enum inspect_what { INSPECT_BLOCK, INSPECT_ENVELOPE, INSPECT_ORDERER_ORG };
/*
 * Print data as Fabric's configtxlator does: a block of a Fabric 3 channel
 * (channel capability V3_0) as 3.x's does, anything else as 2.x's; 0, or
 * -1 after an error saying why data does not decode, prefixed with name
 * (what messages call data, such as its file; NULL: nothing).
 */
int tx_inspect(enum inspect_what what, const char *name, const uint8_t *data, size_t len,
	       struct strbuf *out);

#endif
