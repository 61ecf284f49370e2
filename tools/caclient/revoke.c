/*
 * caclient revoke: revoke a user at the CA (and remove its MSP directory
 * with -o); caclient cainfo: what the CA says of itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caclient.h"
#include "base/util.h"

/*
 * -o of revoke: absent or empty (nothing to remove), or the user's
 * identity (removed once revoked).  1 to remove, 0 not, -1 after a message.
 */
static int removable(const struct opts *o)
{
	struct ca_ident have;
	char *why = NULL;
	int rc;

	if (!o->output)
		return 0;
	rc = ca_msp_load(o->output, &have, &why);
	if (rc == 1 && strcmp(have.cert->cn, o->user) != 0) {
		why = xasprintf("it is the identity of \"%s\"", have.cert->cn);
		rc = -1;
	}
	if (rc < 0)
		warnf("'%s' is not an identity of %s (%s): left as it is, nothing revoked",
		      o->output, o->user, why);
	free(why);
	ca_ident_free(&have);
	return rc;
}

static int revoke_user(struct ca_client *c, const struct opts *o, struct ca_registrar *reg)
{
	struct ca_resp r;
	size_t n;
	char *why;
	int rc = ca_revoke(c, &reg->id, o->user, o->reason, &n, &r), again;

	if (rc == 1 && (again = ca_registrar_retry(c, reg, &r)) != 0) {
		ca_resp_free(&r);
		rc = again < 0 ? -1 : ca_revoke(c, &reg->id, o->user, o->reason, &n, &r);
	}
	if (rc == 1) {
		why = ca_resp_error(&r);
		if (r.status == 404 && r.code == CA_ERR_REVOKE_ID_NOT_FOUND)
			warnf("cannot revoke %s: the CA at %s has no identity %s (%s)", o->user,
			      ca_client_url(c), o->user, why);
		else
			warnf("cannot revoke %s at %s: %s", o->user, ca_client_url(c), why);
		free(why);
		rc = -1;
	}
	ca_resp_free(&r);
	if (rc == 0 && n)
		printf("revoked %s at %s: %zu certificate%s\n", o->user, ca_client_url(c), n,
		       n == 1 ? "" : "s");
	else if (rc == 0)
		printf("revoked %s at %s: it had no valid certificate left\n", o->user,
		       ca_client_url(c));
	return rc;
}

int cmd_revoke(const struct opts *o)
{
	struct ca_registrar reg = {0};
	struct ca_client *c = NULL;
	int rc = -1, remove = 0;

	if (check_user(o) < 0 || (remove = removable(o)) < 0 ||
	    ca_registrar_init(&reg, o->registrar, o->secret_file, o->registrar_dir) < 0 ||
	    !(c = ca_client_new(&o->conn)) || ca_registrar_ready(c, &reg) < 0)
		goto out;
	rc = revoke_user(c, o, &reg);
	if (rc == 0)
		rc = ca_registrar_save(&reg);
	if (rc == 0 && remove) {
		rc = ca_msp_remove(o->output);
		if (rc == 0)
			printf("removed %s\n", o->output);
	}
out:
	ca_client_free(c);
	ca_registrar_free(&reg);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = -1;
	return rc < 0 ? EXIT_USER : 0;
}

int cmd_cainfo(const struct opts *o)
{
	struct ca_client *c = ca_client_new(&o->conn);
	struct ca_info info = {0};
	struct ca_resp r = {0};
	char when[32], *why;
	int rc = c ? ca_cainfo(c, &info, &r) : -1;

	if (rc == 1) {
		why = ca_resp_error(&r);
		warnf("cannot get the CA's information at %s: %s", ca_client_url(c), why);
		free(why);
		rc = -1;
	}
	if (rc == 0) {
		printf("url: %s\nname: %s\nversion: %s\n", ca_client_url(c), info.name,
		       info.version);
		for (size_t i = 0; i < info.nchain; i++) {
			ca_format_time(info.chain[i]->not_after, when);
			printf("certificate: %s, valid until %s\n", info.chain[i]->cn, when);
		}
	}
	ca_resp_free(&r);
	ca_info_free(&info);
	ca_client_free(c);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = -1;
	return rc < 0 ? EXIT_USER : 0;
}
