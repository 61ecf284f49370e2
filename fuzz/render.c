/*
 * render - template substitution ($name, ${name}, ${name:+text}, $$) and the check that
 * the result is YAML made of Kubernetes objects, with errors mapped back
 * to template lines.  An input holding a line "%%" is a vars file (NAME=value
 * lines) before it and the template after; otherwise the template alone,
 * with a few variables, one of them spanning lines.
 *
 * Properties: a template without '$' comes out unchanged; the line map
 * has one entry per output line, each a line of the template.
 */
#include <string.h>

#include "fuzz.h"
#include "yaml/render.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-render");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data, *sep = NULL;
	size_t len = size, tlines = 1, outlines = 1;
	struct vars v = {0};
	struct rendered r = {0};
	int errors;

	vars_set_assignment(&v, "ORG=org1");
	vars_set_assignment(&v, "NODE=peer0");
	vars_set_assignment(&v, "EMPTY=");
	vars_set_assignment(&v, "LINES=a: 1\n  b: 2");
	for (size_t i = 0; i + 3 < size && !sep; i++)
		if (memcmp(t + i, "%%\n", 3) == 0 && (i == 0 || t[i - 1] == '\n'))
			sep = t + i;
	if (sep) {
		char *vtext = xstrndup(t, (size_t)(sep - t)), *line, *save = NULL;

		for (line = strtok_r(vtext, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			vars_set_assignment(&v, line);
		free(vtext);
		len = size - (size_t)(sep + 3 - t);
		t = sep + 3;
	}
	errors = render_template("template.yaml", t, len, &v, &r);
	for (size_t i = 0; i < len; i++)
		tlines += t[i] == '\n';
	for (size_t i = 0; i < r.text.len; i++)
		outlines += r.text.buf[i] == '\n';
	fuzz_assert(r.nlines == outlines);
	for (size_t i = 0; i < r.nlines; i++)
		fuzz_assert(r.linemap[i] >= 1 && (size_t)r.linemap[i] <= tlines);
	if (!memchr(t, '$', len))
		fuzz_assert(errors == 0 && r.text.len == len && (len == 0 || memcmp(r.text.buf, t, len) == 0));
	if (errors == 0)
		render_check("template.yaml", &r);
	rendered_free(&r);
	vars_free(&v);
	return 0;
}
