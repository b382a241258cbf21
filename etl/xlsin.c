/*
 * xlsin.c: the .xls reader.  FreeXL opens the compound file and decodes
 * the BIFF records in a child process (a crafted file cannot crash or
 * hang the run); the child sends each sheet's cells, row by row, down a
 * pipe, and the parent feeds them to the row layer the .xlsx reader uses
 * (xlrows.c).
 *
 * The child is a new image of the same program (posix_spawn of
 * /proc/self/exe, see xlsin_child_main), not a bare fork: a run reads
 * its files on several threads, and a forked copy of a threaded process
 * inherits every lock another thread held at that instant (the
 * allocator's, iconv's) with nobody left to release it.  Under ASan it
 * hung until its alarm on one run in a few.
 */
#include "xlsin.h"
#include "xlrows.h"

#include <errno.h>
#include <freexl.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const unsigned char OLE2[8] = { 0xd0, 0xcf, 0x11, 0xe0,
				       0xa1, 0xb1, 0x1a, 0xe1 };

int xlsin_sniff(const char *path)
{
	unsigned char m[8];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(m, 1, 8, f);
	fclose(f);
	return n == 8 && !memcmp(m, OLE2, 8);
}

/* What FreeXL's error code means for a person holding the file. */
static const char *why_not(int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY:
		return "out of memory";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		return "an OLE2 file with no Excel workbook in it (an "
		       "encrypted .xlsx is stored this way: save it "
		       "without a password)";
	case FREEXL_CRAFTED_FILE:
		return "damaged (or crafted) beyond reading";
	default:
		return "damaged or truncated";
	}
}

/*
 * The child's side: FreeXL walks the workbook and every cell goes down
 * the pipe as a record (one letter, then fixed-size numbers and bytes):
 *   B count date1904 | S index len name | R row | C col len text | e (row
 *   end) | Z (sheet end) | E len message | D (done)
 */
static void put_u32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void put_bytes(FILE *f, char tag, uint32_t a, const char *s, uint32_t n)
{
	fputc(tag, f);
	put_u32(f, a);
	put_u32(f, n);
	fwrite(s, 1, n, f);
}

/* One cell's text, as the .xlsx reader would write it. */
static int cell_text(const void *h, unsigned row, unsigned short col,
		     char num[XLSXIN_NUM_MAX], const char **s, size_t *n)
{
	FreeXL_CellValue v;

	*n = 0;
	if (freexl_get_cell_value(h, row, col, &v) != FREEXL_OK)
		return -1;
	switch (v.type) {
	case FREEXL_CELL_INT:
		*n = xlsxin_double((double)v.value.int_value, num);
		*s = num;
		break;
	case FREEXL_CELL_DOUBLE:
		*n = xlsxin_double(v.value.double_value, num);
		*s = num;
		break;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		*s = v.value.text_value ? v.value.text_value : "";
		*n = strlen(*s);
		if (v.type == FREEXL_CELL_DATETIME && *n > 10)
			*n = 10; /* the date of a date and time */
		break;
	default:
		break;
	}
	return 0;
}

