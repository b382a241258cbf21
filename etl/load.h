/*
 * load.h: loading a run's output folder (summary.json and the CSV lists)
 * into PostgreSQL, in one transaction under the load lock: schema
 * migrations, the ledger row, COPY of every list into staging tables, the
 * accounting checks of rules.md R9, then the swap of the results of the
 * run's period and scope, the communes it covers (schemas/006_load.sql,
 * 009_scopes.sql): other scopes of the period stay as they are, a scope
 * overlapping one of them is refused (rules.md R10.1).  `doisoat load` and the
 * last step of `doisoat run` both call load_run().
 *
 * Like every library module it never exits and never prints: its log
 * lines, its warnings and the server's go to the caller's log callback,
 * the bytes COPYed so far to its progress callback (both may be NULL).
 */
#ifndef DOISOAT_LOAD_H
#define DOISOAT_LOAD_H

#include "util.h"

struct load_opts {
	const char *out; /* the run's output folder */
	const char *conninfo; /* libpq conninfo or URI; "": PG* environment */
	const char *schemas; /* folder of the schema files (NNN_name.sql) */
	const char *key_file; /* pseudonym key (HMAC-SHA256), or NULL: none */
	int keep_raw; /* keep the raw input line of rejected rows */
	/*
	 * The unit naming the run's scope, "CODE" or "CODE=NAME" (--unit),
	 * or NULL: the scope keeps the name it has (rules.md R10.1).
	 */
	const char *unit;
	/*
	 * Drop the scopes of the period that overlap the run's (--replace),
	 * instead of refusing the load.
	 */
	int replace;
	/*
	 * Every message of the load, one line of text without its newline:
	 * its steps (MSG_LOG: what a command prints with logmsg()), its
	 * warnings and the server's (MSG_WARN: warn()).  NULL: none.  The
	 * server's warnings (its notices are not asked for) are cut before
	 * any quoted value, like its errors (pgload.h).
	 */
	void (*log)(void *ctx, enum msg_level level, const char *text);
	/*
	 * While a list file is COPYed: its name, the bytes read so far and
	 * its size (0: unknown, not a regular file), after every chunk of
	 * PGLOAD_CHUNK bytes; then once with file NULL when that COPY has
	 * ended, whether it succeeded or not (clear the line).  NULL: none.
	 */
	void (*progress)(void *ctx, const char *file, unsigned long long bytes,
			 unsigned long long size);
	void *ctx; /* handed to log and progress */
};

/*
 * Load the run in o->out.  Returns:
 *   EXIT_OK    loaded and committed;
 *   EXIT_BUSY  another doisoat run holds the lock: nothing was done, err
 *              says so (the caller prints it);
 *   -1         failed, err says why (a file, a list, a count: never a
 *              value from a row).  Nothing was committed; a failure after
 *              the schema migrations is recorded in doisoat.runs with
 *              status 'failed' (best effort: not when the server is gone
 *              or summary.json is not JSON).
 * The caller has checked conninfo for a password
 * (pgload_conninfo_has_password()).
 */
int load_run(const struct load_opts *o, struct etl_err *err);

#endif
