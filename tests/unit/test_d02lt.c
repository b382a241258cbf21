/*
 * test_d02lt.c: the D02-LT workbook (etl/d02lt.h) written from small
 * lists built by hand, then read back: the file (mode 0600, renamed into
 * place), the sheet names, the header cells, the sections and their Cộng
 * rows, IDs as text cells, dates as dates, the split of a sheet past its
 * row limit, and byte-identical output on a second run.  The sheet XML is
 * read with `unzip -p`; the tests that need it are skipped without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "d02lt.h"
#include "output.h"
#include "rec.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fix {
	struct ref ref;
	struct batch b;
	struct outputs o;
	char dir[64];
};

/* increase.csv columns */
static void inc(struct outputs *o, const char *pid, const char *bhxh,
		const char *name, const char *dob, const char *sex,
		const char *commune, const char *group, const char *hosp,
		enum reason why, uint64_t key)
{
	const char *c[12] = { pid,
			      bhxh,
			      name,
			      dob,
			      sex,
			      commune,
			      group,
			      "2",
			      hosp,
			      "2024-01-01",
			      reason_name(why),
			      "roster" };

	out_add(o, L_INCREASE, commune, key, why, c);
}

/* decrease.csv columns */
static void dec(struct outputs *o, const char *pid, const char *bhxh,
		const char *card, const char *name, const char *dob,
		const char *commune, const char *group, const char *to,
		enum reason why, uint64_t key)
{
	const char *c[10] = {
		pid, bhxh,    card,  name, dob,
		"M", commune, group, to,   reason_name(why),
	};

	out_add(o, L_DECREASE, commune, key, why, c);
}

/* change.csv columns */
static void chg(struct outputs *o, const char *pid, const char *bhxh,
		const char *card, const char *name, const char *old,
		const char *group, const char *changed, enum reason why,
		uint64_t key)
{
	const char *c[12] = {
		pid,	 bhxh, card,  name, "2017-06-01", "F",
		"29266", old,  group, "2",  changed,	  reason_name(why),
	};

	out_add(o, L_CHANGE, "29266", key, why, c);
}

static void setup_batch(struct fix *f)
{
	struct etl_err err;
	struct date start = date_make(2024, 1, 1),
		    today = date_make(2024, 6, 30);

	ref_init(&f->ref);
	assert_int_equal(ref_load_groups(&f->ref, NULL, &err), 0);
	assert_int_equal(ref_load_communes(&f->ref, NULL, &err), 0);
	batch_init(&f->b, &f->ref, 2024, &start, &today);
	outputs_init(&f->o);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_d02lt.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
}

/* The small run most tests read: two communes and one without a code. */
static void build(struct fix *f)
{
	struct etl_err err;
	const char *ren[9] = { "084080000333", "8400000003", "HN2848400000003",
			       "PHẠM VĂN D",   "1980-01-01", "M",
			       "29269",	       "HN",	     "2" };

	setup_batch(f);
	inc(&f->o, "001090001234", "0100000001", "NGUYỄN VĂN AN", "1990-03-12",
	    "M", "29266", "HN", "84010", R_NEW, 1);
	inc(&f->o, "084323000111", "", "TRẦN THỊ BÉ", "2023-05", "F", "29266",
	    "TE", "", R_NEWBORN, 2);
	inc(&f->o, "084095000444", "0840000444", "VÕ THỊ E", "1995", "F",
	    "29269", "HN", "", R_NEW, 3);
	dec(&f->o, "001050005678", "0012345678", "HN2840012345678",
	    "LÊ VĂN CHẾT", "1950", "29266", "HN", "2023-11-15", R_DEATH, 4);
	dec(&f->o, "001060005679", "0012345679", "HN3840012345679", "ĐỖ VĂN ĐI",
	    "1960-02-02", "29266", "HN", "2023-12-31", R_MOVED_OUT, 5);
	dec(&f->o, "", "0000000007", "0000000007", "MAI VĂN G", "1970", "",
	    "HN", "2023-12-31", R_NOT_ON_ROSTER, 6);
	chg(&f->o, "084317000222", "8400000002", "TE1848400000002",
	    "LÝ THỊ CON", "TE", "HN", "", R_GROUP_CHANGED, 7);
	chg(&f->o, "084317000223", "8400000004", "HN2848400000004",
	    "HỒ THỊ SỬA", "HN", "HN", "full_name;dob", R_DATA_CORRECTED, 8);
	out_add(&f->o, L_RENEW, "29269", 9, R_NONE, ren);
	/* sorts the lists, as the run does before the workbook */
	assert_int_equal(out_write_all(&f->o, f->dir, &err), 0);
}

