/*
 * doisoat load: load a run's output folder (summary.json and the CSV
 * lists) into PostgreSQL in one transaction: schema migrations, the run
 * ledger, the reference tables, and every list, replacing the period's
 * earlier results.  If a list's row count differs from summary.json, or
 * anything fails, nothing is committed.
 */
#include "doisoat.h"
#include "pgload.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The shipped reference tables, compiled in (etl/sh/embed.sh). */
extern const char refdata_groups_csv[];
extern const size_t refdata_groups_csv_len;
extern const char refdata_communes_csv[];
extern const size_t refdata_communes_csv_len;

static const char usage_str[] =
	"usage: doisoat load --out DIR [--db CONNINFO] [--schemas DIR] "
	"[--quiet]\n"
	"\n"
	"Load the run in DIR (summary.json and the CSV lists) into\n"
	"PostgreSQL in one transaction: apply the schema migrations, record\n"
	"the run in doisoat.runs and doisoat.run_inputs, refresh the\n"
	"reference tables and replace the period's rows in every result\n"
	"table.  Each list's row count must match summary.json, or nothing\n"
	"is committed.\n"
	"\n"
	"  -o, --out DIR       the run's output folder\n"
	"  -d, --db CONNINFO   libpq conninfo or URI (default: $DOISOAT_DB,\n"
	"                      else the PG* environment); keep passwords in\n"
	"                      ~/.pgpass or a service file, not here\n"
	"  -s, --schemas DIR   schema files (default: $DOISOAT_SCHEMAS, else\n"
	"                      ./schemas)\n"
	"  -q, --quiet         no log lines\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit codes: 0 loaded, 1 failed (nothing committed), 2 usage,\n"
	"4 another doisoat run holds the database lock.\n";

#define MAX_SUMMARY (64u << 20)

struct load_opts {
	const char *out;
	const char *conninfo;
	const char *schemas;
	int quiet;
};

/* The run being loaded: both numbers as the server returned them. */
struct run {
	const char *summary; /* summary.json text */
	char period[16];
	char run_id[24];
};

/* One table per output list, loaded in this order. */
static const char *const result_tables[] = {
	"increase", /* new cards */
	"decrease", /* cards to end */
	"change", /* changed cards */
	"renew", /* renewed cards */
	"uninsured", /* people without a card */
	"review", /* rows and people for a human */
	"rejects", /* unreadable input rows (without the raw line) */
	"coverage", /* per commune, then TOTAL */
};

#define NTABLES (sizeof(result_tables) / sizeof(result_tables[0]))

static void parse_opts(int argc, char **argv, struct load_opts *o);
static void read_summary(const char *dir, struct strbuf *sb);
static int begin_locked(PGconn *conn);
static void start_run(PGconn *conn, struct run *run, const char *dir);
static void load_reference(PGconn *conn);
static void load_table(PGconn *conn, const struct run *run, const char *dir,
		       const char *table);
static void finish_run(PGconn *conn, const struct run *run);

int cmd_load(int argc, char **argv)
{
	struct load_opts opts = { 0 };
	struct strbuf summary;
	struct run run = { 0 };
	struct etl_err err = { { 0 } };
	const char *saved_prog = progname();
	double t0 = now_seconds();
	PGconn *conn;
	int applied;
	size_t i;

	set_progname("doisoat load");
	parse_opts(argc, argv, &opts);
	set_quiet(opts.quiet);
	read_summary(opts.out, &summary);
	run.summary = summary.buf;

	conn = pgload_connect(opts.conninfo, &err);
	if (!conn)
		die("%s", err.msg);
	if (!begin_locked(conn)) {
		fprintf(stderr,
			"%s: another doisoat run holds the database lock\n",
			progname());
		PQfinish(conn);
		sb_release(&summary);
		set_progname(saved_prog);
		return EXIT_BUSY;
	}
	if (pgload_migrate(conn, opts.schemas, &applied, &err) < 0)
		die("%s", err.msg);
	if (applied)
		logmsg("applied %d schema file(s) from '%s'", applied,
		       opts.schemas);
	start_run(conn, &run, opts.out);
	load_reference(conn);
	for (i = 0; i < NTABLES; i++)
		load_table(conn, &run, opts.out, result_tables[i]);
	finish_run(conn, &run);
	logmsg("loaded run %s of period %s into database '%s' (%.2f s)",
	       run.run_id, run.period, PQdb(conn), now_seconds() - t0);

	PQfinish(conn);
	sb_release(&summary);
	set_progname(saved_prog);
	return EXIT_OK;
}

static void usage(int code)
{
	fputs(usage_str, code ? stderr : stdout);
	exit(code);
}

static void parse_opts(int argc, char **argv, struct load_opts *o)
{
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "schemas", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->conninfo = getenv("DOISOAT_DB");
	o->schemas = getenv("DOISOAT_SCHEMAS");
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:d:s:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			o->conninfo = optarg;
			break;
		case 's':
			o->schemas = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(EXIT_OK);
			break;
		default:
			fprintf(stderr, "Try 'doisoat load --help'.\n");
			exit(EXIT_USAGE);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname(),
			argv[optind]);
		usage(EXIT_USAGE);
	}
	if (!o->out) {
		fprintf(stderr, "%s: --out DIR is required\n", progname());
		usage(EXIT_USAGE);
	}
	if (!o->conninfo)
		o->conninfo = "";
	if (!o->schemas || !*o->schemas)
		o->schemas = "schemas";
}

