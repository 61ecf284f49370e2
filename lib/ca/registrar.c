/*
 * The registrar: the CA's bootstrap identity, enrolled once with its
 * secret, then known by the certificate kept in its own MSP directory.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ca/ca.h"
#include "base/util.h"

int ca_registrar_init(struct ca_registrar *reg, const char *name, const char *secret_file,
		      const char *dir)
{
	const char *bad = ca_name_problem(name);
	char *why = NULL;
	int rc;

	memset(reg, 0, sizeof(*reg));
	reg->name = name;
	reg->secret_file = secret_file;
	reg->dir = dir;
	if (bad) {
		warnf("invalid registrar name \"%s\": %s", name, bad);
		return -1;
	}
	if (!(reg->secret = ca_read_secret(secret_file, &reg->secret_len)))
		return -1;
	/* an enrollment that is not (or no longer) a valid one is made again */
	rc = ca_msp_load(dir, &reg->id, &why);
	free(why);
	if (rc == 1) {
		why = ca_ident_problem(&reg->id, name, reg->id.chain, reg->id.nchain,
				       (int64_t)time(NULL));
		reg->enrolled = !why;
		free(why);
		if (!reg->enrolled)
			ca_ident_free(&reg->id);
	}
	return 0;
}

/* The CA said no to the registrar's secret, or to something else: say which. */
static void refused(const struct ca_client *c, const struct ca_registrar *reg,
		    const struct ca_resp *r)
{
	char *what = ca_resp_error(r);

	if (r->status == 401 && r->code == CA_ERR_PASSWORD_ATTEMPTS)
		warnf("the CA at %s locked registrar %s after too many wrong secrets (%s)",
		      ca_client_url(c), reg->name, what);
	else if (r->status == 401)
		warnf("the CA at %s refused registrar %s with the secret in '%s' (%s)",
		      ca_client_url(c), reg->name, reg->secret_file, what);
	else
		warnf("cannot enroll registrar %s at %s: %s", reg->name, ca_client_url(c), what);
	free(what);
}

int ca_registrar_ready(struct ca_client *c, struct ca_registrar *reg)
{
	struct ca_resp r;
	int rc;

	ca_client_redact(c, reg->secret);
	if (reg->enrolled)
		return 0;
	rc = ca_enroll(c, reg->name, reg->secret, &reg->id, &r);
	if (rc == 1)
		refused(c, reg, &r);
	ca_resp_free(&r);
	if (rc != 0)
		return -1;
	reg->enrolled = reg->fresh = true;
	return 0;
}

int ca_registrar_retry(struct ca_client *c, struct ca_registrar *reg, const struct ca_resp *r)
{
	if (r->status != 401 || !reg->enrolled || reg->fresh)
		return 0;
	ca_ident_free(&reg->id);
	reg->enrolled = false;
	return ca_registrar_ready(c, reg) == 0 ? 1 : -1;
}

int ca_registrar_save(struct ca_registrar *reg)
{
	const struct ca_msp_opts o = { .dir_mode = 0700, .replace = true };

	if (!reg->fresh)
		return 0;
	if (ca_msp_write(reg->dir, &reg->id, &o) < 0)
		return -1;
	reg->fresh = false;
	return 0;
}

void ca_registrar_free(struct ca_registrar *reg)
{
	if (reg->secret)
		pki_wipe_free(reg->secret, reg->secret_len + 1);
	ca_ident_free(&reg->id);
	memset(reg, 0, sizeof(*reg));
}
