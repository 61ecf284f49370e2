#include <stdlib.h>

#include "base64.h"
#include "util.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = alphabet[p[i] >> 2];
		*o++ = alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = alphabet[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = alphabet[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = alphabet[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = alphabet[(p[i + 1] & 15) << 2];
		} else {
			*o++ = alphabet[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

unsigned char *base64_decode(const char *s, size_t len, size_t *outlen)
{
	unsigned char *out = xmalloc(len / 4 * 3 + 4);
	unsigned int acc = 0;
	size_t n = 0, digits = 0, pad = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int v;

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = value_of(c);
		if (v < 0 || pad > 0)
			goto bad;       /* a foreign character, or data after padding */
		acc = (acc << 6) | (unsigned int)v;
		if (++digits % 4 == 0) {
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	switch (digits % 4) {
	case 0:
		if (pad != 0)
			goto bad;
		break;
	case 2:
		if (pad != 0 && pad != 2)
			goto bad;
		out[n++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		if (pad != 0 && pad != 1)
			goto bad;
		out[n++] = (unsigned char)(acc >> 10);
		out[n++] = (unsigned char)(acc >> 2);
		break;
	default:
		goto bad;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
bad:
	free(out);
	return NULL;
}
