/*
 * test_outdir.c: the output folder is whole or untouched (outdir.h, issue
 * 9): a run killed before every single change its commit (or a recovery)
 * makes leaves, once recovered, exactly the old or exactly the new set;
 * what dead runs left is removed and nothing else; outputs end 0600 past a
 * planted file or symlink; an over-long path fails instead of cutting
 * names; summary.json's "files" and outdir_verify; the workbooks' lists/
 * (stale ones removed, the folder's mode, a link or file in its place
 * refused, never written through).
 *
 * The binary is also the fault test's helper (tests/e2e/faults.sh):
 *   test_outdir recover DIR    outdir_recover, then outdir_verify
 *   test_outdir verify DIR     outdir_verify
 * exit 0 when the folder is whole, 1 (message on stderr) when not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lists.h"
#include "outdir.h"
#include "output.h"
#include "summary.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

/* ---- helpers ------------------------------------------------------------ */

static char *path_of(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void put(const char *dir, const char *name, const char *text,
		mode_t mode)
{
	char *p = path_of(dir, name);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static int exists(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	struct stat st;
	int rc = lstat(p, &st) == 0;

	free(p);
	return rc;
}

static void rm_rf(const char *path)
{
	struct strbuf cmd;

	sb_init(&cmd, 0);
	sb_addf(&cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd.buf), 0);
	sb_release(&cmd);
}

static char *temp_dir(void)
{
	char *d = xstrdup("/tmp/test_outdir_XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

/* A PID no process has: a child's, once it is reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = (fflush(NULL), fork());

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Everything in dir as text: "name\n<bytes>\n" per file, "name/\n" per
 * folder or link, sorted by name, the files of a real folder lists/ as
 * "lists/<name>" (its dot files too with with_hidden); with_hidden 0
 * leaves out dot entries.
 */
static void snapshot_in(const char *dir, const char *prefix, int with_hidden,
			struct strbuf *sb)
{
	char **names = NULL, buf[4096];
	size_t n = 0, cap = 0, i, got;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (e->d_name[0] == '.' && !with_hidden))
			continue;
		GROW(names, cap, n + 1);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		char *p = path_of(dir, names[i]);
		FILE *f;

		assert_int_equal(lstat(p, &st), 0);
		if (S_ISDIR(st.st_mode) && !prefix[0] &&
		    !strcmp(names[i], LISTS_DIR)) {
			sb_addf(sb, "%s/ %o\n", names[i], st.st_mode & 0777);
			snapshot_in(p, LISTS_DIR "/", with_hidden, sb);
		} else if (!S_ISREG(st.st_mode)) {
			sb_addf(sb, "%s%s/\n", prefix, names[i]);
		} else {
			sb_addf(sb, "%s%s\n", prefix, names[i]);
			f = fopen(p, "r");
			assert_non_null(f);
			while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
				sb_add(sb, buf, got);
			fclose(f);
			sb_addc(sb, '\n');
		}
		free(p);
		free(names[i]);
	}
	free(names);
}

static void snapshot(const char *dir, int with_hidden, struct strbuf *sb)
{
	sb_reset(sb);
	sb_add(sb, "", 0);
	snapshot_in(dir, "", with_hidden, sb);
}

/*
 * Stage the files (name, text, ...; NULL ends) of one run in od: a name
 * "lists/<name>" into the staging folder's lists/.
 */
static int stage_files(struct outdir *od, const char *const *files,
		       struct etl_err *err)
{
	const char *lists;
	int i;

	for (i = 0; files[i]; i += 2) {
		const char *dir = od->stage, *name = files[i];

		if (starts_with(name, LISTS_DIR "/")) {
			if (!(lists = outdir_lists(od, err)))
				return -1;
			dir = lists;
			name += strlen(LISTS_DIR "/");
		}
		if (write_file_atomic(dir, name, files[i + 1],
				      strlen(files[i + 1]), err) < 0)
			return -1;
	}
	return 0;
}

/* One committed run in dir: the files (name, text, ...; NULL ends). */
static int write_set(const char *dir, const char *const *files,
		     struct etl_err *err)
{
	struct outdir od;
	struct outputs o;
	int rc;

	rc = outdir_begin(dir, &od, err);
	if (rc < 0)
		return rc;
	if (stage_files(&od, files, err) < 0) {
		outdir_abort(&od);
		return -1;
	}
	outputs_init(&o);
	rc = summary_write_files(&o, &od, err);
	outputs_release(&o);
	if (rc < 0) {
		outdir_abort(&od);
		return -1;
	}
	return outdir_commit(&od, err);
}

/*
 * The old set has a workbook of an earlier version at the top
 * (lists-9.xlsx) and one in lists/ the new set does not have; the new
 * set replaces lists/29266.xlsx and adds the summary.
 */
static const char *const old_set[] = { "increase.csv",
				       "id\nold 1\n",
				       "d02lt.xlsx",
				       "old workbook",
				       "renew.csv",
				       "id\nold 2\n",
				       "lists-9.xlsx",
				       "older workbook",
				       "lists/29266.xlsx",
				       "old 29266",
				       "lists/29269.xlsx",
				       "old 29269",
				       NULL };
static const char *const new_set[] = { "increase.csv",
				       "id\nnew 1\nnew 2\n",
				       "renew.csv",
				       "id\nnew 3\n",
				       "review.csv",
				       "source\nnew 4\n",
				       "lists/29266.xlsx",
				       "new 29266",
				       "lists/tong-hop.xlsx",
				       "new summary",
				       NULL };

/* dir holding the old set and a file of the user's */
static void make_old(const char *dir)
{
	struct etl_err err = { "" };

	rm_rf(dir);
	assert_int_equal(write_set(dir, old_set, &err), 0);
	put(dir, "notes.txt", "the user's own file", 0644);
	put(dir, "lists/notes.txt", "the user's own file", 0644);
}

static int same(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && !memcmp(a->buf, b->buf, a->len);
}

/* ---- whole or untouched ------------------------------------------------- */

/*
 * Run the new set in a child that kills itself before its k-th change to
 * the folder (kill_after k), or lets it finish (k < 0).  1 when the
 * child was killed, 0 when it finished.
 */
static int child_run(const char *dir, long k)
{
	struct etl_err err = { "" };
	int status;
	pid_t pid = (fflush(NULL), fork());

	assert_true(pid >= 0);
	if (pid == 0) {
		outdir_test_kill_after(k);
		_exit(write_set(dir, new_set, &err) == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return 1;
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return 0;
}

/* A recovery in a child that dies before its j-th change. */
static void child_recover(const char *dir, long j)
{
	struct etl_err err = { "" };
	int status;
	pid_t pid = (fflush(NULL), fork());

	assert_true(pid >= 0);
	if (pid == 0) {
		outdir_test_kill_after(j);
		_exit(outdir_recover(dir, &err) == 0 ? 0 : 3);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/*
 * The state a reader sees without recovering: summary.json there and no
 * .doisoat-commit means exactly the old or the new set.
 */
static void check_readable(const char *dir, const struct strbuf *old_v,
			   const struct strbuf *new_v, struct strbuf *sb)
{
	if (!exists(dir, "summary.json") || exists(dir, OUTDIR_COMMIT))
		return;
	snapshot(dir, 0, sb);
	assert_true(same(sb, old_v) || same(sb, new_v));
}

static void killed_at_every_step(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct strbuf old_all, new_all, old_v, new_v, got;
	struct etl_err err = { "" };
	long k, j, nold = 0, nnew = 0;
	int killed = 1, seen_new = 0;

	(void)state;
	sb_init(&old_all, 0);
	sb_init(&new_all, 0);
	sb_init(&old_v, 0);
	sb_init(&new_v, 0);
	sb_init(&got, 0);
	make_old(dir);
	snapshot(dir, 1, &old_all);
	snapshot(dir, 0, &old_v);
	assert_int_equal(child_run(dir, -1), 0);
	snapshot(dir, 1, &new_all);
	snapshot(dir, 0, &new_v);
	assert_false(same(&old_all, &new_all));
	assert_false(exists(dir, "d02lt.xlsx")); /* not in the new set */
	assert_false(exists(dir, "lists-9.xlsx"));
	assert_false(exists(dir, "lists/29269.xlsx"));
	assert_true(exists(dir, "lists/tong-hop.xlsx"));
	assert_true(exists(dir, "lists/notes.txt"));
	assert_true(exists(dir, "notes.txt"));

	for (k = 0; killed; k++) {
		int res = -1, is_new;

		for (j = 0; j < 8; j++) {
			make_old(dir);
			killed = child_run(dir, k);
			check_readable(dir, &old_v, &new_v, &got);
			if (killed)
				child_recover(dir, j);
			check_readable(dir, &old_v, &new_v, &got);
			assert_int_equal(outdir_recover(dir, &err), 0);
			snapshot(dir, 1, &got);
			is_new = same(&got, &new_all);
			if (!is_new)
				assert_true(same(&got, &old_all));
			/* a recovery killed half-way changes nothing */
			if (res >= 0)
				assert_int_equal(is_new, res);
			res = is_new;
			if (!killed)
				break;
		}
		/* once a run got past its commit point, always the new set */
		if (seen_new)
			assert_int_equal(res, 1);
		seen_new |= res;
		if (res)
			nnew++;
		else
			nold++;
		assert_true(k < 100);
	}
	/* killed before its commit point: the old set; after: the new */
	assert_true(nold >= 2 && nnew >= 5);
	sb_release(&old_all);
	sb_release(&new_all);
	sb_release(&old_v);
	sb_release(&new_v);
	sb_release(&got);
	rm_rf(base);
	free(dir);
	free(base);
}

/* The commit refuses a staging folder summary.json does not describe. */
static void commit_checks_the_staging_folder(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct strbuf before, after;
	struct etl_err err = { "" };
	struct outputs o;
	struct outdir od;

	(void)state;
	sb_init(&before, 0);
	sb_init(&after, 0);
	make_old(dir);
	snapshot(dir, 1, &before);

	/* no summary.json */
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(
		write_file_atomic(od.stage, "renew.csv", "x\n", 2, &err), 0);
	assert_int_equal(outdir_commit(&od, &err), -1);
	assert_non_null(strstr(err.msg, "summary.json"));
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));

	/* a file written after summary.json */
	outputs_init(&o);
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(summary_write_files(&o, &od, &err), 0);
	assert_int_equal(
		write_file_atomic(od.stage, "renew.csv", "x\n", 2, &err), 0);
	assert_int_equal(outdir_commit(&od, &err), -1);
	assert_non_null(strstr(err.msg, "renew.csv"));
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));

	/* abort: the staging folder goes, the folder stays */
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(
		write_file_atomic(od.stage, "renew.csv", "x\n", 2, &err), 0);
	outdir_abort(&od);
	outdir_abort(&od);
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));
	outputs_release(&o);
	sb_release(&before);
	sb_release(&after);
	rm_rf(base);
	free(dir);
	free(base);
}

