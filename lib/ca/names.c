/*
 * What caclient checks before it asks the CA anything: identity names,
 * types and revocation reasons, the registrar's secret file; and the
 * small helpers on certificates its MSP directories need.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "base/base64.h"
#include "ca/ca.h"
#include "base/util.h"

const char *ca_name_problem(const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return "it is empty";
	if (n > CA_NAME_MAX)
		return "it is longer than 64 bytes, the longest common name fabric-ca enrolls";
	if (strchr(name, ':'))
		return "it contains ':', which HTTP Basic authentication cannot carry in a user name";
	if (name[0] == '.' || name[0] == '-')
		return "it starts with '.' or '-'";
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '@' || c == '-'))
			return "it may hold letters, digits, '.', '_', '@' and '-' only "
				"(it names files and directories)";
	}
	return NULL;
}

bool ca_type_valid(const char *type)
{
	static const char *const types[] = { "client", "peer", "orderer", "admin" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return true;
	return false;
}

const char *const ca_reasons[] = {
	"unspecified", "keycompromise", "cacompromise", "affiliationchanged", "superseded",
	"cessationofoperation", "certificatehold", "removefromcrl", "privilegewithdrawn",
	"aacompromise", NULL,
};

const char *ca_reason(const char *reason)
{
	for (size_t i = 0; ca_reasons[i]; i++)
		if (strcasecmp(reason, ca_reasons[i]) == 0)
			return ca_reasons[i];
	return NULL;
}

/* Read all of fd (a regular file of st_size bytes or fewer). */
static char *read_fd(int fd, size_t size, size_t *len)
{
	char *buf = xmalloc(size + 1);
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pki_wipe_free(buf, size + 1);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* The open secret file's content, after its checks; NULL after a message. */
static char *secret_of(int fd, const char *path, size_t *len)
{
	struct stat st;
	char *s;
	size_t cap;

	if (fstat(fd, &st) < 0) {
		warnf("cannot read the secret file '%s':", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > 4096) {
		warnf("the secret file '%s' is not a regular file of at most 4096 bytes", path);
		return NULL;
	}
	if (st.st_mode & 077) {
		warnf("the secret file '%s' can be read by others (mode %04o): chmod 600 it",
		      path, (unsigned)(st.st_mode & 07777));
		return NULL;
	}
	cap = (size_t)st.st_size;
	if (!(s = read_fd(fd, cap, len))) {
		warnf("cannot read the secret file '%s':", path);
		return NULL;
	}
	while (*len > 0 && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len == 0 || strlen(s) != *len) {
		warnf("the secret file '%s' is empty or holds a NUL byte", path);
		pki_wipe_free(s, cap + 1);
		return NULL;
	}
	return s;
}

char *ca_read_secret(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char *s;

	if (fd < 0) {
		warnf("cannot open the secret file '%s':", path);
		return NULL;
	}
	/* every byte past *len is a NUL: wiping *len + 1 bytes wipes the secret */
	s = secret_of(fd, path, len);
	close(fd);
	return s;
}

char *ca_random_secret(void)
{
	unsigned char raw[24];
	char *s;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		die("cannot make a random secret: OpenSSL's random generator failed");
	s = base64_encode(raw, sizeof(raw));
	OPENSSL_cleanse(raw, sizeof(raw));
	return s;
}

void ca_certs_free(struct pki_cert **certs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pki_cert_free(certs[i]);
	free(certs);
}

/* The first needle in [p, end), NULL when none. */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

int ca_certs_from_pem(const char *pem, size_t len, struct pki_cert ***certs, size_t *n)
{
	static const char end_marker[] = "-----END CERTIFICATE-----";
	const char *p = pem, *end = pem + len;
	size_t cap = 0;

	*certs = NULL;
	*n = 0;
	while (p < end) {
		const char *b = find(p, end, "-----BEGIN CERTIFICATE-----");
		const char *e;
		struct pki_cert *c;

		if (!b)
			break;
		e = find(b, end, end_marker);
		if (!e || !(c = pki_cert_from_pem(b, (size_t)(e - b) + sizeof(end_marker) - 1))) {
			ca_certs_free(*certs, *n);
			*certs = NULL;
			*n = 0;
			return -1;
		}
		*certs = xgrow(*certs, &cap, *n + 1, sizeof(**certs));
		(*certs)[(*n)++] = c;
		p = e + sizeof(end_marker) - 1;
	}
	return *n ? 0 : -1;
}

char *ca_cert_file_name(const struct pki_cert *c)
{
	const char *cn = c->cn && *c->cn ? c->cn : "ca";

	/* a CN that cannot be a file name gives the plain "ca-cert.pem" */
	if (ca_name_problem(cn) && strcmp(cn, "ca") != 0)
		cn = "ca";
	return xasprintf("%s-cert.pem", cn);
}

void ca_format_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)t);
}

bool ca_cert_has_ou(const struct pki_cert *c, const char *ou)
{
	const unsigned char *p = c->der;
	X509 *x = d2i_X509(NULL, &p, (long)c->len);
	const X509_NAME *name = x ? X509_get_subject_name(x) : NULL;
	bool found = false;

	for (int i = -1; name && !found &&
	     (i = X509_NAME_get_index_by_NID(name, NID_organizationalUnitName, i)) >= 0;) {
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));

		found = v && (size_t)ASN1_STRING_length(v) == strlen(ou) &&
			memcmp(ASN1_STRING_get0_data(v), ou, strlen(ou)) == 0;
	}
	X509_free(x);
	return found;
}
