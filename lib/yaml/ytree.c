#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "base/fsutil.h"
#include "yaml/ytree.h"

/*
 * Limits that keep hostile input from exhausting memory: aliases are
 * shared, but merge keys copy pairs, so a chain of merges could still grow
 * quadratically without a cap.
 */
enum { MAX_NODES = 1 << 22, MAX_DEPTH = 256 };

/* ---- arena: every node and string of a yfile lives here ---- */

struct yarena {
	struct yarena *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

static void *arena_alloc(struct yarena **head, size_t n)
{
	struct yarena *a = *head;
	size_t align = _Alignof(max_align_t);

	n = (n + align - 1) / align * align;
	if (!a || a->cap - a->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		a = xmalloc(sizeof(*a) + cap);
		a->used = 0;
		a->cap = cap;
		/* a large allocation gets a block of its own behind the
		 * current one, which keeps serving small ones */
		if (*head && n < 65536) {
			a->next = *head;
			*head = a;
		} else if (*head) {
			a->next = (*head)->next;
			(*head)->next = a;
		} else {
			a->next = NULL;
			*head = a;
		}
	}
	a->used += n;
	return a->data + a->used - n;
}

static char *arena_strndup(struct yarena **a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* ---- loading ---- */

struct anchor {
	char *name;
	struct ynode *node;
};

struct frame {
	struct ynode *node;
	char *anchor;           /* registered when the collection ends */
	struct ynode **kids;
	size_t nkids, cap;
};

struct loader {
	struct yfile *f;
	struct frame *stack;
	size_t depth, stackcap;
	struct anchor *anchors;
	size_t nanchors, anchorcap;
	struct ynode **docs;
	size_t docscap;
	size_t nodes;
	int failed;
	const int *linemap;     /* optional: line i+1 of the text is linemap[i] */
	size_t nmap;
};

/* The 1-based line that messages show for libyaml's 0-based line. */
static int map_line(const struct loader *l, size_t line0)
{
	if (l->linemap && line0 < l->nmap)
		return l->linemap[line0];
	return (int)line0 + 1;
}

static void lerror(struct loader *l, int line, int col, const char *fmt, ...)
	ATTR_PRINTF(4, 5);

static void lerror(struct loader *l, int line, int col, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	sb_addf(&sb, "%s:%d:%d: ", l->f->name, line, col);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	warnf("%s", sb.buf);
	sb_free(&sb);
	l->failed = 1;
}

static struct ynode *new_node(struct loader *l, enum ykind kind, yaml_mark_t m)
{
	struct ynode *n;

	if (++l->nodes > MAX_NODES) {
		lerror(l, map_line(l, m.line), (int)m.column + 1,
		       "document too large (more than %d nodes)", MAX_NODES);
		return NULL;
	}
	n = arena_alloc(&l->f->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->file = l->f->name;
	n->line = map_line(l, m.line);
	n->col = (int)m.column + 1;
	return n;
}

static void add_anchor(struct loader *l, const char *name, struct ynode *n)
{
	if (!name)
		return;
	l->anchors = xgrow(l->anchors, &l->anchorcap, l->nanchors + 1, sizeof(*l->anchors));
	l->anchors[l->nanchors].name = xstrdup(name);
	l->anchors[l->nanchors].node = n;
	l->nanchors++;
}

static struct ynode *find_anchor(struct loader *l, const char *name)
{
	/* the latest definition wins, as YAML says */
	for (size_t i = l->nanchors; i-- > 0;)
		if (strcmp(l->anchors[i].name, name) == 0)
			return l->anchors[i].node;
	return NULL;
}

static void clear_anchors(struct loader *l)
{
	for (size_t i = 0; i < l->nanchors; i++)
		free(l->anchors[i].name);
	l->nanchors = 0;
}

/* Attach a finished node to the open collection, or make it the document. */
static void attach(struct loader *l, struct ynode *n)
{
	if (l->depth == 0) {
		struct yfile *f = l->f;

		l->docs = xgrow(l->docs, &l->docscap, f->ndocs + 1, sizeof(*l->docs));
		l->docs[f->ndocs++] = n;
		return;
	}
	struct frame *fr = &l->stack[l->depth - 1];

	fr->kids = xgrow(fr->kids, &fr->cap, fr->nkids + 1, sizeof(*fr->kids));
	fr->kids[fr->nkids++] = n;
}

static int push(struct loader *l, struct ynode *n, const yaml_char_t *anchor)
{
	if (l->depth >= MAX_DEPTH) {
		lerror(l, n->line, n->col, "nested more than %d levels deep", MAX_DEPTH);
		return -1;
	}
	l->stack = xgrow(l->stack, &l->stackcap, l->depth + 1, sizeof(*l->stack));
	l->stack[l->depth] = (struct frame){ .node = n,
		.anchor = anchor ? xstrdup((const char *)anchor) : NULL };
	l->depth++;
	return 0;
}

static bool is_merge_key(const struct ynode *k)
{
	return k->kind == Y_SCALAR && !k->quoted && strcmp(k->str, "<<") == 0;
}

/* A candidate pair while a mapping is assembled: seq keeps document order. */
struct cand {
	struct ynode *key, *val;
	size_t seq;
	bool explicit_;
};

static int key_cmp(const struct ynode *a, const struct ynode *b)
{
	size_t m = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, m);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int cand_by_key(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = key_cmp(x->key, y->key);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cand_by_seq(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int add_merge_source(struct loader *l, struct ynode *src,
			    struct cand **c, size_t *nc, size_t *cap)
{
	if (src->kind != Y_MAP) {
		lerror(l, src->line, src->col,
		       "merge key \"<<\" needs a mapping or a sequence of mappings, got %s",
		       ynode_kind_name(src));
		return -1;
	}
	l->nodes += src->n;
	if (l->nodes > MAX_NODES) {
		lerror(l, src->line, src->col,
		       "document too large (merge keys copy more than %d entries)", MAX_NODES);
		return -1;
	}
	*c = xgrow(*c, cap, *nc + src->n, sizeof(**c));
	for (size_t i = 0; i < src->n; i++) {
		(*c)[*nc] = (struct cand){ src->pairs[i].key, src->pairs[i].val, *nc, false };
		(*nc)++;
	}
	return 0;
}

/* Turn the alternating key/value children of a mapping into its pairs. */
static int finish_map(struct loader *l, struct frame *fr)
{
	struct ynode *map = fr->node;
	struct ynode *merge = NULL;
	struct cand *c = NULL;
	size_t nc = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i + 1 < fr->nkids; i += 2) {
		struct ynode *k = fr->kids[i], *v = fr->kids[i + 1];

		if (k->kind != Y_SCALAR) {
			lerror(l, k->line, k->col, "a mapping key must be a scalar, not %s",
			       ynode_kind_name(k));
			rc = -1;
			continue;
		}
		if (is_merge_key(k)) {
			if (merge) {
				lerror(l, k->line, k->col,
				       "duplicate merge key \"<<\" (first at line %d)", merge->line);
				rc = -1;
			}
			merge = v;
			continue;
		}
		c = xgrow(c, &cap, nc + 1, sizeof(*c));
		c[nc] = (struct cand){ k, v, nc, true };
		nc++;
	}
	if (merge && rc == 0) {
		if (merge->kind == Y_SEQ) {
			for (size_t i = 0; i < merge->n && rc == 0; i++)
				rc = add_merge_source(l, merge->items[i], &c, &nc, &cap);
		} else {
			rc = add_merge_source(l, merge, &c, &nc, &cap);
		}
	}
	if (rc == 0 && nc > 1) {
		size_t kept = 0;

		qsort(c, nc, sizeof(*c), cand_by_key);
		for (size_t i = 0; i < nc; i++) {
			if (kept > 0 && key_cmp(c[i].key, c[kept - 1].key) == 0) {
				/* same key: the earlier (explicit, then first merged) wins */
				if (c[i].explicit_) {
					lerror(l, c[i].key->line, c[i].key->col,
					       "duplicate key \"%s\" (first at line %d)",
					       c[i].key->str, c[kept - 1].key->line);
					rc = -1;
				}
				continue;
			}
			c[kept++] = c[i];
		}
		nc = kept;
		qsort(c, nc, sizeof(*c), cand_by_seq);
	}
	if (rc == 0) {
		map->n = nc;
		map->pairs = arena_alloc(&l->f->arena, (nc ? nc : 1) * sizeof(*map->pairs));
		for (size_t i = 0; i < nc; i++)
			map->pairs[i] = (struct ypair){ c[i].key, c[i].val };
	}
	free(c);
	return rc;
}

static int finish_seq(struct loader *l, struct frame *fr)
{
	struct ynode *seq = fr->node;

	seq->n = fr->nkids;
	seq->items = arena_alloc(&l->f->arena, (fr->nkids ? fr->nkids : 1) * sizeof(*seq->items));
	if (fr->nkids)
		memcpy(seq->items, fr->kids, fr->nkids * sizeof(*seq->items));
	return 0;
}

static int pop(struct loader *l)
{
	struct frame fr = l->stack[--l->depth];
	int rc;

	rc = fr.node->kind == Y_MAP ? finish_map(l, &fr) : finish_seq(l, &fr);
	free(fr.kids);
	if (rc == 0) {
		add_anchor(l, fr.anchor, fr.node);
		attach(l, fr.node);
	}
	free(fr.anchor);
	return rc;
}

static int handle_event(struct loader *l, yaml_event_t *ev)
{
	struct ynode *n;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		clear_anchors(l);       /* anchors do not cross documents */
		return 0;
	case YAML_ALIAS_EVENT:
		n = find_anchor(l, (const char *)ev->data.alias.anchor);
		if (!n) {
			lerror(l, map_line(l, ev->start_mark.line), (int)ev->start_mark.column + 1,
			       "alias *%s names no complete anchor before it",
			       (const char *)ev->data.alias.anchor);
			return -1;
		}
		attach(l, n);
		return 0;
	case YAML_SCALAR_EVENT:
		n = new_node(l, Y_SCALAR, ev->start_mark);
		if (!n)
			return -1;
		n->str = arena_strndup(&l->f->arena, (const char *)ev->data.scalar.value,
				       ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->start = ev->start_mark.index;
		n->end = ev->end_mark.index;
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
			(ev->data.scalar.tag &&
			 strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0);
		add_anchor(l, (const char *)ev->data.scalar.anchor, n);
		attach(l, n);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		n = new_node(l, Y_SEQ, ev->start_mark);
		return n ? push(l, n, ev->data.sequence_start.anchor) : -1;
	case YAML_MAPPING_START_EVENT:
		n = new_node(l, Y_MAP, ev->start_mark);
		return n ? push(l, n, ev->data.mapping_start.anchor) : -1;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return pop(l);
	default:
		return 0;
	}
}

static void loader_free(struct loader *l)
{
	while (l->depth > 0) {
		struct frame *fr = &l->stack[--l->depth];

		free(fr->kids);
		free(fr->anchor);
	}
	free(l->stack);
	clear_anchors(l);
	free(l->anchors);
}

struct yfile *yfile_load_mem(const char *name, const char *buf, size_t len)
{
	return yfile_load_mem_mapped(name, buf, len, NULL, 0);
}

struct yfile *yfile_load_mem_mapped(const char *name, const char *buf, size_t len,
				    const int *linemap, size_t nmap)
{
	struct yfile *f = xcalloc(1, sizeof(*f));
	struct loader l = { .f = f, .linemap = linemap, .nmap = nmap };
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0;

	f->name = xstrdup(name);
	if (!yaml_parser_initialize(&parser))
		die("out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !l.failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_mark_t m = parser.problem_mark;

			if (parser.context)
				lerror(&l, map_line(&l, m.line), (int)m.column + 1, "%s %s",
				       parser.problem ? parser.problem : "syntax error", parser.context);
			else
				lerror(&l, map_line(&l, m.line), (int)m.column + 1, "%s",
				       parser.problem ? parser.problem : "syntax error");
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		handle_event(&l, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	f->docs = l.docs;
	loader_free(&l);
	if (l.failed) {
		yfile_free(f);
		return NULL;
	}
	return f;
}

struct yfile *yfile_load(const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);
	struct yfile *f;

	if (!buf) {
		warnf("cannot read %s:", path);
		return NULL;
	}
	f = yfile_load_mem(path, buf, len);
	free(buf);
	return f;
}

struct yfile *yfile_load_one(const char *path, const struct ynode **root)
{
	struct yfile *f = yfile_load(path);

	if (!f)
		return NULL;
	if (f->ndocs != 1) {
		if (f->ndocs == 0)
			warnf("%s: the file holds no YAML document", path);
		else
			warnf("%s:%d:%d: expected one YAML document, found %zu", path,
			      f->docs[1]->line, f->docs[1]->col, f->ndocs);
		yfile_free(f);
		return NULL;
	}
	*root = f->docs[0];
	return f;
}

void yfile_free(struct yfile *f)
{
	if (!f)
		return;
	for (struct yarena *a = f->arena, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	free(f->docs);
	free(f->name);
	free(f);
}

/* ---- queries ---- */

bool ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (!n || n->kind != Y_SCALAR || n->quoted)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(*nulls); i++)
		if (strcmp(n->str, nulls[i]) == 0)
			return true;
	return false;
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n || ynode_is_null(n))
		return "null";
	switch (n->kind) {
	case Y_MAP:
		return "a mapping";
	case Y_SEQ:
		return "a sequence";
	default:
		return "a string";
	}
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].val;
	return NULL;
}

static void format_path(const struct ypath *p, struct strbuf *sb, size_t start)
{
	if (p->up)
		format_path(p->up, sb, start);
	if (p->key)
		sb_addf(sb, "%s%s", sb->len > start ? "." : "", p->key);
	else
		sb_addf(sb, "[%zu]", p->index);
}

const struct ynode *ymap_get_nocase(const struct ynode *map, const char *key)
{
	const struct ynode *n = ymap_get(map, key);

	if (n || !map || map->kind != Y_MAP)
		return n;
	for (size_t i = 0; i < map->n; i++)
		if (strcasecmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].val;
	return NULL;
}

void ypath_format(const struct ypath *p, struct strbuf *sb)
{
	if (p)
		format_path(p, sb, sb->len);
}

void ywhere(const struct ynode *n, const struct ypath *p, struct strbuf *sb)
{
	if (n)
		sb_addf(sb, "%s:%d:%d: ", n->file, n->line, n->col);
	if (p) {
		size_t before = sb->len;

		ypath_format(p, sb);
		if (sb->len > before)
			sb_adds(sb, ": ");
	}
}

void yerror(const struct ynode *n, const struct ypath *p, const char *fmt, ...)
{
	struct strbuf sb = {0};
	va_list ap;

	ywhere(n, p, &sb);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	warnf("%s", sb.buf);
	sb_free(&sb);
}

/* Quote a scalar for a message, shortened when long. */
static void quote_value(const struct ynode *n, char *out, size_t outsz)
{
	if (n->kind != Y_SCALAR) {
		snprintf(out, outsz, "%s", ynode_kind_name(n));
		return;
	}
	if (n->len > 40)
		snprintf(out, outsz, "\"%.37s...\"", n->str);
	else
		snprintf(out, outsz, "\"%s\"", n->str);
}

int yget_str(const struct ynode *n, const struct ypath *p, const char **out)
{
	if (!n || ynode_is_null(n))
		return 0;
	if (n->kind != Y_SCALAR) {
		yerror(n, p, "expected a string, got %s", ynode_kind_name(n));
		return -1;
	}
	*out = n->str;
	return 0;
}

int yget_int(const struct ynode *n, const struct ypath *p,
	     long long min, long long max, long long *out)
{
	char got[64];
	long long v;
	char *end;

	if (!n || ynode_is_null(n))
		return 0;
	quote_value(n, got, sizeof(got));
	if (n->kind != Y_SCALAR || n->len == 0 || n->len != strlen(n->str)) {
		yerror(n, p, "expected an integer, got %s", got);
		return -1;
	}
	errno = 0;
	if (n->str[0] == '0' && (n->str[1] == 'x' || n->str[1] == 'X'))
		v = strtoll(n->str + 2, &end, 16);
	else
		v = strtoll(n->str, &end, 10);
	if (*end || end == n->str) {
		yerror(n, p, "expected an integer, got %s", got);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		yerror(n, p, "%s is out of range (%lld to %lld)", got, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int yget_bool(const struct ynode *n, const struct ypath *p, bool *out)
{
	/* YAML 1.1 booleans, as Fabric's Go YAML decoders accept them */
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on", "On", "ON", "y", "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off", "Off", "OFF", "n", "N" };
	char got[64];

	if (!n || ynode_is_null(n))
		return 0;
	if (n->kind == Y_SCALAR) {
		for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
			if (strcmp(n->str, yes[i]) == 0) {
				*out = true;
				return 0;
			}
			if (strcmp(n->str, no[i]) == 0) {
				*out = false;
				return 0;
			}
		}
	}
	quote_value(n, got, sizeof(got));
	yerror(n, p, "expected true or false, got %s", got);
	return -1;
}

static int yget_kind(const struct ynode *n, const struct ypath *p, enum ykind kind,
		     const char *want, const struct ynode **out)
{
	*out = NULL;
	if (!n || ynode_is_null(n))
		return 0;
	if (n->kind != kind) {
		yerror(n, p, "expected %s, got %s", want, ynode_kind_name(n));
		return -1;
	}
	*out = n;
	return 0;
}

int yget_map(const struct ynode *n, const struct ypath *p, const struct ynode **out)
{
	return yget_kind(n, p, Y_MAP, "a mapping", out);
}

int yget_seq(const struct ynode *n, const struct ypath *p, const struct ynode **out)
{
	return yget_kind(n, p, Y_SEQ, "a sequence", out);
}

/* Both key checks: exact (a hint for a key in the wrong case), or nocase. */
static int check_keys(const struct ynode *map, const struct ypath *p,
		      const char *const allowed[], bool nocase)
{
	int bad = 0;

	if (!map || map->kind != Y_MAP)
		return 0;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;
		const char *hint = NULL;
		size_t j;

		for (j = 0; allowed[j]; j++) {
			if ((nocase ? strcasecmp : strcmp)(k->str, allowed[j]) == 0)
				break;
			if (strcasecmp(k->str, allowed[j]) == 0)
				hint = allowed[j];
		}
		if (allowed[j])
			continue;
		struct strbuf list = {0};

		for (j = 0; allowed[j]; j++)
			sb_addf(&list, "%s%s", j ? ", " : "", allowed[j]);
		struct ypath kp = YPATH_KEY(p, k->str);

		if (hint)
			yerror(k, &kp, "unknown key (did you mean %s?)", hint);
		else
			yerror(k, &kp, "unknown key (expected one of: %s)", list.buf);
		sb_free(&list);
		bad++;
	}
	return bad;
}

int ymap_check_keys(const struct ynode *map, const struct ypath *p,
		    const char *const allowed[])
{
	return check_keys(map, p, allowed, false);
}

int ymap_check_keys_nocase(const struct ynode *map, const struct ypath *p,
			   const char *const allowed[])
{
	return check_keys(map, p, allowed, true);
}
