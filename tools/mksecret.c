/*
 * mksecret - pack files and directory trees into a Kubernetes Secret.
 *
 * Crypto material reaches pods as Secrets.  A Secret is flat, so each file
 * becomes one key, and the pod's volume lists every key with the path (and
 * mode) the file had: the MSP and TLS trees then appear in the pod exactly
 * as mspgen wrote them.  That list is written as one variable holding the
 * whole volume source, "secret: {secretName: NAME, items: [...]}", in YAML
 * flow style on one line, which render puts into the pod template.
 *
 * With -c it writes a ConfigMap (binaryData) instead, for what is not
 * secret: scripts, chaincode packages.
 *
 * Arguments are PATH or MOUNT=PATH: a directory is taken recursively (its
 * files appear under MOUNT, or at the top when MOUNT is absent), a file
 * appears as MOUNT (or its own name).  The manifest is written with mode
 * 0600, since it usually holds private keys.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "base/base64.h"
#include "network/cryptocfg.h"
#include "base/fsutil.h"
#include "base/util.h"
#include "yaml/vars.h"

/* Kubernetes caps a Secret at 1 MiB; refuse early rather than at apply. */
enum { MAX_SECRET_BYTES = 1 << 20, MAX_KEY_LEN = 253 };

struct entry {
	char *key;      /* flattened path, a valid Secret key */
	char *path;     /* path inside the volume */
	char *file;     /* where the bytes come from */
	mode_t mode;
};

struct secret {
	struct entry *e;
	size_t n, cap;
	size_t bytes;
};

static void usage(void)
{
	fprintf(stderr, "usage: %s [-c] -n name -N namespace [-l key=value]... [-o out] "
		"[-v vars -V name] [mount=]path...\n", progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("usage: %s [-c] -n name -N namespace [-l key=value]... [-o out] "
	       "[-v vars -V name] [mount=]path...\n\n"
	       "Write a Secret holding every file under each path.  A directory's files\n"
	       "keep their relative paths (under mount when given); a file appears as\n"
	       "mount, or under its own name.\n\n"
	       "  -c            write a ConfigMap (binaryData) instead of a Secret\n"
	       "  -n NAME       the Secret's name\n"
	       "  -N NAMESPACE  its namespace\n"
	       "  -l KEY=VALUE  a label (repeatable)\n"
	       "  -o FILE       write the manifest there, mode 0600 (default: stdout)\n"
	       "  -v FILE       also write a vars file with one variable (-V) holding the\n"
	       "                volume source: secret: {secretName: ..., items: [{key: ...,\n"
	       "                path: ..., mode: ...}, ...]}\n"
	       "  -V NAME       that variable's name (default SOURCE)\n", progname());
	exit(0);
}

/* A Secret key: the path with '/' as '_' and any other foreign byte as '-'. */
static char *key_of(const char *path)
{
	char *k = xstrdup(path);

	for (char *p = k; *p; p++) {
		char c = *p;

		if (c == '/')
			*p = '_';
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
			*p = '-';
	}
	return k;
}

static int add_file(struct secret *s, const char *file, const char *path, mode_t mode, off_t size)
{
	char *key = key_of(path);

	if (strlen(key) > MAX_KEY_LEN) {
		warnf("%s: path too long for a Secret key (more than %d bytes)", file, MAX_KEY_LEN);
		free(key);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->e[i].key, key) == 0) {
			warnf("%s and %s map to the same Secret key \"%s\"", s->e[i].file, file, key);
			free(key);
			return -1;
		}
	}
	s->bytes += (size_t)size;
	s->e = xgrow(s->e, &s->cap, s->n + 1, sizeof(*s->e));
	s->e[s->n++] = (struct entry){ key, xstrdup(path), xstrdup(file), mode & 0777 };
	return 0;
}

