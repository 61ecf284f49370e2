#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "k8s/manifest.h"
#include "yaml/ytree.h"

static const char *scalar(const struct ynode *map, const char *key)
{
	const struct ynode *n = ymap_get(map, key);

	return n && n->kind == Y_SCALAR ? n->str : NULL;
}

/* Check one object's identity fields; add it.  Returns the number of errors. */
static int add_object(struct manifest *m, const struct ynode *doc, const struct ypath *p,
		      size_t *budget)
{
	static const char *const need[] = { "apiVersion", "kind" };
	const struct ynode *meta;
	struct ypath mp = YPATH_KEY(p, "metadata"), np = YPATH_KEY(&mp, "name");
	struct kobj *o;
	struct jval *body;
	int errors = 0;

	if (doc->kind != Y_MAP) {
		yerror(doc, p, "a Kubernetes object must be a mapping, not %s", ynode_kind_name(doc));
		return 1;
	}
	for (size_t i = 0; i < 2; i++) {
		const struct ynode *n = ymap_get(doc, need[i]);
		struct ypath kp = YPATH_KEY(p, need[i]);
		if (!n || n->kind != Y_SCALAR || !*n->str) {
			yerror(n ? n : doc, &kp, n ? "must be a non-empty string" : "missing");
			errors++;
		}
	}
	meta = ymap_get(doc, "metadata");
	if (!meta || meta->kind != Y_MAP) {
		yerror(meta ? meta : doc, &mp, meta ? "must be a mapping" : "missing");
		return errors + 1;
	}
	if (!scalar(meta, "name") || !*scalar(meta, "name") || ymap_get(meta, "name")->kind != Y_SCALAR) {
		const struct ynode *n = ymap_get(meta, "name");
		yerror(n ? n : meta, &np, "%s", ymap_get(meta, "generateName") && !n ?
		       "missing (generateName cannot be applied: every object needs a fixed name)" :
		       n ? "must be a non-empty string" : "missing");
		errors++;
	}
	if (errors)
		return errors;
	body = json_from_yaml_budget(doc, p, budget);
	if (!body)
		return 1;
	m->objs = xgrow(m->objs, &m->cap, m->n + 1, sizeof(*m->objs));
	o = &m->objs[m->n++];
	memset(o, 0, sizeof(*o));
	o->body = body;
	o->api_version = jget_str(body, "apiVersion", NULL);
	o->kind = jget_str(body, "kind", NULL);
	o->name = jget_str(body, "metadata", "name", NULL);
	o->namespace = jget_str(body, "metadata", "namespace", NULL);
	if (o->namespace && !*o->namespace)
		o->namespace = NULL;
	o->where = xasprintf("%s:%d", doc->file, doc->line);
	/* a plain scalar such as "name: 0123" or "kind: yes" is not a string in JSON */
	if (!o->api_version || !o->kind || !o->name) {
		const char *field = !o->api_version ? "apiVersion" : !o->kind ? "kind" : "name";
		const struct ynode *n = ymap_get(field[0] == 'n' ? meta : doc, field);
		struct jval *v = field[0] == 'n' ? jget(body, "metadata", "name", NULL) :
			jget(body, field, NULL);
		struct ypath fp = YPATH_KEY(field[0] == 'n' ? &mp : p, field);

		yerror(n, &fp, "%s is read as %s, not as a string (quote it)", n->str,
		       v->type == J_NUM ? "a number" : v->type == J_BOOL ? "a boolean" : "null");
		jfree(body);
		free(o->where);
		m->n--;
		return 1;
	}
	return 0;
}

static int load_doc(struct manifest *m, const struct ynode *doc, size_t index, size_t *budget)
{
	struct ypath top = YPATH_INDEX(NULL, index);
	const struct ypath *p = index ? &top : NULL;    /* "[2]" only in multi-document files */
	const char *kind;
	const struct ynode *items;
	int errors = 0;

	if (ynode_is_null(doc))
		return 0;
	kind = doc->kind == Y_MAP ? scalar(doc, "kind") : NULL;
	if (kind && strcmp(kind, "List") == 0 && (items = ymap_get(doc, "items"))) {
		struct ypath ip = YPATH_KEY(p, "items");
		if (items->kind != Y_SEQ) {
			yerror(items, &ip, "must be a sequence");
			return 1;
		}
		for (size_t i = 0; i < items->n; i++) {
			struct ypath ii = YPATH_INDEX(&ip, i);
			errors += add_object(m, items->items[i], &ii, budget);
			if (*budget == 0)
				break;  /* said once, not for every item */
		}
		return errors;
	}
	return add_object(m, doc, p, budget);
}

static int load_yfile(struct manifest *m, struct yfile *f)
{
	int errors = 0;
	size_t budget = m->max_json ? m->max_json : JSON_FROM_YAML_MAX;  /* for the whole file */

	if (!f)
		return 1;
	for (size_t i = 0; i < f->ndocs && budget > 0; i++)
		errors += load_doc(m, f->docs[i], i, &budget);
	yfile_free(f);
	return errors;
}

int manifest_load_mem(struct manifest *m, const char *name, const char *buf, size_t len)
{
	return load_yfile(m, yfile_load_mem(name, buf, len));
}

static int load_stdin(struct manifest *m)
{
	struct strbuf sb = {0};
	char buf[65536];
	ssize_t n;
	int errors;

	while ((n = read(0, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			warnf("cannot read standard input:");
			sb_free(&sb);
			return 1;
		}
		sb_add(&sb, buf, (size_t)n);
	}
	errors = manifest_load_mem(m, "<stdin>", sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	return errors;
}

static bool manifest_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int load_dir(struct manifest *m, const char *path)
{
	char **names;
	size_t n;
	int errors = 0;

	if (dir_names(path, &names, &n) < 0) {
		warnf("cannot read directory %s:", path);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (manifest_name(names[i])) {
			char *file = path_join(path, names[i]);
			errors += load_yfile(m, yfile_load(file));
			free(file);
		}
		free(names[i]);
	}
	free(names);
	return errors;
}

int manifest_load(struct manifest *m, const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return load_stdin(m);
	if (stat(path, &st) < 0) {
		warnf("cannot read %s:", path);
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(m, path);
	return load_yfile(m, yfile_load(path));
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		jfree(m->objs[i].body);
		free(m->objs[i].where);
	}
	free(m->objs);
	m->objs = NULL;
	m->n = m->cap = 0;
}
