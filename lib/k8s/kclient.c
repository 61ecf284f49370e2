#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "k8s/kclient.h"

#define MAX_BODY (256u << 20)           /* a response larger than this is an error */
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 8000
#define RETRY_AFTER_MAX_MS 30000

struct kclient {
	CURLM *multi;
	struct kclient_opts o;
	char *base;                     /* scheme://host[:port][/prefix] used in URLs */
	char *server;                   /* as the kubeconfig says, for messages */
	struct curl_slist *connect_to;  /* tls-server-name: connect to the real host */
	struct curl_slist *headers;     /* Accept, User-Agent, Authorization */
	struct kubeconfig *kc;
	unsigned seed;                  /* jitter of the backoff */
	int cred_gen;                   /* bumped when the exec plugin ran again */
	bool global_init;
};

struct kreq_state {
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	long long first_ms, start_ms, ready_ms;
	int cred_gen;                   /* the credentials this attempt carried */
	bool active, done, too_big;
};

/*
 * tls-server-name: the URL names that host (so TLS sends it and checks
 * the certificate against it) while CURLOPT_CONNECT_TO dials the real one.
 */
static void set_base(struct kclient *c, const struct kubeconfig *kc)
{
	const char *s = kc->server, *host = strstr(s, "://") + 3;
	const char *end = host + strcspn(host, "/");
	const char *at = memchr(host, '@', (size_t)(end - host));
	const char *hp = at ? at + 1 : host, *port;
	char *realhost, *realport;
	bool https = strncmp(s, "https", 5) == 0;

	c->server = xstrdup(s);
	if (!kc->tls_server_name) {
		c->base = xstrdup(s);
		return;
	}
	/* split host:port, with [v6] literals */
	if (*hp == '[') {
		const char *close = memchr(hp, ']', (size_t)(end - hp));
		port = close && close + 1 < end && close[1] == ':' ? close + 2 : NULL;
		realhost = xstrndup(hp, (size_t)((close ? close + 1 : end) - hp));
	} else {
		port = memchr(hp, ':', (size_t)(end - hp));
		realhost = xstrndup(hp, (size_t)((port ? port : end) - hp));
		if (port)
			port++;
	}
	realport = port ? xstrndup(port, (size_t)(end - port)) : xstrdup(https ? "443" : "80");
	c->base = xasprintf("%.*s://%s:%s%s", (int)(strstr(s, "://") - s), s, kc->tls_server_name,
			    realport, end);
	{
		char *rule = xasprintf("%s:%s:%s:%s", kc->tls_server_name, realport, realhost, realport);
		c->connect_to = curl_slist_append(NULL, rule);
		free(rule);
	}
	free(realhost);
	free(realport);
}

static void wipe_slist(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		memset(p->data, 0, strlen(p->data));
	curl_slist_free_all(l);
}

/* The headers every request carries, the bearer token among them. */
static void set_headers(struct kclient *c)
{
	char *auth;

	wipe_slist(c->headers);
	c->headers = curl_slist_append(NULL, "Accept: application/json");
	c->headers = curl_slist_append(c->headers, "User-Agent: kapply (fabric-k8s)");
	if (c->kc->token) {
		auth = xasprintf("Authorization: Bearer %s", c->kc->token);
		c->headers = curl_slist_append(c->headers, auth);
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	if (!c->headers)
		die("out of memory");
}

struct kclient *kclient_new(struct kubeconfig *kc, const struct kclient_opts *o)
{
	struct kclient *c = xcalloc(1, sizeof(*c));

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("cannot initialise libcurl");
	c->global_init = true;
	c->o = *o;
	if (c->o.max_inflight <= 0)
		c->o.max_inflight = 32;
	if (c->o.retries < 0)
		c->o.retries = 0;
	if (c->o.retry_budget_ms <= 0)
		c->o.retry_budget_ms = 60000;
	c->kc = kc;
	c->seed = (unsigned)getpid() ^ (unsigned)monotonic_ms();
	set_base(c, kc);
	c->multi = curl_multi_init();
	if (!c->multi)
		die("cannot initialise libcurl");
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	/* one connection when it multiplexes (PIPEWAIT waits to know), a few when it cannot */
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 6L);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)c->o.max_inflight);
	set_headers(c);
	return c;
}

void kclient_free(struct kclient *c)
{
	if (!c)
		return;
	curl_multi_cleanup(c->multi);
	wipe_slist(c->headers);
	curl_slist_free_all(c->connect_to);
	free(c->base);
	free(c->server);
	if (c->global_init)
		curl_global_cleanup();
	free(c);
}

const char *kclient_server(const struct kclient *c)
{
	return c->server;
}

