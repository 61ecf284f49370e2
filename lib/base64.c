#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "util.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int digit(unsigned char c)
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

unsigned char *base64_decode(const char *text, size_t len, size_t *outlen)
{
	unsigned char *out = xmalloc(len / 4 * 3 + 4);
	size_t n = 0, pad = 0, ndigits = 0;
	unsigned acc = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		int d;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		d = digit(c);
		if (d < 0 || pad)       /* nothing but padding after padding */
			goto bad;
		acc = acc << 6 | (unsigned)d;
		if (++ndigits % 4 == 0) {
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
		}
	}
	switch (ndigits % 4) {
	case 0:
		if (pad)
			goto bad;
		break;
	case 1:
		goto bad;
	case 2:
		if (pad && pad != 2)
			goto bad;
		out[n++] = (unsigned char)(acc >> 4);
		break;
	case 3:
		if (pad && pad != 1)
			goto bad;
		out[n++] = (unsigned char)(acc >> 10);
		out[n++] = (unsigned char)(acc >> 2);
		break;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
bad:
	free(out);
	return NULL;
}

char *base64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;

	for (size_t i = 0; i < len; i += 3) {
		unsigned acc = (unsigned)p[i] << 16;
		if (i + 1 < len)
			acc |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			acc |= p[i + 2];
		*o++ = alphabet[acc >> 18 & 63];
		*o++ = alphabet[acc >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[acc >> 6 & 63] : '=';
		*o++ = i + 2 < len ? alphabet[acc & 63] : '=';
	}
	*o = '\0';
	return out;
}
