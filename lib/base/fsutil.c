#ifdef __linux__
#define _GNU_SOURCE     /* syncfs */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/util.h"

char *read_file(const char *path, size_t *len)
{
	struct strbuf sb = {0};
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sb_add(&sb, chunk, (size_t)n);
	}
	if (n < 0) {
		int saved = errno;

		close(fd);
		sb_free(&sb);
		errno = saved;
		return NULL;
	}
	close(fd);
	if (len)
		*len = sb.len;
	return sb_detach(&sb);
}

static bool same_content(const char *path, const void *buf, size_t len)
{
	size_t have;
	char *old = read_file(path, &have);
	bool same = old && have == len && memcmp(old, buf, len) == 0;

	free(old);
	return same;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Remove the path.tmp.XXXXXX files that a writer killed before its rename
 * left: they may hold secrets (a Secret manifest), and nothing reads them.
 * Nobody else writes path at the same time (each output has one rule).
 */
static void remove_stale_temps(const char *path)
{
	char *dir = path_dirname(path);
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	char **names;
	size_t n;

	if (dir_names(dir, &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (strncmp(names[i], base, blen) == 0 &&
			    strncmp(names[i] + blen, ".tmp.", 5) == 0 && strlen(names[i] + blen + 5) == 6) {
				char *p = path_join(dir, names[i]);

				unlink(p);
				free(p);
			}
			free(names[i]);
		}
		free(names);
	}
	free(dir);
}

int write_file(const char *path, const void *buf, size_t len, mode_t mode, int flags)
{
	char *tmp;
	int fd, saved;

	if (flags & WRITE_FRESH) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd < 0)
			return -1;
		if (write_all(fd, buf, len) < 0) {
			saved = errno;
			close(fd);
			unlink(path);
			errno = saved;
			return -1;
		}
		if (close(fd) < 0) {
			saved = errno;
			unlink(path);
			errno = saved;
			return -1;
		}
		return 1;
	}
	remove_stale_temps(path);
	if ((flags & WRITE_IF_CHANGED) && same_content(path, buf, len)) {
		struct stat st;

		/* equal bytes, but a mode to correct still counts as a write */
		if (stat(path, &st) == 0 && (st.st_mode & 07777) == mode)
			return 0;
	}
	tmp = xasprintf("%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, mode) < 0 || write_all(fd, buf, len) < 0 ||
	    (!(flags & WRITE_NOSYNC) && fsync(fd) < 0)) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		errno = saved;
		goto fail;
	}
	free(tmp);
	return 1;
fail:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

static int by_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_names(const char *path, char ***names, size_t *n)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!dir)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		*names = xgrow(*names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), by_strcmp);
	return 0;
}

int remove_tree(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	int rc = 0, saved = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		char *sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = path_join(path, e->d_name);
		if (remove_tree(sub) < 0 && rc == 0) {
			rc = -1;
			saved = errno;
		}
		free(sub);
	}
	closedir(dir);
	if (rmdir(path) < 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	errno = saved;
	return rc;
}

int sync_fs(const char *path)
{
#ifdef __linux__
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, saved;

	if (fd < 0)
		return -1;
	rc = syncfs(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
#else
	(void)path;
	sync();
	return 0;
#endif
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			int saved = errno;

			free(p);
			errno = saved;
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(p);
		errno = ENOTDIR;
		return -1;
	}
	free(p);
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (b[0] == '/' || n == 0)
		return xstrdup(b);
	return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *path_clean(const char *path)
{
	bool abs = path[0] == '/';
	char *copy = xstrdup(path), *save = NULL;
	char **parts = NULL;
	size_t np = 0, cap = 0, ndotdot = 0;
	struct strbuf sb = {0};

	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0) {
			if (np > ndotdot) {
				np--;
				continue;
			}
			if (abs)
				continue;       /* "/.." is "/" */
			ndotdot++;
		}
		parts = xgrow(parts, &cap, np + 1, sizeof(*parts));
		parts[np++] = t;
	}
	if (abs)
		sb_addc(&sb, '/');
	for (size_t i = 0; i < np; i++)
		sb_addf(&sb, "%s%s", i ? "/" : "", parts[i]);
	if (sb.len == 0)
		sb_addc(&sb, '.');
	free(parts);
	free(copy);
	return sb_detach(&sb);
}

void remove_stale_dirs(const char *parent, const char *name)
{
	size_t len = strlen(name);
	char **names;
	size_t n;

	if (dir_names(parent, &names, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *e = names[i];

		if (e[0] == '.' && strncmp(e + 1, name, len) == 0 && e[len + 1] == '.' &&
		    strlen(e + len + 2) == 6) {
			char *p = path_join(parent, e);

			if (remove_tree(p) < 0)
				warnf("cannot remove '%s':", p);
			free(p);
		}
		free(names[i]);
	}
	free(names);
}
