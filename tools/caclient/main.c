/*
 * caclient - application identities from an org's Fabric CA (fabric-ca
 * 1.5), over its REST API: enroll registers and enrolls a user into an
 * MSP directory, revoke revokes it, cainfo says whether the CA answers.
 * The registrar's secret comes from a file, never from the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "caclient.h"
#include "base/subcmd.h"
#include "base/util.h"

static const char synopsis[] =
	"usage: caclient enroll -u URL --tls-ca FILE [--caname NAME] [--registrar NAME]\n"
	"                       --registrar-secret-file FILE --registrar-dir DIR\n"
	"                       --user NAME [--type TYPE] [--nodeous] -o DIR [-v]\n"
	"       caclient revoke -u URL --tls-ca FILE [--caname NAME] [--registrar NAME]\n"
	"                       --registrar-secret-file FILE --registrar-dir DIR\n"
	"                       --user NAME [--reason REASON] [-o DIR] [-v]\n"
	"       caclient cainfo -u URL --tls-ca FILE [--caname NAME] [-v]\n"
	"       caclient help\n";

static void usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

#define INDENT "                             "

static void help(void)
{
	printf("%s\n"
	       "Get application identities from an org's Fabric CA (fabric-ca 1.5) through\n"
	       "its REST API, as the CA's registrar.\n\n"
	       "  enroll   register --user at the CA (a random secret, kept in memory only)\n"
	       "           and enroll it into the MSP directory -o: keystore/priv_sk,\n"
	       "           signcerts/cert.pem, cacerts/, tlscacerts/, and config.yaml with\n"
	       "           --nodeous.  A directory that already holds a valid identity of\n"
	       "           the user is left as it is; a user the CA already has gets a new\n"
	       "           secret and is enrolled again\n"
	       "  revoke   revoke --user and its certificates at the CA; with -o, remove the\n"
	       "           user's MSP directory afterwards\n"
	       "  cainfo   ask the CA for its name, version and certificates\n\n"
	       "  -u, --url URL            the CA: https://HOST:PORT\n"
	       "  --tls-ca FILE            the certificates TLS trusts for the CA (no other)\n"
	       "  --caname NAME            the CA of the server (default: its default CA)\n"
	       "  --registrar NAME         the CA's registrar (default: admin)\n"
	       "  --registrar-secret-file FILE  its secret, in a file of mode 0600\n"
	       "  --registrar-dir DIR      where its enrollment is kept for the next runs\n"
	       "  --user NAME              the identity: letters, digits, '.', '_', '@', '-'\n"
	       "  --type TYPE              client (default), peer, orderer or admin\n"
	       "  --nodeous                write config.yaml with NodeOUs enabled\n"
	       "  --reason REASON          why it is revoked:", synopsis);
	for (size_t i = 0; ca_reasons[i]; i++)
		printf("%s%s", i == 0 ? "\n" INDENT : i % 3 == 0 ? ",\n" INDENT : ", ",
		       ca_reasons[i]);
	printf("\n  -o, --output DIR         the user's MSP directory\n"
	       "  -v, --verbose            print each request and its status on stderr\n\n"
	       "Exit status: 0 done (or nothing to do), 1 error, 2 usage.\n");
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_USER);
}

enum {
	OPT_CANAME = 1, OPT_TLS_CA, OPT_REGISTRAR, OPT_SECRET_FILE, OPT_REGISTRAR_DIR, OPT_USER,
	OPT_TYPE, OPT_NODEOUS, OPT_REASON, OPT_URL, OPT_OUTPUT, OPT_VERBOSE,
};
#define B(x) SUBCMD_OPT(x)
#define CONNECTION (B(OPT_URL) | B(OPT_TLS_CA) | B(OPT_CANAME) | B(OPT_VERBOSE))
#define REGISTRAR (B(OPT_REGISTRAR) | B(OPT_SECRET_FILE) | B(OPT_REGISTRAR_DIR) | B(OPT_USER))
#define CONNECTION_NEEDS (B(OPT_URL) | B(OPT_TLS_CA))
#define REGISTRAR_NEEDS (B(OPT_SECRET_FILE) | B(OPT_REGISTRAR_DIR) | B(OPT_USER))

/* The commands: the options each takes, and those it must have. */
static const struct cmd {
	struct subcmd sc;
	int (*fn)(const struct opts *);
} cmds[] = {
	{ { "enroll", CONNECTION | REGISTRAR | B(OPT_TYPE) | B(OPT_NODEOUS) | B(OPT_OUTPUT),
	    CONNECTION_NEEDS | REGISTRAR_NEEDS | B(OPT_OUTPUT), 0 }, cmd_enroll },
	{ { "revoke", CONNECTION | REGISTRAR | B(OPT_REASON) | B(OPT_OUTPUT),
	    CONNECTION_NEEDS | REGISTRAR_NEEDS, 0 }, cmd_revoke },
	{ { "cainfo", CONNECTION, CONNECTION_NEEDS, 0 }, cmd_cainfo },
};

