/* kapply delete and kapply prune: deletes go namespaced objects first, namespaces last. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "kapply.h"

/* Kinds prune looks at besides those of the manifests (when the server has them). */
static const char *const prune_kinds[][2] = {
	{ "v1", "Namespace" }, { "v1", "ConfigMap" }, { "v1", "Secret" }, { "v1", "Service" },
	{ "v1", "ServiceAccount" }, { "v1", "PersistentVolumeClaim" }, { "v1", "PersistentVolume" },
	{ "apps/v1", "Deployment" }, { "apps/v1", "StatefulSet" },
	{ "batch/v1", "Job" }, { "batch/v1", "CronJob" },
	{ "networking.k8s.io/v1", "Ingress" }, { "networking.k8s.io/v1", "NetworkPolicy" },
	{ "policy/v1", "PodDisruptionBudget" },
};
#define NPRUNE_KINDS (sizeof(prune_kinds) / sizeof(*prune_kinds))

/* Deleting a namespace that is already terminating is answered 409: it is on its way. */
static bool already_terminating(const struct target *t, const struct kreq *q)
{
	return t->phase == PH_NAMESPACE && q->status == 409 && reason_is(q, "Conflict");
}

/*
 * Delete the targets, namespaced ones first.  verb is what a success
 * prints ("deleted", "pruned").  With --wait, wait until they are gone,
 * and the ngoing targets of going too, on their way already (no DELETE
 * for them).  Failures are counted in r->failed.
 */
static void delete_targets(struct run *r, struct target **t, size_t n, struct target **going, size_t ngoing,
			   const char *verb)
{
	struct target **gone = xcalloc(n + ngoing ? n + ngoing : 1, sizeof(*gone));
	size_t ngone = 0;

	for (int ph = PH_COUNT - 1; ph >= 0; ph--) {
		struct kreq **reqs = xcalloc(n ? n : 1, sizeof(*reqs));
		size_t nr = 0;

		for (size_t i = 0; i < n; i++) {
			char *path, *url;
			if ((int)t[i]->phase != ph)
				continue;
			path = kapi_path(t[i]->res, t[i]->ns, t[i]->o->name);
			url = xasprintf("%s?propagationPolicy=%s%s", path, r->o->propagation,
					r->o->dry_run ? "&dryRun=All" : "");
			free(path);
			reqs[nr] = kreq_new("DELETE", url, NULL, 0, NULL);
			reqs[nr++]->data = t[i];
		}
		kclient_run(r->c, reqs, nr);
		for (size_t i = 0; i < nr; i++) {
			struct target *tg = reqs[i]->data;
			if (kreq_ok(reqs[i]) || already_terminating(tg, reqs[i])) {
				say(r, "%s%s %s", r->o->dry_run ? "would be " : "", verb, tg->id);
				gone[ngone++] = tg;
			} else if (reqs[i]->status == 404) {
				say(r, "absent %s", tg->id);
			} else {
				report(r, tg->id, reqs[i], NULL);
			}
			kreq_free(reqs[i]);
		}
		free(reqs);
	}
	for (size_t i = 0; i < ngoing; i++) {
		say(r, "terminating %s", going[i]->id);
		gone[ngone++] = going[i];
	}
	if (r->o->wait && !r->o->dry_run && ngone && wait_gone(r, gone, ngone) < 0)
		r->failed++;
	free(gone);
}

