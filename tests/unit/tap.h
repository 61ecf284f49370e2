/*
 * tap.h - a minimal Test Anything Protocol emitter for the C unit tests.
 * Each test program prints "ok N - what" lines and ends with done_testing().
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 4, 5)))
static int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fflush(stderr);
	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
		printf("#   got \"%s\"\n#   expected \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got %lld, expected %lld\n", g_, w_); \
} while (0)

/*
 * Capture what the code under test writes to stderr:
 *   int fd = capture_begin(); ...; char *text = capture_end(fd);  (free it)
 */
__attribute__((unused)) static int capture_begin(void)
{
	FILE *f = tmpfile();
	int saved;

	fflush(stderr);
	saved = dup(2);
	if (!f || saved < 0 || dup2(fileno(f), 2) < 0)
		abort();
	fclose(f);      /* fd 2 keeps the file open */
	return saved;
}

__attribute__((unused)) static char *capture_end(int saved)
{
	long n;
	char *buf;

	fflush(stderr);
	n = lseek(2, 0, SEEK_END);
	buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
	if (!buf || n < 0 || pread(2, buf, (size_t)n, 0) != n)
		abort();
	dup2(saved, 2);
	close(saved);
	return buf;
}

static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
