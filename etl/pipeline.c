/*
 * pipeline.c: pieces shared by the run command and the stage commands:
 * inputs, reading them (in parallel), reference tables, dates, default
 * scope, the printed tables.
 */
#include "pipeline.h"
#include "money.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The message of a run with more inputs than INPUTS_MAX. */
static int too_many_inputs(struct etl_err *err)
{
	return etl_errf(err,
			"too many input files: at most %u (--prior, "
			"--registry and --roster together)",
			(unsigned)INPUTS_MAX);
}

/*
 * Take a trailing ",commune=CODE" or ",group=GROUP" off the end of
 * arg[0..*len): 1 if one was (its value into in), 0 if none, -1 with err.
 */
static int take_default(const char *arg, size_t *len, struct input *in,
			struct etl_err *err)
{
	static const char *const names[] = { "commune", "group" };
	const char *comma = NULL, *p, *v;
	const char **slot;
	size_t i, k;

	for (p = arg; p < arg + *len; p++)
		if (*p == ',')
			comma = p;
	if (!comma)
		return 0;
	for (k = 0; k < 2; k++) {
		i = strlen(names[k]);
		if (strncmp(comma + 1, names[k], i) || comma[1 + i] != '=')
			continue;
		v = comma + 2 + i;
		slot = k ? &in->group : &in->commune;
		if (*slot)
			return etl_errf(err, "'%s': %s= given twice", arg,
					names[k]);
		if (v == arg + *len)
			return etl_errf(err, "'%s': %s= needs a value", arg,
					names[k]);
		*slot = xstrndup(v, (size_t)(arg + *len - v));
		*len = (size_t)(comma - arg);
		return 1;
	}
	return 0;
}

int input_add(struct run_opts *o, enum kind kind, const char *arg,
	      const char *encoding, struct etl_err *err)
{
	struct input in = { .kind = kind, .encoding = encoding };
	size_t len = strlen(arg);
	const char *eq, *slash, *p;
	int rc = 0;

	if (o->ninputs >= INPUTS_MAX)
		return too_many_inputs(err);
	/* an existing file's name is its path, ',' and '=' or not */
	if (access(arg, F_OK) != 0)
		while ((rc = take_default(arg, &len, &in, err)) > 0)
			;
	if (rc == 0 && (in.commune || in.group) && kind != KIND_ROSTER)
		rc = etl_errf(err,
			      "'%s': a default commune or group is for a "
			      "--roster file only",
			      arg);
	if (rc < 0) {
		free((char *)in.commune);
		free((char *)in.group);
		return -1;
	}
	/* a label is what follows the last '=' if it is not empty and holds
	 * no '/' (rules.md R1.2) */
	for (eq = NULL, p = arg; p < arg + len; p++)
		if (*p == '=')
			eq = p;
	if (eq && (eq + 1 == arg + len ||
		   memchr(eq + 1, '/', (size_t)(arg + len - eq - 1)) ||
		   (len == strlen(arg) && access(arg, F_OK) == 0)))
		eq = NULL;
	if (eq) {
		in.path = xstrndup(arg, (size_t)(eq - arg));
		in.label = xstrndup(eq + 1, (size_t)(arg + len - eq - 1));
	} else {
		in.path = xstrndup(arg, len);
		slash = strrchr(in.path, '/');
		in.label = xstrdup(slash ? slash + 1 : in.path);
	}
	GROW(o->inputs, o->inputs_cap, o->ninputs + 1);
	o->inputs[o->ninputs++] = in;
	return 0;
}

int pipeline_ref(struct ref *ref, const struct run_opts *o, struct etl_err *err)
{
	struct date start, today;

	if (ref_load_groups(ref, o->groups, err) < 0 ||
	    ref_load_communes(ref, NULL, err) < 0 ||
	    ref_load_commune_map(ref, NULL, err) < 0)
		return -1;
	if (o->areas && ref_load_areas(ref, o->areas, err) < 0)
		return -1;
	if (o->scope && ref_load_scope(ref, o->scope, err) < 0)
		return -1;
	if (o->targets && ref_load_targets(ref, o->targets, err) < 0)
		return -1;
	if (o->units && ref_load_units(ref, o->units, err) < 0)
		return -1;
	if (!ref->contrib) {
		ref->contrib = xmalloc(sizeof(*ref->contrib));
		contrib_init(ref->contrib);
	}
	if (contrib_load(ref->contrib, ref, o->contributions, err) < 0 ||
	    (o->support &&
	     contrib_load_support(ref->contrib, ref, o->support, err) < 0))
		return -1;
	/* areas, targets and scope may use old codes (rules.md R3.16) */
	pipeline_dates(o, &start, &today);
	ref_communes_on(ref, &start);
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
		*today =
			date_make(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	}
}

