/*
 * kapply logs: the log of every pod of the Jobs, Deployments and
 * StatefulSets of PATH, each after a header line naming the pod and its
 * owner.  A Job's pods carry the label job-name=<job>, which the Job
 * controller sets; a workload's are those its spec.selector selects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "kapply.h"

/* One log to fetch: a container of a pod of an owner. */
struct podlog {
	const struct target *owner;
	char *pod, *id;                 /* its name, "ns/Pod/name" */
	char *container;                /* NULL: the pod has one container, the server picks it */
	struct kreq *q;
};

struct logs {
	struct podlog *l;
	size_t n, cap;
};

/*
 * The text form of a LabelSelector (matchLabels and matchExpressions),
 * e.g. "app=peer0,tier in (a,b)"; allocated, NULL when it selects by
 * nothing or has an operator this does not know.
 */
static char *selector_text(const struct jval *sel)
{
	const struct jval *labels = jobj_get(sel, "matchLabels");
	const struct jval *exprs = jobj_get(sel, "matchExpressions");
	struct strbuf sb = {0};

	for (size_t i = 0; labels && labels->type == J_OBJ && i < labels->n; i++)
		if (labels->v[i]->type == J_STR)
			sb_addf(&sb, "%s%s=%s", sb.len ? "," : "", labels->k[i], labels->v[i]->s);
	for (size_t i = 0; exprs && exprs->type == J_ARR && i < exprs->n; i++) {
		const char *k = jget_str(exprs->v[i], "key", NULL);
		const char *op = jget_str(exprs->v[i], "operator", NULL);
		const struct jval *values = jobj_get(exprs->v[i], "values");
		bool in = op && strcmp(op, "In") == 0, notin = op && strcmp(op, "NotIn") == 0;

		if (sb.len)
			sb_addc(&sb, ',');
		if (k && op && strcmp(op, "Exists") == 0) {
			sb_adds(&sb, k);
		} else if (k && op && strcmp(op, "DoesNotExist") == 0) {
			sb_addf(&sb, "!%s", k);
		} else if (k && (in || notin) && values && values->type == J_ARR) {
			sb_addf(&sb, "%s %s (", k, in ? "in" : "notin");
			for (size_t j = 0; j < values->n; j++)
				if (values->v[j]->type == J_STR)
					sb_addf(&sb, "%s%s", j ? "," : "", values->v[j]->s);
			sb_addc(&sb, ')');
		} else {
			sb_free(&sb);
			return NULL;
		}
	}
	if (!sb.len) {
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/* The GET of the pods of one Job or workload; NULL (reported) when it has no selector. */
static struct kreq *list_req(struct run *r, const struct kres *pods, struct target *t)
{
	char *sel, *query, *path;
	struct kreq *q;

	if (is_job(t)) {
		sel = xasprintf("job-name=%s", t->o->name);
	} else if (!(sel = selector_text(jget(t->o->body, "spec", "selector", NULL)))) {
		warnf("%s: %s: no spec.selector to find its pods by", t->o->where, t->id);
		r->failed++;
		return NULL;
	}
	query = kapi_escape(sel);
	path = kapi_path(pods, t->ns, NULL);
	q = kreq_new("GET", xasprintf("%s?labelSelector=%s", path, query), NULL, 0, NULL);
	q->data = t;
	free(path);
	free(query);
	free(sel);
	return q;
}

/* Oldest first (a Job's retries in order), then by name. */
static int by_age(const void *a, const void *b)
{
	const struct jval *x = *(const struct jval *const *)a, *y = *(const struct jval *const *)b;
	const char *tx = jget_str(x, "metadata", "creationTimestamp", NULL);
	const char *ty = jget_str(y, "metadata", "creationTimestamp", NULL);
	int c = strcmp(tx ? tx : "", ty ? ty : "");

	if (c)
		return c;
	tx = jget_str(x, "metadata", "name", NULL);
	ty = jget_str(y, "metadata", "name", NULL);
	return strcmp(tx ? tx : "", ty ? ty : "");
}

static void add_log(struct logs *ls, const struct target *owner, const char *ns, const char *pod,
		    const char *container)
{
	ls->l = xgrow(ls->l, &ls->cap, ls->n + 1, sizeof(*ls->l));
	ls->l[ls->n++] = (struct podlog){
		.owner = owner, .pod = xstrdup(pod), .id = object_id(ns, "Pod", pod),
		.container = container ? xstrdup(container) : NULL,
	};
}

/* Does the pod belong to the owner whose uid is given (NULL: any)? */
static bool owned_by(const struct jval *pod, const char *uid)
{
	const struct jval *refs = jget(pod, "metadata", "ownerReferences", NULL);

	if (!uid)
		return true;
	for (size_t i = 0; refs && refs->type == J_ARR && i < refs->n; i++) {
		const char *u = jget_str(refs->v[i], "uid", NULL);
		if (u && strcmp(u, uid) == 0)
			return true;
	}
	return false;
}

/*
 * The logs of the pods one list answered with: every container (init
 * containers first) when the pod has several and per_container, else the
 * pod's one.  A Job's are those it owns (uid): the pods of a Job of the
 * same name deleted just before may still be there, as the garbage
 * collector takes its time.
 */
static void add_pods(struct run *r, struct logs *ls, const struct kreq *list, const char *uid,
		     bool per_container)
{
	const struct target *t = list->data;
	struct jval *doc = json_parse(list->resp.buf, list->resp.len, NULL, 0);
	const struct jval *items = jobj_get(doc, "items");
	size_t n = items && items->type == J_ARR ? items->n : 0;
	const struct jval **pods = xcalloc(n ? n : 1, sizeof(*pods));
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (owned_by(items->v[i], uid))
			pods[kept++] = items->v[i];
	n = kept;
	qsort(pods, n, sizeof(*pods), by_age);
	if (!n)
		say(r, "no pod for %s", t->id);
	for (size_t i = 0; i < n; i++) {
		const char *name = jget_str(pods[i], "metadata", "name", NULL);
		const struct jval *init = jget(pods[i], "spec", "initContainers", NULL);
		const struct jval *cs = jget(pods[i], "spec", "containers", NULL);
		size_t ni = init && init->type == J_ARR ? init->n : 0;
		size_t nm = cs && cs->type == J_ARR ? cs->n : 0;

		if (!name)
			continue;
		if (ni + nm <= 1 || !per_container) {
			add_log(ls, t, t->ns, name, NULL);
			continue;
		}
		for (size_t j = 0; j < ni + nm; j++) {
			const char *c = jget_str(j < ni ? init->v[j] : cs->v[j - ni], "name", NULL);
			if (c)
				add_log(ls, t, t->ns, name, c);
		}
	}
	free(pods);
	jfree(doc);
}

static struct kreq *log_req(const struct run *r, const struct kres *pods, struct podlog *l)
{
	char *path = kapi_path(pods, l->owner->ns, l->pod);
	struct strbuf url = {0};

	sb_addf(&url, "%s/log", path);
	if (r->o->tail >= 0)
		sb_addf(&url, "?tailLines=%lld", r->o->tail);
	if (l->container) {
		char *c = kapi_escape(l->container);
		sb_addf(&url, "%ccontainer=%s", r->o->tail >= 0 ? '&' : '?', c);
		free(c);
	}
	free(path);
	return kreq_new("GET", sb_detach(&url), NULL, 0, NULL);
}

/*
 * The pods of the Jobs, Deployments and StatefulSets of PATH into ls (one
 * entry per container with per_container), and the server's pods
 * resource in *pods.  0, or EXIT_USER when the server has no pods.
 */
static int find_pods(struct run *r, const struct kres **pods, struct logs *ls, bool per_container)
{
	static const char *const core[] = { "v1", NULL };
	struct kreq **lists = xcalloc(r->nt ? r->nt : 1, sizeof(*lists)), **all;
	struct kreq **owners = xcalloc(r->nt ? r->nt : 1, sizeof(*owners));
	size_t nl = 0, no = 0;

	if (kapi_discover(r->api, core) == 0 && !(*pods = kapi_find(r->api, "v1", "Pod")))
		warnf("the server has no pods resource");
	if (!*pods) {     /* (a failed discovery said why) */
		free(lists);
		free(owners);
		return EXIT_USER;
	}
	for (size_t i = 0; i < r->nt; i++)
		if ((is_job(&r->t[i]) || is_workload(&r->t[i])) && (lists[nl] = list_req(r, *pods, &r->t[i])))
			nl++;
	if (!nl && !r->failed)
		say(r, "no Job, Deployment or StatefulSet in PATH");
	/* each Job itself too, for its uid (lists first, then the Jobs) */
	all = xcalloc(2 * nl + 1, sizeof(*all));
	for (size_t i = 0; i < nl; i++) {
		struct target *t = lists[i]->data;
		all[i] = lists[i];
		if (is_job(t))
			all[nl + no++] = owners[i] = get_req(t);
	}
	kclient_run(r->c, all, nl + no);
	free(all);
	for (size_t i = 0; i < nl; i++) {
		struct jval *owner = owners[i] && kreq_ok(owners[i]) ?
			json_parse(owners[i]->resp.buf, owners[i]->resp.len, NULL, 0) : NULL;

		if (kreq_ok(lists[i]))
			add_pods(r, ls, lists[i], jget_str(owner, "metadata", "uid", NULL), per_container);
		else
			report(r, ((struct target *)lists[i]->data)->id, lists[i], NULL);
		jfree(owner);
		kreq_free(lists[i]);
		if (owners[i])
			kreq_free(owners[i]);
	}
	free(lists);
	free(owners);
	return 0;
}

static void free_pod(struct podlog *l)
{
	kreq_free(l->q);
	free(l->pod);
	free(l->id);
	free(l->container);
}

int cmd_logs(struct run *r)
{
	const struct kres *pods = NULL;
	struct logs ls = {0};
	struct kreq **reqs;

	if (find_pods(r, &pods, &ls, true) != 0)
		return EXIT_USER;
	/* every log at once; printed in order */
	reqs = xcalloc(ls.n ? ls.n : 1, sizeof(*reqs));
	for (size_t i = 0; i < ls.n; i++)
		reqs[i] = ls.l[i].q = log_req(r, pods, &ls.l[i]);
	kclient_run(r->c, reqs, ls.n);
	for (size_t i = 0; i < ls.n; i++) {
		struct podlog *l = &ls.l[i];
		const struct strbuf *text = &l->q->resp;

		if (!kreq_ok(l->q)) {
			report(r, l->id, l->q, NULL);
		} else {
			printf("==> %s%s%s (%s %s) <==\n", l->id, l->container ? " container " : "",
			       l->container ? l->container : "", l->owner->o->kind, l->owner->o->name);
			fwrite(text->buf ? text->buf : "", 1, text->len, stdout);
			if (text->len && text->buf[text->len - 1] != '\n')
				putchar('\n');
		}
		free_pod(l);
	}
	free(reqs);
	free(ls.l);
	return r->failed ? EXIT_USER : 0;
}

/*
 * kapply kill: delete the pods of the Jobs, Deployments and StatefulSets
 * of PATH at once, with no grace period, as a crash of their node would
 * end them; their controllers start new ones.  For fault tests, and for a
 * pod that hangs.
 */
int cmd_kill(struct run *r)
{
	const struct kres *pods = NULL;
	struct logs ls = {0};
	struct kreq **reqs;

	if (find_pods(r, &pods, &ls, false) != 0)
		return EXIT_USER;
	reqs = xcalloc(ls.n ? ls.n : 1, sizeof(*reqs));
	for (size_t i = 0; i < ls.n; i++) {
		char *path = kapi_path(pods, ls.l[i].owner->ns, ls.l[i].pod);

		reqs[i] = ls.l[i].q = kreq_new("DELETE", xasprintf("%s?gracePeriodSeconds=0", path), NULL, 0, NULL);
		free(path);
	}
	kclient_run(r->c, reqs, ls.n);
	for (size_t i = 0; i < ls.n; i++) {
		struct podlog *l = &ls.l[i];

		if (kreq_ok(l->q))
			say(r, "killed %s (%s %s)", l->id, l->owner->o->kind, l->owner->o->name);
		else if (l->q->status != 404)   /* gone already */
			report(r, l->id, l->q, NULL);
		free_pod(l);
	}
	free(reqs);
	free(ls.l);
	return r->failed ? EXIT_USER : 0;
}
