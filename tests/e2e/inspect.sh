#!/bin/sh
# tests/e2e/inspect.sh BUILD: `doisoat inspect FILE...` shows what a run
# would read from each file (spec §2.1): format, encoding, delimiter, each
# sheet with its header row, the mapping, normalised sample rows and the
# rows that would be rejected; exit 1 when a file cannot be read, 2 for
# usage; and it writes nothing.  One line per test, then "N passed, N
# failed".
BUILD=${1:-build}
ROOT=$(pwd)
case $BUILD in /*) BIN=$BUILD/doisoat ;; *) BIN=$ROOT/$BUILD/doisoat ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/lib.sh

# Every run of inspect is in an empty folder, with HOME and TMPDIR there
# too: nothing may appear in it.
mkdir "$TMP/cwd" "$TMP/home"
inspect() {
	(cd "$TMP/cwd" && HOME=$TMP/home TMPDIR=$TMP/home \
		"$BIN" inspect "$@") > "$TMP/out" 2> "$TMP/err"
	rc=$?
}

# has TEXT: the last output holds the line TEXT (fixed string)
has() {
	grep -qxF -- "$1" "$TMP/out"
}

# check NAME WANT_RC CONDITION...: the last inspect exited WANT_RC and
# every CONDITION (a shell expression) holds
check() {
	name=$1
	want=$2
	shift 2
	if [ "$rc" -ne "$want" ]; then
		cat "$TMP/err" >> "$TMP/out"
		not_ok "$name (exit $rc, want $want)" "$TMP/out"
		return
	fi
	for c in "$@"; do
		if ! eval "$c"; then
			cat "$TMP/err" >> "$TMP/out"
			not_ok "$name: $c" "$TMP/out"
			return
		fi
	done
	ok "$name"
}

F=$ROOT/fixtures

# --- a CSV roster -----------------------------------------------------------
inspect "$F/small/roster_HN.csv"
check "a CSV roster: format, encoding, delimiter, header row, mapping" 0 \
	'has "format: csv"' 'has "encoding: UTF-8"' "has \"delimiter: ','\"" \
	'has "  header row: 1; title rows skipped: 0; numbering rows skipped: 0; totals and signature rows skipped: 0"' \
	"has \"    2 'Họ và tên' -> full_name\"" \
	"has \"    3 'Số CCCD' -> person_id\"" \
	"has \"    1 'STT' -> ignored\""
check "a CSV roster: 5 normalised rows by default, the rejected ones" 0 \
	'has "rows read: 27, accepted: 21, rejected: 6"' \
	'has "first 5 rows, normalised:"' \
	"has \"  line 2: person_id=084080000001 cmnd= bhxh_code= full_name='NGUYỄN VĂN AN' dob=1980-03-15 sex=M commune=29266 group=HN\"" \
	'[ $(grep -c "^  line [0-9]*: person_id=" "$TMP/out") -eq 5 ]' \
	'has "first 5 rows rejected:"' \
	'grep -q "^  line 14: EMPTY_NAME: " "$TMP/out"' \
	'grep -q "^  line 15: BAD_DATE: " "$TMP/out"'
inspect --rows 2 "$F/small/roster_HN.csv"
check "--rows 2 shows two rows" 0 'has "first 2 rows, normalised:"' \
	'[ $(grep -c "^  line [0-9]*: person_id=" "$TMP/out") -eq 2 ]'

# --- an Excel form: title block, numbering row, two sheets -----------------
inspect "$F/xlsx/forms/roster_HN.xlsx"
check "an xlsx form: both sheets, header row under the title block" 0 \
	'has "format: xlsx"' \
	"has \"sheet 'Danh sách 1': read\"" "has \"sheet 'Danh sách 2': read\"" \
	'[ $(grep -c "^  header row: 6; title rows skipped: 3; numbering rows skipped: 1; totals and signature rows skipped: 5$" "$TMP/out") -eq 2 ]' \
	"has \"    9 'Mã đối tượng' -> group_code\"" \
	"grep -q \"^  sheet 'Danh sách 1' row 8: person_id=084080000001 \" \"\$TMP/out\"" \
	"grep -q \"^  sheet 'Danh sách 2' row 18: BAD_DATE: \" \"\$TMP/out\""

# --- a registry extract as a form ----------------------------------------
inspect --kind registry "$F/forms/registry_vss.csv"
check "--kind registry: semicolons, checkbox sex column, status" 0 \
	'has "== $F/forms/registry_vss.csv (registry)"' \
	'has "format: semicolon"' "has \"delimiter: ';'\"" \
	"has \"    5 'Nữ' -> sex (checkbox)\"" \
	"has \"    9 'Tình trạng' -> status\"" \
	'grep -q "^  line 43: BAD_STATUS: " "$TMP/out"'
inspect "$F/forms/registry_vss.csv"
check "the same file as a roster: no group column, exit 1 and why" 1 \
	'grep -q "registry_vss.csv.*:6: roster input: .*missing required column: group_code (Mã đối tượng" "$TMP/err"' \
	'has "  header row: none found"' \
	'! grep -q "NGUYỄN" "$TMP/err"'

# --- encodings ------------------------------------------------------------
inspect "$F/bad/roster_cp1258.csv"
check "a Windows-1258 file without --encoding: exit 1, says why" 1 \
	'grep -q "roster_cp1258.csv.*not valid UTF-8.*give --encoding" "$TMP/err"' \
	'has "  header row: none found"'
inspect --encoding windows-1258 "$F/bad/roster_cp1258.csv"
check "with --encoding windows-1258 it reads" 0 \
	'has "encoding: CP1258 (--encoding)"' \
	"has \"    2 'Họ và tên' -> full_name\"" \
	'grep -q "full_name=.NGUYỄN VĂN AN." "$TMP/out"' \
	'has "rows read: 7, accepted: 7, rejected: 0"'

# --- a file that cannot be read ----------------------------------------------
printf 'STT,Ho va ten,Ngay sinh\n1,Nguyen Van A,01/01/1990\n' > "$TMP/noid.csv"
inspect --kind registry "$TMP/noid.csv"
check "a registry without its ID column: exit 1, the library's message" 1 \
	'grep -q "noid.csv" "$TMP/err"' \
	'grep -qi "Số định danh\|CCCD" "$TMP/err"' \
	'! grep -q "Nguyen Van A" "$TMP/err"'
inspect "$F/small/roster_HN.csv" "$TMP/missing.csv"
check "a missing file among good ones: both shown, exit 1" 1 \
	'has "rows read: 27, accepted: 21, rejected: 6"' \
	'grep -q "missing.csv" "$TMP/err"'

# --- usage --------------------------------------------------------------
inspect
check "no FILE: usage (exit 2)" 2 'grep -q "no FILE" "$TMP/err"'
inspect "$F/small/roster_XA.csv,commune=29266,group=HN"
check "a roster's per-file defaults: shown, and in the normalised rows" 0 \
	'has "default commune: 29266 (taken by 4 rows)"' \
	'has "default group: HN (taken by 3 rows)"' \
	'has "  line 5: person_id= cmnd= bhxh_code= full_name='"'"'MAI THỊ CHÍN'"'"' dob=1969-09-09 sex=F commune=29266 group=HN"'
inspect "$F/forms/roster_HN.csv"
check "a CSV form: a sub-header joined, the footer counted" 0 \
	'has "  header row: 7 (two rows); title rows skipped: 5; numbering rows skipped: 1; totals and signature rows skipped: 5"' \
	"has \"    3 'Số CCCD/ĐDCN' -> person_id\"" \
	"has \"    4 'Số CMND' -> cmnd\"" \
	'has "rows read: 27, accepted: 21, rejected: 6"'
inspect "$F/bad/roster_broken.csv"
check "a mostly-rejected file: inspect says a run stops on it" 0 \
	'has "warning: a run stops on this file: 6 of 9 rows rejected, more than --max-file-rejects 50%"'
inspect "$F/small/roster_HN.csv"
check "a file with few rejects: no such warning" 0 \
	'! grep -q "a run stops on this file" "$TMP/out"'
inspect --kind nobody "$F/small/roster_HN.csv"
check "--kind nobody: usage (exit 2)" 2 'grep -q "kind" "$TMP/err"'
inspect --rows x "$F/small/roster_HN.csv"
check "--rows x: usage (exit 2)" 2 'grep -q "rows" "$TMP/err"'
inspect --out x "$F/small/roster_HN.csv"
check "--out is not an option of inspect (exit 2)" 2 \
	'grep -q "unrecognized option" "$TMP/err"'
inspect --help
check "--help says it prints personal data" 0 \
	'head -n 1 "$TMP/out" | grep -q "^usage: doisoat inspect"' \
	'grep -q "prints personal data" "$TMP/out"'

# --- nothing written --------------------------------------------------------
if [ -z "$(ls -A "$TMP/cwd" "$TMP/home" | grep -v ':$')" ]; then
	ok "inspect wrote nothing in its folder, HOME or TMPDIR"
else
	not_ok "inspect wrote files" "$(ls -lA "$TMP/cwd" "$TMP/home")"
fi

summary inspect