static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

static void release(struct fix *f)
{
	rm_dir(f->dir);
	outputs_release(&f->o);
	batch_release(&f->b);
	ref_release(&f->ref);
}

static int have_unzip(void)
{
	return system("command -v unzip >/dev/null 2>&1") == 0;
}

/* One member of the zip file, as a NUL-terminated string (free it). */
static char *zip_member(const char *dir, const char *member)
{
	char cmd[512];
	struct strbuf sb;
	char buf[4096];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "unzip -p '%s/d02lt.xlsx' '%s'", dir,
		 member);
	p = popen(cmd, "r");
	assert_non_null(p);
	sb_init(&sb, 0);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_add(&sb, buf, n);
	assert_int_equal(pclose(p), 0);
	return sb.buf;
}

static char *sheet(const char *dir, int n)
{
	char m[64];

	snprintf(m, sizeof(m), "xl/worksheets/sheet%d.xml", n);
	return zip_member(dir, m);
}

/* The text of a string cell, as either inline or shared string. */
static void has_text(const char *xml, const char *text)
{
	char want[512];

	snprintf(want, sizeof(want), "<t>%s</t>", text);
	if (!strstr(xml, want))
		fail_msg("no cell with text '%s'", text);
}

/* The cell at ref ("C15"), from its "<c " to its "</c>" or "/>". */
static void cell_at(const char *xml, const char *ref, char *out, size_t n)
{
	char want[32];
	const char *s, *e;

	snprintf(want, sizeof(want), "<c r=\"%s\"", ref);
	s = strstr(xml, want);
	if (!s)
		fail_msg("no cell %s", ref);
	e = strstr(s, "</c>");
	if (!e || (strstr(s, "/>") && strstr(s, "/>") < e))
		e = strstr(s, "/>");
	snprintf(out, n, "%.*s", (int)(e - s), s);
}

/* Row number of the first cell holding text. */
static int row_of(const char *xml, const char *text)
{
	char want[512];
	const char *s, *c;

	snprintf(want, sizeof(want), "<t>%s</t>", text);
	s = strstr(xml, want);
	if (!s)
		fail_msg("no cell with text '%s'", text);
	for (c = s; c > xml && strncmp(c, "<c r=\"", 6); c--)
		;
	c += 6;
	while (*c >= 'A' && *c <= 'Z')
		c++;
	return atoi(c);
}

/* The number in column col of the row holding text. */
static long num_beside(const char *xml, const char *text, char col)
{
	char ref[16], c[256];
	const char *v;

	snprintf(ref, sizeof(ref), "%c%d", col, row_of(xml, text));
	cell_at(xml, ref, c, sizeof(c));
	if (strstr(c, "t=\""))
		fail_msg("cell %s is not a number: %s", ref, c);
	v = strstr(c, "<v>");
	assert_non_null(v);
	return atol(v + 3);
}

static void writes_the_file_0600_and_renames_it(void **state)
{
	struct etl_err err = { "" };
	struct stat st;
	struct fix f;
	char p[256];
	DIR *d;
	struct dirent *e;

	(void)state;
	build(&f);
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), 0);
	snprintf(p, sizeof(p), "%s/d02lt.xlsx", f.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(st.st_size > 1000);
	d = opendir(f.dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_null(strstr(e->d_name, ".tmp"));
	closedir(d);
	release(&f);
}

static void sheets_are_summary_then_communes(void **state)
{
	struct etl_err err = { "" };
	struct fix f;
	char *wb;
	const char *a, *b, *c, *d;

	(void)state;
	if (!have_unzip())
		skip();
	build(&f);
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), 0);
	wb = zip_member(f.dir, "xl/workbook.xml");
	a = strstr(wb, "name=\"Tổng hợp\"");
	b = strstr(wb, "name=\"Chưa rõ xã\"");
	c = strstr(wb, "name=\"29266 TT Càng Long\"");
	d = strstr(wb, "name=\"29269 Mỹ Cẩm\"");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	assert_true(a < b && b < c && c < d);
	/* column headers repeated on every printed page */
	assert_non_null(strstr(wb, "_xlnm.Print_Titles"));
	free(wb);
	release(&f);
}

