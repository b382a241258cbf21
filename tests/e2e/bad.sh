#!/bin/sh
# tests/e2e/bad.sh BUILD: every hostile input of fixtures/bad/ (one story a
# file, see fixtures/bad/README.md) run end to end through `doisoat run
# --no-db`, with the exact outcome asserted: exit code, the messages on
# stderr (file, line, byte offset; never an ID number or a birth date), the
# rows of rejects.csv, and the file's accounting in summary.json.  One line
# per test, "ok N - name" or "not ok N - name", then "bad: N passed, N
# failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
BAD=fixtures/bad
SMALL=fixtures/small
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

# same NAME EXPECTED_FILE ACTUAL_FILE: the two files must be equal
same() {
	if diff -u "$2" "$3" > "$TMP/diff" 2>&1; then ok "$1"; else not_ok "$1" "$TMP/diff"; fi
}
# expect NAME TEXT ACTUAL_FILE: ACTUAL_FILE must hold exactly TEXT (and a newline)
expect() {
	printf '%s\n' "$2" | sed '/^$/d' > "$TMP/expected"
	sed '/^$/d' "$3" > "$TMP/actual"
	same "$1" "$TMP/expected" "$TMP/actual"
}

# bad FILE [options before --roster]: doisoat run on the small fixture's
# cards and registry plus fixtures/bad/FILE as roster B.  Leaves the exit
# code in $rc, the output folder in $out, the stderr lines about the bad
# file in $TMP/err.
bad() {
	file=$1
	shift
	out=$TMP/out-$file
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$out" \
		--prior $SMALL/cards_2023.csv --registry $SMALL/registry.csv \
		"$@" --roster "$BAD/$file=B" 2> "$TMP/stderr"
	rc=$?
	grep -v "'$SMALL/" "$TMP/stderr" > "$TMP/err"
	# Messages never carry an ID number or a birth date.
	if grep -Eq '[0-9]{9,12}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}' "$TMP/stderr"; then
		not_ok "$file: no ID number or date on stderr" "$TMP/stderr"
	else
		ok "$file: no ID number or date on stderr"
	fi
}

# exit_is NAME CODE
exit_is() {
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $2"; else
		echo "exit code $rc" > "$TMP/rc"
		not_ok "$1: exit $2" "$TMP/rc"
	fi
}

# rejects_are NAME "line,REASON ..." : roster B's rows of rejects.csv
rejects_are() {
	awk -F, '$1 == "B" { print $2 "," $3 }' "$out/rejects.csv" > "$TMP/rej" 2> /dev/null
	expect "$1: rejects.csv" "$(printf '%s\n' $2)" "$TMP/rej"
}

# source_is NAME 'lines N, blank N, read N, accepted N, rejected N' BY REPAIRED:
# roster B's accounting in summary.json, and rows read = accepted +
# rejected for every input of the run
source_is() {
	tr -d '\n' < "$out/summary.json" | sed 's/},  *{"source"/}\n{"source"/g' |
		grep '{"source": "B"' > "$TMP/src"
	num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$TMP/src"; }
	obj() { sed -n "s/.*\"$1\": \({[^}]*}\).*/\1/p" "$TMP/src"; }
	printf 'lines %s, blank %s, read %s, accepted %s, rejected %s\n' \
		"$(num lines)" "$(num blank_lines)" "$(num rows_read)" \
		"$(num accepted)" "$(num rejected)" > "$TMP/acct"
	printf 'rejected_by_reason %s\nrepaired %s\n' "$(obj rejected_by_reason)" \
		"$(obj repaired)" >> "$TMP/acct"
	expect "$1: summary.json accounting" "$2
rejected_by_reason $3
repaired $4" "$TMP/acct"
	tr -d '\n' < "$out/summary.json" | sed 's/{"source"/\n&/g' |
		grep '"rows_read"' | sed -E \
		's/.*"rows_read": ([0-9]+), "accepted": ([0-9]+), "rejected": ([0-9]+).*/\1 \2 \3/' |
		awk '$1 != $2 + $3 { bad++ } END { exit bad > 0 }' > /dev/null &&
		ok "$1: rows read = accepted + rejected, every input" ||
		not_ok "$1: rows read = accepted + rejected, every input" "$out/summary.json"
}