/* Add every regular file under dir, in name order so output is stable. */
static int add_tree(struct secret *s, const char *dir, const char *prefix)
{
	char **names;
	size_t n;
	int rc = 0;

	if (dir_names(dir, &names, &n) < 0) {
		warnf("cannot read %s:", dir);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char *file = path_join(dir, names[i]);
		char *path = *prefix ? path_join(prefix, names[i]) : xstrdup(names[i]);
		struct stat st;

		if (rc == 0 && lstat(file, &st) < 0) {
			warnf("cannot read %s:", file);
			rc = -1;
		} else if (rc == 0 && S_ISDIR(st.st_mode)) {
			rc = add_tree(s, file, path);
		} else if (rc == 0 && S_ISREG(st.st_mode)) {
			rc = add_file(s, file, path, st.st_mode, st.st_size);
		} else if (rc == 0) {
			warnf("%s: not a regular file or directory", file);
			rc = -1;
		}
		free(file);
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int add_arg(struct secret *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *mount = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup("");
	const char *src = eq ? eq + 1 : arg;
	struct stat st;
	int rc;

	if (stat(src, &st) < 0) {
		warnf("cannot read %s:", src);
		rc = -1;
	} else if (S_ISDIR(st.st_mode)) {
		rc = add_tree(s, src, mount);
	} else if (S_ISREG(st.st_mode)) {
		const char *base = strrchr(src, '/');

		rc = add_file(s, src, *mount ? mount : base ? base + 1 : src, st.st_mode, st.st_size);
	} else {
		warnf("%s: not a regular file or directory", src);
		rc = -1;
	}
	free(mount);
	return rc;
}


/* What the command line asks for. */
struct request {
	const char *name, *ns, *out, *varsout, *varname;
	char **labels;
	size_t nlabels;
	bool configmap;
};

/* The object's head: kind, name, namespace and labels, up to its data. */
static void object_head(const struct request *rq, struct strbuf *doc)
{
	/* names and labels are the API server's to validate: quoting keeps the YAML whole */
	sb_addf(doc, "# generated by mksecret; do not edit\napiVersion: v1\nkind: %s\n"
		"metadata:\n  name: ", rq->configmap ? "ConfigMap" : "Secret");
	sb_add_quoted(doc, rq->name);
	sb_adds(doc, "\n  namespace: ");
	sb_add_quoted(doc, rq->ns);
	sb_adds(doc, "\n");
	if (rq->nlabels)
		sb_adds(doc, "  labels:\n");
	for (size_t i = 0; i < rq->nlabels; i++) {
		char *eq = strchr(rq->labels[i], '=');

		sb_adds(doc, "    ");
		sb_add(doc, rq->labels[i], (size_t)(eq - rq->labels[i]));
		sb_adds(doc, ": ");
		sb_add_quoted(doc, eq + 1);
		sb_addc(doc, '\n');
	}
	sb_adds(doc, rq->configmap ? "binaryData:\n" : "type: Opaque\ndata:\n");
}

/*
 * Every file as a data key of doc, and in items the volume source that
 * puts each back at its path and mode (the .vars line), then
 * <name>_DIGEST: the first 16 hex digits of the SHA-256 of the data, which
 * a workload's pod template carries, so that new data (renewed
 * certificates) rolls its pods and no others.  0 or -1.
 */
static int object_data(const struct request *rq, const struct secret *s,
		       struct strbuf *doc, struct strbuf *items)
{
	size_t start = doc->len;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	sb_addf(items, rq->configmap ? "%s=configMap: {name: %s, items: [" :
		"%s=secret: {secretName: %s, items: [", rq->varname, rq->name);
	for (size_t i = 0; i < s->n; i++) {
		size_t len;
		char *bytes = read_file(s->e[i].file, &len), *b64;

		if (!bytes) {
			warnf("cannot read %s:", s->e[i].file);
			return -1;
		}
		b64 = base64_encode(bytes, len);
		sb_addf(doc, "  %s: %s\n", s->e[i].key, b64);
		sb_addf(items, "%s{key: %s, path: \"%s\", mode: %u}", i ? ", " : "",
			s->e[i].key, s->e[i].path, (unsigned)s->e[i].mode);
		free(b64);
		free(bytes);
	}
	sb_adds(items, "]}\n");
	if (!EVP_Digest(doc->buf + start, doc->len - start, md, &mdlen, EVP_sha256(), NULL))
		die("SHA-256 failed");
	sb_addf(items, "%s_DIGEST=", rq->varname);
	for (unsigned int i = 0; i < 8; i++)
		sb_addf(items, "%02x", md[i]);
	sb_addc(items, '\n');
	return 0;
}

/* The .vars (only when it changed: what renders it stays put), then the object. */
static int write_outputs(const struct request *rq, const struct strbuf *doc,
			 const struct strbuf *items)
{
	if (rq->varsout && write_file(rq->varsout, items->buf, items->len, 0644, WRITE_IF_CHANGED) < 0) {
		warnf("cannot write %s:", rq->varsout);
		return -1;
	}
	if (rq->out && write_file(rq->out, doc->buf, doc->len, rq->configmap ? 0644 : 0600, 0) < 0) {
		warnf("cannot write %s:", rq->out);
		return -1;
	}
	if (!rq->out) {
		fwrite(doc->buf, 1, doc->len, stdout);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			warnf("cannot write standard output:");
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct request rq = { .varname = "SOURCE" };
	struct strbuf doc = {0}, items = {0};
	struct secret s = {0};
	int opt, rc = 0;

	set_progname(argv[0]);
	rq.labels = xcalloc((size_t)argc, sizeof(*rq.labels));
	while ((opt = getopt(argc, argv, "cn:N:l:o:v:V:h")) != -1) {
		switch (opt) {
		case 'c': rq.configmap = true; break;
		case 'n': rq.name = optarg; break;
		case 'N': rq.ns = optarg; break;
		case 'l': rq.labels[rq.nlabels++] = optarg; break;
		case 'o': rq.out = optarg; break;
		case 'v': rq.varsout = optarg; break;
		case 'V': rq.varname = optarg; break;
		case 'h': help(); break;
		default: usage();
		}
	}
	if (!rq.name || !rq.ns || optind >= argc)
		usage();
	if (!is_var_name(rq.varname, strlen(rq.varname))) {
		warnf("-V %s: not a variable name", rq.varname);
		free(rq.labels);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < rq.nlabels; i++) {
		if (!strchr(rq.labels[i], '=')) {
			warnf("-l %s: expected key=value", rq.labels[i]);
			free(rq.labels);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc && rc == 0; i++)
		rc = add_arg(&s, argv[i]);
	if (rc == 0 && s.bytes > MAX_SECRET_BYTES) {
		warnf("%zu bytes of files: more than a %s can hold (1 MiB)", s.bytes,
		      rq.configmap ? "ConfigMap" : "Secret");
		rc = -1;
	}
	if (rc == 0 && s.n == 0) {
		warnf("no files to put into Secret %s", rq.name);
		rc = -1;
	}
	if (rc == 0) {
		object_head(&rq, &doc);
		rc = object_data(&rq, &s, &doc, &items);
	}
	if (rc == 0)
		rc = write_outputs(&rq, &doc, &items);
	for (size_t i = 0; i < s.n; i++) {
		free(s.e[i].key);
		free(s.e[i].path);
		free(s.e[i].file);
	}
	free(s.e);
	free(rq.labels);
	sb_free(&doc);
	sb_free(&items);
	return rc ? EXIT_USER : 0;
}
