/*
 * fuzz_xlsx.c: the workbook readers (etl/xlsxin.h, etl/xlsin.h) on
 * arbitrary bytes.  The first input byte chooses how to use the rest:
 *
 *	bit 0     0: the rest is the file as it is: xlsin_read when it starts
 *	          with the OLE2 magic (.xls), else xlsxin_read.
 *	          1: the rest is XML parts separated by NUL bytes, in the
 *	          order of part_names below; the harness zips them itself
 *	          (right CRCs and sizes, an empty part left out), so the
 *	          mutations reach the XML rather than die at the zip's CRC
 *	bit 1     parts zipped deflated, not stored
 *	bit 2     max_record 64 bytes (rows rejected as too long)
 *	bit 3     on_header refuses every header (the read must fail cleanly)
 *	bit 4     read only the sheet named "Sheet2"
 *	bit 5     a header chooser: the first row of two non-empty cells,
 *	          at most 3 title rows above it
 *
 * The file is written to one temporary file per process, as the readers
 * want a path.
 *
 * Under libFuzzer, .xls inputs are skipped: xlsin_read runs FreeXL in a
 * child process (etl/xlsin.c; replay.c's main hands it the child's
 * arguments), and a sanitizer report in that child (FreeXL over-reads on
 * crafted files; the parent turns the child's death into an error, as
 * designed) is taken by libFuzzer for a crash of the target, and a
 * process per input is slow.  `make fuzz-replay` runs them (the .xls seeds
 * and crash-xls-* of fixtures/fuzz/xlsx/).
 *
 * Invariants: the result is 0 or -1, -1 with a message; on_header comes
 * once per sheet at most, before the sheet's rows; every field is
 * NUL-terminated at its length and valid UTF-8; a row has the header's
 * number of fields; raw text valid UTF-8 and NUL-terminated; a reject has
 * a known reason and a detail; sheet names valid UTF-8; a read sheet's
 * lines = title + blank + records + 1; records = rows + rejects (the
 * file's and the sum of the read sheets'); a refused header fails the
 * read.
 */
#include "fuzz.h"

#include "xlsin.h"
#include "xlsxin.h"

#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char *const part_names[] = {
	"_rels/.rels",
	"xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
	"xl/worksheets/sheet1.xml",
	"xl/sharedStrings.xml",
	"xl/styles.xml",
	"xl/worksheets/sheet2.xml",
};
#define NPARTS (sizeof(part_names) / sizeof(part_names[0]))

struct seen {
	int refuse;
	int in_sheet, header;
	int ncols;
	unsigned long rows, rejects;
	unsigned long sheet_records; /* sum over read sheets */
};

static char tmp_path[64];
static int under_libfuzzer; /* set by LLVMFuzzerInitialize */

