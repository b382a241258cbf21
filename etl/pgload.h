/*
 * pgload.h: the small layer doisoat needs over libpq: connect, apply the
 * numbered schema files, take the run lock, and stream a CSV file into a
 * table with COPY.  Used by `doisoat load` and `doisoat db`.
 *
 * Like every library module these functions never print and never exit:
 * they return -1 and leave one reason in err.  Reasons name the server
 * (host, port, database) and the file, never a password, and never a value
 * from a data row: PostgreSQL's own message is cut before any quoted value
 * and its DETAIL (which repeats the failing row) is left out.
 */
#ifndef DOISOAT_PGLOAD_H
#define DOISOAT_PGLOAD_H

#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>

/*
 * Key of the advisory lock that lets one doisoat load or migration run
 * against a database at a time: the ASCII bytes of "doisoat" as a bigint
 * (0x646f69736f6174).  Others can see it in pg_locks (classid 6582121,
 * objid 1936679284).
 */
#define PGLOAD_LOCK_KEY 28269996369994100LL

/* Chunk size of the COPY stream. */
#define PGLOAD_CHUNK (64 * 1024)

/*
 * Connect.  conninfo is a libpq conninfo string or URI; "" or NULL uses the
 * libpq environment (PGHOST, PGPORT, PGDATABASE, PGSERVICE, ...).  Sets
 * fallback_application_name "doisoat" and client_min_messages = warning.
 * Returns the connection (the caller PQfinish()es it), or NULL with the
 * reason, which names the server tried and carries libpq's message.
 */
PGconn *pgload_connect(const char *conninfo, struct etl_err *err);

/*
 * Run one or more SQL commands without parameters.  Returns 0 when the
 * last one succeeded, else -1 with "<what>: <server message>".
 */
int pgload_exec(PGconn *conn, const char *sql, const char *what,
		struct etl_err *err);

/*
 * Fill err from a failed result: "<what>: <primary message> (<context>)",
 * with every part cut before its first quoted value.  Returns -1.
 */
int pgload_result_err(struct etl_err *err, const PGresult *res,
		      const char *what);

/*
 * Take the run lock for the current transaction
 * (pg_try_advisory_xact_lock(PGLOAD_LOCK_KEY)); it is released by COMMIT
 * or ROLLBACK.  Call inside BEGIN.  Returns 1 taken, 0 held by another
 * session, -1 error.
 */
int pgload_try_lock(PGconn *conn, struct etl_err *err);

/*
 * Apply the migrations in dir: every *.sql file, in byte order of the
 * names, whose version (the number the name starts with: 001_core.sql is
 * 1) is not yet in doisoat.schema_migrations; each applied file is
 * recorded there.  Creates the schema doisoat and that table first if
 * needed.  The files are plain SQL (no psql meta-commands).  Call inside a
 * transaction that holds the run lock, so a failure leaves nothing behind.
 * Sets *applied (may be NULL) to the number of files applied.  Returns 0,
 * or -1 (no such folder, no *.sql in it, a name without a version, two
 * files with one version, a failing file).
 */
int pgload_migrate(PGconn *conn, const char *dir, int *applied,
		   struct etl_err *err);

/*
 * COPY a CSV file (RFC 4180, header line first) into table ("name" or
 * "schema.name", plain lower-case identifiers), through
 * COPY table (header columns) FROM STDIN (FORMAT csv, HEADER true).
 * The header names the columns: each must match [a-z_][a-z0-9_]*, appear
 * once, and be a column of table; columns not in the header get their
 * defaults.  Empty fields are NULL.  The file is read from fp (from its
 * current position, which must be the header line) and streamed in
 * PGLOAD_CHUNK pieces, header included, so the line numbers in errors are
 * the file's; name is used in messages.  fp stays open.
 * Returns the number of data rows copied, or -1.  The caller owns the
 * transaction: a failed COPY aborts it.
 */
long long pgload_copy(PGconn *conn, const char *table, FILE *fp,
		      const char *name, struct etl_err *err);

/* Is s a plain SQL identifier, [a-z_][a-z0-9_]*, at most 63 bytes? */
int pgload_is_ident(const char *s);

#endif
