#!/bin/sh
# tests/e2e/spill.sh BUILD: doisoat run --memory-limit (rules.md R7.14,
# etl/spill.h).  A run whose inputs need more than the limit decides its
# people in partitions, one at a time, and gives the outputs of the run
# in memory: on fixtures/small (2, 7 and as many partitions as it has
# groups), on a generated 20,000-person messy district (2 and 7), every
# list and coverage.csv byte for byte, the workbooks byte for byte (cell
# for cell when the bytes differ, to show where), summary.json but for
# "timings" and the inputs' "seconds"; with one thread too; with
# --partition I/N, the partition's folder of the run in memory; past
# --max-rejects, exit 3 and the same folder; a roster row merged into its
# twin, which rule 3 must leave out in every partition.  Then: no partition folder
# is left in the output folder, and the outputs are mode 0600; standard
# input and a named pipe are never spilled (they cannot be read twice),
# and the estimate does not open a pipe; the limit's bad values, in
# --memory-limit and $DOISOAT_MEMORY_LIMIT; a run killed by SIGTERM while it spills leaves no staging
# folder and the previous outputs whole.  One line per test, "ok N -
# name" or "not ok N - name", then "spill: N passed, N failed".
BUILD=${1:-build}
BIN=$BUILD/doisoat
TMP=$(mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$TMP"' EXIT
. tests/lib.sh
. tests/e2e/same.sh
LISTS="increase decrease change renew uninsured review rejects coverage"
COMMON="--period 2024 --today 2024-06-30 --no-db"

# doisoat NAME OUT [OPTION...]: doisoat run on the inputs of fixture
# NAME ($TMP/NAME.args, one option a line) into OUT, its log in OUT.log
doisoat() {
	d_fix=$1
	d_out=$2
	shift 2
	while IFS= read -r a; do set -- "$@" "$a"; done < "$TMP/$d_fix.args"
	# shellcheck disable=SC2086
	"$BIN" run $COMMON --out "$d_out" "$@" 2> "$d_out.log"
}

# same A B: the same files, every list byte for byte, the workbooks (a
# partition folder has none) byte for byte, else cell for cell, to show
# where, the same summary.json
same() {
	same_files "$1" "$2" && same_lists "$1" "$2" &&
		{ [ ! -d "$1/lists" ] || same_workbooks "$1" "$2" quick; } &&
		same_summary "$1" "$2"
}

# limit_for NAME N: the limit that splits NAME into N partitions, from
# the rows its probe run read (rows, leads and rejects, SPILL_ROW_BYTES =
# 300 bytes each)
limit_for() {
	l_rows=$(sed -n 's/.* \([0-9]*\) rows need more than.*/\1/p' "$TMP/$1.probe.log")
	echo $(((l_rows * 300 + $2 - 1) / $2))
}

# spilled NAME N [OPTION...]: a run of NAME in N partitions equals the run
# in memory ($TMP/NAME.full)
spilled() {
	s_fix=$1
	s_n=$2
	shift 2
	s_out=$TMP/$s_fix.$s_n$(echo "$*" | tr -dc 'a-z0-9')
	s_name="$s_fix, $s_n partitions${*:+ ($*)}"
	if ! doisoat "$s_fix" "$s_out" --memory-limit "$(limit_for "$s_fix" "$s_n")" "$@"; then
		not_ok "$s_name: the run succeeds" "$s_out.log"
		return
	fi
	if grep -q "need more than --memory-limit .*: $s_n partitions of people" "$s_out.log"; then
		ok "$s_name: the run says so"
	else
		not_ok "$s_name: the run says so" "$s_out.log"
	fi
	if same "$TMP/$s_fix.full" "$s_out" > "$TMP/d" 2>&1; then
		ok "$s_name: the outputs of the run in memory"
	else
		not_ok "$s_name: the outputs of the run in memory" "$TMP/d"
	fi
}

sh etl/sh/fixture-args.sh fixtures/small > "$TMP/small.args"
"$BUILD/gen-fixture" --out "$TMP/messy" --messy --people 20000 > /dev/null 2>&1 &&
	sh etl/sh/fixture-args.sh "$TMP/messy" > "$TMP/messy.args"
for name in small messy; do
	doisoat "$name" "$TMP/$name.full" ||
		not_ok "$name: the run in memory" "$TMP/$name.full.log"
done
# its log tells the rows read; a limit of 1 byte: as many partitions as
# there are groups
doisoat small "$TMP/small.probe" --memory-limit 1
doisoat messy "$TMP/messy.probe" --memory-limit 2M
grep -q "rows need more than --memory-limit 1 bytes: [0-9]* partitions" \
	"$TMP/small.probe.log" &&
	ok "small, a limit of 1 byte: every group its own partition" ||
	not_ok "small, a limit of 1 byte: every group its own partition" "$TMP/small.probe.log"
# a group larger than the limit: the run says its partition passes it
grep -q "the largest group of rows that may be one person ([0-9]* rows) needs about [0-9]* MiB, more than --memory-limit" \
	"$TMP/small.probe.log" &&
	ok "small, a limit of 1 byte: the run warns that a group passes it" ||
	not_ok "small, a limit of 1 byte: the run warns that a group passes it" "$TMP/small.probe.log"
same "$TMP/small.full" "$TMP/small.probe" > "$TMP/d" 2>&1 &&
	ok "small, every group its own partition: the outputs of the run in memory" ||
	not_ok "small, every group its own partition: the outputs of the run in memory" "$TMP/d"
spilled small 2
spilled small 7
spilled messy 2
spilled messy 7
DOISOAT_THREADS=1 spilled messy 3

# the merge holds every list row (75 bytes an input row): the run says
# when that passes the limit (7 partitions), not when it does not (2)
grep -q "the merge of the partitions holds every list row" "$TMP/messy.7.log" &&
	! grep -q "the merge of the partitions" "$TMP/messy.2.log" &&
	! grep -q "its partition passes the limit" "$TMP/messy.2.log" &&
	ok "the run warns when the merge needs more than the limit" ||
	not_ok "the run warns when the merge needs more than the limit" "$TMP/messy.7.log"

# the limit set in the environment, as --memory-limit's default
DOISOAT_MEMORY_LIMIT=$(limit_for small 4) doisoat small "$TMP/env"
grep -q ": 4 partitions of people" "$TMP/env.log" && same "$TMP/small.full" "$TMP/env" > "$TMP/d" 2>&1 &&
	ok "\$DOISOAT_MEMORY_LIMIT: the default limit" ||
	not_ok "\$DOISOAT_MEMORY_LIMIT: the default limit" "$TMP/env.log"
# a limit the inputs fit under: the run stays in memory
doisoat small "$TMP/fits" --memory-limit 4G
grep -q "need more than" "$TMP/fits.log" &&
	not_ok "a limit the inputs fit under: no partition" "$TMP/fits.log" ||
	ok "a limit the inputs fit under: no partition"

# --partition I/N with a limit: the partition folder of the run in memory
doisoat messy "$TMP/p1" --partition 1/3
doisoat messy "$TMP/p1s" --partition 1/3 --memory-limit "$(limit_for messy 5)"
grep -q ": 5 partitions of people" "$TMP/p1s.log" &&
	same "$TMP/p1" "$TMP/p1s" > "$TMP/d" 2>&1 &&
	same_csv "$TMP/p1" "$TMP/p1s" partition-keys partition-coverage >> "$TMP/d" 2>&1 &&
	ok "--partition 1/3 in 5 partitions of people: the partition's folder" ||
	not_ok "--partition 1/3 in 5 partitions of people: the partition's folder" "$TMP/d"

# rule 3 across partitions: a card holder's name on a roster row of
# another person, merged into its twin (R4.3), which is in another
# commune: rule 3 leaves the merged row out, so the card ends
# (NOT_ON_ROSTER); a run whose partitions took the merged row for a row
# of its own would put the card holder in review
mkdir "$TMP/twin"
cat > "$TMP/twin/cards_2023.csv" <<'EOF2'
card_code,person_id,full_name,dob,sex,commune_code,group_code,benefit_level,hospital_code,valid_from,valid_to
HN2848400000071,084080000071,NGUYỄN VĂN NAM,05/05/1980,Nam,29266,,,84101,01/01/2023,31/12/2023
EOF2
cat > "$TMP/twin/registry.csv" <<'EOF2'
person_id,cmnd,full_name,dob,sex,commune_code,ethnicity,household_code,status,status_date
084080000071,,NGUYỄN VĂN NAM,05/05/1980,Nam,29266,Kinh,,,
084170000073,,LÊ THỊ HOA,07/07/1970,Nữ,29266,Kinh,,,
084080000072,,NGUYỄN VĂN NAM,05/05/1980,Nam,29269,Kinh,,,
EOF2
cat > "$TMP/twin/roster_GD.csv" <<'EOF2'
person_id,cmnd,bhxh_code,full_name,dob,sex,commune_code,group_code,hospital_code,Số tháng
084080000072,,,Nguyễn Văn Nam,05/05/1980,Nam,29269,GD,,
084080000072,,,Nguyễn Văn Nam,05/05/1980,Nam,29266,GD,,
EOF2
sh etl/sh/fixture-args.sh "$TMP/twin" > "$TMP/twin.args"
doisoat twin "$TMP/twin.full"
doisoat twin "$TMP/twin.1" --memory-limit 1
grep -q "^084080000071,.*,NOT_ON_ROSTER," "$TMP/twin.full/decrease.csv" &&
	grep -q ": [2-9] partitions of people" "$TMP/twin.1.log" &&
	same "$TMP/twin.full" "$TMP/twin.1" > "$TMP/d" 2>&1 &&
	ok "a roster row merged into its twin of another commune: no card holder's match in any partition" ||
	not_ok "a roster row merged into its twin of another commune: no card holder's match in any partition" "$TMP/d"

# past --max-rejects: exit 3, and the outputs of the run in memory
doisoat small "$TMP/rej" --max-rejects 0
r_full=$?
doisoat small "$TMP/rejs" --max-rejects 0 --memory-limit "$(limit_for small 3)"
r_spill=$?
[ "$r_full$r_spill" = 33 ] && same "$TMP/rej" "$TMP/rejs" > "$TMP/d" 2>&1 &&
	ok "past --max-rejects: exit 3, the same outputs" ||
	not_ok "past --max-rejects: exit 3, the same outputs" "exit $r_full $r_spill"

# nothing of the partitions is left, and the outputs are private
S=$TMP/small.7
if [ -z "$(find "$S" -name '.spill*' -o -name '.doisoat-*' -o -name 'partition-*')" ] &&
	[ -z "$(find "$S" -type f ! -perm 600)" ]; then
	ok "no partition folder left; every output mode 0600"
else
	not_ok "no partition folder left; every output mode 0600" "$(ls -laR "$S")"
fi

# standard input cannot be read twice: the run holds it, and says so
mkdir -p "$TMP/stdin"
if "$BIN" run $COMMON --out "$TMP/stdin/out" --memory-limit 1 \
	--prior fixtures/small/cards_2023.csv \
	--registry fixtures/small/registry.csv \
	--roster -=GD < fixtures/small/roster_GD.csv 2> "$TMP/stdin/log" &&
	grep -q "standard input cannot be read twice" "$TMP/stdin/log" &&
	! grep -q "need more than" "$TMP/stdin/log"; then
	ok "standard input: the run holds it whole, and says why"
else
	not_ok "standard input: the run holds it whole, and says why" "$TMP/stdin/log"
fi

# a named pipe neither: the estimate does not open it (what is read of a
# pipe is gone), the run holds it, and the lists are those of the file
mkfifo "$TMP/gd.fifo"
timeout 60 sh -c 'cat fixtures/small/roster_GD.csv > "$1"' sh "$TMP/gd.fifo" &
if timeout 60 "$BIN" run $COMMON --out "$TMP/fifo" --memory-limit 1 \
	--prior fixtures/small/cards_2023.csv \
	--registry fixtures/small/registry.csv \
	--roster "$TMP/gd.fifo=GD" 2> "$TMP/fifo.log" &&
	"$BIN" run $COMMON --out "$TMP/file" \
		--prior fixtures/small/cards_2023.csv \
		--registry fixtures/small/registry.csv \
		--roster fixtures/small/roster_GD.csv=GD 2> /dev/null &&
	grep -q "gd.fifo cannot be read twice" "$TMP/fifo.log" &&
	same_lists "$TMP/fifo" "$TMP/file" >> "$TMP/fifo.log" 2>&1; then
	ok "a named pipe: read once, whole, and the run says why it holds it"
else
	not_ok "a named pipe: read once, whole, and the run says why it holds it" "$TMP/fifo.log"
fi
wait

# bad values
for v in 0 abc 4X 4G4 -1 99999999999999999999; do
	"$BIN" run $COMMON --out "$TMP/bad" --memory-limit "$v" \
		$(cat "$TMP/small.args") > "$TMP/err" 2>&1
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q "bad --memory-limit" "$TMP/err" &&
		[ ! -e "$TMP/bad/summary.json" ]; then
		ok "--memory-limit '$v' is refused (exit 2)"
	else
		not_ok "--memory-limit '$v' is refused (exit 2)" "$TMP/err"
	fi
done

# a bad $DOISOAT_MEMORY_LIMIT is refused before any work, never ignored;
# --memory-limit, given, wins over it
DOISOAT_MEMORY_LIMIT=4GiB "$BIN" run $COMMON --out "$TMP/badenv" \
	$(cat "$TMP/small.args") > "$TMP/err" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "bad DOISOAT_MEMORY_LIMIT '4GiB'" "$TMP/err" &&
	[ ! -e "$TMP/badenv" ] &&
	DOISOAT_MEMORY_LIMIT=4GiB "$BIN" run $COMMON --out "$TMP/badenv" \
		--memory-limit 4G $(cat "$TMP/small.args") 2> /dev/null; then
	ok "a bad \$DOISOAT_MEMORY_LIMIT: exit 2 before any work; --memory-limit wins"
else
	echo "exit $rc" >> "$TMP/err"
	not_ok "a bad \$DOISOAT_MEMORY_LIMIT: exit 2 before any work; --memory-limit wins" "$TMP/err"
fi

# SIGTERM while it spills: no staging folder left, the old outputs whole
cp -r "$TMP/messy.full" "$TMP/term"
# shellcheck disable=SC2046,SC2086
"$BIN" run $COMMON --out "$TMP/term" --memory-limit "$(limit_for messy 40)" \
	$(cat "$TMP/messy.args") 2> "$TMP/term.log" &
pid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(find "$TMP/term" -name '.spill-*' 2> /dev/null)" ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
rc=$?
left=$(find "$TMP/term" -name '.doisoat-*' -o -name '.spill*')
if [ "$i" -lt 100 ] && [ "$rc" -ne 0 ] && [ -z "$left" ] &&
	same "$TMP/messy.full" "$TMP/term" > "$TMP/d" 2>&1; then
	ok "SIGTERM while spilling: no staging left, the old outputs whole"
else
	echo "waited $i, exit $rc, left: $left" >> "$TMP/d"
	not_ok "SIGTERM while spilling: no staging left, the old outputs whole" "$TMP/d"
fi

summary spill
