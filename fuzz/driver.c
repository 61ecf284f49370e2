/*
 * driver - replay files through a fuzz target without libFuzzer: every
 * file named on the command line, and every file of every directory named
 * (not recursive), in name order.  `make check` runs it over each
 * target's checked-in corpus, so that every input that once crashed, hung
 * or found new code stays a regression test on any compiler.
 *
 * Prints "N inputs" on stdout; exits 0, 1 when a file cannot be read, or
 * dies the way the target does (abort, sanitizer report).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fsutil.h"
#include "fuzz.h"
#include "base/util.h"

static int run_file(const char *path, size_t *count)
{
	size_t len;
	char *buf = read_file(path, &len);

	if (!buf) {
		fprintf(stderr, "driver: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* a copy of exactly len bytes, so that ASan sees any read past the end */
	uint8_t *data = xmalloc(len ? len : 1);

	memcpy(data, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		char **names;
		size_t n;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			if (run_file(argv[i], &count) < 0)
				rc = 1;
			continue;
		}
		if (dir_names(argv[i], &names, &n) < 0) {
			fprintf(stderr, "driver: cannot read directory %s: %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			char *p = path_join(argv[i], names[j]);

			if (names[j][0] != '.' && run_file(p, &count) < 0)
				rc = 1;
			free(p);
			free(names[j]);
		}
		free(names);
	}
	printf("%zu inputs\n", count);
	return rc;
}
