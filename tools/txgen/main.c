/*
 * txgen - a drop-in for Fabric's configtxgen: genesis blocks, channel
 * creation and anchor peer transactions from configtx.yaml, encoded here.
 *
 * The flags are configtxgen's (single dash, Go style; a double dash and
 * -flag=value work too).  As configtxgen, the outputs are done in this
 * order: -outputBlock, -outputCreateChannelTx, -inspectBlock,
 * -inspectChannelCreateTx, -outputAnchorPeersUpdate, -printOrg.
 *
 * Beyond configtxgen, for a live channel: -liveConfig (a config block the
 * channel has) with -profile says what differs from what configtx.yaml
 * declares and writes the config update that makes it so, and whose
 * admins must sign it; -original and -updated compute the update between
 * two config blocks, as configtxlator compute_update does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "fabric/configtx.h"
#include "base/util.h"

#define TXGEN_VERSION "1.0"

static void usage(void)
{
	fprintf(stderr, "usage: %s -profile NAME -channelID ID [-configPath DIR] [-outputBlock FILE]\n"
		"       [-outputCreateChannelTx FILE] [-outputAnchorPeersUpdate FILE -asOrg ORG]\n"
		"       [-inspectBlock FILE] [-inspectChannelCreateTx FILE] [-printOrg ORG]\n"
		"       [-skipPreflight] [-version]\n"
		"       %s -liveConfig BLOCK -profile NAME [-ordererProfile NAME] [-configPath DIR]\n"
		"       [-outputConfigUpdate FILE [-outputSigners FILE]]\n"
		"       %s -original BLOCK -updated BLOCK -outputConfigUpdate FILE [-channelID ID]\n",
		progname(), progname(), progname());
	exit(EXIT_USAGE);
}

static void help(void)
{
	printf("usage: %s [flags]\n\n"
	       "Write Fabric channel artifacts from configtx.yaml, as configtxgen does.\n\n"
	       "  -profile NAME                  the profile of configtx.yaml to use\n"
	       "  -channelID ID                  the channel the artifact is for\n"
	       "  -configPath DIR                the directory holding configtx.yaml\n"
	       "                                 (default: $FABRIC_CFG_PATH, then .)\n"
	       "  -outputBlock FILE              write the genesis block of the channel:\n"
	       "                                 system channel (profile with Consortiums) or\n"
	       "                                 application channel (Orderer + Application)\n"
	       "  -outputCreateChannelTx FILE    write the channel creation transaction\n"
	       "  -outputAnchorPeersUpdate FILE  write the anchor peer update of -asOrg\n"
	       "  -asOrg NAME                    the org (by Name or MSP ID) of the anchor\n"
	       "                                 peer update\n"
	       "  -inspectBlock FILE             print a block as JSON\n"
	       "  -inspectChannelCreateTx FILE   print a transaction as JSON\n"
	       "  -printOrg NAME                 print an org definition as JSON\n"
	       "  -liveConfig BLOCK              a config block of a live channel (peer channel\n"
	       "                                 fetch config): print how it differs from what\n"
	       "                                 -profile declares (the Application group, the\n"
	       "                                 channel's capabilities and the Orderer group\n"
	       "                                 of -ordererProfile, else of -profile)\n"
	       "  -ordererProfile NAME           the profile with the channel's Orderer section\n"
	       "                                 (the system channel's, in that flow)\n"
	       "  -outputConfigUpdate FILE       write the config update (an unsigned\n"
	       "                                 CONFIG_UPDATE envelope); removed when there is\n"
	       "                                 no difference\n"
	       "  -outputSigners FILE            write SIGNERS=<MSP IDs>: admins whose\n"
	       "                                 signatures meet the update's mod_policies,\n"
	       "                                 and UPDATES_LEFT=<n>: etcdraft takes one\n"
	       "                                 consenter change per update, so with more the\n"
	       "                                 update makes the first, and n more follow\n"
	       "                                 (BFT takes them all in one)\n"
	       "  -original BLOCK -updated BLOCK the update from one config block's config to\n"
	       "                                 the other's (configtxlator compute_update)\n"
	       "  -skipPreflight                 generate even what would fail at run time\n"
	       "  -version                       print the version\n", progname());
	exit(0);
}

enum {
	OPT_PROFILE = 1, OPT_CHANNEL, OPT_CONFIGPATH, OPT_BLOCK, OPT_CREATE, OPT_BASEPROFILE,
	OPT_ANCHORS, OPT_ASORG, OPT_INSPECTBLOCK, OPT_INSPECTTX, OPT_PRINTORG, OPT_VERSION,
	OPT_SKIP, OPT_HELP, OPT_LIVE, OPT_ORDERERPROFILE, OPT_UPDATE, OPT_SIGNERS, OPT_ORIGINAL,
	OPT_UPDATED,
};

static const struct option options[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "channelID", required_argument, NULL, OPT_CHANNEL },
	{ "configPath", required_argument, NULL, OPT_CONFIGPATH },
	{ "outputBlock", required_argument, NULL, OPT_BLOCK },
	{ "outputCreateChannelTx", required_argument, NULL, OPT_CREATE },
	{ "channelCreateTxBaseProfile", required_argument, NULL, OPT_BASEPROFILE },
	{ "outputAnchorPeersUpdate", required_argument, NULL, OPT_ANCHORS },
	{ "asOrg", required_argument, NULL, OPT_ASORG },
	{ "inspectBlock", required_argument, NULL, OPT_INSPECTBLOCK },
	{ "inspectChannelCreateTx", required_argument, NULL, OPT_INSPECTTX },
	{ "printOrg", required_argument, NULL, OPT_PRINTORG },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "skipPreflight", no_argument, NULL, OPT_SKIP },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "liveConfig", required_argument, NULL, OPT_LIVE },
	{ "ordererProfile", required_argument, NULL, OPT_ORDERERPROFILE },
	{ "outputConfigUpdate", required_argument, NULL, OPT_UPDATE },
	{ "outputSigners", required_argument, NULL, OPT_SIGNERS },
	{ "original", required_argument, NULL, OPT_ORIGINAL },
	{ "updated", required_argument, NULL, OPT_UPDATED },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *profile, *channel, *config_path, *block, *create, *anchors, *as_org;
	const char *inspect_block, *inspect_tx, *print_org;
	const char *live, *orderer_profile, *update, *signers, *original, *updated;
	bool skip_preflight;
};

/* configtx.yaml (or .yml) in -configPath, else in $FABRIC_CFG_PATH, ., /etc/hyperledger/fabric. */
static char *find_config(const char *config_path)
{
	const char *env = getenv("FABRIC_CFG_PATH");
	const char *dirs[4];
	size_t n = 0;

	if (config_path) {
		dirs[n++] = config_path;
	} else {
		if (env && *env)
			dirs[n++] = env;
		dirs[n++] = ".";
		dirs[n++] = "/etc/hyperledger/fabric";
	}
	for (size_t i = 0; i < n; i++) {
		for (int e = 0; e < 2; e++) {
			char *p = path_join(dirs[i], e ? "configtx.yml" : "configtx.yaml");

			if (path_exists(p))
				return p;
			free(p);
		}
	}
	warnf("cannot find configtx.yaml in %s: set -configPath or FABRIC_CFG_PATH to the directory "
	      "that holds it", config_path ? config_path : env && *env ? "$FABRIC_CFG_PATH, . or /etc/hyperledger/fabric" :
	      ". or /etc/hyperledger/fabric");
	return NULL;
}

