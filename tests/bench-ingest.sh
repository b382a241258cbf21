#!/bin/sh
# tests/bench-ingest.sh BUILD: the reading benchmark of issue 3 (never run
# by make check).  Builds a 1,000,000-row roster of about 150 bytes a row
# from the Càng Long generator's rosters (--scale 8), with an address
# column, and reports rows/s, MB/s and peak memory (/usr/bin/time -v) of
#   (a) doisoat ingest > /dev/null               (the reader alone; streams)
#   (b) doisoat ingest | doisoat normalise        (the two stage commands)
#   (c) (a) and (b) on the same roster gzipped
#   (d) the in-process read of doisoat run --no-db (reader + normalisers:
#       the roster's "seconds" and "rows_read" in summary.json)
# for two copies of the roster: addresses without quotes (every line takes
# the reader's quote-free path) and addresses quoted with commas inside
# (every line goes through libcsv).  Rates are on wall-clock time; "cpu"
# (user + system) is less disturbed by other work on the machine.
#   ROWS=200000 sh tests/bench-ingest.sh build     a smaller roster
set -eu
BUILD=${1:-build}
BIN=$BUILD/doisoat
ROWS=${ROWS:-1000000}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-ingest: /usr/bin/time missing (apt-get install time)"; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$BUILD/gen-fixture" --out "$TMP/gen" --scale 8 > /dev/null 2>&1

# roster QUOTE: ROWS rows; QUOTE=1 quotes the address and puts commas in it
roster() {
	{
		gzip -dc "$TMP/gen/roster_GD.csv.gz" | head -n 1
		for f in "$TMP"/gen/roster_*.csv.gz; do
			gzip -dc "$f" | tail -n +2 | tr '\t' ','
		done
	} | awk -v rows="$ROWS" -v q="$1" '
		NR == 1 { print $0 ",Địa chỉ"; next }
		{ body[++n] = $0 }
		n >= rows { exit }
		END {
			for (i = 1; i <= rows; i++) {
				a = "Ấp " (i % 37 + 1)
				if (q)
					a = "\"" a ", xã Tân An, huyện Càng Long, tỉnh Trà Vinh\""
				else
					a = a " - xã Tân An - huyện Càng Long - tỉnh Trà Vinh"
				print body[(i - 1) % n + 1] "," a
			}
		}'
}

# elapsed and peak memory of one /usr/bin/time -v report
wall() {
	sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
# user + system CPU seconds of one or more /usr/bin/time -v reports
cpu() {
	cat "$@" | awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }'
}

# report NAME ROWS BYTES SECONDS RSS_KB
report() {
	awk -v name="$1" -v rows="$2" -v bytes="$3" -v s="$4" -v kb="$5" 'BEGIN {
		if (s <= 0) s = 0.001
		printf "%-36s %8d rows %7.1f MB %6.2f s %9.0f rows/s %6.1f MB/s  peak %s\n",
			name, rows, bytes / 1e6, s, rows / s, bytes / 1e6 / s, kb
	}'
}

now() { date +%s.%N; }

bench() {
	kind=$1
	f=$2
	rows=$ROWS
	bytes=$(wc -c < "$f")
	case $f in *.gz) bytes=$(gzip -dc "$f" | wc -c) ;; esac

	$TIME -v -o "$TMP/t.a" "$BIN" ingest --roster "$f=X" > /dev/null 2>&1
	report "$kind: ingest" "$rows" "$bytes" "$(wall "$TMP/t.a")" \
		"$(($(rss "$TMP/t.a") / 1024)) MiB, cpu $(cpu "$TMP/t.a") s"

	t0=$(now)
	$TIME -v -o "$TMP/t.b1" "$BIN" ingest --roster "$f=X" 2> /dev/null |
		$TIME -v -o "$TMP/t.b2" "$BIN" normalise --today 2024-06-30 > /dev/null 2>&1
	t1=$(now)
	report "$kind: ingest | normalise" "$rows" "$bytes" \
		"$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" \
		"ingest $(($(rss "$TMP/t.b1") / 1024)) MiB, normalise $(($(rss "$TMP/t.b2") / 1024)) MiB, cpu $(cpu "$TMP/t.b1" "$TMP/t.b2") s"

	rm -rf "$TMP/out"
	$TIME -v -o "$TMP/t.d" "$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$TMP/out" --prior fixtures/small/cards_2023.csv \
		--registry fixtures/small/registry.csv --roster "$f=X" 2> /dev/null || true
	tr -d '\n' < "$TMP/out/summary.json" | sed 's/{"source"/\n&/g' |
		grep '^{"source": "X"' > "$TMP/src"
	r=$(sed -n 's/.*"rows_read": \([0-9]*\).*/\1/p' "$TMP/src")
	s=$(sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' "$TMP/src")
	report "$kind: run --no-db, read of roster" "$r" "$bytes" "$s" \
		"(whole run $(wall "$TMP/t.d") s, $(($(rss "$TMP/t.d") / 1024)) MiB)"
}

echo "bench-ingest: $ROWS rows, $(nproc) CPUs, $(uname -m)"
roster 0 > "$TMP/plain.csv"
roster 1 > "$TMP/quoted.csv"
gzip -1 -c "$TMP/plain.csv" > "$TMP/plain.csv.gz"
echo "roster: $(wc -c < "$TMP/plain.csv") bytes plain ($(($(wc -c < "$TMP/plain.csv") / ROWS)) B/row), $(wc -c < "$TMP/quoted.csv") quoted, $(wc -c < "$TMP/plain.csv.gz") gzipped"
bench "plain" "$TMP/plain.csv"
bench "plain, gzip" "$TMP/plain.csv.gz"
bench "quoted" "$TMP/quoted.csv"