/*
 * Reading in parallel: each input is read into a shard batch of its own by
 * a pool of threads (largest files first), and the main thread moves the
 * shards into b in input order as they finish, so b ends exactly as if
 * the files had been read one after the other.
 */
struct shard {
	struct batch b;
	struct etl_err err;
	int rc, done;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct shard *shards; /* shards[k]: source first + k */
	const struct batch *main;
	unsigned *order; /* k of the shards, largest file first */
	unsigned first, next, n;
};

static void *reader(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct shard *sh;
		const struct source *s;
		unsigned i;

		pthread_mutex_lock(&p->lock);
		i = p->next < p->n ? p->order[p->next++] : UINT_MAX;
		pthread_mutex_unlock(&p->lock);
		if (i == UINT_MAX)
			return NULL;
		sh = &p->shards[i];
		s = &p->main->srcs[p->first + i];
		batch_init(&sh->b, p->main->ref, p->main->period,
			   &p->main->period_start, &p->main->today);
		batch_add_source(&sh->b,
				 &(struct input){ .path = s->path,
						  .label = s->label,
						  .encoding = s->encoding,
						  .kind = s->kind,
						  .commune = s->def_commune,
						  .group = s->def_group });
		sh->b.sink = p->main->sink;
		sh->b.skip = p->main->skip;
		sh->b.sink_ctx = p->main->sink_ctx;
		sh->b.sink_src = p->first + i;
		sh->rc = batch_read_source(&sh->b, 0, &sh->err);
		pthread_mutex_lock(&p->lock);
		sh->done = 1;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

int pipeline_read(struct batch *b, const struct run_opts *o,
		  struct etl_err *err)
{
	struct pool p;
	pthread_t tid[ETL_THREADS_MAX];
	off_t *size;
	unsigned i, j, first = b->nsrcs, nthreads = 0;
	int kind, rc = 0;

	if (b->nsrcs + o->ninputs > INPUTS_MAX)
		return too_many_inputs(err);
	for (kind = 0; kind < KIND_N; kind++)
		for (i = 0; i < o->ninputs; i++)
			if ((int)o->inputs[i].kind == kind)
				batch_add_source(b, &o->inputs[i]);
	p.n = (unsigned)b->nsrcs - first;
	if (!p.n)
		return 0;
	p.shards = xcalloc(p.n, sizeof(*p.shards));
	p.order = xmalloc(sizeof(*p.order) * p.n);
	size = xmalloc(sizeof(*size) * p.n);
	for (i = 0; i < p.n; i++) {
		size[i] = strcmp(b->srcs[first + i].path, "-")
				  ? file_size(b->srcs[first + i].path)
				  : 0;
		/* insertion by size, largest first; ties in input order */
		for (j = i; j > 0 && size[p.order[j - 1]] < size[i]; j--)
			p.order[j] = p.order[j - 1];
		p.order[j] = i;
	}
	free(size);
	p.first = first;
	p.main = b;
	p.next = 0;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	for (i = 0; etl_threads() > 1 && i < etl_threads() && i < p.n; i++)
		if (pthread_create(&tid[i], NULL, reader, &p) == 0)
			nthreads++;
	if (!nthreads)
		reader(&p); /* no thread to be had: read them here */
	for (i = first; i < first + p.n; i++) {
		struct shard *sh = &p.shards[i - first];

		pthread_mutex_lock(&p.lock);
		while (!sh->done)
			pthread_cond_wait(&p.cond, &p.lock);
		pthread_mutex_unlock(&p.lock);
		if (sh->rc < 0 && !rc) {
			/* the first failing input, in input order: stop,
			 * keeping the warnings of its rows before the error */
			*err = sh->err;
			rc = -1;
			msgs_absorb(&b->msgs, &sh->b.msgs);
			pthread_mutex_lock(&p.lock);
			for (j = p.next; j < p.n; j++)
				p.shards[p.order[j]].done = 1;
			p.next = p.n;
			pthread_mutex_unlock(&p.lock);
		}
		if (rc < 0) {
			batch_release(&sh->b);
			continue;
		}
		batch_absorb(b, &sh->b, i);
		if (b->absorbed)
			b->absorbed(b->sink_ctx, b, i);
		msgs_add(&b->msgs, MSG_LOG,
			 "read %s '%s': %lu rows, %lu accepted, %lu rejected "
			 "(%.2f s)",
			 kind_name(b->srcs[i].kind), b->srcs[i].label,
			 b->srcs[i].rows_read, b->srcs[i].accepted,
			 b->srcs[i].rejected, b->srcs[i].seconds);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	free(p.shards);
	free(p.order);
	return rc;
}

/* The coverage counts keep commune codes as the scope does: whole. */
_Static_assert(sizeof(((struct cov *)0)->commune) == COMMUNE_CODE_MAX + 1,
	       "struct cov holds a commune code of COMMUNE_CODE_MAX bytes");

void scope_codes_add(struct scope_codes *sc, const struct rec *r)
{
	size_t len;

	if (r->kind != KIND_REGISTRY || !r->commune[0] ||
	    (sc->n && !strcmp(sc->v[sc->n - 1], r->commune)))
		return;
	len = strlen(r->commune);
	if (len > COMMUNE_CODE_MAX)
		abort(); /* cannot be: rec_normalise rejects the row */
	GROW(sc->v, sc->cap, sc->n + 1);
	memcpy(sc->v[sc->n++], r->commune, len + 1);
}

void pipeline_default_scope(struct batch *b)
{
	struct scope_codes sc = { NULL, 0, 0 };
	size_t i;

	if (b->ref->scope)
		return;
	for (i = 0; i < b->nrecs; i++)
		scope_codes_add(&sc, &b->recs[i]);
	ref_scope_set(b->ref, sc.v, sc.n);
	free(sc.v);
}

unsigned long pipeline_rejects(const struct batch *b)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < b->nsrcs; i++)
		n += b->srcs[i].rejected;
	return n;
}

