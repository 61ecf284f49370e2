/* kapply wait and kapply get: how far workloads and Jobs are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "kapply.h"

#define POLL_MS 500              /* between polls, after a quicker start */
#define MSG_MAX 512

enum readiness { NOT_READY, READY, FAILED };

static long long num(const struct jval *obj, const char *a, const char *b, long long dflt)
{
	long long v;

	return jget_ll(&v, obj, a, b, NULL) ? v : dflt;
}

/* An object's status condition of this type, or NULL. */
static const struct jval *condition(const struct jval *obj, const char *type)
{
	const struct jval *c = jget(obj, "status", "conditions", NULL);

	for (size_t i = 0; c && c->type == J_ARR && i < c->n; i++) {
		const char *t = jget_str(c->v[i], "type", NULL);
		if (t && strcmp(t, type) == 0)
			return c->v[i];
	}
	return NULL;
}

/* How far a rollout is, the way kubectl rollout status judges it; the state goes to msg. */
static enum readiness workload_state(const struct jval *obj, const char *kind, char *msg, size_t len)
{
	long long gen = num(obj, "metadata", "generation", 0);
	long long observed = num(obj, "status", "observedGeneration", 0);
	long long want = num(obj, "spec", "replicas", 1);
	long long updated = num(obj, "status", "updatedReplicas", 0);
	long long total = num(obj, "status", "replicas", 0);
	long long ready = num(obj, "status", "readyReplicas", 0);
	long long avail = num(obj, "status", "availableReplicas", 0);

	if (observed < gen || observed == 0) {
		snprintf(msg, len, "waiting for the controller to see generation %lld", gen);
		return NOT_READY;
	}
	if (strcmp(kind, "Deployment") == 0) {
		const char *reason = jget_str(condition(obj, "Progressing"), "reason", NULL);
		if (reason && strcmp(reason, "ProgressDeadlineExceeded") == 0) {
			snprintf(msg, len, "rollout failed: progress deadline exceeded");
			return FAILED;
		}
		if (updated < want)
			snprintf(msg, len, "%lld of %lld replicas updated", updated, want);
		else if (total > updated)
			snprintf(msg, len, "%lld old replicas pending termination", total - updated);
		else if (avail < updated)
			snprintf(msg, len, "%lld of %lld replicas available", avail, updated);
		else if (avail > want)
			/* scaled down: the status still counts pods on their way out */
			snprintf(msg, len, "%lld replicas available, going down to %lld", avail, want);
		else {
			snprintf(msg, len, "%lld/%lld available", avail, want);
			return READY;
		}
		return NOT_READY;
	}
	/* StatefulSet */
	{
		const char *cur = jget_str(obj, "status", "currentRevision", NULL);
		const char *upd = jget_str(obj, "status", "updateRevision", NULL);
		const char *strategy = jget_str(obj, "spec", "updateStrategy", "type", NULL);

		if (ready < want)
			snprintf(msg, len, "%lld of %lld pods ready", ready, want);
		else if (ready > want)
			snprintf(msg, len, "%lld pods ready, going down to %lld", ready, want);
		else if ((!strategy || strcmp(strategy, "RollingUpdate") == 0) && cur && upd &&
			 strcmp(cur, upd) != 0)
			snprintf(msg, len, "rolling update to revision %s in progress", upd);
		else {
			snprintf(msg, len, "%lld/%lld ready", ready, want);
			return READY;
		}
		return NOT_READY;
	}
}

static bool is_true(const struct jval *cond)
{
	const char *s = jget_str(cond, "status", NULL);

	return s && strcmp(s, "True") == 0;
}

/*
 * Whether a Job is done, as its controller says: condition Failed or
 * Complete, or as many pods succeeded as spec.completions (1 when unset).
 */
static enum readiness job_state(const struct jval *obj, char *msg, size_t len)
{
	const struct jval *failed = condition(obj, "Failed");
	long long want = num(obj, "spec", "completions", 1);
	long long succeeded = num(obj, "status", "succeeded", 0);
	long long active = num(obj, "status", "active", 0);
	long long nfailed = num(obj, "status", "failed", 0);
	const struct jval *suspend = jget(obj, "spec", "suspend", NULL);

	if (is_true(failed)) {
		const char *reason = jget_str(failed, "reason", NULL);
		const char *message = jget_str(failed, "message", NULL);
		snprintf(msg, len, "failed%s%s%s%s", reason ? ": " : "", reason ? reason : "",
			 message ? ": " : "", message ? message : "");
		return FAILED;
	}
	if (is_true(condition(obj, "Complete")) || succeeded >= want) {
		snprintf(msg, len, "%lld/%lld succeeded", succeeded, want);
		return READY;
	}
	if (suspend && suspend->type == J_BOOL && suspend->b)
		snprintf(msg, len, "suspended");
	else if (nfailed)
		snprintf(msg, len, "%lld/%lld succeeded, %lld running, %lld failed", succeeded, want, active, nfailed);
	else
		snprintf(msg, len, "%lld/%lld succeeded, %lld running", succeeded, want, active);
	return NOT_READY;
}

/* The state of a workload or a Job, in msg. */
static enum readiness state_of(const struct target *t, const struct jval *obj, char *msg, size_t len)
{
	return is_job(t) ? job_state(obj, msg, len) : workload_state(obj, t->res->kind, msg, len);
}

