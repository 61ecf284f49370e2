#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* Deeper nesting than this is refused rather than risking the stack. */
#define JSON_MAX_DEPTH 256

static struct jval *jnew(enum jtype t)
{
	struct jval *v = xcalloc(1, sizeof(*v));

	v->type = t;
	return v;
}

struct jval *jnull(void) { return jnew(J_NULL); }
struct jval *jarr(void) { return jnew(J_ARR); }
struct jval *jobj(void) { return jnew(J_OBJ); }

struct jval *jbool(bool b)
{
	struct jval *v = jnew(J_BOOL);

	v->b = b;
	return v;
}

struct jval *jnum(const char *text)
{
	struct jval *v = jnew(J_NUM);

	v->s = xstrdup(text);
	v->len = strlen(text);
	return v;
}

struct jval *jnum_ll(long long n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", n);
	return jnum(buf);
}

struct jval *jstrn(const char *s, size_t len)
{
	struct jval *v = jnew(J_STR);

	/* every byte: a string may hold NULs (len says where it ends) */
	v->s = xmalloc(len + 1);
	memcpy(v->s, s, len);
	v->s[len] = '\0';
	v->len = len;
	return v;
}

struct jval *jstr(const char *s)
{
	return jstrn(s, strlen(s));
}

void jarr_add(struct jval *a, struct jval *v)
{
	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	a->v[a->n++] = v;
}

static ssize_t jobj_find(const struct jval *o, const char *key)
{
	if (!o || o->type != J_OBJ)
		return -1;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->k[i], key) == 0)
			return (ssize_t)i;
	return -1;
}

void jobj_set(struct jval *o, const char *key, struct jval *v)
{
	ssize_t i = jobj_find(o, key);
	size_t kcap;

	if (i >= 0) {
		jfree(o->v[i]);
		o->v[i] = v;
		return;
	}
	kcap = o->cap;
	o->v = xgrow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
	o->k = xgrow(o->k, &kcap, o->n + 1, sizeof(*o->k));
	o->k[o->n] = xstrdup(key);
	o->v[o->n++] = v;
}

bool jobj_del(struct jval *o, const char *key)
{
	ssize_t i = jobj_find(o, key);

	if (i < 0)
		return false;
	free(o->k[i]);
	jfree(o->v[i]);
	memmove(o->k + i, o->k + i + 1, (o->n - (size_t)i - 1) * sizeof(*o->k));
	memmove(o->v + i, o->v + i + 1, (o->n - (size_t)i - 1) * sizeof(*o->v));
	o->n--;
	return true;
}

struct jval *jobj_get(const struct jval *o, const char *key)
{
	ssize_t i = jobj_find(o, key);

	return i < 0 ? NULL : o->v[i];
}

static struct jval *vget(const struct jval *v, va_list ap)
{
	const char *key;

	while (v && (key = va_arg(ap, const char *)))
		v = jobj_get(v, key);
	return (struct jval *)v;
}

struct jval *jget(const struct jval *v, ...)
{
	va_list ap;
	struct jval *r;

	va_start(ap, v);
	r = vget(v, ap);
	va_end(ap);
	return r;
}

const char *jget_str(const struct jval *v, ...)
{
	va_list ap;
	struct jval *r;

	va_start(ap, v);
	r = vget(v, ap);
	va_end(ap);
	return r && r->type == J_STR ? r->s : NULL;
}

bool jget_ll(long long *out, const struct jval *v, ...)
{
	va_list ap;
	struct jval *r;
	char *end;
	long long n;

	va_start(ap, v);
	r = vget(v, ap);
	va_end(ap);
	if (!r || r->type != J_NUM)
		return false;
	errno = 0;
	n = strtoll(r->s, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

void jfree(struct jval *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->v[i]);
		if (v->k)
			free(v->k[i]);
	}
	free(v->v);
	free(v->k);
	free(v->s);
	free(v);
}

struct jval *jclone(const struct jval *v)
{
	struct jval *c;

	if (!v)
		return NULL;
	c = jnew(v->type);
	c->b = v->b;
	if (v->s) {
		c->s = xmalloc(v->len + 1);
		memcpy(c->s, v->s, v->len + 1);
		c->len = v->len;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (v->type == J_OBJ)
			jobj_set(c, v->k[i], jclone(v->v[i]));
		else
			jarr_add(c, jclone(v->v[i]));
	}
	return c;
}

