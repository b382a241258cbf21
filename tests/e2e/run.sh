#!/bin/sh
# tests/e2e/run.sh BUILD: end-to-end tests of the real doisoat binary on
# the fixtures, no database (--no-db).  One line per test, "ok N - name" or
# "not ok N - name", and a closing "N passed, N failed".
#   UPDATE=1 sh tests/e2e/run.sh build   rewrites the golden files (the small
#   fixture's lists, the cells of its workbooks in golden/small/lists.txt
#   (tests/xlsx/dump.py), and the checksums of Càng Long's lists in
#   golden/canglong.sha256).
BUILD=${1:-build}
BIN=$BUILD/doisoat
HERE=tests/e2e
GOLDEN=$HERE/golden/small
LISTS="increase decrease change renew uninsured review rejects coverage"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

# check NAME CMD...: the command must succeed
check() {
	name=$1
	shift
	if "$@" > "$TMP/check.out" 2>&1; then ok "$name"; else not_ok "$name" "$TMP/check.out"; fi
}

# run_fixture DIR OUT [extra options]: doisoat run on a fixture folder
run_fixture() {
	dir=$1
	out=$2
	shift 2
	sh etl/sh/fixture-args.sh "$dir" > "$TMP/args"
	set --  "$@"
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$out" "$@"
}

