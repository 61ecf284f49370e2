/*
 * util.h - error reporting, allocation and growable strings shared by
 * every tool.
 *
 * Messages go to stderr as "prog: message", lower case, no trailing full
 * stop (git's style).  A format that ends in ':' gets ": strerror(errno)"
 * appended (sbase's eprintf convention).
 *
 * The error convention of lib/: a function reports its own error, once,
 * where it finds it (warnf, or yerror when it has the YAML node: the same
 * message with file, line and field), and returns -1 or NULL; its callers
 * print nothing more and pass the failure up.  A function that needs a
 * caller's context for its message takes it (a ynode and ypath, a name).
 * Only a question whose answer is a reason rather than an error (what
 * some bytes are, what is wrong with a name or an identity, why a server
 * lacks a kind, does text parse as JSON) may hand the reason back instead
 * of printing it, for callers that ask without failing; its header says so.
 * The wrappers of system calls in fsutil.h fail as those calls do, -1 or
 * NULL with errno, and leave the message to the caller, who knows what
 * the file is for.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

/* Exit statuses shared by all tools (see README). */
enum { EXIT_USER = 1, EXIT_USAGE = 2 };

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Set once from main(); the basename of argv0 prefixes every message. */
void set_progname(const char *argv0);
const char *progname(void);

/* Print "prog: msg" (with strerror when fmt ends in ':'). */
void warnf(const char *fmt, ...) ATTR_PRINTF(1, 2);
void vwarnf(const char *fmt, va_list ap);
/* warnf, then exit(EXIT_USER). */
noreturn void die(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* Allocation that cannot fail: on exhaustion the program dies with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of *cap elements of size elem so it holds at least need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);

/* A growable, always NUL-terminated byte string. Zero-initialise to start. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
/* s in double quotes, '"' and '\\' escaped: a YAML (and JSON) string of text. */
void sb_add_quoted(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
void sb_reset(struct strbuf *sb);
/* Hand the buffer to the caller (who frees it); sb is empty afterwards. */
char *sb_detach(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* Milliseconds of a clock that only moves forward, for timeouts and durations. */
long long monotonic_ms(void);

/* Parse a whole decimal integer within [min, max]; 0 on success. */
int parse_long(const char *s, long long min, long long max, long long *out);

#endif
