/* Unit tests of the small library pieces: paths, atomic writes, templates, vars. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "base/base64.h"
#include "network/cryptocfg.h"
#include "base/duration.h"
#include "base/fsutil.h"
#include "tap.h"
#include "yaml/vars.h"

static void test_paths(void)
{
	static const char *const cases[][2] = {
		{ "a/b/../c", "a/c" }, { "./a//b/", "a/b" }, { "/../x", "/x" },
		{ "../../a", "../../a" }, { "a/../..", ".." }, { "", "." }, { "/", "/" },
		{ "crypto-config/peerOrganizations/org1/msp/.", "crypto-config/peerOrganizations/org1/msp" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *c = path_clean(cases[i][0]);

		is_str(c, cases[i][1], "path_clean(\"%s\")", cases[i][0]);
		free(c);
	}
	char *s = path_join("a/", "b");

	is_str(s, "a/b", "path_join keeps one slash");
	free(s);
	s = path_join("a", "/abs");
	is_str(s, "/abs", "path_join with an absolute second part");
	free(s);
	s = path_dirname("x/y/z.yaml");
	is_str(s, "x/y", "path_dirname");
	free(s);
	s = path_dirname("z.yaml");
	is_str(s, ".", "path_dirname of a bare name");
	free(s);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_write(void)
{
	char dir[] = "/tmp/fk8s-unit.XXXXXX";
	struct stat st, st2;
	char *p, *q, *text;
	size_t len;

	if (!mkdtemp(dir))
		abort();
	p = path_join(dir, "key");
	is_int(write_file(p, "secret", 6, 0600, 0), 1, "write_file writes");
	stat(p, &st);
	is_int(st.st_mode & 0777, 0600, "with the mode asked for");
	text = read_file(p, &len);
	is_str(text, "secret", "read_file reads it back");
	free(text);
	is_int(write_file(p, "secret", 6, 0600, WRITE_IF_CHANGED), 0, "equal content is not rewritten");
	stat(p, &st2);
	ok(st.st_ino == st2.st_ino && st.st_mtim.tv_nsec == st2.st_mtim.tv_nsec, "inode and mtime kept");
	is_int(write_file(p, "secret", 6, 0640, WRITE_IF_CHANGED), 1, "a different mode is a change");
	is_int(write_file(p, "other", 5, 0600, WRITE_IF_CHANGED | WRITE_NOSYNC), 1, "new content is written");
	is_int(count_entries(dir), 1, "no temporary file is left behind");
	/* what a writer killed before its rename left is removed by the next write */
	{
		static const char *const left[] = { "key.tmp.Ab12Cd", "key.tmp.toolong", "keyx.tmp.Ab12Cd" };

		for (size_t i = 0; i < 3; i++) {
			q = path_join(dir, left[i]);
			if (write_file(q, "old secret", 10, 0600, WRITE_FRESH) < 0)
				abort();
			free(q);
		}
		is_int(write_file(p, "other", 5, 0600, WRITE_IF_CHANGED), 0, "an equal write...");
		q = path_join(dir, left[0]);
		ok(!path_exists(q), "...removes key.tmp.XXXXXX that a killed writer left");
		free(q);
		is_int(count_entries(dir), 3, "and nothing else (key.tmp.toolong, keyx.tmp.Ab12Cd stay)");
		for (size_t i = 1; i < 3; i++) {
			q = path_join(dir, left[i]);
			unlink(q);
			free(q);
		}
	}
	q = path_join(dir, "missing/sub/file");
	errno = 0;
	is_int(write_file(q, "x", 1, 0644, 0), -1, "writing into a missing directory fails");
	is_int(errno, ENOENT, "with ENOENT");
	is_int(count_entries(dir), 1, "and leaves nothing");
	free(q);
	q = path_join(dir, "a/b/c");
	is_int(mkdir_p(q, 0755), 0, "mkdir_p makes every level");
	is_int(mkdir_p(q, 0755), 0, "and accepts an existing directory");
	free(q);
	q = path_join(dir, "key/sub");
	is_int(mkdir_p(q, 0755), -1, "mkdir_p under a file fails");
	free(q);
	free(p);
	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		abort();
	free(p);
}

/* gotemplate_expand refuses tmpl with a message that holds want. */
static void bad_template(const char *tmpl, const char *const *vars, const char *want, const char *what)
{
	int fd = capture_begin();
	char *s = gotemplate_expand(tmpl, vars, NULL, NULL), *got = capture_end(fd);

	if (!ok(!s && strstr(got, want), "%s", what))
		printf("#   got \"%s\"\n", got);
	free(s);
	free(got);
}

