/*
 * inspect - the protobuf reader (pb.h) and txgen's inspector, which turns
 * blocks, envelopes and config groups into configtxlator's JSON
 * (-inspectBlock, -inspectChannelCreateTx, -printOrg).  Each input is
 * decoded as all three.
 *
 * Property: what the inspector prints is JSON (it parses).
 */
#include "fuzz.h"
#include "json.h"
#include "txgen.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-inspect");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum inspect_what whats[] = { INSPECT_BLOCK, INSPECT_ENVELOPE, INSPECT_ORDERER_ORG };
	struct pb_reader r = pb_reader(data, size);
	struct pb_field f;

	while (pb_next(&r, &f) == 1)
		fuzz_assert(f.type != PB_LEN || (f.data >= data && f.data + f.len <= data + size));
	for (size_t i = 0; i < sizeof(whats) / sizeof(*whats); i++) {
		struct strbuf out = {0};
		char *err = NULL;

		if (tx_inspect(whats[i], data, size, &out, &err) == 0) {
			char jerr[128];
			struct jval *v = json_parse(out.buf, out.len, jerr, sizeof(jerr));

			if (!v)
				fprintf(stderr, "fuzz-inspect: not JSON: %s\n", jerr);
			fuzz_assert(v != NULL);
			jfree(v);
		} else {
			fuzz_assert(err != NULL);
			free(err);
		}
		sb_free(&out);
	}
	return 0;
}
