/*
 * fuzz.h - what the fuzz targets share.
 *
 * Each fuzz/<target>.c defines LLVMFuzzerTestOneInput (and
 * LLVMFuzzerInitialize).  It is linked two ways: with libFuzzer by
 * `make fuzz` (the library built with clang's fuzzer instrumentation,
 * AddressSanitizer and UndefinedBehaviorSanitizer), and with
 * fuzz/driver.c, a plain main() that feeds it every file of the target's
 * checked-in corpus, fuzz/corpus/<target>/, which `make check` runs.
 *
 * A target returns 0 for every input; bad input is reported by the library
 * as for the tools (on stderr) and is not a failure.  A crash, a sanitizer
 * report, a leak or a broken property (fuzz_assert) is.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test promised does not hold: stop loudly. */
#define fuzz_assert(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The directory of the targets' fixed inputs (MSPs, certificates): $FUZZ_DATA or fuzz/data. */
static inline const char *fuzz_data_dir(void)
{
	const char *d = getenv("FUZZ_DATA");

	return d && *d ? d : "fuzz/data";
}

#endif
