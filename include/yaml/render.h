/*
 * render.h - manifest templates filled with variables (the render tool's
 * logic, in the library so that it can be tested and fuzzed on its own).
 *
 * "$name" and "${name}" are replaced by the variable's value, "$$" by "$";
 * "${name:+text}" by text (with its own "$name", "${name}" and "$$", on one
 * line) when the value is not empty, by nothing when it is: how a template
 * writes an optional field in its own YAML.
 * Any other '$' is an error, as is an unknown variable; both name the
 * template's file, line and column.  A value's line breaks start output
 * lines that map back to the template line the variable stood on, so that
 * YAML errors in the result point into the template.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stddef.h>

#include "base/util.h"
#include "yaml/vars.h"

struct rendered {
	struct strbuf text;     /* the result */
	int *linemap;           /* template line of each output line */
	size_t nlines, cap;
};

/*
 * Substitute the variables of v into the template t[0..len) (tpath names
 * it in messages) and append the result to out.  Returns the number of
 * errors, each already reported.
 */
int render_template(const char *tpath, const char *t, size_t len, const struct vars *v,
		    struct rendered *out);

/*
 * Check that the result parses as YAML and that every document is a
 * Kubernetes object with apiVersion, kind and metadata.name (empty
 * documents are skipped, but one object at least is needed).  Returns the
 * number of errors, each already reported with the template's line.
 */
int render_check(const char *tpath, const struct rendered *r);

void rendered_free(struct rendered *r);

#endif
