#!/bin/sh
# tests/e2e/workbooks.sh BUILD: workbooks and forms in (rules.md R1, R2, §2.1).
# The small fixture as .xlsx (header on row 1; as VSS forms with a title
# block, merged cells, a numbering row, two sheets), as .xls, and as CSV
# forms, each run with the same labels as the plain CSV: every list equals
# the plain CSV's byte for byte; sheets name their rows in rejects.csv.
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh
LISTS="increase decrease change renew uninsured coverage"

# args CARDS REGISTRY ROSTERDIR EXT: run's inputs, labelled (and with the
# per-file defaults) as the plain CSV fixture's (fixture-args.sh) are
args() {
	printf -- '--prior\n%s=cards_2023.csv\n--registry\n%s=registry.csv\n' "$1" "$2"
	for f in "$3"/roster_*."$4"; do
		case $f in *_1904*) continue ;; esac
		label=$(basename "$f" | sed -e 's/^roster_//' -e 's/\..*$//')
		def=fixtures/small/roster_$label.defaults
		printf -- '--roster\n%s=%s%s\n' "$f" "$label" \
			"$([ -e "$def" ] && printf ',%s' "$(cat "$def")")"
	done
	printf -- '--areas\nfixtures/small/areas.csv\n--targets\nfixtures/small/targets.csv\n'
}

# run OUT ARGSFILE: doisoat run with the inputs listed in ARGSFILE
run() {
	out=$1
	list=$2
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done < "$list"
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@"
}

# same NAME DIR: every list of DIR equals the plain CSV's
same() {
	bad=""
	for l in $LISTS; do
		cmp -s "$TMP/csv/$l.csv" "$2/$l.csv" || bad="$bad $l"
	done
	[ -z "$bad" ] && ok "$1: lists equal the plain CSV's" ||
		not_ok "$1: lists equal the plain CSV's" "differ:$bad"
}

# accounting DIR: rows read = accepted + rejected for every input
accounting() {
	[ -s "$1/summary.json" ] || return 1
	grep -o '"rows_read": [0-9]*, "accepted": [0-9]*, "rejected": [0-9]*' \
		"$1/summary.json" |
		awk -F'[:,] *' '{ if ($2 != $4 + $6) { print; bad = 1 } }
			END { exit bad }'
}

sh etl/sh/fixture-args.sh fixtures/small > "$TMP/a.csv"
run "$TMP/csv" "$TMP/a.csv" > "$TMP/csv.err" 2>&1 &&
	ok "plain CSV runs" || not_ok "plain CSV runs" "$TMP/csv.err"

