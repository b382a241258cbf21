/*
 * test_core.c: unit tests of the small modules under the pipeline:
 * hashtab (XXH3 multimap), copytext (COPY escaping), fields (header
 * aliases), ref (shipped groups, levels by date, targets and commune
 * codes it refuses), classify's TE end date.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "classify.h"
#include "copytext.h"
#include "fields.h"
#include "hashtab.h"
#include "output.h"
#include "ref.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hashtab_confirms_keys(void **state)
{
	struct hashtab h;
	uint32_t v, i, seen = 0;
	size_t pos;

	(void)state;
	ht_init(&h, 4);
	/* Many values under one hash (a forced collision) and growth. */
	for (i = 0; i < 1000; i++)
		ht_insert(&h, i % 10 == 0 ? 42 : ht_hash_u64(i), i);
	for (pos = ht_first(&h, 42); (v = ht_next(&h, 42, &pos)) != HT_NONE;) {
		assert_int_equal(v % 10, 0);
		seen++;
	}
	assert_int_equal(seen, 100);
	for (i = 1; i < 1000; i++) {
		uint64_t hh = ht_hash_u64(i);
		int found = 0;

		if (i % 10 == 0)
			continue;
		for (pos = ht_first(&h, hh);
		     (v = ht_next(&h, hh, &pos)) != HT_NONE;)
			found += v == i;
		assert_int_equal(found, 1);
	}
	assert_int_equal(ht_next(&h, ht_hash_u64(5000), &(size_t){ 0 }),
			 HT_NONE);
	assert_true(ht_hash("", 0) != 0);
	ht_release(&h);
}

/* sort_kv: ordered by key, equal keys in their first order, any width. */
static void sort_kv_is_a_stable_sort(void **state)
{
	static const uint64_t shapes[] = { 0xffull, 0xffffffffffull, ~0ull };
	enum { N = 20000 };
	struct kv *a = malloc(N * sizeof(*a));
	uint64_t x = 88172645463325252ull;
	size_t i, s;

	(void)state;
	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		for (i = 0; i < N; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* few distinct keys, so equal keys are many */
			a[i].key = (x % 37) * (shapes[s] / 37);
			a[i].val = (uint32_t)i;
		}
		sort_kv(a, N);
		for (i = 1; i < N; i++) {
			assert_true(a[i - 1].key <= a[i].key);
			if (a[i - 1].key == a[i].key)
				assert_true(a[i - 1].val < a[i].val);
		}
	}
	a[0].key = 5;
	sort_kv(a, 1); /* one element: nothing to do */
	assert_int_equal(a[0].key, 5);
	free(a);
}

/* arena_absorb keeps what both arenas handed out, and dst goes on. */
static void arena_absorb_keeps_strings(void **state)
{
	struct arena a, b;
	char *x, *y, *z;
	int i;

	(void)state;
	arena_init(&a);
	arena_init(&b);
	x = arena_strdup(&a, "xã Mỹ Cẩm");
	for (i = 0; i < 3000; i++) /* several blocks in b */
		y = arena_strdup(&b,
				 "Thị trấn Càng Long, Trà Vinh............"
				 "..........................................");
	y = arena_strdup(&b, "29266");
	arena_absorb(&a, &b);
	assert_null(b.head);
	z = arena_strdup(&a, "after");
	assert_string_equal(x, "xã Mỹ Cẩm");
	assert_string_equal(y, "29266");
	assert_string_equal(z, "after");
	arena_release(&a);
	arena_release(&b); /* empty: nothing to free */
}