_Static_assert(R_N <= 64, "pipeline_file_rejects marks reasons in 64 bits");

int pipeline_file_rejects(const struct batch *b, int pct, struct etl_err *err)
{
	char top[160];
	size_t i, len;
	int k, r, best;

	for (i = 0; i < b->nsrcs; i++) {
		const struct source *s = &b->srcs[i];
		unsigned long done = 0; /* reasons named, bitwise */

		if (!s->rows_read ||
		    s->rejected * 100 <= (unsigned long)pct * s->rows_read)
			continue;
		/* the three most frequent reasons, the first reason on a tie */
		top[0] = '\0';
		for (k = 0; k < 3; k++) {
			for (best = -1, r = 0; r < R_N; r++)
				if (s->rejected_by[r] && !(done >> r & 1) &&
				    (best < 0 ||
				     s->rejected_by[r] > s->rejected_by[best]))
					best = r;
			if (best < 0)
				break;
			done |= 1ul << best;
			len = strlen(top);
			snprintf(top + len, sizeof(top) - len, "%s%s %lu",
				 k ? ", " : "", reason_name((enum reason)best),
				 s->rejected_by[best]);
		}
		return etl_errf(
			err,
			"'%s': %lu of %lu rows rejected, more than "
			"--max-file-rejects %d%% (%s): the wrong file, "
			"or read the wrong way (encoding, sheet, header "
			"row)? No list written; see `doisoat inspect "
			"%s`",
			s->path, s->rejected, s->rows_read, pct, top, s->path);
	}
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
		const char *c[COV_NCOLS];
		const unsigned char *s;
		int total, w = 0;
		char stt[8];

		orow_cells(&cl->rows[i], L_COVERAGE, c);
		s = (const unsigned char *)c[1];
		total = !strcmp(c[0], "TOTAL");

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
		{ 8, "LLLĐ", 8, 'n' },	     { 12, "CT BHXH", 8, 'p' },
		{ 14, "CT TN", 7, 'p' },     { 9, "Bắt buộc", 9, 'n' },
		{ 10, "Tự nguyện", 9, 'n' }, { 11, "% LLLĐ", 7, 'p' },
		{ 13, "TN % LLLĐ", 9, 'p' }, { 15, "Còn BB", 7, 'n' },
		{ 16, "Còn TN", 7, 'n' },
	};
	static const struct pcol bhtn[] = {
		{ 8, "LLLĐ", 8, 'n' },	    { 17, "Có BHTN", 8, 'n' },
		{ 18, "Bao phủ", 8, 'p' },  { 19, "Chỉ tiêu", 8, 'p' },
		{ 20, "Còn phải", 9, 'n' },
	};
	const struct outlist *cl = &o->lists[L_COVERAGE];

	print_table(o, f, "BHYT (dân số)", bhyt, 6);
	if (cl->n && orow_cell(&cl->rows[cl->n - 1], 8)[0]) {
		fputc('\n', f);
		print_table(o, f, "BHXH (lực lượng lao động)", bhxh, 9);
		fputc('\n', f);
		print_table(o, f, "BHTN (lực lượng lao động)", bhtn, 5);
		fputs("\nTổng cộng: \"còn phải\" tính từ số tổng, không cộng "
		      "các dòng (nên có thể lệch 1 so với tổng các xã).\n",
		      f);
	}
}
