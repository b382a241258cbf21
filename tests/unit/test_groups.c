/*
 * test_groups.c: unit tests of a row's group as offices write it (ref.h,
 * rules.md R3.14): ref_group_lookup (a code, a code with words after a
 * separator, a name of groups.csv's name_vi or of the shipped short names
 * in etl/data/group-names.csv), ref_group_nearest (the codes a reject
 * message suggests), names from a --groups file, and rec_normalise's
 * group: NF_GROUP_NAMED, and the reject detail that names the value and
 * the nearest codes (never an ID or a date), from the memo as well.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rec.h"
#include "ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The shipped groups table (and its names). */
static int load_shipped(void **state)
{
	struct ref *r = malloc(sizeof(*r));
	struct etl_err err;

	ref_init(r);
	if (ref_load_groups(r, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = r;
	return 0;
}

static int release_shipped(void **state)
{
	ref_release(*state);
	free(*state);
	return 0;
}

/* The code of what ref_group_lookup found, "" for none. */
static const char *lookup(const struct ref *r, const char *s, int *named)
{
	unsigned g = ref_group_lookup(r, s, strlen(s), named);

	return g == GROUP_NONE ? "" : r->groups[g].code;
}

struct lookup_case {
	const char *in;
	const char *code; /* "" : no group */
	int named;
};

static void check_lookups(const struct ref *r, const struct lookup_case *c,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int named = -1;
		const char *got = lookup(r, c[i].in, &named);

		if (strcmp(got, c[i].code) || named != c[i].named)
			fail_msg("lookup case %zu '%s': got '%s' named %d, "
				 "want '%s' named %d",
				 i, c[i].in, got, named, c[i].code, c[i].named);
	}
}

static void lookup_cases(void **state)
{
	static const struct lookup_case cases[] = {
		/* codes as norm_code reads them: not named */
		{ "HN", "HN", 0 },
		{ " hn ", "HN", 0 },
		{ "'HN", "HN", 0 },
		{ "TE", "TE", 0 },
		/* names: the shipped short names */
		{ "Hộ nghèo", "HN", 1 },
		{ "HỘ NGHÈO", "HN", 1 },
		{ "  Hộ   nghèo ", "HN", 1 },
		{ "Ho ngheo", "HN", 1 },
		{ "ho_ngheo", "HN", 1 },
		{ "Ho\xcc\xa3 nghe\xcc\x80o", "HN", 1 }, /* NFD */
		{ "Hộ gia đình nghèo", "HN", 1 },
		{ "Cận nghèo", "CN", 1 },
		{ "Hộ cận nghèo", "CN", 1 },
		{ "Trẻ em", "TE", 1 },
		{ "Trẻ em dưới 6 tuổi", "TE", 1 },
		{ "Học sinh", "HS", 1 },
		{ "Sinh viên", "SV", 1 },
		{ "Hộ gia đình", "GD", 1 },
		{ "Người có công", "CC", 1 },
		{ "Cựu chiến binh", "CB", 1 },
		{ "Bảo trợ xã hội", "BT", 1 },
		{ "Dân tộc thiểu số", "DT", 1 },
		{ "Hưu trí", "HT", 1 },
		{ "Thân nhân liệt sĩ", "TS", 1 },
		{ "Nông lâm ngư diêm nghiệp", "GB", 1 },
		/* names: groups.csv's name_vi */
		{ "Người thuộc hộ gia đình nghèo", "HN", 1 },
		{ "Người thuộc hộ gia đình cận nghèo", "CN", 1 },
		{ "Người có công với cách mạng khác", "CK", 1 },
		{ "Cán bộ, công chức, viên chức", "HC", 1 },
		/* a code, a separator, words */
		{ "HN - Hộ nghèo", "HN", 1 },
		{ "HN: Hộ nghèo", "HN", 1 },
		{ "HN (Hộ nghèo)", "HN", 1 },
		{ "HN(Hộ nghèo)", "HN", 1 },
		{ "HN. Hộ nghèo", "HN", 1 },
		{ "HN \xe2\x80\x93 Hộ nghèo", "HN", 1 },
		{ "hn - người thuộc hộ gia đình nghèo", "HN", 1 },
		{ "TE (dưới 6 tuổi)", "TE", 1 },
		/* ... whose words name another group: none */
		{ "HN - Cận nghèo", "", 0 },
		{ "HN (Cận nghèo)", "", 0 },
		{ "CN. Hộ nghèo", "", 0 },
		/* a bare space is no separator; unknown codes and names */
		{ "HN Hộ nghèo", "", 0 },
		{ "XY (Hộ nghèo)", "", 0 },
		{ "Hộ nghoè", "", 0 },
		{ "XY", "", 0 },
		{ "", "", 0 },
		{ "   ", "", 0 },
		{ "(Hộ nghèo)", "HN", 1 },
		{ "Học sinh, sinh viên", "", 0 },
		{ "HN\x01", "", 0 },
	};

	check_lookups(*state, cases, sizeof(cases) / sizeof(cases[0]));
	/* named may be NULL */
	assert_int_equal(
		ref_group_lookup(*state, "Hộ nghèo", strlen("Hộ nghèo"), NULL),
		ref_group(*state, "HN"));
}

/* Every shipped short name maps to one group of the shipped table. */
static void shipped_names_unambiguous(void **state)
{
	const struct ref *r = *state;
	size_t i;

	assert_true(r->ngroup_names > r->ngroups);
	for (i = 0; i < r->ngroup_names; i++) {
		if (r->group_names[i].group == GROUP_NONE)
			fail_msg("'%s' names two groups",
				 r->group_names[i].folded);
		if (i && strcmp(r->group_names[i - 1].folded,
				r->group_names[i].folded) >= 0)
			fail_msg("'%s' not sorted or not once",
				 r->group_names[i].folded);
	}
}

struct nearest_case {
	const char *in;
	size_t outsz;
	const char *want;
};

static void nearest_cases(void **state)
{
	static const struct nearest_case cases[] = {
		{ "Hộ nghoè", 64, "HN, CN, CC" },
		{ "ho ngeho", 64, "HN, CN, BT" },
		{ "Cân nghẹo", 64, "CN, HN, QN" },
		{ "Tre em duoi 6", 64, "TE, HT, BT" },
		{ "Hoc sinh vien", 64, "HS, SV, GD" },
		{ "XY", 64, "XK, XB, CY" },
		{ "HNN", 64, "NN, HN, DN" },
		/* out too small: whole codes only */
		{ "Hộ nghoè", 11, "HN, CN, CC" },
		{ "Hộ nghoè", 10, "HN, CN" },
		{ "Hộ nghoè", 3, "HN" },
		{ "Hộ nghoè", 2, "" },
		/* nothing to compare: the first codes of the table */
		{ "", 64, "DN, HX, CH" },
		{ "???", 64, "DN, HX, CH" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'x', sizeof(out));
		ref_group_nearest(*state, cases[i].in, strlen(cases[i].in), out,
				  cases[i].outsz);
		if (strcmp(out, cases[i].want))
			fail_msg("nearest case %zu '%s': got '%s', want '%s'",
				 i, cases[i].in, out, cases[i].want);
	}
	/* a very long cell: no overflow, still a suggestion */
	{
		char big[4000];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		ref_group_nearest(*state, big, strlen(big), out, sizeof(out));
		assert_true(strlen(out) >= 2);
		assert_string_equal(lookup(*state, big, NULL), "");
	}
}

static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A --groups file: its name_vi are names; a shipped short name counts
 * only when its code is in the file; a name two groups share maps to none.
 */
static void names_of_groups_file(void **state)
{
	static const struct lookup_case cases[] = {
		{ "Hộ nghèo đặc biệt", "HN", 1 },
		{ "Hộ nghèo", "HN", 1 }, /* shipped short name */
		{ "Cận nghèo", "", 0 }, /* CN is not in the file */
		{ "CN", "", 0 },
		{ "Trẻ em", "", 0 }, /* XX's name_vi, TE's short name */
		{ "Trẻ nhỏ", "", 0 }, /* name_vi of TE and YY */
		{ "Trẻ em dưới 6 tuổi", "TE", 1 }, /* TE's short name */
		{ "XX", "XX", 0 },
	};
	char path[] = "/tmp/test_groups_XXXXXX";
	struct etl_err err;
	struct ref r;
	char out[32];

	(void)state;
	ref_init(&r);
	write_file(path, "code,rank,level,residence_based,area_based,name_vi\n"
			 "HN,1,2,y,n,Hộ nghèo đặc biệt\n"
			 "TE,2,1,y,n,Trẻ nhỏ\n"
			 "XX,3,4,n,n,TRẺ EM\n"
			 "YY,4,4,n,n,Trẻ nhỏ\n"
			 "YY,4,3,n,n,Trẻ em\n");
	assert_int_equal(ref_load_groups(&r, path, &err), 0);
	unlink(path);
	check_lookups(&r, cases, sizeof(cases) / sizeof(cases[0]));
	ref_group_nearest(&r, "Ho ngheo", 8, out, sizeof(out));
	assert_string_equal(out, "HN, TE, XX");
	/* without name_vi: the short names only */
	strcpy(path, "/tmp/test_groups_XXXXXX");
	write_file(path, "code,rank,level,residence_based,area_based\n"
			 "CN,1,2,y,n\n");
	assert_int_equal(ref_load_groups(&r, path, &err), 0);
	unlink(path);
	assert_string_equal(lookup(&r, "Cận nghèo", NULL), "CN");
	assert_string_equal(lookup(&r, "Hộ nghèo", NULL), "");
	ref_group_nearest(&r, "Hộ nghèo", 10, out, sizeof(out));
	assert_string_equal(out, "CN");
	ref_release(&r);
	/* an empty table: no suggestion */
	ref_init(&r);
	ref_group_nearest(&r, "HN", 2, out, sizeof(out));
	assert_string_equal(out, "");
	assert_string_equal(lookup(&r, "Hộ nghèo", NULL), "");
	ref_release(&r);
}

/* The card code group_of gives its rows. */
static const char *card_code = "HN2848400000001";

/*
 * One group cell through rec_normalise, twice in a row (the second from
 * the memo): its reason, group, NF_GROUP_NAMED and reject detail.
 */
static void group_of(struct batch *b, enum kind kind, const char *cell,
		     enum reason want, const char *code, const char *detail)
{
	const char *raw[F_NFIELDS] = { 0 }, *d;
	struct rec r;
	int k;

	raw[F_PERSON_ID] = "084080000001";
	raw[F_NAME] = "Nguyễn Văn A";
	raw[F_DOB] = "01/01/1990";
	raw[F_CARD] = card_code;
	raw[F_GROUP] = cell;
	for (k = 0; k < 2; k++) {
		d = "";
		if (rec_normalise(b, kind, raw, 0, &r, &d) != want)
			fail_msg("'%s' (%d): reason %s, want %s", cell, k,
				 reason_name(rec_normalise(b, kind, raw, 0, &r,
							   &d)),
				 reason_name(want));
		if (want == R_NONE) {
			assert_string_equal(b->ref->groups[r.group].code, code);
			assert_int_equal(!!(r.flags & NF_GROUP_NAMED),
					 strcmp(cell ? cell : "", code) != 0 &&
						 cell && cell[0]);
		} else {
			assert_string_equal(d, detail);
		}
	}
}

static void rows_with_names(void **state)
{
	struct batch b;
	struct date start = date_make(2024, 1, 1);

	batch_init(&b, *state, 2024, &start, &start);
	batch_add_source(&b, &(struct input){ .path = "roster.csv",
					      .label = "roster",
					      .kind = KIND_ROSTER });
	group_of(&b, KIND_ROSTER, "HN", R_NONE, "HN", NULL);
	group_of(&b, KIND_ROSTER, "Hộ nghèo", R_NONE, "HN", NULL);
	group_of(&b, KIND_ROSTER, "Người thuộc hộ gia đình nghèo", R_NONE, "HN",
		 NULL); /* longer than the memo holds */
	group_of(&b, KIND_ROSTER, "TE (Trẻ em dưới 6 tuổi)", R_NONE, "TE",
		 NULL);
	group_of(&b, KIND_ROSTER, "Hộ nghoè", R_UNKNOWN_GROUP, NULL,
		 "the group 'Hộ nghoè' is not in the groups table (nearest: "
		 "HN, CN, CC)");
	group_of(&b, KIND_ROSTER, "XY", R_UNKNOWN_GROUP, NULL,
		 "the group 'XY' is not in the groups table (nearest: XK, "
		 "XB, CY)");
	group_of(&b, KIND_ROSTER, NULL, R_UNKNOWN_GROUP, NULL,
		 "the group code is missing");
	group_of(&b, KIND_ROSTER, "  ", R_UNKNOWN_GROUP, NULL,
		 "the group code is missing");
	/* control characters, quotes escaped; cut at 40 bytes, on a
	   character; an ID or a date typed there is masked */
	group_of(&b, KIND_ROSTER, "H\tN'\\", R_UNKNOWN_GROUP, NULL,
		 "the group 'H\\x09N\\'\\\\' is not in the groups table "
		 "(nearest: HN, DN, HX)");
	group_of(&b, KIND_ROSTER,
		 "Người thuộc hộ gia đình nghèo ở xã đảo rất xa",
		 R_UNKNOWN_GROUP, NULL,
		 "the group 'Người thuộc hộ gia đình nghèo ...' is not in the "
		 "groups table (nearest: HN, CN, GD)");
	group_of(&b, KIND_ROSTER, "084080000001", R_UNKNOWN_GROUP, NULL,
		 "the group '############' is not in the groups table "
		 "(nearest: DN, HT, TN)");
	group_of(&b, KIND_ROSTER, "01/01/1990", R_UNKNOWN_GROUP, NULL,
		 "the group '##/##/####' is not in the groups table "
		 "(nearest: TE, CA, HN)");
	group_of(&b, KIND_ROSTER, "XY\xff", R_UNKNOWN_GROUP, NULL,
		 "the group 'XY\\xff' is not in the groups table "
		 "(nearest: XK, XB, CY)");
	/* a card's group letters when the column is empty; the memo of
	   the column's value is not taken for them */
	group_of(&b, KIND_ROSTER, "XY", R_UNKNOWN_GROUP, NULL,
		 "the group 'XY' is not in the groups table (nearest: XK, "
		 "XB, CY)");
	group_of(&b, KIND_PRIOR, "", R_NONE, "HN", NULL);
	card_code = "ZZ2848400000001";
	group_of(&b, KIND_PRIOR, "", R_UNKNOWN_GROUP, NULL,
		 "the group 'ZZ' is not in the groups table (nearest: DN, HX, "
		 "CH)");
	card_code = "HN2848400000001";
	group_of(&b, KIND_ROSTER, "XY", R_UNKNOWN_GROUP, NULL,
		 "the group 'XY' is not in the groups table (nearest: XK, "
		 "XB, CY)");
	group_of(&b, KIND_PRIOR, "Cận nghèo", R_NONE, "CN", NULL);
	batch_release(&b);
}

/*
 * rules.md R3.4: a card code and the BHXH column.  The column's code
 * stands when the two differ, and the card code is dropped, but its group
 * and level still serve as the row's defaults.
 */
static void card_against_column(void **state)
{
	struct batch b;
	struct date start = date_make(2024, 1, 1);
	const char *raw[F_NFIELDS] = { 0 }, *d = "";
	static const struct {
		const char *bhxh; /* the BHXH column */
		uint64_t want_bhxh;
		int want_card_len;
	} c[] = {
		{ NULL, 8400000001u, 15 }, /* none: the card's code */
		{ "8400000001", 8400000001u, 15 }, /* the same */
		{ "8400000002", 8400000002u, 0 }, /* another: the column's */
	};
	struct rec r;
	size_t i;

	batch_init(&b, *state, 2024, &start, &start);
	batch_add_source(&b, &(struct input){ .path = "cards.csv",
					      .label = "cards",
					      .kind = KIND_PRIOR });
	raw[F_PERSON_ID] = "084080000001";
	raw[F_NAME] = "Nguyễn Văn A";
	raw[F_DOB] = "01/01/1990";
	raw[F_CARD] = "HN2848400000001";
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		raw[F_BHXH] = c[i].bhxh;
		assert_int_equal(rec_normalise(&b, KIND_PRIOR, raw, 0, &r, &d),
				 R_NONE);
		assert_true(r.bhxh == c[i].want_bhxh);
		assert_int_equal(r.card_len, c[i].want_card_len);
		/* the card's group and level serve either way */
		assert_string_equal(b.ref->groups[r.group].code, "HN");
		assert_int_equal(r.card_level, 2);
		assert_memory_equal(r.card_group, "HN", 2);
	}
	batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_cases),
		cmocka_unit_test(shipped_names_unambiguous),
		cmocka_unit_test(nearest_cases),
		cmocka_unit_test(names_of_groups_file),
		cmocka_unit_test(rows_with_names),
		cmocka_unit_test(card_against_column),
	};

	return cmocka_run_group_tests(tests, load_shipped, release_shipped);
}
