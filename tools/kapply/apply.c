/* kapply apply and kapply diff (apply --dry-run). */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "kapply.h"

#define MAX_DIFF_PATHS 8

/* The server-side apply of t (a dry run: the server checks it and changes nothing). */
static struct kreq *apply_req(struct run *r, struct target *t, bool dry_run)
{
	char *path = kapi_path(t->res, t->ns, t->o->name);
	char *url = xasprintf("%s?fieldManager=%s&fieldValidation=Strict%s%s", path, FIELD_MANAGER,
			      r->o->force ? "&force=true" : "", dry_run ? "&dryRun=All" : "");
	struct strbuf body = {0};
	struct kreq *q;

	free(path);
	/* JSON is YAML: the server reads it with the values exactly as converted */
	json_write(&body, t->o->body, false);
	q = kreq_new("PATCH", url, body.buf, body.len, "application/apply-patch+yaml");
	q->data = t;
	return q;
}

/* Does the manifest of t ask for a node port (a Service with spec.ports[].nodePort)? */
static bool asks_nodeport(const struct target *t)
{
	const struct jval *ports = jget(t->o->body, "spec", "ports", NULL);

	if (*t->res->group || strcmp(t->res->kind, "Service") != 0 || !ports || ports->type != J_ARR)
		return false;
	for (size_t i = 0; i < ports->n; i++)
		if (jget(ports->v[i], "nodePort", NULL))
			return true;
	return false;
}

/*
 * Node ports are the cluster's to give: one outside its range, or another
 * Service's, fails the apply of its Service, which would leave the rest of
 * the manifests applied.  So Services that ask for node ports are applied
 * first as a server-side dry run (the server checks the range and whether
 * the port is free, and allocates nothing): when one is refused, nothing is
 * applied.  0, or EXIT_USER after each refusal.
 */
static int check_nodeports(struct run *r)
{
	struct kreq **reqs = xcalloc(r->nt ? r->nt : 1, sizeof(*reqs));
	size_t n = 0;

	for (size_t i = 0; i < r->nt; i++)
		if (asks_nodeport(&r->t[i]))
			reqs[n++] = apply_req(r, &r->t[i], true);
	kclient_run(r->c, reqs, n);
	for (size_t i = 0; i < n; i++) {
		struct target *t = reqs[i]->data;

		/* (a Service in a namespace this run creates: the real apply will tell) */
		if (!kreq_ok(reqs[i]) && !(reqs[i]->status == 404 && reason_is(reqs[i], "NotFound")))
			report(r, t->id, reqs[i], "(its node port: checked before anything was applied)");
		kreq_free(reqs[i]);
	}
	free(reqs);
	if (r->failed) {
		warnf("%d Service%s refused: nothing was applied", r->failed, r->failed == 1 ? "" : "s");
		return EXIT_USER;
	}
	return 0;
}

static const char *conflict_hint(const struct run *r, const struct kreq *q)
{
	return q->status == 409 && !r->o->force && reason_is(q, "Conflict") ?
		"(another field manager owns these fields; --force takes them over)" : NULL;
}

/* The live annotations of q's object under the prefix of key ("fabric-k8s/"), but key. */
static void describe_owner(struct strbuf *sb, const struct jval *live, const char *key)
{
	const struct jval *a = jget(live, "metadata", "annotations", NULL);
	const char *slash = strchr(key, '/');
	size_t plen = slash ? (size_t)(slash - key) + 1 : 0;

	for (size_t i = 0; a && a->type == J_OBJ && i < a->n; i++)
		if (strncmp(a->k[i], key, plen) == 0 && strcmp(a->k[i], key) != 0 && a->v[i]->type == J_STR)
			sb_addf(sb, "; %s: %s", a->k[i], a->v[i]->s);
}

/*
 * --claim KEY: an object whose manifest carries the annotation KEY is
 * someone else's where the live object has another value there (fabric-k8s:
 * the Namespace of another network).  Each is named with the live
 * annotations beside KEY, which say whose it is; then nothing is applied.
 * A live object without KEY is taken.
 */