bool jequal(const struct jval *a, const struct jval *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case J_NULL:
		return true;
	case J_BOOL:
		return a->b == b->b;
	case J_NUM:
		return strcmp(a->s, b->s) == 0 || strtod(a->s, NULL) == strtod(b->s, NULL);
	case J_STR:
		return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
	case J_ARR:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if (!jequal(a->v[i], b->v[i]))
				return false;
		return true;
	case J_OBJ:
		if (a->n != b->n)
			return false;
		for (size_t i = 0; i < a->n; i++)
			if (!jequal(a->v[i], jobj_get(b, a->k[i])))
				return false;
		return true;
	}
	return false;
}

/* ---- parsing ---- */

struct parser {
	const char *p, *start, *end;
	char *err;
	size_t errlen;
	bool failed;
};

static void perr(struct parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errlen, "%s at byte %zu", what, (size_t)(ps->p - ps->start));
	ps->failed = true;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct parser *ps, unsigned *out)
{
	unsigned u = 0;

	if (ps->end - ps->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = hexval(ps->p[i]);
		if (h < 0)
			return -1;
		u = u << 4 | (unsigned)h;
	}
	ps->p += 4;
	*out = u;
	return 0;
}

static void add_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		sb_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (char)(0xc0 | cp >> 6));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_addc(sb, (char)(0xe0 | cp >> 12));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_addc(sb, (char)(0xf0 | cp >> 18));
		sb_addc(sb, (char)(0x80 | (cp >> 12 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp >> 6 & 0x3f)));
		sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

/* At the opening quote; the string's bytes go to sb. */
static int parse_string(struct parser *ps, struct strbuf *sb)
{
	ps->p++;
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		unsigned cp, lo;

		if (c < 0x20) {
			perr(ps, "control character in string");
			return -1;
		}
		if (c != '\\') {
			sb_addc(sb, (char)c);
			ps->p++;
			continue;
		}
		if (++ps->p >= ps->end)
			break;
		switch (*ps->p++) {
		case '"': sb_addc(sb, '"'); break;
		case '\\': sb_addc(sb, '\\'); break;
		case '/': sb_addc(sb, '/'); break;
		case 'b': sb_addc(sb, '\b'); break;
		case 'f': sb_addc(sb, '\f'); break;
		case 'n': sb_addc(sb, '\n'); break;
		case 'r': sb_addc(sb, '\r'); break;
		case 't': sb_addc(sb, '\t'); break;
		case 'u':
			if (read_hex4(ps, &cp) < 0) {
				perr(ps, "bad \\u escape");
				return -1;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 &&
			    ps->p[0] == '\\' && ps->p[1] == 'u') {
				const char *save = ps->p;
				ps->p += 2;
				if (read_hex4(ps, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				else
					ps->p = save;
			}
			if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;    /* a lone surrogate */
			add_utf8(sb, cp);
			break;
		default:
			ps->p--;
			perr(ps, "bad escape in string");
			return -1;
		}
	}
	if (ps->p >= ps->end) {
		perr(ps, "unterminated string");
		return -1;
	}
	ps->p++;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the JSON number at s (at most len bytes), 0 when there is none. */
static size_t json_number_len(const char *s, size_t len)
{
	size_t i = 0, mark;

	if (i < len && s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && is_digit(s[i]))
		while (i < len && is_digit(s[i]))
			i++;
	else
		return 0;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1]))
		for (i++; i < len && is_digit(s[i]); i++)
			;
	mark = i;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return mark;
		while (i < len && is_digit(s[i]))
			i++;
	}
	return i;
}

static struct jval *parse_value(struct parser *ps, int depth);

static struct jval *parse_container(struct parser *ps, int depth, bool object)
{
	struct jval *c = object ? jobj() : jarr();
	struct strbuf key = {0};
	char close = object ? '}' : ']';

	if (depth > JSON_MAX_DEPTH) {
		perr(ps, "nested too deeply");
		goto fail;
	}
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return c;
	}
	for (;;) {
		struct jval *v;

		skip_ws(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"') {
				perr(ps, "expected a string key");
				goto fail;
			}
			sb_reset(&key);
			if (parse_string(ps, &key) < 0)
				goto fail;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				perr(ps, "expected ':'");
				goto fail;
			}
			ps->p++;
		}
		v = parse_value(ps, depth + 1);
		if (!v)
			goto fail;
		if (object)
			jobj_set(c, key.buf ? key.buf : "", v);
		else
			jarr_add(c, v);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		perr(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
	sb_free(&key);
	return c;
fail:
	sb_free(&key);
	jfree(c);
	return NULL;
}

