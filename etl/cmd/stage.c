/*
 * stage.c: helpers shared by the stage commands (see stage.h).
 */
#include "stage.h"

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
