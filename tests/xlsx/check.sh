#!/bin/sh
# tests/xlsx/check.sh [BUILD | FILE.xlsx]: read a D02-LT workbook back and
# check it (rules.md R7, issue 4).  With BUILD (default build), run
# BUILD/doisoat on fixtures/small twice and check its d02lt.xlsx, and that
# the two runs gave the same bytes; with FILE.xlsx, check that file (and
# compare its totals with the CSV lists beside it, when they are there).
#
# The sheet XML is unzipped and flattened into cells (sheet, row, column,
# type, value); the checks: the summary sheet comes first; every commune
# sheet has the form's header cells, title, sections in order and the
# signature block; each Cộng row counts the person rows above it; the
# summary agrees with the commune sheets and its total row with its rows
# (and with the CSVs); IDs are strings (inline or shared), never numbers,
# with all their digits; full dates are date cells; A4 landscape print
# setup.  Then the workbook is rendered once to PDF with LibreOffice,
# skipped with a message when LibreOffice is absent.
#
# One line per check, "ok N - name" or "not ok N - name", and a closing
# "xlsx: N passed, N failed".  Run from the top of the repository (it uses
# etl/sh/fixture-args.sh and fixtures/small); needs unzip.
ARG=${1:-build}
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
	"$ARG/doisoat" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@" 2> "$TMP/run.err"
}

if ! command -v unzip > /dev/null 2>&1; then
	not_ok "unzip is installed (apt-get install unzip)"
	finish
fi

case $ARG in
*.xlsx)
	XLSX=$ARG
	DIR=$(dirname "$XLSX")
	;;
*)
	DIR=$TMP/run1
	mkdir -p "$DIR" "$TMP/run2"
	run_fixture "$DIR"
	run_fixture "$TMP/run2"
	XLSX=$DIR/d02lt.xlsx
	if [ -f "$XLSX" ]; then ok "doisoat run writes d02lt.xlsx"; else
		not_ok "doisoat run writes d02lt.xlsx" "$TMP/run.err"
		finish
	fi
	if cmp -s "$XLSX" "$TMP/run2/d02lt.xlsx"; then
		ok "two runs give byte-identical workbooks"
	else
		not_ok "two runs give byte-identical workbooks"
	fi
	;;
esac

if [ ! -f "$XLSX" ]; then
	not_ok "'$XLSX' exists"
	finish
fi
mode=$(stat -c %a "$XLSX")
if [ "$mode" = 600 ]; then ok "mode 0600"; else not_ok "mode 0600 (is $mode)"; fi
if unzip -tq "$XLSX" > "$TMP/t.out" 2>&1; then ok "the zip container is sound"; else
	not_ok "the zip container is sound" "$TMP/t.out"
	finish
fi

# --- flatten the workbook -------------------------------------------------
# sheets.tsv: "index<TAB>name", in workbook order (sheetN.xml is the Nth:
# libxlsxwriter numbers them so)
unzip -p "$XLSX" xl/workbook.xml | tr -d '\n' | sed 's/<sheet /\n<sheet /g' |
	sed -n 's/^<sheet name="\([^"]*\)".*/\1/p' |
	awk '{ print NR "\t" $0 }' > "$TMP/sheets.tsv"
# sst.txt: the shared strings, one a line (none in constant-memory mode)
unzip -p "$XLSX" xl/sharedStrings.xml 2> /dev/null | tr -d '\n' |
	sed 's/<si>/\n<si>/g' | tail -n +2 | sed 's/<[^>]*>//g' > "$TMP/sst.txt"
