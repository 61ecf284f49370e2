/*
 * der.h - a small writer and reader of ASN.1 DER, enough for X.509
 * certificates and PKCS#8 keys built byte by byte (lib/x509/pki.c).
 *
 * Writing appends to a struct der (zero-initialise it; free with der_free).
 * A constructed value is opened with der_begin(), which returns a mark,
 * and closed with der_end(mark), which inserts the definite length once
 * the contents are known.  Reading walks a buffer the caller owns:
 * der_read() never copies, every slice points into that buffer.
 */
#ifndef DER_H
#define DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Universal tags, and the bits that make context-specific tags. */
enum {
	DER_BOOLEAN = 0x01, DER_INTEGER = 0x02, DER_BIT_STRING = 0x03,
	DER_OCTET_STRING = 0x04, DER_NULL = 0x05, DER_OID = 0x06,
	DER_UTF8_STRING = 0x0c, DER_PRINTABLE_STRING = 0x13, DER_IA5_STRING = 0x16,
	DER_UTC_TIME = 0x17, DER_GENERALIZED_TIME = 0x18,
	DER_SEQUENCE = 0x30, DER_SET = 0x31,
	DER_CONTEXT = 0x80, DER_CONSTRUCTED = 0x20,
};

struct der {
	uint8_t *buf;
	size_t len, cap;
};

/* Append raw bytes (an already encoded value). */
void der_raw(struct der *d, const void *p, size_t n);
/* Append one value: tag, length, contents. */
void der_tlv(struct der *d, unsigned tag, const void *p, size_t n);
/* Open a constructed value; pass the result to der_end(). */
size_t der_begin(struct der *d, unsigned tag);
void der_end(struct der *d, size_t mark);
/*
 * A non-negative INTEGER from big-endian magnitude bytes: leading zeros
 * are dropped and a 0x00 is put in front when the top bit is set.
 */
void der_uint(struct der *d, const uint8_t *be, size_t n);
/* An OBJECT IDENTIFIER from its dotted form, e.g. "2.5.4.3". */
void der_oid(struct der *d, const char *dotted);
/*
 * A time as X.509 wants it: UTCTime (YYMMDDHHMMSSZ) for the years
 * 1950-2049, GeneralizedTime (YYYYMMDDHHMMSSZ) otherwise.
 */
void der_time(struct der *d, int64_t unix_seconds);
void der_free(struct der *d);

/* A value read from a buffer; every pointer points into that buffer. */
struct der_value {
	unsigned tag;
	const uint8_t *val;     /* contents */
	size_t len;
	const uint8_t *raw;     /* the whole encoding: tag, length, contents */
	size_t rawlen;
};

/*
 * Read the value at *p (before end) and advance *p past it.  Only
 * single-byte tags and definite lengths (DER) are accepted.  Returns 0,
 * or -1 when the bytes are not a well-formed value.
 */
int der_read(const uint8_t **p, const uint8_t *end, struct der_value *v);
/* As der_read, and the tag must be the one given. */
int der_expect(const uint8_t **p, const uint8_t *end, unsigned tag, struct der_value *v);

/* Parse a UTCTime or GeneralizedTime ending in Z; 0 or -1. */
int der_parse_time(const struct der_value *v, int64_t *unix_seconds);

/* Does the OID value (contents of tag 6) encode this dotted OID? */
bool der_oid_is(const struct der_value *v, const char *dotted);

/* Days since 1970-01-01 of a proleptic Gregorian date, and the inverse. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