/* Write an artifact atomically, creating its directory, mode 0640 as configtxgen 2.5. */
static int write_artifact(const char *path, const struct pbuf *b)
{
	char *dir = path_dirname(path);
	int rc = 0;

	if (!path_exists(dir) && mkdir_p(dir, 0750) < 0) {
		warnf("cannot create %s:", dir);
		rc = -1;
	} else if (write_file(path, b->buf, b->len, 0640, 0) < 0) {
		warnf("cannot write %s:", path);
		rc = -1;
	}
	free(dir);
	return rc;
}

/* Write the CONFIG_UPDATE envelope of an update, and free its sets. */
static int write_update(const char *channel, struct cgroup *rs, struct cgroup *ws, const char *path)
{
	struct pbuf b = {0};
	int rc;

	tx_config_update_envelope(channel, rs, ws, &b);
	rc = write_artifact(path, &b);
	pb_free(&b);
	cg_free(rs);
	cg_free(ws);
	return rc;
}

static int output_block(struct cgroup *ch, const char *channel, const char *path)
{
	struct pbuf b = {0};
	int rc;

	if (!cg_group(ch, "Orderer")) {
		warnf("refusing to generate a block without an Orderer section in the profile");
		return -1;
	}
	if (!cg_group(ch, "Consortiums") && !cg_group(ch, "Application")) {
		warnf("refusing to generate an application channel block without an Application section "
		      "(a system channel block needs Consortiums)");
		return -1;
	}
	rc = tx_genesis_block(ch, channel, &b);
	if (rc == 0)
		rc = write_artifact(path, &b);
	pb_free(&b);
	return rc;
}

