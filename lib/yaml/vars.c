#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "base/util.h"
#include "yaml/vars.h"

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

bool is_var_name(const char *s, size_t n)
{
	if (n == 0 || !name_start(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

const char *vars_get(const struct vars *v, const char *name, size_t n)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->items[i].name) == n && memcmp(v->items[i].name, name, n) == 0)
			return v->items[i].value;
	return NULL;
}

void vars_set(struct vars *v, const char *name, size_t namelen, const char *value)
{
	for (size_t i = 0; i < v->n; i++) {
		struct var *x = &v->items[i];

		if (strlen(x->name) == namelen && memcmp(x->name, name, namelen) == 0) {
			free(x->value);
			x->value = xstrdup(value);
			return;
		}
	}
	v->items = xgrow(v->items, &v->cap, v->n + 1, sizeof(*v->items));
	v->items[v->n].name = xstrndup(name, namelen);
	v->items[v->n].value = xstrdup(value);
	v->n++;
}

int vars_set_assignment(struct vars *v, const char *a)
{
	const char *eq = strchr(a, '=');

	if (!eq || !is_var_name(a, (size_t)(eq - a)))
		return -1;
	vars_set(v, a, (size_t)(eq - a), eq + 1);
	return 0;
}

int vars_load(struct vars *v, const char *path)
{
	size_t len;
	char *buf = read_file(path, &len), *line, *next;
	int lineno = 0, errors = 0;

	if (!buf) {
		warnf("cannot read %s:", path);
		return -1;
	}
	if (memchr(buf, '\0', len)) {
		warnf("%s: not a text file (it holds a NUL byte)", path);
		free(buf);
		return -1;
	}
	for (line = buf; line && *line; line = next) {
		size_t n;
		char *eq;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq || !is_var_name(line, (size_t)(eq - line))) {
			warnf("%s:%d: expected NAME=value, got \"%.40s\"", path, lineno, line);
			errors++;
			continue;
		}
		vars_set(v, line, (size_t)(eq - line), eq + 1);
	}
	free(buf);
	return errors ? -1 : 0;
}

void vars_free(struct vars *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->items[i].name);
		free(v->items[i].value);
	}
	free(v->items);
	memset(v, 0, sizeof(*v));
}
