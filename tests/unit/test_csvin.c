/*
 * test_csvin.c: the input reader on hand-made bytes: BOMs, CRLF, TSV,
 * blank lines, no final newline, broken quotes, wrong column counts, NUL
 * bytes, over-long lines, invalid UTF-8, gzip (whole and truncated),
 * UTF-16 and the legacy Vietnamese encodings through iconv.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "csvin.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* What a read produced, flattened to text for easy assertions. */
struct seen {
	char rows[4096];    /* "line:f1|f2|...\n" per row */
	char rejects[4096]; /* "line:REASON\n" per reject */
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

	len += (size_t)snprintf(s->rows + len, sizeof(s->rows) - len, "%lu:",
				row->line);
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

	(void)detail, (void)raw, (void)n;
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
	struct csvin_opts opts = { enc, 256 };
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	memset(s, 0, sizeof(*s));
	rc = csvin_read(path, &opts, &cb, st, err);
	unlink(path);
	return rc;
}

#define READ(lit, enc, s, st, err) read_bytes(lit, sizeof(lit) - 1, enc, s, st, err)

static void plain_crlf_bom_blank(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("\xef\xbb\xbf"
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
	assert_int_equal(READ("a,b\n\"one\ntwo\",2\n3,4\n", NULL, &s, &st,
			      &err),
			 0);
	assert_string_equal(s.rows, "2:one\ntwo|2\n4:3|4\n");
}

static void broken_rows_are_rejects(void **state)
{
	struct seen s;
	struct csvin_stats st;
	struct etl_err err;

	(void)state;
	assert_int_equal(READ("a,b\n1,2,3\nx\"y,2\n\"ok\"z,1\n5,6\n", NULL,
			      &s, &st, &err),
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
	assert_int_equal(READ("a,b\n\"open,1\n3,4\n5,6\n", NULL, &s, &st,
			      &err),
			 0);
	assert_string_equal(s.rejects, "2:BAD_QUOTING\n");
	assert_string_equal(s.rows, "3:3|4\n4:5|6\n");
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
	assert_string_equal(s.rows, "2:H\xc3\xb2" "a\n");
	assert_int_equal(read_bytes(cp, sizeof(cp) - 1, "windows-1258", &s,
				    &st, &err),
			 0);
	assert_string_equal(s.rows, "2:Ho\xc3\xa0\n");
	assert_int_equal(read_bytes(tc, sizeof(tc) - 1, "tcvn3", &s, &st,
				    &err),
			 0);
	assert_string_equal(s.rows, "2:Ho\xc3\xa0\n");
	assert_null(csvin_encoding("klingon"));
	assert_string_equal(csvin_encoding("TCVN"), "TCVN5712-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_crlf_bom_blank),
		cmocka_unit_test(tsv_and_empty_cells),
		cmocka_unit_test(multiline_quoted_field),
		cmocka_unit_test(broken_rows_are_rejects),
		cmocka_unit_test(unclosed_quote_rejects_one_line),
		cmocka_unit_test(nul_overlong_and_bad_utf8),
		cmocka_unit_test(empty_file_is_an_error),
		cmocka_unit_test(gzip_whole_and_truncated),
		cmocka_unit_test(utf16_and_legacy_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
