# tests/e2e/same.sh: two output folders compared, for the suites that
# hold one run's outputs to another's (partition.sh: the merge and the
# single run; spill.sh: the spilled run and the run in memory).  Sourced
# after tests/lib.sh; uses TMP (scratch files), LISTS (the lists' names)
# and SUMMARY_SKIP (a summary.json key the two may differ in, or none).
#
#   same_files A B           the same file names, hidden ones and lists/'s
#   same_csv A B NAME...     A/NAME.csv and B/NAME.csv byte for byte
#   same_lists A B           every list and coverage.csv byte for byte
#   same_workbooks A B [quick]  the same lists/*.xlsx, at least one, cell
#                            for cell (tests/xlsx/dump.py; quick: files of
#                            equal bytes are not dumped)
#   same_summary A B         summary.json alike but for "timings", the
#                            inputs' "seconds" and $SUMMARY_SKIP

# names DIR: its files and those of its lists/, hidden ones too
names() {
	(cd "$1" && ls -a && if [ -d lists ]; then ls -a lists; fi)
}
same_files() {
	names "$1" > "$TMP/fa" && names "$2" > "$TMP/fb" &&
		diff "$TMP/fa" "$TMP/fb"
}

same_csv() {
	c_a=$1
	c_b=$2
	shift 2
	for c_n in "$@"; do
		cmp "$c_a/$c_n.csv" "$c_b/$c_n.csv" || return 1
	done
}
same_lists() {
	# shellcheck disable=SC2086
	same_csv "$1" "$2" $LISTS
}

same_workbooks() {
	(cd "$1" && ls lists/*.xlsx) > "$TMP/wa" &&
		(cd "$2" && ls lists/*.xlsx) > "$TMP/wb" &&
		diff "$TMP/wa" "$TMP/wb" || return 1
	[ -s "$TMP/wa" ] || { echo "no workbook"; return 1; }
	for f in $(cat "$TMP/wa"); do
		[ "${3:-}" = quick ] && cmp -s "$1/$f" "$2/$f" && continue
		/usr/bin/python3 tests/xlsx/dump.py "$1/$f" > "$TMP/da" &&
			/usr/bin/python3 tests/xlsx/dump.py "$2/$f" > "$TMP/db" &&
			diff "$TMP/da" "$TMP/db" || return 1
	done
}

# strip_summary DIR: its summary.json without what same_summary skips
strip_summary() {
	sed -e 's/"seconds": [0-9.]*/"seconds": -/g' -e '/^  "timings": /d' \
		"$1/summary.json" |
		if [ -n "${SUMMARY_SKIP:-}" ]; then
			grep -v "^  \"$SUMMARY_SKIP\": "
		else
			cat
		fi
}
same_summary() {
	strip_summary "$1" > "$TMP/sa" && strip_summary "$2" > "$TMP/sb" &&
		diff "$TMP/sa" "$TMP/sb"
}