# cells.tsv: "sheet<TAB>row<TAB>col<TAB>type<TAB>value"
: > "$TMP/cells.tsv"
while IFS='	' read -r i _name; do
	unzip -p "$XLSX" "xl/worksheets/sheet$i.xml" > "$TMP/sheet$i.xml"
	tr -d '\n' < "$TMP/sheet$i.xml" | sed 's/<c /\n<c /g' |
		awk -v sheet="$i" -v sst="$TMP/sst.txt" '
		function unxml(s) {
			gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
			gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s)
			gsub(/&amp;/, "\\&", s)
			return s
		}
		BEGIN { k = 0; while ((getline l < sst) > 0) s[k++] = unxml(l) }
		/^<c r="/ {
			ref = $0; sub(/^<c r="/, "", ref); sub(/".*/, "", ref)
			col = ref; sub(/[0-9]+$/, "", col)
			row = substr(ref, length(col) + 1)
			head = $0; sub(/>.*/, "", head)
			t = ""
			if (match(head, / t="[A-Za-z]+"/))
				t = substr(head, RSTART + 4, RLENGTH - 5)
			v = ""
			if (t == "inlineStr") {
				v = $0; sub(/^[^>]*><is>/, "", v)
				sub(/<\/is>.*/, "", v); gsub(/<[^>]*>/, "", v)
			} else if (match($0, /<v>[^<]*<\/v>/)) {
				v = substr($0, RSTART + 3, RLENGTH - 7)
			}
			if (t == "s")
				v = s[v + 0]
			print sheet "\t" row "\t" col "\t" t "\t" unxml(v)
		}' >> "$TMP/cells.tsv"
done < "$TMP/sheets.tsv"

nsheets=$(wc -l < "$TMP/sheets.tsv")
first=$(sed -n '1s/^1\t//p' "$TMP/sheets.tsv")
if [ "$first" = "Tổng hợp" ] && [ "$nsheets" -ge 1 ]; then
	ok "the summary sheet 'Tổng hợp' comes first ($nsheets sheets)"
else
	not_ok "the summary sheet 'Tổng hợp' comes first (first: '$first')"
fi

