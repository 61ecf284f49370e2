/*
 * yaml - the YAML loader (anchors, aliases, merge keys, limits) and what
 * walks its trees: the typed getters, and the conversion to JSON that
 * kapply sends, which expands aliases and so must stay bounded (a
 * billion-laughs document is refused, not expanded).
 *
 * Properties: JSON written from a converted document parses back to an
 * equal value; a loaded tree has no key twice in a mapping.
 */
#include <string.h>

#include "fuzz.h"
#include "base/json.h"
#include "yaml/ytree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-yaml");
	return 0;
}

/* Visit the tree as the schema readers do, with a budget: aliases make it a DAG. */
static void walk(const struct ynode *n, const struct ypath *p, long *budget)
{
	const char *s;
	long long ll;
	bool b;
	const struct ynode *m;

	if (--*budget < 0)
		return;
	yget_str(n, p, &s);
	yget_int(n, p, -1000, 1000, &ll);
	yget_bool(n, p, &b);
	yget_map(n, p, &m);
	yget_seq(n, p, &m);
	if (n->kind == Y_SEQ) {
		for (size_t i = 0; i < n->n; i++) {
			struct ypath ip = YPATH_INDEX(p, i);
			walk(n->items[i], &ip, budget);
		}
	} else if (n->kind == Y_MAP) {
		static const char *const allowed[] = { "Name", "Domain", "apiVersion", "kind", NULL };

		ymap_check_keys(n, p, allowed);
		for (size_t i = 0; i < n->n; i++) {
			struct ypath kp = YPATH_KEY(p, n->pairs[i].key->str);

			fuzz_assert(n->pairs[i].key->kind == Y_SCALAR);
			for (size_t j = 0; j < i && n->n < 256; j++)
				fuzz_assert(n->pairs[j].key->len != n->pairs[i].key->len ||
					    memcmp(n->pairs[j].key->str, n->pairs[i].key->str,
						   n->pairs[i].key->len) != 0);
			if (n->n < 256) {
				fuzz_assert(ymap_get(n, n->pairs[i].key->str) != NULL);
				ymap_get_nocase(n, n->pairs[i].key->str);
			}
			walk(n->pairs[i].val, &kp, budget);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yfile *f = yfile_load_mem("fuzz.yaml", (const char *)data, size);

	if (!f)
		return 0;
	for (size_t i = 0; i < f->ndocs; i++) {
		struct ypath top = YPATH_INDEX(NULL, i);
		struct jval *v, *back;
		struct strbuf sb = {0};
		long budget = 2000;     /* visits: aliases make the tree a DAG */
		size_t json_budget = 4 << 20;   /* not 64 MiB: a billion laughs costs 10 ms, not 150 */
		char err[128];

		walk(f->docs[i], &top, &budget);
		v = json_from_yaml_budget(f->docs[i], &top, &json_budget);
		if (!v)
			continue;
		json_write(&sb, v, i % 2 == 1);
		back = json_parse(sb.buf, sb.len, err, sizeof(err));
		fuzz_assert(back != NULL);
		fuzz_assert(jequal(v, back));
		jfree(back);
		jfree(v);
		sb_free(&sb);
	}
	yfile_free(f);
	return 0;
}
