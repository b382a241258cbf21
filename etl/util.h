/*
 * util.h: the small toolbox every doisoat module stands on: exit codes,
 * error reporting (struct etl_err for library code, die()/warn() for
 * commands), checked allocation, an arena for data that lives as long as a
 * run, and a growable byte buffer with a hard cap.
 *
 * Ownership: library modules never exit and never print; they return -1 and
 * leave one reason in a caller's struct etl_err, and leave warnings and log
 * lines in a struct msgs for their command to print.  Only commands
 * (etl/cmd/) call die(), warn(), logmsg() and msgs_print().  Messages never
 * carry an ID number or a birth date: name the file and line instead.
 */
#ifndef DOISOAT_UTIL_H
#define DOISOAT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>

/* Exit codes of every command (documented in --help and README.md). */
enum {
	EXIT_OK = 0, /* done */
	EXIT_FAIL = 1, /* could not finish: I/O, database, bad input file */
	EXIT_USAGE = 2, /* bad command line */
	EXIT_REJECTS = 3, /* finished, but rejected rows exceed --max-rejects */
	EXIT_BUSY = 4, /* another run holds the database lock */
};

/* Where a callee leaves one reason for failing. */
struct etl_err {
	char msg[1024]; /* room for a path and the longest message */
};

/* Format a reason into err (may be NULL) and return -1. */
int etl_errf(struct etl_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The name messages start with: "doisoat" or "doisoat <stage>". */
void set_progname(const char *name);
const char *progname(void);

/* Print "<progname>: <msg>" on stderr and exit with EXIT_FAIL. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* The same, exiting with the given code. */
void die_code(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* Print "<progname>: warning: <msg>" on stderr and go on. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Log line on stderr: "<UTC time> <progname>: <msg>"; silent under quiet. */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_quiet(int quiet);
/*
 * Where a long command is, for a person watching: "<progname>: <msg>" on
 * one line of stderr, rewritten in place by the next call, cleared by
 * progress_done() or by any message printed after it.  Only when stderr
 * is a terminal and not under quiet: a cron log gets the log lines only.
 */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_done(void);

/*
 * msgs: the warnings and log lines of library code, kept for the command
 * to print (library code never prints).  Append-only: messages stay in the
 * order they were added.  Code that works in threads gives each thread a
 * list of its own and joins them in input order (msgs_absorb), so what is
 * printed never interleaves and never depends on the threads.  A zeroed
 * struct msgs is an empty list.
 */
enum msg_level {
	MSG_WARN, /* printed as warn() prints */
	MSG_LOG, /* printed as logmsg() prints; dropped under quiet */
};
struct msg {
	enum msg_level level;
	char *text; /* owned by the list */
};
struct msgs {
	struct msg *v;
	size_t n, cap;
};
/* Append a message (formatted now). */
void msgs_add(struct msgs *m, enum msg_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append every message of src to dst, in order; src is left empty. */
void msgs_absorb(struct msgs *dst, struct msgs *src);
/*
 * Commands only: print every message on f, in order, each line in one
 * write, as warn() and logmsg() would (a log line is stamped with the time
 * of printing); the list is left empty.
 */
void msgs_print(struct msgs *m, FILE *f);
void msgs_release(struct msgs *m);
/*
 * Threads a stage may use: DOISOAT_THREADS when set (1 = everything in
 * the calling thread), else one per core; at most ETL_THREADS_MAX.  The
 * results never depend on it.
 */
#define ETL_THREADS_MAX 4

/*
 * Parts of one job on threads of their own, joined in order, so what the
 * caller makes of them never depends on the threads: part 0 is the
 * caller's to run (at once, after workers_start), parts 1..n-1 run on
 * threads; workers_wait(w, k) returns once part k is done (joined, or run
 * right there when no thread could be had).  parts: n items of size bytes,
 * fn's argument a pointer to one; n at most ETL_THREADS_MAX.
 */
struct workers {
	void *(*fn)(void *);
	char *parts;
	size_t size;
	int n;
	pthread_t tid[ETL_THREADS_MAX];
	int started[ETL_THREADS_MAX];
};

void workers_start(struct workers *w, void *(*fn)(void *), void *parts,
		   size_t size, int n);
void workers_wait(struct workers *w, int k);
unsigned etl_threads(void);
/* Seconds since an arbitrary fixed point (monotonic clock). */
double now_seconds(void);

/* Allocation that dies on failure, so callers never check for NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grow *arr (of *cap elements of size elem) to hold at least need. */
void grow_array(void **arr, size_t *cap, size_t need, size_t elem);
#define GROW(arr, cap, need)                                                   \
	grow_array((void **)&(arr), &(cap), (need), sizeof(*(arr)))
/* The same, to exactly need (no spare room: arrays whose size is known). */
void grow_exact(void **arr, size_t *cap, size_t need, size_t elem);
#define RESERVE(arr, cap, need)                                                \
	grow_exact((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/*
 * Arena: many small allocations, one release.  Everything arena_* returns
 * lives until arena_release(); never free() it.
 */
struct arena {
	struct arena_block *head; /* newest block */
	size_t used; /* bytes used in head */
	size_t total; /* bytes reserved in all blocks */
};
void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
/* n bytes of text (no alignment: where the last text ended). */
char *arena_text(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);
/*
 * A place in an arena, and the way back to it: arena_rewind() frees what
 * was handed out since arena_mark() (nothing of it may be used again).
 */
struct arena_mark {
	struct arena_block *head;
	size_t used;
};
struct arena_mark arena_mark(const struct arena *a);
void arena_rewind(struct arena *a, struct arena_mark m);
/* Move every block of src into dst (what src handed out stays valid). */
void arena_absorb(struct arena *dst, struct arena *src);

/*
 * strbuf: growable bytes, always NUL-terminated, with a hard cap so one
 * runaway field cannot eat the machine.  sb.buf is owned by the strbuf.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap; /* sb_add* beyond this fails (returns -1) */
};
void sb_init(struct strbuf *sb, size_t cap);
int sb_add(struct strbuf *sb, const void *data, size_t n);
int sb_addc(struct strbuf *sb, int c);
int sb_adds(struct strbuf *sb, const char *s);
int sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_reset(struct strbuf *sb);
void sb_release(struct strbuf *sb);

/* Does s start with prefix? */
int starts_with(const char *s, const char *prefix);

/*
 * Sort n (key, value) pairs by key, stably (equal keys keep their order),
 * with an LSD radix sort (11-bit digits): linear time, one scratch copy
 * of the array.  Digits where every key agrees are skipped, so small keys
 * cost few passes.  Used wherever millions of rows are ordered.
 */
struct kv {
	uint64_t key;
	uint32_t val;
};
void sort_kv(struct kv *a, size_t n);
/*
 * Put element kv[i].val of base[n] (each size bytes, at most
 * PERMUTE_MAX) at i for every i, in place: a sorted copy of millions of
 * rows would hold them twice.  Each cycle of the permutation is followed
 * once; kv[i].val is i after.
 */
#define PERMUTE_MAX 64
void permute_kv(void *base, size_t size, struct kv *kv, size_t n);

#endif