static void test_gotemplate(void)
{
	const char *vars[] = { "Prefix", "peer", "Index", "3", "Domain", "org1", NULL };
	char *s;

	s = gotemplate_expand("{{.Prefix}}{{ .Index }}.{{.Domain}}", vars, NULL, NULL);
	is_str(s, "peer3.org1", "fields with and without spaces");
	free(s);
	s = gotemplate_expand("plain", vars, NULL, NULL);
	is_str(s, "plain", "no action");
	free(s);
	bad_template("{{.Nope}}", vars, "unknown field \".Nope\"", "unknown field");
	bad_template("x{{.Index", vars, "unclosed action", "unclosed action");
	bad_template("{{printf \"%d\" .Index}}", vars, "unsupported action", "pipelines are refused");
	ok(is_dns_label("org-1") && !is_dns_label("-org") && !is_dns_label("org.1") &&
	   !is_dns_label("Org1") && !is_dns_label(""), "is_dns_label");
}

/* Go durations: what time.ParseDuration reads, as Go's Duration.String() writes */
static void test_duration(void)
{
	static const struct { const char *s; int64_t ns; } good[] = {
		{ "2s", 2000000000LL }, { "1h30m", 5400000000000LL }, { "1.5s", 1500000000LL },
		{ "250ms", 250000000LL }, { "0", 0 }, { "-1m", -60000000000LL }, { "1h0m0s", 3600000000000LL },
	};
	static const char *const bad[] = { "", "30", "0x10", "1e3s", "5 m", "s", "1.s.", "9999999999h" };
	struct strbuf sb = {0};
	int64_t ns;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(parse_go_duration(good[i].s, &ns) == 0 && ns == good[i].ns, "duration %s", good[i].s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(parse_go_duration(bad[i], &ns) < 0, "not a duration: \"%s\"", bad[i]);
	format_go_duration(&sb, 5400000000000ULL);
	is_str(sb.buf, "1h30m0s", "Duration.String() of 1h30m");
	sb_free(&sb);
}

static void test_vars(void)
{
	char path[] = "/tmp/fk8s-vars.XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "# comment\r\nA=1\r\n\nB=x=y\nA=2\n";
	struct vars v = {0};

	if (fd < 0 || write(fd, text, sizeof(text) - 1) < 0)
		abort();
	close(fd);
	is_int(vars_load(&v, path), 0, "vars file loads");
	is_str(vars_get(&v, "A", 1), "2", "a later line wins, CR dropped");
	is_str(vars_get(&v, "B", 1), "x=y", "the value is everything after the first =");
	ok(vars_get(&v, "C", 1) == NULL, "unknown name");
	is_int(vars_set_assignment(&v, "A=3"), 0, "assignment");
	is_str(vars_get(&v, "A", 1), "3", "assignment replaces");
	is_int(vars_set_assignment(&v, "1A=3"), -1, "bad name refused");
	vars_free(&v);
	if (write_file(path, "ok=1\nnot a line\n", 16, 0644, 0) < 0)
		abort();
	fd = capture_begin();
	is_int(vars_load(&v, path), -1, "a malformed line is an error");
	char *msg = capture_end(fd);

	ok(strstr(msg, ":2: expected NAME=value, got \"not a line\"") != NULL, "with its line: %s", msg);
	free(msg);
	vars_free(&v);
	unlink(path);
}

static void test_base64(void)
{
	/* RFC 4648, section 10 */
	static const char *const v[][2] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" } };

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		char *e = base64_encode(v[i][0], strlen(v[i][0]));
		size_t n;
		unsigned char *d = base64_decode(v[i][1], strlen(v[i][1]), &n);

		is_str(e, v[i][1], "encode \"%s\"", v[i][0]);
		ok(d && n == strlen(v[i][0]) && memcmp(d, v[i][0], n) == 0, "decode \"%s\"", v[i][1]);
		free(e);
		free(d);
	}
	size_t n;
	unsigned char *d = base64_decode("Zm9v\nYmFy\n", 10, &n);

	ok(d && n == 6 && memcmp(d, "foobar", 6) == 0, "line breaks are ignored");
	free(d);
	ok(base64_decode("Zm9v!", 5, &n) == NULL, "a foreign character is refused");
	ok(base64_decode("Zg=a", 4, &n) == NULL, "data after padding is refused");
	ok(base64_decode("Z", 1, &n) == NULL, "a lone digit is refused");
}

int main(void)
{
	test_base64();
	set_progname("lib");
	test_paths();
	test_write();
	test_gotemplate();
	test_duration();
	test_vars();
	return done_testing();
}
