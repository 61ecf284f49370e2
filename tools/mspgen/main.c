/*
 * mspgen - Fabric's cryptogen on OpenSSL: the same crypto-config.yaml, the
 * same command line, the same MSP tree, file names, modes and certificate
 * profiles as cryptogen 2.5, plus renew and expiry to keep a long-lived
 * network's certificates valid without changing a key.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "network/cryptocfg.h"
#include "mspgen.h"
#include "base/subcmd.h"
#include "base/util.h"

#define MSPGEN_VERSION "0.1.0"

volatile sig_atomic_t mspgen_interrupted;

static const char synopsis[] =
	"usage: mspgen generate [--config=FILE] [--output=DIR] [--org=DOMAIN] [--force]\n"
	"                       [--san=TEMPLATE]...\n"
	"       mspgen extend [--config=FILE] [--input=DIR] [--org=DOMAIN] [--san=TEMPLATE]...\n"
	"       mspgen renew [--input=DIR] [--org=DOMAIN] [--days=N]\n"
	"       mspgen expiry [--input=DIR] [--org=DOMAIN] [--days=N]\n"
	"       mspgen showtemplate | version | help\n";

static void usage(void)
{
	fputs(synopsis, stderr);
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("%s\n"
	       "Generate and maintain Hyperledger Fabric MSP material the way Fabric 2.5's\n"
	       "cryptogen does, from the same crypto-config.yaml.\n\n"
	       "  generate      write every org (or --org) into DIR (default crypto-config);\n"
	       "                an org that exists is refused unless --force replaces it\n"
	       "  extend        add the nodes and users the config has and DIR lacks, keeping\n"
	       "                every existing key; a missing org is generated; a node whose\n"
	       "                names changed (SANS, --san) gets its TLS certificate issued\n"
	       "                again with the same key, as renew does\n"
	       "  renew         issue every certificate again (or only those expiring within\n"
	       "                --days=N days) with the same keys, subjects and extensions\n"
	       "  expiry        list every certificate with its days left, soonest first\n"
	       "  showtemplate  print a sample crypto-config.yaml\n"
	       "  version       print version information\n\n"
	       "  --config=FILE  crypto-config.yaml (default: the showtemplate sample)\n"
	       "  --output=DIR, --input=DIR  the crypto-config directory\n"
	       "  --org=DOMAIN   act on the org with this Domain only\n"
	       "  --force        generate: replace orgs that exist (new keys and CAs)\n"
	       "  --san=TEMPLATE generate, extend: one more SANS entry for every node, as\n"
	       "                 if the config listed it (\"{{.Hostname}}.my-namespace\",\n"
	       "                 \"peers.example.com\", \"10.0.0.5\"); an extend without it\n"
	       "                 takes it out of the nodes' TLS certificates again\n"
	       "  --days=N       renew, expiry: only certificates expiring within N days\n\n"
	       "MSPGEN_NOW=<Unix seconds> in the environment replaces the clock.\n",
	       synopsis);
	exit(0);
}

static void on_signal(int sig)
{
	mspgen_interrupted = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void set_clock(struct run *r)
{
	const char *fake = getenv("MSPGEN_NOW");
	struct timespec ts;

	if (fake && *fake) {
		long long v;

		if (parse_long(fake, 0, 253402300799LL, &v) != 0) {
			warnf("MSPGEN_NOW=%s: expected Unix seconds", fake);
			exit(EXIT_USAGE);
		}
		r->now = v;
		r->now_nsec = 0;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	r->now = ts.tv_sec;
	r->now_nsec = ts.tv_nsec;
}

enum { OPT_CONFIG = 1, OPT_OUTPUT, OPT_INPUT, OPT_ORG, OPT_FORCE, OPT_DAYS, OPT_SAN };
enum { MAX_SANS = 16 };

/* What the command line gives besides struct run: generate's and extend's config. */
struct args {
	const char *config;     /* --config, or NULL for the showtemplate sample */
	const char *sans[MAX_SANS];
	size_t nsans;
};

/* generate or extend, with the config --config names and the --san entries added. */
static int with_config(struct run *r, const struct args *a,
		       int (*fn)(struct run *, struct crypto_config *))
{
	struct crypto_config *cfg = a->config ? cryptocfg_load(a->config) :
		cryptocfg_load_mem("(showtemplate)", mspgen_template);
	int rc = EXIT_USER;

	if (!cfg)
		return EXIT_USER;
	for (size_t i = 0; i < a->nsans; i++)
		if (cryptocfg_add_san(cfg, a->sans[i]) < 0)
			goto out;
	rc = fn(r, cfg);
out:
	cryptocfg_free(cfg);
	return rc;
}

