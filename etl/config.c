/*
 * config.c: INI files of --config, read into "--key=value" options (see
 * config.h for the format).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 4096

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* An option name: a lower-case letter, then letters, digits and '-'. */
static int is_key(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return 0;
	return 1;
}

static int is_word(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(s, *words))
			return 1;
	return 0;
}

/* Append arg (taken over), and the closing NULL. */
static void push(struct config_args *c, char *arg)
{
	c->argv = xrealloc(c->argv, ((size_t)c->argc + 2) * sizeof(*c->argv));
	c->argv[c->argc++] = arg;
	c->argv[c->argc] = NULL;
}

/* Append an option of a file (taken over): at most MAX_ARGS in all. */
static int add_arg(struct config_args *c, char *arg, const char *path,
		   unsigned long line, struct etl_err *err)
{
	if (c->argc >= MAX_ARGS) {
		free(arg);
		return etl_errf(err, "'%s':%lu: more than %d options", path,
				line, MAX_ARGS);
	}
	push(c, arg);
	return 0;
}

/* One "key [= value]" line of a section we use. */
static int key_line(char *s, struct config_args *c, const char *path,
		    unsigned long line, struct etl_err *err)
{
	static const char *const yes[] = { "yes", "true", "on", NULL };
	static const char *const no[] = { "no", "false", "off", NULL };
	char *eq = strchr(s, '='), *key = s, *val = NULL, *arg;
	size_t n;

	if (eq) {
		*eq = '\0';
		val = trim(eq + 1);
		n = strlen(val);
		if (n >= 2 && val[0] == '"' && val[n - 1] == '"') {
			val[n - 1] = '\0';
			val++;
		}
	}
	key = trim(key);
	if (!is_key(key))
		return etl_errf(err,
				"'%s':%lu: not an option name (want "
				"key = value, a long option without its "
				"dashes)",
				path, line);
	if (!strcmp(key, "config"))
		return etl_errf(err,
				"'%s':%lu: 'config' cannot be set in a "
				"config file",
				path, line);
	if (val && is_word(val, no))
		return 0;
	n = strlen(key) + (val ? strlen(val) : 0) + 4;
	arg = xmalloc(n);
	if (!val || is_word(val, yes))
		snprintf(arg, n, "--%s", key);
	else
		snprintf(arg, n, "--%s=%s", key, val);
	return add_arg(c, arg, path, line, err);
}

int config_read(const char *path, const char *section, struct config_args *c,
		struct etl_err *err)
{
	char *buf = NULL, *s;
	size_t bufcap = 0;
	unsigned long line = 0;
	/* keys before any [section] belong to [run] */
	int use = !strcmp(section, "run"), rc = 0;
	ssize_t len;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return etl_errf(err, "cannot open config file '%s': %s", path,
				strerror(errno));
	while (rc == 0 && (len = getline(&buf, &bufcap, f)) >= 0) {
		line++;
		if (memchr(buf, '\0', (size_t)len)) {
			rc = etl_errf(err, "'%s':%lu: not a text file", path,
				      line);
			break;
		}
		s = buf;
		if (line == 1 && starts_with(s, "\xEF\xBB\xBF"))
			s += 3;
		s = trim(s);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || trim(end + 1)[0] != '\0') {
				rc = etl_errf(err,
					      "'%s':%lu: a section header is "
					      "[name]",
					      path, line);
				break;
			}
			*end = '\0';
			use = !strcmp(trim(s + 1), section);
			continue;
		}
		if (use)
			rc = key_line(s, c, path, line, err);
	}
	if (rc == 0 && ferror(f))
		rc = etl_errf(err, "cannot read config file '%s': %s", path,
			      strerror(errno));
	free(buf);
	fclose(f);
	return rc;
}

void config_args_init(struct config_args *c, const char *argv0)
{
	c->argc = 0;
	c->argv = NULL;
	c->file = NULL;
	push(c, xstrdup(argv0));
}

/* Where "--config FILE" or "--config=FILE" is in argv: 0 or -1. */
static int find_config(int argc, char **argv, const char **path, int *at,
		       int *skip, struct etl_err *err)
{
	int i;

	*path = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (strcmp(a, "--config") && !starts_with(a, "--config="))
			continue;
		if (*path)
			return etl_errf(err, "--config given twice");
		if (a[8] == '=') {
			*path = a + 9;
			*skip = 1;
		} else if (i + 1 < argc) {
			*path = argv[i + 1];
			*skip = 2;
		} else {
			return etl_errf(err, "--config needs a FILE");
		}
		if (!**path)
			return etl_errf(err, "--config needs a FILE");
		*at = i;
	}
	return 0;
}

int config_expand(struct config_args *c, int argc, char **argv,
		  const char *section, struct etl_err *err)
{
	const char *path = NULL;
	int i, at = -1, skip = 0;

	config_args_init(c, argv[0]);
	if (section && find_config(argc, argv, &path, &at, &skip, err) < 0)
		return -1;
	if (path && config_read(path, section, c, err) < 0)
		return -1;
	c->file = path;
	/* the rest of argv, without --config */
	for (i = 1; i < argc; i++) {
		if (i == at) {
			i += skip - 1;
			continue;
		}
		push(c, xstrdup(argv[i]));
	}
	return 0;
}

void config_release(struct config_args *c)
{
	int i;

	for (i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	c->argc = 0;
	c->argv = NULL;
	c->file = NULL;
}
