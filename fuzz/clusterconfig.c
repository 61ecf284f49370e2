/*
 * clusterconfig - the cluster's copy of a configtx.yaml (what yaml2vars -w
 * writes), for a network of test-network's shape: an orderer org
 * example.com and peer orgs org1.example.com and org2.example.com, each in
 * the namespace its domain gives (dots as dashes).
 *
 * Properties: the copy is one YAML document again, of the same shape; and
 * making the copy of the copy changes nothing (its paths already point
 * into crypto-config/, its addresses already are the cluster's).
 */
#include <string.h>

#include "network/clusterconfig.h"
#include "fuzz.h"
#include "yaml/ytree.h"

static const char network[] =
	"OrdererOrgs:\n"
	"  - {Name: OrdererOrg, Domain: example.com, Specs: [{Hostname: orderer, SANS: [localhost]}]}\n"
	"PeerOrgs:\n"
	"  - {Name: Org1, Domain: org1.example.com, Template: {Count: 2, SANS: [localhost]}}\n"
	"  - {Name: Org2, Domain: org2.example.com, Template: {Count: 1, SANS: [localhost]}}\n";

static struct crypto_config *cfg;
static struct cluster cl;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-clusterconfig");
	cfg = cryptocfg_load_mem("crypto-config.yaml", network);
	if (!cfg)
		abort();
	cl.cfg = cfg;
	cl.orgs = xcalloc(cfg->norgs, sizeof(*cl.orgs));
	for (size_t i = 0; i < cfg->norgs; i++) {
		const struct org_spec *o = &cfg->orgs[i];

		cl.orgs[i].namespace = xstrdup(o->domain);
		for (char *p = cl.orgs[i].namespace; *p; p++)
			if (*p == '.')
				*p = '-';
		cl.orgs[i].hosts = xcalloc(o->nnodes, sizeof(*cl.orgs[i].hosts));
		for (size_t j = 0; j < o->nnodes; j++)
			cl.orgs[i].hosts[j] = xasprintf("%s.%s", o->nodes[j].hostname, cl.orgs[i].namespace);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct strbuf once = {0}, twice = {0};
	size_t len = strlen(text);

	if (cluster_configtx_mem(&cl, "configtx.yaml", text, len, "crypto-config", &once, NULL) == 0) {
		struct yfile *a = yfile_load_mem("configtx.yaml", text, len);
		struct yfile *b = yfile_load_mem("copy", once.buf ? once.buf : "", once.len);

		fuzz_assert(a && b && a->ndocs == 1 && b->ndocs == 1);
		fuzz_assert(a->docs[0]->kind == b->docs[0]->kind && a->docs[0]->n == b->docs[0]->n);
		fuzz_assert(cluster_configtx_mem(&cl, "copy", once.buf ? once.buf : "", once.len,
						 "crypto-config", &twice, NULL) == 0);
		fuzz_assert(twice.len == once.len && memcmp(twice.buf ? twice.buf : "",
							    once.buf ? once.buf : "", once.len) == 0);
		yfile_free(a);
		yfile_free(b);
	}
	sb_free(&once);
	sb_free(&twice);
	free(text);
	return 0;
}
