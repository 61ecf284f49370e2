/*
 * kapply.h - what the subcommands of kapply share: the options, the
 * objects of the manifests resolved against the server, and helpers to
 * run one request per object and report each failure once.
 */
#ifndef KAPPLY_H
#define KAPPLY_H

#include <stdbool.h>

#include "k8s/kapi.h"
#include "k8s/kclient.h"
#include "k8s/kubeconfig.h"
#include "k8s/manifest.h"

#define FIELD_MANAGER "fabric-k8s"
/* the label of every object of ours (its value: templates/constants.vars, by -D) */
#define MANAGED_BY "app.kubernetes.io/managed-by=" MANAGED_BY_VALUE
/* apply --claim found objects that another owner holds: nothing was applied */
#define EXIT_CLAIMED 3

/* Objects go to the server in this order (deletes in reverse). */
enum phase { PH_NAMESPACE, PH_CRD, PH_CLUSTER, PH_NAMESPACED, PH_COUNT };

struct opts {
	const char **files;
	size_t nfiles;
	struct kubeconfig_opts kube;
	const char *selector;           /* -l */
	const char *output;             /* -o */
	const char *propagation;        /* --propagation-policy */
	const char *claim;              /* apply --claim: the annotation that says whose */
	bool force, dry_run, wait, quiet;
	bool all;                       /* prune without -f: everything -l selects */
	long timeout_ms;                /* --timeout: wait, delete --wait */
	long long tail;                 /* logs --tail: lines, -1 for all */
	const char *service_account;    /* kubeconfig --service-account */
	long duration_ms;               /* kubeconfig --duration: the token's lifetime */
	struct kclient_opts client;
};

struct target {
	struct kobj *o;
	const struct kres *res;
	const char *ns;                 /* NULL for cluster-scoped objects */
	char *id;                       /* "ns/Kind/name" or "Kind/name" */
	enum phase phase;
	bool failed;
};

struct run {
	struct opts *o;
	struct kubeconfig *kc;
	struct kclient *c;
	struct kapi *api;
	struct manifest m;
	struct target *t;               /* sorted by phase, then as given */
	size_t nt;
	int failed;                     /* objects that failed */
};

/*
 * Load the manifests, then the kubeconfig (running its exec plugin),
 * discover the kinds and resolve every object.  Nothing is sent before
 * every manifest has loaded.  0, or -1 after the reasons were reported.
 */
int run_open(struct run *r, struct opts *o);
void run_close(struct run *r);

/* The GET of a target's object; its data is the target. */
struct kreq *get_req(struct target *t);

/* A Deployment or StatefulSet (apps group)? */
bool is_workload(const struct target *t);
/* A Job (batch group)? */
bool is_job(const struct target *t);

/* The phase objects of a resource are applied in. */
enum phase phase_of(const struct kres *res);

/* "ns/Kind/name" or "Kind/name"; allocated. */
char *object_id(const char *ns, const char *kind, const char *name);

/* Report a failed request for one object: "kapply: id: 422 Invalid: ..." */
void report(struct run *r, const char *id, const struct kreq *q, const char *hint);

/* Status reason of a request's body: is it this one? */
bool reason_is(const struct kreq *q, const char *reason);

/* Print a line for people on stdout unless -q. */
void say(const struct run *r, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* Parse "90", "90s", "5m", "1h", "250ms" into milliseconds; -1 when invalid. */
long duration_ms(const char *s);

int cmd_apply(struct run *r);
int cmd_reconcile(struct run *r);
int cmd_delete(struct run *r);
int cmd_prune(struct run *r);
int cmd_wait(struct run *r);
int cmd_get(struct run *r);
int cmd_logs(struct run *r);
int cmd_kill(struct run *r);
int cmd_kubeconfig(struct run *r);

/* Poll until every target is gone (404) or the timeout; 0 or -1 (reported). */
int wait_gone(struct run *r, struct target **t, size_t n);

#endif