# Every check below is one awk program over cells.tsv; it prints
# "PASS name" or "FAIL name: detail" lines.
awk -F'\t' -v sheets="$TMP/sheets.tsv" '
BEGIN {
	while ((getline l < sheets) > 0) {
		split(l, a, "\t"); name[a[1]] = a[2]; ns = a[1]
	}
	nh = split("STT|Họ và tên|Mã số BHXH|Ngày tháng năm sinh|Giới tính|" \
		   "Số CCCD/ CMND/ Hộ chiếu|Mã đối tượng|Mức hưởng|" \
		   "Nơi đăng ký KCB|Từ tháng, năm|Đến tháng, năm|Phương án|" \
		   "Ghi chú", head, "|")
	nl = split("I. TĂNG|I.1. Tăng mới|I.2. Tăng do chuyển đối tượng|" \
		   "Cộng tăng|II. GIẢM|II.1. Giảm|" \
		   "II.2. Giảm do chuyển đối tượng|Cộng giảm|" \
		   "III. ĐIỀU CHỈNH|Cộng điều chỉnh|NGƯỜI LẬP BIỂU|" \
		   "THỦ TRƯỞNG ĐƠN VỊ", label, "|")
}
{
	key = $1 SUBSEP $2 SUBSEP $3
	type[key] = $4; val[key] = $5; has[key] = 1
	if ($2 + 0 > maxrow[$1]) maxrow[$1] = $2 + 0
}
function fail(what) { bad[check] = bad[check] ? bad[check] : what }
function commune(i,    b) { b = name[i]; sub(/ \([0-9]+\)$/, "", b); return b }
function isnum(k) { return has[k] && type[k] == "" && val[k] != "" }
function rowhas(i, r, s,    c) {
	for (c = 1; c <= 13; c++)
		if (val[i SUBSEP r SUBSEP substr("ABCDEFGHIJKLM", c, 1)] == s)
			return 1
	return 0
}
END {
	# group the commune sheets (parts of one commune are adjacent)
	nc = 0
	for (i = 2; i <= ns; i++) {
		c = commune(i)
		if (!nc || cname[nc] != c) { cname[++nc] = c; cfirst[nc] = i }
		clast[nc] = i
	}

	check = "every commune sheet has the title and the 13 column headers"
	checks[++nk] = check
	for (i = 2; i <= ns; i++) {
		t = 0
		for (r = 1; r <= 9; r++)
			if (val[i SUBSEP r SUBSEP "A"] == \
			    "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT") t = 1
		if (!t) fail(name[i] ": no title")
		for (c = 1; c <= nh; c++) {
			k = i SUBSEP 8 SUBSEP substr("ABCDEFGHIJKLM", c, 1)
			if (val[k] != head[c])
				fail(name[i] ": " substr("ABCDEFGHIJKLM", c, 1) \
				     "8 is \"" val[k] "\", not \"" head[c] "\"")
		}
	}

	check = "sections, Cộng rows and signature in order on every commune"
	checks[++nk] = check
	check2 = "each Cộng row counts the person rows above it"
	check3 = "IDs are text cells with all their digits"
	check4 = "full dates are date cells, partial ones mm/yyyy or yyyy"
	for (j = 1; j <= nc; j++) {
		pos = 1; cnt = 0; nseen = 0
		for (i = cfirst[j]; i <= clast[j]; i++)
			for (r = 10; r <= maxrow[i]; r++) {
				ka = i SUBSEP r SUBSEP "A"
				matched = 0
				while (pos <= nl && rowhas(i, r, label[pos])) {
					if (label[pos] ~ /^Cộng/) {
						kc = i SUBSEP r SUBSEP "C"
						tot[j, label[pos]] = val[kc]
						if (!isnum(kc) || val[kc] + 0 != cnt)
							bad2 = bad2 ? bad2 : cname[j] ": " \
							  label[pos] " is " val[kc] \
							  ", counted " cnt
						cnt = 0
					}
					pos++
					matched = 1
				}
				if (matched)
					continue
				if (!isnum(ka) || r < 10)
					continue
				# a person row
				cnt++; nseen++
				if (val[ka] + 0 != cnt)
					bad2 = bad2 ? bad2 : cname[j] ": STT " \
					  val[ka] " where " cnt " was due"
				for (x = 1; x <= 2; x++) {
					col = x == 1 ? "C" : "F"
					len = x == 1 ? 10 : 12
					k = i SUBSEP r SUBSEP col
					if (!has[k] || val[k] == "") continue
					if (type[k] != "inlineStr" && type[k] != "s" && \
					    type[k] != "str")
						bad3 = bad3 ? bad3 : name[i] ": " col r \
						  " is a number"
					else if (val[k] !~ /^[0-9]+$/ || \
						 length(val[k]) != len)
						bad3 = bad3 ? bad3 : name[i] ": " col r \
						  " is \"" val[k] "\""
				}
				for (x = 1; x <= 3; x++) {
					col = substr("DJK", x, 1)
					k = i SUBSEP r SUBSEP col
					if (!has[k] || val[k] == "") continue
					if (type[k] == "" && val[k] ~ /^[0-9]+$/) continue
					if (col == "D" && \
					    val[k] ~ /^([0-9][0-9]\/)?[0-9][0-9][0-9][0-9]$/)
						continue
					bad4 = bad4 ? bad4 : name[i] ": " col r \
					  " is \"" val[k] "\" (" type[k] ")"
				}
			}
		if (pos <= nl) fail(cname[j] ": no \"" label[pos] "\" in order")
	}
	checks[++nk] = check2; if (bad2) bad[check2] = bad2
	checks[++nk] = check3; if (bad3) bad[check3] = bad3
	checks[++nk] = check4; if (bad4) bad[check4] = bad4

	check = "the summary rows agree with the commune sheets"
	checks[++nk] = check
	rows = 0
	for (r = 10; r <= maxrow[1]; r++) {
		kb = 1 SUBSEP r SUBSEP "B"
		if (val[1 SUBSEP r SUBSEP "A"] == "Tổng cộng") { totrow = r; break }
		if (!has[kb]) continue
		rows++
		code = val[kb]
		for (j = 1; j <= nc; j++)
			if (substr(cname[j], 1, length(code) + 1) == code " " || \
			    code != "" && cname[j] == code || \
			    code == "" && cname[j] == "Chưa rõ xã")
				break
		if (j > nc) { fail("no sheet for commune " code); continue }
		d = val[1 SUBSEP r SUBSEP "D"]; e = val[1 SUBSEP r SUBSEP "E"]
		f = val[1 SUBSEP r SUBSEP "F"]; g = val[1 SUBSEP r SUBSEP "G"]
		if (d + f != tot[j, "Cộng tăng"] || e + f != tot[j, "Cộng giảm"] \
		    || g != tot[j, "Cộng điều chỉnh"])
			fail(code ": summary " d "+" f ", " e "+" f ", " g \
			     "; sheet " tot[j, "Cộng tăng"] ", " \
			     tot[j, "Cộng giảm"] ", " tot[j, "Cộng điều chỉnh"])
		for (c = 1; c <= 6; c++) {
			col = substr("DEFGHI", c, 1)
			sum[col] += val[1 SUBSEP r SUBSEP col]
		}
	}
	if (rows != nc) fail(rows " summary rows for " nc " communes")

	check = "the summary total row adds up its rows"
	checks[++nk] = check
	if (!totrow) fail("no Tổng cộng row")
	for (c = 1; c <= 6; c++) {
		col = substr("DEFGHI", c, 1)
		k = 1 SUBSEP totrow SUBSEP col
		if (!isnum(k) || val[k] + 0 != sum[col] + 0)
			fail(col ": " val[k] " for a sum of " sum[col] + 0)
		print "TOTAL\t" col "\t" val[k] + 0 > "/dev/stderr"
	}

	for (c = 1; c <= nk; c++)
		if (bad[checks[c]]) print "FAIL " checks[c] ": " bad[checks[c]]
		else print "PASS " checks[c]
}' "$TMP/cells.tsv" > "$TMP/checks.out" 2> "$TMP/totals.tsv"

