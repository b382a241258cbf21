/*
 * reason.c: names of the reason codes (see reason.h), in English for the
 * machine CSVs and in Vietnamese for people; for the review reasons, what
 * a commune officer checks (the summary workbook's commune sheets).
 */
#include "reason.h"

#include <string.h>

static const struct {
	const char *code, *vi;
} names[R_N] = {
	[R_NONE] = { "", "" },
	[R_BAD_QUOTING] = { "BAD_QUOTING", "Lỗi dấu ngoặc kép" },
	[R_BAD_COLUMN_COUNT] = { "BAD_COLUMN_COUNT", "Sai số cột" },
	[R_BAD_ENCODING] = { "BAD_ENCODING", "Sai bảng mã" },
	[R_RECORD_TOO_LONG] = { "RECORD_TOO_LONG", "Dòng quá dài" },
	[R_EMPTY_NAME] = { "EMPTY_NAME", "Thiếu họ tên" },
	[R_BAD_DATE] = { "BAD_DATE", "Ngày sinh không đọc được" },
	[R_DATE_OUT_OF_RANGE] = { "DATE_OUT_OF_RANGE",
				  "Ngày sinh ngoài khoảng hợp lệ" },
	[R_UNKNOWN_GROUP] = { "UNKNOWN_GROUP", "Mã đối tượng không hợp lệ" },
	[R_BAD_STATUS] = { "BAD_STATUS", "Trạng thái không đọc được" },
	[R_CODE_TOO_LONG] = { "CODE_TOO_LONG", "Mã xã quá dài" },
	[R_UNKEYED] = { "UNKEYED", "Không xác định được số định danh" },
	[R_UNKEYED_CARD] = { "UNKEYED_CARD",
			     "Thẻ chưa có số định danh cá nhân" },
	[R_AMBIGUOUS_IDENTITY] = { "AMBIGUOUS_IDENTITY",
				   "Mã số BHXH gắn với nhiều số định danh" },
	[R_ID_NAME_MISMATCH] = { "ID_NAME_MISMATCH",
				 "Số định danh không khớp họ tên" },
	[R_ID_DEMOGRAPHIC_MISMATCH] = { "ID_DEMOGRAPHIC_MISMATCH",
					"Số định danh không khớp năm sinh, "
					"giới tính" },
	[R_CONFLICTING_DUPLICATE] = { "CONFLICTING_DUPLICATE",
				      "Trùng số định danh, khác thông tin" },
	[R_NOT_IN_REGISTRY] = { "NOT_IN_REGISTRY",
				"Không có trong CSDL dân cư" },
	[R_MOVED_OUT] = { "MOVED_OUT", "Chuyển đi nơi khác" },
	[R_AGED_OUT] = { "AGED_OUT", "Trẻ đã đủ 72 tháng tuổi" },
	[R_AREA_NOT_ELIGIBLE] = { "AREA_NOT_ELIGIBLE",
				  "Địa bàn không còn thuộc vùng khó khăn" },
	[R_NOT_ETHNIC_MINORITY] = { "NOT_ETHNIC_MINORITY",
				    "Không phải người dân tộc thiểu số" },
	[R_ROSTER_LISTS_DECEASED] = { "ROSTER_LISTS_DECEASED",
				      "Danh sách có người đã chết" },
	[R_POSSIBLE_MATCH] = { "POSSIBLE_MATCH",
			       "Có thể là người đang có thẻ nhưng dòng danh "
			       "sách không khớp" },
	[R_MULTIPLE_ENROLMENT] = { "MULTIPLE_ENROLMENT",
				   "Tham gia nhiều đối tượng" },
	[R_COMMUNE_SPLIT] = { "COMMUNE_SPLIT",
			      "Xã cũ đã chia tách, chưa xác định xã mới" },
	[R_DEATH] = { "DEATH", "Chết" },
	[R_MISSING] = { "MISSING", "Mất tích" },
	[R_NOT_ON_ROSTER] = { "NOT_ON_ROSTER",
			      "Không còn trong danh sách đối tượng" },
	[R_DUPLICATE_CARD] = { "DUPLICATE_CARD", "Trùng thẻ" },
	[R_NEW] = { "NEW", "Tăng mới" },
	[R_NEWBORN] = { "NEWBORN", "Trẻ sơ sinh" },
	[R_GROUP_CHANGED] = { "GROUP_CHANGED", "Chuyển đối tượng" },
	[R_DATA_CORRECTED] = { "DATA_CORRECTED", "Điều chỉnh thông tin" },
	[R_DUPLICATE_ROW] = { "DUPLICATE_ROW", "Dòng trùng lặp" },
	[R_MATCHED_BY_DEMOGRAPHICS] = { "MATCHED_BY_DEMOGRAPHICS",
					"Xác định theo họ tên, ngày sinh" },
};