static int run_generate(struct run *r, const struct args *a)
{
	return with_config(r, a, cmd_generate);
}

static int run_extend(struct run *r, const struct args *a)
{
	return with_config(r, a, cmd_extend);
}

static int run_renew(struct run *r, const struct args *a)
{
	(void)a;
	return cmd_renew(r);
}

static int run_expiry(struct run *r, const struct args *a)
{
	(void)a;
	return cmd_expiry(r);
}

static int flush_stdout(void)
{
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_USER;
}

static int show_template(struct run *r, const struct args *a)
{
	(void)r, (void)a;
	fputs(mspgen_template, stdout);
	return flush_stdout();
}

static int version(struct run *r, const struct args *a)
{
	(void)r, (void)a;
	printf("mspgen:\n Version: %s\n Compatible with: cryptogen 2.5\n"
	       " Crypto: %s\n", MSPGEN_VERSION, OpenSSL_version(OPENSSL_VERSION));
	return flush_stdout();
}

#define B(x) SUBCMD_OPT(x)
/* a command that writes or reads the tree: the umask, the clock and signals matter */
enum { F_TREE = 1 };

/* The commands and the options each takes (help is asked for before any). */
static const struct cmd {
	struct subcmd sc;
	int (*fn)(struct run *, const struct args *);
} cmds[] = {
	{ { "generate", B(OPT_CONFIG) | B(OPT_OUTPUT) | B(OPT_ORG) | B(OPT_FORCE) | B(OPT_SAN), 0, F_TREE },
	  run_generate },
	{ { "extend", B(OPT_CONFIG) | B(OPT_INPUT) | B(OPT_ORG) | B(OPT_SAN), 0, F_TREE }, run_extend },
	{ { "renew", B(OPT_INPUT) | B(OPT_ORG) | B(OPT_DAYS), 0, F_TREE }, run_renew },
	{ { "expiry", B(OPT_INPUT) | B(OPT_ORG) | B(OPT_DAYS), 0, F_TREE }, run_expiry },
	{ { "showtemplate", 0, 0, 0 }, show_template },
	{ { "version", 0, 0, 0 }, version },
};

/* One option c, with its value, into r and a; usage errors exit. */
static void option(int c, struct run *r, struct args *a)
{
	long long v;

	switch (c) {
	case OPT_CONFIG:
		a->config = optarg;
		break;
	case OPT_OUTPUT:
	case OPT_INPUT:
		r->root = optarg;
		break;
	case OPT_ORG:
		r->org = optarg;
		break;
	case OPT_FORCE:
		r->force = true;
		break;
	case OPT_SAN:
		if (a->nsans == MAX_SANS) {
			warnf("at most %d --san options", MAX_SANS);
			usage();
		}
		a->sans[a->nsans++] = optarg;
		break;
	case OPT_DAYS:
		if (parse_long(optarg, 0, 1000000, &v) != 0) {
			warnf("--days=%s: expected a number of days", optarg);
			usage();
		}
		r->days = (long)v;
		break;
	}
}

/* The options after the command (argv[0]); usage errors exit. */
static void parse(int argc, char **argv, const struct subcmd *cmd, struct run *r, struct args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "san", required_argument, NULL, OPT_SAN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			help();
		if (c == '?' || c == ':') {
			warnf("%s: unknown option or missing value: %s", cmd->name, argv[optind - 1]);
			usage();
		}
		if (!subcmd_takes(cmd, c, argv[optind - 1]))
			usage();
		option(c, r, a);
	}
	if (optind < argc) {
		warnf("%s: unexpected argument \"%s\"", cmd->name, argv[optind]);
		usage();
	}
	if (!*r->root) {
		warnf("the crypto-config directory must not be empty");
		usage();
	}
}

int main(int argc, char **argv)
{
	struct run r = { .root = "crypto-config", .days = -1 };
	struct args a = {0};
	const struct cmd *cmd;
	mode_t mask;
	int rc;

	set_progname(argv[0]);
	if (argc < 2)
		usage();
	if (subcmd_is_help(argv[1]))
		help();
	if (!(cmd = SUBCMD_FIND(cmds, argv[1])))
		usage();
	parse(argc - 1, argv + 1, &cmd->sc, &r, &a);
	if (!(cmd->sc.flags & F_TREE))
		return cmd->fn(&r, &a);
	mask = umask(0);
	umask(mask);
	r.umask = mask;
	set_clock(&r);
	catch_signals();
	rc = cmd->fn(&r, &a);
	if (mspgen_interrupted) {
		/* die of the signal, so that make and shells see what happened */
		signal(mspgen_interrupted, SIG_DFL);
		raise(mspgen_interrupted);
	}
	return rc;
}