static void commune_sheet_has_form_layout(void **state)
{
	static const char *const heads[] = {
		"STT",
		"Họ và tên",
		"Mã số BHXH",
		"Ngày tháng năm sinh",
		"Giới tính",
		"Số CCCD/ CMND/ Hộ chiếu",
		"Mã đối tượng",
		"Mức hưởng",
		"Nơi đăng ký KCB",
		"Từ tháng, năm",
		"Đến tháng, năm",
		"Phương án",
		"Ghi chú",
	};
	struct etl_err err = { "" };
	struct fix f;
	char *x, c[256], ref[16];
	size_t i;

	(void)state;
	if (!have_unzip())
		skip();
	build(&f);
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), 0);
	x = sheet(f.dir, 3); /* 29266 */
	has_text(x, "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT");
	has_text(x, "Tên đơn vị: UBND Thị trấn Càng Long");
	has_text(x, "Mã đơn vị (mã xã): 29266");
	has_text(x, "Kỳ: năm 2024 (từ ngày 01/01/2024)");
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		snprintf(ref, sizeof(ref), "%c8", (char)('A' + i));
		cell_at(x, ref, c, sizeof(c));
		if (!strstr(c, heads[i]))
			fail_msg("%s is not '%s': %s", ref, heads[i], c);
	}
	/* sections in order */
	assert_true(row_of(x, "I. TĂNG") < row_of(x, "I.1. Tăng mới"));
	assert_true(row_of(x, "I.1. Tăng mới") <
		    row_of(x, "I.2. Tăng do chuyển đối tượng"));
	assert_true(row_of(x, "I.2. Tăng do chuyển đối tượng") <
		    row_of(x, "Cộng tăng"));
	assert_true(row_of(x, "Cộng tăng") < row_of(x, "II. GIẢM"));
	assert_true(row_of(x, "II.1. Giảm") <
		    row_of(x, "II.2. Giảm do chuyển đối tượng"));
	assert_true(row_of(x, "Cộng giảm") < row_of(x, "III. ĐIỀU CHỈNH"));
	assert_true(row_of(x, "III. ĐIỀU CHỈNH") <
		    row_of(x, "Cộng điều chỉnh"));
	assert_true(row_of(x, "Cộng điều chỉnh") < row_of(x, "NGƯỜI LẬP BIỂU"));
	has_text(x, "THỦ TRƯỞNG ĐƠN VỊ");
	/* Cộng rows: 2 increases + 1 group change; 2 + 1; 1 */
	assert_int_equal(num_beside(x, "Cộng tăng", 'C'), 3);
	assert_int_equal(num_beside(x, "Cộng giảm", 'C'), 3);
	assert_int_equal(num_beside(x, "Cộng điều chỉnh", 'C'), 1);

	/* IDs are text with their zeros; the BHXH code of row 1 too */
	snprintf(ref, sizeof(ref), "C%d", row_of(x, "NGUYỄN VĂN AN"));
	cell_at(x, ref, c, sizeof(c));
	assert_non_null(strstr(c, "t=\"inlineStr\""));
	assert_non_null(strstr(c, "<t>0100000001</t>"));
	snprintf(ref, sizeof(ref), "F%d", row_of(x, "NGUYỄN VĂN AN"));
	cell_at(x, ref, c, sizeof(c));
	assert_non_null(strstr(c, "<t>001090001234</t>"));
	/* a full birth date is a date (serial of 1990-03-12), styled */
	snprintf(ref, sizeof(ref), "D%d", row_of(x, "NGUYỄN VĂN AN"));
	cell_at(x, ref, c, sizeof(c));
	assert_null(strstr(c, "t=\""));
	assert_non_null(strstr(c, "<v>32944</v>"));
	/* a month or a year of birth is text */
	has_text(x, "05/2023");
	has_text(x, "1950");
	/* plan codes and Vietnamese notes */
	has_text(x, "TM");
	has_text(x, "TD");
	has_text(x, "GH4");
	has_text(x, "GD");
	has_text(x, "DC");
	has_text(x, "Chết");
	has_text(x, "Trẻ sơ sinh");
	has_text(x, "Chuyển đi nơi khác");
	has_text(x, "Điều chỉnh thông tin: họ tên, ngày sinh");
	has_text(x, "Chuyển đối tượng từ TE sang HN (Người thuộc hộ gia đình "
		    "nghèo)");
	/* the group change: TE card to 31/12/2023, HN card from 01/01/2024 */
	assert_non_null(strstr(x, "<v>45291</v>"));
	assert_non_null(strstr(x, "<v>45292</v>"));
	/* the death's decrease on its date, a level from the card code */
	snprintf(ref, sizeof(ref), "K%d", row_of(x, "LÊ VĂN CHẾT"));
	cell_at(x, ref, c, sizeof(c));
	assert_non_null(strstr(c, "<v>45245</v>"));
	snprintf(ref, sizeof(ref), "H%d", row_of(x, "LÊ VĂN CHẾT"));
	cell_at(x, ref, c, sizeof(c));
	assert_non_null(strstr(c, "<v>2</v>"));
	/* print setup: A4 landscape, fit to one page wide */
	assert_non_null(strstr(x, "paperSize=\"9\""));
	assert_non_null(strstr(x, "orientation=\"landscape\""));
	assert_non_null(strstr(x, "fitToHeight=\"0\""));
	free(x);

	x = sheet(f.dir, 2); /* no commune code: one decrease */
	has_text(x, "Tên đơn vị: chưa rõ xã");
	has_text(x, "0000000007");
	assert_int_equal(num_beside(x, "Cộng giảm", 'C'), 1);
	assert_int_equal(num_beside(x, "Cộng tăng", 'C'), 0);
	free(x);
	release(&f);
}