static int output_create_tx(struct cgroup *ch, const char *channel, const char *path)
{
	struct cgroup *tmpl, *rs, *ws;
	struct cvalue *consortium = cg_value(ch, "Consortium");
	struct pbuf name = {0};
	int rc;

	if (!cg_group(ch, "Application")) {
		warnf("cannot define a new channel with no Application section in the profile");
		return -1;
	}
	if (!consortium) {
		warnf("cannot define a new channel with no Consortium in the profile "
		      "(an application channel genesis block is made with -outputBlock)");
		return -1;
	}
	/* the template: the same channel with an empty Application (orgs only) */
	tmpl = cg_clone(ch);
	cg_clear_entries(cg_group(tmpl, "Application"));
	rc = cg_compute_update(tmpl, ch, &rs, &ws);
	cg_free(tmpl);
	if (rc < 0) {
		warnf("the channel creation transaction would change nothing");
		return -1;
	}
	/* the consortium to create the channel in, as Fabric adds it */
	cg_add_value(rs, "Consortium", "", &name);
	pb_raw(&name, consortium->data, consortium->len);
	cg_add_value(ws, "Consortium", "", &name);
	pb_free(&name);
	return write_update(channel, rs, ws, path);
}

/*
 * The anchor peer update of one org.  For a system-channel profile it is
 * configtxgen's (against a channel created by a channel creation
 * transaction, Application at version 1); for a channel-participation
 * profile (Orderer and Application, no Consortium) it is computed
 * against the genesis block's config, where Application is at version 0.
 */
static int output_anchors(const struct txctx *ctx, struct cgroup *ch, const char *channel,
			  const char *as_org, const char *path)
{
	struct cgroup *orig, *app, *org, *rs, *ws;
	bool participation = cg_group(ch, "Orderer") && !cg_value(ch, "Consortium") &&
		!cg_group(ch, "Consortiums");
	int rc;

	if (!as_org) {
		warnf("-outputAnchorPeersUpdate needs -asOrg: the org whose anchor peers to update");
		return -1;
	}
	if (!(app = cg_group(ch, "Application"))) {
		warnf("cannot update anchor peers without an Application section in the profile");
		return -1;
	}
	/* the org's Name, as configtxgen takes it, or its MSP ID */
	if (!cg_group(app, as_org) && tx_org_name_by_id(ctx, as_org))
		as_org = tx_org_name_by_id(ctx, as_org);
	if (!(org = cg_group(app, as_org))) {
		warnf("org with name '%s' does not exist in the Application section of the profile", as_org);
		return -1;
	}
	if (!cg_value(org, "AnchorPeers")) {
		warnf("org '%s' does not have any anchor peers defined (AnchorPeers)", as_org);
		return -1;
	}
	if (!participation)
		app->version = 1;
	orig = cg_clone(ch);
	cg_del_value(cg_group(cg_group(orig, "Application"), as_org), "AnchorPeers");
	rc = cg_compute_update(orig, ch, &rs, &ws);
	cg_free(orig);
	app->version = 0;
	if (rc < 0)
		return -1;
	return write_update(channel, rs, ws, path);
}

