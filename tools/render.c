/*
 * render - fill a Kubernetes manifest template with variables.
 *
 * "$name" and "${name}" are replaced by the variable's value, "$$" by "$",
 * "${name:+text}" by text when the value is not empty (render.h has the
 * rules).  The result must parse as YAML, and every
 * document in it must be a Kubernetes object with apiVersion, kind and
 * metadata.name, so that a broken template fails here and not in the
 * cluster.  Nothing is written when anything is wrong.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "yaml/render.h"
#include "base/util.h"
#include "yaml/vars.h"

static void usage(void)
{
	fprintf(stderr, "usage: %s [-f vars]... [-D name=value]... [-o out] template\n",
		progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("usage: %s [-f vars]... [-D name=value]... [-o out] template\n\n"
	       "Replace $name, ${name} and $$ in a template, and ${name:+text} by text\n"
	       "when name is not empty; check that the result is YAML whose every\n"
	       "document has apiVersion, kind and metadata.name.\n\n"
	       "  -f FILE        read NAME=value lines (later files win)\n"
	       "  -D NAME=VALUE  set a variable (wins over every file)\n"
	       "  -o FILE        write the result there atomically (default: stdout)\n"
	       "  -h             this help\n", progname());
	exit(0);
}

int main(int argc, char **argv)
{
	struct vars v = {0};
	struct rendered o = {0};
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
	if (render_template(tpath, tmpl, len, &v, &o) || render_check(tpath, &o)) {
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
	rendered_free(&o);
	vars_free(&v);
	return rc;
}