/*
 * A write error half-way (here the file size limit; a full disk is the
 * same error path) fails the run; exit() takes the staging folder with
 * it and the old outputs stay.
 */
static void write_error_leaves_the_old_set(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct strbuf before, after;
	int status;
	pid_t pid;

	(void)state;
	sb_init(&before, 0);
	sb_init(&after, 0);
	make_old(dir);
	snapshot(dir, 1, &before);
	pid = (fflush(NULL), fork());
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		const char *cells[6] = { "079190000001", "A", "1990", "M",
					 "29266",	 "" };
		struct etl_err err = { "" };
		struct outputs o;
		struct outdir od;
		int i;

		signal(SIGXFSZ, SIG_IGN);
		outputs_init(&o);
		for (i = 0; i < 1000; i++)
			out_add(&o, L_UNINSURED, "29266", (uint64_t)i, R_NONE,
				cells);
		if (outdir_begin(dir, &od, &err) < 0)
			_exit(4);
		setrlimit(RLIMIT_FSIZE, &rl);
		if (out_write_all(&o, od.stage, &err) == 0)
			_exit(5);
		if (!strstr(err.msg, "uninsured.csv': cannot write: File too "
				     "large"))
			_exit(6);
		exit(1); /* as die() does: no abort, no commit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));
	sb_release(&before);
	sb_release(&after);
	rm_rf(base);
	free(dir);
	free(base);
}

/*
 * SIGTERM while staging (a workbook in its lists/ too): the staging
 * folder goes, the folder stays.
 */
static void signal_removes_the_staging_folder(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct strbuf before, after;
	int status;
	pid_t pid;

	(void)state;
	sb_init(&before, 0);
	sb_init(&after, 0);
	make_old(dir);
	snapshot(dir, 1, &before);
	pid = (fflush(NULL), fork());
	assert_true(pid >= 0);
	if (pid == 0) {
		struct etl_err err = { "" };
		struct outputs o;
		struct outdir od;

		const char *lists;

		signal(SIGTERM, SIG_DFL);
		outputs_init(&o);
		if (outdir_begin(dir, &od, &err) < 0 ||
		    out_write_all(&o, od.stage, &err) < 0 ||
		    !(lists = outdir_lists(&od, &err)) ||
		    write_file_atomic(lists, "29266.xlsx", "x", 1, &err) < 0)
			_exit(4);
		raise(SIGTERM);
		_exit(5);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));
	sb_release(&before);
	sb_release(&after);
	rm_rf(base);
	free(dir);
	free(base);
}

