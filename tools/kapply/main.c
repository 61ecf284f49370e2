/*
 * kapply - apply, diff, prune, delete and wait for Kubernetes objects
 * described in YAML files, and print their pods' logs, over the
 * Kubernetes API (libcurl, HTTP/2).
 *
 * A small kubectl for one job: server-side apply with a fixed field
 * manager, objects sent concurrently in dependency order, failures shown
 * once each with the server's reason.  See usage() and README.md.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/duration.h"
#include "base/subcmd.h"
#include "kapply.h"

static const char synopsis[] =
	"usage: %s apply|diff|reconcile|delete|prune|wait|get|logs|kill [options] -f PATH...\n"
	"       %s config [options]\n"
	"       %s kubeconfig -n NS --service-account NAME -o FILE [options]\n";

static void usage(void)
{
	fprintf(stderr, synopsis, progname(), progname(), progname());
	fprintf(stderr, "Try '%s --help' for more.\n", progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf(synopsis, progname(), progname(), progname());
	printf("\n"
	       "Commands:\n"
	       "  apply     server-side apply every object (field manager " FIELD_MANAGER ")\n"
	       "  diff      what apply would do: created, changed (with the fields) or unchanged\n"
	       "  reconcile apply only the objects that are absent or differ from PATH, taking\n"
	       "            back the fields others changed (--dry-run: say which)\n"
	       "  delete    delete every object, namespaced ones first\n"
	       "  prune     delete the objects labelled -l SELECTOR that PATH no longer has\n"
	       "  wait      wait until the Deployments and StatefulSets of PATH are available\n"
	       "            and its Jobs complete (exit 1 when one failed)\n"
	       "  get       show whether each object exists and how ready it is\n"
	       "  logs      print the log of every pod of the Jobs, Deployments and\n"
	       "            StatefulSets of PATH, each after a header naming the pod\n"
	       "  kill      delete the pods of the Jobs, Deployments and StatefulSets of PATH\n"
	       "            at once, with no grace period, as a crash would (for fault tests)\n"
	       "  config    show the cluster, context, namespace and credentials in use\n"
	       "  kubeconfig  write to FILE (mode 0600) a kubeconfig of the cluster in use for\n"
	       "            the ServiceAccount NAME of namespace NS, with a token the server\n"
	       "            issues for it (TokenRequest)\n"
	       "\n"
	       "Options:\n"
	       "  -f, --filename PATH       a YAML file, a directory of them, or - (repeatable)\n"
	       "  -l, --selector SELECTOR   prune: labels of the objects PATH owns, e.g. fabric-k8s/org=org1\n"
	       "      --kubeconfig FILE     use FILE instead of $KUBECONFIG or ~/.kube/config\n"
	       "      --context NAME        use this kubeconfig context\n"
	       "  -n, --namespace NS        for objects without metadata.namespace; prune: look\n"
	       "                            in NS only and leave cluster-scoped objects alone\n"
	       "      --force               apply: take over fields another manager owns\n"
	       "      --claim KEY           apply: an object whose manifest has the annotation KEY\n"
	       "                            is someone else's where the live one has another\n"
	       "                            value there: then nothing is applied (exit 3)\n"
	       "      --all                 prune without -f: delete every object -l selects\n"
	       "      --dry-run             apply, reconcile, delete, prune: ask the server, change nothing\n"
	       "      --propagation-policy P  delete, prune: Background (default), Foreground, Orphan\n"
	       "      --wait                delete, prune: return once the objects are gone\n"
	       "      --timeout DURATION    wait, --wait: give up after this long [5m]\n"
	       "      --tail N              logs: only the last N lines of each log\n"
	       "      --request-timeout DURATION  one request's limit [none]\n"
	       "  -j, --jobs N              requests in flight at once [32]\n"
	       "      --retries N           retries of a request on 429, 5xx, dropped connections [5]\n"
	       "  -o, --output json         get: print the objects (Secret values hidden)\n"
	       "  -o, --output FILE         kubeconfig: the file to write\n"
	       "      --service-account NAME  kubeconfig: whose token\n"
	       "      --duration DURATION   kubeconfig: how long the token is valid [24h]\n"
	       "  -q, --quiet               print only errors\n"
	       "  -v, --verbose             log each request (method, path, status) to stderr\n"
	       "  -h, --help                this help\n"
	       "\n"
	       "Exit status: 0 when every object succeeded, 1 when any failed, 2 on a usage error,\n"
	       "3 when apply --claim found objects another owner holds.\n");
	exit(0);
}

void say(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A Go duration ("30s", "1h30m", "250ms") in milliseconds, or -1. */
long duration_ms(const char *s)
{
	int64_t ns;

	if (parse_go_duration(s, &ns) < 0 || ns < 0 || ns / 1000000 > 1000000000000LL)
		return -1;
	return (long)(ns / 1000000);
}

