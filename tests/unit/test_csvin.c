/*
 * test_csvin.c: the input reader on hand-made bytes: BOMs, CRLF, TSV,
 * blank lines, no final newline, broken quotes, wrong column counts, NUL
 * bytes, over-long lines, invalid UTF-8, gzip (whole and truncated),
 * UTF-16 and the legacy Vietnamese encodings through iconv; the quote-free
 * fast path against libcsv itself, byte offsets in messages, printable
 * raw text of rejects, lines that straddle the reader's chunks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csvin.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What a read produced, flattened to text for easy assertions. */
struct seen {
	char rows[4096]; /* "line:f1|f2|...\n" per row */
	char rejects[4096]; /* "line:REASON\n" per reject */
	char detail[256]; /* the last reject's detail */
	char raw[1024]; /* the last reject's raw text */
	int nrows, nrejects;
};

static int on_header(void *ctx, const struct csvin_row *row,
		     struct etl_err *err)
{
	(void)ctx, (void)row, (void)err;
	return 0;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct seen *s = ctx;
	size_t len = strlen(s->rows);
	int i;

	len += (size_t)snprintf(s->rows + len, sizeof(s->rows) - len,
				"%lu:", row->line);
	for (i = 0; i < row->nfields; i++)
		len += (size_t)snprintf(s->rows + len, sizeof(s->rows) - len,
					"%s%s", i ? "|" : "", row->fields[i]);
	snprintf(s->rows + len, sizeof(s->rows) - len, "\n");
	s->nrows++;
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t n)
{
	struct seen *s = ctx;
	size_t len = strlen(s->rejects);

	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	snprintf(s->raw, sizeof(s->raw), "%.*s", (int)n, raw);
	snprintf(s->rejects + len, sizeof(s->rejects) - len, "%lu:%s\n", line,
		 reason);
	s->nrejects++;
}

/* Read bytes through a temporary file; returns csvin_read's result. */
static int read_bytes(const char *data, size_t n, const char *enc,
		      struct seen *s, struct csvin_stats *st,
		      struct etl_err *err)
{
	char path[] = "/tmp/test_csvin_XXXXXX";
	struct csvin_cb cb = { on_header, on_row, on_reject, s };
	struct csvin_opts opts = { .encoding = enc, .max_record = 256 };
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	memset(s, 0, sizeof(*s));
	rc = csvin_read(path, &opts, &cb, st, err);
	unlink(path);
	return rc;
}

#define READ(lit, enc, s, st, err)                                             \
	read_bytes(lit, sizeof(lit) - 1, enc, s, st, err)

static void plain_crlf_bom_blank(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(
		READ("\xef\xbb\xbf"
		     "a,b\r\n1,2\r\n\r\n  \r\n\"x,y\",\"q\"\"\"\r\n3,4",
		     NULL, &s, &st, &err),
		0);
	assert_string_equal(s.rows, "2:1|2\n5:x,y|q\"\n6:3|4\n");
	assert_int_equal(st.blank, 2);
	assert_int_equal(st.lines, 6);
	assert_int_equal(st.records, 3);
	assert_string_equal(st.encoding, "UTF-8");
	assert_int_equal(st.delim, ',');
}

static void tsv_and_empty_cells(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("a\tb\tc\n1\t\t3\n\t\t\n4\t5\t6\t\t\n", NULL, &s,
			      &st, &err),
			 0);
	/* a row of empty cells is blank; trailing empty cells are dropped */
	assert_string_equal(s.rows, "2:1||3\n4:4|5|6\n");
	assert_int_equal(st.delim, '\t');
	assert_int_equal(st.blank, 1);
}

static void multiline_quoted_field(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(
		READ("a,b\n\"one\ntwo\",2\n3,4\n", NULL, &s, &st, &err), 0);
	assert_string_equal(s.rows, "2:one\ntwo|2\n4:3|4\n");
}

