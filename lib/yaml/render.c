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

/* Where rendering is in the template, for messages and the line map. */
struct tpos {
	const char *tpath, *end, *line_start;
	int line;
};

static const char malformed[] =
	"malformed ${...}: expected ${name} or ${name:+text}, name of letters, digits and '_'";

static int report(const struct tpos *at, const char *dollar, const char *what, size_t n,
		  const char *name)
{
	int col = (int)(dollar - at->line_start) + 1;

	if (name)
		warnf("%s:%d:%d: %s \"%.*s\"", at->tpath, at->line, col, what, (int)n, name);
	else
		warnf("%s:%d:%d: %s", at->tpath, at->line, col, what);
	return 1;
}

static int render_span(struct tpos *at, const char *p, const char *stop, bool in_text,
		       const struct vars *v, struct rendered *o);

/* The end of the text of "${name:+text}": its '}', or where it goes wrong. */
static const char *text_end(const char *p, const char *end)
{
	for (; p < end && *p != '}' && *p != '{' && *p != '\n'; p++) {
		if (*p != '$' || p + 1 == end)
			continue;
		if (p[1] == '$')
			p++;
		else if (p[1] == '{') { /* a ${name} of its own: on to its '}' */
			for (p += 2; p < end && *p != '}'; p++)
				if (*p == '\n')
					return p;
			if (p == end)
				return p;
		}
	}
	return p;
}

/*
 * The "${name" at dollar, name n long: "${name}", or, outside another's
 * text, "${name:+text}": text (itself with "$$", "$name" and "${name}", on
 * one line) when name's value is not empty, nothing when it is.  The
 * latter is how a template writes an optional field, such as a Service
 * port's nodePort, in its own YAML instead of taking it whole from a
 * variable.  Sets *after past the closing brace.
 */
static int braced(struct tpos *at, const char *dollar, const char *name, size_t n, bool in_text,
		  const struct vars *v, struct rendered *o, const char **after)
{
	const char *text = name + n, *close = text, *val;

	if (!in_text && text + 1 < at->end && text[0] == ':' && text[1] == '+')
		close = text_end(text += 2, at->end);
	if (close >= at->end || *close != '}' || !is_var_name(name, n)) {
		*after = name;
		return report(at, dollar, malformed, 0, NULL);
	}
	*after = close + 1;
	if (!(val = vars_get(v, name, n)))
		return report(at, dollar, "unknown variable", n, name);
	if (text == close)
		out_add(o, val, strlen(val), at->line);
	else if (*val)
		return render_span(at, text, close, true, v, o);
	return 0;
}

/* One '$' construct at dollar; sets *after past it. */
static int substitute(struct tpos *at, const char *dollar, bool in_text, const struct vars *v,
		      struct rendered *o, const char **after)
{
	const char *name = dollar + 1, *val;
	size_t n;

	if (name < at->end && *name == '$') {
		sb_addc(&o->text, '$');
		*after = name + 1;
		return 0;
	}
	if (name < at->end && *name == '{')
		return braced(at, dollar, name + 1, name_len(name + 1, at->end), in_text, v, o, after);
	n = name_len(name, at->end);
	*after = name + n;
	if (!is_var_name(name, n))
		return report(at, dollar, "stray '$' (write $$ for a literal '$')", 0, NULL);
	if (!(val = vars_get(v, name, n)))
		return report(at, dollar, "unknown variable", n, name);
	out_add(o, val, strlen(val), at->line);
	return 0;
}

/* The template's text [p, stop): literal text as it is, each '$' construct substituted. */
static int render_span(struct tpos *at, const char *p, const char *stop, bool in_text,
		       const struct vars *v, struct rendered *o)
{
	int errors = 0;

	while (p < stop) {
		const char *dollar = memchr(p, '$', (size_t)(stop - p));
		const char *lit_end = dollar ? dollar : stop;

		/* literal text: each line break starts the next template line */
		for (const char *q = p; q < lit_end; q++) {
			if (*q == '\n') {
				out_line(o, ++at->line);
				at->line_start = q + 1;
			}
		}
		sb_add(&o->text, p, (size_t)(lit_end - p));
		if (!dollar)
			break;
		errors += substitute(at, dollar, in_text, v, o, &p);
	}
	return errors;
}

int render_template(const char *tpath, const char *t, size_t len, const struct vars *v,
		    struct rendered *o)
{
	struct tpos at = { .tpath = tpath, .end = t + len, .line_start = t, .line = 1 };

	out_line(o, 1);
	return render_span(&at, t, t + len, false, v, o);
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
