/*
 * subcmd.h - the one way a tool dispatches its subcommands (kapply,
 * mspgen, caclient): a table, one entry per command, each beginning with a
 * struct subcmd (its name and the options it takes and needs) and going on
 * with what the tool calls.  As git.c's table of commands:
 *
 *	static const struct cmd {
 *		struct subcmd sc;
 *		int (*fn)(struct run *);
 *	} cmds[] = {
 *		{ { "apply", B(OPT_FILE) | B(OPT_FORCE), B(OPT_FILE), 0 }, cmd_apply },
 *	};
 *	const struct cmd *c = SUBCMD_FIND(cmds, argv[1]);
 *
 * What a command may be given is data in its entry, not tests of its name
 * in main.  The functions warn and return; the tool prints its usage.
 */
#ifndef SUBCMD_H
#define SUBCMD_H

#include <stdbool.h>
#include <stddef.h>

struct subcmd {
	const char *name;
	unsigned takes;         /* the options it takes: a bit each, numbered by the tool */
	unsigned needs;         /* of those, the ones it must be given */
	unsigned flags;         /* the tool's own facts about the command */
};

/* The bit of option number n in takes and needs. */
#define SUBCMD_OPT(n) (1u << (n))

/*
 * The entry named name of a table of n entries of size bytes, each
 * beginning with a struct subcmd; NULL after "unknown command \"name\"".
 */
const void *subcmd_find(const void *table, size_t n, size_t size, const char *name);
#define SUBCMD_FIND(table, name) \
	subcmd_find((table), sizeof(table) / sizeof(*(table)), sizeof(*(table)), (name))

/* Does name ask for help ("help", "-h" or "--help" in a command's place)? */
bool subcmd_is_help(const char *name);

/* Does c take option opt?  Else false after "<c> does not take <what>". */
bool subcmd_takes(const struct subcmd *c, int opt, const char *what);

/*
 * Was c given every option it needs (given: the bits of those it was)?
 * Else false after "<c> needs <name>" for the first one missing, named
 * by names[] (indexed by option number).
 */
bool subcmd_has_needs(const struct subcmd *c, unsigned given, const char *const names[]);

#endif
