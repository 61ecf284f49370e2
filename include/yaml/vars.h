/*
 * vars.h - variables for templates: NAME=value files written by yaml2vars
 * (and by hand), plus -D overrides.
 *
 * A vars file has one NAME=value per line; the value is everything after
 * the first '=' up to the end of the line, taken literally.  Blank lines
 * and lines starting with '#' are ignored; a trailing CR is dropped.
 * A later definition of a name replaces an earlier one.
 */
#ifndef VARS_H
#define VARS_H

#include <stdbool.h>
#include <stddef.h>

struct var {
	char *name, *value;
};

struct vars {
	struct var *items;
	size_t n, cap;
};

/* Is s[0..n) a variable name: [A-Za-z_][A-Za-z0-9_]*? */
bool is_var_name(const char *s, size_t n);
/* Add the variables of a file; 0, or -1 after printing "file:line: ..." errors. */
int vars_load(struct vars *v, const char *path);
/* Parse "NAME=value" (a -D argument); 0, or -1 when NAME is not a name. */
int vars_set_assignment(struct vars *v, const char *assignment);
void vars_set(struct vars *v, const char *name, size_t namelen, const char *value);
/* The value of name[0..n), or NULL. */
const char *vars_get(const struct vars *v, const char *name, size_t n);
void vars_free(struct vars *v);

#endif
