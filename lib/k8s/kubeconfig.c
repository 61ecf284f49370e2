#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/base64.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "k8s/kubeconfig.h"
#include "yaml/ytree.h"

extern char **environ;

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"
#define EXEC_TIMEOUT_MS 60000
#define EXEC_MAX_OUTPUT (1 << 20)

struct kfile {
	char *path, *dir;
	struct yfile *y;
	const struct ynode *root;       /* a mapping, or NULL for an empty file */
};

struct chain {
	struct kfile *f;
	size_t n, cap;
};

/* An entry of clusters/users/contexts: its inner mapping and where it is. */
struct entry {
	const struct kfile *file;
	const struct ynode *inner;      /* NULL when the entry has no inner map */
	size_t index;
	struct ypath list, item, in;    /* clusters[3].cluster */
};

static void chain_free(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->f[i].path);
		free(c->f[i].dir);
		yfile_free(c->f[i].y);
	}
	free(c->f);
}

/* Load path into the chain; missing files are skipped unless must_exist. */
static int chain_add(struct chain *c, const char *path, bool must_exist)
{
	struct stat st;
	struct yfile *y;
	const struct ynode *root;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		warnf("cannot read kubeconfig %s:", path);
		return -1;
	}
	y = yfile_load(path);
	if (!y)
		return -1;
	root = y->ndocs ? y->docs[0] : NULL;
	if (root && ynode_is_null(root))
		root = NULL;
	if (root && root->kind != Y_MAP) {
		yerror(root, NULL, "a kubeconfig must be a mapping, not %s", ynode_kind_name(root));
		yfile_free(y);
		return -1;
	}
	c->f = xgrow(c->f, &c->cap, c->n + 1, sizeof(*c->f));
	c->f[c->n++] = (struct kfile){ xstrdup(path), path_dirname(path), y, root };
	return 0;
}

static bool find_entry(const struct chain *c, const char *list, const char *inner,
		       const char *name, struct entry *e)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct ynode *seq = ymap_get(c->f[i].root, list);

		if (!seq || seq->kind != Y_SEQ)
			continue;
		for (size_t j = 0; j < seq->n; j++) {
			const struct ynode *nm = ymap_get(seq->items[j], "name");

			if (!nm || nm->kind != Y_SCALAR || strcmp(nm->str, name) != 0)
				continue;
			e->file = &c->f[i];
			e->index = j;
			e->inner = ymap_get(seq->items[j], inner);
			if (e->inner && ynode_is_null(e->inner))
				e->inner = NULL;
			e->list = YPATH_KEY(NULL, list);
			e->item = YPATH_INDEX(&e->list, j);
			e->in = YPATH_KEY(&e->item, inner);
			return true;
		}
	}
	return false;
}

/* A string field of an entry (NULL when absent); -1 on a type error. */
static int field_str(const struct entry *e, const char *key, const char **out)
{
	struct ypath p = YPATH_KEY(&e->in, key);

	*out = NULL;
	if (e->inner && e->inner->kind != Y_MAP) {
		yerror(e->inner, &e->in, "expected a mapping, got %s", ynode_kind_name(e->inner));
		return -1;
	}
	if (yget_str(ymap_get(e->inner, key), &p, out) < 0)
		return -1;
	if (*out && !**out)
		*out = NULL;
	return 0;
}

