/* Unit tests of the YAML tree: positions, anchors, aliases, merge keys, errors, getters. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "yaml/ytree.h"

static struct yfile *load(const char *text)
{
	return yfile_load_mem("t.yaml", text, strlen(text));
}

/* Load text that must fail; returns what was printed. */
static char *load_error(const char *text)
{
	int fd = capture_begin();
	struct yfile *f = load(text);
	char *msg = capture_end(fd);

	ok(f == NULL, "refused: %.30s...", text);
	yfile_free(f);
	return msg;
}

static const struct ynode *path(const struct ynode *n, const char *keys)
{
	char *copy = strdup(keys), *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k && n; k = strtok_r(NULL, ".", &save)) {
		if (k[0] >= '0' && k[0] <= '9')
			n = n->kind == Y_SEQ && (size_t)atoi(k) < n->n ? n->items[atoi(k)] : NULL;
		else
			n = ymap_get(n, k);
	}
	free(copy);
	return n;
}

static const char *str(const struct ynode *n, const char *keys)
{
	n = path(n, keys);
	return n && n->kind == Y_SCALAR ? n->str : NULL;
}

static void test_positions(void)
{
	struct yfile *f = load("a: 1\nb:\n  c: [x, \"y\"]\n");
	const struct ynode *r = f->docs[0], *c = path(r, "b.c");

	is_int(f->ndocs, 1, "one document");
	is_int(c->line, 3, "line of a flow sequence");
	is_int(c->col, 6, "column of a flow sequence");
	is_int(c->items[1]->col, 10, "column of a quoted item");
	ok(c->items[1]->quoted && !c->items[0]->quoted, "quoted scalars are marked");
	is_str(f->docs[0]->file, "t.yaml", "nodes know their file");
	yfile_free(f);
}

static void test_aliases(void)
{
	struct yfile *f = load("base: &b {x: 1, y: 2}\nuse: *b\nlist: [&s hi, *s]\n");
	const struct ynode *r = f->docs[0];

	ok(path(r, "base") == path(r, "use"), "an alias is the anchored node itself");
	is_str(str(r, "list.1"), "hi", "alias of a scalar");
	yfile_free(f);
}

static void test_merge(void)
{
	struct yfile *f = load(
		"a: &a {k: a, only_a: 1}\n"
		"b: &b {k: b, only_b: 2}\n"
		"one: {<<: *a, k: mine}\n"
		"list: {<<: [*a, *b]}\n"
		"list2: {<<: [*b, *a], extra: 3}\n");
	const struct ynode *r = f->docs[0];

	is_str(str(r, "one.k"), "mine", "explicit key wins over a merged one");
	is_str(str(r, "one.only_a"), "1", "merged key appears");
	ok(ymap_get(path(r, "one"), "<<") == NULL, "the merge key itself is gone");
	is_str(str(r, "list.k"), "a", "in a merge list the first map wins");
	is_str(str(r, "list.only_b"), "2", "later maps of a merge list still add keys");
	is_str(str(r, "list2.k"), "b", "merge list order decides");
	is_int(path(r, "list2")->n, 4, "list2 has extra, k, only_b, only_a");
	is_str(path(r, "list2")->pairs[0].key->str, "extra", "explicit keys come first");
	yfile_free(f);

	f = load("x: {\"<<\": 1}\n");
	is_str(str(f->docs[0], "x.<<"), "1", "a quoted << is an ordinary key");
	yfile_free(f);
}

static void test_errors(void)
{
	char *m;

	m = load_error("a: 1\nb: 2\na: 3\n");
	is_str(m, "ytree: t.yaml:3:1: duplicate key \"a\" (first at line 1)\n", "duplicate key");
	free(m);
	m = load_error("a: *nope\n");
	is_str(m, "ytree: t.yaml:1:4: alias *nope names no complete anchor before it\n",
	       "undefined alias");
	free(m);
	m = load_error("a: &x [1, *x]\n");
	ok(strstr(m, "alias *x names no complete anchor") != NULL, "recursive alias is refused");
	free(m);
	m = load_error("a: &s str\nb: {<<: *s}\n");
	is_str(m, "ytree: t.yaml:1:4: merge key \"<<\" needs a mapping or a sequence of "
	       "mappings, got a string\n", "merging a scalar");
	free(m);
	m = load_error("a: 1\n b: 2\n");
	ok(strncmp(m, "ytree: t.yaml:2:3: ", 19) == 0, "syntax error position: %s", m);
	free(m);
	m = load_error("a:\n\t- b\n");
	ok(strstr(m, "t.yaml:2:") != NULL, "a tab as indentation is refused: %s", m);
	free(m);
	m = load_error("? [a]\n: 1\n");
	ok(strstr(m, "a mapping key must be a scalar") != NULL, "non-scalar key");
	free(m);
}