int wait_gone(struct run *r, struct target **t, size_t n)
{
	long long deadline = monotonic_ms() + r->o->timeout_ms, last_note = monotonic_ms();
	bool *gone = xcalloc(n, sizeof(*gone));
	size_t left = n;
	int rc = 0;

	while (left) {
		struct kreq **reqs = xcalloc(left, sizeof(*reqs));
		size_t nr = 0;

		for (size_t i = 0; i < n; i++) {
			if (gone[i])
				continue;
			reqs[nr] = get_req(t[i]);
			reqs[nr++]->data = &gone[i];
		}
		kclient_run(r->c, reqs, nr);
		for (size_t i = 0; i < nr; i++) {
			if (reqs[i]->status == 404) {
				*(bool *)reqs[i]->data = true;
				left--;
			}
			kreq_free(reqs[i]);
		}
		free(reqs);
		if (!left)
			break;
		if (monotonic_ms() >= deadline) {
			for (size_t i = 0; i < n; i++)
				if (!gone[i])
					warnf("%s: still there after %ld s", t[i]->id, r->o->timeout_ms / 1000);
			rc = -1;
			break;
		}
		if (monotonic_ms() - last_note >= 5000 && !r->o->quiet) {
			warnf("waiting for %zu object%s to be gone", left, left == 1 ? "" : "s");
			last_note = monotonic_ms();
		}
		usleep(deadline - monotonic_ms() < 500 ? (useconds_t)(deadline - monotonic_ms()) * 1000 : 500000);
	}
	free(gone);
	return rc;
}

int cmd_delete(struct run *r)
{
	struct target **t = xcalloc(r->nt ? r->nt : 1, sizeof(*t));

	for (size_t i = 0; i < r->nt; i++)
		t[i] = &r->t[i];
	delete_targets(r, t, r->nt, NULL, 0, "deleted");
	free(t);
	if (r->failed) {
		warnf("%d of %zu objects failed", r->failed, r->nt);
		return EXIT_USER;
	}
	return 0;
}

/* ---- prune ---- */

struct found {
	struct kobj obj;                /* name and namespace of a listed object */
	struct target t;
	char *name, *ns;
};

/* What prune found to delete. */
struct founds {
	struct found *v;
	size_t n, cap;
};

/* Is the listed object one the manifests render? */
static bool rendered(const struct run *r, const struct kres *res, const char *ns, const char *name)
{
	for (size_t i = 0; i < r->nt; i++) {
		const struct target *t = &r->t[i];
		if (strcmp(t->res->kind, res->kind) == 0 && strcmp(t->res->group, res->group) == 0 &&
		    strcmp(t->o->name, name) == 0 &&
		    (!res->namespaced || (t->ns && ns && strcmp(t->ns, ns) == 0)))
			return true;
	}
	return false;
}

/*
 * The kinds prune lists: the defaults the server has, and every kind
 * rendered; with -n only the namespaced ones.  NULL when discovery
 * failed (reported); else *nk of them, allocated.
 */
static const struct kres **kinds_to_list(struct run *r, size_t *nk)
{
	const char *versions[NPRUNE_KINDS + 1] = {0};
	const struct kres **kinds;
	size_t n = 0;

	for (size_t i = 0; i < NPRUNE_KINDS; i++)
		versions[i] = prune_kinds[i][0];
	if (kapi_discover(r->api, versions) < 0)
		return NULL;
	kinds = xcalloc(NPRUNE_KINDS + r->nt + 1, sizeof(*kinds));
	for (size_t i = 0; i < NPRUNE_KINDS + r->nt; i++) {
		const struct kres *k = i < NPRUNE_KINDS ?
			kapi_find(r->api, prune_kinds[i][0], prune_kinds[i][1]) : r->t[i - NPRUNE_KINDS].res;
		bool dup = !k;
		for (size_t j = 0; j < n && !dup; j++)
			dup = kinds[j] == k;
		if (!dup)
			kinds[n++] = k;
	}
	/*
	 * -n scopes prune to one namespace: namespaced kinds are listed there
	 * only and cluster-scoped kinds are left alone, so that credentials
	 * bound to that namespace suffice
	 */
	if (r->o->kube.namespace) {
		size_t kept = 0;
		for (size_t i = 0; i < n; i++)
			if (kinds[i]->namespaced)
				kinds[kept++] = kinds[i];
		n = kept;
	}
	*nk = n;
	return kinds;
}

