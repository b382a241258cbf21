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
#include <stddef.h>
#include <stdio.h>

struct hashtab;

/*
 * Pseudonyms for the reporting views: HMAC-SHA256(key, person_id) (RFC
 * 2104) as 64 lower-case hex digits, computed with OpenSSL's libcrypto.
 * A keyed hash, because a plain hash of a 12-digit ID is reversed by
 * trying every ID (rules.md R10.4); computed in the client so the key
 * never travels through SQL or the server's logs.  The same digits as
 *   printf '%s' "$MSG" | openssl dgst -sha256 -hmac "$KEY"
 */

/* A pseudonym key as pgload_read_key() read it (the file's bytes). */
struct pgload_hmac {
	unsigned char key[4096];
	size_t len; /* 16 to sizeof(key) - 1 */
};

/*
 * HMAC-SHA256(key, msg) into out_hex: 64 lower-case hex digits and a NUL.
 * Any key length (one longer than 64 bytes is hashed first, RFC 2104).
 * Returns 0, or -1 when libcrypto fails (out of memory; out_hex is then
 * the empty string).
 */
int pseudonym_hmac(const void *key, size_t keylen, const void *msg,
		   size_t msglen, char out_hex[65]);

/*
 * Read a pseudonym key from path into h: the file's bytes without its
 * trailing newlines (LF or CR LF), at least 16 and at most
 * sizeof(h->key) - 1 bytes.  Sets *loose to 1 when the file is readable
 * by group or others (the caller warns).  Returns 0, or -1 (unreadable,
 * too short, too long).
 */
int pgload_read_key(const char *path, struct pgload_hmac *h, int *loose,
		    struct etl_err *err);

/*
 * Key of the advisory lock that lets one doisoat load or migration run
 * against a database at a time: the ASCII bytes of "doisoat" as a bigint
 * (0x646f69736f6174).  Others can see it in pg_locks (classid 6582121,
 * objid 1936679284).
 */
#define PGLOAD_LOCK_KEY 28269996369994100LL
/*
 * Key of the lock a whole `doisoat run` holds from its start (a session
 * lock, so a second run exits at once instead of after its pipeline);
 * its load stage still takes PGLOAD_LOCK_KEY like any load.
 */
#define PGLOAD_RUN_LOCK_KEY (PGLOAD_LOCK_KEY + 1)

/* Chunk size of the COPY stream. */
#define PGLOAD_CHUNK (64 * 1024)

/*
 * The lowest schema version (the number of the last file in schemas/)
 * this doisoat's load needs: a schema folder that ends below it is an old
 * copy next to a newer binary.  The built-in files always reach it.
 */
#define PGLOAD_SCHEMA_VERSION 12

/*
 * Connect.  conninfo is a libpq conninfo string or URI; "" or NULL uses the
 * libpq environment (PGHOST, PGPORT, PGDATABASE, PGSERVICE, ...), the
 * service file and ~/.pgpass.  Sets fallback_application_name "doisoat"
 * and client_min_messages = warning.  Returns the connection (the caller
 * PQfinish()es it), or NULL with the reason, which names the server tried
 * (database, server, port) and carries libpq's message, never a password.
 *
 * The server's notices and warnings on the connection are dropped
 * (libpq's default processor would print them on stderr): a caller that
 * wants them sets pgload_on_notice().  The receiver is set once the
 * connection is made, so a warning the server sends while the session
 * starts (a collation version mismatch, say) is still printed by libpq:
 * catching those would mean PQconnectStartParams() and a polling loop of
 * our own, which loses connect_timeout's move to the next host of a list.
 */
PGconn *pgload_connect(const char *conninfo, struct etl_err *err);

/*
 * Who hears the server's notices and warnings on a connection: fn(ctx,
 * text), text being "server <SEVERITY>: <primary message>", cut before
 * its first quoted value as error messages are (no DETAIL, no CONTEXT).
 * With client_min_messages = warning only warnings come.
 */
struct pgload_notices {
	void (*fn)(void *ctx, const char *text);
	void *ctx;
};
/* Send conn's notices to n (which must outlive conn); NULL: drop them. */
void pgload_on_notice(PGconn *conn, const struct pgload_notices *n);

/*
 * Does conninfo (a conninfo string or URI) carry a password?  1 yes, 0 no,
 * -1 it does not parse (err says why, without repeating the string).
 */
int pgload_conninfo_has_password(const char *conninfo, struct etl_err *err);

/* "database 'd' on server 'h' port p as user 'u'" for log lines. */
void pgload_describe(PGconn *conn, char *buf, size_t n);

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
 * Take the whole-run lock for the session (pg_try_advisory_lock(
 * PGLOAD_RUN_LOCK_KEY)), released when the connection closes.  Returns 1
 * taken, 0 held by another session, -1 error.
 */
int pgload_try_run_lock(PGconn *conn, struct etl_err *err);

/*
 * The file in the schema folder that is no migration: the schema after
 * all of them, for reading (made by etl/sh/schema-dump.sh).
 */
