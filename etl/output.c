/*
 * output.c: the lists of a run as rows of text, sorted and written as
 * RFC 4180 CSV files (rules.md R7), and the coverage rows (rules.md R8).
 */
#include "output.h"
#include "hashtab.h"
#include "notewho.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static const struct {
	const char *file, *header;
	int ncols;
} lists[L_N] = {
	[L_INCREASE] = { "increase.csv",
			 "person_id,bhxh_code,full_name,dob,sex,commune_code,"
			 "group_code,benefit_level,hospital_code,"
			 "effective_from,reason,source,unit_code,"
			 "household_code,wage,months",
			 16 },
	[L_DECREASE] = { "decrease.csv",
			 "person_id,bhxh_code,card_code,full_name,dob,sex,"
			 "commune_code,group_code,effective_to,reason,"
			 "hospital_code,unit_code,kept_card_code",
			 13 },
	[L_CHANGE] = { "change.csv",
		       "person_id,bhxh_code,card_code,full_name,dob,sex,"
		       "commune_code,old_group_code,group_code,benefit_level,"
		       "changed_fields,reason,hospital_code,old_unit_code,"
		       "unit_code,household_code,old_full_name,old_dob,"
		       "old_sex,old_benefit_level,old_hospital_code,"
		       "old_commune_code",
		       22 },
	[L_RENEW] = { "renew.csv",
		      "person_id,bhxh_code,card_code,full_name,dob,sex,"
		      "commune_code,group_code,benefit_level,"
		      "hospital_code,unit_code,household_code",
		      12 },
	[L_UNINSURED] = { "uninsured.csv",
			  "person_id,full_name,dob,sex,commune_code,"
			  "household_code",
			  6 },
	[L_REVIEW] = { "review.csv",
		       "source,line,person_id,bhxh_code,reason,detail,"
		       "full_name,dob,commune_code",
		       9 },
	[L_REJECTS] = { "rejects.csv", "source,line,reason,raw", 4 },
	[L_COVERAGE] = { "coverage.csv",
			 "commune_code,commune_name,population,insured,"
			 "coverage_pct,target_pct,pct_of_target,remaining,"
			 "labour_force,bhxh_compulsory,bhxh_voluntary,"
			 "bhxh_pct,bhxh_target_pct,bhxh_voluntary_pct,"
			 "bhxh_voluntary_target_pct,bhxh_remaining,"
			 "bhxh_voluntary_remaining,bhtn,bhtn_pct,"
			 "bhtn_target_pct,bhtn_remaining",
			 COV_NCOLS },
};

const char *list_file(enum list l)
{
	return lists[l].file;
}

const char *list_header(enum list l)
{
	return lists[l].header;
}

int list_ncols(enum list l)
{
	return lists[l].ncols;
}

void outputs_init(struct outputs *o)
{
	memset(o, 0, sizeof(*o));
	arena_init(&o->arena);
}

void outputs_release(struct outputs *o)
{
	int l;

	for (l = 0; l < L_N; l++)
		free(o->lists[l].rows);
	free(o->cov);
	free(o->ambiguous);
	arena_release(&o->arena);
	memset(o, 0, sizeof(*o));
}

/* Does a CSV cell need quotes (RFC 4180; spaces at the ends kept)? */
static int needs_quotes(const char *s, size_t n)
{
	return strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' || s[n - 1] == ' '));
}

uint32_t out_partition_of(uint64_t key, uint32_t n)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(key >> (8 * i));
	return n ? (uint32_t)(XXH3_64bits(b, sizeof(b)) % n) : 0;
}

int out_keeps(const struct outputs *o, uint64_t key)
{
	return !o->part_count ||
	       out_partition_of(key, o->part_count) == o->part_index;
}

void out_add(struct outputs *o, enum list l, const char *commune, uint64_t key,
	     enum reason reason, const char *const *cells)
{
	struct outlist *ol = &o->lists[l];
	struct orow *row;
	size_t len[LIST_MAX_COLS + 1], total = 0;
	int i, n = lists[l].ncols, row_plain;
	char *p;