/* Read a file an entry names (relative to the entry's kubeconfig). */
static unsigned char *field_file(const struct entry *e, const char *key, const char *rel,
				 size_t *len, char **abs)
{
	char *path = path_join(e->file->dir, rel);
	unsigned char *data = (unsigned char *)read_file(path, len);
	struct ypath p = YPATH_KEY(&e->in, key);

	if (!data) {
		yerror(ymap_get(e->inner, key), &p, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	*abs = path;
	return data;
}

/* A *-data field: base64 of PEM text. */
static unsigned char *field_data(const struct entry *e, const char *key, const char *b64,
				 size_t *len)
{
	unsigned char *d = base64_decode(b64, strlen(b64), len);
	struct ypath p = YPATH_KEY(&e->in, key);

	if (!d)
		yerror(ymap_get(e->inner, key), &p, "not valid base64");
	return d;
}

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static int load_cluster(struct kubeconfig *kc, const struct entry *e)
{
	const char *server, *ca, *ca_data, *sni, *proxy;
	const struct ynode *insecure = ymap_get(e->inner, "insecure-skip-tls-verify");
	struct ypath ip = YPATH_KEY(&e->in, "insecure-skip-tls-verify");
	char *abs = NULL;

	if (field_str(e, "server", &server) < 0 || field_str(e, "certificate-authority", &ca) < 0 ||
	    field_str(e, "certificate-authority-data", &ca_data) < 0 ||
	    field_str(e, "tls-server-name", &sni) < 0 || field_str(e, "proxy-url", &proxy) < 0 ||
	    yget_bool(insecure, &ip, &kc->insecure) < 0)
		return -1;
	if (!server) {
		yerror(e->inner ? e->inner : NULL, &e->in, "no server in cluster \"%s\"",
		       kc->cluster_name);
		return -1;
	}
	if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0) {
		struct ypath sp = YPATH_KEY(&e->in, "server");
		yerror(ymap_get(e->inner, "server"), &sp,
		       "\"%s\" is not an http:// or https:// URL", server);
		return -1;
	}
	kc->server = xstrdup(server);
	while (strlen(kc->server) > 8 && kc->server[strlen(kc->server) - 1] == '/')
		kc->server[strlen(kc->server) - 1] = '\0';
	if (ca_data) {
		if (!(kc->ca = field_data(e, "certificate-authority-data", ca_data, &kc->ca_len)))
			return -1;
		kc->ca_origin = xstrdup("certificate-authority-data");
	} else if (ca) {
		if (!(kc->ca = field_file(e, "certificate-authority", ca, &kc->ca_len, &abs)))
			return -1;
		kc->ca_origin = xasprintf("certificate-authority %s", abs);
		free(abs);
	}
	if (kc->insecure && kc->ca) {
		yerror(insecure, &ip, "insecure-skip-tls-verify together with a certificate authority: "
		       "choose one (kubectl refuses this too)");
		return -1;
	}
	kc->tls_server_name = sni ? xstrdup(sni) : NULL;
	kc->proxy_url = proxy ? xstrdup(proxy) : NULL;
	return 0;
}

static int load_exec(struct kubeconfig *kc, const struct entry *u, const struct ynode *ex)
{
	struct entry e = *u;
	const char *api = NULL, *cmd = NULL, *hint = NULL, *mode = NULL;
	const struct ynode *args = NULL, *env = NULL;
	struct ypath ap = YPATH_KEY(&e.in, "args"), ep = YPATH_KEY(&e.in, "env");
	struct ypath pp = YPATH_KEY(&e.in, "provideClusterInfo");
	bool provide = false;
	struct kexec *x;
	size_t nargs, nenv;

	e.inner = ex;
	e.in = YPATH_KEY(&u->in, "exec");
	if (field_str(&e, "apiVersion", &api) < 0 || field_str(&e, "command", &cmd) < 0 ||
	    field_str(&e, "installHint", &hint) < 0 || field_str(&e, "interactiveMode", &mode) < 0 ||
	    yget_seq(ymap_get(ex, "args"), &ap, &args) < 0 ||
	    yget_seq(ymap_get(ex, "env"), &ep, &env) < 0 ||
	    yget_bool(ymap_get(ex, "provideClusterInfo"), &pp, &provide) < 0)
		return -1;
	if (!cmd) {
		yerror(ex, &e.in, "exec plugin without a command");
		return -1;
	}
	if (!api || (strcmp(api, "client.authentication.k8s.io/v1") != 0 &&
		     strcmp(api, "client.authentication.k8s.io/v1beta1") != 0)) {
		yerror(ex, &e.in, "apiVersion %s%s%s is not supported (client.authentication.k8s.io/v1 or v1beta1)",
		       api ? "\"" : "", api ? api : "missing", api ? "\"" : "");
		return -1;
	}
	if (mode && strcmp(mode, "Always") == 0) {
		struct ypath mp = YPATH_KEY(&e.in, "interactiveMode");
		yerror(ymap_get(ex, "interactiveMode"), &mp,
		       "the plugin needs a terminal (interactiveMode Always); kapply never runs one interactively");
		return -1;
	}
	x = xcalloc(1, sizeof(*x));
	x->api_version = xstrdup(api);
	x->command = strchr(cmd, '/') ? path_join(e.file->dir, cmd) : xstrdup(cmd);
	x->install_hint = hint ? xstrdup(hint) : NULL;
	x->provide_cluster_info = provide;
	nargs = args ? args->n : 0;
	x->args = xcalloc(nargs + 2, sizeof(*x->args));
	x->args[0] = xstrdup(x->command);
	nenv = env ? env->n : 0;
	x->env = xcalloc(nenv + 1, sizeof(*x->env));
	kc->exec = x;           /* owned by kc from here, so errors below free it */
	for (size_t i = 0; i < nargs; i++) {
		struct ypath ip = YPATH_INDEX(&ap, i);
		const char *s = NULL;
		if (yget_str(args->items[i], &ip, &s) < 0)
			return -1;
		x->args[i + 1] = xstrdup(s ? s : "");
	}
	for (size_t i = 0; i < nenv; i++) {
		struct ypath ip = YPATH_INDEX(&ep, i);
		struct ypath np = YPATH_KEY(&ip, "name"), vp = YPATH_KEY(&ip, "value");
		const char *name = NULL, *value = NULL;
		if (yget_str(ymap_get(env->items[i], "name"), &np, &name) < 0 ||
		    yget_str(ymap_get(env->items[i], "value"), &vp, &value) < 0)
			return -1;
		if (!name || !*name || strchr(name, '=')) {
			yerror(env->items[i], &ip, "an environment variable needs a name without '='");
			return -1;
		}
		x->env[i] = xasprintf("%s=%s", name, value ? value : "");
	}
	kc->auth_origin = xasprintf("exec plugin %s", x->command);
	return 0;
}

static int load_user(struct kubeconfig *kc, const struct entry *e)
{
	const char *cert, *cert_data, *key, *key_data, *token, *token_file, *user, *pass;
	const struct ynode *ex, *ap;
	char *abs = NULL, *key_abs = NULL;

	if (field_str(e, "client-certificate", &cert) < 0 ||
	    field_str(e, "client-certificate-data", &cert_data) < 0 ||
	    field_str(e, "client-key", &key) < 0 || field_str(e, "client-key-data", &key_data) < 0 ||
	    field_str(e, "token", &token) < 0 || field_str(e, "tokenFile", &token_file) < 0 ||
	    field_str(e, "username", &user) < 0 || field_str(e, "password", &pass) < 0)
		return -1;
	if ((ap = ymap_get(e->inner, "auth-provider")) && !ynode_is_null(ap)) {
		const char *name = ap->kind == Y_MAP ? NULL : "?";
		struct ypath p = YPATH_KEY(&e->in, "auth-provider");
		if (!name)
			name = ymap_get(ap, "name") && ymap_get(ap, "name")->kind == Y_SCALAR ?
				ymap_get(ap, "name")->str : "?";
		yerror(ap, &p, "auth-provider \"%s\" is not supported: use an exec credential plugin", name);
		return -1;
	}
	if (token) {
		kc->token = xstrdup(token);
		kc->auth_origin = xstrdup("bearer token (token)");
	} else if (token_file) {
		size_t len;
		if (!(kc->token = (char *)field_file(e, "tokenFile", token_file, &len, &abs)))
			return -1;
		trim_right(kc->token);
		kc->auth_origin = xasprintf("bearer token from tokenFile %s", abs);
		free(abs);
		abs = NULL;
	}
	if (cert_data || cert || key_data || key) {
		if (!(cert_data || cert) || !(key_data || key)) {
			yerror(e->inner, &e->in, "a client certificate needs both client-certificate%s and client-key%s",
			       cert_data ? "-data" : "", key_data ? "-data" : "");
			return -1;
		}
		kc->cert = cert_data ? field_data(e, "client-certificate-data", cert_data, &kc->cert_len)
			: field_file(e, "client-certificate", cert, &kc->cert_len, &abs);
		if (!kc->cert)
			return -1;
		kc->key = key_data ? field_data(e, "client-key-data", key_data, &kc->key_len)
			: field_file(e, "client-key", key, &kc->key_len, &key_abs);
		if (!kc->key) {
			free(abs);
			return -1;
		}
		if (!kc->auth_origin)
			kc->auth_origin = cert_data ? xstrdup("client certificate (client-certificate-data)")
				: xasprintf("client certificate %s", abs);
		free(abs);
		free(key_abs);
	}
	if (user && !kc->auth_origin) {
		kc->username = xstrdup(user);
		kc->password = xstrdup(pass ? pass : "");
		kc->auth_origin = xasprintf("basic authentication as \"%s\"", user);
	}
	if ((ex = ymap_get(e->inner, "exec")) && !ynode_is_null(ex)) {
		if (ex->kind != Y_MAP) {
			struct ypath p = YPATH_KEY(&e->in, "exec");
			yerror(ex, &p, "expected a mapping, got %s", ynode_kind_name(ex));
			return -1;
		}
		if (!kc->token && !kc->cert && !kc->username) {
			free(kc->auth_origin);
			kc->auth_origin = NULL;
			return load_exec(kc, e, ex);
		}
	}
	return 0;
}

static char *read_trimmed(const char *dir, const char *name, bool must)
{
	char *path = path_join(dir, name);
	size_t len;
	char *s = read_file(path, &len);

	if (!s && must)
		warnf("in-cluster configuration: cannot read %s:", path);
	free(path);
	if (s)
		trim_right(s);
	return s;
}

static struct kubeconfig *load_in_cluster(const struct kubeconfig_opts *o)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	const char *dir = getenv("KAPPLY_SA_DIR");
	struct kubeconfig *kc;
	char *ns, *ca_path;

	if (!host || !*host || !port || !*port) {
		warnf("no kubeconfig: KUBECONFIG names no existing file, there is no ~/.kube/config, "
		      "and this is not a pod (KUBERNETES_SERVICE_HOST is unset); use --kubeconfig");
		return NULL;
	}
	if (o->context) {
		warnf("context \"%s\" not found: no kubeconfig file, only the in-cluster service account",
		      o->context);
		return NULL;
	}
	if (!dir || !*dir)
		dir = SA_DIR;
	kc = xcalloc(1, sizeof(*kc));
	kc->sources = xstrdup("in-cluster service account");
	kc->context = xstrdup("");
	kc->cluster_name = xstrdup("");
	kc->user_name = xstrdup("");
	kc->server = strchr(host, ':') ? xasprintf("https://[%s]:%s", host, port)
		: xasprintf("https://%s:%s", host, port);
	kc->token = read_trimmed(dir, "token", true);
	ca_path = path_join(dir, "ca.crt");
	kc->ca = (unsigned char *)read_file(ca_path, &kc->ca_len);
	if (!kc->ca)
		warnf("in-cluster configuration: cannot read %s:", ca_path);
	kc->ca_origin = xasprintf("certificate-authority %s", ca_path);
	free(ca_path);
	if (!kc->token || !kc->ca) {
		kubeconfig_free(kc);
		return NULL;
	}
	kc->auth_origin = xasprintf("service account token %s/token", dir);
	ns = read_trimmed(dir, "namespace", false);
	kc->namespace = xstrdup(o->namespace ? o->namespace : ns && *ns ? ns : "default");
	free(ns);
	return kc;
}

