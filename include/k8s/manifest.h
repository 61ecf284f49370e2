/*
 * manifest.h - Kubernetes objects read from multi-document YAML files.
 *
 * A path is a file, a directory (its *.yaml, *.yml and *.json files in
 * name order, not recursive) or "-" for standard input.  Every document
 * must be a mapping with apiVersion, kind and metadata.name; a kind: List
 * contributes its items; empty documents are skipped.  Each object keeps
 * the file and line it came from, and its JSON form with every value as
 * kubectl would send it (json_from_yaml).
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "base/json.h"

struct kobj {
	const char *api_version, *kind, *name;  /* point into body */
	const char *namespace;          /* metadata.namespace, NULL when absent */
	char *where;                    /* "file:line" of the document */
	struct jval *body;              /* the object as JSON */
	void *data;                     /* the caller's */
};

struct manifest {
	struct kobj *objs;
	size_t n, cap;
	size_t max_json;        /* bound on a file's JSON with its aliases expanded, 0: JSON_FROM_YAML_MAX */
};

/*
 * Add the objects of path to m.  Returns the number of errors (each
 * already reported with file and line); m keeps what loaded.
 */
int manifest_load(struct manifest *m, const char *path);
/* The same for the text buf[0..len); name is what messages call it. */
int manifest_load_mem(struct manifest *m, const char *name, const char *buf, size_t len);
void manifest_free(struct manifest *m);

#endif
