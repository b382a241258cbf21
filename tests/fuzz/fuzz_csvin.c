/*
 * fuzz_csvin.c: the CSV reader (etl/csvin.h) on arbitrary bytes, through
 * every encoding and gzip.  The first input byte chooses how to read the
 * rest:
 *
 *	bits 0-2  --encoding: none, utf-8, utf-16, windows-1258, tcvn3,
 *	          utf-16le, utf-16be, none
 *	bit 3     read the rest twice, as it is and gzipped, and require the
 *	          same callbacks, unless the rest is gzip already (1f 8b: the
 *	          reader sees raw gzip too)
 *	bit 4     max_record 64 bytes (over-long lines and records)
 *	bits 5+7  both set: repeat the rest past 64 KiB (lines and multibyte
 *	          sequences that straddle the reader's chunks; a quarter of
 *	          the inputs, as each costs a thousand small ones)
 *	bit 6     on_header refuses the header (the read must stop cleanly)
 *
 * Invariants checked in the callbacks: line numbers never decrease; the
 * header comes first and once; every field is NUL-terminated at its
 * length with no NUL inside and is valid UTF-8; a row has as many fields
 * as the header; a row's raw text is valid UTF-8 and NUL-terminated; a
 * reject has a known reason, a detail, and raw text that is valid UTF-8
 * without NUL bytes.  After the read: records = rows + rejects; the raw
 * texts of all records add up to 3 bytes per input byte at most (each
 * line is in one record's raw text); bytes = the stream's size; gzip,
 * delimiter and encoding consistent; an error has a message.
 */
#include "fuzz.h"

#include "csvin.h"

#include <string.h>
#include <zlib.h>

#define REPEAT_TO (64 * 1024 + 4096)

struct seen {
	int header;
	int ncols;
	int refuse; /* on_header returns -1 */
	unsigned long last_line;
	unsigned long rows, rejects;
	uint64_t hash; /* FNV-1a of everything the callbacks got */
	uint64_t raw_total; /* bytes of raw text handed out */
};

static void mix(struct seen *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (!s->hash)
		s->hash = 14695981039346656037ull;
	for (i = 0; i < n; i++)
		s->hash = (s->hash ^ b[i]) * 1099511628211ull;
	s->hash = (s->hash ^ 0xff) * 1099511628211ull; /* end of a part */
}

static void mix_row(struct seen *s, const struct csvin_row *row)
{
	int i;

	s->raw_total += row->raw_len;
	mix(s, &row->line, sizeof(row->line));
	for (i = 0; i < row->nfields; i++)
		mix(s, row->fields[i], row->lens[i]);
	mix(s, row->raw, row->raw_len);
}

static void check_line(struct seen *s, unsigned long line)
{
	CHECK(line >= 1);
	CHECK(line >= s->last_line);
	s->last_line = line;
}

static void check_row(const struct csvin_row *row)
{
	int i;

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

	CHECK(!s->header);
	CHECK(s->rows == 0 && s->rejects == 0);
	check_line(s, row->line);
	check_row(row);
	mix_row(s, row);
	s->header = 1;
	s->ncols = row->nfields;
	if (s->refuse)
		return etl_errf(err, "fuzz: header refused");
	return 0;
}

static void on_row(void *ctx, const struct csvin_row *row)
{
	struct seen *s = ctx;

	CHECK(s->header);
	CHECK(!s->refuse);
	check_line(s, row->line);
	check_row(row);
	CHECK(row->nfields == s->ncols);
	mix_row(s, row);
	s->rows++;
}

static void on_reject(void *ctx, unsigned long line, const char *reason,
		      const char *detail, const char *raw, size_t raw_len)
{
	struct seen *s = ctx;

	CHECK(s->header);
	CHECK(!s->refuse);
	check_line(s, line);
	CHECK(!strcmp(reason, REJ_BAD_QUOTING) ||
	      !strcmp(reason, REJ_COLUMN_COUNT) ||
	      !strcmp(reason, REJ_BAD_ENCODING) ||
	      !strcmp(reason, REJ_TOO_LONG));
	CHECK(detail != NULL && *detail);
	CHECK(raw != NULL || raw_len == 0);
	if (raw_len) {
		CHECK(!memchr(raw, '\0', raw_len));
		CHECK(fuzz_utf8_valid(raw, raw_len));
	}
	s->raw_total += raw_len;
	mix(s, &line, sizeof(line));
	mix(s, reason, strlen(reason));
	mix(s, detail, strlen(detail));
	mix(s, raw, raw_len);
	s->rejects++;
}

