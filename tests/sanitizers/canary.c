/*
 * canary - does each sanitizer of `make check SANITIZE=1` work here?
 * tests/sanitizers.t runs it once per kind of fault and expects the report
 * and a failing exit status: "leak" (LeakSanitizer), "freed"
 * (AddressSanitizer) and "signed" (UndefinedBehaviorSanitizer).  A
 * sanitizer that is off, or that cannot run in this environment (LSan
 * under ptrace, say), would otherwise let the suite pass unchecked.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile keep;     /* the compiler must not see through the faults */

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "leak") == 0) {
		keep = malloc(100);
		keep = NULL;            /* lost */
		return 0;
	}
	if (strcmp(what, "freed") == 0) {
		keep = malloc(8);
		free(keep);
		*(volatile char *)keep = 'x';   /* written after free */
		return 0;
	}
	if (strcmp(what, "signed") == 0) {
		volatile int big = INT_MAX;

		printf("%d\n", big + argc);
		return 0;
	}
	fprintf(stderr, "usage: canary leak|freed|signed\n");
	return 2;
}
