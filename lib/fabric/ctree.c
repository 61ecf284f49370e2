#include <stdlib.h>
#include <string.h>

#include "fabric/ctree.h"
#include "base/util.h"

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

/* ---- decoding ---- */

/* A map entry's key (field 1) and value message (field 2); -1 when malformed. */
static int map_entry(const struct pb_field *f, char **key, const uint8_t **val, size_t *vlen)
{
	struct pb_reader r = pb_reader(f->data, f->len);
	struct pb_field e;
	int rc;

	*key = NULL;
	*val = NULL;
	*vlen = 0;
	while ((rc = pb_next(&r, &e)) > 0) {
		if (e.type != PB_LEN)
			continue;
		if (e.num == 1) {
			free(*key);
			*key = memchr(e.data, 0, e.len) ? NULL : xstrndup((const char *)e.data, e.len);
			if (!*key)
				return -1;
		} else if (e.num == 2) {
			*val = e.data;
			*vlen = e.len;
		}
	}
	if (rc < 0 || !*key) {
		free(*key);
		*key = NULL;
		return -1;
	}
	return 0;
}

/* A string field: a copy, refused when it holds a NUL (no key or policy name does). */
static char *string_of(const struct pb_field *f)
{
	return memchr(f->data, 0, f->len) ? NULL : xstrndup((const char *)f->data, f->len);
}

/* ConfigValue: version 1, value 2, mod_policy 3. */
static int decode_value(struct cgroup *g, const char *key, const uint8_t *p, size_t n)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;
	struct cvalue v = { .key = (char *)key, .mod_policy = NULL };
	char *mod = NULL;
	int rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == 1 && f.type == PB_VARINT) {
			v.version = f.u;
		} else if (f.num == 2 && f.type == PB_LEN) {
			v.data = (uint8_t *)f.data;
			v.len = f.len;
		} else if (f.num == 3 && f.type == PB_LEN) {
			free(mod);
			if (!(mod = string_of(&f)))
				return -1;
		}
	}
	if (rc == 0)
		set_value(g, &v, v.version, mod ? mod : "", true);
	free(mod);
	return rc;
}

/* ConfigPolicy: version 1, policy 2 (Policy: type 1, value 2), mod_policy 3. */
static int decode_policy(struct cgroup *g, const char *key, const uint8_t *p, size_t n)
{
	struct pb_reader r = pb_reader(p, n), pr;
	struct pb_field f, pf;
	struct cpolicy c = { .key = (char *)key };
	char *mod = NULL;
	int rc, prc = 0;

	while ((rc = pb_next(&r, &f)) > 0) {
		if (f.num == 1 && f.type == PB_VARINT) {
			c.version = f.u;
		} else if (f.num == 2 && f.type == PB_LEN) {
			c.present = true;
			c.type = 0;
			c.data = NULL;
			c.len = 0;
			pr = pb_reader(f.data, f.len);
			while ((prc = pb_next(&pr, &pf)) > 0) {
				if (pf.num == 1 && pf.type == PB_VARINT) {
					c.type = (int32_t)pf.u;
				} else if (pf.num == 2 && pf.type == PB_LEN) {
					c.data = (uint8_t *)pf.data;
					c.len = pf.len;
				}
			}
			if (prc < 0)
				break;
		} else if (f.num == 3 && f.type == PB_LEN) {
			free(mod);
			if (!(mod = string_of(&f)))
				return -1;
		}
	}
	if (rc < 0 || prc < 0) {
		free(mod);
		return -1;
	}
	set_policy(g, &c, c.version, mod ? mod : "", true);
	free(mod);
	return 0;
}

/* Nesting deeper than any channel config has is refused, as garbage. */
enum { MAX_DEPTH = 16 };

