/*
 * kubeconfig - a kubeconfig file as kapply reads it (kubeconfig_load with
 * --kubeconfig): contexts, clusters and users, every credential form,
 * exec plugin entries (never run here) and the description `kapply
 * config` prints.  The input is written to a file in a directory of its
 * own, so relative paths in it name nothing.
 *
 * Properties: a loaded configuration has a server URL, a namespace and a
 * description of how it authenticates, and the description never holds
 * the token, password or key (unless the file spells that text elsewhere
 * too, as a server name may).
 */
#define _GNU_SOURCE     /* memmem */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "fuzz.h"
#include "k8s/kubeconfig.h"

static char *dir, *path;

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");

	(void)argc, (void)argv;
	set_progname("fuzz-kubeconfig");
	dir = xasprintf("%s/fuzz-kubeconfig.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		perror("fuzz-kubeconfig: mkdtemp");
		exit(1);
	}
	path = path_join(dir, "config");
	atexit(cleanup);
	return 0;
}

/* How often needle stands in hay (overlaps counted). */
static size_t occurrences(const void *hay, size_t n, const void *needle, size_t len)
{
	size_t count = 0;
	const char *p = hay, *end = p + n, *q;

	while ((q = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
		count++;
		p = q + 1;
	}
	return count;
}

/*
 * The secret is not in the description, unless the input itself holds its
 * text more than once: a server name the file spells with the token in it
 * is the user's to print.
 */
static void not_in(const char *text, const uint8_t *data, size_t size, const void *secret, size_t len)
{
	if (secret && len >= 8 && occurrences(data, size, secret, len) < 2)
		fuzz_assert(!memmem(text, strlen(text), secret, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig_opts o = { .kubeconfig = path };
	struct kubeconfig *kc;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fuzz_assert(fd >= 0);
	fuzz_assert(write(fd, data, size) == (ssize_t)size);
	close(fd);
	kc = kubeconfig_load(&o);
	if (kc) {
		struct strbuf sb = {0};

		fuzz_assert(kc->server && (strncmp(kc->server, "https://", 8) == 0 ||
					  strncmp(kc->server, "http://", 7) == 0));
		fuzz_assert(kc->namespace && kc->auth_origin);
		kubeconfig_describe(kc, &sb);
		not_in(sb.buf, data, size, kc->token, kc->token ? strlen(kc->token) : 0);
		not_in(sb.buf, data, size, kc->password, kc->password ? strlen(kc->password) : 0);
		not_in(sb.buf, data, size, kc->key, kc->key_len);
		sb_free(&sb);
		kubeconfig_free(kc);
	}
	return 0;
}