# counts OUTDIR: "file<TAB>reason<TAB>count" of every list, sorted
counts() {
	for spec in increase:11 decrease:10 change:12 renew:0 uninsured:0 \
	    review:5 rejects:3; do
		f=${spec%%:*}
		c=${spec#*:}
		if [ "$c" = 0 ]; then
			rows=$(($(wc -l < "$1/$f.csv") - 1))
			[ "$rows" -gt 0 ] && printf '%s\t-\t%s\n' "$f" "$rows"
		else
			awk -v col="$c" -f $HERE/csvcount.awk "$1/$f.csv" |
				sed "s/^/$f	/"
		fi
	done | LC_ALL=C sort
}

# expected_counts FILE: the same from a fixture's expected_counts.tsv
expected_counts() {
	tail -n +2 "$1" | awk -F'\t' '$3 > 0' | LC_ALL=C sort
}

# accounting OUTDIR: rows_read = accepted + rejected for every input
accounting() {
	grep -o '"rows_read": [0-9]*, "accepted": [0-9]*, "rejected": [0-9]*' \
		"$1/summary.json" |
		awk -F'[:,] *' '{ if ($2 != $4 + $6) { print; bad = 1 } }
			END { exit bad }'
}

# --- command line ---------------------------------------------------------
check "--version prints the version" sh -c "$BIN --version | grep -q '^doisoat '"
check "--help exits 0 and lists the commands" sh -c "$BIN --help | grep -q 'run'"
for c in run ingest normalise dedup diff report load merge; do
	check "$c --help exits 0" sh -c "$BIN $c --help > /dev/null"
done
"$BIN" run --bogus > /dev/null 2>&1
[ $? -eq 2 ] && ok "a bad option exits 2" || not_ok "a bad option exits 2"
"$BIN" run --period 2024 > /dev/null 2>&1
[ $? -eq 2 ] && ok "missing required options exit 2" || not_ok "missing required options exit 2"
"$BIN" frobnicate > /dev/null 2>&1
[ $? -eq 2 ] && ok "an unknown command exits 2" || not_ok "an unknown command exits 2"

# --- the small hand-made fixture: golden files ----------------------------
if run_fixture fixtures/small "$TMP/small" > "$TMP/small.err" 2>&1; then
	ok "run on fixtures/small succeeds"
else
	not_ok "run on fixtures/small succeeds" "$TMP/small.err"
fi
if [ "${UPDATE:-}" = 1 ]; then
	mkdir -p "$GOLDEN"
	for l in $LISTS; do cp "$TMP/small/$l.csv" "$GOLDEN/$l.csv"; done
	/usr/bin/python3 tests/xlsx/dump.py "$TMP"/small/lists/*.xlsx \
		> "$GOLDEN/lists.txt"
	echo "# golden files rewritten in $GOLDEN"
fi
if /usr/bin/python3 tests/xlsx/dump.py "$TMP"/small/lists/*.xlsx \
	> "$TMP/lists.txt" 2> "$TMP/d" &&
	cmp -s "$TMP/lists.txt" "$GOLDEN/lists.txt"; then
	ok "small: the cells of lists/*.xlsx equal golden/small/lists.txt"
else
	diff -u "$GOLDEN/lists.txt" "$TMP/lists.txt" >> "$TMP/d" 2>&1
	not_ok "small: the cells of lists/*.xlsx equal golden/small/lists.txt" "$TMP/d"
fi
for l in $LISTS; do
	if cmp -s "$TMP/small/$l.csv" "$GOLDEN/$l.csv"; then
		ok "small: $l.csv equals the golden copy"
	else
		diff -u "$GOLDEN/$l.csv" "$TMP/small/$l.csv" > "$TMP/d" 2>&1
		not_ok "small: $l.csv equals the golden copy" "$TMP/d"
	fi
done
counts "$TMP/small" > "$TMP/got"
expected_counts fixtures/small/expected_counts.tsv > "$TMP/want"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "small: counts per list and reason match fixtures/small/expected_counts.tsv"
else
	not_ok "small: counts per list and reason match fixtures/small/expected_counts.tsv" "$TMP/d"
fi
check "small: rows read = accepted + rejected for every input" accounting "$TMP/small"
bad=$(find "$TMP/small" -type f ! -perm 600 | wc -l)
[ "$bad" -eq 0 ] && ok "small: every output file has mode 0600" || not_ok "small: every output file has mode 0600"
[ -z "$(find "$TMP/small" -name '*.tmp')" ] && ok "small: no temporary files left" || not_ok "small: no temporary files left"
# the workbooks live in lists/ (0700): lists/<unit>.xlsx, lists/tong-hop.xlsx
if [ -d "$TMP/small/lists" ] && [ ! -L "$TMP/small/lists" ] &&
	[ "$(stat -c %a "$TMP/small/lists")" = 700 ] &&
	[ -f "$TMP/small/lists/29266.xlsx" ] && [ -f "$TMP/small/lists/tong-hop.xlsx" ] &&
	[ -z "$(find "$TMP/small" -maxdepth 1 -name 'lists-*')" ] &&
	[ -z "$(find "$TMP/small" -mindepth 2 ! -path "$TMP/small/lists/*.xlsx")" ] &&
	grep -q '{"name": "lists/tong-hop.xlsx", ' "$TMP/small/summary.json"; then
	ok "small: the workbooks are lists/<unit>.xlsx and lists/tong-hop.xlsx (lists/ 0700), none at the top"
else
	{ ls -lR "$TMP/small"; grep lists "$TMP/small/summary.json"; } > "$TMP/d" 2>&1
	not_ok "small: the workbooks are lists/<unit>.xlsx and lists/tong-hop.xlsx (lists/ 0700), none at the top" "$TMP/d"
fi
# summary.json times the workbooks within the write stage (make bench
# reports their share of the run from it)
if grep -q '"timings": {.*"write": [0-9.]*, "workbooks": [0-9.]*, "total": ' \
	"$TMP/small/summary.json"; then
	ok "small: summary.json's timings give the workbooks' seconds"
else
	grep timings "$TMP/small/summary.json" > "$TMP/d" 2>&1
	not_ok "small: summary.json's timings give the workbooks' seconds" "$TMP/d"
fi
# an earlier version's workbooks at the top and a stale one in lists/ go;
# a link in place of lists/ is refused and nothing is written through it
cp -rp "$TMP/small" "$TMP/small-old"
echo old > "$TMP/small-old/lists-29266.xlsx"
echo old > "$TMP/small-old/lists/X9.xlsx"
echo mine > "$TMP/small-old/lists/notes.txt"
if run_fixture fixtures/small "$TMP/small-old" > "$TMP/d" 2>&1 &&
	[ ! -e "$TMP/small-old/lists-29266.xlsx" ] && [ ! -e "$TMP/small-old/lists/X9.xlsx" ] &&
	[ -f "$TMP/small-old/lists/notes.txt" ] &&
	cmp -s "$TMP/small/lists/29266.xlsx" "$TMP/small-old/lists/29266.xlsx"; then
	ok "small: a second run removes the stale workbooks (lists-*.xlsx, lists/X9.xlsx), keeps the user's file"
else
	ls -lR "$TMP/small-old" >> "$TMP/d" 2>&1
	not_ok "small: a second run removes the stale workbooks (lists-*.xlsx, lists/X9.xlsx), keeps the user's file" "$TMP/d"
fi
rm -rf "$TMP/small-old/lists"
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$TMP/small-old/lists"
run_fixture fixtures/small "$TMP/small-old" > "$TMP/d" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "small-old/lists' is not a folder" "$TMP/d" &&
	[ -z "$(ls -A "$TMP/elsewhere")" ] && [ -L "$TMP/small-old/lists" ]; then
	ok "small: a symbolic link in place of lists/ is refused (exit 1), nothing written through it"
else
	ls -lA "$TMP/elsewhere" >> "$TMP/d" 2>&1
	not_ok "small: a symbolic link in place of lists/ is refused (exit 1), nothing written through it" "$TMP/d"
fi

# the same inputs give byte-identical files
run_fixture fixtures/small "$TMP/small2" > /dev/null 2>&1
same=1
for l in $LISTS; do cmp -s "$TMP/small/$l.csv" "$TMP/small2/$l.csv" || same=0; done
for f in "$TMP"/small/lists/*.xlsx; do
	cmp -s "$f" "$TMP/small2/lists/${f##*/}" || same=0