static int check_claims(struct run *r)
{
	const char *key = r->o->claim;
	struct kreq **gets = xcalloc(r->nt ? r->nt : 1, sizeof(*gets));
	size_t n = 0;
	int taken = 0;

	for (size_t i = 0; i < r->nt; i++)
		if (jget_str(r->t[i].o->body, "metadata", "annotations", key, NULL))
			gets[n++] = get_req(&r->t[i]);
	kclient_run(r->c, gets, n);
	for (size_t i = 0; i < n; i++) {
		struct target *t = gets[i]->data;
		const char *ours = jget_str(t->o->body, "metadata", "annotations", key, NULL);
		struct jval *live = NULL;
		const char *theirs;

		if (gets[i]->status == 404) {
			kreq_free(gets[i]);
			continue;
		}
		if (!kreq_ok(gets[i])) {
			report(r, t->id, gets[i], NULL);
		} else {
			live = json_parse(gets[i]->resp.buf, gets[i]->resp.len, NULL, 0);
			theirs = jget_str(live, "metadata", "annotations", key, NULL);
			if (theirs && strcmp(theirs, ours) != 0) {
				struct strbuf sb = {0};

				describe_owner(&sb, live, key);
				warnf("%s: held by another: its %s is %s, not %s%s", t->id, key, theirs, ours,
				      sb.len ? sb.buf : "");
				sb_free(&sb);
				taken++;
			}
		}
		jfree(live);
		kreq_free(gets[i]);
	}
	free(gets);
	if (taken) {
		warnf("%d object%s held by another: nothing was applied", taken, taken == 1 ? "" : "s");
		return EXIT_CLAIMED;
	}
	if (r->failed) {
		warnf("could not read %d of the claimed objects: nothing was applied", r->failed);
		return EXIT_USER;
	}
	return 0;
}

/* Apply the targets send marks (NULL: every one), phase by phase. */
static int apply_some(struct run *r, const bool *send)
{
	size_t sent = 0;

	for (int ph = 0; ph < PH_COUNT; ph++) {
		struct kreq **reqs = xcalloc(r->nt ? r->nt : 1, sizeof(*reqs));
		size_t n = 0;

		for (size_t i = 0; i < r->nt; i++)
			if ((int)r->t[i].phase == ph && (!send || send[i]))
				reqs[n++] = apply_req(r, &r->t[i], false);
		kclient_run(r->c, reqs, n);
		for (size_t i = 0; i < n; i++) {
			struct target *t = reqs[i]->data;
			if (kreq_ok(reqs[i])) {
				say(r, "%s %s", reqs[i]->status == 201 ? "created" : "applied", t->id);
			} else {
				t->failed = true;
				report(r, t->id, reqs[i], conflict_hint(r, reqs[i]));
			}
			kreq_free(reqs[i]);
		}
		sent += n;
		free(reqs);
	}
	if (r->failed) {
		warnf("%d of %zu objects failed", r->failed, sent);
		return EXIT_USER;
	}
	return 0;
}

static int do_apply(struct run *r)
{
	int rc;

	if ((r->o->claim && (rc = check_claims(r)) != 0) || (rc = check_nodeports(r)) != 0)
		return rc;
	return apply_some(r, NULL);
}

/* ---- diff ---- */

/* Fields the server sets on every write; they say nothing about the content. */
static bool volatile_field(const char *path)
{
	static const char *const skip[] = {
		"status", "metadata.resourceVersion", "metadata.generation",
		"metadata.managedFields", "metadata.creationTimestamp", "metadata.uid",
		"metadata.selfLink", NULL,
	};

	for (size_t i = 0; skip[i]; i++)
		if (strcmp(path, skip[i]) == 0)
			return true;
	return false;
}

struct diff {
	struct strbuf paths;
	int count;
};

