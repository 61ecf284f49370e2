/* Unit tests of the protobuf writer and reader, against encodings worked out by hand from the wire format. */
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "fabric/pb.h"
#include "tap.h"

static int same(const struct pbuf *b, const char *want, size_t n)
{
	int eq = b->len == n && memcmp(b->buf, want, n) == 0;

	if (!eq) {
		printf("#   got:");
		for (size_t i = 0; i < b->len; i++)
			printf(" %02x", b->buf[i]);
		printf("\n");
	}
	return eq;
}

int main(void)
{
	struct pbuf b = {0};
	struct pb_reader r;
	struct pb_field f;

	pb_uint(&b, 1, 300);
	ok(same(&b, "\x08\xac\x02", 3), "varint 300 in field 1 is 08 ac 02");
	pb_free(&b);

	pb_uint(&b, 1, 0);
	pb_str(&b, 2, "");
	pb_bytes(&b, 3, "", 0);
	pb_int(&b, 4, 0);
	is_int(b.len, 0, "proto3 zero values are not written");
	pb_uint_always(&b, 1, 0);
	pb_bytes_always(&b, 3, "", 0);
	ok(same(&b, "\x08\x00\x1a\x00", 4), "the _always variants write zero values");
	pb_free(&b);

	pb_int(&b, 1, -1);
	ok(same(&b, "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11), "int32 -1 takes ten bytes");
	pb_free(&b);

	pb_str(&b, 2, "testing");
	ok(same(&b, "\x12\x07testing", 9), "string field 2");
	pb_free(&b);

	size_t m = pb_begin(&b, 3);
	pb_uint(&b, 1, 150);
	pb_end(&b, m);
	ok(same(&b, "\x1a\x03\x08\x96\x01", 5), "nested message 3 { 1: 150 }");
	pb_free(&b);

	m = pb_begin(&b, 2);
	pb_end(&b, m);
	ok(same(&b, "\x12\x00", 2), "an empty nested message is still written");
	pb_free(&b);

	/* a body longer than 127 bytes needs a two-byte length */
	char big[200];
	memset(big, 'x', sizeof(big));
	m = pb_begin(&b, 1);
	size_t inner = pb_begin(&b, 2);
	pb_bytes(&b, 1, big, sizeof(big));
	pb_end(&b, inner);
	pb_end(&b, m);
	ok(b.len == 209 && b.buf[0] == 0x0a && b.buf[1] == 0xce && b.buf[2] == 0x01,
	   "outer length 206 as ce 01");
	ok(b.buf[3] == 0x12 && b.buf[4] == 0xcb && b.buf[5] == 0x01 && b.buf[6] == 0x0a &&
	   b.buf[7] == 0xc8 && b.buf[8] == 0x01 && b.buf[9] == 'x', "inner lengths 203 and 200");

	r = pb_reader(b.buf, b.len);
	ok(pb_next(&r, &f) == 1 && f.num == 1 && f.type == PB_LEN && f.len == 206, "reader: outer field");
	r = pb_reader(f.data, f.len);
	ok(pb_next(&r, &f) == 1 && f.num == 2 && f.len == 203, "reader: inner field");
	r = pb_reader(f.data, f.len);
	ok(pb_next(&r, &f) == 1 && f.num == 1 && f.len == 200 && f.data[199] == 'x', "reader: bytes");
	ok(pb_next(&r, &f) == 0, "reader: end");
	pb_free(&b);

	pb_uint(&b, 5, 0xffffffffffffffffULL);
	r = pb_reader(b.buf, b.len);
	ok(pb_next(&r, &f) == 1 && f.num == 5 && f.u == 0xffffffffffffffffULL, "reader: 64-bit varint");
	pb_free(&b);

	ok(!pb_valid("\x0a\x05" "ab", 4), "length past the end is malformed");
	ok(!pb_valid("\x08\x80", 2), "truncated varint is malformed");
	ok(!pb_valid("\x0b", 1), "group start is refused");
	ok(!pb_valid("\x00\x01", 2), "field number 0 is refused");
	ok(pb_valid("\x0d\x01\x02\x03\x04\x11\x01\x02\x03\x04\x05\x06\x07\x08", 14), "fixed32 and fixed64 are read");
	ok(pb_valid("", 0), "the empty message is valid");

	struct strbuf sb = {0};
	sb_base64(&sb, "\x0a\x02\x0a\x00", 4);
	is_str(sb.buf, "CgIKAA==", "base64 of OrdererBlockMetadata{last_config{}}");
	sb_reset(&sb);
	sb_base64(&sb, "foobar", 6);
	sb_base64(&sb, "fo", 2);
	is_str(sb.buf, "Zm9vYmFyZm8=", "base64 padding");
	sb_free(&sb);

	return done_testing();
}
