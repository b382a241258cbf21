/*
 * doisoat: reconcile health-insurance rosters.  main() dispatches to one
 * command per stage (etl/cmd/<stage>.c) from the table below.
 */
#include "doisoat.h"
#include "xlsin.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "the whole pipeline: inputs to lists and database" },
	{ "inspect", cmd_inspect, "show what a run would read from files" },
	{ "ingest", cmd_ingest, "read input files into rows (COPY text)" },
	{ "normalise", cmd_normalise, "normalise rows: IDs, names, dates" },
	{ "dedup", cmd_dedup, "find who is who; merge duplicates" },
	{ "diff", cmd_diff, "classify people against last year's cards" },
	{ "report", cmd_report, "write the lists (CSV) from diff's rows" },
	{ "merge", cmd_merge, "join the folders of run --partition I/N" },
	{ "load", cmd_load, "load a run's output folder into PostgreSQL" },
	{ "db", cmd_db, "database maintenance: db migrate" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: doisoat <command> [options]   (doisoat <command> "
		   "--help)\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nexit codes: 0 done, 1 failed, 2 usage, 3 rejects above "
		   "--max-rejects, 4 database busy\n");
}

int main(int argc, char **argv)
{
	size_t i;

	xlsin_child_main(argc, argv); /* the .xls reader's own process */
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("doisoat %s\n", DOISOAT_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr,
		"doisoat: '%s' is not a command. See 'doisoat "
		"--help'.\n",
		argv[1]);
	return EXIT_USAGE;
}