static void summary_counts_and_totals(void **state)
{
	struct etl_err err = { "" };
	struct fix f;
	char *x;
	int r;

	(void)state;
	if (!have_unzip())
		skip();
	build(&f);
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), 0);
	x = sheet(f.dir, 1);
	has_text(x, "TỔNG HỢP DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT");
	has_text(x, "Tăng mới");
	has_text(x, "Gia hạn");
	/* 29266: 2 increases, 2 decreases, 1 group change, 1 correction */
	r = row_of(x, "Thị trấn Càng Long");
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'D'), 2);
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'E'), 2);
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'F'), 1);
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'G'), 1);
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'H'), 0);
	assert_int_equal(num_beside(x, "Thị trấn Càng Long", 'I'), 4);
	assert_int_equal(num_beside(x, "Xã Mỹ Cẩm", 'H'), 1);
	assert_true(r < row_of(x, "Xã Mỹ Cẩm"));
	/* totals */
	assert_int_equal(num_beside(x, "Tổng cộng", 'D'), 3);
	assert_int_equal(num_beside(x, "Tổng cộng", 'E'), 3);
	assert_int_equal(num_beside(x, "Tổng cộng", 'I'), 6);
	/* the legend names the groups used */
	has_text(x, "Người thuộc hộ gia đình nghèo");
	has_text(x, "Trẻ em dưới 6 tuổi");
	free(x);
	release(&f);
}

static void splits_a_sheet_past_the_row_limit(void **state)
{
	struct etl_err err = { "" };
	struct fix f;
	char *wb, *x, pid[32], name[32], ref[16], c[256];
	int i, sheets = 0;
	const char *p;

	(void)state;
	if (!have_unzip())
		skip();
	setup_batch(&f);
	for (i = 0; i < 40; i++) {
		snprintf(pid, sizeof(pid), "0010900%05d", i);
		snprintf(name, sizeof(name), "NGƯỜI SỐ %02d", i + 1);
		inc(&f.o, pid, "", name, "1990-01-01", "M", "29266", "HN", "",
		    R_NEW, (uint64_t)i + 1);
	}
	/* more communes than the summary's rows under the limit: the
	 * summary sheet is never split */
	for (i = 0; i < 25; i++) {
		char code[16];

		snprintf(code, sizeof(code), "99%03d", i + 1);
		snprintf(pid, sizeof(pid), "0010910%05d", i);
		inc(&f.o, pid, "", "NGƯỜI KHÁC", "1991", "F", code, "CN", "",
		    R_NEW, (uint64_t)i + 100);
	}
	assert_int_equal(out_write_all(&f.o, f.dir, &err), 0);
	assert_int_equal(d02lt_write_rows(&f.o, &f.b, f.dir, 30, &err), 0);
	wb = zip_member(f.dir, "xl/workbook.xml");
	for (p = wb; (p = strstr(p, "<sheet ")); p++)
		sheets++;
	/* 9 header rows + 40 people + sections and signature over 30 rows,
	 * then 25 communes of one sheet */
	assert_true(sheets >= 4 + 25);
	assert_non_null(strstr(wb, "name=\"29266 TT Càng Long (2)\""));
	free(wb);
	x = sheet(f.dir, 3); /* the second part */
	has_text(x, "I.1. Tăng mới (tiếp theo)");
	has_text(x, "STT");
	/* STT runs on: the first person row after the label is not 1 */
	snprintf(ref, sizeof(ref), "A%d",
		 row_of(x, "I.1. Tăng mới (tiếp theo)") + 1);
	cell_at(x, ref, c, sizeof(c));
	assert_null(strstr(c, "<v>1</v>"));
	assert_null(strstr(x, "<row r=\"31\""));
	free(x);
	/* the total is on a later part and counts every person */
	for (i = 4, p = NULL; i <= sheets && !p; i++) {
		x = sheet(f.dir, i);
		assert_non_null(strstr(x, "<t>Mã đơn vị (mã xã): 29266</t>"));
		p = strstr(x, "<t>Cộng tăng</t>");
		if (p)
			assert_int_equal(num_beside(x, "Cộng tăng", 'C'), 40);
		free(x);
	}
	assert_non_null(p);
	/* a commune without a name in the table */
	wb = zip_member(f.dir, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"99001\""));
	free(wb);
	x = sheet(f.dir, 1);
	assert_int_equal(num_beside(x, "Tổng cộng", 'D'), 65);
	free(x);
	assert_int_equal(d02lt_write_rows(&f.o, &f.b, f.dir, 5, &err), -1);
	release(&f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void same_inputs_same_bytes(void **state)
{
	struct etl_err err = { "" };
	struct fix f;
	char p[256], q[256], dir2[64] = "/tmp/test_d02lt.XXXXXX";
	char *a, *b;
	size_t la, lb;

	(void)state;
	build(&f);
	assert_non_null(mkdtemp(dir2));
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), 0);
	sleep(1); /* a clock in the file would differ now */
	assert_int_equal(d02lt_write(&f.o, &f.b, dir2, &err), 0);
	snprintf(p, sizeof(p), "%s/d02lt.xlsx", f.dir);
	snprintf(q, sizeof(q), "%s/d02lt.xlsx", dir2);
	a = slurp(p, &la);
	b = slurp(q, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
	rm_dir(dir2);
	release(&f);
}