/* Sheet i, row by row, down the pipe; -1 on a damaged cell. */
static int send_sheet(FILE *f, const void *h, unsigned short i)
{
	const char *name = NULL, *s;
	char num[XLSXIN_NUM_MAX];
	unsigned rows, row;
	unsigned short cols, col;
	size_t n;

	if (freexl_get_worksheet_name(h, i, &name) != FREEXL_OK || !name ||
	    freexl_select_active_worksheet(h, i) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return -1;
	put_bytes(f, 'S', i, name, (uint32_t)strlen(name));
	for (row = 0; row < rows; row++) {
		fputc('R', f);
		put_u32(f, row + 1);
		for (col = 0; col < cols; col++) {
			if (cell_text(h, row, col, num, &s, &n) < 0)
				return -1;
			if (n)
				put_bytes(f, 'C', col, s, (uint32_t)n);
		}
		fputc('e', f);
	}
	fputc('Z', f);
	return 0;
}

/* The child: open, walk, report; never returns. */
static _Noreturn void child(const char *path, int fd)
{
	FILE *f = fdopen(fd, "w");
	const void *h = NULL;
	unsigned count = 0, mode = 0, pw = 0, i;
	const char *why = NULL;
	int rc;

	alarm(120); /* a crafted file must not hang the run */
	if (!f)
		_exit(2);
	rc = freexl_open(path, &h);
	if (rc != FREEXL_OK)
		why = why_not(rc);
	else if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
		 pw == FREEXL_BIFF_OBFUSCATED)
		why = "password-protected: save it without a password";
	else if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) !=
			 FREEXL_OK ||
		 count > 0xffff)
		why = "damaged or truncated";
	if (!why) {
		freexl_get_info(h, FREEXL_BIFF_DATEMODE, &mode);
		fputc('B', f);
		put_u32(f, count);
		put_u32(f, mode == FREEXL_BIFF_DATEMODE_1904);
		for (i = 0; i < count && !why; i++)
			if (send_sheet(f, h, (unsigned short)i) < 0)
				why = "a sheet or cell is unreadable: damaged";
	}
	if (why)
		put_bytes(f, 'E', 0, why, (uint32_t)strlen(why));
	else
		fputc('D', f);
	fflush(f);
	_exit(0);
}

void xlsin_child_main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], XLSIN_CHILD))
		child(argv[2], STDOUT_FILENO);
}

/* ---- the parent's side: records into the row layer ---- */

struct feed {
	FILE *f;
	struct xlrows *r;
	struct etl_err *err;
	char *name; /* the current sheet's name */
	char *text; /* a record's bytes */
	size_t cap;
	int skipping; /* a sheet opts->sheet leaves out */
	int found; /* opts->sheet was seen */
	int done; /* 1: D seen; -1: E seen (err set) */
};

static int get_u32(FILE *f, uint32_t *v)
{
	return fread(v, sizeof(*v), 1, f) == 1 ? 0 : -1;
}

/* A record's a and bytes; text NUL-terminated. */
static int get_bytes(struct feed *fd, uint32_t *a, uint32_t *n)
{
	if (get_u32(fd->f, a) < 0 || get_u32(fd->f, n) < 0 || *n > 64u << 20)
		return -1;
	GROW(fd->text, fd->cap, (size_t)*n + 1);
	if (fread(fd->text, 1, *n, fd->f) != *n)
		return -1;
	fd->text[*n] = '\0';
	return 0;
}

/* A sheet starts: hand it to the row layer unless opts leaves it out. */
static int feed_sheet(struct feed *fd, int count)
{
	struct xlrows *r = fd->r;
	uint32_t a, n;

	if (get_bytes(fd, &a, &n) < 0)
		return -1;
	free(fd->name);
	fd->name = xstrdup(fd->text);
	fd->skipping = r->o->sheet && strcmp(r->o->sheet, fd->name);
	fd->found |= !fd->skipping;
	if (!fd->skipping)
		xlrows_sheet(r, fd->name, "", (int)a + 1, count, 0);
	return 0;
}

/* One record; 1 at the end, 0 to go on, -1 when the stream breaks. */
static int feed_one(struct feed *fd)
{
	struct xlrows *r = fd->r;
	int live = !fd->skipping && !r->stop;
	uint32_t a, n;

	switch (fgetc(fd->f)) {
	case 'B':
		if (get_u32(fd->f, &a) < 0 || get_u32(fd->f, &n) < 0)
			return -1;
		r->st->sheets = (int)a;
		r->st->date1904 = (int)n;
		return 0;
	case 'S':
		return feed_sheet(fd, r->st->sheets);
	case 'R':
		if (get_u32(fd->f, &a) < 0)
			return -1;
		if (live)
			xlrows_row(r, a);
		return 0;
	case 'C':
		if (get_bytes(fd, &a, &n) < 0)
			return -1;
		if (live)
			xlrows_cell(r, (int)a, fd->text, n);
		return 0;
	case 'e':
		if (live)
			xlrows_row_end(r);
		return 0;
	case 'Z':
		if (!fd->skipping)
			xlrows_sheet_end(r);
		return 0;
	case 'E':
		if (get_bytes(fd, &a, &n) < 0)
			return -1;
		etl_errf(fd->err, "'%s': not a readable .xls workbook: %s",
			 r->path, fd->text);
		fd->done = -1;
		return 1;
	case 'D':
		fd->done = 1;
		return 1;
	default:
		return -1;
	}
}

