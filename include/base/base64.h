/*
 * base64.h - standard base64 (RFC 4648 alphabet, '=' padding), as Fabric's
 * JSON shows bytes, Kubernetes Secrets hold data and kubeconfig *-data
 * fields carry certificates.
 */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

#include "base/util.h"

/* Append the base64 text of p[0..n) to sb. */
void sb_base64(struct strbuf *sb, const void *p, size_t n);
/* Encode len bytes; returns an allocated NUL-terminated string. */
char *base64_encode(const void *data, size_t len);
/*
 * Decode, ignoring white space; returns an allocated buffer (NUL-terminated,
 * not counted in *outlen) or NULL when s is not valid base64.
 */
unsigned char *base64_decode(const char *s, size_t len, size_t *outlen);

#endif