static int inspect(const char *path, enum inspect_what what)
{
	size_t len;
	char *data = read_file(path, &len);
	struct strbuf out = {0};
	int rc;

	if (!data) {
		warnf("cannot read %s:", path);
		return -1;
	}
	rc = tx_inspect(what, path, (const uint8_t *)data, len, &out);
	if (rc == 0)
		fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	free(data);
	return rc;
}

static int print_org(struct txctx *ctx, const char *name)
{
	struct cgroup *g = tx_print_org(ctx, name);
	struct pbuf b = {0};
	int rc;

	if (!g)
		return -1;
	cg_encode(g, &b);
	cg_free(g);
	{
		struct strbuf out = {0};

		rc = tx_inspect(INSPECT_ORDERER_ORG, NULL, b.buf, b.len, &out);
		if (rc == 0)
			fwrite(out.buf, 1, out.len, stdout);
		sb_free(&out);
	}
	pb_free(&b);
	return rc;
}

/* The channel group of a config block file, with its channel ID; NULL after a message. */
static struct cgroup *read_config_block(const char *path, struct block_config *bc)
{
	size_t len;
	char *data = read_file(path, &len);
	const char *why;
	struct cgroup *g;

	if (!data) {
		warnf("cannot read %s:", path);
		return NULL;
	}
	g = tx_block_config((const uint8_t *)data, len, bc, &why);
	if (!g)
		warnf("%s: %s", path, why);
	free(data);
	return g;
}

/* -original and -updated: the update between two config blocks. */
static int compute_update(const struct args *a)
{
	struct block_config ob, ub;
	struct cgroup *o = read_config_block(a->original, &ob), *u = o ? read_config_block(a->updated, &ub) : NULL;
	struct cgroup *rs, *ws;
	int rc = -1;

	if (!u)
		goto done;
	if (cg_compute_update(o, u, &rs, &ws) < 0)
		warnf("no differences detected between original and updated config");
	else
		rc = write_update(a->channel ? a->channel : ob.channel_id, rs, ws, a->update);
	free(ub.channel_id);
	cg_free(u);
done:
	if (o)
		free(ob.channel_id);
	cg_free(o);
	return rc;
}

static int write_signers(const char *path, const struct cgroup *live, const struct cgroup *rs,
			 const struct cgroup *ws, size_t left)
{
	size_t n;
	char **ids = tx_update_signers(live, rs, ws, &n);
	struct strbuf sb = {0};
	int rc = -1;

	if (!ids)
		return -1;
	sb_adds(&sb, "SIGNERS=");
	for (size_t i = 0; i < n; i++) {
		sb_addf(&sb, "%s%s", i ? " " : "", ids[i]);
		free(ids[i]);
	}
	sb_addf(&sb, "\nUPDATES_LEFT=%zu\n", left);
	free(ids);
	if (write_file(path, sb.buf, sb.len, 0644, 0) < 0)
		warnf("cannot write %s:", path);
	else
		rc = 0;
	sb_free(&sb);
	return rc;
}

/*
 * -liveConfig: how the live channel differs from what the profiles
 * declare, on stdout, and the update that makes it so.
 */
