#!/bin/sh
# tests/e2e/partition.sh BUILD: doisoat run --partition I/N and doisoat
# merge (rules.md R7.13, docs/scale.md).  On fixtures/small and on a
# generated 20,000-person messy district, for N = 1, 2 and 7: the N
# partitions, merged, give what one run gives: every list and coverage.csv
# byte for byte, the workbooks cell for cell (tests/xlsx/dump.py; the
# messy district's by cmp first, dump.py only when the bytes differ),
# summary.json but for "timings", the inputs' "seconds" and the merge's
# "merged" line; past --max-rejects, every task and the merge exit 3.
# Then what the merge refuses (a partition missing or
# given twice, folders of two N, other inputs, other reference options,
# an incomplete folder, a folder that is no partition), load refusing a
# partition folder, the bad values
# --partition refuses, --partition without --no-db, and a task run again
# (after it finished, and after it was killed) into its own folder.  One
# line per test, "ok N - name" or "not ok N - name", then
# "partition: N passed, N failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh
. tests/e2e/same.sh
LISTS="increase decrease change renew uninsured review rejects coverage"
COMMON="--period 2024 --today 2024-06-30 --no-db --quiet"
SUMMARY_SKIP=merged # the merge's own line (same_summary)

# doisoat CMD NAME OUT [OPTION...]: doisoat run or merge on the inputs of
# fixture NAME ($TMP/NAME.args, one option a line), into OUT
# (sh has no local variables: each function's own have its prefix)
doisoat() {
	d_cmd=$1
	d_fix=$2
	d_out=$3
	shift 3
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/$d_fix.args"
	# shellcheck disable=SC2086
	"$BIN" "$d_cmd" $COMMON --out "$d_out" "$@"
}

# parts NAME N: run the N partitions of NAME into $TMP/NAME.N/p0 .. pN-1
parts() {
	p_i=0
	mkdir -p "$TMP/$1.$2"
	while [ "$p_i" -lt "$2" ]; do
		doisoat run "$1" "$TMP/$1.$2/p$p_i" --partition "$p_i/$2" ||
			return 1
		p_i=$((p_i + 1))
	done
}

# folders NAME N: the partition folders of parts NAME N, in order
folders() {
	f_i=0
	while [ "$f_i" -lt "$2" ]; do
		printf '%s\n' "$TMP/$1.$2/p$f_i"
		f_i=$((f_i + 1))
	done
}

# union NAME N QUICK: the tests of one fixture and N
union() {
	u_fix=$1
	u_n=$2
	u_full=$TMP/$u_fix.full
	u_m=$TMP/$u_fix.$u_n/merged
	if parts "$u_fix" "$u_n" > "$TMP/err" 2>&1 &&
		doisoat merge "$u_fix" "$u_m" $(folders "$u_fix" "$u_n") >> "$TMP/err" 2>&1; then
		ok "$u_fix, N=$u_n: the $u_n partitions run and merge"
	else
		not_ok "$u_fix, N=$u_n: the $u_n partitions run and merge" "$TMP/err"
		return
	fi
	ls "$TMP/$u_fix.$u_n"/p*/lists/*.xlsx "$TMP/$u_fix.$u_n"/p*/lists-*.xlsx \
		> /dev/null 2>&1 &&
		not_ok "$u_fix, N=$u_n: a partition folder holds no workbook" ||
		ok "$u_fix, N=$u_n: a partition folder holds no workbook"
	for t in same_files same_lists same_summary; do
		if $t "$u_full" "$u_m" > "$TMP/d" 2>&1; then
			ok "$u_fix, N=$u_n: $t of the merge and the single run"
		else
			not_ok "$u_fix, N=$u_n: $t of the merge and the single run" "$TMP/d"
		fi
	done
	if same_workbooks "$u_full" "$u_m" "$3" > "$TMP/d" 2>&1; then
		ok "$u_fix, N=$u_n: the workbooks are cell-identical"
	else
		not_ok "$u_fix, N=$u_n: the workbooks are cell-identical" "$TMP/d"
	fi
}

sh etl/sh/fixture-args.sh fixtures/small > "$TMP/small.args"
"$BUILD/gen-fixture" --out "$TMP/messy" --messy --people 20000 > /dev/null 2>&1 &&
	sh etl/sh/fixture-args.sh "$TMP/messy" > "$TMP/messy.args"
