#!/bin/sh
# demo.sh: what `make demo` does after building: write the Càng Long
# fixture, make sure there is a database (a private cluster under .pg/ when
# none is configured), run doisoat on the fixture and show the coverage
# table, then what landed in PostgreSQL.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FIX=fixtures/canglong
OUT=out/canglong

if [ ! -f "$FIX/expected_counts.tsv" ]; then
	echo "== writing the Càng Long fixture to $FIX"
	"$BUILD/gen-fixture" --out "$FIX"
fi

started=""
if [ -z "${PGHOST:-}${PGDATABASE:-}${PGSERVICE:-}${PGPORT:-}${DOISOAT_DB:-}" ]; then
	echo "== no database configured: starting a private PostgreSQL"
	eval "$(sh etl/sh/pg.sh start)"
	started=1
	trap 'sh etl/sh/pg.sh stop' EXIT
fi

echo "== doisoat run --period 2024 (Càng Long, Trà Vinh)"
set -- run --period 2024 --out "$OUT" --table
[ -n "${DOISOAT_DB:-}" ] && set -- "$@" --db "$DOISOAT_DB"
sh etl/sh/fixture-args.sh "$FIX" > "$OUT.args" 2>/dev/null || {
	mkdir -p out
	sh etl/sh/fixture-args.sh "$FIX" > "$OUT.args"
}
while IFS= read -r a; do set -- "$@" "$a"; done < "$OUT.args"
rm -f "$OUT.args"
"$BUILD/doisoat" "$@"

echo
echo "== the lists in $OUT/"
for f in increase decrease change renew uninsured review rejects; do
	printf '  %-14s %7d rows\n' "$f.csv" $(($(wc -l < "$OUT/$f.csv") - 1))
done
echo
echo "== in PostgreSQL (view doisoat_report.coverage_bhyt, what the reporting tools read)"
q="select commune_code, commune_name, population, insured, coverage_pct,
   target_pct, pct_of_target, remaining from doisoat_report.coverage_bhyt
   where period = 2024 order by is_total, commune_code"
if [ -n "${DOISOAT_DB:-}" ]; then
	psql "$DOISOAT_DB" -X -c "$q"
else
	psql -X -c "$q"
fi
[ -n "$started" ] && echo "(the private cluster under .pg/ is stopped now)"
exit 0