/* One writer at a time. */
static void a_second_writer_is_busy(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct etl_err err = { "" };
	struct outdir od;

	(void)state;
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(outdir_recover(dir, &err), OUTDIR_BUSY);
	assert_non_null(strstr(err.msg, "another doisoat process"));
	outdir_abort(&od);
	assert_int_equal(outdir_recover(dir, &err), 0);
	assert_int_equal(outdir_recover("/nonexistent/doisoat", &err), 0);
	rm_rf(base);
	free(dir);
	free(base);
}

/*
 * A lock held a moment (another load recovering the same folder) is waited
 * for, not refused: two loads of one folder both get to the database.
 */
static void a_moment_s_lock_is_waited_for(void **state)
{
	char *base = temp_dir(), *dir = path_of(base, "out");
	struct etl_err err = { "" };
	int p[2], st;
	char c;
	pid_t pid;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		usleep(300 * 1000);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(outdir_recover(dir, &err), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
	rm_rf(base);
	free(dir);
	free(base);
}

/* ---- what dead runs left ------------------------------------------------ */

/* pattern with its '#' (if any) replaced by pid */
static void with_pid(char *out, size_t n, const char *pattern, long pid)
{
	const char *hash = strchr(pattern, '#');

	if (!hash)
		snprintf(out, n, "%s", pattern);
	else
		snprintf(out, n, "%.*s%ld%s", (int)(hash - pattern), pattern,
			 pid, hash + 1);
}

static void stale_leftovers_removed_and_nothing_else(void **state)
{
	char *dir = temp_dir(), name[128], *p;
	struct etl_err err = { "" };
	struct outdir od;
	long dead = (long)dead_pid(), live = (long)getppid();
	const char *keep[] = { ".notes.txt.#.tmp",
			       "renew.csv.#.tmp",
			       ".renew.csv.#.tmp.bak",
			       ".renew.csv.x#.tmp",
			       "user.csv",
			       ".29266.xlsx.#.tmp",
			       "lists/.renew.csv.#.tmp",
			       "lists/.29266.xlsx.#.tmp.bak",
			       "lists/user.csv" };
	const char *gone[] = {
		".renew.csv.#.tmp",	   ".d02lt.xlsx.#.tmp",
		".summary.json.#.tmp",	   ".lists-29266.xlsx.#.tmp",
		"lists/.29266.xlsx.#.tmp", "lists/.tong-hop.xlsx.#.tmp"
	};
	size_t i;

	(void)state;
	p = path_of(dir, LISTS_DIR);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	for (i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
		with_pid(name, sizeof(name), keep[i], dead);
		put(dir, name, "keep", 0600);
	}
	for (i = 0; i < sizeof(gone) / sizeof(*gone); i++) {
		with_pid(name, sizeof(name), gone[i], dead);
		put(dir, name, "personal data", 0666);
	}
	snprintf(name, sizeof(name), ".renew.csv.%ld.tmp", live);
	put(dir, name, "a live run's", 0600);
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld", dead);
	p = path_of(dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
	put(p, "renew.csv", "personal data", 0600);
	put(p, ".renew.csv.1.tmp", "personal data", 0600);
	free(p);
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld/" LISTS_DIR, dead);
	p = path_of(dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
	put(p, "29266.xlsx", "personal data", 0600);
	put(p, ".29266.xlsx.1.tmp", "personal data", 0600);
	free(p);
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld", live);
	p = path_of(dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = path_of(dir, OUTDIR_STAGING "abc");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);

	assert_int_equal(outdir_recover(dir, &err), 0);
	for (i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
		with_pid(name, sizeof(name), keep[i], dead);
		assert_true(exists(dir, name));
	}
	for (i = 0; i < sizeof(gone) / sizeof(*gone); i++) {
		with_pid(name, sizeof(name), gone[i], dead);
		assert_false(exists(dir, name));
	}
	snprintf(name, sizeof(name), ".renew.csv.%ld.tmp", live);
	assert_true(exists(dir, name));
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld", dead);
	assert_false(exists(dir, name));
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld", live);
	assert_true(exists(dir, name));
	assert_true(exists(dir, OUTDIR_STAGING "abc"));

	/* our own PID's staging folder is an earlier life's (a container) */
	snprintf(name, sizeof(name), OUTDIR_STAGING "%ld", (long)getpid());
	p = path_of(dir, name);
	assert_int_equal(mkdir(p, 0700), 0);
	put(p, "renew.csv", "personal data", 0600);
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_false(exists(p, "renew.csv"));
	outdir_abort(&od);
	assert_false(exists(dir, name));
	free(p);
	rm_rf(dir);
	free(dir);
}

/* ---- modes and paths ---------------------------------------------------- */

/* Plant a 0666 file and a symlink at two temporary names in dir. */
static void plant(const char *dir, const char *target)
{
	char name[64], *p;

	snprintf(name, sizeof(name), ".renew.csv.%ld.tmp", (long)getpid());
	put(dir, name, "stale", 0666);
	snprintf(name, sizeof(name), ".review.csv.%ld.tmp", (long)getpid());
	p = path_of(dir, name);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static void check_private(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	free(p);
}

static void outputs_0600_past_planted_files(void **state)
{
	char *dir = temp_dir(), *target, buf[16];
	struct etl_err err = { "" };
	struct outputs o;
	struct outdir od;
	struct stat st;
	mode_t old = umask(0);
	FILE *f;
	size_t n;

	(void)state;
	put(dir, "target", "x", 0666);
	target = path_of(dir, "target");
	outputs_init(&o);
	/* straight into a folder (the old entry points) */
	plant(dir, target);
	assert_int_equal(out_write_all(&o, dir, &err), 0);
	check_private(dir, "renew.csv");
	check_private(dir, "review.csv");
	/* into a staging folder */
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	plant(od.stage, target);
	assert_int_equal(out_write_all(&o, od.stage, &err), 0);
	assert_int_equal(summary_write_files(&o, &od, &err), 0);
	assert_int_equal(outdir_commit(&od, &err), 0);
	check_private(dir, "renew.csv");
	check_private(dir, "review.csv");
	check_private(dir, "summary.json");
	umask(old);
	/* the symlink's target is untouched */
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666);
	f = fopen(target, "r");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, 1);
	outputs_release(&o);
	rm_rf(dir);
	free(target);
	free(dir);
}

/* A folder whose path is len bytes long, made one level at a time. */
static char *deep_dir(const char *base, size_t len)
{
	struct strbuf sb;

	sb_init(&sb, 0);
	sb_adds(&sb, base);
	while (sb.len < len) {
		size_t part = len - sb.len - 1;

		if (part > 200)
			part = len - sb.len - 1 > 260 ? 200 : part / 2;
		sb_addc(&sb, '/');
		while (part--)
			sb_addc(&sb, 'a');
		assert_int_equal(mkdir(sb.buf, 0700), 0);
	}
	assert_int_equal(sb.len, len);
	return sb.buf;
}

static void long_paths_fail_never_cut(void **state)
{
	char *base = temp_dir(), *deep, *ok, *other;
	struct etl_err err = { "" };
	struct outputs o;
	struct outdir od;
	struct strbuf sb;

	(void)state;
	sb_init(&sb, 0);
	outputs_init(&o);
	deep = deep_dir(base, 4091);
	assert_int_equal(outdir_begin(deep, &od, &err), -1);
	assert_non_null(strstr(err.msg, "too long: 4091 bytes"));
	assert_int_equal(write_file_atomic(deep, "renew.csv", "x", 1, &err),
			 -1);
	assert_non_null(strstr(err.msg, "too long"));
	assert_int_equal(out_write_all(&o, deep, &err), -1);
	snapshot(deep, 1, &sb);
	assert_int_equal(sb.len, 0); /* no file under a cut name */

	/* the longest folder path outdir takes works end to end */
	other = path_of(base, "b");
	assert_int_equal(mkdir(other, 0700), 0);
	ok = deep_dir(other, OUTDIR_PATH_MAX);
	assert_int_equal(outdir_begin(ok, &od, &err), 0);
	assert_int_equal(out_write_all(&o, od.stage, &err), 0);
	assert_int_equal(summary_write_files(&o, &od, &err), 0);
	assert_int_equal(outdir_commit(&od, &err), 0);
	assert_true(exists(ok, "uninsured.csv"));
	assert_int_equal(outdir_verify(ok, &err), 0);
	outputs_release(&o);
	sb_release(&sb);
	rm_rf(base);
	free(deep);
	free(ok);
	free(other);
	free(base);
}

/* ---- the workbooks' lists/ --------------------------------------------- */

static mode_t mode_of(const char *dir, const char *name)
{
	char *p = path_of(dir, name);
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	free(p);
	return st.st_mode;
}

/* Is the text of the file there? */
static int has_text(const char *dir, const char *name, const char *text)
{
	struct strbuf sb;
	char *p = path_of(dir, name), buf[256];
	FILE *f = fopen(p, "r");
	size_t got;
	int rc;

	free(p);
	if (!f)
		return 0;
	sb_init(&sb, 0);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, got);
	fclose(f);
	rc = sb.len == strlen(text) && !memcmp(sb.buf, text, sb.len);
	sb_release(&sb);
	return rc;
}

/*
 * Workbooks go to DIR/lists (0700) as lists/<name>, 0600, named so in
 * "files"; a later run's fewer workbooks leave no stale one; a run with
 * none removes the empty lists/ (not one holding a user's file).
 */
static void workbooks_in_lists(void **state)
{
	static const char *const three[] = { "increase.csv",
					     "id\n",
					     "lists/29266.xlsx",
					     "a",
					     "lists/29269.xlsx",
					     "b",
					     "lists/tong-hop.xlsx",
					     "s",
					     NULL };
	static const char *const two[] = { "increase.csv",
					   "id\n",
					   "lists/29266.xlsx",
					   "a2",
					   "lists/tong-hop.xlsx",
					   "s2",
					   NULL };
	static const char *const none[] = { "increase.csv", "id\n", NULL };
	char *dir = temp_dir(), *p;
	struct etl_err err = { "" };
	struct strbuf sb;
	mode_t old = umask(0);

	(void)state;
	sb_init(&sb, 0);
	put(dir, "lists-29266.xlsx", "an earlier version's", 0600);
	assert_int_equal(write_set(dir, three, &err), 0);
	umask(old);
	assert_int_equal(mode_of(dir, LISTS_DIR) & 07777, 0700);
	assert_true(S_ISDIR(mode_of(dir, LISTS_DIR)));
	check_private(dir, "lists/29266.xlsx");
	check_private(dir, "lists/29269.xlsx");
	check_private(dir, "lists/tong-hop.xlsx");
	assert_false(exists(dir, "lists-29266.xlsx"));
	assert_int_equal(outdir_verify(dir, &err), 0);
	p = path_of(dir, "summary.json");
	{
		FILE *f = fopen(p, "r");
		char line[512];

		assert_non_null(f);
		while (fgets(line, sizeof(line), f))
			sb_adds(&sb, line);
		fclose(f);
	}
	assert_non_null(strstr(sb.buf, "{\"name\": \"lists/29266.xlsx\", "));
	assert_true(strstr(sb.buf, "\"lists/29269.xlsx\"") <
		    strstr(sb.buf, "\"lists/tong-hop.xlsx\""));
	assert_true(strstr(sb.buf, "\"increase.csv\"") <
		    strstr(sb.buf, "\"lists/29266.xlsx\""));

	/* fewer workbooks: the stale one goes */
	assert_int_equal(write_set(dir, two, &err), 0);
	assert_false(exists(dir, "lists/29269.xlsx"));
	assert_true(has_text(dir, "lists/29266.xlsx", "a2"));
	assert_int_equal(outdir_verify(dir, &err), 0);

	/* none: the empty lists/ goes too */
	assert_int_equal(write_set(dir, none, &err), 0);
	assert_false(exists(dir, LISTS_DIR));
	assert_int_equal(outdir_verify(dir, &err), 0);

	/* ... but not a user's file in it, nor lists/ with it */
	assert_int_equal(write_set(dir, two, &err), 0);
	put(dir, "lists/mine.xlsx.txt", "the user's", 0600);
	assert_int_equal(write_set(dir, none, &err), 0);
	assert_false(exists(dir, "lists/29266.xlsx"));
	assert_true(has_text(dir, "lists/mine.xlsx.txt", "the user's"));
	sb_release(&sb);
	free(p);
	rm_rf(dir);
	free(dir);
}

/*
 * DIR/lists as a symbolic link (or a file) is refused with a clear
 * message, before the run and again at the commit, and nothing is
 * written through it; outdir_verify does not read through it either.
 */
static void a_link_for_lists_is_refused(void **state)
{
	static const char *const set[] = { "increase.csv", "id\n",
					   "lists/29266.xlsx", "a", NULL };
	char *base = temp_dir(), *dir = path_of(base, "out"),
	     *target = path_of(base, "x"), *link = path_of(dir, LISTS_DIR);
	struct strbuf before, after, t;
	struct etl_err err = { "" };
	struct outputs o;
	struct outdir od;

	(void)state;
	sb_init(&before, 0);
	sb_init(&after, 0);
	sb_init(&t, 0);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(write_set(dir, set, &err), 0);
	rm_rf(link);
	assert_int_equal(symlink(target, link), 0);
	snapshot(dir, 1, &before);

	/* before the run */
	assert_int_equal(write_set(dir, set, &err), -1);
	assert_non_null(strstr(err.msg, "/lists' is not a folder"));
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));
	snapshot(target, 1, &t);
	assert_int_equal(t.len, 0);

	/* planted during the run: the commit refuses it, the old set stays */
	assert_int_equal(unlink(link), 0);
	snapshot(dir, 1, &before);
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(stage_files(&od, set, &err), 0);
	outputs_init(&o);
	assert_int_equal(summary_write_files(&o, &od, &err), 0);
	outputs_release(&o);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(outdir_commit(&od, &err), -1);
	assert_non_null(strstr(err.msg, "/lists' is not a folder"));
	assert_int_equal(unlink(link), 0);
	snapshot(dir, 1, &after);
	assert_true(same(&before, &after));
	snapshot(target, 1, &t);
	assert_int_equal(t.len, 0);

	/* a folder with lists/ as a link does not verify through it */
	assert_int_equal(write_set(dir, set, &err), 0);
	rm_rf(target);
	assert_int_equal(rename(link, target), 0); /* the same files there */
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(outdir_verify(dir, &err), -1);
	assert_non_null(strstr(err.msg, "/lists' is not a folder"));

	/* a file named lists */
	assert_int_equal(unlink(link), 0);
	put(dir, LISTS_DIR, "a file", 0600);
	assert_int_equal(write_set(dir, set, &err), -1);
	assert_non_null(strstr(err.msg, "/lists' is not a folder"));
	assert_true(has_text(dir, LISTS_DIR, "a file"));
	sb_release(&before);
	sb_release(&after);
	sb_release(&t);
	rm_rf(base);
	free(link);
	free(target);
	free(dir);
	free(base);
}

