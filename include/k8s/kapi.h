/*
 * kapi.h - API discovery: which resource serves a kind, whether it is
 * namespaced, and the paths of objects and collections.
 *
 * The resource list of each group version (GET /api/v1, /apis/<group>/<v>)
 * is fetched once per run, only for the versions asked about, all at once
 * over the client's connection.  When a version is not served, /api and
 * /apis say what is, for the message.
 */
#ifndef KAPI_H
#define KAPI_H

#include <stdbool.h>

#include "k8s/kclient.h"

struct kres {
	char *api_version;      /* "v1", "apps/v1" */
	char *group;            /* "" for the core group */
	char *kind;             /* "Deployment" */
	char *resource;         /* "deployments" */
	bool namespaced;
};

struct kapi;

struct kapi *kapi_new(struct kclient *c);
void kapi_free(struct kapi *a);

/*
 * Fetch the resource lists of the NULL-terminated list of apiVersions that
 * are not known yet.  A version the server does not serve is remembered as
 * such.  Returns 0, or -1 after a message when discovery itself failed
 * (unreachable server, 401, ...).
 */
int kapi_discover(struct kapi *a, const char *const *api_versions);

/*
 * The resource of a kind, or NULL when the server has none (after
 * kapi_discover).  It stays valid, whatever is discovered later, until
 * kapi_free.
 */
const struct kres *kapi_find(const struct kapi *a, const char *api_version, const char *kind);

/*
 * Why kapi_find found nothing, for a message, e.g.
 *   no kind "Deploymnet" in apps/v1 on the server
 *   apiVersion extensions/v1beta1 is not served (extensions is not a group of this server)
 * Allocated.
 */
char *kapi_why_missing(struct kapi *a, const char *api_version, const char *kind);

/*
 * The path of an object (name set) or of a collection (name NULL); ns is
 * ignored for cluster-scoped resources, and NULL for a namespaced
 * collection means every namespace.  Allocated.
 */
char *kapi_path(const struct kres *r, const char *ns, const char *name);

/* Percent-encode everything but RFC 3986's unreserved characters; allocated. */
char *kapi_escape(const char *s);

#endif
