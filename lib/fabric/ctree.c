#include <stdlib.h>
#include <string.h>

#include "ctree.h"
#include "util.h"

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = xmalloc(n);

	if (n)
		memcpy(d, p, n);
	return d;
}

struct cgroup *cg_new(const char *mod_policy)
{
	struct cgroup *g = xcalloc(1, sizeof(*g));

	g->mod_policy = xstrdup(mod_policy ? mod_policy : "");
	return g;
}

void cg_free(struct cgroup *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->ngroups; i++) {
		free(g->groups[i].key);
		cg_free(g->groups[i].group);
	}
	cg_clear_entries(g);
	free(g->groups);
	free(g->values);
	free(g->policies);
	free(g->mod_policy);
	free(g);
}

/* Position of key in a sorted array of n entries whose key is at offset 0. */
static size_t find_pos(const void *arr, size_t n, size_t size, const char *key, bool *found)
{
	size_t lo = 0, hi = n;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *k = *(char *const *)((const char *)arr + mid * size);
		int c = strcmp(k, key);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Make room at pos for one more entry; returns its address. */
static void *insert_at(void **arr, size_t *n, size_t *cap, size_t size, size_t pos)
{
	char *a = xgrow(*arr, cap, *n + 1, size);

	memmove(a + (pos + 1) * size, a + pos * size, (*n - pos) * size);
	(*n)++;
	*arr = a;
	memset(a + pos * size, 0, size);
	return a + pos * size;
}

struct cgroup *cg_group(const struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->groups, g->ngroups, sizeof(*g->groups), key, &found);

	return found ? g->groups[i].group : NULL;
}

struct cvalue *cg_value(const struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->values, g->nvalues, sizeof(*g->values), key, &found);

	return found ? &g->values[i] : NULL;
}

struct cpolicy *cg_policy(const struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->policies, g->npolicies, sizeof(*g->policies), key, &found);

	return found ? &g->policies[i] : NULL;
}

void cg_add_group(struct cgroup *g, const char *key, struct cgroup *child)
{
	bool found;
	size_t i = find_pos(g->groups, g->ngroups, sizeof(*g->groups), key, &found);

	if (found) {
		cg_free(g->groups[i].group);
		g->groups[i].group = child;
		return;
	}
	struct csub *s = insert_at((void **)&g->groups, &g->ngroups, &g->capg, sizeof(*s), i);

	s->key = xstrdup(key);
	s->group = child;
}

static struct cvalue *value_slot(struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->values, g->nvalues, sizeof(*g->values), key, &found);
	struct cvalue *v;

	if (found) {
		v = &g->values[i];
		free(v->mod_policy);
		free(v->data);
		v->mod_policy = NULL;
		v->data = NULL;
		return v;
	}
	v = insert_at((void **)&g->values, &g->nvalues, &g->capv, sizeof(*v), i);
	v->key = xstrdup(key);
	return v;
}

static struct cpolicy *policy_slot(struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->policies, g->npolicies, sizeof(*g->policies), key, &found);
	struct cpolicy *p;

	if (found) {
		p = &g->policies[i];
		free(p->mod_policy);
		free(p->data);
		p->mod_policy = NULL;
		p->data = NULL;
		return p;
	}
	p = insert_at((void **)&g->policies, &g->npolicies, &g->capp, sizeof(*p), i);
	p->key = xstrdup(key);
	return p;
}

static void set_value(struct cgroup *g, const struct cvalue *src, uint64_t version,
		      const char *mod_policy, bool with_data)
{
	struct cvalue *v = value_slot(g, src->key);

	v->version = version;
	v->mod_policy = xstrdup(mod_policy);
	v->len = with_data ? src->len : 0;
	v->data = dup_bytes(src->data, v->len);
}

static void set_policy(struct cgroup *g, const struct cpolicy *src, uint64_t version,
		       const char *mod_policy, bool with_policy)
{
	struct cpolicy *p = policy_slot(g, src->key);

	p->version = version;
	p->mod_policy = xstrdup(mod_policy);
	p->present = with_policy && src->present;
	p->type = p->present ? src->type : 0;
	p->len = p->present ? src->len : 0;
	p->data = dup_bytes(src->data, p->len);
}

void cg_add_value(struct cgroup *g, const char *key, const char *mod_policy, const struct pbuf *b)
{
	struct cvalue src = { .key = (char *)key, .data = b->buf, .len = b->len };

	set_value(g, &src, 0, mod_policy, true);
}

