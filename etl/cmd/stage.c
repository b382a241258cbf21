/*
 * stage.c: helpers shared by the stage commands (see stage.h).
 */
#include "stage.h"
#include "pgload.h"

#include <errno.h>
#include <string.h>

FILE *stage_open(const char *path, const char *mode)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return mode[0] == 'r' ? stdin : stdout;
	f = fopen(path, mode);
	if (!f)
		die("'%s': cannot open: %s", path, strerror(errno));
	return f;
}

void stage_close(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f))
		die("'%s': write failed: %s", path ? path : "<stdout>",
		    strerror(errno));
	if (f != stdin && f != stdout)
		fclose(f);
}

void refuse_password_conninfo(const char *conninfo)
{
	struct etl_err err = { "" };

	switch (pgload_conninfo_has_password(conninfo, &err)) {
	case -1:
		die_code(EXIT_USAGE, "--db: %s", err.msg);
	case 1:
		die_code(EXIT_USAGE,
			 "the connection string carries a password, which "
			 "other users can read from the process list: put it "
			 "in ~/.pgpass (mode 0600), PGPASSFILE or a service "
			 "file instead");
	}
}