static int config_cmd(struct run *r)
{
	struct strbuf sb = {0};

	kubeconfig_describe(r->kc, &sb);
	fputs(sb.buf, stdout);
	sb_free(&sb);
	return 0;
}

/* Long options without a short form. */
enum {
	O_KUBECONFIG = 256, O_CONTEXT, O_FORCE, O_DRY_RUN, O_PROPAGATION, O_WAIT,
	O_TIMEOUT, O_REQUEST_TIMEOUT, O_RETRIES, O_ALL, O_TAIL, O_SERVICE_ACCOUNT, O_DURATION,
	O_CLAIM,
};

static const struct option longopts[] = {
	{ "filename", required_argument, NULL, 'f' },
	{ "selector", required_argument, NULL, 'l' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "kubeconfig", required_argument, NULL, O_KUBECONFIG },
	{ "context", required_argument, NULL, O_CONTEXT },
	{ "force", no_argument, NULL, O_FORCE },
	{ "claim", required_argument, NULL, O_CLAIM },
	{ "dry-run", no_argument, NULL, O_DRY_RUN },
	{ "propagation-policy", required_argument, NULL, O_PROPAGATION },
	{ "wait", no_argument, NULL, O_WAIT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "request-timeout", required_argument, NULL, O_REQUEST_TIMEOUT },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "all", no_argument, NULL, O_ALL },
	{ "tail", required_argument, NULL, O_TAIL },
	{ "service-account", required_argument, NULL, O_SERVICE_ACCOUNT },
	{ "duration", required_argument, NULL, O_DURATION },
	{ NULL, 0, NULL, 0 },
};

/* kubeconfig's token lives this long unless --duration says otherwise */
#define TOKEN_TTL_MS (24 * 3600 * 1000L)

/*
 * The options that only some commands take or need, as bits of their
 * struct subcmd (the others every command takes, and those that do not
 * concern it are ignored).
 */
enum {
	K_FILES,        /* -f */
	K_SELECTOR,     /* -l */
	K_ALL,          /* --all, in place of -f */
	K_CLAIM,        /* --claim */
	K_TAIL,         /* --tail */
	K_TOKEN,        /* -n, --service-account, -o FILE, --duration: a kubeconfig */
};
/* What main does for a command: struct subcmd's flags. */
enum {
	F_DRY_RUN = 1,          /* diff: apply's --dry-run */
	/* reconcile: what it finds changed, someone else changed: the manifests say how it should be */
	F_FORCE = 2,
	F_KUBECONFIG = 4,       /* config, kubeconfig: the kubeconfig alone, no manifests */
	F_CLIENT = 8,           /* kubeconfig: and a client, with no discovery: one request */
};
#define B(k) SUBCMD_OPT(k)
#define PATHS B(K_FILES)

