/*
 * kclient.h - requests to the Kubernetes API server on libcurl.
 *
 * One client is one libcurl multi handle: requests share one HTTP/2
 * connection (TLS with ALPN; plain http:// servers get HTTP/1.1), at most
 * max_inflight of them at a time.  Each request is retried with
 * exponential backoff on 429 (waiting Retry-After when the server sends
 * it), 500, 502, 503, 504 and dropped or timed-out connections, at most
 * `retries` more times and never past `retry_budget_ms` after its first
 * attempt.  Verification failures, 4xx answers and the like are final,
 * except a 401 with credentials from an exec plugin (see kclient_new).
 *
 * Requests carry the kubeconfig's credentials.  Nothing here prints a
 * header or a body: the verbose log is method, path, status and timing.
 */
#ifndef KCLIENT_H
#define KCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "k8s/kubeconfig.h"
#include "base/util.h"

struct kclient_opts {
	int max_inflight;               /* requests on the wire at once (default 32) */
	int retries;                    /* further attempts after the first (default 5) */
	long request_timeout_ms;        /* one attempt's limit, 0 for none */
	long retry_budget_ms;           /* no retry starts later than this after the first attempt (default 60 s) */
	int verbose;                    /* 1: one line per request on stderr */
};

struct kreq {
	/* set by the caller; kreq_free releases path and body */
	const char *method;             /* "GET", "PATCH", "DELETE", ... */
	char *path;                     /* absolute path with query, e.g. /api/v1/namespaces/x */
	char *body;                     /* NULL for none */
	size_t body_len;
	const char *content_type;       /* of body */
	void *data;                     /* the caller's */

	/* results */
	long status;                    /* HTTP status of the last attempt, 0 when none came */
	struct strbuf resp;             /* its body */
	char *error;                    /* transport error of the last attempt, NULL when a status came */
	int attempts;

	/* private to kclient.c */
	struct kreq_state *st;
};

struct kclient;

/*
 * Ready for kclient_run; the exec plugin must have run (kubeconfig_exec).
 * kc stays the caller's; the client runs its exec plugin again (once) when
 * the server answers 401, and then updates kc's credentials.
 */
struct kclient *kclient_new(struct kubeconfig *kc, const struct kclient_opts *o);
void kclient_free(struct kclient *c);

/* The server URL, for messages. */
const char *kclient_server(const struct kclient *c);

/* A request; path and body are taken over (body may be NULL). */
struct kreq *kreq_new(const char *method, char *path, char *body, size_t body_len,
		      const char *content_type);
void kreq_free(struct kreq *r);

/* Run the requests to completion (with their retries). */
void kclient_run(struct kclient *c, struct kreq **reqs, size_t n);

/* Did it end with a 2xx status? */
bool kreq_ok(const struct kreq *r);
/* The server's Status reason ("NotFound") or "" when the body is not a Status. */
const char *kreq_reason(const struct kreq *r);

/*
 * Why a request failed, in one line for people, e.g.
 *   422 Invalid: spec.template.spec.containers[0].image: Required value
 *   409 Conflict: Apply failed with 1 conflict: conflict with "x": .metadata.labels.a
 *   cannot reach https://10.0.0.1:6443: Connection refused (after 6 attempts)
 * Allocated.
 */
char *kreq_error(const struct kreq *r, const struct kclient *c);

#endif
