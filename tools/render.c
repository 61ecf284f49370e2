/*
 * render - fill a Kubernetes manifest template with variables.
 *
 * "$name" and "${name}" are replaced by the variable's value, "$$" by "$".
 * Any other '$' is an error, as is an unknown variable; both name the
 * template's file, line and column.  The result must parse as YAML, and
 * every document in it must be a Kubernetes object with apiVersion, kind
 * and metadata.name, so that a broken template fails here and not in the
 * cluster.  Nothing is written when anything is wrong.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "util.h"
#include "vars.h"
#include "ytree.h"

static void usage(void)
{
	fprintf(stderr, "usage: %s [-f vars]... [-D name=value]... [-o out] template\n",
		progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("usage: %s [-f vars]... [-D name=value]... [-o out] template\n\n"
	       "Replace $name, ${name} and $$ in a template and check that the result\n"
	       "is YAML whose every document has apiVersion, kind and metadata.name.\n\n"
	       "  -f FILE        read NAME=value lines (later files win)\n"
	       "  -D NAME=VALUE  set a variable (wins over every file)\n"
	       "  -o FILE        write the result there atomically (default: stdout)\n"
	       "  -h             this help\n", progname());
	exit(0);
}

struct output {
	struct strbuf text;
	int *linemap;           /* template line of each output line */
	size_t nlines, cap;
};

static void out_line(struct output *o, int tline)
{
	o->linemap = xgrow(o->linemap, &o->cap, o->nlines + 1, sizeof(*o->linemap));
	o->linemap[o->nlines++] = tline;
}

/* Append a value: its line breaks start output lines of the same template line. */
static void out_add(struct output *o, const char *s, size_t n, int tline)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			out_line(o, tline);
	sb_add(&o->text, s, n);
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
	       (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		n++;
	return n;
}

/* Substitute; returns the number of errors (each already reported). */
static int substitute(const char *tpath, const char *t, size_t len,
		      const struct vars *v, struct output *o)
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
			n = name_len(name);
			if (name + n >= end || name[n] != '}' || !is_var_name(name, n)) {
				warnf("%s:%d:%d: malformed ${...}: expected ${name} "
				      "with letters, digits and '_'", tpath, line, col);
				errors++;
				p = name;
				continue;
			}
			after = name + n + 1;
		} else {
			n = name_len(name);
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

/* Every document must be a Kubernetes object; returns the number of errors. */
static int check_objects(const char *tpath, const struct output *o)
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
			const struct ynode *v = ymap_get(d, fields[k]);

			if (!v || v->kind != Y_SCALAR || ynode_is_null(v) || !*v->str) {
				yerror(v ? v : d, NULL, "document %zu: %s is missing or empty",
				       i + 1, fields[k]);
				errors++;
			}
		}
		meta = ymap_get(d, "metadata");
		const struct ynode *name = ymap_get(meta, "name");

		if (!name || name->kind != Y_SCALAR || ynode_is_null(name) || !*name->str) {
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

int main(int argc, char **argv)
{
	struct vars v = {0};
	struct output o = {0};
	const char *outpath = NULL, *tpath;
	char *tmpl;
	size_t len;
	int opt, rc = 0;

	set_progname(argv[0]);
	/* -D wins over every -f whatever the order: collect, apply after */
	char **defs = xcalloc((size_t)argc, sizeof(*defs));
	size_t ndefs = 0;

	while ((opt = getopt(argc, argv, "f:D:o:h")) != -1) {
		switch (opt) {
		case 'f':
			if (vars_load(&v, optarg) < 0)
				rc = EXIT_USER;
			break;
		case 'D':
			defs[ndefs++] = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			help();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	for (size_t i = 0; i < ndefs; i++) {
		if (vars_set_assignment(&v, defs[i]) < 0) {
			warnf("-D %s: expected NAME=value", defs[i]);
			rc = EXIT_USAGE;
		}
	}
	free(defs);
	tpath = argv[optind];
	if (rc) {
		vars_free(&v);
		return rc;
	}
	tmpl = read_file(tpath, &len);
	if (!tmpl) {
		warnf("cannot read %s:", tpath);
		vars_free(&v);
		return EXIT_USER;
	}
	if (substitute(tpath, tmpl, len, &v, &o) || check_objects(tpath, &o)) {
		rc = EXIT_USER;
	} else if (outpath) {
		if (write_file(outpath, o.text.buf, o.text.len, 0644, 0) < 0) {
			warnf("cannot write %s:", outpath);
			rc = EXIT_USER;
		}
	} else {
		fwrite(o.text.buf, 1, o.text.len, stdout);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			warnf("cannot write standard output:");
			rc = EXIT_USER;
		}
	}
	free(tmpl);
	sb_free(&o.text);
	free(o.linemap);
	vars_free(&v);
	return rc;
}