static void test_line_endings(void)
{
	const char text[] = "\xEF\xBB\xBF# comment\twith tab\r\nA:\r\n  - x: 1\r\n    y: two words\r\n";
	struct yfile *f = load(text);

	ok(f != NULL, "BOM, CRLF and a tab in a comment load");
	if (!f)
		return;
	is_str(str(f->docs[0], "A.0.y"), "two words", "no CR is left in values");
	is_int(path(f->docs[0], "A.0.y")->line, 4, "lines count CRLF once");
	yfile_free(f);
}

static void test_getters(void)
{
	struct yfile *f = load("Orderer:\n  BatchSize:\n    MaxMessageCount: ten\n"
			       "    Big: 99999999999\n    Hex: 0x10\n    Flag: yes\n    Q: \"12\"\n");
	const struct ynode *bs = path(f->docs[0], "Orderer.BatchSize");
	struct ypath o = YPATH_KEY(NULL, "Orderer"), b = YPATH_KEY(&o, "BatchSize");
	struct ypath m = YPATH_KEY(&b, "MaxMessageCount"), big = YPATH_KEY(&b, "Big");
	long long v = 7;
	bool flag = false;
	const struct ynode *map;
	int fd;
	char *msg;

	fd = capture_begin();
	is_int(yget_int(ymap_get(bs, "MaxMessageCount"), &m, 0, 100, &v), -1, "ten is no integer");
	msg = capture_end(fd);
	is_str(msg, "ytree: t.yaml:3:22: Orderer.BatchSize.MaxMessageCount: expected an "
	       "integer, got \"ten\"\n", "the message names file, line, column and path");
	free(msg);
	is_int(v, 7, "a failed getter leaves the value alone");
	fd = capture_begin();
	is_int(yget_int(ymap_get(bs, "Big"), &big, 0, 1000, &v), -1, "out of range");
	msg = capture_end(fd);
	ok(strstr(msg, "Orderer.BatchSize.Big: \"99999999999\" is out of range (0 to 1000)") != NULL,
	   "range message");
	free(msg);
	is_int(yget_int(ymap_get(bs, "Hex"), NULL, 0, 100, &v), 0, "hex integer");
	is_int(v, 16, "0x10 is 16");
	is_int(yget_int(ymap_get(bs, "Q"), NULL, 0, 100, &v), 0, "a quoted integer");
	is_int(v, 12, "\"12\" is 12");
	is_int(yget_bool(ymap_get(bs, "Flag"), NULL, &flag), 0, "yes is a boolean");
	ok(flag, "yes is true");
	v = 5;
	is_int(yget_int(ymap_get(bs, "Absent"), NULL, 0, 9, &v), 0, "absent is fine");
	is_int(v, 5, "absent keeps the default");
	fd = capture_begin();
	is_int(yget_map(ymap_get(bs, "Flag"), &b, &map), -1, "a scalar is no mapping");
	msg = capture_end(fd);
	ok(strstr(msg, "Orderer.BatchSize: expected a mapping, got a string") != NULL, "%s", msg);
	free(msg);
	{
		static const char *const allowed[] = { "MaxMessageCount", "Big", "Hex", "Flag", NULL };

		fd = capture_begin();
		is_int(ymap_check_keys(bs, &b, allowed), 1, "one unknown key");
		msg = capture_end(fd);
		ok(strstr(msg, "t.yaml:7:5: Orderer.BatchSize.Q: unknown key (expected one of: "
			  "MaxMessageCount, Big, Hex, Flag)") != NULL, "%s", msg);
		free(msg);
	}
	{
		static const char *const allowed[] = { "maxmessagecount", "Big", "Hex", "Flag", "Q", NULL };

		fd = capture_begin();
		ymap_check_keys(bs, &b, allowed);
		msg = capture_end(fd);
		ok(strstr(msg, "(did you mean maxmessagecount?)") != NULL, "case hint: %s", msg);
		free(msg);
	}
	yfile_free(f);
}