static int load_chain(struct chain *c, const struct kubeconfig_opts *o)
{
	const char *env = getenv("KUBECONFIG");

	if (o->kubeconfig)
		return chain_add(c, o->kubeconfig, true);
	if (env && *env) {
		char *list = xstrdup(env), *save = NULL;
		int rc = 0;

		for (char *p = strtok_r(list, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save))
			rc = chain_add(c, p, false);
		free(list);
		return rc;
	}
	if (getenv("HOME") && *getenv("HOME")) {
		char *path = path_join(getenv("HOME"), ".kube/config");
		int rc = chain_add(c, path, false);
		free(path);
		return rc;
	}
	return 0;
}

struct kubeconfig *kubeconfig_load(const struct kubeconfig_opts *o)
{
	struct chain c = {0};
	struct kubeconfig *kc;
	struct entry ctx = {0}, cl = {0}, us = {0};
	const char *cur = NULL, *cluster = NULL, *user = NULL, *ns = NULL;
	struct strbuf sources = {0};

	if (load_chain(&c, o) < 0) {
		chain_free(&c);
		return NULL;
	}
	if (c.n == 0) {
		chain_free(&c);
		return load_in_cluster(o);
	}
	for (size_t i = 0; i < c.n; i++) {
		sb_addf(&sources, "%s%s", i ? ":" : "", c.f[i].path);
		if (!cur) {
			const struct ynode *n = ymap_get(c.f[i].root, "current-context");
			struct ypath p = YPATH_KEY(NULL, "current-context");
			if (yget_str(n, &p, &cur) < 0)
				goto fail;
			if (cur && !*cur)
				cur = NULL;
		}
	}
	if (o->context)
		cur = o->context;
	if (!cur) {
		warnf("no current-context in %s: name one with --context", sources.buf);
		goto fail;
	}
	if (!find_entry(&c, "contexts", "context", cur, &ctx)) {
		warnf("context \"%s\" not found in %s", cur, sources.buf);
		goto fail;
	}
	if (field_str(&ctx, "cluster", &cluster) < 0 || field_str(&ctx, "user", &user) < 0 ||
	    field_str(&ctx, "namespace", &ns) < 0)
		goto fail;
	if (!cluster) {
		yerror(ctx.inner, &ctx.in, "context \"%s\" names no cluster", cur);
		goto fail;
	}
	if (!find_entry(&c, "clusters", "cluster", cluster, &cl)) {
		warnf("cluster \"%s\" of context \"%s\" not found in %s", cluster, cur, sources.buf);
		goto fail;
	}
	if (user && !find_entry(&c, "users", "user", user, &us)) {
		warnf("user \"%s\" of context \"%s\" not found in %s", user, cur, sources.buf);
		goto fail;
	}
	kc = xcalloc(1, sizeof(*kc));
	kc->sources = sb_detach(&sources);
	kc->context = xstrdup(cur);
	kc->cluster_name = xstrdup(cluster);
	kc->user_name = xstrdup(user ? user : "");
	kc->namespace = xstrdup(o->namespace ? o->namespace : ns ? ns : "default");
	if (load_cluster(kc, &cl) < 0 || (user && load_user(kc, &us) < 0)) {
		kubeconfig_free(kc);
		chain_free(&c);
		return NULL;
	}
	if (!kc->auth_origin)
		kc->auth_origin = xstrdup("none (anonymous)");
	chain_free(&c);
	return kc;
fail:
	sb_free(&sources);
	chain_free(&c);
	return NULL;
}