/* Called by libFuzzer only, never by replay.c. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	under_libfuzzer = 1;
	return 0;
}

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

static void check_row(const struct csvin_row *row)
{
	int i;

	CHECK(row->line >= 1);
	CHECK(row->nfields >= 1);
	for (i = 0; i < row->nfields; i++) {
		CHECK(row->fields[i] != NULL);
		CHECK(row->fields[i][row->lens[i]] == '\0');
		CHECK(strlen(row->fields[i]) == row->lens[i]);
		CHECK(fuzz_utf8_valid(row->fields[i], row->lens[i]));
	}
	CHECK(row->raw != NULL);
	CHECK(row->raw[row->raw_len] == '\0');
	CHECK(strlen(row->raw) == row->raw_len);
	CHECK(fuzz_utf8_valid(row->raw, row->raw_len));
}

static int on_header(void *ctx, const struct csvin_row *row,
		     struct etl_err *err)
{
	struct seen *s = ctx;

	CHECK(s->in_sheet);
	CHECK(!s->header);
	check_row(row);
	s->header = 1;
	s->ncols = row->nfields;
	if (s->refuse)
		return etl_errf(err, "fuzz: header refused");
	return 0;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct seen *s = ctx;

	CHECK(s->in_sheet && s->header && !s->refuse);
	check_row(row);
	CHECK(row->nfields == s->ncols);
	s->rows++;
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t raw_len)
{
	struct seen *s = ctx;

	CHECK(s->in_sheet && s->header && !s->refuse);
	CHECK(line >= 1);
	CHECK(!strcmp(reason, REJ_COLUMN_COUNT) ||
	      !strcmp(reason, REJ_TOO_LONG) ||
	      !strcmp(reason, REJ_BAD_ENCODING));
	CHECK(detail != NULL && *detail);
	CHECK(raw != NULL || raw_len == 0);
	if (raw_len) {
		CHECK(!memchr(raw, '\0', raw_len));
		CHECK(fuzz_utf8_valid(raw, raw_len));
	}
	s->rejects++;
}

static void check_sheet(const struct xlsxin_sheet *sh)
{
	CHECK(sh->name != NULL && sh->part != NULL);
	CHECK(fuzz_utf8_valid(sh->name, strlen(sh->name)));
	CHECK(sh->index >= 1 && sh->index <= sh->count);
	CHECK(sh->hidden >= 0 && sh->hidden <= 2);
}

static void on_sheet(void *ctx, const struct xlsxin_sheet *sh)
{
	struct seen *s = ctx;

	CHECK(!s->in_sheet);
	check_sheet(sh);
	s->in_sheet = 1;
	s->header = 0;
}

static void on_sheet_end(void *ctx, const struct xlsxin_sheet *sh)
{
	struct seen *s = ctx;

	CHECK(s->in_sheet);
	check_sheet(sh);
	s->in_sheet = 0;
	if (sh->status == XLSXIN_READ) {
		CHECK(s->header && !s->refuse);
		CHECK(sh->header_line >= 1);
		CHECK(sh->lines == sh->title + sh->blank + sh->records + 1);
		s->sheet_records += sh->records;
	}
	if (sh->status == XLSXIN_SKIPPED)
		CHECK(sh->why != NULL);
}

/* The header: the first row with two non-empty cells. */
static int two_cells(void *ctx, const struct csvin_row *row)
{
	int i, n = 0;

	(void)ctx;
	for (i = 0; i < row->nfields; i++)
		n += row->lens[i] > 0;
	return n >= 2;
}

static void put16(struct strbuf *sb, unsigned v)
{
	sb_addc(sb, (int)(v & 0xff));
	sb_addc(sb, (int)(v >> 8 & 0xff));
}

static void put32(struct strbuf *sb, uint32_t v)
{
	put16(sb, v & 0xffff);
	put16(sb, v >> 16);
}

/* data[0..n) deflated raw (as zip does) into a new buffer of *out_n. */
static unsigned char *deflate_raw(const uint8_t *data, size_t n, size_t *out_n)
{
	z_stream z = { 0 };
	unsigned char *out;
	size_t cap;

	CHECK(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, -MAX_WBITS, 8,
			   Z_DEFAULT_STRATEGY) == Z_OK);
	cap = deflateBound(&z, (uLong)n) + 32;
	out = malloc(cap);
	CHECK(out != NULL);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	*out_n = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* The NUL-separated parts of data[0..n) as a zip into zip. */
static void make_zip(const uint8_t *data, size_t n, int deflated,
		     struct strbuf *zip)
{
	struct strbuf cd;
	uint32_t off[NPARTS];
	size_t k = 0, nent = 0, i, len, zlen;
	const uint8_t *p = data, *end = data + n, *nul;
	unsigned char *z;
	unsigned method = deflated ? 8 : 0;

