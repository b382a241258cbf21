/*
 * load.c: load a run's output folder into PostgreSQL (see load.h): one
 * transaction under the load lock, staging tables, the accounting checks
 * of rules.md R9, the swap.  If anything fails, nothing is committed, and the
 * failure is recorded in the ledger afterwards.
 */
#include "load.h"
#include "outdir.h"
#include "hashtab.h"
#include "pgload.h"

#include <errno.h>
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

#define MAX_SUMMARY (64u << 20)

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
	long long rows; /* rows loaded into the lists */
	struct hashtab keys; /* person keys of the outcome lists (hashes) */
	unsigned long key_dups; /* rows whose key hash was seen before */
	const struct load_opts *o; /* its log and progress callbacks */
	struct pgload_notices notices; /* the server's warnings: to o->log */
	struct etl_err *err; /* where a failure is told */
};

/* A message to the caller's log callback (none: dropped). */
static void __attribute__((format(printf, 3, 4)))
say(const struct load *L, enum msg_level level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (!L->o->log)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	L->o->log(L->o->ctx, level, text);
	free(text);
}

/* The server's warnings on the load's connection: to the log. */
static void server_says(void *ctx, const char *text)
{
	say(ctx, MSG_WARN, "%s", text);
}

/* What summary.json's "outcomes" has for a list. */
enum { NOTHING, BY_REASON, A_COUNT };

/*
 * Columns of a list that never reach its table: review.csv's name and
 * birth date are for the commune officer (the output folder and the
 * summary workbook), not for the reporting tools (rules.md R7, R13).
 * rejects.csv's raw line is left out unless --keep-raw.
 */
static const char *const review_private[] = { "full_name", "dob", NULL };
static const char *const rejects_raw[] = { "raw", NULL };

