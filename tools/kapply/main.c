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

/* One option of the command line into o; usage errors exit. */
static void option(int opt, struct opts *o)
{
	long ms;

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
		if (strcmp(optarg, "Background") != 0 && strcmp(optarg, "Foreground") != 0 &&
		    strcmp(optarg, "Orphan") != 0) {
			warnf("--propagation-policy %s: expected Background, Foreground or Orphan", optarg);
			usage();
		}
		o->propagation = optarg;
		break;
	case O_WAIT:
		o->wait = true;
		break;
	case O_TIMEOUT:
	case O_REQUEST_TIMEOUT:
	case O_DURATION:
		ms = duration_ms(optarg);
		if (ms < 0) {
			warnf("%s %s: expected a duration such as 30s, 5m or 250ms", opt == O_TIMEOUT ?
			      "--timeout" : opt == O_DURATION ? "--duration" : "--request-timeout", optarg);
			usage();
		}
		if (opt == O_TIMEOUT)
			o->timeout_ms = ms;
		else if (opt == O_DURATION)
			o->duration_ms = ms;
		else
			o->client.request_timeout_ms = ms;
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

int main(int argc, char **argv)
{
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
	static const struct {
		const char *name;
		int (*fn)(struct run *);
		bool needs_files;       /* at least one -f */
	} cmds[] = {
		{ "apply", cmd_apply, true }, { "diff", cmd_apply, true }, { "reconcile", cmd_reconcile, true },
		{ "delete", cmd_delete, true }, { "prune", cmd_prune, true },
		{ "wait", cmd_wait, true }, { "get", cmd_get, true }, { "logs", cmd_logs, true }, { "kill", cmd_kill, true },
		{ "config", config_cmd, false }, { "kubeconfig", cmd_kubeconfig, false },
	};
	struct opts o = { .propagation = "Background", .timeout_ms = 300000, .tail = -1,
			  .duration_ms = 24 * 3600 * 1000L,
			  .client = { .max_inflight = 32, .retries = 5 } };
	struct run r = {0};
	const char *cmd = NULL;
	size_t ci;
	int opt, rc;

	set_progname(argv[0]);
	if (argc < 2)
		usage();
	o.files = xcalloc((size_t)argc, sizeof(*o.files));
	/*
	 * Options may come before the command too ("kapply --context c apply
	 * -f x", as $(KAPPLY) in the Makefile writes it): with a leading '-',
	 * getopt returns the operands in order, as option 1.
	 */
	while ((opt = getopt_long(argc, argv, "-f:l:n:j:o:qvh", longopts, NULL)) != -1) {
		if (opt != 1) {
			option(opt, &o);
		} else if (!cmd) {
			cmd = optarg;
		} else {
			warnf("unexpected argument '%s' (files go after -f)", optarg);
			usage();
		}
	}
	if (!cmd)
		usage();
	for (ci = 0; ci < sizeof(cmds) / sizeof(*cmds); ci++)
		if (strcmp(cmds[ci].name, cmd) == 0)
			break;
	if (ci == sizeof(cmds) / sizeof(*cmds)) {
		warnf("unknown command '%s'", cmd);
		usage();
	}
	if (o.all && (strcmp(cmd, "prune") != 0 || o.nfiles > 0)) {
		warnf("--all goes with prune and no -f");
		usage();
	}
	if (o.claim && (strcmp(cmd, "apply") != 0 || !*o.claim)) {
		warnf("--claim KEY goes with apply");
		usage();
	}
	if (o.tail >= 0 && strcmp(cmd, "logs") != 0) {
		warnf("--tail goes with logs");
		usage();
	}
	if (cmds[ci].needs_files && o.nfiles == 0 && !o.all) {
		warnf("%s: no -f PATH given", cmd);
		usage();
	}
	if (strcmp(cmd, "prune") == 0 && (!o.selector || !*o.selector)) {
		warnf("prune: -l SELECTOR is required (the labels of the objects PATH owns)");
		usage();
	}
	if (strcmp(cmd, "kubeconfig") == 0) {
		if (!o.kube.namespace || !o.service_account || !o.output || o.nfiles) {
			warnf("kubeconfig: -n NS, --service-account NAME and -o FILE are required, -f is not");
			usage();
		}
		/* TokenRequest's limits: ten minutes at least, and whole seconds */
		if (o.duration_ms < 600000) {
			warnf("--duration: a token is valid for 10m at least");
			usage();
		}
	} else if (o.service_account || o.duration_ms != 24 * 3600 * 1000L) {
		warnf("--service-account and --duration go with kubeconfig");
		usage();
	} else if (o.output && strcmp(o.output, "json") != 0) {
		warnf("-o %s: the only output format is json", o.output);
		usage();
	}
	if (strcmp(cmd, "diff") == 0)
		o.dry_run = true;
	/* what reconcile finds changed, someone else changed: the manifests say how it should be */
	if (strcmp(cmd, "reconcile") == 0)
		o.force = true;

	if (strcmp(cmd, "config") == 0) {
		rc = (r.kc = kubeconfig_load(&o.kube)) ? config_cmd(&r) : EXIT_USER;
	} else if (strcmp(cmd, "kubeconfig") == 0) {
		/* no manifests and no discovery: one request */
		r.o = &o;
		r.kc = kubeconfig_load(&o.kube);
		rc = EXIT_USER;
		if (r.kc && kubeconfig_exec(r.kc) == 0) {
			r.c = kclient_new(r.kc, &o.client);
			rc = cmd_kubeconfig(&r);
		}
	} else if (run_open(&r, &o) < 0) {
		rc = EXIT_USER;
	} else {
		rc = cmds[ci].fn(&r);
	}
	run_close(&r);
	free(o.files);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write standard output:");
		rc = EXIT_USER;
	}
	return rc;
}
