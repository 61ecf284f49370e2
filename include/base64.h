/*
 * base64.h - the standard base64 alphabet (RFC 4648 section 4), as
 * kubeconfig's *-data fields and Secrets use it.
 */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

/*
 * Decode len bytes of base64 text; white space is skipped, padding is
 * optional.  Returns an allocated, NUL-terminated buffer (the NUL is not
 * counted in *outlen), or NULL when the text is not base64.
 */
unsigned char *base64_decode(const char *text, size_t len, size_t *outlen);

/* Encode len bytes; the result is allocated and NUL-terminated. */
char *base64_encode(const void *data, size_t len);

#endif
