/*
 * connprofile - an org's connection profile in Fabric's common connection
 * profile format, the file the Fabric SDKs and samples start from
 * (fabric-samples' test-network writes connection-org1.json and .yaml).
 *
 * It names the org (client.organization, organizations.<org>: mspid, peers,
 * certificateAuthorities), each of its peers (url, tlsCACerts.pem,
 * grpcOptions with ssl-target-name-override and hostnameOverride: the
 * peer's CommonName, which its TLS certificate carries) and its CA (url,
 * caName, tlsCACerts.pem, httpOptions).  An SDK with discovery on learns
 * the rest of the channel from the peers.  Everything comes from the
 * command line (make knows the addresses); the certificates are read from
 * their files.  The JSON and YAML say the same; each is written whole or
 * not at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/json.h"
#include "base/util.h"

struct node {
	char *name, *url, *caname, *pem;        /* caname: the CA's only */
};

struct profile {
	const char *name, *org, *mspid;
	struct node *peers, ca;
	size_t npeers, cap;
	bool has_ca;
};

static const char synopsis[] =
	"usage: %s -n name -O org -m mspid --peer NAME=URL=TLSCA... [--ca NAME=URL=CANAME=TLSCA]\n"
	"       [-j out.json] [-y out.yaml]\n";

static void usage(void)
{
	fprintf(stderr, synopsis, progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf(synopsis, progname());
	printf("\nWrite an org's connection profile (Fabric's common connection profile).\n\n"
	       "  -n NAME    the profile's name\n"
	       "  -O ORG     the org's name (client.organization)\n"
	       "  -m MSPID   its MSP ID\n"
	       "  --peer NAME=URL=TLSCA  a peer: its name (the CommonName its TLS certificate\n"
	       "             carries), grpcs://host:port, the file of its TLS CA certificate\n"
	       "  --ca NAME=URL=CANAME=TLSCA  the org's CA: its name, https://host:port, the\n"
	       "             name the server knows it by, the certificate its TLS chains to\n"
	       "  -j FILE    write the JSON there\n"
	       "  -y FILE    write the YAML there\n");
	exit(0);
}

/* NAME=URL=...: split at the first `want` '=' (a file name may hold one), or NULL. */
static char **fields(const char *arg, size_t want)
{
	char **f = xcalloc(want, sizeof(*f));
	const char *p = arg;

	for (size_t i = 0; i + 1 < want; i++) {
		const char *eq = strchr(p, '=');

		if (!eq || eq == p) {
			for (size_t k = 0; k < i; k++)
				free(f[k]);
			free(f);
			return NULL;
		}
		f[i] = xstrndup(p, (size_t)(eq - p));
		p = eq + 1;
	}
	f[want - 1] = xstrdup(p);
	return f;
}

/* The certificate of file, as it is; NULL after saying why. */
static char *read_pem(const char *file)
{
	size_t len;
	char *pem = read_file(file, &len);

	if (!pem) {
		warnf("cannot read %s:", file);
		return NULL;
	}
	if (strlen(pem) != len || !strstr(pem, "-----BEGIN CERTIFICATE-----")) {
		warnf("%s: not a PEM certificate", file);
		free(pem);
		return NULL;
	}
	return pem;
}

static void node_free(struct node *n)
{
	free(n->name);
	free(n->url);
	free(n->caname);
	free(n->pem);
}

/* One --peer or --ca: 0, or -1 after saying why. */
static int add_node(struct profile *pr, const char *arg, bool ca)
{
	size_t want = ca ? 4 : 3;
	char **f = fields(arg, want);
	struct node n = {0};

	if (!f || !*f[want - 1]) {
		warnf("%s %s: expected %s", ca ? "--ca" : "--peer", arg,
		      ca ? "NAME=URL=CANAME=TLSCA" : "NAME=URL=TLSCA");
		if (f)
			for (size_t k = 0; k < want; k++)
				free(f[k]);
		free(f);
		return -1;
	}
	n.name = f[0];
	n.url = f[1];
	n.caname = ca ? f[2] : NULL;
	n.pem = read_pem(f[want - 1]);
	free(f[want - 1]);
	free(f);
	if (ca) {
		node_free(&pr->ca);
		pr->ca = n;
		pr->has_ca = true;
	} else {
		pr->peers = xgrow(pr->peers, &pr->cap, pr->npeers + 1, sizeof(*pr->peers));
		pr->peers[pr->npeers++] = n;
	}
	return n.pem ? 0 : -1;
}

static struct jval *names(const struct node *n, size_t count)
{
	struct jval *a = jarr();

	for (size_t i = 0; i < count; i++)
		jarr_add(a, jstr(n[i].name));
	return a;
}

/* The profile as a JSON value, in the order test-network's files have. */
static struct jval *build(const struct profile *pr)
{
	struct jval *root = jobj(), *client = jobj(), *orgs = jobj(), *org = jobj(), *peers = jobj();

	jobj_set(root, "name", jstr(pr->name));
	jobj_set(root, "version", jstr("1.0.0"));
	jobj_set(client, "organization", jstr(pr->org));
	jobj_set(root, "client", client);
	jobj_set(org, "mspid", jstr(pr->mspid));
	jobj_set(org, "peers", names(pr->peers, pr->npeers));
	if (pr->has_ca)
		jobj_set(org, "certificateAuthorities", names(&pr->ca, 1));
	jobj_set(orgs, pr->org, org);
	jobj_set(root, "organizations", orgs);
	for (size_t i = 0; i < pr->npeers; i++) {
		const struct node *n = &pr->peers[i];
		struct jval *p = jobj(), *tls = jobj(), *grpc = jobj();

		jobj_set(p, "url", jstr(n->url));
		jobj_set(tls, "pem", jstr(n->pem));
		jobj_set(p, "tlsCACerts", tls);
		jobj_set(grpc, "ssl-target-name-override", jstr(n->name));
		jobj_set(grpc, "hostnameOverride", jstr(n->name));
		jobj_set(p, "grpcOptions", grpc);
		jobj_set(peers, n->name, p);
	}
	jobj_set(root, "peers", peers);
	if (pr->has_ca) {
		struct jval *cas = jobj(), *c = jobj(), *tls = jobj(), *pems = jarr(), *http = jobj();

		jobj_set(c, "url", jstr(pr->ca.url));
		jobj_set(c, "caName", jstr(pr->ca.caname));
		jarr_add(pems, jstr(pr->ca.pem));
		jobj_set(tls, "pem", pems);
		jobj_set(c, "tlsCACerts", tls);
		/* the SDKs check the CA's TLS certificate against tlsCACerts */
		jobj_set(http, "verify", jbool(true));
		jobj_set(c, "httpOptions", http);
		jobj_set(cas, pr->ca.name, c);
		jobj_set(root, "certificateAuthorities", cas);
	}
	return root;
}

/* v as block-style YAML at indent; multi-line strings (certificates) as literal blocks. */
static void yaml_value(struct strbuf *sb, const struct jval *v, int indent);

static void yaml_indent(struct strbuf *sb, int indent)
{
	for (int i = 0; i < indent; i++)
		sb_addc(sb, ' ');
}

static void yaml_scalar(struct strbuf *sb, const struct jval *v, int indent)
{
	if (v->type == J_STR && strchr(v->s, '\n')) {
		const char *p = v->s;

		sb_adds(sb, strlen(v->s) && v->s[strlen(v->s) - 1] == '\n' ? " |\n" : " |-\n");
		while (*p) {
			size_t n = strcspn(p, "\n");

			yaml_indent(sb, indent);
			sb_add(sb, p, n);
			sb_addc(sb, '\n');
			p += n + (p[n] == '\n');
		}
		return;
	}
	sb_addc(sb, ' ');
	if (v->type == J_STR)
		sb_add_quoted(sb, v->s);
	else
		json_write(sb, v, false);
	sb_addc(sb, '\n');
}

static void yaml_value(struct strbuf *sb, const struct jval *v, int indent)
{
	if (v->type == J_OBJ) {
		sb_addc(sb, '\n');
		for (size_t i = 0; i < v->n; i++) {
			yaml_indent(sb, indent);
			sb_add_quoted(sb, v->k[i]);
			sb_addc(sb, ':');
			yaml_value(sb, v->v[i], indent + 2);
		}
	} else if (v->type == J_ARR) {
		sb_addc(sb, '\n');
		for (size_t i = 0; i < v->n; i++) {
			yaml_indent(sb, indent);
			sb_addc(sb, '-');
			yaml_value(sb, v->v[i], indent + 2);
		}
	} else {
		yaml_scalar(sb, v, indent);
	}
}

static int write_out(const char *path, const struct strbuf *sb)
{
	if (write_file(path, sb->buf, sb->len, 0644, 0) < 0) {
		warnf("cannot write %s:", path);
		return -1;
	}
	return 0;
}

static void profile_free(struct profile *pr)
{
	for (size_t i = 0; i < pr->npeers; i++)
		node_free(&pr->peers[i]);
	free(pr->peers);
	node_free(&pr->ca);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "peer", required_argument, NULL, 'p' }, { "ca", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct profile pr = {0};
	const char *json = NULL, *yaml = NULL;
	struct strbuf js = {0}, ys = {0};
	struct jval *v = NULL;
	int opt, rc = EXIT_USER, bad = 0;

	set_progname(argv[0]);
	while ((opt = getopt_long(argc, argv, "n:O:m:j:y:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			pr.name = optarg;
			break;
		case 'O':
			pr.org = optarg;
			break;
		case 'm':
			pr.mspid = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'y':
			yaml = optarg;
			break;
		case 'p':
		case 'c':
			bad |= add_node(&pr, optarg, opt == 'c');
			break;
		case 'h':
			help();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !pr.name || !pr.org || !pr.mspid || (!json && !yaml)) {
		profile_free(&pr);
		usage();
	}
	if (bad || pr.npeers == 0) {
		if (!bad)
			warnf("%s: no --peer: a connection profile names the org's peers", pr.org);
		goto out;
	}
	v = build(&pr);
	json_write(&js, v, true);
	sb_addc(&js, '\n');
	sb_adds(&ys, "---");
	yaml_value(&ys, v, 0);
	if ((json && write_out(json, &js) < 0) || (yaml && write_out(yaml, &ys) < 0))
		goto out;
	rc = 0;
out:
	jfree(v);
	sb_free(&js);
	sb_free(&ys);
	profile_free(&pr);
	return rc;
}
