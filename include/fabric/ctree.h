/*
 * ctree.h - a channel configuration as a tree of ConfigGroups, the shape
 * every Fabric channel config has: groups of groups, each with values
 * (serialized messages) and policies, each element with a version and a
 * mod_policy.
 *
 * Entries are kept sorted by key, so encoding writes map entries in key
 * order.  A group owns its entries and sub-groups; cg_free() releases all.
 */
#ifndef TXGEN_CTREE_H
#define TXGEN_CTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/pb.h"

struct cvalue {
	char *key;
	uint64_t version;
	char *mod_policy;
	uint8_t *data;          /* the serialized value message */
	size_t len;
};

struct cpolicy {
	char *key;
	uint64_t version;
	char *mod_policy;
	bool present;           /* a Policy message is set (read sets leave it out) */
	int32_t type;           /* 1 SIGNATURE, 3 IMPLICIT_META */
	uint8_t *data;          /* the serialized policy body */
	size_t len;
};

struct cgroup;

struct csub {
	char *key;
	struct cgroup *group;
};

struct cgroup {
	uint64_t version;
	char *mod_policy;
	struct csub *groups;
	size_t ngroups, capg;
	struct cvalue *values;
	size_t nvalues, capv;
	struct cpolicy *policies;
	size_t npolicies, capp;
};

struct cgroup *cg_new(const char *mod_policy);
void cg_free(struct cgroup *g);
struct cgroup *cg_clone(const struct cgroup *g);

/* Lookups: NULL when absent. */
struct cgroup *cg_group(const struct cgroup *g, const char *key);
struct cvalue *cg_value(const struct cgroup *g, const char *key);
struct cpolicy *cg_policy(const struct cgroup *g, const char *key);

/* Insert or replace.  cg_add_group takes ownership of child. */
void cg_add_group(struct cgroup *g, const char *key, struct cgroup *child);
/* The value's bytes are copied from b (which the caller still owns). */
void cg_add_value(struct cgroup *g, const char *key, const char *mod_policy, const struct pbuf *b);
void cg_add_policy(struct cgroup *g, const char *key, const char *mod_policy,
		   int32_t type, const struct pbuf *b);
void cg_del_value(struct cgroup *g, const char *key);
/* Drop every value and policy of g (its sub-groups stay). */
void cg_clear_entries(struct cgroup *g);

/* Write g as the body of a ConfigGroup message. */
void cg_encode(const struct cgroup *g, struct pbuf *b);
/*
 * Read a ConfigGroup message (what cg_encode writes, or Fabric does: map
 * entries in any order, a repeated key's last entry wins).  NULL when the
 * bytes are no well-formed ConfigGroup.
 */
struct cgroup *cg_decode(const uint8_t *p, size_t n);
/*
 * Put the values that are maps (ACLs, Capabilities) in key order, as Go
 * encodes them deterministically: the same map, whoever encoded it, is
 * then the same bytes, as an update's comparison of values needs.
 */
void cg_canonicalize(struct cgroup *g);

/* Is the element the same (content and mod_policy; versions aside), as an update judges it? */
bool cg_same_value(const struct cvalue *a, const struct cvalue *b);
bool cg_same_policy(const struct cpolicy *a, const struct cpolicy *b);

/*
 * The ConfigUpdate that turns original into updated, computed the way
 * Fabric's configtxlator does: the read set names (by version) what the
 * update depends on, the write set carries what changes, at version + 1.
 * Returns 0, or -1 when the two trees are equal.
 */
int cg_compute_update(const struct cgroup *original, const struct cgroup *updated,
		      struct cgroup **read_set, struct cgroup **write_set);

#endif
