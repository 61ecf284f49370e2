#include <stdlib.h>
#include <string.h>

#include "fabric/pb.h"
#include "base/util.h"

void pb_free(struct pbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

uint8_t *pb_detach(struct pbuf *b, size_t *len)
{
	uint8_t *p = b->buf ? b->buf : xmalloc(1);

	*len = b->len;
	b->buf = NULL;
	b->len = b->cap = 0;
	return p;
}

void pb_raw(struct pbuf *b, const void *p, size_t n)
{
	b->buf = xgrow(b->buf, &b->cap, b->len + n, 1);
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static size_t varint_put(uint8_t out[10], uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

void pb_varint(struct pbuf *b, uint64_t v)
{
	uint8_t tmp[10];

	pb_raw(b, tmp, varint_put(tmp, v));
}

void pb_tag(struct pbuf *b, uint32_t field, int wiretype)
{
	pb_varint(b, (uint64_t)field << 3 | (uint64_t)wiretype);
}

void pb_uint_always(struct pbuf *b, uint32_t field, uint64_t v)
{
	pb_tag(b, field, PB_VARINT);
	pb_varint(b, v);
}

void pb_int_always(struct pbuf *b, uint32_t field, int64_t v)
{
	pb_uint_always(b, field, (uint64_t)v);
}

void pb_bytes_always(struct pbuf *b, uint32_t field, const void *p, size_t n)
{
	pb_tag(b, field, PB_LEN);
	pb_varint(b, n);
	pb_raw(b, p, n);
}

void pb_str_always(struct pbuf *b, uint32_t field, const char *s)
{
	pb_bytes_always(b, field, s, strlen(s));
}

void pb_uint(struct pbuf *b, uint32_t field, uint64_t v)
{
	if (v)
		pb_uint_always(b, field, v);
}

void pb_int(struct pbuf *b, uint32_t field, int64_t v)
{
	if (v)
		pb_int_always(b, field, v);
}

void pb_bytes(struct pbuf *b, uint32_t field, const void *p, size_t n)
{
	if (n)
		pb_bytes_always(b, field, p, n);
}

void pb_str(struct pbuf *b, uint32_t field, const char *s)
{
	if (s && *s)
		pb_str_always(b, field, s);
}

/*
 * One byte is reserved for the length; a longer length moves the body up.
 * Most Fabric messages nest a few levels deep, so the moves stay cheap.
 */
size_t pb_begin(struct pbuf *b, uint32_t field)
{
	pb_tag(b, field, PB_LEN);
	pb_raw(b, "", 1);
	return b->len;
}

void pb_end(struct pbuf *b, size_t mark)
{
	size_t body = b->len - mark;
	uint8_t tmp[10];
	size_t n = varint_put(tmp, body);

	if (n > 1) {
		b->buf = xgrow(b->buf, &b->cap, b->len + n - 1, 1);
		memmove(b->buf + mark + n - 1, b->buf + mark, body);
		b->len += n - 1;
	}
	memcpy(b->buf + mark - 1, tmp, n);
}

static int varint_get(struct pb_reader *r, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			return -1;
		uint8_t c = *r->p++;

		if (shift == 63 && c > 1)
			return -1;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

int pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t key, v;

	if (r->p >= r->end)
		return 0;
	if (varint_get(r, &key) < 0 || key >> 3 == 0 || key >> 3 > 0x1fffffff)
		return -1;
	f->num = (uint32_t)(key >> 3);
	f->type = (int)(key & 7);
	f->data = NULL;
	f->len = 0;
	f->u = 0;
	switch (f->type) {
	case PB_VARINT:
		return varint_get(r, &f->u) < 0 ? -1 : 1;
	case PB_FIXED64:
	case PB_FIXED32: {
		size_t n = f->type == PB_FIXED64 ? 8 : 4;

		if ((size_t)(r->end - r->p) < n)
			return -1;
		for (size_t i = 0; i < n; i++)
			f->u |= (uint64_t)r->p[i] << (8 * i);
		r->p += n;
		return 1;
	}
	case PB_LEN:
		if (varint_get(r, &v) < 0 || v > (uint64_t)(r->end - r->p))
			return -1;
		f->data = r->p;
		f->len = (size_t)v;
		r->p += v;
		return 1;
	default:
		return -1;
	}
}

bool pb_valid(const void *p, size_t n)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;
	int rc;

	while ((rc = pb_next(&r, &f)) == 1)
		;
	return rc == 0;
}

uint64_t pb_get_varint(const void *p, size_t n, uint32_t num)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;
	uint64_t v = 0;

	while (pb_next(&r, &f) == 1)
		if (f.num == num && f.type == PB_VARINT)
			v = f.u;
	return v;
}

const uint8_t *pb_get_bytes(const void *p, size_t n, uint32_t num, size_t *len)
{
	struct pb_reader r = pb_reader(p, n);
	struct pb_field f;
	const uint8_t *d = NULL;

	*len = 0;
	while (pb_next(&r, &f) == 1)
		if (f.num == num && f.type == PB_LEN) {
			d = f.data;
			*len = f.len;
		}
	return d;
}