static void free_exec(struct kexec *x)
{
	if (!x)
		return;
	for (char **a = x->args; a && *a; a++)
		free(*a);
	for (char **e = x->env; e && *e; e++)
		free(*e);
	free(x->args);
	free(x->env);
	free(x->api_version);
	free(x->command);
	free(x->install_hint);
	free(x);
}

/* Overwrite a secret before its memory goes back to the allocator. */
static void free_secret(void *p, size_t len)
{
	if (!p)
		return;
	volatile unsigned char *v = p;
	while (len--)
		*v++ = 0;
	free(p);
}

void kubeconfig_free(struct kubeconfig *kc)
{
	if (!kc)
		return;
	free(kc->sources);
	free(kc->context);
	free(kc->cluster_name);
	free(kc->user_name);
	free(kc->namespace);
	free(kc->server);
	free(kc->ca);
	free(kc->ca_origin);
	free(kc->tls_server_name);
	free(kc->proxy_url);
	free_secret(kc->token, kc->token ? strlen(kc->token) : 0);
	free(kc->username);
	free_secret(kc->password, kc->password ? strlen(kc->password) : 0);
	free(kc->cert);
	free_secret(kc->key, kc->key_len);
	free(kc->auth_origin);
	free_exec(kc->exec);
	free(kc);
}

