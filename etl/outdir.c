/*
 * outdir.c: the output folder written whole or not at all (outdir.h): the
 * staging folder and its lock, the commit, the recovery of an interrupted
 * run, and the check of a folder against summary.json's "files".
 */
#include "outdir.h"
#include "lists.h"
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define SUMMARY "summary.json"
/* The one workbook of earlier versions: removed when a run commits. */
#define OLD_WORKBOOK "d02lt.xlsx"
/* The workbooks of earlier versions sat in DIR as lists-<unit>.xlsx. */
#define OLD_LISTS	  "lists-"
#define MAX_SUMMARY_BYTES (64u << 20)

/* ---- doisoat's own file names ------------------------------------------ */

/*
 * The i-th output file name of a fixed name (lists, the old workbook,
 * summary.json), or NULL.
 */
static const char *output_name(int i)
{
	if (i < L_N)
		return list_file((enum list)i);
	if (i == L_N)
		return OLD_WORKBOOK;
	return i == L_N + 1 ? SUMMARY : NULL;
}

/*
 * One of doisoat's own names in DIR: a fixed one, or a workbook of an
 * earlier version (lists-<unit>.xlsx).
 */
static int is_output_name(const char *name)
{
	size_t n = strlen(name), p = strlen(OLD_LISTS), x = strlen(".xlsx");
	const char *s;
	int i;

	for (i = 0; (s = output_name(i)); i++)
		if (!strcmp(s, name))
			return 1;
	return n > p + x && starts_with(name, OLD_LISTS) &&
	       !strcmp(name + n - x, ".xlsx") && !strchr(name, '/');
}

/* A name that stays inside the folder and is not hidden. */
static int plain_name(const char *s)
{
	return s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) <= NAME_MAX;
}

/* A name of "files": plain, or "lists/<plain name>". */
static int file_name_ok(const char *s)
{
	return plain_name(s) || (starts_with(s, LISTS_DIR "/") &&
				 plain_name(s + strlen(LISTS_DIR "/")));
}

/* A workbook's name in DIR/lists, "lists/" before it: lists_is_name. */
static int is_lists_name(const char *name)
{
	char full[NAME_MAX + sizeof(LISTS_DIR "/")];

	if (strlen(name) > NAME_MAX)
		return 0;
	snprintf(full, sizeof(full), LISTS_DIR "/%s", name);
	return lists_is_name(full);
}

/* The PID that digits [s, end) spell (end NULL: to the NUL), or -1. */
static long parse_pid(const char *s, const char *end)
{
	long pid = 0;
	const char *p;

	if (!end)
		end = s + strlen(s);
	if (end == s || end - s > 9)
		return -1;
	for (p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		pid = pid * 10 + (*p - '0');
	}
	return pid > 0 ? pid : -1;
}

/*
 * The PID of a temporary file ".<output name>.<pid>.tmp", or -1: in DIR
 * (in_lists 0) or in DIR/lists (a workbook's name).
 */
static long tmp_pid(const char *name, int in_lists)
{
	size_t n = strlen(name);
	const char *end, *dot;
	char *base;
	int ours;

	if (n < 8 || name[0] != '.' || strcmp(name + n - 4, ".tmp"))
		return -1;
	end = name + n - 4;
	for (dot = end; dot > name + 1 && dot[-1] >= '0' && dot[-1] <= '9';)
		dot--;
	if (dot == end || dot[-1] != '.' || dot - 1 <= name + 1)
		return -1;
	base = xstrndup(name + 1, (size_t)(dot - 1 - (name + 1)));
	ours = in_lists ? is_lists_name(base) : is_output_name(base);
	free(base);
	return ours ? parse_pid(dot, end) : -1;
}

