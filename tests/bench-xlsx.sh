#!/bin/sh
# tests/bench-xlsx.sh BUILD: the workbook-reading benchmark of issue 10
# (never run by make check; for make bench).  gen-xlsx writes a roster of
# ROWS rows (default 1,000,000) as .xlsx the way Excel does (shared
# strings, IDs as numbers, birth dates as serials with a date format) and
# the same rows as CSV; test_xlsxin --bench reads each in one thread and
# normalises the ID, name and birth date of every row.  Reported: rows/s
# on wall-clock time, CPU seconds (user + system, less disturbed by other
# work on the machine) and peak memory (/usr/bin/time -v).
#   ROWS=200000 sh tests/bench-xlsx.sh build     a smaller roster
set -eu
BUILD=${1:-build}
ROWS=${ROWS:-1000000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-xlsx: /usr/bin/time missing (apt-get install time)"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "(writing a $ROWS-row workbook: about 40 s and 1 GB for a million rows)"
"$BUILD/gen-xlsx" --rows "$ROWS" --out "$TMP/roster.xlsx" --csv "$TMP/roster.csv"
for f in roster.xlsx roster.csv; do
	$TIME -v "$BUILD/tests/test_xlsxin" --bench "$TMP/$f" > "$TMP/out" 2> "$TMP/time"
	user=$(sed -n 's/.*User time (seconds): //p' "$TMP/time")
	sys=$(sed -n 's/.*System time (seconds): //p' "$TMP/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
	bytes=$(wc -c < "$TMP/$f")
	echo "read $f ($bytes bytes): $(sed 's/^[^:]*: //' "$TMP/out"), cpu ${user}+${sys} s, peak memory $((rss / 1024)) MiB"
done
