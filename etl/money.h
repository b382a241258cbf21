/*
 * money.h: what the lists cost and who pays (spec §9, rules.md R15).
 *
 * Two inputs: the contributions table (shipped etl/data/contributions.csv,
 * compiled in, or --contributions FILE): the base salary (lương cơ sở),
 * the BHYT rate, the household tiers and the state budget's support rate
 * per group, each value with its valid_from and valid_to; and the
 * optional support file (--support FILE): the local budget's extra
 * support (NSĐP hỗ trợ thêm) by group, commune and date.  Then the money
 * of one person on a list: months, the amount of each month, the total,
 * and who pays it.
 *
 * Money is whole đồng in int64_t; rates are parts per million of the
 * amount (PPM_WHOLE = 100 %; 4.5 % is 45000), read exactly from the
 * table: nothing here is floating point.  Nothing is a constant in code
 * but the law's split of an employee's contribution (employer 2/3,
 * worker 1/3: NĐ 146/2018/NĐ-CP Điều 7 khoản 1 a, NĐ 188/2025/NĐ-CP
 * Điều 6), which is a fraction of the rate, not a rate.
 */
#ifndef DOISOAT_MONEY_H
#define DOISOAT_MONEY_H

#include "ref.h"

#include <stdint.h>

/* 100 % in parts per million. */
#define PPM_WHOLE 1000000

/* The most months one person's amount covers (a household card: 12). */
#define MONEY_MONTHS_MAX 12

/* The kinds of row of the contributions table (its `kind` column). */
enum contrib_kind {
	CONTRIB_BASE_SALARY, /* base_salary: value in đồng, key empty */
	CONTRIB_BHYT_RATE, /* bhyt_rate_pct: value a percentage, key empty */
	CONTRIB_TIER, /* household_tier_pct: key the tier 1, 2, ... */
	CONTRIB_STATE_SUPPORT /* state_support_pct: key a group code */
};

/* One value of the contributions table, in force from .. to. */
struct contrib_row {
	enum contrib_kind kind;
	int tier; /* CONTRIB_TIER: 1..; else 0 */
	char group[4]; /* CONTRIB_STATE_SUPPORT: the group code; else "" */
	int64_t value; /* đồng (base salary) or ppm (the rest) */
	struct date from; /* always given */
	struct date to; /* prec DATE_NONE: open */
	unsigned long line; /* in the file, for messages */
};

/* One row of the support file. */
struct support_row {
	char group[4];
	char commune[COMMUNE_CODE_MAX + 1]; /* "": every commune */
	int64_t ppm; /* the local budget's share of the amount */
	struct date from, to; /* prec DATE_NONE: open */
	unsigned long line;
};

struct contrib {
	struct contrib_row *rows;
	size_t nrows;
	struct support_row *support; /* none without --support */
	size_t nsupport;
};

void contrib_init(struct contrib *c);
void contrib_release(struct contrib *c);

/*
 * Load the contributions table: path NULL is the shipped one.  Columns
 * kind, key, value, valid_from (never empty), valid_to (empty: open);
 * source and any other column are ignored.  Kinds: base_salary (value
 * whole đồng > 0, key empty), bhyt_rate_pct (a percentage, key empty),
 * household_tier_pct (key the tier, 1..99), state_support_pct (key a
 * group code; with r, one of r's groups).  Percentages are read as in the
 * targets file (norm_pct: 95, 95%, 95,00%, 0.95 all mean 95 %), at most
 * four decimals of a percent.  Two rows of one kind and key in force on
 * one day are an error naming both lines.  Returns 0, or -1 with err
 * naming the file and line (an unknown kind, a bad value or date, ...).
 * Replaces any contributions loaded before (not the support rows).
 */
int contrib_load(struct contrib *c, const struct ref *r, const char *path,
		 struct etl_err *err);

/*
 * Load the support file: columns group_code (also ma_doi_tuong) and pct
 * (also support_pct, ty_le, ty_le_ho_tro) required; commune_code (also
 * ma_xa; empty: every commune), valid_from (tu_ngay) and valid_to
 * (den_ngay) optional, empty dates open.  With r, the group must be one
 * of r's groups.  Two rows of one group and commune (or two rows for
 * every commune of one group) in force on one day are an error naming
 * both lines.  Returns 0, or -1 with err naming the file and line.
 */
int contrib_load_support(struct contrib *c, const struct ref *r,
			 const char *path, struct etl_err *err);

/*
 * Lookups on a date (a full date; the money of a month uses its first
 * day).  Each returns -1 when no row is in force, except the supports,
 * which are 0 then.
 */
