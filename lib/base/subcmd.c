/* subcmd.c - a tool's table of subcommands: lookup and option checks (subcmd.h). */
#include <limits.h>
#include <string.h>

#include "base/subcmd.h"
#include "base/util.h"

const void *subcmd_find(const void *table, size_t n, size_t size, const char *name)
{
	const char *entry = table;

	for (size_t i = 0; i < n; i++, entry += size)
		if (strcmp(((const struct subcmd *)(const void *)entry)->name, name) == 0)
			return entry;
	warnf("unknown command \"%s\"", name);
	return NULL;
}

bool subcmd_is_help(const char *name)
{
	return strcmp(name, "help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0;
}

bool subcmd_takes(const struct subcmd *c, int opt, const char *what)
{
	if (opt >= 0 && opt < (int)(sizeof(c->takes) * CHAR_BIT) && (c->takes & SUBCMD_OPT(opt)))
		return true;
	warnf("%s does not take %s", c->name, what);
	return false;
}

bool subcmd_has_needs(const struct subcmd *c, unsigned given, const char *const names[])
{
	unsigned missing = c->needs & ~given;

	for (int k = 0; missing; k++, missing >>= 1) {
		if (missing & 1u) {
			warnf("%s needs %s", c->name, names[k]);
			return false;
		}
	}
	return true;
}
