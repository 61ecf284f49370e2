/*
 * pb.h - protocol buffers on the wire: a writer for the messages the tools
 * produce and a reader that walks the fields of one message.
 *
 * The writer appends to a growable buffer.  Scalar helpers follow proto3's
 * implicit presence: pb_uint(), pb_int(), pb_bytes() and pb_str() write
 * nothing for 0, "" or an empty byte string, as Fabric's Go encoder does.
 * Repeated elements, oneof members and map entries must be written even
 * when zero: use the *_always variants for them.  A nested message is
 * written between pb_begin() and pb_end(); it is always present, even when
 * empty.  Map fields are written one entry at a time with pb_begin(field),
 * key (field 1) and value (field 2), pb_end(); callers emit the entries in
 * key order so that the encoding is deterministic.
 *
 * The reader never allocates: field data points into the message.
 */
#ifndef PB_H
#define PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2, PB_FIXED32 = 5 };

/* A growable byte buffer; zero-initialise to start, pb_free() when done. */
struct pbuf {
	uint8_t *buf;
	size_t len, cap;
};

void pb_free(struct pbuf *b);
/* Hand the bytes to the caller (who frees them); b is empty afterwards. */
uint8_t *pb_detach(struct pbuf *b, size_t *len);

void pb_raw(struct pbuf *b, const void *p, size_t n);
void pb_varint(struct pbuf *b, uint64_t v);
void pb_tag(struct pbuf *b, uint32_t field, int wiretype);

/* uint32, uint64, bool and enum fields: nothing is written for 0. */
void pb_uint(struct pbuf *b, uint32_t field, uint64_t v);
/* int32 and int64 fields (negative values take ten bytes, as in Go). */
void pb_int(struct pbuf *b, uint32_t field, int64_t v);
void pb_bytes(struct pbuf *b, uint32_t field, const void *p, size_t n);
void pb_str(struct pbuf *b, uint32_t field, const char *s);

void pb_uint_always(struct pbuf *b, uint32_t field, uint64_t v);
void pb_int_always(struct pbuf *b, uint32_t field, int64_t v);
void pb_bytes_always(struct pbuf *b, uint32_t field, const void *p, size_t n);
void pb_str_always(struct pbuf *b, uint32_t field, const char *s);

/* Open a nested message (or map entry) in field; returns a mark for pb_end(). */
size_t pb_begin(struct pbuf *b, uint32_t field);
/* Close the message opened at mark: its length is filled in. */
void pb_end(struct pbuf *b, size_t mark);

/* ---- reading ---- */

struct pb_reader {
	const uint8_t *p, *end;
};

struct pb_field {
	uint32_t num;
	int type;               /* PB_VARINT, PB_FIXED64, PB_LEN or PB_FIXED32 */
	uint64_t u;             /* the value of a varint or fixed field */
	const uint8_t *data;    /* PB_LEN: the bytes (inside the message) */
	size_t len;
};

static inline struct pb_reader pb_reader(const void *p, size_t n)
{
	const uint8_t *b = p;

	/* NULL (an empty buffer never written to) reads as no fields */
	return (struct pb_reader){ b, b ? b + n : b };
}

/*
 * The next field of the message: 1 with *f filled in, 0 at the end,
 * -1 when the bytes are not a well-formed message (groups, wire types
 * 3, 4, 6 and 7, truncated varints or lengths past the end).
 */
int pb_next(struct pb_reader *r, struct pb_field *f);

/* Is the whole of p[0..n) a well-formed message (every field parses)? */
bool pb_valid(const void *p, size_t n);

/*
 * A singular field of a message, as protobuf reads it (the last occurrence
 * wins): the varint num (0 when absent), the bytes of num (NULL when
 * absent, and *len 0).  Reading stops where the message stops parsing.
 */
uint64_t pb_get_varint(const void *p, size_t n, uint32_t num);
const uint8_t *pb_get_bytes(const void *p, size_t n, uint32_t num, size_t *len);

#endif