while IFS= read -r line; do
	case $line in
	PASS\ *) ok "${line#PASS }" ;;
	*)
		echo "${line#FAIL }" | sed 's/^[^:]*: //' > "$TMP/why"
		not_ok "$(echo "${line#FAIL }" | sed 's/: .*//')" "$TMP/why"
		;;
	esac
done < "$TMP/checks.out"

# The totals against the CSV lists beside the workbook.
rows() { [ -f "$DIR/$1.csv" ] && echo $(($(wc -l < "$DIR/$1.csv") - 1)); }
total() { awk -F'\t' -v c="$1" '$2 == c { print $3 }' "$TMP/totals.tsv"; }
if [ -f "$DIR/increase.csv" ] && [ -f "$DIR/change.csv" ]; then
	want="$(rows increase) $(rows decrease) $(rows change) $(rows renew)"
	got="$(total D) $(total E) $(($(total F) + $(total G))) $(total H)"
	if [ "$want" = "$got" ]; then
		ok "the totals match increase, decrease, change and renew.csv"
	else
		echo "csv: $want; workbook: $got" > "$TMP/why"
		not_ok "the totals match increase, decrease, change and renew.csv" \
			"$TMP/why"
	fi
fi

# Print setup: A4 landscape, one page wide, header rows repeated.
bad=
for f in "$TMP"/sheet*.xml; do
	grep -q 'paperSize="9"' "$f" && grep -q 'orientation="landscape"' "$f" &&
		grep -q 'fitToHeight="0"' "$f" || bad="$bad $(basename "$f")"
done
titles=$(unzip -p "$XLSX" xl/workbook.xml | grep -o '_xlnm.Print_Titles' |
	wc -l)
if [ -z "$bad" ] && [ "$titles" -eq "$nsheets" ]; then
	ok "every sheet prints A4 landscape, one page wide, headers repeated"
else
	echo "sheets:$bad; print titles: $titles of $nsheets" > "$TMP/why"
	not_ok "every sheet prints A4 landscape, one page wide, headers repeated" \
		"$TMP/why"
fi

# --- render to PDF once ---------------------------------------------------
LO=$(command -v libreoffice || command -v soffice || true)
if [ -z "$LO" ]; then
	echo "# skip: LibreOffice is not installed: PDF render not tried" \
		"(apt-get install libreoffice-calc-nogui)"
else
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
			ok "LibreOffice renders it to PDF${size:+ ($pages pages, $size)}"
			[ -n "${KEEP_PDF:-}" ] && cp "$pdf" "$KEEP_PDF"
			;;
		*)
			echo "page size $size" > "$TMP/why"
			not_ok "LibreOffice renders it to PDF on A4 landscape" "$TMP/why"
			;;
		esac
	else
		not_ok "LibreOffice renders it to PDF" "$TMP/lo.out"
	fi
fi
finish