/* outputs_absorb: rows follow o's in order, seq renumbered, counts add. */
static void outputs_absorb_appends_in_order(void **state)
{
	struct outputs o, part;
	const char *r1[6] = { "084090001234", "A", "1990", "M", "29266", "" };
	const char *r2[6] = {
		"084090001235", "B, C", "1991", "F", "29269", "H1"
	};

	(void)state;
	outputs_init(&o);
	outputs_init(&part);
	out_add(&o, L_UNINSURED, "29266", 2, R_NONE, r1);
	out_add(&part, L_UNINSURED, "29269", 1, R_NONE, r2);
	out_add(&part, L_DECREASE, "29269", 1, R_DEATH,
		(const char *[13]){ "1", "", "", "B", "1991", "F", "29269",
				    "HN", "2023-01-01", "DEATH", "", "", "" });
	outputs_absorb(&o, &part);
	assert_int_equal(o.lists[L_UNINSURED].n, 2);
	/* the absorbed row comes after o's own, when keys tie too */
	assert_true(o.lists[L_UNINSURED].rows[1].seq >
		    o.lists[L_UNINSURED].rows[0].seq);
	assert_string_equal(orow_cell(&o.lists[L_UNINSURED].rows[1], 1),
			    "B, C");
	assert_string_equal(o.lists[L_UNINSURED].rows[1].commune, "29269");
	assert_int_equal(o.lists[L_UNINSURED].rows[0].plain, 1);
	assert_int_equal(o.lists[L_UNINSURED].rows[1].plain, 0); /* comma */
	assert_int_equal(o.lists[L_DECREASE].by_reason[R_DEATH], 1);
	assert_string_equal(orow_cell(&o.lists[L_DECREASE].rows[0], 9),
			    "DEATH");
	outputs_release(&o);
}

