/*
 * json - the JSON reader kapply uses for everything the API server (and
 * an exec credential plugin) answers, the writer, and the messages made
 * of a Status answer.  The first byte picks the HTTP status the answer
 * came with.
 *
 * Properties: what parses, written compactly or indented, parses back to
 * an equal value; a clone is equal; an error message is one line.
 */
#include <string.h>

#include "fuzz.h"
#include "base/json.h"
#include "k8s/kclient.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	set_progname("fuzz-json");
	return 0;
}

static void round_trip(const struct jval *v, bool pretty)
{
	struct strbuf sb = {0};
	char err[128];
	struct jval *back;

	json_write(&sb, v, pretty);
	back = json_parse(sb.buf, sb.len, err, sizeof(err));
	fuzz_assert(back != NULL);
	fuzz_assert(jequal(v, back) && jequal(back, v));
	jfree(back);
	sb_free(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 400, 401, 403, 404, 409, 422, 429, 500, 503, 200 };
	char err[128];
	struct jval *v, *c;
	struct kreq *q;
	char *msg;

	if (size == 0)
		return 0;
	v = json_parse((const char *)data + 1, size - 1, err, sizeof(err));
	if (v) {
		round_trip(v, false);
		round_trip(v, true);
		c = jclone(v);
		fuzz_assert(jequal(v, c));
		jfree(c);
		jget_str(v, "metadata", "name", NULL);
		jfree(v);
	} else {
		fuzz_assert(strstr(err, " at byte ") != NULL);
	}
	q = kreq_new("PATCH", xstrdup("/api/v1/namespaces/x"), NULL, 0, NULL);
	q->status = statuses[data[0] % (sizeof(statuses) / sizeof(*statuses))];
	q->attempts = 1 + data[0] / 128;
	sb_add(&q->resp, data + 1, size - 1);
	msg = kreq_error(q, NULL);
	fuzz_assert(!strchr(msg, '\n') && !strchr(msg, '\r'));
	kreq_reason(q);
	free(msg);
	kreq_free(q);
	return 0;
}