struct kreq *kreq_new(const char *method, char *path, char *body, size_t body_len,
		      const char *content_type)
{
	struct kreq *r = xcalloc(1, sizeof(*r));

	r->method = method;
	r->path = path;
	r->body = body;
	r->body_len = body_len;
	r->content_type = content_type;
	r->st = xcalloc(1, sizeof(*r->st));
	return r;
}

void kreq_free(struct kreq *r)
{
	if (!r)
		return;
	if (r->st) {
		if (r->st->easy)
			curl_easy_cleanup(r->st->easy);
		curl_slist_free_all(r->st->headers);
		free(r->st);
	}
	free(r->path);
	free(r->body);
	free(r->error);
	sb_free(&r->resp);
	free(r);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct kreq *r = arg;

	if (r->resp.len + n > MAX_BODY) {
		r->st->too_big = true;
		return 0;
	}
	sb_add(&r->resp, data, n * size);
	return n * size;
}

static void blob(CURL *e, CURLoption opt, const void *data, size_t len)
{
	struct curl_blob b = { (void *)data, len, CURL_BLOB_COPY };

	curl_easy_setopt(e, opt, &b);
}

/* The URL of r and how curl transfers it: timeouts, HTTP/2, where the body goes. */
static void set_transfer(const struct kclient *c, struct kreq *r, CURL *e)
{
	char *url = xasprintf("%s%s", c->base, r->path);

	curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->st->errbuf);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (c->o.request_timeout_ms > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->o.request_timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	if (c->connect_to)
		curl_easy_setopt(e, CURLOPT_CONNECT_TO, c->connect_to);
	if (c->kc->proxy_url)
		curl_easy_setopt(e, CURLOPT_PROXY, c->kc->proxy_url);
}

/* TLS (the server verified unless the kubeconfig says otherwise) and the client's credentials. */
static void set_tls_auth(const struct kubeconfig *kc, CURL *e)
{
	if (kc->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (kc->ca) {
		blob(e, CURLOPT_CAINFO_BLOB, kc->ca, kc->ca_len);
	}
	if (kc->cert && kc->key) {
		blob(e, CURLOPT_SSLCERT_BLOB, kc->cert, kc->cert_len);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
		blob(e, CURLOPT_SSLKEY_BLOB, kc->key, kc->key_len);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (kc->username) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, kc->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD, kc->password);
	}
}