static bool take_word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, w, n) == 0) {
		ps->p += n;
		return true;
	}
	return false;
}

static struct jval *parse_value(struct parser *ps, int depth)
{
	struct strbuf sb = {0};
	struct jval *v;
	const char *s;
	size_t n;

	skip_ws(ps);
	if (ps->p >= ps->end) {
		perr(ps, "unexpected end of input");
		return NULL;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, depth, true);
	case '[':
		return parse_container(ps, depth, false);
	case '"':
		if (parse_string(ps, &sb) < 0) {
			sb_free(&sb);
			return NULL;
		}
		v = jnew(J_STR);
		v->len = sb.len;
		v->s = sb.buf ? sb_detach(&sb) : xstrdup("");
		return v;
	case 't':
		if (take_word(ps, "true"))
			return jbool(true);
		break;
	case 'f':
		if (take_word(ps, "false"))
			return jbool(false);
		break;
	case 'n':
		if (take_word(ps, "null"))
			return jnull();
		break;
	default:
		s = ps->p;
		n = json_number_len(s, (size_t)(ps->end - s));
		if (n) {
			ps->p += n;
			v = jnew(J_NUM);
			v->s = xstrndup(s, n);
			v->len = n;
			return v;
		}
		break;
	}
	perr(ps, "unexpected character");
	return NULL;
}

struct jval *json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct parser ps = { buf, buf, buf + len, err, errlen, false };
	struct jval *v = parse_value(&ps, 0);

	if (v) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			perr(&ps, "trailing characters");
			jfree(v);
			v = NULL;
		}
	}
	return v;
}

/* ---- writing ---- */

static void write_string(struct strbuf *sb, const char *s, size_t len)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': sb_adds(sb, "\\\""); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		default:
			if (c < 0x20)
				sb_addf(sb, "\\u%04x", c);
			else
				sb_addc(sb, (char)c);
		}
	}
	sb_addc(sb, '"');
}

static void indent(struct strbuf *sb, int level)
{
	sb_addc(sb, '\n');
	for (int i = 0; i < level; i++)
		sb_adds(sb, "  ");
}

static void write_value(struct strbuf *sb, const struct jval *v, bool pretty, int level)
{
	switch (v->type) {
	case J_NULL:
		sb_adds(sb, "null");
		return;
	case J_BOOL:
		sb_adds(sb, v->b ? "true" : "false");
		return;
	case J_NUM:
		sb_add(sb, v->s, v->len);
		return;
	case J_STR:
		write_string(sb, v->s, v->len);
		return;
	case J_ARR:
	case J_OBJ:
		sb_addc(sb, v->type == J_OBJ ? '{' : '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sb_addc(sb, ',');
			if (pretty)
				indent(sb, level + 1);
			if (v->type == J_OBJ) {
				write_string(sb, v->k[i], strlen(v->k[i]));
				sb_adds(sb, pretty ? ": " : ":");
			}
			write_value(sb, v->v[i], pretty, level + 1);
		}
		if (pretty && v->n)
			indent(sb, level);
		sb_addc(sb, v->type == J_OBJ ? '}' : ']');
		return;
	}
}

void json_write(struct strbuf *sb, const struct jval *v, bool pretty)
{
	write_value(sb, v, pretty, 0);
}

/* ---- YAML to JSON ---- */

