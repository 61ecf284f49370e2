#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "k8s/kapi.h"

struct gv {
	char *api_version;
	bool served;
};

struct kapi {
	struct kclient *c;
	struct kres **res;              /* each allocated alone: kapi_find's answers never move */
	size_t nres, capres;
	struct gv *gvs;
	size_t ngv, capgv;
};

struct kapi *kapi_new(struct kclient *c)
{
	struct kapi *a = xcalloc(1, sizeof(*a));

	a->c = c;
	return a;
}

void kapi_free(struct kapi *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nres; i++) {
		free(a->res[i]->api_version);
		free(a->res[i]->group);
		free(a->res[i]->kind);
		free(a->res[i]->resource);
		free(a->res[i]);
	}
	for (size_t i = 0; i < a->ngv; i++)
		free(a->gvs[i].api_version);
	free(a->res);
	free(a->gvs);
	free(a);
}

static struct gv *find_gv(const struct kapi *a, const char *api_version)
{
	for (size_t i = 0; i < a->ngv; i++)
		if (strcmp(a->gvs[i].api_version, api_version) == 0)
			return &a->gvs[i];
	return NULL;
}

static char *gv_path(const char *api_version)
{
	return strchr(api_version, '/') ? xasprintf("/apis/%s", api_version)
		: xasprintf("/api/%s", api_version);
}

/* Record the resources of one APIResourceList. */
static int add_list(struct kapi *a, const char *api_version, const struct kreq *r)
{
	char err[128];
	struct jval *doc = json_parse(r->resp.buf ? r->resp.buf : "", r->resp.len, err, sizeof(err));
	struct jval *list = jobj_get(doc, "resources");
	const char *slash = strchr(api_version, '/');

	if (!list || list->type != J_ARR) {
		warnf("discovery: GET %s: not an APIResourceList%s%s", r->path,
		      doc ? "" : ": ", doc ? "" : err);
		jfree(doc);
		return -1;
	}
	for (size_t i = 0; i < list->n; i++) {
		const char *name = jget_str(list->v[i], "name", NULL);
		const char *kind = jget_str(list->v[i], "kind", NULL);
		struct jval *ns = jobj_get(list->v[i], "namespaced");
		struct kres *k;

		if (!name || !kind || strchr(name, '/'))        /* subresources */
			continue;
		a->res = xgrow(a->res, &a->capres, a->nres + 1, sizeof(*a->res));
		k = a->res[a->nres++] = xcalloc(1, sizeof(*k));
		k->api_version = xstrdup(api_version);
		k->group = slash ? xstrndup(api_version, (size_t)(slash - api_version)) : xstrdup("");
		k->kind = xstrdup(kind);
		k->resource = xstrdup(name);
		k->namespaced = ns && ns->type == J_BOOL && ns->b;
	}
	jfree(doc);
	return 0;
}

int kapi_discover(struct kapi *a, const char *const *api_versions)
{
	struct kreq **reqs = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; api_versions[i]; i++) {
		bool seen = find_gv(a, api_versions[i]) != NULL;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(reqs[j]->data, api_versions[i]) == 0;
		if (seen)
			continue;
		reqs = xgrow(reqs, &cap, n + 1, sizeof(*reqs));
		reqs[n] = kreq_new("GET", gv_path(api_versions[i]), NULL, 0, NULL);
		reqs[n]->data = (void *)api_versions[i];
		n++;
	}
	if (n)
		kclient_run(a->c, reqs, n);
	for (size_t i = 0; i < n; i++) {
		struct kreq *r = reqs[i];
		const char *av = r->data;

		if (kreq_ok(r) || r->status == 404) {
			if (kreq_ok(r) && add_list(a, av, r) < 0) {
				rc = -1;
			} else {
				a->gvs = xgrow(a->gvs, &a->capgv, a->ngv + 1, sizeof(*a->gvs));
				a->gvs[a->ngv++] = (struct gv){ xstrdup(av), kreq_ok(r) };
			}
		} else if (rc == 0) {
			/* the first failure says it all (all share the server and the credentials) */
			char *why = kreq_error(r, a->c);
			warnf("discovery: GET %s: %s", r->path, why);
			free(why);
			rc = -1;
		}
		kreq_free(r);
	}
	free(reqs);
	return rc;
}

