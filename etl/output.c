/*
 * output.c: the lists of a run as rows of text, sorted and written as
 * RFC 4180 CSV files (spec §6), and the coverage rows (spec §7).
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *file, *header;
	int ncols;
} lists[L_N] = {
	[L_INCREASE] = { "increase.csv",
			 "person_id,bhxh_code,full_name,dob,sex,commune_code,"
			 "group_code,benefit_level,hospital_code,"
			 "effective_from,reason,source",
			 12 },
	[L_DECREASE] = { "decrease.csv",
			 "person_id,bhxh_code,card_code,full_name,dob,sex,"
			 "commune_code,group_code,effective_to,reason",
			 10 },
	[L_CHANGE] = { "change.csv",
		       "person_id,bhxh_code,card_code,full_name,dob,sex,"
		       "commune_code,old_group_code,group_code,benefit_level,"
		       "changed_fields,reason",
		       12 },
	[L_RENEW] = { "renew.csv",
		      "person_id,bhxh_code,card_code,full_name,dob,sex,"
		      "commune_code,group_code,benefit_level",
		      9 },
	[L_UNINSURED] = { "uninsured.csv",
			  "person_id,full_name,dob,sex,commune_code,"
			  "household_code",
			  6 },
	[L_REVIEW] = { "review.csv",
		       "source,line,person_id,bhxh_code,reason,detail", 6 },
	[L_REJECTS] = { "rejects.csv", "source,line,reason,raw", 4 },
	[L_COVERAGE] = { "coverage.csv",
			 "commune_code,commune_name,population,insured,"
			 "coverage_pct,target_pct,pct_of_target,remaining",
			 8 },
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
	arena_release(&o->arena);
	memset(o, 0, sizeof(*o));
}

void out_add(struct outputs *o, enum list l, const char *commune,
	     uint64_t key, enum reason reason, const char *const *cells)
{
	struct outlist *ol = &o->lists[l];
	struct orow *row;
	int i, n = lists[l].ncols;

	GROW(ol->rows, ol->cap, ol->n + 1);
	row = &ol->rows[ol->n++];
	row->commune = commune ? arena_strdup(&o->arena, commune) : "";
	row->key = key;
	row->seq = o->seq++;
	row->reason = (uint8_t)reason;
	row->cells = arena_alloc(&o->arena, sizeof(char *) * (size_t)n);
	for (i = 0; i < n; i++)
		row->cells[i] = cells[i] ? arena_strdup(&o->arena, cells[i])
					 : "";
	ol->by_reason[reason]++;
}

/* Review and reject rows sort by source label, then line. */
static void add_note(struct outputs *o, enum list l, const struct batch *b,
		     const struct note *n)
{
	char line[16], pid[13], bhxh[11];
	const char *cells[6];

	snprintf(line, sizeof(line), "%u", n->line);
	cells[0] = b->srcs[n->src].label;
	cells[1] = line;
	if (l == L_REJECTS) {
		cells[2] = reason_name((enum reason)n->reason);
		cells[3] = n->text;
	} else {
		fmt_pid(n->key, pid);
		fmt_bhxh(n->bhxh, bhxh);
		cells[2] = pid;
		cells[3] = bhxh;
		cells[4] = reason_name((enum reason)n->reason);
		cells[5] = n->text;
	}
	/* sorted by source label, then line */
	out_add(o, l, b->srcs[n->src].label, n->line, (enum reason)n->reason,
		cells);
}

void out_add_notes(struct outputs *o, const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->nreviews; i++)
		add_note(o, L_REVIEW, b, &b->reviews[i]);
	for (i = 0; i < b->nrejects; i++)
		add_note(o, L_REJECTS, b, &b->rejects[i]);
}

/* round(num / den) for non-negative den, half away from zero */
static long div_round(long long num, long long den)
{
	if (num >= 0)
		return (long)((2 * num + den) / (2 * den));
	return -(long)((-2 * num + den) / (2 * den));
}

static void fmt_hundredths(long h, char *out, size_t n, char point)
{
	snprintf(out, n, "%s%ld%c%02ld", h < 0 ? "-" : "", labs(h) / 100,
		 point, labs(h) % 100);
}

void fmt_pct_vi(long hundredths, char *out, size_t n)
{
	fmt_hundredths(hundredths, out, n, ',');
	strncat(out, "%", n - strlen(out) - 1);
}

