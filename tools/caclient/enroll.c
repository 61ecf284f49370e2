/*
 * caclient enroll: register the user (or, when the CA has it already, give
 * it a new secret), enroll it, and write its MSP directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caclient.h"
#include "base/util.h"

int check_user(const struct opts *o)
{
	const char *bad = ca_name_problem(o->user);

	if (bad) {
		warnf("invalid user name \"%s\": %s", o->user, bad);
		return -1;
	}
	if (strcmp(o->user, o->registrar) == 0) {
		warnf("--user %s is the registrar: caclient does not %s it", o->user, o->cmd);
		return -1;
	}
	return 0;
}

/* Say why the CA did not do what it was asked; r is freed. */
static int failed(const char *what, const struct ca_client *c, struct ca_resp *r)
{
	char *why = ca_resp_error(r);

	warnf("%s at %s: %s", what, ca_client_url(c), why);
	free(why);
	ca_resp_free(r);
	return -1;
}

/*
 * The CA's chain, to check an identity against: the registrar's enrollment
 * has it, else the CA is asked.  0 or -1 after a message.
 */
static int ca_chain(struct ca_client *c, const struct ca_registrar *reg, struct ca_info *info)
{
	struct ca_resp r;
	int rc;

	memset(info, 0, sizeof(*info));
	if (reg->enrolled)
		return 0;
	rc = ca_cainfo(c, info, &r);
	if (rc == 1)
		return failed("cannot get the CA's certificates", c, &r);
	ca_resp_free(&r);
	return rc;
}

/* 1: -o holds a valid identity of the user; 0: -o is free; -1 after a message. */
static int existing(struct ca_client *c, const struct opts *o, const struct ca_registrar *reg)
{
	struct ca_ident have;
	struct ca_info info;
	char *why, when[32];
	int rc = ca_msp_load(o->output, &have, &why);

	if (rc <= 0) {
		if (rc < 0)
			warnf("'%s' is not an identity caclient can check (%s): remove it to enroll %s "
			      "again", o->output, why, o->user);
		free(why);
		return rc;
	}
	if (ca_chain(c, reg, &info) < 0) {
		ca_ident_free(&have);
		return -1;
	}
	why = reg->enrolled ?
		ca_ident_problem(&have, o->user, reg->id.chain, reg->id.nchain, (int64_t)time(NULL)) :
		ca_ident_problem(&have, o->user, info.chain, info.nchain, (int64_t)time(NULL));
	if (!why && !ca_cert_has_ou(have.cert, o->type))
		why = xasprintf("its certificate is not of type %s", o->type);
	if (why) {
		warnf("'%s' holds no valid identity of %s (%s): remove it to enroll %s again",
		      o->output, o->user, why, o->user);
		rc = -1;
	} else {
		ca_format_time(have.cert->not_after, when);
		printf("%s already holds the identity of %s (valid until %s): nothing to do\n",
		       o->output, o->user, when);
		rc = 1;
	}
	free(why);
	ca_info_free(&info);
	ca_ident_free(&have);
	return rc;
}

/* The CA has the user already: same type, then a new secret.  0 or -1. */
static int reset_secret(struct ca_client *c, const struct opts *o, struct ca_registrar *reg,
			const char *secret)
{
	struct ca_resp r;
	char *type, *what = xasprintf("cannot look up %s", o->user);
	int rc = ca_identity_type(c, &reg->id, o->user, &type, &r);

	if (rc == 1)
		rc = failed(what, c, &r);
	free(what);
	ca_resp_free(&r);
	if (rc < 0)
		return -1;
	if (strcmp(type, o->type) != 0) {
		warnf("%s is registered at %s as a %s, not a %s: enroll it with --type %s, or "
		      "enroll another --user", o->user, ca_client_url(c), type, o->type, type);
		free(type);
		return -1;
	}
	free(type);
	what = xasprintf("cannot give %s a new secret", o->user);
	rc = ca_identity_set_secret(c, &reg->id, o->user, secret, &r);
	if (rc == 1)
		rc = failed(what, c, &r);
	free(what);
	ca_resp_free(&r);
	return rc < 0 ? -1 : 0;
}