#define PGLOAD_SCHEMA_DUMP "current.sql"

/*
 * Apply the migrations: those of the folder dir when dir is not NULL
 * (every *.sql file but PGLOAD_SCHEMA_DUMP), else those built into the
 * binary (pgload_builtin_schema(): schemas/NNN_*.sql when it was built).
 * In byte order of the names, each file whose version (the number the name
 * starts with: 001_core.sql is 1) is not yet in doisoat.schema_migrations
 * is applied and recorded there.  Files are not checksummed: a file
 * applied before is not read again, so editing its comments is safe.
 * Creates the schema doisoat and that table first if needed.  The files
 * are plain SQL (no psql meta-commands).  Call inside a transaction that
 * holds the run lock, so a failure leaves nothing behind. Refuses (-1,
 * nothing applied) a database whose schema is newer than the files (a
 * version recorded above the last file: the database was migrated by a
 * newer doisoat) and files that end below PGLOAD_SCHEMA_VERSION (an old
 * folder).  Sets *applied (may be NULL) to the number of files applied and
 * *version (may be NULL) to the schema version after them.  Returns 0, or
 * -1 (no such folder, no *.sql in it, a name without a version, two files
 * with one version, a newer database, a failing file).
 */
int pgload_migrate(PGconn *conn, const char *dir, int *applied, int *version,
		   struct etl_err *err);

/* The number of schema migrations built into the binary. */
size_t pgload_builtin_schemas(void);
/*
 * The i-th built-in migration, in name order: returns its file name
 * ("001_core.sql") and sets *text (may be NULL) to its SQL, *len (may be
 * NULL) to its length; NULL when i is not below pgload_builtin_schemas().
 */
const char *pgload_builtin_schema(size_t i, const char **text, size_t *len);

/*
 * How pgload_copy() reshapes the rows on their way to the server.  All
 * fields may be zero: the file then goes through byte for byte.
 */
struct pgload_copy_opts {
	/*
	 * Columns of the file that are not sent (NULL-terminated, may be
	 * NULL): the rejects' raw line, personal data the table must not hold
	 * (review.csv's full_name and dob).  A column named here need not be
	 * in the file, nor in the table.
	 */
	const char *const *drop;
	/*
	 * With hmac set: the column (e.g. person_id) whose value is
	 * pseudonymised into an extra column pseudo_col (e.g. pseudonym);
	 * an empty value gives NULL.
	 */
	const char *pseudo_of;
	const char *pseudo_col;
	const struct pgload_hmac *hmac;
	/*
	 * With keys set (a struct hashtab of hashtab.h, ht_init()ed by the
	 * caller): each row's key, the value of key_col, else of alt_col
	 * (tagged apart), goes into keys as its XXH3 hash; rows whose
	 * skip_col is skip_val and rows with neither value are left out.
	 * *key_dups counts rows whose key hash was there already: a possible
	 * repeat, to be confirmed by comparing the keys (hashes can collide).
	 * One key set may span several files.  It takes 12 bytes or so per
	 * key: the only memory of a load that grows with the input.
	 *
	 * same_vals (NULL-terminated, may be NULL): values of skip_col whose
	 * rows are one outcome per key and value, however many there are (a
	 * person's cards, each decreased by rule 1: DEATH, MISSING).  Such a
	 * row whose key hash is there only with the same value is no repeat;
	 * with another value, or after a row without one, it is.  The value
	 * is remembered as its index, so give same_vals for one file of a
	 * key set only.
	 */
	struct hashtab *keys;
	const char *key_col, *alt_col, *skip_col, *skip_val;
	const char *const *same_vals;
	unsigned long *key_dups;
	/* called after every chunk read, with the bytes read so far */
	void (*progress)(void *arg, unsigned long long bytes);
	void *progress_arg;
};

/*
 * COPY a CSV file (RFC 4180, header line first) into table ("name" or
 * "schema.name", plain lower-case identifiers), through
 * COPY table (header columns) FROM STDIN (FORMAT csv, HEADER true).
 * The header names the columns: each must match [a-z_][a-z0-9_]*, appear
 * once, and be a column of table; columns not in the header get their
 * defaults.  Empty fields are NULL.  The file is read from fp (from its
 * current position, which must be the header line) and streamed in
 * PGLOAD_CHUNK pieces, header included, so the line numbers in errors are
 * the file's; memory use does not grow with the file.  opts (may be NULL)
 * drops columns or adds a pseudonym column on the way (see above).  name
 * is used in messages.  fp stays open.  Returns the number of data rows
 * copied, or -1.  The caller owns the transaction: a failed COPY aborts
 * it.
 */
long long pgload_copy(PGconn *conn, const char *table, FILE *fp,
		      const char *name, const struct pgload_copy_opts *opts,
		      struct etl_err *err);

/* Is s a plain SQL identifier, [a-z_][a-z0-9_]*, at most 63 bytes? */
int pgload_is_ident(const char *s);

#endif
