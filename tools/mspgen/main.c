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

/* Which options each command takes: a bit per OPT_*. */
static unsigned allowed_options(const char *cmd)
{
#define B(x) (1u << (x))
	if (strcmp(cmd, "generate") == 0)
		return B(OPT_CONFIG) | B(OPT_OUTPUT) | B(OPT_ORG) | B(OPT_FORCE) | B(OPT_SAN);
	if (strcmp(cmd, "extend") == 0)
		return B(OPT_CONFIG) | B(OPT_INPUT) | B(OPT_ORG) | B(OPT_SAN);
	if (strcmp(cmd, "renew") == 0 || strcmp(cmd, "expiry") == 0)
		return B(OPT_INPUT) | B(OPT_ORG) | B(OPT_DAYS);
	return 0;
#undef B
}

int main(int argc, char **argv)
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
	struct run r = { .root = "crypto-config", .days = -1 };
	const char *cmd, *config = NULL, *sans[MAX_SANS];
	size_t nsans = 0;
	struct crypto_config *cfg;
	unsigned allowed;
	mode_t mask;
	int c, rc;

	set_progname(argv[0]);
	if (argc < 2)
		usage();
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		help();
	allowed = allowed_options(cmd);
	if (!allowed && strcmp(cmd, "showtemplate") != 0 && strcmp(cmd, "version") != 0) {
		warnf("unknown command \"%s\"", cmd);
		usage();
	}
	argv++;
	argc--;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		long long v;

		if (c == 'h')
			help();
		if (c == '?' || c == ':') {
			warnf("%s: unknown option or missing value: %s", cmd, argv[optind - 1]);
			usage();
		}
		if (!(allowed & (1u << c))) {
			warnf("%s does not take %s", cmd, argv[optind - 1]);
			usage();
		}
		switch (c) {
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_OUTPUT:
		case OPT_INPUT:
			r.root = optarg;
			break;
		case OPT_ORG:
			r.org = optarg;
			break;
		case OPT_FORCE:
			r.force = true;
			break;
		case OPT_SAN:
			if (nsans == MAX_SANS) {
				warnf("at most %d --san options", MAX_SANS);
				usage();
			}
			sans[nsans++] = optarg;
			break;
		case OPT_DAYS:
			if (parse_long(optarg, 0, 1000000, &v) != 0) {
				warnf("--days=%s: expected a number of days", optarg);
				usage();
			}
			r.days = (long)v;
			break;
		}
	}
	if (optind < argc) {
		warnf("%s: unexpected argument \"%s\"", cmd, argv[optind]);
		usage();
	}
	if (!*r.root) {
		warnf("the crypto-config directory must not be empty");
		usage();
	}

	if (strcmp(cmd, "showtemplate") == 0) {
		fputs(mspgen_template, stdout);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_USER;
	}
	if (strcmp(cmd, "version") == 0) {
		printf("mspgen:\n Version: %s\n Compatible with: cryptogen 2.5\n"
		       " Crypto: %s\n", MSPGEN_VERSION, OpenSSL_version(OPENSSL_VERSION));
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_USER;
	}

	mask = umask(0);
	umask(mask);
	r.umask = mask;
	set_clock(&r);
	catch_signals();
	if (strcmp(cmd, "renew") == 0) {
		rc = cmd_renew(&r);
	} else if (strcmp(cmd, "expiry") == 0) {
		rc = cmd_expiry(&r);
	} else {
		cfg = config ? cryptocfg_load(config) :
			cryptocfg_load_mem("(showtemplate)", mspgen_template);
		if (!cfg)
			return EXIT_USER;
		for (size_t i = 0; i < nsans; i++) {
			if (cryptocfg_add_san(cfg, sans[i]) < 0) {
				cryptocfg_free(cfg);
				return EXIT_USER;
			}
		}
		rc = strcmp(cmd, "generate") == 0 ? cmd_generate(&r, cfg) : cmd_extend(&r, cfg);
		cryptocfg_free(cfg);
	}
	if (mspgen_interrupted) {
		/* die of the signal, so that make and shells see what happened */
		signal(mspgen_interrupted, SIG_DFL);
		raise(mspgen_interrupted);
	}
	return rc;
}
