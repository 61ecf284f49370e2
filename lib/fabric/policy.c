#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/policy.h"
#include "base/util.h"
#include "yaml/ytree.h"

/*
 * Nesting limit, so that a hostile rule cannot exhaust the stack, and so
 * that the blocks holding it stay within what Fabric's Node.js decoders
 * (protobufjs) read: 100 nested messages, and each gate takes two below
 * the dozen levels of a block.
 */
enum { MAX_POLICY_DEPTH = 32 };

struct parser {
	const char *text, *p;
	char *err;
	size_t errpos;
	int depth;
};

/* A parsed argument list: nested gates and principals in source order. */
struct node {
	int is_principal;
	struct sig_principal principal;  /* is_principal */
	int n;                           /* gate: how many are required */
	struct node *kids;
	size_t nkids;
};

static void fail(struct parser *ps, const char *at, const char *fmt, ...) ATTR_PRINTF(3, 4);

static void fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	if (ps->err)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ps->err = xstrdup(buf);
	ps->errpos = (size_t)(at - ps->text);
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static void node_free(struct node *n)
{
	if (n->is_principal) {
		free(n->principal.msp_id);
		return;
	}
	for (size_t i = 0; i < n->nkids; i++)
		node_free(&n->kids[i]);
	free(n->kids);
}

/* A quoted string starting at ps->p; returns it allocated, or NULL. */
static char *quoted(struct parser *ps)
{
	char q = *ps->p;
	const char *start = ++ps->p;

	while (*ps->p && *ps->p != q)
		ps->p++;
	if (!*ps->p) {
		fail(ps, start - 1, "unterminated string");
		return NULL;
	}
	return xstrndup(start, (size_t)(ps->p++ - start));
}

static int parse_principal(struct parser *ps, const char *at, const char *s, struct sig_principal *out)
{
	static const struct { const char *name; enum msp_role role; } roles[] = {
		{ "admin", ROLE_ADMIN }, { "member", ROLE_MEMBER }, { "client", ROLE_CLIENT },
		{ "peer", ROLE_PEER }, { "orderer", ROLE_ORDERER },
	};
	const char *dot = strrchr(s, '.');

	if (!dot || dot == s) {
		fail(ps, at, "invalid principal '%s' (expected 'MSPID.role')", s);
		return -1;
	}
	for (const char *c = s; c < dot; c++) {
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-') {
			fail(ps, at, "invalid principal '%s': an MSP ID holds only letters, digits, '.' and '-'", s);
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof(roles) / sizeof(*roles); i++) {
		if (strcmp(dot + 1, roles[i].name) == 0) {
			out->msp_id = xstrndup(s, (size_t)(dot - s));
			out->role = roles[i].role;
			return 0;
		}
	}
	fail(ps, at, "invalid principal '%s': the role must be admin, member, client, peer or orderer", s);
	return -1;
}

static int parse_gate(struct parser *ps, struct node *out);

/* The number of an OutOf: 2 or '2'. */
static int parse_count(struct parser *ps, int *n)
{
	const char *at = ps->p;
	char *s = NULL;
	long long v = 0;        /* read below even when the count is bad */
	int rc;

	if (*ps->p == '\'' || *ps->p == '"') {
		s = quoted(ps);
		if (!s)
			return -1;
	} else {
		const char *start = ps->p;

		while (isalnum((unsigned char)*ps->p) || *ps->p == '.' || *ps->p == '-')
			ps->p++;
		s = xstrndup(start, (size_t)(ps->p - start));
	}
	rc = parse_long(s, 0, 1000000, &v);
	if (rc < 0)
		fail(ps, at, "OutOf needs a count as its first argument, not '%s'", s);
	free(s);
	*n = (int)v;
	return rc;
}

static int parse_arg(struct parser *ps, struct node *out)
{
	const char *at = ps->p;

	memset(out, 0, sizeof(*out));
	if (*ps->p == '\'' || *ps->p == '"') {
		char *s = quoted(ps);
		int rc;

		if (!s)
			return -1;
		out->is_principal = 1;
		rc = parse_principal(ps, at, s, &out->principal);
		free(s);
		return rc;
	}
	if (isalpha((unsigned char)*ps->p))
		return parse_gate(ps, out);
	if (!*ps->p)
		fail(ps, at, "unexpected end of the rule (expected a principal or a gate)");
	else
		fail(ps, at, "expected a quoted principal such as 'Org1MSP.member' or a gate");
	return -1;
}