static void broken_rows_are_rejects(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("a,b\n1,2,3\nx\"y,2\n\"ok\"z,1\n5,6\n", NULL, &s,
			      &st, &err),
			 0);
	assert_string_equal(s.rows, "5:5|6\n");
	assert_string_equal(s.rejects, "2:BAD_COLUMN_COUNT\n3:BAD_QUOTING\n"
				       "4:BAD_QUOTING\n");
	assert_int_equal(st.records, 4);
}

static void unclosed_quote_rejects_one_line(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	/* the quote never closes: line 2 is rejected, 3 and 4 read again */
	assert_int_equal(READ("a,b\n\"open,1\n3,4\n5,6\n", NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n");
	assert_string_equal(s.rows, "3:3|4\n4:5|6\n");
}

/*
 * A stray opening quote (Excel writes one when a cell starts with a
 * quote) takes only its own line: the lines it would glue on are read.
 */
static void stray_quote_rejects_only_its_line(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	/* the glued record breaks on line 5's quote */
	assert_int_equal(READ("a,b\n1,2\n\"x,3\n4,5\n6,\"7\"\n8,9\n", NULL, &s,
			      &st, &err),
			 0);
	assert_string_equal(s.rejects, "3:BAD_QUOTING\n");
	assert_string_equal(s.detail, "quoted field not closed on its line");
	assert_string_equal(s.raw, "\"x,3");
	assert_string_equal(s.rows, "2:1|2\n4:4|5\n5:6|7\n6:8|9\n");
	assert_int_equal(st.lines, 6);
	assert_int_equal(st.records, 5);
	/* the glued record closes, with three fields for two columns */
	assert_int_equal(
		READ("a,b\n\"x,1\n2,3\n4\",5,6\n7,8\n", NULL, &s, &st, &err),
		0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n4:BAD_QUOTING\n");
	assert_string_equal(s.rows, "3:2|3\n5:7|8\n");
	assert_int_equal(st.records, 4);
	/* a second stray quote among the lines read again */
	assert_int_equal(READ("a,b\n\"x,1\n2,2\n\"y,3\n4,4\n5,\"q\"\n6,6\n",
			      NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n4:BAD_QUOTING\n");
	assert_string_equal(s.rows, "3:2|2\n5:4|4\n6:5|q\n7:6|6\n");
	assert_int_equal(st.records, 6);
}

/* A record that spans lines, closes and has the header's field count. */
static void multiline_record_that_parses_is_kept(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("a,b\n\"one\ntwo\n\nthree\",2\n3,\"x\ny\"\n"
			      "4,5\n",
			      NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rows, "2:one\ntwo\n\nthree|2\n6:3|x\ny\n8:4|5\n");
	assert_int_equal(s.nrejects, 0);
	assert_int_equal(st.lines, 8);
	assert_int_equal(st.blank, 0);
}

/*
 * An over-long line ends every record still open before it: their first
 * lines are rejected as unclosed quotes, the long line as too long, and
 * the rows after it keep their own line numbers.
 */
static void overlong_line_inside_an_open_record(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	char data[1024];
	size_t n;

	(void)state;
	n = (size_t)snprintf(data, sizeof(data), "a,b\n\"x,1\n\"y,2\n");
	memset(data + n, 'z', 300); /* longer than max_record (256) */
	n += 300;
	n += (size_t)snprintf(data + n, sizeof(data) - n, "\n3,4\n5,6\n");
	assert_int_equal(read_bytes(data, n, NULL, &s, &st, &err), 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n3:BAD_QUOTING\n"
				       "4:RECORD_TOO_LONG\n");
	assert_string_equal(s.rows, "5:3|4\n6:5|6\n");
	assert_int_equal(st.lines, 6);
}

/* A header that does not parse stops the read: no reject comes first. */
static void header_that_does_not_parse_stops(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("\"a,b\nc,d\n1,2\n", NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "':1: the header cannot be read: "
					"quoted field not closed before the "
					"end of the file"));
	assert_int_equal(s.nrejects, 0);
	assert_int_equal(s.nrows, 0);
	assert_int_equal(READ("\n\na\"x,b\n1,2\n", NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "':3: the header cannot be read: a "
					"quote inside an unquoted field"));
	assert_int_equal(s.nrejects, 0);
}

/* A header longer than max_record stops the read. */
static void header_longer_than_the_cap(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	char data[600];

	(void)state;
	memset(data, 'h', sizeof(data));
	data[400] = '\n';
	assert_int_equal(read_bytes(data, sizeof(data), NULL, &s, &st, &err),
			 -1);
	assert_non_null(strstr(err.msg, "':1: header line longer than 256 "
					"bytes"));
	assert_int_equal(s.nrejects, 0);
}

/* An endless stream of NUL bytes (/dev/zero), up to a safety stop. */
struct zeros {
	size_t served, stop;
};

static ssize_t zeros_read(void *cookie, char *buf, size_t n)
{
	struct zeros *z = cookie;

	if (z->served >= z->stop)
		return 0;
	memset(buf, 0, n);
	z->served += n;
	return (ssize_t)n;
}

static void header_from_dev_zero_stops_soon(void **state)
{
	struct zeros z = { 0, (size_t)64 << 20 };
	cookie_io_functions_t io = { zeros_read, NULL, NULL, NULL };
	struct seen s;
	struct csvin_cb cb = { on_header, on_row, on_reject, &s };
	struct csvin_stats st;
	struct etl_err err;
	FILE *f = fopencookie(&z, "r", io);
	int rc;

	(void)state;
	memset(&s, 0, sizeof(s));
	rc = csvin_read_stream(f, "zeros", NULL, &cb, &st, &err);
	fclose(f);
	assert_int_equal(rc, -1);
	assert_string_equal(err.msg, "'zeros':1: header line longer than "
				     "1048576 bytes");
	/* it stopped at the cap, not at the end of the 64 MiB */
	assert_true(z.served < (size_t)2 << 20);
}

/* More lines than max_lines (blank ones too) stop the read. */
static void more_lines_than_the_limit(void **state)
{
	char path[] = "/tmp/test_csvin_lines_XXXXXX";
	struct seen s;
	struct csvin_cb cb = { on_header, on_row, on_reject, &s };
	struct csvin_opts opts = { .max_lines = 10 };
	struct csvin_stats st;
	struct etl_err err;
	static const char ten[] = "a,b\n1,2\n\n3,4\n5,6\n7,8\n\n9,9\n1,1\n2,2";
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(ten, f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	assert_int_equal(csvin_read(path, &opts, &cb, &st, &err), 0);
	assert_int_equal(st.lines, 10);
	f = fopen(path, "a");
	fputs("\n3,3\n", f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	assert_int_equal(csvin_read(path, &opts, &cb, &st, &err), -1);
	assert_non_null(strstr(err.msg, "': more than 10 lines, the most an "
					"input file may have"));
	unlink(path);
	/* the default is the 32-bit line numbers of rejects.csv */
	assert_true(CSVIN_MAX_LINES == UINT32_MAX);
}

static void nul_overlong_and_bad_utf8(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	char data[2048];
	size_t n;

	(void)state;
	n = (size_t)snprintf(data, sizeof(data), "a,b\n1,x");
	data[n++] = '\0';
	n += (size_t)snprintf(data + n, sizeof(data) - n, "y\n2,\xc3\n");
	memset(data + n, 'z', 600); /* longer than max_record (256) */
	n += 600;
	n += (size_t)snprintf(data + n, sizeof(data) - n, "\n3,4\n");
	assert_int_equal(read_bytes(data, n, NULL, &s, &st, &err), 0);
	assert_string_equal(s.rejects, "2:BAD_ENCODING\n3:BAD_ENCODING\n"
				       "4:RECORD_TOO_LONG\n");
	assert_string_equal(s.rows, "5:3|4\n");
}

static void empty_file_is_an_error(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(read_bytes("", 0, NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "empty file"));
	assert_int_equal(READ("a,b\n", NULL, &s, &st, &err), 0);
	assert_int_equal(s.nrows, 0);
}

static void gzip_whole_and_truncated(void **state)
{
	char path[] = "/tmp/test_csvin_gz_XXXXXX";
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	char buf[65536];
	gzFile gz;
	FILE *f;
	size_t n;
	int fd, i;

	(void)state;
	fd = mkstemp(path);
	close(fd);
	gz = gzopen(path, "wb");
	gzprintf(gz, "a,b\n");
	for (i = 0; i < 2000; i++)
		gzprintf(gz, "%d,row %d\n", i, i);
	gzclose(gz);
	f = fopen(path, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(path);
	assert_int_equal(read_bytes(buf, n, NULL, &s, &st, &err), 0);
	assert_int_equal(st.gzip, 1);
	assert_int_equal(st.records, 2000);
	assert_int_equal(read_bytes(buf, n - 20, NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "truncated gzip"));
}

static void utf16_and_legacy_encodings(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	/* "n\nHòa\n" in UTF-16LE with BOM */
	static const char u16[] = "\xff\xfen\0\n\0H\0\xf2\0a\0\n\0";
	/* "n\nHoà\n" in Windows-1258: o, a + combining grave 0xCC */
	static const char cp[] = "n\nHoa\xcc\n";
	/* "n\nHoa" in TCVN3 without a final newline: the flush matters */
	static const char tc[] = "n\nHo\xb5";

	(void)state;
	assert_int_equal(read_bytes(u16, sizeof(u16) - 1, NULL, &s, &st, &err),
			 0);
	assert_string_equal(st.encoding, "UTF-16LE");
	assert_string_equal(s.rows, "2:H\xc3\xb2"
				    "a\n");
	assert_int_equal(
		read_bytes(cp, sizeof(cp) - 1, "windows-1258", &s, &st, &err),
		0);
	assert_string_equal(s.rows, "2:Ho\xc3\xa0\n");
	assert_int_equal(read_bytes(tc, sizeof(tc) - 1, "tcvn3", &s, &st, &err),
			 0);
	assert_string_equal(s.rows, "2:Ho\xc3\xa0\n");
	assert_null(csvin_encoding("klingon"));
	assert_string_equal(csvin_encoding("TCVN"), "TCVN5712-1");
}

/* libcsv's own split of one line, strict, spaces trimmed: "f1|f2|..." */
struct split {
	char out[512];
	int n;
};

static int lib_space(unsigned char c)
{
	return c == ' ';
}

static void lib_field(void *data, size_t len, void *ctx)
{
	struct split *sp = ctx;
	size_t n = strlen(sp->out);

	snprintf(sp->out + n, sizeof(sp->out) - n, "%s%.*s", sp->n++ ? "|" : "",
		 (int)len, (const char *)data);
}

static void lib_split(const char *line, char delim, struct split *sp)
{
	struct csv_parser p;

	memset(sp, 0, sizeof(*sp));
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, lib_space);
	csv_set_delim(&p, (unsigned char)delim);
	assert_int_equal(csv_parse(&p, line, strlen(line), lib_field, NULL, sp),
			 strlen(line));
	csv_fini(&p, lib_field, NULL, sp);
	csv_free(&p);
}

static void plain_lines_split_as_libcsv_does(void **state)
{
	static const char *const lines[] = {
		"1,2,3",    "  a , b  ,c ",  "x,,y",
		",,z",	    "a b,  c  d ,e", "\xe1\xba\xa0,\xc4\x90,x",
		"a\tb,c,d", "1;2;3",	     " 1 ; 2 ;3 ",
		"1\t2\t3",  " 1 \t 2\t 3 ",  "a,b,",
		"q,,",
	};
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	struct split want;
	char data[256], got[sizeof(s.rows)];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char delim = strchr(lines[i], ';')   ? ';'
			     : strchr(lines[i], ',') ? ','
						     : '\t';
		int n = snprintf(data, sizeof(data), "h1%ch2%ch3\n%s\n", delim,
				 delim, lines[i]);

		assert_int_equal(
			read_bytes(data, (size_t)n, NULL, &s, &st, &err), 0);
		lib_split(lines[i], delim, &want);
		assert_int_equal(want.n, 3);
		memcpy(got, s.rows + 2, sizeof(got) - 2); /* after "2:" */
		k = strlen(got);
		if (k && got[k - 1] == '\n')
			got[k - 1] = '\0';
		assert_string_equal(got, want.out);
		assert_int_equal(st.delim, delim);
	}
}

/*
 * Lines end in LF or CR LF: a CR elsewhere outside quotes is no line end
 * (libcsv would end a record there, so a line would make many records,
 * each carrying the whole line).  The line is one reject; a CR inside a
 * quoted field is data.
 */
static void carriage_return_inside_a_line(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("a,b\n1,2\r3,4\n5,6\n", NULL, &s, &st, &err), 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n");
	assert_string_equal(s.detail, "carriage return outside quotes (lines "
				      "end in LF or CR LF)");
	assert_string_equal(s.raw, "1,2\r3,4");
	assert_string_equal(s.rows, "3:5|6\n");
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.records, 2);
	/* many bare CRs: still one reject, after a closing quote too, and
	 * CR CR LF leaves one bare CR */
	assert_int_equal(READ("a,b\nx\rx\rx\rx\rx\r\n\"1\"\r2,3\n4,5\r\r\n"
			      "\"6\r\",7\r\n",
			      NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n3:BAD_QUOTING\n"
				       "4:BAD_QUOTING\n");
	assert_string_equal(s.rows, "5:6\r|7\n");
	assert_int_equal(st.records, 4);
	/* the rest of the line opens a quote: no record goes on */
	assert_int_equal(READ("a,b\n1\r\"2,3\n4,5\n", NULL, &s, &st, &err), 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n");
	assert_string_equal(s.rows, "3:4|5\n");
	/* on a later line of a record that spans lines: its first line is
	 * rejected, the CR line read again is rejected too */
	assert_int_equal(READ("a,b\n\"x\ny\",1\r2\n6,7\n", NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n3:BAD_QUOTING\n");
	assert_string_equal(s.rows, "4:6|7\n");
	assert_int_equal(st.records, 3);
	/* in the header: the header cannot be read */
	assert_int_equal(READ("a\rb,c\n1,2\n", NULL, &s, &st, &err), -1);
	assert_non_null(strstr(err.msg, "carriage return outside quotes"));
}

static void byte_offsets_and_printable_rejects(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	/* BOM (3) + "a,b\n" (4) + "1,x\n" (4) + "2," (2): the bad byte is
	 * at offset 13 of the file */
	assert_int_equal(READ("\xef\xbb\xbf"
			      "a,b\n1,x\n2,\xff\xc3z\n",
			      NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "3:BAD_ENCODING\n");
	assert_string_equal(s.detail, "invalid UTF-8 at byte offset 13; give "
				      "--encoding");
	assert_string_equal(s.raw, "2,\xef\xbf\xbd\xef\xbf\xbdz");
	/* the same on the second line of a quoted record: 4 + 5 + 2 */
	assert_int_equal(
		READ("a,b\n1,\"x\nyy\xe0\x80z\"\n", NULL, &s, &st, &err), 0);
	assert_string_equal(s.rejects, "2:BAD_ENCODING\n");
	assert_string_equal(s.detail, "invalid UTF-8 at byte offset 11; give "
				      "--encoding");
	/* a NUL is shown, and the rest of the line is kept */
	assert_int_equal(read_bytes("a,b\n1,x\0y\n", 10, NULL, &s, &st, &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_ENCODING\n");
	assert_string_equal(s.raw, "1,x\xef\xbf\xbdy");
	/* a header that is not UTF-8 stops the read */
	assert_int_equal(READ("STT,H\xf5 t\xean\n1,2\n", NULL, &s, &st, &err),
			 -1);
	assert_non_null(strstr(err.msg, "':1: the header is not valid UTF-8 "
					"(byte offset 5); give --encoding"));
}

/* Counting callbacks for long inputs. */
struct count {
	unsigned long rows, rejects, last_line;
	int bad;
};

static void count_row(void *ctx, const struct csvin_row *row)
{
	struct count *c = ctx;
	char want[64];

	c->rows++;
	snprintf(want, sizeof(want), "%lu", c->rows);
	if (row->nfields != 2 || strcmp(row->fields[0], want) ||
	    row->line != c->rows + 1 || row->lens[1] != (c->rows * 7) % 200)
		c->bad++;
	c->last_line = row->line;
}

static void count_reject(void *ctx, unsigned long line, const char *reason,
			 const char *detail, const char *raw, size_t n)
{
	struct count *c = ctx;

	(void)line, (void)reason, (void)detail, (void)raw, (void)n;
	c->rejects++;
}

static void lines_straddle_chunks(void **state)
{
	char path[] = "/tmp/test_csvin_long_XXXXXX";
	struct count c = { 0, 0, 0, 0 };
	struct csvin_cb cb = { on_header, count_row, count_reject, &c };
	struct csvin_opts opts = { .encoding = NULL };
	struct csvin_stats st;
	struct etl_err err;
	char field[256];
	unsigned long i;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("n,v\r\n", f);
	/* lines of 3 to 210 bytes, CRLF, a 2-byte letter in most */
	for (i = 1; i <= 20000; i++) {
		size_t len = (i * 7) % 200, k;

		for (k = 0; k < len; k++)
			field[k] = (char)('a' + k % 26);
		if (len >= 2)
			memcpy(field + len - 2, "\xc3\xa0", 2);
		fprintf(f, "%lu,%.*s\r\n", i, (int)len, field);
	}
	fclose(f);
	assert_int_equal(csvin_read(path, &opts, &cb, &st, &err), 0);
	unlink(path);
	assert_true(st.bytes > 4 * 65536);
	assert_int_equal(c.rows, 20000);
	assert_int_equal(c.rejects, 0);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.last_line, 20001);
	assert_int_equal(st.lines, 20001);
}

static void line_at_the_size_cap(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;
	char data[1024];
	size_t n;

	(void)state;
	/* max_record is 256: a line of 256 bytes is read, 257 is not */
	n = (size_t)snprintf(data, sizeof(data), "a,b\n1,");
	memset(data + n, 'x', 254);
	n += 254;
	n += (size_t)snprintf(data + n, sizeof(data) - n, "\n2,");
	memset(data + n, 'y', 255);
	n += 255;
	n += (size_t)snprintf(data + n, sizeof(data) - n, "\n3,z\n");
	assert_int_equal(read_bytes(data, n, NULL, &s, &st, &err), 0);
	assert_int_equal(s.nrows, 2);
	assert_string_equal(s.rejects, "3:RECORD_TOO_LONG\n");
	assert_string_equal(s.detail, "line longer than 256 bytes");
	assert_int_equal(strlen(s.raw), 256);
}

/* Rows handed out: how many, the line of the last; rejects. */
static void last_row(void *ctx, const struct csvin_row *row)
{
	unsigned long *seen = ctx;

	seen[0]++;
	seen[1] = row->line;
}

static void last_reject(void *ctx, unsigned long line, const char *reason,
			const char *detail, const char *raw, size_t n)
{
	unsigned long *seen = ctx;

	(void)line, (void)reason, (void)detail, (void)raw, (void)n;
	seen[2]++;
}

/*
 * An undecodable byte stops the read of a plain file where it is: the
 * message names that line and offset (not a later bad byte's), and no row
 * after it is handed out.
 */
/* Rejects and the bytes of raw text they carry. */
struct raw_count {
	unsigned long rows, rejects;
	size_t raw_total;
};

static void raw_count_row(void *ctx, const struct csvin_row *row)
{
	struct raw_count *c = ctx;

	c->rows++;
	c->raw_total += row->raw_len;
}

static void raw_count_reject(void *ctx, unsigned long line, const char *reason,
			     const char *detail, const char *raw, size_t n)
{
	struct raw_count *c = ctx;

	(void)line, (void)reason, (void)detail, (void)raw;
	c->rejects++;
	c->raw_total += n;
}

/* A line of k bare CRs is one reject: its raw text is handed out once. */
static void many_bare_crs_cost_one_line(void **state)
{
	struct raw_count c = { 0, 0, 0 };
	struct csvin_cb cb = { on_header, raw_count_row, raw_count_reject, &c };
	struct csvin_stats st;
	struct etl_err err;
	size_t n = 20000, i;
	char *buf = malloc(n + 8);
	FILE *f;

	(void)state;
	assert_non_null(buf);
	memcpy(buf, "a,b\n", 4);
	for (i = 4; i + 1 < n; i += 2)
		buf[i] = 'x', buf[i + 1] = '\r';
	buf[i++] = '\n';
	f = fmemopen(buf, i, "rb");
	assert_non_null(f);
	assert_int_equal(csvin_read_stream(f, "cr.csv", NULL, &cb, &st, &err),
			 0);
	fclose(f);
	assert_int_equal(c.rejects, 1);
	assert_int_equal(c.rows, 0);
	assert_true(c.raw_total < i);
	assert_int_equal(st.lines, 2);
	free(buf);
}

static void plain_file_stops_at_the_first_bad_byte(void **state)
{
	char path[] = "/tmp/test_csvin_cp_XXXXXX";
	unsigned long seen[3] = { 0, 0, 0 };
	struct csvin_cb cb = { on_header, last_row, last_reject, seen };
	struct csvin_opts opts = { .encoding = "windows-1258" };
	struct csvin_stats st;
	struct etl_err err;
	unsigned long i;
	long off = 0, size;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("n,v\n", f);
	/* 0x81 is no character of Windows-1258: on line 10, then far on */
	for (i = 2; i <= 20000; i++) {
		if (i == 10)
			off = ftell(f) + 4; /* "10,x" */
		fprintf(f, "%lu,%s\n", i,
			i == 10 || i == 15000 ? "x\x81y" : "Hoa");
	}
	size = ftell(f);
	fclose(f);
	assert_true(size > 2 * 65536); /* the bad bytes in different chunks */
	assert_int_equal(csvin_read(path, &opts, &cb, &st, &err), -1);
	unlink(path);
	assert_non_null(strstr(err.msg, "':10: invalid CP1258 byte sequence"));
	assert_int_equal(strtol(strstr(err.msg, "offset ") + 7, NULL, 10), off);
	assert_int_equal(seen[0], 8);
	assert_int_equal(seen[1], 9);
	assert_int_equal(seen[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_crlf_bom_blank),
		cmocka_unit_test(tsv_and_empty_cells),
		cmocka_unit_test(multiline_quoted_field),
		cmocka_unit_test(broken_rows_are_rejects),
		cmocka_unit_test(unclosed_quote_rejects_one_line),
		cmocka_unit_test(stray_quote_rejects_only_its_line),
		cmocka_unit_test(multiline_record_that_parses_is_kept),
		cmocka_unit_test(overlong_line_inside_an_open_record),
		cmocka_unit_test(header_that_does_not_parse_stops),
		cmocka_unit_test(header_longer_than_the_cap),
		cmocka_unit_test(header_from_dev_zero_stops_soon),
		cmocka_unit_test(more_lines_than_the_limit),
		cmocka_unit_test(nul_overlong_and_bad_utf8),
		cmocka_unit_test(empty_file_is_an_error),
		cmocka_unit_test(gzip_whole_and_truncated),
		cmocka_unit_test(utf16_and_legacy_encodings),
		cmocka_unit_test(plain_lines_split_as_libcsv_does),
		cmocka_unit_test(carriage_return_inside_a_line),
		cmocka_unit_test(many_bare_crs_cost_one_line),
		cmocka_unit_test(byte_offsets_and_printable_rejects),
		cmocka_unit_test(lines_straddle_chunks),
		cmocka_unit_test(line_at_the_size_cap),
		cmocka_unit_test(plain_file_stops_at_the_first_bad_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