void cg_add_policy(struct cgroup *g, const char *key, const char *mod_policy,
		   int32_t type, const struct pbuf *b)
{
	struct cpolicy src = { .key = (char *)key, .present = true, .type = type,
			       .data = b->buf, .len = b->len };

	set_policy(g, &src, 0, mod_policy, true);
}

void cg_del_value(struct cgroup *g, const char *key)
{
	bool found;
	size_t i = find_pos(g->values, g->nvalues, sizeof(*g->values), key, &found);

	if (!found)
		return;
	free(g->values[i].key);
	free(g->values[i].mod_policy);
	free(g->values[i].data);
	memmove(&g->values[i], &g->values[i + 1], (g->nvalues - i - 1) * sizeof(*g->values));
	g->nvalues--;
}

void cg_clear_entries(struct cgroup *g)
{
	for (size_t i = 0; i < g->nvalues; i++) {
		free(g->values[i].key);
		free(g->values[i].mod_policy);
		free(g->values[i].data);
	}
	for (size_t i = 0; i < g->npolicies; i++) {
		free(g->policies[i].key);
		free(g->policies[i].mod_policy);
		free(g->policies[i].data);
	}
	g->nvalues = g->npolicies = 0;
}

struct cgroup *cg_clone(const struct cgroup *g)
{
	struct cgroup *c = cg_new(g->mod_policy);

	c->version = g->version;
	for (size_t i = 0; i < g->ngroups; i++)
		cg_add_group(c, g->groups[i].key, cg_clone(g->groups[i].group));
	for (size_t i = 0; i < g->nvalues; i++)
		set_value(c, &g->values[i], g->values[i].version, g->values[i].mod_policy, true);
	for (size_t i = 0; i < g->npolicies; i++)
		set_policy(c, &g->policies[i], g->policies[i].version, g->policies[i].mod_policy, true);
	return c;
}

/* ConfigGroup: version 1, groups 2, values 3, policies 4, mod_policy 5. */
void cg_encode(const struct cgroup *g, struct pbuf *b)
{
	pb_uint(b, 1, g->version);
	for (size_t i = 0; i < g->ngroups; i++) {
		size_t e = pb_begin(b, 2), m;

		pb_str_always(b, 1, g->groups[i].key);
		m = pb_begin(b, 2);
		cg_encode(g->groups[i].group, b);
		pb_end(b, m);
		pb_end(b, e);
	}
	for (size_t i = 0; i < g->nvalues; i++) {
		const struct cvalue *v = &g->values[i];
		size_t e = pb_begin(b, 3), m;

		pb_str_always(b, 1, v->key);
		m = pb_begin(b, 2);     /* ConfigValue: version 1, value 2, mod_policy 3 */
		pb_uint(b, 1, v->version);
		pb_bytes(b, 2, v->data, v->len);
		pb_str(b, 3, v->mod_policy);
		pb_end(b, m);
		pb_end(b, e);
	}
	for (size_t i = 0; i < g->npolicies; i++) {
		const struct cpolicy *p = &g->policies[i];
		size_t e = pb_begin(b, 4), m;

		pb_str_always(b, 1, p->key);
		m = pb_begin(b, 2);     /* ConfigPolicy: version 1, policy 2, mod_policy 3 */
		pb_uint(b, 1, p->version);
		if (p->present) {
			size_t pm = pb_begin(b, 2);   /* Policy: type 1, value 2 */

			pb_int(b, 1, p->type);
			pb_bytes(b, 2, p->data, p->len);
			pb_end(b, pm);
		}
		pb_str(b, 3, p->mod_policy);
		pb_end(b, m);
		pb_end(b, e);
	}
	pb_str(b, 5, g->mod_policy);
}

/* ---- update computation ---- */

static bool same_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

/* The sets of one group under construction. */
struct delta {
	struct cgroup *read, *write, *same;     /* same: unchanged entries, as read sets */
	bool members_updated;
};

static void policies_delta(const struct cgroup *o, const struct cgroup *u, struct delta *d)
{
	for (size_t i = 0; i < o->npolicies; i++) {
		const struct cpolicy *op = &o->policies[i], *up = cg_policy(u, op->key);

		if (!up) {
			d->members_updated = true;
			continue;
		}
		if (strcmp(op->mod_policy, up->mod_policy) == 0 && op->present == up->present &&
		    op->type == up->type && same_bytes(op->data, op->len, up->data, up->len))
			set_policy(d->same, op, op->version, "", false);
		else
			set_policy(d->write, up, op->version + 1, up->mod_policy, true);
	}
	for (size_t i = 0; i < u->npolicies; i++) {
		if (cg_policy(o, u->policies[i].key))
			continue;
		d->members_updated = true;
		set_policy(d->write, &u->policies[i], 0, u->policies[i].mod_policy, true);
	}
}

