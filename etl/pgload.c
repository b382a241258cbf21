/*
 * pgload.c: connect, migrate, lock and COPY over libpq, and the
 * HMAC-SHA256 of pseudonyms through libcrypto (see pgload.h).  The COPY
 * follows psql's copy.c: COPY ... FROM STDIN, PQputCopyData in chunks,
 * PQputCopyEnd, then drain PQgetResult until NULL.
 */
#include "pgload.h"
#include "hashtab.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* ---- the server's notices ---- */

/* The notices of a connection no one listens to: dropped. */
static void notice_drop(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

/* "server WARNING: <primary message, cut>" to the listener. */
static void notice_pass(void *arg, const PGresult *res)
{
	const struct pgload_notices *n = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *p = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	char primary[256], text[300];

	clean_msg(primary, sizeof(primary), p ? p : PQresultErrorMessage(res));
	snprintf(text, sizeof(text), "server %s: %s", nz(sev), primary);
	n->fn(n->ctx, text);
}

void pgload_on_notice(PGconn *conn, const struct pgload_notices *n)
{
	if (n && n->fn)
		PQsetNoticeReceiver(conn, notice_pass, (void *)n);
	else
		PQsetNoticeReceiver(conn, notice_drop, NULL);
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
	pgload_on_notice(conn, NULL);
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

int pgload_conninfo_has_password(const char *conninfo, struct etl_err *err)
{
	PQconninfoOption *opts, *o;
	char *msg = NULL;
	int found = 0;

	if (!conninfo || !*conninfo)
		return 0;
	opts = PQconninfoParse(conninfo, &msg);
	if (!opts) {
		/* libpq's message may quote the string: not repeated */
		PQfreemem(msg);
		return etl_errf(err, "the connection string does not parse "
				     "(a libpq conninfo 'key=value ...' or a "
				     "postgresql:// URI)");
	}
	for (o = opts; o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			found = 1;
	PQconninfoFree(opts);
	return found;
}

void pgload_describe(PGconn *conn, char *buf, size_t n)
{
	const char *host = PQhost(conn);

	snprintf(buf, n, "database '%s' on server '%s' port %s as user '%s'",
		 nz(PQdb(conn)), host && *host ? host : "(local socket)",
		 nz(PQport(conn)), nz(PQuser(conn)));
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

/* SELECT fn(key): 1 when the lock was taken, 0 when not, -1 on error. */
static int try_advisory(PGconn *conn, const char *fn, long long key,
			struct etl_err *err)
{
	char sql[80];
	PGresult *res;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s(%lld)", fn, key);
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

int pgload_try_lock(PGconn *conn, struct etl_err *err)
{
	return try_advisory(conn, "pg_try_advisory_xact_lock", PGLOAD_LOCK_KEY,
			    err);
}

int pgload_try_run_lock(PGconn *conn, struct etl_err *err)
{
	return try_advisory(conn, "pg_try_advisory_lock", PGLOAD_RUN_LOCK_KEY,
			    err);
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

/* A migration: *.sql, but not current.sql (the schema they all make). */
static int is_sql_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	       !strcmp(d->d_name + n - 4, ".sql") &&
	       strcmp(d->d_name, PGLOAD_SCHEMA_DUMP) != 0;
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

/*
 * The highest version recorded (0: none, or no table yet: then create it;
 * only then, so that a loader without CREATE rights gets this far).
 */
static int db_version(PGconn *conn, long *version, struct etl_err *err)
{
	PGresult *res;
	int rc = 0, missing;

	res = PQexec(conn, "SELECT to_regclass('doisoat.schema_migrations') "
			   "IS NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pgload_result_err(err, res, "cannot read the catalog");
		PQclear(res);
		return rc;
	}
	missing = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	*version = 0;
	if (missing)
		return pgload_exec(conn, bootstrap_sql,
				   "cannot create doisoat.schema_migrations",
				   err);
	res = PQexec(conn, "SELECT coalesce(max(version), 0) "
			   "FROM doisoat.schema_migrations");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pgload_result_err(err, res,
				       "cannot read doisoat.schema_migrations");
	else
		*version = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

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

/* The schema files built in: build/schemas.c, made by etl/sh/embed.sh. */
extern const char *const schema_files_names[];
extern const char *const schema_files_texts[];
extern const size_t schema_files_lens[];
extern const size_t schema_files_count;

size_t pgload_builtin_schemas(void)
{
	return schema_files_count;
}

const char *pgload_builtin_schema(size_t i, const char **text, size_t *len)
{
	if (i >= schema_files_count)
		return NULL;
	if (text)
		*text = schema_files_texts[i];
	if (len)
		*len = schema_files_lens[i];
	return schema_files_names[i];
}

/* One migration: its file name, version, and text (NULL: read the file). */
struct migration {
	const char *name;
	long version;
	const char *text;
};

/* The migrations of one source, in byte order of their names. */
struct migrations {
	const char *dir; /* NULL: built in */
	struct dirent **list; /* scandir()'s, owning the names */
	struct migration *m;
	int n;
	char where[300]; /* "schema folder 'DIR'" or "the built-in ..." */
};

/* Read the names of dir's migrations, or take the built-in ones. */
static int list_migrations(struct migrations *ms, const char *dir,
			   struct etl_err *err)
{
	int i, n;

	memset(ms, 0, sizeof(*ms));
	ms->dir = dir;
	if (!dir) {
		snprintf(ms->where, sizeof(ms->where),
			 "the schema files built into doisoat");
		n = (int)schema_files_count;
	} else {
		snprintf(ms->where, sizeof(ms->where), "schema folder '%s'",
			 dir);
		n = scandir(dir, &ms->list, is_sql_file, cmp_names);
		if (n < 0)
			return etl_errf(err,
					"cannot read schema folder '%s': %s",
					dir, strerror(errno));
	}
	ms->n = n;
	ms->m = xcalloc((size_t)(n ? n : 1), sizeof(*ms->m));
	for (i = 0; i < n; i++) {
		ms->m[i].name =
			dir ? ms->list[i]->d_name : schema_files_names[i];
		ms->m[i].text = dir ? NULL : schema_files_texts[i];
		ms->m[i].version = file_version(ms->m[i].name);
	}
	if (n == 0)
		return etl_errf(err, "no *.sql files in %s", ms->where);
	return 0;
}

static void release_migrations(struct migrations *ms)
{
	int i;

	for (i = 0; ms->list && i < ms->n; i++)
		free(ms->list[i]);
	free(ms->list);
	free(ms->m);
}

/* "DIR/NAME", or "NAME (built in)", for messages. */
static void migration_path(const struct migrations *ms,
			   const struct migration *m, struct strbuf *path)
{
	if (ms->dir)
		sb_addf(path, "%s/%s", ms->dir, m->name);
	else
		sb_addf(path, "%s (built in)", m->name);
}

/*
 * Check the versions: each file has one, no two the same, the last one
 * at least PGLOAD_SCHEMA_VERSION.  Sets *top to the highest.
 */
static int check_versions(const struct migrations *ms, long *top,
			  struct etl_err *err)
{
	struct strbuf path;
	int i, j;

	*top = 0;
	for (i = 0; i < ms->n; i++) {
		if (ms->m[i].version < 0) {
			sb_init(&path, 0);
			migration_path(ms, &ms->m[i], &path);
			etl_errf(err,
				 "schema file '%s' has no version number "
				 "(name it NNN_what.sql)",
				 path.buf);
			sb_release(&path);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (ms->m[j].version == ms->m[i].version)
				return etl_errf(err,
						"schema files '%s' and '%s' in "
						"%s have the same version %ld",
						ms->m[j].name, ms->m[i].name,
						ms->where, ms->m[i].version);
		if (ms->m[i].version > *top)
			*top = ms->m[i].version;
	}
	if (*top < PGLOAD_SCHEMA_VERSION)
		return etl_errf(err,
				"%s ends at version %ld but this doisoat needs "
				"version %d: use the schemas/ folder of this "
				"doisoat's release, or leave out --schemas and "
				"$DOISOAT_SCHEMAS to use the built-in files",
				ms->where, *top, PGLOAD_SCHEMA_VERSION);
	return 0;
}

static int apply_file(PGconn *conn, const struct migrations *ms,
		      const struct migration *m, struct etl_err *err)
{
	const char *params[1];
	struct strbuf path, sql;
	char what[300], version[16];
	PGresult *res;
	int rc = 0;

	snprintf(version, sizeof(version), "%ld", m->version);
	params[0] = version;
	sb_init(&path, 0);
	sb_init(&sql, MAX_SQL_FILE);
	migration_path(ms, m, &path);
	if (!m->text)
		rc = read_text(path.buf, &sql, err);
	if (rc == 0) {
		snprintf(what, sizeof(what), "migration '%s' failed", path.buf);
		rc = pgload_exec(conn, m->text ? m->text : sql.buf, what, err);
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

int pgload_migrate(PGconn *conn, const char *dir, int *applied, int *version,
		   struct etl_err *err)
{
	struct migrations ms;
	long have = 0, top = 0;
	char vtext[16];
	int i, rc, count = 0;

	if (applied)
		*applied = 0;
	if (version)
		*version = 0;
	rc = list_migrations(&ms, dir, err);
	if (rc == 0)
		rc = check_versions(&ms, &top, err);
	if (rc == 0)
		rc = db_version(conn, &have, err);
	if (rc == 0 && have > top)
		rc = etl_errf(err,
			      "the database schema is at version %ld, newer "
			      "than the schema files %s%s%s (up to %ld): a "
			      "newer doisoat has migrated this database; run "
			      "that version, or restore the database",
			      have, dir ? "in '" : "built into this doisoat",
			      dir ? dir : "", dir ? "'" : "", top);
	for (i = 0; rc == 0 && i < ms.n; i++) {
		snprintf(vtext, sizeof(vtext), "%ld", ms.m[i].version);
		rc = version_applied(conn, vtext, err);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = apply_file(conn, &ms, &ms.m[i], err);
		if (rc == 0)
			count++;
	}
	release_migrations(&ms);
	if (applied)
		*applied = count;
	if (version && rc == 0)
		*version = (int)(top > have ? top : have);
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

/* Is name one of list (NULL-terminated, may be NULL)? */
static int in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

/* Where the columns of opts are in the file's header (-1: absent). */
struct colmap {
	int ndrop; /* columns of the file left out (opts->drop) */
	unsigned char dropped[MAX_COLS + 1]; /* per file column: left out */
	int pseudo; /* index of opts->pseudo_of */
	int key, alt, skip; /* of opts->key_col, alt_col, skip_col */
};

/*
 * Check the header line (NUL-terminated, newline stripped) against the
 * table's columns and append "a, b, c" to sql, leaving out the columns
 * of opts->drop and adding opts->pseudo_col.  Names that are not identifiers
 * are not quoted back: a file without a header would put a data row in the
 * message.
 */
static int header_columns(PGconn *conn, const char *table, char *header,
			  const char *name, const struct pgload_copy_opts *o,
			  struct colmap *map, struct strbuf *sql,
			  struct etl_err *err)
{
	struct strbuf cols, seen;
	char *field, *next;
	int ncols = 0, nsent = 0, rc;

	memset(map, 0, sizeof(*map));
	map->pseudo = map->key = map->alt = map->skip = -1;
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
		else if (has_name(seen.buf, seen.len, field))
			rc = etl_errf(err, "'%s': header column '%s' twice",
				      name, field);
		else if (++ncols > MAX_COLS)
			rc = etl_errf(err, "'%s': more than %d columns", name,
				      MAX_COLS);
		if (rc < 0)
			break;
		sb_add(&seen, field, strlen(field) + 1);
		if (o->pseudo_of && !strcmp(field, o->pseudo_of))
			map->pseudo = ncols - 1;
		if (o->key_col && !strcmp(field, o->key_col))
			map->key = ncols - 1;
		if (o->alt_col && !strcmp(field, o->alt_col))
			map->alt = ncols - 1;
		if (o->skip_col && !strcmp(field, o->skip_col))
			map->skip = ncols - 1;
		if (in_list(o->drop, field)) {
			map->dropped[ncols - 1] = 1;
			map->ndrop++;
			continue;
		}
		if (!has_name(cols.buf, cols.len, field)) {
			rc = etl_errf(err,
				      "'%s': header column '%s' is not a "
				      "column of %s",
				      name, field, table);
			break;
		}
		sb_addf(sql, "%s%s", nsent++ ? ", " : "", field);
	}
	if (rc == 0 && o->hmac && map->pseudo >= 0) {
		if (has_name(seen.buf, seen.len, o->pseudo_col))
			rc = etl_errf(err,
				      "'%s': header column '%s' is made "
				      "by the loader",
				      name, o->pseudo_col);
		else if (!has_name(cols.buf, cols.len, o->pseudo_col))
			rc = etl_errf(err, "'%s': %s has no column '%s'", name,
				      table, o->pseudo_col);
		else
			sb_addf(sql, "%s%s", nsent++ ? ", " : "",
				o->pseudo_col);
	}
	if (rc == 0 && !nsent)
		rc = etl_errf(err, "'%s': no column to load", name);
	sb_release(&cols);
	sb_release(&seen);
	return rc;
}

/* ---- HMAC-SHA256 pseudonyms (libcrypto) ---- */

/* A MAC context set up for HMAC-SHA256 with key, or NULL. */
static EVP_MAC_CTX *hmac_new(const void *key, size_t len)
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest,
						 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;

	EVP_MAC_free(mac); /* ctx keeps its own reference */
	if (ctx && !EVP_MAC_init(ctx, key, len, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/*
 * HMAC of msg under the key ctx was set up with, in hex.  ctx can be used
 * again: EVP_MAC_init() without a key starts over with the same key.
 */
static int hmac_hex(EVP_MAC_CTX *ctx, const void *msg, size_t len, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[32];
	size_t n = 0, i;

	hex[0] = '\0';
	if (!EVP_MAC_init(ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, d, &n, sizeof(d)) || n != sizeof(d))
		return -1;
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
	return 0;
}

int pseudonym_hmac(const void *key, size_t keylen, const void *msg,
		   size_t msglen, char out_hex[65])
{
	EVP_MAC_CTX *ctx = hmac_new(key, keylen);
	int rc = -1;

	out_hex[0] = '\0';
	if (ctx)
		rc = hmac_hex(ctx, msg, msglen, out_hex);
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int pgload_read_key(const char *path, struct pgload_hmac *h, int *loose,
		    struct etl_err *err)
{
	struct stat st;
	size_t n;
	FILE *f;
	int rc = 0;

	*loose = 0;
	h->len = 0;
	f = fopen(path, "rb");
	if (!f)
		return etl_errf(err, "cannot open pseudonym key '%s': %s", path,
				strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		*loose = 1;
	n = fread(h->key, 1, sizeof(h->key), f);
	if (ferror(f))
		rc = etl_errf(err, "cannot read pseudonym key '%s': %s", path,
			      strerror(errno));
	else if (n == sizeof(h->key))
		rc = etl_errf(err,
			      "pseudonym key '%s' is longer than %zu bytes",
			      path, sizeof(h->key) - 1);
	fclose(f);
	while (rc == 0 && n && (h->key[n - 1] == '\n' || h->key[n - 1] == '\r'))
		n--;
	if (rc == 0 && n < 16)
		rc = etl_errf(err,
			      "pseudonym key '%s' is shorter than 16 bytes "
			      "(make one: head -c 32 /dev/urandom | base64 "
			      "> FILE; chmod 600 FILE)",
			      path);
	if (rc == 0)
		h->len = n;
	else
		OPENSSL_cleanse(h->key, sizeof(h->key));
	return rc;
}

/*
 * The row filter between the file and COPY: a byte-level CSV scanner that
 * knows only what decides the structure (quotes toggle; a comma or a
 * newline outside quotes ends a field or a record), which is exact for
 * RFC 4180.  It leaves out columns, appends a pseudonym column, and
 * notes each row's person key; the values it reads are the fields without
 * their quotes.  A CR before a record's LF is dropped (COPY takes LF).
 * Every file goes through it.  Output goes out in chunks: copies of the
 * input's pieces, or, while nothing is left out, added or dropped (the
 * usual case: the pipeline writes LF), the input's own buffers.
 */
#define NSLOTS	4 /* fields captured: pseudonym source, key, alt, skip */
#define MAX_VAL 64

struct xform {
	PGconn *conn;
	const struct pgload_copy_opts *o;
	const unsigned char *dropped; /* per file column: left out */
	int pseudo, key, alt, skip; /* capture slots, -1 none */
	signed char slot_of[MAX_COLS + 1]; /* field -> capture slot */
	int header; /* in the header line */
	int field; /* index of the current field */
	int kept; /* a kept field has started in this record */
	int quoted; /* inside quotes */
	int cr; /* a CR outside quotes waits for its LF */
	int bytes; /* the record has bytes */
	int slot; /* capture slot of the current field, or -1 */
	int pass; /* output is the input: x_data sends its buffer as it is */
	char val[NSLOTS][MAX_VAL];
	size_t nval[NSLOTS];
	char *out;
	size_t nout;
	EVP_MAC_CTX *mac; /* keyed for the pseudonyms, or NULL */
	int failed; /* stop: a send failed, or mac_failed */
	int mac_failed; /* libcrypto failed */
};

/* Is the current field left out? */
static inline int x_dropped(const struct xform *x)
{
	return x->field <= MAX_COLS && x->dropped[x->field];
}

static void x_flush(struct xform *x)
{
	if (x->nout && !x->failed &&
	    PQputCopyData(x->conn, x->out, (int)x->nout) != 1)
		x->failed = 1;
	x->nout = 0;
}

static inline void x_put(struct xform *x, const char *p, size_t n)
{
	if (x->pass)
		return;
	if (x->nout + n > 2 * PGLOAD_CHUNK)
		x_flush(x);
	memcpy(x->out + x->nout, p, n);
	x->nout += n;
	if (x->nout >= PGLOAD_CHUNK)
		x_flush(x);
}

/* A field starts: its separator goes out if it is kept. */
static void x_field_start(struct xform *x)
{
	x->slot = x->field <= MAX_COLS ? x->slot_of[x->field] : -1;
	if (x_dropped(x))
		return;
	if (x->kept)
		x_put(x, ",", 1);
	x->kept = 1;
}

/* The captured value of slot (NULL if none, empty or too long). */
static const char *x_val(struct xform *x, int slot, size_t *len)
{
	if (slot < 0 || !x->nval[slot] || x->nval[slot] > MAX_VAL - 1)
		return NULL;
	*len = x->nval[slot];
	return x->val[slot];
}

/* 1 + the index of v in o->same_vals, or 0: not one of them. */
static uint32_t same_tag(const struct pgload_copy_opts *o, const char *v,
			 size_t len)
{
	uint32_t i;

	for (i = 0; v && o->same_vals && o->same_vals[i]; i++)
		if (len == strlen(o->same_vals[i]) &&
		    !memcmp(v, o->same_vals[i], len))
			return i + 1;
	return 0;
}

/* Note the row's person key in the key set. */
static void x_key(struct xform *x)
{
	const struct pgload_copy_opts *o = x->o;
	char buf[MAX_VAL + 2];
	const char *v;
	size_t len = 0, pos;
	uint32_t tag, seen;
	uint64_t h;
	int found = 0, other = 0;

	v = x_val(x, x->skip, &len);
	if (v && o->skip_val && len == strlen(o->skip_val) &&
	    !memcmp(v, o->skip_val, len))
		return;
	tag = same_tag(o, v, len);
	buf[0] = 'k';
	if (!(v = x_val(x, x->key, &len))) {
		buf[0] = 'a';
		if (!(v = x_val(x, x->alt, &len)))
			return;
	}
	buf[1] = ':';
	memcpy(buf + 2, v, len);
	h = ht_hash(buf, len + 2);
	pos = ht_first(o->keys, h);
	while ((seen = ht_next(o->keys, h, &pos)) != HT_NONE) {
		found = 1;
		other |= !tag || seen != tag;
	}
	if (other)
		(*o->key_dups)++;
	else if (!found)
		ht_insert(o->keys, h, tag);
}

static void x_record_end(struct xform *x)
{
	const char *v;
	char hex[65];
	size_t len;
	int i;

	if (x->mac && x->pseudo >= 0) {
		if (x->kept)
			x_put(x, ",", 1);
		if (x->header) {
			x_put(x, x->o->pseudo_col, strlen(x->o->pseudo_col));
		} else if ((v = x_val(x, x->pseudo, &len))) {
			if (hmac_hex(x->mac, v, len, hex) == 0)
				x_put(x, hex, 64);
			else
				x->mac_failed = x->failed = 1;
		}
	}
	if (x->o->keys && !x->header)
		x_key(x);
	x_put(x, "\n", 1);
	x->header = 0;
	x->field = 0;
	x->kept = 0;
	x->bytes = 0;
	for (i = 0; i < NSLOTS; i++)
		x->nval[i] = 0;
	x_field_start(x);
}

/*
 * The bytes that end a run of plain ones (a separator or a quote), outside
 * quotes [0] and inside them [1].
 */
static const unsigned char x_stop[2][256] = {
	{ ['"'] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1 },
	{ ['"'] = 1 },
};

/* A run of n plain bytes of the current field: captured, passed on. */
static void x_run(struct xform *x, const char *p, size_t n)
{
	x->bytes = 1;
	if (x->slot >= 0 && x->nval[x->slot] < MAX_VAL) {
		size_t k = MAX_VAL - x->nval[x->slot];

		if (k > n)
			k = n;
		memcpy(x->val[x->slot] + x->nval[x->slot], p, k);
		x->nval[x->slot] += k;
	}
	if (!x_dropped(x))
		x_put(x, p, n);
}

/* Send buf[0, n) as it is (pass-through mode). */
static void x_send(struct xform *x, const char *buf, size_t n)
{
	if (n && !x->failed && PQputCopyData(x->conn, buf, (int)n) != 1)
		x->failed = 1;
}

static void x_data(struct xform *x, const char *buf, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (x->cr) {
			x->cr = 0;
			if (c == '\n') {
				x_record_end(x);
				continue;
			}
			if (!x_dropped(x))
				x_put(x, "\r", 1);
		}
		if (!x_stop[x->quoted][(unsigned char)c]) {
			/* most bytes: the run of them at once */
			const unsigned char *stop = x_stop[x->quoted];

			for (j = i + 1; j < n && !stop[(unsigned char)buf[j]];
			     j++)
				;
			x_run(x, buf + i, j - i);
			i = j - 1;
			continue;
		}
		if (!x->quoted && (c == ',' || c == '\n' || c == '\r')) {
			if (c == '\r') {
				if (x->pass) { /* COPY takes LF: rewrite from here */
					x_send(x, buf, i);
					x->pass = 0;
				}
				x->cr = 1;
			} else if (c == '\n') {
				if (x->bytes)
					x_record_end(x);
				else
					x_put(x, "\n", 1);
			} else {
				x->bytes = 1;
				x->field++;
				x_field_start(x);
			}
			continue;
		}
		x->bytes = 1; /* a quote */
		x->quoted = !x->quoted;
		if (!x_dropped(x))
			x_put(x, &c, 1);
	}
	if (x->pass)
		x_send(x, buf, n);
}

static void x_end(struct xform *x)
{
	if (x->cr || x->bytes)
		x_record_end(x);
	x_flush(x);
}

/* The capture slot of field index f (-1: none): one slot per field. */
static int x_slot(struct xform *x, int f, int *nslots)
{
	if (f < 0 || f > MAX_COLS)
		return -1;
	if (x->slot_of[f] < 0)
		x->slot_of[f] = (signed char)(*nslots)++;
	return x->slot_of[f];
}

/*
 * Put the COPY to an end (abort: why it is cancelled, or NULL) and drain
 * the results: the row count, or -1.
 */
static long long copy_finish(PGconn *conn, int failed, const char *abort,
			     const char *what, struct etl_err *err)
{
	PGresult *res;
	long long rows = -1;

	if (PQputCopyEnd(conn, abort) != 1 && !failed)
		failed = conn_err(err, conn, what);
	/* Pump libpq dry, else the connection stays busy (psql copy.c). */
	while ((res = PQgetResult(conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK && rows < 0)
			rows = strtoll(PQcmdTuples(res), NULL, 10);
		else if (!failed)
			failed = pgload_result_err(err, res, what);
		PQclear(res);
		if (PQstatus(conn) == CONNECTION_BAD)
			break;
	}
	if (!failed && rows < 0)
		failed = etl_errf(err, "%s: no row count from server", what);
	return failed ? -1 : rows;
}

/*
 * Send the header line, then the rest of fp; drain the results.  mac:
 * keyed for the pseudonyms (o->hmac and a pseudo_of column), else NULL.
 */
static long long copy_stream(PGconn *conn, FILE *fp, const char *header,
			     size_t header_len, const struct colmap *map,
			     const struct pgload_copy_opts *o, EVP_MAC_CTX *mac,
			     const char *what, struct etl_err *err)
{
	char *buf = xmalloc(PGLOAD_CHUNK);
	struct xform x = { 0 };
	unsigned long long total = header_len;
	int read_failed, failed = 0;
	int nslots = 0;
	size_t n;

	x.conn = conn;
	x.o = o;
	x.dropped = map->dropped;
	memset(x.slot_of, -1, sizeof(x.slot_of));
	x.mac = mac;
	x.pseudo = mac ? x_slot(&x, map->pseudo, &nslots) : -1;
	x.key = x.alt = x.skip = -1;
	if (o->keys) {
		x.key = x_slot(&x, map->key, &nslots);
		x.alt = x_slot(&x, map->alt, &nslots);
		if (o->skip_val || o->same_vals)
			x.skip = x_slot(&x, map->skip, &nslots);
	}
	x.header = 1;
	/* nothing to leave out or add: what goes out is what comes in */
	x.pass = map->ndrop == 0 && !mac;
	x.out = xmalloc(2 * PGLOAD_CHUNK);
	x_field_start(&x);
	x_data(&x, header, header_len);
	while (!x.failed && (n = fread(buf, 1, PGLOAD_CHUNK, fp)) > 0) {
		x_data(&x, buf, n);
		total += n;
		if (o->progress)
			o->progress(o->progress_arg, total);
	}
	read_failed = ferror(fp);
	if (!x.failed && !read_failed)
		x_end(&x);
	free(buf);
	free(x.out);
	if (x.failed && !x.mac_failed) /* a send failed */
		failed = conn_err(err, conn, what);
	else if (x.mac_failed)
		failed = etl_errf(err,
				  "%s: cannot compute a pseudonym (libcrypto)",
				  what);
	else if (read_failed)
		failed = etl_errf(err, "%s: read error", what);
	return copy_finish(conn, failed,
			   read_failed	  ? "aborted because of read failure"
			   : x.mac_failed ? "aborted: no pseudonym"
					  : NULL,
			   what, err);
}

long long pgload_copy(PGconn *conn, const char *table, FILE *fp,
		      const char *name, const struct pgload_copy_opts *opts,
		      struct etl_err *err)
{
	static const struct pgload_copy_opts none;
	struct strbuf sql;
	struct colmap map;
	EVP_MAC_CTX *mac = NULL;
	char *line = NULL, *header, *names;
	char what[300];
	size_t cap = 0;
	ssize_t n;
	PGresult *res;
	long long rows = -1;
	int rc;

	if (!opts)
		opts = &none;
	if (!is_table_name(table))
		return etl_errf(err, "'%s': '%s' is not a plain table name",
				name, table);
	if (opts->hmac && (!opts->pseudo_of || !opts->pseudo_col ||
			   !pgload_is_ident(opts->pseudo_col)))
		return etl_errf(err, "'%s': pseudonym columns not set", name);
	if (opts->keys && !opts->key_dups)
		return etl_errf(err, "'%s': key_dups not set", name);
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
	rc = header_columns(conn, table, names, name, opts, &map, &sql, err);
	if (rc == 0 && opts->hmac && map.pseudo >= 0 &&
	    !(mac = hmac_new(opts->hmac->key, opts->hmac->len)))
		rc = etl_errf(err,
			      "'%s': cannot set up HMAC-SHA256 (libcrypto)",
			      name);
	if (rc == 0) {
		sb_adds(&sql, ") FROM STDIN (FORMAT csv, HEADER true)");
		res = PQexec(conn, sql.buf);
		if (PQresultStatus(res) == PGRES_COPY_IN) {
			PQclear(res);
			/* Send the header too: COPY counts the file's lines. */
			rows = copy_stream(conn, fp, line, (size_t)n, &map,
					   opts, mac, what, err);
		} else {
			pgload_result_err(err, res, what);
			PQclear(res);
		}
	}
	EVP_MAC_CTX_free(mac);
	sb_release(&sql);
	free(header);
	free(line);
	return rows;
}
