#include <stdlib.h>
#include <string.h>

#include "yaml/render.h"
#include "yaml/ytree.h"

static void out_line(struct rendered *o, int tline)
{
	o->linemap = xgrow(o->linemap, &o->cap, o->nlines + 1, sizeof(*o->linemap));
	o->linemap[o->nlines++] = tline;
}

/* Append a value: its line breaks start output lines of the same template line. */
static void out_add(struct rendered *o, const char *s, size_t n, int tline)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			out_line(o, tline);
	sb_add(&o->text, s, n);
}

/* The length of the run of name characters at s, which stops before end. */
static size_t name_len(const char *s, const char *end)
{
	size_t n = 0;

	while (s + n < end && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
			       (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
		n++;
	return n;
}

int render_template(const char *tpath, const char *t, size_t len, const struct vars *v,
		    struct rendered *o)
{
	int line = 1, errors = 0;
	const char *line_start = t, *end = t + len;

	out_line(o, 1);
	for (const char *p = t; p < end;) {
		const char *dollar = memchr(p, '$', (size_t)(end - p));
		const char *stop = dollar ? dollar : end;

		/* literal text: each line break starts the next template line */
		for (const char *q = p; q < stop; q++) {
			if (*q == '\n') {
				out_line(o, ++line);
				line_start = q + 1;
			}
		}
		sb_add(&o->text, p, (size_t)(stop - p));
		if (!dollar)
			break;

		int col = (int)(dollar - line_start) + 1;
		const char *name = dollar + 1, *after;
		size_t n;

		if (name < end && *name == '$') {
			sb_addc(&o->text, '$');
			p = name + 1;
			continue;
		}
		if (name < end && *name == '{') {
			name++;
			n = name_len(name, end);
			if (name + n >= end || name[n] != '}' || !is_var_name(name, n)) {
				warnf("%s:%d:%d: malformed ${...}: expected ${name} "
				      "with letters, digits and '_'", tpath, line, col);
				errors++;
				p = name;
				continue;
			}
			after = name + n + 1;
		} else {
			n = name_len(name, end);
			if (!is_var_name(name, n)) {
				warnf("%s:%d:%d: stray '$' (write $$ for a literal '$')",
				      tpath, line, col);
				errors++;
				p = name;
				continue;
			}
			after = name + n;
		}
		const char *val = vars_get(v, name, n);

		if (!val) {
			warnf("%s:%d:%d: unknown variable \"%.*s\"", tpath, line, col,
			      (int)n, name);
			errors++;
		} else {
			out_add(o, val, strlen(val), line);
		}
		p = after;
	}
	return errors;
}

int render_check(const char *tpath, const struct rendered *o)
{
	struct yfile *f = yfile_load_mem_mapped(tpath, o->text.buf ? o->text.buf : "",
						o->text.len, o->linemap, o->nlines);
	int errors = 0, objects = 0;

	if (!f)
		return 1;
	for (size_t i = 0; i < f->ndocs; i++) {
		const struct ynode *d = f->docs[i], *meta;
		static const char *const fields[] = { "apiVersion", "kind" };

		if (ynode_is_null(d))
			continue;       /* an empty document between "---" lines */
		objects++;
		if (d->kind != Y_MAP) {
			yerror(d, NULL, "document %zu: expected a Kubernetes object "
			       "(a mapping), got %s", i + 1, ynode_kind_name(d));
			errors++;
			continue;
		}
		for (int k = 0; k < 2; k++) {
			const struct ynode *fv = ymap_get(d, fields[k]);

			if (fv && fv->kind != Y_SCALAR) {
				yerror(fv, NULL, "document %zu: %s must be a string, not %s",
				       i + 1, fields[k], ynode_kind_name(fv));
				errors++;
			} else if (!fv || ynode_is_null(fv) || !*fv->str) {
				yerror(fv ? fv : d, NULL, "document %zu: %s is missing or empty",
				       i + 1, fields[k]);
				errors++;
			}
		}
		meta = ymap_get(d, "metadata");
		const struct ynode *name = ymap_get(meta, "name");

		if (name && name->kind != Y_SCALAR) {
			yerror(name, NULL, "document %zu: metadata.name must be a string, not %s",
			       i + 1, ynode_kind_name(name));
			errors++;
		} else if (!name || ynode_is_null(name) || !*name->str) {
			yerror(name ? name : meta ? meta : d, NULL,
			       "document %zu: metadata.name is missing or empty", i + 1);
			errors++;
		}
	}
	if (objects == 0) {
		warnf("%s: the template renders no Kubernetes object", tpath);
		errors++;
	}
	yfile_free(f);
	return errors;
}

void rendered_free(struct rendered *r)
{
	sb_free(&r->text);
	free(r->linemap);
	memset(r, 0, sizeof(*r));
}
