/*
 * rec.c: reading input files into the batch (rules.md R1, R2), normalising
 * every row (rules.md R3), and the review and reject notes.  One
 * rec_normalise() serves the run command and the normalise stage alike.
 */
#include "rec.h"
#include "csvin.h"
#include "hdrpick.h"
#include "xlsin.h"
#include "xlsxin.h"

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

void batch_init(struct batch *b, struct ref *ref, int period,
		const struct date *period_start, const struct date *today)
{
	memset(b, 0, sizeof(*b));
	arena_init(&b->arena);
	arena_init(&b->name_arena);
	ht_init(&b->intern, 1024);
	ht_init(&b->names, 1024);
	b->ref = ref;
	b->period = period;
	b->period_start = *period_start;
	b->today = *today;
}

void batch_drop_rows(struct batch *b)
{
	free(b->recs);
	free(b->reviews);
	free(b->rejects);
	free(b->leads);
	free(b->people);
	free(b->members);
	free(b->scratch);
	b->recs = NULL;
	b->reviews = b->rejects = NULL;
	b->leads = NULL;
	b->people = NULL;
	b->members = NULL;
	b->scratch = NULL;
	b->recs_cap = b->reviews_cap = b->rejects_cap = b->leads_cap = 0;
	b->people_cap = b->scratch_cap = 0;
	b->nreviews = b->nrejects = b->nleads = b->nmembers = 0;
}

