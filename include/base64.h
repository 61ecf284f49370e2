/*
 * base64.h - standard base64 (RFC 4648 alphabet, '=' padding), as Fabric's
 * JSON shows bytes and as Kubernetes Secrets hold data.
 */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

#include "util.h"

/* Append the base64 text of p[0..n) to sb. */
void sb_base64(struct strbuf *sb, const void *p, size_t n);

#endif
