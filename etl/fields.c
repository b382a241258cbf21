/*
 * fields.c: header aliases (rules.md R2.3) and the required columns of each
 * input kind.  Aliases are stored folded (see fold_header in norm.h).
 */
#include "fields.h"
#include "norm.h"

#include <stdio.h>
#include <string.h>

static const char *const field_names[F_NFIELDS] = {
	"person_id",	 "cmnd",
	"bhxh_code",	 "card_code",
	"full_name",	 "dob",
	"sex",		 "commune_code",
	"group_code",	 "benefit_level",
	"hospital_code", "valid_from",
	"valid_to",	 "five_year_date",
	"ethnicity",	 "household_code",
	"status",	 "status_date",
	"unit_code",	 "schemes",
	"wage",		 "months",
};

/* Folded header names, shown to users in missing-column messages too. */
static const struct alias {
	const char *folded;
	int field;
} aliases[] = {
	{ "so_dinh_danh_ca_nhan", F_PERSON_ID },
	{ "so_ddcn", F_PERSON_ID },
	{ "so_cccd", F_PERSON_ID },
	{ "cccd", F_PERSON_ID },
	{ "so_cccd_cmnd", F_PERSON_ID },
	{ "so_cmnd_cccd", F_PERSON_ID },
	{ "so_cmnd_ho_chieu_the_can_cuoc", F_PERSON_ID },
	{ "so_cccd_cmnd_ho_chieu", F_PERSON_ID },
	{ "so_dinh_danh", F_PERSON_ID },
	{ "ma_dinh_danh", F_PERSON_ID },
	{ "person_id", F_PERSON_ID },
	{ "so_cmnd", F_CMND },
	{ "cmnd", F_CMND },
	{ "so_cmnd_cu", F_CMND },
	{ "cmnd_cu", F_CMND },
	{ "ma_so_bhxh", F_BHXH },
	{ "ma_bhxh", F_BHXH },
	{ "ma_so_bhxh_so_dinh_danh", F_BHXH },
	{ "bhxh_code", F_BHXH },
	{ "ma_the", F_CARD },
	{ "ma_the_bhyt", F_CARD },
	{ "so_the_bhyt", F_CARD },
	{ "card_code", F_CARD },
	{ "ho_va_ten", F_NAME },
	{ "ho_ten", F_NAME },
	{ "full_name", F_NAME },
	{ "ngay_sinh", F_DOB },
	{ "ngay_thang_nam_sinh", F_DOB },
	{ "nam_sinh", F_DOB },
	{ "dob", F_DOB },
	{ "gioi_tinh", F_SEX },
	{ "sex", F_SEX },
	{ "nu", F_SEX_CHECKBOX },
	{ "ma_xa", F_COMMUNE },
	{ "ma_xa_cu_tru", F_COMMUNE },
	{ "ma_don_vi_hanh_chinh", F_COMMUNE },
	{ "commune_code", F_COMMUNE },
	{ "ma_doi_tuong", F_GROUP },
	{ "doi_tuong", F_GROUP },
	{ "group_code", F_GROUP },
	{ "muc_huong", F_LEVEL },
	{ "benefit_level", F_LEVEL },
	{ "noi_dang_ky_kcb_ban_dau", F_HOSPITAL },
	{ "ma_kcb", F_HOSPITAL },
	{ "ma_bv", F_HOSPITAL },
	{ "hospital_code", F_HOSPITAL },
	{ "gia_tri_tu_ngay", F_VALID_FROM },
	{ "han_the_tu", F_VALID_FROM },
	{ "han_the_tu_ngay", F_VALID_FROM },
	{ "valid_from", F_VALID_FROM },
	{ "gia_tri_den_ngay", F_VALID_TO },
	{ "han_the_den", F_VALID_TO },
	{ "han_the_den_ngay", F_VALID_TO },
	{ "valid_to", F_VALID_TO },
	{ "thoi_diem_du_5_nam_lien_tuc", F_FIVE_YEAR },
	{ "five_year_date", F_FIVE_YEAR },
	{ "dan_toc", F_ETHNICITY },
	{ "ethnicity", F_ETHNICITY },
	{ "ma_ho", F_HOUSEHOLD },
	{ "ma_so_ho_gia_dinh", F_HOUSEHOLD },
	{ "household_code", F_HOUSEHOLD },
	{ "trang_thai", F_STATUS },
	{ "tinh_trang", F_STATUS },
	{ "status", F_STATUS },
	{ "ngay_bien_dong", F_STATUS_DATE },
	{ "ngay_chet", F_STATUS_DATE },
	{ "ngay_mat", F_STATUS_DATE },
	{ "ngay_chuyen_di", F_STATUS_DATE },
	{ "status_date", F_STATUS_DATE },
	{ "ma_don_vi", F_UNIT },
	{ "unit_code", F_UNIT },
	{ "loai_hinh", F_SCHEMES },
	{ "tham_gia", F_SCHEMES },
	{ "schemes", F_SCHEMES },
	{ "muc_luong", F_WAGE },
	{ "tien_luong", F_WAGE },
	{ "muc_luong_dong_bhxh", F_WAGE },
	{ "wage", F_WAGE },
	{ "so_thang", F_MONTHS },
	{ "so_thang_dong", F_MONTHS },
	{ "months", F_MONTHS },
};

const char *kind_name(enum kind k)
{
	static const char *const names[KIND_N] = { "prior", "registry",
						   "roster" };

	return names[k];
}

int kind_parse(const char *s, enum kind *out)
{
	int k;

	for (k = 0; k < KIND_N; k++) {
		if (!strcmp(s, kind_name((enum kind)k))) {
			*out = (enum kind)k;
			return 0;
		}
	}
	return -1;
}