for name in small messy; do
	if doisoat run "$name" "$TMP/$name.full" > "$TMP/err" 2>&1; then
		ok "$name: the single run"
	else
		not_ok "$name: the single run" "$TMP/err"
	fi
done
union small 1 full
union small 2 full
union small 7 full
union messy 1 quick
union messy 2 quick
union messy 7 quick

# more rejects than --max-rejects: every task and the merge exit 3, and
# the merged folder is still the single run's
mkdir -p "$TMP/rej"
doisoat run small "$TMP/rej/full" --max-rejects 0 > /dev/null 2>&1
r_full=$?
doisoat run small "$TMP/rej/p0" --max-rejects 0 --partition 0/2 > /dev/null 2>&1
r_p0=$?
doisoat run small "$TMP/rej/p1" --max-rejects 0 --partition 1/2 > /dev/null 2>&1
r_p1=$?
doisoat merge small "$TMP/rej/m" "$TMP/rej/p0" "$TMP/rej/p1" > "$TMP/err" 2>&1
r_m=$?
if [ "$r_full$r_p0$r_p1$r_m" = 3333 ] && same_lists "$TMP/rej/full" "$TMP/rej/m" &&
	same_summary "$TMP/rej/full" "$TMP/rej/m" > "$TMP/d" 2>&1; then
	ok "past --max-rejects: the tasks and the merge exit 3, the union holds"
else
	echo "exit codes: $r_full $r_p0 $r_p1 $r_m" >> "$TMP/err"
	not_ok "past --max-rejects: the tasks and the merge exit 3, the union holds" "$TMP/err"
fi

# the partitions' rows and coverage counts add up to the single run's
rows() { tail -n +2 "$1" | wc -l; }
total=0
for p in "$TMP"/messy.7/p*; do total=$((total + $(rows "$p/renew.csv"))); done
[ "$total" -eq "$(rows "$TMP/messy.full/renew.csv")" ] &&
	[ "$(rows "$TMP/messy.7/p3/renew.csv")" -lt "$total" ] &&
	ok "messy, N=7: the partitions split renew.csv between them" ||
	not_ok "messy, N=7: the partitions split renew.csv between them" \
		"$total rows in the partitions"

# --- what merge refuses ---------------------------------------------------
# refuses CODE NAME WORDS CMD...: CMD exits CODE, says WORDS, writes nothing
refuses() {
	r_code=$1
	r_name=$2
	r_words=$3
	shift 3
	rm -rf "$TMP/no"
	"$@" > "$TMP/err" 2>&1
	r_rc=$?
	if [ "$r_rc" -eq "$r_code" ] && grep -q "$r_words" "$TMP/err" &&
		[ ! -e "$TMP/no/summary.json" ]; then
		ok "$r_name"
	else
		echo "exit $r_rc" >> "$TMP/err"
		not_ok "$r_name" "$TMP/err"
	fi
}
S2=$TMP/small.2
S7=$TMP/small.7
refuses 2 "merge refuses a missing partition" "partition 1 of 2 is missing" \
	doisoat merge small "$TMP/no" "$S2/p0"
refuses 2 "merge refuses a partition given twice" "are both partition 0 of 2" \
	doisoat merge small "$TMP/no" "$S2/p0" "$S2/p0"
refuses 2 "merge refuses folders of two N" "the folders are not of one run" \
	doisoat merge small "$TMP/no" "$S2/p0" "$S7/p1"
refuses 2 "merge refuses a folder that is no partition" "not a partition folder" \
	doisoat merge small "$TMP/no" "$TMP/small.full"
