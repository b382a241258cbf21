#!/bin/sh
# tests/xlsx/tonghop.sh [BUILD]: the district's summary workbook
# (lists/tong-hop.xlsx, etl/tonghop.h) read back.  Runs BUILD/doisoat on
# fixtures/small and on a generated district (gen-fixture: Càng Long);
# checks that the workbook is byte-identical across runs and with one
# thread, mode 0600, then tests/xlsx/tonghop.py reads it back with openpyxl:
# sheets, headings, totals = sums, the money on the lists = the sum of the
# lists' workbooks per source, the coverage table and its chart, the
# uninsured per commune, every review row once on its commune's sheet
# with a Vietnamese reason and what to check.  One line per check; closes with
# "tonghop: N passed, N failed".  Run from the top of the repository.
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh
F=lists/tong-hop.xlsx

# run_fixture DIR OUT: doisoat run --no-db on fixture DIR into OUT
run_fixture() {
	sh etl/sh/fixture-args.sh "$1" > "$TMP/args"
	out=$2
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	"$BUILD/doisoat" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@" 2> "$TMP/run.err"
}

# read_back NAME DIR: tests/xlsx/tonghop.py on DIR, each line a check
read_back() {
	/usr/bin/python3 tests/xlsx/tonghop.py "$2" etl/data/groups.csv \
		> "$TMP/check.out" 2>&1
	relay "$TMP/check.out" tests/xlsx/tonghop.py "$1: "
}

if ! /usr/bin/python3 -c 'import openpyxl' > /dev/null 2>&1; then
	not_ok "python3-openpyxl is installed (make deps)"
	summary tonghop
	exit
fi
for fx in small:fixtures/small district:"$TMP/canglong"; do
	name=${fx%%:*}
	dir=${fx#*:}
	if [ "$name" = district ] &&
		! "$BUILD/gen-fixture" --out "$dir" > "$TMP/gen.err" 2>&1; then
		not_ok "gen-fixture writes a district" "$TMP/gen.err"
		continue
	fi
	run_fixture "$dir" "$TMP/$name.1"
	DOISOAT_THREADS=1 run_fixture "$dir" "$TMP/$name.2"
	if [ -f "$TMP/$name.1/$F" ] && cmp -s "$TMP/$name.1/$F" "$TMP/$name.2/$F"
	then
		ok "$name: $F is byte-identical with one thread and several"
	else
		not_ok "$name: $F is byte-identical with one thread and several" \
			"$TMP/run.err"
	fi
	[ "$(stat -c %a "$TMP/$name.1/$F" 2> /dev/null)" = 600 ] &&
		ok "$name: $F has mode 0600" || not_ok "$name: $F has mode 0600"
	read_back "$name" "$TMP/$name.1"
done
summary tonghop
