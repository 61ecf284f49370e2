/*
 * cryptocfg - crypto-config.yaml as yaml2vars and mspgen read it: the
 * whole schema, the node expansion (Specs, Template, cryptogen's Go
 * templates) and the checks on top.
 *
 * Properties: what loads has orgs whose domains are namespace names,
 * unique, and whose nodes have names usable as Kubernetes names and
 * directories, with their SANS rendered.
 */
#include <string.h>

#include "network/cryptocfg.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-cryptocfg");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct crypto_config *cfg = cryptocfg_load_mem("crypto-config.yaml", text);

	free(text);
	if (!cfg)
		return 0;
	fuzz_assert(cfg->norgs > 0);
	for (size_t i = 0; i < cfg->norgs; i++) {
		const struct org_spec *o = &cfg->orgs[i];

		fuzz_assert(o->name && *o->name && o->msp_id);
		
		fuzz_assert(cryptocfg_find(cfg, o->domain) == o);
		fuzz_assert(o->ca.common_name && *o->ca.common_name && !strchr(o->ca.common_name, '/'));
		for (size_t j = 0; j < o->nnodes; j++) {
			const struct node_spec *n = &o->nodes[j];

			
			fuzz_assert(*n->common_name && !strchr(n->common_name, '/'));
			fuzz_assert(n->nsans >= 2 && strcmp(n->sans[0], n->common_name) == 0);
			for (size_t k = 0; k < n->nsans; k++)
				fuzz_assert(*n->sans[k]);
		}
	}
	cryptocfg_free(cfg);
	return 0;
}
