/* base64.h - standard base64 (RFC 4648, padded), as Kubernetes Secrets and kubeconfig *-data fields use it. */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/* Encode len bytes; returns an allocated NUL-terminated string. */
char *base64_encode(const void *data, size_t len);
/*
 * Decode, ignoring white space; returns an allocated buffer (NUL-terminated,
 * not counted in *outlen) or NULL when s is not valid base64.
 */
unsigned char *base64_decode(const char *s, size_t len, size_t *outlen);

#endif