int cmd_wait(struct run *r)
{
	struct target **pending = xcalloc(r->nt ? r->nt : 1, sizeof(*pending));
	char **last = xcalloc(r->nt ? r->nt : 1, sizeof(*last));
	size_t n = 0;
	long long deadline = monotonic_ms() + r->o->timeout_ms;

	for (size_t i = 0; i < r->nt; i++)
		if (is_workload(&r->t[i]) || is_job(&r->t[i]))
			pending[n++] = &r->t[i];
	if (!n)
		say(r, "no Job, Deployment or StatefulSet to wait for");
	for (int round = 0; n; round++) {
		struct kreq **reqs = xcalloc(n, sizeof(*reqs));
		size_t keep = 0;
		long long now, pause;

		for (size_t i = 0; i < n; i++)
			reqs[i] = get_req(pending[i]);
		kclient_run(r->c, reqs, n);
		for (size_t i = 0; i < n; i++) {
			struct target *t = reqs[i]->data;
			size_t ti = (size_t)(t - r->t);
			char msg[MSG_MAX];
			struct jval *obj;
			enum readiness st;

			if (!kreq_ok(reqs[i])) {
				report(r, t->id, reqs[i], NULL);
				kreq_free(reqs[i]);
				continue;
			}
			obj = json_parse(reqs[i]->resp.buf, reqs[i]->resp.len, NULL, 0);
			st = state_of(t, obj, msg, sizeof(msg));
			jfree(obj);
			if (st == READY) {
				say(r, "%s %s (%s)", is_job(t) ? "complete" : "ready", t->id, msg);
			} else if (st == FAILED) {
				warnf("%s: %s", t->id, msg);
				r->failed++;
			} else {
				if (!last[ti] || strcmp(last[ti], msg) != 0) {
					if (!r->o->quiet)
						warnf("waiting for %s: %s", t->id, msg);
					free(last[ti]);
					last[ti] = xstrdup(msg);
				}
				pending[keep++] = t;
			}
			kreq_free(reqs[i]);
		}
		free(reqs);
		n = keep;
		if (!n)
			break;
		now = monotonic_ms();
		if (now >= deadline) {
			for (size_t i = 0; i < n; i++) {
				size_t ti = (size_t)(pending[i] - r->t);
				warnf("%s: not %s after %ld s: %s", pending[i]->id,
				      is_job(pending[i]) ? "complete" : "ready", r->o->timeout_ms / 1000, last[ti]);
				r->failed++;
			}
			break;
		}
		/* short Jobs are seen soon: 100 ms, 200, 400, then every 500 */
		pause = round < 3 ? 100LL << round : POLL_MS;
		if (pause > deadline - now)
			pause = deadline - now;     /* one last look at the deadline */
		usleep((useconds_t)pause * 1000);
	}
	for (size_t i = 0; i < r->nt; i++)
		free(last[i]);
	free(last);
	free(pending);
	return r->failed ? EXIT_USER : 0;
}

/* Secret values never leave kapply: each becomes a placeholder. */
static void redact(struct jval *obj, const struct target *t)
{
	static const char *const fields[] = { "data", "stringData" };

	if (*t->res->group || strcmp(t->res->kind, "Secret") != 0)
		return;
	for (size_t f = 0; f < 2; f++) {
		struct jval *m = jobj_get(obj, fields[f]);
		for (size_t i = 0; m && m->type == J_OBJ && i < m->n; i++) {
			jfree(m->v[i]);
			m->v[i] = jstr("(hidden)");
		}
	}
	/* the last applied values could hold them too */
	jobj_del(jobj_get(obj, "metadata"), "managedFields");
	jobj_del(jget(obj, "metadata", "annotations", NULL),
		 "kubectl.kubernetes.io/last-applied-configuration");
}

int cmd_get(struct run *r)
{
	struct kreq **reqs = xcalloc(r->nt ? r->nt : 1, sizeof(*reqs));
	struct jval *list = jobj(), *items = jarr();

	for (size_t i = 0; i < r->nt; i++)
		reqs[i] = get_req(&r->t[i]);
	kclient_run(r->c, reqs, r->nt);
	for (size_t i = 0; i < r->nt; i++) {
		struct target *t = &r->t[i];
		struct jval *obj;
		char msg[MSG_MAX] = "";
		const char *phase;

		if (reqs[i]->status == 404) {
			if (!r->o->output)
				printf("%s\tabsent\n", t->id);
			continue;
		}
		if (!kreq_ok(reqs[i])) {
			report(r, t->id, reqs[i], NULL);
			continue;
		}
		obj = json_parse(reqs[i]->resp.buf, reqs[i]->resp.len, NULL, 0);
		if (is_workload(t) || is_job(t))
			state_of(t, obj, msg, sizeof(msg));
		else if ((phase = jget_str(obj, "status", "phase", NULL)))
			snprintf(msg, sizeof(msg), "%s", phase);
		if (r->o->output) {
			redact(obj, t);
			jarr_add(items, obj);
			continue;
		}
		printf("%s\t%s\t%s\n", t->id,
		       jget(obj, "metadata", "deletionTimestamp", NULL) ? "terminating" : "present", msg);
		jfree(obj);
	}
	if (r->o->output) {
		struct strbuf sb = {0};
		jobj_set(list, "apiVersion", jstr("v1"));
		jobj_set(list, "kind", jstr("List"));
		jobj_set(list, "items", items);
		json_write(&sb, list, true);
		puts(sb.buf);
		sb_free(&sb);
	} else {
		jfree(items);
	}
	jfree(list);
	for (size_t i = 0; i < r->nt; i++)
		kreq_free(reqs[i]);
	free(reqs);
	return r->failed ? EXIT_USER : 0;
}
