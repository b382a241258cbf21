/*
 * pgload.c: connect, migrate, lock and COPY over libpq (see pgload.h).
 * The COPY follows psql's copy.c: COPY ... FROM STDIN, PQputCopyData in
 * chunks, PQputCopyEnd, then drain PQgetResult until NULL.
 */
#include "pgload.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SQL_FILE (16u << 20) /* one migration file */
#define MAX_HEADER   (64u << 10) /* one CSV header line */
#define MAX_COLS     256

static const char *nz(const char *s)
{
	return s && *s ? s : "?";
}

/*
 * Copy the part of a server message that carries no data into dst: the
 * first line, cut before the first ': "' (where PostgreSQL quotes a value,
 * as in 'invalid input syntax for type date: "..."' or a COPY context
 * 'line 3: "<the whole line>"').  Identifiers (relation "x") are kept.
 */
static void clean_msg(char *dst, size_t n, const char *src)
{
	const char *end, *q;
	size_t len;

	if (!src)
		src = "";
	end = strchr(src, '\n');
	if (!end)
		end = src + strlen(src);
	q = strstr(src, ": \"");
	if (q && q < end)
		end = q;
	len = (size_t)(end - src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* libpq's own message on one line (it ends in '\n' and may have several). */
static void one_line(char *dst, size_t n, const char *src)
{
	size_t j = 0;
	int space = 0;

	for (; src && *src && j + 1 < n; src++) {
		if (isspace((unsigned char)*src)) {
			space = 1;
			continue;
		}
		if (space && j > 0)
			dst[j++] = ' ';
		space = 0;
		if (j + 1 < n)
			dst[j++] = *src;
	}
	dst[j] = '\0';
}

int pgload_result_err(struct etl_err *err, const PGresult *res,
		      const char *what)
{
	char primary[256], context[160];
	const char *p;

	p = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!p)
		p = res ? PQresultErrorMessage(res) : "no result from server";
	if (!*p)
		p = "unexpected result from server";
	clean_msg(primary, sizeof(primary), p);
	p = res ? PQresultErrorField(res, PG_DIAG_CONTEXT) : NULL;
	clean_msg(context, sizeof(context), p);
	if (*context)
		return etl_errf(err, "%s: %s (%s)", what, primary, context);
	return etl_errf(err, "%s: %s", what, primary);
}

/* The connection's error (no result object): libpq's text, one line. */
static int conn_err(struct etl_err *err, PGconn *conn, const char *what)
{
	char msg[400];

	one_line(msg, sizeof(msg), PQerrorMessage(conn));
	return etl_errf(err, "%s: %s", what, msg);
}

PGconn *pgload_connect(const char *conninfo, struct etl_err *err)
{
	/* expand_dbname: a conninfo string or URI in "dbname" is expanded */
	const char *const keys[] = { "dbname", "fallback_application_name",
				     NULL };
	const char *const vals[] = { conninfo ? conninfo : "", "doisoat",
				     NULL };
	PGconn *conn;
	char msg[400];

	conn = PQconnectdbParams(keys, vals, 1);
	if (!conn) {
		etl_errf(err, "cannot connect: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		one_line(msg, sizeof(msg), PQerrorMessage(conn));
		if (PQhost(conn) && *PQhost(conn))
			etl_errf(err,
				 "cannot connect to database '%s' on server "
				 "'%s' port %s: %s",
				 nz(PQdb(conn)), nz(PQhost(conn)),
				 nz(PQport(conn)), msg);
		else
			etl_errf(err, "cannot connect: %s", msg);
		PQfinish(conn);
		return NULL;
	}
	if (pgload_exec(conn, "SET client_min_messages = warning",
			"cannot set up the session", err) < 0) {
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

int pgload_exec(PGconn *conn, const char *sql, const char *what,
		struct etl_err *err)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (!res)
		rc = conn_err(err, conn, what);
	else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pgload_result_err(err, res, what);
	PQclear(res);
	return rc;
}

int pgload_try_lock(PGconn *conn, struct etl_err *err)
{
	char sql[80];
	PGresult *res;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_xact_lock(%lld)",
		 PGLOAD_LOCK_KEY);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		rc = pgload_result_err(err, res, "cannot take the run lock");
		PQclear(res);
		return rc;
	}
	rc = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return rc;
}

int pgload_is_ident(const char *s)
{
	size_t i;

	if (!s || !(*s == '_' || (*s >= 'a' && *s <= 'z')))
		return 0;
	for (i = 1; s[i]; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i <= 63;
}

/* "name" or "schema.name", both plain identifiers. */
static int is_table_name(const char *s)
{
	const char *dot = strchr(s, '.');
	char schema[64];
	size_t n;

	if (!dot)
		return pgload_is_ident(s);
	n = (size_t)(dot - s);
	if (n >= sizeof(schema))
		return 0;
	memcpy(schema, s, n);
	schema[n] = '\0';
	return pgload_is_ident(schema) && pgload_is_ident(dot + 1);
}

/* Read a whole text file into sb (up to MAX_SQL_FILE bytes). */
static int read_text(const char *path, struct strbuf *sb, struct etl_err *err)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (!f)
		return etl_errf(err, "cannot open '%s': %s", path,
				strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (sb_add(sb, buf, n) < 0) {
			rc = etl_errf(err, "'%s' is larger than %u bytes", path,
				      MAX_SQL_FILE);
			break;
		}
	if (!rc && ferror(f))
		rc = etl_errf(err, "cannot read '%s': %s", path,
			      strerror(errno));
	fclose(f);
	return rc;
}

static int is_sql_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	       !strcmp(d->d_name + n - 4, ".sql");
}

/* Byte order, whatever the locale. */
static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The number a migration file name starts with, or -1. */
static long file_version(const char *name)
{
	long v = 0;
	int digits = 0;

	for (; *name >= '0' && *name <= '9'; name++) {
		if (++digits > 9)
			return -1;
		v = v * 10 + (*name - '0');
	}
	return digits ? v : -1;
}

static const char bootstrap_sql[] =
	"CREATE SCHEMA IF NOT EXISTS doisoat;\n"
	"CREATE TABLE IF NOT EXISTS doisoat.schema_migrations (\n"
	"	version int PRIMARY KEY,\n"
	"	applied_at timestamptz NOT NULL DEFAULT now()\n"
	");";

/* Is this version recorded?  1 yes, 0 no, -1 error. */
static int version_applied(PGconn *conn, const char *version,
			   struct etl_err *err)
{
	const char *params[1] = { version };
	PGresult *res;
	int rc;

	res = PQexecParams(conn,
			   "SELECT 1 FROM doisoat.schema_migrations "
			   "WHERE version = $1::int",
			   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pgload_result_err(err, res,
				       "cannot read doisoat.schema_migrations");
	else
		rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

static int apply_file(PGconn *conn, const char *dir, const char *name,
		      const char *version, struct etl_err *err)
{
	const char *params[1] = { version };
	struct strbuf path, sql;
	char what[300];
	PGresult *res;
	int rc;

	sb_init(&path, 0);
	sb_init(&sql, MAX_SQL_FILE);
	sb_addf(&path, "%s/%s", dir, name);
	rc = read_text(path.buf, &sql, err);
	if (rc == 0) {
		snprintf(what, sizeof(what), "migration '%s' failed", path.buf);
		rc = pgload_exec(conn, sql.buf, what, err);
	}
	if (rc == 0) {
		res = PQexecParams(conn,
				   "INSERT INTO doisoat.schema_migrations "
				   "(version, applied_at) VALUES ($1::int, "
				   "now())",
				   1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = pgload_result_err(err, res, what);
		PQclear(res);
	}
	sb_release(&path);
	sb_release(&sql);
	return rc;
}

int pgload_migrate(PGconn *conn, const char *dir, int *applied,
		   struct etl_err *err)
{
	struct dirent **list = NULL;
	long *versions = NULL;
	char version[16];
	int i, j, n, rc = 0, count = 0;

	if (applied)
		*applied = 0;
	n = scandir(dir, &list, is_sql_file, cmp_names);
	if (n < 0)
		return etl_errf(err, "cannot read schema folder '%s': %s", dir,
				strerror(errno));
	if (n == 0)
		rc = etl_errf(err, "no *.sql files in schema folder '%s'", dir);
	if (rc == 0)
		rc = pgload_exec(conn, bootstrap_sql,
				 "cannot create doisoat.schema_migrations",
				 err);
	versions = xcalloc((size_t)(n ? n : 1), sizeof(*versions));
	for (i = 0; rc == 0 && i < n; i++) {
		versions[i] = file_version(list[i]->d_name);
		if (versions[i] < 0) {
			rc = etl_errf(err,
				      "schema file '%s/%s' has no version "
				      "number (name it NNN_what.sql)",
				      dir, list[i]->d_name);
			break;
		}
		for (j = 0; j < i; j++)
			if (versions[j] == versions[i])
				rc = etl_errf(err,
					      "schema files '%s' and '%s' in "
					      "'%s' have the same version %ld",
					      list[j]->d_name, list[i]->d_name,
					      dir, versions[i]);
		if (rc < 0)
			break;
		snprintf(version, sizeof(version), "%ld", versions[i]);
		rc = version_applied(conn, version, err);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = apply_file(conn, dir, list[i]->d_name, version,
					err);
		if (rc == 0)
			count++;
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	free(versions);
	if (applied)
		*applied = count;
	return rc;
}

/* The columns of table, from the catalog, NUL-separated in cols. */
static int table_columns(PGconn *conn, const char *table, struct strbuf *cols,
			 struct etl_err *err)
{
	const char *params[1] = { table };
	PGresult *res;
	char what[128];
	int i, rc = 0;

	res = PQexecParams(conn,
			   "SELECT attname FROM pg_attribute "
			   "WHERE attrelid = $1::regclass AND attnum > 0 "
			   "AND NOT attisdropped",
			   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(what, sizeof(what), "cannot read the columns of %s",
			 table);
		rc = pgload_result_err(err, res, what);
	}
	for (i = 0; rc == 0 && i < PQntuples(res); i++)
		sb_add(cols, PQgetvalue(res, i, 0),
		       strlen(PQgetvalue(res, i, 0)) + 1);
	PQclear(res);
	return rc;
}

static int has_name(const char *list, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i += strlen(list + i) + 1)
		if (!strcmp(list + i, name))
			return 1;
	return 0;
}

/*
 * Check the header line (NUL-terminated, newline stripped) against the
 * table's columns and append "a, b, c" to sql.  Names that are not
 * identifiers are not quoted back: a file without a header would put a
 * data row in the message.
 */
static int header_columns(PGconn *conn, const char *table, char *header,
			  const char *name, struct strbuf *sql,
			  struct etl_err *err)
{
	struct strbuf cols, seen;
	char *field, *next;
	int ncols = 0, rc;

	sb_init(&cols, 0);
	sb_init(&seen, 0);
	rc = table_columns(conn, table, &cols, err);
	for (field = header; rc == 0 && field; field = next) {
		size_t len;

		next = strchr(field, ',');
		if (next)
			*next++ = '\0';
		len = strlen(field);
		if (len >= 2 && field[0] == '"' && field[len - 1] == '"') {
			field[len - 1] = '\0';
			field++;
		}
		if (!pgload_is_ident(field))
			rc = etl_errf(err,
				      "'%s': header field %d is not a column "
				      "name (want [a-z_][a-z0-9_]*)",
				      name, ncols + 1);
		else if (!has_name(cols.buf, cols.len, field))
			rc = etl_errf(err,
				      "'%s': header column '%s' is not a "
				      "column of %s",
				      name, field, table);
		else if (has_name(seen.buf, seen.len, field))
			rc = etl_errf(err, "'%s': header column '%s' twice",
				      name, field);
		else if (++ncols > MAX_COLS)
			rc = etl_errf(err, "'%s': more than %d columns", name,
				      MAX_COLS);
		if (rc < 0)
			break;
		sb_add(&seen, field, strlen(field) + 1);
		sb_addf(sql, "%s%s", ncols > 1 ? ", " : "", field);
	}
	sb_release(&cols);
	sb_release(&seen);
	return rc;
}

/* Send the header line, then the rest of fp; drain the results. */
static long long copy_stream(PGconn *conn, FILE *fp, const char *header,
			     size_t header_len, const char *what,
			     struct etl_err *err)
{
	char *buf = xmalloc(PGLOAD_CHUNK);
	PGresult *res;
	long long rows = -1;
	int sent, read_failed, failed = 0;
	size_t n;

	sent = PQputCopyData(conn, header, (int)header_len) == 1;
	while (sent && (n = fread(buf, 1, PGLOAD_CHUNK, fp)) > 0)
		sent = PQputCopyData(conn, buf, (int)n) == 1;
	read_failed = ferror(fp);
	free(buf);
	if (!sent)
		failed = conn_err(err, conn, what);
	else if (read_failed)
		failed = etl_errf(err, "%s: read error", what);
	if (PQputCopyEnd(conn, read_failed ? "aborted because of read failure"
					   : NULL) != 1 &&
	    !failed)
		failed = conn_err(err, conn, what);
	/* Pump libpq dry, else the connection stays busy (psql copy.c). */
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK && rows < 0)
			rows = strtoll(PQcmdTuples(res), NULL, 10);
		else if (!failed)
			failed = pgload_result_err(err, res, what);
		PQclear(res);
	}
	if (!failed && rows < 0)
		failed = etl_errf(err, "%s: no row count from server", what);
	return failed ? -1 : rows;
}

long long pgload_copy(PGconn *conn, const char *table, FILE *fp,
		      const char *name, struct etl_err *err)
{
	struct strbuf sql;
	char *line = NULL, *header, *names;
	char what[300];
	size_t cap = 0;
	ssize_t n;
	PGresult *res;
	long long rows = -1;

	if (!is_table_name(table))
		return etl_errf(err, "'%s': '%s' is not a plain table name",
				name, table);
	errno = 0;
	n = getline(&line, &cap, fp);
	if (n <= 0) {
		free(line);
		if (ferror(fp))
			return etl_errf(err, "cannot read '%s': %s", name,
					strerror(errno));
		return etl_errf(err, "'%s' is empty: no header line", name);
	}
	if ((size_t)n > MAX_HEADER || memchr(line, '\0', (size_t)n)) {
		free(line);
		return etl_errf(err, "'%s': the first line is not a header",
				name);
	}
	header = xstrndup(line, (size_t)n);
	header[strcspn(header, "\r\n")] = '\0';
	snprintf(what, sizeof(what), "'%s': COPY into %s failed", name, table);

	names = header;
	if (starts_with(names, "\xEF\xBB\xBF")) /* a UTF-8 BOM */
		names += 3;

	sb_init(&sql, 0);
	sb_addf(&sql, "COPY %s (", table);
	if (header_columns(conn, table, names, name, &sql, err) == 0) {
		sb_adds(&sql, ") FROM STDIN (FORMAT csv, HEADER true)");
		res = PQexec(conn, sql.buf);
		if (PQresultStatus(res) == PGRES_COPY_IN) {
			PQclear(res);
			/* Send the header too: COPY counts the file's lines. */
			rows = copy_stream(conn, fp, line, (size_t)n, what,
					   err);
		} else {
			pgload_result_err(err, res, what);
			PQclear(res);
		}
	}
	sb_release(&sql);
	free(header);
	free(line);
	return rows;
}
