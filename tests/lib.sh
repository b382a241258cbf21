# tests/lib.sh: what every shell test suite shares, sourced after it has
# cd'ed to the top of the checkout:  . tests/lib.sh
#
#   ok NAME                  a passing test: "ok N - NAME"
#   not_ok NAME [DETAIL]     a failing one: "not ok N - NAME", then DETAIL
#                            indented with "#   " (DETAIL is a file, whose
#                            first 40 lines are shown, or a text)
#   summary SUITE            "SUITE: N passed, N failed"; status 0 when
#                            nothing failed (check.sh adds these lines up)
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
