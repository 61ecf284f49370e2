/* What every kapply command does first: manifests, kubeconfig, discovery, targets. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "kapply.h"

char *object_id(const char *ns, const char *kind, const char *name)
{
	return ns ? xasprintf("%s/%s/%s", ns, kind, name) : xasprintf("%s/%s", kind, name);
}

bool reason_is(const struct kreq *q, const char *reason)
{
	struct jval *v = q->resp.buf ? json_parse(q->resp.buf, q->resp.len, NULL, 0) : NULL;
	const char *got = jget_str(v, "reason", NULL);
	bool is = got && strcmp(got, reason) == 0;

	jfree(v);
	return is;
}

void report(struct run *r, const char *id, const struct kreq *q, const char *hint)
{
	char *why = kreq_error(q, r->c);

	warnf("%s: %s%s%s", id, why, hint ? " " : "", hint ? hint : "");
	free(why);
	r->failed++;
}

struct kreq *get_req(struct target *t)
{
	struct kreq *q = kreq_new("GET", kapi_path(t->res, t->ns, t->o->name), NULL, 0, NULL);

	q->data = t;
	return q;
}

bool is_workload(const struct target *t)
{
	return strcmp(t->res->group, "apps") == 0 &&
	       (strcmp(t->res->kind, "Deployment") == 0 || strcmp(t->res->kind, "StatefulSet") == 0);
}

bool is_job(const struct target *t)
{
	return strcmp(t->res->group, "batch") == 0 && strcmp(t->res->kind, "Job") == 0;
}

enum phase phase_of(const struct kres *res)
{
	if (!*res->group && strcmp(res->kind, "Namespace") == 0)
		return PH_NAMESPACE;
	if (strcmp(res->group, "apiextensions.k8s.io") == 0 &&
	    strcmp(res->kind, "CustomResourceDefinition") == 0)
		return PH_CRD;
	return res->namespaced ? PH_NAMESPACED : PH_CLUSTER;
}

static bool same_object(const struct target *a, const struct target *b)
{
	return a->res == b->res && strcmp(a->o->name, b->o->name) == 0 &&
	       (a->ns == b->ns || (a->ns && b->ns && strcmp(a->ns, b->ns) == 0));
}

/* Resolve each object's resource and namespace; the number of errors. */
static int resolve(struct run *r)
{
	struct target *t = xcalloc(r->m.n ? r->m.n : 1, sizeof(*t));
	size_t nt = 0;
	int errors = 0;

	for (size_t i = 0; i < r->m.n; i++) {
		struct kobj *o = &r->m.objs[i];
		const struct kres *res = kapi_find(r->api, o->api_version, o->kind);

		if (!res) {
			char *why = kapi_why_missing(r->api, o->api_version, o->kind);
			warnf("%s: %s %s: %s", o->where, o->kind, o->name, why);
			free(why);
			errors++;
			continue;
		}
		t[nt] = (struct target){ .o = o, .res = res, .phase = phase_of(res) };
		if (res->namespaced)
			t[nt].ns = o->namespace ? o->namespace : r->kc->namespace;
		t[nt].id = object_id(t[nt].ns, o->kind, o->name);
		for (size_t j = 0; j < nt; j++) {
			if (same_object(&t[j], &t[nt])) {
				warnf("%s: %s is also defined at %s", o->where, t[nt].id, t[j].o->where);
				errors++;
				break;
			}
		}
		nt++;
	}
	/* stable order by phase */
	r->t = xcalloc(nt ? nt : 1, sizeof(*r->t));
	for (int ph = 0; ph < PH_COUNT; ph++)
		for (size_t i = 0; i < nt; i++)
			if ((int)t[i].phase == ph)
				r->t[r->nt++] = t[i];
	free(t);
	return errors;
}

int run_open(struct run *r, struct opts *o)
{
	const char **versions;
	size_t nv = 0;
	int errors = 0;

	r->o = o;
	for (size_t i = 0; i < o->nfiles; i++)
		errors += manifest_load(&r->m, o->files[i]);
	if (errors)
		return -1;
	r->kc = kubeconfig_load(&o->kube);
	if (!r->kc || kubeconfig_exec(r->kc) < 0)
		return -1;
	r->c = kclient_new(r->kc, &o->client);
	r->api = kapi_new(r->c);
	versions = xcalloc(r->m.n + 1, sizeof(*versions));
	for (size_t i = 0; i < r->m.n; i++)
		versions[nv++] = r->m.objs[i].api_version;
	errors = kapi_discover(r->api, versions) < 0;
	free(versions);
	if (errors)
		return -1;
	if (resolve(r)) {
		warnf("nothing was sent: fix the manifests first");
		return -1;
	}
	return 0;
}

void run_close(struct run *r)
{
	for (size_t i = 0; i < r->nt; i++)
		free(r->t[i].id);
	free(r->t);
	kapi_free(r->api);
	kclient_free(r->c);
	kubeconfig_free(r->kc);
	manifest_free(&r->m);
}