	if (l != L_COVERAGE && !out_keeps(o, key))
		return;
	if (!commune)
		commune = "";
	/* the cells and the commune, copied into one block */
	row_plain = 1;
	for (i = 0; i < n; i++) {
		total += len[i] = cells[i] ? strlen(cells[i]) + 1 : 1;
		if (cells[i] && needs_quotes(cells[i], len[i] - 1))
			row_plain = 0;
	}
	total += len[n] = strlen(commune) + 1;
	GROW(ol->rows, ol->cap, ol->n + 1);
	row = &ol->rows[ol->n++];
	row->key = key;
	row->seq = o->seq++;
	row->reason = (uint8_t)reason;
	row->plain = (uint8_t)row_plain;
	p = arena_text(&o->arena, total);
	row->text = p;
	for (i = 0; i < n; i++) {
		if (cells[i])
			memcpy(p, cells[i], len[i]);
		else
			*p = '\0';
		p += len[i];
	}
	memcpy(p, commune, len[n]);
	row->commune = p;
	ol->by_reason[reason]++;
}

void out_reserve(struct outputs *o, enum list l, size_t n)
{
	struct outlist *ol = &o->lists[l];

	RESERVE(ol->rows, ol->cap, ol->n + n);
}

void outputs_absorb(struct outputs *o, struct outputs *part)
{
	int l, k;
	size_t i;

	for (l = 0; l < L_N; l++) {
		struct outlist *to = &o->lists[l], *from = &part->lists[l];

		GROW(to->rows, to->cap, to->n + from->n);
		for (i = 0; i < from->n; i++) {
			to->rows[to->n] = from->rows[i];
			to->rows[to->n++].seq = o->seq++;
		}
		for (k = 0; k < R_N; k++)
			to->by_reason[k] += from->by_reason[k];
	}
	arena_absorb(&o->arena, &part->arena);
	outputs_release(part);
}

const char *orow_cell(const struct orow *r, int i)
{
	const char *p = r->text;

	for (; i > 0; i--)
		p += strlen(p) + 1;
	return p;
}

void orow_cells(const struct orow *r, enum list l, const char **out)
{
	const char *p = r->text;
	int i;

	for (i = 0; i < lists[l].ncols; i++) {
		out[i] = p;
		p += strlen(p) + 1;
	}
}