/* Register the user with secret: 0 registered, 1 it was and has secret now, -1. */
static int register_user(struct ca_client *c, const struct opts *o, struct ca_registrar *reg,
			 const char *secret)
{
	struct ca_resp r;
	int rc = ca_register(c, &reg->id, o->user, o->type, secret, &r), again;
	char *what;

	if (rc == 1 && (again = ca_registrar_retry(c, reg, &r)) != 0) {
		ca_resp_free(&r);
		rc = again < 0 ? -1 : ca_register(c, &reg->id, o->user, o->type, secret, &r);
	}
	if (rc == 1 && r.status == 409 && r.code == CA_ERR_DUP_IDENTITY) {
		ca_resp_free(&r);
		return reset_secret(c, o, reg, secret) < 0 ? -1 : 1;
	}
	what = xasprintf("cannot register %s", o->user);
	if (rc == 1)
		rc = failed(what, c, &r);
	free(what);
	ca_resp_free(&r);
	return rc;
}

static int enroll_user(struct ca_client *c, const struct opts *o, const char *secret,
		       bool reset, struct ca_ident *id)
{
	struct ca_resp r;
	char *why;
	int rc = ca_enroll(c, o->user, secret, id, &r);

	if (rc == 1 && reset && r.status == 401) {
		why = ca_resp_error(&r);
		warnf("the CA at %s refused to enroll %s with the new secret it took (%s): %s was "
		      "revoked, or has no enrollment left; enroll another --user", ca_client_url(c),
		      o->user, why, o->user);
		free(why);
		rc = -1;
	} else if (rc == 1) {
		why = xasprintf("cannot enroll %s", o->user);
		rc = failed(why, c, &r);
		free(why);
	}
	ca_resp_free(&r);
	return rc;
}

static int write_identity(const struct ca_client *c, const struct opts *o,
			  const struct ca_ident *id, bool reset)
{
	struct ca_msp_opts mo = { .node_ous = o->node_ous, .dir_mode = 0755 };
	char when[32];

	mo.tls = ca_client_tls_roots(c, &mo.ntls);
	if (ca_msp_write(o->output, id, &mo) < 0)
		return -1;
	ca_format_time(id->cert->not_after, when);
	if (reset)
		printf("%s was registered at %s already: it got a new secret to enroll again\n",
		       o->user, ca_client_url(c));
	printf("enrolled %s (%s) at %s into %s, valid until %s\n", o->user, o->type,
	       ca_client_url(c), o->output, when);
	return 0;
}

int cmd_enroll(const struct opts *o)
{
	struct ca_registrar reg = {0};
	struct ca_client *c = NULL;
	struct ca_ident id = {0};
	char *secret = ca_random_secret();
	int rc = -1;
	bool reset = false;

	/* everything that needs no request first: the name, the secret file, -o */
	if (check_user(o) < 0 ||
	    ca_registrar_init(&reg, o->registrar, o->secret_file, o->registrar_dir) < 0 ||
	    !(c = ca_client_new(&o->conn)))
		goto out;
	ca_client_redact(c, secret);
	if ((rc = existing(c, o, &reg)) != 0)
		goto out;
	rc = ca_registrar_ready(c, &reg) < 0 ? -1 : register_user(c, o, &reg, secret);
	reset = rc == 1;
	if (rc >= 0)
		rc = enroll_user(c, o, secret, reset, &id);
	if (rc == 0 && (ca_registrar_save(&reg) < 0 || write_identity(c, o, &id, reset) < 0))
		rc = -1;
out:
	ca_ident_free(&id);
	ca_client_free(c);
	ca_registrar_free(&reg);
	pki_wipe_free(secret, strlen(secret));
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = -1;
	return rc < 0 ? EXIT_USER : 0;
}