/* What to check, per review reason (R_UNKEYED .. R_COMMUNE_SPLIT). */
static const char *const checks[R_N] = {
	[R_UNKEYED] = "Xác định số định danh cá nhân (CCCD) của người này "
		      "theo CSDL dân cư, đối chiếu họ tên, ngày sinh, rồi "
		      "bổ sung vào dòng dữ liệu",
	[R_UNKEYED_CARD] = "Tìm số định danh cá nhân của chủ thẻ theo mã số "
			   "BHXH, họ tên, ngày sinh và cập nhật cho thẻ; nếu "
			   "người này còn thuộc đối tượng, đưa vào danh sách",
	[R_AMBIGUOUS_IDENTITY] = "Đối chiếu mã số BHXH với thẻ và CSDL dân "
				 "cư, xác định đúng số định danh của người "
				 "này rồi sửa dòng ghi sai",
	[R_ID_NAME_MISMATCH] = "Đối chiếu họ tên trên dòng danh sách với CSDL "
			       "dân cư theo số định danh; sửa số định danh "
			       "hoặc họ tên bị ghi sai",
	[R_ID_DEMOGRAPHIC_MISMATCH] = "Đối chiếu số định danh, ngày sinh, giới "
				      "tính với CCCD của người này; sửa thông "
				      "tin bị ghi sai",
	[R_CONFLICTING_DUPLICATE] = "Người này có nhiều dòng trong cùng một "
				    "tệp với họ tên hoặc ngày sinh khác nhau: "
				    "giữ dòng đúng, xóa dòng sai",
	[R_NOT_IN_REGISTRY] = "Kiểm tra số định danh và nơi cư trú; nếu đúng "
			      "là người cư trú trên địa bàn, đề nghị cập nhật "
			      "CSDL dân cư",
	[R_MOVED_OUT] = "Xác minh người này còn cư trú tại xã không; nếu đã "
			"chuyển đi, đưa ra khỏi danh sách",
	[R_AGED_OUT] =
		"Trẻ đã hết thời hạn thẻ trẻ em dưới 6 tuổi: xét đối "
		"tượng khác (học sinh, hộ gia đình) và vận động tham gia",
	[R_AREA_NOT_ELIGIBLE] =
		"Xã không còn thuộc vùng được hỗ trợ: xét người "
		"này có thuộc đối tượng khác không, nếu có, "
		"lập danh sách theo đối tượng đó",
	[R_NOT_ETHNIC_MINORITY] = "Đối chiếu dân tộc của người này trong CSDL "
				  "dân cư; nếu không phải người dân tộc thiểu "
				  "số, đưa ra khỏi danh sách",
	[R_ROSTER_LISTS_DECEASED] = "Xác minh người này đã chết hoặc mất tích "
				    "chưa; nếu đúng, xóa khỏi danh sách; nếu "
				    "còn sống, đề nghị sửa CSDL dân cư",
	[R_POSSIBLE_MATCH] = "Đối chiếu họ tên, ngày sinh, số CCCD với thẻ năm "
			     "trước; nếu đúng người, sửa dòng danh sách",
	[R_MULTIPLE_ENROLMENT] = "Người này có trong danh sách của nhiều đối "
				 "tượng; thẻ cấp theo đối tượng được ưu tiên, "
				 "xóa dòng ở danh sách còn lại",
	[R_COMMUNE_SPLIT] = "Xác định người này cư trú tại xã mới nào sau khi "
			    "chia tách và ghi mã xã mới",
};

int reason_is_review(enum reason r)
{
	return r >= R_UNKEYED && r <= R_COMMUNE_SPLIT;
}

const char *reason_check_vi(enum reason r)
{
	return r < R_N && checks[r] ? checks[r] : "";
}

const char *reason_name(enum reason r)
{
	return names[r].code;
}

const char *reason_vi(enum reason r)
{
	return names[r].vi;
}

enum reason reason_parse(const char *name)
{
	int r;

	for (r = 1; r < R_N; r++)
		if (!strcmp(names[r].code, name))
			return (enum reason)r;
	return R_NONE;
}
