/*
 * outdir.h: an output folder that is whole or untouched (issue 9).  At any
 * moment the folder holds the complete outputs of one run: the last one
 * that got to its commit, or the one before it, never a mix; a run that
 * dies (SIGKILL, a full disk, a power cut) before its commit leaves the
 * old outputs as they were, and one that dies during its commit is
 * finished by whoever opens the folder next.
 *
 * A run writes every output (lists, workbooks, summary.json last) into a
 * private staging folder DIR/.doisoat-staging.<pid>/ (mode 0700), then
 * commits:
 *
 *   a. seal: summary.json's "files" must name exactly the files staged,
 *      with their sizes; each file and the staging folder are fsynced;
 *   b. rename the staging folder to DIR/.doisoat-commit and fsync DIR.
 *      This is the commit point: .doisoat-commit holds the whole new set;
 *   c. remove the old DIR/summary.json;
 *   d. remove the old outputs the new set does not have (only doisoat's
 *      own file names: the lists, summary.json, the workbooks
 *      lists/<name>.xlsx, and the d02lt.xlsx and lists-*.xlsx of older
 *      versions; never another file) and DIR/lists when the new set has
 *      no workbook and it is left empty; move each new file into DIR
 *      (the workbooks into DIR/lists, created 0700 when missing), fsync;
 *   e. move summary.json into DIR, last;
 *   f. remove the empty .doisoat-commit and fsync DIR.
 *
 * Names are plain (no '/', not hidden) but for the one subfolder the
 * workbooks live in: "lists/<plain name>" (lists.h LISTS_DIR), nothing
 * deeper.  DIR/lists is never followed as a link: a DIR/lists that is a
 * symbolic link or not a folder is refused (outdir_begin, the commit,
 * outdir_verify), never written or read through.
 *
 * So a reader tells the two states apart: DIR/summary.json present and no
 * DIR/.doisoat-commit means DIR holds exactly the files summary.json lists
 * (outdir_verify checks them).  Without summary.json, or with
 * .doisoat-commit, the folder is in between: outdir_recover() first.
 *
 * outdir_recover() rolls a leftover .doisoat-commit forward (steps c-f,
 * again from wherever they stopped: each step may be repeated) and removes
 * what earlier runs of this naming left behind when their process is gone:
 * staging folders .doisoat-staging.<pid>, and temporary files
 * .<output>.<pid>.tmp where <output> is one of doisoat's file names (in
 * DIR, or a workbook's in DIR/lists).  Nothing else in DIR is ever
 * removed or renamed.
 *
 * One process writes a folder at a time: outdir_begin() holds an
 * exclusive flock(2) on DIR until the commit (or abort); outdir_recover()
 * takes it for its own work.  While it is held, SIGINT, SIGTERM and SIGHUP
 * remove the staging folder (its lists/ too) before the process dies of
 * them (during the commit they wait for its end), and so does exit()
 * (die()) without a commit.  A SIGKILL leaves the staging folder to the next
 * run's recover.
 */
#ifndef DOISOAT_OUTDIR_H
#define DOISOAT_OUTDIR_H

#include "util.h"

#include <limits.h>

#define OUTDIR_STAGING ".doisoat-staging."
#define OUTDIR_COMMIT  ".doisoat-commit"
/*
 * The out-of-core run's partition folders inside the staging folder
 * (.spill-<k>, spill.h): never part of the outputs, removed before the
 * commit; a signal removes them with the staging folder.
 */
#define OUTDIR_SPILL ".spill-"
/*
 * Bytes of PATH_MAX kept for the names built inside the output folder
 * (the staging folder, its lists/, a workbook's temporary file: 28 + 6 +
 * 86): the folder's own path may be at most OUTDIR_PATH_MAX bytes.
 */
#define OUTDIR_ROOM	128
#define OUTDIR_PATH_MAX (PATH_MAX - 1 - OUTDIR_ROOM)
/* Returned when another process holds the folder's lock. */
#define OUTDIR_BUSY (-2)

