/* Unit tests of the JSON tree, its writer and the YAML to JSON conversion. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "tap.h"

/* Parse text and write it back compactly; NULL when it does not parse. */
static char *roundtrip(const char *text)
{
	char err[128];
	struct jval *v = json_parse(text, strlen(text), err, sizeof(err));
	struct strbuf sb = {0};

	if (!v)
		return NULL;
	json_write(&sb, v, false);
	jfree(v);
	return sb_detach(&sb);
}

static void check_roundtrip(const char *in, const char *want)
{
	char *got = roundtrip(in);

	is_str(got, want, "json %s", in);
	free(got);
}

static void check_parse_error(const char *in, const char *want)
{
	char err[128] = "";
	struct jval *v = json_parse(in, strlen(in), err, sizeof(err));

	ok(v == NULL, "refused: %s", in);
	ok(strstr(err, want) != NULL, "message '%s' says '%s'", err, want);
	jfree(v);
}

/* The JSON a YAML document converts to, or NULL (errors go to stderr). */
static char *yaml_json(const char *yaml)
{
	struct yfile *f = yfile_load_mem("t.yaml", yaml, strlen(yaml));
	struct strbuf sb = {0};
	struct jval *v;

	if (!f)
		return NULL;
	v = json_from_yaml(f->docs[0], NULL);
	yfile_free(f);
	if (!v)
		return NULL;
	json_write(&sb, v, false);
	jfree(v);
	return sb_detach(&sb);
}

static void check_yaml(const char *yaml, const char *want)
{
	char *got = yaml_json(yaml), *name = strdup(yaml);

	for (char *c = name; *c; c++)
		if (*c == '\n')
			*c = '/';
	is_str(got, want, "yaml %s", name);
	free(got);
	free(name);
}

static void test_json(void)
{
	struct jval *o, *c;
	struct strbuf sb = {0};
	long long n = 0;
	const char *text;

	check_roundtrip(" {\"a\" : [1, -2.5e3, true, false, null, \"x\"]} ",
			"{\"a\":[1,-2.5e3,true,false,null,\"x\"]}");
	check_roundtrip("\"tab\\t nl\\n quote\\\" bs\\\\ slash\\/ \\u00e9 \\ud83d\\ude00 \\u0001\"",
			"\"tab\\t nl\\n quote\\\" bs\\\\ slash/ \xc3\xa9 \xf0\x9f\x98\x80 \\u0001\"");
	check_roundtrip("{}", "{}");
	check_roundtrip("[]", "[]");
	check_roundtrip("0", "0");
	check_parse_error("{\"a\":1,}", "expected a string key at byte 7");
	check_parse_error("[1 2]", "expected ',' or ']' at byte 3");
	check_parse_error("01", "trailing characters at byte 1");
	check_parse_error("\"abc", "unterminated string");
	check_parse_error("{\"a\":1} x", "trailing characters at byte 8");
	check_parse_error("tru", "unexpected character at byte 0");
	check_parse_error("\"\\x\"", "bad escape");
	check_parse_error("", "unexpected end of input");

	/* nesting beyond the limit is refused, not a stack overflow */
	{
		char deep[2001];
		memset(deep, '[', 1000);
		memset(deep + 1000, ']', 1000);
		deep[2000] = '\0';
		check_parse_error(deep, "nested too deeply");
	}

	text = "{\"metadata\":{\"name\":\"x\",\"generation\":3},\"b\":[1]}";
	o = json_parse(text, strlen(text), NULL, 0);
	ok(o != NULL, "object parsed");
	is_str(jget_str(o, "metadata", "name", NULL), "x", "jget_str follows keys");
	ok(jget_ll(&n, o, "metadata", "generation", NULL) && n == 3, "jget_ll reads an integer");
	ok(jget(o, "metadata", "nope", NULL) == NULL, "a missing key is NULL");
	ok(jget_str(o, "b", NULL) == NULL, "jget_str of a non-string is NULL");
	c = jclone(o);
	ok(jequal(o, c), "a clone is equal");
	jobj_set(jobj_get(c, "metadata"), "name", jstr("y"));
	ok(!jequal(o, c), "a changed clone is not");
	jobj_set(jobj_get(c, "metadata"), "name", jstr("x"));
	ok(jequal(o, c), "changed back, equal again");
	ok(jobj_del(c, "b") && !jequal(o, c) && jobj_get(c, "b") == NULL, "jobj_del removes");
	ok(!jobj_del(c, "b"), "jobj_del of a missing key is false");
	jfree(c);
	text = "{\"b\":[1.0],\"metadata\":{\"generation\":3,\"name\":\"x\"}}";
	c = json_parse(text, strlen(text), NULL, 0);
	ok(jequal(o, c), "member order and number spelling do not matter");
	jfree(c);
	json_write(&sb, o, true);
	is_str(sb.buf, "{\n  \"metadata\": {\n    \"name\": \"x\",\n    \"generation\": 3\n  },\n"
	       "  \"b\": [\n    1\n  ]\n}", "pretty output");
	sb_free(&sb);
	jfree(o);
}

