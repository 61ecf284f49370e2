/*
 * Unit tests of the policy language parser.  The expected identity order
 * and rule shapes are those of Fabric's own parser tests (policydsl:
 * TestComplex1, TestComplex2, TestMSPIDWIthSpecialChars, TestOutOfNumIsString).
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fabric/policy.h"
#include "tap.h"

/* A compact rendering: ids "A.MEMBER B.ADMIN", rule "1of(#2,2of(#0,#1))". */
static void rule_str(const struct sig_rule *r, char *out, size_t cap)
{
	size_t n = strlen(out);

	if (r->signed_by >= 0) {
		snprintf(out + n, cap - n, "#%d", r->signed_by);
		return;
	}
	snprintf(out + n, cap - n, "%dof(", r->n);
	for (size_t i = 0; i < r->nrules; i++) {
		if (i)
			strncat(out, ",", cap - strlen(out) - 1);
		rule_str(&r->rules[i], out, cap);
	}
	strncat(out, ")", cap - strlen(out) - 1);
}

static void check(const char *text, const char *want_ids, const char *want_rule)
{
	struct sig_policy p;
	char ids[512] = "", rule[512] = "";

	if (sigpolicy_parse(text, NULL, NULL, &p) < 0) {
		ok(0, "parse %s", text);
		return;
	}
	for (size_t i = 0; i < p.nids; i++)
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s.%s", i ? " " : "",
			 p.ids[i].msp_id, msp_role_name(p.ids[i].role));
	rule_str(&p.rule, rule, sizeof(rule));
	is_str(ids, want_ids, "identities of %s", text);
	is_str(rule, want_rule, "rule of %s", text);
	sigpolicy_free(&p);
}

/* The message of a refused rule names it and the (0-based) want_pos as a column. */
static void bad(const char *text, size_t want_pos, const char *want_msg)
{
	struct sig_policy p;
	int fd = capture_begin(), rc = sigpolicy_parse(text, NULL, NULL, &p);
	char *got = capture_end(fd), *want;

	want = xasprintf("policy: invalid Signature rule \"%s\": column %zu: %s\n", text, want_pos + 1,
			 want_msg);
	if (!ok(rc < 0, "refused: %s", text))
		sigpolicy_free(&p);
	else
		is_str(got, want, "message for %s", text);
	free(want);
	free(got);
}

/* implicit_meta_parse refuses text with the message "...: want_msg". */
static void bad_implicit(const char *text, const char *want_msg, const char *what)
{
	enum implicit_rule r;
	const char *sub = NULL;
	int fd = capture_begin(), rc = implicit_meta_parse(text, NULL, NULL, &r, &sub);
	char *got = capture_end(fd), *want;

	want = xasprintf("policy: invalid ImplicitMeta rule \"%s\": %s\n", text, want_msg);
	ok(rc < 0, "%s", what);
	is_str(got, want, "its message");
	free(want);
	free(got);
}

int main(void)
{
	set_progname("policy");
	check("OR('Org1MSP.member')", "Org1MSP.MEMBER", "1of(#0)");
	check("OutOf(1, 'A.member', 'B.member')", "A.MEMBER B.MEMBER", "1of(#0,#1)");
	check("AND('A.member', 'B.member')", "A.MEMBER B.MEMBER", "2of(#0,#1)");
	check("OR('A.member', AND('B.member', 'C.member'))",
	      "B.MEMBER C.MEMBER A.MEMBER", "1of(#2,2of(#0,#1))");
	check("OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))",
	      "A.MEMBER B.MEMBER C.ADMIN D.MEMBER", "1of(2of(#0,#1),1of(#2,#3))");
	check("OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')",
	      "MSP.MEMBER MSP.WITH.DOTS.MEMBER MSP-WITH-DASHES.MEMBER", "1of(#0,#1,#2)");
	check("OutOf('1', 'A.member', 'B.member')", "A.MEMBER B.MEMBER", "1of(#0,#1)");
	check("outof(2, \"A.peer\", 'B.client', OR('C.orderer','A.peer'))",
	      "C.ORDERER A.PEER A.PEER B.CLIENT", "2of(#2,#3,1of(#0,#1))");
	check("  and ( 'A.admin' ,'B.admin' )  ", "A.ADMIN B.ADMIN", "2of(#0,#1)");
	check("OutOf(0, 'A.member')", "A.MEMBER", "0of(#0)");

	bad("", 0, "empty rule");
	bad("'A.member'", 0, "a rule starts with a gate: AND(...), OR(...) or OutOf(n, ...)");
	bad("XOR('A.member')", 0, "unknown gate 'XOR' (expected AND, OR or OutOf)");
	bad("OR('A.member'", 13, "unexpected end of the rule (expected ')')");
	bad("OR('A.member' 'B.member')", 14, "expected ',' or ')'");
	bad("OR('A.foo')", 3, "invalid principal 'A.foo': the role must be admin, member, client, peer or orderer");
	bad("OR('member')", 3, "invalid principal 'member' (expected 'MSPID.role')");
	bad("OR('A B.member')", 3, "invalid principal 'A B.member': an MSP ID holds only letters, digits, '.' and '-'");
	bad("OR('A.member)", 3, "unterminated string");
	bad("OutOf(3, 'A.member', 'B.member')", 0,
	    "OutOf(3, ...) can never be satisfied: it names only 2 principals or gates");
	bad("OutOf(x, 'A.member')", 6, "OutOf needs a count as its first argument, not 'x'");
	bad("OutOf(1)", 7, "OutOf needs at least one principal or gate after its count");
	bad("OR('A.member') OR", 15, "unexpected text after the rule");
	bad("OR(1)", 3, "expected a quoted principal such as 'Org1MSP.member' or a gate");
	bad("OR", 2, "expected '(' after OR");

	enum implicit_rule r;
	const char *sub = NULL;

	ok(implicit_meta_parse("MAJORITY Admins", NULL, NULL, &r, &sub) == 0 && r == IMPLICIT_MAJORITY &&
	   strcmp(sub, "Admins") == 0, "MAJORITY Admins");
	ok(implicit_meta_parse("ANY Readers", NULL, NULL, &r, &sub) == 0 && r == IMPLICIT_ANY, "ANY Readers");
	ok(implicit_meta_parse("ALL Writers", NULL, NULL, &r, &sub) == 0 && r == IMPLICIT_ALL, "ALL Writers");
	bad_implicit("SOME Readers", "unknown rule type 'SOME', expected ALL, ANY or MAJORITY",
		     "unknown rule type refused");
	bad_implicit("ANY  Readers", "expected two tokens separated by one space, such as \"ANY Readers\", got 3",
		     "two spaces make three tokens, as in Fabric");

	/* SignaturePolicyEnvelope of OR('A.admin'): rule {n_out_of {n 1, rules [{signed_by 0}]}}, identity ROLE A ADMIN */
	struct sig_policy p;
	struct pbuf b = {0};

	sigpolicy_parse("OR('A.admin')", NULL, NULL, &p);
	sigpolicy_encode(&p, &b);
	ok(b.len == 19 && memcmp(b.buf, "\x12\x08\x12\x06\x08\x01\x12\x02\x08\x00\x1a\x07\x12\x05\x0a\x01" "A\x10\x01", 19) == 0,
	   "envelope bytes of OR('A.admin')");
	pb_free(&b);
	sigpolicy_free(&p);
	return done_testing();
}