static int parse_gate(struct parser *ps, struct node *out)
{
	static const char *const names[] = { "And", "and", "AND", "Or", "or", "OR",
					     "OutOf", "outof", "OUTOF" };
	const char *at = ps->p, *start = ps->p;
	size_t len, kind = 0, i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
		ps->p++;
	len = (size_t)(ps->p - start);
	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == len && strncmp(names[i], start, len) == 0)
			break;
	if (i == sizeof(names) / sizeof(*names)) {
		fail(ps, at, "unknown gate '%.*s' (expected AND, OR or OutOf)", (int)len, start);
		return -1;
	}
	kind = i / 3;   /* 0 AND, 1 OR, 2 OutOf */
	if (++ps->depth > MAX_POLICY_DEPTH) {
		fail(ps, at, "rule nested more than %d levels deep", MAX_POLICY_DEPTH);
		return -1;
	}
	skip_space(ps);
	if (*ps->p != '(') {
		fail(ps, ps->p, "expected '(' after %.*s", (int)len, start);
		return -1;
	}
	ps->p++;
	skip_space(ps);
	if (kind == 2) {
		if (parse_count(ps, &out->n) < 0)
			return -1;
		skip_space(ps);
		if (*ps->p != ',') {
			fail(ps, ps->p, "OutOf needs at least one principal or gate after its count");
			return -1;
		}
		ps->p++;
		skip_space(ps);
	}
	size_t cap = 0;

	for (;;) {
		out->kids = xgrow(out->kids, &cap, out->nkids + 1, sizeof(*out->kids));
		rc = parse_arg(ps, &out->kids[out->nkids]);
		if (rc < 0) {
			node_free(&out->kids[out->nkids]);
			return -1;
		}
		out->nkids++;
		skip_space(ps);
		if (*ps->p == ',') {
			ps->p++;
			skip_space(ps);
			continue;
		}
		if (*ps->p == ')') {
			ps->p++;
			break;
		}
		fail(ps, ps->p, *ps->p ? "expected ',' or ')'" : "unexpected end of the rule (expected ')')");
		return -1;
	}
	if (kind == 0)
		out->n = (int)out->nkids;
	else if (kind == 1)
		out->n = 1;
	else if ((size_t)out->n > out->nkids) {
		fail(ps, at, "OutOf(%d, ...) can never be satisfied: it names only %zu principals or gates",
		     out->n, out->nkids);
		return -1;
	}
	ps->depth--;
	return 0;
}

/*
 * Number the identities as Fabric's evaluator does: the nested gates of a
 * gate first (their arguments are evaluated before the gate runs), then
 * the gate's own principals.
 */
static void build(const struct node *n, struct sig_rule *r, struct sig_policy *p, size_t *cap)
{
	r->signed_by = -1;
	r->n = n->n;
	r->nrules = n->nkids;
	r->rules = xcalloc(n->nkids, sizeof(*r->rules));
	for (size_t i = 0; i < n->nkids; i++)
		if (!n->kids[i].is_principal)
			build(&n->kids[i], &r->rules[i], p, cap);
	for (size_t i = 0; i < n->nkids; i++) {
		if (!n->kids[i].is_principal)
			continue;
		p->ids = xgrow(p->ids, cap, p->nids + 1, sizeof(*p->ids));
		p->ids[p->nids].msp_id = xstrdup(n->kids[i].principal.msp_id);
		p->ids[p->nids].role = n->kids[i].principal.role;
		r->rules[i] = (struct sig_rule){ .signed_by = (int)p->nids++ };
	}
}