/* One table per output list, loaded in this order. */
static const struct list_table {
	const char *name;
	int person; /* has person_id: gets a pseudonym */
	int outcomes; /* summary.json's "outcomes" has for it: */
	const char *const *not_loaded; /* the list's columns left out */
} tables[] = {
	{ "increase", 1, BY_REASON, NULL }, /* new cards */
	{ "decrease", 1, BY_REASON, NULL }, /* cards to end */
	{ "change", 1, BY_REASON, NULL }, /* changed cards */
	{ "renew", 1, A_COUNT, NULL }, /* renewed cards */
	{ "uninsured", 1, A_COUNT, NULL }, /* people without a card */
	{ "review", 0, BY_REASON, review_private }, /* for a human */
	{ "rejects", 0, BY_REASON, NULL }, /* unreadable input rows */
	{ "coverage", 0, NOTHING, NULL }, /* per commune, then TOTAL */
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/*
 * The reasons of rule 1 (rules.md R5, R6): a person who died or is missing has
 * every card decreased, one decrease row per card, all with one reason:
 * one outcome however many rows.  DUPLICATE_CARD rows are no outcome of
 * their own (the person's other card has it).
 */
static const char *const rule1_reasons[] = { "DEATH", "MISSING", NULL };
#define RULE1_SQL "('DEATH', 'MISSING')"

/* summary.json as text: PostgreSQL parses it (jsonb), not us. */
static int read_summary(const char *dir, struct strbuf *sb, struct etl_err *err)
{
	struct strbuf path;
	char buf[8192];
	size_t n;
	int rc = 0;
	FILE *f;

	sb_init(&path, 0);
	sb_addf(&path, "%s/summary.json", dir);
	f = fopen(path.buf, "rb");
	if (!f) {
		rc = etl_errf(err, "cannot open '%s': %s", path.buf,
			      strerror(errno));
		sb_release(&path);
		return rc;
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (sb_add(sb, buf, n) < 0)
			rc = etl_errf(err, "'%s' is larger than %u bytes",
				      path.buf, MAX_SUMMARY);
	if (rc == 0 && ferror(f))
		rc = etl_errf(err, "cannot read '%s': %s", path.buf,
			      strerror(errno));
	fclose(f);
	if (rc == 0 && (!sb->buf || memchr(sb->buf, '\0', sb->len)))
		rc = etl_errf(err, "'%s' is empty or not text", path.buf);
	sb_release(&path);
	return rc;
}

/* Where a load runs, for its ledger row: host name ("": unknown), pid. */
struct whence {
	char host[256];
	char pid[16];
};

static void whence_of(struct whence *w)
{
	if (gethostname(w->host, sizeof(w->host)) < 0)
		w->host[0] = '\0';
	w->host[sizeof(w->host) - 1] = '\0';
	snprintf(w->pid, sizeof(w->pid), "%ld", (long)getpid());
}

/*
 * Record a load that did not commit, in a transaction of its own (best
 * effort: not when the server is gone, the schema is not there yet, or
 * summary.json is not JSON).
 */
static void record_failure(struct load *L, const char *msg)
{
	const char *params[4] = { L->summary, msg, NULL, NULL };
	struct whence w;
	PGresult *res;

	whence_of(&w);
	params[2] = w.host;
	params[3] = w.pid;
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

/* Roll back, record the failure, put msg into L->err; returns -1. */
static int __attribute__((format(printf, 2, 3)))
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
	L->in_txn = 0;
	return etl_errf(L->err, "%s", msg);
}

/*
 * BEGIN and take the load lock: 1, 0 (rolled back) if another has it, or
 * -1 with L->err set.
 */
static int begin_locked(struct load *L)
{
	int rc;

	if (pgload_exec(L->conn, "BEGIN", "cannot start a transaction",
			L->err) < 0)
		return -1;
	L->in_txn = 1;
	rc = pgload_try_lock(L->conn, L->err);
	if (rc == 0) {
		struct etl_err ignored = { { 0 } };

		pgload_exec(L->conn, "ROLLBACK", "rollback", &ignored);
		L->in_txn = 0;
	}
	return rc;
}

/*
 * Run a statement with parameters that must succeed; returns its result
 * (the caller PQclear()s it), or NULL after bail() with "<what>: <server
 * message>".
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
		return NULL;
	}
	return res;
}

/* exec_params() of a statement whose result is not needed: 0 or -1. */
static int exec_ok(struct load *L, const char *sql, int n,
		   const char *const *params, const char *what)
{
	PGresult *res = exec_params(L, sql, n, params, what);

	PQclear(res);
	return res ? 0 : -1;
}

/* Run one or more statements without parameters, or bail out: 0 or -1. */
static int exec_sql(struct load *L, const char *sql, const char *what)
{
	struct etl_err err = { { 0 } };

	if (pgload_exec(L->conn, sql, what, &err) < 0)
		return bail(L, "%s", err.msg);
	return 0;
}

/* No ledger to write a failure to, maybe: not bail(). */
static int migrate(struct load *L, const char *schemas)
{
	int applied, version;

	if (pgload_migrate(L->conn, schemas, &applied, &version, L->err) < 0)
		return -1;
	if (applied)
		say(L, MSG_LOG,
		    "schema: applied %d migration(s) from '%s', now at "
		    "version %d",
		    applied, schemas ? schemas : "(built in)", version);
	return 0;
}

/* Log the input files an earlier run already had, unchanged. */
static int report_redelivery(struct load *L)
{
	const char *params[1] = { L->run_id };
	PGresult *res;
	int i, n;

	res = exec_params(L,
			  "SELECT i.source, i.kind, i.same_as_run, "
			  "r.period, count(*) OVER (), "
			  "count(*) OVER (PARTITION BY i.same_as_run) "
			  "FROM doisoat.run_inputs i "
			  "JOIN doisoat.runs r ON r.run_id = i.same_as_run "
			  "WHERE i.run_id = $1::bigint ORDER BY i.ord",
			  1, params, "cannot read doisoat.run_inputs");
	if (!res)
		return -1;
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		say(L, MSG_LOG,
		    "input %s '%s' is unchanged since run %s (period %s): "
		    "same XXH3 checksum and size",
		    PQgetvalue(res, i, 1), PQgetvalue(res, i, 0),
		    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	PQclear(res);
	if (!n)
		return 0;
	/* the same files for another scope (a province's shared registry
	 * extract) are no repeat */
	res = exec_params(L,
			  "SELECT count(*) = count(same_as_run) AND "
			  "count(DISTINCT same_as_run) = 1, "
			  "min(same_as_run), (SELECT o.summary->'scope' IS NOT "
			  "DISTINCT FROM m.summary->'scope' FROM doisoat.runs "
			  "o, doisoat.runs m WHERE o.run_id = "
			  "min(i.same_as_run) AND m.run_id = $1::bigint) "
			  "FROM doisoat.run_inputs i WHERE run_id = $1::bigint",
			  1, params, "cannot read doisoat.run_inputs");
	if (!res)
		return -1;
	if (PQgetvalue(res, 0, 0)[0] == 't')
		say(L, MSG_LOG, "every input file is as in run %s%s",
		    PQgetvalue(res, 0, 1),
		    PQgetvalue(res, 0, 2)[0] == 't' ? ": this load repeats it"
						    : ", for another scope");
	PQclear(res);
	return 0;
}

/* "a " or "an " before a JSON type's name; "" before missing, null. */
static const char *article(const char *type)
{
	if (!strcmp(type, "missing") || !strcmp(type, "null"))
		return "";
	return strchr("aeiou", type[0]) ? "an " : "a ";
}

/*
 * The keys of summary.json the accounting checks read must be there, not
 * null and of their type: a missing count would let its check pass.
 * Every input's source and counts, every list's count under "outputs",
 * its counts under "outcomes", and "files" (checked by outdir_verify()).
 * Bails out naming the first key that is not so.
 */
static int check_keys(struct load *L)
{
	const char *params[1] = { L->summary };
	struct strbuf sql;
	PGresult *res;
	size_t i;
	int rc = 0;

	sb_init(&sql, 0);
	sb_adds(&sql,
		"WITH s AS (SELECT $1::jsonb AS s), "
		"w(ord, k, got, want) AS (SELECT 1, 'inputs', CASE WHEN "
		"jsonb_typeof(s->'inputs') IS DISTINCT FROM 'array' THEN "
		"jsonb_typeof(s->'inputs') WHEN "
		"jsonb_array_length(s->'inputs') = 0 THEN 'empty array' "
		"ELSE 'non-empty array' END, 'non-empty array' FROM s "
		"UNION ALL SELECT 2, 'outputs', jsonb_typeof(s->'outputs'), "
		"'object' FROM s "
		"UNION ALL SELECT 3, 'outcomes', jsonb_typeof(s->'outcomes'), "
		"'object' FROM s "
		"UNION ALL SELECT 4, 'files', jsonb_typeof(s->'files'), "
		"'array' FROM s "
		"UNION ALL SELECT 100 * x.n + f.j, 'inputs[' || x.n - 1 || "
		"']' || '.' || f.f, jsonb_typeof(x.e->f.f), f.t FROM s, "
		"jsonb_array_elements(CASE WHEN jsonb_typeof(s->'inputs') = "
		"'array' THEN s->'inputs' ELSE '[]' END) WITH ORDINALITY "
		"AS x(e, n), (VALUES (1, 'source', 'string'), (2, "
		"'rows_read', 'number'), (3, 'accepted', 'number'), (4, "
		"'rejected', 'number')) AS f(j, f, t)");
	for (i = 0; i < NTABLES; i++) {
		sb_addf(&sql,
			" UNION ALL SELECT %zu, 'outputs.\"%s.csv\"', "
			"jsonb_typeof(s->'outputs'->'%s.csv'), 'number' "
			"FROM s",
			10 + i, tables[i].name, tables[i].name);
		if (tables[i].outcomes != NOTHING)
			sb_addf(&sql,
				" UNION ALL SELECT %zu, 'outcomes.%s', "
				"jsonb_typeof(s->'outcomes'->'%s'), '%s' "
				"FROM s",
				30 + i, tables[i].name, tables[i].name,
				tables[i].outcomes == BY_REASON ? "object"
								: "number");
	}
	sb_adds(&sql, ") SELECT k, coalesce(got, 'missing'), want FROM w "
		      "WHERE got IS DISTINCT FROM want ORDER BY ord LIMIT 1");
	res = exec_params(L, sql.buf, 1, params, "cannot read summary.json");
	sb_release(&sql);
	if (!res)
		return -1;
	if (PQntuples(res) == 1)
		rc = bail(L,
			  "'%s/summary.json': key %s is %s%s, not %s%s; "
			  "nothing loaded",
			  L->dir, PQgetvalue(res, 0, 0),
			  article(PQgetvalue(res, 0, 1)), PQgetvalue(res, 0, 1),
			  article(PQgetvalue(res, 0, 2)),
			  PQgetvalue(res, 0, 2));
	PQclear(res);
	return rc;
}

/* Insert the runs row (status 'loading'); sets run_id and period. */
static int insert_run(struct load *L)
{
	const char *params[3] = { L->summary, NULL, NULL };
	char what[300];
	struct whence w;
	PGresult *res;
	int noperiod;

	snprintf(what, sizeof(what), "'%s/summary.json'", L->dir);
	res = exec_params(L, "SELECT ($1::jsonb->>'period')::int", 1, params,
			  what);
	if (!res)
		return -1;
	noperiod = PQgetisnull(res, 0, 0);
	PQclear(res);
	if (noperiod)
		return bail(L, "'%s/summary.json' has no period", L->dir);
	if (check_keys(L) < 0)
		return -1;

	whence_of(&w);
	params[1] = w.host;
	params[2] = w.pid;
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
	if (!res)
		return -1;
	snprintf(L->run_id, sizeof(L->run_id), "%s", PQgetvalue(res, 0, 0));
	snprintf(L->period, sizeof(L->period), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

/*
 * The first field of every data row of <dir>/coverage.csv, comma-separated
 * into out (the scope of a folder whose summary.json has none; TOTAL
 * comes along, load_begin leaves it out).  No file: none.  0 or -1.
 */
static int coverage_communes(struct load *L, struct strbuf *out)
{
	struct strbuf path;
	char *line = NULL;
	size_t cap = 0, n, i;
	long lineno = 0;
	int rc = 0;
	FILE *f;

	sb_init(&path, 0);
	sb_addf(&path, "%s/coverage.csv", L->dir);
	f = fopen(path.buf, "rb");
	if (!f && errno != ENOENT)
		rc = bail(L, "cannot open '%s': %s", path.buf, strerror(errno));
	while (f && rc == 0 && getline(&line, &cap, f) > 0) {
		if (++lineno == 1)
			continue;
		n = strcspn(line, ",\r\n");
		for (i = 0; i < n; i++)
			if (!((line[i] >= '0' && line[i] <= '9') ||
			      (line[i] >= 'A' && line[i] <= 'Z')))
				break;
		if (i < n || n == 0 || n > 16)
			rc = bail(L,
				  "'%s' line %ld: the first field is not a "
				  "commune code; nothing loaded",
				  path.buf, lineno);
		else
			sb_addf(out, "%s%.*s", out->len ? "," : "", (int)n,
				line);
	}
	if (f && rc == 0 && ferror(f))
		rc = bail(L, "cannot read '%s': %s", path.buf, strerror(errno));
	if (f)
		fclose(f);
	free(line);
	sb_release(&path);
	return rc;
}

/*
 * Create the staging tables, keyed by the run's scope (summary.json's, or
 * the communes of coverage.csv), named by --unit: load_begin refuses a
 * scope that overlaps another of the period (unless --replace).
 */
static int begin_scope(struct load *L)
{
	const char *params[5] = { L->run_id, NULL, NULL, NULL, NULL };
	struct strbuf cov, code;
	const char *eq;
	PGresult *res;

	sb_init(&cov, 0);
	sb_init(&code, 0);
	if (coverage_communes(L, &cov) < 0) {
		sb_release(&cov);
		return -1;
	}
	params[1] = cov.len ? cov.buf : "";
	if (L->o->unit) {
		eq = strchr(L->o->unit, '=');
		sb_add(&code, L->o->unit,
		       eq ? (size_t)(eq - L->o->unit) : strlen(L->o->unit));
		params[2] = code.buf;
		params[3] = eq && eq[1] ? eq + 1 : NULL;
	}
	params[4] = L->o->replace ? "true" : "false";
	res = exec_params(L,
			  "SELECT * FROM doisoat.load_begin($1::bigint, "
			  "string_to_array(nullif($2, ''), ','), $3, $4, "
			  "$5::boolean)",
			  5, params, "cannot create the staging tables");
	sb_release(&cov);
	sb_release(&code);
	if (!res)
		return -1;
	if (!PQgetisnull(res, 0, 1) && !L->o->replace) {
		bail(L,
		     "%s; nothing loaded (a load of the identical scope "
		     "replaces it; --replace drops the overlapping scopes of "
		     "the period)",
		     PQgetvalue(res, 0, 1));
		PQclear(res);
		return -1;
	}
	say(L, MSG_LOG, "run %s of period %s, %s: staging tables ready",
	    L->run_id, L->period, PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/*
 * Insert the runs row (status 'loading') and the run_inputs rows from
 * summary.json, and create the staging tables.
 */
static int start_run(struct load *L)
{
	const char *params[2] = { L->summary, NULL };
	char what[300];
	struct strbuf sql;
	int rc;

	if (insert_run(L) < 0)
		return -1;
	/* the default of the reference tables' run_id */
	sb_init(&sql, 0);
	sb_addf(&sql, "SET LOCAL doisoat.run_id = '%s'", L->run_id);
	rc = exec_sql(L, sql.buf, "cannot set doisoat.run_id");
	sb_release(&sql);
	if (rc < 0)
		return -1;

	params[1] = L->run_id;
	snprintf(what, sizeof(what),
		 "cannot record the inputs of '%s/summary.json'", L->dir);
	if (exec_ok(L,
		    "INSERT INTO doisoat.run_inputs (run_id, ord, source, "
		    "kind, path, bytes, xxh3, lines, rows_read, accepted, "
		    "rejected, duplicates_merged, sent_to_review, seconds, "
		    "same_as_run) "
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
		    2, params, what) < 0 ||
	    report_redelivery(L) < 0)
		return -1;

	return begin_scope(L);
}

/* Replace the reference tables with the copies compiled into doisoat. */
static int copy_embedded(struct load *L, const char *table, const char *text,
			 size_t len, const char *name)
{
	struct etl_err err = { { 0 } };
	long long rows;
	FILE *f;

	f = fmemopen((void *)text, len, "r");
	if (!f)
		return bail(L, "cannot read the shipped %s: %s", name,
			    strerror(errno));
	rows = pgload_copy(L->conn, table, f, name, NULL, &err);
	fclose(f);
	if (rows < 0)
		return bail(L, "%s", err.msg);
	return 0;
}

static int load_reference(struct load *L)
{
	double t0 = now_seconds();

	if (exec_sql(L,
		     "DELETE FROM doisoat.groups; DELETE FROM doisoat.communes",
		     "cannot empty the reference tables") < 0 ||
	    copy_embedded(L, "doisoat.groups", refdata_groups_csv,
			  refdata_groups_csv_len, "groups.csv") < 0 ||
	    copy_embedded(L, "doisoat.communes", refdata_communes_csv,
			  refdata_communes_csv_len, "communes.csv") < 0)
		return -1;
	say(L, MSG_LOG, "reference: groups and communes (%.2f s)",
	    now_seconds() - t0);
	return 0;
}

/* *n: the count summary.json gives for file under "outputs", or -1. */
static int expected_rows(struct load *L, const char *file, long long *n)
{
	const char *params[2] = { L->summary, file };
	PGresult *res;

	res = exec_params(L, "SELECT ($1::jsonb->'outputs'->>$2)::bigint", 2,
			  params, "cannot read summary.json outputs");
	if (!res)
		return -1;
	*n = PQgetisnull(res, 0, 0) ? -1
				    : strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

/* The caller's progress callback, as pgload_copy() calls it. */
struct progress {
	const struct load_opts *o;
	const char *file;
	unsigned long long size; /* 0: unknown (a pipe) */
};

static void show_progress(void *arg, unsigned long long bytes)
{
	const struct progress *p = arg;

	p->o->progress(p->o->ctx, p->file, bytes, p->size);
}

/*
 * COPY the open list file f (path) of table t into staging: the rows, or
 * -1 after bail().
 */
static long long copy_list(struct load *L, const struct list_table *t, FILE *f,
			   const char *path, const char *file)
{
	struct etl_err err = { { 0 } };
	struct pgload_copy_opts co = { 0 };
	struct progress pr = { 0 };
	char staging[96];
	struct stat st;
	long long rows;

	snprintf(staging, sizeof(staging), "doisoat_stage.%s_r%s", t->name,
		 L->run_id);
	if (t->person && L->have_key) {
		co.pseudo_of = "person_id";
		co.pseudo_col = "pseudonym";
		co.hmac = &L->hmac;
	}
	if (t->person) {
		/* rules.md R9: one outcome per person key */
		co.keys = &L->keys;
		co.key_col = "person_id";
		co.alt_col = "bhxh_code";
		co.skip_col = "reason";
		co.skip_val = "DUPLICATE_CARD";
		co.key_dups = &L->key_dups;
		if (!strcmp(t->name, "decrease"))
			co.same_vals = rule1_reasons;
	}
	co.drop = t->not_loaded;
	if (!strcmp(t->name, "rejects") && !L->keep_raw)
		co.drop = rejects_raw;
	if (L->o->progress) {
		pr.o = L->o;
		pr.file = file;
		if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
			pr.size = (unsigned long long)st.st_size;
		co.progress = show_progress;
		co.progress_arg = &pr;
	}
	rows = pgload_copy(L->conn, staging, f, path, &co, &err);
	if (L->o->progress)
		L->o->progress(L->o->ctx, NULL, 0, 0);
	return rows < 0 ? bail(L, "%s", err.msg) : rows;
}

/* rows of path (present or not) are want, summary.json's count: 0 or -1. */
static int check_count(struct load *L, const char *path, long long rows,
		       int present, long long want)
{
	if (want == rows)
		return 0;
	if (want < 0) /* check_keys() saw it: not reached */
		return bail(L, "summary.json has no count of '%s'", path);
	if (!present)
		return bail(L,
			    "'%s' is missing but summary.json says %lld rows; "
			    "nothing loaded",
			    path, want);
	return bail(L,
		    "'%s' has %lld rows but summary.json says %lld; nothing "
		    "loaded",
		    path, rows, want);
}

/*
 * COPY <dir>/<table>.csv into the run's staging table, then check its
 * row count against want, summary.json's.  A list file that is absent is
 * a list of 0 rows (summary.json must say so).
 */
static int load_table(struct load *L, const struct list_table *t,
		      long long want)
{
	struct strbuf path;
	char file[64];
	long long rows = 0;
	double t0 = now_seconds();
	int present, rc = 0;
	FILE *f;

	snprintf(file, sizeof(file), "%s.csv", t->name);
	sb_init(&path, 0);
	sb_addf(&path, "%s/%s", L->dir, file);
	f = fopen(path.buf, "rb");
	present = f != NULL;
	if (!f && errno != ENOENT) {
		rc = bail(L, "cannot open '%s': %s", path.buf, strerror(errno));
	} else if (f) {
		rows = copy_list(L, t, f, path.buf, file);
		fclose(f);
		rc = rows < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = check_count(L, path.buf, rows, present, want);
	if (rc == 0) {
		L->rows += rows;
		if (present)
			say(L, MSG_LOG, "%s: %lld rows staged (%.2f s)",
			    t->name, rows, now_seconds() - t0);
		else
			say(L, MSG_LOG, "%s: no %s, 0 rows", t->name, file);
	}
	sb_release(&path);
	return rc;
}

/*
 * Run a check: sql yields one row per violation, its columns formatted
 * into the message by fmt ("%s" each, at most 4).  Bails out on the
 * first: 0 if none, else -1.
 */
static int check(struct load *L, const char *sql, const char *fmt)
{
	const char *params[2] = { L->summary, L->run_id };
	const char *v[4] = { "", "", "", "" };
	char msg[400];
	PGresult *res;
	int i;

	res = exec_params(L, sql, 2, params, "accounting check failed");
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	for (i = 0; i < PQnfields(res) && i < 4; i++)
		v[i] = PQgetvalue(res, 0, i);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof(msg), fmt, v[0], v[1], v[2], v[3]);
#pragma GCC diagnostic pop
	PQclear(res);
	return bail(L, "accounting check failed: %s; nothing loaded", msg);
}

/* Every input file: rows read = accepted + rejected, as in rejects.csv. */
static int check_inputs(struct load *L, struct strbuf *sql)
{
	if (check(L,
		  "SELECT e->>'source', e->>'rows_read', e->>'accepted', "
		  "e->>'rejected' FROM jsonb_array_elements(coalesce("
		  "$1::jsonb->'inputs', '[]')) e WHERE $2::text IS NOT NULL "
		  "AND (e->>'rows_read')::bigint IS DISTINCT FROM "
		  "(e->>'accepted')::bigint + (e->>'rejected')::bigint",
		  "input '%s': %s rows read but %s accepted + %s rejected") < 0)
		return -1;

	/* rejects.csv has as many rows per input as it says it rejected */
	sb_reset(sql);
	sb_addf(sql,
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
	return check(L, sql->buf,
		     "input '%s': summary.json says %s rows rejected, "
		     "rejects.csv has %s");
}

/* A list whose "outcomes" entry is its row count: that many rows. */
static int check_count_outcome(struct load *L, struct strbuf *sql,
			       const char *name)
{
	sb_reset(sql);
	sb_addf(sql,
		"SELECT '%s', $1::jsonb->'outcomes'->>'%s', count(*) "
		"FROM doisoat_stage.%s_r%s WHERE $2::text IS NOT NULL "
		"HAVING count(*) IS DISTINCT FROM "
		"($1::jsonb->'outcomes'->>'%s')::bigint",
		name, name, name, L->run_id, name);
	return check(L, sql->buf,
		     "%s.csv: summary.json's outcomes say %s rows, the file "
		     "has %s");
}

/* Every list: rows per reason as summary.json counts them. */
static int check_reasons(struct load *L, struct strbuf *sql)
{
	size_t i;

	for (i = 0; i < NTABLES; i++) {
		if (tables[i].outcomes == A_COUNT &&
		    check_count_outcome(L, sql, tables[i].name) < 0)
			return -1;
		if (tables[i].outcomes != BY_REASON)
			continue;
		sb_reset(sql);
		sb_addf(sql,
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
		if (check(L, sql->buf,
			  "%s.csv, reason %s: summary.json says %s rows, the "
			  "file has %s") < 0)
			return -1;
	}
	return 0;
}

/* No DECREASE without a reason; one outcome per person key. */
static int check_outcomes(struct load *L, struct strbuf *sql)
{
	sb_reset(sql);
	sb_addf(sql,
		"SELECT count(*) FROM doisoat_stage.decrease_r%s "
		"WHERE coalesce(reason, '') = '' AND $2::text IS NOT NULL "
		"AND $1::text IS NOT NULL HAVING count(*) > 0",
		L->run_id);
	if (check(L, sql->buf, "%s rows of decrease.csv have no reason") < 0)
		return -1;

	/*
	 * Every person key has at most one outcome: the loader saw every
	 * key's hash on the way in; only when a hash came twice does the
	 * server compare the keys themselves.  Each row is an outcome of its
	 * own (o: its list and row), but a person's rule 1 decrease rows are
	 * one (o: the reason), and DUPLICATE_CARD rows none.
	 */
	if (!L->key_dups)
		return 0;
	sb_reset(sql);
	sb_addf(sql,
		"SELECT count(*) FROM (SELECT k FROM ("
		"SELECT person_id AS k, 'i' || ctid::text AS o "
		"FROM doisoat_stage.increase_r%s "
		"UNION ALL SELECT coalesce(person_id, 'bhxh:' || bhxh_code), "
		"CASE WHEN reason IN " RULE1_SQL " THEN reason "
		"ELSE 'd' || ctid::text END "
		"FROM doisoat_stage.decrease_r%s "
		"WHERE reason IS DISTINCT FROM 'DUPLICATE_CARD' "
		"UNION ALL SELECT coalesce(person_id, 'bhxh:' || "
		"bhxh_code), 'c' || ctid::text FROM doisoat_stage.change_r%s "
		"UNION ALL SELECT coalesce(person_id, 'bhxh:' || "
		"bhxh_code), 'r' || ctid::text FROM doisoat_stage.renew_r%s "
		"UNION ALL SELECT person_id, 'u' || ctid::text FROM "
		"doisoat_stage.uninsured_r%s"
		") x WHERE k IS NOT NULL GROUP BY k "
		"HAVING count(DISTINCT o) > 1) d "
		"WHERE $2::text IS NOT NULL AND $1::text IS NOT NULL "
		"HAVING count(*) > 0",
		L->run_id, L->run_id, L->run_id, L->run_id, L->run_id);
	return check(L, sql->buf,
		     "%s people have more than one outcome (increase, "
		     "decrease, change, renew, uninsured)");
}

/* Coverage: one TOTAL row, which adds up the communes. */
static int check_coverage(struct load *L, struct strbuf *sql)
{
	sb_reset(sql);
	sb_addf(sql,
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
	if (check(L, sql->buf,
		  "coverage.csv: %s TOTAL rows; the communes add up to a "
		  "population of %s, the TOTAL row says %s (or the insured "
		  "differ)") < 0)
		return -1;
	/* one row per commune of the scope (rules.md R10.1) */
	sb_reset(sql);
	sb_addf(sql,
		"SELECT x.outside, x.missing, cardinality(s.communes) "
		"FROM doisoat.runs r JOIN doisoat.scopes s USING (scope_id), "
		"LATERAL (SELECT (SELECT count(*) FROM "
		"doisoat_stage.coverage_r%s c WHERE c.commune_code <> 'TOTAL' "
		"AND c.commune_code <> ALL (s.communes)) AS outside, "
		"(SELECT count(*) FROM unnest(s.communes) k WHERE NOT EXISTS "
		"(SELECT 1 FROM doisoat_stage.coverage_r%s c WHERE "
		"c.commune_code = k)) AS missing) x "
		"WHERE r.run_id = $2::bigint AND $1::text IS NOT NULL "
		"AND (x.outside > 0 OR x.missing > 0)",
		L->run_id, L->run_id);
	return check(L, sql->buf,
		     "coverage.csv has %s communes outside the run's scope and "
		     "lacks %s of its %s communes (summary.json \"scope\")");
}

/*
 * rules.md R9, R10.2, as far as the output folder shows them
 * (the list counts were checked while loading).  Messages carry file
 * labels, reasons and counts only.
 */
static int check_accounting(struct load *L)
{
	double t0 = now_seconds();
	struct strbuf sql;
	int rc;

	sb_init(&sql, 0);
	rc = check_inputs(L, &sql) < 0 || check_reasons(L, &sql) < 0 ||
			     check_outcomes(L, &sql) < 0 ||
			     check_coverage(L, &sql) < 0
		     ? -1
		     : 0;
	sb_release(&sql);
	if (rc == 0)
		say(L, MSG_LOG,
		    "accounting checks passed: %zu person keys, one "
		    "outcome each (%.2f s)",
		    L->keys.n, now_seconds() - t0);
	return rc;
}

static int finish_run(struct load *L)
{
	const char *params[2] = { L->run_id, L->o->replace ? "true" : "false" };
	double t0 = now_seconds();
	PGresult *res;
	int committed;

	if (exec_ok(L, "SELECT doisoat.load_swap($1::bigint, $2::boolean)", 2,
		    params,
		    "cannot swap in the results of the period's scope") < 0)
		return -1;
	say(L, MSG_LOG,
	    "swapped in the results of period %s, the run's scope (%.2f s)",
	    L->period, now_seconds() - t0);
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK */
	res = exec_params(L, "COMMIT", 0, NULL, "cannot commit the load");
	if (!res)
		return -1;
	committed = !strcmp(PQcmdStatus(res), "COMMIT");
	PQclear(res);
	if (!committed)
		return bail(L, "cannot commit the load: the server rolled it "
			       "back");
	L->in_txn = 0;
	return 0;
}

/*
 * The rows list file path can hold at most: a row takes two bytes at
 * least (a cell and its newline).  0 when it is absent or not a file.
 */
static unsigned long long rows_room(const char *dir, const char *file)
{
	struct strbuf path;
	struct stat st;
	unsigned long long room = 0;

	sb_init(&path, 0);
	sb_addf(&path, "%s/%s", dir, file);
	if (stat(path.buf, &st) == 0 && S_ISREG(st.st_mode))
		room = (unsigned long long)st.st_size / 2;
	sb_release(&path);
	return room;
}

/*
 * Each list's row count as summary.json gives it (-1: none) into
 * want[NTABLES], and the key set sized for the person rows among them,
 * so that it does not grow (rehash) through the load.  A count is only
 * a hint here, checked after its COPY (check_count): each is taken at
 * most as the rows its file has room for, so a summary.json that claims
 * too many sizes nothing past the files.
 */
static int read_counts(struct load *L, long long *want)
{
	unsigned long long sum = 0, n, room;
	char file[64];
	size_t i;

	for (i = 0; i < NTABLES; i++) {
		snprintf(file, sizeof(file), "%s.csv", tables[i].name);
		if (expected_rows(L, file, &want[i]) < 0)
			return -1;
		if (!tables[i].person || want[i] <= 0)
			continue;
		n = (unsigned long long)want[i];
		room = rows_room(L->dir, file);
		sum += n < room ? n : room;
	}
	ht_release(&L->keys);
	ht_init(&L->keys, sum < SIZE_MAX ? (size_t)sum : SIZE_MAX);
	return 0;
}

/* The steps inside the transaction, in order: 0 or -1. */
static int load_steps(struct load *L, const char *schemas)
{
	long long want[NTABLES];
	size_t i;

	if (migrate(L, schemas) < 0 || start_run(L) < 0 ||
	    load_reference(L) < 0 || read_counts(L, want) < 0)
		return -1;
	for (i = 0; i < NTABLES; i++)
		if (load_table(L, &tables[i], want[i]) < 0)
			return -1;
	return check_accounting(L) < 0 ? -1 : finish_run(L);
}

/* Connected: lock, load, commit.  EXIT_OK, EXIT_BUSY or -1. */
static int load_connected(struct load *L, const char *schemas)
{
	char server[400];
	int rc;

	pgload_describe(L->conn, server, sizeof(server));
	say(L, MSG_LOG, "connected to %s", server);
	rc = begin_locked(L);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		etl_errf(L->err,
			 "another doisoat run holds the database lock (%s); "
			 "try again when it has finished",
			 server);
		return EXIT_BUSY;
	}
	return load_steps(L, schemas) < 0 ? -1 : EXIT_OK;
}

int load_run(const struct load_opts *o, struct etl_err *err)
{
	struct strbuf summary;
	struct load L = { 0 };
	double t0 = now_seconds();
	int loose, rc = -1;

	L.o = o;
	L.keep_raw = o->keep_raw;
	L.dir = o->out;
	L.err = err;
	if (o->key_file) {
		if (pgload_read_key(o->key_file, &L.hmac, &loose, err) < 0)
			return -1;
		if (loose)
			say(&L, MSG_WARN,
			    "pseudonym key '%s' is readable by other users "
			    "(chmod 600)",
			    o->key_file);
		L.have_key = 1;
	}
	sb_init(&summary, MAX_SUMMARY);
	/* finish an interrupted commit; then every file as summary.json says */
	rc = outdir_recover(o->out, err);
	if (rc == OUTDIR_BUSY) {
		sb_release(&summary);
		return EXIT_BUSY;
	}
	if (rc == 0 && (rc = outdir_verify(o->out, err)) == 1)
		rc = etl_errf(err,
			      "'%s/summary.json': key files is missing: no "
			      "list of the output files to check them by (an "
			      "older doisoat wrote it? run it again); nothing "
			      "loaded",
			      o->out);
	if (rc < 0) {
		sb_release(&summary);
		return -1;
	}
	rc = -1;
	if (read_summary(o->out, &summary, err) == 0) {
		if (strstr(summary.buf, "\n  \"partition\": ")) /* R7.13 */
			etl_errf(err,
				 "'%s' holds one partition of a run (doisoat "
				 "run --partition): join the partitions with "
				 "doisoat merge and load the folder it writes; "
				 "nothing loaded",
				 o->out);
		else {
			L.summary = summary.buf;
			L.conn = pgload_connect(o->conninfo, err);
		}
	}
	if (L.conn) {
		L.notices.fn = server_says;
		L.notices.ctx = &L;
		pgload_on_notice(L.conn, &L.notices);
		ht_init(&L.keys, 1 << 16);
		rc = load_connected(&L, o->schemas);
		if (rc == EXIT_OK)
			say(&L, MSG_LOG,
			    "loaded run %s of period %s: %lld rows (%.2f s)",
			    L.run_id, L.period, L.rows, now_seconds() - t0);
		PQfinish(L.conn);
		ht_release(&L.keys);
	}
	sb_release(&summary);
	return rc;
}
