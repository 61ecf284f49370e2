#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/der.h"
#include "base/util.h"

void der_raw(struct der *d, const void *p, size_t n)
{
	if (n == 0)
		return;
	d->buf = xgrow(d->buf, &d->cap, d->len + n, 1);
	memcpy(d->buf + d->len, p, n);
	d->len += n;
}

/* The length octets of n into out (at most 9); returns how many. */
static size_t length_octets(size_t n, uint8_t out[9])
{
	size_t k = 0;

	if (n < 0x80) {
		out[0] = (uint8_t)n;
		return 1;
	}
	for (size_t v = n; v; v >>= 8)
		k++;
	out[0] = (uint8_t)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		out[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
	return 1 + k;
}

void der_tlv(struct der *d, unsigned tag, const void *p, size_t n)
{
	uint8_t hdr[10];
	size_t h;

	hdr[0] = (uint8_t)tag;
	h = 1 + length_octets(n, hdr + 1);
	der_raw(d, hdr, h);
	der_raw(d, p, n);
}

size_t der_begin(struct der *d, unsigned tag)
{
	uint8_t t = (uint8_t)tag;

	der_raw(d, &t, 1);
	return d->len;          /* contents start here; the length goes in later */
}

void der_end(struct der *d, size_t mark)
{
	uint8_t len[9];
	size_t n = d->len - mark, k = length_octets(n, len);

	d->buf = xgrow(d->buf, &d->cap, d->len + k, 1);
	memmove(d->buf + mark + k, d->buf + mark, n);
	memcpy(d->buf + mark, len, k);
	d->len += k;
}

void der_uint(struct der *d, const uint8_t *be, size_t n)
{
	size_t mark;

	while (n > 1 && be[0] == 0) {
		be++;
		n--;
	}
	mark = der_begin(d, DER_INTEGER);
	if (n == 0 || (be[0] & 0x80)) {
		uint8_t zero = 0;

		der_raw(d, &zero, 1);
	}
	der_raw(d, be, n);
	der_end(d, mark);
}

/* Base-128 digits of v, most significant first, high bit on all but the last. */
static void base128(struct der *d, unsigned long long v)
{
	uint8_t tmp[10];
	size_t k = 0;

	do {
		tmp[k++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v);
	while (k > 0) {
		uint8_t b;

		k--;
		b = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
		der_raw(d, &b, 1);
	}
}

void der_oid(struct der *d, const char *dotted)
{
	unsigned long long arcs[32];
	size_t n = 0, mark;
	const char *p = dotted;

	while (*p && n < 32) {
		char *end;

		arcs[n++] = strtoull(p, &end, 10);
		p = *end == '.' ? end + 1 : end;
		if (*end != '.' && *end != '\0')
			break;
	}
	mark = der_begin(d, DER_OID);
	if (n >= 2) {
		base128(d, arcs[0] * 40 + arcs[1]);
		for (size_t i = 2; i < n; i++)
			base128(d, arcs[i]);
	}
	der_end(d, mark);
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void der_time(struct der *d, int64_t t)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned mo, dd;
	char s[32];

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &dd);
	if (y >= 1950 && y < 2050) {
		snprintf(s, sizeof(s), "%02d%02u%02u%02d%02d%02dZ", (int)(y % 100), mo, dd,
			 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		der_tlv(d, DER_UTC_TIME, s, strlen(s));
	} else {
		snprintf(s, sizeof(s), "%04d%02u%02u%02d%02d%02dZ", (int)y, mo, dd,
			 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		der_tlv(d, DER_GENERALIZED_TIME, s, strlen(s));
	}
}

void der_free(struct der *d)
{
	free(d->buf);
	d->buf = NULL;
	d->len = d->cap = 0;
}

int der_read(const uint8_t **p, const uint8_t *end, struct der_value *v)
{
	const uint8_t *q = *p;
	size_t len;

	if (q >= end || end - q < 2 || (q[0] & 0x1f) == 0x1f)
		return -1;
	v->tag = q[0];
	v->raw = q;
	len = q[1];
	q += 2;
	if (len & 0x80) {
		size_t k = len & 0x7f;

		if (k == 0 || k > sizeof(size_t) || (size_t)(end - q) < k)
			return -1;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | q[i];
		q += k;
	}
	if ((size_t)(end - q) < len)
		return -1;
	v->val = q;
	v->len = len;
	v->rawlen = (size_t)(q + len - v->raw);
	*p = q + len;
	return 0;
}

int der_expect(const uint8_t **p, const uint8_t *end, unsigned tag, struct der_value *v)
{
	const uint8_t *save = *p;

	if (der_read(p, end, v) < 0 || v->tag != tag) {
		*p = save;
		return -1;
	}
	return 0;
}

static int digits(const uint8_t *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int der_parse_time(const struct der_value *v, int64_t *out)
{
	const uint8_t *s = v->val;
	int y, mo, d, h, mi, sec;
	size_t yl;

	if (v->tag == DER_UTC_TIME && v->len == 13)
		yl = 2;
	else if (v->tag == DER_GENERALIZED_TIME && v->len == 15)
		yl = 4;
	else
		return -1;
	if (s[v->len - 1] != 'Z' || digits(s, yl, &y) < 0 ||
	    digits(s + yl, 2, &mo) < 0 || digits(s + yl + 2, 2, &d) < 0 ||
	    digits(s + yl + 4, 2, &h) < 0 || digits(s + yl + 6, 2, &mi) < 0 ||
	    digits(s + yl + 8, 2, &sec) < 0)
		return -1;
	if (yl == 2)
		y += y < 50 ? 2000 : 1900;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		h * 3600 + mi * 60 + sec;
	return 0;
}

bool der_oid_is(const struct der_value *v, const char *dotted)
{
	struct der d = {0};
	bool same;

	der_oid(&d, dotted);
	same = v->tag == DER_OID && d.len - 2 == v->len &&
		memcmp(d.buf + 2, v->val, v->len) == 0;
	der_free(&d);
	return same;
}