static void test_yaml(void)
{
	char *msg;
	int fd;

	/* the scalars a manifest writes, as kubectl sends them */
	check_yaml("a: 1", "{\"a\":1}");
	check_yaml("a: '1'", "{\"a\":\"1\"}");
	check_yaml("a: \"0123\"", "{\"a\":\"0123\"}");
	check_yaml("mode: 0400", "{\"mode\":256}");
	check_yaml("mode: 0o17", "{\"mode\":15}");
	check_yaml("a: 0x1F", "{\"a\":31}");
	check_yaml("a: 0b101", "{\"a\":5}");
	check_yaml("a: 1_000", "{\"a\":1000}");
	check_yaml("a: -42", "{\"a\":-42}");
	check_yaml("a: +7", "{\"a\":7}");
	check_yaml("a: 08", "{\"a\":8}");
	check_yaml("a: 1.10", "{\"a\":1.1}");
	check_yaml("a: 1e3", "{\"a\":1000}");
	check_yaml("a: .5", "{\"a\":0.5}");
	check_yaml("a: 1e-7", "{\"a\":1e-07}");
	check_yaml("a: 1e21", "{\"a\":1e+21}");
	check_yaml("a: 18446744073709551615", "{\"a\":18446744073709551615}");
	check_yaml("a: 99999999999999999999", "{\"a\":100000000000000000000}");
	check_yaml("a: 1e400", "{\"a\":\"1e400\"}");
	check_yaml("a: .1e400", "{\"a\":\".1e400\"}");     /* was written as inf, not JSON */
	check_yaml("a: .5", "{\"a\":0.5}");
	check_yaml("a: yes", "{\"a\":true}");
	check_yaml("a: Off", "{\"a\":false}");
	check_yaml("a: y", "{\"a\":true}");
	check_yaml("a: \"yes\"", "{\"a\":\"yes\"}");
	check_yaml("a: True", "{\"a\":true}");
	check_yaml("a: tRUE", "{\"a\":\"tRUE\"}");
	check_yaml("a: ~", "{\"a\":null}");
	check_yaml("a:", "{\"a\":null}");
	check_yaml("a: ''", "{\"a\":\"\"}");
	check_yaml("a: 2024-01-02", "{\"a\":\"2024-01-02\"}");
	check_yaml("a: 1.2.3", "{\"a\":\"1.2.3\"}");
	check_yaml("a: 10.0.0.1", "{\"a\":\"10.0.0.1\"}");
	check_yaml("a: 1:20", "{\"a\":\"1:20\"}");
	check_yaml("a: !!str 12", "{\"a\":\"12\"}");
	check_yaml("a: hyperledger/fabric-peer:2.5", "{\"a\":\"hyperledger/fabric-peer:2.5\"}");
	check_yaml("a: |\n  line1\n  line2\n", "{\"a\":\"line1\\nline2\\n\"}");
	check_yaml("yes: 1\n\"2\": x", "{\"yes\":1,\"2\":\"x\"}");
	check_yaml("b: &x {c: 1}\nd: *x\ne: {<<: *x, f: 2}",
		   "{\"b\":{\"c\":1},\"d\":{\"c\":1},\"e\":{\"f\":2,\"c\":1}}");
	check_yaml("- [1, two]\n- {}\n- []", "[[1,\"two\"],{},[]]");
	/* a string keeps every byte, NULs included (a read past its end before) */
	check_yaml("a: \"x\\0yz\\0\"", "{\"a\":\"x\\u0000yz\\u0000\"}");

	/* aliases are expanded in JSON, within bounds: a billion laughs is refused */
	{
		struct strbuf lol = {0};
		char *got;

		sb_adds(&lol, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
		for (int i = 1; i < 9; i++)
			sb_addf(&lol, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
				i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		fd = capture_begin();
		got = yaml_json(lol.buf);
		msg = capture_end(fd);
		ok(got == NULL, "a billion laughs (10^9 strings from 9 lines) is refused");
		ok(strstr(msg, "t.yaml:") && strstr(msg, ": too large once its aliases are expanded"),
		   "with the place where it ran out: %s", msg);
		free(msg);
		free(got);
		/* three levels (1110 strings) are fine */
		lol.len = 0;
		sb_adds(&lol, "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n");
		got = yaml_json(lol.buf);
		ok(got && strlen(got) > 2000, "a few aliased levels are expanded");
		free(got);
		sb_free(&lol);
	}

	fd = capture_begin();
	ok(yaml_json("a:\n  b: .inf") == NULL, ".inf refused");
	msg = capture_end(fd);
	ok(strstr(msg, "t.yaml:2:6: a.b: .inf cannot be represented in JSON") != NULL,
	   "with file, line and path: %s", msg);
	free(msg);
}

int main(void)
{
	set_progname("json-test");
	test_json();
	test_yaml();
	return done_testing();
}