/* The request itself: the client's headers and r's Content-Type, the method and the body. */
static void set_request(const struct kclient *c, struct kreq *r, CURL *e)
{
	struct kreq_state *st = r->st;

	curl_slist_free_all(st->headers);
	st->headers = NULL;
	for (const struct curl_slist *h = c->headers; h; h = h->next)
		st->headers = curl_slist_append(st->headers, h->data);
	if (r->content_type) {
		char *ct = xasprintf("Content-Type: %s", r->content_type);
		st->headers = curl_slist_append(st->headers, ct);
		free(ct);
	}
	if (!st->headers)
		die("out of memory");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, st->headers);
	if (strcmp(r->method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
}

static void start(struct kclient *c, struct kreq *r)
{
	struct kreq_state *st = r->st;
	CURL *e = curl_easy_init();

	st->cred_gen = c->cred_gen;
	if (!e)
		die("out of memory");
	st->easy = e;
	st->errbuf[0] = '\0';
	st->too_big = false;
	sb_reset(&r->resp);
	r->status = 0;
	free(r->error);
	r->error = NULL;
	r->attempts++;
	st->start_ms = monotonic_ms();
	if (r->attempts == 1)
		st->first_ms = st->start_ms;

	set_transfer(c, r, e);
	set_tls_auth(c->kc, e);
	set_request(c, r, e);
	st->active = true;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		die("cannot start a request");
}

static bool retryable_status(long s)
{
	return s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

static bool retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

static long backoff_ms(struct kclient *c, int attempt)
{
	long ms = BACKOFF_FIRST_MS;

	for (int i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	/* +-20 % so that many requests refused together do not come back together */
	return ms - ms / 5 + (long)(rand_r(&c->seed) % (unsigned)(ms / 5 * 2 + 1));
}

/* Run the exec plugin again for fresh credentials; 0 when it gave some. */
static int refresh(struct kclient *c)
{
	c->cred_gen++;
	if (kubeconfig_exec(c->kc) < 0)
		return -1;
	set_headers(c);
	return 0;
}

static const char *proto(CURL *e)
{
	long v = 0;

	curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &v);
	return v == CURL_HTTP_VERSION_2_0 ? "h2" : v == CURL_HTTP_VERSION_1_1 ? "http/1.1" : "-";
}

/* An attempt ended: decide whether it is final or comes back later. */
static void finish(struct kclient *c, struct kreq *r, CURLcode rc)
{
	struct kreq_state *st = r->st;
	long long t = monotonic_ms();
	long delay = -1;
	curl_off_t retry_after = -1;
	char what[64];

	curl_easy_getinfo(st->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc != CURLE_OK) {
		r->status = 0;
		r->error = st->too_big ? xstrdup("response too large")
			: xstrdup(st->errbuf[0] ? st->errbuf : curl_easy_strerror(rc));
		snprintf(what, sizeof(what), "%s", curl_easy_strerror(rc));
		if (retryable_curl(rc) && !st->too_big)
			delay = backoff_ms(c, r->attempts);
	} else {
		snprintf(what, sizeof(what), "%ld", r->status);
		/*
		 * Credentials from an exec plugin expire: on 401 the plugin runs
		 * again, once per run, as client-go does; requests that carried
		 * the old credentials go again with the new.
		 */
		if (r->status == 401 && c->kc->exec &&
		    (st->cred_gen < c->cred_gen || (c->cred_gen == 0 && refresh(c) == 0)))
			delay = 0;
		else if (retryable_status(r->status)) {
			delay = backoff_ms(c, r->attempts);
			if (r->status == 429 &&
			    curl_easy_getinfo(st->easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
			    retry_after > 0)
				delay = retry_after * 1000 > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS
					: (long)retry_after * 1000;
		}
	}
	if (delay >= 0 && (r->attempts > c->o.retries ||
			   t + delay - st->first_ms > c->o.retry_budget_ms))
		delay = -1;
	if (c->o.verbose) {
		if (delay >= 0)
			warnf("%s %s %s (%s, %lld ms), retry %d of %d in %ld ms", r->method, r->path, what,
			      proto(st->easy), t - st->start_ms, r->attempts, c->o.retries, delay);
		else
			warnf("%s %s %s (%s, %lld ms)", r->method, r->path, what, proto(st->easy),
			      t - st->start_ms);
	}
	curl_multi_remove_handle(c->multi, st->easy);
	curl_easy_cleanup(st->easy);
	st->easy = NULL;
	st->active = false;
	if (delay >= 0)
		st->ready_ms = t + delay;
	else
		st->done = true;
}

void kclient_run(struct kclient *c, struct kreq **reqs, size_t n)
{
	size_t done = 0, active = 0;

	for (size_t i = 0; i < n; i++) {
		reqs[i]->st->done = false;
		reqs[i]->st->ready_ms = 0;
		reqs[i]->attempts = 0;
	}
	while (done < n) {
		long long t = monotonic_ms(), next = -1;
		int running, left, wait;
		CURLMsg *m;

		/* start what may start, in order, within the limit */
		for (size_t i = 0; i < n && active < (size_t)c->o.max_inflight; i++) {
			struct kreq_state *st = reqs[i]->st;
			if (st->done || st->active)
				continue;
			if (st->ready_ms <= t) {
				start(c, reqs[i]);
				active++;
			}
		}
		curl_multi_perform(c->multi, &running);
		while ((m = curl_multi_info_read(c->multi, &left))) {
			struct kreq *r = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			finish(c, r, m->data.result);
			active--;
			if (r->st->done)
				done++;
		}
		if (done == n)
			break;
		/* the next retry due, counting those the attempts that just ended set */
		for (size_t i = 0; i < n; i++) {
			struct kreq_state *st = reqs[i]->st;
			if (!st->done && !st->active && (next < 0 || st->ready_ms < next))
				next = st->ready_ms;
		}
		wait = 1000;
		if (next >= 0 && active < (size_t)c->o.max_inflight) {
			long long d = next - monotonic_ms();
			wait = d < 0 ? 0 : d < wait ? (int)d : wait;
		}
		if (active)
			curl_multi_poll(c->multi, NULL, 0, wait, NULL);
		else if (wait > 0)
			usleep((useconds_t)wait * 1000);
	}
}

bool kreq_ok(const struct kreq *r)
{
	return r->status >= 200 && r->status < 300;
}

static struct jval *status_body(const struct kreq *r)
{
	struct jval *v;
	const char *kind;

	if (!r->resp.buf)
		return NULL;
	v = json_parse(r->resp.buf, r->resp.len, NULL, 0);
	kind = jget_str(v, "kind", NULL);
	if (!kind || strcmp(kind, "Status") != 0) {
		jfree(v);
		return NULL;
	}
	return v;
}

const char *kreq_reason(const struct kreq *r)
{
	static const struct { long code; const char *reason; } reasons[] = {
		{ 400, "BadRequest" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "NotFound" }, { 405, "MethodNotAllowed" }, { 409, "Conflict" },
		{ 410, "Gone" }, { 413, "RequestEntityTooLarge" }, { 415, "UnsupportedMediaType" },
		{ 422, "Invalid" }, { 429, "TooManyRequests" }, { 500, "InternalError" },
		{ 502, "BadGateway" }, { 503, "ServiceUnavailable" }, { 504, "Timeout" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(*reasons); i++)
		if (reasons[i].code == r->status)
			return reasons[i].reason;
	return "";
}

/*
 * The permission a request needed, from its method and path: "patch
 * secrets in namespace org1", "list deployments.apps in every namespace",
 * "get pods/log in namespace org1", "patch namespaces" (cluster-scoped).
 */
static void needed_permission(const struct kreq *r, struct strbuf *sb)
{
	char *path = xstrndup(r->path, strcspn(r->path, "?"));
	const char *query = strchr(r->path, '?');
	char *part[8] = {0}, *save = NULL;
	size_t n = 0, i;
	const char *group = "", *ns = NULL, *verb;

	for (char *t = strtok_r(path, "/", &save); t && n < 8; t = strtok_r(NULL, "/", &save))
		part[n++] = t;
	/* /api/<version>/... or /apis/<group>/<version>/... */
	i = n && strcmp(part[0], "apis") == 0 ? 3 : 2;
	if (i == 3 && n > 1)
		group = part[1];
	if (i + 1 < n && strcmp(part[i], "namespaces") == 0 && i + 2 < n) {
		ns = part[i + 1];
		i += 2;
	}
	if (i >= n) {
		free(path);
		return;
	}
	bool named = i + 1 < n;
	if (strcmp(r->method, "GET") == 0)
		verb = named ? "get" : query && strstr(query, "watch=") ? "watch" : "list";
	else if (strcmp(r->method, "DELETE") == 0)
		verb = named ? "delete" : "deletecollection";
	else if (strcmp(r->method, "POST") == 0)
		verb = "create";
	else if (strcmp(r->method, "PUT") == 0)
		verb = "update";
	else
		verb = "patch";
	sb_addf(sb, "; the credentials lack the permission to %s %s", verb, part[i]);
	if (i + 2 < n)          /* a subresource: pods/log */
		sb_addf(sb, "/%s", part[i + 2]);
	if (*group)
		sb_addf(sb, ".%s", group);
	if (ns)
		sb_addf(sb, " in namespace %s", ns);
	else if (strcmp(part[i], "namespaces") != 0 && strcmp(part[i], "persistentvolumes") != 0 &&
		 !named && strcmp(verb, "list") == 0)
		sb_adds(sb, " in every namespace");
	free(path);
}

char *kreq_error(const struct kreq *r, const struct kclient *c)
{
	struct strbuf sb = {0};
	struct jval *st;
	const char *reason, *message;
	struct jval *causes;

	if (r->status == 0) {
		sb_addf(&sb, "cannot reach %s: %s", c->server, r->error ? r->error : "no answer");
		if (r->attempts > 1)
			sb_addf(&sb, " (after %d attempts)", r->attempts);
		return sb_detach(&sb);
	}
	st = status_body(r);
	reason = jget_str(st, "reason", NULL);
	message = jget_str(st, "message", NULL);
	causes = jget(st, "details", "causes", NULL);
	sb_addf(&sb, "%ld %s", r->status, reason && *reason ? reason : kreq_reason(r));
	if (r->status == 422 && causes && causes->type == J_ARR && causes->n > 0) {
		/* the message repeats the object's name before the causes: keep the causes */
		for (size_t i = 0; i < causes->n; i++) {
			const char *f = jget_str(causes->v[i], "field", NULL);
			const char *m = jget_str(causes->v[i], "message", NULL);
			sb_adds(&sb, i ? "; " : ": ");
			if (f && *f)
				sb_addf(&sb, "%s: ", f);
			sb_adds(&sb, m ? m : "invalid");
		}
	} else if (message && *message) {
		sb_addf(&sb, ": %s", message);
	} else if (!st && r->resp.len) {
		/* not a Status (a proxy's page, say): its first line, shortened */
		size_t n = strcspn(r->resp.buf, "\r\n");
		sb_addf(&sb, ": %.*s%s", (int)(n > 160 ? 160 : n), r->resp.buf, n > 160 ? "..." : "");
	}
	/* RBAC's refusals say "cannot"; a terminating namespace's is no permission's */
	if (r->status == 403 && r->path && r->method && (!message || strstr(message, " cannot ")))
		needed_permission(r, &sb);
	if (r->attempts > 1)
		sb_addf(&sb, " (after %d attempts)", r->attempts);
	jfree(st);
	for (size_t i = 0; i < sb.len; i++)     /* one line, whatever the server wrote */
		if (sb.buf[i] == '\n' || sb.buf[i] == '\r')
			sb.buf[i] = ' ';
	return sb_detach(&sb);
}