/* The commands: the options each takes and needs (beyond every command's), and its flags. */
static const struct cmd {
	struct subcmd sc;
	int (*fn)(struct run *);
} cmds[] = {
	{ { "apply", PATHS | B(K_CLAIM), PATHS, 0 }, cmd_apply },
	{ { "diff", PATHS, PATHS, F_DRY_RUN }, cmd_apply },
	{ { "reconcile", PATHS, PATHS, F_FORCE }, cmd_reconcile },
	{ { "delete", PATHS, PATHS, 0 }, cmd_delete },
	{ { "prune", PATHS | B(K_ALL) | B(K_SELECTOR), PATHS | B(K_SELECTOR), 0 }, cmd_prune },
	{ { "wait", PATHS, PATHS, 0 }, cmd_wait },
	{ { "get", PATHS, PATHS, 0 }, cmd_get },
	{ { "logs", PATHS | B(K_TAIL), PATHS, 0 }, cmd_logs },
	{ { "kill", PATHS, PATHS, 0 }, cmd_kill },
	{ { "config", 0, 0, F_KUBECONFIG }, config_cmd },
	{ { "kubeconfig", B(K_TOKEN), B(K_TOKEN), F_KUBECONFIG | F_CLIENT }, cmd_kubeconfig },
};
#undef PATHS

/* The value of a numeric option, from lo to hi; else usage, saying what is expected. */
static long long number_arg(const char *name, long long lo, long long hi, const char *expected)
{
	long long n;

	if (parse_long(optarg, lo, hi, &n) < 0) {
		warnf("%s %s: expected %s", name, optarg, expected);
		usage();
	}
	return n;
}

/* The value of a duration option in milliseconds; else usage. */
static long duration_arg(const char *name)
{
	long ms = duration_ms(optarg);

	if (ms < 0) {
		warnf("%s %s: expected a duration such as 30s, 5m or 250ms", name, optarg);
		usage();
	}
	return ms;
}

/* The value of --propagation-policy; else usage. */
static const char *propagation_arg(void)
{
	if (strcmp(optarg, "Background") != 0 && strcmp(optarg, "Foreground") != 0 &&
	    strcmp(optarg, "Orphan") != 0) {
		warnf("--propagation-policy %s: expected Background, Foreground or Orphan", optarg);
		usage();
	}
	return optarg;
}

/* One option of the command line into o; usage errors exit. */
static void option(int opt, struct opts *o)
{
	switch (opt) {
	case 'f':
		o->files[o->nfiles++] = optarg;
		break;
	case 'l':
		o->selector = optarg;
		break;
	case 'n':
		o->kube.namespace = optarg;
		break;
	case 'j':
		o->client.max_inflight = (int)number_arg("-j", 1, 1000, "a number from 1 to 1000");
		break;
	case 'o':
		o->output = optarg;     /* checked once the command is known */
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->client.verbose = 1;
		break;
	case 'h':
		help();
		break;
	case O_KUBECONFIG:
		o->kube.kubeconfig = optarg;
		break;
	case O_CONTEXT:
		o->kube.context = optarg;
		break;
	case O_FORCE:
		o->force = true;
		break;
	case O_CLAIM:
		o->claim = optarg;
		break;
	case O_ALL:
		o->all = true;
		break;
	case O_DRY_RUN:
		o->dry_run = true;
		break;
	case O_PROPAGATION:
		o->propagation = propagation_arg();
		break;
	case O_WAIT:
		o->wait = true;
		break;
	case O_TIMEOUT:
		o->timeout_ms = duration_arg("--timeout");
		break;
	case O_REQUEST_TIMEOUT:
		o->client.request_timeout_ms = duration_arg("--request-timeout");
		break;
	case O_DURATION:
		o->duration_ms = duration_arg("--duration");
		break;
	case O_SERVICE_ACCOUNT:
		o->service_account = optarg;
		break;
	case O_TAIL:
		o->tail = number_arg("--tail", 0, 1000000000, "a number of lines from 0");
		break;
	case O_RETRIES:
		o->client.retries = (int)number_arg("--retries", 0, 100, "a number from 0 to 100");
		break;
	default:
		usage();
	}
}

