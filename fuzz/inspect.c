/*
 * inspect - the protobuf reader (pb.h) and txgen's inspector, which turns
 * blocks, envelopes and config groups into configtxlator's JSON
 * (-inspectBlock, -inspectChannelCreateTx, -printOrg).  Each input is
 * decoded as all three, and as a config block and a ConfigGroup for
 * -liveConfig (cg_decode, tx_block_config).
 *
 * Properties: what the inspector prints is JSON (it parses); a decoded
 * group encodes to bytes that decode to the same encoding; it differs in
 * nothing from itself; whose signatures its mod_policies want is answered
 * (a list, or a message saying why not), whatever its policies say.  The
 * input as two raft consenter sets: one update's step leaves no second
 * step.
 */
#include <string.h>

#include "fuzz.h"
#include "base/json.h"
#include "fabric/configtx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-inspect");
	return 0;
}

/* The properties of a decoded config group (which it frees); NULL: nothing to check. */
static void config_group(struct cgroup *g)
{
	struct pbuf a = {0}, b = {0};
	struct cgroup *again, *rs, *ws, *none;
	struct strbuf changes = {0};
	size_t n;
	char **ids;

	if (!g)
		return;
	cg_encode(g, &a);
	again = cg_decode(a.buf, a.len);
	fuzz_assert(again != NULL);
	cg_encode(again, &b);
	fuzz_assert(a.len == b.len && (a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0));
	tx_describe_changes(g, again, &changes);
	fuzz_assert(changes.len == 0);
	fuzz_assert(cg_compute_update(g, again, &rs, &ws) < 0);
	/* every element of g changed: each one's mod_policy evaluated in g */
	none = cg_new("");
	none->version = g->version + 1;
	ids = tx_update_signers(g, none, g, &n);
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
	cg_free(none);
	sb_free(&changes);
	cg_free(again);
	cg_free(g);
	pb_free(&a);
	pb_free(&b);
}

/*
 * The input as the ConsensusType values of a live and a declared Orderer
 * group (a 2-byte big-endian length, the live value, the declared one): a
 * raft consenter step (when there is one) leaves at most one change, so a
 * second step finds none.
 */
static void consenter_steps(const uint8_t *data, size_t size)
{
	size_t n = size < 2 ? 0 : (size_t)data[0] << 8 | data[1];
	struct cgroup *live, *declared, *lo, *dord;
	struct pbuf a, b;
	struct strbuf note = {0}, changes = {0};

	if (size < 2)
		return;
	if (n > size - 2)
		n = size - 2;
	a = (struct pbuf){ .buf = (uint8_t *)data + 2, .len = n };
	b = (struct pbuf){ .buf = (uint8_t *)data + 2 + n, .len = size - 2 - n };
	live = cg_new(""), declared = cg_new(""), lo = cg_new("Admins"), dord = cg_new("Admins");

	cg_add_value(lo, "ConsensusType", "Admins", &a);
	cg_add_value(dord, "ConsensusType", "Admins", &b);
	cg_add_group(live, "Orderer", lo);
	cg_add_group(declared, "Orderer", dord);
	if (tx_keep_sole_consenter(live, declared, &note) == 0) {
		tx_describe_changes(live, declared, &changes);
		if (tx_one_consenter_change(live, declared) > 0)
			fuzz_assert(tx_one_consenter_change(live, declared) == 0);
	}
	sb_free(&note);
	sb_free(&changes);
	cg_free(live);
	cg_free(declared);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum inspect_what whats[] = { INSPECT_BLOCK, INSPECT_ENVELOPE, INSPECT_ORDERER_ORG };
	struct pb_reader r = pb_reader(data, size);
	struct pb_field f;

	while (pb_next(&r, &f) == 1)
		fuzz_assert(f.type != PB_LEN || (f.data >= data && f.data + f.len <= data + size));
	config_group(cg_decode(data, size));
	consenter_steps(data, size);
	{
		struct block_config bc;
		const char *why;

		config_group(tx_block_config(data, size, &bc, &why));
		free(bc.channel_id);
	}
	for (size_t i = 0; i < sizeof(whats) / sizeof(*whats); i++) {
		struct strbuf out = {0};

		if (tx_inspect(whats[i], NULL, data, size, &out) == 0) {
			char jerr[128];
			struct jval *v = json_parse(out.buf, out.len, jerr, sizeof(jerr));

			if (!v)
				fprintf(stderr, "fuzz-inspect: not JSON: %s\n", jerr);
			fuzz_assert(v != NULL);
			jfree(v);
		}
		sb_free(&out);
	}
	return 0;
}
