/*
 * policy - Fabric's policy language (sigpolicy_parse) and ImplicitMeta
 * rules, as configtx.yaml's Rule fields are read.
 *
 * Properties: a rule that parses names each identity it numbers, every
 * gate needs no more than it has, and its encoding is a
 * SignaturePolicyEnvelope that txgen's inspector decodes.
 */
#include <string.h>

#include "fabric/ctree.h"
#include "fuzz.h"
#include "fabric/policy.h"
#include "fabric/configtx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-policy");
	return 0;
}

static void check_rule(const struct sig_rule *r, const struct sig_policy *p, int depth)
{
	fuzz_assert(depth < 100);
	if (r->signed_by >= 0) {
		fuzz_assert((size_t)r->signed_by < p->nids);
		return;
	}
	fuzz_assert(r->n >= 0 && (size_t)r->n <= r->nrules);
	for (size_t i = 0; i < r->nrules; i++)
		check_rule(&r->rules[i], p, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct sig_policy p;
	enum implicit_rule rule;
	const char *sub;

	if (sigpolicy_parse(text, NULL, NULL, &p) == 0) {
		struct pbuf b = {0}, g = {0};
		struct cgroup *cg = cg_new("Admins");
		struct strbuf out = {0};

		check_rule(&p.rule, &p, 0);
		for (size_t i = 0; i < p.nids; i++)
			fuzz_assert(*p.ids[i].msp_id && strcmp(msp_role_name(p.ids[i].role), "?") != 0);
		sigpolicy_encode(&p, &b);
		fuzz_assert(pb_valid(b.buf, b.len));
		/* decoded as a policy of a config group, as in a block */
		cg_add_policy(cg, "Rule", "Admins", 1, &b);
		cg_encode(cg, &g);
		fuzz_assert(tx_inspect(INSPECT_ORDERER_ORG, NULL, g.buf, g.len, &out) == 0);
		sb_free(&out);
		pb_free(&g);
		pb_free(&b);
		cg_free(cg);
		sigpolicy_free(&p);
	} else {
		fuzz_assert(p.nids == 0 && p.rule.nrules == 0);
	}
	if (implicit_meta_parse(text, NULL, NULL, &rule, &sub) == 0) {
		struct pbuf b = {0};

		implicit_meta_encode(rule, sub, &b);
		fuzz_assert(pb_valid(b.buf, b.len));
		pb_free(&b);
	}
	free(text);
	return 0;
}