/* ---- exec credential plugins ---- */

static char *exec_info(const struct kubeconfig *kc)
{
	struct jval *info = jobj(), *spec = jobj();
	struct strbuf sb = {0};

	jobj_set(info, "apiVersion", jstr(kc->exec->api_version));
	jobj_set(info, "kind", jstr("ExecCredential"));
	jobj_set(spec, "interactive", jbool(false));
	if (kc->exec->provide_cluster_info) {
		struct jval *cl = jobj();
		jobj_set(cl, "server", jstr(kc->server));
		if (kc->tls_server_name)
			jobj_set(cl, "tls-server-name", jstr(kc->tls_server_name));
		if (kc->insecure)
			jobj_set(cl, "insecure-skip-tls-verify", jbool(true));
		if (kc->ca) {
			char *b64 = base64_encode(kc->ca, kc->ca_len);
			jobj_set(cl, "certificate-authority-data", jstr(b64));
			free(b64);
		}
		if (kc->proxy_url)
			jobj_set(cl, "proxy-url", jstr(kc->proxy_url));
		jobj_set(spec, "cluster", cl);
	}
	jobj_set(info, "spec", spec);
	sb_adds(&sb, "KUBERNETES_EXEC_INFO=");
	json_write(&sb, info, false);
	jfree(info);
	return sb_detach(&sb);
}

