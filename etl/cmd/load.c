/*
 * doisoat load: load a run's output folder (summary.json and the CSV
 * lists) into PostgreSQL in one transaction under the run lock: schema
 * migrations, the ledger row, COPY of every list into staging tables, the
 * accounting checks of spec §8, then the swap of the period's results
 * (schemas/006_load.sql).  If anything fails, nothing is committed, and
 * the failure is recorded in the ledger afterwards.
 */
#include "doisoat.h"
#include "stage.h"
#include "config.h"
#include "hashtab.h"
#include "pgload.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The shipped reference tables, compiled in (etl/sh/embed.sh). */
extern const char refdata_groups_csv[];
extern const size_t refdata_groups_csv_len;
extern const char refdata_communes_csv[];
extern const size_t refdata_communes_csv_len;

static const char usage_str[] =
	"usage: doisoat load --out DIR [--db CONNINFO] [--schemas DIR]\n"
	"                    [--pseudonym-key FILE] [--keep-raw]\n"
	"                    [--config FILE] [--quiet]\n"
	"\n"
	"Load the run in DIR (summary.json and the CSV lists) into\n"
	"PostgreSQL in one transaction holding the run lock: apply pending\n"
	"schema migrations, record the run in doisoat.runs, COPY every list\n"
	"into a staging table, check the row accounting against summary.json\n"
	"(spec §8), then replace the period's results with the staged ones.\n"
	"If anything fails, nothing is committed.  A failed load is recorded\n"
	"in doisoat.runs with status 'failed'.  An input file with the same\n"
	"XXH3 checksum and size as in an earlier run is reported.\n"
	"\n"
	"  -o, --out DIR             the run's output folder\n"
	"  -d, --db CONNINFO         libpq conninfo or URI (default:\n"
	"                            $DOISOAT_DB, else the PG* environment,\n"
	"                            service file and ~/.pgpass); a password\n"
	"                            here is refused: use ~/.pgpass\n"
	"  -s, --schemas DIR         schema files (default: $DOISOAT_SCHEMAS,\n"
	"                            else ./schemas)\n"
	"  -k, --pseudonym-key FILE  secret key of the pseudonyms in the\n"
	"                            reporting views, HMAC-SHA256 (default:\n"
	"                            $DOISOAT_PSEUDONYM_KEY_FILE; none: no\n"
	"                            pseudonyms, doisoat_report.person_outcomes\n"
	"                            stays empty)\n"
	"      --keep-raw            keep the raw input line of rejected rows\n"
	"                            (personal data) in doisoat.rejects.raw\n"
	"      --config FILE         options from the [load] section of an INI\n"
	"                            file (see docs/operations.md)\n"
	"  -q, --quiet               no log lines\n"
	"  -h, --help                this text\n"
	"\n"
	"Log lines (stderr): UTC time, stage, counts, seconds; never a value\n"
	"from a row.  A progress line only when stderr is a terminal.\n"
	"\n"
	"Exit codes: 0 loaded, 1 failed (nothing committed: unreadable\n"
	"folder, database error, accounting check failed), 2 usage (also a\n"
	"password in --db), 4 another doisoat run holds the database lock.\n";

#define MAX_SUMMARY (64u << 20)

struct load_opts {
	const char *out;
	const char *conninfo;
	const char *schemas;
	const char *key_file;
	int keep_raw;
	int quiet;
};

/* The load in progress. */
struct load {
	PGconn *conn;
	const char *summary; /* summary.json text */
	const char *dir;
	char period[16];
	char run_id[24];
	int in_txn;
	struct pgload_hmac hmac;
	int have_key;
	int keep_raw;
	long long rows;  /* rows loaded into the lists */
	struct hashtab keys; /* person keys of the outcome lists (hashes) */
	unsigned long key_dups; /* rows whose key hash was seen before */
	int progress;    /* show a progress line (stderr is a terminal) */
};