/* ---- summary.json's "files" and outdir_verify --------------------------- */

static void summary_lists_every_file(void **state)
{
	char *dir = temp_dir(), line[256], *p;
	const char *cells[6] = {
		"079190000001", "A", "1990", "M", "29266", ""
	};
	const char *text = "person_id,full_name,dob,sex,commune_code,"
			   "household_code\n"
			   "079190000001,A,1990,M,29266,\n"
			   "079190000001,A,1990,M,29266,\n";
	struct outdir_file *files;
	struct etl_err err = { "" };
	struct strbuf sb;
	struct outputs o;
	struct outdir od;
	size_t n, i;
	FILE *f;

	(void)state;
	outputs_init(&o);
	out_add(&o, L_UNINSURED, "29266", 1, R_NONE, cells);
	out_add(&o, L_UNINSURED, "29266", 2, R_NONE, cells);
	assert_int_equal(outdir_begin(dir, &od, &err), 0);
	assert_int_equal(out_write_all(&o, od.stage, &err), 0);
	assert_int_equal(summary_write_files(&o, &od, &err), 0);
	assert_int_equal(outdir_commit(&od, &err), 0);

	p = path_of(dir, "summary.json");
	f = fopen(p, "r");
	sb_init(&sb, 0);
	while (fgets(line, sizeof(line), f))
		sb_adds(&sb, line);
	fclose(f);
	snprintf(line, sizeof(line),
		 "{\"name\": \"uninsured.csv\", \"bytes\": %zu, \"rows\": 2, "
		 "\"xxh3\": \"%016llx\"}",
		 strlen(text),
		 (unsigned long long)XXH3_64bits(text, strlen(text)));
	assert_non_null(strstr(sb.buf, line));
	assert_int_equal(outdir_parse_files(sb.buf, sb.len, &files, &n, &err),
			 0);
	assert_int_equal(n, L_N); /* every list, no summary.json */
	for (i = 0; i < n; i++)
		assert_string_not_equal(files[i].name, "summary.json");
	outdir_files_free(files, n);
	assert_int_equal(outdir_verify(dir, &err), 0);

	/* one byte changed, same size */
	put(dir, "uninsured.csv", text, 0600);
	assert_int_equal(outdir_verify(dir, &err), 0);
	{
		char *u = path_of(dir, "uninsured.csv");

		f = fopen(u, "r+");
		fseek(f, -2, SEEK_END);
		fputc('X', f);
		fclose(f);
		assert_int_equal(outdir_verify(dir, &err), -1);
		assert_non_null(strstr(err.msg, "XXH3"));
		put(dir, "uninsured.csv", "short\n", 0600);
		assert_int_equal(outdir_verify(dir, &err), -1);
		assert_non_null(strstr(err.msg, "has 6 bytes but"));
		unlink(u);
		assert_int_equal(outdir_verify(dir, &err), -1);
		assert_non_null(strstr(err.msg, "is missing"));
		/* a FIFO is refused, never waited on */
		assert_int_equal(mkfifo(u, 0600), 0);
		assert_int_equal(outdir_verify(dir, &err), -1);
		assert_non_null(strstr(err.msg, "not a regular file"));
		free(u);
	}
	put(dir, "summary.json", "{\"period\": 2024, \"outputs\": {}}", 0600);
	assert_int_equal(outdir_verify(dir, &err), 1);
	put(dir, "summary.json", "{\"period\": 2024,", 0600);
	assert_int_equal(outdir_verify(dir, &err), -1);
	outputs_release(&o);
	sb_release(&sb);
	free(p);
	rm_rf(dir);
	free(dir);
}