/* summary.json as text: PostgreSQL parses it (jsonb), not us. */
static void read_summary(const char *dir, struct strbuf *sb)
{
	struct strbuf path;
	char buf[8192];
	size_t n;
	FILE *f;

	sb_init(&path, 0);
	sb_addf(&path, "%s/summary.json", dir);
	f = fopen(path.buf, "rb");
	if (!f)
		die("cannot open '%s': %s", path.buf, strerror(errno));
	sb_init(sb, MAX_SUMMARY);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (sb_add(sb, buf, n) < 0)
			die("'%s' is larger than %u bytes", path.buf,
			    MAX_SUMMARY);
	if (ferror(f))
		die("cannot read '%s': %s", path.buf, strerror(errno));
	fclose(f);
	if (!sb->buf || memchr(sb->buf, '\0', sb->len))
		die("'%s' is empty or not text", path.buf);
	sb_release(&path);
}

/* BEGIN and take the run lock: 1, or 0 (rolled back) if another has it. */
static int begin_locked(PGconn *conn)
{
	struct etl_err err = { { 0 } };
	int rc;

	if (pgload_exec(conn, "BEGIN", "cannot start a transaction", &err) < 0)
		die("%s", err.msg);
	rc = pgload_try_lock(conn, &err);
	if (rc < 0)
		die("%s", err.msg);
	if (rc == 0)
		pgload_exec(conn, "ROLLBACK", "rollback", &err);
	return rc;
}

/*
 * Run a statement with parameters that must succeed; returns its result
 * (the caller PQclear()s it) or dies with "<what>: <server message>".
 */
static PGresult *exec_params(PGconn *conn, const char *sql, int n,
			     const char *const *params, const char *what)
{
	struct etl_err err = { { 0 } };
	PGresult *res;
	ExecStatusType st;

	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pgload_result_err(&err, res, what);
		die("%s", err.msg);
	}
	return res;
}

/* Run one or more statements without parameters, or die. */
static void exec_sql(PGconn *conn, const char *sql, const char *what)
{
	struct etl_err err = { { 0 } };

	if (pgload_exec(conn, sql, what, &err) < 0)
		die("%s", err.msg);
}

/* Insert the runs row and the run_inputs rows from summary.json. */
static void start_run(PGconn *conn, struct run *run, const char *dir)
{
	const char *params[2] = { run->summary, NULL };
	char what[300];
	PGresult *res;

	snprintf(what, sizeof(what), "'%s/summary.json'", dir);
	res = exec_params(conn, "SELECT ($1::jsonb->>'period')::int", 1, params,
			  what);
	if (PQgetisnull(res, 0, 0))
		die("'%s/summary.json' has no period", dir);
	PQclear(res);

	res = exec_params(conn,
			  "INSERT INTO doisoat.runs (period, started_at, "
			  "status, version, summary) "
			  "SELECT (s->>'period')::int, now(), 'loaded', "
			  "s->>'doisoat_version', s "
			  "FROM (SELECT $1::jsonb AS s) AS x "
			  "RETURNING run_id, period",
			  1, params, "cannot record the run in doisoat.runs");
	snprintf(run->run_id, sizeof(run->run_id), "%s", PQgetvalue(res, 0, 0));
	snprintf(run->period, sizeof(run->period), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);

	params[1] = run->run_id;
	snprintf(what, sizeof(what),
		 "cannot record the inputs of '%s/summary.json'", dir);
	PQclear(exec_params(
		conn,
		"INSERT INTO doisoat.run_inputs (run_id, ord, source, kind, "
		"bytes, xxh3, rows_read, accepted, rejected) "
		"SELECT $2::bigint, e.ord, e.v->>'source', e.v->>'kind', "
		"(e.v->>'bytes')::bigint, e.v->>'xxh3', "
		"(e.v->>'rows_read')::bigint, (e.v->>'accepted')::bigint, "
		"(e.v->>'rejected')::bigint "
		"FROM jsonb_array_elements(coalesce($1::jsonb->'inputs', "
		"'[]'::jsonb)) WITH ORDINALITY AS e(v, ord)",
		2, params, what));
}

/* Replace the reference tables with the copies compiled into doisoat. */
static void copy_embedded(PGconn *conn, const char *table, const char *text,
			  size_t len, const char *name)
{
	struct etl_err err = { { 0 } };
	long long rows;
	FILE *f;

	f = fmemopen((void *)text, len, "r");
	if (!f)
		die("cannot read the shipped %s: %s", name, strerror(errno));
	rows = pgload_copy(conn, table, f, name, &err);
	fclose(f);
	if (rows < 0)
		die("%s", err.msg);
}