done
[ $same = 1 ] && ok "small: a second run gives byte-identical lists and workbooks" || not_ok "small: a second run gives byte-identical lists and workbooks"

# the stages chained by hand give what run gives
sh etl/sh/fixture-args.sh fixtures/small > "$TMP/args"
set --
ref=""
while IFS= read -r a; do
	case "$a" in
	--areas|--scope|--targets|--units) ref=$a; continue ;;
	esac
	if [ -n "$ref" ]; then
		eval "opt_${ref#--}=\$a"
		ref=""
		continue
	fi
	set -- "$@" "$a"
done < "$TMP/args"
staged() {
	"$BIN" ingest --quiet "$@" --rejects "$TMP/rej1" |
	"$BIN" normalise --quiet --today 2024-06-30 --rejects "$TMP/rej2" |
	"$BIN" dedup --quiet |
	"$BIN" diff --quiet --period 2024 --areas "$opt_areas" \
		--targets "$opt_targets" |
	"$BIN" report --quiet --period 2024 --today 2024-06-30 \
		--units "$opt_units" --out "$TMP/staged" \
		--rejects "$TMP/rej1" --rejects "$TMP/rej2"
}
if staged "$@" > "$TMP/staged.err" 2>&1; then
	same=1
	: > "$TMP/d"
	for l in $LISTS; do
		diff -u "$TMP/small/$l.csv" "$TMP/staged/$l.csv" >> "$TMP/d" || same=0
	done
	for f in "$TMP"/small/lists/*.xlsx; do
		cmp -s "$f" "$TMP/staged/lists/${f##*/}" || {
			echo "${f##*/} differs" >> "$TMP/d"
			same=0
		}
	done
	[ $same = 1 ] && ok "ingest | normalise | dedup | diff | report equals run" ||
		not_ok "ingest | normalise | dedup | diff | report equals run" "$TMP/d"
else
	not_ok "ingest | normalise | dedup | diff | report equals run" "$TMP/staged.err"
fi
# ... and its summary.json counts every input's rows as run's does
counts_of() {
	grep -o -e '"source": "[^"]*"' -e '"rows_read": [0-9]*' \
		-e '"accepted": [0-9]*' -e '"rejected": [0-9]*' \
		-e '"period": [0-9]*' "$1/summary.json"
}
counts_of "$TMP/small" > "$TMP/want"
counts_of "$TMP/staged" > "$TMP/got"
if [ -s "$TMP/want" ] && diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "report's summary.json: the period, rows read, accepted, rejected per input as run's"
else
	not_ok "report's summary.json: the period, rows read, accepted, rejected per input as run's" "$TMP/d"
