/*
 * imports.c - the orgs of other operators, read from the org.vars of
 * their make export (rules/export.mk, rules/import.mk).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "network/imports.h"
#include "yaml/vars.h"

/* An org.vars field: its value, or NULL after an error naming the file (required ones). */
static const char *field(const struct vars *v, const char *file, const char *name, bool required,
			 int *errors)
{
	const char *s = vars_get(v, name, strlen(name));

	if ((!s || !*s) && required) {
		warnf("%s: %s is missing: not an org.vars of make export", file, name);
		(*errors)++;
		return NULL;
	}
	return s && *s ? s : NULL;
}

/* Letters, digits, '.', '-' and '_': a domain that names directories and make targets. */
static bool domain_chars(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == strlen(s) &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* The directory that holds file, by name ("org1" of ".../org1/org.vars"), allocated. */
static char *parent_name(const char *file)
{
	char *dir = path_dirname(file), *slash = strrchr(dir, '/');
	char *name = xstrdup(slash ? slash + 1 : dir);

	free(dir);
	return name;
}

/* The nodes of org.vars: NODE_COUNT, each NODE<i>_CN (its hostname when NODE<i>_HOSTNAME is missing) and _EXTERNAL. */
static int read_nodes(const struct vars *v, const char *file, struct org_spec *o, struct cluster_org *co)
{
	int errors = 0;
	const char *count = field(v, file, "NODE_COUNT", false, &errors);
	long long n = 0;

	if (count && parse_long(count, 0, 1000, &n) < 0) {
		warnf("%s: NODE_COUNT=%s: expected a number of nodes", file, count);
		return 1;
	}
	o->nodes = xcalloc(n ? (size_t)n : 1, sizeof(*o->nodes));
	co->hosts = xcalloc(n ? (size_t)n : 1, sizeof(*co->hosts));
	co->externals = xcalloc(n ? (size_t)n : 1, sizeof(*co->externals));
	for (long long i = 0; i < n; i++, o->nnodes++) {
		char name[64];
		const char *cn, *host, *ext;

		snprintf(name, sizeof(name), "NODE%lld_CN", i);
		cn = field(v, file, name, true, &errors);
		snprintf(name, sizeof(name), "NODE%lld_HOSTNAME", i);
		host = field(v, file, name, false, &errors);
		snprintf(name, sizeof(name), "NODE%lld_EXTERNAL", i);
		ext = field(v, file, name, true, &errors);
		if (ext && !strchr(ext, ':')) {
			warnf("%s: %s=%s: expected host:port, where the other orgs reach the node", file, name, ext);
			errors++;
		}
		o->nodes[i].common_name = xstrdup(cn ? cn : "");
		o->nodes[i].hostname = host ? xstrdup(host) : xstrndup(o->nodes[i].common_name,
								     strcspn(o->nodes[i].common_name, "."));
		co->hosts[i] = xstrdup(o->nodes[i].common_name);
		co->externals[i] = xstrdup(ext ? ext : "");
	}
	return errors;
}

/* One org.vars into o and co; the number of errors. */
static int read_org(const char *file, struct org_spec *o, struct cluster_org *co)
{
	struct vars v = {0};
	const char *domain, *msp_id, *type, *name;
	char *top = parent_name(file);
	int errors = 0;

	co->remote = true;
	if (vars_load(&v, file) < 0) {
		free(top);
		vars_free(&v);
		return 1;
	}
	domain = field(&v, file, "DOMAIN", true, &errors);
	msp_id = field(&v, file, "MSP_ID", true, &errors);
	type = field(&v, file, "ORG_TYPE", true, &errors);
	if (domain && (!domain_chars(domain) || strcmp(domain, top) != 0)) {
		warnf("%s: DOMAIN=%s, but the archive's top directory is %s/: an org's export holds "
		      "the org alone, under its domain", file, domain, top);
		errors++;
	}
	if (type && strcmp(type, "peer") != 0 && strcmp(type, "orderer") != 0) {
		warnf("%s: ORG_TYPE=%s: expected peer or orderer", file, type);
		errors++;
	}
	o->type = type && strcmp(type, "peer") == 0 ? ORG_PEER : ORG_ORDERER;
	o->domain = xstrdup(domain ? domain : top);
	o->msp_id = xstrdup(msp_id ? msp_id : "");
	name = field(&v, file, "ORG_NAME", false, &errors);
	o->name = xstrdup(name ? name : o->domain);
	errors += read_nodes(&v, file, o, co);
	free(top);
	vars_free(&v);
	return errors;
}

/* Is imported org i's domain or MSP ID an own org's, or an earlier import's?  The number of errors. */
static int clashes(const struct crypto_config *cfg, const struct imported_orgs *im, size_t i)
{
	const struct org_spec *o = &im->orgs[i];
	int errors = 0;

	for (size_t j = 0; j < cfg->norgs; j++) {
		const struct org_spec *own = &cfg->orgs[j];
		bool domain = strcmp(own->domain, o->domain) == 0, msp = strcmp(own->msp_id, o->msp_id) == 0;

		if (domain || msp) {
			warnf("%s: %s=%s is also own org %s's (%s:%d): an org is run from one checkout; "
			      "leave it out of IMPORT, or out of CRYPTO_CONFIG", im->files[i],
			      domain ? "DOMAIN" : "MSP_ID", domain ? o->domain : o->msp_id, own->domain,
			      own->where->file, own->where->line);
			errors++;
		}
	}
	for (size_t j = 0; j < i; j++) {
		bool domain = strcmp(im->orgs[j].domain, o->domain) == 0;

		if (domain || strcmp(im->orgs[j].msp_id, o->msp_id) == 0) {
			warnf("%s: %s=%s, as %s says: two imports are one org", im->files[i],
			      domain ? "DOMAIN" : "MSP_ID", domain ? o->domain : o->msp_id, im->files[j]);
			errors++;
		}
	}
	return errors;
}

int imports_load(const char *const *files, size_t n, const struct crypto_config *cfg,
		 struct imported_orgs *im)
{
	int errors = 0;

	im->orgs = xcalloc(n ? n : 1, sizeof(*im->orgs));
	im->corgs = xcalloc(n ? n : 1, sizeof(*im->corgs));
	im->files = xcalloc(n ? n : 1, sizeof(*im->files));
	for (size_t i = 0; i < n; i++, im->n++) {
		int e;

		im->files[i] = xstrdup(files[i]);
		e = read_org(files[i], &im->orgs[i], &im->corgs[i]);
		errors += e ? e : clashes(cfg, im, i);
	}
	return errors ? -1 : 0;
}

void imports_free(struct imported_orgs *im)
{
	for (size_t i = 0; i < im->n; i++) {
		for (size_t j = 0; j < im->orgs[i].nnodes; j++) {
			free(im->orgs[i].nodes[j].common_name);
			free(im->orgs[i].nodes[j].hostname);
			free(im->corgs[i].hosts[j]);
			free(im->corgs[i].externals[j]);
		}
		free(im->orgs[i].nodes);
		free(im->orgs[i].domain);
		free(im->orgs[i].msp_id);
		free(im->orgs[i].name);
		free(im->corgs[i].hosts);
		free(im->corgs[i].externals);
		free(im->files[i]);
	}
	free(im->orgs);
	free(im->corgs);
	free(im->files);
	*im = (struct imported_orgs){0};
}

void imports_whole(const struct cluster *own, const struct imported_orgs *im,
		   struct crypto_config *cfg, struct cluster *cl)
{
	size_t nown = own->cfg->norgs;

	*cfg = *own->cfg;
	cfg->norgs = nown + im->n;
	cfg->orgs = xcalloc(cfg->norgs ? cfg->norgs : 1, sizeof(*cfg->orgs));
	if (nown)
		memcpy(cfg->orgs, own->cfg->orgs, nown * sizeof(*cfg->orgs));
	if (im->n)
		memcpy(cfg->orgs + nown, im->orgs, im->n * sizeof(*cfg->orgs));
	*cl = *own;
	cl->cfg = cfg;
	cl->orgs = xcalloc(cfg->norgs ? cfg->norgs : 1, sizeof(*cl->orgs));
	if (nown)
		memcpy(cl->orgs, own->orgs, nown * sizeof(*cl->orgs));
	if (im->n)
		memcpy(cl->orgs + nown, im->corgs, im->n * sizeof(*cl->orgs));
}

void imports_whole_free(struct crypto_config *cfg, struct cluster *cl)
{
	free(cfg->orgs);
	free(cl->orgs);
}