/* One table per output list, loaded in this order. */
static const struct list_table {
	const char *name;
	int person; /* has person_id: gets a pseudonym */
	int outcomes; /* summary.json outcomes has its counts by reason */
} tables[] = {
	{ "increase", 1, 1 },	/* new cards */
	{ "decrease", 1, 1 },	/* cards to end */
	{ "change", 1, 1 },	/* changed cards */
	{ "renew", 1, 0 },	/* renewed cards */
	{ "uninsured", 1, 0 },	/* people without a card */
	{ "review", 0, 1 },	/* rows and people for a human */
	{ "rejects", 0, 1 },	/* unreadable input rows */
	{ "coverage", 0, 0 },	/* per commune, then TOTAL */
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static void parse_opts(int argc, char **argv, struct load_opts *o);
static void read_summary(const char *dir, struct strbuf *sb);
static int begin_locked(struct load *L);
static void migrate(struct load *L, const char *schemas);
static void start_run(struct load *L);
static void load_reference(struct load *L);
static void load_table(struct load *L, const struct list_table *t);
static void check_accounting(struct load *L);
static void finish_run(struct load *L);

int cmd_load(int argc, char **argv)
{
	struct load_opts opts = { 0 };
	struct strbuf summary;
	struct load L = { 0 };
	struct etl_err err = { { 0 } };
	const char *saved_prog = progname();
	double t0 = now_seconds();
	char server[400];
	int loose;
	size_t i;

	set_progname("doisoat load");
	parse_opts(argc, argv, &opts);
	set_quiet(opts.quiet);
	refuse_password_conninfo(opts.conninfo);
	if (getenv("PGPASSWORD"))
		warn("PGPASSWORD is set: other users may read it from the "
		     "process environment; ~/.pgpass is safer");
	if (opts.key_file) {
		if (pgload_read_key(opts.key_file, &L.hmac, &loose, &err) < 0)
			die("%s", err.msg);
		if (loose)
			warn("pseudonym key '%s' is readable by other users "
			     "(chmod 600)",
			     opts.key_file);
		L.have_key = 1;
	}
	L.keep_raw = opts.keep_raw;
	L.dir = opts.out;
	L.progress = !opts.quiet && isatty(STDERR_FILENO);
	ht_init(&L.keys, 1 << 16);
	read_summary(opts.out, &summary);
	L.summary = summary.buf;

	L.conn = pgload_connect(opts.conninfo, &err);
	if (!L.conn)
		die("%s", err.msg);
	pgload_describe(L.conn, server, sizeof(server));
	logmsg("connected to %s", server);
	if (!begin_locked(&L)) {
		fprintf(stderr,
			"%s: another doisoat run holds the database lock "
			"(%s); try again when it has finished\n",
			progname(), server);
		PQfinish(L.conn);
		sb_release(&summary);
		set_progname(saved_prog);
		return EXIT_BUSY;
	}
	migrate(&L, opts.schemas);
	start_run(&L);
	load_reference(&L);
	for (i = 0; i < NTABLES; i++)
		load_table(&L, &tables[i]);
	check_accounting(&L);
	finish_run(&L);
	logmsg("loaded run %s of period %s: %lld rows (%.2f s)", L.run_id,
	       L.period, L.rows, now_seconds() - t0);

	PQfinish(L.conn);
	ht_release(&L.keys);
	sb_release(&summary);
	set_progname(saved_prog);
	return EXIT_OK;
}

static void usage(int code)
{
	fputs(usage_str, code ? stderr : stdout);
	exit(code);
}

/*
 * The [load] section of --config FILE, or, inside `doisoat run --config
 * FILE`, of the run's file.
 */
static void expand_config(int *argc, char ***argv)
{
	struct etl_err err = { { 0 } };
	const char *file = config_file();
	char **v;
	int i;

	for (i = 1; i < *argc; i++)
		if (!strcmp((*argv)[i], "--config") ||
		    starts_with((*argv)[i], "--config="))
			file = NULL;
	if (file) {
		v = xcalloc((size_t)*argc + 3, sizeof(*v));
		v[0] = (*argv)[0];
		v[1] = "--config";
		v[2] = (char *)file;
		for (i = 1; i < *argc; i++)
			v[i + 2] = (*argv)[i];
		*argc += 2;
		*argv = v;
	}
	if (config_expand(argc, argv, "load", &err) < 0) {
		fprintf(stderr, "%s: %s\n", progname(), err.msg);
		exit(EXIT_USAGE);
	}
}

static void parse_opts(int argc, char **argv, struct load_opts *o)
{
	enum { O_KEEP_RAW = 256, O_CONFIG };
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "schemas", required_argument, NULL, 's' },
		{ "pseudonym-key", required_argument, NULL, 'k' },
		{ "keep-raw", no_argument, NULL, O_KEEP_RAW },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	expand_config(&argc, &argv);
	o->conninfo = getenv("DOISOAT_DB");
	o->schemas = getenv("DOISOAT_SCHEMAS");
	o->key_file = getenv("DOISOAT_PSEUDONYM_KEY_FILE");
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:d:s:k:qh", lopts, NULL)) !=
	       -1) {
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
		case 'k':
			o->key_file = optarg;
			break;
		case O_KEEP_RAW:
			o->keep_raw = 1;
			break;
		case O_CONFIG: /* read by expand_config() */
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
	if (o->schemas && !*o->schemas) /* i12-install: NULL = built in */
		o->schemas = NULL;
	if (o->key_file && !*o->key_file)
		o->key_file = NULL;
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
	/* cppcheck-suppress nullPointerRedundantCheck ; die() returns not */
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

/*
 * Record a load that did not commit, in a transaction of its own (best
 * effort: not when the server is gone, the schema is not there yet, or
 * summary.json is not JSON).
 */
static void record_failure(struct load *L, const char *msg)
{
	const char *params[4] = { L->summary, msg, NULL, NULL };
	char host[256] = "", pid[16];
	PGresult *res;

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	params[2] = host;
	params[3] = pid;
	res = PQexecParams(L->conn,
			   "INSERT INTO doisoat.runs (period, period_start, "
			   "started_at, finished_at, status, version, "
			   "summary, host, pid, error) "
			   "SELECT (s->>'period')::int, "
			   "(s->>'period_start')::date, now(), "
			   "clock_timestamp(), 'failed', "
			   "s->>'doisoat_version', s, nullif($3, ''), "
			   "$4::int, $2 FROM (SELECT $1::jsonb AS s) x "
			   "WHERE s->>'period' IS NOT NULL",
			   4, NULL, params, NULL, NULL, 0);
	PQclear(res);
}

/* Roll back, record the failure, and exit 1 with msg. */
static void __attribute__((noreturn))
bail(struct load *L, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	PGresult *res;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (L->in_txn && PQstatus(L->conn) == CONNECTION_OK) {
		res = PQexec(L->conn, "ROLLBACK");
		PQclear(res);
		if (PQstatus(L->conn) == CONNECTION_OK)
			record_failure(L, msg);
	}
	if (L->progress)
		fputs("\r\033[K", stderr);
	die("%s", msg);
}

/* BEGIN and take the run lock: 1, or 0 (rolled back) if another has it. */
static int begin_locked(struct load *L)
{
	struct etl_err err = { { 0 } };
	int rc;

	if (pgload_exec(L->conn, "BEGIN", "cannot start a transaction",
			&err) < 0)
		die("%s", err.msg);
	L->in_txn = 1;
	rc = pgload_try_lock(L->conn, &err);
	if (rc < 0)
		die("%s", err.msg);
	if (rc == 0) {
		pgload_exec(L->conn, "ROLLBACK", "rollback", &err);
		L->in_txn = 0;
	}
	return rc;
}

/*
 * Run a statement with parameters that must succeed; returns its result
 * (the caller PQclear()s it) or bails out with "<what>: <server message>".
 */
static PGresult *exec_params(struct load *L, const char *sql, int n,
			     const char *const *params, const char *what)
{
	struct etl_err err = { { 0 } };
	PGresult *res;
	ExecStatusType st;

	res = PQexecParams(L->conn, sql, n, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pgload_result_err(&err, res, what);
		PQclear(res);
		bail(L, "%s", err.msg);
	}
	return res;
}

/* Run one or more statements without parameters, or bail out. */
static void exec_sql(struct load *L, const char *sql, const char *what)
{
	struct etl_err err = { { 0 } };

	if (pgload_exec(L->conn, sql, what, &err) < 0)
		bail(L, "%s", err.msg);
}

static void migrate(struct load *L, const char *schemas)
{
	struct etl_err err = { { 0 } };
	int applied, version;

	if (pgload_migrate(L->conn, schemas, &applied, &version, &err) < 0)
		die("%s", err.msg); /* no ledger to write to, maybe */
	if (applied)
		logmsg("schema: applied %d migration(s) from '%s', now at "
		       "version %d",
		       applied, schemas ? schemas : "(built in)",
		       version); /* i12-install: NULL = built in */
}

/* Log the input files an earlier run already had, unchanged. */
static void report_redelivery(struct load *L)
{
	const char *params[1] = { L->run_id };
	PGresult *res;
	int i, n, all;

	res = exec_params(L,
			  "SELECT i.source, i.kind, i.same_as_run, "
			  "r.period, count(*) OVER (), "
			  "count(*) OVER (PARTITION BY i.same_as_run) "
			  "FROM doisoat.run_inputs i "
			  "JOIN doisoat.runs r ON r.run_id = i.same_as_run "
			  "WHERE i.run_id = $1::bigint ORDER BY i.ord",
			  1, params, "cannot read doisoat.run_inputs");
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		logmsg("input %s '%s' is unchanged since run %s (period %s): "
		       "same XXH3 checksum and size",
		       PQgetvalue(res, i, 1), PQgetvalue(res, i, 0),
		       PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	PQclear(res);
	if (!n)
		return;
	res = exec_params(L,
			  "SELECT count(*) = count(same_as_run) AND "
			  "count(DISTINCT same_as_run) = 1, "
			  "min(same_as_run) FROM doisoat.run_inputs "
			  "WHERE run_id = $1::bigint",
			  1, params, "cannot read doisoat.run_inputs");
	all = PQgetvalue(res, 0, 0)[0] == 't';
	if (all)
		logmsg("every input file is as in run %s: this load "
		       "repeats it",
		       PQgetvalue(res, 0, 1));
	PQclear(res);
}

/*
 * Insert the runs row (status 'loading') and the run_inputs rows from
 * summary.json, and create the staging tables.
 */
static void start_run(struct load *L)
{
	const char *params[4] = { L->summary, NULL, NULL, NULL };
	char what[300], host[256] = "", pid[16];
	struct strbuf sql;
	PGresult *res;

	snprintf(what, sizeof(what), "'%s/summary.json'", L->dir);
	res = exec_params(L, "SELECT ($1::jsonb->>'period')::int", 1, params,
			  what);
	if (PQgetisnull(res, 0, 0)) {
		PQclear(res);
		bail(L, "'%s/summary.json' has no period", L->dir);
	}
	PQclear(res);

	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	params[1] = host;
	params[2] = pid;
	res = exec_params(L,
			  "INSERT INTO doisoat.runs (period, period_start, "
			  "started_at, status, version, summary, host, pid) "
			  "SELECT (s->>'period')::int, "
			  "coalesce((s->>'period_start')::date, "
			  "make_date((s->>'period')::int, 1, 1)), now(), "
			  "'loading', s->>'doisoat_version', s, "
			  "nullif($2, ''), $3::int "
			  "FROM (SELECT $1::jsonb AS s) AS x "
			  "RETURNING run_id, period",
			  3, params, "cannot record the run in doisoat.runs");
	snprintf(L->run_id, sizeof(L->run_id), "%s", PQgetvalue(res, 0, 0));
	snprintf(L->period, sizeof(L->period), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);

	/* the default of the reference tables' run_id */
	sb_init(&sql, 0);
	sb_addf(&sql, "SET LOCAL doisoat.run_id = '%s'", L->run_id);
	exec_sql(L, sql.buf, "cannot set doisoat.run_id");
	sb_release(&sql);

	params[1] = L->run_id;
	snprintf(what, sizeof(what),
		 "cannot record the inputs of '%s/summary.json'", L->dir);
	PQclear(exec_params(
		L,
		"INSERT INTO doisoat.run_inputs (run_id, ord, source, kind, "
		"path, bytes, xxh3, lines, rows_read, accepted, rejected, "
		"duplicates_merged, sent_to_review, seconds, same_as_run) "
		"SELECT $2::bigint, e.ord, e.v->>'source', e.v->>'kind', "
		"e.v->>'path', (e.v->>'bytes')::bigint, e.v->>'xxh3', "
		"(e.v->>'lines')::bigint, (e.v->>'rows_read')::bigint, "
		"(e.v->>'accepted')::bigint, (e.v->>'rejected')::bigint, "
		"(e.v->>'duplicates_merged')::bigint, "
		"(e.v->>'sent_to_review')::bigint, "
		"(e.v->>'seconds')::numeric, "
		"(SELECT max(j.run_id) FROM doisoat.run_inputs j "
		" JOIN doisoat.runs r ON r.run_id = j.run_id "
		" WHERE r.status = 'loaded' AND j.xxh3 = e.v->>'xxh3' "
		" AND j.bytes = (e.v->>'bytes')::bigint) "
		"FROM jsonb_array_elements(coalesce($1::jsonb->'inputs', "
		"'[]'::jsonb)) WITH ORDINALITY AS e(v, ord)",
		2, params, what));
	report_redelivery(L);

	params[0] = L->run_id;
	PQclear(exec_params(L, "SELECT doisoat.load_begin($1::bigint)", 1,
			    params, "cannot create the staging tables"));
	logmsg("run %s of period %s: staging tables ready", L->run_id,
	       L->period);
}

/* Replace the reference tables with the copies compiled into doisoat. */
static void copy_embedded(struct load *L, const char *table,
			  const char *text, size_t len, const char *name)
{
	struct etl_err err = { { 0 } };
	long long rows;
	FILE *f;

	f = fmemopen((void *)text, len, "r");
	if (!f)
		bail(L, "cannot read the shipped %s: %s", name,
		     strerror(errno));
	rows = pgload_copy(L->conn, table, f, name, NULL, &err);
	fclose(f);
	if (rows < 0)
		bail(L, "%s", err.msg);
}

static void load_reference(struct load *L)
{
	double t0 = now_seconds();

	exec_sql(L, "DELETE FROM doisoat.groups; DELETE FROM doisoat.communes",
		 "cannot empty the reference tables");
	copy_embedded(L, "doisoat.groups", refdata_groups_csv,
		      refdata_groups_csv_len, "groups.csv");
	copy_embedded(L, "doisoat.communes", refdata_communes_csv,
		      refdata_communes_csv_len, "communes.csv");
	logmsg("reference: groups and communes (%.2f s)", now_seconds() - t0);
}

/* The count summary.json gives for file under "outputs", or -1. */
static long long expected_rows(struct load *L, const char *file)
{
	const char *params[2] = { L->summary, file };
	PGresult *res;
	long long n = -1;

	res = exec_params(L, "SELECT ($1::jsonb->'outputs'->>$2)::bigint", 2,
			  params, "cannot read summary.json outputs");
	if (!PQgetisnull(res, 0, 0))
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

struct progress {
	const char *file;
	unsigned long long size; /* 0: unknown (a pipe) */
	double last;
};

static void show_progress(void *arg, unsigned long long bytes)
{
	struct progress *p = arg;
	double t = now_seconds();

	if (t - p->last < 0.2)
		return;
	p->last = t;
	if (p->size)
		fprintf(stderr, "\r\033[K  %s: %.1f of %.1f MB (%.0f %%)",
			p->file, bytes / 1e6, p->size / 1e6,
			100.0 * (double)bytes / (double)p->size);
	else
		fprintf(stderr, "\r\033[K  %s: %.1f MB", p->file, bytes / 1e6);
}

/*
 * COPY <dir>/<table>.csv into the run's staging table, then check its
 * row count against summary.json.  A list file that is absent is a list
 * of 0 rows (summary.json must say so).
 */
static void load_table(struct load *L, const struct list_table *t)
{
	struct etl_err err = { { 0 } };
	struct pgload_copy_opts co = { 0 };
	struct progress pr = { 0 };
	struct strbuf path;
	char file[64], staging[96];
	long long rows = 0, want;
	double t0 = now_seconds();
	struct stat st;
	int present;
	FILE *f;

	snprintf(file, sizeof(file), "%s.csv", t->name);
	snprintf(staging, sizeof(staging), "doisoat_stage.%s_r%s", t->name,
		 L->run_id);
	sb_init(&path, 0);
	sb_addf(&path, "%s/%s", L->dir, file);

	f = fopen(path.buf, "rb");
	if (!f && errno != ENOENT)
		bail(L, "cannot open '%s': %s", path.buf, strerror(errno));
	present = f != NULL;
	if (present) {
		if (t->person && L->have_key) {
			co.pseudo_of = "person_id";
			co.pseudo_col = "pseudonym";
			co.hmac = &L->hmac;
		}
		if (t->person) {
			/* spec §8: one outcome per person key */
			co.keys = &L->keys;
			co.key_col = "person_id";
			co.alt_col = "bhxh_code";
			co.skip_col = "reason";
			co.skip_val = "DUPLICATE_CARD";
			co.key_dups = &L->key_dups;
		}
		if (!strcmp(t->name, "rejects") && !L->keep_raw)
			co.drop = "raw";
		if (L->progress) {
			pr.file = file;
			if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
				pr.size = (unsigned long long)st.st_size;
			co.progress = show_progress;
			co.progress_arg = &pr;
		}
		rows = pgload_copy(L->conn, staging, f, path.buf, &co, &err);
		fclose(f);
		if (L->progress)
			fputs("\r\033[K", stderr);
		if (rows < 0)
			bail(L, "%s", err.msg);
	}
	want = expected_rows(L, file);
	if (want >= 0 && want != rows) {
		if (!present)
			bail(L,
			     "'%s' is missing but summary.json says %lld rows; "
			     "nothing loaded",
			     path.buf, want);
		bail(L,
		     "'%s' has %lld rows but summary.json says %lld; nothing "
		     "loaded",
		     path.buf, rows, want);
	}
	L->rows += rows;
	if (present)
		logmsg("%s: %lld rows staged (%.2f s)", t->name, rows,
		       now_seconds() - t0);
	else
		logmsg("%s: no %s, 0 rows", t->name, file);
	sb_release(&path);
}

/*
 * Run a check: sql yields one row per violation, its columns formatted
 * into the message by fmt ("%s" each, at most 4).  Bails out on the first.
 */
static void check(struct load *L, const char *sql, const char *fmt)
{
	const char *params[2] = { L->summary, L->run_id };
	const char *v[4] = { "", "", "", "" };
	char msg[400];
	PGresult *res;
	int i;

	res = exec_params(L, sql, 2, params, "accounting check failed");
	if (PQntuples(res) == 0) {
		PQclear(res);
		return;
	}
	for (i = 0; i < PQnfields(res) && i < 4; i++)
		v[i] = PQgetvalue(res, 0, i);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof(msg), fmt, v[0], v[1], v[2], v[3]);
#pragma GCC diagnostic pop
	PQclear(res);
	bail(L, "accounting check failed: %s; nothing loaded", msg);
}

/*
 * Spec §8 and reliability.md A3, as far as the output folder shows them
 * (the list counts were checked while loading).  Messages carry file
 * labels, reasons and counts only.
 */
static void check_accounting(struct load *L)
{
	double t0 = now_seconds();
	struct strbuf sql;
	size_t i;

	/* every input file: rows read = accepted + rejected */
	check(L,
	      "SELECT e->>'source', e->>'rows_read', e->>'accepted', "
	      "e->>'rejected' FROM jsonb_array_elements(coalesce("
	      "$1::jsonb->'inputs', '[]')) e WHERE $2::text IS NOT NULL AND "
	      "(e->>'rows_read')::bigint IS DISTINCT FROM "
	      "(e->>'accepted')::bigint + (e->>'rejected')::bigint",
	      "input '%s': %s rows read but %s accepted + %s rejected");

	sb_init(&sql, 0);
	/* rejects.csv has as many rows per input as it says it rejected */
	sb_addf(&sql,
		"WITH w AS (SELECT e->>'source' AS source, "
		"sum((e->>'rejected')::bigint) AS n FROM "
		"jsonb_array_elements(coalesce($1::jsonb->'inputs', '[]')) e "
		"GROUP BY 1), g AS (SELECT source, count(*) AS n FROM "
		"doisoat_stage.rejects_r%s GROUP BY 1) "
		"SELECT coalesce(w.source, g.source), coalesce(w.n, 0), "
		"coalesce(g.n, 0) FROM w FULL JOIN g "
		"ON coalesce(g.source, '') = coalesce(w.source, '') "
		"WHERE coalesce(w.n, 0) <> coalesce(g.n, 0) "
		"AND jsonb_typeof($1::jsonb->'inputs') = 'array' "
		"AND $2::text IS NOT NULL",
		L->run_id);
	check(L, sql.buf,
	      "input '%s': summary.json says %s rows rejected, rejects.csv "
	      "has %s");

	/* every list: rows per reason as summary.json counts them */
	for (i = 0; i < NTABLES; i++) {
		if (!tables[i].outcomes)
			continue;
		sb_reset(&sql);
		sb_addf(&sql,
			"WITH w AS (SELECT key AS reason, value::bigint AS n "
			"FROM jsonb_each_text(CASE WHEN jsonb_typeof("
			"$1::jsonb->'outcomes'->'%s') = 'object' THEN "
			"$1::jsonb->'outcomes'->'%s' ELSE '{}' END)), "
			"g AS (SELECT reason, count(*) AS n FROM "
			"doisoat_stage.%s_r%s GROUP BY 1) "
			"SELECT '%s', coalesce(w.reason, g.reason, '(none)'), "
			"coalesce(w.n, 0), coalesce(g.n, 0) FROM w FULL JOIN "
			"g ON coalesce(g.reason, '') = coalesce(w.reason, '') "
			"WHERE coalesce(w.n, 0) <> coalesce(g.n, 0) "
			"AND jsonb_typeof($1::jsonb->'outcomes'->'%s') = "
			"'object' AND $2::text IS NOT NULL",
			tables[i].name, tables[i].name, tables[i].name,
			L->run_id, tables[i].name, tables[i].name);
		check(L, sql.buf,
		      "%s.csv, reason %s: summary.json says %s rows, the "
		      "file has %s");
	}

	/* no DECREASE without a reason */
	sb_reset(&sql);
	sb_addf(&sql,
		"SELECT count(*) FROM doisoat_stage.decrease_r%s "
		"WHERE coalesce(reason, '') = '' AND $2::text IS NOT NULL "
		"AND $1::text IS NOT NULL HAVING count(*) > 0",
		L->run_id);
	check(L, sql.buf, "%s rows of decrease.csv have no reason");

	/*
	 * Every person key has at most one outcome: the loader saw every
	 * key's hash on the way in; only when a hash came twice does the
	 * server compare the keys themselves.
	 */
	if (L->key_dups) {
		sb_reset(&sql);
		sb_addf(&sql,
			"SELECT count(*) FROM (SELECT k FROM ("
			"SELECT person_id AS k FROM doisoat_stage.increase_r%s "
			"UNION ALL SELECT coalesce(person_id, 'bhxh:' || "
			"bhxh_code) FROM doisoat_stage.decrease_r%s "
			"WHERE reason <> 'DUPLICATE_CARD' "
			"UNION ALL SELECT coalesce(person_id, 'bhxh:' || "
			"bhxh_code) FROM doisoat_stage.change_r%s "
			"UNION ALL SELECT coalesce(person_id, 'bhxh:' || "
			"bhxh_code) FROM doisoat_stage.renew_r%s "
			"UNION ALL SELECT person_id FROM "
			"doisoat_stage.uninsured_r%s"
			") x GROUP BY k HAVING count(*) > 1) d "
			"WHERE $2::text IS NOT NULL AND $1::text IS NOT NULL "
			"HAVING count(*) > 0",
			L->run_id, L->run_id, L->run_id, L->run_id, L->run_id);
		check(L, sql.buf,
		      "%s people have more than one outcome (increase, "
		      "decrease, change, renew, uninsured)");
	}

	/* coverage: one TOTAL row, which adds up the communes */
	sb_reset(&sql);
	sb_addf(&sql,
		"SELECT count(*) FILTER (WHERE commune_code = 'TOTAL'), "
		"sum(population) FILTER (WHERE commune_code <> 'TOTAL'), "
		"max(population) FILTER (WHERE commune_code = 'TOTAL') "
		"FROM doisoat_stage.coverage_r%s "
		"WHERE $2::text IS NOT NULL AND $1::text IS NOT NULL "
		"HAVING count(*) > 0 AND (count(*) FILTER (WHERE "
		"commune_code = 'TOTAL') <> 1 OR "
		"sum(population) FILTER (WHERE commune_code <> 'TOTAL') "
		"IS DISTINCT FROM max(population) FILTER (WHERE "
		"commune_code = 'TOTAL') OR "
		"sum(insured) FILTER (WHERE commune_code <> 'TOTAL') "
		"IS DISTINCT FROM max(insured) FILTER (WHERE "
		"commune_code = 'TOTAL'))",
		L->run_id);
	check(L, sql.buf,
	      "coverage.csv: %s TOTAL rows; the communes add up to a "
	      "population of %s, the TOTAL row says %s (or the insured "
	      "differ)");
	sb_release(&sql);
	logmsg("accounting checks passed: %zu person keys, one outcome each "
	       "(%.2f s)",
	       L->keys.n, now_seconds() - t0);
}

static void finish_run(struct load *L)
{
	const char *params[1] = { L->run_id };
	double t0 = now_seconds();
	PGresult *res;

	PQclear(exec_params(L, "SELECT doisoat.load_swap($1::bigint)", 1,
			    params, "cannot swap in the period's results"));
	logmsg("swapped in the results of period %s (%.2f s)", L->period,
	       now_seconds() - t0);
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK */
	res = exec_params(L, "COMMIT", 0, NULL, "cannot commit the load");
	if (strcmp(PQcmdStatus(res), "COMMIT")) {
		PQclear(res);
		bail(L, "cannot commit the load: the server rolled it back");
	}
	PQclear(res);
	L->in_txn = 0;
}