fi

# A roster's per-file defaults (rules.md R1.2): roster XA has no commune
# column and mostly empty group cells, given ",commune=29266,group=HN"
# (fixtures/small/roster_XA.defaults).  The same rows with the commune and
# group written in give byte-identical lists; without the defaults three
# of its four rows have no group: the run stops (--max-file-rejects).
cp -r fixtures/small "$TMP/small-cols"
rm "$TMP/small-cols/roster_XA.defaults"
awk -F, -v OFS=, 'NR == 1 { print $0, "Mã xã"; next }
	{ if ($6 == "") $6 = "HN"; print $0, "29266" }' \
	fixtures/small/roster_XA.csv > "$TMP/small-cols/roster_XA.csv"
run_fixture "$TMP/small-cols" "$TMP/small-cols-out" > /dev/null 2>&1
same=1
for l in $LISTS; do
	cmp -s "$TMP/small/$l.csv" "$TMP/small-cols-out/$l.csv" || same=0
done
[ $same = 1 ] && ok "a roster's default commune and group give the lists of the same roster with them written in" ||
	not_ok "a roster's default commune and group give the lists of the same roster with them written in"
cp fixtures/small/roster_XA.csv "$TMP/small-cols/roster_XA.csv"
run_fixture "$TMP/small-cols" "$TMP/small-nodef" > "$TMP/err" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "roster_XA.csv': 3 of 4 rows rejected, more than --max-file-rejects 50% (UNKNOWN_GROUP 3)" "$TMP/err" &&
	[ -z "$(ls -A "$TMP/small-nodef")" ] &&
	ok "without its default group, 3 of roster XA's 4 rows are rejected: the run stops, no list written" ||
	not_ok "without its default group, 3 of roster XA's 4 rows are rejected: the run stops, no list written (exit $rc)" "$TMP/err"

# --as-of moves period_start: on 2023-11-01 story 43's child (TE card
# ending 2023-11-30) is still a child under 6, so her TE row is eligible
# and she is an increase, not AGED_OUT (rules.md R1.1).
run_fixture fixtures/small "$TMP/asof" --as-of 2023-11-01 > "$TMP/err" 2>&1
if grep -q '^084317000043,.*,TE,1,,2023-11-01,NEW,TE,' "$TMP/asof/increase.csv" &&
	! grep -q '^TE,[0-9]*,084317000043,.*AGED_OUT' "$TMP/asof/review.csv" &&
	grep -q '^TE,[0-9]*,084317000043,.*AGED_OUT' "$TMP/small/review.csv"; then
	ok "--as-of 2023-11-01: a child whose TE card ends 2023-11-30 is an increase, not AGED_OUT"
else
	not_ok "--as-of 2023-11-01: a child whose TE card ends 2023-11-30 is an increase, not AGED_OUT" "$TMP/err"
fi
# --scope: the coverage lists the scope's communes only (rules.md R1.3).
printf 'commune_code\n29266\n' > "$TMP/scope.csv"
run_fixture fixtures/small "$TMP/scoped" --scope "$TMP/scope.csv" > "$TMP/err" 2>&1
if [ "$(cut -d, -f1 "$TMP/scoped/coverage.csv" | tr '\n' ' ')" = "commune_code 29266 TOTAL " ]; then
	ok "--scope with one commune: coverage.csv has that commune and the total only"
else
	not_ok "--scope with one commune: coverage.csv has that commune and the total only" "$TMP/scoped/coverage.csv"
fi
# --groups: a groups table without BT makes the BT roster's row an
# UNKNOWN_GROUP reject (rules.md R1.3).
grep -v '^BT,' etl/data/groups.csv > "$TMP/groups.csv"
run_fixture fixtures/small "$TMP/groups" --groups "$TMP/groups.csv" \
	--max-file-rejects 100 > "$TMP/err" 2>&1