static bool in_list(const char *s, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static const char *const yaml_true[] = {
	"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL
};
static const char *const yaml_false[] = {
	"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL
};
static const char *const yaml_null[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const yaml_special_float[] = {
	".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
	"-.inf", "-.Inf", "-.INF", NULL
};

/*
 * An integer as Go's strconv.ParseInt/ParseUint with base 0 reads it:
 * optional sign, then 0x / 0o / 0b / leading 0 (octal) / decimal digits.
 * Writes the decimal text to out; false when s is not such an integer or
 * does not fit 64 bits.
 */
static bool yaml_int(const char *s, char *out, size_t outlen)
{
	bool neg = false;
	int base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	for (; *p; p++) {
		int d = hexval(*p);
		if (d < 0 || d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		if (v == 0)
			snprintf(out, outlen, "0");
		else
			snprintf(out, outlen, "-%llu", (unsigned long long)v);
	} else {
		snprintf(out, outlen, "%llu", (unsigned long long)v);
	}
	return true;
}

/* The float syntax YAML 1.1 decoders accept: [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)? */
static bool yaml_float_syntax(const char *s)
{
	const char *p = s;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		if (!is_digit(*++p))
			return false;
		while (is_digit(*p))
			p++;
	} else {
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
		if (*p == '.')
			for (p++; is_digit(*p); p++)
				;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

/*
 * The shortest text that reads back as d, written the way Go's JSON
 * encoder (and so kubectl) writes it: plain decimals between 1e-6 and
 * 1e21, exponents outside.
 */
static void format_double(double d, char *out, size_t outlen)
{
	double a = fabs(d);
	bool plain = a == 0 || (a >= 1e-6 && a < 1e21);

	for (int prec = 0; prec <= 17; prec++) {
		snprintf(out, outlen, plain ? "%.*f" : "%.*e", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
	snprintf(out, outlen, "%.17g", d);
}

static struct jval *yaml_plain(const struct ynode *n, const struct ypath *p)
{
	const char *s = n->str;
	char num[64];
	struct strbuf plain = {0};
	struct jval *v = NULL;

	if (in_list(s, yaml_null))
		return jnull();
	if (in_list(s, yaml_true))
		return jbool(true);
	if (in_list(s, yaml_false))
		return jbool(false);
	if (in_list(s, yaml_special_float)) {
		yerror(n, p, "%s cannot be represented in JSON (quote it to make it a string)", s);
		return NULL;
	}
	if (s[0] == '.') {
		double d = yaml_float_syntax(s) ? strtod(s, NULL) : NAN;

		/* out of range (".1e400") is no float to Go either: a string */
		if (isfinite(d)) {
			format_double(d, num, sizeof(num));
			return jnum(num);
		}
		return jstrn(s, n->len);
	}
	if (!(is_digit(s[0]) || s[0] == '+' || s[0] == '-') || strlen(s) != n->len)
		return jstrn(s, n->len);
	/* digits and signs: an integer or a float once '_' separators are gone */
	for (const char *c = s; *c; c++)
		if (*c != '_')
			sb_addc(&plain, *c);
	if (plain.len > 0 && yaml_int(plain.buf, num, sizeof(num))) {
		v = jnum(num);
	} else if (plain.len > 0 && yaml_float_syntax(plain.buf)) {
		double d = strtod(plain.buf, NULL);
		if (isfinite(d)) {
			format_double(d, num, sizeof(num));
			v = jnum(num);
		}
	}
	sb_free(&plain);
	return v ? v : jstrn(s, n->len);
}

/*
 * What one value costs against the budget: about the memory it takes here
 * (a struct jval, its slot in its parent, its text), a little more than
 * it takes as JSON.
 */
static bool charge(const struct ynode *n, const struct ypath *p, size_t *budget, size_t cost)
{
	if (cost > *budget) {
		yerror(n, p, "too large once its aliases are expanded");
		*budget = 0;
		return false;
	}
	*budget -= cost;
	return true;
}

struct jval *json_from_yaml_budget(const struct ynode *n, const struct ypath *p, size_t *budget)
{
	struct jval *v;

	if (!charge(n, p, budget, 64 + (n->kind == Y_SCALAR ? n->len : 0)))
		return NULL;
	switch (n->kind) {
	case Y_SCALAR:
		return n->quoted ? jstrn(n->str, n->len) : yaml_plain(n, p);
	case Y_SEQ:
		v = jarr();
		for (size_t i = 0; i < n->n; i++) {
			struct ypath ip = YPATH_INDEX(p, i);
			struct jval *item = json_from_yaml_budget(n->items[i], &ip, budget);
			if (!item) {
				jfree(v);
				return NULL;
			}
			jarr_add(v, item);
		}
		return v;
	case Y_MAP:
		v = jobj();
		for (size_t i = 0; i < n->n; i++) {
			struct ypath kp = YPATH_KEY(p, n->pairs[i].key->str);
			struct jval *item = charge(n->pairs[i].key, &kp, budget, 16 + n->pairs[i].key->len) ?
				json_from_yaml_budget(n->pairs[i].val, &kp, budget) : NULL;
			if (!item) {
				jfree(v);
				return NULL;
			}
			jobj_set(v, n->pairs[i].key->str, item);
		}
		return v;
	}
	return NULL;
}

struct jval *json_from_yaml(const struct ynode *n, const struct ypath *p)
{
	size_t budget = JSON_FROM_YAML_MAX;

	return json_from_yaml_budget(n, p, &budget);
}
