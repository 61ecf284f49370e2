/*
 * kapply kubeconfig: a kubeconfig for a ServiceAccount, with a token the
 * server issues for it (TokenRequest), to hand to the operator of one
 * namespace.  The cluster entry is the one in use (server, CA, TLS name,
 * proxy), so the new file trusts exactly what this one does.  The token is
 * a credential: it goes to the file alone, mode 0600, never to the output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "base/fsutil.h"
#include "base/json.h"
#include "kapply.h"

/* "key: value" with value as a YAML string, at indent. */
static void yaml_field(struct strbuf *sb, int indent, const char *key, const char *value)
{
	sb_addf(sb, "%*s%s: ", indent, "", key);
	sb_add_quoted(sb, value);
	sb_addc(sb, '\n');
}

/* The kubeconfig text: the cluster in use, the account's token, a context in its namespace. */
static void kubeconfig_text(struct strbuf *sb, const struct kubeconfig *kc, const char *ns,
			    const char *account, const char *token)
{
	char *user = xasprintf("system:serviceaccount:%s:%s", ns, account);
	const char *cluster = *kc->cluster_name ? kc->cluster_name : "cluster";

	sb_adds(sb, "# written by kapply kubeconfig: the token is a credential, keep this file private\n"
		    "apiVersion: v1\nkind: Config\nclusters:\n");
	yaml_field(sb, 0, "- name", cluster);
	sb_adds(sb, "  cluster:\n");
	yaml_field(sb, 4, "server", kc->server);
	if (kc->ca) {
		char *ca = base64_encode(kc->ca, kc->ca_len);
		yaml_field(sb, 4, "certificate-authority-data", ca);
		free(ca);
	}
	if (kc->insecure)
		sb_adds(sb, "    insecure-skip-tls-verify: true\n");
	if (kc->tls_server_name)
		yaml_field(sb, 4, "tls-server-name", kc->tls_server_name);
	if (kc->proxy_url)
		yaml_field(sb, 4, "proxy-url", kc->proxy_url);
	sb_adds(sb, "users:\n");
	yaml_field(sb, 0, "- name", user);
	sb_adds(sb, "  user:\n");
	yaml_field(sb, 4, "token", token);
	sb_adds(sb, "contexts:\n");
	yaml_field(sb, 0, "- name", user);
	sb_adds(sb, "  context:\n");
	yaml_field(sb, 4, "cluster", cluster);
	yaml_field(sb, 4, "user", user);
	yaml_field(sb, 4, "namespace", ns);
	yaml_field(sb, 0, "current-context", user);
	free(user);
}

int cmd_kubeconfig(struct run *r)
{
	const struct opts *o = r->o;
	char *ns = kapi_escape(o->kube.namespace), *sa = kapi_escape(o->service_account);
	struct jval *req = jobj(), *spec = jobj(), *resp;
	struct strbuf body = {0}, text = {0};
	const char *token, *expires;
	struct kreq *q;
	int rc = EXIT_USER;

	jobj_set(req, "apiVersion", jstr("authentication.k8s.io/v1"));
	jobj_set(req, "kind", jstr("TokenRequest"));
	jobj_set(spec, "expirationSeconds", jnum_ll(o->duration_ms / 1000));
	jobj_set(req, "spec", spec);
	json_write(&body, req, false);
	jfree(req);
	q = kreq_new("POST", xasprintf("/api/v1/namespaces/%s/serviceaccounts/%s/token", ns, sa),
		     body.buf, body.len, "application/json");
	free(ns);
	free(sa);
	kclient_run(r->c, &q, 1);
	if (!kreq_ok(q)) {
		char *id = object_id(o->kube.namespace, "ServiceAccount", o->service_account);
		report(r, id, q, q->status == 404 ? "(make namespaces creates the operators' accounts)" : NULL);
		free(id);
		kreq_free(q);
		return EXIT_USER;
	}
	resp = json_parse(q->resp.buf, q->resp.len, NULL, 0);
	token = jget_str(resp, "status", "token", NULL);
	expires = jget_str(resp, "status", "expirationTimestamp", NULL);
	if (!token || !*token) {
		warnf("%s/ServiceAccount/%s: the server's TokenRequest answer holds no token",
		      o->kube.namespace, o->service_account);
	} else {
		kubeconfig_text(&text, r->kc, o->kube.namespace, o->service_account, token);
		if (write_file(o->output, text.buf, text.len, 0600, 0) < 0) {
			warnf("%s: cannot write: %s", o->output, strerror(errno));
		} else {
			say(r, "wrote %s: ServiceAccount %s of namespace %s, valid until %s", o->output,
			    o->service_account, o->kube.namespace, expires ? expires : "(not said)");
			rc = 0;
		}
	}
	sb_free(&text);
	jfree(resp);
	kreq_free(q);
	return rc;
}
