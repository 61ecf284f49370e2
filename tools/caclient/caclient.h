/*
 * caclient.h - what caclient's commands share: the parsed command line.
 */
#ifndef CACLIENT_H
#define CACLIENT_H

#include <stdbool.h>

#include "ca/ca.h"

struct opts {
	const char *cmd;
	struct ca_client_opts conn;     /* -u, --caname, --tls-ca, -v */
	const char *registrar;          /* --registrar (admin) */
	const char *secret_file;        /* --registrar-secret-file */
	const char *registrar_dir;      /* --registrar-dir */
	const char *user;               /* --user */
	const char *type;               /* --type (client) */
	const char *reason;             /* --reason, as fabric-ca spells it; NULL: none */
	const char *output;             /* -o */
	bool node_ous;                  /* --nodeous */
};

/* The commands: exit statuses (0, EXIT_USER). */
int cmd_enroll(const struct opts *o);
int cmd_revoke(const struct opts *o);
int cmd_cainfo(const struct opts *o);

/*
 * Is o->user a name the CA can enroll, and not the registrar?  0, or -1
 * after a message.
 */
int check_user(const struct opts *o);

#endif