const char *field_name(enum field f)
{
	return field_names[f];
}

static int alias_of(const char *s, size_t n)
{
	char folded[128];
	size_t i;

	fold_header(s, n, folded, sizeof(folded));
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(folded, aliases[i].folded))
			return aliases[i].field;
	return F_UNKNOWN;
}

int field_from_header(const char *cell, size_t n)
{
	char plain[256];
	size_t i, k = 0;
	int f, depth = 0;

	if ((f = alias_of(cell, n)) != F_UNKNOWN || n >= sizeof(plain))
		return f;
	/* a variant in brackets: "Ngày sinh (dd/mm/yyyy)" */
	for (i = 0; i < n; i++) {
		if (cell[i] == '(' || cell[i] == '[')
			depth++;
		else if ((cell[i] == ')' || cell[i] == ']') && depth)
			depth--;
		else if (!depth)
			plain[k++] = cell[i];
	}
	if (k != n && (f = alias_of(plain, k)) != F_UNKNOWN)
		return f;
	/* a variant after a slash: "Số CCCD/ĐDCN/Hộ chiếu" */
	for (i = 0; i < k && plain[i] != '/'; i++)
		;
	return i < k && i ? alias_of(plain, i) : F_UNKNOWN;
}

/* Each field's headers as people write them (missing-column messages). */
static const char *const shown[F_NFIELDS] = {
	[F_PERSON_ID] = "Số định danh cá nhân, Số CCCD, Số CCCD/CMND",
	[F_CMND] = "Số CMND",
	[F_BHXH] = "Mã số BHXH",
	[F_CARD] = "Mã thẻ BHYT, Số thẻ BHYT",
	[F_NAME] = "Họ và tên, Họ tên",
	[F_DOB] = "Ngày sinh, Ngày tháng năm sinh, Năm sinh",
	[F_SEX] = "Giới tính, Nữ",
	[F_COMMUNE] = "Mã xã, Mã xã cư trú, Mã đơn vị hành chính",
	[F_GROUP] = "Mã đối tượng, Đối tượng",
};

/* Append "field (Header, Header, ...)" for one field to msg. */
static void describe(char *msg, size_t msgsz, enum field f)
{
	size_t len = strlen(msg);

	snprintf(msg + len, msgsz - len, "%s (%s)", field_name(f),
		 shown[f] ? shown[f] : field_name(f));
}

/* Required columns: a list of alternatives per requirement, -1 ended. */
static const int req_prior[][3] = { { F_NAME, -1 },
				    { F_DOB, -1 },
				    { F_SEX, -1 },
				    { F_COMMUNE, -1 },
				    { F_BHXH, F_CARD, -1 } };
static const int req_registry[][3] = { { F_PERSON_ID, -1 },
				       { F_NAME, -1 },
				       { F_DOB, -1 },
				       { F_SEX, -1 },
				       { F_COMMUNE, -1 } };
static const int req_roster[][5] = { { F_NAME, -1 },
				     { F_DOB, -1 },
				     { F_GROUP, -1 },
				     { F_PERSON_ID, F_CMND, F_BHXH, F_CARD,
				       -1 } };

static int check_required(const struct colmap *m, const int *alts, char *msg,
			  size_t msgsz)
{
	const int *a;

	for (a = alts; *a >= 0; a++)
		if (m->col[*a] >= 0 || (m->given & 1u << *a))
			return 0;
	/* "missing required column: a (...); b (...) or c (...)" */
	for (a = alts; *a >= 0; a++) {
		size_t len = strlen(msg);
		const char *sep = "missing required column: ";

		if (a != alts)
			sep = " or ";
		else if (len)
			sep = "; ";
		snprintf(msg + len, msgsz - len, "%s", sep);
		describe(msg, msgsz, (enum field) * a);
	}
	return -1;
}

/* Map the header cells to fields (first column of a field wins). */
void colmap_fill(struct colmap *m, int ncells, const char *const *cells,
		 const size_t *lens)
{
	int i, f;

	for (i = 0; i < F_NFIELDS; i++)
		m->col[i] = -1;
	m->sex_checkbox = 0;
	m->ncols = ncells;
	for (i = 0; i < ncells; i++) {
		f = field_from_header(cells[i], lens[i]);
		if (f == F_SEX_CHECKBOX) {
			if (m->col[F_SEX] < 0) {
				m->col[F_SEX] = i;
				m->sex_checkbox = 1;
			}
		} else if (f >= 0 && m->col[f] < 0) {
			m->col[f] = i;
		}
	}
}

/* The requirements of kind k that m misses (their names go to msg). */
int colmap_missing(const struct colmap *m, enum kind k, char *msg, size_t msgsz)
{
	int missing = 0;
	size_t r;

	msg[0] = '\0';
	switch (k) {
	case KIND_PRIOR:
		for (r = 0; r < sizeof(req_prior) / sizeof(req_prior[0]); r++)
			missing -= check_required(m, req_prior[r], msg, msgsz);
		break;
	case KIND_REGISTRY:
		for (r = 0; r < sizeof(req_registry) / sizeof(req_registry[0]);
		     r++)
			missing -=
				check_required(m, req_registry[r], msg, msgsz);
		break;
	default:
		for (r = 0; r < sizeof(req_roster) / sizeof(req_roster[0]); r++)
			missing -= check_required(m, req_roster[r], msg, msgsz);
		break;
	}
	return missing;
}

int colmap_build(struct colmap *m, enum kind k, int ncells,
		 const char *const *cells, const size_t *lens, char *msg,
		 size_t msgsz)
{
	m->given = 0;
	colmap_fill(m, ncells, cells, lens);
	return colmap_missing(m, k, msg, msgsz) ? -1 : 0;
}