void batch_release(struct batch *b)
{
	batch_drop_rows(b);
	free(b->srcs);
	free(b->interned);
	msgs_release(&b->msgs);
	ht_release(&b->intern);
	ht_release(&b->names);
	free(b->nmemo);
	arena_release(&b->name_arena);
	arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

void batch_absorb(struct batch *b, struct batch *shard, unsigned src)
{
	struct source *to = &b->srcs[src];
	const char *path = to->path, *label = to->label, *enc = to->encoding;
	const char *commune = to->def_commune, *group = to->def_group;
	size_t i;

	GROW(b->recs, b->recs_cap, b->nrecs + shard->nrecs);
	for (i = 0; i < shard->nrecs; i++) {
		b->recs[b->nrecs] = shard->recs[i];
		b->recs[b->nrecs++].src = (uint16_t)src;
	}
	GROW(b->rejects, b->rejects_cap, b->nrejects + shard->nrejects);
	for (i = 0; i < shard->nrejects; i++) {
		b->rejects[b->nrejects] = shard->rejects[i];
		b->rejects[b->nrejects++].src = (uint16_t)src;
	}
	GROW(b->leads, b->leads_cap, b->nleads + shard->nleads);
	for (i = 0; i < shard->nleads; i++) {
		b->leads[b->nleads] = shard->leads[i];
		b->leads[b->nleads++].src = (uint16_t)src;
	}
	*to = shard->srcs[0];
	to->path = path;
	to->label = label;
	to->encoding = enc;
	to->def_commune = commune;
	to->def_group = group;
	msgs_absorb(&b->msgs, &shard->msgs);
	arena_absorb(&b->arena, &shard->arena);
	if (!shard->sink) /* else what it kept has its own copies */
		arena_absorb(&b->arena, &shard->name_arena);
	batch_release(shard);
}

void batch_print_msgs(struct batch *b, FILE *f)
{
	msgs_print(&b->msgs, f);
}

unsigned batch_add_source(struct batch *b, const struct input *in)
{
	struct source *s;

	GROW(b->srcs, b->srcs_cap, b->nsrcs + 1);
	s = &b->srcs[b->nsrcs];
	memset(s, 0, sizeof(*s));
	s->path = in->path;
	s->label = in->label;
	s->kind = in->kind;
	s->encoding = in->encoding;
	s->def_commune = in->commune;
	s->def_group = in->group;
	return (unsigned)b->nsrcs++;
}

struct note review_note(const struct rec *r, enum reason reason,
			const char *text)
{
	struct note n;

	memset(&n, 0, sizeof(n));
	n.src = r->src;
	n.line = r->line;
	n.reason = (uint8_t)reason;
	n.sheet = r->sheet;
	n.key = r->key ? r->key : r->pid;
	n.bhxh = r->bhxh;
	n.text = text ? text : "";
	return n;
}

void batch_add_review(struct batch *b, const struct note *n)
{
	GROW(b->reviews, b->reviews_cap, b->nreviews + 1);
	b->reviews[b->nreviews++] = *n;
	b->srcs[n->src].review_by[n->reason]++;
}

void batch_review(struct batch *b, const struct rec *r, enum reason reason,
		  const char *text)
{
	struct note n = review_note(
		r, reason, text ? arena_strdup(&b->arena, text) : NULL);

	batch_add_review(b, &n);
}

void batch_reject(struct batch *b, unsigned src, unsigned long line,
		  enum reason reason, const char *raw, size_t raw_len)
{
	struct note *n;

	GROW(b->rejects, b->rejects_cap, b->nrejects + 1);
	n = &b->rejects[b->nrejects++];
	memset(n, 0, sizeof(*n));
	n->src = (uint16_t)src;
	n->line = (uint32_t)line;
	n->reason = (uint8_t)reason;
	n->text = arena_strndup(&b->arena, raw, raw_len);
	b->srcs[src].rejected++;
	b->srcs[src].rejected_by[reason]++;
}

int parse_digits(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* The last width digits of v, zero-padded, NUL-terminated. */
static void fmt_digits(uint64_t v, int width, char *out)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[width] = '\0';
}

void fmt_pid(uint64_t key, char out[13])
{
	if (!key || (key & KEY_BHXH_TAG))
		out[0] = '\0';
	else
		fmt_digits(key, 12, out);
}

void fmt_bhxh(uint64_t bhxh, char out[11])
{
	if (!bhxh)
		out[0] = '\0';
	else
		fmt_digits(bhxh, 10, out);
}

void fmt_cmnd(const struct rec *r, char out[13])
{
	if (!r->cmnd)
		out[0] = '\0';
	else
		fmt_digits(r->cmnd, r->cmnd_len, out);
}

void fmt_card(const struct rec *r, char out[16])
{
	if (r->card_len == 15) {
		memcpy(out, r->card_group, 2);
		out[2] = (char)('0' + r->card_level);
		memcpy(out + 3, r->card_prov, 2);
		fmt_digits(r->bhxh, 10, out + 5);
	} else if (r->card_len == 10) {
		fmt_digits(r->bhxh, 10, out);
	} else {
		out[0] = '\0';
	}
}

/* The raw cell of field f, as (s, n); n = 0 when absent. */
#define CELL(f) raw[f] ? raw[f] : "", raw[f] ? strlen(raw[f]) : 0

/* The one copy of a short string that many rows share. */
static const char *intern(struct batch *b, const char *s)
{
	size_t n = strlen(s), pos;
	uint64_t h = ht_hash(s, n);
	uint32_t v;

	for (pos = ht_first(&b->intern, h);
	     (v = ht_next(&b->intern, h, &pos)) != HT_NONE;)
		if (!strcmp(b->interned[v], s))
			return b->interned[v];
	GROW(b->interned, b->interned_cap, b->ninterned + 1);
	b->interned[b->ninterned] = arena_strndup(&b->arena, s, n);
	ht_insert(&b->intern, h, (uint32_t)b->ninterned);
	return b->interned[b->ninterned++];
}

static char *scratch(struct batch *b, size_t need)
{
	GROW(b->scratch, b->scratch_cap, need);
	return b->scratch;
}

/*
 * A normalised code, whole whatever its length ("" if empty or bad);
 * interned when it is of a kind with few values.
 */
static const char *code_str(struct batch *b, const char *s, size_t n,
			    int shared)
{
	size_t cap = 2 * n + 8; /* upper case grows UTF-8 by half at most */
	char *buf = scratch(b, cap);

	if (!n || norm_code(s, n, buf, cap) != NORM_OK)
		return "";
	return shared ? intern(b, buf) : arena_strdup(&b->arena, buf);
}

/*
 * The memo of field f when it holds the raw value s (n bytes), else NULL
 * after making it ready to hold s (the caller fills val/str, sets valid).
 */
static struct memo *memo_hit(struct batch *b, int f, const char *s, size_t n,
			     int *hit)
{
	struct memo *m = &b->memo[f];

	*hit = m->valid && m->len == n && !memcmp(m->raw, s, n);
	if (*hit)
		return m;
	m->valid = 0;
	if (n > sizeof(m->raw))
		return NULL; /* too long to remember */
	memcpy(m->raw, s, n);
	m->len = (uint8_t)n;
	return m;
}

/* code_str of a shared code, remembered from the row before. */
static const char *memo_code(struct batch *b, int f, const char *s, size_t n)
{
	int hit;
	struct memo *m = memo_hit(b, f, s, n, &hit);

	if (hit)
		return m->str;
	if (!m)
		return code_str(b, s, n, 1);
	m->str = code_str(b, s, n, 1);
	m->valid = 1;
	return m->str;
}

/* An optional date: unreadable ones are dropped (the row stays). */
static void opt_date(const char *s, size_t n, struct date *d)
{
	unsigned flags = 0;

	if (norm_date(s, n, d, &flags) != NORM_OK)
		memset(d, 0, sizeof(*d));
}

/* The name cell s[0, len) as b remembers it, or NULL. */
static const struct name_memo *name_seen(const struct batch *b, const char *s,
					 size_t len, uint64_t h)
{
	const struct name_memo *m;
	size_t pos;
	uint32_t v;

	for (pos = ht_first(&b->names, h);
	     (v = ht_next(&b->names, h, &pos)) != HT_NONE;) {
		m = &b->nmemo[v];
		if (m->len == len && !memcmp(m->raw, s, len))
			return m;
	}
	return NULL;
}

/*
 * The name and its match key, from b's memo of name cells (rec.h) when
 * the cell was read before; an empty name rejects the row.
 */
static enum reason row_name(struct batch *b, const char *const *raw,
			    struct rec *r, unsigned *flags, const char **detail)
{
	const char *s = raw[F_NAME] ? raw[F_NAME] : "";
	size_t len = strlen(s), n = 8 * len + 16; /* NFC growth, tone marks */
	const struct name_memo *seen;
	struct name_memo *m;
	struct arena *a = &b->arena;
	unsigned f = 0;
	uint64_t h = ht_hash(s, len);
	char *buf;

	if ((seen = name_seen(b, s, len, h))) {
		r->name = seen->name;
		r->nkey = seen->nkey;
		*flags |= seen->flags;
		return R_NONE;
	}
	buf = scratch(b, n);
	if (norm_name(s, len, buf, n, &f) != NORM_OK) {
		*detail = "the name is empty";
		return R_EMPTY_NAME;
	}
	*flags |= f;
	m = NULL;
	if (b->nnmemo < NAME_MEMO_MAX && len <= UINT32_MAX) {
		GROW(b->nmemo, b->nmemo_cap, b->nnmemo + 1);
		m = &b->nmemo[b->nnmemo];
		a = &b->name_arena;
	}
	r->name = arena_strdup(a, buf);
	name_key(r->name, buf, n);
	r->nkey = strcmp(buf, r->name) ? arena_strdup(a, buf) : r->name;
	if (m) {
		m->raw = arena_strndup(a, s, len);
		m->len = (uint32_t)len;
		m->name = r->name;
		m->nkey = r->nkey;
		m->flags = f;
		ht_insert(&b->names, h, (uint32_t)b->nnmemo++);
	}
	return R_NONE;
}

/* The date of birth: missing, unreadable or out of range rejects. */
static enum reason row_dob(struct batch *b, const char *const *raw,
			   struct rec *r, unsigned *flags, const char **detail)
{
	if (norm_date(CELL(F_DOB), &r->dob, flags) != NORM_OK) {
		*detail = "the date of birth is missing or unreadable";
		return R_BAD_DATE;
	}
	if (r->dob.year < 1890 || date_cmp_coarse(&r->dob, &b->today) > 0) {
		*detail = "the date of birth is before 1890 or after the run "
			  "date";
		return R_DATE_OUT_OF_RANGE;
	}
	return R_NONE;
}

/* The insurance card; its BHXH code fills a missing one (rules.md R3). */
static void row_card(const char *const *raw, struct rec *r, unsigned *flags)
{
	struct card card;
	uint64_t cb = 0;

	if (norm_card(CELL(F_CARD), &card, flags) != NORM_OK)
		return;
	r->card_len = (uint8_t)strlen(card.code);
	memcpy(r->card_group, card.group, sizeof(r->card_group));
	memcpy(r->card_prov, card.province, sizeof(r->card_prov));
	r->card_level = (uint8_t)card.level;
	parse_digits(card.bhxh, 10, &cb);
	if (!r->bhxh)
		r->bhxh = cb;
	else if (r->bhxh != cb)
		r->card_len = 0; /* the card names another code */
}

/* Identifiers: a bad one is flagged and ignored (rules.md R3). */
static void row_ids(const char *const *raw, struct rec *r, unsigned *flags)
{
	char id[13];
	int rc;

	rc = norm_person_id(CELL(F_PERSON_ID), id, flags);
	if (rc == NORM_OK)
		parse_digits(id, 12, &r->pid);
	else if (rc == NORM_IS_CMND) {
		parse_digits(id, strlen(id), &r->cmnd);
		r->cmnd_len = (uint8_t)strlen(id);
	}
	if (norm_cmnd(CELL(F_CMND), id, flags) == NORM_OK) {
		parse_digits(id, strlen(id), &r->cmnd);
		r->cmnd_len = (uint8_t)strlen(id);
	}
	rc = norm_bhxh(CELL(F_BHXH), id, flags);
	if (rc == NORM_OK)
		parse_digits(id, 10, &r->bhxh);
	else if (rc == NORM_IS_PID && !r->pid)
		parse_digits(id, 12, &r->pid);
	row_card(raw, r, flags);
}

/* Sex, remembered with the checkbox mode from the row before. */
static void row_sex(struct batch *b, const char *const *raw, int sex_checkbox,
		    struct rec *r)
{
	char sex = 0;
	size_t len;
	int hit;
	struct memo *m;

	if (!raw[F_SEX])
		return;
	len = strlen(raw[F_SEX]);
	m = memo_hit(b, F_SEX, raw[F_SEX], len, &hit);
	if (hit && m->val >> 8 == (unsigned)sex_checkbox) {
		r->sex = (uint8_t)m->val;
		return;
	}
	if (norm_sex(raw[F_SEX], len, sex_checkbox, &sex) != NORM_OK)
		sex = 0;
	r->sex = (uint8_t)sex;
	if (m) {
		m->val = (unsigned)sex_checkbox << 8 | (unsigned char)sex;
		m->valid = 1;
	}
}

/* The ethnicity, folded like a header and interned ("" if none). */
static void row_ethnicity(struct batch *b, const char *const *raw,
			  struct rec *r)
{
	char folded[64];
	size_t len;
	int hit;
	struct memo *m;

	r->ethnicity = "";
	if (!raw[F_ETHNICITY] || !raw[F_ETHNICITY][0])
		return;
	len = strlen(raw[F_ETHNICITY]);
	m = memo_hit(b, F_ETHNICITY, raw[F_ETHNICITY], len, &hit);
	if (hit) {
		r->ethnicity = m->str;
		return;
	}
	fold_header(raw[F_ETHNICITY], len, folded, sizeof(folded));
	r->ethnicity = intern(b, folded);
	if (m) {
		m->str = r->ethnicity;
		m->valid = 1;
	}
}

#define STR_(x) #x
#define STR(x)	STR_(x)

/*
 * The commune code on the run's period_start (ref_commune_on): an old code
 * of a commune that went whole into one new commune is translated
 * (NF_COMMUNE_TRANSLATED); one of a split commune stays and marks the row
 * (RF_COMMUNE_SPLIT) for identity to resolve.  Remembered, with what it
 * gave, from the row before.  Never cut: a code longer than
 * COMMUNE_CODE_MAX bytes rejects the row.
 */
static enum reason row_commune(struct batch *b, const char *const *raw,
			       struct rec *r, unsigned *flags,
			       const char **detail)
{
	const char *s = raw[F_COMMUNE] ? raw[F_COMMUNE] : "";
	size_t n = strlen(s);
	char code[COMMUNE_CODE_MAX + 1], now[COMMUNE_CODE_MAX + 1];
	enum commune_on on = COMMUNE_ON_SAME;
	struct memo *m;
	int hit, rc;

	r->commune = "";
	if (!n)
		return R_NONE;
	m = memo_hit(b, F_COMMUNE, s, n, &hit);
	if (hit) {
		r->commune = m->str;
		on = (enum commune_on)m->val;
	} else {
		rc = commune_code(s, n, code);
		if (rc == CODE_TOO_LONG) {
			*detail = "the commune code is longer than " STR(
				COMMUNE_CODE_MAX) " bytes";
			return R_CODE_TOO_LONG;
		}
		if (rc == NORM_OK && b->ref && b->ref->nmoves)
			on = ref_commune_on(b->ref, code, &b->period_start, now,
					    NULL);
		if (on == COMMUNE_ON_TRANSLATED)
			memcpy(code, now, sizeof(code));
		r->commune = rc == NORM_OK ? intern(b, code) : "";
		if (m) {
			m->str = r->commune;
			m->val = on;
			m->valid = 1;
		}
	}
	if (on == COMMUNE_ON_TRANSLATED)
		*flags |= NF_COMMUNE_TRANSLATED;
	else if (on == COMMUNE_ON_SPLIT)
		*flags |= RF_COMMUNE_SPLIT;
	return R_NONE;
}

/* Hospital, household, sending unit (not registry rows) and ethnicity. */
static void row_codes(struct batch *b, enum kind kind, const char *const *raw,
		      struct rec *r)
{
	r->hospital = memo_code(b, F_HOSPITAL, CELL(F_HOSPITAL));
	r->household = code_str(b, CELL(F_HOUSEHOLD), 0);
	r->unit =
		kind == KIND_REGISTRY ? "" : memo_code(b, F_UNIT, CELL(F_UNIT));
	row_ethnicity(b, raw, r);
}

/* Longest part of a group value quoted in a reject message, in bytes. */
#define GROUP_VALUE_SHOWN 40

/*
 * A group value as written, for a message: cut after GROUP_VALUE_SHOWN
 * bytes on a character boundary ("..." marks the cut), control characters,
 * bytes that are not UTF-8, '\'' and '\\' escaped; digits masked ('#') when
 * there are four or more (an ID or a date typed into the wrong column
 * never reaches a message).
 */
static void group_value_text(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i = 0, o = 0, digits = 0;
	int mask;

	for (i = 0; i < n; i++)
		digits += s[i] >= '0' && s[i] <= '9';
	mask = digits >= 4;
	for (i = 0; i < n && o < GROUP_VALUE_SHOWN;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80		     ? 1
			     : c >= 0xc2 && c < 0xe0 ? 2
			     : c >= 0xe0 && c < 0xf0 ? 3
			     : c >= 0xf0 && c < 0xf5 ? 4
						     : 0;
		size_t k;

		for (k = 1; k < len; k++)
			if (i + k >= n ||
			    ((unsigned char)s[i + k] & 0xc0) != 0x80)
				len = 0;
		if (o + 8 >= outsz)
			break;
		if (!len || c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
			i++;
		} else if (c == '\'' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
			i++;
		} else if (mask && c >= '0' && c <= '9') {
			out[o++] = '#';
			i++;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
			i += len;
		}
	}
	if (i < n && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* b->group_detail for an unknown group value s (n bytes, may be 0). */
static const char *group_unknown(struct batch *b, const char *s, size_t n)
{
	char shown[GROUP_VALUE_SHOWN + 24], nearest[GROUP_NEAREST * 4 + 8];

	if (norm_code(s, n, shown, sizeof(shown)) == NORM_EMPTY) {
		snprintf(b->group_detail, sizeof(b->group_detail),
			 "the group code is missing");
		return b->group_detail;
	}
	group_value_text(s, n, shown, sizeof(shown));
	ref_group_nearest(b->ref, s, n, nearest, sizeof(nearest));
	snprintf(b->group_detail, sizeof(b->group_detail),
		 "the group '%s' is not in the groups table%s%s%s", shown,
		 nearest[0] ? " (nearest: " : "", nearest,
		 nearest[0] ? ")" : "");
	return b->group_detail;
}

/*
 * Group: the roster's column (a code, or a name that ref_group_lookup
 * maps to one: NF_GROUP_NAMED), or a card's column or card code.  A prior
 * or roster row whose group is missing or unknown is rejected, its detail
 * naming the value and the nearest codes.  A column's value and what it
 * gave are remembered (memo[F_GROUP], with group_detail).
 */
static enum reason row_group(struct batch *b, enum kind kind,
			     const char *const *raw, struct rec *r,
			     unsigned *flags, const char **detail)
{
	const char *s = raw[F_GROUP] ? raw[F_GROUP] : "";
	size_t n = strlen(s);
	struct memo *m;
	unsigned g;
	int hit, named = 0;

	if (kind == KIND_REGISTRY)
		return R_NONE;
	if (!n) { /* no value: a card's group letters, else none */
		s = kind == KIND_PRIOR ? r->card_group : "";
		r->group = (uint16_t)ref_group(b->ref, s);
		if (r->group != GROUP_NONE)
			return R_NONE;
		b->memo[F_GROUP].valid = 0; /* group_detail is not its */
		*detail = group_unknown(b, s, strlen(s));
		return R_UNKNOWN_GROUP;
	}
	m = memo_hit(b, F_GROUP, s, n, &hit);
	if (hit) {
		g = m->val & 0xffff;
		named = (int)(m->val >> 16);
	} else {
		g = ref_group_lookup(b->ref, s, n, &named);
		if (g == GROUP_NONE)
			group_unknown(b, s, n);
		if (m) {
			m->val = g | (unsigned)named << 16;
			m->valid = 1;
		}
	}
	r->group = (uint16_t)g;
	if (g == GROUP_NONE) {
		*detail = b->group_detail;
		return R_UNKNOWN_GROUP;
	}
	if (named)
		*flags |= NF_GROUP_NAMED;
	return R_NONE;
}

/* The benefit level: the column's, else the card's. */
static void row_level(const char *const *raw, struct rec *r)
{
	int level;

	if (raw[F_LEVEL] && raw[F_LEVEL][0] &&
	    norm_level(CELL(F_LEVEL), &level) == NORM_OK)
		r->level = (uint8_t)level;
	if (!r->level)
		r->level = r->card_level;
}

/* Registry status and its date; an unreadable status rejects the row. */
static enum reason row_status(const char *const *raw, struct rec *r,
			      const char **detail)
{
	int status = STATUS_ALIVE;

	opt_date(CELL(F_STATUS_DATE), &r->status_date);
	if (raw[F_STATUS] && norm_status(CELL(F_STATUS), &status) != NORM_OK) {
		*detail = "the registry status is not alive, dead, missing "
			  "or moved";
		return R_BAD_STATUS;
	}
	r->status = (uint8_t)status;
	return R_NONE;
}

/* The schemes a row takes part in: BHYT unless the column says more. */
static void row_schemes(struct batch *b, const char *const *raw, struct rec *r)
{
	unsigned schemes = SCHEME_BHYT;
	size_t len;
	int hit;
	struct memo *m;

	r->schemes = SCHEME_BHYT;
	if (!raw[F_SCHEMES])
		return;
	len = strlen(raw[F_SCHEMES]);
	m = memo_hit(b, F_SCHEMES, raw[F_SCHEMES], len, &hit);
	if (hit) {
		schemes = m->val;
	} else {
		if (norm_schemes(raw[F_SCHEMES], len, &schemes) != NORM_OK)
			schemes = SCHEME_BHYT;
		if (m) {
			m->val = schemes;
			m->valid = 1;
		}
	}
	r->schemes = (uint8_t)schemes;
}

/*
 * A roster's wage and months (rules.md R3): an unreadable value is
 * flagged (NF_WAGE_UNREADABLE, NF_MONTHS_UNREADABLE) and left unknown;
 * the row stays.  Other kinds keep neither.
 */
static void row_pay(enum kind kind, const char *const *raw, struct rec *r,
		    unsigned *flags)
{
	uint32_t wage;
	int months;

	if (kind != KIND_ROSTER)
		return;
	if (raw[F_WAGE] && norm_wage(CELL(F_WAGE), &wage) == NORM_BAD)
		*flags |= NF_WAGE_UNREADABLE;
	else if (raw[F_WAGE])
		r->wage = wage;
	if (raw[F_MONTHS] && norm_months(CELL(F_MONTHS), &months) == NORM_BAD)
		*flags |= NF_MONTHS_UNREADABLE;
	else if (raw[F_MONTHS])
		r->months = (uint8_t)months;
}

_Static_assert(sizeof(struct rec) == 128, "struct rec stays 128 bytes");

enum reason rec_normalise(struct batch *b, enum kind kind,
			  const char *const raw[F_NFIELDS], int sex_checkbox,
			  struct rec *r, const char **detail)
{
	unsigned flags = 0;
	enum reason why;

	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->group = GROUP_NONE;
	if ((why = row_name(b, raw, r, &flags, detail)) != R_NONE ||
	    (why = row_dob(b, raw, r, &flags, detail)) != R_NONE)
		return why;
	row_ids(raw, r, &flags);
	row_sex(b, raw, sex_checkbox, r);
	if ((why = row_commune(b, raw, r, &flags, detail)) != R_NONE)
		return why;
	row_codes(b, kind, raw, r);
	if ((why = row_group(b, kind, raw, r, &flags, detail)) != R_NONE)
		return why;
	row_level(raw, r);
	if ((why = row_status(raw, r, detail)) != R_NONE)
		return why;
	row_schemes(b, raw, r);
	row_pay(kind, raw, r, &flags);
	r->flags = (uint16_t)flags;
	return R_NONE;
}

/* A cell norm_code finds empty (absent, or only white space). */
static int empty_cell(const char *s)
{
	char code[8];

	return !s || norm_code(s, strlen(s), code, sizeof(code)) == NORM_EMPTY;
}

unsigned rec_fill_defaults(const char *raw[F_NFIELDS], const char *commune,
			   const char *group)
{
	unsigned filled = 0;

	if (commune && empty_cell(raw[F_COMMUNE])) {
		raw[F_COMMUNE] = commune;
		filled |= 1;
	}
	if (group && empty_cell(raw[F_GROUP])) {
		raw[F_GROUP] = group;
		filled |= 2;
	}
	return filled;
}

unsigned rec_defaults_given(const char *commune, const char *group)
{
	return (commune ? 1u << F_COMMUNE : 0) | (group ? 1u << F_GROUP : 0);
}

int rec_lead(struct batch *b, enum kind kind, const char *const raw[F_NFIELDS],
	     struct lead *out)
{
	struct rec r;
	unsigned flags = 0;
	const char *detail;

	memset(out, 0, sizeof(*out));
	out->name = out->commune = "";
	if (kind != KIND_ROSTER)
		return 0;
	memset(&r, 0, sizeof(r));
	row_ids(raw, &r, &flags);
	if (norm_date(CELL(F_DOB), &out->dob, &flags) != NORM_OK ||
	    row_name(b, raw, &r, &flags, &detail) != R_NONE) {
		memset(&out->dob, 0, sizeof(out->dob));
		r.name = "";
	}
	if (!r.pid && !r.cmnd && !r.bhxh && !r.name[0])
		return 0;
	out->pid = r.pid;
	out->cmnd = r.cmnd;
	out->cmnd_len = r.cmnd_len;
	out->bhxh = r.bhxh;
	out->name = r.name;
	/* a commune too long to read, or the old code of a split commune,
	   stands for none: the lead may be someone anywhere in scope */
	if (row_commune(b, raw, &r, &flags, &detail) == R_NONE &&
	    !(flags & RF_COMMUNE_SPLIT))
		out->commune = r.commune;
	return 1;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

size_t rec_line_leads(const char *raw, size_t n, lead_fn *each, void *ctx)
{
	size_t i = 0, j, found = 0;
	struct lead l;

	while (i < n) {
		if (!is_digit(raw[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && is_digit(raw[j]); j++)
			;
		memset(&l, 0, sizeof(l));
		l.name = l.commune = "";
		if (j - i == 12 && id_valid(raw + i))
			parse_digits(raw + i, 12, &l.pid);
		else if (j - i == 10)
			parse_digits(raw + i, 10, &l.bhxh);
		if (l.pid || l.bhxh) {
			each(ctx, &l);
			found++;
		}
		i = j;
	}
	return found;
}

void batch_add_lead(struct batch *b, const struct lead *l)
{
	GROW(b->leads, b->leads_cap, b->nleads + 1);
	b->leads[b->nleads++] = *l;
}

/* csvin callbacks for batch_read_source */
struct read_ctx {
	struct batch *b;
	unsigned src;
	struct colmap map;
	unsigned long messages;
	struct hdrpick pick;
	int workbook;
	unsigned sheet; /* 1-based sheet being read; 0 text */
	unsigned long sampled; /* rows of the table looked at for warnings */
	unsigned char *warned; /* per column: an ignored column was named */
	char first_fail[sizeof(((struct etl_err *)0)->msg)];
};

static void where(struct read_ctx *c, char *out, size_t n);

/* The table being read (a text file's one, or the sheet). */
static struct sheet *cur_sheet(struct read_ctx *c)
{
	struct source *s = &c->b->srcs[c->src];

	return &s->sheets[c->sheet ? c->sheet - 1 : 0];
}

/* Does a folded header name an ID, a code or a date ("so_...", "ma_...")? */
static int idlike_header(const char *h)
{
	static const char *const words[] = {
		"so",  "ma", "cccd", "cmnd", "bhxh", "ddcn", "ngay",
		"the", "id", "code", "date", "dinh", "danh", "sinh",
	};
	char folded[128], *w, *save = NULL;
	size_t i;

	fold_header(h, strlen(h), folded, sizeof(folded));
	for (w = strtok_r(folded, "_", &save); w;
	     w = strtok_r(NULL, "_", &save))
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (!strcmp(w, words[i]))
				return 1;
	return 0;
}

/* Does a cell look like an ID (9 digits or more) or a date? */
static int idlike_value(const char *v, size_t n)
{
	struct date d;
	unsigned flags = 0;
	size_t i, digits = 0;

	for (i = 0; i < n; i++)
		digits += v[i] >= '0' && v[i] <= '9';
	if (n && digits == n && n >= 9)
		return 1;
	return (memchr(v, '/', n) || memchr(v, '-', n)) && digits >= 6 &&
	       norm_date(v, n, &d, &flags) == NORM_OK;
}

/* Warn once about ignored column i of the table (never its values). */
static void warn_ignored(struct read_ctx *c, int i, const char *why)
{
	struct sheet *sh = cur_sheet(c);
	char at[PATH_MAX + 64];

	if (c->warned[i])
		return;
	c->warned[i] = 1;
	where(c, at, sizeof(at));
	msgs_add(&c->b->msgs, MSG_WARN,
		 "'%s':%lu: column %d '%s' is ignored but its %s like an ID, "
		 "a code or a date: rename it to a header doisoat knows if "
		 "it is one (see doisoat inspect)",
		 at, sh->header_line, i + 1, sh->header[i], why);
}

/* Ignored columns of the first rows whose values look like IDs or dates. */
static void sample_row(struct read_ctx *c, const struct csvin_row *row)
{
	struct sheet *sh = cur_sheet(c);
	int i;

	if (c->sampled++ >= 5)
		return;
	for (i = 0; i < sh->ncols && i < row->nfields; i++)
		if (sh->field[i] < 0 &&
		    idlike_value(row->fields[i], row->lens[i]))
			warn_ignored(c, i, "values look");
}

/*
 * Keep the header found (text and field of each column) in the sheet;
 * again: the header grew a sub-header row (hdrpick_row), warnings given
 * for its columns stay given.
 */
static void keep_header(struct read_ctx *c, int again)
{
	struct arena *a = &c->b->arena;
	struct sheet *sh = cur_sheet(c);
	unsigned char *warned;
	int i, f, old = again ? sh->ncols : 0;

	c->map = c->pick.map;
	sh->status = XLSXIN_READ;
	sh->header_line = c->pick.line;
	sh->header_rows = c->pick.rows;
	sh->title = c->pick.tried;
	sh->ncols = c->map.ncols;
	sh->header =
		arena_alloc(a, (size_t)sh->ncols * sizeof(*sh->header) + 1);
	sh->field = arena_alloc(a, (size_t)sh->ncols + 1);
	for (i = 0; i < sh->ncols; i++) {
		sh->header[i] = arena_strdup(a, hdrpick_text(&c->pick, i));
		sh->field[i] = -1;
	}
	for (f = 0; f < F_NFIELDS; f++)
		if (c->map.col[f] >= 0)
			sh->field[c->map.col[f]] =
				(int8_t)(f == F_SEX && c->map.sex_checkbox
						 ? F_SEX_CHECKBOX
						 : f);
	c->sampled = 0;
	warned = xcalloc((size_t)sh->ncols + 1, 1);
	if (c->warned)
		memcpy(warned, c->warned,
		       (size_t)(old < sh->ncols ? old : sh->ncols));
	free(c->warned);
	c->warned = warned;
	for (i = 0; i < sh->ncols; i++)
		if (sh->field[i] < 0 && idlike_header(sh->header[i]))
			warn_ignored(c, i, "header looks");
}

static int read_header(void *ctx, const struct csvin_row *row,
		       struct etl_err *err)
{
	struct read_ctx *c = ctx;
	struct source *s = &c->b->srcs[c->src];

	if (c->sheet > SHEETS_MAX)
		return etl_errf(err, "'%s#%s': more than %d sheets: not read",
				s->path, cur_sheet(c)->name, SHEETS_MAX);
	if (!c->workbook && !hdrpick_try(&c->pick, row->nfields, row->fields,
					 row->lens, row->line)) {
		hdrpick_fail(&c->pick, s->path, err);
		return c->pick.tried >= HDRPICK_ROWS ? -1 : 1;
	}
	keep_header(c, 0);
	return 0;
}

/* The workbook readers' header chooser: the same picker as for text. */
static int read_is_header(void *ctx, const struct csvin_row *row)
{
	struct read_ctx *c = ctx;

	return hdrpick_try(&c->pick, row->nfields, row->fields, row->lens,
			   row->line);
}

static void read_sheet(void *ctx, const struct xlsxin_sheet *in)
{
	struct read_ctx *c = ctx;
	struct batch *b = c->b;
	struct source *s = &b->srcs[c->src];
	struct sheet *sh;
	char *name;
	size_t n;

	if (!s->sheets) {
		s->nsheets = (unsigned)in->count;
		s->sheets = arena_alloc(&b->arena,
					s->nsheets * sizeof(*s->sheets) + 1);
		memset(s->sheets, 0, s->nsheets * sizeof(*s->sheets));
	}
	c->sheet = (unsigned)in->index;
	hdrpick_release(&c->pick);
	hdrpick_init(&c->pick, s->kind,
		     rec_defaults_given(s->def_commune, s->def_group));
	sh = cur_sheet(c);
	sh->name = arena_strdup(&b->arena, in->name);
	n = strlen(s->label) + strlen(in->name) + 2;
	name = arena_alloc(&b->arena, n);
	snprintf(name, n, "%s#%s", s->label, in->name);
	sh->source = name;
}

static void read_sheet_end(void *ctx, const struct xlsxin_sheet *in)
{
	struct read_ctx *c = ctx;
	struct source *s = &c->b->srcs[c->src];
	struct sheet *sh = cur_sheet(c);
	struct etl_err e;

	sh->status = in->status;
	if (in->status != XLSXIN_SKIPPED)
		return;
	if (in->header_line) /* on_header refused it */
		snprintf(e.msg, sizeof(e.msg), "%s", in->why);
	else
		hdrpick_fail(&c->pick, sh->source, &e);
	sh->why = arena_strdup(&c->b->arena, e.msg);
	if (!c->first_fail[0])
		snprintf(c->first_fail, sizeof(c->first_fail), "%s", e.msg);
	msgs_add(&c->b->msgs, MSG_WARN, "'%s': sheet '%s' skipped: %s", s->path,
		 sh->name, e.msg);
}

/* The path a message names: the file, or "file#sheet". */
static void where(struct read_ctx *c, char *out, size_t n)
{
	struct source *s = &c->b->srcs[c->src];

	if (c->sheet)
		snprintf(out, n, "%s#%s", s->path, cur_sheet(c)->name);
	else
		snprintf(out, n, "%s", s->path);
}

static void note_reject(struct read_ctx *c, unsigned long line,
			enum reason reason, const char *detail)
{
	char at[PATH_MAX + 64];

	if (c->messages++ < REJECT_MESSAGES) {
		where(c, at, sizeof(at));
		msgs_add(&c->b->msgs, MSG_WARN,
			 "'%s':%lu: row rejected (%s): %s", at, line,
			 reason_name(reason), detail);
	}
}

/*
 * Where the batch stood before a row, lead or reject was added: its
 * arena's place, and how many shared codes it had (a code made since
 * is kept by later rows: the arena cannot go back past it).
 */
struct sink_at {
	struct arena_mark m;
	size_t ninterned;
};

static struct sink_at sink_at(const struct batch *b)
{
	struct sink_at at = { arena_mark(&b->arena), b->ninterned };

	return at;
}

/*
 * A name (and its match key, NULL for a lead's) of a row that a sink
 * keeps, copied out of name_arena, which such a batch does not keep
 * (rec.h); a key that is the name stays the name.
 */
static void own_name(struct batch *b, const char **name, const char **nkey)
{
	int same = nkey && *nkey == *name;

	*name = arena_strdup(&b->arena, *name);
	if (nkey)
		*nkey = same ? *name : arena_strdup(&b->arena, *nkey);
}

/*
 * Hand what was just added to the batch's sink, if it has one (rec.h),
 * and drop it when the sink says so, its strings with it (back to at).
 */
static void to_sink(struct batch *b, enum sink_what what, struct sink_at at)
{
	if (!b->sink)
		return;
	if (b->sink(b->sink_ctx, b, what)) {
		if (what == SINK_REC)
			own_name(b, &b->recs[b->nrecs - 1].name,
				 &b->recs[b->nrecs - 1].nkey);
		else if (what == SINK_LEAD)
			own_name(b, &b->leads[b->nleads - 1].name, NULL);
		return;
	}
	if (what == SINK_REC)
		b->nrecs--;
	else if (what == SINK_LEAD)
		b->nleads--;
	else
		b->nrejects--;
	if (b->ninterned == at.ninterned)
		arena_rewind(&b->arena, at.m);
}

/*
 * The row about to be read, when the batch's skip passes over it
 * (rec.h): counted read, and 1.
 */
static int skipped(struct batch *b, struct source *s)
{
	if (!b->skip || !b->skip(b->sink_ctx, b, s->rows_read))
		return 0;
	s->rows_read++;
	return 1;
}

/* A reject of the row being read, with its sheet. */
static void reject_row(struct read_ctx *c, unsigned long line, enum reason why,
		       const char *raw, size_t n)
{
	struct sink_at at = sink_at(c->b);

	batch_reject(c->b, c->src, line, why, raw, n);
	c->b->rejects[c->b->nrejects - 1].sheet = (uint8_t)c->sheet;
	to_sink(c->b, SINK_REJECT, at);
}

/* What a rejected roster row still yields for rule 3 (rules.md R6.4). */
static void keep_lead(struct read_ctx *c, const char *const *raw,
		      unsigned long line, enum reason why)
{
	struct sink_at at = sink_at(c->b);
	struct lead l;

	if (!rec_lead(c->b, c->b->srcs[c->src].kind, raw, &l))
		return;
	l.src = (uint16_t)c->src;
	l.line = (uint32_t)line;
	l.sheet = (uint8_t)c->sheet;
	l.reason = (uint8_t)why;
	batch_add_lead(c->b, &l);
	to_sink(c->b, SINK_LEAD, at);
}

/* A reader reject whose line yields leads (keep_line_leads). */
struct line_leads {
	struct read_ctx *c;
	unsigned long line;
	enum reason why;
};

static void add_line_lead(void *ctx, const struct lead *in)
{
	struct line_leads *x = ctx;
	struct lead l = *in;
	struct sink_at at;

	l.src = (uint16_t)x->c->src;
	l.line = (uint32_t)x->line;
	l.sheet = (uint8_t)x->c->sheet;
	l.reason = (uint8_t)x->why;
	at = sink_at(x->c->b);
	batch_add_lead(x->c->b, &l);
	to_sink(x->c->b, SINK_LEAD, at);
}

/* The IDs a roster line the reader could not split still carries. */
static void keep_line_leads(struct read_ctx *c, unsigned long line,
			    enum reason why, const char *raw, size_t n)
{
	struct line_leads x = { c, line, why };

	if (c->b->srcs[c->src].kind == KIND_ROSTER)
		rec_line_leads(raw, n, add_line_lead, &x);
}

/*
 * A row under the header that is not a row of the table (hdrpick_row): a
 * sub-header joined to the header, a numbering row, a totals or signature
 * row.  Counted per sheet and file; 1 when the row is one.
 */
static int skipped_row(struct read_ctx *c, const struct csvin_row *row)
{
	struct sheet *sh = cur_sheet(c);
	struct source *s = &c->b->srcs[c->src];

	switch (hdrpick_row(&c->pick, row->nfields, row->fields, row->lens,
			    row->line)) {
	case HDR_ROW_SUBHEADER:
		keep_header(c, 1);
		return 1;
	case HDR_ROW_NUMBERING:
		sh->numbering++;
		s->numbering++;
		return 1;
	case HDR_ROW_FOOTER:
		sh->footer++;
		s->footer++;
		return 1;
	default:
		return 0;
	}
}

static void read_row(void *ctx, const struct csvin_row *row)
{
	struct read_ctx *c = ctx;
	struct batch *b = c->b;
	struct source *s = &b->srcs[c->src];
	const char *raw[F_NFIELDS], *detail = "";
	enum reason why;
	struct rec r;
	struct sink_at at;
	int f;
	unsigned i, filled;

	if (skipped_row(c, row))
		return;
	sample_row(c, row);
	if (skipped(b, s))
		return;
	at = sink_at(b);
	s->rows_read++;
	for (f = 0; f < F_NFIELDS; f++)
		raw[f] = c->map.col[f] >= 0 ? row->fields[c->map.col[f]] : NULL;
	filled = rec_fill_defaults(raw, s->def_commune, s->def_group);
	why = rec_normalise(b, s->kind, raw, c->map.sex_checkbox, &r, &detail);
	if (why != R_NONE) {
		note_reject(c, row->line, why, detail);
		reject_row(c, row->line, why, row->raw, row->raw_len);
		keep_lead(c, raw, row->line, why);
		return;
	}
	r.src = (uint16_t)c->src;
	r.line = (uint32_t)row->line;
	r.sheet = (uint8_t)c->sheet;
	for (i = 0; i < NF_COUNT; i++)
		if (r.flags & (1u << i))
			s->repaired[i]++;
	for (i = 0; i < 2; i++)
		s->from_file[i] += filled >> i & 1;
	GROW(b->recs, b->recs_cap, b->nrecs + 1);
	b->recs[b->nrecs++] = r;
	s->accepted++;
	to_sink(b, SINK_REC, at);
}

static void read_reject(void *ctx, unsigned long line, const char *reason,
			const char *detail, const char *raw, size_t n)
{
	struct read_ctx *c = ctx;
	enum reason why = reason_parse(reason);

	hdrpick_row_rejected(&c->pick);
	if (skipped(c->b, &c->b->srcs[c->src]))
		return;
	c->b->srcs[c->src].rows_read++;
	note_reject(c, line, why, detail);
	reject_row(c, line, why, raw, n);
	keep_line_leads(c, line, why, raw, n);
}

/*
 * Which reader: by the file's first bytes, never by its name.  Only a
 * regular file is sniffed: reading a pipe's first bytes would take them
 * from the text reader.
 */
static const char *sniff_format(const char *path)
{
	struct stat st;

	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return "csv";
	if (xlsxin_sniff(path) == 1)
		return "xlsx";
	if (xlsin_sniff(path) == 1)
		return "xls";
	return "csv";
}

/* Read a workbook: every sheet, headers found by the same picker. */
static int read_workbook(struct read_ctx *c, const struct csvin_cb *cb,
			 struct csvin_stats *st, struct etl_err *err)
{
	struct source *s = &c->b->srcs[c->src];
	struct xlsxin_opts xo;
	struct xlsxin_stats xst;
	int rc;

	memset(&xo, 0, sizeof(xo));
	xo.on_sheet = read_sheet;
	xo.on_sheet_end = read_sheet_end;
	xo.is_header = read_is_header;
	xo.max_title = HDRPICK_ROWS;
	c->workbook = 1;
	memset(&xst, 0, sizeof(xst));
	rc = !strcmp(s->format, "xlsx")
		     ? xlsxin_read(s->path, &xo, cb, &xst, err)
		     : xlsin_read(s->path, &xo, cb, &xst, err);
	*st = xst.base;
	c->b->srcs[c->src].title = xst.title;
	if (rc < 0 && !xst.sheets_read && c->first_fail[0])
		etl_errf(err, "%s", c->first_fail);
	return rc;
}

int batch_read_source(struct batch *b, unsigned i, struct etl_err *err)
{
	struct read_ctx c;
	struct csvin_cb cb = { read_header, read_row, read_reject, &c };
	struct csvin_opts opts = { .encoding = b->srcs[i].encoding };
	struct csvin_stats st;
	struct source *s = &b->srcs[i];
	double t0 = now_seconds();
	int rc;

	memset(&c, 0, sizeof(c));
	c.b = b;
	c.src = i;
	hdrpick_init(&c.pick, s->kind,
		     rec_defaults_given(s->def_commune, s->def_group));
	memset(&st, 0, sizeof(st));
	s->format = sniff_format(s->path);
	if (strcmp(s->format, "csv")) {
		rc = read_workbook(&c, &cb, &st, err);
	} else {
		s->nsheets = 1;
		s->sheets = arena_alloc(&b->arena, sizeof(*s->sheets));
		memset(s->sheets, 0, sizeof(*s->sheets));
		s->sheets[0].source = s->label;
		rc = csvin_read(s->path, &opts, &cb, &st, err);
		s = &b->srcs[i];
		s->title = st.title;
	}
	hdrpick_release(&c.pick);
	free(c.warned);
	s = &b->srcs[i];
	s->bytes = st.bytes;
	s->xxh3 = st.xxh3;
	s->lines = st.lines;
	s->blank = st.blank;
	s->gzip = st.gzip;
	s->delim = st.delim;
	memcpy(s->encoding_used, st.encoding, sizeof(s->encoding_used));
	s->seconds = now_seconds() - t0;
	if (c.messages > REJECT_MESSAGES)
		msgs_add(&b->msgs, MSG_WARN,
			 "'%s': %lu rows rejected in all (see rejects.csv)",
			 s->path, s->rejected);
	return rc;
}

const char *note_source(const struct batch *b, const struct note *n)
{
	const struct source *s = &b->srcs[n->src];

	if (n->sheet && n->sheet <= s->nsheets)
		return s->sheets[n->sheet - 1].source;
	return s->label;
}
