/*
 * fsutil.h - files and paths: whole-file reads, atomic writes, directory
 * creation and path arithmetic.
 *
 * Every generated file is written atomically: the bytes go to a temporary
 * file beside the target, which is renamed over it only when complete, so
 * an interrupted run never leaves a half-written file that a later make
 * would take as up to date.
 */
#ifndef FSUTIL_H
#define FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read a whole file; NUL-terminated (not counted in *len). NULL + errno on error. */
char *read_file(const char *path, size_t *len);

enum {
	WRITE_NOSYNC = 1,       /* skip fsync: for bulk output renamed into place later */
	WRITE_IF_CHANGED = 2,   /* leave the file (and its mtime) alone when equal */
	/*
	 * The file is new and sits in a private directory that is renamed
	 * into place only when complete: create it directly (failing if it
	 * exists), no temporary file, no fsync.  The mode is given to open(),
	 * so the umask applies, as for any new file.
	 */
	WRITE_FRESH = 4,
};

/*
 * Write len bytes to path with mode (temp file path.tmp.XXXXXX, fsync,
 * rename).  Temporary files of path that a killed writer left are removed
 * first.  Returns 1 when written, 0 when WRITE_IF_CHANGED found it equal,
 * -1 with errno set on failure (the target is then untouched).
 */
int write_file(const char *path, const void *buf, size_t len, mode_t mode, int flags);

/*
 * Remove path and everything under it (symbolic links are removed, not
 * followed).  0, or -1 with errno when something could not be removed.
 */
int remove_tree(const char *path);

/*
 * Flush everything written to the file system that holds path (syncfs on
 * Linux, sync elsewhere): one call after a bulk write with WRITE_NOSYNC or
 * WRITE_FRESH.  0 or -1 with errno.
 */
int sync_fs(const char *path);

/*
 * The entries of directory path without "." and "..", sorted by strcmp so
 * that output made from them is stable: an allocated array of *n allocated
 * names (free each, then the array; NULL when empty).  -1 with errno when
 * the directory cannot be read, else 0.
 */
int dir_names(const char *path, char ***names, size_t *n);

/*
 * Remove the directories parent/.<name>.XXXXXX (mkdtemp's) that a run
 * killed before its rename left, saying which cannot be removed.  For a
 * writer that alone works on parent/<name> at a time: any such directory
 * is stale.
 */
void remove_stale_dirs(const char *parent, const char *name);

/* mkdir -p with the given mode; 0 or -1 with errno. */
int mkdir_p(const char *path, mode_t mode);

/* Does path exist (any type)? */
bool path_exists(const char *path);

/* "a" + "/" + "b" (b absolute: b alone); allocated. */
char *path_join(const char *a, const char *b);
/* Everything before the last '/', "." when there is none; allocated. */
char *path_dirname(const char *path);
/*
 * Lexically clean a path like Go's filepath.Clean: collapse "//", drop
 * ".", resolve "x/.." ; allocated.  Does not look at the file system.
 */
char *path_clean(const char *path);

#endif