static void add_cov_row(struct outputs *o, const struct batch *b,
			const char *code, const char *name, long pop,
			long insured, long target_bp)
{
	char cpop[24], cins[24], cpct[24], ctgt[24], cof[24], crem[24];
	const char *cells[8];

	snprintf(cpop, sizeof(cpop), "%ld", pop);
	snprintf(cins, sizeof(cins), "%ld", insured);
	cpct[0] = ctgt[0] = cof[0] = crem[0] = '\0';
	if (pop > 0)
		fmt_hundredths(div_round((long long)insured * 10000, pop), cpct,
			       sizeof(cpct), '.');
	if (target_bp >= 0) {
		fmt_hundredths(target_bp, ctgt, sizeof(ctgt), '.');
		if (pop > 0 && target_bp > 0)
			fmt_hundredths(div_round((long long)insured *
							 100000000LL,
						 (long long)pop * target_bp),
				       cof, sizeof(cof), '.');
		snprintf(crem, sizeof(crem), "%ld",
			 div_round((long long)target_bp * pop, 10000) -
				 insured);
	}
	cells[0] = code;
	cells[1] = name;
	cells[2] = cpop;
	cells[3] = cins;
	cells[4] = cpct;
	cells[5] = ctgt;
	cells[6] = cof;
	cells[7] = crem;
	(void)b;
	out_add(o, L_COVERAGE, code, 0, R_NONE, cells);
}

void out_add_coverage(struct outputs *o, const struct batch *b)
{
	long pop = 0, ins = 0, tpop = 0, tsum = 0, total_bp = -1;
	size_t i;

	for (i = 0; i < o->ncov; i++) {
		const struct cov *c = &o->cov[i];
		const struct target *t = ref_target(b->ref, c->commune);
		long bp = t && t->bhyt >= 0 ? (long)(t->bhyt * 100 + 0.5) : -1;

		add_cov_row(o, b, c->commune,
			    ref_commune_name(b->ref, c->commune,
					     &b->period_start),
			    c->population, c->insured, bp);
		pop += c->population;
		ins += c->insured;
		if (bp >= 0) {
			tpop += c->population;
			tsum += bp * c->population;
		}
	}
	/* The total's target: population-weighted (95% if all are 95%). */
	if (tpop > 0)
		total_bp = div_round(tsum, tpop);
	add_cov_row(o, b, "TOTAL", "Tổng cộng", pop, ins, total_bp);
}

static int cmp_rows(const void *x, const void *y)
{
	const struct orow *a = x, *b = y;
	int c = strcmp(a->commune, b->commune);

	if (c)
		return c;
	/* BHXH-keyed cards (no personal ID) after those with one */
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Coverage keeps its order: communes sorted, TOTAL last. */
static void sort_list(struct outlist *ol, enum list l)
{
	if (l != L_COVERAGE)
		qsort(ol->rows, ol->n, sizeof(*ol->rows), cmp_rows);
}

static int csv_cell(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' &&
	    (!s[0] || s[strlen(s) - 1] != ' '))
		return sb_adds(sb, s);
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *s);
	}
	return sb_addc(sb, '"');
}

int write_file_atomic(const char *dir, const char *name, const char *data,
		      size_t len, struct etl_err *err)
{
	char path[4096], tmp[4096];
	ssize_t w;
	size_t off = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.%ld.tmp", dir, name, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return etl_errf(err, "'%s': cannot create: %s", tmp,
				strerror(errno));
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			etl_errf(err, "'%s': write failed: %s", tmp,
				 strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		etl_errf(err, "'%s': write failed: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		etl_errf(err, "'%s': cannot rename into place: %s", path,
			 strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int out_write_all(struct outputs *o, const char *dir, struct etl_err *err)
{
	struct strbuf sb;
	int l, i, rc = 0;
	size_t r;

	sb_init(&sb, 0);
	for (l = 0; l < L_N && !rc; l++) {
		struct outlist *ol = &o->lists[l];

		sort_list(ol, (enum list)l);
		sb_reset(&sb);
		sb_adds(&sb, lists[l].header);
		sb_addc(&sb, '\n');
		for (r = 0; r < ol->n; r++) {
			for (i = 0; i < lists[l].ncols; i++) {
				if (i)
					sb_addc(&sb, ',');
				csv_cell(&sb, ol->rows[r].cells[i]);
			}
			sb_addc(&sb, '\n');
		}
		rc = write_file_atomic(dir, lists[l].file, sb.buf, sb.len,
				       err);
	}
	sb_release(&sb);
	return rc;
}