int sigpolicy_parse(const char *text, const struct ynode *where, const struct ypath *p,
		    struct sig_policy *out)
{
	struct parser ps = { .text = text, .p = text };
	struct node root;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	skip_space(&ps);
	if (!*ps.p) {
		fail(&ps, ps.p, "empty rule");
	} else if (!isalpha((unsigned char)*ps.p)) {
		fail(&ps, ps.p, "a rule starts with a gate: AND(...), OR(...) or OutOf(n, ...)");
	} else if (parse_gate(&ps, &root) == 0) {
		skip_space(&ps);
		if (*ps.p)
			fail(&ps, ps.p, "unexpected text after the rule");
		else
			build(&root, &out->rule, out, &cap);
		node_free(&root);
	} else {
		node_free(&root);
	}
	if (ps.err) {
		yerror(where, p, "invalid Signature rule \"%s\": column %zu: %s", text, ps.errpos + 1, ps.err);
		free(ps.err);
		sigpolicy_free(out);
		return -1;
	}
	return 0;
}

static void rule_free(struct sig_rule *r)
{
	for (size_t i = 0; i < r->nrules; i++)
		rule_free(&r->rules[i]);
	free(r->rules);
}

void sigpolicy_free(struct sig_policy *p)
{
	rule_free(&p->rule);
	for (size_t i = 0; i < p->nids; i++)
		free(p->ids[i].msp_id);
	free(p->ids);
	memset(p, 0, sizeof(*p));
}

/* SignaturePolicy: oneof signed_by = 1 | n_out_of = 2 (NOutOf: n = 1, rules = 2). */
static void rule_encode(const struct sig_rule *r, struct pbuf *b)
{
	if (r->signed_by >= 0) {
		pb_int_always(b, 1, r->signed_by);
		return;
	}
	size_t m = pb_begin(b, 2);

	pb_int(b, 1, r->n);
	for (size_t i = 0; i < r->nrules; i++) {
		size_t k = pb_begin(b, 2);

		rule_encode(&r->rules[i], b);
		pb_end(b, k);
	}
	pb_end(b, m);
}

void sigpolicy_encode(const struct sig_policy *p, struct pbuf *b)
{
	size_t m = pb_begin(b, 2);   /* version 0 is not written */

	rule_encode(&p->rule, b);
	pb_end(b, m);
	for (size_t i = 0; i < p->nids; i++) {
		size_t id = pb_begin(b, 3), pr;

		/* MSPPrincipal{classification ROLE (0), principal = MSPRole} */
		pr = pb_begin(b, 2);
		pb_str(b, 1, p->ids[i].msp_id);
		pb_uint(b, 2, (uint64_t)p->ids[i].role);
		pb_end(b, pr);
		pb_end(b, id);
	}
}

int implicit_meta_parse(const char *text, const struct ynode *where, const struct ypath *p,
			enum implicit_rule *rule, const char **sub)
{
	const char *sp = strchr(text, ' ');
	size_t n;

	if (!sp || strchr(sp + 1, ' ')) {
		size_t tokens = 1;

		for (const char *c = text; *c; c++)
			tokens += *c == ' ';
		yerror(where, p, "invalid ImplicitMeta rule \"%s\": expected two tokens separated by one "
		       "space, such as \"ANY Readers\", got %zu", text, tokens);
		return -1;
	}
	n = (size_t)(sp - text);
	if (n == 3 && strncmp(text, "ANY", 3) == 0)
		*rule = IMPLICIT_ANY;
	else if (n == 3 && strncmp(text, "ALL", 3) == 0)
		*rule = IMPLICIT_ALL;
	else if (n == 8 && strncmp(text, "MAJORITY", 8) == 0)
		*rule = IMPLICIT_MAJORITY;
	else {
		yerror(where, p, "invalid ImplicitMeta rule \"%s\": unknown rule type '%.*s', expected "
		       "ALL, ANY or MAJORITY", text, (int)n, text);
		return -1;
	}
	*sub = sp + 1;
	return 0;
}

void implicit_meta_encode(enum implicit_rule rule, const char *sub, struct pbuf *b)
{
	pb_str(b, 1, sub);
	pb_uint(b, 2, (uint64_t)rule);
}

const char *msp_role_name(enum msp_role r)
{
	static const char *const names[] = { "MEMBER", "ADMIN", "CLIENT", "PEER", "ORDERER" };

	return (unsigned)r < 5 ? names[r] : "?";
}
