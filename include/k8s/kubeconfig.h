/*
 * kubeconfig.h - where the cluster is and how to authenticate to it,
 * found the way kubectl finds it.
 *
 * Sources, first match wins:
 *   1. --kubeconfig FILE (must exist);
 *   2. $KUBECONFIG, a ':'-separated list of files merged by kubectl's
 *      rules: empty and missing entries are skipped, the first file to
 *      set current-context (or to define a cluster, user or context of a
 *      given name) wins, and an entry is never merged field by field;
 *   3. ~/.kube/config;
 *   4. in a pod, when none of the above exists: the service account
 *      (KUBERNETES_SERVICE_HOST/PORT and the token, ca.crt and namespace
 *      files under /var/run/secrets/kubernetes.io/serviceaccount, or under
 *      $KAPPLY_SA_DIR when set).
 * The context is --context or current-context; the namespace is
 * --namespace, else the context's, else the service account's, else
 * "default".  Relative paths in a file are relative to that file.
 *
 * Clusters: server, certificate-authority(-data), insecure-skip-tls-verify,
 * tls-server-name, proxy-url.  Users: client-certificate(-data) and
 * client-key(-data), token and tokenFile (token wins), username and
 * password, and exec credential plugins (client.authentication.k8s.io/v1
 * and v1beta1).  A *-data field wins over the file form.
 *
 * Secrets (tokens, keys, passwords) are held in memory only; nothing in
 * this module prints them, and kubeconfig_describe() says where they came
 * from, never what they are.
 */
#ifndef KUBECONFIG_H
#define KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

/* What the command line says; NULL members take the defaults above. */
struct kubeconfig_opts {
	const char *kubeconfig;
	const char *context;
	const char *namespace;
};

/* An exec credential plugin, as the user entry describes it. */
struct kexec {
	char *api_version;              /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;                  /* resolved against the file's directory when it has a '/' */
	char **args;                    /* NULL-terminated, args[0] is command */
	char **env;                     /* NULL-terminated NAME=value list to add */
	char *install_hint;
	bool provide_cluster_info;
};

struct kubeconfig {
	char *sources;                  /* the files read, ':'-separated, or "in-cluster service account" */
	char *context, *cluster_name, *user_name;   /* "" when not applicable */
	char *namespace;

	char *server;                   /* https://host:port[/path], no trailing '/' */
	unsigned char *ca;              /* PEM bundle, NULL for the system's store */
	size_t ca_len;
	char *ca_origin;                /* "file X" or "certificate-authority-data" */
	bool insecure;                  /* insecure-skip-tls-verify */
	char *tls_server_name;          /* NULL when unset */
	char *proxy_url;                /* NULL when unset */

	/* credentials (secret: never print) */
	char *token;
	char *username, *password;
	unsigned char *cert, *key;      /* PEM client certificate and key */
	size_t cert_len, key_len;
	char *auth_origin;              /* how the user authenticates, for messages */
	struct kexec *exec;             /* plugin still to run, NULL when none */
};

/* Find and load the configuration; NULL after reporting what is wrong. */
struct kubeconfig *kubeconfig_load(const struct kubeconfig_opts *o);
void kubeconfig_free(struct kubeconfig *kc);

/*
 * Run the exec plugin (when there is one) and take its token or client
 * certificate, replacing what an earlier run gave.  Returns 0, or -1 after
 * a message (never the plugin's output, which holds the secret).  Bounded
 * to 60 seconds.
 */
int kubeconfig_exec(struct kubeconfig *kc);

/* Append a description for people: sources, context, server, how it authenticates. */
void kubeconfig_describe(const struct kubeconfig *kc, struct strbuf *sb);

#endif
