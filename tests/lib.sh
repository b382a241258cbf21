# tests/lib.sh: what every shell test suite shares, sourced after it has
# cd'ed to the top of the checkout:  . tests/lib.sh
#
#   ok NAME                  a passing test: "ok N - NAME"
#   not_ok NAME [DETAIL]     a failing one: "not ok N - NAME", then DETAIL
#                            indented with "#   " (DETAIL is a file, whose
#                            first 40 lines are shown, or a text)
#   summary SUITE            "SUITE: N passed, N failed"; status 0 when
#                            nothing failed (check.sh adds these lines up)
#   relay OUT WHAT [PREFIX]  the "ok - …" / "not ok - …" lines a checker
#                            (tests/xlsx/*.py) wrote to the file OUT as
#                            tests of this suite (named PREFIX…), its other
#                            lines as they are; no test line at all: WHAT
#                            did not run, a failure showing OUT
n=0
passed=0
failed=0

ok() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		sed 's/^/#   /' "$2" | head -n 40
	elif [ -n "${2:-}" ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
	return 0
}

summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

relay() {
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${3:-}${line#ok - }" ;;
		"not ok - "*) not_ok "${3:-}${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done < "$1"
	grep -q '^ok - \|^not ok - ' "$1" || not_ok "${3:-}$2 ran" "$1"
}
