/* duration.c - Go's time.ParseDuration and Duration.String(), exactly. */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/duration.h"

/* ---- durations, as Go's time package writes and reads them ---- */

/*
 * Parse a Go duration ("2s", "500ms", "1h30m", "1.5s") into nanoseconds.
 * Returns 0, or -1 for anything Go's time.ParseDuration refuses.
 */
int parse_go_duration(const char *s, int64_t *out)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL },
	};
	const uint64_t max = (uint64_t)INT64_MAX;
	bool neg = false;
	uint64_t total = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (!*s)
		return -1;
	while (*s) {
		uint64_t whole = 0, frac = 0, scale = 1;
		bool digits = false;
		size_t i, ulen;

		while (isdigit((unsigned char)*s)) {
			if (whole > (max - 9) / 10)
				return -1;
			whole = whole * 10 + (uint64_t)(*s++ - '0');
			digits = true;
		}
		if (*s == '.') {
			s++;
			while (isdigit((unsigned char)*s)) {
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (uint64_t)(*s - '0');
					scale *= 10;
				}
				s++;
				digits = true;
			}
		}
		if (!digits)
			return -1;
		ulen = 0;
		while (s[ulen] && s[ulen] != '.' && !isdigit((unsigned char)s[ulen]))
			ulen++;
		for (i = 0; i < sizeof(units) / sizeof(*units); i++)
			if (strlen(units[i].unit) == ulen && strncmp(s, units[i].unit, ulen) == 0)
				break;
		if (i == sizeof(units) / sizeof(*units))
			return -1;
		s += ulen;
		if (whole > max / units[i].ns)
			return -1;
		uint64_t v = whole * units[i].ns;

		/* the fraction: frac/scale of the unit, truncated as Go does */
		v += (uint64_t)((long double)frac * (long double)units[i].ns / (long double)scale);
		if (v > max || total > max - v)
			return -1;
		total += v;
	}
	*out = neg ? -(int64_t)total : (int64_t)total;
	return 0;
}

/* Append v / 10^prec with its trailing zeros (and a bare '.') left out. */
static void frac_digits(struct strbuf *sb, uint64_t v, int prec)
{
	uint64_t div = 1;
	char digits[24];
	int n;

	for (int i = 0; i < prec; i++)
		div *= 10;
	sb_addf(sb, "%" PRIu64, v / div);
	if (prec == 0 || v % div == 0)
		return;
	n = snprintf(digits, sizeof(digits), "%0*" PRIu64, prec, v % div);
	while (n > 0 && digits[n - 1] == '0')
		n--;
	sb_addf(sb, ".%.*s", n, digits);
}

/* Go's Duration.String() for a positive duration: "2s", "500ms", "1m30s", "1h0m0s". */
void format_go_duration(struct strbuf *sb, uint64_t ns)
{
	if (ns == 0) {
		sb_adds(sb, "0s");
	} else if (ns < 1000) {
		sb_addf(sb, "%" PRIu64 "ns", ns);
	} else if (ns < 1000000) {
		frac_digits(sb, ns, 3);
		sb_adds(sb, "\xc2\xb5s");
	} else if (ns < 1000000000ULL) {
		frac_digits(sb, ns, 6);
		sb_adds(sb, "ms");
	} else {
		uint64_t secs = ns / 1000000000ULL, h = secs / 3600, m = secs / 60 % 60;

		if (h)
			sb_addf(sb, "%" PRIu64 "h", h);
		if (h || m)
			sb_addf(sb, "%" PRIu64 "m", m);
		frac_digits(sb, secs % 60 * 1000000000ULL + ns % 1000000000ULL, 9);
		sb_addc(sb, 's');
	}
}