if grep -q '^BT,2,UNKNOWN_GROUP,' "$TMP/groups/rejects.csv" &&
	! grep -q '^BT,2,UNKNOWN_GROUP,' "$TMP/small/rejects.csv"; then
	ok "--groups without BT: the BT row is rejected UNKNOWN_GROUP"
else
	not_ok "--groups without BT: the BT row is rejected UNKNOWN_GROUP" "$TMP/err"
fi

# --- the Càng Long district fixture ---------------------------------------
CL=$TMP/canglong
if "$BUILD/gen-fixture" --out "$CL" > "$TMP/gen.err" 2>&1; then
	ok "the Càng Long fixture generator runs"
else
	not_ok "the Càng Long fixture generator runs" "$TMP/gen.err"
fi
"$BUILD/gen-fixture" --out "$TMP/canglong2" > /dev/null 2>&1
if diff -r "$CL" "$TMP/canglong2" > /dev/null 2>&1; then
	ok "the generator is deterministic"
else
	not_ok "the generator is deterministic"
fi
if run_fixture "$CL" "$TMP/cl" > "$TMP/cl.err" 2>&1; then
	ok "run on the Càng Long fixture succeeds"
else
	not_ok "run on the Càng Long fixture succeeds" "$TMP/cl.err"
fi
# every list of Càng Long, byte for byte: checksums in golden/canglong.sha256
if [ "${UPDATE:-}" = 1 ]; then
	(cd "$TMP/cl" && sha256sum $(for l in $LISTS; do echo $l.csv; done)) > "$HERE/golden/canglong.sha256"
	echo "# golden checksums rewritten in $HERE/golden/canglong.sha256"
fi
if (cd "$TMP/cl" && sha256sum -c --quiet "$OLDPWD/$HERE/golden/canglong.sha256") > "$TMP/d" 2>&1; then
	ok "Càng Long: every list equals its golden checksum"
else
	not_ok "Càng Long: every list equals its golden checksum" "$TMP/d"
fi
# threads never change the result: one thread gives the same bytes
DOISOAT_THREADS=1 run_fixture "$CL" "$TMP/cl1" > /dev/null 2>&1
same=1
: > "$TMP/d"
for l in $LISTS; do
	cmp -s "$TMP/cl/$l.csv" "$TMP/cl1/$l.csv" || { echo "$l.csv differs" >> "$TMP/d"; same=0; }