static void test_documents(void)
{
	struct yfile *f = load("a: 1\n---\n---\nb: 2\n");

	is_int(f->ndocs, 3, "three documents");
	ok(ynode_is_null(f->docs[1]), "an empty document is null");
	is_str(str(f->docs[2], "b"), "2", "last document");
	yfile_free(f);
}

static void test_laughs(void)
{
	struct strbuf sb = {0};
	struct yfile *f;

	/* 9 levels of 10 aliases: 10^9 leaves if expanded */
	sb_adds(&sb, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 10; i++) {
		sb_addf(&sb, "l%d: &l%d [", i, i);
		for (int j = 0; j < 10; j++)
			sb_addf(&sb, "%s*l%d", j ? ", " : "", i - 1);
		sb_adds(&sb, "]\n");
	}
	f = load(sb.buf);
	ok(f != NULL, "a billion-laughs document loads without expanding");
	yfile_free(f);
	sb_free(&sb);
}

static void test_configtx(void)
{
	const char *top = getenv("TOP"), *fx;
	char *p;
	const struct ynode *r;
	struct yfile *f;

	p = xasprintf("%s/configtx.yaml", top ? top : ".");
	f = yfile_load_one(p, &r);
	ok(f != NULL, "the sample configtx.yaml loads");
	if (f) {
		const struct ynode *ch = path(r, "Profiles.TwoOrgsChannel");

		is_str(str(ch, "Policies.Admins.Rule"), "MAJORITY Admins",
		       "TwoOrgsChannel merges the channel policies");
		is_str(str(ch, "Capabilities.V2_0"), "true", "and the channel capabilities");
		is_str(str(ch, "Application.ACLs.peer/Propose"), "/Channel/Application/Writers",
		       "Application merges its defaults");
		ok(path(ch, "Application.Organizations.1") == path(r, "Organizations.2"),
		   "*Org2 in the profile is the Organizations entry");
		is_str(str(r, "Profiles.TwoOrgsOrdererGenesis.Orderer.BatchSize.AbsoluteMaxBytes"),
		       "98 MB", "the genesis profile merges the orderer defaults");
		is_str(str(r, "Profiles.TwoOrgsOrdererGenesis.Consortiums.SampleConsortium."
			   "Organizations.0.ID"), "Org1MSP", "consortium orgs");
	}
	yfile_free(f);
	free(p);

	/* the fixtures in the tree, or where FIXTURES says (as the shell tests) */
	fx = getenv("FIXTURES");
	if (fx && *fx)
		p = xasprintf("%s/fabric-1.4/original/configtx.yaml", fx);
	else
		p = xasprintf("%s/tests/fixtures/fabric-1.4/original/configtx.yaml", top ? top : ".");
	f = yfile_load_one(p, &r);
	ok(f != NULL, "the old tool's CRLF configtx.yaml loads as it is");
	if (f) {
		const struct ynode *o = path(r, "Profiles.TwoOrgsOrdererGenesis.Orderer");

		is_str(str(o, "OrdererType"), "solo", "explicit OrdererType beside the merge");
		is_str(str(o, "Addresses.0"), "orderer0.orgorderer1:7050", "merged Addresses");
		is_str(str(o, "Kafka.Brokers.1"), "kafka-1.broker.kafka:9092", "merged Kafka");
		is_str(str(r, "Capabilities.Global.V1_1"), "true", "no CR in values");
	}
	yfile_free(f);
	free(p);
}

int main(void)
{
	set_progname("ytree");
	test_positions();
	test_aliases();
	test_merge();
	test_errors();
	test_line_endings();
	test_getters();
	test_documents();
	test_laughs();
	test_configtx();
	return done_testing();
}
