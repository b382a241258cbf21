#!/bin/sh
# bench.sh BUILD: the benchmarks of `make bench` (never run by make check).
# Speed and memory are measured here, never asserted by a test.
#
#   1. the whole run on Càng Long (148,806 people), and on a province-sized
#      input: the generator at --scale 21 gives 3.1M registry people, 2.8M
#      prior cards and 2.8M roster rows (issue 4's size); `doisoat run
#      --no-db` under /usr/bin/time -v: wall clock, CPU and peak memory;
#   2. reading (issue 3): tests/bench-ingest.sh, a 1,000,000-row roster;
#   3. loading (issue 5): tests/bench-load.sh, `doisoat load` next to
#      psql's \copy of the same rows, on the province's output folder;
#   4. workbooks (issue 10): tests/bench-xlsx.sh, a 1,000,000-row .xlsx
#      roster read and normalised on one core, beside the same rows as CSV;
#   5. a messy district (issue 13): `gen-fixture --messy --people 1000000`
#      (lost zeros, CMND- and BHXH-only rows, NFD names, Excel dates,
#      duplicates, 10 % of cards without an ID, a quarter of the cards
#      ending; fixtures/README.md), the same run, and where the time goes
#      (summary.json's read, identity, classify and write, and within
#      write the workbooks: issue 11 wants them under 15 % of the run);
#      then the same district with --memory-limit (LIMIT, default a
#      quarter of a KiB per person: 4 partitions), and whether its lists
#      are the same bytes.
#
#   SCALE=10 make bench       a smaller "province"
#   PEOPLE=200000 make bench  a smaller messy district
#   ONLY=run make bench       one part: run, ingest, load, xlsx or messy
#                             (messy and spill: the messy district, in
#                             memory and with --memory-limit)
#   PEOPLE=10000000 LIMIT=4G ONLY=spill make bench   the 10M district
set -eu
BUILD=${1:-build}
BIN=$BUILD/doisoat
SCALE=${SCALE:-21}
PEOPLE=${PEOPLE:-1000000}
ONLY=${ONLY:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time missing (apt-get install time)"; exit 1; }

# bench NAME DIR [OPTION...]: doisoat run --no-db on a fixture folder
bench() {
	name=$1
	dir=$2
	shift 2
	set -- run --period 2024 --no-db --quiet --out "$TMP/out-$name" "$@"
	sh etl/sh/fixture-args.sh "$dir" > "$TMP/args"
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	bytes=$(du -cb "$dir"/* | tail -n 1 | cut -f1)
	$TIME -v "$BIN" "$@" 2> "$TMP/time"
	rows=$(grep -o '"rows_read": [0-9]*' "$TMP/out-$name/summary.json" | awk '{s += $2} END {print s + 0}')
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time")
	user=$(sed -n 's/.*User time (seconds): //p' "$TMP/time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$TMP/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
	echo "run $name: $rows input rows, $bytes input bytes: wall $wall, cpu ${user}+${sys} s, peak memory $((rss / 1024)) MiB"
	grep '"timings"' "$TMP/out-$name/summary.json" | sed 's/^ */  stages (s): /'
}

# where OUTDIR: each stage's share of the run (summary.json timings)
where() {
	sed -n 's/.*"timings": {\(.*\)}.*/\1/p' "$1/summary.json" | tr -d '" ' |
		tr ',' '\n' | awk -F: '{ t[NR] = $1; v[NR] = $2; if ($1 == "total") tot = $2 }
		END { printf "  where the time goes:"
		      for (i = 1; i <= NR; i++) if (t[i] != "total")
			printf " %s%s %.2f s (%.0f%%)", t[i],
			       (t[i] == "workbooks" ? " (within write)" : ""),
			       v[i], (tot > 0 ? 100 * v[i] / tot : 0)
		      printf "\n" }'
}

if [ -z "$ONLY" ] || [ "$ONLY" = run ] || [ "$ONLY" = load ]; then
	"$BUILD/gen-fixture" --out "$TMP/canglong" > /dev/null 2>&1
	bench canglong "$TMP/canglong"
	echo "(writing the x$SCALE province fixture: about a second per copy)"
	"$BUILD/gen-fixture" --out "$TMP/province" --scale "$SCALE" > /dev/null 2>&1
	rm -rf "$TMP/canglong"
	bench "province-x$SCALE" "$TMP/province"
	where "$TMP/out-province-x$SCALE"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = messy ] || [ "$ONLY" = spill ]; then
	echo "(writing the messy district of $PEOPLE people)"
	rm -rf "$TMP/canglong" "$TMP/province"
	"$BUILD/gen-fixture" --out "$TMP/messy" --messy --people "$PEOPLE" > /dev/null 2>&1
	bench "messy-$PEOPLE" "$TMP/messy"
	where "$TMP/out-messy-$PEOPLE"
	# the same district under --memory-limit (docs/scale.md): people in
	# partitions, one at a time; the outputs must be the same bytes
	limit=${LIMIT:-$((PEOPLE / 4))K}
	bench "messy-$PEOPLE-limit-$limit" "$TMP/messy" --memory-limit "$limit"
	where "$TMP/out-messy-$PEOPLE-limit-$limit"
	same=yes
	for f in increase decrease change renew uninsured review rejects coverage; do
		cmp -s "$TMP/out-messy-$PEOPLE/$f.csv" "$TMP/out-messy-$PEOPLE-limit-$limit/$f.csv" || same=no
	done
	echo "  the lists of the two runs are the same bytes: $same"
	rm -rf "$TMP/messy" "$TMP/out-messy-$PEOPLE" "$TMP/out-messy-$PEOPLE-limit-$limit"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = ingest ]; then
	sh tests/bench-ingest.sh "$BUILD"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = load ]; then
	sh tests/bench-load.sh "$BUILD" "$TMP/out-province-x$SCALE"
fi
if [ -z "$ONLY" ] || [ "$ONLY" = xlsx ]; then
	sh tests/bench-xlsx.sh "$BUILD"
fi
