/*
 * pipeline.c: pieces shared by the run command and the stage commands:
 * inputs, reference tables, dates, default scope, the printed table.
 */
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void input_add(struct run_opts *o, enum kind kind, const char *arg,
	       const char *encoding)
{
	struct input *in;
	const char *eq = strrchr(arg, '='), *slash;

	GROW(o->inputs, o->inputs_cap, o->ninputs + 1);
	in = &o->inputs[o->ninputs++];
	in->kind = kind;
	in->encoding = encoding;
	if (eq && eq[1]) {
		in->path = xstrndup(arg, (size_t)(eq - arg));
		in->label = xstrdup(eq + 1);
	} else {
		in->path = xstrdup(arg);
		slash = strrchr(arg, '/');
		in->label = xstrdup(slash ? slash + 1 : arg);
	}
}

int pipeline_ref(struct ref *ref, const struct run_opts *o,
		 struct etl_err *err)
{
	if (ref_load_groups(ref, o->groups, err) < 0 ||
	    ref_load_communes(ref, NULL, err) < 0)
		return -1;
	if (o->areas && ref_load_areas(ref, o->areas, err) < 0)
		return -1;
	if (o->scope && ref_load_scope(ref, o->scope, err) < 0)
		return -1;
	if (o->targets && ref_load_targets(ref, o->targets, err) < 0)
		return -1;
	return 0;
}

void pipeline_dates(const struct run_opts *o, struct date *start,
		    struct date *today)
{
	time_t t;
	struct tm tm;

	*start = o->as_of.prec ? o->as_of : date_make(o->period, 1, 1);
	if (o->today.prec) {
		*today = o->today;
	} else {
		t = time(NULL);
		localtime_r(&t, &tm);
		*today = date_make(tm.tm_year + 1900, tm.tm_mon + 1,
				   tm.tm_mday);
	}
}

int pipeline_read(struct batch *b, const struct run_opts *o,
		  struct etl_err *err)
{
	int kind;
	size_t i;

	for (kind = 0; kind < KIND_N; kind++) {
		for (i = 0; i < o->ninputs; i++) {
			const struct input *in = &o->inputs[i];
			unsigned s;

			if ((int)in->kind != kind)
				continue;
			s = batch_add_source(b, in->path, in->label, in->kind,
					     in->encoding);
			if (batch_read_source(b, s, err) < 0)
				return -1;
			logmsg("read %s '%s': %lu rows, %lu accepted, %lu "
			       "rejected (%.2f s)",
			       kind_name(in->kind), in->label,
			       b->srcs[s].rows_read, b->srcs[s].accepted,
			       b->srcs[s].rejected, b->srcs[s].seconds);
		}
	}
	return 0;
}

void pipeline_default_scope(struct batch *b)
{
	char(*codes)[8] = NULL;
	size_t n = 0, cap = 0, i;

	if (b->ref->scope)
		return;
	for (i = 0; i < b->nrecs; i++) {
		const struct rec *r = &b->recs[i];

		if (r->kind != KIND_REGISTRY || !r->commune[0] ||
		    (n && !strcmp(codes[n - 1], r->commune)))
			continue;
		GROW(codes, cap, n + 1);
		snprintf(codes[n++], 8, "%s", r->commune);
	}
	ref_scope_set(b->ref, codes, n);
	free(codes);
}

unsigned long pipeline_rejects(const struct batch *b)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < b->nsrcs; i++)
		n += b->srcs[i].rejected;
	return n;
}

int make_out_dir(const char *dir, struct etl_err *err)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return etl_errf(err, "'%s': cannot create the output folder: "
				     "%s",
				dir, strerror(errno));
	return 0;
}

/* 13737 -> "13.737"; negative numbers in brackets, as the seed does. */
static void fmt_count(long v, char *out, size_t n)
{
	char digits[32], grouped[48];
	size_t len, i, j = 0;

	snprintf(digits, sizeof(digits), "%ld", labs(v));
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			grouped[j++] = '.';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, n, v < 0 ? "(%s)" : "%s", grouped);
}