static void parse_files_strictly(void **state)
{
	static const struct {
		const char *json;
		int rc;
		size_t n;
	} cases[] = {
		{ "{\"a\": [1, {\"b\": null}], \"files\": [{\"name\": "
		  "\"x.csv\", \"bytes\": 3, \"rows\": 1, \"xxh3\": "
		  "\"00000000000000ff\", \"z\": {\"y\": [true]}}], "
		  "\"t\": -1.5e3}",
		  0, 1 },
		{ "{\"files\": []}", 0, 0 },
		{ "{\"fil\\u0065s\": [{\"name\": \"a\\u00e9\", \"bytes\": 0, "
		  "\"xxh3\": \"1\"}]}",
		  0, 1 },
		{ "{\"outputs\": {\"files\": 1}}", 1, 0 },
		{ "{\"files\": [{\"name\": \"../x\", \"bytes\": 1, \"xxh3\": "
		  "\"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \".x\", \"bytes\": 1, \"xxh3\": "
		  "\"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"lists/x.xlsx\", \"bytes\": 1, "
		  "\"xxh3\": \"1\"}]}",
		  0, 1 },
		{ "{\"files\": [{\"name\": \"lists/a/x\", \"bytes\": 1, "
		  "\"xxh3\": \"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"lists/.x\", \"bytes\": 1, "
		  "\"xxh3\": \"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"lists/\", \"bytes\": 1, "
		  "\"xxh3\": \"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"other/x\", \"bytes\": 1, "
		  "\"xxh3\": \"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"x\", \"xxh3\": \"1\"}]}", -1, 0 },
		{ "{\"files\": [{\"name\": \"x\", \"bytes\": -1, \"xxh3\": "
		  "\"1\"}]}",
		  -1, 0 },
		{ "{\"files\": [{\"name\": \"x\", \"bytes\": 1, \"xxh3\": "
		  "\"1g\"}]}",
		  -1, 0 },
		{ "{\"files\": [], \"files\": []}", -1, 0 },
		{ "{\"files\": []} x", -1, 0 },
		{ "{\"files\": [}", -1, 0 },
		{ "[]", -1, 0 },
	};
	struct outdir_file *files;
	struct etl_err err = { "" };
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int rc = outdir_parse_files(
			cases[i].json, strlen(cases[i].json), &files, &n, &err);

		if (rc != cases[i].rc || n != cases[i].n)
			fail_msg("case %zu: rc %d n %zu", i, rc, n);
		if (i == 0) {
			assert_string_equal(files[0].name, "x.csv");
			assert_int_equal(files[0].bytes, 3);
			assert_int_equal(files[0].xxh3, 0xff);
		}
		if (i == 2)
			assert_string_equal(files[0].name, "a\xc3\xa9");
		outdir_files_free(files, n);
	}
}