static void add_path(struct diff *d, const char *path)
{
	if (d->count++ < MAX_DIFF_PATHS)
		sb_addf(&d->paths, "%s%s", d->paths.len ? ", " : "", *path ? path : "(whole object)");
}

/* Record the paths where a (live) and b (as applied) differ; values are never shown. */
static void diff_values(struct diff *d, const struct jval *a, const struct jval *b, const char *path)
{
	if (volatile_field(path))
		return;
	if (a && b && a->type == J_OBJ && b->type == J_OBJ) {
		for (size_t i = 0; i < a->n; i++) {
			char *p = *path ? xasprintf("%s.%s", path, a->k[i]) : xstrdup(a->k[i]);
			diff_values(d, a->v[i], jobj_get(b, a->k[i]), p);
			free(p);
		}
		for (size_t i = 0; i < b->n; i++) {
			if (jobj_get(a, b->k[i]))
				continue;
			char *p = *path ? xasprintf("%s.%s", path, b->k[i]) : xstrdup(b->k[i]);
			diff_values(d, NULL, b->v[i], p);
			free(p);
		}
		return;
	}
	if (a && b && a->type == J_ARR && b->type == J_ARR && a->n == b->n) {
		for (size_t i = 0; i < a->n; i++) {
			char *p = xasprintf("%s[%zu]", path, i);
			diff_values(d, a->v[i], b->v[i], p);
			free(p);
		}
		return;
	}
	if (!jequal(a, b))
		add_path(d, path);
}

/* Is ns created by this run (a Namespace target the server does not have yet)? */
static bool new_namespace(struct run *r, struct kreq **gets, const char *ns)
{
	for (size_t i = 0; i < r->nt; i++)
		if (r->t[i].phase == PH_NAMESPACE && strcmp(r->t[i].o->name, ns) == 0)
			return gets[i]->status == 404;
	return false;
}

static bool namespace_missing(const struct kreq *q)
{
	struct jval *v = q->resp.buf ? json_parse(q->resp.buf, q->resp.len, NULL, 0) : NULL;
	const char *kind = jget_str(v, "details", "kind", NULL);
	bool is = q->status == 404 && kind && strcmp(kind, "namespaces") == 0;

	jfree(v);
	return is;
}

/* How a target's live object stands against its manifest. */
enum standing { ST_FAILED, ST_ABSENT, ST_NEW_NAMESPACE, ST_CHANGED, ST_SAME };

struct comparison {
	enum standing st;
	struct diff d;                  /* ST_CHANGED: where */
};

/*
 * Compare every target with the server: a GET of each and a server-side
 * dry-run apply of each, all at once.  A failed request is reported (and
 * counted in r->failed).  An array of r->nt, for free_comparisons.
 */
static struct comparison *compare(struct run *r)
{
	struct kreq **gets = xcalloc(r->nt ? r->nt : 1, sizeof(*gets));
	struct kreq **all = xcalloc(2 * r->nt + 1, sizeof(*all));
	struct comparison *c = xcalloc(r->nt ? r->nt : 1, sizeof(*c));

	for (size_t i = 0; i < r->nt; i++) {
		gets[i] = get_req(&r->t[i]);
		all[2 * i] = gets[i];
		all[2 * i + 1] = apply_req(r, &r->t[i], true);
	}
	kclient_run(r->c, all, 2 * r->nt);
	for (size_t i = 0; i < r->nt; i++) {
		struct target *t = &r->t[i];
		struct kreq *get = gets[i], *dry = all[2 * i + 1];

		if (!kreq_ok(dry)) {
			if (t->ns && namespace_missing(dry) && new_namespace(r, gets, t->ns))
				c[i].st = ST_NEW_NAMESPACE;
			else
				report(r, t->id, dry, conflict_hint(r, dry));
		} else if (get->status == 404) {
			c[i].st = ST_ABSENT;
		} else if (!kreq_ok(get)) {
			report(r, t->id, get, NULL);
		} else {
			struct jval *live = json_parse(get->resp.buf, get->resp.len, NULL, 0);
			struct jval *after = json_parse(dry->resp.buf, dry->resp.len, NULL, 0);

			diff_values(&c[i].d, live, after, "");
			c[i].st = c[i].d.count ? ST_CHANGED : ST_SAME;
			jfree(live);
			jfree(after);
		}
	}
	for (size_t i = 0; i < 2 * r->nt; i++)
		kreq_free(all[i]);
	free(all);
	free(gets);
	return c;
}

