/*
 * configtx - configtx.yaml as txgen reads it: every profile built into a
 * channel config (policies in the policy language, capabilities, orderer
 * types, durations and sizes, orgs with their MSPs), the artifacts made of
 * it, and -printOrg for every org.  MSPDir and certificate paths resolve
 * against fuzz/data ($FUZZ_DATA), which holds one MSP (msp/) and one TLS
 * certificate (tls/server.crt), so that inputs naming them get past the
 * file system.
 *
 * Property: whatever txgen encodes, its own inspector decodes (the
 * inspector is checked against configtxlator by the tests).
 */
#include <string.h>

#include "fuzz.h"
#include "fabric/configtx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-configtx");
	return 0;
}

static void inspect_ok(enum inspect_what what, const struct pbuf *b)
{
	struct strbuf out = {0};
	int rc = tx_inspect(what, "cannot inspect what txgen made", b->buf, b->len, &out);

	fuzz_assert(rc == 0);
	sb_free(&out);
}

static void artifacts(struct cgroup *ch)
{
	struct pbuf b = {0};
	struct cgroup *tmpl, *rs, *ws;

	if (tx_genesis_block(ch, "fuzzchannel", &b) == 0)
		inspect_ok(INSPECT_BLOCK, &b);
	pb_free(&b);
	if (!cg_group(ch, "Application"))
		return;
	/* the channel creation transaction: the update from an empty Application */
	tmpl = cg_clone(ch);
	cg_clear_entries(cg_group(tmpl, "Application"));
	if (cg_compute_update(tmpl, ch, &rs, &ws) == 0) {
		tx_config_update_envelope("fuzzchannel", rs, ws, &b);
		inspect_ok(INSPECT_ENVELOPE, &b);
		pb_free(&b);
		cg_free(rs);
		cg_free(ws);
	}
	cg_free(tmpl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct txctx ctx = { .skip_preflight = size % 2 == 1, .genesis = size % 4 >= 2 };
	const struct ynode *profiles, *orgs;

	if (tx_load_mem(&ctx, "configtx.yaml", (const char *)data, size, fuzz_data_dir()) < 0)
		goto out;
	profiles = ymap_get_nocase(ctx.root, "Profiles");
	for (size_t i = 0; profiles && profiles->kind == Y_MAP && i < profiles->n; i++) {
		const char *name = profiles->pairs[i].key->str;
		const struct ynode *p = tx_profile(&ctx, name);
		struct cgroup *ch = p ? tx_channel_group(&ctx, p, name) : NULL;

		if (ch)
			artifacts(ch);
		cg_free(ch);
	}
	orgs = ymap_get_nocase(ctx.root, "Organizations");
	for (size_t i = 0; orgs && orgs->kind == Y_SEQ && i < orgs->n && i < 8; i++) {
		const struct ynode *n = ymap_get_nocase(orgs->items[i], "Name");
		struct cgroup *g;
		struct pbuf b = {0};

		if (!n || n->kind != Y_SCALAR || !(g = tx_print_org(&ctx, n->str)))
			continue;
		cg_encode(g, &b);
		inspect_ok(INSPECT_ORDERER_ORG, &b);
		pb_free(&b);
		cg_free(g);
	}
out:
	tx_free(&ctx);
	return 0;
}