/*
 * Read the child's records to their end, then reap it.  A child that
 * died (a crash in FreeXL on a crafted file, or the alarm) is an error
 * about the file, never a crash of the run.
 */
static int feed_all(struct feed *fd, pid_t pid)
{
	int rc = 0, status = 0;

	while (rc == 0)
		rc = feed_one(fd);
	fclose(fd->f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (fd->done < 0)
		return -1;
	if (rc < 0 || !fd->done || !WIFEXITED(status) || WEXITSTATUS(status))
		return etl_errf(fd->err,
				"'%s': not a readable .xls workbook: the "
				"reader stopped on it (a damaged or crafted "
				"file); save it again as .xlsx",
				fd->r->path);
	if (fd->r->o->sheet && !fd->found)
		return etl_errf(fd->err, "'%s': no sheet named '%s'",
				fd->r->path, fd->r->o->sheet);
	if (!fd->r->st->sheets)
		return etl_errf(fd->err, "'%s': the workbook has no sheet",
				fd->r->path);
	return xlrows_finish(fd->r, fd->err);
}

/*
 * FreeXL runs in a child process: it parses the whole file in C with
 * little checking, and a crafted .xls has been seen to make it read out
 * of bounds.  The child sends the cells down a pipe; the parent feeds
 * them to the row layer.
 */
static int read_isolated(struct xlrows *r, struct etl_err *err)
{
	char *argv[] = { "doisoat", XLSIN_CHILD, (char *)r->path, NULL };
	posix_spawn_file_actions_t fa;
	struct feed fd;
	int p[2], rc;
	pid_t pid;

	/* Close-on-exec: another reader's child must not hold our pipe. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return etl_errf(err, "'%s': pipe: %s", r->path,
				strerror(errno));
	rc = posix_spawn_file_actions_init(&fa);
	if (!rc) {
		rc = posix_spawn_file_actions_adddup2(&fa, p[1],
						      STDOUT_FILENO);
		if (!rc)
			rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL,
					 argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(p[1]);
	if (rc) {
		close(p[0]);
		return etl_errf(err, "'%s': cannot start the .xls reader: %s",
				r->path, strerror(rc));
	}
	memset(&fd, 0, sizeof(fd));
	fd.r = r;
	fd.err = err;
	fd.f = fdopen(p[0], "r");
	if (!fd.f) {
		close(p[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return etl_errf(err, "'%s': out of memory", r->path);
	}
	rc = feed_all(&fd, pid);
	free(fd.name);
	free(fd.text);
	return rc;
}

int xlsin_read(const char *path, const struct xlsxin_opts *opts,
	       const struct csvin_cb *cb, struct xlsxin_stats *st,
	       struct etl_err *err)
{
	struct xlsxin_opts o;
	struct xlrows r;
	unsigned char magic[8];
	int rc;

	xlrows_stats_init(st);
	xlrows_opts(&o, opts);
	if (xlrows_hash_file(path, &st->base, magic, err) < 0)
		return -1;
	if (memcmp(magic, OLE2, 8))
		return etl_errf(err,
				"'%s': not an .xls workbook (no OLE2 header)",
				path);
	if (st->base.bytes > XLSIN_MAX_BYTES)
		return etl_errf(err,
				"'%s': %llu bytes, more than the %llu an .xls "
				"is read with: save it as .xlsx",
				path, (unsigned long long)st->base.bytes,
				(unsigned long long)XLSIN_MAX_BYTES);
	xlrows_init(&r, path, &o, cb, st);
	rc = read_isolated(&r, err);
	xlrows_release(&r);
	return rc;
}