static void free_comparisons(struct run *r, struct comparison *c)
{
	for (size_t i = 0; i < r->nt; i++)
		sb_free(&c[i].d.paths);
	free(c);
}

static const char *more_paths(const struct comparison *c)
{
	return c->d.count > MAX_DIFF_PATHS ? ", ..." : "";
}

static int do_diff(struct run *r)
{
	struct comparison *c = compare(r);
	int created = 0, changed = 0, unchanged = 0;

	for (size_t i = 0; i < r->nt; i++) {
		const char *id = r->t[i].id;

		switch (c[i].st) {
		case ST_FAILED:
			break;
		case ST_NEW_NAMESPACE:
			say(r, "created   %s (its namespace is new: the server checks it on apply)", id);
			created++;
			break;
		case ST_ABSENT:
			say(r, "created   %s", id);
			created++;
			break;
		case ST_CHANGED:
			say(r, "changed   %s: %s%s", id, c[i].d.paths.buf, more_paths(&c[i]));
			changed++;
			break;
		case ST_SAME:
			say(r, "unchanged %s", id);
			unchanged++;
			break;
		}
	}
	free_comparisons(r, c);
	say(r, "dry run: %d to create, %d to change, %d unchanged; nothing was changed",
	    created, changed, unchanged);
	if (r->failed) {
		warnf("%d of %zu objects failed", r->failed, r->nt);
		return EXIT_USER;
	}
	return 0;
}

/*
 * kapply reconcile: the objects that are absent or differ from their
 * manifests (compare), applied, and only those, taking back the fields
 * another manager changed (--force, set by main).  Unlike apply, whose
 * callers trust their stamps, it looks first, so that an object deleted or
 * edited behind make's back is put back and nothing else is sent.  With
 * --dry-run, it says what it would send.  When any comparison failed,
 * nothing is applied.
 */
int cmd_reconcile(struct run *r)
{
	struct comparison *c = compare(r);
	bool *send = xcalloc(r->nt ? r->nt : 1, sizeof(*send));
	int absent = 0, drifted = 0, same = 0, rc = 0;

	for (size_t i = 0; i < r->nt; i++) {
		const char *id = r->t[i].id;

		if (c[i].st == ST_ABSENT || c[i].st == ST_NEW_NAMESPACE) {
			if (r->o->dry_run)
				say(r, "absent  %s", id);
			send[i] = true;
			absent++;
		} else if (c[i].st == ST_CHANGED) {
			say(r, "drifted %s: %s%s", id, c[i].d.paths.buf, more_paths(&c[i]));
			send[i] = true;
			drifted++;
		} else if (c[i].st == ST_SAME) {
			same++;
		}
	}
	free_comparisons(r, c);
	if (r->failed) {
		warnf("%d of %zu objects could not be compared: nothing was applied", r->failed, r->nt);
		rc = EXIT_USER;
	} else if (r->o->dry_run) {
		say(r, "dry run: %d absent, %d drifted, %d as the manifests say; nothing was changed",
		    absent, drifted, same);
	} else if ((rc = apply_some(r, send)) == 0) {
		say(r, "reconciled: %d created, %d repaired, %d as the manifests say", absent, drifted, same);
	}
	free(send);
	return rc;
}

int cmd_apply(struct run *r)
{
	return r->o->dry_run ? do_diff(r) : do_apply(r);
}