int64_t contrib_base_salary(const struct contrib *c, const struct date *on);
/* The BHYT rate in ppm (4.5 %: 45000). */
int64_t contrib_rate(const struct contrib *c, const struct date *on);
/*
 * A household tier's share of the first member's amount, in ppm: the row
 * of the greatest tier not above tier (so tier 7 is the 5th's 40 %).
 */
int64_t contrib_tier(const struct contrib *c, int tier, const struct date *on);
/* The state budget's support rate for group (a code), in ppm. */
int64_t contrib_state_support(const struct contrib *c, const char *group,
			      const struct date *on);
/*
 * The local budget's extra support for group in commune, in ppm: the
 * commune's own row, else the row for every commune, else 0.
 */
int64_t contrib_local_support(const struct contrib *c, const char *group,
			      const char *commune, const struct date *on);

/* Members of one household, ordered for their tiers. */
struct household_member {
	struct date dob; /* as precise as known */
	const char *key; /* the person key: ties of dob go by it */
	uint32_t ix; /* the caller's own: the last tie-break */
	int tier; /* set: 1 (pays 100 %), 2, 3, ... (5 and later: 40 %) */
};

/*
 * Household tiers (spec §9): sort the n GD members of one household
 * oldest first (date_cmp: a birth date known only to the year or month
 * comes before every full date of that year or month), then by key, then
 * by ix, and set each one's
 * tier to its place, 1 to n.  The caller passes only the members on the
 * lists as GD: members insured through another group do not count.
 */
void money_household_tiers(struct household_member *m, size_t n);

/* What was computed for a person. */
enum money_how {
	MONEY_COMPUTED, /* amounts below */
	MONEY_NO_WAGE, /* funding class 1 without a wage: left to the employer
			*/
	MONEY_FUND, /* funding class 2: paid by the BHXH fund, not computed */
	MONEY_NO_RATE /* a month with no base salary, rate or tier in force,
			 or a group without a funding class: no amounts */
};

/*
 * An amount and who pays it: amount = state_pays + state_supports + local
 * + participant + employer + worker, always.
 */
struct money_share {
	int64_t amount;
	int64_t state_pays; /* class 3: all of it */
	int64_t state_supports; /* class 4: the group's support rate */
	int64_t local; /* classes 4 and 5: the support file's rate */
	int64_t participant; /* classes 4 and 5: the rest */
	int64_t employer, worker; /* class 1: 2/3 and 1/3 */
};

/* Add s to t, field by field. */
void money_share_add(struct money_share *t, const struct money_share *s);

/* One month of a person's card. */
struct money_month {
	int year, month;
	int64_t base; /* the base salary in force, or (class 1) the wage */
	int64_t rate; /* BHYT rate, ppm */
	int64_t tier; /* household tier share, ppm (PPM_WHOLE but class 5) */
	int64_t support, local; /* the support rates applied, ppm */
	struct money_share s;
};

/* One person on a list. */
struct money_in {
	unsigned group; /* index into r's groups */
	const char *commune; /* for the support file; NULL or "": none */
	struct date from; /* the card's first month (the list's from-month) */
	int period; /* the run's year */
	int months; /* 0: from's month to December of period; class 5: 12 */
	int tier; /* class 5: household tier 1..; 0 counts as 1 */
	int64_t wage; /* class 1: the monthly wage in đồng; 0 unknown */
};

struct money_out {
	int funding; /* the group's funding class, 0 unknown */
	enum money_how how;
	int months; /* how many of m[] */
	struct money_month m[MONEY_MONTHS_MAX];
	struct money_share total; /* the sum of m[].s, field by field */
};

/*
 * The money of one person (spec §9, rules.md R15.3 to R15.6).  Months:
 * in->months from in->from's month (a month before the period counts
 * from January of it), else to December of the period, or 12 for a
 * household (funding class 5) card.  Each month: amount = the base
 * salary in force on the month's first day × the rate in force then
 * (× the household tier's share for class 5; class 1: the wage × the
 * rate), rounded to the whole đồng (half up).  The shares are taken of
 * that rounded amount, each rounded half up, in this order, each at most
 * what is left: class 3 all state_pays; class 4 state_supports (the
 * group's rate that month), then local (the support file's); class 5
 * local; the participant the remainder.  Class 1: employer 2/3 of it,
 * worker the remainder.  The totals are the sums of the months.  Class 2,
 * class 1 without a wage and months without a rate give months with no
 * money (how says why).  Returns 0, or -1 for an input it cannot use (an
 * unknown group, in->months above MONEY_MONTHS_MAX or negative, a
 * negative wage), out then zero.
 */
int money_person(const struct ref *r, const struct contrib *c,
		 const struct money_in *in, struct money_out *out);

#endif