X=fixtures/xlsx/small
for t in "xlsx:$X/cards_2023.xlsx:$X/registry.xlsx:$X:xlsx" \
	"xlsx-forms:$X/cards_2023.xlsx:$X/registry.xlsx:fixtures/xlsx/forms:xlsx" \
	"xls:fixtures/xls/cards_2023.xls:fixtures/xls/registry.xls:fixtures/xls:xls" \
	"csv-forms:fixtures/small/cards_2023.csv:fixtures/forms/registry_vss.csv:fixtures/forms:csv"; do
	name=${t%%:*}
	rest=${t#*:}
	c=${rest%%:*}; rest=${rest#*:}
	r=${rest%%:*}; rest=${rest#*:}
	d=${rest%%:*}; e=${rest#*:}
	args "$c" "$r" "$d" "$e" > "$TMP/a.$name"
	if run "$TMP/$name" "$TMP/a.$name" > "$TMP/$name.err" 2>&1; then
		ok "$name: run succeeds"
	else
		not_ok "$name: run succeeds" "$TMP/$name.err"
	fi
	same "$name" "$TMP/$name"
	accounting "$TMP/$name" && ok "$name: rows read = accepted + rejected" ||
		not_ok "$name: rows read = accepted + rejected" "$TMP/$name/summary.json"
done

# A sheet's rows name it in rejects.csv, line = the sheet's row number.
grep -q '^GD#Danh sách 2,' "$TMP/xlsx/rejects.csv" &&
	ok "xlsx: rejects.csv names the sheet (GD#Danh sách 2)" ||
	not_ok "xlsx: rejects.csv names the sheet (GD#Danh sách 2)" "$TMP/xlsx/rejects.csv"

# Detected by magic bytes, not by name.
cp fixtures/xlsx/small/roster_HN.xlsx "$TMP/roster_HN.csv"
sed "s#^fixtures/xlsx/small/roster_HN.xlsx=#$TMP/roster_HN.csv=#" "$TMP/a.xlsx" > "$TMP/a.named"
run "$TMP/named" "$TMP/a.named" > "$TMP/named.err" 2>&1 &&
	ok "a workbook named .csv is read as a workbook" ||
	not_ok "a workbook named .csv is read as a workbook" "$TMP/named.err"
same "workbook named .csv" "$TMP/named"

# ingest finds the same rows (names in the same order) in a form workbook,
# an .xls, a CSV form and the plain CSV (a workbook's raw cells differ:
# IDs lost their zero, dates are ISO).
for f in fixtures/small/roster_HN.csv fixtures/xlsx/forms/roster_HN.xlsx \
	fixtures/xls/roster_HN.xls fixtures/forms/roster_HN.csv; do
	"$BIN" ingest --quiet --roster "$f=HN" --out "$TMP/ing" 2> "$TMP/ing.err" ||
		echo "ingest failed" >> "$TMP/ing.err"
	cut -f 8 "$TMP/ing" > "$TMP/ing.$(basename "$f")"
	[ "$f" = fixtures/small/roster_HN.csv ] && cp "$TMP/ing.roster_HN.csv" "$TMP/ing.plain"
done
cmp -s "$TMP/ing.roster_HN.csv" "$TMP/ing.roster_HN.xlsx" &&
	cmp -s "$TMP/ing.roster_HN.xls" "$TMP/ing.roster_HN.xlsx" &&
	cmp -s "$TMP/ing.plain" "$TMP/ing.roster_HN.csv" &&
	[ -s "$TMP/ing.plain" ] &&
	ok "ingest: form workbook, .xls and CSV form give the plain CSV's rows" ||
	not_ok "ingest: form workbook, .xls and CSV form give the plain CSV's rows" "$TMP/ing.err"

# A pipe is never sniffed (its first bytes would be lost to the reader).
mkfifo "$TMP/fifo.csv"
cat fixtures/small/roster_HN.csv > "$TMP/fifo.csv" &
if timeout 30 "$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
	--out "$TMP/fifo" --prior fixtures/small/cards_2023.csv \
	--registry fixtures/small/registry.csv --roster "$TMP/fifo.csv=HN" \
	> "$TMP/fifo.err" 2>&1 && grep -q '"rows_read": 27,' "$TMP/fifo/summary.json"; then
	ok "a named pipe is read as text, whole"
else
	not_ok "a named pipe is read as text, whole" "$TMP/fifo.err"
fi
wait

# The mapping is never silent: summary.json holds each column's field.
grep -q '"header": "Số CCCD/ĐDCN", "field": "person_id"' "$TMP/csv-forms/summary.json" &&
	grep -q '"header": "STT", "field": null' "$TMP/csv-forms/summary.json" &&
	grep -q '"sheet": "Danh sách 2", "status": "read", "header_row": 6' "$TMP/xlsx-forms/summary.json" &&
	ok "summary.json: header row and each column's field, per sheet" ||
	not_ok "summary.json: header row and each column's field, per sheet" "$TMP/csv-forms/summary.json"

# An ignored column that looks like an ID warns (by header, by values).
printf 'Họ và tên,Ngày sinh,Mã đối tượng,Số CCCD,Số giấy tờ,Ghi chú\nNguyễn Văn An,15/03/1980,HN,084080000001,084080000001,\n' > "$TMP/ign.csv"
"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$TMP/ign" \
	--prior fixtures/small/cards_2023.csv --registry fixtures/small/registry.csv \
	--roster "$TMP/ign.csv=X" 2> "$TMP/ign.err"
grep -q "ign.csv':1: column 5 'Số giấy tờ' is ignored but its header looks like an ID" "$TMP/ign.err" &&
	! grep -q "column 6" "$TMP/ign.err" && ! grep -q "084080000001" "$TMP/ign.err" &&
	ok "an ignored column named like an ID warns (no value printed)" ||
	not_ok "an ignored column named like an ID warns (no value printed)" "$TMP/ign.err"
printf 'Họ và tên,Ngày sinh,Mã đối tượng,Số CCCD,Giấy tờ khác\nNguyễn Văn An,15/03/1980,HN,084080000001,084080000001\n' > "$TMP/ign2.csv"
"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$TMP/ign2" \
	--prior fixtures/small/cards_2023.csv --registry fixtures/small/registry.csv \
	--roster "$TMP/ign2.csv=X" 2> "$TMP/ign2.err"
grep -q "column 5 'Giấy tờ khác' is ignored but its values look like" "$TMP/ign2.err" &&
	ok "an ignored column of ID-like values warns" ||
	not_ok "an ignored column of ID-like values warns" "$TMP/ign2.err"

# A missing column: the file, the header row looked at, headers as written.
{ printf 'DANH SÁCH,,\n\nHọ và tên,Ngày sinh (dd/mm/yyyy),Ghi chú\n'; for i in 1 2 3 4 5; do printf 'A,01/01/2000,\n'; done; } > "$TMP/miss.csv"
"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$TMP/miss" \
	--prior fixtures/small/cards_2023.csv --registry fixtures/small/registry.csv \
	--roster "$TMP/miss.csv=X" 2> "$TMP/miss.err"
rc=$?
[ $rc -ne 0 ] && grep -q "miss.csv':3: roster input: no header row among the first 30 rows; the nearest, row 3, has missing required column: group_code (Mã đối tượng, Đối tượng)" "$TMP/miss.err" &&
	! grep -q "ngay_sinh" "$TMP/miss.err" &&
	ok "a missing column names the file, the header row and the headers as people write them" ||
	not_ok "a missing column names the file, the header row and the headers as people write them" "$TMP/miss.err"

summary workbooks