done
n=0
for f in "$TMP"/cl/lists/*.xlsx; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cmp -s "$f" "$TMP/cl1/lists/${f##*/}" || { echo "${f##*/} differs" >> "$TMP/d"; same=0; }
done
[ "$n" -gt 0 ] || { echo "no lists/*.xlsx written" >> "$TMP/d"; same=0; }
[ $same = 1 ] && ok "Càng Long: one thread (DOISOAT_THREADS=1) gives byte-identical lists and workbooks" ||
	not_ok "Càng Long: one thread (DOISOAT_THREADS=1) gives byte-identical lists and workbooks" "$TMP/d"
counts "$TMP/cl" > "$TMP/got"
expected_counts "$CL/expected_counts.tsv" > "$TMP/want"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "Càng Long: every outcome and reason occurs as often as planted"
else
	not_ok "Càng Long: every outcome and reason occurs as often as planted" "$TMP/d"
fi
# coverage: the seed's BHYT table to the unit
awk -F, 'NR > 1 { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $3, $4, $5, $6, $7, $8 }' \
	"$TMP/cl/coverage.csv" > "$TMP/got"
tail -n +2 $HERE/seed002_bhyt.tsv > "$TMP/want"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "Càng Long: coverage.csv reproduces the BHYT table of seed 002"
else
	not_ok "Càng Long: coverage.csv reproduces the BHYT table of seed 002" "$TMP/d"
fi
# BHXH and BHTN: the seed's tables, with the one rule of rules.md R8 where the
# seed disagrees with itself (its BHXH total row, and Bình Phú's compulsory
# "remaining": (23.29% - 5.02%) x 7,524 - 1,035 = 340, the seed prints 347)
awk -F, 'NR > 1 { print $1"\t"$9"\t"$10"\t"$11"\t"$12"\t"$13"\t"$14"\t"$15"\t"$16"\t"$17 }' \
	"$TMP/cl/coverage.csv" > "$TMP/got"
if tail -n +2 $HERE/seed002_bhxh.tsv | diff - "$TMP/got" > "$TMP/d"; then
	ok "Càng Long: coverage.csv reproduces the BHXH table of seed 002"
else
	not_ok "Càng Long: coverage.csv reproduces the BHXH table of seed 002" "$TMP/d"
fi
awk -F, 'NR > 1 { print $1"\t"$9"\t"$18"\t"$19"\t"$20"\t"$21 }' "$TMP/cl/coverage.csv" > "$TMP/got"
if tail -n +2 $HERE/seed002_bhtn.tsv | diff - "$TMP/got" > "$TMP/d"; then
	ok "Càng Long: coverage.csv reproduces the BHTN table of seed 002"
else
	not_ok "Càng Long: coverage.csv reproduces the BHTN table of seed 002" "$TMP/d"
fi
awk -F, 'NR > 1 { printf "%s\t%s\t%s\n", $1, $3, $4 }' "$TMP/cl/coverage.csv" > "$TMP/got"
tail -n +2 "$CL/expected_coverage.tsv" | cut -f1-3 | LC_ALL=C sort > "$TMP/want"
LC_ALL=C sort "$TMP/got" -o "$TMP/got"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "Càng Long: population and insured per commune as generated"
else
	not_ok "Càng Long: population and insured per commune as generated" "$TMP/d"
fi
check "Càng Long: rows read = accepted + rejected for every input" accounting "$TMP/cl"
if "$BIN" run --period 2024 --no-db --quiet --out "$TMP/cl" --table \
	$(sh etl/sh/fixture-args.sh "$CL" | tr '\n' ' ') > "$TMP/table" 2>&1 &&
	grep -q '148.806 *132.600 *89,11% *95,00% *93,80% *8.766' "$TMP/table"; then
	ok "Càng Long: the printed table ends with the seed's total row"
else
	not_ok "Càng Long: the printed table ends with the seed's total row" "$TMP/table"
fi

# --- properties on a district generated with another seed -----------------
# properties OUTDIR: every person has at most one outcome (one row in
# increase, change or renew, or decrease rows of one kind), and no decrease
# (but DUPLICATE_CARD) for a person who also keeps or gets a card.
properties() {
	{
		tail -n +2 "$1/increase.csv" | cut -d, -f1 | sed 's/$/ keep/'
		tail -n +2 "$1/change.csv" | cut -d, -f1 | sed 's/$/ keep/'
		tail -n +2 "$1/renew.csv" | cut -d, -f1 | sed 's/$/ keep/'
		tail -n +2 "$1/decrease.csv" | awk -F, '$10 != "DUPLICATE_CARD" && $1 != "" { print $1 " end" }' | sort -u
		tail -n +2 "$1/uninsured.csv" | cut -d, -f1 | sed 's/$/ none/'
	} | awk '{ n[$1]++; what[$1] = what[$1] " " $2 }
		END { for (p in n) if (n[p] > 1) { print "person with" what[p]; bad = 1 }
		      exit bad }'
}
S7=$TMP/seed7
"$BUILD/gen-fixture" --out "$S7" --seed 7 > /dev/null 2>&1
run_fixture "$S7" "$TMP/s7" > /dev/null 2>&1
run_fixture "$S7" "$TMP/s7b" > /dev/null 2>&1
counts "$TMP/s7" > "$TMP/got"
expected_counts "$S7/expected_counts.tsv" > "$TMP/want"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "seed 7: every outcome and reason occurs as often as planted"
else
	not_ok "seed 7: every outcome and reason occurs as often as planted" "$TMP/d"
fi
check "seed 7: at most one outcome per person, no decrease beside a card" properties "$TMP/s7"
check "Càng Long: at most one outcome per person, no decrease beside a card" properties "$TMP/cl"
check "small: at most one outcome per person, no decrease beside a card" properties "$TMP/small"
check "seed 7: rows read = accepted + rejected for every input" accounting "$TMP/s7"
same=1
for l in $LISTS; do cmp -s "$TMP/s7/$l.csv" "$TMP/s7b/$l.csv" || same=0; done
[ $same = 1 ] && ok "seed 7: a second run gives byte-identical lists" ||
	not_ok "seed 7: a second run gives byte-identical lists"

# --- a messy district (gen-fixture --messy --people N, issue 13) ------------
# --people N: exactly N residents, every planted story as counted
"$BUILD/gen-fixture" --out "$TMP/p20k" --people 20000 > /dev/null 2>&1
run_fixture "$TMP/p20k" "$TMP/p20ko" > /dev/null 2>&1
counts "$TMP/p20ko" > "$TMP/got"
expected_counts "$TMP/p20k/expected_counts.tsv" > "$TMP/want"
awk -F, '$1 == "TOTAL" { print "population " $3 }' "$TMP/p20ko/coverage.csv" >> "$TMP/got"
echo "population 20000" >> "$TMP/want"
if diff "$TMP/want" "$TMP/got" > "$TMP/d"; then
	ok "--people 20000: 20,000 residents, every outcome and reason as planted"
else
	not_ok "--people 20000: 20,000 residents, every outcome and reason as planted" "$TMP/d"
fi
MS=$TMP/messy
"$BUILD/gen-fixture" --out "$MS" --messy --people 20000 > "$TMP/gen.err" 2>&1 &&
	"$BUILD/gen-fixture" --out "$TMP/messy2" --messy --people 20000 > /dev/null 2>&1 &&
	diff -r "$MS" "$TMP/messy2" > "$TMP/d" 2>&1 &&
	ok "messy: the generator is deterministic (two runs, identical files)" ||
	not_ok "messy: the generator is deterministic (two runs, identical files)" "$TMP/d"
"$BUILD/gen-fixture" --out "$TMP/messy3" --messy --people 20000 --seed 3 > /dev/null 2>&1
cmp -s "$MS/roster_GD.csv.gz" "$TMP/messy3/roster_GD.csv.gz" &&
	not_ok "messy: --seed gives another district" ||
	ok "messy: --seed gives another district"
if run_fixture "$MS" "$TMP/ms" > "$TMP/ms.err" 2>&1; then
	ok "messy: run on a 20,000-person messy district succeeds"
else
	not_ok "messy: run on a 20,000-person messy district succeeds" "$TMP/ms.err"
fi
check "messy: rows read = accepted + rejected for every input" accounting "$TMP/ms"
# sumkey OUTDIR KEY: the sum of every `"KEY": N` in summary.json
sumkey() {
	grep -o "\"$2\": [0-9]*" "$1/summary.json" | awk '{ s += $2 } END { print s + 0 }'
}
# messy_enough OUTDIR: every kind of mess the generator promises is seen
messy_enough() {
	cards=$(($(zcat "$MS/cards_2023.csv.gz" | wc -l) - 1))
	noid=$(zcat "$MS/cards_2023.csv.gz" | awk -F, 'NR > 1 && $2 == ""' | wc -l)
	ended=$(($(wc -l < "$1/decrease.csv") - 1))
	pop=$(awk -F, '$1 == "TOTAL" { print $3 }' "$1/coverage.csv")
	zero=$(sumkey "$1" ID_ZERO_RESTORED)
	serial=$(sumkey "$1" DATE_SERIAL)
	nfd=$(sumkey "$1" NAME_REPAIRED)
	dup=$(sumkey "$1" DUPLICATE_ROW)
	demo=$(sumkey "$1" MATCHED_BY_DEMOGRAPHICS)
	cardsdemo=$(grep -A1 '"kind": "prior"' "$1/summary.json" |
		grep -o '"matched_by_demographics": [0-9]*' | awk '{ print $2 }')
	echo "cards $cards, without ID $noid (matched by demographics $cardsdemo), decreases $ended," \
		"population $pop, ID_ZERO_RESTORED $zero, DATE_SERIAL $serial," \
		"NAME_REPAIRED $nfd, DUPLICATE_ROW $dup, MATCHED_BY_DEMOGRAPHICS $demo"
	[ "$pop" = 20000 ] &&
		[ $((noid * 100)) -ge $((cards * 8)) ] && [ $((noid * 100)) -le $((cards * 12)) ] &&
		[ $((cardsdemo * 100)) -ge $((noid * 60)) ] &&
		[ $((ended * 100)) -ge $((cards * 22)) ] && [ $((ended * 100)) -le $((cards * 28)) ] &&
		[ "$zero" -ge 500 ] && [ "$serial" -ge 500 ] && [ "$nfd" -ge 500 ] &&
		[ "$dup" -ge 300 ] && [ "$demo" -ge 1500 ]
}
check "messy: lost zeros, Excel dates, NFD names, duplicates, cards without ID, a quarter of the cards ending" messy_enough "$TMP/ms"

# --- levels and areas change by date (groups.csv, areas.csv) --------------
# CN's benefit level is 3 until 2025-12-31 and 2 from 2026-01-01
"$BIN" run --period 2026 --today 2026-06-30 --no-db --quiet --out "$TMP/p2026" \
	$(sh etl/sh/fixture-args.sh fixtures/small | tr '\n' ' ') > "$TMP/err" 2>&1
if grep -q '^084095000009,.*,CN,2,' "$TMP/p2026/increase.csv" &&
	grep -q '^084095000009,.*,CN,3,' "$TMP/small/increase.csv"; then
	ok "CN's benefit level is 3 in 2024 and 2 in 2026 (groups.csv by date)"
else
	not_ok "CN's benefit level is 3 in 2024 and 2 in 2026 (groups.csv by date)" "$TMP/err"
fi

# --- bad input -------------------------------------------------------------
head -c 3000 "$CL/registry.csv.gz" > "$TMP/trunc.csv.gz"
"$BIN" run --period 2024 --no-db --quiet --out "$TMP/bad" \
	--prior fixtures/small/cards_2023.csv --registry "$TMP/trunc.csv.gz" \
	> "$TMP/err" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "trunc.csv.gz': truncated gzip" "$TMP/err"; then
	ok "a truncated gzip fails with a message naming the file"
else
	not_ok "a truncated gzip fails with a message naming the file (exit $rc)" "$TMP/err"
fi
: > "$TMP/empty.csv"
"$BIN" run --period 2024 --no-db --quiet --out "$TMP/bad" \
	--prior "$TMP/empty.csv" --registry fixtures/small/registry.csv > "$TMP/err" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "empty.csv': empty file" "$TMP/err" &&
	ok "an empty file fails with a clear message" ||
	not_ok "an empty file fails with a clear message (exit $rc)" "$TMP/err"
{
	head -n 1 fixtures/small/registry.csv
	printf '%s\n' '"084190000001,,"NGUYEN VAN A",01/01/1990,Nam,29266,Kinh,,,'
	printf '%s\n' '084190000002,,TRAN VAN B,01/01/1990'
} > "$TMP/broken.csv"
"$BIN" run --period 2024 --no-db --quiet --out "$TMP/bad" \
	--prior fixtures/small/cards_2023.csv --registry "$TMP/broken.csv" \
	--max-rejects 0 --max-file-rejects 100 > "$TMP/err" 2>&1
rc=$?
if [ $rc -eq 3 ] && grep -q ',2,BAD_QUOTING,' "$TMP/bad/rejects.csv" &&
	grep -q ',3,BAD_COLUMN_COUNT,' "$TMP/bad/rejects.csv" &&
	grep -q "broken.csv':3: row rejected" "$TMP/err"; then
	ok "broken quotes and a short row are rejects; --max-rejects 0 exits 3"
else
	not_ok "broken quotes and a short row are rejects; --max-rejects 0 exits 3 (exit $rc)" "$TMP/err"
fi
if grep -Eq '[0-9]{12}' "$TMP/err" "$TMP/small.err" "$TMP/cl.err"; then
	not_ok "no ID number appears in messages"
else
	ok "no ID number appears in messages"
fi

summary e2e
