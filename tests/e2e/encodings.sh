#!/bin/sh
# tests/e2e/encodings.sh BUILD: the same roster in UTF-8 (plain, and with
# BOM and CRLF), UTF-16 LE and BE with BOM, Windows-1258 and TCVN3 gives
# byte-identical normalised output (`doisoat ingest | doisoat normalise`)
# and identical lists from `doisoat run`; so does each of them gzipped,
# and a copy thousands of rows long, whose lines and multibyte sequences
# straddle the reader's 64 KiB chunks.  One line per test, then
# "encodings: N passed, N failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
BAD=fixtures/bad
SMALL=fixtures/small
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

# same NAME EXPECTED ACTUAL: byte for byte
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		diff "$2" "$3" > "$TMP/diff" 2>&1
		not_ok "$1" "$TMP/diff"
	fi
}
# normalised FILE OUT [--encoding ENC]: ingest | normalise, both exit 0
normalised() {
	f=$1
	o=$2
	shift 2
	"$BIN" ingest "$@" --roster "$f=X" 2> "$TMP/ingest.err" |
		"$BIN" normalise --today 2024-06-30 > "$o" 2> "$TMP/norm.err"
}
# lists FILE OUT [--encoding ENC]: doisoat run's lists, concatenated
lists() {
	f=$1
	o=$2
	shift 2
	rm -rf "$TMP/run"
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$TMP/run" --prior $SMALL/cards_2023.csv \
		--registry $SMALL/registry.csv "$@" --roster "$f=X" 2> /dev/null
	for l in increase decrease change renew uninsured review rejects coverage; do
		cat "$TMP/run/$l.csv"
	done > "$o"
}

SPECS="utf8: bom_crlf: utf16le: utf16be: cp1258:windows-1258 tcvn3:tcvn3"

normalised $BAD/roster_utf8.csv "$TMP/ref.norm"
if [ "$(wc -l < "$TMP/ref.norm")" -eq 7 ] &&
	grep -q '	NGUYỄN THỊ HÒA	1992-05-05	F	' "$TMP/ref.norm"; then
	ok "UTF-8 reference: 7 normalised rows"
else
	not_ok "UTF-8 reference: 7 normalised rows" "$TMP/ref.norm"
fi
lists $BAD/roster_utf8.csv "$TMP/ref.lists"

for spec in $SPECS; do
	name=${spec%%:*}
	enc=${spec#*:}
	f=$BAD/roster_$name.csv
	normalised "$f" "$TMP/$name.norm" ${enc:+--encoding "$enc"}
	same "$name: normalised output as UTF-8" "$TMP/ref.norm" "$TMP/$name.norm"
	lists "$f" "$TMP/$name.lists" ${enc:+--encoding "$enc"}
	same "$name: run lists as UTF-8" "$TMP/ref.lists" "$TMP/$name.lists"
	gzip -c "$f" > "$TMP/$name.csv.gz"
	normalised "$TMP/$name.csv.gz" "$TMP/$name.gz.norm" ${enc:+--encoding "$enc"}
	same "$name, gzipped: normalised output as UTF-8" "$TMP/ref.norm" "$TMP/$name.gz.norm"
done

# UTF-16 with a BOM reads the same whether --encoding says utf-16 or not.
normalised $BAD/roster_utf16be.csv "$TMP/u16.norm" --encoding utf-16
same "utf16be with --encoding utf-16: normalised output as UTF-8" "$TMP/ref.norm" "$TMP/u16.norm"

# A long copy: 3000 times the seven rows (about 1.3 MB), in every encoding.
tail -n +2 $BAD/roster_utf8.csv > "$TMP/body"
{
	head -n 1 $BAD/roster_utf8.csv
	i=0
	while [ $i -lt 3000 ]; do cat "$TMP/body"; i=$((i + 1)); done
} > "$TMP/long.utf8"
normalised "$TMP/long.utf8" "$TMP/long.ref"
if [ "$(wc -l < "$TMP/long.ref")" -eq 21000 ]; then
	ok "long UTF-8 copy: 21000 normalised rows"
else
	not_ok "long UTF-8 copy: 21000 normalised rows" "$TMP/norm.err"
fi
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$TMP/long.utf8"; } > "$TMP/long.utf16le"
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$TMP/long.utf8"; } > "$TMP/long.utf16be"
iconv -f UTF-8 -t CP1258 "$TMP/long.utf8" > "$TMP/long.cp1258"
iconv -f UTF-8 -t TCVN5712-1 "$TMP/long.utf8" > "$TMP/long.tcvn3"
for spec in utf16le: utf16be: cp1258:windows-1258 tcvn3:tcvn3; do
	name=${spec%%:*}
	enc=${spec#*:}
	normalised "$TMP/long.$name" "$TMP/long.$name.norm" ${enc:+--encoding "$enc"}
	same "long $name copy: normalised output as UTF-8" "$TMP/long.ref" "$TMP/long.$name.norm"
done

summary encodings