static int reconcile(struct txctx *ctx, const struct args *a, struct cgroup *ch)
{
	struct block_config bc;
	struct cgroup *live = read_config_block(a->live, &bc), *ord = NULL, *declared, *rs, *ws;
	const char *channel;
	struct strbuf out = {0}, note = {0};
	size_t left;
	int rc = -1;

	if (!live)
		return -1;
	channel = a->channel ? a->channel : bc.channel_id;
	if (a->orderer_profile) {
		const struct ynode *op = tx_profile(ctx, a->orderer_profile);
		if (!op || !(ord = tx_channel_group(ctx, op, a->orderer_profile)))
			goto done;
	}
	declared = tx_declared_config(live, ch, ord);
	if (tx_keep_sole_consenter(live, declared, &note) < 0 || tx_check_bft(live, declared, &note) < 0)
		goto out;
	tx_describe_changes(live, declared, &out);
	sb_add(&out, note.buf ? note.buf : "", note.len);
	left = tx_one_consenter_change(live, declared);
	if (left)
		sb_addf(&out, "(one consenter change per update: this one makes the first, %zu more follow)\n", left);
	if (cg_compute_update(live, declared, &rs, &ws) < 0) {
		fputs(note.buf ? note.buf : "", stdout);
		printf("channel %s (config sequence %llu) is as declared\n", channel,
		       (unsigned long long)bc.sequence);
		rc = 0;
		for (int i = 0; i < 2; i++) {
			const char *stale = i ? a->signers : a->update;
			if (stale && unlink(stale) < 0 && errno != ENOENT) {
				warnf("cannot remove %s:", stale);
				rc = -1;
			}
		}
	} else {
		printf("channel %s (config sequence %llu) differs from what is declared:\n%s", channel,
		       (unsigned long long)bc.sequence, out.buf ? out.buf : "");
		rc = 0;
		if (a->signers)
			rc = write_signers(a->signers, live, rs, ws, left);
		if (rc == 0 && a->update) {
			rc = write_update(channel, rs, ws, a->update);
		} else {
			cg_free(rs);
			cg_free(ws);
		}
	}
out:
	sb_free(&out);
	sb_free(&note);
	cg_free(declared);
done:
	cg_free(ord);
	cg_free(live);
	free(bc.channel_id);
	return rc;
}

static int run(const struct args *a)
{
	struct txctx ctx = { .skip_preflight = a->skip_preflight, .genesis = a->block != NULL };
	struct cgroup *ch = NULL;
	char *config = NULL;
	int rc = -1;

	if (a->original)
		return compute_update(a);
	if (a->block || a->create || a->anchors || a->print_org || a->live) {
		if (!(config = find_config(a->config_path)) || tx_load(&ctx, config) < 0)
			goto done;
	}
	if (a->block || a->create || a->anchors || a->live) {
		const struct ynode *profile = tx_profile(&ctx, a->profile);

		if (!profile || !(ch = tx_channel_group(&ctx, profile, a->profile)))
			goto done;
	}
	if (a->block && output_block(ch, a->channel, a->block) < 0)
		goto done;
	if (a->block && ctx.bft_consenters && ctx.bft_consenters < 4)
		warnf("note: %s's %zu BFT consenter%s tolerate%s no faulty orderer: SmartBFT tolerates f "
		      "with 3f+1 consenters, so four for one", a->profile, ctx.bft_consenters,
		      ctx.bft_consenters == 1 ? "" : "s", ctx.bft_consenters == 1 ? "s" : "");
	if (a->create && output_create_tx(ch, a->channel, a->create) < 0)
		goto done;
	if (a->inspect_block && inspect(a->inspect_block, INSPECT_BLOCK) < 0)
		goto done;
	if (a->inspect_tx && inspect(a->inspect_tx, INSPECT_ENVELOPE) < 0)
		goto done;
	if (a->anchors && output_anchors(&ctx, ch, a->channel, a->as_org, a->anchors) < 0)
		goto done;
	if (a->print_org && print_org(&ctx, a->print_org) < 0)
		goto done;
	if (a->live && reconcile(&ctx, a, ch) < 0)
		goto done;
	rc = 0;
done:
	cg_free(ch);
	tx_free(&ctx);
	free(config);
	return rc;
}

