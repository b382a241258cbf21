/*
 * doisoat.h: the commands of the one doisoat binary.  Each cmd_*() takes
 * its own argv (argv[0] is the command name), reads the options it owns
 * (cmd/stage.h: cmd_parse()), and returns an exit code (util.h: EXIT_*).
 * doisoat.c dispatches to them from one table.
 */
#ifndef DOISOAT_DOISOAT_H
#define DOISOAT_DOISOAT_H

#include "util.h"

#define DOISOAT_VERSION "0.1.0"

int cmd_ingest(int argc, char **argv);
int cmd_normalise(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_inspect(int argc, char **argv);

#endif