static struct cgroup *decode_group(const uint8_t *p, size_t n, int depth)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;
	struct cgroup *g = cg_new("");
	int rc;

	if (depth > MAX_DEPTH) {
		cg_free(g);
		return NULL;
	}
	while ((rc = pb_next(&r, &f)) > 0) {
		const uint8_t *val;
		size_t vlen;
		char *key;
		int bad = 0;

		if (f.num == 1 && f.type == PB_VARINT) {
			g->version = f.u;
			continue;
		}
		if (f.type != PB_LEN)
			continue;
		if (f.num == 5) {
			char *mod = string_of(&f);
			if (!mod)
				break;
			free(g->mod_policy);
			g->mod_policy = mod;
			continue;
		}
		if (f.num < 2 || f.num > 4)
			continue;
		if (map_entry(&f, &key, &val, &vlen) < 0)
			break;
		if (f.num == 2) {
			struct cgroup *child = decode_group(val, vlen, depth + 1);
			if (child)
				cg_add_group(g, key, child);
			else
				bad = 1;
		} else if (f.num == 3) {
			bad = decode_value(g, key, val, vlen) < 0;
		} else {
			bad = decode_policy(g, key, val, vlen) < 0;
		}
		free(key);
		if (bad)
			break;
	}
	if (rc != 0) {
		cg_free(g);
		return NULL;
	}
	return g;
}

struct cgroup *cg_decode(const uint8_t *p, size_t n)
{
	return decode_group(p, n, 0);
}

/* ---- canonical values ---- */

struct map_entry_ref {
	const uint8_t *key, *entry;     /* the entry's key, and the whole field (tag included) */
	size_t klen, len;
};

static int cmp_entries(const void *a, const void *b)
{
	const struct map_entry_ref *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->klen < y->klen ? x->klen : y->klen);

	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/*
 * A message that is one map (field 1) encoded with its entries in key
 * order, as Go writes it deterministically; other messages are left alone.
 * Fabric's tools marshal maps in any order, so the same ACLs or
 * Capabilities may come as different bytes.
 */
static void sort_map_value(struct cvalue *v)
{
	struct pb_reader r = pb_reader(v->data, v->len);
	struct map_entry_ref *e = NULL;
	size_t n = 0, cap = 0;
	struct pb_field f;
	const uint8_t *start = v->data;
	int rc;

	while ((rc = pb_next(&r, &f)) > 0) {
		struct pb_reader er = pb_reader(f.data, f.len);
		struct pb_field k;
		const uint8_t *key = NULL;
		size_t klen = 0;

		if (f.num != 1 || f.type != PB_LEN)
			break;
		while (pb_next(&er, &k) > 0)
			if (k.num == 1 && k.type == PB_LEN) {
				key = k.data;
				klen = k.len;
			}
		e = xgrow(e, &cap, n + 1, sizeof(*e));
		e[n++] = (struct map_entry_ref){ key ? key : f.data, start, key ? klen : 0,
						 (size_t)(r.p - start) };
		start = r.p;
	}
	if (rc == 0 && n > 1) {
		uint8_t *out = xmalloc(v->len), *o = out;

		qsort(e, n, sizeof(*e), cmp_entries);
		for (size_t i = 0; i < n; i++) {
			memcpy(o, e[i].entry, e[i].len);
			o += e[i].len;
		}
		free(v->data);
		v->data = out;
	}
	free(e);
}

void cg_canonicalize(struct cgroup *g)
{
	for (size_t i = 0; i < g->nvalues; i++)
		if (strcmp(g->values[i].key, "ACLs") == 0 || strcmp(g->values[i].key, "Capabilities") == 0)
			sort_map_value(&g->values[i]);
	for (size_t i = 0; i < g->ngroups; i++)
		cg_canonicalize(g->groups[i].group);
}

/* ---- update computation ---- */

static bool same_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

bool cg_same_value(const struct cvalue *a, const struct cvalue *b)
{
	return strcmp(a->mod_policy, b->mod_policy) == 0 && same_bytes(a->data, a->len, b->data, b->len);
}

bool cg_same_policy(const struct cpolicy *a, const struct cpolicy *b)
{
	return strcmp(a->mod_policy, b->mod_policy) == 0 && a->present == b->present && a->type == b->type &&
	       same_bytes(a->data, a->len, b->data, b->len);
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
		if (cg_same_policy(op, up))
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
		if (cg_same_value(ov, uv))
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