int code_ambiguous(const uint64_t *codes, size_t n, uint64_t code)
{
	size_t lo = 0, hi = n, mid;

	while (code && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (codes[mid] == code)
			return 1;
		if (codes[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Review and reject rows sort by source label, then line; a review row
 * shows the name, birth date and commune of who (notewho.h), if any.
 */
static void add_note(struct outputs *o, enum list l, const struct batch *b,
		     const struct note *n, const struct rec *who)
{
	char line[16], pid[13], bhxh[11], dob[11] = "";
	const char *cells[9];

	snprintf(line, sizeof(line), "%u", n->line);
	cells[0] = note_source(b, n);
	cells[1] = line;
	if (l == L_REJECTS) {
		cells[2] = reason_name((enum reason)n->reason);
		cells[3] = n->text;
	} else {
		fmt_pid(n->key, pid);
		/* an ambiguous code is shown on no person's row */
		fmt_bhxh(pid[0] && code_ambiguous(o->ambiguous, o->nambiguous,
						  n->bhxh)
				 ? 0
				 : n->bhxh,
			 bhxh);
		cells[2] = pid;
		cells[3] = bhxh;
		cells[4] = reason_name((enum reason)n->reason);
		cells[5] = n->text;
		if (who)
			date_format(&who->dob, dob);
		cells[6] = who ? who->name : "";
		cells[7] = dob;
		cells[8] = who ? who->commune : "";
	}
	/* sorted by source label, then line */
	out_add(o, l, cells[0], n->line, (enum reason)n->reason, cells);
}

void out_add_notes(struct outputs *o, const struct batch *b)
{
	const struct rec **who = xmalloc(sizeof(*who) * (b->nreviews + 1));
	size_t i;

	note_rows(b, b->reviews, b->nreviews, who);
	for (i = 0; i < b->nreviews; i++)
		add_note(o, L_REVIEW, b, &b->reviews[i], who[i]);
	for (i = 0; i < b->nrejects; i++)
		add_note(o, L_REJECTS, b, &b->rejects[i], NULL);
	free(who);
}

/* round(num / den) for non-negative den, half away from zero */
static long div_round(long long num, long long den)
{
	if (num >= 0)
		return (long)((2 * num + den) / (2 * den));
	return -(long)((-2 * num + den) / (2 * den));
}

/* "93.08" from 9308 hundredths. */
static void fmt_hundredths(long h, char *out, size_t n)
{
	snprintf(out, n, "%s%ld.%02ld", h < 0 ? "-" : "", labs(h) / 100,
		 labs(h) % 100);
}

/* Basis points (hundredths of a percent) of a target, or -1. */
static long bp(double pct)
{
	return pct >= 0 ? (long)(pct * 100 + 0.5) : -1;
}

/* The cells of a rate: num / den as a percentage, "" when undefined. */
static void rate(char *out, size_t n, long num, long den)
{
	out[0] = '\0';
	if (den > 0)
		fmt_hundredths(div_round((long long)num * 10000, den), out, n);
}

/* People still to enrol: round(target × base) - have; "" without target. */
static void remaining(char *out, size_t n, long target_bp, long base, long have)
{
	out[0] = '\0';
	if (target_bp >= 0 && base >= 0)
		snprintf(out, n, "%ld",
			 div_round((long long)target_bp * base, 10000) - have);
}

static void num(char *out, size_t n, long v)
{
	snprintf(out, n, "%ld", v);
}

/* One coverage row; t holds targets in basis points (-1: none). */
struct cov_targets {
	long bhyt, bhxh, vol, bhtn, lf;
};

static void add_cov_row(struct outputs *o, const char *code, const char *name,
			const struct cov *c, const struct cov_targets *t)
{
	char cell[COV_NCOLS][24];
	const char *cells[COV_NCOLS];
	int i;

	memset(cell, 0, sizeof(cell));
	num(cell[2], 24, c->population);
	num(cell[3], 24, c->insured);
	rate(cell[4], 24, c->insured, c->population);
	if (t->bhyt >= 0) {
		fmt_hundredths(t->bhyt, cell[5], 24);
		if (c->population > 0 && t->bhyt > 0)
			fmt_hundredths(
				div_round((long long)c->insured * 100000000LL,
					  (long long)c->population * t->bhyt),
				cell[6], 24);
		remaining(cell[7], 24, t->bhyt, c->population, c->insured);
	}
	if (t->lf >= 0) {
		long bhxh = c->bhxh_compulsory + c->bhxh_voluntary;

		num(cell[8], 24, t->lf);
		num(cell[9], 24, c->bhxh_compulsory);
		num(cell[10], 24, c->bhxh_voluntary);
		rate(cell[11], 24, bhxh, t->lf);
		if (t->bhxh >= 0)
			fmt_hundredths(t->bhxh, cell[12], 24);
		rate(cell[13], 24, c->bhxh_voluntary, t->lf);
		if (t->vol >= 0)
			fmt_hundredths(t->vol, cell[14], 24);
		/* compulsory: against the compulsory part of the target */
		if (t->bhxh >= 0)
			remaining(cell[15], 24,
				  t->bhxh - (t->vol >= 0 ? t->vol : 0), t->lf,
				  c->bhxh_compulsory);
		remaining(cell[16], 24, t->vol, t->lf, c->bhxh_voluntary);
		num(cell[17], 24, c->bhtn);
		rate(cell[18], 24, c->bhtn, t->lf);
		if (t->bhtn >= 0)
			fmt_hundredths(t->bhtn, cell[19], 24);
		remaining(cell[20], 24, t->bhtn, t->lf, c->bhtn);
	}
	cells[0] = code;
	cells[1] = name;
	for (i = 2; i < COV_NCOLS; i++)
		cells[i] = cell[i];
	out_add(o, L_COVERAGE, code, 0, R_NONE, cells);
}

static void targets_of(const struct target *t, struct cov_targets *out)
{
	out->bhyt = out->bhxh = out->vol = out->bhtn = out->lf = -1;
	if (!t)
		return;
	out->bhyt = bp(t->bhyt);
	out->bhxh = bp(t->bhxh);
	out->vol = bp(t->bhxh_voluntary);
	out->bhtn = bp(t->bhtn);
	out->lf = t->labour_force;
}

/* Weighted mean of targets: sum[i] / weight[i], or -1 with no weight. */
struct wmean {
	long long sum, weight;
};

static void wm_add(struct wmean *w, long target_bp, long weight)
{
	if (target_bp >= 0 && weight > 0) {
		w->sum += (long long)target_bp * weight;
		w->weight += weight;
	}
}

static long wm(const struct wmean *w)
{
	return w->weight > 0 ? div_round(w->sum, w->weight) : -1;
}

void out_add_coverage(struct outputs *o, const struct batch *b)
{
	struct cov total = { "TOTAL", 0, 0, 0, 0, 0 };
	struct cov_targets tt;
	struct wmean w_bhyt = { 0, 0 }, w_bhxh = { 0, 0 }, w_vol = { 0, 0 },
		     w_bhtn = { 0, 0 };
	long lf = 0;
	int any_lf = 0;
	size_t i;

	for (i = 0; i < o->ncov; i++) {
		const struct cov *c = &o->cov[i];
		struct cov_targets t;

		targets_of(ref_target(b->ref, c->commune), &t);
		add_cov_row(
			o, c->commune,
			ref_commune_name(b->ref, c->commune, &b->period_start),
			c, &t);
		total.population += c->population;
		total.insured += c->insured;
		total.bhxh_compulsory += c->bhxh_compulsory;
		total.bhxh_voluntary += c->bhxh_voluntary;
		total.bhtn += c->bhtn;
		wm_add(&w_bhyt, t.bhyt, c->population);
		if (t.lf >= 0) {
			any_lf = 1;
			lf += t.lf;
			wm_add(&w_bhxh, t.bhxh, t.lf);
			wm_add(&w_vol, t.vol, t.lf);
			wm_add(&w_bhtn, t.bhtn, t.lf);
		}
	}
	/* The district's own targets, or the communes' weighted ones. */
	targets_of(ref_target(b->ref, "TOTAL"), &tt);
	if (tt.bhyt < 0)
		tt.bhyt = wm(&w_bhyt);
	if (tt.lf < 0)
		tt.lf = any_lf ? lf : -1;
	if (tt.bhxh < 0)
		tt.bhxh = wm(&w_bhxh);
	if (tt.vol < 0)
		tt.vol = wm(&w_vol);
	if (tt.bhtn < 0)
		tt.bhtn = wm(&w_bhtn);
	add_cov_row(o, "TOTAL", "Tổng cộng", &total, &tt);
}

static const char *row_commune(const void *ctx, size_t i)
{
	return ((const struct orow *)ctx)[i].commune;
}

/*
 * Sort a list by commune (or source label), then person key (or line),
 * then the order rows were added: the distinct communes are few, so they
 * are ranked once and the rows ordered by two stable radix passes.
 */
static void sort_rows(struct outlist *ol)
{
	uint32_t *rank;
	struct kv *kv;
	size_t i;

	if (ol->n < 2)
		return;
	rank = xmalloc(sizeof(*rank) * ol->n);
	ht_ranks(row_commune, ol->rows, ol->n, rank);
	kv = xmalloc(sizeof(*kv) * ol->n);
	for (i = 0; i < ol->n; i++)
		kv[i] = (struct kv){ ol->rows[i].key, (uint32_t)i };
	sort_kv(kv, ol->n);
	for (i = 0; i < ol->n; i++)
		kv[i].key = rank[kv[i].val];
	free(rank);
	sort_kv(kv, ol->n);
	permute_kv(ol->rows, sizeof(*ol->rows), kv, ol->n);
	free(kv);
}

/*
 * Copy the rows' blocks into a in the list's order: every later pass (the
 * CSV, the workbooks' plan, their rows, the summary's sheets) then reads
 * the text front to back instead of missing the cache on every row.
 */
static void relay_rows(struct outlist *ol, struct arena *a)
{
	size_t i, n;
	char *p;

	for (i = 0; i < ol->n; i++) {
		struct orow *r = &ol->rows[i];

		n = (size_t)(r->commune - r->text) + strlen(r->commune) + 1;
		p = arena_text(a, n);
		memcpy(p, r->text, n);
		r->commune = p + (r->commune - r->text);
		r->text = p;
	}
}

/* Coverage keeps its order: communes sorted, TOTAL last.  a NULL: the
   rows stay where they are (struct outputs' read_back). */
static void sort_list(struct outlist *ol, enum list l, struct arena *a)
{
	if (l != L_COVERAGE)
		sort_rows(ol);
	if (a)
		relay_rows(ol, a);
}

void out_csv_cell(FILE *f, const char *s)
{
	if (!needs_quotes(s, strlen(s))) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

int out_path(struct strbuf *sb, const char *dir, const char *name,
	     struct etl_err *err)
{
	size_t n = strlen(dir) + 1 + strlen(name);

	sb_reset(sb);
	if (n > PATH_MAX - 1)
		return etl_errf(err,
				"'%.64s...': path too long: %zu bytes, the "
				"limit is %d (PATH_MAX less one)",
				dir, n, PATH_MAX - 1);
	sb_addf(sb, "%s/%s", dir, name);
	return 0;
}

int out_create_tmp(const char *dir, const char *name, struct strbuf *tmp,
		   struct etl_err *err)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct strbuf base;
	int fd, rc;

	sb_init(&base, 0);
	sb_addf(&base, ".%s.%ld.tmp", name, (long)getpid());
	rc = out_path(tmp, dir, base.buf, err);
	sb_release(&base);
	if (rc < 0)
		return -1;
	fd = open(tmp->buf, flags, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* our PID in the name: a dead process's leftover */
		if (unlink(tmp->buf) < 0 && errno != ENOENT)
			return etl_errf(err, "'%s': cannot remove: %s",
					tmp->buf, strerror(errno));
		fd = open(tmp->buf, flags, 0600);
	}
	if (fd < 0)
		return etl_errf(err, "'%s': cannot create: %s", tmp->buf,
				strerror(errno));
	if (fchmod(fd, 0600) < 0) {
		etl_errf(err, "'%s': cannot set mode 0600: %s", tmp->buf,
			 strerror(errno));
		close(fd);
		unlink(tmp->buf);
		return -1;
	}
	return fd;
}

FILE *atomic_open(const char *dir, const char *name, struct strbuf *tmp,
		  struct etl_err *err)
{
	FILE *f;
	int fd = out_create_tmp(dir, name, tmp, err);

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		etl_errf(err, "'%s': cannot create: %s", tmp->buf,
			 strerror(errno));
		close(fd);
		unlink(tmp->buf);
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

int atomic_commit(FILE *f, const char *dir, const char *name, const char *tmp,
		  struct etl_err *err)
{
	struct strbuf path;
	int e = 0;

	if (fflush(f) != 0 || ferror(f))
		e = errno ? errno : EIO;
	else if (fsync(fileno(f)) < 0)
		e = errno;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (e) {
		etl_errf(err, "'%s/%s': cannot write: %s", dir, name,
			 strerror(e));
		unlink(tmp);
		return -1;
	}
	sb_init(&path, 0);
	if (out_path(&path, dir, name, err) < 0 || rename(tmp, path.buf) < 0) {
		if (path.len)
			etl_errf(err, "'%s': cannot rename into place: %s",
				 path.buf, strerror(errno));
		unlink(tmp);
		sb_release(&path);
		return -1;
	}
	sb_release(&path);
	return 0;
}

int write_file_atomic(const char *dir, const char *name, const char *data,
		      size_t len, struct etl_err *err)
{
	struct strbuf tmp;
	FILE *f;
	int rc = -1;

	sb_init(&tmp, 0);
	f = atomic_open(dir, name, &tmp, err);
	if (f) {
		fwrite(data, 1, len, f);
		rc = atomic_commit(f, dir, name, tmp.buf, err);
	}
	sb_release(&tmp);
	return rc;
}

/*
 * A row none of whose cells needs quotes: its block, NULs made commas.
 * The cells end where the commune out_add put after them begins.
 */
static void write_plain_row(FILE *f, const struct orow *row)
{
	char buf[1024];
	const char *p;
	size_t n = (size_t)(row->commune - row->text); /* cells and NULs */

	if (n > sizeof(buf)) {
		for (p = row->text; p < row->commune; p += strlen(p) + 1) {
			if (p != row->text)
				putc(',', f);
			fputs(p, f);
		}
		putc('\n', f);
		return;
	}
	memcpy(buf, row->text, n);
	for (p = buf; (p = memchr(p, '\0', (size_t)(buf + n - p)));)
		*(char *)p++ = ',';
	buf[n - 1] = '\n';
	fwrite(buf, 1, n, f);
}

/* Sort list l and write it as dir/<its file>. */
static int write_list(struct outputs *o, enum list l, const char *dir,
		      struct etl_err *err)
{
	struct outlist *ol = &o->lists[l];
	struct strbuf tmp;
	FILE *f;
	size_t r;
	int i, rc;

	sb_init(&tmp, 0);
	f = atomic_open(dir, lists[l].file, &tmp, err);
	if (!f) {
		sb_release(&tmp);
		return -1;
	}
	fputs(lists[l].header, f);
	putc('\n', f);
	for (r = 0; r < ol->n; r++) {
		const char *cell = ol->rows[r].text;

		/* start the disk on what is written, so the final fsync
		   does not wait for all of a large file */
		if ((r & 0x3ffff) == 0x3ffff && fflush(f) == 0)
			sync_file_range(fileno(f), 0, 0, SYNC_FILE_RANGE_WRITE);
		if (ol->rows[r].plain) {
			write_plain_row(f, &ol->rows[r]);
			continue;
		}
		for (i = 0; i < lists[l].ncols; i++) {
			if (i)
				putc(',', f);
			out_csv_cell(f, cell);
			cell += strlen(cell) + 1;
		}
		putc('\n', f);
	}
	rc = atomic_commit(f, dir, lists[l].file, tmp.buf, err);
	sb_release(&tmp);
	return rc;
}

struct writer {
	struct outputs *o;
	enum list l;
	const char *dir;
	struct etl_err err;
	int rc;
};

static void *write_list_thread(void *arg)
{
	struct writer *w = arg;

	w->rc = write_list(w->o, w->l, w->dir, &w->err);
	return NULL;
}

int out_write_all(struct outputs *o, const char *dir, struct etl_err *err)
{
	return out_write_all_and(o, dir, NULL, NULL, err);
}

int out_write_all_and(struct outputs *o, const char *dir,
		      int (*also)(struct outputs *o, void *ctx,
				  struct etl_err *err),
		      void *ctx, struct etl_err *err)
{
	struct writer w = { o, L_RENEW, dir, { "" }, 0 };
	struct arena fresh;
	pthread_t tid;
	int l, rc = 0, threaded;
	enum list big = L_RENEW;

	arena_init(&fresh);
	for (l = 0; l < L_N; l++)
		sort_list(&o->lists[l], (enum list)l,
			  o->read_back ? NULL : &fresh);
	if (!o->read_back) {
		arena_release(&o->arena); /* every row now lives in fresh */
		o->arena = fresh;
	}
	/* The longest list (renewals, mostly) on a thread of its own, then
	   also (the workbooks: they use both cores, sharing none of them) */
	for (l = 0; l < L_N; l++)
		if (o->lists[l].n > o->lists[big].n)
			big = (enum list)l;
	w.l = big;
	threaded = etl_threads() > 1 &&
		   pthread_create(&tid, NULL, write_list_thread, &w) == 0;
	for (l = 0; l < L_N && !rc; l++)
		if (l != (int)big)
			rc = write_list(o, (enum list)l, dir, err);
	if (threaded)
		pthread_join(tid, NULL);
	else
		write_list_thread(&w);
	if (!rc && w.rc == 0 && also)
		rc = also(o, ctx, err);
	if (!rc && w.rc < 0) {
		*err = w.err;
		rc = -1;
	}
	return rc;
}
