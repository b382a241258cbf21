#!/bin/sh
# tests/e2e/communes.sh BUILD: communes by date (rules.md R3.16).  The small
# fixture, run for period 2026, gives the same lists, coverage and review
# rows whether its inputs carry the pre-2025 commune codes (as it is) or
# every code rewritten to its commune of 1 July 2025 (the translated codes
# of the shipped mapping, etl/data/commune-map-2025.csv); summary.json
# counts the translations as repairs.  Then one card and one roster row are
# given an old code that was split and that the registry cannot resolve:
# both go to review (COMMUNE_SPLIT), their people leave the lists and no one
# is decreased.  One line per test, then "N passed, N failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

MAP=etl/data/commune-map-2025.csv
FX=fixtures/small
LISTS="increase.csv decrease.csv change.csv renew.csv uninsured.csv coverage.csv review.csv"

# run_fx DIR OUT: the fixture folder DIR run for 2026 into OUT
run_fx() {
	sh etl/sh/fixture-args.sh "$1" > "$TMP/args"
	set -- "$1" "$2"
	out=$2
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	"$BIN" run --period 2026 --today 2026-06-30 --no-db --quiet \
		--out "$out" "$@" 2> "$TMP/err"
}

# a sed script rewriting a whole CSV cell holding an old code that went
# whole into one new commune with another code
awk -F, 'NR > 1 { n[$1]++; to[$1] = $2 }
	END { for (k in n) if (n[k] == 1 && k != to[k])
		printf "s/(^|,)%s(,|$)/\\1%s\\2/\n", k, to[k] }' "$MAP" \
	> "$TMP/map.sed"