/* The plugin's environment: ours, its env entries, then KUBERNETES_EXEC_INFO (*info, allocated). */
static char **plugin_env(const struct kubeconfig *kc, char **info)
{
	size_t nenv = 0, nadd = 0;
	char **envp;

	for (char **e = environ; *e; e++)
		nenv++;
	for (char **e = kc->exec->env; *e; e++)
		nadd++;
	envp = xcalloc(nenv + nadd + 2, sizeof(*envp));
	memcpy(envp, environ, nenv * sizeof(*envp));
	memcpy(envp + nenv, kc->exec->env, nadd * sizeof(*envp));
	envp[nenv + nadd] = *info = exec_info(kc);
	return envp;
}

enum plugin_read { READ_DONE, READ_TIMED_OUT, READ_TOO_BIG };

/* What the plugin writes to fd, into out, until it closes it or deadline passes. */
static enum plugin_read read_output(int fd, long long deadline, struct strbuf *out)
{
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		long long left = deadline - monotonic_ms();
		char buf[4096];
		ssize_t n;

		if (left <= 0)
			return READ_TIMED_OUT;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return READ_DONE;
		}
		if (!pfd.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return READ_DONE;
		if (out->len + (size_t)n > EXEC_MAX_OUTPUT)
			return READ_TOO_BIG;
		sb_add(out, buf, (size_t)n);
	}
}

/* How the plugin ended: 0 when it succeeded, -1 after a message saying what went wrong. */
static int plugin_result(const struct kexec *x, enum plugin_read r, int status)
{
	if (r == READ_TIMED_OUT)
		warnf("exec plugin %s: no answer within %d s", x->command, EXEC_TIMEOUT_MS / 1000);
	else if (r == READ_TOO_BIG)
		warnf("exec plugin %s: more than %d bytes of output", x->command, EXEC_MAX_OUTPUT);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && x->install_hint)
		warnf("exec plugin %s: not found\n%s", x->command, x->install_hint);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		warnf("exec plugin %s: failed (%s %d)", x->command,
		      WIFEXITED(status) ? "exit status" : "signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else
		return 0;
	return -1;
}