/* The flags into a; -h, -version and usage errors exit. */
static void parse_args(int argc, char **argv, struct args *a)
{
	int opt;

	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case OPT_PROFILE: a->profile = optarg; break;
		case OPT_CHANNEL: a->channel = optarg; break;
		case OPT_CONFIGPATH: a->config_path = optarg; break;
		case OPT_BLOCK: a->block = optarg; break;
		case OPT_CREATE: a->create = optarg; break;
		case OPT_ANCHORS: a->anchors = optarg; break;
		case OPT_ASORG: a->as_org = optarg; break;
		case OPT_INSPECTBLOCK: a->inspect_block = optarg; break;
		case OPT_INSPECTTX: a->inspect_tx = optarg; break;
		case OPT_PRINTORG: a->print_org = optarg; break;
		case OPT_SKIP: a->skip_preflight = true; break;
		case OPT_LIVE: a->live = optarg; break;
		case OPT_ORDERERPROFILE: a->orderer_profile = optarg; break;
		case OPT_UPDATE: a->update = optarg; break;
		case OPT_SIGNERS: a->signers = optarg; break;
		case OPT_ORIGINAL: a->original = optarg; break;
		case OPT_UPDATED: a->updated = optarg; break;
		case OPT_BASEPROFILE:
			warnf("-channelCreateTxBaseProfile is not supported");
			exit(EXIT_USAGE);
		case OPT_VERSION:
			printf("txgen:\n Version: %s\n Compatible with: configtxgen 2.5\n", TXGEN_VERSION);
			exit(0);
		case 'h':
		case OPT_HELP:
			help();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* Which flags go together, as configtxgen says it for its own; usage errors exit. */
static void check_args(const struct args *a)
{
	bool outputs = a->block || a->create || a->anchors;

	if (!a->original != !a->updated || (a->original && !a->update)) {
		warnf("-original and -updated go together, with -outputConfigUpdate");
		usage();
	}
	if (a->live && (!a->profile || !*a->profile)) {
		warnf("-liveConfig needs -profile: the channel's profile");
		usage();
	}
	if ((a->update || a->signers || a->orderer_profile) && !a->live && !a->original) {
		warnf("-outputConfigUpdate, -outputSigners and -ordererProfile go with -liveConfig");
		usage();
	}
	if (a->original || a->live) {
		if (outputs || a->inspect_block || a->inspect_tx || a->print_org || (a->original && a->live)) {
			warnf("-liveConfig and -original are each a job of their own");
			usage();
		}
		return;
	}
	if (!outputs && !a->inspect_block && !a->inspect_tx && !a->print_org) {
		warnf("nothing to do: give -outputBlock, -outputCreateChannelTx, -outputAnchorPeersUpdate, "
		      "-inspectBlock, -inspectChannelCreateTx or -printOrg");
		usage();
	}
	if (outputs && (!a->channel || !*a->channel)) {
		warnf("missing channelID, please specify it with '-channelID'");
		exit(EXIT_USAGE);
	}
	if (outputs && (!a->profile || !*a->profile)) {
		warnf("the '-profile' is required when '-outputBlock', '-outputCreateChannelTx', or "
		      "'-outputAnchorPeersUpdate' is specified");
		exit(EXIT_USAGE);
	}
}

int main(int argc, char **argv)
{
	struct args a = {0};
	int rc;

	set_progname(argv[0]);
	parse_args(argc, argv, &a);
	check_args(&a);
	rc = run(&a);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warnf("cannot write standard output:");
		rc = -1;
	}
	return rc < 0 ? EXIT_USER : 0;
}