static void add_found(struct founds *fs, const struct kres *kind, const char *ns, const char *name)
{
	struct found *f;

	fs->v = xgrow(fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	f->name = xstrdup(name);
	f->ns = kind->namespaced && ns ? xstrdup(ns) : NULL;
	f->obj = (struct kobj){ .kind = kind->kind, .name = f->name };
	f->t = (struct target){ .res = kind, .ns = f->ns, .id = object_id(f->ns, kind->kind, name) };
	f->t.phase = phase_of(kind);
}

/*
 * The objects of kind in a list's answer that are not rendered into fs;
 * those being deleted already into going (a --wait waits for them too:
 * an interrupted clean-up leaves namespaces terminating, and what is
 * applied into one is lost with it).
 */
static void add_unrendered(const struct run *r, const struct kres *kind, const struct kreq *list,
			   struct founds *fs, struct founds *going)
{
	struct jval *doc = json_parse(list->resp.buf, list->resp.len, NULL, 0);
	struct jval *items = jobj_get(doc, "items");

	for (size_t j = 0; items && items->type == J_ARR && j < items->n; j++) {
		const char *name = jget_str(items->v[j], "metadata", "name", NULL);
		const char *ns = jget_str(items->v[j], "metadata", "namespace", NULL);

		if (!name || rendered(r, kind, ns, name))
			continue;
		add_found(jget(items->v[j], "metadata", "deletionTimestamp", NULL) ? going : fs, kind, ns, name);
	}
	jfree(doc);
}

/*
 * List the kinds by -l and what this project manages; what the manifests
 * do not render goes into fs, or into going when it is being deleted.
 * Returns how many kinds could not be listed (reported).
 */
static int list_unrendered(struct run *r, const struct kres **kinds, size_t nk, struct founds *fs,
			   struct founds *going)
{
	/* only what this project manages, whatever the selector says */
	char *selector = xasprintf("%s,%s", r->o->selector, MANAGED_BY);
	char *query = kapi_escape(selector);
	struct kreq **lists = xcalloc(nk ? nk : 1, sizeof(*lists));
	int failed = 0;

	for (size_t i = 0; i < nk; i++) {
		char *path = kapi_path(kinds[i], r->o->kube.namespace, NULL);
		lists[i] = kreq_new("GET", xasprintf("%s?labelSelector=%s", path, query), NULL, 0, NULL);
		free(path);
	}
	kclient_run(r->c, lists, nk);
	for (size_t i = 0; i < nk; i++) {
		if (kreq_ok(lists[i])) {
			add_unrendered(r, kinds[i], lists[i], fs, going);
		} else {
			char *why = kreq_error(lists[i], r->c);
			warnf("cannot list %s: %s", kinds[i]->resource, why);
			free(why);
			failed++;
		}
		kreq_free(lists[i]);
	}
	free(lists);
	free(query);
	free(selector);
	return failed;
}

/* The targets of fs, which no longer moves. */
static struct target **targets_of(struct founds *fs)
{
	struct target **t = xcalloc(fs->n ? fs->n : 1, sizeof(*t));

	for (size_t i = 0; i < fs->n; i++) {
		fs->v[i].t.o = &fs->v[i].obj;
		t[i] = &fs->v[i].t;
	}
	return t;
}

static void founds_free(struct founds *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].name);
		free(fs->v[i].ns);
		free(fs->v[i].t.id);
	}
	free(fs->v);
}

int cmd_prune(struct run *r)
{
	struct founds fs = {0}, going = {0};
	struct target **del, **wait;
	size_t nk;
	const struct kres **kinds = kinds_to_list(r, &nk);
	int list_failed;

	if (!kinds)
		return EXIT_USER;
	list_failed = list_unrendered(r, kinds, nk, &fs, &going);
	del = targets_of(&fs);
	wait = targets_of(&going);
	/* (what is going already matters only to a wait) */
	delete_targets(r, del, fs.n, wait, r->o->wait && !r->o->dry_run ? going.n : 0, "pruned");
	if (!fs.n && !list_failed)
		say(r, "nothing to prune");
	founds_free(&fs);
	founds_free(&going);
	free(del);
	free(wait);
	free(kinds);
	if (r->failed || list_failed) {
		if (r->failed)
			warnf("%d of %zu objects to prune failed", r->failed, fs.n + going.n);
		return EXIT_USER;
	}
	return 0;
}
