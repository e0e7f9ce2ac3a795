# shellcheck shell=bash
# Shared by the kernel shell tests: `check WHAT CMD...` runs CMD, prints
# "ok: WHAT" or "FAIL: WHAT", and remembers a failure in $fail (the test
# ends with `exit $fail`, kselftest style: 0 pass, 1 fail).
fail=0

check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		fail=1
	fi
}
