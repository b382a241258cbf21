#!/bin/sh
# bench.sh BUILD: benchmarks (never run by make check).  Times
# `doisoat run --no-db` on the Càng Long fixture and on a scaled copy with
# /usr/bin/time -v (wall clock and peak memory).
#   SCALE=20 make bench    sets the size of the scaled run (default 10).
set -eu
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: /usr/bin/time missing (apt-get install time)"; exit 1; }

bench() {
	name=$1
	dir=$2
	set -- run --period 2024 --no-db --quiet --out "$TMP/out-$name"
	sh etl/sh/fixture-args.sh "$dir" > "$TMP/args"
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	bytes=$(du -cb "$dir"/* | tail -n 1 | cut -f1)
	rows=$(cat "$TMP/out-$name/summary.json" 2>/dev/null | grep -o '"rows_read": [0-9]*' | awk '{s += $2} END {print s + 0}')
	$TIME -v "$BIN" "$@" 2> "$TMP/time"
	rows=$(grep -o '"rows_read": [0-9]*' "$TMP/out-$name/summary.json" | awk '{s += $2} END {print s + 0}')
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
	echo "$name: $rows input rows, $bytes input bytes: wall $wall, peak memory $((rss / 1024)) MiB"
}

"$BUILD/gen-fixture" --out "$TMP/canglong" > /dev/null 2>&1
bench canglong "$TMP/canglong"
SCALE=${SCALE:-10}
"$BUILD/gen-fixture" --out "$TMP/scaled" --scale "$SCALE" > /dev/null 2>&1
bench "canglong-x$SCALE" "$TMP/scaled"