/* Read back what f holds (from its start). */
static char *slurp(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	rewind(f);
	s = xcalloc((size_t)n + 1, 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

/*
 * msgs: absorbed lists follow in order, printing writes each warning as
 * warn() does, logs only when not quiet, and empties the list.
 */
static void msgs_keep_order_and_print(void **state)
{
	struct msgs a = { 0 }, b = { 0 };
	FILE *f = tmpfile();
	char *out;

	(void)state;
	assert_non_null(f);
	set_progname("doisoat test");
	msgs_add(&a, MSG_WARN, "'%s':%d: first", "a.csv", 2);
	msgs_add(&b, MSG_WARN, "'%s':%d: second", "b.csv", 3);
	msgs_add(&b, MSG_LOG, "read %d rows", 7);
	msgs_absorb(&a, &b);
	assert_int_equal(b.n, 0);
	assert_int_equal(a.n, 3);
	set_quiet(1);
	msgs_print(&a, f);
	assert_int_equal(a.n, 0);
	out = slurp(f);
	assert_string_equal(out, "doisoat test: warning: 'a.csv':2: first\n"
				 "doisoat test: warning: 'b.csv':3: second\n");
	free(out);
	/* not quiet: the log line comes, stamped, after the warning */
	rewind(f);
	msgs_add(&a, MSG_WARN, "w");
	msgs_add(&a, MSG_LOG, "l");
	set_quiet(0);
	msgs_print(&a, f);
	out = slurp(f);
	assert_non_null(strstr(out, "doisoat test: warning: w\n"));
	assert_true(strstr(out, "Z doisoat test: l\n") > strstr(out, "w\n"));
	free(out);
	msgs_release(&a);
	fclose(f);
}

static void copytext_round_trip(void **state)
{
	struct strbuf sb;
	char *f[4];
	char line[128];

	(void)state;
	sb_init(&sb, 0);
	copy_field(&sb, "a\tb\\c\nd\re", 1);
	copy_field(&sb, NULL, 0);
	copy_field(&sb, "", 0);
	assert_string_equal(sb.buf, "a\\tb\\\\c\\nd\\re\t\\N\t");
	snprintf(line, sizeof(line), "%s", sb.buf);
	assert_int_equal(copy_split(line, f, 4), 3);
	assert_string_equal(f[0], "a\tb\\c\nd\re");
	assert_null(f[1]);
	assert_string_equal(f[2], "");
	snprintf(line, sizeof(line), "a\tb\tc");
	assert_int_equal(copy_split(line, f, 2), -1); /* too many fields */
	snprintf(line, sizeof(line), "bad\\q");
	assert_int_equal(copy_split(line, f, 2), -1); /* unknown escape */
	snprintf(line, sizeof(line), "\\Nx");
	assert_int_equal(copy_split(line, f, 2), -1); /* \N then text */
	sb_release(&sb);
}

static void fields_match_aliases(void **state)
{
	static const struct {
		const char *header;
		int field;
	} cases[] = {
		{ "Họ và tên", F_NAME },
		{ "HO VA TEN", F_NAME },
		{ "ho_va_ten", F_NAME },
		{ "Số CCCD/CMND", F_PERSON_ID },
		{ "Số định danh cá nhân", F_PERSON_ID },
		{ "Mã số BHXH", F_BHXH },
		{ "Mã thẻ BHYT", F_CARD },
		{ "Ngày tháng năm sinh", F_DOB },
		{ "Mã xã cư trú", F_COMMUNE },
		{ "Mã đơn vị", F_UNIT },
		{ "Nơi đăng ký KCB ban đầu", F_HOSPITAL },
		{ "Nữ", F_SEX_CHECKBOX },
		{ "Ghi chú", F_UNKNOWN },
		/* VSS form headers: variants in brackets, after a slash */
		{ "Số CCCD/ĐDCN", F_PERSON_ID },
		{ "Số CCCD/ĐDCN/Hộ chiếu", F_PERSON_ID },
		{ "Số CCCD/CMND/Hộ chiếu", F_PERSON_ID },
		{ "Ngày sinh (dd/mm/yyyy)", F_DOB },
		{ "Ngày, tháng, năm sinh", F_DOB },
		{ "Mã số BHXH (nếu có)", F_BHXH },
		{ "Mã số BHXH/Số định danh", F_BHXH },
		{ "Họ và tên (*)", F_NAME },
		{ "(ghi chú)", F_UNKNOWN },
		{ "Ghi chú/Số CCCD", F_UNKNOWN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = field_from_header(cases[i].header,
					    strlen(cases[i].header));

		if (got != cases[i].field)
			fail_msg("case %zu '%s': got %d, want %d", i,
				 cases[i].header, got, cases[i].field);
	}
}

static void colmap_names_missing_columns(void **state)
{
	const char *cells[] = { "Họ và tên", "Ngày sinh", "Ghi chú" };
	size_t lens[] = { strlen(cells[0]), strlen(cells[1]),
			  strlen(cells[2]) };
	struct colmap m;
	char msg[COLMAP_MSG_MAX];

	(void)state;
	assert_int_equal(
		colmap_build(&m, KIND_ROSTER, 3, cells, lens, msg, sizeof(msg)),
		-1);
	assert_non_null(strstr(msg, "group_code"));
	assert_non_null(strstr(msg, "Mã đối tượng"));
	assert_non_null(strstr(msg, "person_id"));
	assert_int_equal(m.col[F_NAME], 0);
	assert_int_equal(m.col[F_DOB], 1);
	/* one list, "; " between requirements, " or " between alternatives */
	/* the accepted headers as people write them, not folded */
	assert_string_equal(msg,
			    "missing required column: group_code "
			    "(Mã đối tượng, Đối tượng); person_id (Số định "
			    "danh cá nhân, Số CCCD, Số CCCD/CMND) or cmnd "
			    "(Số CMND) or bhxh_code (Mã số BHXH) or "
			    "card_code (Mã thẻ BHYT, Số thẻ BHYT)");
}

/* With every column missing, the message is whole in an etl_err. */
static void colmap_message_is_never_cut(void **state)
{
	const char *cells[] = { "Ghi chú" };
	size_t lens[] = { strlen(cells[0]) };
	struct colmap m;
	struct etl_err err;
	char msg[COLMAP_MSG_MAX];
	int k;

	(void)state;
	for (k = 0; k < KIND_N; k++) {
		assert_int_equal(colmap_build(&m, (enum kind)k, 1, cells, lens,
					      msg, sizeof(msg)),
				 -1);
		assert_non_null(strstr(msg, "missing required column: "
					    "full_name (") ||
				strstr(msg, "missing required column: "
					    "person_id ("));
		assert_null(strstr(msg, ": ;"));
		assert_int_equal(msg[strlen(msg) - 1], ')');
		assert_true(strlen(msg) < sizeof(msg) - 1);
		/* as rec.c puts it, with a long path */
		etl_errf(&err, "'%0200d':1: %s input: %s", 0,
			 kind_name((enum kind)k), msg);
		assert_non_null(strstr(err.msg, msg));
	}
	assert_non_null(strstr(msg, "or card_code (Mã thẻ BHYT, Số thẻ BHYT)"));
}

static void ref_groups_levels_by_date(void **state)
{
	struct ref r;
	struct etl_err err;
	struct date d2025 = date_make(2025, 6, 1),
		    d2026 = date_make(2026, 1, 1);
	unsigned cn, te;

	(void)state;
	ref_init(&r);
	assert_int_equal(ref_load_groups(&r, NULL, &err), 0);
	assert_int_equal(r.ngroups, 43);
	cn = ref_group(&r, "CN");
	te = ref_group(&r, "TE");
	assert_int_not_equal(cn, GROUP_NONE);
	assert_int_equal(ref_group_level(&r, cn, &d2025), 3);
	assert_int_equal(ref_group_level(&r, cn, &d2026), 2);
	assert_int_equal(r.groups[te].rank, 25);
	assert_true(r.groups[te].residence_based);
	assert_true(r.groups[ref_group(&r, "DT")].area_based);
	assert_int_equal(ref_group(&r, "ZZ"), GROUP_NONE);
	assert_true(level_better(5, 1));
	assert_true(level_better(1, 2));
	assert_true(level_better(3, 4));
	assert_false(level_better(4, 3));
	assert_true(level_better(4, 0));
	assert_int_equal(ref_load_communes(&r, NULL, &err), 0);
	assert_string_equal(ref_commune_name(&r, "29266", &d2025),
			    "Thị trấn Càng Long");
	assert_string_equal(ref_commune_name(&r, "29266", &d2026),
			    "Xã Càng Long");
	assert_string_equal(ref_commune_name(&r, "99999", &d2026), "");
	ref_release(&r);
}

static void te_end_dates(void **state)
{
	static const struct {
		struct date dob;
		struct date want;
	} cases[] = {
		/* on or before 30 September: 30 September at 6 */
		{ { 2017, 9, 30, DATE_DAY }, { 2023, 9, 30, DATE_DAY } },
		{ { 2018, 1, 15, DATE_DAY }, { 2024, 9, 30, DATE_DAY } },
		/* after: the last day of the month it reaches 72 months */
		{ { 2017, 10, 1, DATE_DAY }, { 2023, 10, 31, DATE_DAY } },
		{ { 2017, 11, 30, DATE_DAY }, { 2023, 11, 30, DATE_DAY } },
		{ { 2017, 12, 31, DATE_DAY }, { 2023, 12, 31, DATE_DAY } },
		/* month or year only: the latest it could be */
		{ { 2017, 9, 0, DATE_MONTH }, { 2023, 9, 30, DATE_DAY } },
		{ { 2017, 2, 0, DATE_MONTH }, { 2023, 9, 30, DATE_DAY } },
		{ { 2017, 10, 0, DATE_MONTH }, { 2023, 10, 31, DATE_DAY } },
		{ { 2017, 0, 0, DATE_YEAR }, { 2023, 12, 31, DATE_DAY } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct date got = te_end_date(&cases[i].dob);

		if (date_cmp(&got, &cases[i].want) || got.prec != DATE_DAY)
			fail_msg("case %zu: got %04d-%02d-%02d", i, got.year,
				 got.month, got.day);
	}
}

/* Write text to a temporary file; its name is left in path. */
static void temp_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

/* ref_load_targets on text: its result, the message after the path. */
static int load_targets(const char *text, struct ref *r, struct etl_err *err,
			const char **after)
{
	char path[] = "/tmp/test_core_targets_XXXXXX";
	int rc;

	temp_file(path, text);
	ref_init(r);
	err->msg[0] = '\0';
	rc = ref_load_targets(r, path, err);
	unlink(path);
	*after = strstr(err->msg, "':") ? strstr(err->msg, "':") + 2 : "";
	return rc;
}

/* A commune or the TOTAL row given twice: an error naming both lines. */
static void targets_given_twice(void **state)
{
	struct ref r;
	struct etl_err err;
	const char *msg;

	(void)state;
	assert_int_equal(load_targets("commune_code,bhyt_target_pct\n"
				      "29266,95\nTOTAL,90\n\n29269,90\n",
				      &r, &err, &msg),
			 0);
	assert_int_equal(r.ntargets, 3);
	ref_release(&r);
	/* line numbers are physical lines: the blank line 4 counts */
	assert_int_equal(load_targets("commune_code,bhyt_target_pct\n"
				      "29266,95\nTOTAL,90\n\n29269,90\n"
				      "TOTAL,91\n",
				      &r, &err, &msg),
			 -1);
	assert_string_equal(msg, "6: TOTAL is given twice, on lines 3 and 6");
	ref_release(&r);
	assert_int_equal(load_targets("commune_code,bhyt_target_pct\n"
				      "29266,95\n\"29269\",90\n29266,91\n",
				      &r, &err, &msg),
			 -1);
	assert_string_equal(msg, "4: commune 29266 is given twice, on lines "
				 "2 and 4");
	ref_release(&r);
}

/* A commune code over COMMUNE_CODE_MAX bytes is an error, never cut. */
static void reference_commune_code_too_long(void **state)
{
	char path[] = "/tmp/test_core_scope_XXXXXX";
	struct ref r;
	struct etl_err err;
	const char *msg;
	char out[COMMUNE_CODE_MAX + 1];

	(void)state;
	assert_int_equal(load_targets("commune_code,bhyt_target_pct\n"
				      "29266,95\n292661234,90\n",
				      &r, &err, &msg),
			 -1);
	assert_string_equal(msg, "3: commune code longer than 7 bytes");
	ref_release(&r);
	/* 6 digits and a 2-byte letter: 8 bytes, where a cut would leave
	 * half a letter */
	temp_file(path, "ma_xa\n29266\n292661\xc6\xaf\n");
	ref_init(&r);
	assert_int_equal(ref_load_scope(&r, path, &err), -1);
	unlink(path);
	assert_non_null(strstr(err.msg, "':3: commune code longer than 7 "
					"bytes"));
	ref_release(&r);
	/* 7 bytes fit, letters upper-cased; control bytes are bad */
	assert_int_equal(commune_code("2926\xc6\xb0x", 7, out), NORM_OK);
	assert_string_equal(out, "2926\xc6\xafX");
	assert_int_equal(commune_code("29266\xc6\xb0x", 8, out), CODE_TOO_LONG);
	assert_string_equal(out, "");
	assert_int_equal(commune_code("29\x01", 3, out), NORM_BAD);
	assert_int_equal(commune_code("", 0, out), NORM_EMPTY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hashtab_confirms_keys),
		cmocka_unit_test(sort_kv_is_a_stable_sort),
		cmocka_unit_test(arena_absorb_keeps_strings),
		cmocka_unit_test(outputs_absorb_appends_in_order),
		cmocka_unit_test(msgs_keep_order_and_print),
		cmocka_unit_test(copytext_round_trip),
		cmocka_unit_test(fields_match_aliases),
		cmocka_unit_test(colmap_names_missing_columns),
		cmocka_unit_test(colmap_message_is_never_cut),
		cmocka_unit_test(ref_groups_levels_by_date),
		cmocka_unit_test(te_end_dates),
		cmocka_unit_test(targets_given_twice),
		cmocka_unit_test(reference_commune_code_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
