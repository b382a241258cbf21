/*
 * doisoat db: database maintenance.  `doisoat db migrate` applies the
 * numbered schema files that the database has not seen yet, in one
 * transaction under the run lock (the same files `doisoat load` applies
 * before every load), and refuses a database migrated by a newer doisoat.
 */
#include "doisoat.h"
#include "stage.h"
#include "pgload.h"

#include <string.h>

static const char usage_str[] =
	"usage: doisoat db migrate [--db CONNINFO] [--schemas DIR]\n"
	"                          [--config FILE] [--quiet]\n"
	"\n"
	"Apply the schema migrations (built in, or the NNN_name.sql files of\n"
	"--schemas DIR, in name order) that are not yet recorded in\n"
	"doisoat.schema_migrations, in one transaction.\n"
	"Creates the roles doisoat_owner, doisoat_loader and doisoat_reporter\n"
	"if absent: run it as a superuser, or as a member of doisoat_owner.\n"
	"Refuses a database whose schema is newer than the files.\n"
	"\n"
	"  -d, --db CONNINFO   libpq conninfo or URI (default: $DOISOAT_DB,\n"
	"                      else the PG* environment); no password here\n"
	"  -s, --schemas DIR   schema files (default: $DOISOAT_SCHEMAS, else\n"
	"                      the ones built in)\n"
	"      --config FILE   options from the [db] section of an INI file\n"
	"  -q, --quiet         no log lines\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit codes: 0 done, 1 failed (nothing applied, or the database is\n"
	"newer), 2 usage, 4 another doisoat run holds the database lock.\n";

static int db_migrate(const struct load_opts *o)
{
	struct etl_err err = { { 0 } };
	char server[400];
	PGresult *res;
	PGconn *conn;
	int applied, version, rc;

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
	       version);
	PQfinish(conn);
	return EXIT_OK;
}

/* takes arguments: the subcommand's name is not an option */
static const struct cmd_def db_def = {
	.prog = "doisoat db",
	.takes_args = 1,
	.config = "db",
	.usage = usage_str,
	.options = { OPT_DB, OPT_SCHEMAS },
};

int cmd_db(int argc, char **argv)
{
	struct load_opts o;
	struct cmd_args a;
	int migrate = argc > 1 && !strcmp(argv[1], "migrate"), rc;

	/* the options come after the subcommand */
	load_parse(&db_def, argc - migrate, argv + migrate, &o, &a);
	if (!migrate && a.nargs)
		usage_error("'%s' is not a db command", a.args[0]);
	if (!migrate)
		usage_error("no db command (db migrate)");
	if (a.nargs)
		usage_error("unexpected argument '%s'", a.args[0]);
	rc = db_migrate(&o);
	cmd_args_release(&a);
	return rc;
}
