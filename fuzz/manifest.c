/*
 * manifest - Kubernetes objects read from YAML the way kapply reads its
 * -f files: multi-document, kind: List, every object's identity checked,
 * and its body converted to the JSON that is sent (YAML 1.1 scalars as
 * kubectl reads them).
 *
 * Properties: every object loaded has its apiVersion, kind and name as
 * strings, a position, and a body that is a JSON object holding them.
 */
#include <string.h>

#include "fuzz.h"
#include "k8s/manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-manifest");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* aliases expanded to 4 MiB, not 64: a billion laughs costs 10 ms, not 150 */
	struct manifest m = { .max_json = 4 << 20 };

	manifest_load_mem(&m, "manifest.yaml", (const char *)data, size);
	for (size_t i = 0; i < m.n; i++) {
		const struct kobj *o = &m.objs[i];
		struct strbuf sb = {0};

		fuzz_assert(o->api_version && *o->api_version && o->kind && *o->kind);
		fuzz_assert(o->name && *o->name && o->where);
		fuzz_assert(o->body->type == J_OBJ);
		fuzz_assert(strcmp(jget_str(o->body, "kind", NULL), o->kind) == 0);
		json_write(&sb, o->body, false);
		sb_free(&sb);
	}
	manifest_free(&m);
	return 0;
}