static void sheet_names_fit_excel(void **state)
{
	char s[D02LT_SHEET_NAME_MAX];
	size_t i, chars;

	(void)state;
	d02lt_sheet_name("29266", "Thị trấn Càng Long", 1, s);
	assert_string_equal(s, "29266 TT Càng Long");
	d02lt_sheet_name("00001", "Phường Phúc Xá", 2, s);
	assert_string_equal(s, "00001 P. Phúc Xá (2)");
	d02lt_sheet_name("29269", "Xã Mỹ Cẩm", 1, s);
	assert_string_equal(s, "29269 Mỹ Cẩm");
	d02lt_sheet_name("", "", 1, s);
	assert_string_equal(s, "Chưa rõ xã");
	d02lt_sheet_name("12345", "Xã A/B: [C]*?\\", 1, s);
	assert_string_equal(s, "12345 A-B- -C----");
	d02lt_sheet_name("12345",
			 "Xã Thượng Nông Đồng Hợp Quyết Thắng Tân Tiến", 12, s);
	for (i = 0, chars = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			chars++;
	assert_int_equal(chars, 31);
	assert_non_null(strstr(s, " (12)"));
	assert_true(starts_with(s, "12345 Thượng Nông Đồng Hợp"));
}

static void fails_cleanly_without_the_folder(void **state)
{
	struct etl_err err = { "" };
	struct fix f;

	(void)state;
	build(&f);
	assert_int_equal(d02lt_write(&f.o, &f.b, "/nonexistent/d02lt", &err),
			 -1);
	assert_non_null(strstr(err.msg, "/nonexistent/d02lt"));
	release(&f);
}

static void refuses_unsorted_lists(void **state)
{
	struct etl_err err = { "" };
	struct fix f;

	(void)state;
	setup_batch(&f);
	inc(&f.o, "001090001234", "", "B", "1990", "M", "29269", "HN", "",
	    R_NEW, 1);
	inc(&f.o, "001090001235", "", "A", "1990", "M", "29266", "HN", "",
	    R_NEW, 2);
	assert_int_equal(d02lt_write(&f.o, &f.b, f.dir, &err), -1);
	assert_non_null(strstr(err.msg, "not sorted"));
	release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_the_file_0600_and_renames_it),
		cmocka_unit_test(sheets_are_summary_then_communes),
		cmocka_unit_test(commune_sheet_has_form_layout),
		cmocka_unit_test(summary_counts_and_totals),
		cmocka_unit_test(splits_a_sheet_past_the_row_limit),
		cmocka_unit_test(same_inputs_same_bytes),
		cmocka_unit_test(sheet_names_fit_excel),
		cmocka_unit_test(fails_cleanly_without_the_folder),
		cmocka_unit_test(refuses_unsorted_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