	sb_init(&cd, 0);
	for (i = 0; i < NPARTS && p <= end; i++) {
		nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		len = nul ? (size_t)(nul - p) : (size_t)(end - p);
		if (len) {
			uint32_t crc = (uint32_t)crc32(0, p, (uInt)len);
			unsigned nlen = (unsigned)strlen(part_names[i]);

			z = deflated ? deflate_raw(p, len, &zlen) : NULL;
			if (!deflated)
				zlen = len;
			off[k] = (uint32_t)zip->len;
			put32(zip, 0x04034b50);
			put16(zip, 20);
			put16(zip, 0);
			put16(zip, method);
			put16(zip, 0);
			put16(zip, 0x21);
			put32(zip, crc);
			put32(zip, (uint32_t)zlen);
			put32(zip, (uint32_t)len);
			put16(zip, nlen);
			put16(zip, 0);
			sb_add(zip, part_names[i], nlen);
			sb_add(zip,
			       deflated ? (const char *)z : (const char *)p,
			       zlen);
			put32(&cd, 0x02014b50);
			put16(&cd, 20);
			put16(&cd, 20);
			put16(&cd, 0);
			put16(&cd, method);
			put16(&cd, 0);
			put16(&cd, 0x21);
			put32(&cd, crc);
			put32(&cd, (uint32_t)zlen);
			put32(&cd, (uint32_t)len);
			put16(&cd, nlen);
			put32(&cd, 0); /* extra, comment */
			put32(&cd, 0); /* disk, internal attributes */
			put32(&cd, 0); /* external attributes */
			put32(&cd, off[k]);
			sb_add(&cd, part_names[i], nlen);
			free(z);
			k++;
			nent++;
		}
		if (!nul)
			break;
		p = nul + 1;
	}
	off[0] = (uint32_t)zip->len;
	sb_add(zip, cd.buf ? cd.buf : "", cd.len);
	put32(zip, 0x06054b50);
	put32(zip, 0);
	put16(zip, (unsigned)nent);
	put16(zip, (unsigned)nent);
	put32(zip, (uint32_t)cd.len);
	put32(zip, off[0]);
	put16(zip, 0);
	sb_release(&cd);
}

static void write_tmp(const void *p, size_t n)
{
	FILE *f;

	if (!tmp_path[0]) {
		const char *dir = getenv("TMPDIR");
		int fd;

		snprintf(tmp_path, sizeof(tmp_path), "%s/fuzz_xlsx.XXXXXX",
			 dir && strlen(dir) < 40 ? dir : "/tmp");
		fd = mkstemp(tmp_path);
		CHECK(fd >= 0);
		close(fd);
		atexit(remove_tmp);
	}
	f = fopen(tmp_path, "wb");
	CHECK(f != NULL);
	CHECK(n == 0 || fwrite(p, 1, n, f) == n);
	CHECK(fclose(f) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char ole2[8] = { 0xd0, 0xcf, 0x11, 0xe0,
					       0xa1, 0xb1, 0x1a, 0xe1 };
	struct csvin_cb cb = { on_header, on_row, on_reject, NULL };
	struct xlsxin_opts opts = { 0 };
	struct xlsxin_stats st;
	struct etl_err err;
	struct seen s = { 0 };
	struct strbuf zip;
	unsigned sel;
	int rc, xls = 0;

	if (!size || size > (1 << 20))
		return 0;
	sel = data[0];
	data++;
	size--;
	if (sel & 1) {
		sb_init(&zip, 0);
		make_zip(data, size, !!(sel & 2), &zip);
		write_tmp(zip.buf, zip.len);
		sb_release(&zip);
	} else {
		xls = size >= 8 && !memcmp(data, ole2, 8);
		if (xls && under_libfuzzer)
			return 0;
		write_tmp(data, size);
	}
	cb.ctx = &s;
	s.refuse = !!(sel & 8);
	opts.on_sheet = on_sheet;
	opts.on_sheet_end = on_sheet_end;
	opts.max_record = sel & 4 ? 64 : 0;
	opts.sheet = sel & 16 ? "Sheet2" : NULL;
	if (sel & 32) {
		opts.is_header = two_cells;
		opts.max_title = 3;
	}
	memset(&err, 0, sizeof(err));
	memset(&st, 0, sizeof(st));
	rc = xls ? xlsin_read(tmp_path, &opts, &cb, &st, &err)
		 : xlsxin_read(tmp_path, &opts, &cb, &st, &err);
	CHECK(rc == 0 || rc == -1);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc < 0)
		CHECK(err.msg[0] != '\0');
	if (s.refuse)
		CHECK(rc < 0);
	CHECK(!s.in_sheet || rc < 0);
	CHECK(st.base.records == s.rows + s.rejects);
	if (rc == 0) {
		CHECK(st.sheets_read >= 1);
		CHECK(s.sheet_records == s.rows + s.rejects);
	}
	return 0;
}