/* gzip data[0..n) into a new buffer; *out_n its size. */
static unsigned char *gzip(const unsigned char *data, size_t n, size_t *out_n)
{
	z_stream z = { 0 };
	unsigned char *out;
	size_t cap;

	CHECK(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8,
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

/* data[0..n) repeated until it is past the reader's 64 KiB chunk. */
static unsigned char *repeat(const unsigned char *data, size_t n, size_t *out_n)
{
	size_t times = n ? REPEAT_TO / n + 1 : 1, i;
	unsigned char *out = malloc(n * times + 1);

	CHECK(out != NULL);
	for (i = 0; i < times; i++)
		memcpy(out + i * n, data, n);
	*out_n = n * times;
	return out;
}

/*
 * One read of text[0..n) with the invariants checked; returns its rc.
 * plain_n is the size before the harness gzipped it (n when it did not):
 * each byte of it is in the raw text of one record at most, and decodes
 * to 3 bytes of UTF-8 at most.
 */
static int read_once(unsigned char *text, size_t n, size_t plain_n,
		     const struct csvin_opts *opts, struct seen *s,
		     struct csvin_stats *st)
{
	struct csvin_cb cb = { on_header, on_row, on_reject, s };
	struct etl_err err;
	FILE *f;
	int rc;

	memset(&err, 0, sizeof(err));
	/* fmemopen wants a writable buffer even to read; n may be 0 */
	f = n ? fmemopen(text, n, "rb") : fopen("/dev/null", "rb");
	CHECK(f != NULL);
	rc = csvin_read_stream(f, "fuzz.csv", opts, &cb, st, &err);
	fclose(f);

	CHECK(rc == 0 || rc == -1);
	CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	if (rc < 0)
		CHECK(err.msg[0] != '\0');
	else
		CHECK(s->header && !s->refuse);
	if (s->refuse)
		CHECK(rc < 0);
	CHECK(st->records == s->rows + s->rejects);
	if (!st->gzip || plain_n != n) /* gzip input: size unknown */
		CHECK(s->raw_total <= 3 * (uint64_t)plain_n);
	CHECK(rc < 0 ? st->bytes <= n : st->bytes == n);
	CHECK(st->gzip == (n >= 2 && text[0] == 0x1f && text[1] == 0x8b));
	if (rc == 0) {
		CHECK(st->lines >= s->last_line);
		CHECK(st->delim == ',' || st->delim == '\t' ||
		      st->delim == ';');
		CHECK(memchr(st->encoding, '\0', sizeof(st->encoding)) != NULL);
		CHECK(st->encoding[0] != '\0');
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const enc[8] = {
		NULL,	 "utf-8",    "utf-16",	 "windows-1258",
		"tcvn3", "utf-16le", "utf-16be", NULL,
	};
	struct csvin_opts opts = { 0 };
	struct csvin_stats st, st2;
	struct seen s = { 0 }, s2 = { 0 };
	unsigned char *text, *rep = NULL, *gz;
	size_t n, gz_n;
	unsigned sel;
	int rc, rc2;

	if (!size)
		return 0;
	sel = data[0];
	text = (unsigned char *)data + 1;
	n = size - 1;
	if ((sel & 0xa0) == 0xa0)
		text = rep = repeat(text, n, &n);
	opts.encoding = enc[sel & 7];
	opts.max_record = sel & 16 ? 64 : 0;
	s.refuse = s2.refuse = !!(sel & 64);
	rc = read_once(text, n, n, &opts, &s, &st);
	if ((sel & 8) && !st.gzip) {
		/* gzipped, the same text gives the same rows and rejects */
		gz = gzip(text, n, &gz_n);
		rc2 = read_once(gz, gz_n, n, &opts, &s2, &st2);
		CHECK(rc2 == rc);
		CHECK(s2.hash == s.hash);
		CHECK(s2.rows == s.rows && s2.rejects == s.rejects);
		if (rc == 0)
			CHECK(st2.lines == st.lines && st2.blank == st.blank &&
			      st2.delim == st.delim &&
			      !strcmp(st2.encoding, st.encoding));
		free(gz);
	}
	free(rep);
	return 0;
}
