/*
 * json.h - a small JSON value tree: parse, build, compare and write, and
 * the conversion of a YAML node (ytree.h) to JSON the way Kubernetes
 * clients read manifests.
 *
 * Every struct jval owns its children and strings; jfree() releases a
 * whole tree.  Objects keep their keys in insertion order; lookups are
 * linear, which is fine for Kubernetes objects.  Numbers keep their text
 * (json_parse) or a canonical text (conversions), so nothing is rounded
 * on the way through.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "yaml/ytree.h"

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	bool b;                 /* J_BOOL */
	char *s;                /* J_STR: the text (may hold NULs, see len); J_NUM: the number's text */
	size_t len;             /* length of s */
	size_t n, cap;          /* J_ARR items, J_OBJ members */
	struct jval **v;        /* J_ARR items, J_OBJ values */
	char **k;               /* J_OBJ keys */
};

/* Constructors; the result belongs to the caller (or to the container it is added to). */
struct jval *jnull(void);
struct jval *jbool(bool b);
struct jval *jnum(const char *text);            /* text must be a valid JSON number */
struct jval *jnum_ll(long long n);
struct jval *jstr(const char *s);
struct jval *jstrn(const char *s, size_t len);
struct jval *jarr(void);
struct jval *jobj(void);

/* Append v to array a (a takes v). */
void jarr_add(struct jval *a, struct jval *v);
/* Set key in object o to v, replacing (and freeing) an earlier value; o takes v. */
void jobj_set(struct jval *o, const char *key, struct jval *v);
/* Remove key from o (freeing its value); true when it was there. */
bool jobj_del(struct jval *o, const char *key);
/* The value of key, NULL when o is not an object or lacks the key. */
struct jval *jobj_get(const struct jval *o, const char *key);
/*
 * Follow a NULL-terminated list of object keys:
 *   jget(obj, "metadata", "name", NULL).  NULL when any step is missing.
 */
struct jval *jget(const struct jval *v, ...);
/* As jget, the string at the end of the path, or NULL when absent or not a string. */
const char *jget_str(const struct jval *v, ...);
/* As jget, an integer at the end of the path; false when absent or not an integer. */
bool jget_ll(long long *out, const struct jval *v, ...);

void jfree(struct jval *v);
struct jval *jclone(const struct jval *v);
/* Deep equality; object member order does not matter, numbers compare by value. */
bool jequal(const struct jval *a, const struct jval *b);

/*
 * Parse exactly one JSON value (surrounding white space allowed).  On
 * error NULL, and err (errlen bytes) says what and at which byte offset.
 */
struct jval *json_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Append v to sb: compact, or indented by two spaces a level when pretty. */
void json_write(struct strbuf *sb, const struct jval *v, bool pretty);

/*
 * Convert a YAML node to JSON with the scalar rules of the YAML 1.1
 * decoder Kubernetes clients use (kubectl), so a manifest means the same
 * here as there: quoted scalars are strings; plain ones are null (~, null,
 * empty), booleans (true/false, yes/no, on/off, y/n in their three
 * spellings), integers (decimal, 0x hex, 0o or leading-0 octal as in
 * "defaultMode: 0400", 0b binary, '_' separators) or floats, and strings
 * otherwise.  Mapping keys stay the text they were written as.
 * Returns NULL after yerror() for what JSON cannot hold (.inf, .nan) and
 * for a document that grows past JSON_FROM_YAML_MAX bytes (about the
 * memory its values take) once its aliases are expanded: aliases are
 * shared in the YAML tree, so a "billion laughs" document is small there
 * and refused here, not expanded.  No Kubernetes object comes near it (the
 * API server takes requests of 3 MiB at most).
 */
#define JSON_FROM_YAML_MAX (64 << 20)
struct jval *json_from_yaml(const struct ynode *n, const struct ypath *p);
/*
 * The same, charging what it builds to *budget (bytes, as above),
 * so that several conversions (the items of a List, whose aliases can
 * repeat a whole object) share one limit.
 */
struct jval *json_from_yaml_budget(const struct ynode *n, const struct ypath *p, size_t *budget);

#endif