/* "93.08" (CSV) -> "93,08%" */
static void pct_cell(const char *csv, char *out, size_t n)
{
	char *p;

	if (!csv[0]) {
		snprintf(out, n, "-");
		return;
	}
	snprintf(out, n, "%s%%", csv);
	if ((p = strchr(out, '.')))
		*p = ',';
}

/* A printed column: cell index in coverage.csv, header, width, kind. */
struct pcol {
	int cell;
	const char *head;
	int width;
	char kind; /* 'n' count, 'p' percentage */
};

static void print_table(const struct outputs *o, FILE *f, const char *title,
			const struct pcol *cols, int ncols)
{
	const struct outlist *cl = &o->lists[L_COVERAGE];
	size_t i;
	int k;

	fprintf(f, "%s\n%-4s %-26s", title, "STT", "Xã, phường");
	for (k = 0; k < ncols; k++) {
		const char *h = cols[k].head;
		int letters = 0;
		const char *s;

		for (s = h; *s; s++)
			letters += (*s & 0xc0) != 0x80;
		fprintf(f, " %*s%s", cols[k].width - letters, "", h);
	}
	fputc('\n', f);
	for (i = 0; i < cl->n; i++) {
		const char *const *c = cl->rows[i].cells;
		const unsigned char *s = (const unsigned char *)c[1];
		int total = !strcmp(c[0], "TOTAL"), w = 0;
		char stt[8];

		snprintf(stt, sizeof(stt), total ? "" : "%zu.", i + 1);
		fprintf(f, "%-4s %s", stt, c[1]);
		/* printf pads bytes, not letters: pad the name by hand */
		for (; *s; s++)
			w += (*s & 0xc0) != 0x80;
		for (; w < 26; w++)
			fputc(' ', f);
		for (k = 0; k < ncols; k++) {
			const char *v = c[cols[k].cell];
			char cell[32];

			if (!v[0])
				snprintf(cell, sizeof(cell), "-");
			else if (cols[k].kind == 'p')
				pct_cell(v, cell, sizeof(cell));
			else
				fmt_count(atol(v), cell, sizeof(cell));
			fprintf(f, " %*s", cols[k].width, cell);
		}
		fputc('\n', f);
	}
}

void print_coverage(const struct outputs *o, FILE *f)
{
	static const struct pcol bhyt[] = {
		{ 2, "Dân số", 10, 'n' },   { 3, "Có BHYT", 10, 'n' },
		{ 4, "Bao phủ", 9, 'p' },   { 5, "Chỉ tiêu", 9, 'p' },
		{ 6, "Đạt so CT", 9, 'p' }, { 7, "Còn phải", 10, 'n' },
	};
	static const struct pcol bhxh[] = {
		{ 8, "LLLĐ", 8, 'n' },       { 12, "CT BHXH", 8, 'p' },
		{ 14, "CT TN", 7, 'p' },     { 9, "Bắt buộc", 9, 'n' },
		{ 10, "Tự nguyện", 9, 'n' }, { 11, "% LLLĐ", 7, 'p' },
		{ 13, "TN % LLLĐ", 9, 'p' }, { 15, "Còn BB", 7, 'n' },
		{ 16, "Còn TN", 7, 'n' },
	};
	static const struct pcol bhtn[] = {
		{ 8, "LLLĐ", 8, 'n' },      { 17, "Có BHTN", 8, 'n' },
		{ 18, "Bao phủ", 8, 'p' },  { 19, "Chỉ tiêu", 8, 'p' },
		{ 20, "Còn phải", 9, 'n' },
	};
	const struct outlist *cl = &o->lists[L_COVERAGE];

	print_table(o, f, "BHYT (dân số)", bhyt, 6);
	if (cl->n && cl->rows[cl->n - 1].cells[8][0]) {
		fputc('\n', f);
		print_table(o, f, "BHXH (lực lượng lao động)", bhxh, 9);
		fputc('\n', f);
		print_table(o, f, "BHTN (lực lượng lao động)", bhtn, 5);
		fputs("\nTổng cộng: \"còn phải\" tính từ số tổng, không cộng "
		      "các dòng (nên có thể lệch 1 so với tổng các xã).\n",
		      f);
	}
}
