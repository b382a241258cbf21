/*
 * doisoat db: database maintenance.  `doisoat db migrate` applies the
 * numbered schema files that the database has not seen yet, in one
 * transaction under the run lock (the same files `doisoat load` applies
 * before every load), and refuses a database migrated by a newer doisoat.
 */
#include "doisoat.h"
#include "stage.h"
#include "config.h"
#include "pgload.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_str[] =
	"usage: doisoat db migrate [--db CONNINFO] [--schemas DIR]\n"
	"                          [--config FILE] [--quiet]\n"
	"\n"
	"Apply the schema files in DIR (NNN_name.sql, in name order) that are\n"
	"not yet recorded in doisoat.schema_migrations, in one transaction.\n"
	"Creates the roles doisoat_owner, doisoat_loader and doisoat_reporter\n"
	"if absent: run it as a superuser, or as a member of doisoat_owner.\n"
	"Refuses a database whose schema is newer than the files.\n"
	"\n"
	"  -d, --db CONNINFO   libpq conninfo or URI (default: $DOISOAT_DB,\n"
	"                      else the PG* environment); no password here\n"
	"  -s, --schemas DIR   schema files (default: $DOISOAT_SCHEMAS, else\n"
	"                      ./schemas)\n"
	"      --config FILE   options from the [db] section of an INI file\n"
	"  -q, --quiet         no log lines\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit codes: 0 done, 1 failed (nothing applied, or the database is\n"
	"newer), 2 usage, 4 another doisoat run holds the database lock.\n";

struct db_opts {
	const char *conninfo;
	const char *schemas;
	int quiet;
};

static void usage(int code)
{
	fputs(usage_str, code ? stderr : stdout);
	exit(code);
}

/* Options after "migrate": argv[0] is the subcommand. */
static void parse_opts(int argc, char **argv, struct db_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "schemas", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct etl_err err = { { 0 } };
	int c;

	if (config_expand(&argc, &argv, "db", &err) < 0) {
		fprintf(stderr, "%s: %s\n", progname(), err.msg);
		exit(EXIT_USAGE);
	}
	o->conninfo = getenv("DOISOAT_DB");
	o->schemas = getenv("DOISOAT_SCHEMAS");
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:s:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->conninfo = optarg;
			break;
		case 's':
			o->schemas = optarg;
			break;
		case 'c': /* read by config_expand() */
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(EXIT_OK);
			break;
		default:
			fprintf(stderr, "Try 'doisoat db --help'.\n");
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname(),
			argv[optind]);
		usage(EXIT_USAGE);
	}
	if (!o->conninfo)
		o->conninfo = "";
	if (o->schemas && !*o->schemas) /* i12-install: NULL = built in */
		o->schemas = NULL;
}

static int db_migrate(const struct db_opts *o)
{
	struct etl_err err = { { 0 } };
	char server[400];
	PGresult *res;
	PGconn *conn;
	int applied, version, rc;

	refuse_password_conninfo(o->conninfo);
	conn = pgload_connect(o->conninfo, &err);
	if (!conn)
		die("%s", err.msg);
	if (pgload_exec(conn, "BEGIN", "cannot start a transaction", &err) < 0)
		die("%s", err.msg);
	rc = pgload_try_lock(conn, &err);
	if (rc < 0)
		die("%s", err.msg);
	if (rc == 0) {
		fprintf(stderr,
			"%s: another doisoat run holds the database lock; "
			"try again when it has finished\n",
			progname());
		PQfinish(conn);
		return EXIT_BUSY;
	}
	if (pgload_migrate(conn, o->schemas, &applied, &version, &err) < 0)
		die("%s", err.msg);
	res = PQexec(conn, "COMMIT");
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strcmp(PQcmdStatus(res), "COMMIT")) {
		pgload_result_err(&err, res, "cannot commit the migrations");
		die("%s", err.msg);
	}
	PQclear(res);
	pgload_describe(conn, server, sizeof(server));
	logmsg("%s: %d schema file(s) applied from '%s', schema version %d",
	       server, applied, o->schemas ? o->schemas : "(built in)",
	       version); /* i12-install: NULL = built in */
	PQfinish(conn);
	return EXIT_OK;
}

int cmd_db(int argc, char **argv)
{
	struct db_opts opts = { 0 };
	const char *saved_prog = progname();
	int rc;

	if (argc < 2)
		usage(EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		usage(EXIT_OK);
	if (strcmp(argv[1], "migrate")) {
		fprintf(stderr,
			"doisoat db: '%s' is not a db command. See 'doisoat db "
			"--help'.\n",
			argv[1]);
		return EXIT_USAGE;
	}
	set_progname("doisoat db");
	parse_opts(argc - 1, argv + 1, &opts);
	set_quiet(opts.quiet);
	rc = db_migrate(&opts);
	set_progname(saved_prog);
	return rc;
}