static void load_reference(PGconn *conn)
{
	double t0 = now_seconds();

	exec_sql(conn, "DELETE FROM doisoat.groups",
		 "cannot empty doisoat.groups");
	exec_sql(conn, "DELETE FROM doisoat.communes",
		 "cannot empty doisoat.communes");
	copy_embedded(conn, "doisoat.groups", refdata_groups_csv,
		      refdata_groups_csv_len, "groups.csv");
	copy_embedded(conn, "doisoat.communes", refdata_communes_csv,
		      refdata_communes_csv_len, "communes.csv");
	logmsg("reference: groups and communes (%.2f s)", now_seconds() - t0);
}

/* The count summary.json gives for file under "outputs", or -1. */
static long long expected_rows(PGconn *conn, const struct run *run,
			       const char *file)
{
	const char *params[2] = { run->summary, file };
	PGresult *res;
	long long n = -1;

	res = exec_params(conn, "SELECT ($1::jsonb->'outputs'->>$2)::bigint", 2,
			  params, "cannot read summary.json outputs");
	if (!PQgetisnull(res, 0, 0))
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

/* "a, b, c": the columns of doisoat.<table>, quoted, in table order. */
static char *column_list(PGconn *conn, const char *table)
{
	const char *params[1];
	char qualified[80];
	PGresult *res;
	char *cols;

	snprintf(qualified, sizeof(qualified), "doisoat.%s", table);
	params[0] = qualified;
	res = exec_params(conn,
			  "SELECT string_agg(quote_ident(attname), ', ' "
			  "ORDER BY attnum) FROM pg_attribute "
			  "WHERE attrelid = $1::regclass AND attnum > 0 "
			  "AND NOT attisdropped",
			  1, params, "cannot read the table's columns");
	cols = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return cols;
}

/*
 * Replace the period's rows of doisoat.<table> with <dir>/<table>.csv:
 * COPY into a staging table shaped like it (its period and run_id default
 * to this run's), check the count, then insert into the real table.
 */
static void load_table(PGconn *conn, const struct run *run, const char *dir,
		       const char *table)
{
	struct etl_err err = { { 0 } };
	struct strbuf sql, path;
	char file[64], staging[64], what[128];
	long long rows = 0, want;
	double t0 = now_seconds();
	char *cols;
	int present;
	FILE *f;

	snprintf(file, sizeof(file), "%s.csv", table);
	snprintf(staging, sizeof(staging), "s_%s", table);
	snprintf(what, sizeof(what), "cannot load %s", file);
	sb_init(&sql, 0);
	sb_init(&path, 0);
	sb_addf(&path, "%s/%s", dir, file);

	sb_addf(&sql,
		"DELETE FROM doisoat.%s WHERE period = %s;\n"
		"CREATE TEMP TABLE %s (LIKE doisoat.%s) ON COMMIT DROP;\n"
		"ALTER TABLE %s ALTER period SET DEFAULT %s, "
		"ALTER run_id SET DEFAULT %s;\n",
		table, run->period, staging, table, staging, run->period,
		run->run_id);
	/* rejects.csv has the raw line: staged, never carried over */
	if (!strcmp(table, "rejects"))
		sb_addf(&sql, "ALTER TABLE %s ADD COLUMN raw text;\n", staging);
	exec_sql(conn, sql.buf, what);

	f = fopen(path.buf, "rb");
	if (!f && errno != ENOENT)
		die("cannot open '%s': %s", path.buf, strerror(errno));
	present = f != NULL;
	if (present) {
		rows = pgload_copy(conn, staging, f, path.buf, &err);
		fclose(f);
		if (rows < 0)
			die("%s", err.msg);
	}
	want = expected_rows(conn, run, file);
	if (want >= 0 && want != rows) {
		if (!present)
			die("'%s' is missing but summary.json says %lld rows; "
			    "nothing loaded",
			    path.buf, want);
		die("'%s' has %lld rows but summary.json says %lld; nothing "
		    "loaded",
		    path.buf, rows, want);
	}

	cols = column_list(conn, table);
	sb_reset(&sql);
	sb_addf(&sql, "INSERT INTO doisoat.%s (%s) SELECT %s FROM %s", table,
		cols, cols, staging);
	exec_sql(conn, sql.buf, what);
	free(cols);
	if (present)
		logmsg("%s: %lld rows (%.2f s)", table, rows,
		       now_seconds() - t0);
	else
		logmsg("%s: no %s, 0 rows", table, file);
	sb_release(&sql);
	sb_release(&path);
}

static void finish_run(PGconn *conn, const struct run *run)
{
	const char *params[1] = { run->run_id };
	PGresult *res;

	PQclear(exec_params(conn,
			    "UPDATE doisoat.runs SET finished_at = "
			    "clock_timestamp() WHERE run_id = $1::bigint",
			    1, params, "cannot finish the run"));
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK */
	res = exec_params(conn, "COMMIT", 0, NULL, "cannot commit the load");
	if (strcmp(PQcmdStatus(res), "COMMIT"))
		die("cannot commit the load: the server rolled it back");
	PQclear(res);
}