/* The fault test's helper: recover or verify a folder. */
static int tool(const char *what, const char *dir)
{
	struct etl_err err = { "" };
	int rc = 0;

	if (!strcmp(what, "recover"))
		rc = outdir_recover(dir, &err);
	if (rc == 0)
		rc = outdir_verify(dir, &err);
	if (rc != 0)
		fprintf(stderr, "test_outdir %s: %s\n", what,
			rc == 1 ? "summary.json lists no files" : err.msg);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(killed_at_every_step),
		cmocka_unit_test(commit_checks_the_staging_folder),
		cmocka_unit_test(write_error_leaves_the_old_set),
		cmocka_unit_test(signal_removes_the_staging_folder),
		cmocka_unit_test(a_second_writer_is_busy),
		cmocka_unit_test(a_moment_s_lock_is_waited_for),
		cmocka_unit_test(stale_leftovers_removed_and_nothing_else),
		cmocka_unit_test(outputs_0600_past_planted_files),
		cmocka_unit_test(long_paths_fail_never_cut),
		cmocka_unit_test(workbooks_in_lists),
		cmocka_unit_test(a_link_for_lists_is_refused),
		cmocka_unit_test(summary_lists_every_file),
		cmocka_unit_test(parse_files_strictly),
	};

	if (argc == 3)
		return tool(argv[1], argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