const struct kres *kapi_find(const struct kapi *a, const char *api_version, const char *kind)
{
	for (size_t i = 0; i < a->nres; i++)
		if (strcmp(a->res[i]->kind, kind) == 0 && strcmp(a->res[i]->api_version, api_version) == 0)
			return a->res[i];
	return NULL;
}

/* The versions the server serves of group ("" for core), ", "-separated; NULL when unknown. */
static char *served_versions(struct kapi *a, const char *group)
{
	struct kreq *r = kreq_new("GET", xstrdup(*group ? "/apis" : "/api"), NULL, 0, NULL);
	struct strbuf sb = {0};
	struct jval *doc, *list;

	kclient_run(a->c, &r, 1);
	doc = kreq_ok(r) ? json_parse(r->resp.buf, r->resp.len, NULL, 0) : NULL;
	kreq_free(r);
	if (!*group) {
		list = jobj_get(doc, "versions");
		for (size_t i = 0; list && list->type == J_ARR && i < list->n; i++)
			if (list->v[i]->type == J_STR)
				sb_addf(&sb, "%s%s", sb.len ? ", " : "", list->v[i]->s);
	} else {
		list = jobj_get(doc, "groups");
		for (size_t i = 0; list && list->type == J_ARR && i < list->n; i++) {
			const char *name = jget_str(list->v[i], "name", NULL);
			struct jval *vs = jobj_get(list->v[i], "versions");
			if (!name || strcmp(name, group) != 0)
				continue;
			for (size_t j = 0; vs && vs->type == J_ARR && j < vs->n; j++) {
				const char *gv = jget_str(vs->v[j], "groupVersion", NULL);
				if (gv)
					sb_addf(&sb, "%s%s", sb.len ? ", " : "", gv);
			}
			if (!sb.len)
				sb_adds(&sb, "none");
		}
	}
	jfree(doc);
	return sb.len ? sb_detach(&sb) : NULL;
}

char *kapi_why_missing(struct kapi *a, const char *api_version, const char *kind)
{
	struct gv *g = find_gv(a, api_version);
	const char *slash = strchr(api_version, '/');
	char *group, *served, *msg;

	if (g && g->served)
		return xasprintf("no kind \"%s\" in %s on the server", kind, api_version);
	group = slash ? xstrndup(api_version, (size_t)(slash - api_version)) : xstrdup("");
	served = served_versions(a, group);
	if (served)
		msg = xasprintf("apiVersion %s is not served (the server has %s)", api_version, served);
	else if (*group)
		msg = xasprintf("apiVersion %s is not served (no group \"%s\" on the server)",
				api_version, group);
	else
		msg = xasprintf("apiVersion %s is not served", api_version);
	free(group);
	free(served);
	return msg;
}

char *kapi_escape(const char *s)
{
	struct strbuf sb = {0};

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~')
			sb_addc(&sb, (char)c);
		else
			sb_addf(&sb, "%%%02X", c);
	}
	return sb.buf ? sb_detach(&sb) : xstrdup("");
}

char *kapi_path(const struct kres *r, const char *ns, const char *name)
{
	struct strbuf sb = {0};
	char *e;

	sb_adds(&sb, strchr(r->api_version, '/') ? "/apis/" : "/api/");
	sb_adds(&sb, r->api_version);
	if (r->namespaced && ns) {
		e = kapi_escape(ns);
		sb_addf(&sb, "/namespaces/%s", e);
		free(e);
	}
	sb_addf(&sb, "/%s", r->resource);
	if (name) {
		e = kapi_escape(name);
		sb_addf(&sb, "/%s", e);
		free(e);
	}
	return sb_detach(&sb);
}
