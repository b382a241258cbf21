#!/bin/sh
# tests/e2e/workbooks.sh BUILD: workbooks and forms in (spec §2, §2.1).
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

# args CARDS REGISTRY ROSTERDIR EXT: run's inputs, labelled as the plain
# CSV fixture's (fixture-args.sh) are
args() {
	printf -- '--prior\n%s=cards_2023.csv\n--registry\n%s=registry.csv\n' "$1" "$2"
	for f in "$3"/roster_*."$4"; do
		case $f in *_1904*) continue ;; esac
		label=$(basename "$f" | sed -e 's/^roster_//' -e 's/\..*$//')
		printf -- '--roster\n%s=%s\n' "$f" "$label"
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

summary workbooks