# other inputs: partition 1 of a run with one roster row less
mkdir -p "$TMP/other"
cp fixtures/small/* "$TMP/other/"
sed -i '$d' "$TMP/other/roster_HN.csv"
sh etl/sh/fixture-args.sh "$TMP/other" > "$TMP/other.args"
mkdir -p "$TMP/other.2"
doisoat run other "$TMP/other.2/p1" --partition 1/2 > /dev/null 2>&1
refuses 1 "merge refuses partitions made from different inputs" \
	"were made from different inputs" \
	doisoat merge small "$TMP/no" "$S2/p0" "$TMP/other.2/p1"
# other reference options: the merge without --units
grep -v -e '^--units$' -e '/units.csv$' "$TMP/small.args" > "$TMP/nounits.args"
refuses 2 "merge refuses reference files other than the partitions'" \
	"differs from what the partitions ran with" \
	doisoat merge nounits "$TMP/no" "$S2/p0" "$S2/p1"
refuses 2 "merge refuses --out that is a partition folder" \
	"is one of the partition folders" \
	doisoat merge small "$S2/p0" "$S2/p0" "$S2/p1"
# an incomplete folder: a list changed after the task, or one missing
cp -r "$S2/p1" "$TMP/changed"
echo "x" >> "$TMP/changed/renew.csv"
refuses 1 "merge refuses a partition folder changed since its task" \
	"not a complete partition folder" \
	doisoat merge small "$TMP/no" "$S2/p0" "$TMP/changed"
cp -r "$S2/p1" "$TMP/gone"
rm "$TMP/gone/partition-keys.csv"
refuses 1 "merge refuses a partition folder with a file missing" \
	"not a complete partition folder" \
	doisoat merge small "$TMP/no" "$S2/p0" "$TMP/gone"

refuses 1 "load refuses a partition folder, before any database" \
	"holds one partition of a run" \
	"$BIN" load --quiet --out "$S2/p0" --db "host=$TMP/nodb dbname=none"

# --- what --partition refuses ---------------------------------------------
for bad in 0/0 3/2 2/2 junk 1/ /2 -1/2 1/-2 "1/2x" 0/4097; do
	refuses 2 "--partition refuses '$bad'" "bad --partition" \
		doisoat run small "$TMP/no" --partition "$bad"
done
rm -rf "$TMP/no"
"$BIN" run --period 2024 --today 2024-06-30 --quiet --partition 0/2 \
	--out "$TMP/no" $(tr '\n' ' ' < "$TMP/small.args") > "$TMP/err" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "needs --no-db" "$TMP/err" &&
	grep -q "doisoat load" "$TMP/err" && [ ! -e "$TMP/no" ] &&
	ok "--partition without --no-db exits 2 and names doisoat load" ||
	not_ok "--partition without --no-db exits 2 and names doisoat load" "$TMP/err"

# --- a task run again -------------------------------------------------------
# again: partition 1 of 2 of messy run a second time into its own folder
M2=$TMP/messy.2
cp -r "$M2/p1" "$TMP/first"
if doisoat run messy "$M2/p1" --partition 1/2 > "$TMP/err" 2>&1 &&
	same_files "$TMP/first" "$M2/p1" > "$TMP/d" 2>&1 &&
	same_summary "$TMP/first" "$M2/p1" >> "$TMP/d" 2>&1 &&
	for f in $(cd "$M2/p1" && ls | grep -v summary.json); do
		cmp "$TMP/first/$f" "$M2/p1/$f" || exit 1
	done >> "$TMP/d" 2>&1; then
	ok "a task run again gives the same folder"
else
	cat "$TMP/err" >> "$TMP/d"
	not_ok "a task run again gives the same folder" "$TMP/d"
fi
# killed: a task killed on its way (at several moments) leaves the
# folder whole or refused by the merge; run again, the merge is right
# start NAME OUT [OPTION...]: doisoat run in the background, its PID in $pid
start_run() {
	s_fix=$1
	s_out=$2
	shift 2
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/$s_fix.args"
	# shellcheck disable=SC2086
	"$BIN" run $COMMON --out "$s_out" "$@" > /dev/null 2>&1 &
	pid=$!
}
for delay in 0.02 0.06 0.12; do
	rm -rf "$M2/p1" "$TMP/km"
	start_run messy "$M2/p1" --partition 1/2
	sleep "$delay"
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	doisoat merge messy "$TMP/km" "$M2/p0" "$M2/p1" > "$TMP/err" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		same_lists "$TMP/messy.full" "$TMP/km" > "$TMP/d" 2>&1
	else
		grep -q "not a complete partition folder\|cannot open" "$TMP/err" &&
			[ ! -e "$TMP/km/summary.json" ]
	fi
	first=$?
	rm -rf "$TMP/km"
	if [ "$first" -eq 0 ] &&
		doisoat run messy "$M2/p1" --partition 1/2 > "$TMP/err" 2>&1 &&
		doisoat merge messy "$TMP/km" "$M2/p0" "$M2/p1" >> "$TMP/err" 2>&1 &&
		same_lists "$TMP/messy.full" "$TMP/km" >> "$TMP/err" 2>&1 &&
		[ -z "$(ls -A "$M2/p1" | grep '^\.')" ]; then
		ok "a task killed after ${delay}s: merge refuses or is right; run again, right"
	else
		not_ok "a task killed after ${delay}s: merge refuses or is right; run again, right" "$TMP/err"
	fi
done

summary partition