static void values_delta(const struct cgroup *o, const struct cgroup *u, struct delta *d)
{
	for (size_t i = 0; i < o->nvalues; i++) {
		const struct cvalue *ov = &o->values[i], *uv = cg_value(u, ov->key);

		if (!uv) {
			d->members_updated = true;
			continue;
		}
		if (strcmp(ov->mod_policy, uv->mod_policy) == 0 &&
		    same_bytes(ov->data, ov->len, uv->data, uv->len))
			set_value(d->same, ov, ov->version, "", false);
		else
			set_value(d->write, uv, ov->version + 1, uv->mod_policy, true);
	}
	for (size_t i = 0; i < u->nvalues; i++) {
		if (cg_value(o, u->values[i].key))
			continue;
		d->members_updated = true;
		set_value(d->write, &u->values[i], 0, u->values[i].mod_policy, true);
	}
}

static bool group_update(const struct cgroup *o, const struct cgroup *u,
			 struct cgroup **read, struct cgroup **write);

static void groups_delta(const struct cgroup *o, const struct cgroup *u, struct delta *d)
{
	for (size_t i = 0; i < o->ngroups; i++) {
		const char *key = o->groups[i].key;
		const struct cgroup *ug = cg_group(u, key);
		struct cgroup *r, *w;

		if (!ug) {
			d->members_updated = true;
			continue;
		}
		if (!group_update(o->groups[i].group, ug, &r, &w)) {
			cg_add_group(d->same, key, r);
			cg_free(w);
			continue;
		}
		cg_add_group(d->read, key, r);
		cg_add_group(d->write, key, w);
	}
	for (size_t i = 0; i < u->ngroups; i++) {
		const char *key = u->groups[i].key;
		struct cgroup *empty, *r, *w;

		if (cg_group(o, key))
			continue;
		d->members_updated = true;
		/* a new group goes in whole, at version 0 */
		empty = cg_new("");
		group_update(empty, u->groups[i].group, &r, &w);
		cg_free(empty);
		cg_free(r);
		w->version = 0;
		free(w->mod_policy);
		w->mod_policy = xstrdup(u->groups[i].group->mod_policy);
		cg_add_group(d->write, key, w);
	}
}

/* Move every entry of from into to (to keeps its own on a clash). */
static void merge_into(struct cgroup *to, const struct cgroup *from)
{
	for (size_t i = 0; i < from->npolicies; i++)
		set_policy(to, &from->policies[i], from->policies[i].version, "", false);
	for (size_t i = 0; i < from->nvalues; i++)
		set_value(to, &from->values[i], from->values[i].version, "", false);
	for (size_t i = 0; i < from->ngroups; i++)
		cg_add_group(to, from->groups[i].key, cg_clone(from->groups[i].group));
}

static bool group_update(const struct cgroup *o, const struct cgroup *u,
			 struct cgroup **read, struct cgroup **write)
{
	struct delta d = { cg_new(""), cg_new(""), cg_new(""), false };
	bool changed;

	policies_delta(o, u, &d);
	values_delta(o, u, &d);
	groups_delta(o, u, &d);
	d.read->version = o->version;
	d.write->version = o->version;
	if (!d.members_updated && strcmp(o->mod_policy, u->mod_policy) == 0) {
		changed = d.read->npolicies || d.write->npolicies || d.read->nvalues ||
			d.write->nvalues || d.read->ngroups || d.write->ngroups;
		if (!changed) {
			/* unchanged: both sets name the version alone */
			cg_free(d.read);
			cg_free(d.write);
			d.read = cg_new("");
			d.write = cg_new("");
			d.read->version = d.write->version = o->version;
		}
		cg_free(d.same);
		*read = d.read;
		*write = d.write;
		return changed;
	}
	/* the membership or the mod_policy changed: the whole group is rewritten */
	merge_into(d.read, d.same);
	merge_into(d.write, d.same);
	cg_free(d.same);
	d.write->version = o->version + 1;
	free(d.write->mod_policy);
	d.write->mod_policy = xstrdup(u->mod_policy);
	*read = d.read;
	*write = d.write;
	return true;
}

int cg_compute_update(const struct cgroup *original, const struct cgroup *updated,
		      struct cgroup **read_set, struct cgroup **write_set)
{
	if (!group_update(original, updated, read_set, write_set)) {
		cg_free(*read_set);
		cg_free(*write_set);
		*read_set = *write_set = NULL;
		return -1;
	}
	return 0;
}
