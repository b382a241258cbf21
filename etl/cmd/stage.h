/*
 * stage.h: what the stage commands share: options common to the stages,
 * opening their input and output files.
 */
#ifndef DOISOAT_STAGE_H
#define DOISOAT_STAGE_H

#include "pipeline.h"

#include <stdio.h>

/* Parse the options every stage takes (like run's) into o. */
void parse_run_opts(int argc, char **argv, struct run_opts *o,
		    const char *cmd);
/* fopen or die; "-" is stdin/stdout. */
FILE *stage_open(const char *path, const char *mode);
void stage_close(FILE *f, const char *path);
/*
 * Exit with EXIT_USAGE when a connection string carries a password (the
 * process list shows it to every user), or cannot be parsed.
 */
void refuse_password_conninfo(const char *conninfo);

#endif
