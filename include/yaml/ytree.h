/*
 * ytree.h - YAML documents as a tree that remembers where every node came
 * from (file, line, column), for error messages that point at the fault.
 *
 * Anchors and aliases are resolved while loading: an alias is the very node
 * its anchor names (shared, never copied), so a "billion laughs" document
 * stays as small as its text.  YAML 1.1 merge keys ("<<: *base" or
 * "<<: [*a, *b]") are applied when a mapping ends: explicit keys win, and
 * among several merged maps the earlier one wins.  A key given twice in one
 * mapping is an error, and so is an alias to an anchor not yet complete.
 *
 * All nodes and strings belong to their struct yfile; yfile_free() releases
 * everything at once.  Loaders print their errors ("prog: file:line:col:
 * problem") and return NULL.
 */
#ifndef YTREE_H
#define YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ypair;

struct ynode {
	enum ykind kind;
	const char *file;       /* the name errors show, owned by the yfile */
	int line, col;          /* 1-based position of the node's start */
	bool quoted;            /* scalar written in a quoted or block style */
	size_t start, end;      /* scalar: where its text lies in the input, in
				 * characters (not bytes) from the first after
				 * any BOM, its anchor and tag included */
	char *str;              /* scalar text, NUL-terminated (UTF-8) */
	size_t len;             /* scalar length in bytes */
	size_t n;               /* number of items or pairs */
	struct ynode **items;   /* Y_SEQ */
	struct ypair *pairs;    /* Y_MAP, in document order, merged keys last */
};

struct ypair {
	struct ynode *key;      /* always a scalar */
	struct ynode *val;
};

struct yfile {
	char *name;             /* as given to the loader, for messages */
	size_t ndocs;
	struct ynode **docs;    /* an empty document is a null scalar */
	struct yarena *arena;
};

/* Load every document of a file. name is what messages call it. */
struct yfile *yfile_load(const char *path);
/* Load from memory; name is what messages call the text. */
struct yfile *yfile_load_mem(const char *name, const char *buf, size_t len);
/*
 * As yfile_load_mem, for text generated from another file: line i+1 of buf
 * is reported as line linemap[i] (render maps output lines to template lines).
 */
struct yfile *yfile_load_mem_mapped(const char *name, const char *buf, size_t len,
				    const int *linemap, size_t nmap);
/* Load a file that must hold exactly one document; *root receives it. */
struct yfile *yfile_load_one(const char *path, const struct ynode **root);
void yfile_free(struct yfile *f);

/* The plain scalars "", "~", "null", "Null", "NULL". */
bool ynode_is_null(const struct ynode *n);
/* "a mapping", "a sequence", "a string" or "null", for messages. */
const char *ynode_kind_name(const struct ynode *n);
/* The value of key in map, or NULL when n is not a map or has no such key. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
/*
 * The same, matching the key regardless of case when there is no exact
 * match: configtx.yaml's keys are read that way by Fabric's loader.
 */
const struct ynode *ymap_get_nocase(const struct ynode *map, const char *key);

/*
 * Where a node sits in its document, for messages such as
 * "PeerOrgs[1].Template.Count".  Built on the stack while walking:
 *   struct ypath org = YPATH_INDEX(&top, i), name = YPATH_KEY(&org, "Name");
 */
struct ypath {
	const struct ypath *up;
	const char *key;        /* NULL for a sequence index */
	size_t index;
};
#define YPATH_KEY(up_, key_) ((struct ypath){ (up_), (key_), 0 })
#define YPATH_INDEX(up_, i_) ((struct ypath){ (up_), NULL, (i_) })

/* Render a path as "A.B[2].C" into sb (appending). */
void ypath_format(const struct ypath *p, struct strbuf *sb);

/* Append "file:line:col: path: " of node n to sb (each part left out as yerror leaves it). */
void ywhere(const struct ynode *n, const struct ypath *p, struct strbuf *sb);

/*
 * Report "prog: file:line:col: path: message" for node n (the position is
 * left out when n is NULL, the path when p is NULL).
 */
void yerror(const struct ynode *n, const struct ypath *p, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

/*
 * Typed getters.  Each checks n, reports a positioned error through yerror
 * and returns -1 when n does not have the expected type; 0 on success.
 * A missing node (n == NULL) or a null scalar leaves *out untouched and
 * returns 0, so callers set defaults first.
 */
int yget_str(const struct ynode *n, const struct ypath *p, const char **out);
int yget_int(const struct ynode *n, const struct ypath *p,
	     long long min, long long max, long long *out);
int yget_bool(const struct ynode *n, const struct ypath *p, bool *out);
/* n must be a mapping (or null/absent, then *out = NULL). */
int yget_map(const struct ynode *n, const struct ypath *p, const struct ynode **out);
/* n must be a sequence (or null/absent, then *out = NULL). */
int yget_seq(const struct ynode *n, const struct ypath *p, const struct ynode **out);

/*
 * Report every key of map that is not in the NULL-terminated list allowed,
 * suggesting the allowed key that differs only in case.  Returns the number
 * of unknown keys.
 */
int ymap_check_keys(const struct ynode *map, const struct ypath *p,
		    const char *const allowed[]);
/* The same, ignoring case, as Fabric reads configtx.yaml's keys. */
int ymap_check_keys_nocase(const struct ynode *map, const struct ypath *p,
			   const char *const allowed[]);

#endif