/* Is the process that named a file pid gone (or, own_stale, us)? */
static int pid_stale(long pid, int own_stale)
{
	if (pid == (long)getpid())
		return own_stale;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* ---- a simulated crash, for tests --------------------------------------- */

static long kill_budget = -1;

void outdir_test_kill_after(long ops)
{
	kill_budget = ops;
}

/* Before each change outdir makes to a folder. */
static void may(void)
{
	if (kill_budget < 0)
		return;
	if (kill_budget == 0)
		raise(SIGKILL);
	kill_budget--;
}

/* ---- files and folders -------------------------------------------------- */

struct names {
	char **v;
	size_t n, cap;
};

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void names_release(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

/* The entries of folder name (relative to dfd), sorted; -1 with errno. */
static int list_dir(int dfd, const char *name, struct names *ns)
{
	struct dirent *e;
	DIR *d;
	int fd, saved;

	memset(ns, 0, sizeof(*ns));
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		GROW(ns->v, ns->cap, ns->n + 1);
		ns->v[ns->n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (ns->n)
		qsort(ns->v, ns->n, sizeof(*ns->v), cmp_name);
	return 0;
}

/* Remove name (relative to dfd) and all it holds; never follows a link. */
static int remove_tree(int dfd, const char *name, int depth)
{
	struct names ns;
	struct stat st;
	size_t i;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode)) {
		may();
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	}
	if (depth > 4)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (list_dir(fd, ".", &ns) == 0) {
		for (i = 0; i < ns.n; i++)
			remove_tree(fd, ns.v[i], depth + 1);
		names_release(&ns);
	}
	close(fd);
	may();
	return unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1
									: 0;
}

/* fsync a folder; file systems that cannot (EINVAL) are let be. */
static int sync_dir(int fd)
{
	return fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
}

/* ---- the workbooks' subfolder, lists/ ------------------------------------ */

/*
 * DIR's LISTS_DIR (DIR: fd) opened: a real folder, never a link; created
 * (mode 0700, DIR fsynced) first when create and missing.  Its
 * descriptor, or -1 with errno (ENOENT: none; ELOOP or ENOTDIR: a link or
 * not a folder).
 */
static int open_lists(int fd, int create)
{
	struct stat st;

	if (create && fstatat(fd, LISTS_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT) {
		may();
		if ((mkdirat(fd, LISTS_DIR, 0700) < 0 && errno != EEXIST) ||
		    sync_dir(fd) < 0)
			return -1;
	}
	return openat(fd, LISTS_DIR,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The error of open_lists() (errno e) on shown's lists/ into err: -1. */
static int lists_err(struct etl_err *err, const char *shown, int e)
{
	if (e == ELOOP || e == ENOTDIR)
		return etl_errf(err,
				"'%s/" LISTS_DIR "' is not a folder (a "
				"symbolic link or a file): doisoat writes "
				"the workbooks there and follows no link; "
				"move it away",
				shown);
	return etl_errf(err, "'%s/" LISTS_DIR "': %s", shown, strerror(e));
}

/* DIR/lists (DIR: fd) is missing or a real folder: 0, else -1 with err. */
static int check_lists(int fd, const char *shown, struct etl_err *err)
{
	struct stat st;

	if (fstatat(fd, LISTS_DIR, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : lists_err(err, shown, errno);
	return S_ISDIR(st.st_mode) ? 0 : lists_err(err, shown, ENOTDIR);
}

/*
 * The folder that holds name, a name of "files" (relative to fd): fd
 * itself, or DIR's lists/ opened (never a link; close it with
 * parent_close); *base: name's last part.  -1 with errno.
 */
static int parent_of(int fd, const char *name, const char **base)
{
	const char *slash = strchr(name, '/');

	*base = slash ? slash + 1 : name;
	return slash ? open_lists(fd, 0) : fd;
}

static void parent_close(int fd, int pfd)
{
	if (pfd >= 0 && pfd != fd)
		close(pfd);
}

/* Open name (relative to dfd) for reading: a regular file, no link. */
static int open_regular(int dfd, const char *name, struct stat *st)
{
	int fd = openat(dfd, name,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * Size and XXH3-64 of shown/name (opened relative to dfd; name may be
 * "lists/<name>": lists/ is never followed as a link).
 */
static int hash_at(int dfd, const char *name, const char *shown,
		   unsigned long long *bytes, uint64_t *h, struct etl_err *err)
{
	XXH3_state_t *s;
	struct stat st;
	const char *base;
	char *buf;
	ssize_t got;
	int pfd = parent_of(dfd, name, &base), fd;

	if (pfd < 0)
		return errno == ENOENT
			       ? etl_errf(err, "'%s/%s': cannot read: %s",
					  shown, name, strerror(errno))
			       : lists_err(err, shown, errno);
	fd = open_regular(pfd, base, &st);
	parent_close(dfd, pfd);
	if (fd < 0)
		return etl_errf(err, "'%s/%s': cannot read: %s", shown, name,
				errno == EINVAL ? "not a regular file"
						: strerror(errno));
	s = XXH3_createState();
	if (!s)
		die("out of memory (XXH3 state)");
	XXH3_64bits_reset(s);
	buf = xmalloc(1 << 20);
	*bytes = 0;
	while ((got = read(fd, buf, 1 << 20)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		XXH3_64bits_update(s, buf, (size_t)got);
		*bytes += (unsigned long long)got;
	}
	if (got < 0)
		etl_errf(err, "'%s/%s': cannot read: %s", shown, name,
			 strerror(errno));
	*h = XXH3_64bits_digest(s);
	XXH3_freeState(s);
	free(buf);
	close(fd);
	return got < 0 ? -1 : 0;
}

/* A regular file (relative to dfd) into sb, at most cap bytes. */
static int read_at(int dfd, const char *name, struct strbuf *sb, size_t cap)
{
	struct stat st;
	char buf[8192];
	ssize_t got;
	int fd = open_regular(dfd, name, &st), saved;

	if (fd < 0)
		return -1;
	sb_reset(sb);
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || sb->len + (size_t)got > cap) {
			saved = got < 0 ? errno : EFBIG;
			close(fd);
			errno = saved;
			return -1;
		}
		sb_add(sb, buf, (size_t)got);
	}
	close(fd);
	if (!sb->buf)
		sb_add(sb, "", 0);
	return 0;
}

/* ---- summary.json's "files" --------------------------------------------- */

struct jp {
	const char *p, *end;
};

static void jws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

/* Skip blanks; consume c if it comes next. */
static int jlit(struct jp *j, char c)
{
	jws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return 1;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX (after the u) as UTF-8 into sb (may be NULL). */
static int jescape_u(struct jp *j, struct strbuf *sb)
{
	unsigned cp = 0;
	int i, v;

	if (j->end - j->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((v = hexval((unsigned char)*j->p++)) < 0)
			return -1;
		cp = cp * 16 + (unsigned)v;
	}
	if (!cp)
		return -1; /* no NUL inside a name */
	if (!sb)
		return 0;
	if (cp < 0x80) {
		sb_addc(sb, (int)cp);
	} else if (cp < 0x800) {
		sb_addc(sb, (int)(0xc0 | cp >> 6));
		sb_addc(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		sb_addc(sb, (int)(0xe0 | cp >> 12));
		sb_addc(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		sb_addc(sb, (int)(0x80 | (cp & 0x3f)));
	}
	return 0;
}

/* A string, its escapes decoded into sb (NULL: skipped). */
static int jstr(struct jp *j, struct strbuf *sb)
{
	static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	const char *e;

	if (sb)
		sb_reset(sb);
	if (!jlit(j, '"'))
		return -1;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p++;

		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->p >= j->end)
				return -1;
			c = (unsigned char)*j->p++;
			if (c == 'u') {
				if (jescape_u(j, sb) < 0)
					return -1;
				continue;
			}
			for (e = esc; *e && *e != (char)c; e += 2)
				;
			if (!*e)
				return -1;
			c = (unsigned char)e[1];
		}
		if (sb)
			sb_addc(sb, c);
	}
	if (j->p >= j->end)
		return -1;
	j->p++;
	if (sb && !sb->buf)
		sb_add(sb, "", 0);
	return 0;
}

/* A number, true, false or null; a non-negative integer into *v. */
static int jscalar(struct jp *j, unsigned long long *v, int *is_uint)
{
	const char *s;
	unsigned long long n = 0;
	int digits = 1;

	jws(j);
	s = j->p;
	while (j->p < j->end && *j->p &&
	       strchr("+-.0123456789eEtruefalsn", *j->p))
		j->p++;
	if (j->p == s)
		return -1;
	for (const char *p = s; p < j->p; p++) {
		if (*p < '0' || *p > '9' || n > (~0ULL - 9) / 10) {
			digits = 0;
			break;
		}
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (v)
		*v = n;
	if (is_uint)
		*is_uint = digits;
	return 0;
}

static int jskip(struct jp *j, int depth)
{
	char close;

	jws(j);
	if (depth > 32 || j->p >= j->end)
		return -1;
	if (*j->p == '"')
		return jstr(j, NULL);
	if (*j->p != '{' && *j->p != '[')
		return jscalar(j, NULL, NULL);
	close = *j->p == '{' ? '}' : ']';
	j->p++;
	if (jlit(j, close))
		return 0;
	do {
		if (close == '}' && (jstr(j, NULL) < 0 || !jlit(j, ':')))
			return -1;
		if (jskip(j, depth + 1) < 0)
			return -1;
	} while (jlit(j, ','));
	return jlit(j, close) ? 0 : -1;
}

/* One {"name": ..., "bytes": ..., "xxh3": ...} of "files". */
static int jfile(struct jp *j, struct outdir_file *f, struct strbuf *sb)
{
	unsigned long long v;
	int have = 0, uint, k;

	if (!jlit(j, '{'))
		return -1;
	if (jlit(j, '}'))
		return -1;
	do {
		if (jstr(j, sb) < 0 || !jlit(j, ':'))
			return -1;
		if (!strcmp(sb->buf, "name")) {
			if (jstr(j, sb) < 0 || !file_name_ok(sb->buf) ||
			    f->name)
				return -1;
			f->name = xstrdup(sb->buf);
			have |= 1;
		} else if (!strcmp(sb->buf, "bytes")) {
			if (jscalar(j, &v, &uint) < 0 || !uint)
				return -1;
			f->bytes = v;
			have |= 2;
		} else if (!strcmp(sb->buf, "xxh3")) {
			if (jstr(j, sb) < 0 || sb->len < 1 || sb->len > 16)
				return -1;
			f->xxh3 = 0;
			for (k = 0; sb->buf[k]; k++) {
				if (hexval((unsigned char)sb->buf[k]) < 0)
					return -1;
				f->xxh3 = f->xxh3 << 4 |
					  (uint64_t)hexval(
						  (unsigned char)sb->buf[k]);
			}
			have |= 4;
		} else if (jskip(j, 2) < 0) {
			return -1;
		}
	} while (jlit(j, ','));
	return jlit(j, '}') && have == 7 ? 0 : -1;
}

static int jfiles(struct jp *j, struct outdir_file **files, size_t *n,
		  struct strbuf *sb)
{
	size_t cap = 0;

	if (!jlit(j, '['))
		return -1;
	if (jlit(j, ']'))
		return 0;
	do {
		GROW(*files, cap, *n + 1);
		memset(&(*files)[*n], 0, sizeof(**files));
		(*n)++;
		if (jfile(j, &(*files)[*n - 1], sb) < 0)
			return -1;
	} while (jlit(j, ','));
	return jlit(j, ']') ? 0 : -1;
}

int outdir_parse_files(const char *json, size_t len, struct outdir_file **files,
		       size_t *n, struct etl_err *err)
{
	struct jp j = { json, json + len };
	struct strbuf key;
	int found = 0, bad = 0;

	*files = NULL;
	*n = 0;
	sb_init(&key, 0);
	if (!jlit(&j, '{'))
		bad = 1;
	else if (!jlit(&j, '}')) {
		do {
			if (jstr(&j, &key) < 0 || !jlit(&j, ':')) {
				bad = 1;
			} else if (!strcmp(key.buf, "files")) {
				bad = found || jfiles(&j, files, n, &key) < 0;
				found = 1;
			} else {
				bad = jskip(&j, 1) < 0;
			}
		} while (!bad && jlit(&j, ','));
		bad = bad || !jlit(&j, '}');
	}
	jws(&j);
	bad = bad || j.p != j.end;
	sb_release(&key);
	if (bad) {
		outdir_files_free(*files, *n);
		*files = NULL;
		*n = 0;
		return etl_errf(err, "not JSON with a valid \"files\" list");
	}
	return found ? 0 : 1;
}

void outdir_files_free(struct outdir_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i].name);
	free(files);
}

static const struct outdir_file *find_file(const struct outdir_file *files,
					   size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

/* ---- recovery ----------------------------------------------------------- */

/* Does the set hold a workbook (a name under lists/)? */
static int has_lists(const struct outdir_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr(files[i].name, '/'))
			return 1;
	return 0;
}

/*
 * Step d, first half, in DIR/lists: the old workbooks the new set does
 * not have; then DIR/lists itself when the new set has no workbook and
 * nothing else is left in it.
 */
static int remove_old_lists(int fd, const struct outdir_file *files, size_t n,
			    const char *shown, struct etl_err *err)
{
	char full[NAME_MAX + sizeof(LISTS_DIR "/")];
	struct names ns;
	struct stat st;
	size_t i;
	int lfd = open_lists(fd, 0), rc = 0;

	if (lfd < 0)
		return errno == ENOENT ? 0 : lists_err(err, shown, errno);
	if (list_dir(lfd, ".", &ns) < 0) {
		close(lfd);
		return etl_errf(err, "'%s/" LISTS_DIR "': cannot list: %s",
				shown, strerror(errno));
	}
	for (i = 0; i < ns.n && !rc; i++) {
		const char *nm = ns.v[i];

		if (!is_lists_name(nm))
			continue;
		snprintf(full, sizeof(full), LISTS_DIR "/%s", nm);
		if (find_file(files, n, full) ||
		    fstatat(lfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		may();
		if (unlinkat(lfd, nm, 0) < 0 && errno != ENOENT)
			rc = etl_errf(err, "'%s/%s': cannot remove: %s", shown,
				      full, strerror(errno));
	}
	names_release(&ns);
	close(lfd);
	if (!rc && !has_lists(files, n)) {
		may();
		if (unlinkat(fd, LISTS_DIR, AT_REMOVEDIR) < 0 &&
		    errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
			rc = etl_errf(err,
				      "'%s/" LISTS_DIR "': cannot remove: %s",
				      shown, strerror(errno));
	}
	return rc;
}

/* Step d, first half: the old outputs the new set does not have. */
static int remove_old(int fd, const struct outdir_file *files, size_t n,
		      const char *shown, struct etl_err *err)
{
	struct names ns;
	struct stat st;
	size_t i;
	int rc = 0;

	if (list_dir(fd, ".", &ns) < 0)
		return etl_errf(err, "'%s': cannot list: %s", shown,
				strerror(errno));
	for (i = 0; i < ns.n && !rc; i++) {
		const char *nm = ns.v[i];

		if (!is_output_name(nm) || !strcmp(nm, SUMMARY) ||
		    find_file(files, n, nm) ||
		    fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		may();
		if (unlinkat(fd, nm, 0) < 0 && errno != ENOENT)
			rc = etl_errf(err, "'%s/%s': cannot remove: %s", shown,
				      nm, strerror(errno));
	}
	names_release(&ns);
	return rc ? rc : remove_old_lists(fd, files, n, shown, err);
}

/*
 * Step d, second half, for the workbooks: every file of
 * .doisoat-commit/lists into DIR/lists (created when missing, never
 * followed as a link), fsynced; then the empty .doisoat-commit/lists goes.
 */
static int move_lists(int fd, const char *shown, struct etl_err *err)
{
	static const char from[] = OUTDIR_COMMIT "/" LISTS_DIR;
	struct names ns = { 0 };
	size_t i;
	int cfd, lfd = -1, rc = -1;

	cfd = openat(fd, from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0 || list_dir(cfd, ".", &ns) < 0) {
		etl_errf(err, "'%s/%s': cannot list: %s", shown, from,
			 strerror(errno));
		goto out;
	}
	for (i = 0; i < ns.n; i++) {
		if (ns.v[i][0] == '.') { /* never moved into view */
			remove_tree(cfd, ns.v[i], 2);
			continue;
		}
		if (lfd < 0 && (lfd = open_lists(fd, 1)) < 0) {
			lists_err(err, shown, errno);
			goto out;
		}
		may();
		if (renameat(cfd, ns.v[i], lfd, ns.v[i]) < 0) {
			etl_errf(err,
				 "'%s/" LISTS_DIR "/%s': cannot move into "
				 "place: %s",
				 shown, ns.v[i], strerror(errno));
			goto out;
		}
	}
	if (lfd >= 0 && sync_dir(lfd) < 0) {
		etl_errf(err, "'%s/" LISTS_DIR "': cannot sync: %s", shown,
			 strerror(errno));
		goto out;
	}
	may();
	if (unlinkat(fd, from, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		etl_errf(err, "'%s/%s': cannot remove: %s", shown, from,
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	names_release(&ns);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
	return rc;
}

/* Steps c-f from wherever an earlier attempt stopped. */
static int roll_forward(int fd, const char *shown, struct etl_err *err)
{
	static const char csum[] = OUTDIR_COMMIT "/" SUMMARY;
	struct outdir_file *files = NULL;
	struct strbuf sb, from;
	struct names ns = { 0 };
	size_t nfiles = 0, i;
	int have, rc = -1;

	sb_init(&sb, 0);
	sb_init(&from, 0);
	have = read_at(fd, csum, &sb, MAX_SUMMARY_BYTES) == 0;
	if (!have && errno != ENOENT) {
		etl_errf(err, "'%s/%s': cannot read: %s", shown, csum,
			 strerror(errno));
		goto out;
	}
	if (have) {
		may();
		if (unlinkat(fd, SUMMARY, 0) < 0 && errno != ENOENT) {
			etl_errf(err, "'%s/%s': cannot remove: %s", shown,
				 SUMMARY, strerror(errno));
			goto out;
		}
		if (outdir_parse_files(sb.buf, sb.len, &files, &nfiles, NULL) ==
			    0 &&
		    remove_old(fd, files, nfiles, shown, err) < 0)
			goto out;
	}
	if (list_dir(fd, OUTDIR_COMMIT, &ns) < 0) {
		etl_errf(err, "'%s/%s': cannot list: %s", shown, OUTDIR_COMMIT,
			 strerror(errno));
		goto out;
	}
	for (i = 0; i < ns.n; i++) {
		struct stat st;

		if (!strcmp(ns.v[i], SUMMARY))
			continue;
		if (!strcmp(ns.v[i], LISTS_DIR) &&
		    fstatat(fd, OUTDIR_COMMIT "/" LISTS_DIR, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode)) {
			if (move_lists(fd, shown, err) < 0)
				goto out;
			continue;
		}
		sb_reset(&from);
		sb_addf(&from, "%s/%s", OUTDIR_COMMIT, ns.v[i]);
		may();
		if (ns.v[i][0] == '.') { /* never moved into view */
			remove_tree(fd, from.buf, 1);
			continue;
		}
		if (renameat(fd, from.buf, fd, ns.v[i]) < 0) {
			etl_errf(err, "'%s/%s': cannot move into place: %s",
				 shown, ns.v[i], strerror(errno));
			goto out;
		}
	}
	if (sync_dir(fd) < 0) {
		etl_errf(err, "'%s': cannot sync: %s", shown, strerror(errno));
		goto out;
	}
	if (have) {
		may();
		if (renameat(fd, csum, fd, SUMMARY) < 0) {
			etl_errf(err, "'%s/%s': cannot move into place: %s",
				 shown, SUMMARY, strerror(errno));
			goto out;
		}
	}
	may();
	if (unlinkat(fd, OUTDIR_COMMIT, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		etl_errf(err, "'%s/%s': cannot remove: %s", shown,
			 OUTDIR_COMMIT, strerror(errno));
		goto out;
	}
	if (sync_dir(fd) < 0) {
		etl_errf(err, "'%s': cannot sync: %s", shown, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	names_release(&ns);
	outdir_files_free(files, nfiles);
	sb_release(&sb);
	sb_release(&from);
	return rc;
}

/* Temporary files of dead runs in DIR/lists (best effort). */
static void clean_stale_lists(int fd, int own_stale)
{
	struct names ns;
	struct stat st;
	size_t i;
	long pid;
	int lfd = open_lists(fd, 0);

	if (lfd < 0)
		return;
	if (list_dir(lfd, ".", &ns) == 0) {
		for (i = 0; i < ns.n; i++)
			if ((pid = tmp_pid(ns.v[i], 1)) > 0 &&
			    pid_stale(pid, own_stale) &&
			    fstatat(lfd, ns.v[i], &st, AT_SYMLINK_NOFOLLOW) ==
				    0 &&
			    !S_ISDIR(st.st_mode)) {
				may();
				unlinkat(lfd, ns.v[i], 0);
			}
		names_release(&ns);
	}
	close(lfd);
}

/* What dead runs left: staging folders, temporary files (best effort). */
static void clean_stale(int fd, int own_stale)
{
	struct names ns;
	struct stat st;
	size_t i;
	long pid;

	if (list_dir(fd, ".", &ns) < 0)
		return;
	for (i = 0; i < ns.n; i++) {
		const char *nm = ns.v[i];

		if (starts_with(nm, OUTDIR_STAGING)) {
			pid = parse_pid(nm + strlen(OUTDIR_STAGING), NULL);
			if (pid > 0 && pid_stale(pid, own_stale))
				remove_tree(fd, nm, 0);
		} else if ((pid = tmp_pid(nm, 0)) > 0 &&
			   pid_stale(pid, own_stale) &&
			   fstatat(fd, nm, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			   !S_ISDIR(st.st_mode)) {
			may();
			unlinkat(fd, nm, 0);
		}
	}
	names_release(&ns);
	clean_stale_lists(fd, own_stale);
}

static int recover_locked(int fd, const char *shown, int own_stale,
			  struct etl_err *err)
{
	struct stat st;

	if (fstatat(fd, OUTDIR_COMMIT, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (roll_forward(fd, shown, err) < 0)
			return -1;
	} else if (errno != ENOENT) {
		return etl_errf(err, "'%s/%s': %s", shown, OUTDIR_COMMIT,
				strerror(errno));
	}
	clean_stale(fd, own_stale);
	return 0;
}

/*
 * dir opened and locked: its descriptor, -1 or OUTDIR_BUSY with err.  A
 * lock held by another process is waited for up to wait_ms (a recovery
 * holds it for moments; a run writing the folder, for the whole run).
 */
static int lock_dir(const char *dir, int wait_ms, struct etl_err *err)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e, waited = 0;

	if (fd < 0)
		return etl_errf(err, "'%s': cannot open the output folder: %s",
				dir, strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK &&
	       waited < wait_ms) {
		nanosleep(&tick, NULL);
		waited += 10;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		e = errno;
		close(fd);
		if (e == EWOULDBLOCK) {
			etl_errf(err,
				 "'%s': another doisoat process is writing "
				 "this output folder",
				 dir);
			return OUTDIR_BUSY;
		}
		return etl_errf(err, "'%s': cannot lock: %s", dir, strerror(e));
	}
	return fd;
}

int outdir_recover(const char *dir, struct etl_err *err)
{
	struct stat st;
	int fd, rc;

	if (stat(dir, &st) < 0 && errno == ENOENT)
		return 0;
	fd = lock_dir(dir, OUTDIR_RECOVER_WAIT_MS, err);
	if (fd < 0)
		return fd;
	rc = recover_locked(fd, dir, 0, err);
	close(fd);
	return rc;
}

/* ---- signals and exit: the staging folder goes with the process --------- */

/* 0 none, 1 staging, 2 committing, 3 a signal removing the staging */
static volatile sig_atomic_t g_state;
static volatile sig_atomic_t g_pending; /* a signal held during a commit */
static int g_fd = -1; /* the output folder */
static char g_stage[48]; /* the staging folder's name */
static const int g_sigs[3] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction g_old[3];
static int g_caught[3];

static void restore_signals(void)
{
	int i;

	for (i = 0; i < 3; i++)
		if (g_caught[i])
			sigaction(g_sigs[i], &g_old[i], NULL);
}

/* A record of the getdents64 system call. */
struct raw_dirent {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/*
 * Call fn(fd, entry) for every entry of folder name (relative to dfd)
 * but "." and "..", fd the folder's: openat, the raw getdents64 (opendir
 * and readdir are not async-signal-safe), close.  buf (nbuf bytes) is the
 * caller's: a signal handler may not allocate.  Removing while reading
 * may skip a name: the caller tries again.
 */
static void each_entry(int dfd, const char *name, uint64_t *buf, size_t nbuf,
		       void (*fn)(int fd, const char *entry))
{
	long n, off;
	int fd = openat(dfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = syscall(SYS_getdents64, fd, buf, nbuf)) > 0) {
		for (off = 0; off < n;) {
			const struct raw_dirent *d =
				(const void *)((const char *)buf + off);

			if (strcmp(d->name, ".") && strcmp(d->name, ".."))
				fn(fd, d->name);
			off += d->reclen;
		}
	}
	close(fd);
}

static void unlink_entry(int fd, const char *entry)
{
	unlinkat(fd, entry, 0);
}

/*
 * Remove every file of folder name (relative to dfd), whatever its name
 * (the workbooks' names depend on the run; a workbook's temporary file
 * lives there a moment).
 */
static void empty_dir(int dfd, const char *name)
{
	static uint64_t buf[1024];

	each_entry(dfd, name, buf, sizeof(buf), unlink_entry);
}

/* A subfolder of the staging folder: lists/, or a spilled partition's. */
static void remove_subdir(int fd, const char *entry)
{
	if (strcmp(entry, LISTS_DIR) &&
	    strncmp(entry, OUTDIR_SPILL, sizeof(OUTDIR_SPILL) - 1))
		return;
	empty_dir(fd, entry);
	unlinkat(fd, entry, AT_REMOVEDIR);
}

/*
 * The staging folder's subfolders (their files, then them: lists/ and
 * the out-of-core run's partitions, OUTDIR_SPILL), then its files.
 */
static void empty_stage(void)
{
	static uint64_t buf[1024];

	each_entry(g_fd, g_stage, buf, sizeof(buf), remove_subdir);
	empty_dir(g_fd, g_stage);
}

/*
 * Only async-signal-safe calls: openat, unlinkat, getdents64, close,
 * strcmp, poll, sigaction, raise.  Other threads go on writing meanwhile
 * (a workbook may be renamed into the staging folder after a pass): the
 * folder is emptied again until it goes, for at most about 2 s; writers
 * see outdir_dying() and start no new file.
 */
static void on_signal(int sig)
{
	int i, tries, saved = errno;

	if (g_state == 2 || g_state == 3) {
		g_pending = sig;
		return;
	}
	if (g_state == 1) {
		g_state = 3;
		for (tries = 0; tries < 200; tries++) {
			empty_stage();
			if (unlinkat(g_fd, g_stage, AT_REMOVEDIR) == 0 ||
			    errno == ENOENT)
				break;
			poll(NULL, 0, 10);
		}
		g_state = 0;
	}
	errno = saved;
	for (i = 0; i < 3; i++)
		if (g_sigs[i] == sig && g_caught[i])
			sigaction(sig, &g_old[i], NULL);
	raise(sig);
}

int outdir_dying(void)
{
	return g_state == 3;
}

static void on_exit_remove(void)
{
	if (g_state == 1 && g_fd >= 0) {
		g_state = 2;
		remove_tree(g_fd, g_stage, 0);
		g_state = 0;
	}
}

static void guard_start(int fd, const char *stage)
{
	static int registered;
	struct sigaction sa;
	int i;

	snprintf(g_stage, sizeof(g_stage), "%s", stage);
	g_fd = fd;
	g_pending = 0;
	g_state = 1;
	if (!registered)
		registered = atexit(on_exit_remove) == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		sigaddset(&sa.sa_mask, g_sigs[i]);
	for (i = 0; i < 3; i++) {
		g_caught[i] = 0;
		if (sigaction(g_sigs[i], NULL, &g_old[i]) < 0 ||
		    (!(g_old[i].sa_flags & SA_SIGINFO) &&
		     g_old[i].sa_handler == SIG_IGN))
			continue;
		g_caught[i] = sigaction(g_sigs[i], &sa, NULL) == 0;
	}
}

static void guard_end(void)
{
	int sig = g_pending;

	g_state = 0;
	restore_signals();
	memset(g_caught, 0, sizeof(g_caught));
	g_fd = -1;
	g_pending = 0;
	if (sig)
		raise(sig);
}

/* ---- a run's output folder ---------------------------------------------- */

static const char *stage_name(const struct outdir *od)
{
	return strrchr(od->stage, '/') + 1;
}

static void od_release(struct outdir *od)
{
	if (od->fd >= 0)
		close(od->fd); /* and the lock with it */
	free(od->dir);
	free(od->stage);
	free(od->lists);
	outdir_files_free(od->files, od->nfiles);
	memset(od, 0, sizeof(*od));
	od->fd = -1;
}

int outdir_begin(const char *dir, struct outdir *od, struct etl_err *err)
{
	char name[sizeof(g_stage)];
	size_t len = strlen(dir);
	int fd;

	memset(od, 0, sizeof(*od));
	od->fd = -1;
	if (len > OUTDIR_PATH_MAX)
		return etl_errf(err,
				"output folder path (--out) too long: %zu "
				"bytes, the limit is %d (PATH_MAX %d less room "
				"for the names inside it)",
				len, OUTDIR_PATH_MAX, PATH_MAX);
	if (g_state)
		return etl_errf(err,
				"'%s': this process is already writing "
				"an output folder",
				dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return etl_errf(err,
				"'%s': cannot create the output folder: "
				"%s",
				dir, strerror(errno));
	fd = lock_dir(dir, 0, err);
	if (fd < 0)
		return fd;
	if (recover_locked(fd, dir, 1, err) < 0 ||
	    check_lists(fd, dir, err) < 0) {
		close(fd);
		return -1;
	}
	snprintf(name, sizeof(name), "%s%ld", OUTDIR_STAGING, (long)getpid());
	may();
	if (mkdirat(fd, name, 0700) < 0 || fchmodat(fd, name, 0700, 0) < 0) {
		etl_errf(err, "'%s/%s': cannot create: %s", dir, name,
			 strerror(errno));
		close(fd);
		return -1;
	}
	od->dir = xstrdup(dir);
	od->stage = xmalloc(len + 1 + strlen(name) + 1);
	snprintf(od->stage, len + 1 + strlen(name) + 1, "%s/%s", dir, name);
	od->fd = fd;
	guard_start(fd, name);
	return 0;
}

const char *outdir_lists(struct outdir *od, struct etl_err *err)
{
	struct strbuf sb;
	int sfd, lfd = -1;

	if (od->fd < 0) {
		etl_errf(err, "no output folder is being written");
		return NULL;
	}
	if (od->lists)
		return od->lists;
	sb_init(&sb, 0);
	sb_addf(&sb, "%s/" LISTS_DIR, od->stage);
	sfd = openat(od->fd, stage_name(od),
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd >= 0) {
		may();
		if (mkdirat(sfd, LISTS_DIR, 0700) == 0 || errno == EEXIST)
			lfd = openat(sfd, LISTS_DIR,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);
	}
	if (lfd < 0 || fchmod(lfd, 0700) < 0) {
		etl_errf(err, "'%s': cannot create: %s", sb.buf,
			 errno == ELOOP ? "not a folder" : strerror(errno));
		sb_release(&sb);
	} else {
		od->lists = sb.buf;
	}
	if (lfd >= 0)
		close(lfd);
	if (sfd >= 0)
		close(sfd);
	return od->lists;
}

/*
 * The names of the staged files, sorted, as "files" names them: the
 * staging folder's (sfd) plain names and "lists/<name>" for each file of
 * its lists/; dot names left out (removed, when drop_dots: a writer's
 * leftovers).  -1 with errno.
 */
static int list_staged(int sfd, int drop_dots, struct names *ns)
{
	struct names top, sub = { 0 };
	struct stat st;
	size_t i, j;
	int lfd, e = 0;

	memset(ns, 0, sizeof(*ns));
	if (list_dir(sfd, ".", &top) < 0)
		return -1;
	for (i = 0; i < top.n && !e; i++) {
		const char *nm = top.v[i];

		if (nm[0] == '.') {
			if (drop_dots)
				remove_tree(sfd, nm, 1);
			continue;
		}
		if (strcmp(nm, LISTS_DIR) ||
		    fstatat(sfd, nm, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode)) {
			GROW(ns->v, ns->cap, ns->n + 1);
			ns->v[ns->n++] = xstrdup(nm);
			continue;
		}
		lfd = openat(sfd, LISTS_DIR,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (lfd < 0 || list_dir(lfd, ".", &sub) < 0) {
			e = errno ? errno : EIO;
		} else {
			for (j = 0; j < sub.n; j++) {
				if (sub.v[j][0] == '.') {
					if (drop_dots)
						remove_tree(lfd, sub.v[j], 2);
					continue;
				}
				GROW(ns->v, ns->cap, ns->n + 1);
				ns->v[ns->n] = xmalloc(strlen(sub.v[j]) +
						       sizeof(LISTS_DIR "/"));
				sprintf(ns->v[ns->n++], LISTS_DIR "/%s",
					sub.v[j]);
			}
			names_release(&sub);
		}
		if (lfd >= 0)
			close(lfd);
	}
	names_release(&top);
	if (e) {
		names_release(ns);
		errno = e;
		return -1;
	}
	if (ns->n)
		qsort(ns->v, ns->n, sizeof(*ns->v), cmp_name);
	return 0;
}

int outdir_manifest(struct outdir *od, struct etl_err *err)
{
	struct names ns;
	size_t i, cap = 0;
	int sfd, rc = 0;

	outdir_files_free(od->files, od->nfiles);
	od->files = NULL;
	od->nfiles = 0;
	if (od->fd < 0)
		return etl_errf(err, "no output folder is being written");
	sfd = openat(od->fd, stage_name(od),
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0 || list_staged(sfd, 0, &ns) < 0) {
		etl_errf(err, "'%s': cannot list: %s", od->stage,
			 strerror(errno));
		if (sfd >= 0)
			close(sfd);
		return -1;
	}
	for (i = 0; i < ns.n && !rc; i++) {
		struct outdir_file *f;

		if (!strcmp(ns.v[i], SUMMARY))
			continue;
		GROW(od->files, cap, od->nfiles + 1);
		f = &od->files[od->nfiles++];
		f->name = xstrdup(ns.v[i]);
		rc = hash_at(sfd, f->name, od->stage, &f->bytes, &f->xxh3, err);
	}
	names_release(&ns);
	close(sfd);
	return rc;
}

/*
 * Staged file nm (a name of "files", relative to sfd) against the list:
 * listed, same size; then fsynced.
 */
static int seal_file(int sfd, const char *nm, const struct outdir_file *files,
		     size_t n, const char *shown, struct etl_err *err)
{
	const struct outdir_file *f = find_file(files, n, nm);
	const char *base;
	struct stat st;
	int fd, pfd;

	if (strcmp(nm, SUMMARY) && !f)
		return etl_errf(err,
				"'%s/%s' is staged but summary.json does "
				"not list it",
				shown, nm);
	pfd = parent_of(sfd, nm, &base);
	fd = pfd < 0 ? -1 : open_regular(pfd, base, &st);
	parent_close(sfd, pfd);
	if (fd < 0)
		return etl_errf(err, "'%s/%s': cannot open: %s", shown, nm,
				errno == EINVAL ? "not a regular file"
						: strerror(errno));
	if (f && (unsigned long long)st.st_size != f->bytes) {
		close(fd);
		return etl_errf(err,
				"'%s/%s' changed after summary.json was "
				"written",
				shown, nm);
	}
	if (fsync(fd) < 0) {
		etl_errf(err, "'%s/%s': cannot sync: %s", shown, nm,
			 strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* fsync the staging folder's lists/ (sfd: the staging folder), if any. */
static int sync_lists(int sfd)
{
	int lfd = open_lists(sfd, 0), rc;

	if (lfd < 0)
		return errno == ENOENT ? 0 : -1;
	rc = sync_dir(lfd);
	close(lfd);
	return rc;
}

/*
 * Step a: the staging folder holds what its summary.json lists, and
 * DIR/lists is no link nor file it would be moved through.
 */
static int seal(struct outdir *od, struct etl_err *err)
{
	struct outdir_file *files = NULL;
	struct strbuf sb;
	struct names ns = { 0 };
	size_t nfiles = 0, i, seen = 0;
	int sfd, rc = -1;

	sb_init(&sb, 0);
	sfd = openat(od->fd, stage_name(od),
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0 || read_at(sfd, SUMMARY, &sb, MAX_SUMMARY_BYTES) < 0) {
		etl_errf(err, "'%s/%s': cannot read: %s", od->stage, SUMMARY,
			 strerror(errno));
		goto out;
	}
	if (outdir_parse_files(sb.buf, sb.len, &files, &nfiles, err) != 0) {
		etl_errf(err, "'%s/%s' lists no \"files\"", od->stage, SUMMARY);
		goto out;
	}
	if (check_lists(od->fd, od->dir, err) < 0)
		goto out;
	if (list_staged(sfd, 1, &ns) < 0) {
		etl_errf(err, "'%s': cannot list: %s", od->stage,
			 strerror(errno));
		goto out;
	}
	for (i = 0; i < ns.n; i++) {
		if (seal_file(sfd, ns.v[i], files, nfiles, od->stage, err) < 0)
			goto out;
		seen += strcmp(ns.v[i], SUMMARY) != 0;
	}
	if (seen != nfiles) {
		etl_errf(err,
			 "'%s': summary.json lists files that are not "
			 "staged",
			 od->stage);
		goto out;
	}
	if (sync_lists(sfd) < 0 || sync_dir(sfd) < 0) {
		etl_errf(err, "'%s': cannot sync: %s", od->stage,
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (sfd >= 0)
		close(sfd);
	names_release(&ns);
	outdir_files_free(files, nfiles);
	sb_release(&sb);
	return rc;
}

int outdir_commit(struct outdir *od, struct etl_err *err)
{
	int rc, committed = 0;

	if (od->fd < 0)
		return etl_errf(err, "no output folder is being written");
	g_state = 2; /* signals wait for the end of the commit */
	rc = seal(od, err);
	if (!rc) {
		may();
		if (renameat(od->fd, stage_name(od), od->fd, OUTDIR_COMMIT) < 0)
			rc = etl_errf(err, "'%s': cannot commit: %s", od->dir,
				      strerror(errno));
		else
			committed = 1;
	}
	if (committed) {
		rc = sync_dir(od->fd) < 0
			     ? etl_errf(err, "'%s': cannot sync: %s", od->dir,
					strerror(errno))
			     : roll_forward(od->fd, od->dir, err);
		if (rc < 0) {
			struct etl_err e = *err;

			etl_errf(err,
				 "%s (the new outputs are committed: the "
				 "next run or load finishes moving them)",
				 e.msg);
		}
	} else {
		remove_tree(od->fd, stage_name(od), 0);
	}
	od_release(od);
	guard_end();
	return rc;
}

void outdir_abort(struct outdir *od)
{
	if (od->fd < 0)
		return;
	g_state = 2;
	remove_tree(od->fd, stage_name(od), 0);
	od_release(od);
	guard_end();
}

int outdir_verify(const char *dir, struct etl_err *err)
{
	struct outdir_file *files = NULL;
	struct strbuf sb;
	struct stat st;
	size_t nfiles = 0, i;
	int fd, rc;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return etl_errf(err, "'%s': cannot open: %s", dir,
				strerror(errno));
	sb_init(&sb, 0);
	rc = read_at(fd, SUMMARY, &sb, MAX_SUMMARY_BYTES);
	if (rc < 0)
		etl_errf(err, "'%s/%s': cannot read: %s", dir, SUMMARY,
			 errno == EINVAL ? "not a regular file"
					 : strerror(errno));
	else if ((rc = outdir_parse_files(sb.buf, sb.len, &files, &nfiles,
					  err)) < 0)
		etl_errf(err, "'%s/%s': not JSON with a valid \"files\" list",
			 dir, SUMMARY);
	for (i = 0; rc == 0 && i < nfiles; i++) {
		const struct outdir_file *f = &files[i];
		unsigned long long bytes;
		uint64_t h;
		const char *base;
		int pfd = parent_of(fd, f->name, &base), missing;

		missing = pfd < 0 ? errno == ENOENT
				  : fstatat(pfd, base, &st,
					    AT_SYMLINK_NOFOLLOW) < 0 &&
					    errno == ENOENT;
		parent_close(fd, pfd);
		if (missing)
			rc = etl_errf(err,
				      "'%s/%s' is missing but "
				      "summary.json lists it",
				      dir, f->name);
		else if (hash_at(fd, f->name, dir, &bytes, &h, err) < 0)
			rc = -1;
		else if (bytes != f->bytes)
			rc = etl_errf(err,
				      "'%s/%s' has %llu bytes but "
				      "summary.json says %llu",
				      dir, f->name, bytes, f->bytes);
		else if (h != f->xxh3)
			rc = etl_errf(err,
				      "'%s/%s': its XXH3 %016llx is not "
				      "summary.json's %016llx",
				      dir, f->name, (unsigned long long)h,
				      (unsigned long long)f->xxh3);
	}
	outdir_files_free(files, nfiles);
	sb_release(&sb);
	close(fd);
	return rc;
}