/* Run the plugin; its standard output goes to out.  0 or -1 after a message. */
static int run_plugin(const struct kubeconfig *kc, struct strbuf *out)
{
	const struct kexec *x = kc->exec;
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc = -1, err;
	pid_t pid;
	char *info, **envp = plugin_env(kc, &info);
	long long deadline = monotonic_ms() + EXEC_TIMEOUT_MS;
	enum plugin_read r;

	if (pipe(pipefd) < 0) {
		warnf("exec plugin %s: cannot make a pipe:", x->command);
		goto out_env;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	err = posix_spawnp(&pid, x->command, &fa, NULL, x->args, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (err) {
		warnf("exec plugin %s: cannot run it: %s%s%s", x->command, strerror(err),
		      x->install_hint ? "\n" : "", x->install_hint ? x->install_hint : "");
		close(pipefd[0]);
		goto out_env;
	}
	r = read_output(pipefd[0], deadline, out);
	close(pipefd[0]);
	if (r != READ_DONE)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = plugin_result(x, r, status);
out_env:
	free(info);
	free(envp);
	return rc;
}

int kubeconfig_exec(struct kubeconfig *kc)
{
	struct strbuf out = {0};
	struct jval *cred = NULL, *status;
	const char *token, *cert, *key, *api, *kind;
	char err[128];
	int rc = -1;

	if (!kc->exec)
		return 0;
	if (run_plugin(kc, &out) < 0)
		goto done;
	/* the output holds the secret: messages below say what is wrong, never what it says */
	cred = out.buf ? json_parse(out.buf, out.len, err, sizeof(err)) : NULL;
	if (!cred) {
		warnf("exec plugin %s: its output is not an ExecCredential in JSON (%s)",
		      kc->exec->command, out.buf ? err : "no output");
		goto done;
	}
	api = jget_str(cred, "apiVersion", NULL);
	kind = jget_str(cred, "kind", NULL);
	if (!kind || strcmp(kind, "ExecCredential") != 0 || !api ||
	    strcmp(api, kc->exec->api_version) != 0) {
		warnf("exec plugin %s: expected kind ExecCredential and apiVersion %s in its output",
		      kc->exec->command, kc->exec->api_version);
		goto done;
	}
	status = jobj_get(cred, "status");
	token = jget_str(status, "token", NULL);
	cert = jget_str(status, "clientCertificateData", NULL);
	key = jget_str(status, "clientKeyData", NULL);
	/* a second run replaces what the first gave */
	free_secret(kc->token, kc->token ? strlen(kc->token) : 0);
	free(kc->cert);
	free_secret(kc->key, kc->key_len);
	kc->token = NULL;
	kc->cert = kc->key = NULL;
	kc->cert_len = kc->key_len = 0;
	if (token && *token) {
		kc->token = xstrdup(token);
	} else if (cert && *cert && key && *key) {
		kc->cert = (unsigned char *)xstrdup(cert);
		kc->cert_len = strlen(cert);
		kc->key = (unsigned char *)xstrdup(key);
		kc->key_len = strlen(key);
	} else {
		warnf("exec plugin %s: its ExecCredential has neither status.token nor "
		      "status.clientCertificateData and clientKeyData", kc->exec->command);
		goto done;
	}
	rc = 0;
done:
	if (cred) {
		/* wipe the copies of the secret before freeing them */
		struct jval *st = jobj_get(cred, "status");
		for (size_t i = 0; st && st->type == J_OBJ && i < st->n; i++)
			if (st->v[i]->type == J_STR)
				memset(st->v[i]->s, 0, st->v[i]->len);
	}
	jfree(cred);
	if (out.buf)
		memset(out.buf, 0, out.len);
	sb_free(&out);
	return rc;
}

/* A URL with any user:password@ taken out, for messages. */
static void add_url(struct strbuf *sb, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *start = scheme ? scheme + 3 : url;
	const char *end = start + strcspn(start, "/?#");
	const char *at = memchr(start, '@', (size_t)(end - start));

	if (!at) {
		sb_adds(sb, url);
		return;
	}
	sb_add(sb, url, (size_t)(start - url));
	sb_adds(sb, "***@");
	sb_adds(sb, at + 1);
}

void kubeconfig_describe(const struct kubeconfig *kc, struct strbuf *sb)
{
	sb_addf(sb, "kubeconfig: %s\n", kc->sources);
	if (*kc->context)
		sb_addf(sb, "context: %s\ncluster: %s\nuser: %s\n", kc->context, kc->cluster_name,
			*kc->user_name ? kc->user_name : "(none)");
	sb_adds(sb, "server: ");
	add_url(sb, kc->server);
	sb_addf(sb, "\nnamespace: %s\nauthentication: %s\n", kc->namespace, kc->auth_origin);
	if (strncmp(kc->server, "http://", 7) == 0)
		sb_adds(sb, "server certificate: none: plain HTTP, not encrypted (the kubeconfig names an http:// server)\n");
	else if (kc->insecure)
		sb_adds(sb, "server certificate: not verified (insecure-skip-tls-verify)\n");
	else
		sb_addf(sb, "server certificate: verified with %s\n",
			kc->ca_origin ? kc->ca_origin : "the system's CA certificates");
	if (kc->tls_server_name)
		sb_addf(sb, "tls-server-name: %s\n", kc->tls_server_name);
	if (kc->proxy_url) {
		sb_adds(sb, "proxy-url: ");
		add_url(sb, kc->proxy_url);
		sb_addc(sb, '\n');
	}
}
