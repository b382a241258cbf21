#!/bin/sh
# tests/xlsx/xlsxout.sh [BUILD]: the streaming xlsx writer (etl/xlsxout.h)
# read back.  BUILD/tests/test_xlsxout leaves its sample book (XO_KEEP),
# then tests/xlsx/xlsxout.py reads it with openpyxl (Debian's
# python3-openpyxl, /usr/bin/python3) and xml.etree: every part
# well-formed, values, types, merges, print setup, styles, the chart.
# When LibreOffice is installed, it converts the book to CSV (each sheet,
# as shown) and a few lines are compared.  One line per check; closes with "xlsxout: N passed, N failed".  Run
# from the top of the repository.
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

if ! /usr/bin/python3 -c 'import openpyxl' > /dev/null 2>&1; then
	not_ok "python3-openpyxl is installed (make deps)"
	summary xlsxout
	exit
fi
if XO_KEEP=$TMP/sample.xlsx "$BUILD/tests/test_xlsxout" > "$TMP/unit.out" 2>&1 &&
	[ -s "$TMP/sample.xlsx" ]; then
	ok "test_xlsxout writes the sample book"
else
	not_ok "test_xlsxout writes the sample book" "$TMP/unit.out"
	summary xlsxout
	exit
fi
/usr/bin/python3 tests/xlsx/xlsxout.py "$TMP/sample.xlsx" > "$TMP/check.out" 2>&1
relay "$TMP/check.out" tests/xlsx/xlsxout.py

# --- LibreOffice reads it: each sheet as CSV, cells as shown --------------
LO=$(command -v libreoffice || command -v soffice || true)
if [ -z "$LO" ]; then
	echo "# skip: LibreOffice is not installed: CSV conversion not tried"
	summary xlsxout
	exit
fi
timeout 300 "$LO" -env:UserInstallation="file://$TMP/lo" --headless \
	--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' \
	--outdir "$TMP/csv" "$TMP/sample.xlsx" > "$TMP/lo.out" 2>&1
{
	cat "$TMP/csv/sample-D03-TS BT.csv" "$TMP/csv/sample-Độ bao phủ.csv"
} > "$TMP/lo.csv" 2>> "$TMP/lo.out"
missing=
while IFS= read -r want; do
	grep -qxF -- "$want" "$TMP/lo.csv" || missing="$missing
$want"
done << 'CSV'
"DANH SÁCH A & B <tăng> ""mới""",,,,
 Đơn vị: xã A,,,,
STT,Họ và tên,Mã số BHXH,Ngày sinh,Số tiền
1,NGUYỄN VĂN 1,0007900000,01/07/2024,"1,053,000"
20,NGUYỄN VĂN 20,0007900019,01/07/2024,"1,053,000"
Tổng cộng,,,,"21,060,000"
,0.1,,,
,,Xã,,,Tỷ lệ,Chỉ tiêu
,,Thị trấn C,,,95%,90%
CSV
if [ -s "$TMP/lo.csv" ] && [ -z "$missing" ]; then
	ok "LibreOffice reads both sheets (CSV as shown)"
else
	cat "$TMP/lo.out" > "$TMP/why"
	printf 'missing:%s\n' "$missing" >> "$TMP/why"
	not_ok "LibreOffice reads both sheets (CSV as shown)" "$TMP/why"
fi
summary xlsxout
