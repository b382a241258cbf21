#!/bin/sh
# tests/xlsx/check.sh [BUILD]: the lists people file (lists/*.xlsx, spec
# §6.1, etl/lists.h) read back.  Runs BUILD/doisoat (default build) on
# fixtures/small twice; checks that two runs give the same bytes and mode
# 0600, then tests/xlsx/check.py reads every workbook back with openpyxl
# (Debian's python3-openpyxl, /usr/bin/python3) and checks each sheet's
# form name, "Ban hành kèm theo" line, title, header fields and column
# headings; that every row of increase.csv, decrease.csv and change.csv
# is on its unit's form and group sheet with its plan code and note, once,
# and nowhere else; head counts = rows; totals = sums; corrections with
# old and new values; A4 landscape print setup.  Then sheets past the row
# limit: tests/unit/test_sheetrows.c writes the small fixture's lists at 30
# and 20 rows and tests/xlsx/sheetrows.py reads the parts back against the
# whole sheets (names, header, rows once, STT, totals).  Then one workbook of
# each kind (D03-TS, D02-LT) is rendered to PDF with LibreOffice, skipped
# with a message when LibreOffice is absent.
#
# One line per check, "ok N - name" or "not ok N - name", and a closing
# "xlsx: N passed, N failed".  Run from the top of the repository.
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

finish() {
	summary xlsx
	exit
}

# run_fixture OUT: doisoat run --no-db on fixtures/small into OUT
run_fixture() {
	out=$1
	sh etl/sh/fixture-args.sh fixtures/small > "$TMP/args"
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	"$BUILD/doisoat" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@" 2> "$TMP/run.err"
}

if ! /usr/bin/python3 -c 'import openpyxl' > /dev/null 2>&1; then
	not_ok "python3-openpyxl is installed (make deps)"
	finish
fi
DIR=$TMP/run1
run_fixture "$DIR"
run_fixture "$TMP/run2"
set -- "$DIR"/lists/*.xlsx
if [ -f "$1" ]; then ok "doisoat run writes lists/*.xlsx ($# workbooks)"; else
	not_ok "doisoat run writes lists/*.xlsx" "$TMP/run.err"
	finish
fi
same=1
bad=""
for f in "$@"; do
	cmp -s "$f" "$TMP/run2/lists/${f##*/}" || same=0
	[ "$(stat -c %a "$f")" = 600 ] || bad="$bad ${f##*/}"
done
[ $same = 1 ] && ok "two runs give byte-identical workbooks" ||
	not_ok "two runs give byte-identical workbooks"
[ -z "$bad" ] && ok "every workbook has mode 0600" ||
	not_ok "every workbook has mode 0600" "$bad"

/usr/bin/python3 tests/xlsx/check.py "$DIR" etl/data/groups.csv \
	fixtures/small/units.csv tests/xlsx/money.tsv > "$TMP/check.out" 2>&1
relay "$TMP/check.out" tests/xlsx/check.py

# --- sheets past the row limit go on in parts (tests/xlsx/sheetrows.py) -----
# test_sheetrows writes the small fixture's lists at the default limit and
# with lists_test_sheet_rows(30) and (20); `make check` builds it.
ROWS=$TMP/rows
if [ ! -x "$BUILD/tests/test_sheetrows" ]; then
	echo "# skip: $BUILD/tests/test_sheetrows is not built: sheets in parts" \
		"not read back (make check builds it)"
elif SHEETROWS_KEEP=$ROWS "$BUILD/tests/test_sheetrows" > "$TMP/rows.out" 2>&1
then
	ok "test_sheetrows writes the small fixture's workbooks at 30 and 20 rows"
	if /usr/bin/python3 tests/xlsx/dump.py "$ROWS"/x1/*.xlsx |
		cmp -s - tests/e2e/golden/small/lists.txt; then
		ok "its workbooks at the default limit equal golden/small/lists.txt"
	else
		not_ok "its workbooks at the default limit equal golden/small/lists.txt"
	fi
	for run in "x6 x6-30 30" "x1 x1-20 20 --lists"; do
		# shellcheck disable=SC2086 # the words of $run are the arguments
		set -- $run
		/usr/bin/python3 tests/xlsx/sheetrows.py "$ROWS/$1" "$ROWS/$2" \
			"$3" ${4:-} > "$TMP/check.out" 2>&1
		relay "$TMP/check.out" tests/xlsx/sheetrows.py
	done
else
	not_ok "test_sheetrows writes the small fixture's workbooks at 30 and 20 rows" \
		"$TMP/rows.out"
fi

# --- render to PDF: a commune's D03-TS lists and an employer's D02-LT ------
LO=$(command -v libreoffice || command -v soffice || true)
if [ -z "$LO" ]; then
	echo "# skip: LibreOffice is not installed: PDF render not tried" \
		"(apt-get install libreoffice-calc-nogui)"
	finish
fi
for XLSX in "$DIR/lists/29266.xlsx" "$DIR/lists/TV0101.xlsx"; do
	mkdir -p "$TMP/pdf"
	if timeout 300 "$LO" -env:UserInstallation="file://$TMP/lo" --headless \
		--convert-to pdf --outdir "$TMP/pdf" "$XLSX" > "$TMP/lo.out" 2>&1 &&
		pdf="$TMP/pdf/$(basename "${XLSX%.xlsx}").pdf" && [ -s "$pdf" ]; then
		size=
		if command -v pdfinfo > /dev/null 2>&1; then
			size=$(pdfinfo "$pdf" | sed -n 's/^Page size: *//p')
			pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
		fi
		case $size in
		'' | 841.89\ x\ 595.*)
			ok "LibreOffice renders ${XLSX##*/} to PDF${size:+ ($pages pages, $size)}"
			[ -n "${KEEP_PDF:-}" ] && cp "$pdf" "$KEEP_PDF"
			;;
		*)
			echo "page size $size" > "$TMP/why"
			not_ok "LibreOffice renders ${XLSX##*/} to PDF on A4 landscape" \
				"$TMP/why"
			;;
		esac
	else
		not_ok "LibreOffice renders ${XLSX##*/} to PDF" "$TMP/lo.out"
	fi
done
finish