static const char *const opt_names[] = {
	[OPT_CANAME] = "--caname", [OPT_TLS_CA] = "--tls-ca", [OPT_REGISTRAR] = "--registrar",
	[OPT_SECRET_FILE] = "--registrar-secret-file", [OPT_REGISTRAR_DIR] = "--registrar-dir",
	[OPT_USER] = "--user", [OPT_TYPE] = "--type", [OPT_NODEOUS] = "--nodeous",
	[OPT_REASON] = "--reason", [OPT_URL] = "-u", [OPT_OUTPUT] = "-o", [OPT_VERBOSE] = "-v",
};

/* One option's value into o; exits with a usage error for a bad one. */
static void take(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_URL: o->conn.url = arg; break;
	case OPT_CANAME: o->conn.caname = arg; break;
	case OPT_TLS_CA: o->conn.tls_ca = arg; break;
	case OPT_VERBOSE: o->conn.verbose = true; break;
	case OPT_REGISTRAR: o->registrar = arg; break;
	case OPT_SECRET_FILE: o->secret_file = arg; break;
	case OPT_REGISTRAR_DIR: o->registrar_dir = arg; break;
	case OPT_USER: o->user = arg; break;
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_NODEOUS: o->node_ous = true; break;
	case OPT_TYPE:
		if (!ca_type_valid(arg)) {
			warnf("--type %s: expected client, peer, orderer or admin "
			      "(the types NodeOUs classify)", arg);
			usage();
		}
		o->type = arg;
		break;
	case OPT_REASON:
		if (!(o->reason = ca_reason(arg))) {
			warnf("--reason %s: not a reason fabric-ca knows (caclient help lists them)",
			      arg);
			usage();
		}
		break;
	}
}

static void parse(int argc, char **argv, const struct subcmd *cmd, struct opts *o)
{
	static const struct option longs[] = {
		{ "url", required_argument, NULL, OPT_URL },
		{ "caname", required_argument, NULL, OPT_CANAME },
		{ "tls-ca", required_argument, NULL, OPT_TLS_CA },
		{ "registrar", required_argument, NULL, OPT_REGISTRAR },
		{ "registrar-secret-file", required_argument, NULL, OPT_SECRET_FILE },
		{ "registrar-dir", required_argument, NULL, OPT_REGISTRAR_DIR },
		{ "user", required_argument, NULL, OPT_USER },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "nodeous", no_argument, NULL, OPT_NODEOUS },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned seen = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+u:o:vh", longs, NULL)) != -1) {
		/* short options map onto the long ones */
		c = c == 'u' ? OPT_URL : c == 'o' ? OPT_OUTPUT : c == 'v' ? OPT_VERBOSE : c;
		if (c == 'h')
			help();
		if (c == '?' || c == ':') {
			warnf("%s: unknown option or missing value: %s", o->cmd, argv[optind - 1]);
			usage();
		}
		if (!subcmd_takes(cmd, c, opt_names[c]))
			usage();
		seen |= B(c);
		take(o, c, optarg);
	}
	if (optind < argc) {
		warnf("%s: unexpected argument \"%s\"", o->cmd, argv[optind]);
		usage();
	}
	if (!subcmd_has_needs(cmd, seen, opt_names))
		usage();
}

int main(int argc, char **argv)
{
	struct opts o = { .registrar = "admin", .type = "client" };
	const struct cmd *cmd;

	set_progname(argv[0]);
	if (argc < 2)
		usage();
	o.cmd = argv[1];
	if (subcmd_is_help(o.cmd))
		help();
	if (!(cmd = SUBCMD_FIND(cmds, o.cmd)))
		usage();
	parse(argc - 1, argv + 1, &cmd->sc, &o);
	return cmd->fn(&o);
}