/* One output file as summary.json's "files" lists it. */
struct outdir_file {
	char *name;
	unsigned long long bytes;
	uint64_t xxh3; /* XXH3-64, as the inputs' checksums */
};

struct outdir {
	char *dir; /* the output folder */
	char *stage; /* DIR/.doisoat-staging.<pid>: write every output here */
	char *lists; /* its lists/ once outdir_lists() made it, else NULL */
	int fd; /* DIR, locked; -1 when none is open */
	struct outdir_file *files; /* the staged files (outdir_manifest) */
	size_t nfiles;
};

/*
 * Finish or clean what an interrupted run left in dir (see above); a
 * folder that does not exist has nothing to recover.  Returns 0, -1 with
 * err, or OUTDIR_BUSY with err when another process is writing dir.
 */
int outdir_recover(const char *dir, struct etl_err *err);

/*
 * How long outdir_recover() waits for another process's lock before it
 * gives OUTDIR_BUSY: two loads of one folder each recover it first, and
 * must not refuse each other for holding the lock a moment.
 */
#define OUTDIR_RECOVER_WAIT_MS 2000

/*
 * Create dir (mode 0700) if needed, lock it, recover it, and create od's
 * staging folder.  A dir path longer than OUTDIR_PATH_MAX is refused with
 * a clear message before anything is created.  Returns 0, -1 with err, or
 * OUTDIR_BUSY with err.
 */
int outdir_begin(const char *dir, struct outdir *od, struct etl_err *err);

/*
 * The staging folder's lists/ (lists.h LISTS_DIR), where the workbooks
 * are written: created mode 0700 when missing, checked to be a real
 * folder (no link).  Its path (od's own), or NULL with err.
 */
const char *outdir_lists(struct outdir *od, struct etl_err *err);

/*
 * Name, size and XXH3 of every file staged so far (summary.json and
 * dot files aside; a workbook as "lists/<name>"), sorted by name, into
 * od->files.  summary.c calls it
 * to write summary.json's "files".  Returns 0 or -1 with err.
 */
int outdir_manifest(struct outdir *od, struct etl_err *err);

/*
 * Move the staged outputs into place (steps a-f) and release od.  The
 * staging folder must hold summary.json, whose "files" name every other
 * staged file.  Returns 0, or -1 with err: before the commit point the
 * staging folder is removed and dir is untouched; after it, the new
 * outputs stand and the next outdir_recover() finishes moving them.
 */
int outdir_commit(struct outdir *od, struct etl_err *err);

/* Remove the staging folder and release od (dir untouched).  Idempotent. */
void outdir_abort(struct outdir *od);

/*
 * Check dir against its summary.json: every file "files" lists is there,
 * a regular file of that size and XXH3.  Returns 0, 1 when summary.json
 * has no "files" (made by an older doisoat: nothing to check), or -1 with
 * err (a file missing or different, summary.json unreadable or bad).
 */
int outdir_verify(const char *dir, struct etl_err *err);

/*
 * Read the "files" list of a summary.json text into *files (each name
 * xstrdup'ed; free with outdir_files_free).  Returns 0, 1 when there is
 * no "files" key, or -1 with err when the text is not such JSON.
 */
int outdir_parse_files(const char *json, size_t len, struct outdir_file **files,
		       size_t *n, struct etl_err *err);
void outdir_files_free(struct outdir_file *files, size_t n);

/*
 * Is a signal removing the staging folder (the process is about to die
 * of it)?  Threads writing outputs start no new file then.
 */
int outdir_dying(void);

/*
 * Tests only: the process SIGKILLs itself instead of making the
 * (ops+1)-th change (mkdir, rename, unlink, rmdir) to a folder that
 * outdir makes from now on; -1 turns it off.
 */
void outdir_test_kill_after(long ops);

#endif