mkdir "$TMP/new"
for f in "$FX"/*.csv "$FX"/*.defaults; do
	sed -E -f "$TMP/map.sed" "$f" > "$TMP/new/$(basename "$f")"
done
# two old communes of the fixture merged: one target per new commune,
# the one given for the new commune's own code (as the old run takes it)
awk -F, '!seen[$1]++' "$TMP/new/targets.csv" > "$TMP/t" &&
	mv "$TMP/t" "$TMP/new/targets.csv"

if cmp -s "$FX/cards_2023.csv" "$TMP/new/cards_2023.csv" ||
	! grep -q ',29269,' "$FX/cards_2023.csv" ||
	grep -q ',29269,' "$TMP/new/cards_2023.csv"; then
	not_ok "the rewritten fixture carries the new codes only"
else
	ok "the rewritten fixture carries the new codes only"
fi

run_fx "$FX" "$TMP/old"
rc_old=$?
run_fx "$TMP/new" "$TMP/new-out"
rc_new=$?
if [ $rc_old -eq 0 ] && [ $rc_new -eq 0 ]; then
	ok "both runs succeed"
else
	not_ok "both runs succeed (exit $rc_old, $rc_new)" "$TMP/err"
fi

for f in $LISTS; do
	if [ -s "$TMP/old/$f" ] && cmp -s "$TMP/old/$f" "$TMP/new-out/$f"; then
		ok "$f: old codes and new codes give the same bytes"
	else
		diff "$TMP/old/$f" "$TMP/new-out/$f" > "$TMP/diff" 2>&1
		not_ok "$f: old codes and new codes give the same bytes" \
			"$TMP/diff"
	fi
done

if cut -d, -f1 "$TMP/old/coverage.csv" | tr '\n' ' ' |
	grep -qx 'commune_code 29266 29275 TOTAL '; then
	ok "coverage lists the communes of 2026 (29269 is in 29266)"
else
	not_ok "coverage lists the communes of 2026" "$TMP/old/coverage.csv"
fi
if grep -q '^29266,Xã Càng Long,' "$TMP/old/coverage.csv"; then
	ok "coverage names a commune by its name on period_start"
else
	not_ok "coverage names a commune by its name on period_start" \
		"$TMP/old/coverage.csv"
fi

# translations are repairs: the old run counts them, the new one has none
old_n=$(grep -o '"COMMUNE_TRANSLATED": [0-9]*' "$TMP/old/summary.json" |
	awk '{ s += $2 } END { print s + 0 }')
new_n=$(grep -c '"COMMUNE_TRANSLATED"' "$TMP/new-out/summary.json")
# every row of cards, registry and rosters with 29269 or 29272, but those
# rejected for another reason
rows=$(cat "$FX"/cards_*.csv "$FX"/registry*.csv "$FX"/roster_*.csv |
	grep -cE '(^|,)(29269|29272)(,|$)')
rejected=$(grep -cE '(^|,)(29269|29272)(,|$)' "$TMP/old/rejects.csv")
want=$((rows - rejected))
if [ "$old_n" -eq "$want" ] && [ "$new_n" -eq 0 ]; then
	ok "summary.json counts $want translated codes as repaired"
else
	not_ok "summary.json counts the translated codes as repaired" \
		"old run $old_n (want $want), new run $new_n (want 0)"
fi

# --- a split old commune the registry does not resolve ------------------
# 00019 went into 00004, 00070, 00190 and 00226; the registry puts both
# people in 29266.  084080000001's card (renewed above) and 084089000029's
# roster row (an increase above) carry it.
SPLIT=00019
mkdir "$TMP/split"
cp "$TMP/new"/*.csv "$TMP/new"/*.defaults "$TMP/split/"
sed -E "s/^(HN2848400000001,.*),29266,/\\1,$SPLIT,/" \
	"$TMP/new/cards_2023.csv" > "$TMP/split/cards_2023.csv"
sed -E "s/^(084089000029,.*),29266,/\\1,$SPLIT,/" \
	"$TMP/new/roster_DN.csv" > "$TMP/split/roster_DN.csv"
if cmp -s "$TMP/new/cards_2023.csv" "$TMP/split/cards_2023.csv" ||
	cmp -s "$TMP/new/roster_DN.csv" "$TMP/split/roster_DN.csv"; then
	not_ok "the split case is set up" "the sed did not change a row"
fi
run_fx "$TMP/split" "$TMP/split-out"
rc=$?
[ $rc -eq 0 ] && ok "the run with split codes succeeds" ||
	not_ok "the run with split codes succeeds (exit $rc)" "$TMP/err"

if grep -q "^cards_2023.csv,[0-9]*,084080000001,.*,COMMUNE_SPLIT,\"commune $SPLIT was split on 2025-07-01 into 00004, 00070, 00190, 00226; the registry's residence is none of them" \
	"$TMP/split-out/review.csv"; then
	ok "the split card is in review (COMMUNE_SPLIT) with its new communes"
else
	not_ok "the split card is in review (COMMUNE_SPLIT)" \
		"$TMP/split-out/review.csv"
fi
if grep -q "^DN,[0-9]*,084089000029,.*,COMMUNE_SPLIT,\"commune $SPLIT was split" \
	"$TMP/split-out/review.csv"; then
	ok "the split roster row is in review (COMMUNE_SPLIT)"
else
	not_ok "the split roster row is in review (COMMUNE_SPLIT)" \
		"$TMP/split-out/review.csv"
fi
gone=1
for f in increase.csv decrease.csv change.csv renew.csv uninsured.csv; do
	grep -qE '^(084080000001|084089000029),' "$TMP/split-out/$f" && gone=0
done
[ $gone = 1 ] && ok "their people are in no list: not decreased, not increased" ||
	not_ok "their people are in no list" "$(cat "$TMP"/split-out/*.csv | grep -E '^(084080000001|084089000029),')"
# everyone else as before
same=1
for f in increase.csv decrease.csv change.csv renew.csv uninsured.csv; do
	grep -vE '^(084080000001|084089000029),' "$TMP/new-out/$f" > "$TMP/a"
	grep -vE '^(084080000001|084089000029),' "$TMP/split-out/$f" > "$TMP/b"
	cmp -s "$TMP/a" "$TMP/b" || same=0
done
[ $same = 1 ] && ok "the other people's outcomes do not change" ||
	not_ok "the other people's outcomes do not change"

summary communes