/*
 * The options into o, and the command, which may come after options too
 * ("kapply --context c apply -f x", as $(KAPPLY) in the Makefile writes
 * it): with a leading '-', getopt returns the operands in order, as
 * option 1.  Usage errors exit.
 */
static const char *parse(int argc, char **argv, struct opts *o)
{
	const char *cmd = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "-f:l:n:j:o:qvh", longopts, NULL)) != -1) {
		if (opt != 1) {
			option(opt, o);
		} else if (!cmd) {
			cmd = optarg;
		} else {
			warnf("unexpected argument '%s' (files go after -f)", optarg);
			usage();
		}
	}
	if (!cmd)
		usage();
	return cmd;
}

/* When bad, a usage error saying why. */
static void refuse(bool bad, const char *why)
{
	if (bad) {
		warnf("%s", why);
		usage();
	}
}

/* The options that only some commands take or need, against c's entry; usage errors exit. */
static void check_options(const struct subcmd *c, const struct opts *o)
{
	refuse(o->all && (!(c->takes & B(K_ALL)) || o->nfiles), "--all goes with prune and no -f");
	refuse(o->claim && (!(c->takes & B(K_CLAIM)) || !*o->claim), "--claim KEY goes with apply");
	refuse(o->tail >= 0 && !(c->takes & B(K_TAIL)), "--tail goes with logs");
	if ((c->needs & B(K_FILES)) && o->nfiles == 0 && !o->all) {
		warnf("%s: no -f PATH given", c->name);
		usage();
	}
	refuse((c->needs & B(K_SELECTOR)) && (!o->selector || !*o->selector),
	       "prune: -l SELECTOR is required (the labels of the objects PATH owns)");
	if (c->needs & B(K_TOKEN)) {
		refuse(!o->kube.namespace || !o->service_account || !o->output || o->nfiles,
		       "kubeconfig: -n NS, --service-account NAME and -o FILE are required, -f is not");
		/* TokenRequest's limits: ten minutes at least, and whole seconds */
		refuse(o->duration_ms < 600000, "--duration: a token is valid for 10m at least");
		return;
	}
	refuse(o->service_account || o->duration_ms != TOKEN_TTL_MS,
	       "--service-account and --duration go with kubeconfig");
	if (o->output && strcmp(o->output, "json") != 0) {
		warnf("-o %s: the only output format is json", o->output);
		usage();
	}
}

/*
 * What command c runs against: the kubeconfig alone, a client of the
 * cluster, or the manifests resolved against the server.  0, or -1 after
 * the reasons were reported.
 */
static int open_for(const struct subcmd *c, struct run *r, struct opts *o)
{
	if (!(c->flags & F_KUBECONFIG))
		return run_open(r, o);
	r->o = o;
	if (!(r->kc = kubeconfig_load(&o->kube)))
		return -1;
	if (!(c->flags & F_CLIENT))
		return 0;
	if (kubeconfig_exec(r->kc) != 0)
		return -1;
	r->c = kclient_new(r->kc, &o->client);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .propagation = "Background", .timeout_ms = 300000, .tail = -1,
			  .duration_ms = TOKEN_TTL_MS,
			  .client = { .max_inflight = 32, .retries = 5 } };
	struct run r = {0};
	const struct cmd *c;
	int rc;

	set_progname(argv[0]);
	if (argc < 2)
		usage();
	o.files = xcalloc((size_t)argc, sizeof(*o.files));
	if (!(c = SUBCMD_FIND(cmds, parse(argc, argv, &o))))
		usage();
	check_options(&c->sc, &o);
	o.dry_run |= (c->sc.flags & F_DRY_RUN) != 0;
	o.force |= (c->sc.flags & F_FORCE) != 0;
	rc = open_for(&c->sc, &r, &o) < 0 ? EXIT_USER : c->fn(&r);
	run_close(&r);
	free(o.files);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write standard output:");
		rc = EXIT_USER;
	}
	return rc;
}