# The same seven people in every encoding: clean runs, same accounting.
for spec in roster_utf8.csv:UTF-8: roster_bom_crlf.csv:UTF-8: \
    roster_utf16le.csv:UTF-16LE: roster_utf16be.csv:UTF-16BE: \
    roster_cp1258.csv:CP1258:windows-1258 roster_tcvn3.csv:TCVN5712-1:tcvn3; do
	f=${spec%%:*}
	rest=${spec#*:}
	enc=${rest%%:*}
	opt=${rest#*:}
	bad "$f" ${opt:+--encoding "$opt"}
	exit_is "$f" 0
	expect "$f: nothing on stderr" "" "$TMP/err"
	rejects_are "$f" ""
	source_is "$f" "lines 8, blank 0, read 7, accepted 7, rejected 0" "{}" "{}"
	if grep -q "{\"source\": \"B\".*\"encoding\": \"$enc\"" "$out/summary.json"; then
		ok "$f: read as $enc"
	else
		not_ok "$f: read as $enc" "$out/summary.json"
	fi
	# The lists name the same rows, whatever the encoding.
	for l in increase decrease change renew uninsured review rejects coverage; do
		cat "$out/$l.csv"
	done > "$TMP/lists-$f"
	[ "$f" = roster_utf8.csv ] ||
		same "$f: lists as for UTF-8" "$TMP/lists-roster_utf8.csv" "$TMP/lists-$f"
done

# A Windows-1258 file read without --encoding: the header is not UTF-8.
bad roster_cp1258.csv
exit_is "roster_cp1258.csv undeclared" 1
expect "roster_cp1258.csv undeclared: message" \
	"doisoat run: '$BAD/roster_cp1258.csv':1: the header is not valid UTF-8 (byte offset 6); give --encoding" \
	"$TMP/err"

# A byte Windows-1258 has no character for (0xEC) on line 4.
bad roster_bad_cp1258.csv --encoding windows-1258
exit_is roster_bad_cp1258.csv 1
expect "roster_bad_cp1258.csv: message" \
	"doisoat run: '$BAD/roster_bad_cp1258.csv':4: invalid CP1258 byte sequence at byte offset 217" \
	"$TMP/err"
[ ! -e "$out/rejects.csv" ] && ok "roster_bad_cp1258.csv: no lists written" ||
	not_ok "roster_bad_cp1258.csv: no lists written"

# Broken quotes, wrong column counts, blank lines, a NUL, invalid UTF-8, a
# quoted newline, a quote never closed.
# more than half its rows rejected: the run stops (rules.md R2.9), unless
# --max-file-rejects allows it (the tests below look at the rejects)
bad roster_broken.csv
grep -e '--max-file-rejects' "$TMP/err" > "$TMP/err.stop"
exit_is "roster_broken.csv, 6 of 9 rows rejected: the run stops" 1
expect "roster_broken.csv, 6 of 9 rows rejected: the message names the file, counts and top reasons" \
	"doisoat run: '$BAD/roster_broken.csv': 6 of 9 rows rejected, more than --max-file-rejects 50% (BAD_QUOTING 2, BAD_COLUMN_COUNT 2, BAD_ENCODING 2): the wrong file, or read the wrong way (encoding, sheet, header row)? No list written; see \`doisoat inspect $BAD/roster_broken.csv\`" \
	"$TMP/err.stop"
[ -z "$(ls -A "$out" 2> /dev/null)" ] && ok "roster_broken.csv, 6 of 9 rows rejected: no list written" ||
	not_ok "roster_broken.csv, 6 of 9 rows rejected: no list written"
bad roster_broken.csv --max-file-rejects 67%
exit_is "roster_broken.csv: --max-file-rejects 67% lets 6 of 9 through" 0
bad roster_broken.csv --max-file-rejects 66
exit_is "roster_broken.csv: --max-file-rejects 66 stops 6 of 9" 1
bad roster_broken.csv --max-file-rejects 100
exit_is roster_broken.csv 0
P="doisoat run: warning: '$BAD/roster_broken.csv'"
expect "roster_broken.csv: messages" "\
$P:4: row rejected (BAD_QUOTING): a quote inside an unquoted field or after a closing quote
$P:5: row rejected (BAD_COLUMN_COUNT): expected 7 fields, found 5
$P:6: row rejected (BAD_COLUMN_COUNT): expected 7 fields, found 9
$P:7: row rejected (BAD_ENCODING): NUL byte in a field
$P:8: row rejected (BAD_ENCODING): invalid UTF-8 at byte offset 381; give --encoding
$P:13: row rejected (BAD_QUOTING): quoted field not closed before the end of the file" "$TMP/err"
rejects_are roster_broken.csv "4,BAD_QUOTING 5,BAD_COLUMN_COUNT 6,BAD_COLUMN_COUNT 7,BAD_ENCODING 8,BAD_ENCODING 13,BAD_QUOTING"
source_is roster_broken.csv "lines 13, blank 2, read 9, accepted 3, rejected 6" \
	'{"BAD_QUOTING": 2, "BAD_COLUMN_COUNT": 2, "BAD_ENCODING": 2}' "{}"
if iconv -f UTF-8 -t UTF-8 "$out/rejects.csv" > /dev/null 2>&1 &&
	grep -q '^B,7,BAD_ENCODING,"5,Nguyễn Thị H�òa,084192000005,05/05/1992,Nữ,29266,HN"$' "$out/rejects.csv" &&
	grep -q '^B,8,BAD_ENCODING,"6,Hu�nh Th� H�nh,' "$out/rejects.csv"; then
	ok "roster_broken.csv: rejects.csv is UTF-8, NUL and bad bytes shown as U+FFFD, whole raw line kept"
else
	not_ok "roster_broken.csv: rejects.csv is UTF-8, NUL and bad bytes shown as U+FFFD, whole raw line kept" "$out/rejects.csv"
fi
# The quoted field with a newline inside is one row, from line 11.  The
# lines the reader rejects go on as leads (state "lead": no row) with the
# valid personal IDs they carry (rules.md R2.5).
"$BIN" ingest --roster "$BAD/roster_broken.csv=B" 2> /dev/null > "$TMP/stream"
awk -F'\t' '$29 != "lead"' "$TMP/stream" | cut -f3,8 > "$TMP/ingest"
expect "roster_broken.csv: rows read (line, name)" "2	Nguyễn Văn An
10	Trương Văn Hải
11	Lê Văn\\nXuống Dòng" "$TMP/ingest"
awk -F'\t' '$29 == "lead"' "$TMP/stream" | cut -f3,4,30 > "$TMP/leads"
expect "roster_broken.csv: the IDs of the lines rejected, as leads" "\
4	084175000002	BAD_QUOTING
5	084217000006	BAD_COLUMN_COUNT
6	084182000018	BAD_COLUMN_COUNT
7	084192000005	BAD_ENCODING
8	084188000008	BAD_ENCODING
13	084185000004	BAD_QUOTING" "$TMP/leads"

# A stray opening quote (Excel writes one when a cell starts with a quote)
# is a reject of its own line only: the rows it would glue on are read
# (line 6's quote and line 10's closing quote end the glued records), so
# their holders' cards are not decreased NOT_ON_ROSTER; the quoted newline
# of lines 11-12 is still one row.
bad roster_stray_quote.csv
exit_is roster_stray_quote.csv 0
P="doisoat run: warning: '$BAD/roster_stray_quote.csv'"
expect "roster_stray_quote.csv: messages" "\
$P:3: row rejected (BAD_QUOTING): quoted field not closed on its line
$P:8: row rejected (BAD_QUOTING): quoted field not closed on its line
$P:10: row rejected (BAD_QUOTING): a quote inside an unquoted field or after a closing quote" "$TMP/err"
rejects_are roster_stray_quote.csv "3,BAD_QUOTING 8,BAD_QUOTING 10,BAD_QUOTING"
source_is roster_stray_quote.csv "lines 12, blank 0, read 10, accepted 7, rejected 3" \
	'{"BAD_QUOTING": 3}' "{}"
grep '^B,3,' "$out/rejects.csv" > "$TMP/rej3"
expect "roster_stray_quote.csv: the reject holds line 3 alone" \
	'B,3,BAD_QUOTING,"""An,084080090001,01/01/1990,Nam,29266,HN"' "$TMP/rej3"
grep -E '^(084175000002|084188000008),' "$out/decrease.csv" > "$TMP/dec"
expect "roster_stray_quote.csv: rows after the stray quotes keep their cards" "" "$TMP/dec"
"$BIN" ingest --roster "$BAD/roster_stray_quote.csv=B" 2> /dev/null |
	awk -F'\t' '$29 != "lead"' | cut -f3 | paste -sd ' ' - > "$TMP/ingest"
expect "roster_stray_quote.csv: lines of the rows read" "2 4 5 6 7 9 11" "$TMP/ingest"

# A 1 MiB field: that row is rejected, the rows after it are read.
bad roster_huge_field.csv.gz
exit_is roster_huge_field.csv.gz 0
expect "roster_huge_field.csv.gz: message" \
	"doisoat run: warning: '$BAD/roster_huge_field.csv.gz':3: row rejected (RECORD_TOO_LONG): line longer than 1048576 bytes" \
	"$TMP/err"
rejects_are roster_huge_field.csv.gz "3,RECORD_TOO_LONG"
source_is roster_huge_field.csv.gz "lines 4, blank 0, read 3, accepted 2, rejected 1" \
	'{"RECORD_TOO_LONG": 1}' "{}"

# A header line over the record limit (1 MiB) stops the run at once: 3 MB
# of NUL bytes, and /dev/zero itself, which never ends.
zero_run() {
	timeout 20 "$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$TMP/out-zero" --prior $SMALL/cards_2023.csv \
		--registry $SMALL/registry.csv --roster "$1=B" 2> "$TMP/stderr"
	rc=$?
	grep -v "'$SMALL/" "$TMP/stderr" > "$TMP/err"
}
head -c 3000000 /dev/zero > "$TMP/zeros.csv"
zero_run "$TMP/zeros.csv"
exit_is "3 MB of NUL bytes" 1
expect "3 MB of NUL bytes: message" \
	"doisoat run: '$TMP/zeros.csv':1: header line longer than 1048576 bytes" "$TMP/err"
zero_run /dev/zero
exit_is "/dev/zero (timeout 20 s gives 124)" 1
expect "/dev/zero: message" \
	"doisoat run: '/dev/zero':1: header line longer than 1048576 bytes" "$TMP/err"

# A registry commune code longer than 7 bytes is never cut (it made a
# bogus commune "2926612" in coverage, a half letter with a 2-byte one, and
# sent its residents' cards to MOVED_OUT): the row is rejected
# CODE_TOO_LONG, naming file and line.
sed '3s/,29266,/,292661234,/; 4s/,29266,/,292661Ư,/' $SMALL/registry.csv > "$TMP/registry_long.csv"
"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$TMP/out-long" \
	--prior $SMALL/cards_2023.csv --registry "$TMP/registry_long.csv" \
	--roster "$BAD/roster_utf8.csv=B" 2> "$TMP/stderr"
rc=$?
exit_is "long commune code" 0
grep "registry_long.csv':[34]:" "$TMP/stderr" | sed "s|$TMP/||" > "$TMP/err"
expect "long commune code: messages" "\
doisoat run: warning: 'registry_long.csv':3: row rejected (CODE_TOO_LONG): the commune code is longer than 7 bytes
doisoat run: warning: 'registry_long.csv':4: row rejected (CODE_TOO_LONG): the commune code is longer than 7 bytes" "$TMP/err"
awk -F, '$1 == "registry_long.csv" { print $2 "," $3 }' "$TMP/out-long/rejects.csv" > "$TMP/rej"
expect "long commune code: rejects.csv" "3,CODE_TOO_LONG
4,CODE_TOO_LONG
38,BAD_STATUS" "$TMP/rej"
cut -d, -f1 "$TMP/out-long/coverage.csv" | paste -sd ' ' - > "$TMP/cov"
expect "long commune code: no cut code in coverage.csv" \
	"commune_code 29266 29269 29272 TOTAL" "$TMP/cov"
iconv -f UTF-8 -t UTF-8 "$TMP/out-long/coverage.csv" > /dev/null 2>&1 &&
	ok "long commune code: coverage.csv is UTF-8" ||
	not_ok "long commune code: coverage.csv is UTF-8" "$TMP/out-long/coverage.csv"
grep MOVED_OUT "$TMP/out-long/decrease.csv" | cut -d, -f1 > "$TMP/moved"
expect "long commune code: only persons 18 and 39 moved out (not 2)" "084084000039
084182000018" "$TMP/moved"

# Group names (rules.md R3.14): the HN roster with its group written as
# the name offices use, under the header "Đối tượng", gives the same lists
# as with the code; its rows count as GROUP_NAMED repairs.
# small_run OUT ROSTER_HN: the small fixture with another HN roster
small_run() {
	small_out=$1
	sh etl/sh/fixture-args.sh $SMALL | sed "s#^$SMALL/roster_HN.csv=#$2=#" > "$TMP/args"
	set --
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/args"
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
		--out "$small_out" "$@" 2> /dev/null
}
named_lists() {
	for l in increase decrease change renew uninsured review coverage; do
		cat "$1/$l.csv"
	done
	cut -d, -f1-3 "$1/rejects.csv"
}
sed '1s/Mã đối tượng/Đối tượng/; 2,$s/,HN,,/,Hộ nghèo,,/' $SMALL/roster_HN.csv > "$TMP/roster_named.csv"
grep -c ',Hộ nghèo,' "$TMP/roster_named.csv" > "$TMP/n"
expect "group names: the roster writes 'Hộ nghèo' on every HN row" "24" "$TMP/n"
small_run "$TMP/out-code" $SMALL/roster_HN.csv
small_run "$TMP/out-named" "$TMP/roster_named.csv"
named_lists "$TMP/out-code" > "$TMP/lists-code"
named_lists "$TMP/out-named" > "$TMP/lists-named"
cut -d, -f1 "$TMP/out-named/renew.csv" | grep -Ec '^(084178000070|084058000072)$' > "$TMP/n"
expect "group names: stories 70 and 72 renewed" "2" "$TMP/n"
same "group names: 'Hộ nghèo' gives the lists of 'HN'" "$TMP/lists-code" "$TMP/lists-named"
for o in code named; do
	tr -d '\n' < "$TMP/out-$o/summary.json" | sed 's/{"source"/\n&/g' |
		grep '^{"source": "HN"' | grep -o '"GROUP_NAMED": [0-9]*'
done > "$TMP/named"
expect "group names: GROUP_NAMED repairs in summary.json" '"GROUP_NAMED": 2
"GROUP_NAMED": 21' "$TMP/named"

# What identity notes without acting on it (rules.md R4.3, R4.4): two
# rows of one person merged though they differ in sex and hospital (the
# first stands), a believable row whose birth date and sex differ from the
# registry's (the registry's stand).  Counted in summary.json, never acted
# on.  Rows 2 and 3 both give a sex the registry does not: two.
cat > "$TMP/roster_noted.csv" <<'EOF2'
STT,Họ và tên,Số CCCD,Ngày sinh,Giới tính,Mã xã,Mã đối tượng,Mã KCB
1,Nguyễn Văn An,084080000001,15/03/1980,Nam,29266,HN,84101
2,Nguyễn Văn An,084080000001,15/03/1980,Nữ,29266,HN,84102
3,Trần Thị Bình,084175000002,03/07/1975,Nam,29266,HN,84101
EOF2
keep_bad=$BAD
BAD=$TMP
bad roster_noted.csv
BAD=$keep_bad
exit_is "noted differences" 0
tr -d '\n' < "$out/summary.json" | sed 's/},  *{"source"/}\n{"source"/g' |
	grep '{"source": "B"' | grep -o '"noted": {[^}]*}' > "$TMP/noted"
expect "noted differences: summary.json counts them per file" \
	'"noted": {"duplicate_rows_differ_in_sex": 1, "duplicate_rows_differ_in_hospital": 1, "birth_date_differs_from_registry": 1, "sex_differs_from_registry": 2}' \
	"$TMP/noted"

# A schemes cell with an unknown token means BHYT only (rules.md R3.11):
# the same DN row counts for compulsory BHXH with "BHYT + BHXH bắt buộc"
# and not with "BHYT + BHXH vũ trụ"; neither row is rejected.
printf 'commune_code,bhyt_target_pct,labour_force\n29266,95,20\n' > "$TMP/targets_lf.csv"
: > "$TMP/schemes"
for s in "BHYT + BHXH bắt buộc" "BHYT + BHXH vũ trụ"; do
	printf 'STT,Họ và tên,Số CCCD,Ngày sinh,Giới tính,Mã xã,Mã đối tượng,Loại hình\n1,Nguyễn Văn An,084080000001,15/03/1980,Nam,29266,DN,%s\n' "$s" \
		> "$TMP/roster_schemes.csv"
	keep_bad=$BAD
	BAD=$TMP
	bad roster_schemes.csv --targets "$TMP/targets_lf.csv"
	BAD=$keep_bad
	grep '^29266,' "$out/coverage.csv" | cut -d, -f9-10 >> "$TMP/schemes"
	grep -c '^B,' "$out/rejects.csv" >> "$TMP/schemes"
done
expect "schemes: an unknown token counts as BHYT only (labour force, compulsory BHXH; rejects)" \
	"20,1
0
20,0
0" "$TMP/schemes"

# A card known only by its BHXH code (story 33's) and a roster row with
# only that code join (rules.md R4.6, R6.8): an eligible DN row changes
# the GD card's group; the card is no longer UNKEYED_CARD.
printf 'STT,Họ và tên,Mã số BHXH,Ngày sinh,Giới tính,Mã xã,Mã đối tượng\n1,Quách Văn Bửu,8400000033,03/03/1977,Nam,29266,DN\n' \
	> "$TMP/roster_bhxh_only.csv"
keep_bad=$BAD
BAD=$TMP
bad roster_bhxh_only.csv
BAD=$keep_bad
if grep -q '^,8400000033,8400000033,QUÁCH VĂN BỬU,1977-03-03,M,29266,GD,DN,.*GROUP_CHANGED' "$out/change.csv" &&
	! grep -q '8400000033,UNKEYED_CARD' "$out/review.csv"; then
	ok "a card known only by its BHXH code: a roster row with that code changes it (GD to DN)"
else
	not_ok "a card known only by its BHXH code: a roster row with that code changes it (GD to DN)" "$out/change.csv"
fi

# The card's benefit level is the best of the person's eligible groups,
# not the winning group's (rules.md R6.2): on the DN roster (rank 1, level
# 4) and the CC roster (rank 20, level 1), the card is DN at level 1.
printf 'STT,Họ và tên,Số CCCD,Ngày sinh,Giới tính,Mã xã,Mã đối tượng\n1,Trần Văn Hai,084090000002,02/02/1990,Nam,29266,CC\n' \
	> "$TMP/roster_cc.csv"
printf 'STT,Họ và tên,Số CCCD,Ngày sinh,Giới tính,Mã xã,Mã đối tượng\n1,Trần Văn Hai,084090000002,02/02/1990,Nam,29266,DN\n' \
	> "$TMP/roster_dn.csv"
keep_bad=$BAD
BAD=$TMP
bad roster_dn.csv --roster "$TMP/roster_cc.csv=CC"
BAD=$keep_bad
if grep -q '^084090000002,,TRẦN VĂN HAI,1990-02-02,M,29266,DN,1,,2024-01-01,NEW,B,' "$out/increase.csv" &&
	grep -q '^CC,2,084090000002,,MULTIPLE_ENROLMENT,' "$out/review.csv"; then
	ok "benefit level: the best of the eligible groups (DN wins, CC's level 1)"
else
	not_ok "benefit level: the best of the eligible groups (DN wins, CC's level 1)" "$out/increase.csv"
fi

# An unknown group's reject names the value as written (an ID typed into
# the column masked) and the nearest codes.
cat > "$TMP/roster_groups.csv" <<'EOF'
STT,Họ và tên,Số CCCD,Ngày sinh,Giới tính,Mã xã,Đối tượng
1,Nguyễn Văn An,084080000001,15/03/1980,Nam,29266,Hộ nghoè
2,Trần Thị Bình,084175000002,02/07/1975,Nữ,29266,Cận nghèo
3,Thạch Văn Tý,084217000006,15/08/2017,Nam,29266,084217000006
4,Đỗ Thị Chín,084182000018,12/12/1982,Nữ,29269,XY
5,Nguyễn Thị Hòa,084192000005,05/05/1992,Nữ,29266,
EOF
keep_bad=$BAD
BAD=$TMP
bad roster_groups.csv --max-file-rejects 100
BAD=$keep_bad
exit_is "unknown groups" 0
P="doisoat run: warning: '$TMP/roster_groups.csv'"
expect "unknown groups: messages name the value and the nearest codes" "\
$P:2: row rejected (UNKNOWN_GROUP): the group 'Hộ nghoè' is not in the groups table (nearest: HN, CN, CC)
$P:4: row rejected (UNKNOWN_GROUP): the group '############' is not in the groups table (nearest: DN, HT, TN)
$P:5: row rejected (UNKNOWN_GROUP): the group 'XY' is not in the groups table (nearest: XK, XB, CY)
$P:6: row rejected (UNKNOWN_GROUP): the group code is missing" "$TMP/err"
rejects_are "unknown groups" "2,UNKNOWN_GROUP 4,UNKNOWN_GROUP 5,UNKNOWN_GROUP 6,UNKNOWN_GROUP"
source_is "unknown groups" "lines 6, blank 0, read 5, accepted 1, rejected 4" \
	'{"UNKNOWN_GROUP": 4}' '{"GROUP_NAMED": 1}'

# A gzip cut short: the run stops, naming the file and how far it got.
bad roster_truncated.csv.gz
exit_is roster_truncated.csv.gz 1
expect "roster_truncated.csv.gz: message" \
	"doisoat run: '$BAD/roster_truncated.csv.gz': truncated gzip: the stream ends after 1968 bytes (6313 lines read)" \
	"$TMP/err"
[ ! -e "$out/summary.json" ] && ok "roster_truncated.csv.gz: no lists written" ||
	not_ok "roster_truncated.csv.gz: no lists written"

# An empty file is an error; a header with no rows is a source of 0 rows.
bad empty.csv
exit_is empty.csv 1
expect "empty.csv: message" "doisoat run: '$BAD/empty.csv': empty file: no header line" "$TMP/err"
bad header_only.csv
exit_is header_only.csv 0
expect "header_only.csv: nothing on stderr" "" "$TMP/err"
rejects_are header_only.csv ""
source_is header_only.csv "lines 1, blank 0, read 0, accepted 0, rejected 0" "{}" "{}"

# Excel's damage: lost zeros, apostrophes, scientific notation, serial
# dates, separators, full-width digits; mm/dd and 30 February rejected.
bad roster_excel.csv
exit_is roster_excel.csv 0
P="doisoat run: warning: '$BAD/roster_excel.csv'"
expect "roster_excel.csv: messages" "\
$P:9: row rejected (BAD_DATE): the date of birth is missing or unreadable
$P:10: row rejected (BAD_DATE): the date of birth is missing or unreadable" "$TMP/err"
rejects_are roster_excel.csv "9,BAD_DATE 10,BAD_DATE"
source_is roster_excel.csv "lines 11, blank 0, read 10, accepted 8, rejected 2" \
	'{"BAD_DATE": 2}' '{"ID_ZERO_RESTORED": 1, "ID_SCIENTIFIC": 1, "DATE_SERIAL": 1}'
# line, personal ID and date of birth as normalised
"$BIN" ingest --roster "$BAD/roster_excel.csv=B" 2> /dev/null |
	"$BIN" normalise --today 2024-06-30 2> /dev/null > "$TMP/stream"
awk -F'\t' '$29 != "lead"' "$TMP/stream" | cut -f3,4,9 > "$TMP/norm"
awk -F'\t' '$29 == "lead"' "$TMP/stream" | cut -f3,4,9,30 > "$TMP/leads"
expect "roster_excel.csv: the rows rejected go on as leads (ID, no date)" "\
9	084070000007		BAD_DATE
10	084090000003		BAD_DATE" "$TMP/leads"
expect "roster_excel.csv: IDs and dates as normalised" "2	084080000001	1980-03-15
3	084175000002	1974-07-12
4		2017-08-15
5	084182000018	1982
6	084192000005	1992-05
7	084188000008	1988
8	084072000024	1972-02-20
11	084185000004	1985" "$TMP/norm"

# At most 65,535 input files (a row's source index is 16 bits): one more
# is a usage error naming the limit, before anything is read; at the limit
# the last file's rejects are still its own.  The argv (--roster=h, a
# relative path, to stay under ARG_MAX) goes through xargs -x: one
# command or none.
mkdir "$TMP/many-inputs"
cp "$BAD/header_only.csv" "$TMP/many-inputs/h"
cp "$BAD/roster_broken.csv" "$TMP/many-inputs/b"
ROOT=$(pwd)
many_inputs() {
	(cd "$TMP/many-inputs" &&
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "--roster=h"
			print "--roster=b=LAST" }' |
		xargs -x -n 70000 -s 2000000 sh -c '"$@" 2> err; echo "$?" > rc' sh \
			"$ROOT/$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet \
			--out out --prior "$ROOT/$SMALL/cards_2023.csv" \
			--registry "$ROOT/$SMALL/registry.csv" --max-file-rejects 100)
	rc=$(cat "$TMP/many-inputs/rc")
}
many_inputs 65533 # + prior, registry and LAST: 65,536 inputs
exit_is "65,536 input files" 2
expect "65,536 input files: message" \
	"doisoat run: too many input files: at most 65535 (--prior, --registry and --roster together)
Try 'doisoat run --help'." \
	"$TMP/many-inputs/err"
[ ! -e "$TMP/many-inputs/out" ] && ok "65,536 input files: nothing written" ||
	not_ok "65,536 input files: nothing written"
many_inputs 65532 # 65,535 inputs
exit_is "65,535 input files" 0
awk -F, 'NR > 1 && $1 != "registry.csv" { print $1 "," $2 }' \
	"$TMP/many-inputs/out/rejects.csv" | sort -u | paste -sd ' ' - > "$TMP/rej"
expect "65,535 input files: the last file's rejects are its own" \
	"LAST,13 LAST,4 LAST,5 LAST,6 LAST,7 LAST,8" "$TMP/rej"

# Several inputs with rejected rows, read in parallel: the warnings come
# out in input order (file, then line), never mixed, the same bytes with
# one thread or four.  Roster G is the largest, so it is read first.
BADROW='0,Lê Văn Cường,,1990-02-30,Nam,29266,HN'
awk -v bad="$BADROW" 'NR == 1 { print; for (i = 0; i < 12; i++) print bad }' \
	"$BAD/roster_utf8.csv" > "$TMP/many.csv"
awk -v bad="$BADROW" 'NR == 1 { print; print bad; next } { row[NR] = $0 }
	END { for (i = 0; i < 3000; i++) for (j = 2; j <= NR; j++) print row[j]
	      print bad }' "$BAD/roster_utf8.csv" > "$TMP/big.csv"
multi() {
	"$BIN" run --period 2024 --today 2024-06-30 --no-db --quiet --out "$TMP/out-multi" \
		--prior $SMALL/cards_2023.csv --registry $SMALL/registry.csv \
		--roster "$TMP/many.csv=M" --roster "$TMP/big.csv=G" \
		--roster "$BAD/roster_broken.csv=B" --roster "$BAD/roster_excel.csv=E" \
		--max-file-rejects 100 2> "$1"
}
DOISOAT_THREADS=1 multi "$TMP/multi1"
sed -n "s/^doisoat run: warning: '\([^']*\)'.*/\1/p" "$TMP/multi1" | uniq > "$TMP/files"
expect "several inputs: warnings in input order" "\
$SMALL/registry.csv
$TMP/many.csv
$TMP/big.csv
$BAD/roster_broken.csv
$BAD/roster_excel.csv" "$TMP/files"
# within a file, in line order, the count of all after the first ten
grep "'$TMP/many.csv'" "$TMP/multi1" | sed "s|^doisoat run: warning: '$TMP/||" > "$TMP/many"
expect "several inputs: a file's warnings in line order" "\
$(for l in 2 3 4 5 6 7 8 9 10 11; do
	echo "many.csv':$l: row rejected (BAD_DATE): the date of birth is missing or unreadable"
done)
many.csv': 12 rows rejected in all (see rejects.csv)" "$TMP/many"
sed -n "s|^doisoat run: warning: '$TMP/big.csv':\([0-9]*\):.*|\1|p" "$TMP/multi1" |
	paste -sd ' ' - > "$TMP/big"
expect "several inputs: the largest file's warnings in line order" "2 21003" "$TMP/big"
for k in 1 2 3 4 5; do
	DOISOAT_THREADS=4 multi "$TMP/multi4"
	same "several inputs, 4 threads, run $k: the same stderr as 1 thread" \
		"$TMP/multi1" "$TMP/multi4"
done

summary bad
