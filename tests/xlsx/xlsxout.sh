#!/bin/sh
# tests/xlsx/xlsxout.sh [BUILD]: the streaming xlsx writer (etl/xlsxout.h)
# read back.  BUILD/tests/test_xlsxout leaves its sample book (XO_KEEP),
# then tests/xlsx/xlsxout.py reads it with openpyxl (Debian's
# python3-openpyxl, /usr/bin/python3) and xml.etree: every part
# well-formed, values, types, merges, print setup, styles, the chart.
# One line per check; closes with "xlsxout: N passed, N failed".  Run
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
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done < "$TMP/check.out"
grep -q '^ok - \|^not ok - ' "$TMP/check.out" ||
	not_ok "tests/xlsx/xlsxout.py ran" "$TMP/check.out"
summary xlsxout
